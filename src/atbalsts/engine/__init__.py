"""The host side: load plugins, build a checked policy set once, evaluate cases against it.

Most hosts need only :class:`atbalsts.PolicyRegistry`::

    registry = PolicyRegistry.load()
    decision = registry.evaluate(case, as_of=date(2025, 3, 3))

This namespace holds the machinery beneath it: plugin loading with its allow and block lists,
composition, compiled policies, fact derivation and the Decision builder.
"""

from __future__ import annotations

from atbalsts._markers import publish
from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.engine._compose import Composition, check_declarations
from atbalsts.engine._derive import derive_facts
from atbalsts.engine._evaluate import Evaluation, decision_json, to_decision
from atbalsts.engine._loading import (
    ENV_ALLOW,
    ENV_BLOCK,
    LoadResult,
    PluginSource,
    load_plugins,
)
from atbalsts.engine._policyset import PolicyRegistry, PolicySet
from atbalsts.policy._registrar import Declaration

__all__ = [
    "ENV_ALLOW",
    "ENV_BLOCK",
    "CompiledPolicy",
    "CompiledRule",
    "Composition",
    "Declaration",
    "Evaluation",
    "LoadResult",
    "PluginSource",
    "PolicyRegistry",
    "PolicySet",
    "check_declarations",
    "decision_json",
    "derive_facts",
    "load_plugins",
    "to_decision",
]

publish(__name__, globals(), [n for n in __all__ if n not in ("PolicyRegistry", "PolicySet")])
