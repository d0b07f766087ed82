"""Request limits: how large a body and how long a batch the server accepts."""

from __future__ import annotations

import attrs

__all__ = ["Limits"]

_MIB = 1024 * 1024


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"Limits.{attribute.name} must be a positive integer")


@attrs.frozen(kw_only=True)
class Limits:
    """What one request may carry; more is refused with 413.

    ``max_body_bytes``: the body of ``/v1/evaluate`` and ``/v1/explain``, and one line of a batch.
    ``max_batch_bytes`` and ``max_batch_lines``: a whole batch (lines that are not blank).
    ``batch_prefetch_bytes``: how much of a batch is read before the first decision is sent. A
    batch found too long within it is refused with 413; found too long later, when decisions
    are already flowing with status 200, it ends with a ``BatchTooLong`` record instead.
    """

    max_body_bytes: int = attrs.field(default=_MIB, validator=_positive)
    max_batch_bytes: int = attrs.field(default=64 * _MIB, validator=_positive)
    max_batch_lines: int = attrs.field(default=10_000, validator=_positive)
    batch_prefetch_bytes: int = attrs.field(default=_MIB, validator=_positive)
