"""Batch evaluation: JSON Lines of support cases in, one JSON line per case out.

Every input line gives exactly one output line, in input order: the Decision, or an ``invalid``
record naming the line and every failing field path. Nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TextIO

import attrs

from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.errors import DocumentError
from atbalsts.model import SupportCase, parse_json

__all__ = ["BatchStats", "evaluate_lines"]


@attrs.define
class BatchStats:
    """Counts of a batch run."""

    evaluated: int = 0
    invalid: int = 0
    incomplete: int = 0


def evaluate_lines(
    lines: Iterable[str],
    out: TextIO,
    *,
    as_of: date,
    registry: PolicyRegistry,
    trace: bool = False,
) -> BatchStats:
    """Evaluate each case in ``lines`` on ``as_of`` and write one JSON line per input line.

    The trace is left out unless ``trace`` is true: it is the bulk of a decision's size. The
    stamp in each decision is enough to reproduce the full trace later with ``evaluate``.
    """
    stats = BatchStats()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = parse_json(SupportCase, line, name=f"line {number}")
        except DocumentError as err:
            stats.invalid += 1
            record = {
                "line": number,
                "invalid": [{"path": e.path, "message": e.message} for e in err.errors],
            }
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            continue
        policy_set = registry.policy_set(case.learner.enrolment.municipality)
        evaluation = policy_set.run(case, as_of, trace=trace)
        decision = to_decision(evaluation, policy_set.codes)
        stats.evaluated += 1
        stats.incomplete += not decision.complete
        out.write(decision.model_dump_json() + "\n")
    return stats
