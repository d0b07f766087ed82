"""The Decision: what the policy set says about one case on one date, with its trace and stamp."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from atbalsts.model._base import (
    ID_MAX,
    Classification,
    Document,
    Identifier,
    InstitutionCode,
    IsoDate,
    MeasureCode,
    Model,
    Name,
    RoleCode,
    classified,
    items,
    lax_enum,
)
from atbalsts.model.referral import Urgency
from atbalsts.model.risk import Evidence, LegalBasis, RiskFinding

__all__ = [
    "Decision",
    "DecisionKind",
    "Failure",
    "MeasureReason",
    "MeasureVerdict",
    "ObligationDue",
    "PlanIssue",
    "PluginStamp",
    "PolicyStamp",
    "ReferralDue",
    "TraceParameter",
    "TraceRow",
]

Value = bool | int | float | str | None

#: Most items in a list of a decision: generous, as the engine writes them (one per rule at most).
_DECISION_ITEMS = 10_000


def _many() -> dict[str, Any]:
    return items(_DECISION_ITEMS)


def _detail(description: str) -> Any:
    return classified(
        Classification.SENSITIVE,
        f"{description} They may repeat facts about the learner.",
        default_factory=dict,
        max_length=50,
    )


class DecisionKind(StrEnum):
    """The kinds of decision a rule can make, each with one hit policy (DMN vocabulary)."""

    RISK_FINDING = "risk_finding"
    """COLLECT: every finding is kept."""
    OBLIGATION = "obligation"
    """COLLECT, one per action and recipient, the strictest (earliest) deadline kept."""
    MEASURE_ELIGIBILITY = "measure_eligibility"
    """Deny wins, and every reason (allow and deny) is kept."""
    REFERRAL = "referral"
    """COLLECT, one per recipient, the most urgent kept."""
    PLAN_CHECK = "plan_check"
    """COLLECT: every issue is kept."""
    REVIEW_SCHEDULE = "review_schedule"
    """PRIORITY: the earliest review date wins."""
    RISK_TIER = "risk_tier"
    """PRIORITY: the highest tier wins."""


class PluginStamp(Model):
    """A plugin that took part, by distribution and version."""

    name: Name = Field(description="Plugin (policy) name, also its rule namespace.")
    distribution: Name = Field(description="The Python distribution that ships it.")
    version: Name = Field(description="The distribution's version.")


class PolicyStamp(Model):
    """What decided: enough to reproduce the decision byte for byte."""

    engine_version: Name = Field(description="atbalsts version.")
    municipality: str | None = Field(
        max_length=ID_MAX, description="The municipality whose policy applied."
    )
    plugins: tuple[PluginStamp, ...] = Field(
        description="Plugins in the policy set, by name.", **_many()
    )
    content_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hexadecimal) of the rules and parameter values in force.",
    )
    as_of: IsoDate = Field(description="The evaluation date.")


class ObligationDue(Model):
    """Something that must happen: what, by whom, to whom, by when."""

    action: Name = Field(description="Action code, e.g. 'inform_municipal_education_board'.")
    responsible_roles: tuple[RoleCode, ...] = Field(
        description="Who may carry it out.", **items(50)
    )
    recipients: tuple[InstitutionCode | RoleCode, ...] = Field(
        default=(), description="Who is informed or receives the report.", **items(50)
    )
    any_recipient: bool = Field(
        default=False,
        description="True when informing any one of the recipients fulfils the obligation.",
    )
    due: IsoDate = Field(description="Latest date (the strictest of all rules that imposed it).")
    deadline: Literal["same_school_day", "same_day", "days", "date"] = Field(
        description="How the deadline was set."
    )
    rules: tuple[Name, ...] = Field(
        description="Rules that imposed it, the strictest first.", **_many()
    )
    legal_basis: LegalBasis = Field(description="Legal basis of the strictest rule.")
    deadline_basis: LegalBasis | None = Field(
        default=None,
        description="Where the number of days comes from, when a parameter sets it (it may be a "
        "methodological default even when the duty itself is law).",
    )


class MeasureReason(Model):
    """One rule's verdict on one measure."""

    rule: Name = Field(description="The rule.")
    eligible: bool = Field(description="Its verdict.")
    reason: Name = Field(description="Reason code (a code of the reasons list).")
    detail: dict[Name, Value] = _detail("Values for the text.")
    legal_basis: LegalBasis = Field(description="The rule's legal basis.")


class MeasureVerdict(Model):
    """A measure's eligibility: denied if any rule denies (deny wins); every reason kept."""

    measure: MeasureCode = Field(description="The measure.")
    eligible: bool = Field(description="False if any rule denied it.")
    reasons: tuple[MeasureReason, ...] = Field(
        description="Every rule's verdict, denials first.", **_many()
    )


class ReferralDue(Model):
    """A referral a rule says is due."""

    to: InstitutionCode = Field(description="Recipient institution.")
    reason: Name = classified(
        Classification.SENSITIVE, "Reason code (it may reveal a suspected threat)."
    )
    urgency: Urgency = Field(
        description="The most urgent of the rules that made it due.", **lax_enum
    )
    due: IsoDate | None = Field(default=None, description="When it is due, if a rule says.")
    rules: tuple[Name, ...] = Field(description="Rules that made it due.", **_many())
    legal_basis: LegalBasis = Field(description="Legal basis of the first of those rules.")


class PlanIssue(Model):
    """A problem with a proposed or active support plan."""

    plan_id: Identifier = Field(description="The plan.")
    reason: Name = Field(description="Reason code.")
    path: Name | None = Field(default=None, description="Field path in the plan, if one.")
    detail: dict[Name, Value] = _detail("Values for the text.")
    rule: Name = Field(description="The rule that found it.")
    legal_basis: LegalBasis = Field(description="Its legal basis.")


class TraceParameter(Model):
    """A parameter a rule read, with its value in force and where that value comes from."""

    id: Name = Field(description="Parameter id.")
    value: Value = Field(description="Value in force on the evaluation date.")
    valid_from: IsoDate = Field(description="Since when this value applies.")
    plugin: Name = Field(description="The plugin that set this value.")
    reference: LegalBasis = Field(description="Legal reference of this value.")


class TraceRow(Model):
    """One rule considered: whether it fired, on what facts and parameters, on what basis."""

    rule: Name = Field(description="Rule id.")
    plugin: Name = Field(description="Plugin that declared it.")
    kind: DecisionKind = Field(description="Decision kind.", **lax_enum)
    fired: bool = Field(description="Whether it produced an outcome.")
    facts: tuple[Evidence, ...] = Field(description="Facts it reads, with their values.", **_many())
    parameters: tuple[TraceParameter, ...] = Field(description="Parameters it reads.", **_many())
    legal_basis: LegalBasis = Field(description="Its legal basis.")
    overrides: Name | None = Field(default=None, description="The national rule it replaces.")
    error: str | None = Field(
        default=None,
        description="The failure, if it failed (written by the engine; not length-limited).",
    )


class Failure(Model):
    """A plugin or rule that failed; its part of the decision is missing."""

    plugin: Name = Field(description="The plugin.")
    rule: Name | None = Field(default=None, description="The rule, if one.")
    stage: Literal["import", "register", "evaluate", "result"] = Field(
        description="import, register (the hook raised), evaluate (the rule raised), result "
        "(the rule returned the wrong type)."
    )
    error: str = Field(
        description="Exception type and message (written by the engine; not length-limited)."
    )


class Decision(Document):
    """The decision for one case on one date."""

    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    as_of: IsoDate = Field(description="The evaluation date.")
    policy: PolicyStamp = Field(description="The stamp of the policy set that decided.")
    complete: bool = Field(description="False when a plugin or rule failed; see failures.")
    failures: tuple[Failure, ...] = Field(default=(), description="What failed.", **_many())
    findings: tuple[RiskFinding, ...] = Field(default=(), description="Risk findings.", **_many())
    tier: int | None = classified(
        Classification.SENSITIVE,
        "Risk tier 1-3, where a policy defines one.",
        default=None,
        ge=1,
        le=3,
    )
    obligations: tuple[ObligationDue, ...] = Field(
        default=(), description="What must happen.", **_many()
    )
    measures: tuple[MeasureVerdict, ...] = Field(
        default=(), description="Measure verdicts.", **_many()
    )
    referrals: tuple[ReferralDue, ...] = Field(default=(), description="Referrals due.", **_many())
    plan_issues: tuple[PlanIssue, ...] = Field(default=(), description="Plan problems.", **_many())
    review_due: IsoDate | None = Field(default=None, description="Earliest plan review date.")
    trace: tuple[TraceRow, ...] = Field(default=(), description="Every rule considered.", **_many())
