"""Measure eligibility: programme target groups, mentor, specialists, literacy, certificate
consultations, and no double funding of compensations.

Skola-kopienā has two periods (:mod:`atbalsts.policy.baseline`): the eligible-cost period from
01.07.2024 and the project period from 08.05.2025, both to 31.08.2029. Its rules are in force over
the eligible-cost period, as they judge what the programme may pay for; a measure nobody asked for
is shown only in the project period. Each rule's legal basis says which it uses.
"""

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
SK_SPECIALISTS = MEASURES.tagged("skola_kopiena") & MEASURES.tagged("specialist")
COMPENSATIONS = MEASURES.tagged("compensation")

#: The facts that place a learner in Skola-kopienā's certificate-only group.
CERTIFICATE_GROUP_READS = (
    "completed_grade9_certificate_only",
    "repeating_year",
    "grade",
    "programme",
)


def _funded_by(f: Facts, programme: str, offered: frozenset[str]) -> list[str]:
    """The plan's measures that ``programme`` offers and pays for here, sorted."""
    if f.plan is None:
        return []
    return sorted({m.measure for m in f.plan.measures if m.funding.value == programme} & offered)


def _certificate_only(f: Facts) -> bool:
    """In Skola-kopienā's certificate-only group: received only a certificate (liecība) for basic
    education, and repeats grade 9 or was admitted to a vocational school."""
    repeats_9 = f.repeating_year and f.grade == 9
    return f.completed_grade9_certificate_only and (repeats_9 or f.programme == "vocational")


def _suggests(f: Facts) -> bool:
    """Whether a Skola-kopienā measure nobody asked for is shown: only in the project period."""
    return baseline.SK_PROJECT_FROM <= f.as_of <= baseline.SK_PROJECT_TO


@rule(
    "lv.programme.pumpurs_target_group",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    measures=PUMPURS_MEASURES,
    legal_basis=b.PUMPURS_TARGET,
    reads=("plan", "grade", "vocational_course"),
    params=(MIN_GRADE,),
    valid_from=baseline.PUMPURS_FROM,
    valid_to=baseline.PUMPURS_TO,
)
def pumpurs_target_group(f: Facts, p: Params) -> Iterator[Verdict]:
    """PuMPuRS pays for a measure only for a learner in its target group.

    The target group: grades from the dated minimum, and vocational courses 1-4. A measure the
    school or municipality pays for is not the programme's concern."""
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
    measures=SK_MEASURES,
    legal_basis=b.SK_TARGET,
    reads=("plan", "grade", "vocational_course"),
    valid_from=baseline.SK_ELIGIBLE_FROM,
    valid_to=baseline.SK_ELIGIBLE_TO,
)
def skola_kopiena_target_group(f: Facts, p: Params) -> Iterator[Verdict]:
    """Skola-kopienā pays for a measure only for a learner in grades 1-12 or vocational courses 1-4.

    In force over the eligible-cost period (``baseline.SK_ELIGIBLE_FROM``)."""
    in_group = f.grade is not None or f.vocational_course is not None
    for measure in _funded_by(f, "skola_kopiena", SK_MEASURES):
        if in_group:
            yield Allow(measure, "in_programme_target_group", programme="skola_kopiena")
        else:
            yield Deny(measure, "not_in_programme_target_group", programme="skola_kopiena")


@rule(
    "lv.measure.mentor_not_yet_available",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    measures=("mentor_support",),
    legal_basis=b.SK_MENTOR_NOT_YET,
    reads=("plan_measures",),
    valid_from=baseline.SK_ELIGIBLE_FROM,
    valid_to=baseline.MENTOR_FROM - timedelta(days=1),
)
def mentor_not_yet_available(f: Facts, p: Params) -> Verdict | None:
    """Learner-mentor support assigned before January 2026 is refused as not yet available.

    In force from the start of the eligible-cost period (``baseline.SK_ELIGIBLE_FROM``) to the day
    before ``baseline.MENTOR_FROM``."""
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
    measures=("mentor_support",),
    legal_basis=b.SK_MENTOR,
    reads=("age", "risk_factors", *CERTIFICATE_GROUP_READS, "plan_measures", "mentor_trained"),
    params=(MENTOR_AGE,),
    valid_from=baseline.MENTOR_FROM,
    valid_to=baseline.SK_ELIGIBLE_TO,
)
def mentor(f: Facts, p: Params) -> Iterator[Verdict]:
    """A learner mentor is for a learner at risk from the minimum age, or a certificate-only one.

    Eligible: aged at least the minimum (13) with an identified social-exclusion or PMP risk, or in
    the certificate-only group (a certificate only for basic education, and grade 9 repeated or a
    vocational school). The mentor must have completed the learner-mentor programme: a plan whose
    mentor line records that the mentor has not is refused; one that does not record it is not.
    Shown when eligible, or when the plan assigns it. In force from ``baseline.MENTOR_FROM``
    (January 2026), inside both Skola-kopienā periods."""
    min_age = p.integer(MENTOR_AGE)
    old_enough = f.age >= min_age
    at_risk = old_enough and bool(f.risk_factors)
    certificate = _certificate_only(f)
    assigned = "mentor_support" in f.plan_measures
    if certificate:
        yield Allow("mentor_support", "certificate_only_eligible")
    if at_risk:
        yield Allow("mentor_support", "mentor_eligible", age=f.age, min_age=min_age)
    if assigned and f.mentor_trained is False:
        yield Deny("mentor_support", "mentor_not_trained", mentor_trained=False)
    if certificate or at_risk or not assigned:
        return
    if not old_enough:
        yield Deny("mentor_support", "mentor_under_min_age", age=f.age, min_age=min_age)
    if not f.risk_factors:
        yield Deny("mentor_support", "mentor_requires_risk")


@rule(
    "lv.measure.specialist_consultation",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    measures=SK_SPECIALISTS,
    legal_basis=b.SK_SPECIALISTS,
    reads=("plan", "risk_factors", "vocational_course", *CERTIFICATE_GROUP_READS),
    valid_from=baseline.SK_ELIGIBLE_FROM,
    valid_to=baseline.SK_ELIGIBLE_TO,
)
def specialist_consultation(f: Facts, p: Params) -> Iterator[Verdict]:
    """Skola-kopienā pays a specialist only for a learner at risk or a certificate-only one.

    The nine specialists of the project description (psychologist, social pedagogue, teacher's
    assistant, special pedagogue, career counsellor, librarian, speech therapist, sign-language
    interpreter, occupational therapist), on plan lines the programme pays for, for a learner of
    its target group with an identified social-exclusion or PMP risk or in the certificate-only
    group. Outside the target group, ``lv.programme.skola_kopiena_target_group`` refuses. In force
    over the eligible-cost period (``baseline.SK_ELIGIBLE_FROM``)."""
    if f.grade is None and f.vocational_course is None:
        return
    certificate = _certificate_only(f)
    for measure in _funded_by(f, "skola_kopiena", SK_SPECIALISTS):
        if f.risk_factors:
            yield Allow(measure, "risk_identified")
        if certificate:
            yield Allow(measure, "certificate_only_eligible")
        if not (f.risk_factors or certificate):
            yield Deny(measure, "requires_risk_or_certificate_only")


@rule(
    "lv.measure.literacy_grades",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    measures=("literacy_support",),
    legal_basis=b.SK_LITERACY,
    reads=("grade", "plan_measures", "as_of"),
    params=(LITERACY_MAX,),
    valid_from=baseline.SK_ELIGIBLE_FROM,
    valid_to=baseline.SK_ELIGIBLE_TO,
)
def literacy_grades(f: Facts, p: Params) -> Verdict | None:
    """Teacher support for literacy is only for grades 1 to the maximum (3).

    Judged on a plan that assigns it over the eligible-cost period (``baseline.SK_ELIGIBLE_FROM``);
    shown when nobody asked for it only in the project period (``baseline.SK_PROJECT_FROM``)."""
    max_grade = p.integer(LITERACY_MAX)
    assigned = "literacy_support" in f.plan_measures
    if f.grade is not None and 1 <= f.grade <= max_grade:
        if assigned or _suggests(f):
            return Allow("literacy_support", "literacy_grade_in_range", grade=f.grade)
        return None
    if assigned:
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
    measures=("certificate_subject_consultation",),
    legal_basis=b.SK_CERTIFICATE,
    reads=(*CERTIFICATE_GROUP_READS, "plan_measures", "as_of"),
    valid_from=baseline.SK_ELIGIBLE_FROM,
    valid_to=baseline.SK_ELIGIBLE_TO,
)
def certificate_consultation(f: Facts, p: Params) -> Verdict | None:
    """Subject consultations are only for certificate-only learners repeating grade 9 or in VET.

    Judged on a plan that assigns them over the eligible-cost period
    (``baseline.SK_ELIGIBLE_FROM``); shown when nobody asked for them only in the project period
    (``baseline.SK_PROJECT_FROM``)."""
    assigned = "certificate_subject_consultation" in f.plan_measures
    if _certificate_only(f):
        if assigned or _suggests(f):
            return Allow("certificate_subject_consultation", "certificate_only_eligible")
        return None
    if assigned:
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
    measures=COMPENSATIONS,
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
    measures=COMPENSATIONS,
    legal_basis=b.DOUBLE_FUNDING_DEFAULT,
    reads=("plan_measures", "funded_elsewhere"),
    valid_from=b.AFTER_PUMPURS,
)
def no_double_funding_default(f: Facts, p: Params) -> Iterator[Verdict]:
    """After PuMPuRS, a compensation already funded elsewhere is still refused, by default.

    The PuMPuRS refusal (``lv.measure.no_double_funding``) kept as a methodological default."""
    return _double_funding(f)


RULES = (
    pumpurs_target_group,
    skola_kopiena_target_group,
    mentor_not_yet_available,
    mentor,
    specialist_consultation,
    literacy_grades,
    certificate_consultation,
    no_double_funding,
    no_double_funding_default,
)
