"""Deriving the facts of a case on a date: once per case and date, never from the wall clock."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection
from datetime import date
from itertools import pairwise

from atbalsts._time import term_of
from atbalsts.calendar import SchoolCalendar, shipped_calendar
from atbalsts.engine._duties import THREAT_REPORT_ACTION, key_day, threat_report_keys
from atbalsts.engine._reach import reached
from atbalsts.model import (
    BehaviourIncident,
    LivingSituation,
    PlanStatus,
    SupportCase,
    SupportPlan,
    SuspectedThreat,
    TermObservation,
    age_on,
)
from atbalsts.model.observation import AttendanceDay
from atbalsts.model.referral import MADE_STATUSES
from atbalsts.policy import baseline
from atbalsts.policy._facts import Facts

__all__ = ["derive_facts"]

_DEAD = frozenset({PlanStatus.REVOKED, PlanStatus.ENTERED_IN_ERROR})


def _plans_without_improvement(case: SupportCase, day: date) -> int:
    past = [p for p in case.plans if p.period.end < day and p.status not in _DEAD]
    if not past:
        return 0
    if len(past) > 1:  # the latest first (a stable sort: plans that start together keep order)
        past.sort(key=lambda p: p.period.start, reverse=True)
    count = 0
    for plan in past:
        last = max(plan.reviews, key=lambda r: r.on, default=None)
        if last is None or last.improved is not False:
            break
        count += 1
    return count


def _mentor_trained(plan: SupportPlan | None) -> bool | None:
    """Whether the plan's learner mentor completed the learner-mentor programme: False when any
    mentor_support line says not, True when every one says so, else None (not recorded)."""
    if plan is None:
        return None
    marks = [
        getattr(m, "mentor_trained", None) for m in plan.measures if m.measure == "mentor_support"
    ]
    if any(mark is False for mark in marks):
        return False
    if marks and all(mark is True for mark in marks):
        return True
    return None


def _funded_elsewhere(case: SupportCase, plan: SupportPlan | None, as_of: date) -> frozenset[str]:
    """Measures funded on ``as_of`` by the state or municipality other than through the plan's
    own line: a funding record whose funder is the funder of the plan line for the same measure
    (a municipality-funded line recorded as municipal support) is that line, not a second
    funding."""
    own = {(m.measure, m.funding.value) for m in plan.measures} if plan is not None else set()
    return frozenset(
        f.measure
        for f in case.funded_elsewhere
        if f.covers(as_of) and (f.measure, f.funder) not in own
    )


#: The referral statuses that show a referral was actually made (the recipients that answer a
#: suspected threat are national law: :func:`atbalsts.policy.baseline.threat_recipients_on`).
_MADE = MADE_STATUSES
#: Every code that ever received an Art. 73(1) report: which of them a report reached on its day
#: is :func:`atbalsts.engine._reach.reached`'s to say (the state child-rights body only under the
#: code in office that day).
_ART73 = baseline.THREAT_RECIPIENTS
#: What :func:`_threats` finds in a case that records no threat.
_NO_THREAT: tuple[list[SuspectedThreat], None, tuple[date, ...]] = ([], None, ())


def _report_days(case: SupportCase, as_of: date) -> tuple[list[date], dict[date, list[date]]]:
    """The days a suspicion was reported up to ``as_of``, as the engine answers the report duty
    (``answers`` of ``atbalsts.engine._duties``, by the same tests): a referral that was made
    and reached a competent body on the day it was sent (else created), and an action
    ``report_threat`` that names no duty and reached one (or names no one), each answering any
    suspicion of its day or before. A competent body is one of Art. 73(1) in office on that day
    (``baseline.threat_recipients_on``; ``reached`` of ``atbalsts.engine._reach``): the police,
    the orphan's court, and the state child-rights body under its code of that day, so a report
    to ``vbtai`` made in 2025 answers nothing (an engine convention: the code names no body in
    office after 31.12.2023, so such a report is taken as not sent). And, apart, by the day
    of the suspicion, the days of the actions that name the report duty of one day by its key
    (``_duties.threat_report_keys``), whatever their action code, as such an action answers that
    duty: it answers that day's suspicions only, as it answers that duty only."""
    days = [
        r.made_on
        for r in case.referrals
        if r.status in _MADE
        and r.made_on <= as_of
        and reached((r.referred_to.institution,), r.made_on, _ART73)
    ]
    named: dict[date, list[date]] = {}
    for a in case.actions:
        if a.on > as_of:
            continue
        if a.answers is not None:
            day = key_day(a.answers)
            if day is not None and a.answers in threat_report_keys(day):
                named.setdefault(day, []).append(a.on)
        elif a.action == THREAT_REPORT_ACTION and reached(a.to, a.on, _ART73):
            days.append(a.on)
    return sorted(days), named


def _threats(
    case: SupportCase, as_of: date, term: tuple[str, int]
) -> tuple[list[SuspectedThreat], date | None, tuple[date, ...]]:
    """What the report duties of Art. 73(1) stand on, up to ``as_of``: the threats no report
    made on or after the day the suspicion arose has answered (each suspicion is answered by
    the first report on or after its day); when none is open, the day of the last report duty
    done (the earliest suspicion the last report answered); and the days of every suspicion
    whose report is a duty of ``term``, oldest first, each once.

    An open suspicion's report is always the term's duty (it is raised until answered); an
    answered one's is when the suspicion was recorded in an observation of ``term`` or its
    report was made in it (a report of an earlier term is not carried, as no same-day duty
    is). The last done duty is reported only when it is the term's, by the same test."""
    reports, named = _report_days(case, as_of)
    open_: list[SuspectedThreat] = []
    answered: dict[date, list[tuple[date, bool]]] = {}  # by the report that answered them
    days: set[date] = set()
    for obs in case.observations:
        if obs.as_of > as_of:
            continue
        here = (obs.term.school_year, obs.term.semester) == term
        for t in obs.suspected_threats:
            if t.observed_on > as_of:
                continue
            at = bisect_left(reports, t.observed_on)
            first = reports[at] if at < len(reports) else None
            own = named.get(t.observed_on)
            if own is not None:  # an action that names this day's duty answers it on its day
                first = min(own) if first is None else min(first, *own)
            if first is None:
                open_.append(t)
                days.add(t.observed_on)
            else:
                answered.setdefault(first, []).append((t.observed_on, here))
    for report, suspicions in answered.items():
        in_term = term_of(report) == term
        days.update(day for day, here in suspicions if here or in_term)
    if open_ or not answered:
        return open_, None, tuple(sorted(days))
    report = max(answered)
    first = min(day for day, _ in answered[report])
    here = any(in_term for day, in_term in answered[report] if day == first)
    last = first if here or term_of(report) == term else None
    return open_, last, tuple(sorted(days))


def _by_day(days: tuple[AttendanceDay, ...]) -> tuple[AttendanceDay, ...]:
    """Day records oldest first, whatever order the host sent them in (each day is there once:
    the model refuses a repeated day)."""
    if all(a.on < b.on for a, b in pairwise(days)):
        return days
    return tuple(sorted(days, key=lambda d: d.on))


def derive_facts(case: SupportCase, as_of: date, calendar: SchoolCalendar | None = None) -> Facts:
    """The facts of ``case`` on ``as_of``, from the observations dated on or before it.

    Term-bound facts (absences, incidents, staff observations) come from the evaluation date's
    term: absences from the latest observation of that term, incidents and staff-observed factors
    from all of its observations. Marks carry over from the latest observation. Suspected threats
    come from every observation until a referral answers them; once every one is answered, the
    earliest the last report answered is the day of a report duty done, if it was recorded in
    that term.

    Two conventions are national law, not the engine's: absences are counted per term because
    Cabinet Regulation No. 89 sets its limits per semester, and the bodies whose report answers
    a threat are those of the Children's Rights Protection Law Art. 73(1) in office on the day
    the report was made (``atbalsts.policy.baseline.threat_recipients_on``), matched as the
    report duty matches them (``atbalsts.engine._reach.reached``). The term comes from the
    school calendar (``calendar``, by default ``atbalsts.calendar.shipped_calendar()``); for a
    school year it has no data, from the library's convention, and ``term_source`` says so.
    """
    learner = case.learner
    enrolment = learner.enrolment
    school_term = (calendar or shipped_calendar()).term_of(as_of, enrolment.grade)
    term = school_term.key
    # One pass: the latest observation dated on or before as_of (the first of a day, as
    # SupportCase.observation_on), those of its term, and whether any records a threat.
    obs: TermObservation | None = None
    in_term = []
    any_threat = False
    for o in case.observations:
        if o.as_of <= as_of:
            if obs is None or o.as_of > obs.as_of:
                obs = o
            if o.suspected_threats:
                any_threat = True
            if (o.term.school_year, o.term.semester) == term:
                in_term.append(o)
    plan = case.plan_on(as_of) if case.plans else None
    # Absence counts are per term, as MK 89 counts them per semester (see the field docs of Facts):
    # an observation of an earlier term says nothing about this term's absences.
    same_term = obs is not None and (obs.term.school_year, obs.term.semester) == term
    att = obs.attendance if obs is not None and same_term else None
    scheduled = att.lessons_scheduled if att else None
    rate = att.lessons_missed / scheduled if att and scheduled else None
    incidents: Collection[BehaviourIncident] = ()
    staff: frozenset[str] = frozenset()
    if len(in_term) == 1:
        incidents = in_term[0].behaviour_incidents
    elif in_term:  # several snapshots of the term may repeat an incident: count each once
        incidents = {i for o in in_term for i in o.behaviour_incidents}
    if in_term:
        staff = frozenset(x.factor for o in in_term for x in o.staff_observations)
    if obs is not None and not same_term and obs.staff_observations:
        staff |= frozenset(x.factor for x in obs.staff_observations)
    failing = len(obs.achievement.failing_subjects) if obs is not None else 0
    threats, reported_on, threat_days = _threats(case, as_of, term) if any_threat else _NO_THREAT
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
        serious_incidents=sum(1 for i in incidents if i.severity == "serious") if incidents else 0,
        staff_factors=staff,
        suspected_threat=bool(threats),
        threat_kinds=frozenset(t.kind.value for t in threats),
        threat_observed_on=min((t.observed_on for t in threats), default=None),
        reported_threat_observed_on=reported_on,
        threat_days=threat_days,
        funded_elsewhere=_funded_elsewhere(case, plan, as_of)
        if case.funded_elsewhere
        else frozenset(),
        plan=plan,
        plan_measures=frozenset(m.measure for m in plan.measures) if plan else frozenset(),
        plans_without_improvement=_plans_without_improvement(case, as_of),
        mentor_trained=_mentor_trained(plan),
        attendance_days=_by_day(att.days) if att and att.days else (),
        term_observations=tuple(sorted(in_term, key=lambda o: o.as_of))
        if len(in_term) > 1
        else tuple(in_term),
        term_start=school_term.start,
        term_end=school_term.end,
        term_source=school_term.source,
    )
