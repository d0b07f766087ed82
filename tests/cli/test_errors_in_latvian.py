"""What the command says is wrong, in its language: a document's failing fields by their kind, the
common errors of the operating system by their number, an unknown name with the names known. In
English the library's and the system's own words; in either language, never a field's value."""

from __future__ import annotations

import contextlib
import copy
import errno
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import VALID_CASE
from tests.test_cli_commands import PLAN

from atbalsts.cli import main
from atbalsts.cli._errors import field_message, os_reason, unknown_name
from atbalsts.cli._i18n import texts
from atbalsts.errors import DocumentError, FieldError, UnknownNameError
from atbalsts.model import SupportCase, parse_json

LV = texts("lv")
EN = texts("en")


def run(*argv: str) -> tuple[int, str, str]:
    """``atbalsts ARGV`` in this process: the exit status, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- an invalid document -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "lv",
            [
                "kļūda: {file} nav derīgs",
                "  learner: obligāts, bet nav norādīts",
                "  learnr: šāda lauka dokumentā nav (pārbaudiet nosaukumu)",
            ],
        ),
        (
            "en",
            [
                "error: {file} is invalid",
                "  learner: Field required",
                "  learnr: Extra inputs are not permitted",
            ],
        ),
    ],
)
def test_an_invalid_document_is_said_field_by_field_in_the_language_asked(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    bad = write(tmp_path / "bad.json", {"learnr": 1})
    for command in ("evaluate", "validate"):
        status, out, err = run(command, str(bad), "--lang", lang)
        name = f"{bad} (support-case)" if command == "validate" else str(bad)
        assert (status, out) == (2, "")
        assert err.splitlines() == [line.format(file=name) for line in expected]


def test_each_kind_of_field_error_reads_in_latvian_with_its_path(tmp_path: Path) -> None:
    case = copy.deepcopy(VALID_CASE)
    case["learner"]["enrolment"]["grade"] = "eighth"
    case["learner"]["living_situation"] = "tent"
    case["learner"]["birth_date"] = "2011-02-30"
    case["learner"]["id"] = "L 1"
    case["plans"][0]["measures"][1]["measure"] = "mentoring"
    case["plans"][0]["period"] = {"start": "2024-12-02", "end": "2024-12-01"}
    case["observations"][0]["attendance"]["lessons_missed_unjustified"] = -1
    case["observations"][0]["term"]["school_year"] = "2024/2026"
    status, _, err = run("validate", str(write(tmp_path / "c.json", case)), "--lang", "lv")
    assert status == 2
    lines = err.splitlines()
    assert lines[0] == f"kļūda: {tmp_path / 'c.json'} (support-case) nav derīgs"
    said = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert said == {
        "learner.id": "neatbilst atļautajam pierakstam (regulārā izteiksme "
        "'^[A-Za-z0-9][A-Za-z0-9._:-]*$')",
        "learner.birth_date": "nav derīgs datums formā YYYY-MM-DD",
        "learner.enrolment.grade": "jābūt veselam skaitlim, rakstītam bez daļas",
        "learner.living_situation": "jābūt vienai no vērtībām: 'with_parents', "
        "'foster_family', 'guardian', 'care_institution'",
        "observations[0].term.school_year": "school_year jānorāda divi secīgi gadi, piem., "
        "'2024/2025'",
        "observations[0].attendance.lessons_missed_unjustified": "jābūt vismaz 0",
        "plans[0].period.end": "end nedrīkst būt agrāks par start",
        "plans[0].measures[1].measure": "nezināms atbalsta pasākuma kods; izmantojiet valsts "
        "kodu vai spraudņa deklarētu vietējo kodu 'nosaukumtelpa:kods'",
    }


def test_an_unknown_code_of_each_list_reads_in_latvian(tmp_path: Path) -> None:
    case = copy.deepcopy(VALID_CASE)
    case["plans"][0]["risk_factors"][0] = "no_such_factor"
    case["plans"][0]["measures"][0]["measure"] = "no_such_measure"
    case["plans"][0]["author_role"] = "no_such_role"
    case["referrals"][0]["referred_to"]["institution"] = "no_such_institution"
    _, _, err = run("validate", str(write(tmp_path / "c.json", case)), "--lang", "lv")
    said = dict(line.strip().split(": ", 1) for line in err.splitlines()[1:])
    tail = "; izmantojiet valsts kodu vai spraudņa deklarētu vietējo kodu 'nosaukumtelpa:kods'"
    assert said == {
        "plans[0].risk_factors[0]": "nezināms riska faktora kods" + tail,
        "plans[0].measures[0].measure": "nezināms atbalsta pasākuma kods" + tail,
        "plans[0].author_role": "nezināms lomas kods" + tail,
        "referrals[0].referred_to.institution": "nezināms iestādes kods" + tail,
    }


def test_malformed_json_says_where_it_stops(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"learner": {', encoding="utf-8")
    _, _, lv = run("validate", str(bad), "--lang", "lv")
    assert lv.splitlines()[1] == "  (document): nav derīgs JSON (1. rinda, 13. kolonna)"
    _, _, en = run("validate", str(bad), "--lang", "en")
    assert en.splitlines()[1].startswith("  (document): Invalid JSON: ")


def _mutations(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _mutations(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _mutations(value, (*at, i))


def _put(document: Any, at: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    node = changed
    for part in at[:-1]:
        node = node[part]
    node[at[-1]] = value
    return changed


#: Values of every JSON type and of the edges validation checks: wrong types, empty and long
#: texts, lists, objects, a day that does not exist, a code that is not one, numbers out of range.
_WRONG: tuple[Any, ...] = (None, -5, 1.5, True, "x", "", "y" * 4001, [], ["a"], {}, "2024-02-30")


def _every_error_of_a_mutated_case() -> dict[str, set[FieldError]]:
    """The errors (by kind, their paths left out) of the test case with any one value replaced
    by any of :data:`_WRONG`, or any one key removed, or an unknown key added."""
    found: dict[str, set[FieldError]] = {}

    def collect(document: Any) -> None:
        try:
            parse_json(SupportCase, json.dumps(document))
        except DocumentError as err:
            for row in err.errors:
                found.setdefault(row.kind, set()).add(
                    FieldError("p", row.message, row.kind, row.values)
                )

    for at in _mutations(VALID_CASE):
        if not at:
            continue
        for value in _WRONG:
            collect(_put(VALID_CASE, at, value))
        if isinstance(at[-1], str):
            without = copy.deepcopy(VALID_CASE)
            parent = without
            for part in at[:-1]:
                parent = parent[part]
            del parent[at[-1]]
            collect(without)
    collect({**VALID_CASE, "unknown": 1})
    return found


def test_every_error_of_a_mutated_support_case_has_its_latvian_sentence() -> None:
    found = _every_error_of_a_mutated_case()
    assert {"missing", "extra_forbidden", "string_too_long", "enum", "date_parsing"} <= set(found)
    english = {
        (row.kind, row.message, tuple(row.values.items()))
        for rows in found.values()
        for row in rows
        if field_message(row, LV) == row.message
    }
    assert not english, f"said in English in Latvian: {sorted(english)}"


#: The library's errors for the checks a mutation of one value does not reach, as it writes
#: them (kind, message, values), with what the command says in Latvian
#: (tests/test_field_values.py checks that the library gives these values).
_LIBRARY_MESSAGES = [
    ("too_long", "List should have at most 200 items after validation, not 201",
     {"max_length": "200"}, "par daudz elementu: ne vairāk kā 200"),
    ("too_short", "List should have at least 2 items after validation, not 1",
     {"min_length": "2"}, "par maz elementu: vismaz 2"),
    ("too_short", "List should have at least 1 item after validation, not 0",
     {"min_length": "1"}, "saraksts nedrīkst būt tukšs"),
    ("string_too_long", "String should have at most 21 characters", {"max_length": "21"},
     "par garu: ne vairāk kā 21 rakstzīme"),
    ("string_too_short", "String should have at least 3 characters", {"min_length": "3"},
     "par īsu: vismaz 3 rakstzīmes"),
    ("less_than_equal", "Input should be less than or equal to 24", {"le": "24"},
     "jābūt ne vairāk kā 24"),
    ("greater_than", "Input should be greater than 0", {"gt": "0"}, "jābūt lielākam par 0"),
    ("less_than", "Input should be less than 5", {"lt": "5"}, "jābūt mazākam par 5"),
    ("float_type", "Input should be a valid number", {}, "jābūt skaitlim"),
    ("literal_error", "Input should be '1.0'", {"expected": "1.0"}, "jābūt '1.0'"),
    ("finite_number", "Input should be a finite number", {}, "jābūt galīgam skaitlim"),
    ("datetime_parsing", "Input should be a date and time with its offset, e.g. "
     "2025-03-03T10:15:00+02:00", {}, "jābūt datumam un laikam ar nobīdi no UTC, piem., "
     "2025-03-03T10:15:00+02:00"),
    ("json_invalid", "Invalid JSON: EOF while parsing a value", {}, "nav derīgs JSON"),
    ("json_invalid", "Invalid JSON: EOF while parsing a value at line 3 column 7",
     {"line": "3", "column": "7"}, "nav derīgs JSON (3. rinda, 7. kolonna)"),
    ("string_unicode", "Text holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair), "
     "which is not Unicode text", {}, "teksts satur vientuļu surogātu (\\uD800-\\uDFFF atsoli "
     "bez pāra), kas nav Unicode teksts"),
    ("value_type", "Input should be a boolean, a number, a string or null", {}, "jābūt true vai "
     "false, skaitlim, tekstam vai null"),
    ("duplicate_id", "repeats the id of an earlier item of plans", {"field": "plans"},
     "atkārto kāda iepriekšēja plans elementa id"),
    ("duplicate_id", "repeats the id of an earlier action", {"field": "actions"},
     "atkārto kādas iepriekšējas darbības id"),
    ("duplicate_id", "repeats the day of an earlier day record", {"field": "days"},
     "atkārto kāda iepriekšēja dienas ieraksta dienu"),
    ("other_learner", "names another learner than learner.id", {}, "norāda citu izglītojamo, "
     "nevis learner.id"),
    ("date_order", "withdrawn_on must not be before given_on",
     {"later": "withdrawn_on", "earlier": "given_on"}, "withdrawn_on nedrīkst būt agrāks par "
     "given_on"),
    ("missing", "a withdrawn consent needs withdrawn_on", {}, "atsauktai piekrišanai jānorāda "
     "withdrawn_on"),
    ("outside_term", "a day record must be a day of the term 2024/2025/1 on or before as_of",
     {"term": "2024/2025/1", "field": "on"}, "dienas ierakstam jābūt semestra 2024/2025/1 "
     "dienai, ne vēlākai par as_of"),
    ("outside_term", "as_of is not a day of the term 2024/2025/1 (semester 1 runs 1 September-31 "
     "December, semester 2 1 January-31 August)", {"term": "2024/2025/1", "field": "as_of"},
     "as_of nav semestra 2024/2025/1 diena (1. semestris ilgst no 1. septembra līdz 31. "
     "decembrim, 2. semestris no 1. janvāra līdz 31. augustam)"),
    ("lessons_exceed_scheduled", "lessons_missed exceeds lessons_scheduled", {}, "lessons_missed "
     "pārsniedz lessons_scheduled"),
    ("grade_programme", "grade must be 10-12 for general_secondary",
     {"field": "grade", "programme": "general_secondary", "low": "10", "high": "12"},
     "programmā general_secondary grade jābūt no 10 līdz 12"),
    ("grade_programme", "vocational_course must be empty in pre-school",
     {"field": "vocational_course", "programme": "pre_school"}, "pirmsskolā vocational_course "
     "jāatstāj tukšs"),
    ("personal_code", "not a valid Latvian personal code (The number's checksum or check digit "
     "is invalid.)", {"reason": "check_digit"}, "nav derīgs Latvijas personas kods (nepareizs "
     "kontrolcipars)"),
    ("personal_code", "a company registration number, not a personal code", {"reason": "company"},
     "uzņēmuma reģistrācijas numurs, nevis personas kods"),
    ("legal_basis_incomplete", "a law basis needs both act and url",
     {"kind": "law", "needs": "act,url"}, "law veida tiesiskajam pamatam jānorāda gan act, gan "
     "url"),
    ("legal_basis_incomplete", "a methodological_default basis needs a note saying what it "
     "rests on", {"kind": "methodological_default", "needs": "note"}, "methodological_default "
     "veida tiesiskajam pamatam jānorāda note: uz ko tas balstās"),
    ("duplicate", "parameter declared twice", {}, "deklarēts divreiz"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "message", "values", "latvian"), _LIBRARY_MESSAGES)
def test_the_checks_beyond_one_value_read_in_latvian(
    kind: str, message: str, values: dict[str, str], latvian: str
) -> None:
    row = FieldError("p", message, kind, values)
    assert field_message(row, LV) == latvian
    assert field_message(row, EN) == message


@pytest.mark.parametrize(("kind", "message", "values", "latvian"), _LIBRARY_MESSAGES)
def test_the_latvian_reads_the_values_not_the_english_words(
    kind: str, message: str, values: dict[str, str], latvian: str
) -> None:
    """Whatever pydantic's English says (its wording may change), the Latvian says what the
    values say; where a kind needs values and has none, the library's message is shown."""
    if not values:
        return  # a fixed sentence of the library: recognised by its words
    reworded = FieldError("p", "pydantic says it in other words now", kind, values)
    assert field_message(reworded, LV) == latvian
    if kind == "json_invalid":
        return  # without a line and a column: "nav derīgs JSON"
    assert field_message(FieldError("p", message, kind), LV) == message


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("value_error", "something only the library knows how to say"),
        ("a_new_kind", "a message of a kind the catalog has not met"),
        ("date_order", "a sentence of another form than before"),
        ("enum", "Input should be one of the values (a form pydantic might take)"),
    ],
)
def test_a_message_the_catalog_cannot_read_is_shown_as_the_library_wrote_it(
    kind: str, message: str
) -> None:
    assert field_message(FieldError("p", message, kind), LV) == message


_NOTE = st.text(alphabet="aābcčdeēfgģhiījkķlļmnņoprsštuūvzž ", min_size=12, max_size=4100).filter(
    lambda text: len(text.strip()) >= 12
)

#: Wrong places for a note's text: an identifier, a number, a code, an enumeration, a date, a
#: list, a key's value the document does not know, and the note itself when it is too long.
_PLACES: tuple[Callable[[dict[str, Any], str], None], ...] = (
    lambda case, text: case["learner"].__setitem__("id", text),
    lambda case, text: case["learner"]["enrolment"].__setitem__("grade", text),
    lambda case, text: case["learner"].__setitem__("living_situation", text),
    lambda case, text: case["learner"].__setitem__("birth_date", text),
    lambda case, text: case["plans"][0]["measures"][0].__setitem__("measure", text),
    lambda case, text: case["observations"][0]["staff_observations"][0].__setitem__("factor", text),
    lambda case, text: case["plans"][0].__setitem__("risk_factors", text),
    lambda case, text: case["learner"].__setitem__("remark", text),
    lambda case, text: case["observations"][0].__setitem__(
        "notes",
        [
            {
                "kind": "health",
                "text": f"{text} " * (4001 // len(text) + 1),
                "recorded_by": "class_teacher",
                "recorded_on": "2024-11-20",
            }
        ],
    ),
)


def _stand_in(text: str) -> str:
    """A text like ``text`` (as long, its spaces and its ASCII letters in the same places) made of
    letters :data:`_NOTE` never uses: put in the same place, it is refused the same way."""
    return "".join(c if c == " " else "x" if c.isascii() else "ö" for c in text)


def _said_about(case: dict[str, Any], directory: Path, lang: str) -> str:
    """What ``atbalsts validate`` says of ``case``, which it refuses."""
    status, out, err = run("validate", str(write(directory / "case.json", case)), "--lang", lang)
    assert status == 2
    return out + err


@given(text=_NOTE, place=st.sampled_from(range(len(_PLACES))), lang=st.sampled_from(["lv", "en"]))
def test_a_note_put_in_a_wrong_place_never_shows_in_what_the_command_says(
    tmp_path_factory: pytest.TempPathFactory, text: str, place: int, lang: str
) -> None:
    case = copy.deepcopy(VALID_CASE)
    _PLACES[place](case, text)
    said = _said_about(case, tmp_path_factory.mktemp("note"), lang)
    # What the command says whatever the note: the same case with a stand-in for it. Hypothesis
    # also draws the library's own short strings ("observations", "measure code"), which are the
    # command's words in any case; such a note is in both, and shows nothing. (Without this, the
    # test failed by chance in about 1 run in 80.)
    other = copy.deepcopy(VALID_CASE)
    _PLACES[place](other, _stand_in(text))
    anyway = _said_about(other, tmp_path_factory.mktemp("note"), lang)
    for shown in (text, text.strip()[:12]):
        assert shown not in said or shown in anyway, shown


# -- the operating system ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "missing", "directory"),
    [
        ("lv", "šāda faila vai mapes nav", "tā ir mape, nevis fails"),
        ("en", os.strerror(errno.ENOENT), os.strerror(errno.EISDIR)),
    ],
)
def test_a_missing_file_and_a_directory_are_said_in_the_language_asked(
    tmp_path: Path, lang: str, missing: str, directory: str
) -> None:
    nowhere = tmp_path / "nowhere.json"
    lead = "kļūda: nevar nolasīt" if lang == "lv" else "error: cannot read"
    for command in ("evaluate", "validate"):
        status, _, err = run(command, str(nowhere), "--lang", lang)
        assert status == 2
        assert err == f"{lead} {nowhere}: {missing}\n"
    status, _, err = run("evaluate", str(tmp_path), "--lang", lang)
    assert status == 2
    assert err.endswith(f" {tmp_path}: {directory}\n")


def test_an_error_writing_is_said_in_latvian_by_its_number(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    status, _, err = run("schema", "-o", str(blocker / "schemas"), "--lang", "lv")
    assert status == 2
    assert err == f"kļūda: nevar izmantot {blocker / 'schemas'}: kāda ceļa daļa nav mape\n"
    status, _, err = run("schema", "-o", str(blocker / "schemas"), "--lang", "en")
    assert err == f"error: cannot use {blocker / 'schemas'}: {os.strerror(errno.ENOTDIR)}\n"


def test_a_file_that_may_not_be_read_is_said_in_latvian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "case.json", VALID_CASE)

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    assert run("validate", str(path), "--lang", "lv")[2] == (
        f"kļūda: nevar nolasīt {path}: nav piekļuves tiesību\n"
    )
    assert run("validate", str(path), "--lang", "en")[2] == (
        f"error: cannot read {path}: {os.strerror(errno.EACCES)}\n"
    )


def test_an_uncommon_system_error_is_shown_in_the_systems_words() -> None:
    rare = OSError(errno.EXDEV, "Invalid cross-device link")
    assert os_reason(rare, LV) == "Invalid cross-device link"
    assert os_reason(OSError("no number at all"), LV) == "no number at all"
    for number in (errno.ENOENT, errno.EACCES, errno.EISDIR, errno.ENOTDIR, errno.ENOSPC):
        exc = OSError(number, os.strerror(number))
        assert os_reason(exc, EN) == os.strerror(number)
        assert os_reason(exc, LV) != os.strerror(number)


# -- names atbalsts does not know ----------------------------------------------------------------


def test_an_unknown_parameter_is_said_with_the_names_known() -> None:
    """A dozen parameters are few enough to be listed whole."""
    status, _, lv = run("params", "lv.nope", "--lang", "lv")
    assert status == 2
    _, _, en = run("params", "lv.nope", "--lang", "en")
    said = re.fullmatch(r"kļūda: nezināms parametrs 'lv.nope'; zināmie nosaukumi: (lv\..*)\n", lv)
    written = re.fullmatch(r"error: unknown parameter 'lv.nope'; known: (lv\..*)\n", en)
    assert said is not None, lv
    assert written is not None, en
    assert said.groups() == written.groups()
    assert "…" not in lv + en
    names = said[1].split(", ")
    assert names == sorted(names)
    assert len(names) > 8  # more than the 240 characters that the list was cut at before


def test_an_unknown_role_of_the_work_list_is_said_with_every_role(tmp_path: Path) -> None:
    from atbalsts.codes import ROLES

    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(VALID_CASE) + "\n", encoding="utf-8")
    argv = ("worklist", str(path), "--as-of", "2024-12-03", "--role", "janitor")
    status, _, lv = run(*argv, "--lang", "lv")
    assert status == 2
    _, _, en = run(*argv, "--lang", "en")
    every = ", ".join(ROLES.codes())
    assert en == f"error: unknown role 'janitor'; known: {every}\n"
    # in Latvian each code (what is typed) with its label, in the same order (session 28: a
    # class teacher could not tell the roles by their English codes)
    head = "kļūda: nezināma loma 'janitor'; zināmie nosaukumi: "
    assert lv.startswith(head + "any_staff (jebkurš izglītības iestādes darbinieks), "), lv
    body = lv.removeprefix(head).removesuffix("\n")
    listed = re.findall(r"([a-z_]+) \(([^()]*)\)", body)
    assert ", ".join(f"{code} ({label})" for code, label in listed) == body
    assert [code for code, _ in listed] == list(ROLES.codes())
    assert ("class_teacher", "klases audzinātājs") in listed
    assert ("parent", "vecāks") in listed
    # a label with brackets of its own is not put in brackets inside brackets
    assert ("national_coordinator", "valsts līmeņa koordinators, IKVD") in listed


def test_an_unknown_role_of_a_transition_lists_the_roles_and_institutions_by_label(
    tmp_path: Path,
) -> None:
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    argv = ("transition", str(doc), "submit", "--actor", "p-1", "--role", "janitor")
    status, _, lv = run(*argv, "--on", "2025-03-03", "--lang", "lv")
    assert status == 2
    for entry in (
        "class_teacher (klases audzinātājs)",
        "orphans_court (bāriņtiesa)",
        "state_police (Valsts policija)",  # a proper name keeps its capital
    ):
        assert f" {entry}," in lv, lv
    _, _, en = run(*argv, "--on", "2025-03-03", "--lang", "en")
    assert "; known: class_teacher, subject_teacher, " in en
    assert "(" not in en


@pytest.mark.parametrize("kind", ["role code", "view role"])
def test_an_unknown_role_code_lists_each_code_with_its_label(kind: str) -> None:
    err = UnknownNameError(kind, "janitor", ["class_teacher", "social_pedagogue", "police"])
    head = "nezināms lomas kods" if kind == "role code" else "nezināma skata loma"
    assert unknown_name(err, LV) == (
        f"{head} 'janitor'; zināmie nosaukumi: class_teacher (klases audzinātājs), "
        "social_pedagogue (sociālais pedagogs), police"  # a code without a label as it is
    )
    assert unknown_name(err, EN) == str(err)


def test_a_cut_list_of_roles_keeps_its_count_with_labels() -> None:
    from atbalsts.codes import ROLES

    known = [*ROLES.codes(), *(f"bauska:role_{i:03}" for i in range(40))]
    err = UnknownNameError("role", "janitor", known)
    more = re.search(r", … and ([0-9]+) more$", str(err))
    assert more is not None
    said = unknown_name(err, LV)
    assert said.startswith(
        "nezināma loma 'janitor'; zināmie nosaukumi: any_staff (jebkurš izglītības iestādes "
        "darbinieks), class_teacher (klases audzinātājs), "
    )
    assert said.endswith(f"), … un vēl {more[1]}"), said


@pytest.mark.parametrize(
    ("typed", "code", "label"),
    [
        ("klases_audzinatajs", "class_teacher", "klases audzinātājs"),
        ("Sociālais pedagogs", "social_pedagogue", "sociālais pedagogs"),
        ("bāriņtiesa", "orphans_court", "bāriņtiesa"),
        (
            "Valsts līmeņa koordinators (IKVD)",
            "national_coordinator",
            "valsts līmeņa koordinators, IKVD",
        ),
    ],
)
def test_a_role_typed_as_its_latvian_label_is_pointed_to_its_code(
    tmp_path: Path, typed: str, code: str, label: str
) -> None:
    """A class teacher (an outside reader) typed the role as staff say it: the Latvian error
    names the code of the role whose label that is, after the list; the English one does not
    guess at Latvian."""
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    argv = ("transition", str(doc), "submit", "--actor", "p-1", "--role", typed)
    status, _, lv = run(*argv, "--on", "2025-03-03", "--lang", "lv")
    assert status == 2
    assert lv.endswith(f"; vai domāts {code} ({label})?\n"), lv
    _, _, en = run(*argv, "--on", "2025-03-03", "--lang", "en")
    assert "domāts" not in en
    assert code not in en.split("; known: ")[0]


def test_a_role_like_no_label_gets_no_guess(tmp_path: Path) -> None:
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    argv = ("transition", str(doc), "submit", "--actor", "p-1", "--role", "sētnieks")
    status, _, lv = run(*argv, "--on", "2025-03-03", "--lang", "lv")
    assert status == 2
    assert "vai domāts" not in lv


@pytest.mark.parametrize(
    ("known", "shown"),
    [
        # Many short names: the first 20.
        ([f"name_{i:03}" for i in range(120)], 20),
        # Long names: as many as 240 characters hold.
        ([f"{'long_name_' * 4}{i:03}" for i in range(60)], 5),
    ],
)
def test_a_long_list_of_names_known_says_how_many_more_there_are(
    known: list[str], shown: int
) -> None:
    err = UnknownNameError("parameter", "lv.nope", known)
    listed = ", ".join(known[:shown])
    rest = len(known) - shown
    assert str(err) == f"unknown parameter 'lv.nope'; known: {listed}, … and {rest} more"
    assert unknown_name(err, EN) == str(err)
    assert unknown_name(err, LV) == (
        f"nezināms parametrs 'lv.nope'; zināmie nosaukumi: {listed}, … un vēl {rest}"
    )


def test_a_long_unknown_name_is_cut_short_in_latvian_too() -> None:
    name = "x" * 100
    said = unknown_name(UnknownNameError("document", name, ["consent", "decision"]), LV)
    assert (
        said
        == f"nezināms dokuments '{'x' * 58}… (102 rakstzīmes); zināmie nosaukumi: consent, decision"
    )
    assert name not in said
    english = unknown_name(UnknownNameError("document", name), EN)
    assert english == f"unknown document '{'x' * 58}… (102 characters)"


def test_an_unknown_name_of_a_kind_the_catalog_does_not_know_stays_as_written() -> None:
    err = UnknownNameError("gizmo", "g", ["a", "b"])
    assert unknown_name(err, LV) == str(err) == "unknown gizmo 'g'; known: a, b"


# -- the work list's skipped lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (None, "learner.(atslēga, kas nav lauka nosaukums)"),
        ("class_teacher", "learner.(aizsargāts)"),  # a role's mask
        ("librarian", "(aizsargāts)"),  # a role without a view: no field is named
    ],
)
def test_the_work_list_says_the_path_of_a_skipped_line_in_latvian(
    tmp_path: Path, role: str | None, path: str
) -> None:
    case = copy.deepcopy(VALID_CASE)
    case["learner"]["anna_berzina"] = 1
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case) + "\n", encoding="utf-8")
    argv = ["worklist", str(cases), "--as-of", "2024-12-03", "--lang", "lv"]
    status, out, _ = run(*argv, *(("--role", role) if role else ()))
    assert status == 2
    assert f"  1. rinda: nav derīga atbalsta lieta: {path}: " in out
    assert "(a key that is not a field name)" not in out
    assert "(protected)" not in out
    assert "anna_berzina" not in out
    # In English, the library's words.
    status, out, _ = run(*argv[:-1], "en", *(("--role", role) if role else ()))
    english = {
        None: "learner.(a key that is not a field name)",
        "class_teacher": "learner.(protected)",
    }
    assert f"  line 1: not a valid support case: {english.get(role, '(protected)')}: " in out


# -- as a separate process, in the default language ------------------------------------------------


def test_the_command_says_it_in_latvian_by_default(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", {"learnr": 1})
    env = {k: v for k, v in os.environ.items() if k != "ATBALSTS_LANG"}
    command = [sys.executable, "-m", "atbalsts.cli", "evaluate"]
    done = subprocess.run(
        [*command, str(bad)], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"kļūda: {bad} nav derīgs\n  learner: obligāts, bet nav norādīts\n"
        "  learnr: šāda lauka dokumentā nav (pārbaudiet nosaukumu)\n"
    )
    gone = tmp_path / "gone.json"
    done = subprocess.run(
        [*command, str(gone)], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert (done.returncode, done.stderr) == (2, f"kļūda: nevar nolasīt {gone}: šāda faila vai "
                                                  "mapes nav\n")  # fmt: skip
