"""The service's routes, one module per concern.

To add endpoints (the work list, lifecycle transitions and audit verification land here): write a
module beside these with its own ``router`` (prefix ``/v1``, a tag of its own), add it to
:data:`ROUTERS`, give its bodies models in ``_models.py`` (reusing the library's documents), then
regenerate ``schemas/openapi.json`` (``python -m atbalsts.server openapi -o schemas/openapi.json``).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from atbalsts.server._routes import batch, catalog, decisions, meta

__all__ = ["ROUTERS", "include_routes"]

#: Every router, in the order of the OpenAPI document.
ROUTERS: tuple[APIRouter, ...] = (
    decisions.router,
    batch.router,
    catalog.router,
    # Later: worklist.router (the work list), lifecycle.router (plan, referral and consent
    # transitions), audit.router (audit-trail verification).
    meta.router,
)


def _operation_id(route: APIRoute) -> str:
    return route.name  # the endpoint function's name: evaluate, batch, rules, ...


def include_routes(app: FastAPI) -> None:
    """Add every router to ``app``, each operation named by its endpoint function."""
    for router in ROUTERS:
        app.include_router(router, generate_unique_id_function=_operation_id)
