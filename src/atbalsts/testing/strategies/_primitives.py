"""The small building blocks: identifiers, municipalities, codes, personal codes, terms, periods and
legal bases; and the vocabularies the documents share (subjects, fact names, roles, risk factors).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy
from stdnum.lv import pvn

from atbalsts.codes import RISK_FACTORS, ROLES, CodeList
from atbalsts.model import BasisKind, LegalBasis, Period, Term
from atbalsts.testing.strategies._draw import (
    BOOLS,
    MAX_DATE,
    TEXT,
    Pin,
    as_of_dates,
    draw_date,
    maybe,
    pinned,
)

# Public as atbalsts.testing.strategies.MUNICIPALITIES, and documented there.
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
FACT_NAMES = (
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

# Built once, at import (see _draw).
SLUGS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_DIGITS3 = st.text(alphabet="0123456789", min_size=3, max_size=3)
_DIGITS8 = st.text(alphabet="0123456789", min_size=8, max_size=8)
ID_TAILS = st.text(alphabet=_ID_REST, min_size=1, max_size=16)
IDS = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_ID_FIRST),
    st.text(alphabet=_ID_REST, max_size=16),
)
STAFF_ROLES = st.sampled_from(sorted(ROLES.tagged("school_staff")))
ALL_ROLES = st.sampled_from(ROLES.codes())
FACTORS = st.sampled_from(RISK_FACTORS.codes())
GRANTORS = st.sampled_from(("parent", "guardian", "adult_learner"))
SUBJECT_NAMES = st.sampled_from(_SUBJECTS)


def identifiers(*, prefix: str = "") -> SearchStrategy[str]:
    """Host identifiers (``Identifier``): a letter or digit, then also ``.``, ``_``, ``:``, ``-``.

    With ``prefix`` (e.g. ``"plan-"``, itself a valid start of an identifier) every identifier
    starts with it.
    """
    if prefix:
        return ID_TAILS.map(lambda rest: prefix + rest)
    return IDS


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
    return national | SLUGS.map(lambda slug: f"{namespace}:{slug}")


def _with_check_digit(body: str) -> str:
    check: str = pvn.calc_check_digit_pers(body)
    return body + check


def draw_old_format_code(draw: DrawFn, born: date) -> str:
    century = (born.year - 1800) // 100  # 0: 1800s, 1: 1900s, 2: 2000s
    return _with_check_digit(f"{born:%d%m}{born.year % 100:02d}{century}{draw(_DIGITS3)}")


def draw_new_format_code(draw: DrawFn) -> str:
    """The format issued since July 2017: "32", eight digits, a check digit."""
    return _with_check_digit("32" + draw(_DIGITS8))


@st.composite
def _personal_codes(draw: DrawFn, birth_date: SearchStrategy[date] | None) -> str:
    if birth_date is None:
        if draw(BOOLS):
            return draw_new_format_code(draw)
        return draw_old_format_code(draw, draw_date(draw, date(1990, 1, 1), MAX_DATE))
    return draw_old_format_code(draw, draw(birth_date))


def personal_codes(*, birth_date: Pin[date] | None = None) -> SearchStrategy[str]:
    """Valid Latvian personal codes (personas kods), compact: 11 digits, no hyphen.

    Without ``birth_date``: the new format (``32`` and nine digits) or the old format
    ``ddmmyyCnnnK`` for a birth date from 1990 to 2036. With ``birth_date``: the old format for
    that date (births 1800-2099), so the code agrees with it.
    """
    return _personal_codes(None if birth_date is None else pinned(birth_date, as_of_dates()))


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


def draw_period(draw: DrawFn, start: date, max_days: int) -> Period:
    return Period(start=start, end=draw_date(draw, start, start + timedelta(days=max_days)))


def periods(*, start: Pin[date] | None = None, max_days: int = 366) -> SearchStrategy[Period]:
    """Ordered periods (``end`` on or after ``start``) of at most ``max_days`` days."""
    starts = pinned(start, as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Period:
        return draw_period(draw, draw(starts), max_days)

    return build()


def draw_legal_basis(draw: DrawFn, kind: BasisKind) -> LegalBasis:
    number = draw(st.integers(1, 400_000))
    if kind is BasisKind.LAW:
        return LegalBasis(
            kind=kind,
            act=draw(st.sampled_from(_ACTS)),
            provision=maybe(draw, lambda: f"{draw(st.integers(1, 120))}. punkts"),
            url=f"https://likumi.lv/ta/id/{number}",
            note=maybe(draw, lambda: draw(TEXT)),
        )
    if kind is BasisKind.PROGRAMME:
        return LegalBasis(
            kind=kind,
            act=draw(st.sampled_from(_PROGRAMME_ACTS)),
            provision=maybe(draw, lambda: draw(TEXT)),
            url=f"https://www.pumpurs.lv/lv/dokumenti/{number}",
            note=maybe(draw, lambda: draw(TEXT)),
        )
    return LegalBasis(kind=kind, note=draw(TEXT))


def legal_bases(*, kind: Pin[BasisKind] | None = None) -> SearchStrategy[LegalBasis]:
    """Legal bases: a ``law`` or ``programme`` basis cites an act and a URL; a
    ``methodological_default`` or ``illustrative`` one says what it rests on in a note."""
    kinds = pinned(kind, st.sampled_from(BasisKind))

    @st.composite
    def build(draw: DrawFn) -> LegalBasis:
        return draw_legal_basis(draw, draw(kinds))

    return build()
