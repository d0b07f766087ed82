"""The individual support plan (individuālais atbalsta plāns)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, NonNegativeInt, model_validator

from atbalsts.model._base import (
    Classification,
    Document,
    Identifier,
    IsoDate,
    MeasureCode,
    Model,
    Name,
    RiskFactorCode,
    RoleCode,
    Text,
    classified,
    invalid_at,
    items,
    lax_enum,
)
from atbalsts.model.observation import Term

__all__ = [
    "Application",
    "Approval",
    "ApprovalStep",
    "Delivery",
    "FundingSource",
    "Goal",
    "GoalStatus",
    "MeasureAssignment",
    "Period",
    "PlanStatus",
    "Rejection",
    "Review",
    "SupportPlan",
]


class PlanStatus(StrEnum):
    """Plan status, with the HL7 FHIR CarePlan status codes."""

    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    REVOKED = "revoked"
    COMPLETED = "completed"
    ENTERED_IN_ERROR = "entered-in-error"
    UNKNOWN = "unknown"


class GoalStatus(StrEnum):
    """Goal achievement status, with the HL7 FHIR Goal achievement codes."""

    IN_PROGRESS = "in-progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no-change"
    ACHIEVED = "achieved"
    SUSTAINING = "sustaining"
    NOT_ACHIEVED = "not-achieved"
    NO_PROGRESS = "no-progress"
    NOT_ATTAINABLE = "not-attainable"


class FundingSource(StrEnum):
    """Who pays for a measure."""

    PUMPURS = "pumpurs"
    SKOLA_KOPIENA = "skola_kopiena"
    STATE = "state"
    MUNICIPALITY = "municipality"
    SCHOOL = "school"
    OTHER = "other"


class ApprovalStep(StrEnum):
    """A step of the approval chain: author, school director, municipal coordinator, national
    coordinator (state vocational schools skip the municipality, [S17])."""

    AUTHOR = "author"
    SCHOOL_DIRECTOR = "school_director"
    MUNICIPAL_COORDINATOR = "municipal_coordinator"
    NATIONAL_COORDINATOR = "national_coordinator"


class Period(Model):
    """A closed date interval."""

    start: IsoDate = Field(description="First day.")
    end: IsoDate = Field(description="Last day, not before start.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise invalid_at(
                "date_order",
                "end must not be before start",
                "end",
                values={"later": "end", "earlier": "start"},
            )
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class Goal(Model):
    """A goal with a measurable target."""

    description: Text = classified(
        Classification.SENSITIVE, "What the learner and team aim for.", min_length=1
    )
    indicator: Name = classified(
        Classification.SENSITIVE, "What is measured, e.g. 'unjustified_lessons'.", min_length=1
    )
    target: float = Field(description="The target value of the indicator.")
    direction: Literal["at_most", "at_least"] = Field(
        description="Whether the indicator must end at most or at least at the target."
    )
    status: GoalStatus = Field(
        default=GoalStatus.IN_PROGRESS, description="Achievement status.", **lax_enum
    )


class MeasureAssignment(Model):
    """A support measure assigned in the plan."""

    measure: MeasureCode = Field(description="The measure.")
    responsible_role: RoleCode = Field(description="Role responsible for delivering it.")
    responsible_person: Identifier | None = Field(
        default=None, description="Host id of the responsible person."
    )
    hours: float | None = Field(default=None, gt=0, description="Hours in the plan period.")
    sessions: int | None = Field(
        default=None, ge=1, le=1000, description="Sessions planned in the plan period."
    )
    frequency: Name | None = classified(
        Classification.SENSITIVE, "Free text, e.g. 'weekly', '2 per week'.", default=None
    )
    funding: FundingSource = Field(description="Who pays.", **lax_enum)
    subject: Name | None = Field(default=None, description="Subject, for subject consultations.")
    mentor_trained: bool | None = Field(
        default=None,
        description="For mentor_support: whether the learner mentor completed the "
        "learner-mentor programme (izglītojamo mentora programma), which Skola-kopienā requires. "
        "None: not recorded.",
    )


class Application(Model):
    """The signed application (iesniegums) that starts a plan ([S17])."""

    signed_by: Literal["parent", "guardian", "adult_learner"] = Field(description="Signatory.")
    signed_on: IsoDate = Field(description="Date signed.")


class Approval(Model):
    """One approval in the chain."""

    step: ApprovalStep = Field(description="The step.", **lax_enum)
    approved_on: IsoDate = Field(description="Date approved.")
    approver: Identifier | None = Field(default=None, description="Host id of the approver.")


class Rejection(Model):
    """An approval step that sent the plan back to draft, with its comment."""

    step: ApprovalStep = Field(description="The step that rejected it.", **lax_enum)
    on: IsoDate = Field(description="Date rejected.")
    by: Identifier | None = Field(default=None, description="Host id of the person.")
    comment: Text = classified(
        Classification.SENSITIVE, "What must change before it is submitted again.", min_length=1
    )


class Review(Model):
    """A review of the plan, with each goal's achievement on that day."""

    on: IsoDate = Field(description="Date of the review.")
    outcome: Literal["continue", "adjust", "close_no_longer_needed", "new_plan", "escalate"] = (
        Field(description="What the review decided.")
    )
    improved: bool | None = Field(default=None, description="Whether the situation improved.")
    achievements: tuple[Annotated[GoalStatus, Field(strict=False)], ...] = Field(
        default=(),
        description="Each goal's achievement at the review, in the order of the plan's goals.",
        **items(50),
    )


class Delivery(Model):
    """Support given against one measure of the plan: sessions, hours or both.

    ``measure`` is the position of the measure in the plan's ``measures`` (from 0), so planned and
    delivered support can be compared measure by measure.
    """

    measure: NonNegativeInt = Field(le=49, description="Position of the measure in measures.")
    on: IsoDate = Field(description="Date the support was given.")
    sessions: NonNegativeInt = Field(default=0, le=100, description="Sessions given that day.")
    hours: float | None = Field(default=None, gt=0, le=24, description="Hours given that day.")
    by: Identifier | None = Field(default=None, description="Host id of who gave it.")


class SupportPlan(Document):
    """An individual support plan for one term.

    Its ``status`` is a FHIR CarePlan status. While the plan is a ``draft``, ``submitted_on`` says
    whether it is still being written (empty) or waits for the approvals of its chain (set); a
    rejection empties it again. ``atbalsts.workflow`` moves a plan from one status to the next.

    ``author_role`` is the role of the plan's author and ``author``, when set, the host's id of
    the person who wrote it (pseudonymous, as an approval's ``approver``): a plan that names its
    author is submitted, and its author's approval step taken, by that person only; one that
    names none, by anyone who acts in the author's role.
    """

    id: Identifier = Field(description="Plan id in the host system.")
    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    term: Term = Field(description="The term the plan covers (one term by default).")
    period: Period = Field(description="Dates the plan covers.")
    status: PlanStatus = Field(
        default=PlanStatus.DRAFT, description="FHIR CarePlan status.", **lax_enum
    )
    author_role: RoleCode = Field(description="Role of the plan's author.")
    author: Identifier | None = Field(
        default=None, description="Host id of the person who wrote the plan."
    )
    risk_factors: tuple[RiskFactorCode, ...] = Field(
        default=(), description="Risk factors the plan addresses.", **items(50)
    )
    goals: tuple[Goal, ...] = Field(default=(), description="Goals.", **items(50))
    measures: tuple[MeasureAssignment, ...] = Field(
        default=(), description="Measures.", **items(50)
    )
    application: Application | None = Field(default=None, description="The signed application.")
    approvals: tuple[Approval, ...] = Field(
        default=(), description="Approvals so far.", **items(50)
    )
    reviews: tuple[Review, ...] = Field(default=(), description="Reviews so far.", **items(50))
    submitted_on: IsoDate | None = Field(
        default=None,
        description="Date the draft was submitted for approval; empty while it is being written.",
    )
    rejections: tuple[Rejection, ...] = Field(
        default=(), description="Approval steps that sent it back to draft.", **items(50)
    )
    deliveries: tuple[Delivery, ...] = Field(
        default=(), description="Support given against its measures.", **items()
    )
    status_reason: Text | None = classified(
        Classification.SENSITIVE,
        "Why it was put on hold, revoked or entered in error.",
        default=None,
    )
