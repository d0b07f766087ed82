"""How a decision's data names legal bases and parameters: written out, or by id in a rule table.

A Decision document is self-contained: every source, verdict and trace row carries its legal
basis and the parameter values it read, so the same few legal bases are repeated many times in
every decision. A batch of many decisions writes them once instead, in a *rule table* per policy
(:class:`RuleTable`: the stamp without its date, the rules with their titles, the parameter
values and the legal bases, each basis under a content-derived id), and each decision refers to
them by id (:class:`TableRefs`); :mod:`atbalsts.engine._compact` leaves out what the table
implies and turns such a decision back into the Decision document, byte for byte.

The builder of a decision's data (:mod:`atbalsts.engine._combine`) asks a :class:`Refs` for the
data of each legal basis and parameter list; :data:`FULL_REFS` writes them out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

import rfc8785

from atbalsts.engine._compiled import CompiledPolicy
from atbalsts.engine._identity import ByIdentity
from atbalsts.model.decision import PolicyStamp, TraceParameter
from atbalsts.model.risk import LegalBasis

__all__ = [
    "FULL_REFS",
    "JsonObject",
    "Refs",
    "RuleTable",
    "TableRefs",
    "basis_id",
    "rule_table",
]

#: A JSON object as plain Python data.
JsonObject = dict[str, Any]

#: The keys under which a decision holds a legal basis, and the key of a list of parameters.
_BASIS_KEYS = ("legal_basis", "deadline_basis")
_PARAMETERS = "parameters"
#: Models whose data a :class:`Refs` remembers at most (then it starts again): the rules of
#: a few hundred compiled policies.
_CACHED = 20_000
#: Keys whose values are a rule's own computed values: never rewritten.
_OPAQUE = frozenset({"detail", "evidence", "facts"})


def _digest(data: Any, length: int) -> str:
    return hashlib.sha256(rfc8785.dumps(data)).hexdigest()[:length]


def basis_id(data: Mapping[str, Any]) -> str:
    """The id of a legal basis in a rule table: ``b`` and 12 hexadecimal digits of the SHA-256
    of its canonical JSON (RFC 8785), so the same basis has the same id in every table."""
    return "b" + _digest(dict(data), 12)


class Refs:
    """The data of the legal bases and parameter lists of a decision, written out in full.

    Each model is converted once (they belong to rules and compiled policies, which live long),
    so building a decision's data costs a dictionary look-up per basis.
    """

    def __init__(self) -> None:
        self._made: ByIdentity[Any] = ByIdentity(_CACHED)

    def basis(self, basis: LegalBasis) -> Any:
        """The data of ``basis`` as the decision holds it."""
        return self._made.get(basis, self._basis)

    def maybe_basis(self, basis: LegalBasis | None) -> Any:
        """:meth:`basis`, or None for None."""
        return None if basis is None else self.basis(basis)

    def parameters(self, parameters: tuple[TraceParameter, ...]) -> list[Any]:
        """The data of a rule's parameters as the decision holds them (never mutate it)."""
        if not parameters:
            return []
        rows: list[Any] = self._made.get(parameters, self._parameter_rows)
        return rows

    def parameter(self, parameter: TraceParameter) -> Any:
        """The data of one parameter as the decision holds it."""
        return self._made.get(parameter, self._parameter)

    def stamp(self, stamp: PolicyStamp) -> Any:
        """The data of the policy ``stamp`` as the decision holds it."""
        return self._made.get(stamp, self._stamp)

    def _parameter_rows(self, parameters: tuple[TraceParameter, ...]) -> list[Any]:
        return [self._parameter(p) for p in parameters]

    def _stamp(self, stamp: PolicyStamp) -> Any:
        return stamp.model_dump(mode="json")

    def _basis(self, basis: LegalBasis) -> Any:
        return basis.model_dump(mode="json")

    def _parameter(self, parameter: TraceParameter) -> Any:
        return parameter.model_dump(mode="json")


#: Legal bases and parameters written out: the Decision document's own form.
FULL_REFS = Refs()


class RuleTable:
    """What every decision under one policy shares, written once: the policy stamp without its
    date, the rules in force (plugin, kind, title, legal basis, parameters), the parameter values
    and the legal bases by id (made from their content), and the risk group of each risk factor.
    Its ``id`` is ``t`` and 16 hexadecimal digits of the SHA-256 of the rest, so equal tables have
    equal ids in every process and run."""

    def __init__(self, record: JsonObject) -> None:
        self.record = record
        self.id: str = record["rule_table"]
        self.rules: dict[str, JsonObject] = record["rules"]
        self.bases: dict[str, JsonObject] = record["bases"]
        self.parameter_values: dict[str, JsonObject] = record["parameters"]
        self.groups: dict[str, str] = record["groups"]

    def write_out(self, data: Mapping[str, Any]) -> JsonObject:
        """``data`` (a decision, or a part of one) with every legal basis and parameter that
        it names by id in this table written out. Raises ``KeyError`` for an id it lacks."""
        return {k: _write_out(k, v, self) for k, v in data.items()}

    @staticmethod
    def is_record(record: object) -> TypeGuard[Mapping[str, Any]]:
        """Whether ``record`` (a line of ``atbalsts batch`` output, as JSON data) is a
        ``rule_table`` record: it has that key and, unlike every record of an input line, no
        ``line``. The one test every reader of batch output uses."""
        return isinstance(record, Mapping) and "rule_table" in record and "line" not in record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RuleTable:
        """The table of a ``rule_table`` record as read back from JSON. Raises ``ValueError``
        naming the first field that is missing or not of its kind (an id that is not a
        non-empty string; a stamp, rules, bases, parameters or groups that are not objects, or
        an entry of the rules, bases or parameters that is not one)."""
        table = record.get("rule_table")
        if not isinstance(table, str) or not table:
            raise ValueError("rule_table: not a rule table id")
        for key in ("stamp", "rules", "bases", "parameters", "groups"):
            if not isinstance(record.get(key), dict):
                raise ValueError(f"{key}: missing or not an object in rule table {table!r}")
        for key in ("rules", "bases", "parameters"):
            for name, entry in record[key].items():
                if not isinstance(entry, dict):
                    raise ValueError(f"{key}.{name}: not an object in rule table {table!r}")
        return cls(dict(record))


def rule_table(
    policy: CompiledPolicy,
    groups: Mapping[str, str],
    extra_bases: Iterable[LegalBasis] = (),
) -> RuleTable:
    """The rule table of ``policy``: ``groups`` gives the risk group of each risk factor the
    policy knows; ``extra_bases`` are legal bases the engine itself gives (the follow-ups'), so
    that a decision can refer to them by id too."""
    bases: dict[str, JsonObject] = {}

    def add(basis: LegalBasis) -> str:
        data = basis.model_dump(mode="json")
        key = basis_id(data)
        bases.setdefault(key, data)
        return key

    parameters: dict[str, JsonObject] = {}

    def add_parameter(parameter: TraceParameter) -> str:
        parameters.setdefault(parameter.id, parameter.model_dump(mode="json"))
        add(parameter.reference)
        if parameter.replaces is not None:
            add(parameter.replaces.reference)
        return parameter.id

    rules: dict[str, JsonObject] = {}
    for cr in sorted(policy.rules, key=lambda c: c.rule.id):
        rule = cr.rule
        rules[rule.id] = {
            "plugin": cr.plugin,
            "kind": rule.kind.value,
            "title": rule.title,
            "mandatory": rule.mandatory,
            "overrides": rule.overrides,
            "legal_basis": add(rule.legal_basis),
            "parameters": [add_parameter(p) for p in cr.trace_parameters],
        }
    for parameter in policy.engine_parameters.values():
        add_parameter(parameter)
    for basis in extra_bases:
        add(basis)
    stamp = policy.stamp.model_dump(mode="json", exclude={"as_of"})
    body = {
        "stamp": stamp,
        "rules": rules,
        "parameters": dict(sorted(parameters.items())),
        "bases": dict(sorted(bases.items())),
        "groups": dict(sorted(groups.items())),
    }
    return RuleTable({"rule_table": "t" + _digest(body, 16), **body})


class TableRefs(Refs):
    """Legal bases and parameters named by their id in ``table``; one the table does not hold
    (or holds with other values) is written out, so nothing is ever lost."""

    def __init__(self, table: RuleTable) -> None:
        super().__init__()
        self.table = table

    def _stamp(self, stamp: PolicyStamp) -> Any:
        data = stamp.model_dump(mode="json", exclude={"as_of"})
        return self.table.id if data == self.table.record["stamp"] else super()._stamp(stamp)

    def _basis(self, basis: LegalBasis) -> Any:
        data = basis.model_dump(mode="json")
        key = basis_id(data)
        return key if self.table.bases.get(key) == data else data

    def _parameter(self, parameter: TraceParameter) -> Any:
        data = parameter.model_dump(mode="json")
        return parameter.id if self.table.parameter_values.get(parameter.id) == data else data


def _write_out(key: str, value: Any, table: RuleTable) -> Any:
    if key in _OPAQUE:
        return value
    if isinstance(value, str) and key in _BASIS_KEYS:
        return _entry(table.bases, value, "legal basis", table)
    if isinstance(value, list):
        if key == _PARAMETERS:
            return [
                _entry(table.parameter_values, v, "parameter", table) if isinstance(v, str) else v
                for v in value
            ]
        return [_write_out("", v, table) for v in value]
    if isinstance(value, dict):
        return {k: _write_out(k, v, table) for k, v in value.items()}
    return value


def _entry(entries: Mapping[str, Any], name: str, what: str, table: RuleTable) -> Any:
    found = entries.get(name)
    if found is None:
        raise KeyError(f"{what} {name!r} is not in rule table {table.id!r}")
    return found
