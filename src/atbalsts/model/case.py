"""The support case: everything about one learner, in one document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from atbalsts.model._base import Document, MeasureCode, Model
from atbalsts.model.learner import Learner
from atbalsts.model.observation import TermObservation
from atbalsts.model.plan import SupportPlan
from atbalsts.model.referral import Consent, Referral

__all__ = ["FundedSupport", "SupportCase"]


class FundedSupport(Model):
    """Support the state or municipality already funds for this learner (e.g. free lunch)."""

    measure: MeasureCode = Field(description="The measure it corresponds to.")
    funder: Literal["state", "municipality"] = Field(description="Who funds it.")
    until: date | None = Field(default=None, description="Last day funded, if known.")

    def covers(self, day: date) -> bool:
        """True when the funding still runs on ``day``."""
        return self.until is None or day <= self.until


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


class SupportCase(Document):
    """One learner's situation and the support around it."""

    learner: Learner = Field(description="The learner.")
    observations: tuple[TermObservation, ...] = Field(
        default=(), description="Observations, one or more per term."
    )
    funded_elsewhere: tuple[FundedSupport, ...] = Field(
        default=(), description="Support already funded by the state or municipality."
    )
    plans: tuple[SupportPlan, ...] = Field(default=(), description="Support plans.")
    referrals: tuple[Referral, ...] = Field(default=(), description="Referrals.")
    consents: tuple[Consent, ...] = Field(default=(), description="Consents.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        learner_id = self.learner.id
        for kind, docs in (
            ("plans", self.plans),
            ("referrals", self.referrals),
            ("consents", self.consents),
        ):
            others = sorted({d.learner_id for d in docs if d.learner_id != learner_id})
            if others:
                raise ValueError(f"{kind} name another learner ({', '.join(others)})")
            dupes = _duplicates(d.id for d in docs)
            if dupes:
                raise ValueError(f"{kind} repeat the id(s) {', '.join(dupes)}")
        return self

    def observation_on(self, day: date) -> TermObservation | None:
        """The latest observation dated on or before ``day`` (never one from the future)."""
        best: TermObservation | None = None
        for obs in self.observations:
            if obs.as_of <= day and (best is None or obs.as_of > best.as_of):
                best = obs
        return best

    def plan_on(self, day: date) -> SupportPlan | None:
        """The plan whose period covers ``day`` and that is not revoked or entered in error;
        with several, the one with the latest start."""
        live = [
            p
            for p in self.plans
            if day in p.period and p.status.value not in ("revoked", "entered-in-error")
        ]
        return max(live, key=lambda p: (p.period.start, p.id), default=None)
