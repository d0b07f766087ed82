"""A field's JSON type in words, for the two field references: the docs' (reST) and
``schemas/fields.md`` (Markdown). One description of every type; the markup is the caller's."""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
import attrs
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = ["SCALARS", "FieldWords"]

SCALARS: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    dt.date: "date (YYYY-MM-DD)",
    dt.datetime: "date and time (ISO 8601)",
    AwareDatetime: "date and time with a UTC offset (ISO 8601)",
    type(None): "null",
}


@attrs.frozen
class FieldWords:
    """Describes annotations with ``code`` (inline code markup), ``link`` (a reference to an
    enumeration or a model) and ``aliases`` (atbalsts' Annotated aliases, by identity)."""

    code: Callable[[str], str]
    link: Callable[[type], str]
    aliases: Mapping[int, str]

    def constraints(self, metadata: list[Any]) -> list[str]:
        """The bounds, lengths and patterns in a field's metadata, in words."""
        out: list[str] = []
        for item in metadata:
            if isinstance(item, at.Ge):
                out.append(f"≥ {item.ge}")
            elif isinstance(item, at.Gt):
                out.append(f"> {item.gt}")
            elif isinstance(item, at.Le):
                out.append(f"≤ {item.le}")
            elif isinstance(item, at.Lt):
                out.append(f"< {item.lt}")
            elif isinstance(item, at.MinLen):
                out.append(f"at least {item.min_length} long")
            elif isinstance(item, at.MaxLen):
                out.append(f"at most {item.max_length} long")
            elif getattr(item, "pattern", None):
                out.append(f"pattern {self.code(item.pattern)}")
        return out

    def default(self, field: FieldInfo) -> str:
        """A field's default in words: ``required``, ``empty`` (made per document) or its JSON
        value."""
        if field.default_factory is not None:
            return "empty"
        if field.is_required() or field.default is PydanticUndefined:
            return "required"
        value = field.default.value if isinstance(field.default, enum.Enum) else field.default
        if value == ():
            return self.code("[]")
        return self.code("null") if value is None else self.code(repr(value))

    @staticmethod
    def classification(field: FieldInfo) -> str:
        """A field's ``x-classification``, in bold, or nothing."""
        extra = field.json_schema_extra
        if isinstance(extra, dict):
            value = extra.get("x-classification")
            if isinstance(value, str):
                return f"**{value}**"
        return ""

    def type(self, ann: Any) -> str:
        """How an annotation appears in JSON."""
        if id(ann) in self.aliases:
            return self.aliases[id(ann)]
        if ann in SCALARS:
            return SCALARS[ann]
        origin, args = get_origin(ann), get_args(ann)
        if origin is Annotated:
            base = self.type(args[0])
            extra = self.constraints(list(args[1:]))
            return f"{base}, {', '.join(extra)}" if extra else base
        if origin is Literal:
            if len(args) == 1:
                return f"always {self.code(repr(args[0]))}"
            return "one of " + ", ".join(self.code(repr(value)) for value in args)
        if origin in (Union, types.UnionType):
            kinds = [self.type(arg) for arg in args if arg is not type(None)]
            text = " or ".join(kinds)
            return f"{text} or null" if type(None) in args else text
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return f"list of {self.type(args[0])}"
        if origin is dict and len(args) == 2:
            return f"object of {self.type(args[1])}"
        if inspect.isclass(ann) and issubclass(ann, enum.Enum):
            return f"string: {self.link(ann)}"
        if inspect.isclass(ann) and issubclass(ann, BaseModel):
            return f"object: {self.link(ann)}"
        return self.code(repr(ann))
