"""Structured logs: one JSON object per line, a request id on every request, no personal data.

What is logged about a request: its id, method, route template (``/v1/schemas/{name}``, never
the path or query as sent), status, duration, the key's id and role, and for a batch the counts
of its lines. Never a body, a header value other than the request id, a query value or an
exception's message (it may quote the input): an unexpected error is logged by type and stack.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atbalsts.server._problems import problem_response

__all__ = [
    "LOGGER",
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "RequestContext",
    "log_config",
    "request_state",
]

LOGGER = logging.getLogger("atbalsts.server")
REQUEST_ID_HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: The only extra fields a log line carries: none can hold personal data.
FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "key_id",
    "role",
    "lines",
    "evaluated",
    "invalid",
    "errors",
    "refused",
    "error_type",
    "stack",
)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC), level, logger, message and :data:`FIELDS`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "info") -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` that sends the server's and uvicorn's logs to
    standard error as JSON lines (uvicorn's access log is not used: it shows paths as sent)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    loggers = {
        name: {"handlers": ["json"], "level": level.upper(), "propagate": False}
        for name in ("atbalsts.server", "uvicorn", "uvicorn.error")
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {**loggers, "uvicorn.access": {"handlers": [], "propagate": False}},
    }


def request_state(scope: Scope) -> MutableMapping[str, Any]:
    """The per-request state (``request.state``) of ``scope``."""
    state: MutableMapping[str, Any] = scope.setdefault("state", {})
    return state


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _INCOMING_ID.fullmatch(text) else None
    return None


class RequestContext:
    """ASGI middleware: gives each request an id (the client's ``X-Request-ID`` if it is short
    and plain, else a new one), echoes it, logs one line per request, and answers an unexpected
    error with a 500 problem document instead of a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        state = request_state(scope)
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # the server's safety net: logged without its message
            status = 500
            LOGGER.error(
                "unexpected error",
                extra={
                    "request_id": request_id,
                    "error_type": type(exc).__name__,
                    "stack": "".join(traceback.format_tb(exc.__traceback__)),
                },
            )
            if not response_started:
                response = problem_response(
                    500, "an unexpected error; the log names it by this request id", request_id
                )
                await response(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            extra = {
                "request_id": request_id,
                "method": scope.get("method"),
                "route": getattr(route, "path", None) or "(no route)",
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "key_id": state.get("key_id"),
                "role": state.get("role"),
                **state.get("log", {}),
            }
            LOGGER.info("request", extra=extra)
