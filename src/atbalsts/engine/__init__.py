"""The host side: load plugins, build a checked policy set once, evaluate cases against it.

Most hosts need only :class:`atbalsts.PolicyRegistry`::

    registry = PolicyRegistry.load()
    decision = registry.evaluate(case, as_of=date(2025, 3, 3))

This namespace holds the machinery beneath it: plugin loading with its allow and block lists,
composition, compiled policies, fact derivation and the Decision builder.
"""

from __future__ import annotations

from atbalsts._markers import publish
from atbalsts.engine._assemble import decision_data, rule_table_of
from atbalsts.engine._compact import always_written, expand_decision
from atbalsts.engine._compact_write import compact_decision
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
from atbalsts.engine._refs import FULL_REFS, Refs, RuleTable, TableRefs
from atbalsts.policy._registrar import Declaration

__all__ = [
    "ENV_ALLOW",
    "ENV_BLOCK",
    "FULL_REFS",
    "CompiledPolicy",
    "CompiledRule",
    "Composition",
    "Declaration",
    "Evaluation",
    "LoadResult",
    "PluginSource",
    "PolicyRegistry",
    "PolicySet",
    "Refs",
    "RuleTable",
    "TableRefs",
    "always_written",
    "check_declarations",
    "compact_decision",
    "decision_data",
    "decision_json",
    "derive_facts",
    "expand_decision",
    "load_plugins",
    "rule_table_of",
    "to_decision",
]

publish(__name__, globals(), [n for n in __all__ if n not in ("PolicyRegistry", "PolicySet")])
# The registry and policy set are the hosts' front door's: named there however they are imported.
publish("atbalsts", globals(), ["PolicyRegistry", "PolicySet"])
