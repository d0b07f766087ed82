"""The field reference of the documents as Markdown, for vendors who do not build the docs.

``atbalsts schema -o schemas`` writes it as ``schemas/fields.md`` beside the JSON Schemas, and a
test keeps the committed copy current. It says what the docs' model reference says (built from
``model_fields``): for every document, a table of its fields, then one for each model it
contains, and the values of each enumeration.
"""

from __future__ import annotations

import ast
import enum
import inspect
import itertools
import re
import textwrap
from collections.abc import Iterator
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel

from atbalsts._fieldwords import FieldWords
from atbalsts.model import learner, plan, referral
from atbalsts.schema import DOCUMENTS

__all__ = ["field_reference"]

_GLOSSARY = "a code of the code lists (`atbalsts` glossary) or a plugin's local code `name:code`"

#: Annotated aliases of atbalsts, by identity: what they mean on the wire. They are defined in a
#: private module; the document modules that use them hold them too.
_ALIASES: dict[int, str] = {
    id(vars(module)[name]): meaning
    for module, name, meaning in (
        (plan, "Identifier", "string: a host identifier (letters, digits, `. _ : -`; 1-64)"),
        (plan, "RiskFactorCode", f"string: a risk-factor code, {_GLOSSARY}"),
        (plan, "MeasureCode", f"string: a measure code, {_GLOSSARY}"),
        (plan, "RoleCode", f"string: a role code, {_GLOSSARY}"),
        (referral, "InstitutionCode", f"string: an institution code, {_GLOSSARY}"),
        (learner, "PersonalCode", "string: a valid Latvian personal code"),
    )
}


_ROLE = re.compile(r":[a-z:]+:`~?([^`<]+?)(?: <[^>]*>)?`")


def _markdown(text: str) -> str:
    """reStructuredText of a docstring as Markdown: roles and double backquotes as code."""
    text = _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    return text.replace("``", "`")


def _cell(text: str) -> str:
    """``text`` in one Markdown table cell: one line, ``|`` escaped."""
    return " ".join(_markdown(text).split()).replace("|", "\\|")


def _link(cls: type) -> str:
    return f"[`{cls.__name__}`](#{cls.__name__.lower()})"


_WORDS = FieldWords(code=lambda text: f"`{text}`", link=_link, aliases=_ALIASES)


def _hints(model: type[BaseModel]) -> dict[str, Any]:
    try:
        return get_type_hints(model, include_extras=True)
    except Exception:  # an unresolvable annotation: fall back to what pydantic kept
        return {}


def _classes(ann: Any) -> Iterator[type]:
    """The models and enumerations an annotation names, in order."""
    if inspect.isclass(ann) and issubclass(ann, BaseModel | enum.Enum):
        yield ann
        return
    for arg in get_args(ann):
        yield from _classes(arg)


def _reachable(model: type[BaseModel]) -> list[type]:
    """``model`` and every model and enumeration it contains, depth first, each once."""
    seen: dict[type, None] = {}

    def walk(cls: type) -> None:
        if cls in seen:
            return
        seen[cls] = None
        if issubclass(cls, BaseModel):
            hints = _hints(cls)
            for name, field in cls.model_fields.items():
                for inner in _classes(hints.get(name, field.annotation)):
                    walk(inner)

    walk(model)
    return list(seen)


def _doc(cls: type) -> str:
    """The first paragraph of a class's docstring, on one line."""
    text = inspect.cleandoc(cls.__doc__ or "")
    return _markdown(" ".join(text.split("\n\n")[0].split()))


def _model_table(model: type[BaseModel]) -> list[str]:
    lines = ["| Field | Type | Default | Class | Description |", "|---|---|---|---|---|"]
    hints = _hints(model)
    for name, field in model.model_fields.items():
        ann = hints.get(name, field.annotation)
        extra = [] if get_origin(ann) is Annotated else _WORDS.constraints(field.metadata)
        kind = _WORDS.type(ann) + (f", {', '.join(extra)}" if extra else "")
        cells = (
            f"`{name}`",
            kind,
            _WORDS.default(field),
            _WORDS.classification(field),
            field.description,
        )
        lines.append("| " + " | ".join(_cell(c or "") for c in cells) + " |")
    return lines


def _member_docs(cls: type[enum.Enum]) -> dict[str, str]:
    """The docstring under each member of ``cls`` in its source (none without the source)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.targets[0].id] = after.value.value
    return docs


def _enum_table(cls: type[enum.Enum]) -> list[str]:
    docs = _member_docs(cls)
    lines = ["| Value | Meaning |", "|---|---|"]
    lines += [
        f"| `{_cell(str(member.value))}` | {_cell(docs.get(member.name, ''))} |" for member in cls
    ]
    return lines


def field_reference(name: str | None = None) -> str:
    """The field reference of the document ``name`` (default: of every document) as Markdown."""
    names = [name] if name else sorted(DOCUMENTS)
    lines = [
        "# Field reference",
        "",
        "Generated from the models by `atbalsts schema -o schemas`; do not edit. Each document's",
        "JSON Schema is `NAME.schema.json` in this directory. *Class* marks the fields that carry",
        "personal or sensitive data (`x-classification` in the schemas). A model that several",
        "documents contain is described under the first of them.",
        "",
    ]
    lines += [f"- [`{n}`](#{n}): {_doc(DOCUMENTS[n])}" for n in names]
    described: set[type] = set()
    for document in names:
        model = DOCUMENTS[document]
        lines += ["", f"## {document}", "", f"JSON Schema: `{document}.schema.json`."]
        for cls in _reachable(model):
            if cls in described:
                continue
            described.add(cls)
            lines += ["", f"### {cls.__name__}", ""]
            doc = _doc(cls)
            if doc:
                lines += [doc, ""]
            if issubclass(cls, BaseModel):
                lines += _model_table(cls)
            elif issubclass(cls, enum.Enum):
                lines += _enum_table(cls)
    return "\n".join(lines) + "\n"
