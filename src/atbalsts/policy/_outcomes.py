"""What a rule may return: one small frozen value class per decision kind.

The classes are plain and cheap to build: nothing is validated at construction. Each class is the
one description of a well-formed outcome: a field's annotation is its type, and its metadata
(:func:`known`, :func:`bounded`, :func:`needed_when`) says which code lists must know it and what
else it must satisfy. The engine derives one check from that, applies it to each distinct outcome
the first time it sees it, and makes the rule of an outcome that fails it fail at stage
``result``, naming the plugin and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import attrs

from atbalsts.model.decision import DecisionKind

__all__ = [
    "TRIGGER_COUNTS",
    "TRIGGER_DAYS",
    "TRIGGER_LISTS",
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


#: The key of an outcome field's metadata that holds its :class:`Shape`.
SHAPE = "atbalsts.shape"


@attrs.frozen
class Shape:
    """What an outcome field must satisfy beyond its annotated type."""

    codes: tuple[str, ...] = ()
    """Code lists of which one must know the value (each item, in a tuple)."""
    minimum: int | None = None
    maximum: int | None = None
    needed_when: tuple[str, object] | None = None
    """(field, value): the field may not be None when that other field has that value."""
    max_items: int | None = None
    """The most items a tuple may hold."""
    not_facts: bool = False
    """The names of a detail (its pairs' first items) may not be the names of facts: the detail
    of a finding stands beside the facts in its evidence, and one name must mean one thing."""
    trigger: bool = False
    """A trigger: a date, or the name of a trigger fact (a count needs ``over``, a list of days
    ``on``)."""
    listed_day: bool = False
    """The day of one event of a trigger that lists days (:data:`TRIGGER_LISTS`): given only
    with such a trigger."""


def known(*code_lists: str) -> dict[str, Shape]:
    """Field metadata: a code (or a tuple of codes) one of ``code_lists`` must know."""
    return {SHAPE: Shape(codes=code_lists)}


#: The longest deadline an obligation may set, in days: a school year. A longer one is a mistake
#: in the rule (and a deadline of millions of days would overflow the calendar).
MAX_DEADLINE_DAYS = 366


def bounded(minimum: int, maximum: int | None = None) -> dict[str, Shape]:
    """Field metadata: an integer from ``minimum`` to ``maximum`` (inclusive)."""
    return {SHAPE: Shape(minimum=minimum, maximum=maximum)}


def needed_when(field: str, value: object) -> dict[str, Shape]:
    """Field metadata: not None when ``field`` equals ``value``."""
    return {SHAPE: Shape(needed_when=(field, value))}


#: The most values one outcome's detail may carry (as the Decision's detail mappings hold).
MAX_DETAIL = 50

Detail = tuple[tuple[str, Value], ...]


def detail_of(values: Mapping[str, Value] | Detail) -> Detail:
    """A detail as the outcomes keep it: ``(name, value)`` pairs, from a mapping (sorted by name)
    or as given. Anything else is kept as it is, for the engine's check to name the field."""
    if type(values) is tuple:  # the usual case, and the cheapest test first
        return values
    if isinstance(values, Mapping):
        return tuple(sorted(values.items()))
    return values


def details(*, not_facts: bool = False) -> dict[str, Shape]:
    """Field metadata of a detail: at most :data:`MAX_DETAIL` values (none named like a fact, with
    ``not_facts``)."""
    return {SHAPE: Shape(max_items=MAX_DETAIL, not_facts=not_facts)}


def _detail(items: dict[str, Value]) -> Detail:
    return tuple(sorted(items.items()))


@attrs.frozen(slots=True)
class Finding:
    """A risk factor is present. ``evidence`` names the facts that show it; ``detail`` carries
    the values the rule computed from them (a count made its own way, a date), which the Decision
    shows beside those facts.

    ``detail`` is a mapping of name to value (kept as sorted pairs); a name may not be that of a
    fact (``unjustified_lessons``), so that one name means one thing::

        Finding("unjustified_absences", ("unjustified_lessons", "absence_episodes"),
                detail={"counted_unjustified_lessons": 24})
    """

    factor: str = attrs.field(metadata=known("risk_factors"))
    evidence: tuple[str, ...] = ()
    detail: Detail = attrs.field(default=(), converter=detail_of, metadata=details(not_facts=True))


#: The facts that may name what triggered a duty (:attr:`Obligation.trigger`): facts whose value
#: is the day (``observed_on``, ``threat_observed_on``), the fact of an absence on the observation
#: date, and the counts whose limit was passed (``over`` gives the limit).
TRIGGER_DAYS = frozenset(
    {
        "observed_on",
        "threat_observed_on",
        "reported_threat_observed_on",
        "absent_today_reason_unknown",
    }
)
TRIGGER_COUNTS = frozenset({"unjustified_lessons", "unjustified_days"})
#: The facts that list the days of events each owed a duty of its own (``on`` names the day):
#: ``threat_days``, as Art. 73(1) asks a report of each suspicion.
TRIGGER_LISTS = frozenset({"threat_days"})


def trigger_field() -> dict[str, Shape]:
    """Field metadata of :attr:`Obligation.trigger`: a date, or a fact of :data:`TRIGGER_DAYS`,
    :data:`TRIGGER_COUNTS` (a count needs ``over``) or :data:`TRIGGER_LISTS` (a list of days
    needs ``on``, one of them)."""
    return {SHAPE: Shape(trigger=True)}


@attrs.frozen(slots=True)
class Obligation:
    """Something must happen, by ``deadline``, counted from what triggered it.

    ``deadline`` is one of the units of the school calendar
    (:meth:`atbalsts.calendar.SchoolCalendar.due_date`): ``same_school_day``, ``same_day``,
    ``school_days`` (``days`` school days after the trigger), ``calendar_days`` (``days``
    calendar days after it, moved to the next school day), or ``date`` (by ``due``). ``days`` is
    the older name of ``calendar_days``.

    ``trigger`` says what the duty arose from, so the engine can date it and the due date stays
    put whenever the case is evaluated again:

    - a date the rule knows;
    - a fact whose value is the day: ``"threat_observed_on"`` (the day the suspicion arose),
      ``"reported_threat_observed_on"`` (the day a suspicion since reported arose),
      ``"observed_on"`` (the observation date), ``"absent_today_reason_unknown"`` (the day of
      the absence: the observation date);
    - a count whose limit was passed, with the limit in ``over``: ``"unjustified_lessons"`` or
      ``"unjustified_days"``. The engine finds the day the count first went over the limit in the
      attendance day records; without them, the first observation of the term that shows it;
    - a fact that lists the days of events each owed a duty of its own, with the day in ``on``:
      ``"threat_days"`` (each day a suspicion arose whose report is the term's duty). A rule
      returns one obligation per day; each is a duty of its own, answered by the first report
      on or after its day;
    - None: the observation date (or the evaluation date when there is no observation).

    ``any_recipient`` says that informing any one of the ``recipients`` fulfils it (as with a
    report to the police, the orphan's court or another child-rights institution).
    ``days_parameter`` names the parameter the ``days`` come from, so the Decision can show the
    deadline's own basis. ``detail`` carries the values the rule computed and decided on (a
    mapping of name to value, kept as sorted pairs), shown with the rule in the Decision::

        Obligation("inform_municipal_education_board", ("class_teacher",),
                   ("municipal_education_board",), "calendar_days", days=5,
                   trigger="unjustified_lessons", over=20)
    """

    action: str = attrs.field(metadata=known("actions"))
    roles: tuple[str, ...] = attrs.field(metadata=known("roles"))
    recipients: tuple[str, ...] = attrs.field(default=(), metadata=known("roles", "institutions"))
    deadline: Literal[
        "same_school_day", "same_day", "school_days", "calendar_days", "days", "date"
    ] = "same_day"
    days: int = attrs.field(default=0, metadata=bounded(0, MAX_DEADLINE_DAYS))
    due: date | None = attrs.field(default=None, metadata=needed_when("deadline", "date"))
    any_recipient: bool = False
    days_parameter: str | None = None
    detail: Detail = attrs.field(default=(), converter=detail_of, metadata=details())
    trigger: date | str | None = attrs.field(default=None, metadata=trigger_field())
    over: int | None = attrs.field(default=None, metadata=bounded(0))
    on: date | None = attrs.field(default=None, metadata={SHAPE: Shape(listed_day=True)})


@attrs.frozen(slots=True)
class Verdict:
    """A measure's eligibility, by one rule. Use :func:`Allow` and :func:`Deny`."""

    measure: str = attrs.field(metadata=known("measures"))
    eligible: bool
    reason: str = attrs.field(metadata=known("reasons"))
    detail: Detail = attrs.field(default=(), converter=detail_of, metadata=details())


def Allow(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is allowed, for ``reason`` (a reason code)."""
    return Verdict(measure, True, reason, _detail(detail))


def Deny(measure: str, reason: str, **detail: Value) -> Verdict:
    """The measure is refused, for ``reason`` (a reason code)."""
    return Verdict(measure, False, reason, _detail(detail))


@attrs.frozen(slots=True)
class Refer:
    """A referral to institution ``to`` is due. ``detail``: the values the rule computed and
    decided on, as for :class:`Obligation`.

    ``suggestion`` says the rule only suggests the referral: no duty of the school rests on it,
    as the step is someone else's (once informed, the municipality involves the social service)
    or the rule's basis only allows it. The Decision then shows it as a suggestion, unless
    another rule makes the same referral due::

        Refer("social_service", "unjustified_absence_over_limit", suggestion=True)
    """

    to: str = attrs.field(metadata=known("institutions"))
    reason: str = attrs.field(metadata=known("reasons"))
    urgency: Literal["same_day", "urgent", "routine"] = "routine"
    due: date | None = None
    detail: Detail = attrs.field(default=(), converter=detail_of, metadata=details())
    suggestion: bool = False


@attrs.frozen(slots=True)
class Issue:
    """A problem with the support plan in force on the evaluation date."""

    reason: str = attrs.field(metadata=known("reasons"))
    path: str | None = None
    detail: Detail = attrs.field(default=(), converter=detail_of, metadata=details())

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

    level: int = attrs.field(metadata=bounded(1, 3))


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
