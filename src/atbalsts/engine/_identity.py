"""Values made once from long-lived objects, kept by the object's identity.

The engine converts the same models again and again for every learner: a rule's legal basis, a
compiled rule's parameters, a fact's value shared across learners. :class:`ByIdentity` keeps
what was made from each object, keyed by the object's ``id`` and holding the object itself, so
the id cannot be reused by another object while the entry lives; when it holds ``limit``
entries it starts again, so memory stays bounded however many policies and dates a host walks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ByIdentity"]

K = TypeVar("K")
V = TypeVar("V")


class ByIdentity(Generic[V]):
    """What ``make`` gave for each key object, by the object's identity, at most ``limit``."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._entries: dict[int, tuple[object, V]] = {}

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """The value made from ``key``: ``make(key)`` the first time, then the same value."""
        found = self._entries.get(id(key))
        if found is None:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            found = self._entries[id(key)] = (key, make(key))
        return found[1]

    def clear(self) -> None:
        """Forget every value made."""
        self._entries.clear()
