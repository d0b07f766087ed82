"""The compact form of a decision in a batch: only what is particular to the learner.

A Decision document repeats what its rule table already says (a source's plugin and legal basis,
the parameters a rule reads, a factor's risk group) and what the decision itself says elsewhere
(an obligation's key is made of its first rule, trigger, action and recipients; a lone source has
its duty's due date). In the compact form a field is left out when its value is the one it is
*implied* to have, and :func:`expand_decision` puts it back, in the field order of the model, so the
expanded decision serialises to the document's JSON byte for byte.

What a field is implied to be, in this order:

1. a value the field's own rule gives (:data:`_IMPLIED`): read from the rule table, from the
   parent object, or from other fields of the same object;
2. otherwise the field's default in the model (an empty list, ``None``, ``False``).

A field is left out only when its value equals what is implied (same JSON types, so ``0`` never
stands for ``false``); anything else is written, so the form is lossless whatever a plugin
returns. The rules never form a cycle: a parent's implied values read its children, a child's
read only the parent's fields that are never implied.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

import attrs
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from atbalsts.engine._duties import duty_key
from atbalsts.engine._refs import JsonObject, RuleTable
from atbalsts.model.decision import (
    Decision,
    DecisionFinding,
    FollowUp,
    ObligationDue,
    ObligationSource,
    PolicyStamp,
    ReferralDue,
    ReferralSource,
    TraceParameter,
)
from atbalsts.model.risk import LegalBasis

__all__ = ["always_written", "compact_reference", "expand_decision"]

#: A value nothing implies.
_NONE = object()

#: Models kept whole where they appear (as an id in the table, or written out).
_ATOMS = (LegalBasis, TraceParameter, PolicyStamp)


class _Node:
    """One object of a decision, full or compact, with what its fields are implied to be."""

    __slots__ = ("data", "parent", "shape", "table")

    def __init__(
        self, shape: _Shape, data: Mapping[str, Any], parent: _Node | None, table: RuleTable
    ) -> None:
        self.shape = shape
        self.data = data
        self.parent = parent
        self.table = table

    def get(self, name: str) -> Any:
        """The value of ``name``: as written, else as implied (children expanded)."""
        if name in self.data:
            value = self.data[name]
            child = self.shape.children.get(name)
            if child is not None and value is not None:
                return _expanded(child, value, self, self.table)
            return value
        found = self.implied(name)
        if found is _NONE:
            raise KeyError(f"{self.shape.name}.{name} is missing and nothing implies it")
        return found

    def implied(self, name: str) -> Any:
        rule = self.shape.rules.get(name)
        if rule is not None:
            found = rule(self)
            if found is not _NONE:
                return found
        return self.shape.defaults.get(name, _NONE)

    def rule_entry(self) -> Mapping[str, Any] | None:
        rule = self.get("rule") if "rule" in self.shape.fields else None
        return self.table.rules.get(rule) if isinstance(rule, str) else None

    def sources(self) -> list[_Node]:
        rows = self.data.get("sources", ())
        child = self.shape.children["sources"]
        return [_Node(child, row, self, self.table) for row in rows]


@attrs.frozen(eq=False)
class _Shape:
    """A model's fields in order, its defaults (as JSON data) and its nested models."""

    model: type[BaseModel]
    name: str
    fields: tuple[str, ...]
    defaults: dict[str, Any]
    children: dict[str, _Shape]
    rules: dict[str, Callable[[_Node], Any]]
    """The fields whose value a rule implies (see :data:`_IMPLIED`)."""


_SHAPES: dict[type[BaseModel], _Shape] = {}


def _shape(model: type[BaseModel]) -> _Shape:
    found = _SHAPES.get(model)
    if found is not None:
        return found
    defaults: dict[str, Any] = {}
    children: dict[str, _Shape] = {}
    rules = {
        name: rule
        for name in model.model_fields
        if (rule := _IMPLIED.get((model, name)) or _RULE_FIELDS.get(name)) is not None
    }
    shape = _Shape(model, model.__name__, tuple(model.model_fields), defaults, children, rules)
    _SHAPES[model] = shape
    for name, field in model.model_fields.items():
        if field.default is not PydanticUndefined:
            defaults[name] = _json(field.default)
        elif field.default_factory is not None:
            defaults[name] = _json(field.default_factory())  # type: ignore[call-arg]
        nested = _nested(field.annotation)
        if nested is not None:
            children[name] = _shape(nested)
    return shape


@functools.cache
def _whole(shape: _Shape) -> bool:
    """Nothing in objects of this shape is ever left out: they are written as they are."""
    return not (shape.defaults or shape.rules) and all(
        c is not shape and _whole(c) for c in shape.children.values()
    )


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (alone, in a list or optional), unless it is kept whole."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return None if issubclass(annotation, _ATOMS) else annotation
    for arg in get_args(annotation):
        found = _nested(arg)
        if found is not None:
            return found
    return None


def _json(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    return value


#: Kinds compared with ``==`` once both sides are of the same kind.
_SCALARS = frozenset({str, int, float, bool, type(None), date})
_SEQUENCES = (list, tuple)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: same kinds all the way down (``0`` is not ``false``, ``1.0`` not ``1``; a
    list and a tuple are both an array). Saying "not the same" is always safe (the field is
    then written), so anything unusual is not the same."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return (
            kind in _SEQUENCES
            and type(b) in _SEQUENCES
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    if kind in _SCALARS:
        return bool(a == b)
    if kind in _SEQUENCES:  # two empty ones, the usual case, without a generator
        return len(a) == len(b) and (not a or all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if kind is dict:
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    return False


# -- what a field is implied to be ----------------------------------------------------------------


def _from_rule(key: str) -> Callable[[_Node], Any]:
    def implied(node: _Node) -> Any:
        entry = node.rule_entry()
        return _NONE if entry is None else entry[key]

    return implied


#: Fields any object with a ``rule`` takes from that rule's row of the table.
_RULE_FIELDS: dict[str, Callable[[_Node], Any]] = {
    key: _from_rule(key)
    for key in ("plugin", "mandatory", "legal_basis", "parameters", "kind", "overrides")
}


def _first_rule(node: _Node) -> Any:
    sources = node.sources()
    return sources[0].get("rule") if sources else _NONE


def _rules(node: _Node) -> Any:
    return list(dict.fromkeys(s.get("rule") for s in node.sources()))


def _group(node: _Node) -> Any:
    return node.table.groups.get(node.get("factor"), _NONE)


def _duty_key(node: _Node) -> Any:
    rule = _first_rule(node)
    if rule is _NONE:
        return _NONE
    trigger = node.get("trigger")
    day = trigger if isinstance(trigger, date) else date.fromisoformat(trigger)
    return duty_key(rule, day, node.get("action"), tuple(node.get("recipients")))


def _duty_basis(node: _Node) -> Any:
    """A mandatory source's legal basis, else the first source's."""
    sources = node.sources()
    if not sources:
        return _NONE
    first = next((s for s in sources if s.get("mandatory")), sources[0])
    return first.get("legal_basis")


def _deadline_basis(node: _Node) -> Any:
    due = node.get("due")
    return next(
        (
            s.get("deadline_basis")
            for s in node.sources()
            if _same(s.get("due"), due) and s.get("deadline_basis")
        ),
        None,
    )


def _first_basis(node: _Node) -> Any:
    sources = node.sources()
    return sources[0].get("legal_basis") if sources else _NONE


def _from_parent(key: str) -> Callable[[_Node], Any]:
    def implied(node: _Node) -> Any:
        return _NONE if node.parent is None else node.parent.get(key)

    return implied


def _follow_up_key(node: _Node) -> Any:
    return f"{node.get('kind')}:{node.get('subject')}@{node.get('due')}"


_IMPLIED: dict[tuple[type[BaseModel], str], Callable[[_Node], Any]] = {
    (DecisionFinding, "group"): _group,
    (DecisionFinding, "rule"): _first_rule,
    (DecisionFinding, "rules"): _rules,
    (ObligationDue, "key"): _duty_key,
    (ObligationDue, "rules"): _rules,
    (ObligationDue, "legal_basis"): _duty_basis,
    (ObligationDue, "deadline_basis"): _deadline_basis,
    (ReferralDue, "rules"): _rules,
    (ReferralDue, "legal_basis"): _first_basis,
    (FollowUp, "key"): _follow_up_key,
    **{
        (ObligationSource, key): _from_parent(key)
        for key in ("due", "deadline", "trigger", "trigger_source")
    },
    **{
        (ReferralSource, key): _from_parent(key)
        for key in ("reason", "urgency", "due", "suggestion")
    },
}


# -- both ways ------------------------------------------------------------------------------------


def compact_reference(data: Mapping[str, Any], table: RuleTable) -> JsonObject:
    """The compact form of a decision's data whose legal bases and parameters are already
    named by id in ``table`` (:class:`~atbalsts.engine.TableRefs`), its policy included: the
    reference writer, every field through the same resolver as :func:`expand_decision`. The
    batch uses the quicker :func:`atbalsts.engine.compact_decision`; a test holds the two to
    the same output."""
    return _compacted(_shape(Decision), data, None, table)


def _compacted(
    shape: _Shape, data: Mapping[str, Any], parent: _Node | None, table: RuleTable
) -> JsonObject:
    node = _Node(shape, data, parent, table)
    out: JsonObject = {}
    children, rules, defaults = shape.children, shape.rules, shape.defaults
    for name, value in data.items():
        child = children.get(name)
        if child is None or not value or _whole(child):
            written: Any = value
        elif isinstance(value, list | tuple):
            written = [_compacted(child, item, node, table) for item in value]
        else:
            written = _compacted(child, value, node, table)
        if name in rules or name in defaults:
            implied = node.implied(name)
            if implied is not _NONE and _same(value, implied):
                continue
        out[name] = written
    return out


def expand_decision(record: Mapping[str, Any], table: RuleTable) -> JsonObject:
    """The Decision document (as JSON data) of a compact batch decision that refers to
    ``table``: every field left out put back in the model's order, the policy stamp and every
    legal basis and parameter named by id written out; the ``line`` key is dropped. Raises
    ``KeyError`` naming what the table does not hold."""
    policy = record.get("policy")
    if isinstance(policy, str) and policy != table.id:
        raise KeyError(f"policy {policy!r} is not the rule table {table.id!r}")
    body = {k: v for k, v in record.items() if k != "line"}
    data = _expanded(_shape(Decision), body, None, table)
    if isinstance(policy, str):
        data["policy"] = {**table.record["stamp"], "as_of": data["as_of"]}
    return table.write_out(data)


def _expanded(shape: _Shape, value: Any, parent: _Node | None, table: RuleTable) -> Any:
    if isinstance(value, list | tuple):
        return [_expanded(shape, item, parent, table) for item in value]
    if not isinstance(value, Mapping):
        return value
    node = _Node(shape, value, parent, table)
    return {name: node.get(name) for name in shape.fields}


def always_written() -> dict[str, tuple[str, ...]]:
    """For the Decision and each model nested in it (by class name), the fields the compact
    form always writes: those nothing implies. The rest may be left out."""
    out: dict[str, tuple[str, ...]] = {}
    todo = [_shape(Decision)]
    while todo:
        shape = todo.pop()
        if shape.name in out:
            continue
        out[shape.name] = tuple(
            f for f in shape.fields if f not in shape.rules and f not in shape.defaults
        )
        todo.extend(shape.children.values())
    return out
