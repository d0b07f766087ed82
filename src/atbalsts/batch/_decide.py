"""One input line: its record, the notes of its decision, and the one-process loop the HTTP
service runs."""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TextIO, cast

import attrs
import pydantic
import pydantic_core

from atbalsts.batch._records import (
    BatchStats,
    NoEvaluationDate,
    RecordKind,
    _count_note,
    _dumps,
    blank_line,
)
from atbalsts.codes import CodeList
from atbalsts.engine import (
    CompiledPolicy,
    PolicyRegistry,
    TableRefs,
    compact_decision,
    decision_data,
    rule_table_of,
    to_decision,
)
from atbalsts.errors import (
    AtbalstsError,
    DocumentError,
    FieldError,
    PolicyError,
    UnknownNameError,
)
from atbalsts.model import Decision, SupportCase, parse_json
from atbalsts.model.decision import DecisionNote, NoteCode
from atbalsts.privacy import (
    PROTECTED_KIND,
    PROTECTED_MESSAGE,
    Reads,
    ViewRole,
    masked_each,
    view_decision,
)

#: The longest message of an ``error`` record for an unexpected exception.
MAX_ERROR_MESSAGE = 200

_REDACTED = "…"


def _text(data: object) -> str:
    """JSON text as pydantic writes a model's: compact, not ASCII-escaped, ISO dates."""
    return pydantic_core.to_json(data).decode()


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
    (``no_observation_on_date``).

    .. deprecated:: 0.2.0
       The engine writes both notes in every Decision: read ``decision.notes``. A property test
       checks that this function adds nothing to them; it will be removed.
    """
    warnings.warn(
        "atbalsts.batch.decision_notes is deprecated: the engine writes both notes in every "
        "Decision; read decision.notes",
        DeprecationWarning,
        stacklevel=2,
    )
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
    """How every line of a run is decided; sent to each worker process.

    ``numbered``: each decision carries its input ``line`` first. ``tables``: decisions name
    their policy, legal bases and parameters by id in a ``rule_table`` record written before the
    first decision that uses it (else each decision is the whole Decision document). ``role``:
    each decision is what that role may see of it, a whole view document (no rule tables).
    """

    as_of: date | None
    trace: bool
    municipality: str | None
    numbered: bool
    tables: bool = False
    role: str | None = None
    """Write each decision as this role's view (:func:`atbalsts.privacy.view_decision`)."""
    masked: str | None = None
    """Name an invalid line's fields as this role may see them
    (:func:`atbalsts.privacy.masked_path`)."""
    date_option: str = "--as-of"
    """How the caller gives the evaluation date, named when a case has no date to take:
    the command's option, or ``as_of`` (the parameter of :func:`evaluate_lines` and of the
    HTTP service's batch)."""

    @classmethod
    def of_batch(
        cls,
        as_of: date | None,
        trace: bool,
        municipality: str | None,
        *,
        self_contained: bool,
        role: str | None,
    ) -> _Settings:
        """The settings of ``atbalsts batch`` (numbered records; decisions naming a rule table
        unless they are self-contained or a role's view)."""
        return cls(
            as_of,
            trace,
            municipality,
            numbered=True,
            tables=not self_contained and role is None,
            role=checked_role(role),
            masked=role,
        )


#: One record as :func:`_decide` makes it: its kind, its text, and for a ``rule_table`` record
#: the table's id (None for every other kind).
Made = tuple[RecordKind, str, str | None]

#: Compiled policies whose rule table a process keeps at most (then it starts again).
_TABLES_MAX = 256


class Tables:
    """The rule tables of one run in one process: each compiled policy's table and the
    :class:`~atbalsts.engine.TableRefs` that names things by id in it, and which tables
    this process has written a record of (once each: the process that writes the records in
    order drops the copies other processes made)."""

    def __init__(self) -> None:
        self._by_policy: dict[int, tuple[CompiledPolicy, TableRefs, str]] = {}
        self.announced: set[str] = set()

    def refs(
        self, policy: CompiledPolicy, codes: Mapping[str, CodeList], out: list[Made]
    ) -> TableRefs:
        """The refs of ``policy``'s table (with the code lists ``codes``); its record appended
        to ``out`` the first time."""
        found = self._by_policy.get(id(policy))
        if found is None:
            if len(self._by_policy) >= _TABLES_MAX:
                self._by_policy.clear()
            table = rule_table_of(policy, codes)
            found = (policy, TableRefs(table), _text(table.record))
            self._by_policy[id(policy)] = found
        refs = found[1]
        if refs.table.id not in self.announced:
            self.announced.add(refs.table.id)
            out.append(("rule_table", found[2], refs.table.id))
        return refs


#: What the rules of each compiled policy declare they read, for a role's view, by the policy's
#: identity (the policy kept, so that its id is not reused): at most :data:`_TABLES_MAX`.
_READS: dict[int, tuple[CompiledPolicy, Reads]] = {}


def _reads_of(policy: CompiledPolicy) -> Reads:
    """What ``policy``'s rules declare they read (:meth:`atbalsts.privacy.Reads.declared`):
    what a role's view needs to know without the decision's trace."""
    found = _READS.get(id(policy))
    if found is None:
        if len(_READS) >= _TABLES_MAX:
            _READS.clear()
        found = _READS[id(policy)] = (policy, Reads.declared(r.rule for r in policy.rules))
    return found[1]


def checked_role(role: str | None) -> str | None:
    """``role`` if it is a view role (or None); else :class:`~atbalsts.UnknownNameError`."""
    known = [r.value for r in ViewRole]
    if role is not None and role not in known:
        raise UnknownNameError("view role", role, known)
    return role


def invalid_rows(errors: Iterable[FieldError], role: str | None = None) -> list[dict[str, Any]]:
    """The rows of an ``invalid`` record for a line's ``errors``: each the library's
    :class:`~atbalsts.errors.FieldError` as JSON data, ``path``, ``message``, ``kind`` and
    ``values`` (never the input). For an output made for ``role``, a field that role's view
    could not show is named as :func:`~atbalsts.privacy.masked_problems` names it (its path
    cut, :data:`~atbalsts.privacy.PROTECTED_MESSAGE`, each cut path once), with the kind
    :data:`~atbalsts.privacy.PROTECTED_KIND` and no values: its own kind and values could say
    what the path no longer says (an enumeration's values list the kinds of threat)."""
    if role is None:
        return [_row(e.path, e.message, e.kind, e.values) for e in errors]
    return [
        _row(path, PROTECTED_MESSAGE, PROTECTED_KIND, {})
        if e is None
        else _row(path, e.message, e.kind, e.values)
        for path, e in masked_each(((e.path, e) for e in errors), role=role)
    ]


def _row(path: str, message: str, kind: str, values: Mapping[str, str]) -> dict[str, Any]:
    return {"path": path, "message": message, "kind": kind, "values": dict(values)}


#: How a host writes each Decision its own way (:func:`evaluate_lines`): given the Decision and
#: the case it decides, the JSON text of its record; or None when the host refuses the line
#: (it has written its own record in its place): the line is then not counted as decided.
ShowDecision = Callable[[Decision, SupportCase], str | None]


def _decide(
    number: int,
    line: str,
    registry: PolicyRegistry,
    settings: _Settings,
    stats: BatchStats,
    tables: Tables | None = None,
    show: ShowDecision | None = None,
) -> list[Made]:
    """The records of input line ``number`` (none for a blank line), counted in ``stats``: a
    ``decision``, ``invalid`` or ``error`` record, after a ``rule_table`` record when the
    decision is the first in this process to use its table. With ``show``, a decision's record
    is what ``show`` makes of the Decision document and its case (an exception it raises is not
    the line's: it ends the batch)."""
    if blank_line(line):
        return []
    out: list[Made] = []
    shown: tuple[Decision, SupportCase] | None = None
    try:
        case = parse_json(SupportCase, line, name=f"line {number}")
        day = settings.as_of or latest_observation(case)
        if day is None:
            raise NoEvaluationDate(
                "the case has no observation to take the evaluation date from; give one "
                f"({settings.date_option})"
            )
        municipality = settings.municipality
        policy_set = registry.policy_set(municipality or case.learner.enrolment.municipality)
        evaluation = policy_set.run(case, day, trace=settings.trace)
        codes = policy_set.codes
        data: dict[str, Any]
        if show is not None or settings.role is not None:  # made from the document
            decision = to_decision(evaluation, codes)
            complete = decision.complete
            notes = [n.model_dump(mode="json") for n in decision.notes]
            if show is not None:  # the host's own form, written once the line is counted
                shown, data = (decision, case), {}
            else:  # the role's view
                role, reads = cast(str, settings.role), _reads_of(evaluation.policy)
                data = view_decision(decision, role=role, case=case, on=day, reads=reads)
                if not settings.trace:
                    data.pop("trace", None)
        elif tables is not None:  # by id in the rule table, what it implies left out
            refs = tables.refs(evaluation.policy, codes, out)
            data = compact_decision(evaluation, codes, refs)
            complete, notes = data["complete"], data.get("notes", ())
        else:
            data = decision_data(evaluation, codes)
            complete, notes = data["complete"], data["notes"]
        if settings.numbered:  # the line number first, then the Decision's own fields
            data = {"line": number, **data}
        text = _text(data)
    except DocumentError as err:
        stats.invalid += 1
        rows = invalid_rows(err.errors, settings.masked)
        return [("invalid", _dumps({"line": number, "invalid": rows}), None)]
    except PolicyError as err:  # e.g. two installed plugins govern this municipality
        stats.errors += 1
        record = {"line": number, "type": type(err).__name__, "error": str(err)}
        # a rule table announced before the failure stays: later decisions refer to it
        return [*out, ("error", _dumps(record), None)]
    except Exception as err:  # the batch's safety net: one line never stops the others
        stats.errors += 1
        message = _safe_message(err, line)
        record = {"line": number, "type": type(err).__name__, "error": message}
        return [*out, ("error", _dumps(record), None)]
    if show is not None and shown is not None:
        made = show(*shown)
        if made is None:  # the host refused the line and wrote its own record in its place
            return []
        text = made
    stats.evaluated += 1
    stats.incomplete += not complete
    for note in notes:
        _count_note(stats, note["code"], note.get("detail", {}))
    out.append(("decision", text, None))
    return out


def evaluate_lines(
    lines: Iterable[str],
    out: TextIO,
    *,
    as_of: date | None,
    registry: PolicyRegistry,
    trace: bool = False,
    municipality: str | None = None,
    show: ShowDecision | None = None,
    mask_for: str | None = None,
) -> BatchStats:
    """Evaluate each case in ``lines`` on ``as_of`` and write one JSON line per input line.

    With ``as_of`` None each case is evaluated on the date of its latest observation, as
    ``atbalsts evaluate`` does; a case with no observation then gets an ``error`` record
    (``NoEvaluationDate``, whose message asks for ``as_of``). Each case is decided under the
    policy of its learner's municipality, or of ``municipality`` when one is given. Every
    decision carries its notes (``decision_notes``); :class:`BatchStats` counts the two that
    matter most.

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

    ``show``, if given, writes each decision the host's own way: it is called with the Decision
    document and the case it decides, and returns the JSON text (one line) of the record, e.g.
    a role's view (the service passes each key's), or None to refuse the line, having written
    a record of its own to ``out`` instead (the service's ``Forbidden``): a refused line is not
    counted. An exception it raises ends the batch.

    ``mask_for``, a view role (:class:`~atbalsts.privacy.ViewRole`) for whom the output is
    made, names the fields of an invalid line only as far as that role's view could show them
    (:func:`atbalsts.privacy.masked_problems`: ``observations[0].(protected)`` for a suspected
    threat's date, to a role that does not see child-protection data), a field cut so with the
    kind ``protected`` and no values: a path can tell what a record holds, and so can a
    field's kind and values. Without it, every field is named whole (the host's own output).

    Each field of an ``invalid`` record is the line's :class:`~atbalsts.errors.FieldError` as
    JSON data: ``path``, ``message``, ``kind`` and ``values`` (never the input).
    """
    stats = BatchStats()
    settings = _Settings(
        as_of=as_of,
        trace=trace,
        municipality=municipality,
        numbered=False,
        masked=checked_role(mask_for),
        date_option="as_of",
    )
    for number, line in enumerate(lines, start=1):
        for _, text, _ in _decide(number, line, registry, settings, stats, show=show):
            out.write(text + "\n")
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
