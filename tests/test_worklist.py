"""Morning work lists (issue 11 item 6): what is overdue, due today and due soon, by role, from
JSON Lines of cases read one at a time; text in Latvian or English, JSON with a published schema."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from jsonschema import Draft202012Validator
from pydantic import ValidationError

import atbalsts
from atbalsts import DocumentError, UnknownNameError
from atbalsts._explain import _render
from atbalsts.codes import CODE_LISTS
from atbalsts.engine import PolicyRegistry
from atbalsts.model import SupportCase, parse_json
from atbalsts.model._base import TEXT_MAX  # the length of a free-text note
from atbalsts.privacy import PROTECTED, PROTECTED_MESSAGE, ViewRole, masked_problems
from atbalsts.worklist import (
    SECTIONS,
    Worklist,
    WorklistInputError,
    run_worklist,
    schema_text,
    worklist,
    worklist_schema,
)
from atbalsts.worklist._items import FOLLOW_UP_LABELS
from atbalsts.worklist._output import PHRASES, PLURALS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SCHEMA = ROOT / "schemas" / "worklist.schema.json"
DAY = date(2025, 10, 29)  # example 10's observation date


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """The bundled examples as JSON Lines."""
    return [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]


def listing(lines: list[str], registry: PolicyRegistry, **kwargs: Any) -> str:
    out = io.StringIO()
    run_worklist(lines, out, registry=registry, **{"as_of": DAY, **kwargs})
    return out.getvalue()


# -- the bundled examples ------------------------------------------------------------------------


def test_the_examples_give_a_readable_latvian_list(
    lines: list[str], registry: PolicyRegistry
) -> None:
    text = listing(lines, registry)
    head, counts, shared, same_day, *rest = text.splitlines()
    assert head == "Darba saraksts 2025-10-29"
    # 6 overdue: example 01 is a March case, so its board notice and VIIS record, never
    # answered, are carried from the term before (2024/25, 2.) into this date's term.
    assert counts.startswith(
        "Neizpildīti darbi — nokavēti: 6; termiņš šodien: 2; termiņš tuvāko 5 mācību dienu laikā"
    )
    assert counts.endswith(f"nolasītas lietas: {len(EXAMPLES)}")
    # the board notice of example 01 is listed under two roles, counted once
    assert (
        shared
        == "Darbs, ko var veikt vairākas lomas, minēts pie katras no tām un skaitīts vienreiz."
    )
    assert same_day == SAME_DAY_LV
    body = "\n".join(rest)
    # MK 89's duty, but a default deadline: said beside the date; late in calendar days
    assert (
        "    - L-0001: Informēt pašvaldības izglītības pārvaldi; adresāts: pašvaldības izglītības "
        "pārvalde; radies 2025-03-14; termiņš 2025-03-19 (5 kalendāra dienas: metodoloģisks "
        "pieņēmums, nav tiesību norma); nokavēts par 224 dienām; pienākums: MK 01.02.2011 "
        "noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592)\n"
    ) in text
    for group in ("Klases audzinātājs", "Sociālais pedagogs", "Izglītības iestādes direktors"):
        assert f"\n{group}\n" in body
    assert "  Nokavēts\n" in body
    assert "  Termiņš šodien\n" in body
    assert (
        "    - L-0010: Reģistrēt izglītojamo VIIS; adresāts: Valsts izglītības informācijas "
        "sistēma; radies 2025-10-17; termiņš 2025-10-27 (3 kalendāra dienas: ilustratīvs, nav "
        "tiesību norma); nokavēts par 2 dienām; pienākums: metodoloģisks pieņēmums, nav tiesību "
        "norma\n"
    ) in body
    assert (
        "    - L-0010: Informēt vecākus; adresāts: vecāki; radies 2025-10-29; termiņš 2025-10-29; "
        "MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592), 1. punkts\n"
    ) in body
    # a follow-up counts school days, in full words
    assert (
        "    - L-0010: Plāns nav pārskatīts semestra beigās (P-0010-1); radies 2025-05-30; "
        "termiņš 2025-05-30; nokavēts par 38 mācību dienām; metodoloģisks pieņēmums, nav "
        "tiesību norma\n"
    ) in body
    assert "L-0010: Nosūtījuma rezultāts termiņā nav saņemts (R-0010-1)" in body
    # Parauga's support team meets within 5 school days: across the autumn holidays (20-24 October)
    assert (
        "L-0006: Sasaukt izglītības iestādes atbalsta komandas sanāksmi; radies 2025-10-15; "
        "termiņš 2025-10-29"
    ) in body
    # Example 10's board notice was sent (late): done duties are not on the list.
    assert "L-0010: Informēt pašvaldības izglītības pārvaldi" not in body
    assert "mācību d." not in text
    assert "Klases audzinātājs," not in text
    assert "Vecāks" not in text


#: The line every text list has: a same-day contact is gone the next day, done or not.
SAME_DAY_LV = (
    "Vecāku (aprūpētāju) informēšana kavējuma dienā sarakstā redzama tikai tajā dienā; "
    "nākamajā dienā tās sarakstā nav, arī ja tā nav notikusi."
)
SAME_DAY_EN = (
    "Informing the parents (carers) on the day of an absence is listed only on that day; the "
    "next day it is not listed, even if it was not done."
)


def test_the_examples_give_the_same_list_in_english(
    lines: list[str], registry: PolicyRegistry
) -> None:
    text = listing(lines, registry, lang="en")
    _head, counts, shared, same_day, *_ = text.splitlines()
    assert counts.startswith("Duties not done: 6 overdue, 2 due today, 1 due in the next 5 ")
    assert (
        shared
        == "A duty several roles may carry out is listed under each of them and counted once."
    )
    assert same_day == SAME_DAY_EN
    assert (
        "    - L-0001: Inform the municipal education board; to municipal education board; arose "
        "2025-03-14; due 2025-03-19 (5 calendar days: methodological default, not law); late by "
        "224 days; duty: MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592)\n"
    ) in text
    assert (
        "    - L-0010: Inform the parents; to parents; arose 2025-10-29; due 2025-10-29; " in text
    )
    assert "late by 38 school days; methodological default, not law\n" in text


def test_the_same_day_contact_line_is_on_an_empty_list_too(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """The day after example 10's absence its parents' contact is no longer on the list: the
    list says so, so that an empty list does not read as 'nothing was missed'."""
    text = listing(lines, registry, school="SCH-NONE", lang="en")
    assert SAME_DAY_EN in text.splitlines()
    assert "Nothing overdue or due for this list." in text
    assert "counted once" not in text  # no duty under two roles
    lv = listing(lines, registry, school="SCH-NONE")
    assert SAME_DAY_LV in lv.splitlines()


def _friday_threat() -> str:
    """Example 3 with the suspected threat recorded on Friday 14 November 2025."""
    case = json.loads(EXAMPLES[2].read_text(encoding="utf-8"))
    observation = case["observations"][0]
    observation["as_of"] = "2025-11-14"
    observation["suspected_threats"][0]["observed_on"] = "2025-11-14"
    return json.dumps(case, ensure_ascii=False)


@pytest.mark.parametrize(
    ("on", "lang", "said"),
    [
        (
            date(2025, 11, 15),
            "lv",
            "    - L-0003: Ziņot par apdraudējumu bērnam; adresāts: Bērnu aizsardzības centrs, "
            "pašvaldības policija, bāriņtiesa vai Valsts policija; radies 2025-11-14; termiņš "
            "2025-11-14; nokavēts par 1 dienu; Bērnu tiesību aizsardzības likums, 73. panta "
            "pirmā daļa\n",
        ),
        (
            date(2025, 11, 15),
            "en",
            "    - L-0003: Report the threat to the child; to Children's Protection Centre, "
            "municipal police, orphan's court or State Police; arose 2025-11-14; due 2025-11-14; "
            "late by 1 day; Bērnu tiesību aizsardzības likums, 73. panta pirmā daļa\n",
        ),
        (date(2025, 11, 22), "lv", "; termiņš 2025-11-14; nokavēts par 8 dienām; "),
        (date(2025, 11, 22), "en", "; due 2025-11-14; late by 8 days; "),
    ],
)
def test_a_same_day_report_is_late_by_calendar_days_on_the_list(
    on: date, lang: str, said: str, registry: PolicyRegistry
) -> None:
    """A threat recorded on a Friday: on the Saturday the report is a day late (not 'no school
    day since', which invites waiting for Monday), a week on 8 days (not 4 school days)."""
    text = listing([_friday_threat()], registry, lang=lang, as_of=on)
    assert said in text
    assert "mācību" not in text.split("\n\n", 1)[1]
    assert "school day" not in text.split("\n\n", 1)[1]


def test_the_examples_give_valid_json_against_the_published_schema(
    lines: list[str], registry: PolicyRegistry
) -> None:
    data = json.loads(listing(lines, registry, fmt="json", lang="en"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, errors[0].message
    parsed = Worklist.model_validate_json(json.dumps(data))
    assert (parsed.as_of, parsed.lang) == (DAY, "en")
    assert (parsed.counts.cases, parsed.counts.skipped) == (len(EXAMPLES), 0)
    roles = [g.role for g in parsed.groups]
    assert roles == ["class_teacher", "social_pedagogue", "school_director"]
    viis = next(
        i
        for g in parsed.groups
        for i in g.overdue
        if i.duty == "record_in_viis" and i.learner_id == "L-0010"
    )
    assert (viis.key, viis.trigger_source, viis.school_days_late) == (
        "lv.absence.record_in_viis@2025-10-17#2b912a19",
        "day_records",
        2,
    )
    # a program reading the list can tell a due date the law sets from a default's (Parauga's
    # illustrative 3 days instead of the national default of 5)
    assert (viis.deadline, viis.days) == ("calendar_days", 3)
    assert viis.deadline_basis is not None
    assert viis.deadline_basis.kind == "illustrative"
    follow_ups = [i for g in parsed.groups for i in g.overdue if i.kind == "follow_up"]
    assert follow_ups
    assert all((i.deadline, i.days, i.deadline_basis) == (None, None, None) for i in follow_ups)
    assert viis.legal_basis.kind.value == "methodological_default"


def test_the_committed_schema_is_current() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "schemas/worklist.schema.json is stale: write atbalsts.worklist.schema_text() to it"
    )
    assert worklist_schema()["$id"].endswith("/worklist.schema.json")


# -- filters and sections --------------------------------------------------------------------------


def test_a_role_sees_its_own_duties_and_those_of_any_member_of_staff(
    lines: list[str], registry: PolicyRegistry
) -> None:
    threat_day = date(2025, 11, 13)  # example 3: the report of 12 November is overdue
    data = json.loads(
        listing(lines, registry, fmt="json", as_of=threat_day, role="school_director")
    )
    (group,) = data["groups"]
    assert group["role"] == "school_director"
    duties = {i["duty"] for s in SECTIONS for i in group[s]}
    assert "report_threat" in duties  # any_staff
    assert all(
        "school_director" in i["responsible_roles"] or "any_staff" in i["responsible_roles"]
        for s in SECTIONS
        for i in group[s]
    )
    with pytest.raises(UnknownNameError, match="role"):
        listing(lines, registry, role="janitor")


def test_a_school_keeps_its_own_learners(lines: list[str], registry: PolicyRegistry) -> None:
    data = json.loads(listing(lines, registry, fmt="json", school="SCH-PARAUGA-03"))
    learners = {i["learner_id"] for g in data["groups"] for s in SECTIONS for i in g[s]}
    assert learners == {"L-0010"}
    assert data["school"] == "SCH-PARAUGA-03"
    assert data["counts"]["cases"] == 1
    nobody = listing(lines, registry, school="SCH-NONE", lang="en")
    assert "Nothing overdue or due for this list." in nobody


def test_upcoming_duties_are_those_due_in_the_next_school_days(registry: PolicyRegistry) -> None:
    """Example 1 on Friday 14 March 2025: the board notice is due on Wednesday 19 March, the
    third school day after it (17, 18, 19 March)."""
    case = SupportCase.model_validate_json(EXAMPLES[0].read_text(encoding="utf-8"))
    day = date(2025, 3, 14)
    three = list(worklist([case], day, registry=registry, upcoming=3))
    assert {(i.section, i.duty, i.due) for i in three} == {
        ("upcoming", "inform_municipal_education_board", date(2025, 3, 19)),
        ("upcoming", "record_in_viis", date(2025, 3, 19)),
    }
    assert list(worklist([case], day, registry=registry, upcoming=2)) == []
    labelled = list(worklist([case], day, registry=registry, lang="lv"))
    assert {i.label for i in labelled} >= {"Informēt pašvaldības izglītības pārvaldi"}
    with pytest.raises(ValueError, match="upcoming"):
        list(worklist([case], day, registry=registry, upcoming=-1))


# -- bad input -------------------------------------------------------------------------------------


def test_invalid_lines_are_named_without_their_values(
    lines: list[str], registry: PolicyRegistry
) -> None:
    bad = json.loads(lines[0])
    bad["learner"]["birth_date"] = "secret-value"
    mixed = [lines[-1], "", json.dumps(bad), "{not json"]
    out = io.StringIO()
    counts = run_worklist(mixed, out, as_of=DAY, registry=registry, fmt="json")
    assert (counts.cases, counts.skipped) == (1, 2)
    data = json.loads(out.getvalue())
    assert [(s["line"], s["reason"]) for s in data["skipped"]] == [(3, "invalid"), (4, "invalid")]
    assert data["skipped"][0]["fields"][0]["path"] == "learner.birth_date"
    assert "secret-value" not in out.getvalue()
    text = listing(mixed, registry, lang="en")
    assert "2 lines not read:\n  line 3: " in text
    with pytest.raises(UnknownNameError, match="language"):
        listing(lines, registry, lang="de")
    with pytest.raises(UnknownNameError, match="format"):
        listing(lines, registry, fmt="xml")


# -- streaming -------------------------------------------------------------------------------------


def test_cases_are_read_one_at_a_time(lines: list[str], registry: PolicyRegistry) -> None:
    """The first item comes before the second case is read."""
    read: list[int] = []
    cases = [SupportCase.model_validate_json(line) for line in lines]

    def feed() -> Iterator[SupportCase]:
        for i, case in enumerate(reversed(cases)):  # example 10 first
            read.append(i)
            yield case

    items = worklist(feed(), DAY, registry=registry)
    first = next(items)
    assert first.learner_id == "L-0010"
    assert read == [0]


class _Sink(io.StringIO):
    """An output that keeps nothing: the list's own size is not the memory measured."""

    def write(self, text: str) -> int:
        return len(text)


def _peak(lines: list[str], registry: PolicyRegistry, copies: int) -> int:
    many = (line.replace('"L-0010"', f'"L-{n:05d}"') for n in range(copies) for line in lines[-1:])
    tracemalloc.start()
    try:
        run_worklist(many, _Sink(), as_of=DAY, registry=registry, fmt="json")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_file_is_listed_in_constant_memory(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """Ten times the cases (each with seven items) take about the same memory: the items go to
    spools that move to temporary files once they are large."""
    _peak(lines, registry, 20)  # warm the caches: compiled policies, calendars
    small, large = _peak(lines, registry, 60), _peak(lines, registry, 600)
    assert large < small * 1.5 + 512 * 1024, (small, large)


# -- the catalog -----------------------------------------------------------------------------------


def test_every_sentence_of_the_list_is_in_the_catalog() -> None:
    """The list translates its sentences with the explanations' catalog: each must be a message
    pybabel extracts from atbalsts._explain (the anchor list there names the list's own)."""
    explain_dir = Path(atbalsts.__file__).parent / "_explain"
    found = list(
        extract_from_dir(
            str(explain_dir),
            method_map=[("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)},
        )
    )
    extracted = {msg for _file, _line, msg, _notes, _context in found if isinstance(msg, str)}
    used = set(PHRASES.values()) | set(FOLLOW_UP_LABELS.values())
    assert used <= extracted, sorted(used - extracted)
    anchored = set(_render._worklist_messages(lambda text: text))
    assert anchored <= used, sorted(anchored - used)
    plurals = {
        tuple(msg) for _file, _line, msg, _notes, _context in found if isinstance(msg, tuple)
    }
    assert set(PLURALS.values()) <= plurals, sorted(set(PLURALS.values()) - plurals)
    anchored = set(_render._worklist_plurals(lambda one, _many, _n: one))
    assert anchored <= {one for one, _many in PLURALS.values()}, anchored


# -- what a member of staff reads (outside test, F15) ----------------------------------------------


def _example10() -> dict[str, Any]:
    return dict(json.loads(EXAMPLES[-1].read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        (json.dumps(_example10(), indent=2), "document"),  # the bundled example as it is
        (json.dumps([_example10()], indent=2), "array"),
        (json.dumps([_example10(), _example10()]), "array"),  # an array on one line
        (
            "\n\n" + json.dumps(_example10(), indent=4) + "\n" + json.dumps(_example10(), indent=4),
            "document",
        ),
    ],
)
def test_a_json_document_over_many_lines_is_refused_as_not_json_lines(
    text: str, shape: str, registry: PolicyRegistry
) -> None:
    """A pretty-printed case (or an array of cases) is not 211 unread lines: it is refused as a
    whole, with a code that says which shape it has, and nothing is written."""
    out = io.StringIO()
    with pytest.raises(WorklistInputError) as raised:
        run_worklist(text.splitlines(keepends=True), out, as_of=DAY, registry=registry)
    assert raised.value.code == "not_json_lines"
    assert raised.value.values["shape"] == shape
    assert "one support case per line" in str(raised.value)
    assert "jq -c" in str(raised.value)
    assert out.getvalue() == ""


def test_a_line_that_is_only_broken_is_skipped_not_refused(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """Only input that opens a JSON value it does not close on its first line, or an array, and
    gives no case at all, is taken as not JSON Lines; a broken line among cases is skipped."""
    for given in (["{not json\n"], [lines[-1], "{\n", "[\n"], ['{"learner": 7}\n']):
        counts = run_worklist(given, io.StringIO(), as_of=DAY, registry=registry)
        assert counts.skipped >= 1


def test_the_text_says_why_a_line_was_skipped_without_its_values(
    lines: list[str], registry: PolicyRegistry
) -> None:
    bad = json.loads(lines[0])
    bad["learner"]["birth_date"] = "secret-value"
    mixed = [lines[-1], "", json.dumps(bad), "{not json"]
    text = listing(mixed, registry, lang="en")
    assert "2 lines not read:\n" in text
    assert "  line 3: not a valid support case: learner.birth_date: " in text
    assert "  line 4: not a valid support case: (document): Invalid JSON" in text
    assert "secret-value" not in text
    # a caller may say the fields in its own words (the command line does, in Latvian)
    worded = listing(mixed, registry, lang="lv", field_words=lambda row: f"<{row.kind}>")
    assert "  3. rinda: nav derīga atbalsta lieta: learner.birth_date: <date_parsing>" in worded
    # a role's list names a field only as far as its view shows it, the message too
    threat = _example10()
    threat["observations"][0]["suspected_threats"] = [{"kind": "secret-kind"}]
    masked = listing([json.dumps(threat)], registry, lang="en", role="municipal_coordinator")
    assert (
        "line 1: not a valid support case: observations[0].(protected): a field this role" in masked
    )
    assert "secret-kind" not in masked
    assert "suspected_threats" not in masked
    many = listing(["{bad"] * 25, registry, lang="en")
    assert "25 lines not read:\n" in many
    assert "  line 20: " in many
    assert "  line 21: " not in many
    assert "  … and 5 more lines (the JSON list names each)" in many


def test_a_caller_says_the_paths_of_a_skipped_line_in_its_own_words(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """The paths in the text, after a role's mask, go through ``path_words`` (the command line
    says a hidden key and a protected field in Latvian); the JSON list keeps the library's."""
    bad = json.loads(lines[0])
    bad["learner"]["anna_berzina"] = 1
    line = json.dumps(bad)
    worded = listing([line], registry, lang="lv", path_words=lambda path: f"<{path}>")
    assert "<learner.(a key that is not a field name)>: " in worded
    assert "anna_berzina" not in worded
    masked = listing(
        [line], registry, lang="lv", role="class_teacher", path_words=lambda path: f"<{path}>"
    )
    assert "<learner.(protected)>: " in masked
    out = io.StringIO()
    run_worklist([line], out, as_of=DAY, registry=registry, fmt="json", path_words=str.upper)
    (skipped,) = json.loads(out.getvalue())["skipped"]
    assert skipped["fields"][0]["path"] == "learner.(a key that is not a field name)"


def test_a_case_with_a_local_code_no_policy_declares_is_masked_on_a_roles_list(
    registry: PolicyRegistry,
) -> None:
    """Deciding the case fails on a local code (a staff observation's risk factor): its path
    says what the record holds, so a role's list cuts it as it cuts an invalid field."""
    case = _example10()
    case["observations"][0]["staff_observations"] = [
        {"factor": "nope:some_factor", "recorded_by": "class_teacher", "recorded_on": "2025-10-20"}
    ]
    line = json.dumps(case)

    def skipped(role: str | None) -> dict[str, Any]:
        out = io.StringIO()
        run_worklist([line], out, as_of=DAY, registry=registry, fmt="json", role=role)
        return dict(json.loads(out.getvalue())["skipped"][0])

    whole = skipped(None)
    assert whole["reason"] == "invalid"
    assert whole["fields"][0]["path"] == "observations[0].staff_observations[0].factor"
    teacher = skipped("class_teacher")
    assert "staff_observations" not in json.dumps(teacher)
    assert teacher["fields"][0]["path"] == "observations[0].(protected)"


# -- the fields of a skipped line: kind and values ------------------------------------------------

#: A note a worker could write about a family: not one word of it may reach a list.
SECRET = "Tēvs dzer; Anna baidās iet mājās. "
SECRET_WORDS = ("Tēvs", "Anna", "baidās", "dzer", "mājās")


def _long_note() -> str:
    """Example 10 with a free-text note over :data:`TEXT_MAX` characters."""
    case = _example10()
    case["actions"][0]["note"] = SECRET * (TEXT_MAX // len(SECRET) + 1)
    return json.dumps(case, ensure_ascii=False)


def _bad_threat() -> str:
    """Example 3 with its suspected threat's kind and date invalid, and a semester out of range
    (a field every role's view shows)."""
    case = json.loads(EXAMPLES[2].read_text(encoding="utf-8"))
    threat = case["observations"][0]["suspected_threats"][0]
    threat["observed_on"], threat["kind"] = "12.11.2025", "sexual_abuse"
    case["observations"][0]["term"]["semester"] = 3
    return json.dumps(case, ensure_ascii=False)


def _library_rows(line: str) -> list[dict[str, Any]]:
    """The library's FieldErrors for ``line``, as rows of JSON data."""
    with pytest.raises(DocumentError) as raised:
        parse_json(SupportCase, line)
    return [
        {"path": e.path, "message": e.message, "kind": e.kind, "values": dict(e.values)}
        for e in raised.value.errors
    ]


def _skipped_json(
    given: list[str], registry: PolicyRegistry, role: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The JSON list of ``given`` for ``role``: its text, and the rows of its first skipped line."""
    out = io.StringIO()
    run_worklist(given, out, as_of=DAY, registry=registry, fmt="json", role=role)
    rows: list[dict[str, Any]] = json.loads(out.getvalue())["skipped"][0]["fields"]
    return out.getvalue(), rows


def test_a_too_long_note_gives_its_kind_and_limit_and_not_a_word_of_it(
    registry: PolicyRegistry,
) -> None:
    line = _long_note()
    text, rows = _skipped_json([line], registry)
    (row,) = [r for r in rows if r["path"] == "actions[0].note"]
    assert row["kind"] == "string_too_long"
    assert row["values"] == {"max_length": str(TEXT_MAX)}
    assert str(TEXT_MAX) in row["message"]  # the message as before
    assert rows == _library_rows(line)  # every row is the library's FieldError
    for word in SECRET_WORDS:
        assert word not in text
        assert word.encode("unicode_escape").decode() not in text
    # the Python objects carry them too
    (skipped,) = Worklist.model_validate_json(text).skipped
    (problem,) = [f for f in skipped.fields if f.path == "actions[0].note"]
    assert (problem.kind, problem.values) == ("string_too_long", {"max_length": str(TEXT_MAX)})
    # the text list says the same sentence as before, and no word of the note either
    said = listing([line], registry, lang="en")
    assert f"actions[0].note: String should have at most {TEXT_MAX} characters" in said
    assert not any(word in said for word in SECRET_WORDS)


def test_the_rows_of_a_local_code_no_policy_declares_have_its_kind_and_values(
    registry: PolicyRegistry,
) -> None:
    case = _example10()
    case["observations"][0]["staff_observations"] = [
        {"factor": "nope:some_factor", "recorded_by": "class_teacher", "recorded_on": "2025-10-20"}
    ]
    _, (row,) = _skipped_json([json.dumps(case)], registry)
    assert row["kind"] == "unknown_local_code"
    assert row["values"]["list"] == "risk_factors"
    _, (masked,) = _skipped_json([json.dumps(case)], registry, role="class_teacher")
    assert (masked["kind"], masked["values"]) == ("protected", {})


def test_a_row_a_role_may_not_see_says_only_that_it_is_protected(
    registry: PolicyRegistry,
) -> None:
    """The kind and values of a masked field go with its path and message (an enumeration's
    values list the kinds of threat); a field the role may see keeps its own."""
    line = _bad_threat()
    whole = _library_rows(line)
    assert _skipped_json([line], registry)[1] == whole
    protected = {
        "path": "observations[0].(protected)",
        "message": PROTECTED_MESSAGE,
        "kind": "protected",
        "values": {},
    }
    for role in ("class_teacher", "municipal_coordinator"):
        text, rows = _skipped_json([line], registry, role=role)
        kept = [row for row in whole if "suspected_threats" not in row["path"]]
        assert rows == [*kept, protected]
        assert [row["kind"] for row in kept] == ["less_than_equal"]  # the semester's own
        for word in ("violence", "date_parsing", "enum", "sexual_abuse", "12.11.2025"):
            assert word not in text
    assert _skipped_json([line], registry, role="psychologist")[1] == whole
    # a role without a view: one row, the document's, protected
    text, rows = _skipped_json([line], registry, role="subject_teacher")
    assert rows == [{**protected, "path": PROTECTED}]
    assert "less_than_equal" not in text


#: The roles with a view that a work list may be made for: the roles code list's (a list for
#: the police, the social service or the orphans' court is refused as an unknown role).
LISTED_VIEWS = [r.value for r in ViewRole if r.value in CODE_LISTS["roles"]]


@pytest.mark.parametrize("role", LISTED_VIEWS)
def test_a_roles_rows_name_the_fields_as_masked_problems_does(
    role: str, registry: PolicyRegistry
) -> None:
    """The paths and messages of a role's rows are those :func:`masked_problems` gives, as
    before; a row kept whole keeps its kind and values."""
    for line in (_bad_threat(), _long_note(), "{not json", '{"learner": {}}'):
        whole = _library_rows(line)
        _, rows = _skipped_json([line], registry, role=role)
        pairs = [(row["path"], row["message"]) for row in whole]
        assert [(row["path"], row["message"]) for row in rows] == masked_problems(pairs, role=role)
        for row in rows:
            assert row in whole or (row["kind"], row["values"]) == ("protected", {})


def test_the_published_schema_holds_the_kind_and_values_of_each_row(
    lines: list[str], registry: PolicyRegistry
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    given = [lines[-1], _long_note(), _bad_threat(), "{not json", '{"learner": {}}']
    for role in (None, "class_teacher", "subject_teacher"):
        out = io.StringIO()
        run_worklist(given, out, as_of=DAY, registry=registry, fmt="json", role=role)
        data = json.loads(out.getvalue())
        assert len(data["skipped"]) == 4
        assert [e.message for e in validator.iter_errors(data)] == [], role
    row = {"path": "learner.id", "message": "Field required", "kind": "missing", "values": {}}
    document = {**data, "skipped": [{"line": 1, "reason": "invalid", "fields": [row]}]}
    assert validator.is_valid(document)
    Worklist.model_validate_json(json.dumps(document))
    wrong: list[dict[str, Any]] = [{k: v for k, v in row.items() if k != key} for key in row]
    wrong += [{**row, "values": v} for v in ({"max_length": 4000}, ["max_length"], {"a": None})]
    wrong += [{**row, "kind": 7}, {**row, "value": "x"}]
    for bad in wrong:
        document = {**data, "skipped": [{"line": 1, "reason": "invalid", "fields": [bad]}]}
        assert not validator.is_valid(document), bad
        with pytest.raises(ValidationError):  # what the schema refuses, the model refuses
            Worklist.model_validate_json(json.dumps(document))


def test_a_day_past_the_due_date_with_no_school_day_since_is_said_so(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """Example 10's referral is due on Monday 20 October 2025, in the autumn holidays: on the
    21st it is overdue with no school day since, which the list says in words, not as 0."""
    en = listing(lines[-1:], registry, lang="en", as_of=date(2025, 10, 21))
    assert "due 2025-10-20; past due, no school day since;" in en
    assert "school days late: 0" not in en
    lv = listing(lines[-1:], registry, as_of=date(2025, 10, 21))
    assert "termiņš 2025-10-20; termiņš pagājis, kopš tā vēl nav bijusi neviena mācību diena;" in lv
    assert "par 0 mācību" not in lv
    later = listing(lines[-1:], registry, lang="en", as_of=date(2025, 10, 27))
    assert "due 2025-10-20; late by 1 school day;" in later
    assert "termiņš 2025-10-20; nokavēts par 1 mācību dienu;" in listing(
        lines[-1:], registry, as_of=date(2025, 10, 27)
    )


def test_a_referral_accepted_but_without_an_outcome_is_not_called_unanswered(
    lines: list[str], registry: PolicyRegistry
) -> None:
    """The follow-up lists a referral with no outcome by its due date, whatever its status:
    one the recipient accepted has been answered, so the label speaks of the outcome."""
    case = _example10()
    for ref in case["referrals"]:
        if ref["id"] == "R-0010-1":
            ref["status"] = "accepted"
    line = json.dumps(case)
    en = listing([line], registry, lang="en")
    assert "L-0010: Referral outcome not received by its due date (R-0010-1)" in en
    lv = listing([line], registry)
    assert "L-0010: Nosūtījuma rezultāts termiņā nav saņemts (R-0010-1)" in lv
    assert "nav atbildēts" not in lv


def test_the_approval_a_plan_waits_for_is_called_as_the_transitions_call_it(
    lines: list[str], registry: PolicyRegistry
) -> None:
    lv = listing(lines[-1:], registry)
    assert "L-0010: Plāns gaida apstiprinājumu (P-0010-2)" in lv
    assert "saskaņojum" not in lv
    # the decision's explanation says the same of the same follow-up
    decision = registry.evaluate(SupportCase.model_validate_json(lines[-1]), DAY)
    explained = atbalsts.explain(decision, "lv")
    assert "plāns P-0010-2: kopš 2025-09-30 gaida apstiprinājumu" in explained
    assert "saskaņojum" not in explained


def test_the_counts_say_cases_read_and_those_of_the_school(
    lines: list[str], registry: PolicyRegistry
) -> None:
    one = listing(lines[-1:], registry, lang="en")
    assert one.splitlines()[1].endswith("; 1 case read")
    every = listing(lines, registry, lang="en")
    assert every.splitlines()[1].endswith(f"; {len(lines)} cases read")
    school = listing(lines, registry, lang="en", school="SCH-PARAUGA-03")
    assert school.splitlines()[1].endswith(f"; 1 case of this school (of {len(lines)} read)")
    assert "No case of school" not in school
    nope = listing(lines, registry, lang="en", school="SCH-NOPE")
    assert nope.splitlines()[1].endswith(f"; 0 cases of this school (of {len(lines)} read)")
    assert "No case of school SCH-NOPE was read: is its id right?" in nope
    lv = listing(lines, registry, school="SCH-NOPE")
    assert "Nav nolasīta neviena izglītības iestādes SCH-NOPE lieta: vai tās id ir pareizs?" in lv
    data = json.loads(listing(lines, registry, fmt="json", school="SCH-PARAUGA-03"))
    assert (data["counts"]["read"], data["counts"]["cases"]) == (len(lines), 1)
    # one school day ahead: example 10's support team meets on 5 November
    day = date(2025, 11, 4)
    days = listing(lines[-1:], registry, lang="en", upcoming=1, as_of=day)
    assert "1 due in the next 1 school day; 1 case read" in days
    assert "  Due in the next 1 school day\n" in days
    assert "termiņš tuvākās 1 mācību dienas laikā: 1" in listing(
        lines[-1:], registry, upcoming=1, as_of=day
    )
