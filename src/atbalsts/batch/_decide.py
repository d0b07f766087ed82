"""One input line: its record, the notes of its decision, and the one-process loop the HTTP
service runs."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import TextIO

import attrs
import pydantic

from atbalsts.batch._records import BatchStats, NoEvaluationDate, RecordKind, _count_notes, _dumps
from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.errors import AtbalstsError, DocumentError, PolicyError
from atbalsts.model import Decision, SupportCase, parse_json
from atbalsts.model.decision import DecisionNote, NoteCode

#: The longest message of an ``error`` record for an unexpected exception.
MAX_ERROR_MESSAGE = 200

_REDACTED = "…"


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


@attrs.frozen
class _Settings:
    """How every line of a run is decided; sent to each worker process."""

    as_of: date | None
    trace: bool
    municipality: str | None
    numbered: bool


def _decide(
    number: int, line: str, registry: PolicyRegistry, settings: _Settings, stats: BatchStats
) -> tuple[RecordKind, str] | None:
    """The record of input line ``number`` (None for a blank line), counted in ``stats``."""
    if not line.strip():
        return None
    try:
        case = parse_json(SupportCase, line, name=f"line {number}")
        day = settings.as_of or latest_observation(case)
        if day is None:
            raise NoEvaluationDate(
                "the case has no observation to take the evaluation date from; give one (--as-of)"
            )
        municipality = settings.municipality
        policy_set = registry.policy_set(municipality or case.learner.enrolment.municipality)
        evaluation = policy_set.run(case, day, trace=settings.trace)
        decision = to_decision(evaluation, policy_set.codes)
        notes = decision_notes(decision, case, registry, municipality)
        if notes != decision.notes:
            decision = decision.model_copy(update={"notes": notes})
        text = decision.model_dump_json()
    except DocumentError as err:
        stats.invalid += 1
        rows = [{"path": e.path, "message": e.message} for e in err.errors]
        return "invalid", _dumps({"line": number, "invalid": rows})
    except PolicyError as err:  # e.g. two installed plugins govern this municipality
        stats.errors += 1
        return "error", _dumps({"line": number, "type": type(err).__name__, "error": str(err)})
    except Exception as err:  # the batch's safety net: one line never stops the others
        stats.errors += 1
        message = _safe_message(err, line)
        return "error", _dumps({"line": number, "type": type(err).__name__, "error": message})
    stats.evaluated += 1
    stats.incomplete += not decision.complete
    _count_notes(stats, decision.notes)
    if settings.numbered:  # the line number first, then the Decision's own fields unchanged
        text = f'{{"line":{number},{text[1:]}'
    return "decision", text


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

    This is the loop the HTTP service runs, in this process: a decision is the Decision
    document exactly as ``Decision.model_dump_json()`` writes it, without the
    ``line`` key, and no summary follows. :func:`iter_decisions` gives the records of
    ``atbalsts batch`` (numbered, with a summary) and runs on several processes.
    """
    stats = BatchStats()
    settings = _Settings(as_of=as_of, trace=trace, municipality=municipality, numbered=False)
    for number, line in enumerate(lines, start=1):
        record = _decide(number, line, registry, settings, stats)
        if record is not None:
            out.write(record[1] + "\n")
    return stats


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
