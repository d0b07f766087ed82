"""Who is asking and what they may see: the key's principal, scope checks and the view hook."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import attrs
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from atbalsts.model import Decision, Enrolment, Referral, SupportCase
from atbalsts.privacy import Reads, ViewRole, view_decision
from atbalsts.server._keys import KeyFileError, KeyStore, Scope, ScopeKind
from atbalsts.server._logs import request_state
from atbalsts.server._problems import ApiError

__all__ = [
    "DecisionView",
    "Principal",
    "ViewContext",
    "authenticated",
    "check_keys",
    "check_role",
    "check_scope",
    "forbidden_message",
    "role_view",
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


@attrs.frozen
class ViewContext:
    """What a Decision is shown for: the key asking, the case the Decision is of (None when the
    Decision came without it, to ``/v1/explain``), the evaluation date, and the referral of the
    case the key views it as the recipient of (if any)."""

    principal: Principal
    case: SupportCase | None
    on: date
    referral: Referral | None = None
    reads: Reads | None = None
    """What the rules of the policy that made the Decision declare they read
    (:meth:`atbalsts.privacy.Reads.declared`), when the service knows them; None: the
    Decision's trace says (:meth:`atbalsts.privacy.Reads.of`)."""


#: The hook every Decision passes through before it leaves the service: it receives the
#: Decision and its :class:`ViewContext` and returns what the key may see, as a Decision or as
#: JSON-ready data. The default is :func:`role_view`; :func:`unredacted` shows everything.
DecisionView = Callable[[Decision, ViewContext], Decision | Mapping[str, Any]]


def role_view(decision: Decision, context: ViewContext) -> dict[str, Any]:
    """The default view: what the key's role may see of ``decision``
    (:func:`atbalsts.privacy.view_decision` for the role, the case's consents, the evaluation
    date and the referral, if any). A key whose role has no view gets 403."""
    principal = context.principal
    check_role(principal, role_view)
    return view_decision(
        decision,
        role=principal.role,
        referral=context.referral,
        case=context.case,
        on=context.on,
        reads=context.reads,
    )


def unredacted(decision: Decision, context: ViewContext) -> Decision:
    """The view that shows everything: the whole Decision, for every key. A deployment chooses
    it with ``create_app(view=unredacted)``, when every client may see every field."""
    return decision


_VIEW_ROLES = frozenset(role.value for role in ViewRole)


def _has_view(role: str, view: DecisionView) -> bool:
    return view is not role_view or role in _VIEW_ROLES


def check_keys(keys: KeyStore, view: DecisionView) -> None:
    """Raise :class:`KeyFileError` naming every key whose role ``view`` cannot show a Decision to
    (with :func:`role_view`: a role that is not an :class:`~atbalsts.privacy.ViewRole`)."""
    missing = [key for key in keys if not _has_view(key.role, view)]
    if not missing:
        return
    named = ", ".join(f"{key.id!r} (role {key.role!r})" for key in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    roles = ", ".join(role.value for role in ViewRole)
    raise KeyFileError(
        f"{len(missing)} API key(s) have a role without a view of the decisions: {named}{more}. "
        f"Give each a role that has one ({roles}), or build the app with another view "
        "(create_app(view=...))"
    )


def check_role(principal: Principal, view: DecisionView) -> None:
    """403 when ``view`` cannot show a Decision to the role of ``principal``."""
    if not _has_view(principal.role, view):
        raise ApiError(
            403,
            f"this key's role ({principal.role}) has no view of the decisions; ask the "
            "service's operators for a key with a role that has one",
        )


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
