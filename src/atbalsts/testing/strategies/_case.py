"""Strategies of the support case, and of the support funded elsewhere that a case records."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.codes import MEASURES
from atbalsts.model import FundedSupport, Learner, PlanStatus, ProgrammeKind, SupportCase
from atbalsts.testing.strategies._draw import Pin, as_of_dates, draw_date, pinned, several
from atbalsts.testing.strategies._learner import draw_enrolment, draw_learner, learners
from atbalsts.testing.strategies._observation import draw_term_observation
from atbalsts.testing.strategies._plan import draw_support_plan
from atbalsts.testing.strategies._primitives import (
    ID_TAILS,
    IDS,
    codes,
    identifiers,
    municipalities,
    term_containing,
)
from atbalsts.testing.strategies._referral import draw_consent, draw_referral

_FUNDED = st.builds(
    FundedSupport,
    measure=st.sampled_from(sorted(MEASURES.tagged("compensation"))),
    funder=st.sampled_from(("state", "municipality")),
    until=st.none() | as_of_dates(),
)


def funded_supports() -> SearchStrategy[FundedSupport]:
    """Support already funded by the state or the municipality, among the compensated measures."""
    return _FUNDED


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
    """
    pupils = None if learner is None else pinned(learner, learners())
    places = pinned(municipality, municipalities())
    kinds = pinned(programme, st.sampled_from(ProgrammeKind))
    dates = pinned(as_of, as_of_dates())
    measures = codes(MEASURES) if measure_codes is None else measure_codes
    school_ids = identifiers(prefix="school-")
    id_tails = st.lists(ID_TAILS, max_size=max_items, unique=True)

    def unique_ids(draw: DrawFn, prefix: str) -> list[str]:
        return [prefix + tail for tail in draw(id_tails)]

    @st.composite
    def build(draw: DrawFn) -> SupportCase:
        on = draw(dates)
        if pupils is not None:
            pupil = draw(pupils)
        else:
            enrolled = draw_enrolment(draw, draw(school_ids), draw(places), draw(kinds))
            pupil = draw_learner(draw, draw(IDS), enrolled, on)
        year_ago = on - timedelta(days=365)

        def past() -> date:
            return draw_date(draw, year_ago, on)

        observed = sorted(several(draw, past, max_items))
        observations = tuple(
            draw_term_observation(draw, term_containing(day), day, None) for day in observed
        )
        consent_ids = unique_ids(draw, "consent-")
        referral_ids = unique_ids(draw, "ref-")
        plan_ids = unique_ids(draw, "plan-")
        consent_refs = (None, *consent_ids)
        return SupportCase(
            learner=pupil,
            observations=observations,
            funded_elsewhere=several(draw, lambda: draw(_FUNDED), 2),
            plans=tuple(
                draw_support_plan(
                    draw,
                    plan_id=pid,
                    learner_id=pupil.id,
                    term=None,
                    as_of=on,
                    status=draw(st.sampled_from(PlanStatus)),
                    measures=measures,
                )
                for pid in plan_ids
            ),
            referrals=tuple(
                draw_referral(
                    draw,
                    referral_id=rid,
                    learner_id=pupil.id,
                    created_on=past(),
                    consent_id=draw(st.sampled_from(consent_refs)),
                )
                for rid in referral_ids
            ),
            consents=tuple(
                draw_consent(draw, consent_id=cid, learner_id=pupil.id, given_on=past())
                for cid in consent_ids
            ),
        )

    return build()
