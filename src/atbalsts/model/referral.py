"""Referrals to institutions and specialists, and the consents they may rest on.

A referral says for what it is made (:class:`ReferralPurpose`), which categories of the learner's
data it shares (:class:`DataCategory`) and, where a law obliges the school to send it, which duty
(:class:`LegalDuty`); a consent says for which purposes, to which recipients and which categories
it was given, and for which period. :mod:`atbalsts.workflow` checks one against the other when a
referral is sent.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, model_validator

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

__all__ = [
    "MADE_STATUSES",
    "Consent",
    "ConsentStatus",
    "DataCategory",
    "LegalDuty",
    "Referral",
    "ReferralParty",
    "ReferralPurpose",
    "TaskStatus",
    "Urgency",
]


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


#: The statuses of a referral that was actually made: sent, and not cancelled, failed or void. A
#: rejected one was made: its recipient had it and declined it. Such a referral answers a duty to
#: inform its recipient (a suspected threat included).
MADE_STATUSES: frozenset[TaskStatus] = frozenset(
    {
        TaskStatus.REQUESTED,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.READY,
        TaskStatus.IN_PROGRESS,
        TaskStatus.ON_HOLD,
        TaskStatus.COMPLETED,
        TaskStatus.REJECTED,
    }
)


class Urgency(StrEnum):
    """How fast the recipient must act."""

    SAME_DAY = "same_day"
    URGENT = "urgent"
    ROUTINE = "routine"


class DataCategory(StrEnum):
    """A category of a learner's data: what a referral shares, what a consent covers and what a
    role may see (``atbalsts.privacy``). The categories are the library's, not law's."""

    IDENTITY = "identity"
    """The learner's id, date of birth, personal code and languages."""
    SCHOOLING = "schooling"
    """Enrolment, marks and subjects not mastered."""
    ATTENDANCE = "attendance"
    """Absences and their justification."""
    BEHAVIOUR = "behaviour"
    """Behaviour incidents."""
    FAMILY = "family"
    """Living situation, the family's economic circumstances, support funded elsewhere, family and
    economic risk factors."""
    HEALTH = "health"
    """Health notes and health-related risk factors (GDPR Art. 9 data)."""
    RISK = "risk"
    """Learning and school risk factors, risk findings and tiers."""
    PROTECTION = "protection"
    """Suspected violence, neglect or other threats, and the reports they lead to."""
    SUPPORT = "support"
    """Support plans: goals, measures, approvals, reviews and support delivered."""
    REFERRALS = "referrals"
    """Referrals and consents."""
    NOTES = "notes"
    """General free-text notes."""


class ReferralPurpose(StrEnum):
    """What a referral is for; a consent names the purposes it covers. The list is the library's
    (a methodological default), drawn from the referral paths of the domain brief (§5.2)."""

    CHILD_PROTECTION = "child_protection"
    """A suspected threat to the child (Children's Rights Protection Law, Art. 73)."""
    ABSENCE_FOLLOW_UP = "absence_follow_up"
    """Absences without a justifying reason (Cabinet Regulation No. 89)."""
    SOCIAL_ASSISTANCE = "social_assistance"
    """Assessment of and support for the family by the social service."""
    SUPPORT_PLAN = "support_plan"
    """Drafting, approving or delivering an individual support plan."""
    SPECIALIST_ASSESSMENT = "specialist_assessment"
    """Assessment by a specialist or the pedagogical-medical commission."""
    COOPERATION_GROUP = "cooperation_group"
    """A case reviewed by the municipal child-rights cooperation group (MK 545/2017)."""


class LegalDuty(StrEnum):
    """A law that obliges the school to send the referral, so that it needs no consent."""

    CHILD_PROTECTION_REPORT = "child_protection_report"
    """Children's Rights Protection Law, Art. 73(1): a suspected threat is reported to the police,
    the orphan's court or another child-rights institution no later than the same day."""
    ABSENCE_NOTICE = "absence_notice"
    """Cabinet Regulation No. 89: the municipal education board is informed of more than 20
    lessons a semester missed without a justifying reason."""


#: A category in a list: its string value is accepted as well as the member.
Category = Annotated[DataCategory, Field(strict=False)]
#: A purpose in a list: its string value is accepted as well as the member.
Purpose = Annotated[ReferralPurpose, Field(strict=False)]


class ConsentStatus(StrEnum):
    """Consent status: what has been recorded, as of the day it was recorded. ``withdrawn`` is
    set once a withdrawal has taken effect (``withdrawn_on`` not after the day it is recorded); a
    withdrawal recorded from a later day leaves the consent ``active`` with ``withdrawn_on`` set
    until then. ``expired`` is set after the period's end. Whether a consent covers a sharing on
    a day is judged by its days (``Consent.in_force``), whatever the status: it stops covering
    from ``withdrawn_on`` (what was shared before stays lawful) and after its period."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    ENTERED_IN_ERROR = "entered-in-error"


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
    purpose: ReferralPurpose | None = Field(
        default=None,
        description="What it is for; a consent it rests on must cover this purpose.",
        **lax_enum,
    )
    data_categories: tuple[Category, ...] = Field(
        default=(DataCategory.IDENTITY,),
        description="Categories of the learner's data it shares; empty when it shares none "
        "(an anonymous consultation).",
        **items(20),
    )
    legal_duty: LegalDuty | None = Field(
        default=None,
        description="The law that obliges the sender to send it, if one does; it then needs no "
        "consent.",
        **lax_enum,
    )
    sent_on: IsoDate | None = Field(default=None, description="Date it was sent (requested).")
    outcome_on: IsoDate | None = Field(
        default=None, description="Date the outcome was sent back to the referrer."
    )
    status_reason: Text | None = classified(
        Classification.SENSITIVE,
        "Why it was rejected, failed, cancelled, put on hold or entered in error.",
        default=None,
    )

    @model_validator(mode="after")
    def _due_after_created(self) -> Self:
        if self.due is not None and self.due < self.created_on:
            raise invalid_at(
                "date_order",
                "due must not be before created_on",
                "due",
                values={"later": "due", "earlier": "created_on"},
            )
        return self

    @property
    def made_on(self) -> date:
        """The day the referral was made: the day it was sent, else the day it was created
        (a host that keeps no sending day)."""
        return self.sent_on or self.created_on


#: The status-needs-a-date check, as JSON Schema (the model validator below says the same).
_WITHDRAWN_HAS_DATE: dict[str, Any] = {
    "if": {"properties": {"status": {"const": "withdrawn"}}, "required": ["status"]},
    "then": {"properties": {"withdrawn_on": {"type": "string"}}, "required": ["withdrawn_on"]},
}


class Consent(Document):
    """Consent to share a learner's data, or to take part in a plan.

    Its scope is its purposes, recipients, data categories and period: a referral rests on it only
    when all four cover the referral on the day it is sent. Withdrawn, it stops covering from
    ``withdrawn_on``; what was shared before stays lawful. A withdrawal set for a later day (an
    ``active`` consent with ``withdrawn_on``) is scheduled: it covers until the day before.
    """

    model_config = ConfigDict(json_schema_extra=_WITHDRAWN_HAS_DATE)

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
        default=None,
        description="First day it no longer covers, once a withdrawal is recorded (on an active "
        "consent, a withdrawal scheduled for that day); not before given_on.",
    )
    status: ConsentStatus = Field(
        default=ConsentStatus.ACTIVE,
        description="active (a withdrawn_on set: a withdrawal scheduled for that day), withdrawn "
        "(needs withdrawn_on), expired or entered-in-error.",
        **lax_enum,
    )
    purposes: tuple[Purpose, ...] = Field(
        default=(),
        description="Purposes it covers, as codes (purpose says them in words); empty: none.",
        **items(20),
    )
    data_categories: tuple[Category, ...] = Field(
        default=(), description="Categories of data it covers; empty: none.", **items(20)
    )

    @model_validator(mode="after")
    def _withdrawn_after_given(self) -> Self:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise invalid_at(
                "date_order",
                "withdrawn_on must not be before given_on",
                "withdrawn_on",
                values={"later": "withdrawn_on", "earlier": "given_on"},
            )
        if self.status is ConsentStatus.WITHDRAWN and self.withdrawn_on is None:
            raise invalid_at("missing", "a withdrawn consent needs withdrawn_on", "withdrawn_on")
        return self

    def in_force(self, day: date) -> bool:
        """True when the consent was given by ``day``, covers it and was not withdrawn by then.

        A consent entered in error is never in force, nor one on a day before it was given (its
        period may start earlier: it covers no sharing before it existed). An expired one still
        covers the days of its period: sharing on those days was lawful. A withdrawal is judged
        by its ``withdrawn_on`` alone, whatever the status: an ``active`` consent with a
        withdrawal scheduled is in force until the day before, a ``withdrawn`` one until the day
        before it took effect.
        """
        if self.status is ConsentStatus.ENTERED_IN_ERROR or day < self.given_on:
            return False
        withdrawn = self.withdrawn_on is not None and self.withdrawn_on <= day
        return day in self.period and not withdrawn

    def gaps(
        self,
        day: date,
        purpose: ReferralPurpose | None,
        recipient: str,
        categories: tuple[DataCategory, ...],
    ) -> list[str]:
        """What the consent does not cover of a sharing on ``day`` for ``purpose`` with
        ``recipient`` of ``categories``, in plain words (empty: it covers it all)."""
        gaps = []
        if day < self.given_on:
            gaps.append(f"it was given after {day.isoformat()}")
        elif not self.in_force(day):
            gaps.append(f"it is not in force on {day.isoformat()}")
        if purpose is None:
            gaps.append("the referral states no purpose")
        elif purpose not in self.purposes:
            gaps.append(f"it does not cover the purpose {purpose.value}")
        if recipient not in self.recipients:
            gaps.append(f"it does not name the recipient {recipient}")
        missing = [c.value for c in categories if c not in self.data_categories]
        if missing:
            gaps.append(f"it does not cover the data categories {', '.join(missing)}")
        return gaps
