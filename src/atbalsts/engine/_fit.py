"""Whether a rule's outcome is fit for a Decision: one check, derived from the outcome classes.

Each outcome class of :mod:`atbalsts.policy._outcomes` is the one description of its shape: the
annotation of a field is its type and the field's :class:`~atbalsts.policy._outcomes.Shape`
metadata names the code lists that must know it and its other constraints. This module turns that
description into predicates once, at import (an annotation it cannot check fails loudly here, not
on a learner), and :func:`unfit` applies them.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Literal, Union

import attrs

from atbalsts._time import EARLIEST
from atbalsts.codes import CodeList
from atbalsts.policy import _outcomes as o
from atbalsts.policy._facts import FACT_NAMES

__all__ = ["Unfit", "numbers_fit", "unfit", "unfit_because"]

Check = Callable[[Any], bool]


def _check(tp: Any) -> Check:
    """A predicate for the values of the annotation ``tp``."""
    if tp is int:
        return lambda v: type(v) is int  # exactly: a bool is no number of days
    if tp is type(None):
        return lambda v: v is None
    if isinstance(tp, type):
        return lambda v: isinstance(v, tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return lambda v: v in args
    if origin in (Union, types.UnionType):
        if all(isinstance(a, type) for a in args):
            return lambda v: isinstance(v, args)
        checks = tuple(_check(a) for a in args)
        return lambda v: any(c(v) for c in checks)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            each = _check(args[0])
            return lambda v: isinstance(v, tuple) and all(each(x) for x in v)
        parts = tuple(_check(a) for a in args)
        return lambda v: (
            isinstance(v, tuple)
            and len(v) == len(parts)
            and all(c(x) for c, x in zip(parts, v, strict=False))
        )
    raise TypeError(f"no shape check for an outcome field of type {tp!r}")


def _describe(tp: Any) -> str:
    """The annotation ``tp`` in words, for a message."""
    if tp is type(None):
        return "None"
    if isinstance(tp, type):
        return tp.__name__
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if len(args) == 2 and args[1] is Ellipsis:
        return f"tuple[{_describe(args[0])}, ...]"
    return f"tuple[{', '.join(_describe(a) for a in args)}]"


@attrs.frozen
class _Field:
    name: str
    check: Check
    expected: str
    """The annotation in words: a Literal lists its values; any other type names the one found."""
    shape: o.Shape

    def problem(self, item: Any) -> str | None:
        """What is wrong with this field of ``item``, naming the field but not its value."""
        value = getattr(item, self.name)
        shape = self.shape
        if not self.check(value):
            if self.expected.startswith("one of "):
                return f"{self.name} must be {self.expected}"
            return f"{self.name} must be {self.expected} (got {type(value).__name__})"
        if shape.minimum is not None and value is not None and value < shape.minimum:
            return f"{self.name} must be at least {shape.minimum}"
        if shape.maximum is not None and value is not None and value > shape.maximum:
            return f"{self.name} must be at most {shape.maximum}"
        if isinstance(value, date) and value < EARLIEST:  # a day before any the engine judges
            return f"{self.name} must not be before {EARLIEST.isoformat()}"
        if shape.trigger and isinstance(value, str):
            return _trigger_problem(self.name, value, item)
        if shape.listed_day and value is not None and item.trigger not in o.TRIGGER_LISTS:
            lists = ", ".join(sorted(o.TRIGGER_LISTS))
            return f"{self.name} is given only with a trigger that lists days ({lists})"
        if shape.needed_when is not None and value is None:
            other, when = shape.needed_when
            if getattr(item, other) == when:
                return f"{self.name} is needed when {other} is {when!r}"
        if shape.max_items is not None and len(value) > shape.max_items:
            return f"{self.name} holds more than {shape.max_items} items"
        if shape.not_facts:
            clash = sorted({name for name, _ in value} & FACT_NAMES)
            if clash:
                return (
                    f"{self.name} names the fact {clash[0]!r}; a computed value needs a name of "
                    f"its own (the fact's value is shown as evidence already)"
                )
        return None


def _trigger_problem(name: str, value: str, item: Any) -> str | None:
    """What is wrong with a trigger that names a fact: not a trigger fact, or a count without the
    limit it passed (``over``)."""
    if value in o.TRIGGER_DAYS:
        return None
    if value in o.TRIGGER_COUNTS:
        if getattr(item, "over", None) is None:
            return f"{name} {value!r} is a count: give the limit it passed in over"
        return None
    if value in o.TRIGGER_LISTS:
        if getattr(item, "on", None) is None:
            return f"{name} {value!r} lists days: give the day of this duty in on"
        return None
    known = ", ".join(sorted(o.TRIGGER_DAYS | o.TRIGGER_COUNTS | o.TRIGGER_LISTS))
    return f"{name} must be a date or one of {known}"


_PLAIN = o.Shape()


def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls, globalns=vars(o))
    return tuple(
        _Field(
            f.name, _check(hints[f.name]), _describe(hints[f.name]), f.metadata.get(o.SHAPE, _PLAIN)
        )
        for f in attrs.fields(cls)
    )


#: The fields of each outcome class, with their checks. A plugin's subclass of an outcome class is
#: checked as the class its rule's kind expects: fields it adds are its own business.
_FIELDS: dict[type, tuple[_Field, ...]] = {cls: _fields(cls) for cls in o.OUTCOME_TYPES.values()}


def _number(tp: Any) -> bool:
    """Whether a field of the annotation ``tp`` holds a number or a flag: values that are equal
    across types (``1 == 1.0 == True``) while only one of the types is well formed."""
    return any(a in (int, float, bool) for a in (tp, *typing.get_args(tp)))


def _number_fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls, globalns=vars(o))
    return tuple(f for f in _FIELDS[cls] if _number(hints[f.name]))


#: The fields of each outcome class that hold a number or a flag, with their checks.
_NUMBERS: dict[type, tuple[_Field, ...]] = {cls: _number_fields(cls) for cls in _FIELDS}


def numbers_fit(item: Any, expected: type) -> bool:
    """Whether the number and flag fields of ``item`` (an instance of ``expected``) hold the
    types their class asks: an outcome equal to one found fit (``days=1``) may still hold
    another (``days=True``, ``days=1.0``), and is then not fit."""
    fields = _NUMBERS[expected]
    return not fields or all(f.check(getattr(item, f.name)) for f in fields)


#: Why an outcome is unfit, as :attr:`atbalsts.model.Failure.cause` records it.
Unfit = Literal["malformed", "unknown_code"]


def unfit(item: Any, expected: type, codes: Mapping[str, CodeList]) -> str | None:
    """What makes ``item`` (an instance of ``expected``) unfit for a valid Decision: a field
    that is malformed or names a code the policy set's code lists do not know; None if fit."""
    found = unfit_because(item, expected, codes)
    return None if found is None else found[1]


def unfit_because(
    item: Any, expected: type, codes: Mapping[str, CodeList]
) -> tuple[Unfit, str] | None:
    """As :func:`unfit`, with the cause: ``malformed`` or ``unknown_code``."""
    fields = _FIELDS[expected]
    name = type(item).__name__
    for field in fields:
        problem = field.problem(item)
        if problem:
            return "malformed", f"returned a malformed {name}: {problem}"
    for field in fields:
        lists = field.shape.codes
        if not lists:
            continue
        value = getattr(item, field.name)
        for code in value if isinstance(value, tuple) else (value,):
            if not any(code in codes[list_name] for list_name in lists):
                known_by = " or ".join(lists)
                return (
                    "unknown_code",
                    f"returned an unknown {known_by} code {code!r} in {name}.{field.name}",
                )
    return None
