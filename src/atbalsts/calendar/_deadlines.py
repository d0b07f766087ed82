"""Deadline units: when a duty triggered on a day is due, counted on the school calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from atbalsts.errors import UnknownNameError

__all__ = ["DEADLINE_UNITS", "due_date"]

#: The deadline units, in the order of the issue that introduced them.
DEADLINE_UNITS: tuple[str, ...] = ("same_school_day", "same_day", "school_days", "calendar_days")

_COUNTED = ("school_days", "calendar_days")


class _SchoolDays(Protocol):
    def next_school_day(self, day: date, grade: int | None = None) -> date: ...

    def add_school_days(self, day: date, n: int, grade: int | None = None) -> date: ...


def due_date(calendar: _SchoolDays, trigger: date, unit: str, n: int, grade: int | None) -> date:
    """The due date of a duty: see :meth:`atbalsts.calendar.SchoolCalendar.due_date`."""
    if unit not in DEADLINE_UNITS:
        raise UnknownNameError("deadline unit", unit, DEADLINE_UNITS)
    if unit in _COUNTED:
        if n < 0:
            raise ValueError(f"{unit}: n must be 0 or more, got {n}")
    elif n != 0:
        raise ValueError(f"{unit}: n must be 0 (the unit counts no days), got {n}")
    if unit == "same_day":
        return trigger
    if unit == "same_school_day":
        return calendar.next_school_day(trigger, grade)
    if unit == "school_days":
        return calendar.add_school_days(trigger, n, grade)
    return calendar.next_school_day(trigger + timedelta(days=n), grade)
