"""The support case: everything about one learner, in one document."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from atbalsts.model._base import Document, IsoDate, MeasureCode, Model, invalid_at, items
from atbalsts.model.learner import Learner
from atbalsts.model.observation import TermObservation
from atbalsts.model.plan import SupportPlan
from atbalsts.model.referral import Consent, Referral

__all__ = ["FundedSupport", "SupportCase"]


class FundedSupport(Model):
    """Support the state or municipality already funds for this learner (e.g. free lunch)."""

    measure: MeasureCode = Field(description="The measure it corresponds to.")
    funder: Literal["state", "municipality"] = Field(description="Who funds it.")
    until: IsoDate | None = Field(default=None, description="Last day funded, if known.")

    def covers(self, day: date) -> bool:
        """True when the funding still runs on ``day``."""
        return self.until is None or day <= self.until


class SupportCase(Document):
    """One learner's situation and the support around it.

    Plans, referrals and consents inside a case must name the case's learner, and each has an id
    unique among its kind.
    """

    learner: Learner = Field(description="The learner.")
    observations: tuple[TermObservation, ...] = Field(
        default=(), description="Observations, one or more per term.", **items()
    )
    funded_elsewhere: tuple[FundedSupport, ...] = Field(
        default=(),
        description="Support already funded by the state or municipality.",
        **items(50),
    )
    plans: tuple[SupportPlan, ...] = Field(default=(), description="Support plans.", **items())
    referrals: tuple[Referral, ...] = Field(default=(), description="Referrals.", **items())
    consents: tuple[Consent, ...] = Field(default=(), description="Consents.", **items())

    @field_validator("plans", "referrals", "consents")
    @classmethod
    def _one_learner_unique_ids(
        cls, docs: tuple[SupportPlan | Referral | Consent, ...], info: ValidationInfo
    ) -> tuple[SupportPlan | Referral | Consent, ...]:
        learner = info.data.get("learner")
        if isinstance(learner, Learner):
            others = [(i, "learner_id") for i, d in enumerate(docs) if d.learner_id != learner.id]
            if others:
                raise invalid_at("other_learner", "names another learner than learner.id", *others)
        seen: set[str] = set()
        repeated: list[tuple[int, str]] = []
        for i, doc in enumerate(docs):
            if doc.id in seen:
                repeated.append((i, "id"))
            seen.add(doc.id)
        if repeated:
            raise invalid_at(
                "duplicate_id", f"repeats the id of an earlier item of {info.field_name}", *repeated
            )
        return docs

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
