"""The exception of the statistics."""

from __future__ import annotations

from collections.abc import Mapping

from atbalsts.errors import CodedByReason

__all__ = ["StatsError"]


class StatsError(CodedByReason):
    """The statistics cannot be made as asked: a file cannot be read, a grouping needs the cases
    file, the decisions and the cases do not belong together, a file is not what it is given as
    (the cases as the decisions, a role's views, a JSON array, an error file that is not one), or
    the batch's invalid and error lines are in an error file not given.

    ``str(error)`` says why in English. ``code`` names the kind of problem as a stable code
    and ``values`` what it is about (a path, a line number, a plugin: never a learner's data),
    so that a program, or the command line in Latvian, can say it in its own words; ``code``
    is None where the message has none (:class:`~atbalsts.errors.AtbalstsError`). ``os_error``
    is the operating system's error behind an unreadable file, if one."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        values: Mapping[str, str] | None = None,
        os_error: OSError | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, code=code, values=values, reason=reason)
        self.os_error = os_error
