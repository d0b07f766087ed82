"""Strategies of what a school observes in a term: attendance, achievement, incidents, staff
observations, suspected threats, notes and absence episodes."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import Attendance, Term, TermObservation
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import Drawn, Pin, as_of_dates, pin, pinned
from atbalsts.testing.strategies._primitives import terms


def attendances(*, lessons_scheduled: Pin[int | None] | None = None) -> SearchStrategy[Attendance]:
    """Absences in a term; the lessons missed never exceed ``lessons_scheduled`` when it is set.

    Unpinned, ``lessons_scheduled`` is ``None`` or 0-600. Counts cluster near the usual
    thresholds (3 days; 10 and 20 lessons).
    """
    scheduled: SearchStrategy[int | None] | None = pin(lessons_scheduled)

    @st.composite
    def build(draw: DrawFn) -> Attendance:
        src = Drawn(draw)
        return gen.attendance(
            src, gen.lessons_scheduled(src) if scheduled is None else draw(scheduled)
        )

    return build()


def term_observations(
    *,
    as_of: Pin[date] | None = None,
    term: Pin[Term] | None = None,
    attendance: Pin[Attendance] | None = None,
) -> SearchStrategy[TermObservation]:
    """Observations of one term. Incidents, staff observations, threats, notes and absence
    episodes are dated in the term, on or before ``as_of``.

    With only ``as_of``, the term is the one in progress on that date (:func:`term_containing`);
    with only ``term``, ``as_of`` falls within the term (:func:`term_span`).
    """
    dates = pin(as_of)
    observed = None if term is None else pinned(term, terms())
    records = None if attendance is None else pinned(attendance, attendances())

    @st.composite
    def build(draw: DrawFn) -> TermObservation:
        src = Drawn(draw)
        if observed is not None:
            covered = draw(observed)
            on = draw(dates) if dates is not None else src.day(*gen.term_span(covered))
        else:
            on = draw(dates if dates is not None else as_of_dates())
            covered = Term.containing(on)
        return gen.term_observation(
            src, term=covered, as_of=on, absences=None if records is None else draw(records)
        )

    return build()
