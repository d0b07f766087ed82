"""The seeded generator of sample support cases the conformance checks run rules on
(:func:`sample_cases`, public in :mod:`atbalsts.testing.conformance`; no Hypothesis needed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from atbalsts.model import (
    AbsenceEpisode,
    Achievement,
    Application,
    Attendance,
    BehaviourIncident,
    Enrolment,
    FundedSupport,
    FundingSource,
    Learner,
    LivingSituation,
    MeasureAssignment,
    Period,
    PlanStatus,
    ProgrammeKind,
    Review,
    StaffObservation,
    SubjectMark,
    SupportCase,
    SupportPlan,
    SuspectedThreat,
    Term,
    TermObservation,
    ThreatKind,
)

# Public as atbalsts.testing.conformance.DEFAULT_EXAMPLES, and documented there.
DEFAULT_EXAMPLES = 30

_STAFF = ("class_teacher", "social_pedagogue", "subject_teacher", "psychologist")
_LANGUAGES: tuple[tuple[str, ...], ...] = ((), ("lv",), ("lv", "ru"), ("ru",), ("uk",), ("en",))
_SUBJECTS = ("matemātika", "latviešu valoda", "angļu valoda", "dabaszinības", "vēsture")
_RISK_FACTORS = (
    "learning_difficulty",
    "low_achievement",
    "behaviour_problems",
    "language_barrier",
    "unjustified_absences",
    "lack_of_motivation",
    "material_circumstances",
    "unfavourable_family_environment",
    "health_problems",
)
_MEASURES = (
    "subject_consultation",
    "mentor_support",
    "literacy_support",
    "certificate_subject_consultation",
    "meals_compensation",
    "transport_compensation",
    "psychologist_consultation",
)


def _term(day: date) -> Term:
    if day.month >= 9:
        return Term(school_year=f"{day.year}/{day.year + 1}", semester=1)
    return Term(school_year=f"{day.year - 1}/{day.year}", semester=2)


def _enrolment(rng: random.Random, municipality: str) -> Enrolment:
    programme = rng.choice(
        (ProgrammeKind.GENERAL_BASIC,) * 4
        + (ProgrammeKind.GENERAL_SECONDARY, ProgrammeKind.VOCATIONAL, ProgrammeKind.PRE_SCHOOL)
    )
    grade = course = None
    if programme is ProgrammeKind.GENERAL_BASIC:
        grade = rng.randint(1, 9)
    elif programme is ProgrammeKind.GENERAL_SECONDARY:
        grade = rng.randint(10, 12)
    elif programme is ProgrammeKind.VOCATIONAL:
        course = rng.randint(1, 4)
    return Enrolment(
        school_id=f"school-{rng.randint(1, 40)}",
        municipality=municipality,
        programme=programme,
        grade=grade,
        vocational_course=course,
        repeating_year=rng.random() < 0.15,
        completed_grade9_certificate_only=(grade in (None, 9, 10) and rng.random() < 0.2),
        state_vocational_school=programme is ProgrammeKind.VOCATIONAL and rng.random() < 0.5,
    )


def _learner(rng: random.Random, index: int, as_of: date, municipality: str) -> Learner:
    enrolment = _enrolment(rng, municipality)
    school_year = as_of.year if as_of.month >= 9 else as_of.year - 1
    if enrolment.grade is not None:
        year = school_year - 6 - enrolment.grade
    elif enrolment.vocational_course is not None:
        year = school_year - 15 - enrolment.vocational_course
    else:
        year = school_year - rng.choice((2, 3, 4, 5, 5, 6))
    year += rng.choice((0, 0, 0, -1, 1, -2))
    situation = rng.choice((LivingSituation.WITH_PARENTS,) * 5 + tuple(LivingSituation))
    return Learner(
        id=f"gen-{index:03d}",
        birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
        enrolment=enrolment,
        living_situation=situation,
        needy_or_low_income_family=rng.random() < 0.25,
        languages=rng.choice(_LANGUAGES),
    )


def _count(rng: random.Random) -> int:
    """A count that often falls near the usual thresholds (3, 10, 20 lessons or days)."""
    return rng.choice((0, 0, rng.randint(1, 5), rng.randint(8, 12), rng.randint(18, 25), 40))


def _attendance(rng: random.Random, day: date) -> Attendance:
    scheduled = rng.choice((None, rng.randint(60, 600)))
    room = 10_000 if scheduled is None else scheduled
    justified = min(_count(rng), room)
    unjustified = min(_count(rng), room - justified)
    unknown = min(rng.choice((0, 0, rng.randint(1, 10))), room - justified - unjustified)
    episodes = []
    for _ in range(rng.choice((0, 0, 1, 2))):
        start = day - timedelta(days=rng.randint(1, 60))
        returned = rng.choice((None, start + timedelta(days=rng.randint(0, 10))))
        episodes.append(
            AbsenceEpisode(
                start=start,
                school_days=rng.randint(1, 8),
                lessons=rng.randint(0, 40),
                justification=rng.choice(("none", "parent_note", "medical_note", "other_document")),
                returned_on=returned,
                document_submitted_on=(
                    None if returned is None else returned + timedelta(days=rng.randint(0, 7))
                ),
            )
        )
    return Attendance(
        lessons_scheduled=scheduled,
        lessons_missed_justified=justified,
        lessons_missed_unjustified=unjustified,
        lessons_missed_reason_unknown=unknown,
        days_missed_justified=rng.randint(0, 10),
        days_missed_unjustified=rng.choice((0, 0, rng.randint(1, 3), rng.randint(4, 8))),
        days_missed_reason_unknown=rng.choice((0, 0, rng.randint(1, 3))),
        parental_notes_used=rng.randint(0, 5),
        absent_today_reason_unknown=rng.random() < 0.25,
        episodes=tuple(episodes),
    )


def _observation(rng: random.Random, day: date) -> TermObservation:
    failing = rng.sample(_SUBJECTS, rng.choice((0, 0, 1, 2, 3)))
    marks = tuple(
        SubjectMark(subject=s, mark=rng.randint(1, 3) if s in failing else rng.randint(4, 10))
        for s in _SUBJECTS[:3]
    )
    return TermObservation(
        term=_term(day),
        as_of=day,
        attendance=_attendance(rng, day),
        achievement=Achievement(marks=marks, failing_subjects=tuple(failing)),
        behaviour_incidents=tuple(
            BehaviourIncident(
                on=day - timedelta(days=rng.randint(0, 60)),
                severity=rng.choice(("minor", "minor", "serious")),
            )
            for _ in range(rng.choice((0, 0, 1, 2, 4)))
        ),
        staff_observations=tuple(
            StaffObservation(
                factor=factor,
                recorded_by=rng.choice(_STAFF),
                recorded_on=day - timedelta(days=rng.randint(0, 30)),
            )
            for factor in rng.sample(_RISK_FACTORS, rng.choice((0, 0, 1, 2)))
        ),
        suspected_threats=tuple(
            SuspectedThreat(
                kind=rng.choice(tuple(ThreatKind)),
                observed_on=day - timedelta(days=rng.randint(0, 3)),
                recorded_by=rng.choice(_STAFF),
            )
            for _ in range(1 if rng.random() < 0.1 else 0)
        ),
    )


def _plan(rng: random.Random, plan_id: str, learner_id: str, start: date) -> SupportPlan:
    end = start + timedelta(days=rng.choice((30, 90, 120, 200)))
    reviewed = start + timedelta(days=rng.randint(0, (end - start).days))
    return SupportPlan(
        id=plan_id,
        learner_id=learner_id,
        term=_term(start),
        period=Period(start=start, end=end),
        status=rng.choice(tuple(PlanStatus)),
        author_role=rng.choice(_STAFF),
        risk_factors=tuple(rng.sample(_RISK_FACTORS, rng.randint(0, 2))),
        measures=tuple(
            MeasureAssignment(
                measure=m,
                responsible_role=rng.choice(_STAFF),
                funding=rng.choice(tuple(FundingSource)),
                hours=rng.choice((None, 8.0)),
            )
            for m in rng.sample(_MEASURES, rng.randint(0, 3))
        ),
        application=rng.choice(
            (
                None,
                Application(
                    signed_by=rng.choice(("parent", "guardian", "adult_learner")),
                    signed_on=start - timedelta(days=rng.randint(0, 20)),
                ),
            )
        ),
        reviews=tuple(
            Review(on=reviewed, outcome="continue", improved=rng.choice((None, True, False)))
            for _ in range(rng.randint(0, 1))
        ),
    )


def _case(rng: random.Random, index: int, as_of: date, municipality: str) -> SupportCase:
    learner = _learner(rng, index, as_of, municipality)
    observed = sorted(as_of - timedelta(days=rng.randint(0, 120)) for _ in range(rng.randint(0, 2)))
    plans = [
        _plan(rng, f"plan-{k}", learner.id, as_of - timedelta(days=rng.randint(0, 60) + 200 * k))
        for k in range(rng.choice((0, 0, 1, 2)))
    ]
    funded = tuple(
        FundedSupport(
            measure=m,
            funder=rng.choice(("state", "municipality")),
            until=rng.choice((None, as_of - timedelta(days=10), as_of + timedelta(days=60))),
        )
        for m in rng.sample(("meals_compensation", "transport_compensation"), rng.randint(0, 2))
    )
    return SupportCase(
        learner=learner,
        observations=tuple(_observation(rng, day) for day in observed),
        funded_elsewhere=funded,
        plans=tuple(plans),
    )


def sample_cases(
    count: int = DEFAULT_EXAMPLES, *, as_of: date, municipality: str = "testa-novads", seed: int = 0
) -> list[SupportCase]:
    """``count`` valid support cases as a school would hold them on ``as_of``, reproducibly.

    The same arguments always give the same cases (a seeded :class:`random.Random`; no
    Hypothesis). Counts cluster near the usual thresholds, living situations, languages,
    programmes, plans, threats and funded measures vary. Learners' ids are ``gen-000``,
    ``gen-001``, ...
    """
    return [
        _case(random.Random(f"{seed}:{as_of.isoformat()}:{i}"), i, as_of, municipality)
        for i in range(count)
    ]
