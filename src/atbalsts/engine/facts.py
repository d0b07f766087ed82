"""The facts rules read: derived once per case and evaluation date, never from the wall clock.

Rules read facts by attribute (``f.unjustified_lessons``) and declare what they read, so the trace
can show each fact with its value. :data:`FACTS` documents every fact; the protected ones (never
evidence of risk) are listed in :data:`PROTECTED_FACTS`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import lru_cache

import attrs

from atbalsts.model import (
    AbsenceEpisode,
    BehaviourIncident,
    Classification,
    DecisionKind,
    Learner,
    LivingSituation,
    PlanStatus,
    SupportCase,
    SupportPlan,
    SuspectedThreat,
    TaskStatus,
    age_on,
)

__all__ = [
    "FACTS",
    "FACT_NAMES",
    "PROTECTED_FACTS",
    "RISK_KINDS",
    "Facts",
    "derive_facts",
    "term_key",
]


@attrs.frozen(slots=True, eq=False)
class Facts:
    """The facts about one case on one date. Frozen: a rule cannot change what others read."""

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
    threat_observed_on: date | None
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
    "behaviour_incidents": "Behaviour incidents recorded in the evaluation date's term.",
    "serious_incidents": "Serious behaviour incidents in that term.",
    "staff_factors": "Risk factors observed and recorded by staff in that term (and in the latest "
    "observation).",
    "suspected_threat": "A suspected threat (violence, neglect, offence) is recorded and not yet "
    "answered by a referral made to the police, the orphan's court or the child-protection body.",
    "threat_kinds": "The kinds of open threat suspected.",
    "threat_observed_on": "The day the earliest open suspicion arose (the report is due then).",
    "funded_elsewhere": "Measures the state or municipality already funds on the date.",
    "plan": "The support plan in force on the date, if any.",
    "plan_measures": "Measures assigned in that plan.",
    "plans_without_improvement": "Consecutive earlier plans whose last review saw no improvement.",
    "risk_groups": "Risk groups found by the risk-finding rules (for the other kinds).",
    "risk_factors": "Risk factors found by the risk-finding rules (for the other kinds).",
}


#: Every name a rule may declare in ``reads``: the facts, and ``has_risk`` (derived from
#: ``risk_factors``).
FACT_NAMES: frozenset[str] = frozenset(FACTS) | {"has_risk"}


def _protected_learner_fields() -> frozenset[str]:
    protected = Classification.PROTECTED.value
    return frozenset(
        name
        for name, field in Learner.model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and field.json_schema_extra.get("x-classification") == protected
    )


#: Facts that are protected attributes (read from the models' field classifications): no rule
#: that finds or grades risk, or refers a learner, may read them (:data:`RISK_KINDS`).
PROTECTED_FACTS: frozenset[str] = frozenset(FACTS) & _protected_learner_fields()

#: The decision kinds that judge a learner's risk: they may not read :data:`PROTECTED_FACTS`.
RISK_KINDS: frozenset[DecisionKind] = frozenset(
    {DecisionKind.RISK_FINDING, DecisionKind.RISK_TIER, DecisionKind.REFERRAL}
)

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
def term_key(day: date) -> tuple[str, int]:
    """(school_year, semester) of the term containing ``day``, as in :meth:`Term.containing`."""
    if day.month >= 9:
        return f"{day.year}/{day.year + 1}", 1
    return f"{day.year - 1}/{day.year}", 2


#: Recipients whose referral answers a suspected threat (BTAL Art. 73(1)), and the referral
#: statuses that show it was actually made.
_THREAT_RECIPIENTS = frozenset(
    {"state_police", "municipal_police", "orphans_court", "childrens_protection_centre", "vbtai"}
)
_MADE = frozenset(
    {
        TaskStatus.REQUESTED,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.READY,
        TaskStatus.IN_PROGRESS,
        TaskStatus.ON_HOLD,
        TaskStatus.COMPLETED,
    }
)


def _open_threats(case: SupportCase, as_of: date) -> list[SuspectedThreat]:
    """Threats recorded up to ``as_of`` in any observation, not yet answered by a referral to a
    competent body made on or after the day the suspicion arose."""
    reported = [
        r.created_on
        for r in case.referrals
        if r.referred_to.institution in _THREAT_RECIPIENTS
        and r.status in _MADE
        and r.created_on <= as_of
    ]
    return [
        t
        for obs in case.observations
        if obs.as_of <= as_of
        for t in obs.suspected_threats
        if t.observed_on <= as_of and not any(day >= t.observed_on for day in reported)
    ]


def derive_facts(case: SupportCase, as_of: date) -> Facts:
    """The facts of ``case`` on ``as_of``, from the observations dated on or before it.

    Term-bound facts (absences, incidents, staff observations) come from the evaluation date's
    term: absences from the latest observation of that term, incidents and staff-observed factors
    from all of its observations. Marks carry over from the latest observation. Suspected threats
    come from every observation until a referral answers them.
    """
    learner = case.learner
    enrolment = learner.enrolment
    obs = case.observation_on(as_of)
    plan = case.plan_on(as_of)
    term = term_key(as_of)
    in_term = []
    any_threat = False
    for o in case.observations:
        if o.as_of <= as_of:
            any_threat = any_threat or bool(o.suspected_threats)
            if (o.term.school_year, o.term.semester) == term:
                in_term.append(o)
    # Absence counts are per term (MK 89 counts per semester): an observation of an earlier term
    # says nothing about this term's absences.
    same_term = obs is not None and (obs.term.school_year, obs.term.semester) == term
    att = obs.attendance if obs is not None and same_term else None
    scheduled = att.lessons_scheduled if att else None
    rate = att.lessons_missed / scheduled if att and scheduled else None
    if len(in_term) == 1:
        incidents: Collection[BehaviourIncident] = in_term[0].behaviour_incidents
    else:  # several snapshots of the term may repeat an incident: count each once
        incidents = {i for o in in_term for i in o.behaviour_incidents}
    staff = frozenset(x.factor for o in in_term for x in o.staff_observations)
    if obs is not None and not same_term:
        staff |= frozenset(x.factor for x in obs.staff_observations)
    failing = len(obs.achievement.failing_subjects) if obs is not None else 0
    threats = _open_threats(case, as_of) if any_threat else []
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
        threat_observed_on=min((t.observed_on for t in threats), default=None),
        funded_elsewhere=frozenset(f.measure for f in case.funded_elsewhere if f.covers(as_of)),
        plan=plan,
        plan_measures=frozenset(m.measure for m in plan.measures) if plan else frozenset(),
        plans_without_improvement=_plans_without_improvement(case, as_of),
    )
