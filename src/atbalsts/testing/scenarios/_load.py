"""Reading a scenario file: TOML, then the models of :mod:`._format`, then the cross-scenario
checks, then each merged case as a SupportCase. Every problem names the file, the scenario and the
key path; no message repeats a value of the file beyond a short name or key."""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import Any

import attrs
import pydantic
from pydantic.fields import FieldInfo

from atbalsts.errors import DocumentError, FieldError
from atbalsts.model import SupportCase, error_values, parse_python
from atbalsts.testing.scenarios._format import (
    NO_SCENARIO,
    PATTERN_MESSAGES,
    Expect,
    ScenarioFileTable,
)

__all__ = ["Scenario", "deep_merge", "load_scenarios"]

_HEADER = re.compile(r"^\s*\[\[\s*scenario\s*\]\]\s*(#.*)?$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SHOWN = 40  # characters of a name or key a message repeats, at most
_TOML_AT = re.compile(r"\(at line (?P<line>[0-9]+), column (?P<column>[0-9]+)\)")


@attrs.frozen
class Scenario:
    """One scenario of a file: the merged case, the date, the policy set and the expectations."""

    file: Path
    """The file it was read from."""
    name: str
    """Its name, unique in the file (the pytest item name)."""
    as_of: date
    """The evaluation date."""
    municipality: str | None
    """Evaluate under this municipality's policy set; ``None``: the learner's municipality."""
    case: SupportCase
    """The support case (defaults merged with the scenario's own case)."""
    expect: Expect
    """What the decision must show."""
    line: int | None = None
    """Line of its ``[[scenario]]`` header in the file, when it can be found."""
    xfail: str | None = None
    """Why the scenario is expected to fail (a known bug, with the issue that tracks it); the
    pytest plugin marks it ``xfail(strict=True)``, so it fails again once the bug is fixed."""
    measures: tuple[str, ...] = ()
    """Measures the scenario asks verdicts on besides those of the plan in force (passed to
    :meth:`~atbalsts.PolicySet.evaluate` as ``measures``)."""

    @property
    def policy_municipality(self) -> str:
        """The municipality whose policy set decides: the scenario's, else the learner's."""
        return self.municipality or self.case.learner.enrolment.municipality


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged onto ``base``: tables (mappings) merge key by key, recursively; any
    other value, arrays included, replaces the value in ``base``. Neither input is changed."""
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


def load_scenarios(path: str | PathLike[str]) -> list[Scenario]:
    """Read and validate the scenarios of one ``*.scenarios.toml`` file.

    Each scenario's case is its ``case`` table deep-merged onto ``defaults.case`` (see
    :func:`deep_merge`) and parsed as a :class:`~atbalsts.SupportCase`.

    Raises :class:`~atbalsts.DocumentError`: for a file that is not TOML, unknown keys (outside the
    case), a missing or duplicate name, a missing ``as_of``, a value of the wrong type (every such
    problem of the file is listed), or a case that does not validate (the error names the file,
    the scenario and each failing field path of the case).
    """
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_AT.search(str(exc))
        at = {"line": where["line"], "column": where["column"]} if where else {}
        error = FieldError("(file)", f"not valid TOML: {exc}", "toml", at)
        raise DocumentError(f"scenario file {file}", [error]) from None
    errors: list[FieldError] = []
    try:
        parsed: ScenarioFileTable | None = ScenarioFileTable.model_validate(data)
    except pydantic.ValidationError as exc:
        parsed = None
        errors.extend(_field_errors(exc, data))
    errors.extend(_across_scenarios(data))
    if errors or parsed is None:
        raise DocumentError(f"scenario file {file}", errors)

    defaults = parsed.defaults
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]
    tables = parsed.scenario
    lines: list[int | None] = list(headers) if len(headers) == len(tables) else [None] * len(tables)
    scenarios = []
    for table, line in zip(tables, lines, strict=True):
        as_of = table.as_of or defaults.as_of
        assert as_of is not None  # checked by _across_scenarios
        case = deep_merge(defaults.case, table.case)
        scenarios.append(
            Scenario(
                file=file,
                name=table.name,
                as_of=as_of,
                municipality=table.municipality or defaults.municipality,
                case=parse_python(SupportCase, case, name=f"{file}: scenario {table.name!r}: case"),
                expect=table.expect,
                line=line,
                xfail=table.xfail,
                measures=table.measures,
            )
        )
    return scenarios


# --- what no single table can check --------------------------------------------------------------


def _across_scenarios(data: Mapping[str, Any]) -> list[FieldError]:
    """Unique names, and a date for every scenario: checked on the raw tables, so that they are
    reported together with any type error."""
    tables, defaults = data.get("scenario"), data.get("defaults")
    if not isinstance(tables, list):
        return []
    dated = isinstance(defaults, Mapping) and "as_of" in defaults
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for i, table in enumerate(tables):
        if not isinstance(table, Mapping):
            continue
        where = f"scenario[{i}]{_label(table)}"
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            continue  # reported as missing: one problem per nameless table
        if name in seen:
            earlier = f"scenario[{seen[name]}]"
            message = f"duplicate name, already used by {earlier}"
            errors.append(FieldError(f"{where}.name", message, "duplicate", {"earlier": earlier}))
        else:
            seen[name] = i
        if "as_of" not in table and not dated:
            message = "is required here or in [defaults]: the evaluation date"
            errors.append(FieldError(f"{where}.as_of", message, "missing"))
    return errors


# --- pydantic's errors, in the words of the file -------------------------------------------------


def _short(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…")


def _label(table: object) -> str:
    """`` ('name')`` after ``scenario[i]`` when the table has a usable name."""
    name = table.get("name") if isinstance(table, Mapping) else None
    return f" ({_short(name)})" if isinstance(name, str) and name.strip() else ""


def _path(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """``scenario[0] ('name').expect.verdicts."bauska:club".eligible``: TOML keys, quoted when
    they are not bare keys."""
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            tables = data.get("scenario")
            if loc[:1] == ("scenario",) and i == 1 and isinstance(tables, list):
                out += _label(tables[part]) if part < len(tables) else ""
        else:
            bare = _BARE_KEY.match(part) and len(part) <= _SHOWN
            key = part if bare else _short(part).replace("'", '"')
            out += f".{key}" if out else key
    return out or "(file)"


def _layers(annotation: Any) -> tuple[int, type[pydantic.BaseModel] | None]:
    """How many arrays or tables wrap the model in a field's type, and that model."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _layers(args[0])
    if origin in (typing.Union, types.UnionType):
        found = [_layers(a) for a in args if a is not type(None)]
        return next((f for f in found if f[1] is not None), (0, None))
    if origin in (tuple, list, dict):
        depth, model = _layers(args[-1] if origin is dict else args[0])
        return depth + 1, model
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return 0, annotation
    return 0, None


def _field_at(
    loc: tuple[int | str, ...],
) -> tuple[type[pydantic.BaseModel] | None, FieldInfo | None]:
    """The model a path ends in (or ``None``), and the field it names last."""
    model: type[pydantic.BaseModel] | None = ScenarioFileTable
    field = None
    skip = 0
    for part in loc:
        if skip:
            skip -= 1
            continue
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None, None
        field = model.model_fields[part]
        skip, model = _layers(field.annotation)
    return model, field


def _toml_type(value: object) -> str:
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (datetime, "a date-time"),
        (date, "a date"),
        (time, "a time"),
        (list, "an array"),
        (dict, "a table"),
    ]
    return next((name for kind, name in kinds if isinstance(value, kind)), "another value")


def _message(error: Any, loc: tuple[int | str, ...]) -> str:
    kind, found = error["type"], _toml_type(error.get("input"))
    if kind == "extra_forbidden":
        model, _ = _field_at(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        key = str(loc[-1])
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {_short(key)}{hint}; allowed: {', '.join(allowed)}"
    if kind == "missing" and loc == ("scenario",):
        return NO_SCENARIO
    if kind == "missing" and error["msg"] == "Field required":
        _, field = _field_at(loc)
        described = field.description if field and field.description else ""
        return "is required" + (f": {described[0].lower()}{described[1:]}" if described else "")
    messages = {
        "date_type": f"must be a TOML date such as 2025-03-03, not {found}",
        "bool_type": f"must be true or false, not {found}",
        "string_type": f"must be a string, not {found}",
        "dict_type": f"must be a table, not {found}",
        "model_type": f"must be a table, not {found}",
        "string_too_short": "must not be empty",
        "enum": f"must be one of {error.get('ctx', {}).get('expected', '')}",
    }
    if kind == "string_pattern_mismatch":
        return PATTERN_MESSAGES.get(error["ctx"]["pattern"], "has the wrong form")
    return messages.get(kind, str(error["msg"]))


def _field_errors(exc: pydantic.ValidationError, data: Mapping[str, Any]) -> list[FieldError]:
    rows: dict[str, FieldError] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = _path(loc, data)
        row = FieldError(path, _message(error, loc), error["type"], error_values(error))
        rows.setdefault(path, row)
    return list(rows.values())
