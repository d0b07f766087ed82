"""The exceptions atbalsts raises, under one root.

::

    AtbalstsError
    ├── DocumentError (also ValueError)        invalid input: every failing field path is named
    ├── UnknownNameError (also LookupError)    unknown document, code, municipality or plugin
    ├── ScaffoldError                          atbalsts new-policy cannot create the plugin
    └── PolicyError                            a policy set cannot be built or evaluated
        ├── PolicyConflict                     composition refused: names both rules and legal bases
        └── ParameterCoverageError             a rule reads a parameter with no value for some dates

Catch :class:`AtbalstsError` to handle everything the library raises on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "AtbalstsError",
    "DocumentError",
    "FieldError",
    "ParameterCoverageError",
    "PolicyConflict",
    "PolicyError",
    "UnknownNameError",
]


class AtbalstsError(Exception):
    """Root of every exception raised by atbalsts on purpose."""


@attrs.frozen
class FieldError:
    """One failing field: its path in the document, what is wrong, and the offending input."""

    path: str
    message: str
    kind: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentError(AtbalstsError, ValueError):
    """A document did not validate. ``errors`` names every failing field path."""

    def __init__(self, document: str, errors: Sequence[FieldError]) -> None:
        self.document = document
        self.errors = tuple(errors)
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(f"{document} is invalid ({len(self.errors)} error(s)):\n{lines}")

    @property
    def paths(self) -> tuple[str, ...]:
        """The failing field paths, in document order."""
        return tuple(e.path for e in self.errors)


class UnknownNameError(AtbalstsError, LookupError):
    """A name (document, code, municipality, plugin) that atbalsts does not know."""

    def __init__(self, kind: str, name: str, known: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        hint = f"; known: {', '.join(self.known)}" if self.known else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")


class PolicyError(AtbalstsError):
    """A policy set cannot be built, or (in strict mode) a plugin failed during evaluation."""


class PolicyConflict(PolicyError):
    """Composition refused: two declarations conflict.

    ``first`` and ``second`` name the two rules (or parameters) and ``bases`` their legal bases, so
    the message can be read without opening the code.
    """

    def __init__(self, reason: str, first: str, second: str, bases: Sequence[str]) -> None:
        self.reason = reason
        self.first = first
        self.second = second
        self.bases = tuple(bases)
        super().__init__(
            f"{reason}: {first!r} [{self.bases[0]}] and {second!r} [{self.bases[1]}]"
            if len(self.bases) == 2
            else f"{reason}: {first!r} and {second!r}"
        )


class ParameterCoverageError(PolicyError):
    """A parameter has no value for part of the period in which a rule that reads it is valid."""
