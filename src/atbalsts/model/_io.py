"""Parsing documents at the boundary, with errors that name every failing field path.

Validation is strict (see :class:`~atbalsts.model.Model`): what the published JSON Schema refuses,
these functions refuse, and each error names the field to correct, also for the checks that span
several fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic

from atbalsts.errors import DocumentError, FieldError

__all__ = ["field_errors", "parse_json", "parse_python"]

M = TypeVar("M", bound=pydantic.BaseModel)

#: Longest message kept in a :class:`FieldError` (a message never echoes a large input).
MESSAGE_MAX = 300
# Longest key shown in a path: an unknown key comes from the input and may be of any length.
_KEY_MAX = 64

_BOM = "\ufeff"
# pydantic's words for Python types where a host thinks in JSON.
_MESSAGES = {"tuple_type": "Input should be a valid list (a JSON array)"}
_INTERNAL = {"str", "int", "bool", "float", "date", "none", "nullable", "literal"}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-after[", "function-before[")) or part in _INTERNAL:
            continue  # pydantic's internal validator names are not field names
        else:
            name = part if len(part) <= _KEY_MAX else part[: _KEY_MAX - 1] + "…"  # unknown keys
            out += f".{name}" if out else name
    return out or "(document)"


def _short(message: str) -> str:
    return message if len(message) <= MESSAGE_MAX else message[: MESSAGE_MAX - 1] + "…"


def field_errors(exc: pydantic.ValidationError) -> list[FieldError]:
    """Turn pydantic's errors into :class:`FieldError` rows, one per failing path.

    A check that spans several fields (raised by a model validator) is reported at the field it
    names, not at the model that holds it.
    """
    rows: dict[str, FieldError] = {}
    for err in exc.errors(include_url=False, include_input=False):
        loc = tuple(err["loc"])
        ctx = err.get("ctx") or {}
        at = ctx.get("at") if isinstance(ctx, dict) else None
        message = _short(_MESSAGES.get(err["type"], err["msg"]).removeprefix("Value error, "))
        for below in at if isinstance(at, tuple) and at else ((),):
            path = _path(loc + tuple(below))
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
    """Validate JSON text as ``model``; raise :class:`~atbalsts.DocumentError` when invalid.

    A leading UTF-8 byte-order mark is ignored. Dates are ``YYYY-MM-DD`` strings; nothing is
    coerced (``"1"`` is not an integer, ``"no"`` is not a boolean).
    """
    if isinstance(data, bytes | bytearray):
        if data.startswith(_BOM.encode()):
            data = data[len(_BOM.encode()) :]
    elif data.startswith(_BOM):
        data = data[1:]
    try:
        return model.model_validate_json(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(name or model.__name__, field_errors(exc)) from None


def parse_python(model: type[M], data: Mapping[str, Any], *, name: str | None = None) -> M:
    """Validate a mapping (e.g. parsed JSON) as ``model``; raise on invalid input.

    Accepts exactly what the JSON Schema accepts, with Python's own types where JSON has none:
    a date is a ``YYYY-MM-DD`` string or a :class:`datetime.date`, a list a list or a tuple, an
    enumerated value its string or the enum member. Nothing else is coerced.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(name or model.__name__, field_errors(exc)) from None
