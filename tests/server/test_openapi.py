"""The OpenAPI document: committed and current, and made of the library's own JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from atbalsts import json_schema  # noqa: E402
from atbalsts.schema import DOCUMENTS  # noqa: E402
from atbalsts.server import openapi_document, openapi_text  # noqa: E402

COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"
REGENERATE = ".venv/bin/python -m atbalsts.server openapi -o schemas/openapi.json"
OPEN = {("/health", "get"), ("/version", "get")}


def test_committed_document_is_up_to_date() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing; run `{REGENERATE}` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        f"{COMMITTED} is stale: run `{REGENERATE}` and commit the result"
    )


def test_the_service_serves_the_committed_document(base_url: str) -> None:
    assert httpx.get(f"{base_url}/openapi.json").json() == json.loads(
        COMMITTED.read_text(encoding="utf-8")
    )


def _inline(node: Any) -> Any:
    """``node`` with component references turned back into ``#/$defs`` ones."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and value.startswith("#/components/schemas/"):
                value = "#/$defs/" + value.removeprefix("#/components/schemas/")
            out[key] = _inline(value)
        return out
    if isinstance(node, list):
        return [_inline(item) for item in node]
    return node


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_schema_is_the_library_schema(name: str) -> None:
    components = openapi_document()["components"]["schemas"]
    library = json_schema(name)
    model = DOCUMENTS[name].__name__
    rebuilt = _inline(components[model])
    expected = {k: v for k, v in library.items() if k not in ("$schema", "$id", "$defs")}
    assert rebuilt == expected
    for def_name, definition in library.get("$defs", {}).items():
        assert _inline(components[def_name]) == definition, def_name


def test_api_bodies_reference_the_documents() -> None:
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["EvaluateRequest"]["properties"]["case"] == {
        "$ref": "#/components/schemas/SupportCase",
        "description": "The support case.",
    }
    assert schemas["EvaluateResponse"]["properties"]["decision"]["$ref"] == (
        "#/components/schemas/Decision"
    )


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    paths = openapi_document()["paths"]
    return [(p, m, op) for p, ops in paths.items() for m, op in ops.items()]


def test_every_v1_operation_needs_a_key_and_says_401() -> None:
    for path, method, operation in _operations():
        if (path, method) in OPEN:
            assert "security" not in operation
            continue
        assert operation["security"] == [{"apiKey": []}], path
        assert "401" in operation["responses"], path


def test_every_reference_resolves() -> None:
    document = openapi_document()
    schemas = document["components"]["schemas"]
    text = json.dumps(document)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}
    assert refs
    assert refs <= set(schemas)
    assert document["openapi"] == "3.1.0"
