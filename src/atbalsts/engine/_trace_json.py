"""A decision's trace as JSON text, from fragments made once per rule.

Most of a trace row is the same for every learner on a date: the rule, its plugin and kind, its
parameters and legal basis. :func:`trace_json` writes each row from the JSON of those parts,
made once per compiled rule by pydantic-core's writer (the one ``model_dump_json()`` uses), and
the JSON of what differs (whether it fired, the facts it read, its error), in the model's field
order; so the text is the document's, byte for byte (the property test of the Decision's JSON
covers decisions with their trace).
"""

from __future__ import annotations

from typing import Any

import attrs
import pydantic_core

from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._evidence import evidence
from atbalsts.engine._identity import ByIdentity
from atbalsts.engine._refs import FULL_REFS, Refs
from atbalsts.engine._run import Evaluation
from atbalsts.policy._facts import Facts

__all__ = ["trace_json", "trace_row"]

#: Fragments kept at most (rules of a few hundred compiled policies; facts' values), then again.
_ROWS: ByIdentity[tuple[str, str]] = ByIdentity(20_000)
_FACTS: ByIdentity[str] = ByIdentity(20_000)


def _text(data: Any) -> str:
    return pydantic_core.to_json(data).decode()


def trace_row(cr: CompiledRule, refs: Refs, fired: Any, facts: Any, error: Any) -> dict[str, Any]:
    """A trace row of ``cr`` as data, in the field order of
    :class:`~atbalsts.model.decision.TraceRow`: the one place that order is spelled out."""
    rule = cr.rule
    return {
        "rule": rule.id,
        "plugin": cr.plugin,
        "kind": rule.kind.value,
        "fired": fired,
        "facts": facts,
        "parameters": refs.parameters(cr.trace_parameters),
        "legal_basis": refs.basis(rule.legal_basis),
        "overrides": rule.overrides,
        "measures": None if rule.measures is None else list(rule.measures),
        "error": error,
    }


#: Where a row's own values stand in its JSON, with 0 for each of them.
_FIRED_FACTS = '"fired":0,"facts":0,'


def _make_fragments(cr: CompiledRule) -> tuple[str, str]:
    text = _text(trace_row(cr, FULL_REFS, 0, 0, 0))
    # the marker's quotes are the JSON's own: inside a string (the rule id) they are escaped
    at = text.index(_FIRED_FACTS)
    return text[: at + len('"fired":')], text[at + len(_FIRED_FACTS) - 1 : -len("0}")]


def _fragments(cr: CompiledRule) -> tuple[str, str]:
    """The JSON of a row of ``cr`` before its ``fired`` value, and between its facts and its
    error."""
    return _ROWS.get(cr, _make_fragments)


def _fact(data: dict[str, Any]) -> str:
    return _FACTS.get(data, _text)


#: Facts whose values are small and hashable, each of one JSON type (the facts are derived from
#: strictly validated documents): a row that reads only these is kept whole, by its values.
_PLAIN_TYPES = frozenset(
    {
        "int",
        "str",
        "bool",
        "date",
        "int | None",
        "str | None",
        "bool | None",
        "date | None",
        "frozenset[str]",
        "tuple[str, ...]",
    }
)
_PLAIN_FACTS = frozenset(f.name for f in attrs.fields(Facts) if str(f.type) in _PLAIN_TYPES)
#: Whole rows kept per rule at most: a rule that reads the learner's own values (an id, a
#: birth date) fills it, and is then looked up but not added to.
_ROWS_PER_RULE = 512
#: Whole rows kept in all (a row is about a kilobyte): a host that walks many dates compiles
#: many policies, each with its own rules; past this, every kept row is dropped and kept anew.
_ROWS_IN_ALL = 20_000


class _Rows:
    """The whole rows of one rule already written, by (fired, facts' values, error); None when
    the rule reads a fact whose values are not plain (a plan, day records)."""

    __slots__ = ("written",)

    def __init__(self, cr: CompiledRule) -> None:
        plain = all(name in _PLAIN_FACTS for name in cr.rule.reads)
        self.written: dict[tuple[Any, ...], str] | None = {} if plain else None


class _Kept:
    """The whole rows kept, per compiled rule, and how many in all: past
    :data:`_ROWS_IN_ALL`, every one is dropped (before the next row is looked up)."""

    def __init__(self) -> None:
        self.rules: ByIdentity[_Rows] = ByIdentity(20_000)
        self.count = 0

    def of(self, cr: CompiledRule) -> _Rows:
        if self.count >= _ROWS_IN_ALL:
            self.rules.clear()
            self.count = 0
        return self.rules.get(cr, _Rows)


_WHOLE = _Kept()


def _row(
    cr: CompiledRule, fired: bool, values: tuple[Any, ...], error: str | None, seen: dict[str, str]
) -> str:
    head, tail = _fragments(cr)
    facts = []
    for name, value in zip(cr.rule.reads, values, strict=True):
        text = seen.get(name)
        if text is None:
            text = seen[name] = _fact(evidence(name, value))
        facts.append(text)
    wrote = "null" if error is None else _text(error)
    flag = "true" if fired else "false"
    return f'{head}{flag},"facts":[{",".join(facts)}]{tail}{wrote}}}'


def trace_json(ev: Evaluation) -> str:
    """The JSON array of the trace rows of ``ev``, sorted by rule id, as the Decision
    document's ``trace`` holds them. A row that reads only plain facts is written once per
    distinct (fired, values, error) and then reused: most learners share most rows."""
    seen: dict[str, str] = {}  # a fact has one value per evaluation: written once
    rows = []
    for cr, fired, values, error in ev.trace:
        written = _WHOLE.of(cr).written
        if written is None:
            text = _row(cr, fired, values, error, seen)
        else:
            key = (fired, error, values)
            found = written.get(key)
            if found is None:
                found = _row(cr, fired, values, error, seen)
                if len(written) < _ROWS_PER_RULE:
                    written[key] = found
                    _WHOLE.count += 1
            text = found
        rows.append((cr.rule.id, text))
    rows.sort(key=lambda r: r[0])
    return "[" + ",".join(text for _, text in rows) + "]"
