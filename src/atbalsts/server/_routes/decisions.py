"""Deciding one support case, and putting a Decision in words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from atbalsts import explain as explain_decision
from atbalsts.batch import decision_notes, latest_observation
from atbalsts.engine import PolicyRegistry
from atbalsts.errors import DocumentError, FieldError, PolicyError
from atbalsts.model import parse_json
from atbalsts.server._access import DecisionView, Principal, authenticated, check_scope
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
    notes = decision_notes(decision, case, registry, municipality)
    if notes != decision.notes:  # as `atbalsts evaluate` adds them
        decision = decision.model_copy(update={"notes": notes})
    decision = view(decision, principal)
    text = explain_decision(decision, asked.lang, policy_set.codes) if asked.explain else None
    return EvaluateResponse(decision=decision, explanation=text)


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
    policy of `municipality` (default: the learner's), as `atbalsts evaluate` gives it; with
    `explain`, also the explanation in `lang`. A key scoped to a school or a municipality
    gets 403 for a learner enrolled elsewhere."""
    body = await read_body(request, limits_of(request).max_body_bytes)
    try:
        asked = parse_json(EvaluateRequest, body, name="request body")
    except DocumentError as err:
        raise invalid(err) from None
    check_scope(principal, asked.case.learner.enrolment)
    registry, view = registry_of(request), view_of(request)
    answer = await run_in_threadpool(_decide, registry, asked, view, principal)
    return json_response(answer)


def _explained(registry: PolicyRegistry, asked: ExplainRequest) -> ExplainResponse:
    try:  # the codes of the deciding municipality name its local codes
        codes = registry.policy_set(asked.decision.policy.municipality).codes
    except PolicyError:
        codes = None
    text = explain_decision(asked.decision, asked.lang, codes)
    return ExplainResponse(lang=asked.lang, text=text)


@router.post(
    "/explain",
    summary="Put a Decision in words",
    responses=responses("ExplainResponse", 401, 413, 422),
    openapi_extra=json_body("ExplainRequest", "A Decision and the language."),
)
async def explain(request: Request, principal: Auth) -> Response:
    """The explanation of a Decision in Latvian or English, as `atbalsts evaluate` prints it."""
    body = await read_body(request, limits_of(request).max_body_bytes)
    try:
        asked = parse_json(ExplainRequest, body, name="request body")
    except DocumentError as err:
        raise invalid(err) from None
    answer = await run_in_threadpool(_explained, registry_of(request), asked)
    return json_response(answer)
