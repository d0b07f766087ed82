"""A policy set compiled for one date: the rules in force with their parameter values bound."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

import attrs

from atbalsts.model.decision import (
    DecisionKind,
    DecisionNote,
    PluginStamp,
    PolicyStamp,
    ReplacedValue,
    TraceParameter,
)
from atbalsts.policy._outcomes import OUTCOME_TYPES
from atbalsts.policy._params import Parameter, ParameterValue
from atbalsts.policy._rule import Params, Rule, RuleFunction

__all__ = ["CompiledPolicy", "CompiledRule", "compile_at"]

#: Risk findings run first; every other kind may read the risk groups they found.
_FIRST = DecisionKind.RISK_FINDING


@attrs.frozen(slots=True)
class CompiledRule:
    """A rule in force, with exactly its declared parameters bound to their values."""

    rule: Rule
    plugin: str
    function: RuleFunction
    params: Params
    param_values: tuple[tuple[str, ParameterValue], ...]
    expected: type
    index: int
    read: Callable[[Any], tuple[Any, ...]]
    """Returns the values of the facts the rule declares it reads, for the trace."""
    trace_parameters: tuple[TraceParameter, ...]
    """The parameters' trace rows: the same for every learner on this date, so built once."""
    national: bool = False
    """Declared by the national baseline."""

    @property
    def rank(self) -> tuple[bool, bool, str]:
        """The order of rules that produced the same outcome: mandatory national rules first,
        then the other national rules, then the rest, each by id (never by plugin name alone)."""
        return (not self.rule.mandatory, not self.national, self.rule.id)


def _reader(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda facts: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda facts: (get(facts),)
    return attrgetter(*names)


@attrs.frozen
class CompiledPolicy:
    """Everything evaluation needs for one date, built once and reused for every learner."""

    as_of: date
    first: tuple[CompiledRule, ...]
    rest: tuple[CompiledRule, ...]
    stamp: PolicyStamp
    notes: tuple[DecisionNote, ...] = ()
    """Notes every decision on this date carries (no municipal policy in force, ...)."""
    engine_parameters: Mapping[str, TraceParameter] = attrs.field(factory=dict, eq=False)
    """Parameters the engine itself reads (the follow-ups' approval wait), by id, with their
    values on this date; a parameter not declared or without a value here is left out."""
    fit_outcomes: set[Any] = attrs.field(factory=set, eq=False, repr=False)
    """Outcomes already found fit for a Decision (known codes, right type): a cache."""
    found_rules: dict[tuple[str, ...], CompiledRule | None] = attrs.field(
        factory=dict, eq=False, repr=False
    )
    """The rule in force found for each set of ids the follow-ups look for: a cache."""
    duty_rules: tuple[CompiledRule, ...] = attrs.field(default=(), eq=False, repr=False)
    """The rules of :attr:`rest` that raise obligations, in their order: with :attr:`first`,
    all that a duty depends on (the duties of the term before are evaluated with them alone)."""

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """All rules in force, risk findings first, each group by id."""
        return self.first + self.rest


def _canonical(rule: Rule, plugin: str, values: tuple[tuple[str, ParameterValue], ...]) -> Any:
    return {
        "id": rule.id,
        "plugin": plugin,
        "kind": rule.kind.value,
        "basis": rule.legal_basis.model_dump(mode="json"),
        "valid": [str(rule.valid_from), str(rule.valid_to)],
        "reads": list(rule.reads),
        "mandatory": rule.mandatory,
        "overrides": rule.overrides,
        "measures": None if rule.measures is None else list(rule.measures),
        "params": [
            [pid, v.value, str(v.valid_from), v.plugin, v.reference.model_dump(mode="json")]
            for pid, v in values
        ],
    }


def _floor_first(compiled: CompiledRule) -> bool:
    return not compiled.rule.mandatory


def _trace_parameter(
    pid: str, v: ParameterValue, declared: Parameter | None, as_of: date
) -> TraceParameter:
    replaces = None
    if declared is not None and v.plugin != declared.plugin:
        own = declared.at(as_of)
        if own is not None:
            replaces = ReplacedValue(value=own.value, plugin=own.plugin, reference=own.reference)
    return TraceParameter(
        id=pid,
        value=v.value,
        valid_from=v.valid_from,
        plugin=v.plugin,
        reference=v.reference,
        replaces=replaces,
    )


def compile_at(
    composition: Any,
    as_of: date,
    engine_version: str,
    municipality: str | None,
    declared: Mapping[str, Parameter] | None = None,
    notes: tuple[DecisionNote, ...] = (),
    engine_parameters: tuple[str, ...] = (),
) -> CompiledPolicy:
    """Bind the rules in force on ``as_of`` to their parameter values, and stamp the result.

    ``declared`` maps a parameter id to the parameter as its own plugin declared it (before other
    plugins changed its values): a value another plugin set then names the value it replaces.
    ``engine_parameters`` names parameters the engine reads itself (not a rule); their values
    on ``as_of`` are bound too and count in the content hash.
    """
    infos = {i.name: i for i in composition.plugins}
    declared = declared or {}

    def in_force(rule: Rule, plugin: str) -> bool:
        return rule.in_force(as_of) and infos[plugin].in_force(as_of)

    plugin_of = {rule.id: (rule, plugin) for rule, plugin in composition.rules}
    replaced = {target for target, by in composition.overridden.items() if in_force(*plugin_of[by])}
    compiled: list[CompiledRule] = []
    for rule, plugin in composition.rules:
        if rule.id in replaced or not in_force(rule, plugin):
            continue
        values = []
        for pid in rule.params:
            value = composition.parameters[pid].at(as_of)
            assert value is not None  # coverage was checked when the set was built
            values.append((pid, value))
        compiled.append(
            CompiledRule(
                rule=rule,
                plugin=plugin,
                function=rule.function,
                params=Params({pid: v.value for pid, v in values}),
                param_values=tuple(values),
                expected=OUTCOME_TYPES[rule.kind],
                index=len(compiled),
                read=_reader(rule.reads),
                trace_parameters=tuple(
                    _trace_parameter(pid, v, declared.get(pid), as_of) for pid, v in values
                ),
                national=infos[plugin].national,
            )
        )
    # Within each stage the mandatory national rules run first, so they decide on facts no other
    # rule can have touched (the engine checks after each stage that nothing did).
    first = tuple(sorted((c for c in compiled if c.rule.kind is _FIRST), key=_floor_first))
    rest = tuple(sorted((c for c in compiled if c.rule.kind is not _FIRST), key=_floor_first))
    engine_values = []
    for pid in engine_parameters:
        parameter = composition.parameters.get(pid)
        value = parameter.at(as_of) if parameter is not None else None
        if value is not None:
            engine_values.append((pid, value))
    canonical = [
        _canonical(c.rule, c.plugin, c.param_values)
        for c in sorted(compiled, key=lambda c: c.rule.kind is not _FIRST)
    ]
    if engine_values:
        canonical.append(
            {
                "engine": [
                    [pid, v.value, str(v.valid_from), v.plugin, v.reference.model_dump(mode="json")]
                    for pid, v in engine_values
                ]
            }
        )
    content = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    stamp = PolicyStamp(
        engine_version=engine_version,
        municipality=municipality,
        plugins=tuple(
            PluginStamp(name=i.name, distribution=i.distribution, version=i.version)
            for i in composition.plugins
            if i.in_force(as_of)
        ),
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
        as_of=as_of,
    )
    return CompiledPolicy(
        as_of=as_of,
        first=first,
        rest=rest,
        stamp=stamp,
        notes=notes,
        duty_rules=tuple(cr for cr in rest if cr.rule.kind is DecisionKind.OBLIGATION),
        engine_parameters={
            pid: _trace_parameter(pid, v, declared.get(pid), as_of) for pid, v in engine_values
        },
    )
