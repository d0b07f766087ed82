"""Hypothesis strategies that generate valid atbalsts documents.

Every strategy here produces instances that pass every validator of the models: grades fit the
programme, absences never exceed the lessons scheduled, periods are ordered, school years name two
consecutive years, codes come from the national code lists in :mod:`atbalsts.codes`, personal codes
carry a correct check digit, and inside a :class:`~atbalsts.model.SupportCase` every plan,
referral and consent names the case's learner and has an id unique among its kind. Unless you
pin dates outside it, every date but a birth date lies between :data:`MIN_DATE` and
:data:`MAX_DATE`.

Keyword arguments pin fields. Each accepts either a plain value or a strategy::

    from datetime import date

    from hypothesis import given, strategies as st

    from atbalsts.testing import strategies as ats

    spring_2025 = st.dates(date(2025, 1, 1), date(2025, 6, 30))

    @given(ats.support_cases(municipality="bauska", as_of=spring_2025))
    def test_bauska(case): ...

A pin of ``None`` means "not pinned"; to generate only ``None`` for an optional field, pin it to
``st.none()``.

The strategies are written by hand (not with :func:`hypothesis.strategies.from_type`) and stay
small: a case has at most a few observations, plans, referrals and consents.

Requires Hypothesis: install the ``test`` extra.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy
from stdnum.lv import pvn

from atbalsts.codes import INSTITUTIONS, MEASURES, RISK_FACTORS, ROLES, CodeList
from atbalsts.model import (
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
    RiskAssessment,
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

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "MUNICIPALITIES",
    "Pin",
    "attendances",
    "codes",
    "consents",
    "enrolments",
    "funded_supports",
    "identifiers",
    "learners",
    "legal_bases",
    "municipalities",
    "periods",
    "personal_codes",
    "referrals",
    "risk_assessments",
    "risk_findings",
    "support_cases",
    "support_plans",
    "term_containing",
    "term_observations",
    "term_span",
    "terms",
]

T = TypeVar("T")

#: A pinned field: a plain value (always used) or a strategy (drawn from).
Pin: TypeAlias = T | SearchStrategy[T]

#: The earliest date the strategies generate (birth dates and dates you pin aside).
MIN_DATE = date(2000, 1, 1)
#: The latest date the strategies generate (dates you pin aside).
MAX_DATE = date(2036, 12, 31)

# The reference dates ("as of") drawn when none is pinned. Every other date stays within about a
# year of its reference date, so between MIN_DATE and MAX_DATE.
_AS_OF_MIN = date(2020, 1, 1)
_AS_OF_MAX = date(2034, 6, 30)

#: Municipality slugs drawn when none is pinned.
MUNICIPALITIES: tuple[str, ...] = (
    "bauska",
    "cesis",
    "daugavpils",
    "jelgava",
    "kuldiga",
    "liepaja",
    "madona",
    "ogre",
    "rezekne",
    "riga",
    "tukums",
    "valmiera",
)

_ID_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_ID_REST = _ID_FIRST + "._:-"
_SUBJECTS = (
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
_LANGUAGES = ("lv", "ru", "uk", "en", "ltg", "de", "lt")
_FACTS = (
    "unjustified_lessons",
    "lessons_without_justification",
    "days_without_justification",
    "failing_subjects",
    "lowest_mark",
    "needy_or_low_income_family",
    "out_of_family_care",
    "age",
)
_ACTS = (
    "Izglītības likums",
    "Bērnu tiesību aizsardzības likums",
    "MK noteikumi Nr. 89",
    "MK noteikumi Nr. 545",
    "MK noteikumi Nr. 276",
)
_PROGRAMME_ACTS = ("PuMPuRS projekta īstenošanas noteikumi", "Skola-kopienā")
_APPROVAL_CHAIN = (
    ApprovalStep.AUTHOR,
    ApprovalStep.SCHOOL_DIRECTOR,
    ApprovalStep.MUNICIPAL_COORDINATOR,
    ApprovalStep.NATIONAL_COORDINATOR,
)

# Strategies built once: building and validating strategies inside every draw is what makes
# nested composites slow, so the draw helpers below only draw from these (or from st.integers,
# which Hypothesis caches).
_BOOLS = st.booleans()
_TEXT = st.text(min_size=1, max_size=40)
_SLUGS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_DIGITS3 = st.text(alphabet="0123456789", min_size=3, max_size=3)
_DIGITS8 = st.text(alphabet="0123456789", min_size=8, max_size=8)
_ID_TAILS = st.text(alphabet=_ID_REST, min_size=1, max_size=16)
_IDS = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_ID_FIRST),
    st.text(alphabet=_ID_REST, max_size=16),
)
_STAFF_ROLES = st.sampled_from(sorted(ROLES.tagged("school_staff")))
_ROLES = st.sampled_from(ROLES.codes())
_FACTORS = st.sampled_from(RISK_FACTORS.codes())
_RECIPIENTS = st.sampled_from(tuple(c for c in INSTITUTIONS.codes() if c != "school"))
_INSTITUTIONS = st.sampled_from(INSTITUTIONS.codes())
_GRANTORS = st.sampled_from(("parent", "guardian", "adult_learner"))
_SUBJECT_NAMES = st.sampled_from(_SUBJECTS)
_EVIDENCE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 10_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_SUBJECT_LISTS = st.lists(_SUBJECT_NAMES, max_size=4, unique=True)
_LANGUAGE_LISTS = st.lists(st.sampled_from(_LANGUAGES), max_size=3, unique=True)
_FACTOR_LISTS = st.lists(_FACTORS, max_size=3, unique=True)
_RECIPIENT_LISTS = st.lists(_INSTITUTIONS, min_size=1, max_size=3, unique=True)
_GOAL_TARGETS = st.integers(0, 100).map(float) | st.floats(0, 1000)
_RULE_NAMESPACES = st.sampled_from(("national", "bauska", "riga", "ogre"))
_REVIEW_OUTCOMES = st.sampled_from(
    ("continue", "adjust", "close_no_longer_needed", "new_plan", "escalate")
)


def _pinned(pin: Pin[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """``default`` when nothing is pinned, the pinned strategy, or ``just`` the pinned value."""
    if pin is None:
        return default
    if isinstance(pin, SearchStrategy):
        return pin
    return st.just(pin)


def _date(draw: DrawFn, lo: date, hi: date) -> date:
    """A date from ``lo`` to ``hi`` (just ``lo`` when ``hi`` is earlier)."""
    return lo + timedelta(days=draw(st.integers(0, max(0, (hi - lo).days))))


def _maybe(draw: DrawFn, make: Callable[[], T]) -> T | None:
    """``None`` or ``make()`` (which draws)."""
    return make() if draw(_BOOLS) else None


def _several(draw: DrawFn, make: Callable[[], T], max_size: int) -> tuple[T, ...]:
    """Up to ``max_size`` results of ``make()`` (which draws)."""
    return tuple(make() for _ in range(draw(st.integers(0, max_size))))


def _as_of_dates() -> SearchStrategy[date]:
    return st.dates(_AS_OF_MIN, _AS_OF_MAX)


# -- small building blocks -------------------------------------------------------------------


def identifiers(*, prefix: str = "") -> SearchStrategy[str]:
    """Host identifiers (``Identifier``): a letter or digit, then also ``.``, ``_``, ``:``, ``-``.

    With ``prefix`` (e.g. ``"plan-"``, itself a valid start of an identifier) every identifier
    starts with it.
    """
    if prefix:
        return _ID_TAILS.map(lambda rest: prefix + rest)
    return _IDS


def municipalities() -> SearchStrategy[str]:
    """Municipality slugs from :data:`MUNICIPALITIES`."""
    return st.sampled_from(MUNICIPALITIES)


def codes(code_list: CodeList, *, namespace: str | None = None) -> SearchStrategy[str]:
    """Codes of ``code_list``; with ``namespace``, also local codes ``namespace:slug``.

    For example ``codes(MEASURES, namespace="bauska")`` draws ``"mentor_support"`` or
    ``"bauska:summer_camp"``-like codes.
    """
    national = st.sampled_from(code_list.codes())
    if namespace is None:
        return national
    return national | _SLUGS.map(lambda slug: f"{namespace}:{slug}")


def _with_check_digit(body: str) -> str:
    check: str = pvn.calc_check_digit_pers(body)
    return body + check


def _old_format_code(draw: DrawFn, born: date) -> str:
    century = (born.year - 1800) // 100  # 0: 1800s, 1: 1900s, 2: 2000s
    return _with_check_digit(f"{born:%d%m}{born.year % 100:02d}{century}{draw(_DIGITS3)}")


def _new_format_code(draw: DrawFn) -> str:
    """The format issued since July 2017: "32", eight digits, a check digit."""
    return _with_check_digit("32" + draw(_DIGITS8))


@st.composite
def _personal_codes(draw: DrawFn, birth_date: SearchStrategy[date] | None) -> str:
    if birth_date is None:
        if draw(_BOOLS):
            return _new_format_code(draw)
        return _old_format_code(draw, _date(draw, date(1990, 1, 1), MAX_DATE))
    return _old_format_code(draw, draw(birth_date))


def personal_codes(*, birth_date: Pin[date] | None = None) -> SearchStrategy[str]:
    """Valid Latvian personal codes (personas kods), compact: 11 digits, no hyphen.

    Without ``birth_date``: the new format (``32`` and nine digits) or the old format
    ``ddmmyyCnnnK`` for a birth date from 1990 to 2036. With ``birth_date``: the old format for
    that date (births 1800-2099), so the code agrees with it.
    """
    return _personal_codes(None if birth_date is None else _pinned(birth_date, _as_of_dates()))


def terms(*, min_year: int = 2019, max_year: int = 2034) -> SearchStrategy[Term]:
    """Terms of the school years ``min_year/min_year+1`` to ``max_year/max_year+1``."""
    return st.builds(
        lambda first, semester: Term(school_year=f"{first}/{first + 1}", semester=semester),
        st.integers(min_value=min_year, max_value=max_year),
        st.sampled_from((1, 2)),
    )


def term_span(term: Term) -> tuple[date, date]:
    """The dates a term covers here: semester 1 is 1 Sept-31 Dec, semester 2 is 1 Jan-30 June."""
    first = int(term.school_year[:4])
    if term.semester == 1:
        return date(first, 9, 1), date(first, 12, 31)
    return date(first + 1, 1, 1), date(first + 1, 6, 30)


def term_containing(day: date) -> Term:
    """The term in progress on ``day``; in July and August, the spring term just ended."""
    if day.month >= 9:
        return Term(school_year=f"{day.year}/{day.year + 1}", semester=1)
    return Term(school_year=f"{day.year - 1}/{day.year}", semester=2)


def _period(draw: DrawFn, start: date, max_days: int) -> Period:
    return Period(start=start, end=_date(draw, start, start + timedelta(days=max_days)))


def periods(*, start: Pin[date] | None = None, max_days: int = 366) -> SearchStrategy[Period]:
    """Ordered periods (``end`` on or after ``start``) of at most ``max_days`` days."""
    starts = _pinned(start, _as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Period:
        return _period(draw, draw(starts), max_days)

    return build()


def _legal_basis(draw: DrawFn, kind: BasisKind) -> LegalBasis:
    number = draw(st.integers(1, 400_000))
    if kind is BasisKind.LAW:
        return LegalBasis(
            kind=kind,
            act=draw(st.sampled_from(_ACTS)),
            provision=_maybe(draw, lambda: f"{draw(st.integers(1, 120))}. punkts"),
            url=f"https://likumi.lv/ta/id/{number}",
            note=_maybe(draw, lambda: draw(_TEXT)),
        )
    if kind is BasisKind.PROGRAMME:
        return LegalBasis(
            kind=kind,
            act=draw(st.sampled_from(_PROGRAMME_ACTS)),
            provision=_maybe(draw, lambda: draw(_TEXT)),
            url=f"https://www.pumpurs.lv/lv/dokumenti/{number}",
            note=_maybe(draw, lambda: draw(_TEXT)),
        )
    return LegalBasis(kind=kind, note=draw(_TEXT))


def legal_bases(*, kind: Pin[BasisKind] | None = None) -> SearchStrategy[LegalBasis]:
    """Legal bases: a ``law`` or ``programme`` basis cites an act and a URL; a
    ``methodological_default`` or ``illustrative`` one says what it rests on in a note."""
    kinds = _pinned(kind, st.sampled_from(BasisKind))

    @st.composite
    def build(draw: DrawFn) -> LegalBasis:
        return _legal_basis(draw, draw(kinds))

    return build()


# -- the learner -----------------------------------------------------------------------------


def _enrolment(draw: DrawFn, school_id: str, municipality: str, kind: ProgrammeKind) -> Enrolment:
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
        repeating_year=draw(_BOOLS),
        completed_grade9_certificate_only=after_grade9 and draw(_BOOLS),
        state_vocational_school=kind is ProgrammeKind.VOCATIONAL and draw(_BOOLS),
    )


def enrolments(
    *,
    school_id: Pin[str] | None = None,
    municipality: Pin[str] | None = None,
    programme: Pin[ProgrammeKind] | None = None,
) -> SearchStrategy[Enrolment]:
    """Enrolments whose grade fits the programme: general basic 1-9, general secondary 10-12,
    vocational a course 1-4 and no grade, pre-school neither."""
    schools = _pinned(school_id, identifiers(prefix="school-"))
    places = _pinned(municipality, municipalities())
    kinds = _pinned(programme, st.sampled_from(ProgrammeKind))

    @st.composite
    def build(draw: DrawFn) -> Enrolment:
        return _enrolment(draw, draw(schools), draw(places), draw(kinds))

    return build()


def _typical_birth_year(enrolment: Enrolment, school_year_start: int) -> int:
    """Birth year of a learner of usual age (grade 1 in the year they turn 7)."""
    if enrolment.grade is not None:
        return school_year_start - 6 - enrolment.grade
    if enrolment.vocational_course is not None:
        return school_year_start - 15 - enrolment.vocational_course
    return school_year_start - 5  # pre-school: the year before grade 1


def _learner(draw: DrawFn, learner_id: str, enrolment: Enrolment, as_of: date) -> Learner:
    school_year_start = as_of.year if as_of.month >= 9 else as_of.year - 1
    offset = draw(st.sampled_from((0, 0, -1, 1, 2)))  # younger, or older after repeating years
    year = _typical_birth_year(enrolment, school_year_start) + offset
    born = _date(draw, date(year, 1, 1), date(year, 12, 31))
    code = draw(st.sampled_from((None, "old", "new")))
    return Learner(
        id=learner_id,
        personal_code=(
            None
            if code is None
            else _old_format_code(draw, born)
            if code == "old"
            else _new_format_code(draw)
        ),
        birth_date=born,
        enrolment=enrolment,
        living_situation=draw(st.sampled_from(LivingSituation)),
        needy_or_low_income_family=draw(_BOOLS),
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
    ids = _pinned(learner_id, identifiers())
    enrolled = _pinned(enrolment, enrolments(municipality=municipality, programme=programme))
    dates = _pinned(as_of, _as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Learner:
        return _learner(draw, draw(ids), draw(enrolled), draw(dates))

    return build()


# -- observations ----------------------------------------------------------------------------


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
        absent_today_reason_unknown=draw(_BOOLS),
    )


_SCHEDULED = st.none() | st.integers(0, 600)


def attendances(*, lessons_scheduled: Pin[int | None] | None = None) -> SearchStrategy[Attendance]:
    """Absences in a term; the lessons missed never exceed ``lessons_scheduled`` when it is set.

    Unpinned, ``lessons_scheduled`` is ``None`` or 0-600.
    """
    scheduled = _pinned(lessons_scheduled, _SCHEDULED)

    @st.composite
    def build(draw: DrawFn) -> Attendance:
        return _attendance(draw, draw(scheduled))

    return build()


def _achievement(draw: DrawFn) -> Achievement:
    subjects = draw(_SUBJECT_LISTS)
    marks = tuple(SubjectMark(subject=s, mark=draw(st.integers(1, 10))) for s in subjects)
    return Achievement(marks=marks, failing_subjects=tuple(m.subject for m in marks if m.mark < 4))


def _term_observation(
    draw: DrawFn, term: Term, as_of: date, attendance: Attendance | None
) -> TermObservation:
    start, _ = term_span(term)
    first = min(start, as_of)

    def day() -> date:
        return _date(draw, first, as_of)

    def note() -> str | None:
        return _maybe(draw, lambda: draw(_TEXT))

    return TermObservation(
        term=term,
        as_of=as_of,
        attendance=(attendance if attendance is not None else _attendance(draw, draw(_SCHEDULED))),
        achievement=_achievement(draw),
        behaviour_incidents=_several(
            draw,
            lambda: BehaviourIncident(
                on=day(),
                severity=draw(st.sampled_from(("minor", "serious"))),
                description=note(),
            ),
            2,
        ),
        staff_observations=_several(
            draw,
            lambda: StaffObservation(
                factor=draw(_FACTORS),
                recorded_by=draw(_STAFF_ROLES),
                recorded_on=day(),
                note=note(),
            ),
            3,
        ),
        suspected_threats=_several(
            draw,
            lambda: SuspectedThreat(
                kind=draw(st.sampled_from(ThreatKind)),
                observed_on=day(),
                recorded_by=draw(_STAFF_ROLES),
                note=note(),
            ),
            1,
        ),
        notes=_several(
            draw,
            lambda: Note(
                kind=draw(st.sampled_from(("general", "health"))),
                text=draw(_TEXT),
                recorded_by=draw(_STAFF_ROLES),
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
    dates = None if as_of is None else _pinned(as_of, _as_of_dates())
    observed = None if term is None else _pinned(term, terms())
    records = None if attendance is None else _pinned(attendance, attendances())

    @st.composite
    def build(draw: DrawFn) -> TermObservation:
        if observed is not None:
            covered = draw(observed)
            on = draw(dates) if dates is not None else _date(draw, *term_span(covered))
        else:
            on = draw(dates if dates is not None else _as_of_dates())
            covered = term_containing(on)
        return _term_observation(draw, covered, on, None if records is None else draw(records))

    return build()


# -- risk ------------------------------------------------------------------------------------


def _risk_finding(draw: DrawFn) -> RiskFinding:
    factor = draw(_FACTORS)
    group = RISK_FACTORS[factor].group
    assert group is not None  # every national risk factor names its group
    return RiskFinding(
        factor=factor,
        group=RiskGroup(group),
        evidence=_several(
            draw,
            lambda: Evidence(fact=draw(st.sampled_from(_FACTS)), value=draw(_EVIDENCE_VALUES)),
            3,
        ),
        rule=f"{draw(_RULE_NAMESPACES)}.{draw(_SLUGS)}",
        legal_basis=_legal_basis(draw, draw(st.sampled_from(BasisKind))),
    )


@st.composite
def _risk_findings(draw: DrawFn) -> RiskFinding:
    return _risk_finding(draw)


def risk_findings() -> SearchStrategy[RiskFinding]:
    """Risk findings whose group is the national group of their (national) risk factor."""
    return _risk_findings()


def risk_assessments(
    *,
    learner_id: Pin[str] | None = None,
    as_of: Pin[date] | None = None,
    tier: Pin[int | None] | None = None,
) -> SearchStrategy[RiskAssessment]:
    """Risk assessments with up to four findings and a tier of ``None`` or 1-3."""
    ids = _pinned(learner_id, identifiers())
    dates = _pinned(as_of, _as_of_dates())
    tiers = _pinned(tier, st.none() | st.integers(1, 3))

    @st.composite
    def build(draw: DrawFn) -> RiskAssessment:
        return RiskAssessment(
            learner_id=draw(ids),
            as_of=draw(dates),
            findings=_several(draw, lambda: _risk_finding(draw), 4),
            tier=draw(tiers),
        )

    return build()


# -- plans -----------------------------------------------------------------------------------


def _measure_assignment(draw: DrawFn, measures: SearchStrategy[str]) -> MeasureAssignment:
    code = draw(measures)
    return MeasureAssignment(
        measure=code,
        responsible_role=draw(_ROLES),
        responsible_person=_maybe(draw, lambda: "staff-" + draw(_ID_TAILS)),
        hours=_maybe(draw, lambda: draw(st.integers(1, 400)) / 4),
        frequency=draw(st.sampled_from((None, "weekly", "2 per week", "monthly"))),
        funding=draw(st.sampled_from(FundingSource)),
        subject=(
            _maybe(draw, lambda: draw(_SUBJECT_NAMES)) if code == "subject_consultation" else None
        ),
    )


def _goal(draw: DrawFn) -> Goal:
    return Goal(
        description=draw(_TEXT),
        indicator=draw(st.sampled_from(_FACTS)),
        target=draw(_GOAL_TARGETS),
        direction=draw(st.sampled_from(("at_most", "at_least"))),
        status=draw(st.sampled_from(GoalStatus)),
    )


def _support_plan(
    draw: DrawFn,
    *,
    plan_id: str,
    learner_id: str,
    term: Term | None,
    as_of: date | None,
    status: PlanStatus,
    measures: SearchStrategy[str],
) -> SupportPlan:
    if term is None:
        term = (
            draw(terms())
            if as_of is None
            else term_containing(_date(draw, as_of - timedelta(days=365), as_of))
        )
    first, last = term_span(term)
    latest = last if as_of is None else max(first, min(last, as_of))
    start = _date(draw, first, latest)
    end = _date(draw, start, last)
    application = _maybe(
        draw,
        lambda: Application(
            signed_by=draw(_GRANTORS),
            signed_on=_date(draw, start - timedelta(days=30), start),
        ),
    )
    opened = application.signed_on if application is not None else start - timedelta(days=14)
    closed = end if as_of is None else max(start, min(end, as_of))
    approval_days = sorted(_several(draw, lambda: _date(draw, opened, closed), 4))
    review_days = sorted(_several(draw, lambda: _date(draw, start, closed), 2))
    return SupportPlan(
        id=plan_id,
        learner_id=learner_id,
        term=term,
        period=Period(start=start, end=end),
        status=status,
        author_role=draw(_STAFF_ROLES),
        risk_factors=tuple(draw(_FACTOR_LISTS)),
        goals=_several(draw, lambda: _goal(draw), 2),
        measures=_several(draw, lambda: _measure_assignment(draw, measures), 3),
        application=application,
        approvals=tuple(
            Approval(
                step=step,
                approved_on=day,
                approver=_maybe(draw, lambda: "staff-" + draw(_ID_TAILS)),
            )
            for step, day in zip(_APPROVAL_CHAIN, approval_days, strict=False)
        ),
        reviews=tuple(
            Review(
                on=day,
                outcome=draw(_REVIEW_OUTCOMES),
                improved=draw(st.sampled_from((None, True, False))),
            )
            for day in review_days
        ),
    )


def support_plans(
    *,
    learner_id: Pin[str] | None = None,
    plan_id: Pin[str] | None = None,
    term: Pin[Term] | None = None,
    as_of: Pin[date] | None = None,
    status: Pin[PlanStatus] | None = None,
    measure_codes: SearchStrategy[str] | None = None,
) -> SearchStrategy[SupportPlan]:
    """Support plans for one term: the period lies within the term (:func:`term_span`), the
    application is signed on or before the start, approvals follow the chain in date order.

    With ``as_of``, the plan has started by then (its term is in progress on a date in the year
    before) and its application, approvals and reviews are dated on or before it; the period may
    run on past ``as_of``. ``measure_codes`` replaces the national measures, e.g.
    ``codes(MEASURES, namespace="bauska")`` to include local ones.
    """
    ids = _pinned(plan_id, identifiers(prefix="plan-"))
    learner_ids = _pinned(learner_id, identifiers())
    covered = None if term is None else _pinned(term, terms())
    dates = None if as_of is None else _pinned(as_of, _as_of_dates())
    statuses = _pinned(status, st.sampled_from(PlanStatus))
    measures = codes(MEASURES) if measure_codes is None else measure_codes

    @st.composite
    def build(draw: DrawFn) -> SupportPlan:
        return _support_plan(
            draw,
            plan_id=draw(ids),
            learner_id=draw(learner_ids),
            term=None if covered is None else draw(covered),
            as_of=None if dates is None else draw(dates),
            status=draw(statuses),
            measures=measures,
        )

    return build()


# -- referrals and consents ------------------------------------------------------------------


def _referral(
    draw: DrawFn, *, referral_id: str, learner_id: str, created_on: date, consent_id: str | None
) -> Referral:
    return Referral(
        id=referral_id,
        learner_id=learner_id,
        referred_by=ReferralParty(
            institution="school",
            institution_id=_maybe(draw, lambda: "school-" + draw(_ID_TAILS)),
            role=draw(_STAFF_ROLES),
        ),
        referred_to=ReferralParty(
            institution=draw(_RECIPIENTS),
            institution_id=_maybe(draw, lambda: draw(_IDS)),
            role=_maybe(draw, lambda: draw(_ROLES)),
        ),
        reason=draw(_TEXT),
        urgency=draw(st.sampled_from(Urgency)),
        created_on=created_on,
        due=_maybe(draw, lambda: _date(draw, created_on, created_on + timedelta(days=60))),
        status=draw(st.sampled_from(TaskStatus)),
        consent_id=consent_id,
        rule=_maybe(draw, lambda: "national." + draw(_SLUGS)),
        outcome=_maybe(draw, lambda: draw(_TEXT)),
    )


def referrals(
    *,
    learner_id: Pin[str] | None = None,
    referral_id: Pin[str] | None = None,
    created_on: Pin[date] | None = None,
    consent_id: Pin[str | None] | None = None,
) -> SearchStrategy[Referral]:
    """Referrals from a school to another institution; ``due`` is never before ``created_on``.

    Unpinned, ``consent_id`` is ``None`` or an identifier.
    """
    ids = _pinned(referral_id, identifiers(prefix="ref-"))
    learner_ids = _pinned(learner_id, identifiers())
    dates = _pinned(created_on, _as_of_dates())
    consent_ids = _pinned(consent_id, st.none() | identifiers(prefix="consent-"))

    @st.composite
    def build(draw: DrawFn) -> Referral:
        return _referral(
            draw,
            referral_id=draw(ids),
            learner_id=draw(learner_ids),
            created_on=draw(dates),
            consent_id=draw(consent_ids),
        )

    return build()


def _consent(draw: DrawFn, *, consent_id: str, learner_id: str, given_on: date) -> Consent:
    start = _date(draw, given_on, given_on + timedelta(days=30))
    return Consent(
        id=consent_id,
        learner_id=learner_id,
        grantor=draw(_GRANTORS),
        purpose=draw(_TEXT),
        recipients=tuple(draw(_RECIPIENT_LISTS)),
        given_on=given_on,
        period=_period(draw, start, 366),
        withdrawn_on=_maybe(draw, lambda: _date(draw, given_on, given_on + timedelta(days=400))),
    )


def consents(
    *,
    learner_id: Pin[str] | None = None,
    consent_id: Pin[str] | None = None,
    given_on: Pin[date] | None = None,
) -> SearchStrategy[Consent]:
    """Consents to one to three recipients; the period starts on or after ``given_on`` and a
    withdrawal, if any, is not before ``given_on``."""
    ids = _pinned(consent_id, identifiers(prefix="consent-"))
    learner_ids = _pinned(learner_id, identifiers())
    dates = _pinned(given_on, _as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Consent:
        return _consent(
            draw, consent_id=draw(ids), learner_id=draw(learner_ids), given_on=draw(dates)
        )

    return build()


_FUNDED = st.builds(
    FundedSupport,
    measure=st.sampled_from(sorted(MEASURES.tagged("compensation"))),
    funder=st.sampled_from(("state", "municipality")),
    until=st.none() | _as_of_dates(),
)


def funded_supports() -> SearchStrategy[FundedSupport]:
    """Support already funded by the state or the municipality, among the compensated measures."""
    return _FUNDED


# -- the support case ------------------------------------------------------------------------


def support_cases(
    *,
    learner: Pin[Learner] | None = None,
    municipality: Pin[str] | None = None,
    programme: Pin[ProgrammeKind] | None = None,
    as_of: Pin[date] | None = None,
    measure_codes: SearchStrategy[str] | None = None,
    max_items: int = 3,
) -> SearchStrategy[SupportCase]:
    """Support cases as a host system would hold them on ``as_of``.

    The learner is of a usual age for their enrolment on ``as_of``. Observations, consents,
    referrals and plans (at most ``max_items`` of each) are dated in the year up to ``as_of``;
    only forward-looking dates (the end of a plan or consent, a referral's due date, a withdrawal)
    may fall after it. Every plan, referral and consent names the case's learner, ids are unique
    within their kind, and a referral's ``consent_id`` is ``None`` or one of the case's consents.

    ``municipality`` and ``programme`` pin the learner's enrolment (ignored when ``learner`` is
    given); ``measure_codes`` replaces the national measures in plans (see :func:`support_plans`).
    """
    pupils = None if learner is None else _pinned(learner, learners())
    places = _pinned(municipality, municipalities())
    kinds = _pinned(programme, st.sampled_from(ProgrammeKind))
    dates = _pinned(as_of, _as_of_dates())
    measures = codes(MEASURES) if measure_codes is None else measure_codes
    school_ids = identifiers(prefix="school-")
    id_tails = st.lists(_ID_TAILS, max_size=max_items, unique=True)

    def unique_ids(draw: DrawFn, prefix: str) -> list[str]:
        return [prefix + tail for tail in draw(id_tails)]

    @st.composite
    def build(draw: DrawFn) -> SupportCase:
        on = draw(dates)
        if pupils is not None:
            pupil = draw(pupils)
        else:
            enrolled = _enrolment(draw, draw(school_ids), draw(places), draw(kinds))
            pupil = _learner(draw, draw(_IDS), enrolled, on)
        year_ago = on - timedelta(days=365)

        def past() -> date:
            return _date(draw, year_ago, on)

        observed = sorted(_several(draw, past, max_items))
        observations = tuple(
            _term_observation(draw, term_containing(day), day, None) for day in observed
        )
        consent_ids = unique_ids(draw, "consent-")
        referral_ids = unique_ids(draw, "ref-")
        plan_ids = unique_ids(draw, "plan-")
        consent_refs = (None, *consent_ids)
        return SupportCase(
            learner=pupil,
            observations=observations,
            funded_elsewhere=_several(draw, lambda: draw(_FUNDED), 2),
            plans=tuple(
                _support_plan(
                    draw,
                    plan_id=pid,
                    learner_id=pupil.id,
                    term=None,
                    as_of=on,
                    status=draw(st.sampled_from(PlanStatus)),
                    measures=measures,
                )
                for pid in plan_ids
            ),
            referrals=tuple(
                _referral(
                    draw,
                    referral_id=rid,
                    learner_id=pupil.id,
                    created_on=past(),
                    consent_id=draw(st.sampled_from(consent_refs)),
                )
                for rid in referral_ids
            ),
            consents=tuple(
                _consent(draw, consent_id=cid, learner_id=pupil.id, given_on=past())
                for cid in consent_ids
            ),
        )

    return build()
