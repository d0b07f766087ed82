"""One failed conformance check, as a value: :class:`Problem` (public in
:mod:`atbalsts.testing.conformance`)."""

from __future__ import annotations

import attrs


@attrs.frozen
class Problem:
    """One failed check: which check, the rule or parameter (or policy) concerned, and what to fix,
    in words a municipal IT officer can act on."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"
