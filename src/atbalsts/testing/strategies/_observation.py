"""Strategies of what a school observes in a term: attendance, achievement, incidents, staff
observations, suspected threats and notes."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.model import (
    Achievement,
    Attendance,
    BehaviourIncident,
    Note,
    StaffObservation,
    SubjectMark,
    SuspectedThreat,
    Term,
    TermObservation,
    ThreatKind,
)
from atbalsts.testing.strategies._draw import (
    BOOLS,
    TEXT,
    Pin,
    as_of_dates,
    draw_date,
    maybe,
    pinned,
    several,
)
from atbalsts.testing.strategies._primitives import (
    FACTORS,
    STAFF_ROLES,
    SUBJECT_NAMES,
    term_containing,
    term_span,
    terms,
)

_SUBJECT_LISTS = st.lists(SUBJECT_NAMES, max_size=4, unique=True)


def _attendance(draw: DrawFn, scheduled: int | None) -> Attendance:
    room = 200 if scheduled is None else scheduled
    justified = draw(st.integers(0, room))
    if scheduled is not None:
        room -= justified
    unjustified = draw(st.integers(0, room))
    if scheduled is not None:
        room -= unjustified
    return Attendance(
        lessons_scheduled=scheduled,
        lessons_missed_justified=justified,
        lessons_missed_unjustified=unjustified,
        lessons_missed_reason_unknown=draw(st.integers(0, room)),
        days_missed_justified=draw(st.integers(0, 40)),
        days_missed_unjustified=draw(st.integers(0, 40)),
        days_missed_reason_unknown=draw(st.integers(0, 40)),
        parental_notes_used=draw(st.integers(0, 10)),
        absent_today_reason_unknown=draw(BOOLS),
    )


_SCHEDULED = st.none() | st.integers(0, 600)


def attendances(*, lessons_scheduled: Pin[int | None] | None = None) -> SearchStrategy[Attendance]:
    """Absences in a term; the lessons missed never exceed ``lessons_scheduled`` when it is set.

    Unpinned, ``lessons_scheduled`` is ``None`` or 0-600.
    """
    scheduled = pinned(lessons_scheduled, _SCHEDULED)

    @st.composite
    def build(draw: DrawFn) -> Attendance:
        return _attendance(draw, draw(scheduled))

    return build()


def _achievement(draw: DrawFn) -> Achievement:
    subjects = draw(_SUBJECT_LISTS)
    marks = tuple(SubjectMark(subject=s, mark=draw(st.integers(1, 10))) for s in subjects)
    return Achievement(marks=marks, failing_subjects=tuple(m.subject for m in marks if m.mark < 4))


def draw_term_observation(
    draw: DrawFn, term: Term, as_of: date, attendance: Attendance | None
) -> TermObservation:
    start, _ = term_span(term)
    first = min(start, as_of)

    def day() -> date:
        return draw_date(draw, first, as_of)

    def note() -> str | None:
        return maybe(draw, lambda: draw(TEXT))

    return TermObservation(
        term=term,
        as_of=as_of,
        attendance=(attendance if attendance is not None else _attendance(draw, draw(_SCHEDULED))),
        achievement=_achievement(draw),
        behaviour_incidents=several(
            draw,
            lambda: BehaviourIncident(
                on=day(),
                severity=draw(st.sampled_from(("minor", "serious"))),
                description=note(),
            ),
            2,
        ),
        staff_observations=several(
            draw,
            lambda: StaffObservation(
                factor=draw(FACTORS),
                recorded_by=draw(STAFF_ROLES),
                recorded_on=day(),
                note=note(),
            ),
            3,
        ),
        suspected_threats=several(
            draw,
            lambda: SuspectedThreat(
                kind=draw(st.sampled_from(ThreatKind)),
                observed_on=day(),
                recorded_by=draw(STAFF_ROLES),
                note=note(),
            ),
            1,
        ),
        notes=several(
            draw,
            lambda: Note(
                kind=draw(st.sampled_from(("general", "health"))),
                text=draw(TEXT),
                recorded_by=draw(STAFF_ROLES),
                recorded_on=day(),
            ),
            2,
        ),
    )


def term_observations(
    *,
    as_of: Pin[date] | None = None,
    term: Pin[Term] | None = None,
    attendance: Pin[Attendance] | None = None,
) -> SearchStrategy[TermObservation]:
    """Observations of one term. Incidents, staff observations, threats and notes are dated in the
    term, on or before ``as_of``.

    With only ``as_of``, the term is the one in progress on that date (:func:`term_containing`);
    with only ``term``, ``as_of`` falls within the term (:func:`term_span`).
    """
    dates = None if as_of is None else pinned(as_of, as_of_dates())
    observed = None if term is None else pinned(term, terms())
    records = None if attendance is None else pinned(attendance, attendances())

    @st.composite
    def build(draw: DrawFn) -> TermObservation:
        if observed is not None:
            covered = draw(observed)
            on = draw(dates) if dates is not None else draw_date(draw, *term_span(covered))
        else:
            on = draw(dates if dates is not None else as_of_dates())
            covered = term_containing(on)
        return draw_term_observation(draw, covered, on, None if records is None else draw(records))

    return build()
