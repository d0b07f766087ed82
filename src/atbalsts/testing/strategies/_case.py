"""Strategies of the support case, and of the support funded elsewhere that a case records."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import FundedSupport, Learner, ProgrammeKind, SupportCase
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import IDS, Drawn, Pin, as_of_dates, pin, pinned
from atbalsts.testing.strategies._learner import learners
from atbalsts.testing.strategies._primitives import identifiers, municipalities


@st.composite
def _funded_supports(draw: DrawFn) -> FundedSupport:
    return gen.funded_support(Drawn(draw), around=draw(as_of_dates()))


def funded_supports() -> SearchStrategy[FundedSupport]:
    """Support already funded by the state or the municipality, among the compensated measures."""
    return _funded_supports()


def support_cases(
    *,
    learner: Pin[Learner] | None = None,
    municipality: Pin[str] | None = None,
    programme: Pin[ProgrammeKind] | None = None,
    as_of: Pin[date] | None = None,
    measure_codes: SearchStrategy[str] | None = None,
    max_items: int = 3,
) -> SearchStrategy[SupportCase]:
    """Support cases as a host system would hold them on ``as_of``.

    The learner is of a usual age for their enrolment on ``as_of``. Observations, consents,
    referrals and plans (at most ``max_items`` of each) are dated in the year up to ``as_of``;
    only forward-looking dates (the end of a plan or consent, a referral's due date, a withdrawal)
    may fall after it. Every plan, referral and consent names the case's learner, ids are unique
    within their kind, and a referral's ``consent_id`` is ``None`` or one of the case's consents.

    ``municipality`` and ``programme`` pin the learner's enrolment (ignored when ``learner`` is
    given); ``measure_codes`` replaces the national measures in plans (see :func:`support_plans`).
    The cases are built by the same generator as the conformance checks' sample cases
    (:func:`atbalsts.testing.conformance.sample_cases`).
    """
    pupils = None if learner is None else pinned(learner, learners())
    places = pinned(municipality, municipalities())
    kinds = pin(programme)
    dates = pinned(as_of, as_of_dates())
    school_ids = identifiers(prefix="school-")

    @st.composite
    def build(draw: DrawFn) -> SupportCase:
        src = Drawn(draw)
        on = draw(dates)
        if pupils is not None:
            pupil = draw(pupils)
        else:
            enrolled = gen.enrolment(
                src,
                school_id=draw(school_ids),
                municipality=draw(places),
                programme=None if kinds is None else draw(kinds),
            )
            pupil = gen.learner(src, learner_id=draw(IDS), enrolment=enrolled, as_of=on)
        return gen.support_case(
            src,
            learner=pupil,
            as_of=on,
            max_items=max_items,
            measure=None if measure_codes is None else lambda: draw(measure_codes),
        )

    return build()
