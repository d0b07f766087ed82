"""Evaluation in three steps, each in its own module:

1. :mod:`~atbalsts.engine._run` runs the rules in force on the facts, each isolated, and checks
   their outcomes (:mod:`~atbalsts.engine._fit`), giving the raw :class:`Evaluation`: tuples and
   small attrs values, all the hot path builds;
2. :mod:`~atbalsts.engine._combine` combines the outcomes of each decision kind by its hit policy;
3. :mod:`~atbalsts.engine._assemble` writes the Decision's JSON from plain data
   (:func:`decision_json`), or builds the pydantic :class:`~atbalsts.model.Decision`
   (:func:`to_decision`) when a caller wants the document.
"""

from __future__ import annotations

from atbalsts.engine._assemble import decision_json, to_decision
from atbalsts.engine._run import Evaluation, evaluate_facts

__all__ = ["Evaluation", "decision_json", "evaluate_facts", "to_decision"]
