"""Strategies of support plans: period, goals, measures, application, approvals and reviews."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.codes import MEASURES
from atbalsts.model import (
    Application,
    Approval,
    ApprovalStep,
    FundingSource,
    Goal,
    GoalStatus,
    MeasureAssignment,
    Period,
    PlanStatus,
    Review,
    SupportPlan,
    Term,
)
from atbalsts.testing.strategies._draw import (
    TEXT,
    Pin,
    as_of_dates,
    draw_date,
    maybe,
    pinned,
    several,
)
from atbalsts.testing.strategies._primitives import (
    ALL_ROLES,
    FACT_NAMES,
    FACTORS,
    GRANTORS,
    ID_TAILS,
    STAFF_ROLES,
    SUBJECT_NAMES,
    codes,
    identifiers,
    term_containing,
    term_span,
    terms,
)

_APPROVAL_CHAIN = (
    ApprovalStep.AUTHOR,
    ApprovalStep.SCHOOL_DIRECTOR,
    ApprovalStep.MUNICIPAL_COORDINATOR,
    ApprovalStep.NATIONAL_COORDINATOR,
)

_FACTOR_LISTS = st.lists(FACTORS, max_size=3, unique=True)
_GOAL_TARGETS = st.integers(0, 100).map(float) | st.floats(0, 1000)
_REVIEW_OUTCOMES = st.sampled_from(
    ("continue", "adjust", "close_no_longer_needed", "new_plan", "escalate")
)


def _measure_assignment(draw: DrawFn, measures: SearchStrategy[str]) -> MeasureAssignment:
    code = draw(measures)
    return MeasureAssignment(
        measure=code,
        responsible_role=draw(ALL_ROLES),
        responsible_person=maybe(draw, lambda: "staff-" + draw(ID_TAILS)),
        hours=maybe(draw, lambda: draw(st.integers(1, 400)) / 4),
        frequency=draw(st.sampled_from((None, "weekly", "2 per week", "monthly"))),
        funding=draw(st.sampled_from(FundingSource)),
        subject=(
            maybe(draw, lambda: draw(SUBJECT_NAMES)) if code == "subject_consultation" else None
        ),
    )


def _goal(draw: DrawFn) -> Goal:
    return Goal(
        description=draw(TEXT),
        indicator=draw(st.sampled_from(FACT_NAMES)),
        target=draw(_GOAL_TARGETS),
        direction=draw(st.sampled_from(("at_most", "at_least"))),
        status=draw(st.sampled_from(GoalStatus)),
    )


def draw_support_plan(
    draw: DrawFn,
    *,
    plan_id: str,
    learner_id: str,
    term: Term | None,
    as_of: date | None,
    status: PlanStatus,
    measures: SearchStrategy[str],
) -> SupportPlan:
    if term is None:
        term = (
            draw(terms())
            if as_of is None
            else term_containing(draw_date(draw, as_of - timedelta(days=365), as_of))
        )
    first, last = term_span(term)
    latest = last if as_of is None else max(first, min(last, as_of))
    start = draw_date(draw, first, latest)
    end = draw_date(draw, start, last)
    application = maybe(
        draw,
        lambda: Application(
            signed_by=draw(GRANTORS),
            signed_on=draw_date(draw, start - timedelta(days=30), start),
        ),
    )
    opened = application.signed_on if application is not None else start - timedelta(days=14)
    closed = end if as_of is None else max(start, min(end, as_of))
    approval_days = sorted(several(draw, lambda: draw_date(draw, opened, closed), 4))
    review_days = sorted(several(draw, lambda: draw_date(draw, start, closed), 2))
    return SupportPlan(
        id=plan_id,
        learner_id=learner_id,
        term=term,
        period=Period(start=start, end=end),
        status=status,
        author_role=draw(STAFF_ROLES),
        risk_factors=tuple(draw(_FACTOR_LISTS)),
        goals=several(draw, lambda: _goal(draw), 2),
        measures=several(draw, lambda: _measure_assignment(draw, measures), 3),
        application=application,
        approvals=tuple(
            Approval(
                step=step,
                approved_on=day,
                approver=maybe(draw, lambda: "staff-" + draw(ID_TAILS)),
            )
            for step, day in zip(_APPROVAL_CHAIN, approval_days, strict=False)
        ),
        reviews=tuple(
            Review(
                on=day,
                outcome=draw(_REVIEW_OUTCOMES),
                improved=draw(st.sampled_from((None, True, False))),
            )
            for day in review_days
        ),
    )


def support_plans(
    *,
    learner_id: Pin[str] | None = None,
    plan_id: Pin[str] | None = None,
    term: Pin[Term] | None = None,
    as_of: Pin[date] | None = None,
    status: Pin[PlanStatus] | None = None,
    measure_codes: SearchStrategy[str] | None = None,
) -> SearchStrategy[SupportPlan]:
    """Support plans for one term: the period lies within the term (:func:`term_span`), the
    application is signed on or before the start, approvals follow the chain in date order.

    With ``as_of``, the plan has started by then (its term is in progress on a date in the year
    before) and its application, approvals and reviews are dated on or before it; the period may
    run on past ``as_of``. ``measure_codes`` replaces the national measures, e.g.
    ``codes(MEASURES, namespace="bauska")`` to include local ones.
    """
    ids = pinned(plan_id, identifiers(prefix="plan-"))
    learner_ids = pinned(learner_id, identifiers())
    covered = None if term is None else pinned(term, terms())
    dates = None if as_of is None else pinned(as_of, as_of_dates())
    statuses = pinned(status, st.sampled_from(PlanStatus))
    measures = codes(MEASURES) if measure_codes is None else measure_codes

    @st.composite
    def build(draw: DrawFn) -> SupportPlan:
        return draw_support_plan(
            draw,
            plan_id=draw(ids),
            learner_id=draw(learner_ids),
            term=None if covered is None else draw(covered),
            as_of=None if dates is None else draw(dates),
            status=draw(statuses),
            measures=measures,
        )

    return build()
