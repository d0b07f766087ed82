"""Pins, the range of generated dates and the draw helpers every strategy shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeAlias, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

# Pin, MIN_DATE and MAX_DATE are public in atbalsts.testing.strategies, and documented there.

T = TypeVar("T")

Pin: TypeAlias = T | SearchStrategy[T]

MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2036, 12, 31)

# The reference dates ("as of") drawn when none is pinned. Every other date stays within about a
# year of its reference date, so between MIN_DATE and MAX_DATE.
_AS_OF_MIN = date(2020, 1, 1)
_AS_OF_MAX = date(2034, 6, 30)

# Strategies built once: building and validating strategies inside every draw is what makes
# nested composites slow, so the draw helpers of every module only draw from strategies built at
# import, like these (or from st.integers, which Hypothesis caches).
BOOLS = st.booleans()
TEXT = st.text(min_size=1, max_size=40)


def pinned(pin: Pin[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """``default`` when nothing is pinned, the pinned strategy, or ``just`` the pinned value."""
    if pin is None:
        return default
    if isinstance(pin, SearchStrategy):
        return pin
    return st.just(pin)


def draw_date(draw: DrawFn, lo: date, hi: date) -> date:
    """A date from ``lo`` to ``hi`` (just ``lo`` when ``hi`` is earlier)."""
    return lo + timedelta(days=draw(st.integers(0, max(0, (hi - lo).days))))


def maybe(draw: DrawFn, make: Callable[[], T]) -> T | None:
    """``None`` or ``make()`` (which draws)."""
    return make() if draw(BOOLS) else None


def several(draw: DrawFn, make: Callable[[], T], max_size: int) -> tuple[T, ...]:
    """Up to ``max_size`` results of ``make()`` (which draws)."""
    return tuple(make() for _ in range(draw(st.integers(0, max_size))))


def as_of_dates() -> SearchStrategy[date]:
    return st.dates(_AS_OF_MIN, _AS_OF_MAX)
