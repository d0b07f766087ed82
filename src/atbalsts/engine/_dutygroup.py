"""One obligation of a decision as the engine groups it (:class:`DutyGroup`).

Its own module so that the raw :class:`~atbalsts.engine._run.Evaluation`, which keeps the groups
once made, and :mod:`atbalsts.engine._combine`, which makes them, can both name the type without
importing each other.
"""

from __future__ import annotations

from datetime import date

import attrs

from atbalsts.calendar import SchoolCalendar
from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._refs import JsonObject
from atbalsts.model.decision import Deadline, DutyState, TriggerSource
from atbalsts.policy import _outcomes as o

__all__ = ["DutyGroup", "DutyRow", "any_recipient"]

#: One obligation outcome as the combiner sees it: its due date, trigger, trigger source, unit,
#: rule, outcome, and the calendar its deadline was counted on.
DutyRow = tuple[date, date, TriggerSource, Deadline, CompiledRule, o.Obligation, SchoolCalendar]


def any_recipient(rows: list[DutyRow]) -> bool:
    """Whether informing any one recipient fulfils the duty of ``rows``: only when every rule
    that imposed it says so."""
    if len(rows) == 1:  # most duties have one rule (every decision asks)
        return bool(rows[0][5].any_recipient)
    return all(row[5].any_recipient for row in rows)


@attrs.frozen
class DutyGroup:
    """One obligation: its action and recipients, the rows of every rule that imposed it
    (strictest deadline first), and what follows from the first: due date, trigger, unit, key,
    what answered it and its state on the evaluation date."""

    action: str
    recipients: tuple[str, ...]
    rows: list[DutyRow]
    key: str
    answered: list[JsonObject]
    done_on: date | None
    state: DutyState
    late: int | None
    carried: bool = False
    """Raised in the term before, on its last day, and carried to the evaluation date."""

    @property
    def first(self) -> DutyRow:
        return self.rows[0]

    def roles(self) -> list[str]:
        return sorted({role for row in self.rows for role in row[5].roles})

    def any_recipient(self) -> bool:
        return any_recipient(self.rows)

    def days(self) -> int | None:
        unit, item = self.rows[0][3], self.rows[0][5]
        return item.days if unit in ("school_days", "calendar_days") else None
