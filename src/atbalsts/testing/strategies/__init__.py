"""Hypothesis strategies that generate valid atbalsts documents.

Every strategy here produces instances that pass every validator of the models: grades fit the
programme, absences never exceed the lessons scheduled, periods are ordered, school years name two
consecutive years, codes come from the national code lists in :mod:`atbalsts.codes`, personal codes
carry a correct check digit, and inside a :class:`~atbalsts.model.SupportCase` every plan,
referral and consent names the case's learner and has an id unique among its kind. Unless you
pin dates outside it, every date but a birth date lies between :data:`MIN_DATE` and
:data:`MAX_DATE`.

Keyword arguments pin fields. Each accepts either a plain value or a strategy::

    from datetime import date

    from hypothesis import given, strategies as st

    from atbalsts.testing import strategies as ats

    spring_2025 = st.dates(date(2025, 1, 1), date(2025, 6, 30))

    @given(ats.support_cases(municipality="bauska", as_of=spring_2025))
    def test_bauska(case): ...

A pin of ``None`` means "not pinned"; to generate only ``None`` for an optional field, pin it to
``st.none()``.

The strategies are written by hand (not with :func:`hypothesis.strategies.from_type`) and stay
small: a case has at most a few observations, plans, referrals and consents. Counts cluster near
the usual thresholds (3 days; 10 and 20 lessons), and observations carry absence episodes. The
documents are built by one generator, which the conformance checks' seeded
:func:`~atbalsts.testing.conformance.sample_cases` share: a rule that passes those checks has met
the same kinds of case.

Run such tests without Hypothesis' deadline per example (200 ms by default): a deadline is a
timed assertion, which a loaded machine fails by chance, and the first case a test evaluates
takes longer (the policy set is built then). A plugin made by ``atbalsts new-policy`` does so in
its ``tests/conftest.py``; in another project, put the same in its own::

    from hypothesis import settings

    settings.register_profile("plugin", deadline=None, print_blob=True)
    settings.load_profile("plugin")

Requires Hypothesis: install the ``test`` extra.
"""

from __future__ import annotations

from typing import TypeAlias

from atbalsts.testing.strategies import _draw, _primitives
from atbalsts.testing.strategies._case import funded_supports, support_cases
from atbalsts.testing.strategies._draw import T
from atbalsts.testing.strategies._learner import enrolments, learners
from atbalsts.testing.strategies._observation import attendances, term_observations
from atbalsts.testing.strategies._plan import support_plans
from atbalsts.testing.strategies._primitives import (
    codes,
    identifiers,
    legal_bases,
    municipalities,
    periods,
    personal_codes,
    term_containing,
    term_span,
    terms,
)
from atbalsts.testing.strategies._referral import consents, referrals
from atbalsts.testing.strategies._risk import risk_assessments, risk_findings

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "MUNICIPALITIES",
    "Pin",
    "attendances",
    "codes",
    "consents",
    "enrolments",
    "funded_supports",
    "identifiers",
    "learners",
    "legal_bases",
    "municipalities",
    "periods",
    "personal_codes",
    "referrals",
    "risk_assessments",
    "risk_findings",
    "support_cases",
    "support_plans",
    "term_containing",
    "term_observations",
    "term_span",
    "terms",
]

# Public data is bound here, not only imported, so that its #: comment documents it (Sphinx reads
# the comments of this file); the private modules that use a value define it.

#: A pinned field: a plain value (always used) or a strategy (drawn from).
Pin: TypeAlias = _draw.Pin[T]

#: The earliest date the strategies generate (birth dates and dates you pin aside).
MIN_DATE = _draw.MIN_DATE
#: The latest date the strategies generate (dates you pin aside).
MAX_DATE = _draw.MAX_DATE

#: Municipality slugs drawn when none is pinned.
MUNICIPALITIES: tuple[str, ...] = _primitives.MUNICIPALITIES

# The strategies are defined in the private modules but name this one, so reprs and the docs show
# the path users import.
for _strategy in (
    attendances,
    codes,
    consents,
    enrolments,
    funded_supports,
    identifiers,
    learners,
    legal_bases,
    municipalities,
    periods,
    personal_codes,
    referrals,
    risk_assessments,
    risk_findings,
    support_cases,
    support_plans,
    term_containing,
    term_observations,
    term_span,
    terms,
):
    _strategy.__module__ = __name__
del _strategy
