"""The exception of the statistics."""

from __future__ import annotations

from atbalsts.errors import AtbalstsError

__all__ = ["StatsError"]


class StatsError(AtbalstsError):
    """The statistics cannot be made as asked: a file cannot be read, a grouping needs the cases
    file, or the decisions and the cases do not belong together."""
