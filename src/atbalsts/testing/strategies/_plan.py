"""Strategies of support plans: period, goals, measures, application, approvals and reviews."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import PlanStatus, SupportPlan, Term
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import Drawn, Pin, pin, pinned
from atbalsts.testing.strategies._primitives import identifiers


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
    About half name their ``author`` (a synthetic host id), who then approved the author's step
    when an approval of it names its approver.

    With ``as_of``, the plan has started by then (its term is in progress on a date in the year
    before) and its application, approvals and reviews are dated on or before it; the period may
    run on past ``as_of``. ``measure_codes`` replaces the national measures, e.g.
    ``codes(MEASURES, namespace="bauska")`` to include local ones.
    """
    ids = pinned(plan_id, identifiers(prefix="plan-"))
    learner_ids = pinned(learner_id, identifiers())
    covered = pin(term)
    dates = pin(as_of)
    statuses = pinned(status, st.sampled_from(PlanStatus))

    @st.composite
    def build(draw: DrawFn) -> SupportPlan:
        return gen.support_plan(
            Drawn(draw),
            plan_id=draw(ids),
            learner_id=draw(learner_ids),
            term=None if covered is None else draw(covered),
            as_of=None if dates is None else draw(dates),
            status=draw(statuses),
            measure=None if measure_codes is None else lambda: draw(measure_codes),
        )

    return build()
