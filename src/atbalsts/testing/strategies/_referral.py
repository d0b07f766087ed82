"""Strategies of referrals to other institutions and of the consents they rest on."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.codes import INSTITUTIONS
from atbalsts.model import Consent, Referral, ReferralParty, TaskStatus, Urgency
from atbalsts.testing.strategies._draw import TEXT, Pin, as_of_dates, draw_date, maybe, pinned
from atbalsts.testing.strategies._primitives import (
    ALL_ROLES,
    GRANTORS,
    ID_TAILS,
    IDS,
    SLUGS,
    STAFF_ROLES,
    draw_period,
    identifiers,
)

_RECIPIENTS = st.sampled_from(tuple(c for c in INSTITUTIONS.codes() if c != "school"))
_INSTITUTIONS = st.sampled_from(INSTITUTIONS.codes())
_RECIPIENT_LISTS = st.lists(_INSTITUTIONS, min_size=1, max_size=3, unique=True)


def draw_referral(
    draw: DrawFn, *, referral_id: str, learner_id: str, created_on: date, consent_id: str | None
) -> Referral:
    return Referral(
        id=referral_id,
        learner_id=learner_id,
        referred_by=ReferralParty(
            institution="school",
            institution_id=maybe(draw, lambda: "school-" + draw(ID_TAILS)),
            role=draw(STAFF_ROLES),
        ),
        referred_to=ReferralParty(
            institution=draw(_RECIPIENTS),
            institution_id=maybe(draw, lambda: draw(IDS)),
            role=maybe(draw, lambda: draw(ALL_ROLES)),
        ),
        reason=draw(TEXT),
        urgency=draw(st.sampled_from(Urgency)),
        created_on=created_on,
        due=maybe(draw, lambda: draw_date(draw, created_on, created_on + timedelta(days=60))),
        status=draw(st.sampled_from(TaskStatus)),
        consent_id=consent_id,
        rule=maybe(draw, lambda: "national." + draw(SLUGS)),
        outcome=maybe(draw, lambda: draw(TEXT)),
    )


def referrals(
    *,
    learner_id: Pin[str] | None = None,
    referral_id: Pin[str] | None = None,
    created_on: Pin[date] | None = None,
    consent_id: Pin[str | None] | None = None,
) -> SearchStrategy[Referral]:
    """Referrals from a school to another institution; ``due`` is never before ``created_on``.

    Unpinned, ``consent_id`` is ``None`` or an identifier.
    """
    ids = pinned(referral_id, identifiers(prefix="ref-"))
    learner_ids = pinned(learner_id, identifiers())
    dates = pinned(created_on, as_of_dates())
    consent_ids = pinned(consent_id, st.none() | identifiers(prefix="consent-"))

    @st.composite
    def build(draw: DrawFn) -> Referral:
        return draw_referral(
            draw,
            referral_id=draw(ids),
            learner_id=draw(learner_ids),
            created_on=draw(dates),
            consent_id=draw(consent_ids),
        )

    return build()


def draw_consent(draw: DrawFn, *, consent_id: str, learner_id: str, given_on: date) -> Consent:
    start = draw_date(draw, given_on, given_on + timedelta(days=30))
    return Consent(
        id=consent_id,
        learner_id=learner_id,
        grantor=draw(GRANTORS),
        purpose=draw(TEXT),
        recipients=tuple(draw(_RECIPIENT_LISTS)),
        given_on=given_on,
        period=draw_period(draw, start, 366),
        withdrawn_on=maybe(draw, lambda: draw_date(draw, given_on, given_on + timedelta(days=400))),
    )


def consents(
    *,
    learner_id: Pin[str] | None = None,
    consent_id: Pin[str] | None = None,
    given_on: Pin[date] | None = None,
) -> SearchStrategy[Consent]:
    """Consents to one to three recipients; the period starts on or after ``given_on`` and a
    withdrawal, if any, is not before ``given_on``."""
    ids = pinned(consent_id, identifiers(prefix="consent-"))
    learner_ids = pinned(learner_id, identifiers())
    dates = pinned(given_on, as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Consent:
        return draw_consent(
            draw, consent_id=draw(ids), learner_id=draw(learner_ids), given_on=draw(dates)
        )

    return build()
