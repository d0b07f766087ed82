"""Audit events: who moved which document from which status to which, when, and why.

Every transition of a support plan, a referral or a consent (``atbalsts.workflow``) yields one
audit event. Events are chained: each names the hash of the event before it, and its own
hash covers everything else it holds, so an edited, deleted, inserted or reordered event is found
by ``atbalsts.workflow.verify_chain``. A hash is SHA-256 over the canonical JSON of RFC 8785
(JCS), written as 64 lower-case hexadecimal digits.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BeforeValidator, Field, NonNegativeInt, WithJsonSchema
from pydantic_core import PydanticCustomError

from atbalsts._time import ISO_DAY
from atbalsts.model._base import (
    CODE_MAX,
    Classification,
    Document,
    Identifier,
    IsoDate,
    Name,
    OneOf,
    Text,
    classified,
    items,
)

__all__ = ["AuditEvent", "DocumentKind", "Hash"]

#: The documents that have a lifecycle, by their names in ``atbalsts.DOCUMENTS``.
DocumentKind = Literal["support-plan", "referral", "consent"]

#: A SHA-256 hash in hexadecimal.
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hexadecimal.")]

#: An action, status or role code: lower-case letters, digits, ``_`` and ``-`` (a plugin's role
#: is ``namespace:code``).
Code = Annotated[str, Field(max_length=CODE_MAX, pattern=r"^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_]*)?$")]

#: RFC 3339's date-time (what the schema's ``format: date-time`` means): seconds always, a
#: fraction optional, the offset always. ``datetime.fromisoformat`` alone takes more (``T10Z``,
#: ``T1015Z``, and ``T10:15:00:00Z`` with its extra part dropped).
_ISO_DATETIME = re.compile(
    ISO_DAY.pattern + r"T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def _iso_datetime(value: object) -> object:
    if isinstance(value, str):
        if _ISO_DATETIME.fullmatch(value):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        raise PydanticCustomError(
            "datetime_parsing",
            "Input should be a date and time with its offset, e.g. 2025-03-03T10:15:00+02:00",
        )
    return value


#: A date and time with its offset from UTC: an ISO 8601 string (JSON) or an aware
#: :class:`datetime.datetime`.
IsoDateTime = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_datetime),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": f"^{_ISO_DATETIME.pattern}$"}
    ),
]

#: A value of an action's parameters: a scalar or a list of short texts.
_PARAM_TYPES = (
    bool
    | int
    | float
    | Text
    | None
    | Annotated[tuple[Annotated[str, Field(max_length=CODE_MAX)], ...], Field(**items(50))]
)
ParamValue = Annotated[
    _PARAM_TYPES,
    OneOf(
        "a boolean, a number, a text of at most 4000 characters, a list of at most 50 codes "
        "of at most 64 characters each, or null"
    ),
]


class AuditEvent(Document):
    """One transition of one document, chained by hash to the event before it.

    ``before`` and ``after`` are the hashes of the document before and after the transition, so
    the event proves which version it moved without carrying the document. ``params`` holds what
    the action needs besides its reason (the approval step, each goal's achievement, the support
    given, the outcome), so replaying the events over the first document gives the last one.
    ``overrides`` names the guards that refused the transition and were overridden, with
    ``reason`` saying why, or, for a municipal guard that refused a referral a legal duty
    requires, overridden by that duty (its ``lawful_basis`` in ``params``); an event without
    overrides passed every guard.
    """

    seq: NonNegativeInt = Field(description="Position in its chain, from 0.")
    document: DocumentKind = Field(description="The kind of document moved.")
    document_id: Identifier = Field(description="Its id in the host system.")
    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    action: Code = Field(description="The action, e.g. 'submit', 'approve', 'send'.")
    from_status: Code = Field(description="Lifecycle status before.")
    to_status: Code = Field(description="Lifecycle status after.")
    actor: Identifier = Field(description="Host id of the person who acted.")
    role: Code = Field(description="The role (or institution) they acted in.")
    on: IsoDate = Field(description="The day it took effect, given by the caller.")
    at: IsoDateTime | None = Field(
        default=None, description="Date and time with offset, if the caller gave one."
    )
    reason: Text | None = classified(
        Classification.SENSITIVE, "Why: a comment, a reason or an override's reason.", default=None
    )
    params: dict[Name, ParamValue] = classified(
        Classification.SENSITIVE,
        "What the action needs besides its reason (it may repeat an outcome in words).",
        default_factory=dict,
        max_length=20,
    )
    overrides: tuple[Name, ...] = Field(
        default=(), description="Guards that refused and were overridden.", **items(50)
    )
    before: Hash = Field(description="Hash of the document before.")
    after: Hash = Field(description="Hash of the document after.")
    prev: Hash | None = Field(description="Hash of the event before it; null for the first.")
    hash: Hash = Field(description="Hash of this event without this field.")
