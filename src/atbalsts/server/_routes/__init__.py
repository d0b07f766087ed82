"""The service's routes, one module per concern.

To add endpoints (the work list, lifecycle transitions and audit verification land here): write a
module beside these with its own ``router`` (prefix ``/v1``, a tag of its own), add it to
:data:`ROUTERS`, give its bodies models in ``_models.py`` (reusing the library's documents), then
regenerate ``schemas/openapi.json`` (``python -m atbalsts.server openapi -o schemas/openapi.json``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from atbalsts._text import shorten
from atbalsts.server._models import FieldProblem
from atbalsts.server._problems import ApiError
from atbalsts.server._routes import batch, catalog, decisions, meta

__all__ = ["ROUTERS", "include_routes", "no_unknown_query"]

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


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def no_unknown_query(request: Request) -> None:
    """422 for a query parameter the operation does not take (a misspelt ``as_of`` must not
    silently give an answer for every date), and for one given more than once (every
    parameter takes one value: ``as_of=...&as_of=...`` must not silently decide on the last)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route.dependant)
    given = request.query_params.multi_items()
    names = [name for name, _ in given]
    problems = dict.fromkeys(sorted(set(names) - known), "unknown parameter")
    problems |= {
        name: "given more than once" for name in sorted(set(names) & known) if names.count(name) > 1
    }
    if problems:
        rows = [
            FieldProblem(path=f"query.{shorten(name, 40) or '(empty)'}", message=message)
            for name, message in list(problems.items())[:20]
        ]
        unknown = sum(message == "unknown parameter" for message in problems.values())
        repeated = len(problems) - unknown
        said = [f"{unknown} unknown"] if unknown else []
        said += [f"{repeated} repeated"] if repeated else []
        raise ApiError(422, f"{' and '.join(said)} query parameter(s)", errors=rows)


def include_routes(app: FastAPI) -> None:
    """Add every router to ``app``, each operation named by its endpoint function, refusing
    unknown query parameters."""
    for router in ROUTERS:
        app.include_router(
            router,
            generate_unique_id_function=_operation_id,
            dependencies=[Depends(no_unknown_query)],
        )
