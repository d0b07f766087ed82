"""A failing field carries what it is about as data: :attr:`FieldError.values`.

pydantic's constraint (a length, a bound, a pattern, the values allowed) and the library's own
checks' names, terms and numbers, as text, so that a program (and the command line, in Latvian)
never reads them out of the English message. Never the value of the field: not pydantic's input,
nor what its context says of the input (its length, the parser's words about it).
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import VALID_CASE

import atbalsts
from atbalsts import DocumentError, FieldError
from atbalsts.model import Consent, SupportCase

# -- the row itself ------------------------------------------------------------------------------


def test_a_field_error_is_still_made_from_its_path_message_and_kind() -> None:
    row = FieldError("learner.id", "bad", "string_too_long")
    assert (row.path, row.message, row.kind, dict(row.values)) == (
        "learner.id",
        "bad",
        "string_too_long",
        {},
    )
    assert FieldError(path="a", message="b", kind="c") == FieldError("a", "b", "c")
    assert str(row) == "learner.id: bad"


def test_its_values_are_read_only_and_it_pickles_and_hashes_with_them() -> None:
    row = FieldError("learner.id", "bad", "string_too_long", {"max_length": "64"})
    assert isinstance(row.values, MappingProxyType)
    with pytest.raises(TypeError):
        row.values["max_length"] = "1"  # type: ignore[index]
    again = pickle.loads(pickle.dumps(row))
    assert again == row
    assert isinstance(again.values, MappingProxyType)
    assert dict(again.values) == {"max_length": "64"}
    assert hash(again) == hash(row)
    assert row != FieldError("learner.id", "bad", "string_too_long")
    err = pickle.loads(pickle.dumps(DocumentError("x", [row])))
    assert err.errors == (row,)


# -- pydantic's constraints ------------------------------------------------------------------------


def _rows(data: Any, model: type[Any] = SupportCase) -> list[FieldError]:
    """The errors of ``data``, the same parsed from Python and from JSON (values included)."""
    found = []
    for parse in (
        lambda: atbalsts.parse_python(model, data),
        lambda: atbalsts.parse_json(model, json.dumps(data)),
    ):
        with pytest.raises(DocumentError) as info:
            parse()
        found.append(list(info.value.errors))
    assert found[0] == found[1]
    return found[0]


def _case(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    case = copy.deepcopy(VALID_CASE)
    change(case)
    return case


def _only(data: Any, model: type[Any] = SupportCase) -> tuple[str, str, dict[str, str]]:
    rows = _rows(data, model)
    assert len(rows) == 1, rows
    return rows[0].path, rows[0].kind, dict(rows[0].values)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda c: c["learner"].__setitem__("id", "x" * 65),
            ("learner.id", "string_too_long", {"max_length": "64"}),
        ),
        (
            lambda c: c["learner"].__setitem__("id", ""),
            ("learner.id", "string_too_short", {"min_length": "1"}),
        ),
        (
            lambda c: c["learner"].__setitem__("id", "L 1"),
            (
                "learner.id",
                "string_pattern_mismatch",
                {"pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]*$"},
            ),
        ),
        (  # gt=0 on a float: 0.0 in pydantic's context, 0 as its message writes it
            lambda c: c["plans"][0]["measures"][0].__setitem__("hours", 0),
            ("plans[0].measures[0].hours", "greater_than", {"gt": "0"}),
        ),
        (
            lambda c: c["observations"][0]["attendance"].__setitem__(
                "lessons_missed_justified", -1
            ),
            (
                "observations[0].attendance.lessons_missed_justified",
                "greater_than_equal",
                {"ge": "0"},
            ),
        ),
        (
            lambda c: c["observations"][0]["term"].__setitem__("semester", 3),
            ("observations[0].term.semester", "less_than_equal", {"le": "2"}),
        ),
        (
            lambda c: c["learner"].__setitem__("living_situation", "tent"),
            (
                "learner.living_situation",
                "enum",
                {"expected": "with_parents,foster_family,guardian,care_institution"},
            ),
        ),
        (
            lambda c: c.__setitem__("schema_version", "2.0"),
            ("schema_version", "literal_error", {"expected": "1.0"}),
        ),
        (
            lambda c: c["consents"][0].__setitem__("recipients", []),
            ("consents[0].recipients", "too_short", {"min_length": "1"}),
        ),
        (
            lambda c: c["consents"][0].__setitem__("recipients", ["school"] * 51),
            ("consents[0].recipients", "too_long", {"max_length": "50"}),
        ),
    ],
)
def test_pydantics_constraint_is_in_the_values(
    change: Callable[[dict[str, Any]], object], expected: tuple[str, str, dict[str, str]]
) -> None:
    assert _only(_case(change)) == expected


def test_what_pydantic_says_of_the_input_is_left_out() -> None:
    """A length's actual count, the parser's words about a date, the class of a model: not
    the constraint, and (the count, the words) about the input."""
    listed = _rows(_case(lambda c: c["consents"][0].__setitem__("recipients", ["school"] * 51)))
    assert "actual_length" not in listed[0].values
    assert "field_type" not in listed[0].values
    day = _only(_case(lambda c: c["learner"].__setitem__("birth_date", "2011-02-30")))
    assert day == ("learner.birth_date", "date_parsing", {})
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, json.dumps(_case(lambda c: c.__setitem__("learner", 3))))
    assert [(e.kind, dict(e.values)) for e in info.value.errors] == [("model_type", {})]


def test_malformed_json_says_its_line_and_column() -> None:
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, '{"learner":\n {')
    (row,) = info.value.errors
    assert (row.kind, dict(row.values)) == ("json_invalid", {"line": "2", "column": "2"})


# -- the library's own checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda c: c["plans"][0]["period"].__setitem__("end", "2024-12-01"),
            ("plans[0].period.end", "date_order", {"later": "end", "earlier": "start"}),
        ),
        (
            lambda c: c["learner"]["enrolment"].__setitem__("grade", 11),
            (
                "learner.enrolment.grade",
                "grade_programme",
                {"field": "grade", "programme": "general_basic", "low": "1", "high": "9"},
            ),
        ),
        (
            lambda c: c["learner"]["enrolment"].__setitem__("programme", "pre_school"),
            (
                "learner.enrolment.grade",
                "grade_programme",
                {"field": "grade", "programme": "pre_school"},
            ),
        ),
        (
            lambda c: c["observations"][0].__setitem__("as_of", "2025-01-10"),
            (
                "observations[0].as_of",
                "outside_term",
                {"term": "2024/2025/1", "field": "as_of"},
            ),
        ),
        (
            lambda c: c["observations"][0]["attendance"].__setitem__(
                "days", [{"on": "2024-12-02", "whole_day": True}]
            ),
            (
                "observations[0].attendance.days[0].on",
                "outside_term",
                {"term": "2024/2025/1", "field": "on"},
            ),
        ),
        (
            lambda c: c["plans"].append({**c["plans"][0]}),
            ("plans[1].id", "duplicate_id", {"field": "plans"}),
        ),
        (
            lambda c: c["plans"][0]["measures"][0].__setitem__("measure", "mentoring"),
            ("plans[0].measures[0].measure", "unknown_code", {"list": "measures"}),
        ),
        (
            lambda c: c["learner"].__setitem__("personal_code", "16117519998"),
            ("learner.personal_code", "personal_code", {"reason": "check_digit"}),
        ),
        (
            lambda c: c["learner"].__setitem__("personal_code", "161375-19997"),
            ("learner.personal_code", "personal_code", {"reason": "invalid"}),
        ),
        (
            lambda c: c["learner"].__setitem__("personal_code", "1611751999"),
            ("learner.personal_code", "personal_code", {"reason": "form"}),
        ),
        (
            lambda c: c["learner"].__setitem__("personal_code", "40003521600"),
            ("learner.personal_code", "personal_code", {"reason": "company"}),
        ),
    ],
)
def test_a_check_of_the_library_carries_its_names_and_numbers(
    change: Callable[[dict[str, Any]], object], expected: tuple[str, str, dict[str, str]]
) -> None:
    assert _only(_case(change)) == expected


def test_a_legal_basis_says_its_kind_and_what_it_needs() -> None:
    from atbalsts.model import LegalBasis

    rows = _rows({"kind": "law", "act": "Izglītības likums"}, LegalBasis)
    assert [(r.path, r.kind, dict(r.values)) for r in rows] == [
        ("url", "legal_basis_incomplete", {"kind": "law", "needs": "act,url"})
    ]
    rows = _rows({"kind": "methodological_default"}, LegalBasis)
    assert [(r.path, r.kind, dict(r.values)) for r in rows] == [
        (
            "note",
            "legal_basis_incomplete",
            {"kind": "methodological_default", "needs": "note"},
        )
    ]


def test_a_consent_withdrawn_before_it_was_given_names_both_dates() -> None:
    consent = {**VALID_CASE["consents"][0], "withdrawn_on": "2024-11-01"}
    assert _only(consent, Consent) == (
        "withdrawn_on",
        "date_order",
        {"later": "withdrawn_on", "earlier": "given_on"},
    )


#: A field of each extensible code list, where a test may write a code.
_CODE_FIELDS: list[tuple[str, Callable[[dict[str, Any], str], object]]] = [
    ("plans[0].risk_factors[0]", lambda c, v: c["plans"][0]["risk_factors"].__setitem__(0, v)),
    ("plans[0].measures[0].measure", lambda c, v: c["plans"][0]["measures"][0].update(measure=v)),
    ("plans[0].author_role", lambda c, v: c["plans"][0].update(author_role=v)),
    (
        "referrals[0].referred_to.institution",
        lambda c, v: c["referrals"][0]["referred_to"].update(institution=v),
    ),
]


@pytest.mark.parametrize(
    ("path", "change", "list_name"),
    [
        (path, change, name)
        for (path, change), name in zip(
            _CODE_FIELDS, ("risk_factors", "measures", "roles", "institutions"), strict=True
        )
    ],
)
def test_both_unknown_code_kinds_spell_the_list_as_its_code_list_name(
    path: str, change: Callable[[dict[str, Any], str], object], list_name: str
) -> None:
    """``unknown_code`` (no such national code) and ``unknown_local_code`` (a local code no
    plugin of the set declares) name the same list the same way: its key in ``CODE_LISTS``, the
    name a program looks the list up by."""
    from atbalsts import PolicyRegistry
    from atbalsts.codes import CODE_LISTS

    assert list_name in CODE_LISTS
    national = _case(lambda c: change(c, "no_such_code"))
    assert _only(national) == (path, "unknown_code", {"list": list_name})
    local = atbalsts.parse_python(SupportCase, _case(lambda c: change(c, "nowhere:thing")))
    with pytest.raises(DocumentError) as info:
        PolicyRegistry.load().evaluate(local, as_of=_day("2024-12-03"))
    (row,) = info.value.errors
    assert (row.path, row.kind, dict(row.values)) == (
        path,
        "unknown_local_code",
        {"list": list_name},
    )
    # The message stays in words: the list's human name, not its key.
    human = CODE_LISTS[list_name].name
    assert f"a local {human} code of a namespace" in row.message


@pytest.mark.parametrize(
    ("code", "values"),
    [
        # A namespace no policy of the set has is only what the sender wrote: not named.
        ("hivstatus:positive", {"list": "measures"}),
        # The namespace of a plugin in the set (Bauska's) names where to look.
        ("bauska:summer_camp", {"list": "measures", "namespace": "bauska"}),
    ],
)
def test_an_unknown_local_code_names_its_list_never_the_code(
    code: str, values: dict[str, str]
) -> None:
    from atbalsts import PolicyRegistry

    case = _case(lambda c: c["plans"][0]["measures"][0].__setitem__("measure", code))
    registry = PolicyRegistry.load()
    with pytest.raises(DocumentError) as info:
        registry.evaluate(atbalsts.parse_python(SupportCase, case), as_of=_day("2024-12-03"))
    (row,) = info.value.errors
    assert (row.path, row.kind, dict(row.values)) == (
        "plans[0].measures[0].measure",
        "unknown_local_code",
        values,
    )
    said = str(info.value)
    # Neither the code (a risk factor's may say a fact about the learner) nor the learner's id.
    assert code.partition(":")[2] not in said
    assert case["learner"]["id"] not in said
    assert ("hivstatus" in said) is False
    assert ("'bauska'" in said) == ("namespace" in values)


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


# -- never the value -----------------------------------------------------------------------------

_TEXT = st.text(alphabet="aābcčdeēfgģhiījkķlļmnņoprsštuūvzž -0123456789", min_size=6, max_size=80)

#: Wrong places for a text: an identifier, a number, a code, an enumeration, a date, a list, a
#: personal code, a school year, an unknown key's value.
_PLACES: tuple[Callable[[dict[str, Any], Any], None], ...] = (
    lambda c, v: c["learner"].__setitem__("id", v),
    lambda c, v: c["learner"]["enrolment"].__setitem__("grade", v),
    lambda c, v: c["learner"].__setitem__("living_situation", v),
    lambda c, v: c["learner"].__setitem__("birth_date", v),
    lambda c, v: c["learner"].__setitem__("personal_code", v),
    lambda c, v: c["plans"][0]["measures"][0].__setitem__("measure", v),
    lambda c, v: c["plans"][0].__setitem__("risk_factors", v),
    lambda c, v: c["observations"][0]["term"].__setitem__("school_year", v),
    lambda c, v: c["learner"].__setitem__("remark", v),
    lambda c, v: c["consents"][0].__setitem__("purpose", v * 100),
)


@given(text=_TEXT, place=st.sampled_from(range(len(_PLACES))))
def test_no_value_of_a_field_error_holds_the_input(text: str, place: int) -> None:
    case = copy.deepcopy(VALID_CASE)
    _PLACES[place](case, text)
    try:
        atbalsts.parse_python(SupportCase, case)
    except DocumentError as err:
        values = [value for row in err.errors for value in row.values.values()]
    else:
        return
    other = copy.deepcopy(VALID_CASE)
    _PLACES[place](other, "".join("x" if c != " " else c for c in text))
    try:
        atbalsts.parse_python(SupportCase, other)
    except DocumentError as err:
        anyway = [value for row in err.errors for value in row.values.values()]
    else:
        anyway = []
    for value in values:
        assert text.strip() not in value or value in anyway, (text, value)


# -- where the values go -------------------------------------------------------------------------


def test_validate_as_json_gives_each_errors_values(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts.cli import main

    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case(lambda c: c["learner"].__setitem__("id", "x" * 65))))
    assert main(["validate", str(path), "--format", "json", "--lang", "en"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == [
        {
            "path": "learner.id",
            "kind": "string_too_long",
            "message": "String should have at most 64 characters",
            "values": {"max_length": "64"},
        }
    ]


def test_the_service_keeps_the_values_of_a_bodys_errors() -> None:
    from atbalsts.server._routes.decisions import _under

    row = FieldError("learner.id", "too long", "string_too_long", {"max_length": "64"})
    moved = _under("case", DocumentError("request body", [row]))
    assert moved.errors == (
        FieldError("case.learner.id", "too long", "string_too_long", {"max_length": "64"}),
    )


@pytest.mark.parametrize("lang", ["lv", "en"])
@pytest.mark.parametrize("namespace", ["bauska", "nowhere"])
def test_the_command_says_an_unknown_local_code_in_both_languages(
    lang: str, namespace: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts.cli import main

    case = _case(
        lambda c: c["plans"][0]["measures"][0].__setitem__("measure", f"{namespace}:summer_camp")
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["--lang", lang, "evaluate", str(path), "--as-of", "2024-12-03"]) == 2
    err = capsys.readouterr().err
    said = {
        ("lv", "bauska"): "vietējs atbalsta pasākuma kods nosaukumtelpā 'bauska', ko neviens",
        ("en", "bauska"): "a local measure code of the namespace 'bauska' that no policy",
        ("lv", "nowhere"): "vietējs atbalsta pasākuma kods nosaukumtelpā, kuras nav nevienam",
        ("en", "nowhere"): "a local measure code of a namespace that no policy in this set has",
    }
    assert said[lang, namespace] in err
    assert "summer_camp" not in err
    assert "nowhere" not in err
    assert case["learner"]["id"] not in err
    if lang == "lv":
        assert "support case" not in err
        assert "policy" not in err
