"""The facts rules read: derived once per case and evaluation date, never from the wall clock.

Rules read facts by attribute (``f.unjustified_lessons``) and declare what they read, so the trace
can show each fact with its value. :data:`FACTS` documents every fact; the protected ones (never
evidence of risk) are listed in :data:`PROTECTED_FACTS`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import attrs

from atbalsts.model import (
    AbsenceEpisode,
    LivingSituation,
    PlanStatus,
    SupportCase,
    SupportPlan,
    Term,
    age_on,
)

__all__ = ["FACTS", "PROTECTED_FACTS", "Facts", "derive_facts"]


@attrs.define(slots=True, eq=False)
class Facts:
    """The facts about one case on one date. Treat as read-only."""

    as_of: date
    learner_id: str
    municipality: str
    birth_date: date
    age: int
    programme: str
    grade: int | None
    vocational_course: int | None
    repeating_year: bool
    completed_grade9_certificate_only: bool
    state_vocational_school: bool
    living_situation: str
    out_of_family_care: bool
    needy_family: bool
    languages: tuple[str, ...]
    has_observation: bool
    observed_on: date | None
    unjustified_lessons: int
    unjustified_days: int
    lessons_scheduled: int | None
    absence_rate: float | None
    absent_today_reason_unknown: bool
    parental_notes_used: int
    absence_episodes: tuple[AbsenceEpisode, ...]
    failing_subjects: int
    behaviour_incidents: int
    serious_incidents: int
    staff_factors: frozenset[str]
    suspected_threat: bool
    threat_kinds: frozenset[str]
    funded_elsewhere: frozenset[str]
    plan: SupportPlan | None
    plan_measures: frozenset[str]
    plans_without_improvement: int
    risk_groups: frozenset[str] = frozenset()
    risk_factors: frozenset[str] = frozenset()

    @property
    def has_risk(self) -> bool:
        """At least one risk finding (set after the risk-finding rules ran)."""
        return bool(self.risk_factors)


#: Every fact a rule may read, with its meaning (the docs render this table).
FACTS: dict[str, str] = {
    "as_of": "The evaluation date.",
    "learner_id": "The learner's pseudonymous id.",
    "municipality": "The learner's municipality slug.",
    "birth_date": "Date of birth (for ages on other dates, e.g. when an application was signed).",
    "age": "Age in whole years on the evaluation date.",
    "programme": "Programme kind (pre_school, general_basic, general_secondary, vocational).",
    "grade": "Grade 1-12 in general education, else None.",
    "vocational_course": "Course 1-4 in vocational education, else None.",
    "repeating_year": "The learner repeats the year.",
    "completed_grade9_certificate_only": "Completed grade 9 with a certificate (liecība) only.",
    "state_vocational_school": "Enrolled in a state vocational school.",
    "living_situation": "with_parents, foster_family, guardian or care_institution.",
    "out_of_family_care": "Foster family, guardian or care institution.",
    "needy_family": "Needy or low-income family flag.",
    "languages": "Languages the learner speaks. PROTECTED: never evidence of risk.",
    "has_observation": "An observation dated on or before the evaluation date exists.",
    "observed_on": "Date of the latest observation used.",
    "unjustified_lessons": "Lessons missed in the evaluation date's term with no reason or no "
    "justifying reason (0 when the latest observation is of an earlier term; terms by the "
    "convention of Term.containing).",
    "unjustified_days": "Whole days missed in the term with no reason or no justifying reason.",
    "lessons_scheduled": "Lessons scheduled in the term so far, if known.",
    "absence_rate": "Share (0-1) of scheduled lessons missed for any reason, if known.",
    "absent_today_reason_unknown": "Absent on the evaluation date with no reason known (only "
    "from an observation dated that day).",
    "parental_notes_used": "Parents' justifying notes used in the term.",
    "absence_episodes": "Absence episodes recorded in the term (may be empty).",
    "failing_subjects": "Number of subjects recorded as failing.",
    "behaviour_incidents": "Behaviour incidents in the term.",
    "serious_incidents": "Serious behaviour incidents in the term.",
    "staff_factors": "Risk factors observed and recorded by staff.",
    "suspected_threat": "A suspected threat (violence, neglect, offence) is recorded.",
    "threat_kinds": "The kinds of threat suspected.",
    "funded_elsewhere": "Measures the state or municipality already funds on the date.",
    "plan": "The support plan in force on the date, if any.",
    "plan_measures": "Measures assigned in that plan.",
    "plans_without_improvement": "Consecutive earlier plans whose last review saw no improvement.",
    "risk_groups": "Risk groups found by the risk-finding rules (for the other kinds).",
    "risk_factors": "Risk factors found by the risk-finding rules (for the other kinds).",
}

#: Facts that are protected attributes: no risk rule may read them.
PROTECTED_FACTS: frozenset[str] = frozenset({"languages"})

_DEAD = frozenset({PlanStatus.REVOKED, PlanStatus.ENTERED_IN_ERROR})


def _plans_without_improvement(case: SupportCase, day: date) -> int:
    past = sorted(
        (p for p in case.plans if p.period.end < day and p.status not in _DEAD),
        key=lambda p: p.period.start,
        reverse=True,
    )
    count = 0
    for plan in past:
        last = max(plan.reviews, key=lambda r: r.on, default=None)
        if last is None or last.improved is not False:
            break
        count += 1
    return count


@lru_cache(maxsize=64)
def _term_key(day: date) -> tuple[str, int]:
    term = Term.containing(day)
    return term.school_year, term.semester


def derive_facts(case: SupportCase, as_of: date) -> Facts:
    """The facts of ``case`` on ``as_of``: the latest observation dated on or before it."""
    learner = case.learner
    enrolment = learner.enrolment
    obs = case.observation_on(as_of)
    plan = case.plan_on(as_of)
    # Absence counts are per term (MK 89 counts per semester): an observation of an earlier term
    # says nothing about this term's absences. Marks, incidents and staff observations carry over.
    same_term = obs is not None and (obs.term.school_year, obs.term.semester) == _term_key(as_of)
    att = obs.attendance if obs is not None and same_term else None
    if obs is not None:
        scheduled = att.lessons_scheduled if att else None
        rate = att.lessons_missed / scheduled if att and scheduled else None
        incidents = obs.behaviour_incidents
        threats = obs.suspected_threats
        staff = frozenset(o.factor for o in obs.staff_observations)
        failing = len(obs.achievement.failing_subjects)
    else:
        scheduled = rate = None
        incidents = threats = ()
        staff = frozenset()
        failing = 0
    return Facts(
        as_of=as_of,
        learner_id=learner.id,
        municipality=enrolment.municipality,
        birth_date=learner.birth_date,
        age=age_on(learner.birth_date, as_of),
        programme=enrolment.programme.value,
        grade=enrolment.grade,
        vocational_course=enrolment.vocational_course,
        repeating_year=enrolment.repeating_year,
        completed_grade9_certificate_only=enrolment.completed_grade9_certificate_only,
        state_vocational_school=enrolment.state_vocational_school,
        living_situation=learner.living_situation.value,
        out_of_family_care=learner.living_situation is not LivingSituation.WITH_PARENTS,
        needy_family=learner.needy_or_low_income_family,
        languages=learner.languages,
        has_observation=obs is not None,
        observed_on=obs.as_of if obs else None,
        unjustified_lessons=att.lessons_without_justification if att else 0,
        unjustified_days=att.days_without_justification if att else 0,
        lessons_scheduled=scheduled,
        absence_rate=rate,
        # "Absent today" describes the observation's own date: never carried to a later day.
        absent_today_reason_unknown=bool(
            att and obs and obs.as_of == as_of and att.absent_today_reason_unknown
        ),
        parental_notes_used=att.parental_notes_used if att else 0,
        absence_episodes=att.episodes if att else (),
        failing_subjects=failing,
        behaviour_incidents=len(incidents),
        serious_incidents=sum(1 for i in incidents if i.severity == "serious"),
        staff_factors=staff,
        suspected_threat=bool(threats),
        threat_kinds=frozenset(t.kind.value for t in threats),
        funded_elsewhere=frozenset(f.measure for f in case.funded_elsewhere if f.covers(as_of)),
        plan=plan,
        plan_measures=frozenset(m.measure for m in plan.measures) if plan else frozenset(),
        plans_without_improvement=_plans_without_improvement(case, as_of),
    )
