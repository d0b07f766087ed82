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
from typing import Any, Literal, Union

import attrs

from atbalsts.codes import CodeList
from atbalsts.policy import _outcomes as o

__all__ = ["unfit"]

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


@attrs.frozen
class _Field:
    name: str
    check: Check
    shape: o.Shape

    def well_formed(self, item: Any) -> bool:
        value = getattr(item, self.name)
        shape = self.shape
        if not self.check(value):
            return False
        if shape.minimum is not None and value < shape.minimum:
            return False
        if shape.maximum is not None and value > shape.maximum:
            return False
        if shape.needed_when is not None and value is None:
            other, when = shape.needed_when
            return bool(getattr(item, other) != when)
        return True


_PLAIN = o.Shape()


def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls, globalns=vars(o))
    return tuple(
        _Field(f.name, _check(hints[f.name]), f.metadata.get(o.SHAPE, _PLAIN))
        for f in attrs.fields(cls)
    )


#: The fields of each outcome class, with their checks. A plugin's subclass of an outcome class is
#: checked as the class its rule's kind expects: fields it adds are its own business.
_FIELDS: dict[type, tuple[_Field, ...]] = {cls: _fields(cls) for cls in o.OUTCOME_TYPES.values()}


def unfit(item: Any, expected: type, codes: Mapping[str, CodeList]) -> str | None:
    """What makes ``item`` (an instance of ``expected``) unfit for a valid Decision: a field
    that is malformed or names a code the policy set's code lists do not know; None if fit."""
    fields = _FIELDS[expected]
    for field in fields:
        if not field.well_formed(item):
            return f"returned a malformed {type(item).__name__}: {item!r}"
    for field in fields:
        lists = field.shape.codes
        if not lists:
            continue
        value = getattr(item, field.name)
        for code in value if isinstance(value, tuple) else (value,):
            if not any(code in codes[name] for name in lists):
                return f"returned an unknown {lists[-1]} code {code!r}"
    return None
