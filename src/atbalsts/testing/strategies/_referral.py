"""Strategies of referrals to other institutions and of the consents they rest on."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import Consent, Referral
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import Drawn, Pin, as_of_dates, pinned
from atbalsts.testing.strategies._primitives import identifiers


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
        return gen.referral(
            Drawn(draw),
            referral_id=draw(ids),
            learner_id=draw(learner_ids),
            created_on=draw(dates),
            consent_id=draw(consent_ids),
        )

    return build()


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
        return gen.consent(
            Drawn(draw), consent_id=draw(ids), learner_id=draw(learner_ids), given_on=draw(dates)
        )

    return build()
