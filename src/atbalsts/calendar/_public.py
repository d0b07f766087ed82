"""Latvia's public holidays and working days, from the kept library ``holidays`` (country LV).

Never a hand-written list: the law changes (a new holiday, a one-off day off), and the Cabinet
moves working days each year by order. ``holidays`` keeps both for Latvia: the public holidays of
the law "Par svētku, atceres un atzīmējamām dienām" with their observed Mondays, and the days off
moved by the Cabinet together with the Saturdays that become working days in exchange.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

__all__ = ["is_working_day", "public_holiday"]

_COUNTRY = "LV"


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The days off of one calendar year (with their names) and its Saturdays made working."""
    import holidays  # imported on first use: it takes longer to import than a command to start

    days = holidays.country_holidays(_COUNTRY, years=year, language="en_US")
    off = {day: str(name) for day, name in days.items() if day.year == year}
    weekend_work = frozenset(day for day in days.weekend_workdays if day.year == year)
    return off, weekend_work


def is_working_day(day: date) -> bool:
    """True for a working day in Latvia.

    A weekday that is neither a public holiday nor a day off moved by the Cabinet, or a Saturday
    the Cabinet made a working day in exchange for such a day off.
    """
    off, weekend_work = _year(day.year)
    if day.weekday() >= 5:
        return day in weekend_work
    return day not in off


def public_holiday(day: date) -> str | None:
    """The English name of the public holiday or day off on ``day``, or None."""
    return _year(day.year)[0].get(day)
