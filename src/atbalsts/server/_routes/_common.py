"""What the routes share: the app's state, bounded body reading, responses and their OpenAPI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pydantic
from fastapi import Request
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from atbalsts.engine import PolicyRegistry
from atbalsts.server._access import DecisionView
from atbalsts.server._limits import Limits
from atbalsts.server._problems import PROBLEM_MEDIA_TYPE, ApiError

__all__ = [
    "LINES_TYPES",
    "NDJSON",
    "content_length",
    "json_body",
    "json_content",
    "json_response",
    "limits_of",
    "lines_content",
    "read_body",
    "registry_of",
    "responses",
    "view_of",
]

NDJSON = "application/x-ndjson"

#: The types a batch is taken as, JSON Lines by either of its names: NDJSON's (the type of the
#: answer) and the one jsonlines.org suggests. Not ``application/json`` (one document, an array
#: of cases perhaps) nor ``application/json-seq`` (RFC 7464: each record after an RS character).
LINES_TYPES = (NDJSON, "application/jsonl")

_DESCRIPTIONS = {
    200: "OK",
    401: "No API key, or not a valid one.",
    403: "The learner is outside the key's scope, or the key's role has no view of decisions.",
    404: "No such document.",
    413: "The body (or the batch) is over the server's limit.",
    415: "The body is not sent as JSON: `Content-Type: application/json` (a charset, if any, "
    "utf-8).",
    422: "The body or a parameter is invalid: every failing field is named.",
    500: "The policy set cannot be built (a conflict between installed plugins).",
}


def registry_of(request: Request) -> PolicyRegistry:
    """The app's policy registry."""
    registry: PolicyRegistry = request.app.state.registry
    return registry


def limits_of(request: Request) -> Limits:
    """The app's request limits."""
    limits: Limits = request.app.state.limits
    return limits


def view_of(request: Request) -> DecisionView:
    """The app's view hook."""
    view: DecisionView = request.app.state.view
    return view


def content_length(request: Request, limit: int) -> None:
    """413 when the declared length is over ``limit`` bytes (before reading anything)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the body is {int(declared)} bytes; the limit is {limit}")


def _media_type(request: Request, accepted: Sequence[str], detail: str) -> None:
    """415 with ``detail`` unless the body's ``Content-Type`` is one of ``accepted`` (the
    comparison ignores case), with no charset or ``charset=utf-8``. A body sent as text or
    without a type may be a form or a file sent by mistake: it is not read on a guess."""
    media_type, *params = request.headers.get("content-type", "").split(";")
    charsets = [
        value.strip().strip('"').lower()
        for name, _, value in (param.partition("=") for param in params)
        if name.strip().lower() == "charset"
    ]
    if media_type.strip().lower() not in accepted or not set(charsets) <= _UTF8:
        raise ApiError(415, detail)


def json_content(request: Request) -> None:
    """415 unless the body is sent as JSON: ``Content-Type: application/json``, with no charset
    or ``charset=utf-8`` (JSON is UTF-8)."""
    _media_type(
        request,
        ("application/json",),
        "send the body as JSON: Content-Type: application/json (charset, if any, utf-8)",
    )


def lines_content(request: Request) -> None:
    """415 unless the body is sent as JSON Lines: a ``Content-Type`` of :data:`LINES_TYPES`,
    with no charset or ``charset=utf-8``."""
    _media_type(
        request,
        LINES_TYPES,
        "send the batch as JSON Lines: Content-Type: "
        f"{' or '.join(LINES_TYPES)} (charset, if any, utf-8)",
    )


_UTF8 = frozenset({"utf-8", "utf8"})


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes; 413 as soon as it is longer."""
    content_length(request, limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"the body is over the limit of {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "the client closed the connection before the body ended") from None
    return b"".join(chunks)


def json_response(model: pydantic.BaseModel, status: int = 200) -> Response:
    """``model`` as a JSON response."""
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


def _ref(component: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{component}"}


def json_body(component: str, description: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a JSON body: the schema component ``component``."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": _ref(component)}},
        }
    }


def responses(
    ok: str | dict[str, Any],
    *problems: int,
    media_type: str = "application/json",
    described: Mapping[int, str] | None = None,
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses: 200 with the component ``ok`` (or that schema), then a problem
    document for each status in ``problems``, described as ``described`` says or as usual."""
    descriptions = {**_DESCRIPTIONS, **(described or {})}
    schema = _ref(ok) if isinstance(ok, str) else ok
    out: dict[int | str, dict[str, Any]] = {
        200: {"description": _DESCRIPTIONS[200], "content": {media_type: {"schema": schema}}}
    }
    for status in problems:
        out[status] = {
            "description": descriptions[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}},
        }
    return out
