"""The HTTP API reference, rendered from the committed OpenAPI document at build time.

``atbalsts-openapi PATH`` reads ``PATH`` (relative to the page; ``schemas/openapi.json``) and
renders, per operation, its summary and description, whether it needs a key, its parameters, its
request body and its responses, then the fields of the API's own bodies. It reads the file only:
no network, no import of the server (whose extra the docs build does not need).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup"]

_REF = "#/components/schemas/"
_METHODS = ("get", "post", "put", "patch", "delete")


def _text(text: str) -> list[nodes.Node]:
    """``text`` with its `code spans` as literals (the descriptions are CommonMark)."""
    out: list[nodes.Node] = []
    for number, part in enumerate(" ".join(text.split()).split("`")):
        if part:
            out.append(nodes.literal(part, part) if number % 2 else nodes.Text(part))
    return out


def _paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", *_text(text))


def type_of(schema: dict[str, Any]) -> str:
    """A short name of the type ``schema`` describes: a component's name, ``list of X``, ..."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(_REF)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            names = [type_of(s) for s in schema[key]]
            if "null" in names and len(names) == 2:
                return f"{next(n for n in names if n != 'null')} or null"
            return " | ".join(dict.fromkeys(names))
    kind = schema.get("type")
    if kind == "array":
        return f"list of {type_of(schema.get('items', {}))}"
    if "const" in schema:
        return json.dumps(schema["const"])
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    if kind == "string" and "format" in schema:
        return f"string ({schema['format']})"
    if isinstance(kind, str):
        return kind
    return "any JSON value"


def _table(headers: list[str], rows: list[list[list[nodes.Node]]]) -> nodes.table:
    table = nodes.table(classes=["longtable"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += nodes.entry("", nodes.paragraph(header, header))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph("", "", *cell))
        body += row
    return table


def _code(text: str) -> list[nodes.Node]:
    return [nodes.literal(text, text)]


def _content(content: dict[str, Any]) -> list[nodes.Node]:
    parts: list[nodes.Node] = []
    for media_type, media in content.items():
        if parts:
            parts.append(nodes.Text("; "))
        parts += [*_code(type_of(media.get("schema", {}))), nodes.Text(f" ({media_type})")]
    return parts or [nodes.Text("(empty)")]


class OpenApiReference(SphinxDirective):
    """Operations and API bodies of the OpenAPI document at the given path."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        path = (Path(self.env.doc2path(self.env.docname)).parent / self.arguments[0]).resolve()
        self.env.note_dependency(str(path))
        document = json.loads(path.read_text(encoding="utf-8"))
        out: list[nodes.Node] = [
            _paragraph(f"API version {document['info']['version']}, OpenAPI {document['openapi']}.")
        ]
        for route, operations in document["paths"].items():
            for method in _METHODS:
                if method in operations:
                    out += self._operation(method, route, operations[method])
        out += self._bodies(document)
        return out

    def _operation(self, method: str, route: str, op: dict[str, Any]) -> list[nodes.Node]:
        title = f"{method.upper()} {route}"
        rubric = nodes.rubric("", "", nodes.literal(title, title))
        rubric["ids"] = [nodes.make_id(f"http-{op['operationId']}")]
        out: list[nodes.Node] = [rubric, _paragraph(op.get("summary", ""))]
        if op.get("description"):
            out += [_paragraph(block) for block in op["description"].split("\n\n")]
        key = "an API key" if op.get("security") else "no key"
        out.append(_paragraph(f"Needs {key}. Operation id: `{op['operationId']}`."))
        parameters = op.get("parameters", [])
        if parameters:
            rows = [
                [
                    _code(p["name"]),
                    [nodes.Text(p["in"])],
                    [nodes.Text("yes" if p.get("required") else "no")],
                    _code(type_of(p.get("schema", {}))),
                    _text(p.get("description", "")),
                ]
                for p in parameters
            ]
            out.append(_table(["Parameter", "In", "Required", "Type", "Description"], rows))
        body = op.get("requestBody")
        if body:
            needed = "" if body.get("required") else " (optional)"
            out.append(
                nodes.paragraph(
                    "",
                    "",
                    nodes.strong("Body", "Body"),
                    nodes.Text(f"{needed}: "),
                    *_content(body.get("content", {})),
                    nodes.Text(". "),
                    *_text(body.get("description", "")),
                )
            )
        rows = [
            [_code(status), _content(response.get("content", {})), _text(response["description"])]
            for status, response in op["responses"].items()
        ]
        out.append(_table(["Status", "Body", "When"], rows))
        return out

    def _bodies(self, document: dict[str, Any]) -> list[nodes.Node]:
        schemas = document["components"]["schemas"]
        library = _library_names()
        found: list[str] = []
        documents: set[str] = set()

        def visit(node: Any) -> None:
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith(_REF):
                    name = ref.removeprefix(_REF)
                    if name in library:
                        documents.add(name)
                    elif name not in found:
                        found.append(name)
                        visit(schemas[name])
                for value in node.values():
                    visit(value)
            elif isinstance(node, list):
                for item in node:
                    visit(item)

        visit(document["paths"])
        listed = ", ".join(f"`{name}`" for name in sorted(documents))
        out: list[nodes.Node] = [
            _paragraph(
                f"The library's documents used as they are: {listed}. Their fields are in the "
                "models reference and their schemas under `schemas/`. The API's own bodies:"
            )
        ]
        for name in sorted(found):
            schema = schemas[name]
            rubric = nodes.rubric("", "", nodes.literal(name, name))
            rubric["ids"] = [nodes.make_id(f"http-body-{name}")]
            out += [rubric, _paragraph(schema.get("description", ""))]
            required = set(schema.get("required", ()))
            rows = [
                [
                    _code(field),
                    _code(type_of(spec)),
                    [nodes.Text("yes" if field in required else "no")],
                    _text(spec.get("description", "")),
                ]
                for field, spec in schema.get("properties", {}).items()
            ]
            if rows:
                out.append(_table(["Field", "Type", "Required", "Description"], rows))
        return out


def _library_names() -> set[str]:
    """The names of the library's documents and of every definition inside them."""
    from atbalsts.schema import DOCUMENTS, json_schema

    names = set()
    for name, model in DOCUMENTS.items():
        names.add(model.__name__)
        names.update(json_schema(name).get("$defs", {}))
    return names


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the ``atbalsts-openapi`` directive."""
    app.add_directive("atbalsts-openapi", OpenApiReference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
