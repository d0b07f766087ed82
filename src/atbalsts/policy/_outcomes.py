"""What a rule may return: one small frozen value class per decision kind.

The classes are plain and cheap to build; the engine checks each distinct outcome once, the first
time it sees it (field types, known codes), and a malformed one makes its rule fail at stage
``result``, naming the plugin and the rule.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import attrs

from atbalsts.model.decision import DecisionKind

__all__ = [
    "Allow",
    "Deny",
    "Finding",
    "Issue",
    "Obligation",
    "Outcome",
    "Refer",
    "ReviewBy",
    "Tier",
    "Value",
    "Verdict",
]

Value = bool | int | float | str | None


def _detail(items: dict[str, Value]) -> tuple[tuple[str, Value], ...]:
    return tuple(sorted(items.items()))


@attrs.frozen(slots=True)
class Finding:
    """A risk factor is present. ``evidence`` names the facts that show it."""

    factor: str
    evidence: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class Obligation:
    """Something must happen, by ``deadline``: the same (school) day, within ``days``, or by
    ``due``.

    ``any_recipient`` says that informing any one of the ``recipients`` fulfils it (as with a
    report to the police, the orphan's court or another child-rights institution).
    ``days_parameter`` names the parameter the ``days`` come from, so the Decision can show the
    deadline's own basis.
    """

    action: str
    roles: tuple[str, ...]
    recipients: tuple[str, ...] = ()
    deadline: Literal["same_school_day", "same_day", "days", "date"] = "same_day"
    days: int = 0
    due: date | None = None
    any_recipient: bool = False
    days_parameter: str | None = None


@attrs.frozen(slots=True)
class Verdict:
    """A measure's eligibility, by one rule. Use :func:`Allow` and :func:`Deny`."""

    measure: str
    eligible: bool
    reason: str
    detail: tuple[tuple[str, Value], ...] = ()


def Allow(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is allowed, for ``reason`` (a reason code)."""
    return Verdict(measure, True, reason, _detail(detail))


def Deny(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is refused, for ``reason`` (a reason code)."""
    return Verdict(measure, False, reason, _detail(detail))


@attrs.frozen(slots=True)
class Refer:
    """A referral to institution ``to`` is due."""

    to: str
    reason: str
    urgency: Literal["same_day", "urgent", "routine"] = "routine"
    due: date | None = None


@attrs.frozen(slots=True)
class Issue:
    """A problem with the support plan in force on the evaluation date."""

    reason: str
    path: str | None = None
    detail: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, reason: str, path: str | None = None, **detail: Value) -> Issue:
        """An issue with keyword details."""
        return cls(reason, path, _detail(detail))


@attrs.frozen(slots=True)
class ReviewBy:
    """The support plan must be reviewed by ``day``."""

    day: date


@attrs.frozen(slots=True)
class Tier:
    """A risk tier (1-3), where a local policy defines tiers."""

    level: int


Outcome = Finding | Obligation | Verdict | Refer | Issue | ReviewBy | Tier

#: The one outcome class each decision kind may return.
OUTCOME_TYPES: dict[DecisionKind, type] = {
    DecisionKind.RISK_FINDING: Finding,
    DecisionKind.OBLIGATION: Obligation,
    DecisionKind.MEASURE_ELIGIBILITY: Verdict,
    DecisionKind.REFERRAL: Refer,
    DecisionKind.PLAN_CHECK: Issue,
    DecisionKind.REVIEW_SCHEDULE: ReviewBy,
    DecisionKind.RISK_TIER: Tier,
}
