"""Deciding one support case, and putting a Decision in words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from atbalsts.batch import latest_observation
from atbalsts.engine import PolicyRegistry
from atbalsts.errors import DocumentError, FieldError, PolicyError
from atbalsts.model import Decision, Referral, SupportCase, parse_json
from atbalsts.privacy import RECIPIENTS, ViewRole
from atbalsts.server._access import (
    DecisionView,
    Principal,
    ViewContext,
    authenticated,
    check_role,
    check_scope,
)
from atbalsts.server._keys import ScopeKind
from atbalsts.server._models import (
    EvaluateRequest,
    EvaluateResponse,
    ExplainRequest,
    ExplainResponse,
    FieldProblem,
)
from atbalsts.server._problems import ApiError, invalid
from atbalsts.server._routes._common import (
    json_body,
    json_content,
    json_response,
    limits_of,
    read_body,
    registry_of,
    responses,
    view_of,
)
from atbalsts.server._views import explain_shown, shown_data

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["decisions"])

Auth = Annotated[Principal, Depends(authenticated)]


def _decide(
    registry: PolicyRegistry, asked: EvaluateRequest, view: DecisionView, principal: Principal
) -> EvaluateResponse:
    case = asked.case
    as_of = asked.as_of or latest_observation(case)
    if as_of is None:
        message = "required: the case has no observations to take the date from"
        row = FieldProblem(path="as_of", message=message, kind="missing", values={})
        raise ApiError(422, "give as_of", errors=[row])
    referral = _referral(case, asked.referral_id, principal)
    municipality = asked.municipality or case.learner.enrolment.municipality
    try:
        policy_set = registry.policy_set(municipality)
    except PolicyError as err:  # a conflict between installed plugins: the service's fault
        raise ApiError(500, f"the policy set cannot be built: {err}") from None
    try:
        decision = policy_set.evaluate(case, as_of, strict=asked.strict)
    except DocumentError as err:  # e.g. a local code no policy of the set declares
        raise invalid(_under("case", err)) from None
    except PolicyError as err:  # strict: a plugin or rule failed
        raise ApiError(422, f"strict evaluation refused: {err}") from None
    context = ViewContext(principal, case, decision.as_of, referral)
    shown = shown_data(view, decision, context)
    text = None
    if asked.explain:  # made of what was shown, never of the whole Decision
        text = explain_shown(shown, asked.lang, policy_set.codes, principal.role)
    if isinstance(shown, Decision):
        data = shown.model_dump(mode="json", exclude=None if asked.trace else {"trace"})
        if not asked.trace:
            data["trace"] = []
    else:
        data = shown if asked.trace else {k: v for k, v in shown.items() if k != "trace"}
    return EvaluateResponse(decision=data, explanation=text)


def _referral(case: SupportCase, referral_id: str | None, principal: Principal) -> Referral | None:
    """The case's referral ``referral_id`` (None for None); 422 when the case has none such,
    and when the key's role is not its recipient: ``referral_id`` asks for the recipient's view
    of the decision, which would take the place of the role's own (and of the duties its own
    records raise)."""
    if referral_id is None:
        return None
    referral = next((r for r in case.referrals if r.id == referral_id), None)
    if referral is None:
        message = "the case has no referral with this id (case.referrals[].id)"
        rows = [
            FieldProblem(path="referral_id", message=message, kind="unknown_referral", values={})
        ]
        raise ApiError(422, "the referral is not in the case", errors=rows)
    if not _receives(principal.role, referral):
        message = (
            f"this key's role ({principal.role}) does not receive this referral: referral_id "
            "is for the system of the referral's recipient (referred_to); leave it out for the "
            "role's own view"
        )
        role = {"role": principal.role}
        rows = [
            FieldProblem(path="referral_id", message=message, kind="not_recipient", values=role)
        ]
        raise ApiError(422, "the key's role is not the referral's recipient", errors=rows)
    return referral


def _receives(role: str, referral: Referral) -> bool:
    """Whether ``role`` is the recipient of ``referral``: the institution it is sent to is one
    whose referrals the role receives (:data:`atbalsts.privacy.RECIPIENTS`), or it is sent to
    the role itself."""
    to = referral.referred_to
    if to.role == role:
        return True
    institutions = RECIPIENTS.get(ViewRole(role), frozenset()) if role in _VIEW_ROLES else ()
    return to.institution in institutions


_VIEW_ROLES = frozenset(role.value for role in ViewRole)


def _under(prefix: str, err: DocumentError) -> DocumentError:
    rows = [FieldError(f"{prefix}.{e.path}", e.message, e.kind, e.values) for e in err.errors]
    return DocumentError(err.document, rows)


@router.post(
    "/evaluate",
    summary="Decide one support case",
    responses=responses("EvaluateResponse", 401, 403, 413, 415, 422, 500),
    openapi_extra=json_body("EvaluateRequest", "The support case and how to decide it."),
)
async def evaluate(request: Request, principal: Auth) -> Response:
    """The Decision for the case on `as_of` (default: the latest observation's date) under the
    policy of `municipality` (default: the learner's), as `atbalsts evaluate` gives it, shown as
    the key's role may see it: the role's view (`atbalsts.privacy.view_decision`), with a `view`
    object that says whose it is. With `explain`, also the explanation in `lang`, made only of
    what the view shows. With `trace: false`, without the trace (most of the answer). A key
    scoped to a school or a municipality gets 403 for a learner enrolled elsewhere, and so does
    a key whose role has no view.

    `referral_id` is for the system of a referral's recipient: a key whose role receives that
    referral of the case sees the decision as its recipient, with what the referral's purpose
    needs of what it shares while its consent is in force on the evaluation date (schema
    `decision.referral-PURPOSE`). A key of another role gets 422 naming `referral_id`."""
    json_content(request)
    body = await read_body(request, limits_of(request).max_body_bytes)
    try:
        asked = parse_json(EvaluateRequest, body, name="request body")
    except DocumentError as err:
        raise invalid(err) from None
    check_scope(principal, asked.case.learner.enrolment)
    registry, view = registry_of(request), view_of(request)
    check_role(principal, view)
    answer = await run_in_threadpool(_decide, registry, asked, view, principal)
    return json_response(answer)


def _explained(
    registry: PolicyRegistry, asked: ExplainRequest, view: DecisionView, principal: Principal
) -> ExplainResponse:
    try:  # the codes of the deciding municipality name its local codes
        codes = registry.policy_set(asked.decision.policy.municipality).codes
    except PolicyError:
        codes = None
    context = ViewContext(principal, asked.case, asked.decision.as_of)
    shown = shown_data(view, asked.decision, context)
    text = explain_shown(shown, asked.lang, codes, principal.role)
    return ExplainResponse(lang=asked.lang, text=text)


#: The one problem of a role's view sent to /v1/explain in the place of a whole Decision.
NOT_A_DECISION = (
    "explain needs a whole Decision; for a role's view ask /v1/evaluate with explain=true"
)


def _explain_request(body: bytes) -> ExplainRequest:
    """The request, or 422: one problem for a role's view (it has ``view``) sent as the
    Decision, naming every failing field otherwise."""
    try:
        return parse_json(ExplainRequest, body, name="request body")
    except DocumentError as err:
        if any(e.path == "decision.view" and e.kind == "extra_forbidden" for e in err.errors):
            message = "a role's view (it has `view`), not a whole Decision"
            rows = [
                FieldProblem(path="decision", message=message, kind="not_a_decision", values={})
            ]
            raise ApiError(422, NOT_A_DECISION, errors=rows) from None
        raise invalid(err) from None


def _case_of(asked: ExplainRequest, principal: Principal) -> None:
    """422 when the case sent is not the Decision's learner's, or when a key scoped to a
    municipality or a school sends no case (the Decision does not say where its learner is
    enrolled); 403 when the case's learner is outside the key's scope."""
    case = asked.case
    if case is None:
        if principal.scope.kind is not ScopeKind.NATIONAL:
            message = (
                "required with a key scoped to a municipality or a school: the Decision does "
                "not say where its learner is enrolled; send the case it was made from"
            )
            rows = [FieldProblem(path="case", message=message, kind="missing", values={})]
            raise ApiError(422, "send the case with the Decision", errors=rows)
        return
    if case.learner.id != asked.decision.learner_id:
        message = "not the Decision's learner (decision.learner_id): send the case it was made from"
        rows = [
            FieldProblem(path="case.learner.id", message=message, kind="other_learner", values={})
        ]
        raise ApiError(422, "the case is not the Decision's", errors=rows)
    check_scope(principal, case.learner.enrolment)


@router.post(
    "/explain",
    summary="Put a Decision in words",
    responses=responses("ExplainResponse", 401, 403, 413, 415, 422),
    openapi_extra=json_body("ExplainRequest", "A whole Decision, the case, and the language."),
)
async def explain(request: Request, principal: Auth) -> Response:
    """The explanation of a whole Decision in Latvian or English, as `atbalsts evaluate` prints
    it, made only of what the key's role may see of the Decision (its view, as `/v1/evaluate`
    returns it). A role's view is not a whole Decision: sent here, it gets one 422 problem; to
    put the view `/v1/evaluate` returned in words, ask `/v1/evaluate` with `explain`.

    `case` is the support case the Decision was made from (the same `learner.id`). A key scoped
    to a municipality or a school must send it (422 without it): its learner's enrolment is
    checked as `/v1/evaluate` checks it (403 outside the key's scope). Without the case, a role
    sees only what the Decision alone lets it see: the duties the role's own records raise (the
    report of a threat the class teacher recorded) are shown only with the case."""
    json_content(request)
    body = await read_body(request, limits_of(request).max_body_bytes)
    asked = _explain_request(body)
    _case_of(asked, principal)
    view = view_of(request)
    check_role(principal, view)
    answer = await run_in_threadpool(_explained, registry_of(request), asked, view, principal)
    return json_response(answer)
