"""The school calendar: shipped years as cited data, school days, terms and deadline units."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts._time import term_of as conventional_term
from atbalsts.calendar import (
    DEADLINE_UNITS,
    ExtraDays,
    SchoolCalendar,
    SchoolYear,
    is_working_day,
    public_holiday,
    read_years,
    shipped_calendar,
    shipped_years,
)
from atbalsts.errors import UnknownNameError

CALENDAR = SchoolCalendar()

days = st.dates(min_value=date(2020, 6, 1), max_value=date(2028, 9, 30))
grades = st.none() | st.integers(min_value=1, max_value=12)
counts = st.integers(min_value=0, max_value=400)


# -- the shipped data says what the sources say -------------------------------------------------

# latvia.md section 13 and the sources it cites (S99-S103), transcribed a second time by hand:
# (school year, start, semester 1 end, semester 2 start, autumn, winter, spring, year ends for
# grades 1-8 and 10-11 / 9 / 12).
Row = tuple[
    str, str, str, str, tuple[str, str], tuple[str, str], tuple[str, str], tuple[str, str, str]
]
SOURCES: list[Row] = [
    (
        "2022/2023",
        "2022-09-01",
        "2022-12-23",
        "2023-01-09",
        ("2022-10-24", "2022-10-28"),
        ("2022-12-26", "2023-01-06"),
        ("2023-03-13", "2023-03-17"),
        ("2023-05-31", "2023-06-14", "2023-06-21"),
    ),
    (
        "2023/2024",
        "2023-09-01",
        "2023-12-22",
        "2024-01-08",
        ("2023-10-23", "2023-10-27"),
        ("2023-12-25", "2024-01-05"),
        ("2024-03-11", "2024-03-15"),
        ("2024-05-31", "2024-06-14", "2024-06-21"),
    ),
    (
        "2024/2025",
        "2024-09-02",
        "2024-12-20",
        "2025-01-06",
        ("2024-10-21", "2024-10-27"),
        ("2024-12-23", "2025-01-05"),
        ("2025-03-10", "2025-03-16"),
        ("2025-05-30", "2025-06-13", "2025-06-20"),
    ),
    (
        "2025/2026",
        "2025-09-01",
        "2025-12-19",
        "2026-01-05",
        ("2025-10-20", "2025-10-24"),
        ("2025-12-22", "2026-01-02"),
        ("2026-03-09", "2026-03-13"),
        ("2026-05-29", "2026-06-12", "2026-06-19"),
    ),
]


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("row", SOURCES, ids=lambda row: row[0])
def test_shipped_year_matches_its_sources(row: Row) -> None:
    label, start, s1_end, s2_start, autumn, winter, spring, ends = row
    year = CALENDAR.years[label]
    assert (year.start, year.semester_1_end, year.semester_2_start) == (
        d(start),
        d(s1_end),
        d(s2_start),
    )
    holidays = {h.name: (h.start, h.end) for h in year.holidays}
    assert holidays == {
        "autumn": (d(autumn[0]), d(autumn[1])),
        "winter": (d(winter[0]), d(winter[1])),
        "spring": (d(spring[0]), d(spring[1])),
    }
    assert (year.end_general, year.end_grade_9, year.end_grade_12) == tuple(map(d, ends))


def test_every_shipped_year_names_its_regulation_and_source() -> None:
    years = shipped_years()
    assert [y.school_year for y in years] == [row[0] for row in SOURCES]
    assert [y.source for y in years] == ["S99", "S100", "S102", "S103"]
    assert [y.regulation.number for y in years] == [
        "MK Nr. 41",
        "MK Nr. 745",
        "MK Nr. 698",
        "not found",
    ]
    assert all(y.source_url.startswith("https://") and y.regulation.title for y in years)


def test_what_no_second_source_confirms_is_marked_unverified() -> None:
    year = CALENDAR.years["2025/2026"]
    assert set(year.unverified) == {"regulation.number", "end.grade_12"}
    assert "29 June" in year.note
    assert all(not y.unverified for y in shipped_years()[:3])


def test_the_data_ships_inside_the_package() -> None:
    from importlib import resources

    assert resources.files("atbalsts.calendar").joinpath("years.toml").is_file()


# -- reading years: wrong data is refused, naming the year and the field ------------------------

GOOD_YEAR = """
[[year]]
school_year = "2030/2031"
start = 2030-09-02
semester_1_end = 2030-12-20
semester_2_start = 2031-01-06
end = { grades_1_8_10_11 = 2031-05-30, grade_9 = 2031-06-13, grade_12 = 2031-06-20 }
holidays = [
  { name = "autumn", start = 2030-10-21, end = 2030-10-25 },
  { name = "winter", start = 2030-12-23, end = 2031-01-03 },
  { name = "spring", start = 2031-03-10, end = 2031-03-14 },
]
source = "synthetic"
source_url = "https://example.invalid/synthetic"
unverified = []

[year.regulation]
title = "A synthetic regulation for the tests"
number = "MK Nr. 1"
"""


def test_a_host_can_add_a_year_before_a_release_ships_it() -> None:
    (extra,) = read_years(GOOD_YEAR)
    calendar = SchoolCalendar(years=(*shipped_years(), extra))
    assert calendar.term_of(date(2030, 11, 4)).source == "regulation"
    assert not calendar.is_school_day(date(2030, 10, 22))  # its autumn holidays
    assert CALENDAR.term_of(date(2030, 11, 4)).source == "convention"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("semester_1_end = 2030-12-20", "semester_1_end = 2031-01-20", "semester_1_end must be"),
        ("grade_9 = 2031-06-13", "grade_9 = 2031-09-13", "end.grade_9 must be"),
        ("start = 2030-09-02\n", "start = 2030-08-25\n", "start is before 1 September"),
        ('"2030/2031"', '"2030/2032"', "two consecutive years"),
        ('name = "spring"', 'name = "easter"', "autumn, winter and spring"),
        ('source = "synthetic"', 'source = ""', "source and source_url"),
        ('number = "MK Nr. 1"', 'number = "not found"', "marked unverified"),
        ("unverified = []", 'unverified = ["semester_3"]', "unknown field"),
        ("start = 2030-10-21", 'start = "soon"', "start must be a date"),
    ],
)
def test_wrong_year_data_is_refused_naming_the_field(old: str, new: str, message: str) -> None:
    assert old in GOOD_YEAR
    with pytest.raises(ValueError, match=message) as info:
        read_years(GOOD_YEAR.replace(old, new, 1))
    assert "years.toml" in str(info.value)


def test_a_year_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        read_years(GOOD_YEAR + GOOD_YEAR)
    (year,) = read_years(GOOD_YEAR)
    with pytest.raises(ValueError, match="given twice"):
        SchoolCalendar(years=[year, year])


# -- public holidays: from the holidays package, never a hand-written list ----------------------


def test_public_holidays_and_moved_working_days_come_from_the_holidays_package() -> None:
    assert public_holiday(date(2025, 11, 18)) == "Republic of Latvia Proclamation Day"
    assert not is_working_day(date(2025, 11, 18))
    # The Cabinet moved the working day of Monday 17 November 2025 to Saturday 8 November.
    assert not is_working_day(date(2025, 11, 17))
    assert is_working_day(date(2025, 11, 8))
    assert not is_working_day(date(2025, 11, 15))  # an ordinary Saturday
    assert public_holiday(date(2025, 11, 19)) is None


# -- the acceptance checks of issue 11 ----------------------------------------------------------

FRIDAY_BEFORE_AUTUMN_2025 = date(2025, 10, 17)


def test_same_school_day_duty_on_the_friday_before_the_autumn_holidays_is_due_that_friday() -> None:
    assert FRIDAY_BEFORE_AUTUMN_2025.weekday() == 4
    due = CALENDAR.due_date(FRIDAY_BEFORE_AUTUMN_2025, "same_school_day", grade=7)
    assert due == FRIDAY_BEFORE_AUTUMN_2025


def test_five_school_days_across_the_autumn_holidays_of_2025_skip_that_week() -> None:
    # Counting starts the day after the trigger, Friday 17 October 2025. Saturday 18 and Sunday
    # 19 are weekend; Monday 20 to Friday 24 are the autumn holidays (2025/26 regulation, S103);
    # Saturday 25 and Sunday 26 are weekend. School days: Mon 27 (1), Tue 28 (2), Wed 29 (3),
    # Thu 30 (4), Fri 31 (5); no public holiday falls in that week. Due: Friday 31 October.
    due = CALENDAR.due_date(FRIDAY_BEFORE_AUTUMN_2025, "school_days", 5, grade=7)
    assert due == date(2025, 10, 31)
    # Counting calendar weekdays instead would have given Friday 24 October, inside the holidays.
    assert not CALENDAR.is_school_day(date(2025, 10, 24), grade=7)
    assert CALENDAR.school_days_between(FRIDAY_BEFORE_AUTUMN_2025, due, grade=7) == 5


@pytest.mark.parametrize("unit", ["same_school_day", "calendar_days"])
def test_a_duty_due_on_a_public_holiday_moves_to_the_next_school_day(unit: str) -> None:
    proclamation_day = date(2025, 11, 18)  # a Tuesday; Monday 17 is a day off moved by the Cabinet
    assert CALENDAR.due_date(proclamation_day, unit, grade=5) == date(2025, 11, 19)
    one_week_before = proclamation_day - timedelta(days=7)
    assert CALENDAR.due_date(one_week_before, "calendar_days", 7, grade=5) == date(2025, 11, 19)


def test_same_day_duties_do_not_wait_for_school() -> None:
    sunday = date(2025, 10, 19)
    assert CALENDAR.due_date(sunday, "same_day") == sunday
    assert CALENDAR.due_date(sunday, "same_school_day") == date(2025, 10, 27)


# -- school days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "grade", "expected", "why"),
    [
        ("2025-10-22", 7, False, "autumn holidays"),
        ("2025-10-27", 7, True, "first day after the autumn holidays"),
        ("2025-11-08", 7, True, "a Saturday made a working day by the Cabinet"),
        ("2025-11-17", 7, False, "a day off moved by the Cabinet"),
        ("2025-12-19", 7, True, "last day of semester 1"),
        ("2026-01-02", 7, False, "winter holidays"),
        ("2026-01-05", 7, True, "first day of semester 2"),
        ("2026-03-11", 12, False, "spring holidays"),
        ("2026-05-29", 8, True, "last day for grades 1-8"),
        ("2026-06-01", 8, False, "summer holidays for grades 1-8"),
        ("2026-06-01", 9, True, "grade 9 still in school"),
        ("2026-06-15", 9, False, "grade 9's year ended on 12 June"),
        ("2026-06-15", 12, True, "grade 12 still in school"),
        ("2026-06-15", None, True, "the school: grade 12 is in"),
        ("2026-06-22", None, False, "after every grade's year"),
        ("2024-08-30", None, False, "summer: 2024/25 starts on 2 September"),
        ("2024-09-02", 1, True, "first day of 2024/25"),
        ("2023-05-29", 5, False, "public holiday for the hockey bronze medal"),
    ],
)
def test_school_days(day: str, grade: int | None, expected: bool, why: str) -> None:
    assert CALENDAR.is_school_day(d(day), grade) is expected, why


def test_next_school_day() -> None:
    assert CALENDAR.next_school_day(date(2025, 10, 20)) == date(2025, 10, 27)
    assert CALENDAR.next_school_day(date(2025, 10, 27)) == date(2025, 10, 27)
    assert CALENDAR.next_school_day(date(2026, 6, 1), grade=5) == date(2026, 9, 1)


def test_counting_runs_across_school_years() -> None:
    last = date(2025, 5, 30)  # last day of 2024/25 for grade 5
    assert CALENDAR.add_school_days(last, 1, grade=5) == date(2025, 9, 1)
    assert CALENDAR.school_days_between(last, date(2025, 9, 1), grade=5) == 1
    assert CALENDAR.school_days_between(date(2025, 9, 1), last, grade=5) == -1


def test_a_year_without_data_counts_every_working_day() -> None:
    # No data for 2026/27 (its regulation was not found): every working day counts, even in
    # July; the term says it used the convention.
    assert CALENDAR.school_year(date(2027, 7, 15)) is None
    assert CALENDAR.is_school_day(date(2027, 7, 15), grade=5)
    assert not CALENDAR.is_school_day(date(2027, 6, 24), grade=5)  # Midsummer Day


# -- terms ---------------------------------------------------------------------------------------


def test_term_from_the_regulation() -> None:
    term = CALENDAR.term_of(date(2025, 10, 17))
    assert term.key == ("2025/2026", 1)
    assert (term.start, term.end, term.source) == (
        date(2025, 9, 1),
        date(2025, 12, 19),
        "regulation",
    )
    spring = {g: CALENDAR.term_of(date(2026, 3, 2), g).end for g in (5, 9, 12, None)}
    assert spring == {
        5: date(2026, 5, 29),
        9: date(2026, 6, 12),
        12: date(2026, 6, 19),
        None: date(2026, 6, 19),
    }


def test_term_by_convention_for_a_year_without_data() -> None:
    term = CALENDAR.term_of(date(2027, 2, 1), grade=5)
    assert term.key == ("2026/2027", 2)
    assert (term.start, term.end, term.source) == (
        date(2027, 1, 1),
        date(2027, 8, 31),
        "convention",
    )
    autumn = CALENDAR.term_of(date(2021, 10, 1))
    assert (autumn.start, autumn.end, autumn.source) == (
        date(2021, 9, 1),
        date(2021, 12, 31),
        "convention",
    )


def test_holiday_days_belong_to_the_term_of_the_convention() -> None:
    # 2 January 2026 is in the winter holidays, before semester 2 starts on 5 January.
    term = CALENDAR.term_of(date(2026, 1, 2))
    assert (term.key, term.start) == (("2025/2026", 2), date(2026, 1, 5))
    assert CALENDAR.term_of(date(2025, 12, 30)).key == ("2025/2026", 1)


# -- extra days ----------------------------------------------------------------------------------

GRADE_1_WEEK = ExtraDays(
    date(2026, 2, 2), date(2026, 2, 6), "extra holidays for grade 1 (synthetic)", grades=[1]
)
STORM = ExtraDays(date(2026, 2, 9), date(2026, 2, 9), "school closed by a storm (synthetic)")


def test_the_grade_1_week_closes_school_for_grade_1_only() -> None:
    calendar = SchoolCalendar([GRADE_1_WEEK])
    wednesday = date(2026, 2, 4)
    assert not calendar.is_school_day(wednesday, grade=1)
    assert calendar.is_school_day(wednesday, grade=2)
    assert calendar.is_school_day(wednesday)  # the school is open for the other grades
    assert calendar.due_date(date(2026, 1, 30), "school_days", 1, grade=1) == date(2026, 2, 9)
    assert calendar.due_date(date(2026, 1, 30), "school_days", 1, grade=2) == date(2026, 2, 2)
    assert CALENDAR.is_school_day(wednesday, grade=1)  # the shipped calendar is unchanged


def test_a_closure_for_every_grade_closes_the_school_and_moves_deadlines() -> None:
    calendar = SchoolCalendar([STORM])
    assert not calendar.is_school_day(STORM.start)
    assert calendar.due_date(STORM.start, "same_school_day", grade=4) == date(2026, 2, 10)


def test_open_extra_days_add_school_days_and_closed_ones_win() -> None:
    saturday = date(2026, 2, 14)
    extended = ExtraDays(date(2026, 6, 1), date(2026, 6, 5), "year extended (synthetic)", [5], True)
    saturday_lessons = ExtraDays(saturday, saturday, "lessons on Saturday (synthetic)", None, True)
    calendar = SchoolCalendar([extended, saturday_lessons])
    assert calendar.is_school_day(date(2026, 6, 3), grade=5)
    assert not calendar.is_school_day(date(2026, 6, 3), grade=6)
    assert calendar.is_school_day(saturday, grade=6)
    closed = ExtraDays(saturday, saturday, "closed after all (synthetic)")
    for extra in ([saturday_lessons, closed], [closed, saturday_lessons]):
        assert not SchoolCalendar(extra).is_school_day(saturday, grade=6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": date(2026, 2, 6), "end": date(2026, 2, 2)}, "ExtraDays.end"),
        ({"reason": "  "}, "ExtraDays.reason"),
        ({"grades": [13]}, "grade must be 1-12"),
        ({"grades": []}, "grades must name at least one grade"),
    ],
)
def test_wrong_extra_days_are_refused_naming_the_field(
    kwargs: dict[str, object], message: str
) -> None:
    fields: dict[str, Any] = {"start": date(2026, 2, 2), "end": date(2026, 2, 6), "reason": "x"}
    with pytest.raises(ValueError, match=message):
        ExtraDays(**(fields | kwargs))


def test_closing_every_day_for_years_is_refused_not_looped_forever() -> None:
    forever = ExtraDays(date(2025, 9, 1), date(2035, 8, 31), "closed (synthetic)")
    with pytest.raises(ValueError, match="no school day"):
        SchoolCalendar([forever]).next_school_day(date(2025, 9, 1))


# -- wrong arguments -----------------------------------------------------------------------------


def test_an_unknown_unit_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="deadline unit 'weeks'") as info:
        CALENDAR.due_date(date(2025, 10, 17), "weeks", 1)
    assert info.value.known == DEADLINE_UNITS


@pytest.mark.parametrize(
    ("unit", "n", "message"),
    [
        ("school_days", -1, "n must be 0 or more"),
        ("calendar_days", -3, "n must be 0 or more"),
        ("same_day", 2, "n must be 0"),
        ("same_school_day", 1, "n must be 0"),
    ],
)
def test_a_wrong_count_is_refused_naming_the_unit(unit: str, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=f"{unit}: {message}"):
        CALENDAR.due_date(date(2025, 10, 17), unit, n)


@pytest.mark.parametrize("grade", [0, 13, True])
def test_a_grade_outside_1_to_12_is_refused(grade: int) -> None:
    with pytest.raises(ValueError, match="grade must be 1-12 or None"):
        CALENDAR.is_school_day(date(2025, 10, 17), grade)


def test_add_school_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="n must be 0 or more"):
        CALENDAR.add_school_days(date(2025, 10, 17), -1)


# -- properties ----------------------------------------------------------------------------------


@given(day=days, n=counts, grade=grades)
def test_adding_school_days_lands_on_a_school_day_and_counting_inverts_it(
    day: date, n: int, grade: int | None
) -> None:
    result = CALENDAR.add_school_days(day, n, grade)
    assert CALENDAR.is_school_day(result, grade)
    assert result >= day
    if n == 0:
        assert result == CALENDAR.next_school_day(day, grade)
    else:
        assert result > day
        assert CALENDAR.school_days_between(day, result, grade) == n
        assert CALENDAR.school_days_between(result, day, grade) == -n


@given(day=days, grade=grades)
def test_next_school_day_is_idempotent_and_skips_no_school_day(
    day: date, grade: int | None
) -> None:
    first = CALENDAR.next_school_day(day, grade)
    assert CALENDAR.next_school_day(first, grade) == first
    assert CALENDAR.is_school_day(first, grade)
    skipped = [day + timedelta(days=i) for i in range((first - day).days)]
    assert not any(CALENDAR.is_school_day(x, grade) for x in skipped)


@given(a=days, length=st.integers(min_value=0, max_value=120), grade=grades)
def test_counting_school_days_agrees_with_checking_each_day(
    a: date, length: int, grade: int | None
) -> None:
    b = a + timedelta(days=length)
    by_day = sum(CALENDAR.is_school_day(a + timedelta(days=i), grade) for i in range(1, length + 1))
    assert CALENDAR.school_days_between(a, b, grade) == by_day


@given(a=days, b=days, c=days, grade=grades)
def test_counting_adds_up(a: date, b: date, c: date, grade: int | None) -> None:
    between = CALENDAR.school_days_between
    assert between(a, b, grade) + between(b, c, grade) == between(a, c, grade)


@given(a=days, b=days, grade=st.integers(min_value=1, max_value=12))
def test_the_school_has_at_least_the_school_days_of_each_grade(
    a: date, b: date, grade: int
) -> None:
    a, b = min(a, b), max(a, b)
    assert CALENDAR.school_days_between(a, b) >= CALENDAR.school_days_between(a, b, grade)


@given(
    trigger=days,
    unit=st.sampled_from(DEADLINE_UNITS),
    n=st.integers(min_value=0, max_value=60),
    grade=grades,
)
def test_a_due_date_never_precedes_its_trigger(
    trigger: date, unit: str, n: int, grade: int | None
) -> None:
    if unit in ("same_day", "same_school_day"):
        n = 0
    due = CALENDAR.due_date(trigger, unit, n, grade)
    assert due >= trigger
    if unit == "calendar_days":
        assert due >= trigger + timedelta(days=n)
        assert CALENDAR.is_school_day(due, grade)
    if unit in ("same_school_day", "school_days"):
        assert CALENDAR.is_school_day(due, grade)


@given(
    day=days,
    grade=grades,
    kept=st.sets(st.sampled_from([row[0] for row in SOURCES])),
)
def test_the_convention_is_used_exactly_for_years_without_data(
    day: date, grade: int | None, kept: set[str]
) -> None:
    years: list[SchoolYear] = [y for y in shipped_years() if y.school_year in kept]
    calendar = SchoolCalendar(years=years)
    term = calendar.term_of(day, grade)
    assert term.key == conventional_term(day)
    assert (term.source == "convention") is (term.school_year not in kept)
    assert term.start <= term.end


@given(
    day=days,
    start=days,
    length=st.integers(min_value=0, max_value=20),
    closed_for=st.sets(st.integers(min_value=1, max_value=12), min_size=1),
    grade=st.integers(min_value=1, max_value=12),
)
def test_closed_extra_days_are_never_school_days_for_their_grades(
    day: date, start: date, length: int, closed_for: set[int], grade: int
) -> None:
    closure = ExtraDays(start, start + timedelta(days=length), "closed (synthetic)", closed_for)
    calendar = SchoolCalendar([closure])
    school = calendar.is_school_day(day, grade)
    if closure.applies(day, grade):
        assert not school
    else:
        assert school is CALENDAR.is_school_day(day, grade)


# -- cheap ---------------------------------------------------------------------------------------


def test_a_school_year_is_computed_once_then_only_looked_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting school days is cheap because a year's days are computed on first use and kept
    (by year and grade): 10,000 counts over two months compute the year once, the grade's
    neighbours' years only when a count runs into them. The time itself is the benchmarks'
    (``benchmarks/bench_engine.py``), never a timed assertion here."""
    computed: list[tuple[int, int]] = []
    compute = SchoolCalendar._compute

    def counted(self: SchoolCalendar, first: int, grade: int) -> tuple[int, ...]:
        computed.append((first, grade))
        return compute(self, first, grade)

    monkeypatch.setattr(SchoolCalendar, "_compute", counted)
    calendar = SchoolCalendar()
    first = calendar.add_school_days(date(2025, 10, 17), 5, grade=7)
    assert computed == [(2025, 7)]
    for i in range(10_000):
        day = date(2025, 10, 1) + timedelta(days=i % 60)
        assert calendar.add_school_days(day, 5, grade=7) > day
        calendar.school_days_between(date(2025, 9, 1), day, grade=7)
    assert computed == [(2025, 7)]
    assert calendar.add_school_days(date(2025, 10, 17), 5, grade=7) == first
    calendar.add_school_days(date(2025, 10, 17), 5, grade=9)  # another grade: its own year
    assert computed == [(2025, 7), (2025, 9)]


@given(day=st.dates(date.min, date.max), grade=st.sampled_from([None, 1, 9, 12]))
def test_every_representable_day_has_a_term_that_contains_it(day: date, grade: int | None) -> None:
    """Far outside the data (year 1, year 999, 31 December 9999) the convention still answers:
    a host's odd evaluation date must give a decision, never an error."""
    term = shipped_calendar().term_of(day, grade)
    assert (term.school_year, term.semester) == conventional_term(day)
    first, second = term.school_year.split("/")
    assert int(second) == int(first) + 1
    if term.source == "convention":
        assert term.start <= day <= term.end


def test_a_case_decided_on_the_first_day_representable_is_incomplete_not_an_error() -> None:
    from atbalsts import PolicyRegistry, SupportCase

    case = SupportCase.model_validate(
        {
            "learner": {
                "id": "0",
                "birth_date": "0010-08-01",
                "enrolment": {
                    "school_id": "0",
                    "municipality": "a",
                    "programme": "general_basic",
                    "grade": 3,
                },
            }
        }
    )
    decision = PolicyRegistry.load(entry_points=False).evaluate(case, date(1, 1, 1))
    assert not decision.complete  # the national baseline does not cover that day
    assert [f.cause for f in decision.failures] == ["not_covered"]


@given(
    trigger=st.dates(date(2019, 1, 1), date(2028, 12, 31)),
    unit=st.sampled_from(["same_day", "same_school_day", "school_days", "calendar_days"]),
    n=st.integers(0, 40),
    grade=st.none() | st.integers(1, 12),
)
def test_due_dates_kept_by_the_calendar_are_the_ones_it_would_count(
    trigger: date, unit: str, n: int, grade: int | None
) -> None:
    """A due date is counted once per trigger, unit, days and grade and then kept: asking
    twice, or asking a fresh calendar, gives the day the rules count."""
    from atbalsts.calendar._deadlines import due_date

    counted = unit in ("school_days", "calendar_days")
    days = n if counted else 0
    calendar = shipped_calendar()
    first = calendar.due_date(trigger, unit, days, grade)
    assert calendar.due_date(trigger, unit, days, grade) == first
    assert first == due_date(SchoolCalendar(), trigger, unit, days, grade)
