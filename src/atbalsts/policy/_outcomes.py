"""What a rule may return: one small frozen value class per decision kind."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

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


# Outcomes are checked when a rule builds them, so a malformed one fails inside the rule's
# isolation (the Decision names the plugin and rule) instead of in the engine or the JSON.


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError(f"expected a tuple of codes, got {type(value).__name__}")
    return tuple(value)


_STR = attrs.validators.instance_of(str)
_CODES = attrs.validators.deep_iterable(_STR)
_DATE = attrs.validators.optional(attrs.validators.instance_of(date))
_SCALAR = (bool, int, float, str, type(None))


def _check_detail(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(pair, tuple)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and isinstance(pair[1], _SCALAR)
        for pair in value
    ):
        raise TypeError(f"{attribute.name} must be (name, scalar) pairs")


@attrs.frozen(slots=True)
class Finding:
    """A risk factor is present. ``evidence`` names the facts that show it."""

    factor: str = attrs.field(validator=_STR)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_CODES)


@attrs.frozen(slots=True)
class Obligation:
    """Something must happen, by ``deadline``: the same (school) day, within ``days``, or by
    ``due``.

    ``any_recipient`` says that informing any one of the ``recipients`` fulfils it (as with a
    report to the police, the orphan's court or another child-rights institution).
    ``days_parameter`` names the parameter the ``days`` come from, so the Decision can show the
    deadline's own basis.
    """

    action: str = attrs.field(validator=_STR)
    roles: tuple[str, ...] = attrs.field(converter=_strings, validator=_CODES)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_CODES)
    deadline: Literal["same_school_day", "same_day", "days", "date"] = attrs.field(
        default="same_day",
        validator=attrs.validators.in_(("same_school_day", "same_day", "days", "date")),
    )
    days: int = attrs.field(
        default=0,
        validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)],
    )
    due: date | None = attrs.field(default=None, validator=_DATE)
    any_recipient: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    days_parameter: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_STR)
    )

    def __attrs_post_init__(self) -> None:
        if self.deadline == "date" and self.due is None:
            raise ValueError("a 'date' deadline needs due")


@attrs.frozen(slots=True)
class Verdict:
    """A measure's eligibility, by one rule. Use :func:`Allow` and :func:`Deny`."""

    measure: str = attrs.field(validator=_STR)
    eligible: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    reason: str = attrs.field(validator=_STR)
    detail: tuple[tuple[str, Value], ...] = attrs.field(default=(), validator=_check_detail)


def Allow(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is allowed, for ``reason`` (a reason code)."""
    return Verdict(measure, True, reason, _detail(detail))


def Deny(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is refused, for ``reason`` (a reason code)."""
    return Verdict(measure, False, reason, _detail(detail))


@attrs.frozen(slots=True)
class Refer:
    """A referral to institution ``to`` is due."""

    to: str = attrs.field(validator=_STR)
    reason: str = attrs.field(validator=_STR)
    urgency: Literal["same_day", "urgent", "routine"] = attrs.field(
        default="routine", validator=attrs.validators.in_(("same_day", "urgent", "routine"))
    )
    due: date | None = attrs.field(default=None, validator=_DATE)


@attrs.frozen(slots=True)
class Issue:
    """A problem with the support plan in force on the evaluation date."""

    reason: str = attrs.field(validator=_STR)
    path: str | None = attrs.field(default=None, validator=attrs.validators.optional(_STR))
    detail: tuple[tuple[str, Value], ...] = attrs.field(default=(), validator=_check_detail)

    @classmethod
    def of(cls, reason: str, path: str | None = None, **detail: Value) -> Issue:
        """An issue with keyword details."""
        return cls(reason, path, _detail(detail))


@attrs.frozen(slots=True)
class ReviewBy:
    """The support plan must be reviewed by ``day``."""

    day: date = attrs.field(validator=attrs.validators.instance_of(date))


@attrs.frozen(slots=True)
class Tier:
    """A risk tier (1-3), where a local policy defines tiers."""

    level: int = attrs.field(validator=attrs.validators.instance_of(int))


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
