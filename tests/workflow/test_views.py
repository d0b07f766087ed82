"""Role and recipient views: what each role can and cannot see, and the published schemas."""

from __future__ import annotations

import copy
import functools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from tests.conftest import VALID_CASE

from atbalsts.engine import PolicyRegistry
from atbalsts.errors import UnknownNameError
from atbalsts.model import Decision, SupportCase, parse_python
from atbalsts.policy import FACT_NAMES
from atbalsts.privacy import (
    CLASSES,
    FACT_CATEGORIES,
    ViewRole,
    model_classes,
    schema_names,
    view,
    view_decision,
    view_schema,
    view_schema_text,
)

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "schemas" / "views"
HEALTH = "Synthetic health note"
THREAT = "Synthetic threat note"
GENERAL = "Synthetic general note"


def case_data() -> dict[str, Any]:
    data = copy.deepcopy(VALID_CASE)
    obs = data["observations"][0]
    obs["notes"] = [
        {
            "kind": "health",
            "text": HEALTH,
            "recorded_by": "psychologist",
            "recorded_on": "2024-11-20",
        },
        {
            "kind": "general",
            "text": GENERAL,
            "recorded_by": "class_teacher",
            "recorded_on": "2024-11-20",
        },
    ]
    obs["suspected_threats"] = [
        {
            "kind": "violence",
            "observed_on": "2024-11-28",
            "recorded_by": "class_teacher",
            "note": THREAT,
        }
    ]
    data["learner"]["needy_or_low_income_family"] = True
    data["referrals"] = []
    data["consents"] = [
        {
            "id": "C-1",
            "learner_id": "L-0001",
            "grantor": "parent",
            "purpose": "Synthetic consent",
            "recipients": ["social_service"],
            "given_on": "2024-11-01",
            "period": {"start": "2024-11-01", "end": "2025-06-30"},
            "purposes": ["social_assistance"],
            "data_categories": ["identity", "attendance", "family"],
        }
    ]
    return data


@functools.cache
def the_case() -> SupportCase:
    return parse_python(SupportCase, case_data())


def text(shown: dict[str, Any]) -> str:
    return json.dumps(shown, ensure_ascii=False)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(view_schema(name))


# -- what each role sees -------------------------------------------------------------------------

#: For each role: what it must see, and what it must not, in the synthetic case.
EXPECT: dict[str, tuple[set[str], set[str]]] = {
    "class_teacher": (
        {"lessons_missed_unjustified", "matemātika", "lack_of_motivation", "subject_consultation"},
        {HEALTH, THREAT, GENERAL, "violence", "birth_date", "needy_or_low_income_family"},
    ),
    "social_pedagogue": (
        {"birth_date", THREAT, GENERAL, "needy_or_low_income_family", "lessons_missed_unjustified"},
        {HEALTH},
    ),
    "psychologist": ({HEALTH, THREAT, GENERAL, "birth_date"}, set()),
    "school_director": (
        {"violence", "subject_consultation", "lessons_missed_unjustified"},
        {HEALTH, THREAT, GENERAL, "needy_or_low_income_family"},
    ),
    "municipal_coordinator": (
        {"subject_consultation", "lessons_missed_unjustified"},
        {HEALTH, THREAT, GENERAL, "violence", "failing_subjects", "birth_date", "living_situation"},
    ),
    "social_service": ({"L-0001"}, {"lessons_missed_unjustified", "plans", "violence", HEALTH}),
    "orphans_court": ({"L-0001"}, {"lessons_missed_unjustified", "plans", "violence", THREAT}),
    "police": ({"L-0001"}, {"lessons_missed_unjustified", "plans", "violence", THREAT}),
}


def test_every_role_has_its_expectations() -> None:
    assert set(EXPECT) == {r.value for r in ViewRole}


@pytest.mark.parametrize("role", sorted(EXPECT))
def test_what_each_role_can_and_cannot_see(role: str) -> None:
    shown = view(the_case(), role=role)
    seen = text(shown)
    can, cannot = EXPECT[role]
    assert {c for c in can if c not in seen} == set()
    assert {c for c in cannot if c in seen} == set()
    assert shown["view"] == {"role": role, "document": "support-case", "referral_id": None}
    assert list(validator(f"support-case.{role}").iter_errors(shown)) == []


def test_the_class_teacher_sees_no_health_note_and_no_threat_detail() -> None:
    shown = view(the_case(), role="class_teacher")
    notes = [n for o in shown.get("observations", []) for n in o.get("notes", [])]
    assert notes == []
    assert all("suspected_threats" not in o for o in shown["observations"])
    schema = view_schema("support-case.class_teacher")
    assert "suspected_threats" not in schema["$defs"]["TermObservation"]["properties"]
    assert "notes" not in schema["$defs"]["TermObservation"]["properties"]


def test_a_recorded_threat_report_is_protection_not_attendance() -> None:
    data = case_data()
    data["actions"] = [
        {
            "id": "A-1",
            "action": "report_threat",
            "on": "2024-11-28",
            "role": "class_teacher",
            "to": ["state_police"],
        },
        {
            "id": "A-2",
            "action": "inform_parents",
            "on": "2024-11-28",
            "role": "class_teacher",
            "to": ["parent"],
        },
    ]
    case = parse_python(SupportCase, data)
    teacher = [a["id"] for a in view(case, role="class_teacher").get("actions", [])]
    pedagogue = [a["id"] for a in view(case, role="social_pedagogue").get("actions", [])]
    assert teacher == ["A-2"]
    assert pedagogue == ["A-1", "A-2"]


def test_an_unknown_role_is_named() -> None:
    with pytest.raises(UnknownNameError, match="view role"):
        view(the_case(), role="janitor")


# -- a referral's recipient ------------------------------------------------------------------------


def referral(**changes: Any) -> Any:
    from tests.workflow.fixtures import referral as make

    base = {
        "created_on": "2024-11-29",
        "consent_id": "C-1",
        "status": "requested",
        "data_categories": ["identity", "attendance", "family"],
    }
    return make(**{**base, **changes})


def test_the_recipient_sees_what_the_purpose_needs_of_what_is_shared() -> None:
    shown = text(view(the_case(), role="social_service", referral=referral()))
    assert "lessons_missed_unjustified" in shown
    assert "needy_or_low_income_family" in shown
    assert "birth_date" in shown  # identity with its personal fields
    assert HEALTH not in shown
    assert "matemātika" not in shown
    assert "languages" not in shown  # protected: not for a recipient


def test_a_referral_grants_nothing_to_another_role_or_before_it_is_sent() -> None:
    base = text(view(the_case(), role="police"))
    assert (
        text(view(the_case(), role="police", referral=referral())).replace(
            '"referral_id": "R-1"', '"referral_id": null'
        )
        == base
    )
    draft = view(the_case(), role="social_service", referral=referral(status="draft"))
    assert "observations" not in draft


def test_a_withdrawn_consent_stops_further_sharing() -> None:
    data = case_data()
    data["consents"][0]["withdrawn_on"] = "2024-12-01"
    data["consents"][0]["status"] = "withdrawn"
    case = parse_python(SupportCase, data)
    before = view(case, role="social_service", referral=referral(), on=date(2024, 11, 30))
    after = view(case, role="social_service", referral=referral(), on=date(2024, 12, 1))
    assert "observations" in before
    assert "observations" not in after


@pytest.mark.parametrize(
    ("consent", "changes"),
    [
        ({"purposes": ["specialist_assessment"]}, {}),  # for another purpose
        ({"recipients": ["orphans_court"]}, {}),  # for another recipient
        ({"data_categories": ["identity"]}, {}),  # not the family data
        ({}, {"consent_id": None}),  # the referral names none, and no duty
        ({}, {"consent_id": None, "legal_duty": "absence_notice"}),  # a duty to the board only
    ],
    ids=["purpose", "recipient", "categories", "no-consent", "other-duty"],
)
def test_a_recipient_sees_only_what_a_consent_or_a_duty_covers(
    consent: dict[str, Any], changes: dict[str, Any]
) -> None:
    """The recipient's view opens what the referral shares only where its lawful basis covers
    it: the consent it names (its learner, purpose, recipient, categories) or its legal duty
    (to a recipient the duty names). A referral that names a consent covering something else
    gave the social service the family's finances."""
    data = case_data()
    data["consents"][0].update(consent)
    case = parse_python(SupportCase, data)
    shown = text(view(case, role="social_service", referral=referral(**changes)))
    assert "needy_or_low_income_family" not in shown
    if "data_categories" in consent:  # identity is still covered
        assert "birth_date" in shown
    else:
        assert "lessons_missed_unjustified" not in shown


def test_a_consent_shares_nothing_before_the_day_it_was_given() -> None:
    data = case_data()
    data["consents"][0]["given_on"] = "2024-12-10"  # after the referral, its period from 1 Nov
    case = parse_python(SupportCase, data)
    before = view(case, role="social_service", referral=referral(), on=date(2024, 12, 9))
    after = view(case, role="social_service", referral=referral(), on=date(2024, 12, 10))
    assert "observations" not in before  # the period covers the day, but nobody had consented
    assert "observations" in after


# -- decisions ------------------------------------------------------------------------------------


@functools.cache
def decision() -> Decision:
    return PolicyRegistry.load().evaluate(the_case(), date(2024, 11, 28))


def test_a_risk_tier_is_shown_only_to_who_sees_every_kind_of_factor() -> None:
    """A local tier grades the risk groups found: a health factor alone gives one. The class
    teacher and the social pedagogue, who see no health or family factor, saw the tier with no
    finding beside it; only a role that sees every kind of factor sees it."""
    data = case_data()
    data["learner"]["enrolment"]["municipality"] = "parauga"
    data["observations"][0]["staff_observations"] = [
        {"factor": "health_problems", "recorded_by": "psychologist", "recorded_on": "2024-11-20"}
    ]
    decision = PolicyRegistry.load().evaluate(parse_python(SupportCase, data), date(2024, 11, 28))
    assert decision.tier is not None
    for role in ViewRole:
        shown = view_decision(decision, role=role.value)
        sees_all = role is ViewRole.PSYCHOLOGIST
        assert ("tier" in shown) is sees_all, role
        assert list(validator(f"decision.{role.value}").iter_errors(shown)) == []


def test_a_decision_is_redacted_the_same_way() -> None:
    full = text(view_decision(decision(), role="psychologist"))
    teacher = view_decision(decision(), role="class_teacher")
    seen = text(teacher)
    assert "report_threat" in full
    assert "threat_days" in full
    assert "report_threat" not in seen
    assert "threat_days" not in seen
    assert "suspected_threat" not in seen
    assert "needy_family" not in seen
    assert "policy" in teacher  # the stamp is about no one
    for row in teacher.get("trace", []):
        facts = {f["fact"] for f in row.get("facts", [])}
        assert facts <= {
            f
            for f, c in FACT_CATEGORIES.items()
            if c in ("public", "attendance", "schooling", "behaviour", "risk", "support")
        }
    for role in ViewRole:
        shown = view_decision(decision(), role=role.value)
        assert list(validator(f"decision.{role.value}").iter_errors(shown)) == []


# -- default deny and the published schemas --------------------------------------------------------


@pytest.mark.parametrize("root", [SupportCase, Decision], ids=lambda c: c.__name__)
def test_every_class_of_a_viewable_document_is_classified(root: type) -> None:
    assert [c.__name__ for c in model_classes(root) if c.__name__ not in CLASSES] == []


def test_every_fact_has_a_category() -> None:
    assert sorted(FACT_NAMES - set(FACT_CATEGORIES)) == []


def test_an_unclassified_field_is_shown_to_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(CLASSES, "Attendance")
    shown = text(view(the_case(), role="psychologist"))
    assert "lessons_missed_unjustified" not in shown


def test_recipient_views_validate_against_their_schema() -> None:
    shown = view(the_case(), role="social_service", referral=referral())
    assert list(validator("support-case.referral-social_assistance").iter_errors(shown)) == []


@pytest.mark.parametrize("name", schema_names())
def test_committed_view_schema_is_up_to_date(name: str) -> None:
    path = VIEWS / f"{name}.schema.json"
    assert path.is_file(), f"{path} is missing: run atbalsts.privacy.write_view_schemas"
    assert path.read_text(encoding="utf-8") == view_schema_text(name), (
        f"schemas/views/{name}.schema.json is stale: regenerate with "
        "atbalsts.privacy.write_view_schemas(Path('schemas/views'))"
    )
    Draft202012Validator.check_schema(view_schema(name))


def test_no_stray_view_schemas() -> None:
    assert sorted(p.name for p in VIEWS.glob("*.json")) == sorted(
        f"{n}.schema.json" for n in schema_names()
    )
