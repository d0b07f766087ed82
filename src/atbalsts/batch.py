"""Batch evaluation: JSON Lines of support cases in, one JSON line per case out.

Every non-blank input line gives exactly one output line, in input order: the Decision, an
``invalid`` record naming the line and every failing field path, or an ``error`` record when the
case has no evaluation date (none given and no observation), the learner's policy set cannot be
built (a conflict between installed plugins) or the evaluation of that line failed unexpectedly.
Nothing is dropped, one line never stops the others, and a file is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

import attrs
import pydantic

from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.errors import AtbalstsError, DocumentError, PolicyError
from atbalsts.model import Decision, SupportCase, parse_json
from atbalsts.model.decision import DecisionNote, NoteCode

__all__ = [
    "BatchStats",
    "BatchStopped",
    "NoEvaluationDate",
    "decision_notes",
    "evaluate_file",
    "evaluate_lines",
    "latest_observation",
]

#: The longest message of an ``error`` record for an unexpected exception.
MAX_ERROR_MESSAGE = 200

_REDACTED = "…"


@attrs.define
class BatchStats:
    """Counts of a batch run, one per non-blank input line.

    ``evaluated``: decided (``incomplete`` of them are incomplete Decisions). ``invalid``: the line
    is not a valid support case. ``errors``: the case had no evaluation date, the policy set could
    not be built or the evaluation failed; the line has an ``error`` record.

    Of the decisions, ``without_policy`` counts those the national baseline made alone because no
    installed policy governs the municipality asked for (by municipality), and ``without_data``
    those with no observation dated on or before the evaluation date (their "no findings" means
    no data); each such decision carries the note that says so.
    """

    evaluated: int = 0
    invalid: int = 0
    incomplete: int = 0
    errors: int = 0
    without_policy: dict[str, int] = attrs.field(factory=dict)
    without_data: int = 0


class NoEvaluationDate(AtbalstsError):
    """No evaluation date was given and the case has no observation to take one from."""


def latest_observation(case: SupportCase) -> date | None:
    """The date of the case's latest observation: the evaluation date when none is given."""
    return max((o.as_of for o in case.observations), default=None)


def decision_notes(
    decision: Decision,
    case: SupportCase,
    registry: PolicyRegistry,
    municipality: str | None = None,
) -> tuple[DecisionNote, ...]:
    """The notes of ``decision`` (the case's learner decided under the policy of
    ``municipality``, default the learner's), with the two a reader must not miss added when the
    engine did not write them: no installed policy governs the municipality
    (``no_municipal_policy``), and no observation is dated on or before the evaluation date
    (``no_observation_on_date``)."""
    notes = list(decision.notes)
    codes = {str(n.code) for n in notes}
    as_of = decision.as_of
    chosen = municipality or case.learner.enrolment.municipality
    if NoteCode.NO_MUNICIPAL_POLICY not in codes and not any(
        p.municipality == chosen and p.in_force(as_of) for p in registry.policies
    ):
        detail: dict[str, str | int | float | bool | None] = {"municipality": chosen}
        notes.append(DecisionNote(code=NoteCode.NO_MUNICIPAL_POLICY, detail=detail))
    if NoteCode.NO_OBSERVATION_ON_DATE not in codes and not any(
        o.as_of <= as_of for o in case.observations
    ):
        notes.append(DecisionNote(code=NoteCode.NO_OBSERVATION_ON_DATE))
    return tuple(notes)


def _count_notes(stats: BatchStats, notes: Iterable[DecisionNote]) -> None:
    for note in notes:
        if note.code == NoteCode.NO_MUNICIPAL_POLICY:
            where = str(note.detail.get("municipality"))
            stats.without_policy[where] = stats.without_policy.get(where, 0) + 1
        elif note.code == NoteCode.NO_OBSERVATION_ON_DATE:
            stats.without_data += 1


class BatchStopped(BaseException):
    """The batch was stopped through its ``stop`` event before every line was done.

    Like ``KeyboardInterrupt`` it is not an ``Exception``: cleanup code sees it, a handler of
    ordinary errors does not swallow it.
    """


def evaluate_lines(
    lines: Iterable[str],
    out: TextIO,
    *,
    as_of: date | None,
    registry: PolicyRegistry,
    trace: bool = False,
    municipality: str | None = None,
) -> BatchStats:
    """Evaluate each case in ``lines`` on ``as_of`` and write one JSON line per input line.

    With ``as_of`` None each case is evaluated on the date of its latest observation, as
    ``atbalsts evaluate`` does; a case with no observation then gets an ``error`` record
    (``NoEvaluationDate``). Each case is decided under the policy of its learner's municipality,
    or of ``municipality`` when one is given. Every decision carries its notes
    (``decision_notes``); :class:`BatchStats` counts the two that matter most.

    The trace is left out unless ``trace`` is true: it is the bulk of a decision's size. The
    stamp in each decision is enough to reproduce the full trace later with ``evaluate``.

    A line that fails for any reason other than invalid input gets an ``error`` record
    (``{"line": N, "type": "ExceptionName", "error": "message"}``) and the batch goes on; the
    message of an unexpected exception is cut to 200 characters with the case's own values
    removed. Only errors writing ``out`` and interrupts (``KeyboardInterrupt``, ``SystemExit``)
    stop the batch.
    """
    stats = BatchStats()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = parse_json(SupportCase, line, name=f"line {number}")
            day = as_of or latest_observation(case)
            if day is None:
                raise NoEvaluationDate(
                    "the case has no observation to take the evaluation date from; give one "
                    "(--as-of)"
                )
            policy_set = registry.policy_set(municipality or case.learner.enrolment.municipality)
            evaluation = policy_set.run(case, day, trace=trace)
            decision = to_decision(evaluation, policy_set.codes)
            notes = decision_notes(decision, case, registry, municipality)
            if notes != decision.notes:
                decision = decision.model_copy(update={"notes": notes})
            text = decision.model_dump_json()
        except DocumentError as err:
            stats.invalid += 1
            rows = [{"path": e.path, "message": e.message} for e in err.errors]
            _write(out, {"line": number, "invalid": rows})
            continue
        except PolicyError as err:  # e.g. two installed plugins govern this municipality
            stats.errors += 1
            _write(out, {"line": number, "type": type(err).__name__, "error": str(err)})
            continue
        except Exception as err:  # the batch's safety net: one line never stops the others
            stats.errors += 1
            message = _safe_message(err, line)
            _write(out, {"line": number, "type": type(err).__name__, "error": message})
            continue
        stats.evaluated += 1
        stats.incomplete += not decision.complete
        _count_notes(stats, decision.notes)
        out.write(text + "\n")
    return stats


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise BatchStopped


def _until(stop: threading.Event | None, lines: Iterable[str]) -> Iterator[str]:
    """``lines``, raising :class:`BatchStopped` before the next one once ``stop`` is set."""
    for line in lines:
        _check(stop)
        yield line


def _write(out: TextIO, record: dict[str, object]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def _safe_message(err: Exception, line: str) -> str:
    """The message of an unexpected exception without the case's values, at most
    :data:`MAX_ERROR_MESSAGE` characters."""
    if isinstance(err, AtbalstsError):  # our own messages never carry sensitive values
        message = str(err)
    elif isinstance(err, pydantic.ValidationError):  # its text would show the input values
        message = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or err.title}: {e['msg']}"
            for e in err.errors(include_url=False, include_input=False, include_context=False)
        )
    else:
        message = str(err)
        values = sorted(_strings(line), key=len, reverse=True)
        if values:  # whole values only: a short code must not cut words of the message apart
            alternatives = "|".join(re.escape(v) for v in values)
            message = re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", _REDACTED, message)
    message = " ".join(message.split()) or "(no message)"
    if len(message) > MAX_ERROR_MESSAGE:
        message = message[: MAX_ERROR_MESSAGE - 1] + _REDACTED
    return message


def _strings(line: str) -> set[str]:
    """Every string value of the JSON ``line`` (two characters or more)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            if len(node) > 1:
                found.add(node)
        elif isinstance(node, dict):
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    with contextlib.suppress(ValueError, RecursionError):
        walk(json.loads(line))
    return found


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (POSIX, main thread) for the few statements that create the
    temporary file and record its name, so an interrupt cannot leave an unnamed file behind."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def evaluate_file(
    source: Path,
    target: Path | None,
    *,
    as_of: date | None,
    registry: PolicyRegistry,
    trace: bool = False,
    stop: threading.Event | None = None,
    municipality: str | None = None,
) -> BatchStats:
    """Evaluate the JSON Lines file ``source`` into ``target`` (standard output if None);
    ``as_of``, ``trace`` and ``municipality`` as for :func:`evaluate_lines`.

    The source may start with a UTF-8 byte-order mark. The target is written to a temporary file
    beside it (readable by its owner only) and renamed into place only when every line is done,
    so it is complete or absent: on any exception, ``KeyboardInterrupt`` and ``BatchStopped``
    included, the temporary file is removed and an existing target is left as it was. When the
    event ``stop`` is set (by a signal handler or another thread), :class:`BatchStopped` is
    raised before the next line, or before the rename after the last one. The target may not be
    the source itself.

    :param stop: an event that, once set, ends the run before its next line
    :type stop: ``threading.Event`` or ``None``
    """
    import sys

    if target is not None and target.resolve() == source.resolve():
        raise _BatchError(f"the output {target} would overwrite the input")
    try:
        # opened first: a missing input writes nothing
        with source.open(encoding="utf-8-sig") as handle:
            lines = _until(stop, handle)
            if target is None:
                stats = evaluate_lines(
                    lines,
                    sys.stdout,
                    as_of=as_of,
                    registry=registry,
                    trace=trace,
                    municipality=municipality,
                )
                _check(stop)
                return stats
            return _evaluate_into(
                lines,
                target,
                as_of=as_of,
                registry=registry,
                trace=trace,
                stop=stop,
                municipality=municipality,
            )
    except UnicodeDecodeError:
        raise _BatchError(f"cannot read {source}: it is not UTF-8 text") from None


def _evaluate_into(
    lines: Iterable[str],
    target: Path,
    *,
    as_of: date | None,
    registry: PolicyRegistry,
    trace: bool,
    stop: threading.Event | None,
    municipality: str | None,
) -> BatchStats:
    temporary: str | None = None
    out: TextIO | None = None
    try:
        with _signals_held():
            handle, temporary = tempfile.mkstemp(  # mode 0600: owner only
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
            out = os.fdopen(handle, "w", encoding="utf-8")
        with out:
            stats = evaluate_lines(
                lines,
                out,
                as_of=as_of,
                registry=registry,
                trace=trace,
                municipality=municipality,
            )
        _check(stop)  # a stop that came during the last line: nothing is written either
        os.replace(temporary, target)
    except BaseException:
        if out is not None:
            with contextlib.suppress(OSError):
                out.close()
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise
    return stats


class _BatchError(AtbalstsError):
    """The batch cannot run as asked."""
