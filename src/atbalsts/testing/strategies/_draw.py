"""Pins, the range of generated dates, and the Hypothesis source the builders draw from."""

from __future__ import annotations

from datetime import date
from typing import TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from atbalsts.testing._generate import Source

# Pin, MIN_DATE and MAX_DATE are public in atbalsts.testing.strategies, and documented there.

T = TypeVar("T")

Pin: TypeAlias = T | SearchStrategy[T]

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2036, 12, 31)

# The reference dates ("as of") drawn when none is pinned. Every other date stays within about a
# year of its reference date, so between MIN_DATE and MAX_DATE.
_AS_OF_MIN = date(2020, 1, 1)
_AS_OF_MAX = date(2034, 6, 30)

_ID_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_ID_REST = _ID_FIRST + "._:-"

# Strategies built once: building and validating strategies inside every draw is what makes
# nested composites slow, so the source draws only from strategies built at import, like these
# (or from st.integers, which Hypothesis caches).
BOOLS = st.booleans()
TEXT = st.text(min_size=1, max_size=40)
SLUGS = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
ID_TAILS = st.text(alphabet=_ID_REST, min_size=1, max_size=16)
IDS = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_ID_FIRST),
    st.text(alphabet=_ID_REST, max_size=16),
)


class Drawn(Source):
    """The builders' choices drawn from Hypothesis, so that generated documents shrink."""

    def __init__(self, draw: DrawFn) -> None:
        self._draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(st.integers(lo, hi))

    def boolean(self) -> bool:
        return self._draw(BOOLS)

    def number(self, lo: float = -1e6, hi: float = 1e6) -> float:
        return self._draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))

    def text(self) -> str:
        return self._draw(TEXT)

    def slug(self) -> str:
        return self._draw(SLUGS)

    def identifier(self, prefix: str = "") -> str:
        return prefix + self._draw(ID_TAILS) if prefix else self._draw(IDS)


def pinned(pin: Pin[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """``default`` when nothing is pinned, the pinned strategy, or ``just`` the pinned value."""
    if pin is None:
        return default
    if isinstance(pin, SearchStrategy):
        return pin
    return st.just(pin)


def pin(value: Pin[T] | None) -> SearchStrategy[T] | None:
    """The pinned strategy (``just`` a pinned value), or ``None`` when nothing is pinned."""
    if value is None:
        return None
    return value if isinstance(value, SearchStrategy) else st.just(value)


def as_of_dates() -> SearchStrategy[date]:
    return st.dates(_AS_OF_MIN, _AS_OF_MAX)
