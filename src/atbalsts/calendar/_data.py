"""The shipped school years (``years.toml``): dated, cited data, checked when it is read."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import attrs

__all__ = [
    "GRADES",
    "Regulation",
    "SchoolHoliday",
    "SchoolYear",
    "check_grade",
    "grades_of",
    "read_years",
    "shipped_years",
]

#: The grades of general basic (1-9) and general secondary (10-12) education.
GRADES: tuple[int, ...] = tuple(range(1, 13))

#: The three groups whose school year ends on different days.
_END_KEYS = ("grades_1_8_10_11", "grade_9", "grade_12")
_HOLIDAY_NAMES = ("autumn", "winter", "spring")
_UNVERIFIABLE = {
    "regulation.number",
    "regulation.adopted",
    "start",
    "semester_1_end",
    "semester_2_start",
    *(f"end.{key}" for key in _END_KEYS),
    *(f"holidays.{name}" for name in _HOLIDAY_NAMES),
}


def check_grade(grade: int | None) -> None:
    """Raise :class:`ValueError` unless ``grade`` is 1-12 or None (the whole school)."""
    if grade is not None and (isinstance(grade, bool) or grade not in GRADES):
        raise ValueError(f"grade must be 1-12 or None, got {grade!r}")


def grades_of(value: Iterable[int] | None) -> frozenset[int] | None:
    """The grades a holiday or extra days apply to, checked; None means every grade."""
    if value is None:
        return None
    grades = frozenset(value)
    if not grades:
        raise ValueError("grades must name at least one grade, or be None for every grade")
    for grade in sorted(grades):
        check_grade(grade)
    return grades


@attrs.frozen
class Regulation:
    """The Cabinet regulation that sets a school year.

    ``title`` is the act's title in Latvian; ``number`` its number (``"MK Nr. 698"``) or
    ``"not found"``; ``adopted`` the day the Cabinet adopted it, when known; ``url`` the act's
    text (likumi.lv), when a link was found.
    """

    title: str
    number: str
    adopted: date | None
    url: str | None


@attrs.frozen
class SchoolHoliday:
    """School holidays (brīvdienas) set by the regulation.

    ``name`` is ``"autumn"``, ``"winter"`` or ``"spring"``; ``start`` and ``end`` the first and
    last day, both included; ``grades`` the grades they apply to (None: every grade).
    """

    name: str
    start: date
    end: date
    grades: frozenset[int] | None = attrs.field(default=None, converter=grades_of)

    def covers(self, day: date, grade: int) -> bool:
        """True when ``day`` is one of these holidays for ``grade``."""
        return self.start <= day <= self.end and (self.grades is None or grade in self.grades)


@attrs.frozen
class SchoolYear:
    """One school year as its regulation sets it, with its source.

    ``school_year`` is the label (``"2025/2026"``). Semester 1 runs from ``start`` to
    ``semester_1_end``, semester 2 from ``semester_2_start`` to the end of the year, which
    differs by grade: ``end_general`` for grades 1-8 and 10-11, ``end_grade_9``, ``end_grade_12``
    (:meth:`end_for`). Summer holidays run from the day after that to 31 August. ``holidays``
    are the autumn, winter and spring holidays; ``regulation`` the act; ``source`` the id of the
    source in the project's source index (``"S103"``) and ``source_url`` its address.
    ``unverified`` names the fields that no act text or second source confirms (``[U]``), such as
    ``"end.grade_12"``; ``note`` says what a reader should know about the year's data.
    """

    school_year: str
    start: date
    semester_1_end: date
    semester_2_start: date
    end_general: date
    end_grade_9: date
    end_grade_12: date
    holidays: tuple[SchoolHoliday, ...]
    regulation: Regulation
    source: str
    source_url: str
    unverified: tuple[str, ...] = ()
    note: str = ""

    @property
    def first_year(self) -> int:
        """The calendar year in which the school year starts."""
        return int(self.school_year[:4])

    @property
    def last_day(self) -> date:
        """31 August: the last day of the summer holidays that end the school year."""
        return date(self.first_year + 1, 8, 31)

    def end_for(self, grade: int | None) -> date:
        """The last day of the year for ``grade``; for None (the whole school) the latest."""
        if grade == 9:
            return self.end_grade_9
        if grade == 12 or grade is None:
            return max(self.end_general, self.end_grade_9, self.end_grade_12)
        return self.end_general

    def has_lessons(self, day: date, grade: int) -> bool:
        """True when ``day`` is inside a semester for ``grade`` and not in its holidays.

        Says nothing about weekends and public holidays: :class:`SchoolCalendar` adds those.
        """
        if day < self.start or day > self.end_for(grade):
            return False
        if self.semester_1_end < day < self.semester_2_start:
            return False
        return not any(h.covers(day, grade) for h in self.holidays)


def _date(table: Mapping[str, Any], key: str, where: str) -> date:
    value = table.get(key)
    if not isinstance(value, date):
        raise ValueError(f"{where}: {key} must be a date, got {type(value).__name__}")
    return value


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key} must be text")
    return value


def _year(table: Mapping[str, Any]) -> SchoolYear:
    label = table.get("school_year")
    if not isinstance(label, str) or len(label) != 9 or label[4] != "/":
        raise ValueError(f"years.toml: school_year must be 'YYYY/YYYY', got {label!r}")
    where = f"years.toml, {label}"
    if int(label[5:]) != int(label[:4]) + 1:
        raise ValueError(f"{where}: school_year must name two consecutive years")
    ends = table.get("end", {})
    reg = table.get("regulation", {})
    adopted = reg.get("adopted")
    year = SchoolYear(
        school_year=label,
        start=_date(table, "start", where),
        semester_1_end=_date(table, "semester_1_end", where),
        semester_2_start=_date(table, "semester_2_start", where),
        end_general=_date(ends, "grades_1_8_10_11", f"{where}: end"),
        end_grade_9=_date(ends, "grade_9", f"{where}: end"),
        end_grade_12=_date(ends, "grade_12", f"{where}: end"),
        holidays=tuple(
            SchoolHoliday(
                name=_text(h, "name", f"{where}: holidays"),
                start=_date(h, "start", f"{where}: holidays"),
                end=_date(h, "end", f"{where}: holidays"),
                grades=h.get("grades"),
            )
            for h in table.get("holidays", [])
        ),
        regulation=Regulation(
            title=_text(reg, "title", f"{where}: regulation"),
            number=_text(reg, "number", f"{where}: regulation") or "not found",
            adopted=adopted if isinstance(adopted, date) else None,
            url=_text(reg, "url", f"{where}: regulation") or None,
        ),
        source=_text(table, "source", where),
        source_url=_text(table, "source_url", where),
        unverified=tuple(table.get("unverified", ())),
        note=_text(table, "note", where),
    )
    _check(year, where)
    return year


def _check(year: SchoolYear, where: str) -> None:
    """The dates of one year are in order and inside the year; sources and markers are named."""
    first = date(year.first_year, 9, 1)
    ordered = [
        ("start", year.start),
        ("semester_1_end", year.semester_1_end),
        ("semester_2_start", year.semester_2_start),
        ("end.grades_1_8_10_11", year.end_general),
    ]
    if year.start < first:
        raise ValueError(f"{where}: start is before 1 September")
    for (name_a, a), (name_b, b) in pairwise(ordered):
        if not a < b:
            raise ValueError(f"{where}: {name_a} must be before {name_b}")
    for name, end in (("end.grade_9", year.end_grade_9), ("end.grade_12", year.end_grade_12)):
        if not year.semester_2_start < end <= year.last_day:
            raise ValueError(f"{where}: {name} must be after semester_2_start, by 31 August")
    names = [h.name for h in year.holidays]
    if sorted(names) != sorted(_HOLIDAY_NAMES):
        raise ValueError(f"{where}: holidays must be autumn, winter and spring, got {names}")
    for h in year.holidays:
        if not year.start <= h.start <= h.end <= year.end_general:
            raise ValueError(f"{where}: holidays.{h.name} must lie inside the school year")
    if not year.source or not year.source_url.startswith("https://"):
        raise ValueError(f"{where}: source and source_url (https) are required")
    if not year.regulation.title:
        raise ValueError(f"{where}: regulation.title is required")
    unknown = set(year.unverified) - _UNVERIFIABLE
    if unknown:
        raise ValueError(f"{where}: unverified names unknown field(s) {sorted(unknown)}")
    if year.regulation.number == "not found" and "regulation.number" not in year.unverified:
        raise ValueError(f"{where}: a regulation number not found must be marked unverified")


def read_years(text: str) -> tuple[SchoolYear, ...]:
    """Parse and check school years written as the shipped ``years.toml`` is, oldest first.

    For a host that must know a year before an atbalsts release ships it:
    ``SchoolCalendar(years=shipped_years() + read_years(text))``. Raises :class:`ValueError`
    naming the year and the field that is wrong.
    """
    tables = tomllib.loads(text).get("year", [])
    years = tuple(sorted((_year(t) for t in tables), key=lambda y: y.first_year))
    labels = [y.school_year for y in years]
    if len(labels) != len(set(labels)):
        raise ValueError("years.toml: a school year is listed twice")
    return years


@cache
def shipped_years() -> tuple[SchoolYear, ...]:
    """The school years shipped with atbalsts, oldest first (read once, then cached)."""
    text = resources.files("atbalsts.calendar").joinpath("years.toml").read_text(encoding="utf-8")
    return read_years(text)
