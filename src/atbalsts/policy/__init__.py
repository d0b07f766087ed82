"""The plugin contract's building blocks: rules, outcomes, dated parameters, registrars, loading.

A plugin module typically imports from here and from :mod:`atbalsts`::

    from atbalsts import hookimpl
    from atbalsts.policy import DecisionKind, LegalBasis, Obligation, rule
"""

from __future__ import annotations

from atbalsts.model.decision import DecisionKind
from atbalsts.model.risk import BasisKind, LegalBasis
from atbalsts.policy._loading import ENV_ALLOW, ENV_BLOCK, LoadResult, PluginSource, load_plugins
from atbalsts.policy._outcomes import (
    OUTCOME_TYPES,
    Allow,
    Deny,
    Finding,
    Issue,
    Obligation,
    Outcome,
    Refer,
    ReviewBy,
    Tier,
    Verdict,
)
from atbalsts.policy._params import Change, Parameter, ParameterValue, load_parameters
from atbalsts.policy._registrar import CodeRegistrar, Declaration, PolicyInfo, PolicyRegistrar
from atbalsts.policy._rule import RULE_ID_PATTERN, Params, Rule, RuleFunction, rule

__all__ = [
    "ENV_ALLOW",
    "ENV_BLOCK",
    "OUTCOME_TYPES",
    "RULE_ID_PATTERN",
    "Allow",
    "BasisKind",
    "Change",
    "CodeRegistrar",
    "DecisionKind",
    "Declaration",
    "Deny",
    "Finding",
    "Issue",
    "LegalBasis",
    "LoadResult",
    "Obligation",
    "Outcome",
    "Parameter",
    "ParameterValue",
    "Params",
    "PluginSource",
    "PolicyInfo",
    "PolicyRegistrar",
    "Refer",
    "ReviewBy",
    "Rule",
    "RuleFunction",
    "Tier",
    "Verdict",
    "load_parameters",
    "load_plugins",
    "rule",
]
