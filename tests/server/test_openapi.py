"""The OpenAPI document: committed and current, and made of the library's own JSON Schemas."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from jsonschema import Draft202012Validator  # noqa: E402

from atbalsts import Decision, PolicyRegistry, SupportCase, json_schema  # noqa: E402
from atbalsts.batch import latest_observation  # noqa: E402
from atbalsts.model import parse_json  # noqa: E402
from atbalsts.privacy import ViewRole, schema_names, view_decision, view_schema  # noqa: E402
from atbalsts.schema import DOCUMENTS  # noqa: E402
from atbalsts.server import openapi_document, openapi_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "openapi.json"
EXAMPLES = ROOT / "examples"
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
    assert schemas["EvaluateResponse"]["properties"]["decision"]["anyOf"] == [
        {"$ref": "#/components/schemas/DecisionView"},
        {"$ref": "#/components/schemas/Decision"},
    ]
    batch = openapi_document()["paths"]["/v1/batch"]["post"]["responses"]["200"]
    assert batch["content"]["application/x-ndjson"]["schema"] == {
        "$ref": "#/components/schemas/BatchLine"
    }
    line = schemas["BatchLine"]
    assert line["oneOf"][:2] == [
        {"$ref": "#/components/schemas/DecisionView"},
        {"$ref": "#/components/schemas/Decision"},
    ]


_document = functools.cache(openapi_document)


def _validator(component: str) -> Any:
    """A validator of the OpenAPI component ``component``, every component as a definition."""
    from jsonschema import Draft202012Validator

    schemas = _document()["components"]["schemas"]
    schema = {**_inline(schemas[component]), "$defs": _inline(schemas)}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@functools.cache
def _decisions() -> list[tuple[SupportCase, Decision]]:
    registry = PolicyRegistry.load()
    out = []
    for path in sorted(EXAMPLES.glob("*.json")):
        case = parse_json(SupportCase, path.read_text(encoding="utf-8"))
        on = latest_observation(case)
        assert on is not None
        out.append((case, registry.evaluate(case, on)))
    return out


@pytest.mark.parametrize("role", [r.value for r in ViewRole])
def test_every_role_view_of_a_decision_is_valid_against_the_decision_view(role: str) -> None:
    union = _validator("DecisionView")
    own = Draft202012Validator(view_schema(f"decision.{role}"))
    for case, decision in _decisions():
        shown = view_decision(decision, role=role, case=case, on=decision.as_of)
        assert [e.message for e in union.iter_errors(shown)] == [], case.learner.id
        assert [e.message for e in own.iter_errors(shown)] == [], case.learner.id


@pytest.mark.parametrize("name", [n for n in schema_names() if n.startswith("decision.")])
def test_the_decision_view_holds_every_property_of_every_view(name: str) -> None:
    schemas = _document()["components"]["schemas"]
    published = view_schema(name)
    assert set(published["properties"]) <= set(schemas["DecisionView"]["properties"])
    for def_name, definition in published.get("$defs", {}).items():
        component = schemas.get(f"{def_name}View", schemas[def_name])
        assert set(definition.get("properties", {})) <= set(component.get("properties", {}))


def test_a_whole_decision_is_not_a_view_and_a_view_is_not_a_decision() -> None:
    case, decision = _decisions()[0]
    whole = decision.model_dump(mode="json")
    shown = view_decision(decision, role="psychologist", case=case, on=decision.as_of)
    assert not _validator("DecisionView").is_valid(whole)
    assert not _validator("Decision").is_valid(shown)
    assert _validator("Decision").is_valid(whole)
    assert _validator("EvaluateResponse").is_valid({"decision": shown})
    assert _validator("EvaluateResponse").is_valid({"decision": whole})


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
