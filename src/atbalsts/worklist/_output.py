"""Writing a work list from JSON Lines of cases: text for people, JSON for programs.

The cases are read one line at a time and each item goes to a spool for its role and section
(in memory while small, then a temporary file), so a file of any length is listed in constant
memory; the list is written once every line is read, grouped by responsible role.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import date
from typing import IO, Any, Literal

import attrs
from pydantic import Field

from atbalsts._explain import (
    FactWords,
    deadline_words,
    in_sentence,
    lateness,
    recipients_in_words,
)
from atbalsts._jsonlines import CODE, Shape, not_json_lines, opens
from atbalsts.codes import CODE_LISTS, CodeList
from atbalsts.engine import PolicyRegistry
from atbalsts.errors import (
    AtbalstsError,
    DocumentError,
    FieldError,
    PolicyError,
    UnknownNameError,
)
from atbalsts.model import LegalBasis, Model, SupportCase, parse_json
from atbalsts.model.decision import ObligationDue
from atbalsts.privacy import PROTECTED, PROTECTED_KIND, PROTECTED_MESSAGE, masked_each
from atbalsts.worklist._items import (
    ANY_STAFF,
    SECTIONS,
    UPCOMING_DAYS,
    VIEW_ROLES,
    Entry,
    Section,
    WorkItem,
    case_entries,
)

__all__ = [
    "PHRASES",
    "PROTECTED_KIND",
    "SCHEMA_ID",
    "FieldProblem",
    "SkippedLine",
    "Worklist",
    "WorklistCounts",
    "WorklistGroup",
    "WorklistInputError",
    "run_worklist",
    "schema_text",
    "worklist_schema",
]

SCHEMA_ID = "https://atbalsts.invalid/schemas/worklist.schema.json"

#: The sentences of a text list, as messages of the atbalsts catalog (English is the source
#: language; tests/test_worklist.py checks that the catalog holds each of them).
PHRASES = {
    "title": "Work list for {date}",
    "school": "school {school}",
    "role": "role {role}",
    "no_school": "No case of school {school} was read: is its id right?",
    "invalid": "line {line}: not a valid support case: {fields}",
    "error": "line {line}: cannot be decided: {error}",
    "overdue": "Overdue",
    "due_today": "Due today",
    "nothing": "Nothing overdue or due for this list.",
    "shared": "A duty several roles may carry out is listed under each of them and counted once.",
    # a same-day contact is a duty of the day of the absence only (the fact is that day's
    # observation's): the next morning it is gone, done or not
    "same_day": "Informing the parents (carers) on the day of an absence is listed only on that "
    "day; the next day it is not listed, even if it was not done.",
    "to": "to {recipients}",
    "arose": "arose {date}",
    "due": "due {date}",
    "due_deadline": "due {date} ({deadline})",
    "duty": "duty: {basis}",
    "protected": PROTECTED_MESSAGE,
    "default": "methodological default, not law",
    "illustrative": "illustrative, not law",
}

#: The sentences that name a number, as (singular, plural) messages of the same catalog.
PLURALS = {
    "counts": (
        "Duties not done: {overdue} overdue, {due_today} due today, {upcoming} due in the next "
        "{days} school day",
        "Duties not done: {overdue} overdue, {due_today} due today, {upcoming} due in the next "
        "{days} school days",
    ),
    "read": ("{n} case read", "{n} cases read"),
    "of_school": (
        "{n} case of this school (of {read} read)",
        "{n} cases of this school (of {read} read)",
    ),
    "skipped": ("{n} line not read:", "{n} lines not read:"),
    "more_lines": (
        "… and {n} more line (the JSON list names each)",
        "… and {n} more lines (the JSON list names each)",
    ),
    "more_fields": ("… ({n} field in all)", "… ({n} fields in all)"),
    "upcoming": ("Due in the next {days} school day", "Due in the next {days} school days"),
}

#: Skipped lines the text list names, with why (the count is always complete; the JSON list
#: names each).
_SKIPPED_SHOWN = 20
#: Invalid fields the text list names for one skipped line.
_FIELDS_SHOWN = 5
#: Bytes a spool keeps in memory before it moves to a temporary file.
_SPOOL_BYTES = 1 << 16


class WorklistInputError(AtbalstsError):
    """The input is not JSON Lines: it gave no support case, and its first line opens a JSON
    document that goes on over the lines after it (a pretty-printed case), or a JSON array.

    ``code`` is ``not_json_lines``; ``values`` has ``line``, the number of that first line, and
    ``shape``: ``document`` (convert with ``jq -c . FILE``) or ``array`` (``jq -c '.[]'
    FILE``). Nothing is written when it is raised."""


class WorklistGroup(Model):
    """The items of one responsible role, by section. An item several roles may carry out is in
    the group of each."""

    role: str = Field(max_length=200, description="The role code.")
    label: str = Field(max_length=200, description="The role in words.")
    overdue: tuple[WorkItem, ...] = Field(default=(), description="Overdue.", strict=False)
    due_today: tuple[WorkItem, ...] = Field(default=(), description="Due today.", strict=False)
    upcoming: tuple[WorkItem, ...] = Field(
        default=(), description="Due in the next school days.", strict=False
    )


class FieldProblem(Model):
    """A field of an invalid line, and what is wrong with it (never its value), as the
    library's FieldError (atbalsts.errors.FieldError) names it and atbalsts batch writes it. On
    a role's list, a field the role's view could not show has its path cut, a message that does
    not name it, the kind 'protected' and no values."""

    path: str = Field(description="The field's path.")
    message: str = Field(description="What is wrong.")
    kind: str = Field(
        description="The kind of problem, a stable code to switch on (the message's wording may "
        "change): pydantic's error type ('string_too_long', 'missing', 'extra_forbidden', "
        "'json_invalid', ...), a check of the library's ('date_order', 'outside_term', "
        "'unknown_local_code', ...), or 'protected' for a field the list's role may not see (its "
        "path cut, no values)."
    )
    values: dict[str, str] = Field(
        description="What the problem is about, as text: the constraint ('max_length', "
        "'min_length', 'ge', 'le', 'pattern', 'expected', ...), where malformed JSON stops "
        "('line', 'column'), the names and numbers of a check. Never the input. Empty when the "
        "kind has nothing more to say."
    )


class SkippedLine(Model):
    """A line that gave no items: not a valid support case (``invalid``: also one with a local
    code that no policy of its municipality declares, as ``atbalsts batch`` counts it), or its
    case could not be decided (``error``: a conflict between installed plugins)."""

    line: int = Field(ge=1, description="The line number, from 1.")
    reason: Literal["invalid", "error"] = Field(
        description="invalid (the fields say why) or error (the error says why)."
    )
    fields: tuple[FieldProblem, ...] = Field(
        default=(), description="The invalid fields.", strict=False
    )
    error: str | None = Field(default=None, description="The error's type and message.")


class WorklistCounts(Model):
    """How many cases were read and listed, and how many items each section holds (each item
    once, however many roles may carry it out)."""

    read: int = Field(ge=0, description="Valid support cases read, of every school.")
    cases: int = Field(
        ge=0,
        description="Cases listed: read, of the school the list is limited to (if one), and "
        "decided.",
    )
    skipped: int = Field(ge=0, description="Lines skipped.")
    overdue: int = Field(ge=0, description="Items overdue.")
    due_today: int = Field(ge=0, description="Items due today.")
    upcoming: int = Field(ge=0, description="Items due in the next school days.")


class Worklist(Model):
    """A morning work list: for one date, what is overdue, due that day and due soon, grouped by
    the role that carries it out (the output of ``atbalsts worklist --format json``)."""

    as_of: date = Field(description="The list's date.")
    role: str | None = Field(description="The role it is limited to, if one.")
    school: str | None = Field(description="The school it is limited to, if one.")
    lang: Literal["lv", "en"] = Field(description="The language of the labels.")
    upcoming_school_days: int = Field(ge=0, description="How many school days ahead it looks.")
    groups: tuple[WorklistGroup, ...] = Field(
        description="One group per role with items, in the order of the roles code list.",
        strict=False,
    )
    counts: WorklistCounts = Field(description="Counts.")
    skipped: tuple[SkippedLine, ...] = Field(
        default=(), description="Lines that gave no items.", strict=False
    )


def worklist_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON work list."""
    schema = Worklist.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    """The schema as the stable text committed as ``schemas/worklist.schema.json``."""
    return json.dumps(worklist_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# -- reading -------------------------------------------------------------------------------------


#: A field of a skipped line as the text list names it: its path (masked as the list's role
#: may see it) and what is wrong, in the caller's words.
_Said = tuple[tuple[str, str], ...]
#: A sentence that names a number, by its key in :data:`PLURALS`, in the list's language.
_Plural = Callable[[str, int], str]


@attrs.define
class _Read:
    """What reading the lines found, beside the items."""

    read: int = 0  # valid support cases, of every school
    kept: int = 0  # of them, those of the school asked for
    cases: int = 0  # of those, the ones decided (listed)
    skipped: int = 0
    shown: list[tuple[SkippedLine, _Said]] = attrs.field(factory=list)
    counts: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(SECTIONS, 0))
    shared: bool = False  # an item is listed under more than one role (and counted once)
    first: int | None = None  # the number of the first line that is not blank
    opens: Shape | None = None  # what that line opens, if it is not a record

    def totals(self) -> WorklistCounts:
        return WorklistCounts(read=self.read, cases=self.cases, skipped=self.skipped, **self.counts)


def _not_json_lines(read: _Read) -> WorklistInputError:
    message, values = not_json_lines(read.first or 1, read.opens or "document", "a work list")
    return WorklistInputError(message, code=CODE, values=values)


def _skip(read: _Read, skipped: IO[str], record: SkippedLine, said: Callable[[], _Said]) -> None:
    read.skipped += 1
    if len(read.shown) < _SKIPPED_SHOWN:
        read.shown.append((record, said()))
    skipped.write(record.model_dump_json(exclude_defaults=True) + "\n")


def _invalid(
    read: _Read,
    skipped: IO[str],
    number: int,
    errors: tuple[FieldError, ...],
    role: str | None,
    words: Callable[[FieldError], str],
    path_words: Callable[[str], str],
) -> None:
    """Skip line ``number``, naming its invalid fields as the list may name them: as the
    library's :class:`~atbalsts.errors.FieldError` rows in the record, in ``path_words`` and
    ``words`` in the text (a path once masked: the mask reads the library's paths)."""
    shown = _shown(errors, role)
    fields = tuple(
        FieldProblem(path=path, message=e.message, kind=e.kind, values=dict(e.values))
        if e is not None
        else FieldProblem(path=path, message=PROTECTED_MESSAGE, kind=PROTECTED_KIND, values={})
        for path, e in shown
    )

    def said() -> _Said:
        return tuple(
            (path_words(path), words(e) if e is not None else PROTECTED_MESSAGE)
            for path, e in shown
        )

    _skip(read, skipped, SkippedLine(line=number, reason="invalid", fields=fields), said)


def _message(row: FieldError) -> str:
    return row.message


def _path(path: str) -> str:
    return path


def _items(
    lines: Iterable[str],
    read: _Read,
    skipped: IO[str],
    *,
    as_of: date,
    role: str | None,
    school: str | None,
    lang: str,
    upcoming: int,
    registry: PolicyRegistry,
    words: Callable[[FieldError], str],
    path_words: Callable[[str], str],
) -> Iterator[Entry]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        first = read.first is None
        if first:
            read.first = number
        try:
            case = parse_json(SupportCase, line, name=f"line {number}")
        except DocumentError as err:
            if first:
                read.opens = opens(line)
            _invalid(read, skipped, number, err.errors, role, words, path_words)
            continue
        read.read += 1
        if school is not None and case.learner.enrolment.school_id != school:
            continue
        read.kept += 1
        try:
            found = list(
                case_entries(case, as_of, registry, role=role, upcoming=upcoming, lang=lang)
            )
        except DocumentError as err:  # a local code no policy declares: the case is invalid
            _invalid(read, skipped, number, err.errors, role, words, path_words)
            continue
        except PolicyError as err:
            error = f"{type(err).__name__}: {err}"[:300]
            record = SkippedLine(line=number, reason="error", error=error)
            _skip(read, skipped, record, tuple)
            continue
        read.cases += 1
        for entry in found:
            read.counts[entry[0].section] += 1
            yield entry


def _shown(errors: tuple[FieldError, ...], role: str | None) -> list[tuple[str, FieldError | None]]:
    """The invalid fields of a line as the list may name them, each ``(path, error)``: whole on
    the host's own list (no role); on a role's list, as far as the role's view could show them
    (as :func:`atbalsts.privacy.masked_problems` names them: a path cut by
    :func:`~atbalsts.privacy.masked_path`, each cut path once, with no error of its own: its
    message, kind and values could say what the cut hides); and on the list of a role without a
    view, none by name (:data:`~atbalsts.privacy.PROTECTED`, once)."""
    if role is None:
        return [(e.path, e) for e in errors]
    if role not in VIEW_ROLES:
        return [(PROTECTED, None)] if errors else []
    return masked_each(((e.path, e) for e in errors), role=role)


# -- writing -------------------------------------------------------------------------------------


def _basis(basis: LegalBasis, say: dict[str, str]) -> str:
    if basis.cited:
        return f"{basis.act}, {basis.provision}" if basis.provision else str(basis.act)
    if basis.kind.value == "illustrative":
        return say["illustrative"]
    return say["default"]


def _line(
    item: WorkItem,
    obligation: ObligationDue | None,
    as_of: date,
    lang: str,
    say: dict[str, str],
    who: Any,
) -> str:
    """An item's line: the learner, the duty and whom it informs, the day it arose, the due
    date (with the basis of its number of days beside it when that is not law: the duty's own
    basis then follows as the duty's), how late it is (in the days its deadline counts), and the
    basis of the duty."""
    label = f"{item.label} ({item.subject})" if item.subject else item.label
    parts = [f"{item.learner_id}: {label}"]
    if item.recipients:
        names = recipients_in_words(item.recipients, item.any_recipient, who, lang)
        parts.append(say["to"].format(recipients=names))
    parts.append(say["arose"].format(date=item.trigger.isoformat()))
    deadline = None
    if obligation is not None:
        deadline = deadline_words(
            obligation.deadline, obligation.days, obligation.deadline_basis, lang
        )
    if deadline is None:
        parts.append(say["due"].format(date=item.due.isoformat()))
    else:
        parts.append(say["due_deadline"].format(date=item.due.isoformat(), deadline=deadline))
    if item.section == "overdue":
        unit = obligation.deadline if obligation is not None else None
        parts.append(lateness(unit, item.due, as_of, item.school_days_late, lang))
    basis = _basis(item.legal_basis, say)
    parts.append(basis if deadline is None else say["duty"].format(basis=basis))
    return "    - " + "; ".join(parts) + "\n"


def _role_order(roles: CodeList, found: Iterable[str]) -> list[str]:
    order = {code: i for i, code in enumerate(roles.codes())}
    return sorted(found, key=lambda r: (order.get(r, len(order)), r))


def _groups_of(item: WorkItem, role: str | None) -> tuple[str, ...]:
    """The groups an item is listed in: the role asked for, else each role that may do it."""
    if role is not None:
        return (role,)
    return item.responsible_roles or (ANY_STAFF,)


def _check_role(role: str | None) -> None:
    if role is None or role in CODE_LISTS["roles"] or ":" in role:
        return
    raise UnknownNameError("role", role, CODE_LISTS["roles"].codes())


def run_worklist(
    lines: Iterable[str],
    out: IO[str],
    *,
    as_of: date,
    role: str | None = None,
    school: str | None = None,
    lang: str = "lv",
    fmt: Literal["text", "json"] = "text",
    upcoming: int = UPCOMING_DAYS,
    registry: PolicyRegistry | None = None,
    field_words: Callable[[FieldError], str] | None = None,
    path_words: Callable[[str], str] | None = None,
) -> WorklistCounts:
    """Write the work list of the support cases in ``lines`` (JSON Lines) on ``as_of`` to
    ``out``, as text (``fmt="text"``, for people, in ``lang``) or as the JSON document
    :class:`Worklist` (``fmt="json"``, published as ``schemas/worklist.schema.json``).

    Overdue items, items due that day and items due in the next ``upcoming`` school days are
    grouped by responsible role (an item several roles may do is listed under each; with
    ``role``, only that role's list, with the duties any member of staff may do, as far as the
    role's view of each decision shows them); ``school``
    keeps the learners of one school. Within a section items keep the order of the lines. The
    text counts each item once and says so when one is listed under more than one role; it says
    too that the same-day contact of the parents about an absence is listed only on the day of
    the absence (the next day it is gone, done or not). A line says how late an item is in the
    days its deadline counts (calendar days for one due the same day, in calendar days or on a
    date; else school days) and, beside the due date, the basis of the deadline's number of
    days when that is not law.

    A line that is not a valid support case, or whose case cannot be decided, is skipped and
    named with why: its line number and the paths of its invalid fields with what is wrong
    there, never their values (the text names the first 20 lines, the JSON each); the rest are
    listed. The text says what is wrong with a field by ``field_words`` (the command line passes
    its Latvian sentences; default: the library's message, in English), and its path by
    ``path_words``, given the path as the list may name it (the command line says a key that is
    not a field name and a protected field in Latvian; default: the path as it is). The JSON
    list keeps the library's paths and messages. On a role's list a field
    is named only as far as the role's view could show it
    (:func:`atbalsts.privacy.masked_path`; a role without a view: not at all), since a path can
    tell what a record holds.
    With ``school``, the text says how many of the cases read are of that school, and when none
    is. Returns the counts (``skipped`` is 0 when every line was read).

    Raises :class:`WorklistInputError` (``not_json_lines``), and writes nothing, when no line is
    a valid case and the first opens a JSON document that goes on over the next lines or a JSON
    array: one pretty-printed case (``jq -c . FILE`` makes it one line), or an array of cases
    (``jq -c '.[]' FILE``). Raises :class:`~atbalsts.UnknownNameError` for an unknown ``lang``,
    ``fmt`` or national ``role`` code, and :class:`ValueError` for a negative ``upcoming``.
    """
    if fmt not in ("text", "json"):
        raise UnknownNameError("format", fmt, ("text", "json"))
    words = FactWords(lang, CODE_LISTS)
    words.catalog()  # refuses an unknown language
    if upcoming < 0:
        raise ValueError(f"upcoming must be 0 or more school days, got {upcoming}")
    registry = registry or PolicyRegistry.load()
    _check_role(role)
    say = {key: words._(text) for key, text in PHRASES.items()}

    def plural(key: str, n: int) -> str:
        singular, many = PLURALS[key]
        return words.ngettext(singular, many, n)

    language: Literal["lv", "en"] = "lv" if lang == "lv" else "en"
    roles, institutions = CODE_LISTS["roles"], CODE_LISTS["institutions"]

    def who(code: str) -> str:
        if code in roles:
            return roles.label(code, language)
        return institutions.label(code, language) if code in institutions else code

    read = _Read()
    with ExitStack() as stack:

        def spool() -> IO[str]:
            return stack.enter_context(
                tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8")
            )

        skipped = spool()
        spools: dict[tuple[str, Section], IO[str]] = {}
        for item, obligation in _items(
            lines,
            read,
            skipped,
            as_of=as_of,
            role=role,
            school=school,
            lang=lang,
            upcoming=upcoming,
            registry=registry,
            words=field_words or _message,
            path_words=path_words or _path,
        ):
            if fmt == "text":
                text = _line(item, obligation, as_of, lang, say, who)
            else:
                text = item.model_dump_json() + "\n"
            groups = _groups_of(item, role)
            read.shared = read.shared or len(groups) > 1
            for group in groups:
                key = (group, item.section)
                target = spools.get(key) or spools.setdefault(key, spool())
                target.write(text)
        if read.read == 0 and read.opens is not None:
            raise _not_json_lines(read)
        order = _role_order(roles, {group for group, _ in spools})
        writer = _write_text if fmt == "text" else _write_json
        writer(
            out,
            _Listing(as_of, role, school, language, upcoming, order, spools, skipped, read),
            say,
            who,
            plural,
        )
    return read.totals()


@attrs.frozen
class _Listing:
    as_of: date
    role: str | None
    school: str | None
    lang: Literal["lv", "en"]
    upcoming: int
    order: list[str]
    spools: dict[tuple[str, Section], IO[str]]
    skipped: IO[str]
    read: _Read


def _lines(spool: IO[str]) -> Iterator[str]:
    spool.seek(0)
    yield from spool


def _write_text(
    out: IO[str], listing: _Listing, say: dict[str, str], who: Any, plural: _Plural
) -> None:
    head = [say["title"].format(date=listing.as_of.isoformat())]
    if listing.school is not None:
        head.append(say["school"].format(school=listing.school))
    if listing.role is not None:
        head.append(say["role"].format(role=in_sentence(who(listing.role), listing.role)))
    out.write("; ".join(head) + "\n")
    read = listing.read
    sections = plural("counts", listing.upcoming).format(
        overdue=read.counts["overdue"],
        due_today=read.counts["due_today"],
        upcoming=read.counts["upcoming"],
        days=listing.upcoming,
    )
    if listing.school is None:
        cases = plural("read", read.cases).format(n=read.cases)
    else:
        cases = plural("of_school", read.cases).format(n=read.cases, read=read.read)
    out.write(f"{sections}; {cases}\n")
    if read.shared:
        out.write(say["shared"] + "\n")
    out.write(say["same_day"] + "\n")
    if listing.school is not None and read.read and not read.kept:
        out.write(say["no_school"].format(school=listing.school) + "\n")
    if read.skipped:
        out.write(plural("skipped", read.skipped).format(n=read.skipped) + "\n")
        for record, said in read.shown:
            out.write(f"  {_skipped_text(record, said, say, plural)}\n")
        more = read.skipped - len(read.shown)
        if more:
            out.write(f"  {plural('more_lines', more).format(n=more)}\n")
    if not listing.order:
        out.write("\n" + say["nothing"] + "\n")
    titles = {
        "overdue": say["overdue"],
        "due_today": say["due_today"],
        "upcoming": plural("upcoming", listing.upcoming).format(days=listing.upcoming),
    }
    for group in listing.order:
        out.write(f"\n{who(group)}\n")
        for section in SECTIONS:
            spool = listing.spools.get((group, section))
            if spool is None:
                continue
            out.write(f"  {titles[section]}\n")
            for line in _lines(spool):
                out.write(line)


def _skipped_text(record: SkippedLine, said: _Said, say: dict[str, str], plural: _Plural) -> str:
    """Why a line was skipped, on one line: its invalid fields (the first few, then how many),
    or the error."""
    if record.reason == "error":
        return say["error"].format(line=record.line, error=record.error or "-")
    shown = [
        f"{path}: {say['protected'] if message == PROTECTED_MESSAGE else message}"
        for path, message in said[:_FIELDS_SHOWN]
    ]
    if len(said) > _FIELDS_SHOWN:
        shown.append(plural("more_fields", len(said)).format(n=len(said)))
    return say["invalid"].format(line=record.line, fields="; ".join(shown))


def _write_json(
    out: IO[str], listing: _Listing, say: dict[str, str], who: Any, plural: _Plural
) -> None:
    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    out.write("{\n")
    out.write(f'"as_of": {dumps(listing.as_of.isoformat())},\n')
    out.write(f'"role": {dumps(listing.role)},\n"school": {dumps(listing.school)},\n')
    out.write(f'"lang": {dumps(listing.lang)},\n')
    out.write(f'"upcoming_school_days": {listing.upcoming},\n')
    out.write('"groups": [')
    for g, group in enumerate(listing.order):
        out.write(",\n" if g else "\n")
        out.write(f'{{"role": {dumps(group)}, "label": {dumps(who(group))}')
        for section in SECTIONS:
            out.write(f', "{section}": [')
            spool = listing.spools.get((group, section))
            for i, line in enumerate(_lines(spool) if spool is not None else ()):
                out.write(",\n" if i else "\n")
                out.write(line.rstrip("\n"))
            out.write("]")
        out.write("}")
    out.write("\n],\n")
    out.write(f'"counts": {listing.read.totals().model_dump_json()},\n')
    out.write('"skipped": [')
    for i, line in enumerate(_lines(listing.skipped)):
        out.write(",\n" if i else "\n")
        out.write(line.rstrip("\n"))
    out.write("]\n}\n")
