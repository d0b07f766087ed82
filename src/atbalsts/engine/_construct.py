"""The pydantic Decision document built from a decision's data, without validating it again.

:func:`~atbalsts.engine.decision_data` gives a decision as plain data; with :data:`MODEL_REFS`
its legal bases, parameters and stamp are the models the rules and the compiled policy already
hold. :func:`construct` turns the rest into models with ``model_construct`` (every value was made
by the engine from validated documents and outcomes checked fit), converting what the models
hold differently from JSON data: a tuple for a list, an enum member for its value. A test checks
that the document equals the one validated from its own JSON.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

from atbalsts.engine._identity import ByIdentity
from atbalsts.engine._refs import Refs
from atbalsts.model.decision import PolicyStamp, TraceParameter
from atbalsts.model.risk import Evidence, LegalBasis

__all__ = ["MODEL_REFS", "construct"]

M = TypeVar("M", bound=BaseModel)

#: How a field's data becomes its value.
_How = Literal["value", "model", "models", "tuple", "enum"]


class _ModelRefs(Refs):
    """Legal bases, parameters and the stamp as the model objects themselves."""

    def basis(self, basis: LegalBasis) -> Any:
        return basis

    def parameters(self, parameters: tuple[TraceParameter, ...]) -> Any:
        return parameters

    def parameter(self, parameter: TraceParameter) -> Any:
        return parameter

    def stamp(self, stamp: PolicyStamp) -> Any:
        return stamp


#: Refs for a document: the models themselves, shared with the rules and the compiled policy.
MODEL_REFS: Refs = _ModelRefs()


def _inner(annotation: Any) -> Any:
    """``X`` of ``X | None``."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if get_origin(annotation) is not None and len(args) == 1 else annotation


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, _How, Any], ...]:
    plan: list[tuple[str, _How, Any]] = []
    for name, field in model.model_fields.items():
        annotation = _inner(field.annotation)
        how: _How = "value"
        target: Any = None
        if get_origin(annotation) is tuple:
            item = get_args(annotation)[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                how, target = "models", item
            else:
                how = "tuple"
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            how, target = "model", annotation
        elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            how, target = "enum", annotation
        plan.append((name, how, target))
    return tuple(plan)


#: Evidence rows are shared data (:func:`atbalsts.engine._evidence.evidence`): their models are
#: shared too, by the identity of the data (kept alive beside its model), at most this many.
_SHARED: ByIdentity[Evidence] = ByIdentity(50_000)


def _evidence_model(data: Mapping[str, Any]) -> Evidence:
    return Evidence.model_construct(fact=data["fact"], value=data["value"])


def _evidence(data: Mapping[str, Any]) -> Evidence:
    return _SHARED.get(data, _evidence_model)


def construct(model: type[M], data: Mapping[str, Any]) -> M:
    """``model`` built from ``data`` (every field given, as :func:`decision_data` writes it), its
    nested models too, without validation; a model object in the data is kept as it is."""
    values: dict[str, Any] = {}
    for name, how, target in _plan(model):
        value = data[name]
        if value is None or how == "value":
            pass
        elif how == "models":
            build = _evidence if target is Evidence else functools.partial(construct, target)
            value = tuple(v if isinstance(v, BaseModel) else build(v) for v in value)
        elif how == "tuple":
            value = tuple(value)
        elif how == "model":
            value = value if isinstance(value, BaseModel) else construct(target, value)
        else:
            value = target(value)
        values[name] = value
    if _plain_model(model):
        return _new(model, values)
    return model.model_construct(**values)


_set = object.__setattr__


@functools.cache
def _plain_model(model: type[BaseModel]) -> bool:
    """A model ``model_construct`` would only fill in: no private attributes, no post-init, no
    extra fields, not a root model (all the Decision's are)."""
    return (
        not model.__private_attributes__
        and model.__pydantic_post_init__ is None
        and model.model_config.get("extra") != "allow"
        and not model.__pydantic_root_model__
    )


def _new(model: type[M], values: dict[str, Any]) -> M:
    """What ``model_construct(**values)`` makes when every field is given and the model is
    plain (:func:`_plain_model`), without its per-field loop: the state pydantic keeps on an
    instance (the field values, the fields set, no extra, no private values)."""
    obj = model.__new__(model)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
