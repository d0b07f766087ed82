"""The ASGI application."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from atbalsts.engine import PolicyRegistry
from atbalsts.model import error_values
from atbalsts.server._access import DecisionView, check_keys, role_view
from atbalsts.server._keys import KeyStore, load_keys
from atbalsts.server._limits import Limits
from atbalsts.server._logs import LOGGER, RequestContext, request_state
from atbalsts.server._models import FieldProblem
from atbalsts.server._openapi import openapi_document
from atbalsts.server._problems import ApiError, problem_response
from atbalsts.server._routes import include_routes

__all__ = ["create_app"]


@functools.cache
def _document() -> dict[str, Any]:
    return openapi_document()


def _request_id(request: Request) -> str:
    return str(request_state(request.scope).get("request_id", "-"))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem_response(
        exc.status, exc.detail, _request_id(request), errors=exc.errors, headers=exc.headers
    )


#: What a client does about the router's own refusals, in the place of their bare titles.
_ROUTER_DETAILS = {
    404: "no such path: the paths are listed in /openapi.json (none ends in '/')",
    405: "this path does not take this method: the Allow header lists the methods it takes",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "the request cannot be answered"
    detail = _ROUTER_DETAILS.get(exc.status_code, detail)
    return problem_response(exc.status_code, detail, _request_id(request), headers=exc.headers)


def _path(loc: tuple[Any, ...]) -> str:
    where = {"query": "query", "path": "path", "header": "header"}.get(str(loc[0]), "")
    parts = [str(p) for p in loc[1:]] if where else [str(p) for p in loc]
    return ".".join([where, *parts]) if where else ".".join(parts)


async def _invalid_parameters(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    rows = [
        # the kind and values as the library gives them: pydantic's constraint, never the input
        FieldProblem(
            path=_path(tuple(e["loc"])), message=e["msg"], kind=e["type"], values=error_values(e)
        )
        for e in exc.errors()
    ]
    return problem_response(
        422, f"{len(rows)} parameter(s) are invalid", _request_id(request), errors=rows
    )


def create_app(
    registry: PolicyRegistry | None = None,
    keys: KeyStore | str | Path | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so one shared default is safe)
    *,
    view: DecisionView = role_view,
) -> FastAPI:
    """The atbalsts HTTP service as an ASGI application.

    ``registry``: the policies to decide with (default: :meth:`PolicyRegistry.load`, once).
    ``keys``: the API keys accepted, or the path of a key file (default: the file named by
    ``ATBALSTS_API_KEYS_FILE``; without one, every ``/v1`` request is refused with 401).
    ``limits``: body and batch limits. ``view``: the hook every Decision passes through before
    it is sent (:data:`DecisionView`). The default, :func:`role_view`, sends what the key's
    role may see; :func:`unredacted` sends whole Decisions.

    Raises :class:`KeyFileError` naming every key whose role ``view`` has no view for (with
    :func:`role_view`: a role that is not an :class:`atbalsts.privacy.ViewRole`).
    """
    store = keys if isinstance(keys, KeyStore) else load_keys(keys)
    check_keys(store, view)
    registry = PolicyRegistry.load() if registry is None else registry
    if not len(store):
        LOGGER.warning("no API keys are configured: every /v1 request will be refused with 401")
    app = FastAPI(
        title="atbalsts HTTP API",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # no redirect from /v1/evaluate/ to /v1/evaluate: behind a TLS proxy it sent clients an
        # absolute http:// URL (and a POST's body is not sent again everywhere); a 404 instead
        redirect_slashes=False,
    )
    app.openapi = _document  # type: ignore[method-assign]
    app.state.registry = registry
    app.state.keys = store
    app.state.limits = limits
    app.state.view = view
    include_routes(app)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_parameters)
    app.add_middleware(RequestContext)
    return app
