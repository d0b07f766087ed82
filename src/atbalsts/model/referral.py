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
    IsoDate,
    Model,
    Name,
    RoleCode,
    Text,
    classified,
    invalid_at,
    items,
    lax_enum,
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
    reason: Text = classified(Classification.SENSITIVE, "Why the case is referred.", min_length=1)
    urgency: Urgency = Field(default=Urgency.ROUTINE, description="How fast to act.", **lax_enum)
    created_on: IsoDate = Field(description="Date the referral was made.")
    due: IsoDate | None = Field(
        default=None, description="When the recipient should act by; not before created_on."
    )
    status: TaskStatus = Field(
        default=TaskStatus.DRAFT, description="FHIR Task status.", **lax_enum
    )
    consent_id: Identifier | None = Field(
        default=None, description="The consent it rests on, if it rests on one."
    )
    rule: Name | None = Field(default=None, description="Id of the rule that made it due.")
    outcome: Text | None = classified(
        Classification.SENSITIVE, "What the recipient did.", default=None
    )

    @model_validator(mode="after")
    def _due_after_created(self) -> Self:
        if self.due is not None and self.due < self.created_on:
            raise invalid_at("date_order", "due must not be before created_on", "due")
        return self


class Consent(Document):
    """Consent to share a learner's data, or to take part in a plan."""

    id: Identifier = Field(description="Consent id in the host system.")
    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    grantor: Literal["parent", "guardian", "adult_learner"] = Field(description="Who consents.")
    purpose: Text = classified(Classification.SENSITIVE, "For what, in plain words.", min_length=1)
    recipients: tuple[InstitutionCode, ...] = Field(
        min_length=1, description="Institutions that may receive the data.", **items(50)
    )
    given_on: IsoDate = Field(description="Date given.")
    period: Period = Field(description="Dates it covers.")
    withdrawn_on: IsoDate | None = Field(
        default=None, description="Date withdrawn, if withdrawn; not before given_on."
    )

    @model_validator(mode="after")
    def _withdrawn_after_given(self) -> Self:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise invalid_at(
                "date_order", "withdrawn_on must not be before given_on", "withdrawn_on"
            )
        return self

    def in_force(self, day: date) -> bool:
        """True when the consent covers ``day`` and was not withdrawn by then."""
        withdrawn = self.withdrawn_on is not None and self.withdrawn_on <= day
        return day in self.period and not withdrawn
