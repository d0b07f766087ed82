"""Errors as RFC 9457 problem documents: a stable ``type`` to switch on, never an input value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.responses import Response

from atbalsts.errors import DocumentError, FieldError
from atbalsts.server._models import FieldProblem, Problem

__all__ = ["PROBLEM_MEDIA_TYPE", "ApiError", "field_problem", "invalid", "problem_response"]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_BASE = "https://atbalsts.invalid/problems/"

_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "No valid API key"),
    403: ("forbidden", "Outside the key's scope"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid", "Invalid request"),
    500: ("internal", "Internal error"),
}


class ApiError(Exception):
    """Stops a request with a problem response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[FieldProblem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = dict(headers or {})


def field_problem(error: FieldError) -> FieldProblem:
    """The row of a problem for the library's ``error``: its path, message, kind and values
    (never the input: :attr:`FieldError.values <atbalsts.errors.FieldError.values>`)."""
    return FieldProblem(
        path=error.path, message=error.message, kind=error.kind, values=dict(error.values)
    )


def invalid(err: DocumentError) -> ApiError:
    """A 422 naming every failing field of ``err``."""
    rows = [field_problem(e) for e in err.errors]
    return ApiError(422, f"{len(rows)} field(s) are invalid", errors=rows)


def problem_response(
    status: int,
    detail: str,
    request_id: str,
    *,
    errors: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The problem document for ``status`` as a response."""
    slug, title = _TITLES.get(status, ("error", "Error"))
    body = Problem(
        type=_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        request_id=request_id,
        errors=tuple(errors),
    )
    return Response(
        body.model_dump_json(),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )
