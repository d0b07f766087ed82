"""Reading decisions and cases into the few facts the counts need.

A decision or a case arrives as a pydantic document or as the plain ``dict`` of its JSON; both
are read by the same code (``_get`` takes a key of a dict or an attribute of a document). Only
what the counts use is kept, so a learner costs a few small tuples, and nothing is validated
beyond the shape of those fields: the batch validated the case before deciding it.

A decision of ``atbalsts batch`` output names its policy by the id of a ``rule_table`` record
written before it, and leaves out what that table implies; :class:`RuleTables` keeps the tables
as their records pass by (a few per output), and a decision is read with the table it names
(its municipality from the table's stamp, a risk group it leaves out from the table), so a
decision counts alike in the default output and in ``--self-contained`` output; a test holds
the two to the same counts.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import NamedTuple, TypeGuard

from atbalsts._jsonlines import Shape, opens
from atbalsts._time import term_of
from atbalsts.engine import RuleTable
from atbalsts.stats._errors import StatsError

__all__ = [
    "CaseFacts",
    "DecisionFacts",
    "RuleTables",
    "Unreadable",
    "case_facts",
    "decision_facts",
    "error_file_counts",
    "is_rule_table",
    "kind_of",
    "read_lines",
    "refuse_caseless",
    "refuse_uncounted",
    "summary_counts",
]


class Unreadable(Exception):
    """A record lacks a field the counts need, or has it in the wrong shape; ``path`` names it."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


#: Kinds of record in ``atbalsts batch`` output.
DECISION, INVALID, ERROR, OTHER = "decision", "invalid", "error", "other"


class PlanFacts(NamedTuple):
    term: str
    status: str
    #: ``(measure, funder, delivered)``: delivered when the plan records support given against
    #: the measure, not delivered when it records deliveries but none against it, None (not
    #: tracked) when it records no delivery.
    measures: tuple[tuple[str, str, bool | None], ...]


class ReferralFacts(NamedTuple):
    to: str
    status: str
    created_on: date
    due: date | None


class DecisionFacts(NamedTuple):
    learner_id: str
    as_of: date
    term: str
    municipality: str | None
    complete: bool
    #: ``(factor, group)`` of every finding, once each.
    findings: frozenset[tuple[str, str]]
    #: ``(action, state)`` of every obligation; the state is ``not_tracked`` where absent.
    obligations: tuple[tuple[str, str], ...]
    #: The recipient of every referral a rule makes due.
    referrals_due: tuple[str, ...]
    #: The recipient of every referral the rules only suggest (``suggestion``).
    referrals_suggested: tuple[str, ...]
    #: The plugins the stamp names (their local codes are columns of every table that counts
    #: the decision); none where the stamp names none.
    plugins: tuple[str, ...] = ()


class CaseFacts(NamedTuple):
    learner_id: str
    municipality: str | None
    school: str | None
    grade: str | None
    plans: tuple[PlanFacts, ...]
    referrals: tuple[ReferralFacts, ...]


_MISSING = object()


def _get(node: object, name: str, path: str, default: object = _MISSING) -> object:
    value = node.get(name, default) if isinstance(node, Mapping) else getattr(node, name, default)
    if value is _MISSING:
        raise Unreadable(f"{path}.{name}" if path else name)
    return value


def _text(node: object, name: str, path: str, *, optional: bool = False) -> str | None:
    value = _get(node, name, path, None if optional else _MISSING)
    if value is None and optional:
        return None
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str) or not value:
        raise Unreadable(f"{path}.{name}" if path else name)
    return sys.intern(value)  # codes and ids repeat: one string each, however many learners


def _str(node: object, name: str, path: str) -> str:
    value = _text(node, name, path)
    assert value is not None  # not optional
    return value


def _day(node: object, name: str, path: str, *, optional: bool = False) -> date | None:
    value = _get(node, name, path, None if optional else _MISSING)
    if value is None and optional:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Unreadable(f"{path}.{name}" if path else name)


def _seq(node: object, name: str, path: str, *, required: bool = False) -> tuple[object, ...]:
    value = _get(node, name, path, _MISSING if required else ())
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise Unreadable(f"{path}.{name}" if path else name)


def term_key(day: date) -> str:
    """The term of ``day`` as ``'2024/2025/2'`` (school year and semester, as ``str(Term)``)."""
    school_year, semester = term_of(day)
    return f"{school_year}/{semester}"


def _state(obligation: object, path: str) -> str:
    """The obligation's state where the decision records one as a code (``-`` and spaces read as
    ``_``), ``not_tracked`` where it records none, ``unknown`` where it is of another shape."""
    value = _get(obligation, "state", path, None)
    if value is None:
        return "not_tracked"
    if isinstance(value, Enum):
        value = value.value
    if not isinstance(value, str) or not value.strip():
        return "unknown"
    return sys.intern(value.strip().lower().replace("-", "_").replace(" ", "_"))


def is_rule_table(record: object) -> TypeGuard[Mapping[str, object]]:
    """Whether ``record`` is a ``rule_table`` record of ``atbalsts batch`` output: what every
    decision under one policy shares, which the decisions name by its id (it has no ``line``)."""
    return RuleTable.is_record(record)


def kind_of(record: object) -> str:
    """The kind of a record of ``atbalsts batch`` output: a decision, an ``invalid`` or
    ``error`` record, or another record (a ``rule_table``, a header or a summary) that the counts
    skip."""
    if not isinstance(record, Mapping):
        return DECISION
    if is_rule_table(record):
        return OTHER
    if "invalid" in record:
        return INVALID
    if "learner_id" in record:
        return DECISION
    if "error" in record:
        return ERROR
    return OTHER


class RuleTables:
    """The rule tables of one ``atbalsts batch`` output, kept as their records pass by (a few per
    output, whatever its number of learners), to read the decisions that name them."""

    def __init__(self) -> None:
        self._tables: dict[str, RuleTable] = {}

    def add(self, record: Mapping[str, object]) -> None:
        """Keep the table of the ``rule_table`` ``record`` (:func:`is_rule_table`); raises
        :class:`Unreadable` if it is not one."""
        try:
            table = RuleTable.from_record(record)
        except ValueError:
            raise Unreadable("rule_table") from None
        self._tables[table.id] = table

    def table_of(self, decision: object) -> RuleTable | None:
        """The rule table ``decision`` names by its ``policy``, or None when it holds its policy
        stamp (a document, or a decision of ``--self-contained`` output). Raises
        :class:`Unreadable` (``policy``) when no earlier record gave that table (the output was
        cut or is not whole)."""
        policy = decision.get("policy") if isinstance(decision, Mapping) else None
        if not isinstance(policy, str):
            return None
        table = self._tables.get(policy)
        if table is None:
            raise Unreadable("policy")
        return table


def _plugins(policy: object) -> tuple[str, ...]:
    """The names of the plugins a policy stamp names (``plugins``; none where it has none)."""
    return tuple(
        _str(plugin, "name", f"policy.plugins[{i}]")
        for i, plugin in enumerate(_seq(policy, "plugins", "policy"))
    )


def decision_facts(decision: object, table: RuleTable | None = None) -> DecisionFacts:
    """What the counts need of a :class:`~atbalsts.model.Decision` or of its JSON ``dict``; of a
    compact batch decision with the rule ``table`` it names (:meth:`RuleTables.table_of`): the
    municipality from the table's stamp, a finding's risk group from the table where the
    decision leaves it out (what :func:`atbalsts.engine.expand_decision` would put back; the
    other fields counted are never left out)."""
    if isinstance(decision, Mapping) and "view" in decision:
        # a role's view leaves out what the role may not see: counted, it would say too little
        raise Unreadable("view")
    # a Decision document holds every list; a compact decision leaves out the empty ones
    whole = table is None
    if table is None:
        policy = _get(decision, "policy", "")
    else:
        policy = table.record.get("stamp")
        if not isinstance(policy, Mapping):
            raise Unreadable("policy")
    groups = table.groups if table is not None else {}
    findings: set[tuple[str, str]] = set()
    for i, finding in enumerate(_seq(decision, "findings", "", required=whole)):
        at = f"findings[{i}]"
        factor = _str(finding, "factor", at)
        if table is not None and isinstance(finding, Mapping) and "group" not in finding:
            group = groups.get(factor)
            if not isinstance(group, str):
                raise Unreadable(f"{at}.group")
            findings.add((factor, sys.intern(group)))
        else:
            findings.add((factor, _str(finding, "group", at)))
    obligations = []
    for i, obligation in enumerate(_seq(decision, "obligations", "", required=whole)):
        at = f"obligations[{i}]"
        obligations.append((_str(obligation, "action", at), _state(obligation, at)))
    referrals: list[str] = []
    suggested: list[str] = []
    for i, referral in enumerate(_seq(decision, "referrals", "", required=whole)):
        at = f"referrals[{i}]"
        to = _str(referral, "to", at)
        suggestion = _get(referral, "suggestion", at, False)  # left out when false (compact)
        if not isinstance(suggestion, bool):
            raise Unreadable(f"{at}.suggestion")
        (suggested if suggestion else referrals).append(to)
    complete = _get(decision, "complete", "")
    if not isinstance(complete, bool):
        raise Unreadable("complete")
    as_of = _day(decision, "as_of", "")
    assert as_of is not None
    return DecisionFacts(
        learner_id=_str(decision, "learner_id", ""),
        as_of=as_of,
        term=term_key(as_of),
        municipality=_text(policy, "municipality", "policy", optional=True),
        complete=complete,
        findings=frozenset(findings),
        obligations=tuple(obligations),
        referrals_due=tuple(referrals),
        referrals_suggested=tuple(suggested),
        plugins=_plugins(policy),
    )


def _grade(enrolment: object) -> str | None:
    programme = _text(enrolment, "programme", "learner.enrolment", optional=True)
    if programme == "pre_school":
        return "pre_school"
    if programme == "vocational":
        course = _get(enrolment, "vocational_course", "learner.enrolment", None)
        return f"vocational_{course}" if isinstance(course, int) else None
    grade = _get(enrolment, "grade", "learner.enrolment", None)
    return str(grade) if isinstance(grade, int) and not isinstance(grade, bool) else None


def _delivered(plan: object, at: str) -> frozenset[int] | None:
    """The positions of the plan's measures some support was given against (a
    :class:`~atbalsts.model.Delivery` of sessions or hours), or None when the plan records no
    delivery at all: a host that does not record deliveries cannot be told from support not
    given, so its measures are not tracked. A delivery of another shape gives nothing."""
    deliveries = _seq(plan, "deliveries", at)
    if not deliveries:
        return None
    given = set()
    for delivery in deliveries:
        measure = _get(delivery, "measure", "", None)
        sessions = _get(delivery, "sessions", "", 0)
        hours = _get(delivery, "hours", "", None)
        if isinstance(measure, bool) or not isinstance(measure, int) or measure < 0:
            continue
        gave_sessions = (
            isinstance(sessions, int) and not isinstance(sessions, bool) and sessions > 0
        )
        gave_hours = isinstance(hours, (int, float)) and not isinstance(hours, bool) and hours > 0
        if gave_sessions or gave_hours:
            given.add(measure)
    return frozenset(given)


def _plan(plan: object, at: str) -> PlanFacts:
    term = _get(plan, "term", at)
    school_year = _str(term, "school_year", f"{at}.term")
    semester = _get(term, "semester", f"{at}.term")
    if isinstance(semester, bool) or not isinstance(semester, int):
        raise Unreadable(f"{at}.term.semester")
    given = _delivered(plan, at)
    measures = []
    for j, assignment in enumerate(_seq(plan, "measures", at)):
        where = f"{at}.measures[{j}]"
        delivered: bool | None = None if given is None else j in given
        if given is None:
            # No model has this flag: read only where the plan records no deliveries, for the
            # dicts of tests written before deliveries existed; to be dropped with them.
            flag = _get(assignment, "delivered", where, None)
            delivered = flag if isinstance(flag, bool) else None
        measures.append(
            (_str(assignment, "measure", where), _str(assignment, "funding", where), delivered)
        )
    status = _text(plan, "status", at, optional=True) or "draft"
    return PlanFacts(f"{school_year}/{semester}", status, tuple(measures))


def case_facts(case: object) -> CaseFacts:
    """What the counts need of a :class:`~atbalsts.model.SupportCase` or of its JSON ``dict``."""
    learner = _get(case, "learner", "")
    enrolment = _get(learner, "enrolment", "learner")
    plans = tuple(_plan(plan, f"plans[{i}]") for i, plan in enumerate(_seq(case, "plans", "")))
    referrals = []
    for i, referral in enumerate(_seq(case, "referrals", "")):
        at = f"referrals[{i}]"
        to = _str(_get(referral, "referred_to", at), "institution", f"{at}.referred_to")
        status = _text(referral, "status", at, optional=True) or "draft"
        created = _day(referral, "created_on", at)
        assert created is not None
        due = _day(referral, "due", at, optional=True)
        referrals.append(ReferralFacts(to, status, created, due))
    return CaseFacts(
        learner_id=_str(learner, "id", "learner"),
        municipality=_text(enrolment, "municipality", "learner.enrolment", optional=True),
        school=_text(enrolment, "school_id", "learner.enrolment", optional=True),
        grade=_grade(enrolment),
        plans=plans,
        referrals=tuple(referrals),
    )


#: The white space of JSON (RFC 8259): the only characters a blank line may hold, as
#: ``atbalsts batch`` reads its input (:func:`atbalsts.batch.blank_line`).
JSON_SPACE = " \t\r\n"


def read_lines(path: Path) -> Iterator[tuple[int, object]]:
    """``(line number, record)`` for each non-blank line of the JSON Lines file ``path``.

    A line is blank when it holds JSON white space only (spaces, tabs, carriage returns), as
    the batch reads its input: a line of other white space (a no-break space, U+2028), which the
    batch gave an ``invalid`` record, is a line that is not JSON here. A line that is not JSON
    gives the record ``None``, and so does a line nested too deeply for the parser (``[``
    repeated many thousand times): counted as unreadable, never a crash. The file is read line
    by line, on ``\\n`` only (never ``str.splitlines``, which also splits on U+2028 and U+2029
    inside JSON strings), and may start with a UTF-8 byte-order mark.
    """
    for number, line in _text_lines(path):
        try:
            record: object = json.loads(line)
        except (ValueError, RecursionError):
            record = None
        yield number, record


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each line of ``path`` that is not blank (JSON white space
    only), read on ``\\n`` only; :class:`StatsError` when it cannot be read."""
    try:
        with path.open(encoding="utf-8-sig", newline="\n") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip(JSON_SPACE):
                    yield number, line
    except UnicodeDecodeError:
        raise StatsError(
            f"cannot read {path}: it is not UTF-8 text",
            code="not_utf8",
            values={"path": str(path)},
        ) from None
    except OSError as err:
        raise _unreadable(path, err) from None


# -- what a file holds when it gives nothing to count ------------------------------------------


def _is_batch_record(record: object) -> bool:
    """Whether ``record`` is a record of ``atbalsts batch`` output other than a decision: a
    ``rule_table``, an ``invalid`` or ``error`` record, or the summary."""
    if not isinstance(record, Mapping):
        return False
    return is_rule_table(record) or "summary" in record or kind_of(record) in (INVALID, ERROR)


def refuse_uncounted(path: Path) -> None:
    """Raise :class:`StatsError` when the decisions file ``path``, of which no decision could be
    counted, holds lines that are not records of ``atbalsts batch`` output, naming what they are:
    support cases (``decisions_are_cases``), a role's views (``decisions_are_views``), one JSON
    document over many lines or a JSON array (``not_json_lines``, with ``shape``), or other lines
    (``no_decision``: not JSON, another record, a decision the counts cannot read). The values
    are ``path`` and ``line``, the first line that shows it. An output that holds records of the
    batch only (its summary, its ``invalid`` and ``error`` records: every line was refused) is
    left alone: it is counted, zeros and all.

    Read only when nothing was counted: a file with a decision counted is counted, the lines
    that are not decisions in :attr:`Records.unreadable <atbalsts.stats.Records>`.
    """
    first = True
    for number, line in _text_lines(path):
        if first:
            first = False
            shape = opens(line)
            if shape is not None:
                raise _not_json_lines(path, number, shape)
        try:
            record: object = json.loads(line)
        except (ValueError, RecursionError):
            record = None
        if _is_batch_record(record):
            continue
        values = {"path": str(path), "line": str(number)}
        if isinstance(record, Mapping) and "view" in record:
            raise StatsError(
                f"{path} holds a role's views of the decisions (atbalsts batch --role), which "
                "leave out what the role may not see: count the output of atbalsts batch made "
                "without --role",
                code="decisions_are_views",
                values=values,
            )
        if isinstance(record, Mapping) and "learner" in record and "learner_id" not in record:
            raise StatsError(
                f"{path} holds support cases, not decisions (line {number} is one): give the "
                "output of atbalsts batch as DECISIONS, and the cases it decided with --cases",
                code="decisions_are_cases",
                values=values,
            )
        raise StatsError(
            f"{path} holds no decision that can be counted (line {number} is neither a record "
            "of atbalsts batch nor a decision that can be read): give the whole output of "
            "atbalsts batch, made without --role, from its first line",
            code="no_decision",
            values=values,
        )


def _not_json_lines(path: Path, line: int, shape: Shape) -> StatsError:
    what = (
        "it holds a JSON array"
        if shape == "array"
        else f"its line {line} opens one JSON document that goes on over the lines after it"
    )
    return StatsError(
        f"{path} is not JSON Lines: {what}; give the output of atbalsts batch, one record per line",
        code="not_json_lines",
        values={"path": str(path), "line": str(line), "shape": shape},
    )


def refuse_caseless(path: Path) -> None:
    """Raise :class:`StatsError` when the cases file ``path`` holds lines and no support case
    the counts can read, naming what it holds: the records of ``atbalsts batch``
    (``cases_are_decisions``: a decision, a view, a rule table, a summary), one JSON document
    over many lines or a JSON array (``cases_not_json_lines``, with ``shape``), or other lines
    (``no_case``). The values are ``path`` and ``line``, the first line that shows it. A file
    with one case that can be read is left alone."""
    found: StatsError | None = None
    first = True
    for number, line in _text_lines(path):
        try:
            record: object = json.loads(line)
        except (ValueError, RecursionError):
            record = None
        if record is not None:
            try:
                case_facts(record)
            except Unreadable:
                pass
            else:
                return
        values = {"path": str(path), "line": str(number)}
        if first:
            first = False
            shape = opens(line)
            if shape is not None:
                what = (
                    "it holds a JSON array"
                    if shape == "array"
                    else f"its line {number} opens one JSON document that goes on over the "
                    "lines after it"
                )
                found = StatsError(
                    f"the cases file {path} is not JSON Lines: {what}; give the cases the batch "
                    "decided (its input), one per line, with --cases",
                    code="cases_not_json_lines",
                    values={**values, "shape": shape},
                )
        if found is not None:
            continue
        if _is_batch_record(record) or (
            isinstance(record, Mapping) and ("learner_id" in record or "view" in record)
        ):
            found = StatsError(
                f"the cases file {path} holds the records of atbalsts batch, not support cases "
                f"(line {number} is one): give the cases the batch decided (its input) with "
                "--cases",
                code="cases_are_decisions",
                values=values,
            )
        else:
            found = StatsError(
                f"the cases file {path} holds no support case that can be read (line {number} "
                "is the first that is not one): give the cases the batch decided (its input) "
                "with --cases",
                code="no_case",
                values=values,
            )
    if found is not None:
        raise found


# -- the batch's error file and its summaries ----------------------------------------------------


def error_file_counts(path: Path) -> tuple[int, int]:
    """The ``invalid`` and the ``error`` records of the batch's error file ``path`` (``batch
    --errors FILE``: each line one of the two, ``BatchInvalid`` and ``BatchError`` of
    ``schemas/batch-record.schema.json``). :class:`StatsError` (``not_an_error_file``, with
    ``path`` and ``line``) at a line that is neither."""
    invalid = errors = 0
    for number, record in read_lines(path):
        kind = kind_of(record) if isinstance(record, Mapping) else None
        if kind == INVALID:
            invalid += 1
        elif kind == ERROR:
            errors += 1
        else:
            raise StatsError(
                f"{path} line {number} is not an invalid or error record of atbalsts batch: "
                "give with --errors the error file the batch wrote (batch --errors FILE)",
                code="not_an_error_file",
                values={"path": str(path), "line": str(number)},
            )
    return invalid, errors


#: The start of a line that may be a summary record: read as JSON only then, so that looking
#: for the summaries costs a read of the file, not a parse of every line.
_SUMMARY = re.compile(rb'(?:\xef\xbb\xbf)?[ \t\r]*\{[ \t\r\n]*"summary"[ \t\r\n]*:')


def summary_counts(path: Path) -> tuple[int, int] | None:
    """The invalid and the error lines that the ``summary`` records of the batch output
    ``path`` count (the last line of each run's output: several when runs are put one after
    another), added up; None when it holds no summary. A summary counts the lines of its run
    whether their records went into the output or into an error file (``batch --errors``)."""
    found = False
    invalid = errors = 0
    try:
        with path.open("rb") as lines:
            for raw in lines:
                if not _SUMMARY.match(raw):
                    continue
                try:
                    record = json.loads(raw)
                except (ValueError, RecursionError):
                    continue
                counts = record.get("summary") if isinstance(record, dict) else None
                if not isinstance(counts, dict):
                    continue
                found = True
                invalid += _whole(counts.get("invalid"))
                errors += _whole(counts.get("errors"))
    except OSError as err:
        raise _unreadable(path, err) from None
    return (invalid, errors) if found else None


def _unreadable(path: Path, err: OSError) -> StatsError:
    """The error that says ``path`` cannot be read, and why (``unreadable``)."""
    return StatsError(
        f"cannot read {path}: {err.strerror or err}",
        code="unreadable",
        values={"path": str(path)},
        os_error=err,
    )


def _whole(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def numbered(records: Iterable[object]) -> Iterator[tuple[int, object]]:
    """Number the records of a Python iterable from 1, as lines are numbered."""
    return enumerate(records, start=1)
