"""Time conventions in one place: terms, validity intervals and the earliest date.

Everything that asks "which term is this day in?" or "is this in force on that day?" asks here,
so a school calendar (dated, cited data) can later replace the convention in one place.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

__all__ = [
    "EARLIEST",
    "ISO_DAY",
    "check_interval",
    "in_force",
    "iso_day",
    "previous_term_end",
    "school_year_start",
    "term_of",
]

#: The default start of a rule's, parameter's or policy's validity: before any case the library
#: decides, so "no start date" never needs a special case.
EARLIEST = date(1990, 1, 1)


@lru_cache(maxsize=256)
def term_of(day: date) -> tuple[str, int]:
    """``(school_year, semester)`` of the term containing ``day``.

    The library's convention, not law: semester 1 runs from 1 September to 31 December,
    semester 2 from 1 January to 31 August.
    """
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first:04d}/{first + 1:04d}", 1 if day.month >= 9 else 2


def school_year_start(day: date) -> date:
    """1 September of the school year containing ``day`` (by the convention of :func:`term_of`)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def previous_term_end(day: date) -> date | None:
    """The last day of the term before the one containing ``day``, by the convention of
    :func:`term_of` (a term owns its holidays): 31 August for a day of semester 1, 31 December
    for a day of semester 2; None before 1 September of year 1, the first term ``date`` holds."""
    if day.month >= 9:
        return date(day.year, 8, 31)
    return date(day.year - 1, 12, 31) if day.year > 1 else None


def in_force(valid_from: date, valid_to: date | None, day: date) -> bool:
    """True when ``day`` lies in ``[valid_from, valid_to]`` (``valid_to=None``: open-ended)."""
    return valid_from <= day and (valid_to is None or day <= valid_to)


def check_interval(valid_from: date, valid_to: date | None, what: str) -> None:
    """Raise :class:`ValueError` naming ``what`` when ``valid_to`` is before ``valid_from``."""
    if valid_to is not None and valid_to < valid_from:
        raise ValueError(f"{what}: valid_to ({valid_to}) is before valid_from ({valid_from})")


#: A day written ``YYYY-MM-DD`` (ASCII digits only: the pattern is also pydantic-core's, whose
#: ``\d`` would take any script's digits).
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> date:
    """The day written ``YYYY-MM-DD``, and only so (``date.fromisoformat`` also takes
    ``20251120`` and week dates such as ``2025-W47-4``); else ``ValueError``. The documents'
    dates and the command line's are read by this one rule."""
    if not ISO_DAY.fullmatch(text):
        raise ValueError(f"not a date written YYYY-MM-DD: {text[:40]!r}")
    return date.fromisoformat(text)
