"""What staff observe about a learner in one term (semester), as of a date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, NonNegativeInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

from atbalsts._time import term_of
from atbalsts.model._base import (
    Classification,
    IsoDate,
    Model,
    RiskFactorCode,
    RoleCode,
    Semester,
    Text,
    classified,
    invalid_at,
    items,
    lax_enum,
)

__all__ = [
    "AbsenceEpisode",
    "Achievement",
    "Attendance",
    "AttendanceDay",
    "BehaviourIncident",
    "DayJustification",
    "Note",
    "StaffObservation",
    "SubjectMark",
    "SuspectedThreat",
    "Term",
    "TermObservation",
    "ThreatKind",
]


#: Every school year the pattern of :attr:`Term.school_year` allows whose years are consecutive.
_SCHOOL_YEARS = frozenset(f"{y}/{y + 1}" for y in range(1900, 2099))


class Term(Model):
    """A term (semester) of a school year."""

    school_year: str = Field(
        pattern=r"^(19|20)[0-9]{2}/(19|20)[0-9]{2}$",
        description="School year: two consecutive years, e.g. '2024/2025'.",
    )
    semester: Semester = Field(description="Semester 1 (autumn) or 2 (spring).")

    @field_validator("school_year")
    @classmethod
    def _consecutive(cls, value: str) -> str:
        if value not in _SCHOOL_YEARS:  # the pattern ran first: 19xx/20xx years only
            raise PydanticCustomError(
                "school_year_not_consecutive",
                "school_year must name two consecutive years, e.g. '2024/2025'",
            )
        return value

    def __str__(self) -> str:
        return f"{self.school_year}/{self.semester}"

    @classmethod
    def containing(cls, day: date) -> Term:
        """The term a day falls in, by the library's convention (not law): semester 1 from
        1 September to 31 December, semester 2 from 1 January to 31 August
        (``atbalsts.policy.term_of``)."""
        school_year, semester = term_of(day)
        return cls(school_year=school_year, semester=semester)


class AbsenceEpisode(Model):
    """One continuous absence: when, how long, and how (if at all) it was justified."""

    start: IsoDate = Field(description="First day absent.")
    school_days: int = Field(ge=1, description="School days absent in this episode.")
    lessons: NonNegativeInt = Field(default=0, description="Lessons missed in this episode.")
    justification: Literal["none", "parent_note", "medical_note", "other_document"] = Field(
        description="What justifies it: nothing yet, a parent's note, a doctor's or medical "
        "institution's note, or another document."
    )
    returned_on: IsoDate | None = Field(default=None, description="Day the learner came back.")
    document_submitted_on: IsoDate | None = Field(
        default=None, description="Day the justifying document was handed in."
    )

    @model_validator(mode="after")
    def _dates_ordered(self) -> Self:
        if self.returned_on is not None and self.returned_on < self.start:
            raise invalid_at(
                "date_order",
                "returned_on must not be before start",
                "returned_on",
                values={"later": "returned_on", "earlier": "start"},
            )
        return self


#: How a day's missed lessons are justified: no reason known to the school, a reason that does
#: not justify them, or the kind of justifying document.
DayJustification = Literal[
    "reason_unknown", "unjustified", "parent_note", "medical_note", "other_document"
]

#: The justifications that justify a day's lessons (once the document is handed in).
_JUSTIFYING = frozenset({"parent_note", "medical_note", "other_document"})


class AttendanceDay(Model):
    """One school day of the learner's attendance: lessons scheduled and missed, and how the
    missed lessons are justified.

    Day records stand beside the term totals of :class:`Attendance` and do not replace them: the
    totals decide whether a limit is passed; the day records say on which day it was passed, so a
    deadline can be counted from that day. A system may record every day of the term or only the
    days with absences.
    """

    on: IsoDate = Field(description="The day.")
    lessons_scheduled: NonNegativeInt | None = Field(
        default=None, description="Lessons scheduled for the learner that day, if known."
    )
    lessons_missed: NonNegativeInt = Field(
        default=0, description="Lessons the learner missed that day, whatever the reason."
    )
    whole_day: bool = Field(
        default=False,
        description="Absent the whole day. Set it where lessons are not counted (pre-school "
        "groups count days); a day on which every scheduled lesson was missed counts as a whole "
        "day anyway.",
    )
    justification: DayJustification = Field(
        default="reason_unknown",
        description="How the missed lessons are justified: reason_unknown (no reason known to "
        "the school), unjustified (a reason that does not justify them), or the justifying "
        "document: parent_note, medical_note, other_document.",
    )
    document_submitted_on: IsoDate | None = Field(
        default=None,
        description="Day the justifying document was handed in. Until that day the lessons count "
        "as without justification; empty with a justifying kind: handed in, day not recorded.",
    )

    @model_validator(mode="after")
    def _within_schedule(self) -> Self:
        if self.lessons_scheduled is not None and self.lessons_missed > self.lessons_scheduled:
            raise invalid_at(
                "lessons_exceed_scheduled",
                "lessons_missed exceeds lessons_scheduled",
                "lessons_missed",
            )
        return self

    @property
    def absent_whole_day(self) -> bool:
        """Absent the whole day: marked so, or every scheduled lesson missed."""
        return self.whole_day or (
            self.lessons_scheduled is not None
            and self.lessons_missed > 0
            and self.lessons_missed == self.lessons_scheduled
        )

    def justified_on(self, day: date) -> bool:
        """True when the day's missed lessons are justified on ``day``: a justifying document was
        handed in by then (or its day is not recorded)."""
        return self.justification in _JUSTIFYING and (
            self.document_submitted_on is None or self.document_submitted_on <= day
        )


#: Most day records in one observation: every day of a year, with room to spare.
_DAYS_MAX = 400


class Attendance(Model):
    """Absences in the term so far. Lessons (mācību stundas) and days are counted separately."""

    lessons_scheduled: NonNegativeInt | None = Field(
        default=None, description="Lessons scheduled in the term so far (for absence rates)."
    )
    lessons_missed_justified: NonNegativeInt = Field(default=0, description="Justified.")
    lessons_missed_unjustified: NonNegativeInt = Field(
        default=0, description="Missed without a justifying reason."
    )
    lessons_missed_reason_unknown: NonNegativeInt = Field(
        default=0, description="Missed with no reason known to the school."
    )
    days_missed_justified: NonNegativeInt = Field(default=0, description="Whole days, justified.")
    days_missed_unjustified: NonNegativeInt = Field(
        default=0, description="Whole days missed without a justifying reason."
    )
    days_missed_reason_unknown: NonNegativeInt = Field(
        default=0, description="Whole days missed with no reason known."
    )
    parental_notes_used: NonNegativeInt = Field(
        default=0, description="Parents' justifying notes used in the term."
    )
    absent_today_reason_unknown: bool = Field(
        default=False,
        description="On the observation date the learner is absent and no reason is known.",
    )
    episodes: tuple[AbsenceEpisode, ...] = Field(
        default=(),
        description="Absence episodes in the term, where the school records them (optional; "
        "the totals above stay authoritative).",
        **items(),
    )
    days: tuple[AttendanceDay, ...] = Field(
        default=(),
        description="Day records of the term up to the observation date, in any order, one per "
        "day (optional; the totals above stay authoritative: the days say when a limit was "
        "passed).",
        **items(_DAYS_MAX),
    )

    @property
    def lessons_missed(self) -> int:
        """All lessons missed, whatever the reason."""
        return (
            self.lessons_missed_justified
            + self.lessons_missed_unjustified
            + self.lessons_missed_reason_unknown
        )

    @property
    def lessons_without_justification(self) -> int:
        """Lessons missed with no reason, or no justifying reason (MK 89's count)."""
        return self.lessons_missed_unjustified + self.lessons_missed_reason_unknown

    @property
    def days_without_justification(self) -> int:
        """Whole days missed with no reason, or no justifying reason."""
        return self.days_missed_unjustified + self.days_missed_reason_unknown

    @model_validator(mode="after")
    def _within_schedule(self) -> Self:
        if self.lessons_scheduled is not None and self.lessons_missed > self.lessons_scheduled:
            raise invalid_at(
                "lessons_exceed_scheduled",
                "the lessons missed (with and without a justifying reason, and with no known "
                "reason) exceed lessons_scheduled",
                "lessons_scheduled",
            )
        seen: set[date] = set()
        repeated = []
        for i, day in enumerate(self.days):
            if day.on in seen:
                repeated.append(("days", i, "on"))
            seen.add(day.on)
        if repeated:
            raise invalid_at(
                "duplicate_id",
                "repeats the day of an earlier day record",
                *repeated,
                values={"field": "days"},
            )
        return self


#: A subject's name or code.
Subject = Annotated[str, Field(min_length=1, max_length=80)]


class SubjectMark(Model):
    """A term mark on the 10-point scale."""

    subject: Subject = Field(description="Subject name or code.")
    mark: int = Field(ge=1, le=10, description="Mark on the 10-point scale (1-10).")


class Achievement(Model):
    """Achievement in the term."""

    marks: tuple[SubjectMark, ...] = Field(default=(), description="Term marks.", **items(50))
    failing_subjects: tuple[Subject, ...] = Field(
        default=(),
        description="Subjects the school records as not mastered (failing).",
        **items(50),
    )


class BehaviourIncident(Model):
    """A recorded behaviour incident."""

    on: IsoDate = Field(description="Date of the incident.")
    severity: Literal["minor", "serious"] = Field(description="As classed by the school.")
    description: Text | None = classified(
        Classification.SENSITIVE, "Free-text description.", default=None
    )


class StaffObservation(Model):
    """A risk factor observed and recorded by a member of staff (e.g. a language barrier in the
    language of instruction, conflict with peers, lack of motivation, a family situation)."""

    factor: RiskFactorCode = Field(description="The observed risk factor.")
    recorded_by: RoleCode = Field(description="Role of the person who recorded it.")
    recorded_on: IsoDate = Field(description="Date recorded.")
    note: Text | None = classified(Classification.SENSITIVE, "Free-text note.", default=None)


class Note(Model):
    """A free-text note, always sensitive; health notes are GDPR Art. 9 data."""

    kind: Literal["general", "health"] = Field(description="General or health note.")
    text: Text = classified(Classification.SENSITIVE, "The note.", min_length=1)
    recorded_by: RoleCode = Field(description="Role of the author.")
    recorded_on: IsoDate = Field(description="Date recorded.")


class ThreatKind(StrEnum):
    """What a member of staff suspects (Children's Rights Protection Law, Art. 73(1): violence,
    an offence, a violation of the child's rights or another threat). A violation of the
    child's rights is recorded as ``other_threat``: the report duty is the same for every kind."""

    VIOLENCE = "violence"
    NEGLECT = "neglect"
    OFFENCE = "offence"
    OTHER_THREAT = "other_threat"


class SuspectedThreat(Model):
    """A suspected threat to the child. Its presence triggers a same-day report duty."""

    kind: ThreatKind = Field(description="What is suspected.", **lax_enum)
    observed_on: IsoDate = Field(description="Date the suspicion arose.")
    recorded_by: RoleCode = Field(description="Role of the person who recorded it.")
    note: Text | None = classified(Classification.SENSITIVE, "Free-text note.", default=None)


class TermObservation(Model):
    """Everything observed about a learner in one term, as of a date.

    ``as_of`` must be a day of ``term`` by the library's convention (semester 1 from 1 September
    to 31 December, semester 2 from 1 January to 31 August): an observation dated outside its own
    term would count for no term, so it is refused.
    """

    term: Term = Field(description="The term observed.")
    as_of: IsoDate = Field(description="The date these figures describe: a day of the term.")
    attendance: Attendance = Field(default_factory=Attendance, description="Absences.")
    achievement: Achievement = Field(default_factory=Achievement, description="Marks.")
    behaviour_incidents: tuple[BehaviourIncident, ...] = Field(
        default=(), description="Incidents.", **items()
    )
    staff_observations: tuple[StaffObservation, ...] = Field(
        default=(), description="Risk factors observed by staff.", **items()
    )
    suspected_threats: tuple[SuspectedThreat, ...] = Field(
        default=(), description="Suspected violence, neglect or other threats.", **items()
    )
    notes: tuple[Note, ...] = Field(default=(), description="Sensitive free-text notes.", **items())

    @model_validator(mode="after")
    def _dated_in_its_term(self) -> Self:
        term = (self.term.school_year, self.term.semester)
        if term_of(self.as_of) != term:
            raise invalid_at(
                "outside_term",
                f"as_of is not a day of the term {self.term} (semester 1 runs "
                "1 September-31 December, semester 2 1 January-31 August)",
                "as_of",
                values={"term": str(self.term), "field": "as_of"},
            )
        late = [
            ("attendance", "days", i, "on")
            for i, day in enumerate(self.attendance.days)
            if day.on > self.as_of or term_of(day.on) != term
        ]
        if late:
            raise invalid_at(
                "outside_term",
                f"a day record must be a day of the term {self.term} on or before as_of",
                *late,
                values={"term": str(self.term), "field": "on"},
            )
        return self
