"""Strategies of risk: findings and assessments."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.codes import RISK_FACTORS
from atbalsts.model import BasisKind, Evidence, RiskAssessment, RiskFinding, RiskGroup
from atbalsts.testing.strategies._draw import Pin, as_of_dates, pinned, several
from atbalsts.testing.strategies._primitives import (
    FACT_NAMES,
    FACTORS,
    SLUGS,
    draw_legal_basis,
    identifiers,
)

_EVIDENCE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 10_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_RULE_NAMESPACES = st.sampled_from(("national", "bauska", "riga", "ogre"))


def _risk_finding(draw: DrawFn) -> RiskFinding:
    factor = draw(FACTORS)
    group = RISK_FACTORS[factor].group
    assert group is not None  # every national risk factor names its group
    return RiskFinding(
        factor=factor,
        group=RiskGroup(group),
        evidence=several(
            draw,
            lambda: Evidence(fact=draw(st.sampled_from(FACT_NAMES)), value=draw(_EVIDENCE_VALUES)),
            3,
        ),
        rule=f"{draw(_RULE_NAMESPACES)}.{draw(SLUGS)}",
        legal_basis=draw_legal_basis(draw, draw(st.sampled_from(BasisKind))),
    )


@st.composite
def _risk_findings(draw: DrawFn) -> RiskFinding:
    return _risk_finding(draw)


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
        return RiskAssessment(
            learner_id=draw(ids),
            as_of=draw(dates),
            findings=several(draw, lambda: _risk_finding(draw), 4),
            tier=draw(tiers),
        )

    return build()
