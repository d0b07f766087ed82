"""The one generator of synthetic documents, shared by the strategies and the conformance checks.

The builders here make valid documents from the choices of a :class:`Source`. The Hypothesis
strategies (:mod:`atbalsts.testing.strategies`) hand them a source that draws from Hypothesis, so
examples shrink; :func:`atbalsts.testing.conformance.sample_cases` hands them a
:class:`RandomSource` seeded with :class:`random.Random`, so the checks are reproducible and need
no Hypothesis. Either way the cases are of one kind: the same ages, counts clustered near the
usual thresholds, absence episodes, plans, referrals and consents.

Codes come from :mod:`atbalsts.codes`, with a plugin's local codes where given
(:class:`Vocabulary`); fixed vocabularies (justifications, signatories, review outcomes) are read
from the models; a date's term is :meth:`atbalsts.model.Term.containing`. Every text is synthetic.
"""

from __future__ import annotations

import random
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

import attrs
from pydantic import BaseModel
from stdnum.lv import pvn

from atbalsts.codes import INSTITUTIONS, MEASURES, RISK_FACTORS, ROLES, Code
from atbalsts.model import (
    AbsenceEpisode,
    Achievement,
    Application,
    Approval,
    ApprovalStep,
    Attendance,
    BasisKind,
    BehaviourIncident,
    Consent,
    Enrolment,
    Evidence,
    FundedSupport,
    FundingSource,
    Goal,
    GoalStatus,
    Learner,
    LegalBasis,
    LivingSituation,
    MeasureAssignment,
    Note,
    Period,
    PlanStatus,
    ProgrammeKind,
    Referral,
    ReferralParty,
    Review,
    RiskFinding,
    RiskGroup,
    StaffObservation,
    SubjectMark,
    SupportCase,
    SupportPlan,
    SuspectedThreat,
    TaskStatus,
    Term,
    TermObservation,
    ThreatKind,
    Urgency,
)
from atbalsts.policy import FACTS, school_year_start

T = TypeVar("T")

# -- where the choices come from -----------------------------------------------------------------


class Source(ABC):
    """The choices a builder makes. Every shortcut below is built on :meth:`integer`, so a source
    need only say how it picks integers, free text and identifiers."""

    @abstractmethod
    def integer(self, lo: int, hi: int) -> int:
        """An integer from ``lo`` to ``hi``, both included (``lo <= hi``)."""

    @abstractmethod
    def text(self) -> str:
        """Synthetic free text of 1 to 40 characters."""

    @abstractmethod
    def identifier(self, prefix: str = "") -> str:
        """A host identifier starting with ``prefix`` (itself empty or a valid identifier start)."""

    def boolean(self) -> bool:
        return self.integer(0, 1) == 1

    def number(self, lo: float = -1e6, hi: float = 1e6) -> float:
        """A finite float from ``lo`` to ``hi``."""
        return lo + (hi - lo) * self.integer(0, 1000) / 1000

    def slug(self) -> str:
        """A lower-case word: a letter, then up to 15 letters, digits or ``_``."""
        rest = self.integer(0, 15)
        return self.choice(_LOWER) + "".join(self.choice(_SLUG_REST) for _ in range(rest))

    def chance(self, p: float) -> bool:
        """True about ``p`` of the time (a source that explores, like Hypothesis, may ignore
        ``p``)."""
        return self.boolean()

    def choice(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def subset(self, options: Sequence[T], max_size: int) -> tuple[T, ...]:
        """Up to ``max_size`` distinct elements of ``options``."""
        pool = list(options)
        size = self.integer(0, min(max_size, len(pool)))
        return tuple(pool.pop(self.integer(0, len(pool) - 1)) for _ in range(size))

    def day(self, lo: date, hi: date) -> date:
        """A date from ``lo`` to ``hi`` (just ``lo`` when ``hi`` is earlier)."""
        return lo + timedelta(days=self.integer(0, max(0, (hi - lo).days)))

    def maybe(self, make: Callable[[], T]) -> T | None:
        return make() if self.boolean() else None

    def several(self, make: Callable[[], T], max_size: int) -> tuple[T, ...]:
        return tuple(make() for _ in range(self.integer(0, max_size)))

    def aside(self) -> Source:
        """The source of the choices the builders gained after their seeded output was relied on
        (a plan's ``author``): drawing from it leaves this source's own choices, and so every
        other field of the documents built, as they were. By default this source itself: a
        source that explores, like Hypothesis, has no output to keep."""
        return self

    def identifiers(self, prefix: str, max_size: int) -> tuple[str, ...]:
        """Up to ``max_size`` distinct identifiers starting with ``prefix``."""
        found: list[str] = []
        for _ in range(self.integer(0, max_size)):
            new = self.identifier(prefix)
            if new not in found:
                found.append(new)
        return tuple(found)


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ALNUM = _LOWER + "0123456789"
_SLUG_REST = _ALNUM + "_"
_PHRASES = (
    "Synthetic test text.",
    "Sintētisks testa ieraksts.",
    "Discussed with the class teacher.",
    "Pārrunāts ar klases audzinātāju.",
    "Follow-up agreed.",
    "Vienojāmies par nākamo tikšanos.",
)


class RandomSource(Source):
    """Choices from a :class:`random.Random`: the same generator state, the same documents."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._aside: RandomSource | None = None

    def integer(self, lo: int, hi: int) -> int:
        return self._rng.randint(lo, hi)

    def aside(self) -> Source:
        """A second generator, seeded from this one's state when first asked for, without
        drawing from it: the same seed still gives the same choices here, and the same aside."""
        if self._aside is None:
            # a few words of the state and its position: enough to seed from, and quick
            state = self._rng.getstate()[1]
            key = (*state[:4], state[-1])
            self._aside = RandomSource(random.Random(sum(w << (32 * i) for i, w in enumerate(key))))
        return self._aside

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def text(self) -> str:
        return self._rng.choice(_PHRASES)

    def identifier(self, prefix: str = "") -> str:
        return prefix + "".join(self._rng.choice(_ALNUM) for _ in range(self._rng.randint(1, 8)))


# -- the codes and vocabularies ------------------------------------------------------------------


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


@attrs.frozen
class Vocabulary:
    """The codes generated documents use: the national lists of :mod:`atbalsts.codes`, and a
    plugin's local codes when built with :meth:`with_local`."""

    measures: tuple[str, ...] = MEASURES.codes()
    compensations: tuple[str, ...] = tuple(sorted(MEASURES.tagged("compensation")))
    risk_factors: tuple[str, ...] = RISK_FACTORS.codes()
    roles: tuple[str, ...] = ROLES.codes()
    staff_roles: tuple[str, ...] = tuple(sorted(ROLES.tagged("school_staff")))
    institutions: tuple[str, ...] = INSTITUTIONS.codes()

    @classmethod
    def with_local(cls, local: Iterable[tuple[str, Code]]) -> Vocabulary:
        """The national codes and the local ``(list name, code)`` pairs a plugin declares (as in
        ``Declaration.codes``); local codes of other lists are not used in documents."""
        national = cls()
        extra: dict[str, list[Code]] = {}
        for list_name, code in local:
            extra.setdefault(list_name, []).append(code)

        def plus(base: tuple[str, ...], list_name: str, tag: str | None = None) -> tuple[str, ...]:
            added = (c.code for c in extra.get(list_name, ()) if tag is None or tag in c.tags)
            return _unique((*base, *added))

        return cls(
            measures=plus(national.measures, "measures"),
            compensations=plus(national.compensations, "measures", "compensation"),
            risk_factors=plus(national.risk_factors, "risk_factors"),
            roles=plus(national.roles, "roles"),
            staff_roles=plus(national.staff_roles, "roles", "school_staff"),
            institutions=plus(national.institutions, "institutions"),
        )

    @property
    def recipients(self) -> tuple[str, ...]:
        """Institutions a school refers to: every institution but the school itself."""
        return tuple(c for c in self.institutions if c != "school")


NATIONAL = Vocabulary()


def _literal(model: type[BaseModel], field: str) -> tuple[Any, ...]:
    """The values a ``Literal`` field of ``model`` allows (read from the model, not copied; typed
    ``Any`` so that they pass as the field's ``Literal`` type)."""
    pending: list[Any] = [model.model_fields[field].annotation]
    values: list[Any] = []
    while pending:
        hint = pending.pop(0)
        if typing.get_origin(hint) is typing.Literal:
            values.extend(typing.get_args(hint))
        else:
            pending.extend(typing.get_args(hint))
    if not values:  # pragma: no cover - a model change; the builders must be updated
        raise TypeError(f"{model.__name__}.{field} is not a Literal field")
    return tuple(values)


JUSTIFICATIONS = _literal(AbsenceEpisode, "justification")
SEVERITIES = _literal(BehaviourIncident, "severity")
NOTE_KINDS = _literal(Note, "kind")
SIGNATORIES = _literal(Application, "signed_by")
GRANTORS = _literal(Consent, "grantor")
FUNDERS = _literal(FundedSupport, "funder")
REVIEW_OUTCOMES = _literal(Review, "outcome")
GOAL_DIRECTIONS = _literal(Goal, "direction")
#: Names of facts, for the indicators of goals and the evidence of findings.
FACT_NAMES = tuple(FACTS)

#: Subject names (free text in the documents; no code list).
SUBJECTS = (
    "matemātika",
    "latviešu valoda",
    "angļu valoda",
    "vēsture",
    "fizika",
    "ķīmija",
    "bioloģija",
    "sports",
    "informātika",
)
#: Languages a learner may speak (free codes in the documents; no code list).
LANGUAGES = ("lv", "ru", "uk", "en", "ltg", "de", "lt")
ACTS = (
    "Izglītības likums",
    "Bērnu tiesību aizsardzības likums",
    "MK noteikumi Nr. 89",
    "MK noteikumi Nr. 545",
    "MK noteikumi Nr. 276",
)
PROGRAMME_ACTS = ("PuMPuRS projekta īstenošanas noteikumi", "Skola-kopienā")
RULE_NAMESPACES = ("national", "bauska", "riga", "ogre")
FREQUENCIES = (None, "weekly", "2 per week", "monthly")

# General basic education is the most common programme; the others appear too.
_PROGRAMMES = (ProgrammeKind.GENERAL_BASIC,) * 3 + tuple(ProgrammeKind)
_SITUATIONS = (LivingSituation.WITH_PARENTS,) * 3 + tuple(LivingSituation)
# Bands of counts around the usual thresholds (3 days; 10 and 20 lessons), and anything.
_COUNT_BANDS = ((0, 0), (1, 5), (8, 12), (18, 25), (26, 60), (0, 200))
# How far back from the reference date observations reach: that day, a month, a term, a year.
_LOOKBACK_DAYS = (0, 30, 120, 365)
_APPROVAL_CHAIN = (
    ApprovalStep.AUTHOR,
    ApprovalStep.SCHOOL_DIRECTOR,
    ApprovalStep.MUNICIPAL_COORDINATOR,
    ApprovalStep.NATIONAL_COORDINATOR,
)

# -- terms and periods ---------------------------------------------------------------------------


def term_span(term: Term) -> tuple[date, date]:
    """The dates a term's school days are generated in: semester 1 is 1 Sept-31 Dec, semester 2
    is 1 Jan-30 June (the term itself runs on to 31 August, :meth:`Term.containing`)."""
    first = int(term.school_year[:4])
    if term.semester == 1:
        return date(first, 9, 1), date(first, 12, 31)
    return date(first + 1, 1, 1), date(first + 1, 6, 30)


def period(src: Source, start: date, max_days: int) -> Period:
    return Period(start=start, end=src.day(start, start + timedelta(days=max_days)))


# -- the learner ---------------------------------------------------------------------------------


def _with_check_digit(body: str) -> str:
    check: str = pvn.calc_check_digit_pers(body)
    return body + check


def old_format_code(src: Source, born: date) -> str:
    """``ddmmyyCnnnK``: the birth date, the century, three digits and a check digit."""
    century = (born.year - 1800) // 100  # 0: 1800s, 1: 1900s, 2: 2000s
    return _with_check_digit(f"{born:%d%m}{born.year % 100:02d}{century}{src.integer(0, 999):03d}")


def new_format_code(src: Source) -> str:
    """The format issued since July 2017: "32", eight digits, a check digit."""
    return _with_check_digit(f"32{src.integer(0, 99_999_999):08d}")


def enrolment(
    src: Source, *, school_id: str, municipality: str, programme: ProgrammeKind | None = None
) -> Enrolment:
    """An enrolment whose grade fits the programme (drawn, general basic most often, unless
    given)."""
    kind = src.choice(_PROGRAMMES) if programme is None else programme
    grade: int | None = None
    course: int | None = None
    if kind is ProgrammeKind.GENERAL_BASIC:
        grade = src.integer(1, 9)
    elif kind is ProgrammeKind.GENERAL_SECONDARY:
        grade = src.integer(10, 12)
    elif kind is ProgrammeKind.VOCATIONAL:
        course = src.integer(1, 4)
    # Completed grade 9 with a certificate only: repeating grade 9, or gone on after it.
    after_grade9 = grade == 9 or kind in (ProgrammeKind.GENERAL_SECONDARY, ProgrammeKind.VOCATIONAL)
    return Enrolment(
        school_id=school_id,
        municipality=municipality,
        programme=kind,
        grade=grade,
        vocational_course=course,
        repeating_year=src.chance(0.15),
        completed_grade9_certificate_only=after_grade9 and src.chance(0.2),
        state_vocational_school=kind is ProgrammeKind.VOCATIONAL and src.boolean(),
    )


def _typical_birth_year(enrolled: Enrolment, first_year: int) -> int:
    """Birth year of a learner of usual age (grade 1 in the year they turn 7)."""
    if enrolled.grade is not None:
        return first_year - 6 - enrolled.grade
    if enrolled.vocational_course is not None:
        return first_year - 15 - enrolled.vocational_course
    return first_year - 5  # pre-school: the year before grade 1


def learner(src: Source, *, learner_id: str, enrolment: Enrolment, as_of: date) -> Learner:
    """A learner of a usual age for ``enrolment`` on ``as_of``, give or take a year or two; the
    personal code is ``None`` or valid, and an old-format code agrees with the birth date."""
    offset = src.choice((0, 0, -1, 1, 2))  # younger, or older after repeating years
    year = _typical_birth_year(enrolment, school_year_start(as_of).year) + offset
    born = src.day(date(year, 1, 1), date(year, 12, 31))
    code = src.choice((None, "old", "new"))
    return Learner(
        id=learner_id,
        personal_code=(
            None
            if code is None
            else old_format_code(src, born)
            if code == "old"
            else new_format_code(src)
        ),
        birth_date=born,
        enrolment=enrolment,
        living_situation=src.choice(_SITUATIONS),
        needy_or_low_income_family=src.chance(0.25),
        languages=src.subset(LANGUAGES, 3),
    )


# -- what a school observes ----------------------------------------------------------------------


def _count(src: Source, room: int) -> int:
    """A count of at most ``room``, often near the usual thresholds."""
    lo, hi = src.choice(_COUNT_BANDS)
    return src.integer(min(lo, room), min(hi, room))


def lessons_scheduled(src: Source) -> int | None:
    return src.maybe(lambda: src.integer(0, 600))


def _episode(src: Source, first: date, last: date) -> AbsenceEpisode:
    start = src.day(first, last)
    returned = src.maybe(lambda: src.day(start, min(start + timedelta(days=10), last)))
    justification = src.choice(JUSTIFICATIONS)
    handed_in = None
    if returned is not None and justification != "none":
        handed_in = src.maybe(lambda: src.day(returned, min(returned + timedelta(days=7), last)))
    return AbsenceEpisode(
        start=start,
        school_days=src.integer(1, 8),
        lessons=src.integer(0, 40),
        justification=justification,
        returned_on=returned,
        document_submitted_on=handed_in,
    )


def attendance(
    src: Source, scheduled: int | None, episodes_between: tuple[date, date] | None = None
) -> Attendance:
    """Absences in a term; the lessons missed never exceed ``scheduled`` when it is set. With
    ``episodes_between``, up to two absence episodes dated between those days."""
    # Without a schedule each count has its own room; with one, together they fit in it.
    room = 200 if scheduled is None else scheduled
    justified = _count(src, room)
    if scheduled is not None:
        room -= justified
    unjustified = _count(src, room)
    if scheduled is not None:
        room -= unjustified
    episodes: tuple[AbsenceEpisode, ...] = ()
    if episodes_between is not None:
        first, last = episodes_between
        episodes = src.several(lambda: _episode(src, first, last), 2)
    return Attendance(
        lessons_scheduled=scheduled,
        lessons_missed_justified=justified,
        lessons_missed_unjustified=unjustified,
        lessons_missed_reason_unknown=_count(src, room),
        days_missed_justified=_count(src, 40),
        days_missed_unjustified=_count(src, 40),
        days_missed_reason_unknown=_count(src, 40),
        parental_notes_used=src.integer(0, 10),
        absent_today_reason_unknown=src.chance(0.25),
        episodes=episodes,
    )


def _achievement(src: Source) -> Achievement:
    subjects = src.subset(SUBJECTS, 4)
    marks = tuple(SubjectMark(subject=s, mark=src.integer(1, 10)) for s in subjects)
    return Achievement(marks=marks, failing_subjects=tuple(m.subject for m in marks if m.mark < 4))


def term_observation(
    src: Source,
    *,
    term: Term,
    as_of: date,
    absences: Attendance | None = None,
    vocabulary: Vocabulary = NATIONAL,
) -> TermObservation:
    """Observations of ``term`` as of ``as_of``: incidents, staff observations, threats, notes and
    absence episodes are dated in the term, on or before ``as_of``."""
    start, _ = term_span(term)
    first = min(start, as_of)

    def day() -> date:
        return src.day(first, as_of)

    def note() -> str | None:
        return src.maybe(src.text)

    return TermObservation(
        term=term,
        as_of=as_of,
        attendance=absences or attendance(src, lessons_scheduled(src), (first, as_of)),
        achievement=_achievement(src),
        behaviour_incidents=src.several(
            lambda: BehaviourIncident(
                on=day(), severity=src.choice(SEVERITIES), description=note()
            ),
            4,
        ),
        staff_observations=src.several(
            lambda: StaffObservation(
                factor=src.choice(vocabulary.risk_factors),
                recorded_by=src.choice(vocabulary.staff_roles),
                recorded_on=day(),
                note=note(),
            ),
            3,
        ),
        suspected_threats=tuple(
            SuspectedThreat(
                kind=src.choice(tuple(ThreatKind)),
                observed_on=day(),
                recorded_by=src.choice(vocabulary.staff_roles),
                note=note(),
            )
            for _ in range(1 if src.chance(0.1) else 0)
        ),
        notes=src.several(
            lambda: Note(
                kind=src.choice(NOTE_KINDS),
                text=src.text(),
                recorded_by=src.choice(vocabulary.staff_roles),
                recorded_on=day(),
            ),
            2,
        ),
    )


# -- plans ---------------------------------------------------------------------------------------


def _measure_assignment(
    src: Source, measure: Callable[[], str], vocabulary: Vocabulary
) -> MeasureAssignment:
    code = measure()
    return MeasureAssignment(
        measure=code,
        responsible_role=src.choice(vocabulary.roles),
        responsible_person=src.maybe(lambda: src.identifier("staff-")),
        hours=src.maybe(lambda: src.integer(1, 400) / 4),
        frequency=src.choice(FREQUENCIES),
        funding=src.choice(tuple(FundingSource)),
        subject=src.maybe(lambda: src.choice(SUBJECTS)) if code == "subject_consultation" else None,
    )


def _goal(src: Source) -> Goal:
    return Goal(
        description=src.text(),
        indicator=src.choice(FACT_NAMES),
        target=float(src.integer(0, 100)) if src.boolean() else src.number(0, 1000),
        direction=src.choice(GOAL_DIRECTIONS),
        status=src.choice(tuple(GoalStatus)),
    )


def _approver(src: Source, step: ApprovalStep, author: str | None) -> str | None:
    """Who approved ``step``, if the plan says: the plan's ``author`` at the author's step of a
    plan that names one (the workflow lets no one else take it), else a drawn id."""
    drawn = src.maybe(lambda: src.identifier("staff-"))
    if step is ApprovalStep.AUTHOR and author is not None and drawn is not None:
        return author
    return drawn


def support_plan(
    src: Source,
    *,
    plan_id: str,
    learner_id: str,
    term: Term | None,
    as_of: date | None,
    status: PlanStatus | None = None,
    measure: Callable[[], str] | None = None,
    vocabulary: Vocabulary = NATIONAL,
) -> SupportPlan:
    """A plan for one term: the period lies within the term (:func:`term_span`), the application
    is signed on or before the start, approvals follow the chain in date order. With ``as_of``,
    the plan has started by then (its term is in progress on a day of the year before) and its
    application, approvals and reviews are dated on or before it. ``term`` and ``status`` are
    drawn unless given; ``measure`` picks a measure code (default: from ``vocabulary``).

    About half the plans name their ``author`` (a synthetic ``staff-`` id), who is then the
    approver of the author's step wherever its approval names an approver. Whether and whom are
    drawn aside (:meth:`Source.aside`), so a seeded source gives every other field as it did
    before plans named their author."""
    pick = (lambda: src.choice(vocabulary.measures)) if measure is None else measure
    if term is None:
        if as_of is None:
            first_year = src.integer(2019, 2034)
            semester: Literal[1, 2] = 1 if src.boolean() else 2
            term = Term(school_year=f"{first_year}/{first_year + 1}", semester=semester)
        else:
            term = Term.containing(src.day(as_of - timedelta(days=365), as_of))
    first, last = term_span(term)
    latest = last if as_of is None else max(first, min(last, as_of))
    start = src.day(first, latest)
    end = src.day(start, last)
    application = src.maybe(
        lambda: Application(
            signed_by=src.choice(SIGNATORIES),
            signed_on=src.day(start - timedelta(days=30), start),
        )
    )
    opened = application.signed_on if application is not None else start - timedelta(days=14)
    closed = end if as_of is None else max(start, min(end, as_of))
    approval_days = sorted(src.several(lambda: src.day(opened, closed), 4))
    review_days = sorted(src.several(lambda: src.day(start, closed), 2))
    aside = src.aside()
    author = aside.identifier("staff-") if aside.chance(0.5) else None
    return SupportPlan(
        id=plan_id,
        learner_id=learner_id,
        term=term,
        period=Period(start=start, end=end),
        status=src.choice(tuple(PlanStatus)) if status is None else status,
        author_role=src.choice(vocabulary.staff_roles),
        author=author,
        risk_factors=src.subset(vocabulary.risk_factors, 3),
        goals=src.several(lambda: _goal(src), 2),
        measures=src.several(lambda: _measure_assignment(src, pick, vocabulary), 3),
        application=application,
        approvals=tuple(
            Approval(step=step, approved_on=day, approver=_approver(src, step, author))
            for step, day in zip(_APPROVAL_CHAIN, approval_days, strict=False)
        ),
        reviews=tuple(
            Review(
                on=day,
                outcome=src.choice(REVIEW_OUTCOMES),
                improved=src.choice((None, True, False)),
            )
            for day in review_days
        ),
    )


# -- referrals and consents ----------------------------------------------------------------------


def referral(
    src: Source,
    *,
    referral_id: str,
    learner_id: str,
    created_on: date,
    consent_id: str | None,
    vocabulary: Vocabulary = NATIONAL,
) -> Referral:
    """A referral from the school to another institution; ``due`` is never before
    ``created_on``."""
    return Referral(
        id=referral_id,
        learner_id=learner_id,
        referred_by=ReferralParty(
            institution="school",
            institution_id=src.maybe(lambda: src.identifier("school-")),
            role=src.choice(vocabulary.staff_roles),
        ),
        referred_to=ReferralParty(
            institution=src.choice(vocabulary.recipients),
            institution_id=src.maybe(src.identifier),
            role=src.maybe(lambda: src.choice(vocabulary.roles)),
        ),
        reason=src.text(),
        urgency=src.choice(tuple(Urgency)),
        created_on=created_on,
        due=src.maybe(lambda: src.day(created_on, created_on + timedelta(days=60))),
        status=src.choice(tuple(TaskStatus)),
        consent_id=consent_id,
        rule=src.maybe(lambda: "national." + src.slug()),
        outcome=src.maybe(src.text),
    )


def consent(
    src: Source,
    *,
    consent_id: str,
    learner_id: str,
    given_on: date,
    vocabulary: Vocabulary = NATIONAL,
) -> Consent:
    """Consent to one to three recipients; the period starts on or after ``given_on`` and a
    withdrawal, if any, is not before ``given_on``."""
    start = src.day(given_on, given_on + timedelta(days=30))
    recipients = src.subset(vocabulary.institutions, 3) or (src.choice(vocabulary.institutions),)
    return Consent(
        id=consent_id,
        learner_id=learner_id,
        grantor=src.choice(GRANTORS),
        purpose=src.text(),
        recipients=recipients,
        given_on=given_on,
        period=period(src, start, 366),
        withdrawn_on=src.maybe(lambda: src.day(given_on, given_on + timedelta(days=400))),
    )


# -- the case ------------------------------------------------------------------------------------


def funded_support(
    src: Source, *, around: date, vocabulary: Vocabulary = NATIONAL
) -> FundedSupport:
    """A compensated measure the state or municipality funds, open-ended or until a day within a
    year of ``around``."""
    return FundedSupport(
        measure=src.choice(vocabulary.compensations),
        funder=src.choice(FUNDERS),
        until=src.maybe(
            lambda: src.day(around - timedelta(days=365), around + timedelta(days=365))
        ),
    )


def support_case(
    src: Source,
    *,
    learner: Learner,
    as_of: date,
    max_items: int = 3,
    measure: Callable[[], str] | None = None,
    vocabulary: Vocabulary = NATIONAL,
) -> SupportCase:
    """The case of ``learner`` as a host would hold it on ``as_of``: observations, consents,
    referrals and plans (at most ``max_items`` of each) dated in the year up to ``as_of`` (only
    forward-looking dates may fall after it). Every plan, referral and consent names the learner,
    ids are unique within their kind, and a referral's ``consent_id`` is ``None`` or one of the
    case's consents."""
    year_ago = as_of - timedelta(days=365)

    def past() -> date:
        return src.day(year_ago, as_of)

    def observed_day() -> date:
        return src.day(as_of - timedelta(days=src.choice(_LOOKBACK_DAYS)), as_of)

    observed = sorted(src.several(observed_day, max_items))
    consent_ids = src.identifiers("consent-", max_items)
    referral_ids = src.identifiers("ref-", max_items)
    plan_ids = src.identifiers("plan-", max_items)
    consent_refs = (None, *consent_ids)
    return SupportCase(
        learner=learner,
        observations=tuple(
            term_observation(src, term=Term.containing(day), as_of=day, vocabulary=vocabulary)
            for day in observed
        ),
        funded_elsewhere=src.several(
            lambda: funded_support(src, around=as_of, vocabulary=vocabulary), 2
        ),
        plans=tuple(
            support_plan(
                src,
                plan_id=pid,
                learner_id=learner.id,
                term=None,
                as_of=as_of,
                measure=measure,
                vocabulary=vocabulary,
            )
            for pid in plan_ids
        ),
        referrals=tuple(
            referral(
                src,
                referral_id=rid,
                learner_id=learner.id,
                created_on=past(),
                consent_id=src.choice(consent_refs),
                vocabulary=vocabulary,
            )
            for rid in referral_ids
        ),
        consents=tuple(
            consent(
                src, consent_id=cid, learner_id=learner.id, given_on=past(), vocabulary=vocabulary
            )
            for cid in consent_ids
        ),
    )


# -- risk and legal bases ------------------------------------------------------------------------


def legal_basis(src: Source, kind: BasisKind) -> LegalBasis:
    """A ``law`` or ``programme`` basis cites an act and a URL; the others a note."""
    number = src.integer(1, 400_000)
    if kind is BasisKind.LAW:
        return LegalBasis(
            kind=kind,
            act=src.choice(ACTS),
            provision=src.maybe(lambda: f"{src.integer(1, 120)}. punkts"),
            url=f"https://likumi.lv/ta/id/{number}",
            note=src.maybe(src.text),
        )
    if kind is BasisKind.PROGRAMME:
        return LegalBasis(
            kind=kind,
            act=src.choice(PROGRAMME_ACTS),
            provision=src.maybe(src.text),
            url=f"https://www.pumpurs.lv/lv/dokumenti/{number}",
            note=src.maybe(src.text),
        )
    return LegalBasis(kind=kind, note=src.text())


def _evidence_value(src: Source) -> Any:
    kind = src.integer(0, 4)
    if kind == 0:
        return None
    if kind == 1:
        return src.boolean()
    if kind == 2:
        return src.integer(-1000, 10_000)
    if kind == 3:
        return src.number()
    return src.text()


def risk_finding(src: Source, kind: BasisKind | None = None) -> RiskFinding:
    """A finding whose group is the national group of its (national) risk factor."""
    factor = src.choice(RISK_FACTORS.codes())
    group = RISK_FACTORS[factor].group
    assert group is not None  # every national risk factor names its group
    return RiskFinding(
        factor=factor,
        group=RiskGroup(group),
        evidence=src.several(
            lambda: Evidence(fact=src.choice(FACT_NAMES), value=_evidence_value(src)), 3
        ),
        rule=f"{src.choice(RULE_NAMESPACES)}.{src.slug()}",
        legal_basis=legal_basis(src, src.choice(tuple(BasisKind)) if kind is None else kind),
    )
