"""Individual support plans: application, one term, approval chain, review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs

from atbalsts import PlanStatus, age_on
from atbalsts.national import _bases as b
from atbalsts.policy import (
    DecisionKind,
    Facts,
    Issue,
    Params,
    ReviewBy,
    Rule,
    baseline,
    rule,
    term_of,
)

ADULT_AGE = "lv.plan.adult_age"

_LIVE = frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.ON_HOLD})


@rule(
    "lv.plan.application",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.PUMPURS_APPLICATION,
    reads=("plan", "birth_date"),
    params=(ADULT_AGE,),
    valid_from=baseline.PUMPURS_FROM,
)
def application(f: Facts, p: Params) -> Iterator[Issue]:
    """A plan needs an application signed by a parent, or by the learner when adult."""
    plan = f.plan
    if plan is None or plan.status not in _LIVE:
        return
    app = plan.application
    if app is None:
        yield Issue.of("plan_without_application", "application")
        return
    age = age_on(f.birth_date, app.signed_on)  # who may sign is judged on the day of signing
    adult = age >= p.integer(ADULT_AGE)
    if app.signed_by == "adult_learner" and not adult:
        yield Issue.of("adult_application_by_minor", "application.signed_by", age=age)
    elif app.signed_by != "adult_learner" and adult:
        yield Issue.of("application_not_by_adult_learner", "application.signed_by", age=age)


@rule(
    "lv.plan.one_term",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.PUMPURS_TERM,
    reads=("plan",),
    valid_from=baseline.PUMPURS_FROM,
)
def one_term(f: Facts, p: Params) -> Iterator[Issue]:
    """A plan lies inside the one term it names, from its first day to its last.

    One term is a place in the school year, not a length: a plan from November to February
    crosses the boundary between the semesters and is flagged (``plan_longer_than_term``, "the
    plan covers more than one term"); a plan inside semester 2 is not, however long. Terms follow
    the library's convention (``atbalsts.policy.term_of``: semester 1 from 1 September to
    31 December, semester 2 from 1 January to 31 August), so a plan of semester 1 that runs into
    the January days of the winter holidays is flagged too.
    """
    plan = f.plan
    if plan is None:
        return
    named = (plan.term.school_year, plan.term.semester)
    first, last = term_of(plan.period.start), term_of(plan.period.end)
    if first != named:
        yield Issue.of("plan_starts_outside_term", "period.start", term=str(plan.term))
    if last != first:
        yield Issue.of(
            "plan_longer_than_term",
            "period.end",
            term=f"{first[0]}/{first[1]}",
            end_term=f"{last[0]}/{last[1]}",
        )


#: The statuses a plan reaches only through its approvals: a draft's missing approvals are its
#: next steps (see atbalsts.workflow), not issues.
_APPROVED = frozenset({PlanStatus.ACTIVE, PlanStatus.ON_HOLD, PlanStatus.COMPLETED})


def _chain(f: Facts, *, national_step: bool) -> Iterator[Issue]:
    plan = f.plan
    if plan is None or plan.status not in _APPROVED:
        return
    needed = baseline.approval_steps(f.state_vocational_school, national_step)
    dates = {a.step: a.approved_on for a in plan.approvals}
    for step in needed:
        if step not in dates:
            yield Issue.of("approval_missing", "approvals", step=step.value)
    present = [dates[s] for s in needed if s in dates]
    if present != sorted(present):
        yield Issue.of("approval_out_of_order", "approvals")


@rule(
    "lv.plan.approval_chain",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.PUMPURS_APPROVAL,
    reads=("plan", "state_vocational_school"),
    valid_from=baseline.PUMPURS_FROM,
    valid_to=baseline.PUMPURS_TO,
)
def approval_chain(f: Facts, p: Params) -> Iterator[Issue]:
    """An active plan is approved in order by the author, director, municipal coordinator, IKVD.

    State vocational schools skip the municipal coordinator.
    """
    return _chain(f, national_step=True)


@rule(
    "lv.plan.approval_chain_default",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.APPROVAL_DEFAULT,
    reads=("plan", "state_vocational_school"),
    valid_from=b.AFTER_PUMPURS,
)
def approval_chain_default(f: Facts, p: Params) -> Iterator[Issue]:
    """After PuMPuRS the same chain applies without IKVD's step, as a methodological default."""
    return _chain(f, national_step=False)


@rule(
    "lv.plan.review_at_term_end",
    kind=DecisionKind.REVIEW_SCHEDULE,
    legal_basis=b.PUMPURS_TERM,
    reads=("plan",),
    valid_from=baseline.PUMPURS_FROM,
)
def review_at_term_end(f: Facts, p: Params) -> ReviewBy | None:
    """At the end of its term a plan is reviewed: closed, or followed by a new plan.

    This holds for a plan put on hold as for an active one: the source ends every plan's period
    at the end of its semester [S23], and a held plan's period ends too (the work list's
    ``plan_review_overdue`` follows up both).
    """
    plan = f.plan
    if plan is not None and plan.status in baseline.REVIEWED_AT_TERM_END:
        return ReviewBy(plan.period.end)
    return None


def _funding_outside(f: Facts, programme: str, start: date, end: date) -> Iterator[Issue]:
    plan = f.plan
    if plan is None or start <= f.as_of <= end:
        return
    for i, assignment in enumerate(plan.measures):
        if assignment.funding.value == programme:
            yield Issue.of(
                "funding_programme_not_in_force",
                f"measures[{i}].funding",
                programme=programme,
                start=start.isoformat(),
                end=end.isoformat(),
            )


@rule(
    "lv.plan.pumpurs_funding_period",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.PUMPURS_TARGET,
    reads=("plan", "as_of"),
    valid_from=b.COVERAGE_FROM,
)
def pumpurs_funding_period(f: Facts, p: Params) -> Iterator[Issue]:
    """A measure may be funded by PuMPuRS only while PuMPuRS runs (03.2017-12.2023)."""
    return _funding_outside(f, "pumpurs", baseline.PUMPURS_FROM, baseline.PUMPURS_TO)


@rule(
    "lv.plan.skola_kopiena_funding_period",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=b.SK_TARGET,
    reads=("plan", "as_of"),
    valid_from=b.COVERAGE_FROM,
)
def skola_kopiena_funding_period(f: Facts, p: Params) -> Iterator[Issue]:
    """A measure may be funded by Skola-kopienā only in its eligible period (07.2024-08.2029)."""
    return _funding_outside(f, "skola_kopiena", baseline.SK_FROM, baseline.SK_TO)


def _then_default(pumpurs_rule: Rule) -> tuple[Rule, Rule]:
    """The PuMPuRS rule, ending with PuMPuRS, and its successor from 2024-01-01 with the same
    logic, labelled a methodological default."""
    return (
        attrs.evolve(pumpurs_rule, valid_to=baseline.PUMPURS_TO),
        attrs.evolve(
            pumpurs_rule,
            id=f"{pumpurs_rule.id}_default",
            legal_basis=b.PLAN_DEFAULT,
            valid_from=b.AFTER_PUMPURS,
            valid_to=None,
        ),
    )


application, application_default = _then_default(application)
one_term, one_term_default = _then_default(one_term)
review_at_term_end, review_at_term_end_default = _then_default(review_at_term_end)

RULES = (
    application,
    application_default,
    one_term,
    one_term_default,
    approval_chain,
    approval_chain_default,
    review_at_term_end,
    review_at_term_end_default,
    pumpurs_funding_period,
    skola_kopiena_funding_period,
)
