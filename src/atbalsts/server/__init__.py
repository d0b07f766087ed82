"""The atbalsts HTTP service (the ``atbalsts[server]`` extra): an ASGI app on FastAPI.

::

    from atbalsts.server import create_app, serve

    app = create_app()  # mount it in a host's ASGI server, or:
    serve("127.0.0.1", 8000, workers=2)

Every Decision is sent as the key's role may see it (:func:`role_view`, the default view; a
deployment that must send whole Decisions builds the app with ``view=unredacted``).

Endpoints: ``POST /v1/evaluate``, ``POST /v1/batch`` (NDJSON), ``POST /v1/explain``,
``GET /v1/rules``, ``GET /v1/policies``, ``GET /v1/schemas`` and ``/v1/schemas/{name}``,
``GET /health``, ``GET /version``; the OpenAPI 3.1 document at ``/openapi.json`` (committed as
``schemas/openapi.json``). See docs/reference/http-api.md.
"""

from __future__ import annotations

from atbalsts._markers import publish
from atbalsts.server._access import DecisionView, Principal, ViewContext, role_view, unredacted
from atbalsts.server._app import create_app
from atbalsts.server._keys import (
    ENV_KEYS_FILE,
    KEY_ROLES,
    ApiKey,
    KeyFileError,
    KeyStore,
    Scope,
    ScopeKind,
    hash_key,
    load_keys,
    new_key,
)
from atbalsts.server._limits import Limits
from atbalsts.server._logs import JsonFormatter, log_config
from atbalsts.server._openapi import openapi_document, openapi_text
from atbalsts.server._routes.meta import API_VERSION
from atbalsts.server._serve import serve

__all__ = [
    "API_VERSION",
    "ENV_KEYS_FILE",
    "KEY_ROLES",
    "ApiKey",
    "DecisionView",
    "JsonFormatter",
    "KeyFileError",
    "KeyStore",
    "Limits",
    "Principal",
    "Scope",
    "ScopeKind",
    "ViewContext",
    "create_app",
    "hash_key",
    "load_keys",
    "log_config",
    "new_key",
    "openapi_document",
    "openapi_text",
    "role_view",
    "serve",
    "unredacted",
]

publish(__name__, globals(), __all__)
