"""Parsing documents at the boundary, with errors that name every failing field path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic

from atbalsts.errors import DocumentError, FieldError

__all__ = ["field_errors", "parse_json", "parse_python"]

M = TypeVar("M", bound=pydantic.BaseModel)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("function-after[") or part in {"str", "int", "bool", "float"}:
            continue  # pydantic's internal validator names are not field names
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


def field_errors(exc: pydantic.ValidationError) -> list[FieldError]:
    """Turn pydantic's errors into :class:`FieldError` rows, one per failing path."""
    rows: dict[str, FieldError] = {}
    for err in exc.errors(include_url=False):
        path = _path(tuple(err["loc"]))
        message = err["msg"].removeprefix("Value error, ")
        if path in rows:  # a union reports each branch; keep the first message per path
            continue
        rows[path] = FieldError(path=path, message=message, kind=err["type"])
    # An invalid only item also makes its list "too short"; report the item, not the echo.
    return [
        row
        for row in rows.values()
        if not (row.kind == "too_short" and any(other.startswith(row.path + "[") for other in rows))
    ]


def parse_json(model: type[M], data: str | bytes, *, name: str | None = None) -> M:
    """Validate JSON text as ``model``; raise :class:`~atbalsts.DocumentError` when invalid."""
    try:
        return model.model_validate_json(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(name or model.__name__, field_errors(exc)) from None


def parse_python(model: type[M], data: Mapping[str, Any], *, name: str | None = None) -> M:
    """Validate a mapping (e.g. parsed JSON) as ``model``; raise on invalid input."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(name or model.__name__, field_errors(exc)) from None
