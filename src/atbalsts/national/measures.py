"""Measure eligibility: programme target groups, mentor, literacy, certificate consultations,
and no double funding of compensations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from atbalsts.codes import MEASURES
from atbalsts.national import _bases as b
from atbalsts.policy import Allow, DecisionKind, Deny, Facts, Params, Verdict, baseline, rule

MIN_GRADE = "lv.pumpurs.min_grade"
MENTOR_AGE = "lv.mentor.min_age"
LITERACY_MAX = "lv.literacy.max_grade"

PUMPURS_MEASURES = MEASURES.tagged("pumpurs")
SK_MEASURES = MEASURES.tagged("skola_kopiena") - MEASURES.tagged("staff")
COMPENSATIONS = MEASURES.tagged("compensation")


def _funded_by(f: Facts, programme: str, offered: frozenset[str]) -> list[str]:
    """The plan's measures that ``programme`` offers and pays for here, sorted."""
    if f.plan is None:
        return []
    return sorted({m.measure for m in f.plan.measures if m.funding.value == programme} & offered)


@rule(
    "lv.programme.pumpurs_target_group",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.PUMPURS_TARGET,
    reads=("plan", "grade", "vocational_course"),
    params=(MIN_GRADE,),
    valid_from=baseline.PUMPURS_FROM,
    valid_to=baseline.PUMPURS_TO,
)
def pumpurs_target_group(f: Facts, p: Params) -> Iterator[Verdict]:
    """Measures PuMPuRS funds only for its target group (grades from the dated minimum, VET 1-4);
    a measure the school or municipality pays for is not the programme's concern."""
    min_grade = p.integer(MIN_GRADE)
    vocational = f.vocational_course is not None
    general = f.grade is not None and f.grade >= min_grade
    for measure in _funded_by(f, "pumpurs", PUMPURS_MEASURES):
        if vocational or general:
            yield Allow(measure, "in_programme_target_group", programme="pumpurs")
        else:
            yield Deny(
                measure,
                "not_in_programme_target_group",
                programme="pumpurs",
                min_grade=min_grade,
            )


@rule(
    "lv.programme.skola_kopiena_target_group",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.SK_TARGET,
    reads=("plan", "grade", "vocational_course"),
    valid_from=baseline.SK_FROM,
    valid_to=baseline.SK_TO,
)
def skola_kopiena_target_group(f: Facts, p: Params) -> Iterator[Verdict]:
    """Skola-kopienā measures only for grades 1-12 and vocational courses 1-4."""
    in_group = f.grade is not None or f.vocational_course is not None
    for measure in _funded_by(f, "skola_kopiena", SK_MEASURES):
        if in_group:
            yield Allow(measure, "in_programme_target_group", programme="skola_kopiena")
        else:
            yield Deny(measure, "not_in_programme_target_group", programme="skola_kopiena")


@rule(
    "lv.measure.mentor_not_yet_available",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.SK_MENTOR,
    reads=("plan_measures",),
    valid_from=baseline.SK_FROM,
    valid_to=baseline.MENTOR_FROM - timedelta(days=1),
)
def mentor_not_yet_available(f: Facts, p: Params) -> Verdict | None:
    """Before January 2026 no learner-mentor support is available."""
    if "mentor_support" in f.plan_measures:
        return Deny(
            "mentor_support",
            "measure_not_yet_available",
            available_from=baseline.MENTOR_FROM.isoformat(),
        )
    return None


@rule(
    "lv.measure.mentor",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.SK_MENTOR,
    reads=("age", "risk_factors", "plan_measures"),
    params=(MENTOR_AGE,),
    valid_from=baseline.MENTOR_FROM,
    valid_to=baseline.SK_TO,
)
def mentor(f: Facts, p: Params) -> Iterator[Verdict]:
    """Learner mentor only from the minimum age, and only with an identified risk. Shown when
    eligible, or when the plan assigns it."""
    min_age = p.integer(MENTOR_AGE)
    old_enough = f.age >= min_age
    if old_enough and f.risk_factors:
        yield Allow("mentor_support", "mentor_eligible", age=f.age, min_age=min_age)
        return
    if "mentor_support" not in f.plan_measures:
        return
    if not old_enough:
        yield Deny("mentor_support", "mentor_under_min_age", age=f.age, min_age=min_age)
    if not f.risk_factors:
        yield Deny("mentor_support", "mentor_requires_risk")


@rule(
    "lv.measure.literacy_grades",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.SK_LITERACY,
    reads=("grade", "plan_measures"),
    params=(LITERACY_MAX,),
    valid_from=baseline.SK_FROM,
    valid_to=baseline.SK_TO,
)
def literacy_grades(f: Facts, p: Params) -> Verdict | None:
    """Teacher support for literacy only in grades 1 to the maximum (3). Shown when eligible,
    or when the plan assigns it."""
    max_grade = p.integer(LITERACY_MAX)
    if f.grade is not None and 1 <= f.grade <= max_grade:
        return Allow("literacy_support", "literacy_grade_in_range", grade=f.grade)
    if "literacy_support" in f.plan_measures:
        return Deny(
            "literacy_support",
            "literacy_grade_out_of_range",
            grade=f.grade,
            max_grade=max_grade,
        )
    return None


@rule(
    "lv.measure.certificate_consultation",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.SK_CERTIFICATE,
    reads=(
        "completed_grade9_certificate_only",
        "repeating_year",
        "grade",
        "programme",
        "plan_measures",
    ),
    valid_from=baseline.SK_FROM,
    valid_to=baseline.SK_TO,
)
def certificate_consultation(f: Facts, p: Params) -> Verdict | None:
    """Subject consultations for certificate-only learners repeating grade 9 or in VET. Shown
    when eligible, or when the plan assigns them."""
    repeats_9 = f.repeating_year and f.grade == 9
    if f.completed_grade9_certificate_only and (repeats_9 or f.programme == "vocational"):
        return Allow("certificate_subject_consultation", "certificate_only_eligible")
    if "certificate_subject_consultation" in f.plan_measures:
        return Deny("certificate_subject_consultation", "certificate_only_required")
    return None


def _double_funding(f: Facts) -> Iterator[Verdict]:
    for measure in sorted((f.plan_measures | f.funded_elsewhere) & COMPENSATIONS):
        if measure in f.funded_elsewhere:
            yield Deny(measure, "already_funded")
        else:
            yield Allow(measure, "not_funded_elsewhere")


@rule(
    "lv.measure.no_double_funding",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.PUMPURS_DOUBLE_FUNDING,
    reads=("plan_measures", "funded_elsewhere"),
    valid_from=baseline.PUMPURS_FROM,
    valid_to=baseline.PUMPURS_TO,
)
def no_double_funding(f: Facts, p: Params) -> Iterator[Verdict]:
    """A compensation is refused where the state or municipality already funds the same."""
    return _double_funding(f)


@rule(
    "lv.measure.no_double_funding_default",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=b.DOUBLE_FUNDING_DEFAULT,
    reads=("plan_measures", "funded_elsewhere"),
    valid_from=b.AFTER_PUMPURS,
)
def no_double_funding_default(f: Facts, p: Params) -> Iterator[Verdict]:
    """After PuMPuRS: the same refusal, kept as a methodological default."""
    return _double_funding(f)


RULES = (
    pumpurs_target_group,
    skola_kopiena_target_group,
    mentor_not_yet_available,
    mentor,
    literacy_grades,
    certificate_consultation,
    no_double_funding,
    no_double_funding_default,
)
