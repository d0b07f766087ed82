"""The service's routes, one module per concern.

To add endpoints (the work list, lifecycle transitions and audit verification land here): write a
module beside these with its own ``router`` (prefix ``/v1``, a tag of its own), add it to
:data:`ROUTERS`, give its bodies models in ``_models.py`` (reusing the library's documents), then
regenerate ``schemas/openapi.json`` (``python -m atbalsts.server openapi -o schemas/openapi.json``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from atbalsts.model import shown_key
from atbalsts.server._models import FieldProblem
from atbalsts.server._problems import ApiError
from atbalsts.server._routes import batch, catalog, decisions, meta

__all__ = ["ROUTERS", "include_routes", "strict_query"]

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


def _query_params(dependant: Dependant) -> dict[str, Any]:
    """The query parameters of an operation (its dependencies' too), by name: their types."""
    found = {param.alias: param.field_info.annotation for param in dependant.query_params}
    for sub in dependant.dependencies:
        found |= _query_params(sub)
    return found


#: The two values a boolean query parameter takes, as in JSON: nothing is coerced ("yes", "1",
#: "on" and "True" are not booleans), as in the bodies.
_BOOLEANS = frozenset({"true", "false"})


def strict_query(request: Request) -> None:
    """422 for a query parameter the operation does not take (a misspelt ``as_of`` must not
    silently give an answer for every date), for one given more than once (every parameter
    takes one value: ``as_of=...&as_of=...`` must not silently decide on the last), and for a
    boolean one that is not ``true`` or ``false``. An unknown parameter is named only when its
    name has the form of a field name (:func:`atbalsts.model.shown_key`): a name comes
    from the request and may be anything, a personal code included."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_params(route.dependant)
    given = request.query_params.multi_items()
    names = [name for name, _ in given]
    strangers = set(names) - set(known)
    problems = dict.fromkeys(sorted({shown_key(n) for n in strangers}), _UNKNOWN)
    problems |= {
        name: _REPEATED for name in sorted(set(names) & set(known)) if names.count(name) > 1
    }
    problems |= {
        name: _NOT_BOOLEAN
        for name, value in given
        if known.get(name) is bool and value not in _BOOLEANS and name not in problems
    }
    if problems:
        rows = [
            FieldProblem(path=f"query.{name}", message=message, kind=_KINDS[message], values={})
            for name, message in list(problems.items())[:20]
        ]
        unknown = len(strangers)  # counted before hiding: hidden names share one row
        repeated = sum(message == _REPEATED for message in problems.values())
        wrong = sum(message == _NOT_BOOLEAN for message in problems.values())
        said = [f"{unknown} unknown"] if unknown else []
        said += [f"{repeated} repeated"] if repeated else []
        said += [f"{wrong} invalid"] if wrong else []
        raise ApiError(422, f"{' and '.join(said)} query parameter(s)", errors=rows)


_UNKNOWN = "unknown parameter"
_REPEATED = "given more than once"
_NOT_BOOLEAN = "must be true or false"

#: The kind of each problem of a query, as pydantic names it where it has one (an unknown key,
#: a text that is not a boolean).
_KINDS = {_UNKNOWN: "extra_forbidden", _REPEATED: "duplicate", _NOT_BOOLEAN: "bool_parsing"}


def include_routes(app: FastAPI) -> None:
    """Add every router to ``app``, each operation named by its endpoint function, its query
    checked (:func:`strict_query`)."""
    for router in ROUTERS:
        app.include_router(
            router,
            generate_unique_id_function=_operation_id,
            dependencies=[Depends(strict_query)],
        )
