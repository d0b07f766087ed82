"""Strategies of the learner: enrolments and learners of a usual age for their enrolment."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import Enrolment, Learner, ProgrammeKind
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import Drawn, Pin, as_of_dates, pinned
from atbalsts.testing.strategies._primitives import identifiers, municipalities


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
    kinds = None if programme is None else pinned(programme, st.sampled_from(ProgrammeKind))

    @st.composite
    def build(draw: DrawFn) -> Enrolment:
        return gen.enrolment(
            Drawn(draw),
            school_id=draw(schools),
            municipality=draw(places),
            programme=None if kinds is None else draw(kinds),
        )

    return build()


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
        return gen.learner(
            Drawn(draw), learner_id=draw(ids), enrolment=draw(enrolled), as_of=draw(dates)
        )

    return build()
