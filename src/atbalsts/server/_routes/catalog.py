"""What the service knows: rules in force, installed policies and the documents' JSON Schemas."""

from __future__ import annotations

import difflib
import functools
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from atbalsts.errors import PolicyError
from atbalsts.model import Failure
from atbalsts.policy import PolicyInfo, Rule
from atbalsts.privacy import schema_names, view_schema_text
from atbalsts.schema import DOCUMENTS, json_schema
from atbalsts.server._access import Principal, authenticated
from atbalsts.server._models import (
    IsoDate,
    MunicipalitySlug,
    PoliciesResponse,
    PolicySummary,
    RulesResponse,
    RuleSummary,
    SchemaLink,
    SchemaList,
)
from atbalsts.server._problems import ApiError
from atbalsts.server._routes._common import json_response, registry_of, responses

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["catalog"])

Auth = Annotated[Principal, Depends(authenticated)]


def _rule(rule: Rule, plugin: str) -> RuleSummary:
    return RuleSummary(
        id=rule.id,
        kind=rule.kind.value,
        plugin=plugin,
        title=rule.title,
        legal_basis=rule.legal_basis,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        mandatory=rule.mandatory,
        overrides=rule.overrides,
        params=tuple(rule.params),
        reads=tuple(rule.reads),
        measures=rule.measures,
    )


def _policy(p: PolicyInfo) -> PolicySummary:
    return PolicySummary(
        name=p.name,
        title=p.title,
        municipality=p.municipality,
        atvk=p.atvk,
        national=p.national,
        distribution=p.distribution,
        version=p.version,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
    )


@router.get(
    "/rules",
    summary="Rules of a policy set, with their legal basis",
    responses=responses("RulesResponse", 401, 422, 500),
)
async def rules(
    request: Request,
    principal: Auth,
    municipality: Annotated[
        MunicipalitySlug | None,
        Query(description="Include this municipality's policy (default: national only)."),
    ] = None,
    as_of: Annotated[
        IsoDate | None, Query(description="Only rules in force on this date (default: all).")
    ] = None,
) -> Response:
    """The rules of the national baseline plus `municipality`'s policy, each with its plugin
    and legal basis; with `as_of`, only those in force that day. A municipality no loaded
    policy governs is not refused (the national baseline decides for it alone): `notes` then
    holds `no_municipal_policy`, as a Decision's notes do, with `detail.closest` when a loaded
    municipality is near (a misspelling)."""
    registry = registry_of(request)

    def listed() -> RulesResponse:
        try:
            policy_set = registry.policy_set(municipality)
        except PolicyError as err:
            raise ApiError(500, f"the policy set cannot be built: {err}") from None
        found = policy_set.rules_in_force(as_of)
        rows = tuple(_rule(rule, plugin) for rule, plugin in found)
        notes = policy_set.notes_on(as_of)
        return RulesResponse(municipality=municipality, as_of=as_of, rules=rows, notes=notes)

    return json_response(await run_in_threadpool(listed))


@router.get(
    "/policies",
    summary="Installed policies, versions and validity",
    responses=responses("PoliciesResponse", 401),
)
async def policies(request: Request, principal: Auth) -> Response:
    """Every loaded policy, and every plugin that failed to load (with the stage and error)."""
    registry = registry_of(request)
    failures: tuple[Failure, ...] = registry.failures
    body = PoliciesResponse(
        policies=tuple(_policy(p) for p in registry.policies), failures=failures
    )
    return json_response(body)


@router.get(
    "/schemas",
    summary="The documents and views with a JSON Schema",
    responses=responses("SchemaList", 401),
)
async def schemas(principal: Auth) -> Response:
    """The name of every document (as in `atbalsts schema`) and where its schema is, then every
    role's view of a document (`decision.ROLE`, `support-case.ROLE`; a referral's recipient:
    `decision.referral-PURPOSE`), as committed under `schemas/views/`."""
    names = [*sorted(DOCUMENTS), *schema_names()]
    links = tuple(SchemaLink(name=n, href=f"/v1/schemas/{n}") for n in names)
    return json_response(SchemaList(schemas=links))


@router.get(
    "/schemas/{name}",
    summary="A document's JSON Schema (draft 2020-12)",
    responses=responses({"type": "object"}, 401, 404, 422),
)
async def schema(
    principal: Auth,
    name: Annotated[
        str,
        Path(
            description="The document, e.g. 'support-case', or a role's view of one, e.g. "
            "'decision.class_teacher'.",
            max_length=64,
        ),
    ],
) -> Response:
    """The JSON Schema of the document `name`, the same as `atbalsts schema NAME` prints and
    as committed under `schemas/`; or of the view `name` (`decision.class_teacher`), as
    committed under `schemas/views/`. Every name served is listed at `/v1/schemas`. An unknown
    name gets 404, which repeats it only when it is close to a served name (and names that
    one); a name over 64 characters gets 422 naming `path.name`."""
    if name in _VIEWS:
        return Response(_view_text(name), media_type="application/json")
    if name not in DOCUMENTS:
        raise ApiError(404, _unknown(name))
    document = json_schema(name)
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return Response(text, media_type="application/json")


_VIEWS = frozenset(schema_names())
_NAMES = (*sorted(DOCUMENTS), *schema_names())


def _unknown(name: str) -> str:
    """The 404 of a schema name the service does not serve: the name is repeated only when it is
    close to a served one (a misspelling, named with it), never else, as the library names an
    unknown key (:func:`atbalsts.model.shown_key`): what a client sent may be anything."""
    close = difflib.get_close_matches(name, _NAMES, n=1, cutoff=0.8)
    where = "/v1/schemas lists every document and view with a schema"
    if close:
        return f"no schema is called {name!r}; did you mean {close[0]!r}? {where}"
    return f"no document or view has a schema by this name; {where}"


_view_text = functools.cache(view_schema_text)
