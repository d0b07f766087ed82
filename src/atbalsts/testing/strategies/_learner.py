"""Strategies of the learner: enrolments and learners of a usual age for their enrolment."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import Enrolment, Learner, LivingSituation, ProgrammeKind
from atbalsts.testing.strategies._draw import BOOLS, Pin, as_of_dates, draw_date, pinned
from atbalsts.testing.strategies._primitives import (
    draw_new_format_code,
    draw_old_format_code,
    identifiers,
    municipalities,
)

_LANGUAGES = ("lv", "ru", "uk", "en", "ltg", "de", "lt")
_LANGUAGE_LISTS = st.lists(st.sampled_from(_LANGUAGES), max_size=3, unique=True)


def draw_enrolment(
    draw: DrawFn, school_id: str, municipality: str, kind: ProgrammeKind
) -> Enrolment:
    grade: int | None = None
    course: int | None = None
    if kind is ProgrammeKind.GENERAL_BASIC:
        grade = draw(st.integers(1, 9))
    elif kind is ProgrammeKind.GENERAL_SECONDARY:
        grade = draw(st.integers(10, 12))
    elif kind is ProgrammeKind.VOCATIONAL:
        course = draw(st.integers(1, 4))
    after_grade9 = kind in (ProgrammeKind.GENERAL_SECONDARY, ProgrammeKind.VOCATIONAL)
    return Enrolment(
        school_id=school_id,
        municipality=municipality,
        programme=kind,
        grade=grade,
        vocational_course=course,
        repeating_year=draw(BOOLS),
        completed_grade9_certificate_only=after_grade9 and draw(BOOLS),
        state_vocational_school=kind is ProgrammeKind.VOCATIONAL and draw(BOOLS),
    )


def enrolments(
    *,
    school_id: Pin[str] | None = None,
    municipality: Pin[str] | None = None,
    programme: Pin[ProgrammeKind] | None = None,
) -> SearchStrategy[Enrolment]:
    """Enrolments whose grade fits the programme: general basic 1-9, general secondary 10-12,
    vocational a course 1-4 and no grade, pre-school neither."""
    schools = pinned(school_id, identifiers(prefix="school-"))
    places = pinned(municipality, municipalities())
    kinds = pinned(programme, st.sampled_from(ProgrammeKind))

    @st.composite
    def build(draw: DrawFn) -> Enrolment:
        return draw_enrolment(draw, draw(schools), draw(places), draw(kinds))

    return build()


def _typical_birth_year(enrolment: Enrolment, school_year_start: int) -> int:
    """Birth year of a learner of usual age (grade 1 in the year they turn 7)."""
    if enrolment.grade is not None:
        return school_year_start - 6 - enrolment.grade
    if enrolment.vocational_course is not None:
        return school_year_start - 15 - enrolment.vocational_course
    return school_year_start - 5  # pre-school: the year before grade 1


def draw_learner(draw: DrawFn, learner_id: str, enrolment: Enrolment, as_of: date) -> Learner:
    school_year_start = as_of.year if as_of.month >= 9 else as_of.year - 1
    offset = draw(st.sampled_from((0, 0, -1, 1, 2)))  # younger, or older after repeating years
    year = _typical_birth_year(enrolment, school_year_start) + offset
    born = draw_date(draw, date(year, 1, 1), date(year, 12, 31))
    code = draw(st.sampled_from((None, "old", "new")))
    return Learner(
        id=learner_id,
        personal_code=(
            None
            if code is None
            else draw_old_format_code(draw, born)
            if code == "old"
            else draw_new_format_code(draw)
        ),
        birth_date=born,
        enrolment=enrolment,
        living_situation=draw(st.sampled_from(LivingSituation)),
        needy_or_low_income_family=draw(BOOLS),
        languages=tuple(draw(_LANGUAGE_LISTS)),
    )


def learners(
    *,
    learner_id: Pin[str] | None = None,
    enrolment: Pin[Enrolment] | None = None,
    municipality: Pin[str] | None = None,
    programme: Pin[ProgrammeKind] | None = None,
    as_of: Pin[date] | None = None,
) -> SearchStrategy[Learner]:
    """Learners of a usual age for their enrolment on ``as_of``, give or take a year or two.

    ``municipality`` and ``programme`` pin the generated enrolment; ``enrolment`` replaces it.
    The personal code is ``None`` or a valid code; an old-format code agrees with the birth date.
    """
    ids = pinned(learner_id, identifiers())
    enrolled = pinned(enrolment, enrolments(municipality=municipality, programme=programme))
    dates = pinned(as_of, as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Learner:
        return draw_learner(draw, draw(ids), draw(enrolled), draw(dates))

    return build()
