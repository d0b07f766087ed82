"""Health and version: open to every caller, for load balancers and monitoring."""

from __future__ import annotations

from importlib.metadata import version as distribution_version

from fastapi import APIRouter, Request
from starlette.responses import Response

from atbalsts.model import SCHEMA_VERSION
from atbalsts.server._models import Health, PluginVersion, VersionInfo
from atbalsts.server._routes._common import json_response, registry_of, responses

__all__ = ["API_VERSION", "router"]

#: The version of this HTTP API: the OpenAPI document's `info.version`.
API_VERSION = "1.0.0"

router = APIRouter(tags=["service"])


@router.get("/health", summary="The service is up", responses=responses("Health"))
async def health(request: Request) -> Response:
    """Answers while the service runs, with how many policies loaded and how many failed."""
    registry = registry_of(request)
    body = Health(status="ok", policies=len(registry.policies), failures=len(registry.failures))
    return json_response(body)


@router.get("/version", summary="What is running", responses=responses("VersionInfo"))
async def version(request: Request) -> Response:
    """The atbalsts version, the API and document-contract versions and each loaded policy's."""
    registry = registry_of(request)
    plugins = tuple(
        PluginVersion(name=p.name, distribution=p.distribution, version=p.version)
        for p in registry.policies
    )
    body = VersionInfo(
        atbalsts=distribution_version("atbalsts"),
        api=API_VERSION,
        schema_version=SCHEMA_VERSION,
        plugins=plugins,
    )
    return json_response(body)
