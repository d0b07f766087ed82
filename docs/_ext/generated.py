"""Reference tables generated from the code at build time, so they cannot drift from it.

- ``atbalsts-cli``: the help text of the ``atbalsts`` command and of every subcommand, from
  :func:`atbalsts.cli.build_parser`.
- ``atbalsts-documents``: the top-level documents of :data:`atbalsts.DOCUMENTS`, with their model
  class, schema file and the first line of their description.
- ``atbalsts-classified-fields``: every field of every model reachable from a top-level document
  that carries a data-protection classification (``x-classification``).
"""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path
from typing import Any, get_args

from docutils import nodes
from pydantic import BaseModel
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

import atbalsts
from atbalsts.schema import DOCUMENTS

__all__ = ["setup"]

HELP_WIDTH = 88


def _fixed_width(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=HELP_WIDTH)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to list subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _literal(text: str) -> nodes.literal_block:
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


def _source_files(*modules: str) -> list[str]:
    package = Path(atbalsts.__file__ or "").resolve().parent
    return [str(package / name) for name in modules]


class CliHelp(SphinxDirective):
    """The help of ``atbalsts`` and of each subcommand, each under a rubric."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from atbalsts.cli import build_parser

        for path in _source_files("cli/__init__.py"):
            self.env.note_dependency(path)
        parser = build_parser("en")
        _fixed_width(parser)
        out: list[nodes.Node] = [_literal(parser.format_help())]
        for name, sub in _subcommands(parser).items():
            _fixed_width(sub)
            rubric = nodes.rubric("", "", nodes.literal(f"atbalsts {name}", f"atbalsts {name}"))
            rubric["ids"] = [nodes.make_id(f"cli-{name}")]
            out += [rubric, _literal(sub.format_help())]
        return out


def _class_ref(cls: type, refdoc: str) -> nodes.Node:
    target = f"{cls.__module__}.{cls.__qualname__}"
    ref = pending_xref(
        "", refdomain="py", reftype="class", reftarget=target, refdoc=refdoc, refexplicit=True
    )
    ref += nodes.literal(cls.__name__, cls.__name__)
    return ref


def _entry(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += nodes.paragraph("", "", *children)
    return entry


class DocumentTable(SphinxDirective):
    """One row per top-level document: name, model, schema file, description."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        for path in _source_files("schema.py"):
            self.env.note_dependency(path)
        columns = ["Name", "Model", "Schema file", "What it is"]
        table = nodes.table()
        table += nodes.title("", f"Top-level documents: {len(DOCUMENTS)}")
        group = nodes.tgroup(cols=len(columns))
        table += group
        for width in (16, 18, 30, 36):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for name in columns:
            row += _entry(nodes.Text(name))
        head += row
        group += head
        body = nodes.tbody()
        for name, model in sorted(DOCUMENTS.items()):
            doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
            file = f"schemas/{name}.schema.json"
            row = nodes.row()
            row += _entry(nodes.literal(name, name))
            row += _entry(_class_ref(model, self.env.docname))
            row += _entry(nodes.literal(file, file))
            row += _entry(nodes.Text(doc))
            body += row
        group += body
        return [table]


def _models(root: type[BaseModel], seen: dict[type[BaseModel], None]) -> None:
    """Every model reachable from ``root`` through its fields, depth first, in field order."""
    if root in seen:
        return
    seen[root] = None
    for field in root.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            ann = stack.pop()
            if inspect.isclass(ann) and issubclass(ann, BaseModel):
                _models(ann, seen)
            else:
                stack.extend(reversed(get_args(ann)))


def _classification(field: Any) -> str | None:
    extra = field.json_schema_extra
    value = extra.get("x-classification") if isinstance(extra, dict) else None
    return value if isinstance(value, str) else None


class ClassifiedFields(SphinxDirective):
    """Every classified field: model, field, classification, description."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        package = Path(atbalsts.__file__ or "").resolve().parent
        for path in sorted((package / "model").glob("*.py")):
            self.env.note_dependency(str(path))
        seen: dict[type[BaseModel], None] = {}
        for _, model in sorted(DOCUMENTS.items()):
            _models(model, seen)
        rows = [
            (model, name, kind, field.description or "")
            for model in seen
            for name, field in model.model_fields.items()
            if (kind := _classification(field)) is not None
        ]
        columns = ["Model", "Field", "Class", "Description"]
        table = nodes.table()
        group = nodes.tgroup(cols=len(columns))
        table += group
        for width in (20, 22, 12, 46):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for name in columns:
            row += _entry(nodes.Text(name))
        head += row
        group += head
        body = nodes.tbody()
        for model, name, kind, description in rows:
            row = nodes.row()
            row += _entry(_class_ref(model, self.env.docname))
            row += _entry(nodes.literal(name, name))
            row += _entry(nodes.strong(kind, kind))
            row += _entry(nodes.Text(description))
            body += row
        group += body
        return [table]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("atbalsts-cli", CliHelp)
    app.add_directive("atbalsts-documents", DocumentTable)
    app.add_directive("atbalsts-classified-fields", ClassifiedFields)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
