"""Who is asking and what they may see: the key's principal, scope checks and the view hook."""

from __future__ import annotations

from collections.abc import Callable

import attrs
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from atbalsts.model import Decision, Enrolment
from atbalsts.server._keys import KeyStore, Scope, ScopeKind
from atbalsts.server._logs import request_state
from atbalsts.server._problems import ApiError

__all__ = [
    "DecisionView",
    "Principal",
    "authenticated",
    "check_scope",
    "forbidden_message",
    "unredacted",
]

_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An atbalsts API key: `Authorization: Bearer atb_<id>_<secret>`.",
)


@attrs.frozen
class Principal:
    """The key a request came with: its id, role and scope."""

    key_id: str
    role: str
    scope: Scope


#: The hook for role views: it receives every Decision before it leaves the service, with the
#: principal asking, and returns what that principal may see. Role views (redaction) land in a
#: later release; until then the default, :func:`unredacted`, returns the Decision as it is.
DecisionView = Callable[[Decision, Principal], Decision]


def unredacted(decision: Decision, principal: Principal) -> Decision:
    """The view that shows everything (the default until role views land)."""
    return decision


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="atbalsts"'})


def authenticated(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_BEARER),  # noqa: B008
) -> Principal:
    """The principal of the request's key; 401 without a valid key."""
    if credentials is None:
        raise _unauthorized("send an API key: Authorization: Bearer <key>")
    keys: KeyStore = request.app.state.keys
    record = keys.authenticate(credentials.credentials)
    if record is None:
        raise _unauthorized("the API key is not valid")
    state = request_state(request.scope)
    state["key_id"] = record.id
    state["role"] = record.role
    return Principal(record.id, record.role, record.scope)


def check_scope(principal: Principal, enrolment: Enrolment) -> None:
    """403 unless the learner with ``enrolment`` is inside the key's scope."""
    if not principal.scope.covers(enrolment):
        raise ApiError(403, forbidden_message(principal))


def forbidden_message(principal: Principal) -> str:
    """Why a learner is refused to ``principal`` (names the scope, never the learner)."""
    field = "school_id" if principal.scope.kind is ScopeKind.SCHOOL else "municipality"
    return f"the learner's enrolment.{field} is outside this key's scope ({principal.scope})"
