"""The plugin authors' front door: everything a policy plugin imports, and nothing host-only.

A plugin module imports from here (and from :mod:`atbalsts.codes` where it adds local codes)::

    from atbalsts.policy import DecisionKind, Facts, LegalBasis, Obligation, Params, hookimpl, rule

Loading plugins, composing policy sets and evaluating cases are the host's business:
:mod:`atbalsts` and :mod:`atbalsts.engine`.
"""

from __future__ import annotations

from atbalsts._markers import hookimpl, publish
from atbalsts._time import EARLIEST, in_force, school_year_start, term_of
from atbalsts.calendar import ExtraDays
from atbalsts.codes import Code
from atbalsts.model.decision import DecisionKind
from atbalsts.model.risk import BasisKind, LegalBasis
from atbalsts.policy import baseline
from atbalsts.policy._facts import FACT_NAMES, FACTS, PROTECTED_FACTS, RISK_KINDS, Facts
from atbalsts.policy._outcomes import (
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
from atbalsts.policy._params import Change, Parameter, ParameterValue, ValueType, load_parameters
from atbalsts.policy._registrar import (
    CodeRegistrar,
    Guard,
    PolicyInfo,
    PolicyRegistrar,
    Transition,
    guard,
)
from atbalsts.policy._rule import RULE_ID_PATTERN, Params, Rule, RuleFunction, rule

__all__ = [
    "EARLIEST",
    "FACTS",
    "FACT_NAMES",
    "PROTECTED_FACTS",
    "RISK_KINDS",
    "RULE_ID_PATTERN",
    "Allow",
    "BasisKind",
    "Change",
    "Code",
    "CodeRegistrar",
    "DecisionKind",
    "Deny",
    "ExtraDays",
    "Facts",
    "Finding",
    "Guard",
    "Issue",
    "LegalBasis",
    "Obligation",
    "Outcome",
    "Parameter",
    "ParameterValue",
    "Params",
    "PolicyInfo",
    "PolicyRegistrar",
    "Refer",
    "ReviewBy",
    "Rule",
    "RuleFunction",
    "Tier",
    "Transition",
    "ValueType",
    "Verdict",
    "baseline",
    "guard",
    "hookimpl",
    "in_force",
    "load_parameters",
    "rule",
    "school_year_start",
    "term_of",
]

publish(__name__, globals(), __all__)
