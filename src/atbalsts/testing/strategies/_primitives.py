"""The small building blocks: identifiers, municipalities, codes, personal codes, terms, periods
and legal bases."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.codes import CodeList
from atbalsts.model import BasisKind, LegalBasis, Period, Term
from atbalsts.testing import _generate as gen
from atbalsts.testing.strategies._draw import (
    BOOLS,
    ID_TAILS,
    IDS,
    MAX_DATE,
    SLUGS,
    Drawn,
    Pin,
    as_of_dates,
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

# A sampling bound, not the library's EARLIEST: unpinned old-format personal codes are for births
# from 1990 (adults among learners and signatories) to MAX_DATE.
_CODE_BIRTHS_FROM = date(1990, 1, 1)


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


@st.composite
def _personal_codes(draw: DrawFn, birth_date: SearchStrategy[date] | None) -> str:
    src = Drawn(draw)
    if birth_date is None:
        if draw(BOOLS):
            return gen.new_format_code(src)
        return gen.old_format_code(src, src.day(_CODE_BIRTHS_FROM, MAX_DATE))
    return gen.old_format_code(src, draw(birth_date))


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
    return gen.term_span(term)


def term_containing(day: date) -> Term:
    """The term in progress on ``day``; in July and August, the spring term just ended.

    The same as :meth:`atbalsts.model.observation.Term.containing`, the library's convention.
    """
    return Term.containing(day)


def periods(*, start: Pin[date] | None = None, max_days: int = 366) -> SearchStrategy[Period]:
    """Ordered periods (``end`` on or after ``start``) of at most ``max_days`` days."""
    starts = pinned(start, as_of_dates())

    @st.composite
    def build(draw: DrawFn) -> Period:
        return gen.period(Drawn(draw), draw(starts), max_days)

    return build()


def legal_bases(*, kind: Pin[BasisKind] | None = None) -> SearchStrategy[LegalBasis]:
    """Legal bases: a ``law`` or ``programme`` basis cites an act and a URL; a
    ``methodological_default`` or ``illustrative`` one says what it rests on in a note."""
    kinds = pinned(kind, st.sampled_from(BasisKind))

    @st.composite
    def build(draw: DrawFn) -> LegalBasis:
        return gen.legal_basis(Drawn(draw), draw(kinds))

    return build()
