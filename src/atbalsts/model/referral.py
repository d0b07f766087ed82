"""Referrals to institutions and specialists, and the consents they may rest on."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from atbalsts.model._base import (
    Classification,
    Document,
    Identifier,
    InstitutionCode,
    Model,
    RoleCode,
    classified,
)
from atbalsts.model.plan import Period

__all__ = ["Consent", "Referral", "ReferralParty", "TaskStatus", "Urgency"]


class TaskStatus(StrEnum):
    """Referral status, with the HL7 FHIR Task status codes."""

    DRAFT = "draft"
    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    READY = "ready"
    CANCELLED = "cancelled"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    FAILED = "failed"
    COMPLETED = "completed"
    ENTERED_IN_ERROR = "entered-in-error"


class Urgency(StrEnum):
    """How fast the recipient must act."""

    SAME_DAY = "same_day"
    URGENT = "urgent"
    ROUTINE = "routine"


class ReferralParty(Model):
    """An institution, and the role acting for it."""

    institution: InstitutionCode = Field(description="The institution.")
    institution_id: Identifier | None = Field(default=None, description="Its host id.")
    role: RoleCode | None = Field(default=None, description="The role acting for it.")


class Referral(Document):
    """A referral of a learner's case to an institution or a specialist."""

    id: Identifier = Field(description="Referral id in the host system.")
    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    referred_by: ReferralParty = Field(description="Who refers (institution and role).")
    referred_to: ReferralParty = Field(description="To whom (institution or specialist).")
    reason: str = classified(Classification.SENSITIVE, "Why the case is referred.", min_length=1)
    urgency: Urgency = Field(default=Urgency.ROUTINE, description="How fast to act.")
    created_on: date = Field(description="Date the referral was made.")
    due: date | None = Field(default=None, description="When the recipient should act by.")
    status: TaskStatus = Field(default=TaskStatus.DRAFT, description="FHIR Task status.")
    consent_id: Identifier | None = Field(
        default=None, description="The consent it rests on, if it rests on one."
    )
    rule: str | None = Field(default=None, description="Id of the rule that made it due.")
    outcome: str | None = classified(
        Classification.SENSITIVE, "What the recipient did.", default=None
    )

    @model_validator(mode="after")
    def _due_after_created(self) -> Self:
        if self.due is not None and self.due < self.created_on:
            raise ValueError("due must not be before created_on")
        return self


class Consent(Document):
    """Consent to share a learner's data, or to take part in a plan."""

    id: Identifier = Field(description="Consent id in the host system.")
    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    grantor: Literal["parent", "guardian", "adult_learner"] = Field(description="Who consents.")
    purpose: str = Field(min_length=1, description="For what, in plain words.")
    recipients: tuple[InstitutionCode, ...] = Field(
        min_length=1, description="Institutions that may receive the data."
    )
    given_on: date = Field(description="Date given.")
    period: Period = Field(description="Dates it covers.")
    withdrawn_on: date | None = Field(default=None, description="Date withdrawn, if withdrawn.")

    @model_validator(mode="after")
    def _withdrawn_after_given(self) -> Self:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise ValueError("withdrawn_on must not be before given_on")
        return self

    def in_force(self, day: date) -> bool:
        """True when the consent covers ``day`` and was not withdrawn by then."""
        withdrawn = self.withdrawn_on is not None and self.withdrawn_on <= day
        return day in self.period and not withdrawn
