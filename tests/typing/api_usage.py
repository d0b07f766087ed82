"""Typed use of the public API, as a vendor or plugin author would write it.

Not collected by pytest: ``test_api_typing.py`` runs ``mypy --strict`` on this file, and
``assert_type`` makes mypy check the inferred types, not only that the code type-checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, assert_type

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

import atbalsts
from atbalsts import (
    DOCUMENTS,
    AtbalstsError,
    DocumentError,
    FieldError,
    SupportCase,
    UnknownNameError,
    json_schema,
    parse_json,
    parse_python,
)
from atbalsts.codes import MEASURES, RISK_FACTORS, Code, CodeList
from atbalsts.model import (
    Consent,
    Document,
    Enrolment,
    Learner,
    LegalBasis,
    ProgrammeKind,
    Referral,
    RiskAssessment,
    SupportPlan,
    Term,
    TermObservation,
)
from atbalsts.schema import document_type, schema_text
from atbalsts.testing import strategies as ats


def load_case(text: str | bytes) -> SupportCase:
    case = parse_json(SupportCase, text, name="case.json")
    assert_type(case, SupportCase)
    assert_type(case.learner, Learner)
    assert_type(case.learner.enrolment.grade, int | None)
    assert_type(case.plans, tuple[SupportPlan, ...])
    assert_type(case.plan_on(date(2025, 1, 15)), SupportPlan | None)
    assert_type(case.observation_on(date(2025, 1, 15)), TermObservation | None)
    return case


def failing_paths(data: dict[str, Any]) -> tuple[str, ...]:
    try:
        parse_python(Referral, data)
    except DocumentError as err:
        assert_type(err.paths, tuple[str, ...])
        assert_type(err.errors, tuple[FieldError, ...])
        first: FieldError = err.errors[0]
        assert_type(first.path, str)
        assert_type(first.values, Mapping[str, str])
        return err.paths
    except AtbalstsError:
        raise
    return ()


def schema_of(name: str) -> dict[str, Any]:
    try:
        model = document_type(name)
    except UnknownNameError as err:
        assert_type(err.known, tuple[str, ...])
        raise
    assert_type(model, type[Document])
    assert_type(DOCUMENTS[name], type[Document])
    assert_type(schema_text(name), str)
    return json_schema(name)


def local_measures() -> CodeList:
    camp = Code("bauska:summer_camp", "Vasaras nometne", "Summer camp")
    extended = MEASURES.extended([camp], "bauska")
    assert_type(extended["bauska:summer_camp"], Code)
    assert_type(RISK_FACTORS.codes(), tuple[str, ...])
    return extended


version: str = atbalsts.__version__

assert_type(ats.support_cases(), SearchStrategy[SupportCase])
assert_type(
    ats.support_cases(municipality=st.just("bauska"), as_of=date(2025, 3, 1)),
    SearchStrategy[SupportCase],
)
assert_type(ats.support_plans(learner_id="L-1", term=ats.terms()), SearchStrategy[SupportPlan])
assert_type(ats.referrals(consent_id=st.none()), SearchStrategy[Referral])
assert_type(ats.consents(given_on=st.dates()), SearchStrategy[Consent])
assert_type(ats.risk_assessments(tier=2), SearchStrategy[RiskAssessment])
assert_type(ats.learners(programme=ProgrammeKind.VOCATIONAL), SearchStrategy[Learner])
assert_type(ats.enrolments(), SearchStrategy[Enrolment])
assert_type(ats.term_observations(as_of=date(2025, 1, 1)), SearchStrategy[TermObservation])
assert_type(ats.legal_bases(), SearchStrategy[LegalBasis])
assert_type(ats.personal_codes(), SearchStrategy[str])
assert_type(ats.term_containing(date(2025, 1, 1)), Term)
assert_type(ats.term_span(Term(school_year="2024/2025", semester=1)), tuple[date, date])


@given(ats.support_cases(municipality="bauska"))
def check_bauska_cases(case: SupportCase) -> None:
    assert case.learner.enrolment.municipality == "bauska"
