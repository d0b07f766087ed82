"""Dated parameters with a legal reference per value, shipped as TOML in the plugin."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import attrs
import pydantic

from atbalsts.errors import DocumentError, FieldError, PolicyError
from atbalsts.model._io import field_errors
from atbalsts.model.risk import LegalBasis

__all__ = ["Change", "Parameter", "ParameterValue", "ValueType", "load_parameters"]

Scalar = bool | int | float | str


class ValueType(StrEnum):
    """The type of a parameter's values."""

    INTEGER = "integer"
    """A whole number (never a boolean)."""
    NUMBER = "number"
    """A number, whole or not."""
    FLAG = "flag"
    """True or false."""
    TEXT = "text"
    """A string, e.g. a code."""


def _type_of(value: Scalar) -> ValueType:
    if isinstance(value, bool):
        return ValueType.FLAG
    if isinstance(value, int):
        return ValueType.INTEGER
    if isinstance(value, float):
        return ValueType.NUMBER
    return ValueType.TEXT


#: The lower bound of a numeric parameter that declares none: every numeric parameter of the
#: baseline counts lessons, days, grades or years, none of which is negative.
DEFAULT_MINIMUM = 0


class Change(StrEnum):
    """How a municipal plugin may change a national parameter."""

    FIXED = "fixed"
    """Not at all."""
    STRICTER = "stricter"
    """Only in its stricter direction (``stricter = "lower"`` or ``"higher"``)."""
    FREE = "free"
    """Freely."""


@attrs.frozen
class ParameterValue:
    """A value in force from ``valid_from`` until the next value, with its legal reference."""

    valid_from: date
    value: Scalar
    reference: LegalBasis
    plugin: str


@attrs.frozen
class Parameter:
    """A dated parameter: its values ordered by date, and how others may change it.

    ``description`` and ``unit`` are English; ``description_lv`` and ``unit_lv`` say the same in
    Latvian when the declaration gives them (:meth:`description_in` and :meth:`unit_in` choose).
    """

    id: str
    description: str
    unit: str
    change: Change
    stricter: str | None
    values: tuple[ParameterValue, ...]
    plugin: str
    explicit_policy: bool = False
    """True when the declaration said itself how the parameter may change (``change`` or
    ``stricter``); a plugin re-declaring a national parameter may not."""
    type: ValueType | None = None
    """The type of every value (declared, or that of the values). None only for a plugin's
    re-declaration of another plugin's parameter, which takes the declaration's type."""
    minimum: float | None = None
    """The smallest value allowed (numbers only; inclusive)."""
    maximum: float | None = None
    """The largest value allowed (numbers only; inclusive)."""
    description_lv: str = ""
    """The description in Latvian; empty when the declaration gives none."""
    unit_lv: str = ""
    """The unit in Latvian; empty when the declaration gives none."""

    def description_in(self, lang: str) -> str:
        """The description in ``lang`` ("lv" or "en"): English where no Latvian is declared."""
        return self.description_lv if lang == "lv" and self.description_lv else self.description

    def unit_in(self, lang: str) -> str:
        """The unit in ``lang`` ("lv" or "en"): English where no Latvian is declared."""
        return self.unit_lv if lang == "lv" and self.unit_lv else self.unit

    def problem(self, value: Scalar) -> str | None:
        """Why ``value`` is not a valid value of this parameter, or None when it is."""
        if self.type is None:
            return None
        found = _type_of(value)
        if found is not self.type and not (
            self.type is ValueType.NUMBER and found is ValueType.INTEGER
        ):
            return f"is of type {found.value}, not {self.type.value}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if self.minimum is not None and value < self.minimum:
            return f"is below the minimum {_num(self.minimum)}"
        if self.maximum is not None and value > self.maximum:
            return f"is above the maximum {_num(self.maximum)}"
        return None

    def at(self, day: date) -> ParameterValue | None:
        """The value in force on ``day``, or None before the first value."""
        found: ParameterValue | None = None
        for value in self.values:
            if value.valid_from <= day:
                found = value
            else:
                break
        return found

    def stricter_or_equal(self, candidate: Scalar, floor: Scalar) -> bool:
        """True when ``candidate`` is at least as strict as ``floor``."""
        if self.change is Change.FREE:
            return True
        if self.change is Change.FIXED:
            return candidate == floor
        if not isinstance(candidate, int | float) or not isinstance(floor, int | float):
            return candidate == floor
        return candidate <= floor if self.stricter == "lower" else candidate >= floor


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _ValueSpec(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", populate_by_name=True)
    valid_from: date = pydantic.Field(alias="from")
    value: Scalar
    basis: LegalBasis


class _ParamSpec(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    id: str = pydantic.Field(pattern=r"^[a-z][a-z0-9_-]*(\.[a-z0-9_]+)+$")
    description: str = ""
    description_lv: str = ""
    unit: str = ""
    unit_lv: str = ""
    change: Change | None = None
    stricter: str | None = pydantic.Field(default=None, pattern="^(lower|higher)$")
    type: ValueType | None = None
    min: float | None = None
    max: float | None = None
    values: list[_ValueSpec] = pydantic.Field(min_length=1)


class _FileSpec(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    parameter: list[_ParamSpec] = []


def _build(spec: _ParamSpec, plugin: str, where: str) -> Parameter:
    dates = [v.valid_from for v in spec.values]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise PolicyError(f"{where}: parameter {spec.id!r}: values must have increasing 'from'")
    kinds = {_type_of(v.value) for v in spec.values}
    if len(kinds) > 1 and kinds != {ValueType.INTEGER, ValueType.NUMBER}:
        raise PolicyError(f"{where}: parameter {spec.id!r}: values mix types")
    if spec.change is Change.STRICTER and spec.stricter is None:
        raise PolicyError(f"{where}: parameter {spec.id!r}: change 'stricter' needs 'stricter'")
    declares = spec.change is not None or spec.stricter is not None or spec.type is not None
    numeric = kinds <= {ValueType.INTEGER, ValueType.NUMBER}
    if not declares and (spec.min is not None or spec.max is not None):
        raise PolicyError(
            f"{where}: parameter {spec.id!r}: 'min' and 'max' belong to the parameter's own "
            f"declaration (with 'type' or 'change'), not to a re-declaration of its values"
        )
    if (spec.min is not None or spec.max is not None) and not numeric:
        raise PolicyError(f"{where}: parameter {spec.id!r}: 'min' and 'max' need number values")
    if spec.min is not None and spec.max is not None and spec.max < spec.min:
        raise PolicyError(f"{where}: parameter {spec.id!r}: 'max' is below 'min'")
    value_type = spec.type or (
        (ValueType.NUMBER if ValueType.NUMBER in kinds else kinds.pop()) if declares else None
    )
    minimum = spec.min
    if minimum is None and declares and value_type in (ValueType.INTEGER, ValueType.NUMBER):
        minimum = DEFAULT_MINIMUM
    values = tuple(ParameterValue(v.valid_from, v.value, v.basis, plugin) for v in spec.values)
    parameter = Parameter(
        id=spec.id,
        description=spec.description,
        unit=spec.unit,
        change=spec.change or Change.FIXED,
        stricter=spec.stricter,
        values=values,
        plugin=plugin,
        explicit_policy=spec.change is not None or spec.stricter is not None,
        type=value_type,
        minimum=minimum,
        maximum=spec.max,
        description_lv=spec.description_lv,
        unit_lv=spec.unit_lv,
    )
    for value in values:
        why = parameter.problem(value.value)
        if why is not None:
            raise PolicyError(
                f"{where}: parameter {spec.id!r}: the value {value.value!r} (from "
                f"{value.valid_from}) {why}"
            )
    return parameter


def load_parameters(source: Path | Mapping[str, Any], plugin: str) -> tuple[Parameter, ...]:
    """Read parameters from a TOML file (or an already parsed mapping).

    A value's ``basis`` is a :class:`~atbalsts.model.LegalBasis`. ``description`` and ``unit`` are
    English; ``description_lv`` and ``unit_lv``, optional, say the same in Latvian (the command
    line shows them with ``--lang lv``, the default). A parameter that re-declares a national
    parameter (same id) carries only ``values``: the national declaration says how it may change
    and what it means.
    """
    where = str(source) if isinstance(source, Path) else f"parameters of {plugin}"
    try:
        data = (
            tomllib.loads(source.read_text(encoding="utf-8"))
            if isinstance(source, Path)
            else source
        )
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{where}: cannot read parameters: {exc}") from None
    try:
        spec = _FileSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        raise DocumentError(where, field_errors(exc, _FileSpec)) from None
    ids = [p.id for p in spec.parameter]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise DocumentError(
            where, [FieldError(i, "parameter declared twice", "duplicate") for i in dupes]
        )
    return tuple(_build(p, plugin, where) for p in spec.parameter)


def merge_values(
    base: Iterable[ParameterValue],
    local: Iterable[ParameterValue],
    local_from: date | None = None,
    local_to: date | None = None,
) -> tuple[ParameterValue, ...]:
    """The timeline of a parameter after a plugin re-declares it.

    The base values apply until the first local value; the local values apply from then on, but
    only inside the plugin's validity period (``local_from`` .. ``local_to``, inclusive): after
    ``local_to`` the base value in force then applies again.
    """
    base = tuple(base)
    local = tuple(local)
    if not local:
        return base
    if local_from is not None:
        kept = [v for v in local if v.valid_from >= local_from]
        earlier = [v for v in local if v.valid_from < local_from]
        if earlier:  # the value in force when the plugin starts applies from its start
            kept.insert(0, attrs.evolve(earlier[-1], valid_from=local_from))
        local = tuple(kept)
    if local_to is not None:
        local = tuple(v for v in local if v.valid_from <= local_to)
    if not local:
        return base
    first = local[0].valid_from
    merged = [v for v in base if v.valid_from < first] + list(local)
    if local_to is not None:
        resume = local_to + timedelta(days=1)
        in_force = [v for v in base if v.valid_from <= resume]
        if in_force:
            merged.append(attrs.evolve(in_force[-1], valid_from=resume))
        merged += [v for v in base if v.valid_from > resume]
    return tuple(merged)
