"""The school calendar: terms, school days and counting in school days."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Literal

import attrs

from atbalsts._time import term_of as conventional_term
from atbalsts.calendar._data import GRADES, SchoolYear, check_grade, grades_of, shipped_years
from atbalsts.calendar._deadlines import due_date
from atbalsts.calendar._public import is_working_day

__all__ = ["ExtraDays", "SchoolCalendar", "SchoolTerm", "TermSource", "shipped_calendar"]

#: Where a term's dates come from: the year's regulation, or the library's convention for a year
#: with no data (semester 1 from 1 September to 31 December, semester 2 from 1 January to
#: 31 August).
TermSource = Literal["regulation", "convention"]

#: Years in a row without a single school day after which counting gives up (only possible
#: when extra days close a school for years).
_MAX_EMPTY_YEARS = 3
#: Terms kept per calendar (a day and grade each): several school years of every grade.
_MAX_TERMS = 20_000


@attrs.frozen
class SchoolTerm:
    """A term (semester): which one, its first and last day, and where those dates come from.

    ``school_year`` is the label (``"2025/2026"``) and ``semester`` 1 (autumn) or 2 (spring).
    ``start`` and ``end`` are the semester's first and last day of teaching: by the regulation
    (``source="regulation"``; semester 2 ends with the year of the learner's grade), or by the
    convention for a year with no data (``source="convention"``). The holidays after a term
    belong to it up to 31 December and 31 August; the days from 1 January to the start of
    semester 2 belong to semester 2, as by the convention, so a day is always in the same
    (school year, semester) whichever the source.
    """

    school_year: str
    semester: Literal[1, 2]
    start: date
    end: date
    source: TermSource

    @property
    def key(self) -> tuple[str, int]:
        """``(school_year, semester)``, as ``atbalsts.policy.term_of`` gives it."""
        return self.school_year, self.semester


@attrs.frozen
class ExtraDays:
    """Days a municipality or school sets on top of the regulation, with the reason.

    ``start`` and ``end`` are the first and last day (the same day for one day); ``reason`` says
    why, for the people a deadline moves for, and is required; ``grades`` (None: every grade)
    limits the days to some grades.

    By default the days are closed (``school_day=False``): a school's or municipality's own
    closure, the extra week of holidays for grade 1 in semester 2 (each school decides it), an
    emergency closure. ``school_day=True`` makes the days school days instead: the year extended
    after teaching was impossible for a week, or a Saturday the school teaches on. Where closed
    and open extra days overlap, closed wins.
    """

    start: date
    end: date
    reason: str
    grades: frozenset[int] | None = attrs.field(default=None, converter=grades_of)
    school_day: bool = False

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"ExtraDays.end ({self.end}) is before ExtraDays.start ({self.start})")
        if not self.reason.strip():
            raise ValueError("ExtraDays.reason must say why the days are added")

    def applies(self, day: date, grade: int) -> bool:
        """True when these extra days include ``day`` for ``grade``."""
        return self.start <= day <= self.end and (self.grades is None or grade in self.grades)


@attrs.frozen
class _Days:
    """The school days of one school year (1 September to 31 August) for one grade."""

    ordinals: tuple[int, ...]
    members: frozenset[int]


def _year_of(day: date) -> int:
    """The first calendar year of the school year (1 September to 31 August) containing ``day``."""
    return day.year if day.month >= 9 else day.year - 1


class SchoolCalendar:
    """Latvia's school calendar: the shipped school years, public holidays and extra days.

    A *school day* for a grade is a working day in Latvia (a weekday that is not a public holiday
    or a day off moved by the Cabinet, or a Saturday the Cabinet made a working day) that lies
    inside a semester of the grade's school year and outside its holidays; then ``extra`` days
    close or open days. With ``grade=None`` the calendar answers for the whole school: a day is a
    school day when it is one for some grade (a methodological default, used for learners
    without a grade too: pre-school and vocational programmes follow calendars this data does
    not hold). For a school year with no data every working day is a school day, and
    :meth:`term_of` uses the convention and says so.

    ``years`` replaces the shipped data (:func:`shipped_years`), e.g. in tests. The school days
    of each (school year, grade) are computed once and kept, so counting costs microseconds.
    """

    def __init__(
        self, extra: Iterable[ExtraDays] = (), *, years: Iterable[SchoolYear] | None = None
    ) -> None:
        chosen = shipped_years() if years is None else tuple(years)
        self._years: dict[int, SchoolYear] = {y.first_year: y for y in chosen}
        if len(self._years) != len(chosen):
            raise ValueError("years: a school year is given twice")
        self._extra = tuple(extra)
        self._days: dict[tuple[int, int | None], _Days] = {}
        self._terms: dict[tuple[date, int | None], SchoolTerm] = {}
        self._dues: dict[tuple[date, str, int, int | None], date] = {}
        self._between: dict[tuple[date, date, int | None], int] = {}

    def __repr__(self) -> str:
        years = ", ".join(y.school_year for y in self._years.values())
        return f"SchoolCalendar(years=[{years}], extra={len(self._extra)})"

    @property
    def years(self) -> Mapping[str, SchoolYear]:
        """The school years with data, by label (``"2025/2026"``)."""
        return MappingProxyType({y.school_year: y for y in self._years.values()})

    def with_extra(self, extra: Iterable[ExtraDays]) -> SchoolCalendar:
        """This calendar with ``extra`` days added to its own (the same school years): itself
        when there are none."""
        added = tuple(extra)
        if not added:
            return self
        return SchoolCalendar((*self._extra, *added), years=self._years.values())

    @property
    def extra(self) -> tuple[ExtraDays, ...]:
        """The extra days given to this calendar."""
        return self._extra

    def school_year(self, day: date) -> SchoolYear | None:
        """The data of the school year containing ``day`` (1 September to 31 August), if any."""
        return self._years.get(_year_of(day))

    # -- terms -----------------------------------------------------------------------------------

    def term_of(self, day: date, grade: int | None = None) -> SchoolTerm:
        """The term containing ``day``, with its dates from the regulation or the convention.

        Semester 2 ends when the year ends for ``grade`` (None: the latest end, grade 12's).
        ``source`` says which was used, so a decision can say when it used the convention.
        Extra days do not move terms. Answers are kept, so asking again costs a dictionary
        lookup.
        """
        key = (day, grade)
        found = self._terms.get(key)
        if found is None:
            check_grade(grade)
            if len(self._terms) >= _MAX_TERMS:  # bounded: a host may walk many dates
                self._terms.clear()
            found = self._terms[key] = self._term(day, grade)
        return found

    def _term(self, day: date, grade: int | None) -> SchoolTerm:
        school_year, semester = conventional_term(day)
        year = self.school_year(day)
        if year is None:
            first = _year_of(day)
            if semester == 1:
                return SchoolTerm(
                    school_year, 1, date(first, 9, 1), date(first, 12, 31), "convention"
                )
            return SchoolTerm(
                school_year, 2, date(first + 1, 1, 1), date(first + 1, 8, 31), "convention"
            )
        if semester == 1:
            return SchoolTerm(school_year, 1, year.start, year.semester_1_end, "regulation")
        return SchoolTerm(school_year, 2, year.semester_2_start, year.end_for(grade), "regulation")

    # -- school days -----------------------------------------------------------------------------

    def is_school_day(self, day: date, grade: int | None = None) -> bool:
        """True when ``day`` is a school day for ``grade`` (None: for some grade)."""
        check_grade(grade)
        return day.toordinal() in self._year_days(_year_of(day), grade).members

    def next_school_day(self, day: date, grade: int | None = None) -> date:
        """``day`` itself if it is a school day, else the first school day after it."""
        check_grade(grade)
        first = _year_of(day)
        days = self._year_days(first, grade).ordinals
        index = bisect_left(days, day.toordinal())
        return self._nth(first, index, grade)

    def add_school_days(self, day: date, n: int, grade: int | None = None) -> date:
        """The ``n``-th school day after ``day`` (``day`` itself is not counted).

        ``n=0`` gives :meth:`next_school_day`: ``day`` itself when it is a school day. Counting
        starts after ``day`` whether or not it is a school day, so a duty triggered on a Saturday
        and one triggered on the Friday before fall due on the same day.
        """
        check_grade(grade)
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        if n == 0:
            return self.next_school_day(day, grade)
        first = _year_of(day)
        days = self._year_days(first, grade).ordinals
        return self._nth(first, bisect_right(days, day.toordinal()) + n - 1, grade)

    def school_days_between(self, a: date, b: date, grade: int | None = None) -> int:
        """The school days after ``a`` up to and including ``b``; negative when ``b`` is before.

        The inverse of :meth:`add_school_days`: ``school_days_between(d, add_school_days(d, n))``
        is ``n`` for every ``n >= 1``. Each answer is kept (a batch counts the same few due dates
        to one evaluation date, learner after learner).
        """
        key = (a, b, grade)
        found = self._between.get(key)
        if found is None:
            check_grade(grade)
            if len(self._between) >= _MAX_TERMS:  # bounded: a host may walk many dates
                self._between.clear()
            found = self._between[key] = self._count_between(a, b, grade)
        return found

    def _count_between(self, a: date, b: date, grade: int | None) -> int:
        if b < a:
            return -self._count_between(b, a, grade)
        first_a, first_b = _year_of(a), _year_of(b)
        days_a = self._year_days(first_a, grade).ordinals
        if first_a == first_b:
            return bisect_right(days_a, b.toordinal()) - bisect_right(days_a, a.toordinal())
        count = len(days_a) - bisect_right(days_a, a.toordinal())
        for first in range(first_a + 1, first_b):
            count += len(self._year_days(first, grade).ordinals)
        days_b = self._year_days(first_b, grade).ordinals
        return count + bisect_right(days_b, b.toordinal())

    # -- deadlines -------------------------------------------------------------------------------

    def due_date(self, trigger: date, unit: str, n: int = 0, grade: int | None = None) -> date:
        """The day a duty triggered on ``trigger`` is due, for a learner in ``grade``.

        The units (:data:`~atbalsts.calendar.DEADLINE_UNITS`):

        ``same_school_day``
            The trigger day when it is a school day, else the next school day
            (*methodological default*: a school cannot act on a day it is closed). ``n`` is 0.
        ``same_day``
            The trigger day, school day or not: for duties that do not wait for school, such as
            a report to the police or child protection. ``n`` is 0.
        ``school_days``
            The ``n``-th school day after the trigger (:meth:`add_school_days`; the trigger day is
            not counted; ``n=0`` is ``same_school_day``).
        ``calendar_days``
            ``n`` calendar days after the trigger; when that day is not a school day, the next
            school day (*methodological default*: a deadline never falls on a day the school
            is closed).

        The due date is never before the trigger. Raises :class:`~atbalsts.errors.UnknownNameError`
        for another unit and :class:`ValueError` for a negative ``n`` (or a non-zero one where the
        unit counts no days).
        """
        key = (trigger, unit, n, grade)
        found = self._dues.get(key)
        if found is None:
            check_grade(grade)
            if len(self._dues) >= _MAX_TERMS:  # bounded: a host may walk many dates
                self._dues.clear()
            found = self._dues[key] = due_date(self, trigger, unit, n, grade)
        return found

    # -- the cache -------------------------------------------------------------------------------

    def _nth(self, first: int, index: int, grade: int | None) -> date:
        """The school day at ``index`` of school year ``first``, running on into later years."""
        empty = 0
        while True:
            days = self._year_days(first, grade).ordinals
            if index < len(days):
                return date.fromordinal(days[index])
            empty = empty + 1 if not days else 0
            if empty >= _MAX_EMPTY_YEARS:
                raise ValueError(
                    f"no school day for grade {grade} in {_MAX_EMPTY_YEARS} school years from "
                    f"{first - empty + 1}: the extra days close every day"
                )
            index -= len(days)
            first += 1

    def _year_days(self, first: int, grade: int | None) -> _Days:
        key = (first, grade)
        found = self._days.get(key)
        if found is None:
            if grade is None:
                merged = set().union(*(self._year_days(first, g).members for g in GRADES))
                ordinals = tuple(sorted(merged))
            else:
                ordinals = self._compute(first, grade)
            found = self._days[key] = _Days(ordinals, frozenset(ordinals))
        return found

    def _compute(self, first: int, grade: int) -> tuple[int, ...]:
        start, last = date(first, 9, 1), date(first + 1, 8, 31)
        year = self._years.get(first)
        extra = [e for e in self._extra if e.start <= last and e.end >= start]
        days: list[int] = []
        day = start
        while day <= last:
            school = is_working_day(day) and (year is None or year.has_lessons(day, grade))
            for e in extra:
                if e.applies(day, grade):
                    if not e.school_day:
                        school = False
                        break
                    school = True
            if school:
                days.append(day.toordinal())
            day += timedelta(days=1)
        return tuple(days)


@cache
def shipped_calendar() -> SchoolCalendar:
    """The calendar of the shipped school years without extra days, built once and shared (its
    school days are computed on first use and kept)."""
    return SchoolCalendar()
