"""Duties over time: the day each obligation arose, its due date on the school calendar, what
answered it, and its state on the evaluation date; and the work overdue beyond the obligations.

A duty is anchored to what triggered it (:attr:`atbalsts.policy.Obligation.trigger`), never to
the evaluation date: evaluating the same case on a later date gives the same trigger, the same due
date and the same key, and only the state moves (open, due today, overdue; done on time or late
once an action or a referral answers it). The calendar counts school days for the learner's grade
(:class:`atbalsts.calendar.SchoolCalendar`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from datetime import date

from atbalsts.calendar import SchoolCalendar
from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.engine._reach import reached as _reached
from atbalsts.engine._refs import JsonObject, Refs
from atbalsts.model import (
    ApprovalStep,
    BasisKind,
    LegalBasis,
    PlanStatus,
    Referral,
    SupportCase,
    SupportPlan,
    TaskStatus,
)
from atbalsts.model.decision import Deadline, DutyState, TriggerSource
from atbalsts.model.referral import MADE_STATUSES
from atbalsts.policy import _outcomes as o
from atbalsts.policy import baseline
from atbalsts.policy._facts import Facts

__all__ = [
    "ENGINE_BASES",
    "FOLLOW_UP_PARAMETERS",
    "THREAT_REPORT_ACTION",
    "THREAT_REPORT_RULE",
    "answers",
    "awaiting_answer",
    "due_of",
    "duty_key",
    "duty_keys",
    "follow_ups",
    "state_of",
    "threat_report_keys",
    "trigger_of",
]

# The engine never imports the national baseline (it loads it by name, as any plugin): the ids of
# the national rules and the parameter the follow-ups use are named here, and
# tests/test_duties.py checks that the baseline declares each of them.

#: School days a submitted plan may wait for its next approval (national parameter, a
#: methodological default; a municipality may shorten it).
APPROVAL_WAIT = "lv.plan.approval_wait_days"
#: The parameters the follow-ups read, bound when a policy set is compiled for a date.
FOLLOW_UP_PARAMETERS: tuple[str, ...] = (APPROVAL_WAIT,)
#: The national rules whose approval chain a waiting plan follows: PuMPuRS's (with IKVD's step),
#: then its successor without it. A rule that replaces one of them stands in for it.
APPROVAL_RULES = ("lv.plan.approval_chain", "lv.plan.approval_chain_default")
#: The national rules that have a plan (active or on hold) reviewed at the end of its term.
REVIEW_RULES = ("lv.plan.review_at_term_end", "lv.plan.review_at_term_end_default")
#: The national rule that owes the Art. 73(1) report of a suspected threat (mandatory: never
#: replaced), and the action it names. The facts read them to know the key of a day's report
#: (:func:`threat_report_keys`).
THREAT_REPORT_RULE = "lv.child_protection.report_threat"
#: The action of :data:`THREAT_REPORT_RULE`'s duty; an action of this code that names no duty is
#: a report.
THREAT_REPORT_ACTION = "report_threat"

#: A referral the recipient has not answered by its due date is followed up by the referrer.
REFERRAL_FOLLOW_UP = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="No act found sets what happens when an institution does not answer a school's "
    "referral by its due date. The due date is the referral's own (set by the host, or by the "
    "rule that made the referral due); once it has passed with no outcome recorded, the "
    "referral is listed for the referring role to follow up (the school director where the "
    "referral names no role).",
)

#: The legal bases the engine itself gives (not a rule's): a rule table holds them too.
ENGINE_BASES = (REFERRAL_FOLLOW_UP,)

#: Referral statuses that show the referral was made: one of them answers a duty to inform its
#: recipient (a draft, a cancelled or a failed referral answers nothing; a rejected one does).
_MADE = MADE_STATUSES
#: Made, and the recipient has not answered yet (completing or rejecting it answers).
_AWAITING = _MADE - {TaskStatus.COMPLETED, TaskStatus.REJECTED}


def awaiting_answer(ref: Referral, as_of: date) -> bool:
    """Whether ``ref`` waits for its recipient's answer on ``as_of``: made (sent, and neither
    completed nor rejected), created by then, and no outcome recorded by then. Such a referral
    is followed up once its due date has passed, and named beside a referral due to the same
    recipient."""
    return (
        ref.status in _AWAITING
        and ref.created_on <= as_of
        and (ref.outcome_on is None or ref.outcome_on > as_of)
    )


#: Review outcomes that end a plan's term: closed, replaced by a new plan, escalated.
_CLOSING = frozenset({"close_no_longer_needed", "new_plan", "escalate"})

_UNITS: dict[str, Deadline] = {"days": "calendar_days"}

#: The codes of the state child-rights body, one office (a duty's key names the one in office).
_BODY = baseline.STATE_CHILD_RIGHTS_BODY_CODES


# -- the trigger ---------------------------------------------------------------------------------


def _default(facts: Facts) -> tuple[date, TriggerSource]:
    if facts.observed_on is not None:
        return facts.observed_on, "observation"
    return facts.as_of, "evaluation_date"


def _crossed(facts: Facts, count: str, limit: int) -> tuple[date, TriggerSource]:
    """The day ``count`` (unjustified lessons or days) first went over ``limit`` in the term.

    From the attendance day records: the lessons (or whole days) without justification on the
    evaluation date, added up day by day, oldest first. A document handed in later that justifies
    lessons takes them out of the count. Without day records that reach the limit: the first
    observation of the term whose totals show it; else the observation date.
    """
    as_of = facts.as_of
    lessons = count == "unjustified_lessons"
    total = 0
    for day in facts.attendance_days:
        if day.on > as_of:
            break
        if day.justified_on(as_of):
            continue
        total += day.lessons_missed if lessons else int(day.absent_whole_day)
        if total > limit:
            return day.on, "day_records"
    for obs in facts.term_observations:
        att = obs.attendance
        shown = att.lessons_without_justification if lessons else att.days_without_justification
        if shown > limit:
            return obs.as_of, "observation"
    return _default(facts)


def trigger_of(ob: o.Obligation, facts: Facts) -> tuple[date, TriggerSource]:
    """The day the duty ``ob`` arose, and where that day comes from."""
    trigger = ob.trigger
    if isinstance(trigger, date):
        return trigger, "rule"
    if trigger is None:
        if ob.deadline == "same_day" and ob.due is not None:
            return ob.due, "rule"  # the older way to date a same-day duty: by its due date
        return _default(facts)
    if trigger in o.TRIGGER_COUNTS and ob.over is not None:
        return _crossed(facts, trigger, ob.over)
    if trigger == "threat_days" and ob.on is not None:
        return ob.on, "threat" if ob.on in facts.threat_days else "rule"
    if trigger == "threat_observed_on" and facts.threat_observed_on is not None:
        return facts.threat_observed_on, "threat"
    if trigger == "reported_threat_observed_on" and facts.reported_threat_observed_on is not None:
        return facts.reported_threat_observed_on, "threat"
    if trigger == "absent_today_reason_unknown" and facts.observed_on is not None:
        return facts.observed_on, "absence"
    return _default(facts)


def due_of(
    ob: o.Obligation, trigger: date, grade: int | None, calendar: SchoolCalendar
) -> tuple[Deadline, date]:
    """The deadline unit (``days`` read as ``calendar_days``) and the due date of ``ob``."""
    unit: Deadline = _UNITS.get(ob.deadline, ob.deadline)
    if unit == "date":
        assert ob.due is not None  # checked fit: a date deadline has its date
        return unit, ob.due
    counted = unit in ("school_days", "calendar_days")
    return unit, calendar.due_date(trigger, unit, ob.days if counted else 0, grade)


# -- the key, what answered it, and the state -----------------------------------------------------


def duty_key(rule: str, trigger: date, action: str, recipients: tuple[str, ...]) -> str:
    """The stable key of a duty: its first rule and its trigger, ``rule@YYYY-MM-DD``, and a short
    digest of its action and recipients (``#`` and 8 hexadecimal digits), so that two duties one
    rule raises on the same day (to different recipients) never share a key."""
    return f"{rule}@{trigger.isoformat()}#{_digest(action, recipients)}"


def key_day(key: str) -> date | None:
    """The trigger day a duty's key names (the inverse of :func:`duty_key` for its day), or None
    for a key of another form."""
    rule, at, rest = key.partition("@")
    try:
        return date.fromisoformat(rest.partition("#")[0]) if at and rule else None
    except ValueError:
        return None


def duty_keys(key: str, trigger: date, action: str, recipients: tuple[str, ...]) -> frozenset[str]:
    """Every key that names the duty of ``key`` (:func:`duty_key` of its rule, ``trigger``,
    ``action`` and sorted ``recipients``): its own and, when a recipient is the state child-rights
    body, the key the duty has with the body under its other code. The body a duty names is that
    of the evaluation date (``vbtai`` until 2023-12-31, ``childrens_protection_centre`` from
    2024-01-01: :data:`atbalsts.policy.baseline.STATE_CHILD_RIGHTS_BODY`), so the report of a
    December 2023 suspicion has one key in December and another in January; an action that names
    either answers it on both dates."""
    body = _BODY.intersection(recipients)
    if not body:
        return frozenset({key})
    rule = key.partition("@")[0]
    others = tuple(r for r in recipients if r not in _BODY)
    return frozenset(
        {key, *(duty_key(rule, trigger, action, tuple(sorted((*others, c)))) for c in _BODY)}
    )


@functools.lru_cache(maxsize=1_024)
def threat_report_keys(day: date) -> frozenset[str]:
    """The keys of the national report duty of the suspicions of ``day`` (the duty of
    :data:`THREAT_REPORT_RULE`, to the police, the orphan's court and the state child-rights
    body: :func:`atbalsts.policy.baseline.threat_recipients_on`), as :func:`duty_keys` gives
    them: an action that names one of them answers that duty, whatever its action code, and so
    that day's suspicions in the facts."""
    recipients = tuple(sorted(baseline.threat_recipients_on(day)))
    key = duty_key(THREAT_REPORT_RULE, day, THREAT_REPORT_ACTION, recipients)
    return duty_keys(key, day, THREAT_REPORT_ACTION, recipients)


@functools.lru_cache(maxsize=4_096)
def _digest(action: str, recipients: tuple[str, ...]) -> str:
    return hashlib.sha256(f"{action}|{','.join(recipients)}".encode()).hexdigest()[:8]


def answers(
    case: SupportCase | None,
    key: str,
    action: str,
    recipients: tuple[str, ...],
    trigger: date,
    as_of: date,
    *,
    every: bool = False,
) -> tuple[list[JsonObject], date | None]:
    """The actions and referrals of ``case``, dated on or before ``as_of``, that answer a duty
    (the data of :class:`~atbalsts.model.decision.DutyAnswer` rows, earliest first), and the
    day the duty was done: that of the first answer; with ``every`` (each of the recipients must
    be told), the day the last of them was reached, or None while one is not.

    An action answers it when it names the duty (one of :func:`duty_keys`), whatever its action
    code and whoever it names (naming the duty says it was done: it reaches every recipient); one
    that names no key, when it is the same action, done on or after the trigger, and reached one
    of the recipients on its day (:func:`atbalsts.engine._reach.reached`: those it names, or
    every one when it names none). A referral made on or after the trigger answers a duty to
    inform its recipient, when it reached the recipient on the day it was made. A report to the
    state child-rights body reaches it under either code only while that code was in office
    (``vbtai`` until 2023-12-31): the test the fact ``suspected_threat`` asks too.
    """
    if case is None or not (case.actions or case.referrals):
        return [], None
    found: list[JsonObject] = []
    wanted = frozenset(recipients)
    reached: list[tuple[date, frozenset[str]]] = []  # each answer's day and whom it reached
    keys: frozenset[str] | None = None  # made once, when an action names a duty
    for act in case.actions:
        if act.on > as_of:
            continue
        if act.answers is not None:
            if keys is None:
                keys = duty_keys(key, trigger, action, recipients)
            if act.answers not in keys:
                continue
            whom = wanted
        elif act.action != action or act.on < trigger:
            continue
        else:
            whom = _reached(act.to, act.on, wanted)
            if not whom and wanted:
                continue
        found.append({"kind": "action", "id": act.id, "on": act.on})
        reached.append((act.on, whom))
    for ref in case.referrals:
        to = ref.referred_to.institution
        if ref.status not in _MADE or (to not in wanted and to not in _BODY):
            continue  # (reached nobody: the test below says so too, more slowly)
        made = ref.made_on
        if trigger <= made <= as_of:
            whom = _reached((to,), made, wanted)
            if whom:
                found.append({"kind": "referral", "id": ref.id, "on": made})
                reached.append((made, whom))
    found.sort(key=lambda a: (a["on"], a["kind"], a["id"]))
    if not found:
        return found, None
    if every and len(wanted) > 1:  # done the day the last of them was reached
        told: set[str] = set()
        for on, whom in sorted(reached, key=lambda r: r[0]):
            told |= whom
            if told >= wanted:
                return found, on
        return found, None
    first: date = found[0]["on"]
    return found, first


def state_of(
    due: date,
    done_on: date | None,
    as_of: date,
    grade: int | None,
    calendar: SchoolCalendar,
) -> tuple[DutyState, int | None]:
    """The state of a duty due on ``due`` on ``as_of``, and the school days it is (or was) late."""
    if done_on is not None:
        if done_on <= due:
            return "done_on_time", None
        return "done_late", calendar.school_days_between(due, done_on, grade)
    if as_of < due:
        return "open", None
    if as_of == due:
        return "due_today", None
    return "overdue", calendar.school_days_between(due, as_of, grade)


# -- work overdue beyond the obligations --------------------------------------------------------


def _rule_among(policy: CompiledPolicy, ids: tuple[str, ...]) -> CompiledRule | None:
    """The rule in force with one of ``ids``, or one that replaces one of them (looked for once
    per compiled policy)."""
    known = policy.found_rules
    if ids not in known:
        known[ids] = next(
            (cr for cr in policy.rules if cr.rule.id in ids or cr.rule.overrides in ids), None
        )
    return known[ids]


def _late(due: date, as_of: date, grade: int | None, calendar: SchoolCalendar) -> int | None:
    return calendar.school_days_between(due, as_of, grade) if as_of > due else None


def _referrals(
    case: SupportCase, as_of: date, grade: int | None, calendar: SchoolCalendar, refs: Refs
) -> Iterator[JsonObject]:
    for ref in case.referrals:
        if ref.due is None or not awaiting_answer(ref, as_of):
            continue
        late = _late(ref.due, as_of, grade, calendar)
        if late is None:
            continue
        yield _follow_up(
            "referral_unanswered",
            ref.id,
            (ref.referred_by.role or "school_director",),
            ref.made_on,
            ref.due,
            late,
            {"to": ref.referred_to.institution, "status": ref.status.value},
            ref.rule,
            refs.basis(REFERRAL_FOLLOW_UP),
            [],
        )


def _reviewed(plan: SupportPlan, as_of: date) -> bool:
    return any(
        r.on <= as_of and (r.on >= plan.period.end or r.outcome in _CLOSING) for r in plan.reviews
    )


def _reviews(
    case: SupportCase,
    policy: CompiledPolicy,
    as_of: date,
    grade: int | None,
    calendar: SchoolCalendar,
    refs: Refs,
) -> Iterator[JsonObject]:
    review = None
    for plan in case.plans:
        if plan.status not in baseline.REVIEWED_AT_TERM_END:
            continue
        due = plan.period.end
        late = _late(due, as_of, grade, calendar)
        if late is None or _reviewed(plan, as_of):
            continue
        review = review or _rule_among(policy, REVIEW_RULES)
        if review is None:  # no review rule in force: nothing says the plan is reviewed
            return
        yield _follow_up(
            "plan_review_overdue",
            plan.id,
            (plan.author_role,),
            due,
            due,
            late,
            {"term": str(plan.term), "status": plan.status.value},
            review.rule.id,
            refs.basis(review.rule.legal_basis),
            [],
        )


def _step_role(step: ApprovalStep, plan: SupportPlan) -> str:
    return plan.author_role if step is ApprovalStep.AUTHOR else step.value


def _approvals(
    case: SupportCase,
    facts: Facts,
    policy: CompiledPolicy,
    grade: int | None,
    calendar: SchoolCalendar,
    refs: Refs,
) -> Iterator[JsonObject]:
    wait = policy.engine_parameters.get(APPROVAL_WAIT)
    chain = _rule_among(policy, APPROVAL_RULES)
    if wait is None or chain is None or not isinstance(wait.value, int):
        return
    as_of = facts.as_of
    national_step = chain.rule.id == APPROVAL_RULES[0]
    for plan in case.plans:
        submitted = plan.submitted_on
        if plan.status is not PlanStatus.DRAFT or submitted is None or submitted > as_of:
            continue
        approved = {a.step: a.approved_on for a in plan.approvals if a.approved_on <= as_of}
        needed = baseline.approval_steps(facts.state_vocational_school, national_step)
        step = next((s for s in needed if s not in approved), None)
        if step is None:
            continue
        since = max([submitted, *(d for d in approved.values() if d >= submitted)])
        due = calendar.add_school_days(since, wait.value, grade)
        late = _late(due, as_of, grade, calendar)
        if late is None:
            continue
        yield _follow_up(
            "approval_waiting",
            plan.id,
            (_step_role(step, plan),),
            since,
            due,
            late,
            {"step": step.value},
            chain.rule.id,
            refs.basis(chain.rule.legal_basis),
            [refs.parameter(wait)],
        )


def _follow_up(
    kind: str,
    subject: str,
    roles: tuple[str, ...],
    since: date,
    due: date,
    late: int,
    detail: JsonObject,
    rule: str | None,
    basis: object,
    parameters: list[object],
) -> JsonObject:
    """The data of a :class:`~atbalsts.model.decision.FollowUp`, its fields in order."""
    return {
        "kind": kind,
        "key": f"{kind}:{subject}@{due.isoformat()}",
        "subject": subject,
        "responsible_roles": list(roles),
        "since": since,
        "due": due,
        "school_days_late": late,
        "detail": detail,
        "rule": rule,
        "legal_basis": basis,
        "parameters": parameters,
    }


def follow_ups(
    case: SupportCase | None,
    facts: Facts,
    policy: CompiledPolicy,
    calendar: SchoolCalendar,
    refs: Refs,
) -> list[JsonObject]:
    """The work overdue on the evaluation date beyond the obligations: referrals the recipient
    has not answered by their due date, plans not reviewed at the end of their term, plans that
    have waited for their next approval longer than ``lv.plan.approval_wait_days``."""
    if case is None or not (case.referrals or case.plans):
        return []
    grade, as_of = facts.grade, facts.as_of
    found = [
        *_referrals(case, as_of, grade, calendar, refs),
        *_reviews(case, policy, as_of, grade, calendar, refs),
        *_approvals(case, facts, policy, grade, calendar, refs),
    ]
    return sorted(found, key=lambda f: (f["due"], f["kind"], f["subject"]))
