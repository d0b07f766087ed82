"""Batch evaluation: JSON Lines of support cases in, one JSON line per case out.

Every non-blank input line gives exactly one output line, in input order: the Decision, an
``invalid`` record naming the line and every failing field path, or an ``error`` record when the
learner's policy set cannot be built (a conflict between installed plugins). Nothing is dropped,
and a file is written whole or not at all.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TextIO

import attrs

from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.errors import AtbalstsError, DocumentError, PolicyError
from atbalsts.model import SupportCase, parse_json

__all__ = ["BatchStats", "evaluate_file", "evaluate_lines"]


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
            policy_set = registry.policy_set(case.learner.enrolment.municipality)
            evaluation = policy_set.run(case, as_of, trace=trace)
        except DocumentError as err:
            stats.invalid += 1
            rows = [{"path": e.path, "message": e.message} for e in err.errors]
            _write(out, {"line": number, "invalid": rows})
            continue
        except PolicyError as err:  # e.g. two installed plugins govern this municipality
            stats.invalid += 1
            _write(out, {"line": number, "error": str(err)})
            continue
        decision = to_decision(evaluation, policy_set.codes)
        stats.evaluated += 1
        stats.incomplete += not decision.complete
        out.write(decision.model_dump_json() + "\n")
    return stats


def _write(out: TextIO, record: dict[str, object]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def evaluate_file(
    source: Path,
    target: Path | None,
    *,
    as_of: date,
    registry: PolicyRegistry,
    trace: bool = False,
) -> BatchStats:
    """Evaluate the JSON Lines file ``source`` into ``target`` (standard output if None).

    The target is written to a temporary file beside it and renamed into place only when every
    line is done, so it is never left half-written; it may not be the source itself.
    """
    import sys

    if target is not None and target.resolve() == source.resolve():
        raise _BatchError(f"the output {target} would overwrite the input")
    with source.open(encoding="utf-8") as lines:  # opened first: a missing input writes nothing
        if target is None:
            return evaluate_lines(lines, sys.stdout, as_of=as_of, registry=registry, trace=trace)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                stats = evaluate_lines(lines, out, as_of=as_of, registry=registry, trace=trace)
            os.replace(temporary, target)
        except UnicodeDecodeError:
            Path(temporary).unlink(missing_ok=True)
            raise _BatchError(f"cannot read {source}: it is not UTF-8 text") from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return stats


class _BatchError(AtbalstsError):
    """The batch cannot run as asked."""
