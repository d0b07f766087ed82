"""Round trips of every top-level document, and the promises of atbalsts.testing.strategies."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.lv import pvn

import atbalsts
from atbalsts.codes import MEASURES, RISK_FACTORS
from atbalsts.model import (
    ApprovalStep,
    Consent,
    Document,
    Enrolment,
    Learner,
    LegalBasis,
    Period,
    ProgrammeKind,
    Referral,
    RiskAssessment,
    SupportCase,
    SupportPlan,
    TermObservation,
)
from atbalsts.testing import strategies as ats

DOCUMENT_STRATEGIES: list[tuple[type[Document], st.SearchStrategy[Document]]] = [
    (SupportCase, ats.support_cases()),
    (SupportPlan, ats.support_plans()),
    (Referral, ats.referrals()),
    (Consent, ats.consents()),
    (RiskAssessment, ats.risk_assessments()),
]
IDS = [model.__name__ for model, _ in DOCUMENT_STRATEGIES]


@pytest.mark.parametrize(("model", "strategy"), DOCUMENT_STRATEGIES, ids=IDS)
@given(data=st.data())
def test_json_round_trip(
    model: type[Document], strategy: st.SearchStrategy[Document], data: st.DataObject
) -> None:
    doc = data.draw(strategy)
    assert type(doc) is model
    assert model.model_validate_json(doc.model_dump_json()) == doc


@pytest.mark.parametrize(("model", "strategy"), DOCUMENT_STRATEGIES, ids=IDS)
@given(data=st.data())
def test_generated_documents_are_valid_at_the_boundary(
    model: type[Document], strategy: st.SearchStrategy[Document], data: st.DataObject
) -> None:
    doc = data.draw(strategy)
    # What a vendor sends: JSON-shaped Python data, through the public parsing entry points.
    assert atbalsts.parse_python(model, doc.model_dump(mode="json")) == doc
    assert atbalsts.parse_json(model, doc.model_dump_json().encode()) == doc
    # Python-mode dump (enums, dates, tuples as objects) validates too.
    assert model.model_validate(doc.model_dump()) == doc


# -- the strategies keep their promises -----------------------------------------------------------


@given(ats.support_cases())
def test_support_cases_are_internally_consistent(case: SupportCase) -> None:
    learner_id = case.learner.id
    for kind in (case.plans, case.referrals, case.consents):
        assert all(doc.learner_id == learner_id for doc in kind)
        ids = [doc.id for doc in kind]
        assert len(ids) == len(set(ids))
    consent_ids = {c.id for c in case.consents}
    assert all(r.consent_id is None or r.consent_id in consent_ids for r in case.referrals)
    assert all(date(2000, 1, 1) <= p.period.start <= p.period.end for p in case.plans)


@given(
    ats.support_cases(
        municipality=st.just("bauska"),
        programme=ProgrammeKind.VOCATIONAL,
        as_of=date(2025, 3, 14),
    )
)
def test_support_cases_pin_municipality_programme_and_as_of(case: SupportCase) -> None:
    on = date(2025, 3, 14)
    enrolment = case.learner.enrolment
    assert enrolment.municipality == "bauska"
    assert enrolment.programme is ProgrammeKind.VOCATIONAL
    assert enrolment.vocational_course in range(1, 5)
    assert enrolment.grade is None
    # A vocational learner in course 1-4 is of secondary age on the pinned date.
    assert 14 <= case.learner.age_on(on) <= 22
    assert all(obs.as_of <= on for obs in case.observations)
    assert case.observation_on(on) == (
        max(case.observations, key=lambda o: o.as_of) if case.observations else None
    )
    assert all(c.given_on <= on for c in case.consents)
    assert all(r.created_on <= on for r in case.referrals)
    for plan in case.plans:
        assert plan.period.start <= on
        assert all(a.approved_on <= on for a in plan.approvals)
        assert all(r.on <= on for r in plan.reviews)
        if plan.application is not None:
            assert plan.application.signed_on <= plan.period.start


@given(ats.support_cases(measure_codes=ats.codes(MEASURES, namespace="bauska")))
def test_support_cases_accept_local_measure_codes(case: SupportCase) -> None:
    for plan in case.plans:
        for assignment in plan.measures:
            assert assignment.measure in MEASURES or assignment.measure.startswith("bauska:")


@given(ats.enrolments())
def test_enrolment_grade_fits_programme(enrolment: Enrolment) -> None:
    kind = enrolment.programme
    if kind is ProgrammeKind.GENERAL_BASIC:
        assert enrolment.grade in range(1, 10)
    elif kind is ProgrammeKind.GENERAL_SECONDARY:
        assert enrolment.grade in range(10, 13)
    else:
        assert enrolment.grade is None
    assert (enrolment.vocational_course is not None) == (kind is ProgrammeKind.VOCATIONAL)


@given(ats.learners())
def test_learner_personal_code_is_valid_and_agrees_with_birth_date(learner: Learner) -> None:
    code = learner.personal_code
    if code is None:
        return
    assert pvn.is_valid(code)
    assert code[0] in "0123"
    if not code.startswith("32"):
        assert pvn.get_birth_date(code) == learner.birth_date


@given(ats.personal_codes())
def test_personal_codes_are_valid(code: str) -> None:
    assert len(code) == 11
    assert pvn.validate(code) == code
    assert code.startswith("32") or pvn.get_birth_date(code).year in range(1990, 2037)


@given(ats.term_observations(as_of=st.dates(date(2024, 9, 1), date(2024, 12, 31))))
def test_term_observation_as_of_pins_the_term(obs: TermObservation) -> None:
    assert str(obs.term) == "2024/2025/1"
    start, end = ats.term_span(obs.term)
    assert start <= obs.as_of <= end
    dated = [
        *(i.on for i in obs.behaviour_incidents),
        *(s.recorded_on for s in obs.staff_observations),
        *(t.observed_on for t in obs.suspected_threats),
        *(n.recorded_on for n in obs.notes),
    ]
    assert all(start <= day <= obs.as_of for day in dated)
    att = obs.attendance
    if att.lessons_scheduled is not None:
        assert att.lessons_missed <= att.lessons_scheduled


@given(ats.support_plans(learner_id="L-7", plan_id=st.just("plan-7")))
def test_support_plans_pin_ids_and_stay_in_their_term(plan: SupportPlan) -> None:
    assert (plan.learner_id, plan.id) == ("L-7", "plan-7")
    start, end = ats.term_span(plan.term)
    assert start <= plan.period.start <= plan.period.end <= end
    steps = [a.step for a in plan.approvals]
    assert steps == list(ApprovalStep)[: len(steps)]
    assert [a.approved_on for a in plan.approvals] == sorted(a.approved_on for a in plan.approvals)


@given(ats.risk_assessments(as_of=date(2025, 1, 31), tier=st.none()))
def test_risk_findings_carry_their_factors_group(assessment: RiskAssessment) -> None:
    assert assessment.as_of == date(2025, 1, 31)
    assert assessment.tier is None
    for finding in assessment.findings:
        assert RISK_FACTORS[finding.factor].group == finding.group.value


@given(ats.legal_bases())
def test_legal_bases_cite_or_explain(basis: LegalBasis) -> None:
    if basis.cited:
        assert basis.act
        assert basis.url is not None
        assert basis.url.startswith("https://")
    else:
        assert basis.note


@given(ats.referrals(consent_id=st.none()), ats.consents())
def test_referral_and_consent_dates_are_ordered(referral: Referral, consent: Consent) -> None:
    assert referral.consent_id is None
    assert referral.due is None or referral.due >= referral.created_on
    assert consent.period.start >= consent.given_on
    assert consent.withdrawn_on is None or consent.withdrawn_on >= consent.given_on
    assert len(consent.recipients) >= 1


@given(ats.periods(start=date(2030, 2, 1), max_days=10))
def test_periods_are_ordered_and_bounded(period: Period) -> None:
    assert period.start == date(2030, 2, 1)
    assert 0 <= (period.end - period.start).days <= 10


def test_term_containing_maps_months_to_semesters() -> None:
    assert str(ats.term_containing(date(2024, 9, 1))) == "2024/2025/1"
    assert str(ats.term_containing(date(2024, 12, 31))) == "2024/2025/1"
    assert str(ats.term_containing(date(2025, 1, 1))) == "2024/2025/2"
    assert str(ats.term_containing(date(2025, 8, 31))) == "2024/2025/2"


def test_the_ci_hypothesis_profile_is_loaded() -> None:
    assert settings.default.deadline is None
    assert settings.default.max_examples == 50
