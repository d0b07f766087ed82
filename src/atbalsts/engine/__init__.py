"""The engine: build a checked policy set once, evaluate cases against it.

::

    registry = PolicyRegistry.load()
    decision = registry.evaluate(case, as_of=date(2025, 3, 3))
"""

from __future__ import annotations

from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.engine._compose import Composition
from atbalsts.engine._evaluate import Evaluation, to_decision
from atbalsts.engine._policyset import PolicyRegistry, PolicySet
from atbalsts.engine.facts import (
    FACT_NAMES,
    FACTS,
    PROTECTED_FACTS,
    RISK_KINDS,
    Facts,
    derive_facts,
)

__all__ = [
    "FACTS",
    "FACT_NAMES",
    "PROTECTED_FACTS",
    "RISK_KINDS",
    "CompiledPolicy",
    "CompiledRule",
    "Composition",
    "Evaluation",
    "Facts",
    "PolicyRegistry",
    "PolicySet",
    "derive_facts",
    "to_decision",
]
