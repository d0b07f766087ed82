"""Writing the compact form quickly: the decision's shapes by hand, on the batch's hot path.

:mod:`atbalsts.engine._compact` defines what each field is implied to be, once, for both ways;
its generic writer asks every field of every object through a small resolver, which costs more
than deciding the case. This module writes the same compact form with the shapes spelt out: for
each field the same implied value, compared the same way (:func:`~atbalsts.engine._compact._same`).
A property test holds the two writers to the same output on generated cases, and
:func:`~atbalsts.engine._compact.expand_decision` to the document's bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atbalsts.engine._compact import _NONE, _same, _shape
from atbalsts.engine._duties import duty_key
from atbalsts.engine._refs import JsonObject, RuleTable
from atbalsts.model.decision import (
    Decision,
    DecisionFinding,
    DecisionNote,
    Failure,
    FollowUp,
    MeasureReason,
    ObligationDue,
    ObligationSource,
    PlanIssue,
    ReferralDue,
    ReferralSource,
    RuleSource,
    TraceRow,
)

__all__ = ["compact_decision"]

#: The fields an object with a ``rule`` takes from that rule's row of the table.
_FROM_RULE = frozenset({"plugin", "mandatory", "legal_basis", "parameters", "kind", "overrides"})


def _defaults(model: type) -> dict[str, Any]:
    return _shape(model).defaults


_TOP = _defaults(Decision)
_FINDING = _defaults(DecisionFinding)
_SOURCE = _defaults(RuleSource)
_DUTY_SOURCE = _defaults(ObligationSource)
_REFERRAL_SOURCE = _defaults(ReferralSource)
_DUTY = _defaults(ObligationDue)
_REASON = _defaults(MeasureReason)
_REFERRAL = _defaults(ReferralDue)
_ISSUE = _defaults(PlanIssue)
_FOLLOW_UP = _defaults(FollowUp)
_TRACE = _defaults(TraceRow)
_FAILURE = _defaults(Failure)
_NOTE = _defaults(DecisionNote)

_DUTY_FROM_PARENT = ("due", "deadline", "trigger", "trigger_source")
_REFERRAL_FROM_PARENT = ("reason", "urgency", "due")


def _plain(
    obj: Mapping[str, Any],
    defaults: Mapping[str, Any],
    rules: Mapping[str, Any] | None,
    parent: Mapping[str, Any] | None = None,
    from_parent: tuple[str, ...] = (),
) -> JsonObject:
    """An object whose implied fields come from its rule's row (given ``rules``, the table's
    rows, and the object has a ``rule``), from ``parent`` (``from_parent``), or its defaults."""
    rule = obj.get("rule") if rules is not None else None
    entry = rules.get(rule) if rules is not None and isinstance(rule, str) else None
    out: JsonObject = {}
    for key, value in obj.items():
        if entry is not None and key in _FROM_RULE:
            implied = entry[key]
        elif parent is not None and key in from_parent:
            implied = parent[key]
        else:
            implied = defaults.get(key, _NONE)
        if implied is _NONE or not _same(value, implied):
            out[key] = value
    return out


def _unique_rules(sources: list[Any]) -> list[Any]:
    return list(dict.fromkeys(s["rule"] for s in sources))


def _with_sources(
    item: Mapping[str, Any],
    table: RuleTable,
    defaults: Mapping[str, Any],
    source_defaults: Mapping[str, Any],
    from_parent: tuple[str, ...],
    special: Mapping[str, Any],
) -> JsonObject:
    """An outcome with ``sources``: each source as :func:`_plain` writes it (taking
    ``from_parent`` from the outcome), the outcome's own fields compared with ``special`` (what
    its own rules imply, computed by the caller) or else their defaults."""
    sources = item["sources"]
    out: JsonObject = {}
    for key, value in item.items():
        if key == "sources":
            if sources:
                out[key] = [
                    _plain(s, source_defaults, table.rules, item, from_parent) for s in sources
                ]
            continue
        implied = special[key] if key in special else defaults.get(key, _NONE)
        if implied is _NONE or not _same(value, implied):
            out[key] = value
    return out


def _finding(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    sources, rule = item["sources"], item["rule"]
    entry = table.rules.get(rule) if isinstance(rule, str) else None
    special = {
        "group": table.groups.get(item["factor"], _NONE),
        "rule": sources[0]["rule"] if sources else _NONE,
        "rules": _unique_rules(sources),
        "legal_basis": entry["legal_basis"] if entry is not None else _NONE,
    }
    return _with_sources(item, table, _FINDING, _SOURCE, (), special)


def _duty(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    sources, due = item["sources"], item["due"]
    basis_of = next((s for s in sources if s["mandatory"]), sources[0]) if sources else None
    special = {
        "key": duty_key(
            sources[0]["rule"], item["trigger"], item["action"], tuple(item["recipients"])
        )
        if sources
        else _NONE,
        "rules": _unique_rules(sources),
        "legal_basis": basis_of["legal_basis"] if basis_of is not None else _NONE,
        "deadline_basis": next(
            (s["deadline_basis"] for s in sources if _same(s["due"], due) and s["deadline_basis"]),
            None,
        ),
    }
    return _with_sources(item, table, _DUTY, _DUTY_SOURCE, _DUTY_FROM_PARENT, special)


def _referral(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    sources = item["sources"]
    special = {
        "rules": _unique_rules(sources),
        "legal_basis": sources[0]["legal_basis"] if sources else _NONE,
    }
    return _with_sources(item, table, _REFERRAL, _REFERRAL_SOURCE, _REFERRAL_FROM_PARENT, special)


def _verdict(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    rules = table.rules
    return {
        "measure": item["measure"],
        "eligible": item["eligible"],
        "reasons": [_plain(r, _REASON, rules) for r in item["reasons"]],
    }


def _follow_up(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    out = _plain(item, _FOLLOW_UP, table.rules)
    if _same(out.get("key"), f"{item['kind']}:{item['subject']}@{item['due']}"):
        del out["key"]
    return out


def _issue(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    return _plain(item, _ISSUE, table.rules)


def _trace_row(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    return _plain(item, _TRACE, table.rules)


def _failure(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    return _plain(item, _FAILURE, table.rules)


def _note(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    return _plain(item, _NOTE, None)


_LISTS = {
    "failures": _failure,
    "notes": _note,
    "findings": _finding,
    "obligations": _duty,
    "measures": _verdict,
    "suggestions": _verdict,
    "referrals": _referral,
    "plan_issues": _issue,
    "follow_ups": _follow_up,
    "trace": _trace_row,
}


def compact_decision(data: Mapping[str, Any], table: RuleTable) -> JsonObject:
    """The compact form of a decision's data whose legal bases and parameters are already
    named by id in ``table`` (:class:`~atbalsts.engine.TableRefs`), its policy included: every
    field left out that the table or the decision itself implies.
    :func:`~atbalsts.engine.expand_decision` puts them back."""
    out: JsonObject = {}
    for key, value in data.items():
        write = _LISTS.get(key)
        if write is not None:
            if value:
                out[key] = [write(item, table) for item in value]
            elif not _same(value, _TOP.get(key, _NONE)):
                out[key] = value
            continue
        implied = _TOP.get(key, _NONE)
        if implied is _NONE or not _same(value, implied):
            out[key] = value
    return out
