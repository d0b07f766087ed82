"""Latvia's school calendar: school years as dated, cited data, school days and deadlines.

One calendar serves the engine, the plan checks and the testing kit::

    from datetime import date
    from atbalsts.calendar import SchoolCalendar

    calendar = SchoolCalendar()
    calendar.is_school_day(date(2025, 10, 22), grade=7)                # False: autumn holidays
    calendar.due_date(date(2025, 10, 17), "school_days", 5, grade=7)   # date(2025, 10, 31)

The school years (start, semesters, holidays, year ends for grades 1-8 and 10-11, 9 and 12) are
shipped as data (``years.toml``), each with its Cabinet regulation and source. Public holidays
come from the ``holidays`` package. A year with no data falls back to the library's convention
(``atbalsts.policy.term_of``), and :meth:`SchoolCalendar.term_of` says so.

This package is on the ground floor: it imports the standard library, ``holidays``, ``attrs``,
:mod:`atbalsts.errors` and the time conventions, and nothing else of atbalsts.
"""

from __future__ import annotations

from atbalsts.calendar._calendar import (
    ExtraDays,
    SchoolCalendar,
    SchoolTerm,
    TermSource,
    shipped_calendar,
)
from atbalsts.calendar._data import (
    Regulation,
    SchoolHoliday,
    SchoolYear,
    read_years,
    shipped_years,
)
from atbalsts.calendar._deadlines import DEADLINE_UNITS
from atbalsts.calendar._public import is_working_day, public_holiday

__all__ = [
    "DEADLINE_UNITS",
    "ExtraDays",
    "Regulation",
    "SchoolCalendar",
    "SchoolHoliday",
    "SchoolTerm",
    "SchoolYear",
    "TermSource",
    "is_working_day",
    "public_holiday",
    "read_years",
    "shipped_calendar",
    "shipped_years",
]

# Reprs, tracebacks and the docs show the public path (atbalsts.calendar.SchoolCalendar), never
# the private module that defines the name.
for _name in __all__:
    _obj = globals()[_name]
    if str(getattr(_obj, "__module__", "")).startswith(f"{__name__}._"):
        _obj.__module__ = __name__
del _name, _obj
