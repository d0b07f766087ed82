"""Validation at the boundary: every failing field is named by its exact path."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import atbalsts
from atbalsts import AtbalstsError, DocumentError
from atbalsts.model import (
    Consent,
    Enrolment,
    Goal,
    LegalBasis,
    ProgrammeKind,
    Referral,
    SupportCase,
    Term,
)
from atbalsts.model._base import IsoDate, Model
from atbalsts.schema import json_schema


def invalid(data: Any, model: type[Any] = SupportCase) -> DocumentError:
    """Parse ``data`` both ways (Python and JSON) and return the error, checking both agree."""
    with pytest.raises(DocumentError) as from_python:
        atbalsts.parse_python(model, data)
    with pytest.raises(DocumentError) as from_json:
        atbalsts.parse_json(model, json.dumps(data))
    assert from_python.value.paths == from_json.value.paths
    return from_python.value


def schema_accepts(name: str, data: Any) -> bool:
    """Whether the published JSON Schema of ``name`` accepts ``data`` (dates checked too)."""
    check = Draft202012Validator(
        json_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return bool(check.is_valid(data))


def test_the_valid_fixture_is_valid(case_data: dict[str, Any]) -> None:
    case = atbalsts.parse_python(SupportCase, case_data)
    assert case.learner.enrolment.grade == 8
    assert case.plans[0].measures[1].measure == "mentor_support"


@pytest.mark.parametrize(
    ("path", "location", "bad"),
    [
        ("learner.enrolment.grade", ("learner", "enrolment", "grade"), "eighth"),
        (
            "observations[0].attendance.lessons_missed_unjustified",
            ("observations", 0, "attendance", "lessons_missed_unjustified"),
            "many",
        ),
        ("plans[0].measures[1].measure", ("plans", 0, "measures", 1, "measure"), 7),
        ("plans[0].period.end", ("plans", 0, "period", "end"), "20 December"),
        ("referrals[0].created_on", ("referrals", 0, "created_on"), ["2024-12-02"]),
        ("consents[0].recipients[1]", ("consents", 0, "recipients", 1), {"code": "x"}),
        (
            "observations[0].staff_observations[0].recorded_by",
            ("observations", 0, "staff_observations", 0, "recorded_by"),
            None,
        ),
    ],
)
def test_wrong_type_in_a_nested_field_names_its_exact_path(
    case_data: dict[str, Any], path: str, location: tuple[str | int, ...], bad: object
) -> None:
    target: Any = case_data
    for key in location[:-1]:
        target = target[key]
    target[location[-1]] = bad

    err = invalid(case_data)

    assert isinstance(err, ValueError)
    assert isinstance(err, AtbalstsError)
    assert err.paths == (path,)
    assert err.document == "SupportCase"
    assert f"  {path}: " in str(err)


def test_every_error_is_named_in_document_order(case_data: dict[str, Any]) -> None:
    case_data["learner"]["enrolment"]["grade"] = "eighth"
    case_data["observations"][0]["attendance"]["lessons_missed_unjustified"] = -1
    case_data["plans"][0]["measures"][1]["measure"] = 7
    case_data["consents"][0]["period"]["start"] = "soon"

    err = invalid(case_data)

    assert err.paths == (
        "learner.enrolment.grade",
        "observations[0].attendance.lessons_missed_unjustified",
        "plans[0].measures[1].measure",
        "consents[0].period.start",
    )
    assert "(4 error(s))" in str(err)
    assert [e.kind for e in err.errors] == [
        "int_type",
        "greater_than_equal",
        "string_type",
        "date_parsing",
    ]


def test_a_missing_required_field_is_named(case_data: dict[str, Any]) -> None:
    del case_data["referrals"][0]["reason"]
    err = invalid(case_data)
    assert err.paths == ("referrals[0].reason",)
    assert err.errors[0].kind == "missing"


def test_name_overrides_the_document_name(case_data: dict[str, Any]) -> None:
    case_data["learner"]["birth_date"] = "yesterday"
    with pytest.raises(DocumentError, match=r"^case-17\.json is invalid") as info:
        atbalsts.parse_python(SupportCase, case_data, name="case-17.json")
    assert info.value.document == "case-17.json"


def test_unknown_national_code_is_refused(case_data: dict[str, Any]) -> None:
    case_data["plans"][0]["measures"][0]["measure"] = "free_pony"
    case_data["plans"][0]["risk_factors"][1] = "bad_luck"
    err = invalid(case_data)
    assert err.paths == ("plans[0].risk_factors[1]", "plans[0].measures[0].measure")
    assert err.errors[1].message.startswith("unknown measure code;")
    assert err.errors[0].message.startswith("unknown risk factor code;")
    # the value given is never echoed: a field meant for a code may hold a name
    assert not any("free_pony" in e.message or "bad_luck" in e.message for e in err.errors)


@pytest.mark.parametrize("code", ["bauska:summer_camp", "riga-pilseta:mentor_2"])
def test_local_namespaced_code_is_accepted(case_data: dict[str, Any], code: str) -> None:
    case_data["plans"][0]["measures"][0]["measure"] = code
    case_data["plans"][0]["risk_factors"].append(code)
    case_data["observations"][0]["staff_observations"][0]["recorded_by"] = code
    case = atbalsts.parse_python(SupportCase, case_data)
    assert case.plans[0].measures[0].measure == code
    assert case.plans[0].risk_factors[-1] == code
    assert case.observations[0].staff_observations[0].recorded_by == code


@pytest.mark.parametrize(
    "code",
    ["summer_camp", "Bauska:summer_camp", "bauska:Summer", "bauska:", ":summer_camp", "a:b:c"],
)
def test_malformed_or_unknown_codes_are_refused(case_data: dict[str, Any], code: str) -> None:
    case_data["plans"][0]["measures"][0]["measure"] = code
    assert invalid(case_data).paths == ("plans[0].measures[0].measure",)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("161175-19997", "16117519997"),  # old format, hyphen removed
        ("16117519997", "16117519997"),
        ("328673-00679", "32867300679"),  # new format (since 2017)
    ],
)
def test_valid_personal_code_is_accepted_and_compacted(
    case_data: dict[str, Any], given: str, stored: str
) -> None:
    case_data["learner"]["personal_code"] = given
    assert atbalsts.parse_python(SupportCase, case_data).learner.personal_code == stored


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("16117519998", "not a valid Latvian personal code"),  # wrong check digit
        ("161375-19997", "not a valid Latvian personal code"),  # month 13
        ("328673-00677", "not a valid Latvian personal code"),  # new format, wrong check digit
        ("1611751999", "not a valid Latvian personal code"),  # too short
        ("16117519997x", "not a valid Latvian personal code"),
        ("40003521600", "company registration number"),  # a valid company number
    ],
)
def test_invalid_personal_code_is_refused(case_data: dict[str, Any], code: str, says: str) -> None:
    case_data["learner"]["personal_code"] = code
    err = invalid(case_data)
    assert err.paths == ("learner.personal_code",)
    assert says in err.errors[0].message


def test_personal_code_is_optional(case_data: dict[str, Any]) -> None:
    case_data["learner"]["personal_code"] = None
    assert atbalsts.parse_python(SupportCase, case_data).learner.personal_code is None


ENROLMENT = {"school_id": "s-1", "municipality": "bauska"}


@pytest.mark.parametrize(
    "fields",
    [
        {"programme": "general_basic", "grade": 1},
        {"programme": "general_basic", "grade": 9},
        {"programme": "general_secondary", "grade": 10},
        {"programme": "general_secondary", "grade": 12},
        {"programme": "vocational", "vocational_course": 1},
        {"programme": "vocational", "vocational_course": 4},
        {"programme": "pre_school"},
    ],
)
def test_grade_fitting_programme_is_accepted(fields: dict[str, Any]) -> None:
    enrolment = atbalsts.parse_python(Enrolment, {**ENROLMENT, **fields})
    assert enrolment.programme.value == fields["programme"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"programme": "general_basic", "grade": 10},
            "grade",
            "grade must be 1-9 for general_basic",
        ),
        ({"programme": "general_basic"}, "grade", "grade must be 1-9 for general_basic"),
        ({"programme": "general_secondary", "grade": 9}, "grade", "grade must be 10-12"),
        (
            {"programme": "general_basic", "grade": 5, "vocational_course": 2},
            "vocational_course",
            "vocational_course must be empty",
        ),
        ({"programme": "vocational"}, "vocational_course", "vocational_course required"),
        (
            {"programme": "vocational", "vocational_course": 2, "grade": 10},
            "grade",
            "grade must be empty",
        ),
        ({"programme": "pre_school", "grade": 1}, "grade", "must be empty in pre-school"),
        (
            {"programme": "pre_school", "vocational_course": 1},
            "vocational_course",
            "must be empty in pre-school",
        ),
    ],
)
def test_grade_programme_mismatch_is_refused_at_the_field(
    case_data: dict[str, Any], fields: dict[str, Any], field: str, message: str
) -> None:
    case_data["learner"]["enrolment"] = {**ENROLMENT, **fields}
    err = invalid(case_data)
    assert err.paths == (f"learner.enrolment.{field}",)
    assert err.errors[0].kind == "grade_programme"
    assert message in err.errors[0].message
    # The published schema says the same (an if/then per programme).
    assert not schema_accepts("support-case", case_data)


@pytest.mark.parametrize("grade", [0, 13])
def test_grade_outside_1_to_12_is_refused_at_the_field(grade: int) -> None:
    err = invalid({**ENROLMENT, "programme": "general_basic", "grade": grade}, Enrolment)
    assert err.paths == ("grade",)


@pytest.mark.parametrize(
    ("location", "key", "path"),
    [
        ((), "learnr", "learnr"),
        (("learner",), "birth_dat", "learner.birth_dat"),
        (("learner", "enrolment"), "gradee", "learner.enrolment.gradee"),
        (("plans", 0, "measures", 0), "huors", "plans[0].measures[0].huors"),
        # a key close to no field at its place may be a name: not repeated
        (("learner",), "colour", "learner.(a key that is not a field name)"),
    ],
)
def test_unknown_field_is_refused(
    case_data: dict[str, Any], location: tuple[str | int, ...], key: str, path: str
) -> None:
    target: Any = case_data
    for part in location:
        target = target[part]
    target[key] = "red"
    err = invalid(case_data)
    assert err.paths == (path,)
    assert err.errors[0].kind == "extra_forbidden"


def test_unknown_schema_version_is_refused(case_data: dict[str, Any]) -> None:
    case_data["schema_version"] = "2.0"
    assert invalid(case_data).paths == ("schema_version",)


# -- cross-field rules ------------------------------------------------------------------------


def test_more_lessons_missed_than_scheduled_is_refused(case_data: dict[str, Any]) -> None:
    attendance = case_data["observations"][0]["attendance"]
    attendance.update(lessons_scheduled=40, lessons_missed_reason_unknown=8)  # 12 + 21 + 8 > 40
    err = invalid(case_data)
    assert err.paths == ("observations[0].attendance.lessons_scheduled",)
    assert err.errors[0].kind == "lessons_exceed_scheduled"
    assert "exceed lessons_scheduled" in err.errors[0].message
    assert not any(n in err.errors[0].message for n in ("41", "40"))  # the counts: not echoed


def test_missed_lessons_equal_to_scheduled_are_accepted(case_data: dict[str, Any]) -> None:
    case_data["observations"][0]["attendance"]["lessons_scheduled"] = 33
    case = atbalsts.parse_python(SupportCase, case_data)
    assert case.observations[0].attendance.lessons_missed == 33


def test_period_ending_before_it_starts_is_refused(case_data: dict[str, Any]) -> None:
    case_data["plans"][0]["period"] = {"start": "2024-12-20", "end": "2024-12-19"}
    err = invalid(case_data)
    assert err.paths == ("plans[0].period.end",)
    assert err.errors[0].kind == "date_order"
    assert "end must not be before start" in err.errors[0].message


@pytest.mark.parametrize("year", ["2024/2026", "2025/2024", "2024-2025", "24/25", "0999/1000"])
def test_school_year_must_name_consecutive_years(year: str) -> None:
    err = invalid({"school_year": year, "semester": 1}, Term)
    assert err.paths == ("school_year",)


def test_non_consecutive_years_are_the_documented_cross_field_check() -> None:
    err = invalid({"school_year": "2024/2026", "semester": 1}, Term)
    assert err.errors[0].kind == "school_year_not_consecutive"


def test_school_year_must_be_ascii_digits() -> None:
    invalid({"school_year": "٢٠٢٤/٢٠٢٥", "semester": 1}, Term)


def test_semester_is_1_or_2() -> None:
    assert invalid({"school_year": "2024/2025", "semester": 3}, Term).paths == ("semester",)


def test_referral_due_before_it_was_made_is_refused(case_data: dict[str, Any]) -> None:
    case_data["referrals"][0]["due"] = "2024-12-01"
    err = invalid(case_data)
    assert err.paths == ("referrals[0].due",)
    assert "due must not be before created_on" in err.errors[0].message


def test_consent_withdrawn_before_given_is_refused(case_data: dict[str, Any]) -> None:
    case_data["consents"][0]["withdrawn_on"] = "2024-11-29"
    assert invalid(case_data).paths == ("consents[0].withdrawn_on",)


def test_a_top_level_document_names_the_field_not_the_document(case_data: dict[str, Any]) -> None:
    referral = {**case_data["referrals"][0], "due": "2024-12-01"}
    assert invalid(referral, Referral).paths == ("due",)
    consent = {**case_data["consents"][0], "withdrawn_on": "2024-11-29"}
    assert invalid(consent, Consent).paths == ("withdrawn_on",)


def test_consent_needs_a_recipient(case_data: dict[str, Any]) -> None:
    case_data["consents"][0]["recipients"] = []
    assert invalid(case_data).paths == ("consents[0].recipients",)


def test_consent_in_force(case_data: dict[str, Any]) -> None:
    from datetime import date

    consent_data = {**case_data["consents"][0], "withdrawn_on": "2025-02-01"}
    consent = atbalsts.parse_python(Consent, consent_data)
    assert not consent.in_force(date(2024, 11, 30))  # given, but the period starts on 1 Dec
    assert consent.in_force(date(2024, 12, 1))
    assert consent.in_force(date(2025, 1, 31))
    assert not consent.in_force(date(2025, 2, 1))  # withdrawn


@pytest.mark.parametrize("kind", ["plans", "referrals", "consents"])
def test_case_documents_must_name_the_case_learner(case_data: dict[str, Any], kind: str) -> None:
    case_data[kind][0]["learner_id"] = "L-9999"
    err = invalid(case_data)
    assert err.paths == (f"{kind}[0].learner_id",)
    assert err.errors[0].kind == "other_learner"
    assert "another learner than learner.id" in err.errors[0].message


@pytest.mark.parametrize("kind", ["plans", "referrals", "consents"])
def test_case_document_ids_must_be_unique(case_data: dict[str, Any], kind: str) -> None:
    case_data[kind].append(case_data[kind][0])
    case_data[kind].append(case_data[kind][0])
    err = invalid(case_data)
    assert err.paths == (f"{kind}[1].id", f"{kind}[2].id")
    assert {e.kind for e in err.errors} == {"duplicate_id"}
    assert f"repeats the id of an earlier item of {kind}" in err.errors[0].message


def test_every_list_of_a_case_reports_its_own_problem(case_data: dict[str, Any]) -> None:
    case_data["plans"][0]["learner_id"] = "L-9999"
    case_data["consents"].append(case_data["consents"][0])
    err = invalid(case_data)
    assert err.paths == ("plans[0].learner_id", "consents[1].id")


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"kind": "law", "act": "MK noteikumi Nr. 89", "url": "https://likumi.lv/ta/id/1"}, True),
        ({"kind": "law", "act": "MK noteikumi Nr. 89"}, False),
        ({"kind": "programme", "url": "https://www.pumpurs.lv/"}, False),
        ({"kind": "law", "act": "Izglītības likums", "url": "likumi.lv/ta/id/1"}, False),
        ({"kind": "illustrative", "note": "An example threshold."}, True),
        ({"kind": "illustrative"}, False),
        ({"kind": "methodological_default", "note": ""}, False),
    ],
)
def test_legal_basis_is_cited_or_labelled(data: dict[str, Any], valid: bool) -> None:
    if valid:
        assert atbalsts.parse_python(LegalBasis, data).kind.value == data["kind"]
    else:
        err = invalid(data, LegalBasis)
        assert all(path in ("act", "url", "note") for path in err.paths)
    # The published schema says the same (an if/then per kind of basis).
    check = Draft202012Validator(LegalBasis.model_json_schema())
    assert check.is_valid(data) is valid


@pytest.mark.parametrize("target", ["NaN", "Infinity"])
def test_non_finite_numbers_are_refused(target: str) -> None:
    text = f'{{"description": "d", "indicator": "i", "target": {target}, "direction": "at_most"}}'
    with pytest.raises(DocumentError):
        atbalsts.parse_json(Goal, text)


# -- strict: no lax coercion at the boundary ---------------------------------------------------
# Each of these was accepted (coerced) before validation became strict, although the published
# JSON Schema refuses it.


@pytest.mark.parametrize(
    ("location", "bad", "kind"),
    [
        (("observations", 0, "term", "semester"), True, "int_type"),
        (("learner", "enrolment", "grade"), True, "int_type"),
        (("learner", "birth_date"), 0, "date_type"),
        (("observations", 0, "attendance", "lessons_missed_unjustified"), "1_2", "int_type"),
        (("learner", "needy_or_low_income_family"), "no", "bool_type"),
        (("learner", "enrolment", "repeating_year"), 0, "bool_type"),
        (("learner", "enrolment", "grade"), "8", "int_type"),
        (("observations", 0, "attendance", "absent_today_reason_unknown"), "true", "bool_type"),
        (("observations", 0, "as_of"), "2024-11-29T00:00:00", "date_parsing"),
        (("observations", 0, "as_of"), "20241129", "date_parsing"),
        (("observations", 0, "as_of"), "2024-02-30", "date_parsing"),
        (("plans", 0, "measures", 0, "hours"), "8", "float_type"),
        (("plans", 0, "measures", 0, "hours"), True, "float_type"),
        (("learner", "id"), 17, "string_type"),
    ],
)
def test_lax_values_the_schema_refuses_are_refused(
    case_data: dict[str, Any], location: tuple[str | int, ...], bad: object, kind: str
) -> None:
    target: Any = case_data
    for key in location[:-1]:
        target = target[key]
    target[location[-1]] = bad
    assert not schema_accepts("support-case", case_data)

    err = invalid(case_data)

    path = ".".join(str(k) for k in location).replace(".0.", "[0].").replace(".0", "[0]")
    assert err.paths == (path,)
    assert err.errors[0].kind == kind


@pytest.mark.parametrize(
    ("location", "kind"),
    [
        (("plans", 0, "term", "semester"), "int_type"),
        (("learner", "enrolment", "grade"), "int_type"),
    ],
)
def test_an_integer_is_never_a_float_even_one_json_schema_counts(
    case_data: dict[str, Any], location: tuple[str | int, ...], kind: str
) -> None:
    """JSON Schema counts 1.0 as an integer; atbalsts wants it written as 1 (documented)."""
    target: Any = case_data
    for key in location[:-1]:
        target = target[key]
    target[location[-1]] = float(target[location[-1]])
    assert schema_accepts("support-case", case_data)
    assert invalid(case_data).errors[0].kind == kind


def test_python_input_takes_dates_enum_members_and_tuples(case_data: dict[str, Any]) -> None:
    case_data["learner"]["birth_date"] = date(2011, 5, 14)
    case_data["learner"]["enrolment"]["programme"] = ProgrammeKind.GENERAL_BASIC
    case_data["plans"][0]["risk_factors"] = tuple(case_data["plans"][0]["risk_factors"])
    case = atbalsts.parse_python(SupportCase, case_data)
    assert case.learner.birth_date == date(2011, 5, 14)
    assert case.learner.enrolment.programme is ProgrammeKind.GENERAL_BASIC
    assert case.plans[0].risk_factors == ("unjustified_absences", "low_achievement")


def test_python_input_refuses_a_datetime_for_a_date(case_data: dict[str, Any]) -> None:
    case_data["learner"]["birth_date"] = datetime(2011, 5, 14)
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_python(SupportCase, case_data)
    assert info.value.paths == ("learner.birth_date",)


def test_enum_values_are_accepted_as_strings(case_data: dict[str, Any]) -> None:
    case = atbalsts.parse_json(SupportCase, json.dumps(case_data))
    assert case.plans[0].status.value == "active"
    case_data["plans"][0]["status"] = "Active"
    assert invalid(case_data).paths == ("plans[0].status",)


# -- an observation is dated in its own term ---------------------------------------------------


@pytest.mark.parametrize(
    ("school_year", "semester", "as_of", "valid"),
    [
        ("2024/2025", 1, "2024-09-01", True),
        ("2024/2025", 1, "2024-12-31", True),
        ("2024/2025", 1, "2025-01-01", False),
        ("2024/2025", 1, "2024-08-31", False),
        ("2024/2025", 2, "2025-01-01", True),
        ("2024/2025", 2, "2025-08-31", True),  # the summer belongs to semester 2
        ("2024/2025", 2, "2025-09-01", False),
        ("2024/2025", 2, "2024-12-31", False),
        ("2023/2024", 1, "2024-11-29", False),  # the right months of another year
    ],
)
def test_an_observation_dated_outside_its_term_is_refused(
    case_data: dict[str, Any], school_year: str, semester: int, as_of: str, valid: bool
) -> None:
    observation = case_data["observations"][0]
    observation.update(term={"school_year": school_year, "semester": semester}, as_of=as_of)
    observation["staff_observations"][0]["recorded_on"] = as_of
    if valid:
        case = atbalsts.parse_python(SupportCase, case_data)
        assert case.observations[0].as_of == date.fromisoformat(as_of)
        return
    err = invalid(case_data)
    assert err.paths == ("observations[0].as_of",)
    assert err.errors[0].kind == "outside_term"
    assert f"is not a day of the term {school_year}/{semester}" in err.errors[0].message
    assert as_of not in err.errors[0].message  # the day itself is not echoed


# -- length limits, and messages that never echo a large value ---------------------------------

BIG = "x" * 10_000_000


@pytest.mark.parametrize(
    "location",
    [
        ("learner", "enrolment", "municipality"),
        ("observations", 0, "achievement", "failing_subjects", 0),
        ("plans", 0, "measures", 0, "measure"),
        ("plans", 0, "measures", 0, "subject"),
        ("referrals", 0, "reason"),
        ("consents", 0, "purpose"),
        ("learner", "languages", 0),
    ],
)
def test_a_huge_string_is_refused_with_a_short_message(
    case_data: dict[str, Any], location: tuple[str | int, ...]
) -> None:
    target: Any = case_data
    for key in location[:-1]:
        target = target.setdefault(key, []) if key == "languages" else target[key]
    if isinstance(target, list) and not target:
        target.append(BIG)
    else:
        target[location[-1]] = BIG
    err = invalid(case_data)
    assert len(err.errors) == 1
    assert len(str(err)) < 500


def test_too_many_items_are_refused(case_data: dict[str, Any]) -> None:
    case_data["observations"][0]["achievement"]["failing_subjects"] = [
        f"subject {i}" for i in range(51)
    ]
    err = invalid(case_data)
    assert err.paths == ("observations[0].achievement.failing_subjects",)
    assert err.errors[0].kind == "too_long"


@pytest.mark.parametrize("value", ["pony_" * 12, "Jānis Bērziņš 010203-12345"])
def test_an_unknown_code_is_named_by_its_path_never_echoed(
    case_data: dict[str, Any], value: str
) -> None:
    """A field meant for a code may hold anything, a name or a personal code included: the error
    names the field, and says nothing of the value."""
    case_data["observations"][0]["staff_observations"][0]["factor"] = value
    err = invalid(case_data)
    assert err.errors[0].kind == "unknown_code"
    assert err.paths == ("observations[0].staff_observations[0].factor",)
    assert value[:5] not in str(err)


# -- a byte-order mark ---------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_ignored(case_data: dict[str, Any]) -> None:
    text = json.dumps(case_data, ensure_ascii=False)
    from_text = atbalsts.parse_json(SupportCase, "\ufeff" + text)
    from_bytes = atbalsts.parse_json(SupportCase, "\ufeff".encode() + text.encode())
    assert from_text == from_bytes == atbalsts.parse_json(SupportCase, text)


def test_a_byte_order_mark_inside_the_text_is_still_an_error(case_data: dict[str, Any]) -> None:
    text = json.dumps(case_data)
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, " \ufeff" + text)
    assert info.value.errors[0].kind == "json_invalid"


def test_a_huge_unknown_key_is_not_repeated(case_data: dict[str, Any]) -> None:
    case_data["learner"]["k" * 1_000_000] = 1  # longer than a field name is
    err = invalid(case_data)
    assert err.errors[0].kind == "extra_forbidden"
    assert err.paths == ("learner.(a key that is not a field name)",)


# -- dates: read from JSON by pydantic-core alone, from Python through our check ----------------

_DATE_LIKE = st.one_of(
    st.dates().map(date.isoformat),
    st.from_regex(r"\A[0-9+ -]{0,4}-[0-9]{1,3}-[0-9]{1,3}[TZ :0-9]{0,9}\Z"),
    st.text(max_size=12),
    # pydantic-core's strict date reads a string of digits that is a whole number of days as
    # a Unix time ("0" is 1970-01-01): the schema refuses it, and so must the library
    st.integers(-40_000, 40_000).map(lambda days: str(days * 86_400)),
    st.integers().map(str),
)


class _Dated(Model):
    day: IsoDate


@settings(max_examples=300, deadline=None)
@given(text=_DATE_LIKE)
def test_a_date_is_read_alike_from_json_and_from_python(text: str) -> None:
    """A date field takes the same strings, as the same date, whether the document comes as
    JSON text (checked by pydantic-core alone, no Python call) or as parsed JSON (our check
    first): exactly the ``YYYY-MM-DD`` strings of a real day; and refuses the others with the
    same error."""

    def read(parse: Any) -> date | tuple[str, str]:
        try:
            return parse().day  # type: ignore[no-any-return]
        except pydantic.ValidationError as err:
            (error,) = err.errors()
            return error["type"], error["msg"]

    from_json = read(lambda: _Dated.model_validate_json(json.dumps({"day": text})))
    from_python = read(lambda: _Dated.model_validate({"day": text}))
    assert from_json == from_python
    expected = None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        with contextlib.suppress(ValueError):
            expected = date.fromisoformat(text)
    if expected is None:
        assert isinstance(from_json, tuple)
        assert from_json[0] == "date_parsing"
    else:
        assert from_json == expected
        assert read(lambda: _Dated.model_validate({"day": expected})) == expected


@pytest.mark.parametrize("value", [0, 86_400, 1.5, True, None, [], {}])
def test_a_date_that_is_not_a_string_is_refused_alike(value: object) -> None:
    with pytest.raises(pydantic.ValidationError) as as_json:
        _Dated.model_validate_json(json.dumps({"day": value}))
    with pytest.raises(pydantic.ValidationError) as as_python:
        _Dated.model_validate({"day": value})
    assert as_json.value.errors()[0]["type"] == as_python.value.errors()[0]["type"] == "date_type"


@given(st.integers(1850, 2150), st.integers(1850, 2150), st.sampled_from([1, 2]))
def test_a_school_year_is_two_consecutive_years_of_the_pattern(
    first: int, second: int, semester: int
) -> None:
    """Accepted exactly when both years are 19xx or 20xx and the second follows the first."""
    text = f"{first}/{second}"
    allowed = 1900 <= first < 2100 and 1900 <= second < 2100 and second == first + 1
    if allowed:
        assert Term(school_year=text, semester=semester).school_year == text
        return
    with pytest.raises(pydantic.ValidationError) as caught:
        Term(school_year=text, semester=semester)
    assert [e["loc"] for e in caught.value.errors()] == [("school_year",)]


# -- text that is not Unicode, and data that is not text ------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc00", "\\ud800x", "\\udfff\\u0041"])
@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda c: (c["learner"], "id"), "learner.id"),
        (
            lambda c: (c["observations"][0]["achievement"]["marks"][0], "subject"),
            "observations[0].achievement.marks[0].subject",
        ),
    ],
    ids=["learner", "observation"],
)
def test_a_lone_surrogate_is_named_at_its_field(
    case_data: dict[str, Any], escape: str, where: Any, path: str
) -> None:
    item, key = where(case_data)
    item[key] = "MARK"
    text = json.dumps(case_data).replace('"MARK"', f'"a{escape}"', 1)
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, text)
    assert [(e.path, e.kind) for e in info.value.errors] == [(path, "string_unicode")]
    assert "surrogate" in info.value.errors[0].message


def test_a_lone_surrogate_in_a_key_names_the_object_that_holds_it(
    case_data: dict[str, Any],
) -> None:
    case_data["learner"]["MARK"] = 1
    text = json.dumps(case_data).replace('"MARK"', '"k\\ud800"', 1)
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, text)
    assert [(e.path, e.kind) for e in info.value.errors] == [("learner", "string_unicode")]
    assert str(info.value).encode()  # it can be written and sent
    del case_data["learner"]["MARK"]
    case_data["learner"]["k\ud800"] = 1  # parse_python names the same place
    err = invalid(case_data)
    assert [(e.path, e.kind) for e in err.errors] == [("learner", "string_unicode")]
    assert str(err).encode()
    top = json.dumps(case_data)[:-1] + ', "\\udc00x": 1}'
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, top)
    assert str(info.value).encode()


def test_a_broken_escape_is_still_invalid_json(case_data: dict[str, Any]) -> None:
    text = json.dumps(case_data).replace('"' + case_data["learner"]["id"] + '"', '"a\\u12"', 1)
    with pytest.raises(DocumentError) as info:
        atbalsts.parse_json(SupportCase, text)
    assert [(e.path, e.kind) for e in info.value.errors] == [("(document)", "json_invalid")]


def test_parse_json_reads_every_kind_of_bytes(case_data: dict[str, Any]) -> None:
    raw = json.dumps(case_data, ensure_ascii=False).encode()
    expected = atbalsts.parse_json(SupportCase, raw)
    assert atbalsts.parse_json(SupportCase, bytearray(raw)) == expected
    assert atbalsts.parse_json(SupportCase, memoryview(raw)) == expected


@pytest.mark.parametrize("data", [None, 3, {"learner": {}}, ["{}"]])
def test_parse_json_refuses_what_is_not_text_by_name(data: Any) -> None:
    with pytest.raises(TypeError, match=r"parse_json: data must be JSON text .* not "):
        atbalsts.parse_json(SupportCase, data)


# -- a key named like one of pydantic's types ----------------------------------------------------


@pytest.mark.parametrize("key", ["str", "int", "bool", "float", "date", "none", "literal"])
def test_an_unknown_key_named_like_a_type_is_in_its_path(
    case_data: dict[str, Any], key: str
) -> None:
    """Not taken for pydantic's name of a type in a union and dropped from the path: the key is
    there (hidden, as it is close to no field of a learner)."""
    case_data["learner"][key] = 1
    err = invalid(case_data)
    assert [(e.path, e.kind) for e in err.errors] == [
        ("learner.(a key that is not a field name)", "extra_forbidden")
    ]


@pytest.mark.parametrize("key", ["p", "str", "tuple", "outcome"])
@pytest.mark.parametrize("value", [["x" * 65], "x" * 4001, {"a": 1}, [1]])
def test_a_wrong_action_parameter_is_one_error_at_its_key(key: str, value: Any) -> None:
    """One error at the key (named when close to a field name, ``outcome``), not one per type
    tried, and not at a path that takes the key for pydantic's name of a type."""
    from atbalsts.model import AuditEvent, shown_key

    with pytest.raises(DocumentError) as info:
        atbalsts.parse_python(AuditEvent, {"params": {key: value}})
    rows = [(e.path, e.kind) for e in info.value.errors if e.path.startswith("params")]
    assert rows == [(f"params.{shown_key(key)}", "value_type")]
    assert "a list of at most 50 codes" in info.value.errors[0].message or any(
        "a list of at most 50 codes" in e.message for e in info.value.errors
    )


def test_a_wrong_evidence_value_is_one_error_at_its_field() -> None:
    from atbalsts.model.risk import Evidence

    with pytest.raises(DocumentError) as info:
        atbalsts.parse_python(Evidence, {"fact": "age", "value": [12]})
    assert [(e.path, e.kind) for e in info.value.errors] == [("value", "value_type")]
    assert "12" not in info.value.errors[0].message


def test_a_repeated_key_takes_its_last_value_as_documented(case_data: dict[str, Any]) -> None:
    text = json.dumps(case_data)
    learner_id = case_data["learner"]["id"]
    repeated = text.replace(f'"id": "{learner_id}"', f'"id": "L-FIRST", "id": "{learner_id}"', 1)
    assert repeated != text
    assert atbalsts.parse_json(SupportCase, repeated).learner.id == learner_id
