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
from atbalsts.server._access import (
    DecisionView,
    Principal,
    ViewContext,
    authenticated,
    check_role,
    check_scope,
)
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
        raise ApiError(422, "give as_of", errors=[FieldProblem(path="as_of", message=message)])
    referral = _referral(case, asked.referral_id)
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
    data = shown.model_dump(mode="json") if isinstance(shown, Decision) else shown
    return EvaluateResponse(decision=data, explanation=text)


def _referral(case: SupportCase, referral_id: str | None) -> Referral | None:
    """The case's referral ``referral_id`` (None for None); 422 when the case has none such."""
    if referral_id is None:
        return None
    for referral in case.referrals:
        if referral.id == referral_id:
            return referral
    message = "the case has no referral with this id (case.referrals[].id)"
    rows = [FieldProblem(path="referral_id", message=message)]
    raise ApiError(422, "the referral is not in the case", errors=rows)


def _under(prefix: str, err: DocumentError) -> DocumentError:
    rows = [FieldError(f"{prefix}.{e.path}", e.message, e.kind) for e in err.errors]
    return DocumentError(err.document, rows)


@router.post(
    "/evaluate",
    summary="Decide one support case",
    responses=responses("EvaluateResponse", 401, 403, 413, 422, 500),
    openapi_extra=json_body("EvaluateRequest", "The support case and how to decide it."),
)
async def evaluate(request: Request, principal: Auth) -> Response:
    """The Decision for the case on `as_of` (default: the latest observation's date) under the
    policy of `municipality` (default: the learner's), as `atbalsts evaluate` gives it, shown as
    the key's role may see it: the role's view (`atbalsts.privacy.view_decision`), with a `view`
    object that says whose it is. With `referral_id`, a key whose role receives that referral of
    the case also sees what the referral's purpose needs of what it shares, while its consent is
    in force on the evaluation date. With `explain`, also the explanation in `lang`, made only of
    what the view shows. A key scoped to a school or a municipality gets 403 for a learner
    enrolled elsewhere, and so does a key whose role has no view."""
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
    context = ViewContext(principal, None, asked.decision.as_of)
    shown = shown_data(view, asked.decision, context)
    text = explain_shown(shown, asked.lang, codes, principal.role)
    return ExplainResponse(lang=asked.lang, text=text)


@router.post(
    "/explain",
    summary="Put a Decision in words",
    responses=responses("ExplainResponse", 401, 403, 413, 422),
    openapi_extra=json_body("ExplainRequest", "A Decision and the language."),
)
async def explain(request: Request, principal: Auth) -> Response:
    """The explanation of a whole Decision in Latvian or English, as `atbalsts evaluate` prints
    it, made only of what the key's role may see of the Decision (its view, as `/v1/evaluate`
    returns it). To put the view `/v1/evaluate` returned in words, ask it with `explain`."""
    body = await read_body(request, limits_of(request).max_body_bytes)
    try:
        asked = parse_json(ExplainRequest, body, name="request body")
    except DocumentError as err:
        raise invalid(err) from None
    view = view_of(request)
    check_role(principal, view)
    answer = await run_in_threadpool(_explained, registry_of(request), asked, view, principal)
    return json_response(answer)
