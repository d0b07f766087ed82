"""A tiny Sphinx extension for the API reference of the pydantic documents.

autodoc alone shows a pydantic model as a class with no fields: pydantic keeps them in
``model_fields``, not as class attributes with docstrings. This extension

- appends a field table to every model's docstring (name, JSON type with constraints, required or
  default, classification, description), built from ``model_fields`` at build time so it cannot
  drift from the code;
- appends a value table to every enumeration's docstring, with each member's docstring if it has
  one, and keeps autodoc from listing the members a second time;
- resolves references to objects in private modules (``atbalsts.model._base.Document``) to the
  public path they are re-exported from (``atbalsts.model.Document``), where the docs describe
  them, and references to re-exports (``atbalsts.DocumentError``) to where the docs describe the
  object (``atbalsts.errors.DocumentError``);
- resolves a reference to a field of a model or an attrs class (``:attr:`Enrolment.municipality```)
  to the class, which describes it.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from typing import Annotated, Any, get_origin, get_type_hints

import attrs
from docutils import nodes
from pydantic import BaseModel
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.pycode import ModuleAnalyzer

from atbalsts._fieldwords import FieldWords
from atbalsts.model import _base
from atbalsts.model import learner as _learner

__all__ = ["setup"]

_GLOSSARY = ":doc:`/reference/glossary`"

#: Annotated aliases of atbalsts, by identity: what they mean on the wire.
_ALIASES: dict[int, str] = {
    id(_base.Identifier): "string: a host identifier (letters, digits, ``. _ : -``; 1-64)",
    id(_base.RiskFactorCode): f"string: a risk-factor code ({_GLOSSARY}) or a local code",
    id(_base.MeasureCode): f"string: a measure code ({_GLOSSARY}) or a local code",
    id(_base.RoleCode): f"string: a role code ({_GLOSSARY}) or a local code",
    id(_base.InstitutionCode): f"string: an institution code ({_GLOSSARY}) or a local code",
    id(_learner.PersonalCode): "string: a valid Latvian personal code (python-stdnum)",
}

_ESCAPE = re.compile(r"([\\*`|])|(_)(?![A-Za-z0-9])")


def _escape(text: str) -> str:
    """Escape the characters reStructuredText would read as markup in plain prose."""
    return _ESCAPE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)


def _link(cls: type) -> str:
    return f":py:class:`~{cls.__module__}.{cls.__qualname__}`"


_WORDS = FieldWords(code=lambda text: f"``{text}``", link=_link, aliases=_ALIASES)


def _field_table(model: type[BaseModel]) -> list[str]:
    fields = model.model_fields
    if not fields:
        return []
    lines = [
        "",
        ".. list-table:: Fields",
        "   :header-rows: 1",
        "   :widths: 18 30 12 12 28",
        "",
        "   * - Field",
        "     - Type",
        "     - Default",
        "     - Class",
        "     - Description",
    ]
    try:
        hints = get_type_hints(model, include_extras=True)
    except Exception:  # an unresolvable annotation: fall back to what pydantic kept
        hints = {}
    for name, field in fields.items():
        ann = hints.get(name, field.annotation)
        # pydantic merges the constraints of an Annotated type into field.metadata; describe them
        # once, with the type, and take field.metadata only for constraints given to Field().
        extra = [] if get_origin(ann) is Annotated else _WORDS.constraints(field.metadata)
        kind = _WORDS.type(ann) + (f", {', '.join(extra)}" if extra else "")
        lines += [
            f"   * - ``{name}``",
            f"     - {kind}",
            f"     - {_WORDS.default(field)}",
            f"     - {_WORDS.classification(field)}",
            f"     - {_escape(field.description or '')}",
        ]
    lines.append("")
    return lines


def _enum_docs(cls: type[enum.Enum]) -> dict[str, str]:
    try:
        found = ModuleAnalyzer.for_module(cls.__module__).find_attr_docs()
    except Exception:  # no source: no member docstrings
        return {}
    return {
        member: " ".join(" ".join(doc).split())
        for (qualname, member), doc in found.items()
        if qualname == cls.__qualname__
    }


def _value_table(cls: type[enum.Enum]) -> list[str]:
    docs = _enum_docs(cls)
    lines = [
        "",
        ".. list-table:: Values",
        "   :header-rows: 1",
        "   :widths: 30 70",
        "",
        "   * - Value",
        "     - Meaning",
    ]
    for member in cls:
        lines += [f"   * - ``{member.value}``", f"     - {_escape(docs.get(member.name, ''))}"]
    lines.append("")
    return lines


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what == "method" and name.endswith(".__init__"):
        # attrs writes "Method generated by attrs for class X." into the __init__ it generates;
        # the parameters below it say all there is.
        if len(lines) <= 2 and lines and lines[0].startswith("Method generated by attrs"):
            lines.clear()
        return
    if what != "class" or not inspect.isclass(obj):
        return
    if issubclass(obj, BaseModel):
        lines.extend(_field_table(obj))
    elif issubclass(obj, enum.Enum):
        lines.extend(_value_table(obj))


def _skip_member(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    # Enumeration members are shown in the value table; the constructor an enumeration inherits
    # is not part of its interface.
    if what == "class" and (isinstance(obj, enum.Enum) or name == "__new__"):
        return True
    return None


def _public_name(target: str) -> str | None:
    """``atbalsts.model._base.Document`` -> ``atbalsts.model.Document``; None if not private."""
    parts = target.split(".")
    if parts[0] != "atbalsts":
        return None
    public = [p for p in parts if not (p.startswith("_") and not p.startswith("__"))]
    return ".".join(public) if public != parts else None


def _lookup(path: str) -> Any:
    """The object at dotted ``path`` (module, then attributes), or None."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def _candidates(target: str, module: str | None) -> list[str]:
    """Names under which the docs may describe the object ``target`` names.

    Tried in order: the public path of a private one; the object's own ``__module__`` and
    ``__qualname__`` (for re-exports such as ``atbalsts.DocumentError``, and for names relative
    to the current module), and its public path.
    """
    out: list[str] = []
    public = _public_name(target)
    if public:
        out.append(public)
    for path in (target, f"{module}.{target}" if module else None):
        if not path or not path.startswith("atbalsts"):
            continue
        obj = _lookup(path)
        name = getattr(obj, "__qualname__", None)
        owner = getattr(obj, "__module__", None)
        if isinstance(name, str) and isinstance(owner, str) and owner.startswith("atbalsts"):
            canonical = f"{owner}.{name}"
            out += [canonical, _public_name(canonical) or canonical]
    return [name for name in dict.fromkeys(out) if name != target]


def _has_field(cls: Any, field: str) -> bool:
    if not inspect.isclass(cls):
        return False
    if issubclass(cls, BaseModel):
        return field in cls.model_fields
    return attrs.has(cls) and field in attrs.fields_dict(cls)


def _model_field(
    env: BuildEnvironment, app: Sphinx, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """``:attr:`Enrolment.municipality``` -> the model's entry, whose table lists the field.

    pydantic keeps fields in ``model_fields`` and attrs in ``__attrs_attrs__``, not as documented
    attributes, so a reference to a field resolves to its class (only when the class really has
    that field).
    """
    if node.get("reftype") != "attr" or "." not in node["reftarget"]:
        return None
    owner, field = node["reftarget"].rsplit(".", 1)
    domain = env.domains["py"]
    matches = domain.find_obj(env, node.get("py:module"), None, owner, "class", 1)
    for fullname, _ in matches:
        model = _lookup(fullname)
        if _has_field(model, field):
            specific = node.deepcopy()
            specific["reftype"] = "class"
            specific["reftarget"] = fullname
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, "class", fullname, specific, contnode
            )
    return None


def _missing_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    if node.get("refdomain") != "py":
        return None
    domain = env.domains["py"]
    target = node["reftarget"]
    field = _model_field(env, app, node, contnode)
    if field is not None:
        return field
    for name in _candidates(target, node.get("py:module")):
        found = domain.resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], name, node, contnode
        )
        if found is not None:
            return found
    if "." not in target and not node.get("refspecific"):
        # A bare name in a docstring of a private module (``FieldError`` in atbalsts.model._io):
        # search every documented object for it, as the ``.FieldError`` syntax would.
        specific = node.deepcopy()
        specific["refspecific"] = True
        return domain.resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], target, specific, contnode
        )
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the handlers."""
    app.setup_extension("sphinx.ext.autodoc")
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("missing-reference", _missing_reference)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
