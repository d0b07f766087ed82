"""Strategies of risk: findings and assessments."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import RiskAssessment, RiskFinding
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import Drawn, Pin, as_of_dates, pinned
from atbalsts.testing.strategies._primitives import identifiers


@st.composite
def _risk_findings(draw: DrawFn) -> RiskFinding:
    return gen.risk_finding(Drawn(draw))


def risk_findings() -> SearchStrategy[RiskFinding]:
    """Risk findings whose group is the national group of their (national) risk factor."""
    return _risk_findings()


def risk_assessments(
    *,
    learner_id: Pin[str] | None = None,
    as_of: Pin[date] | None = None,
    tier: Pin[int | None] | None = None,
) -> SearchStrategy[RiskAssessment]:
    """Risk assessments with up to four findings and a tier of ``None`` or 1-3."""
    ids = pinned(learner_id, identifiers())
    dates = pinned(as_of, as_of_dates())
    tiers = pinned(tier, st.none() | st.integers(1, 3))

    @st.composite
    def build(draw: DrawFn) -> RiskAssessment:
        src = Drawn(draw)
        return RiskAssessment(
            learner_id=draw(ids),
            as_of=draw(dates),
            findings=src.several(lambda: gen.risk_finding(src), 4),
            tier=draw(tiers),
        )

    return build()
