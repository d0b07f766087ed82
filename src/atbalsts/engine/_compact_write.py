"""Writing the compact form straight from an evaluation, on the batch's hot path.

:mod:`atbalsts.engine._compact` defines what each field is implied to be, once, for both ways;
its reference writer takes a decision's whole data and asks every field of every object through
a small resolver, which costs more than deciding the case. This module never builds the whole
data: it groups the outcomes with the combiner's own functions (:mod:`atbalsts.engine._combine`)
and writes only what the rule table and the decision itself do not imply.

Most left-out fields are implied *by construction*: the combiner makes a finding's ``rule`` its
first source's, a duty's ``key`` from its first rule and trigger, and so on, and the reference
writer finds them equal every time, so they are never written here either. What a rule's row in
the table implies (plugin, mandatory, legal basis, parameters) is compared once per compiled
rule (:class:`_RuleFields`); everything else is compared with its default the way the reference
writer compares it (:func:`~atbalsts.engine._compact._same`). A property test holds this writer
to the reference writer on generated cases and on a plugin returning adversarial outcomes, and
:func:`~atbalsts.engine._compact.expand_decision` to the document's bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from atbalsts.codes import CodeList
from atbalsts.engine import _combine as combine
from atbalsts.engine._assemble import notes_of
from atbalsts.engine._compact import _NONE, _RULE_FIELDS, _same, _shape
from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._evidence import evidence
from atbalsts.engine._identity import ByIdentity
from atbalsts.engine._refs import JsonObject, RuleTable, TableRefs
from atbalsts.engine._run import Evaluation
from atbalsts.model import SCHEMA_VERSION
from atbalsts.model.decision import (
    Decision,
    DecisionNote,
    Failure,
    FollowUp,
    MeasureReason,
    PlanIssue,
    RuleSource,
    TraceRow,
)
from atbalsts.policy import _outcomes as o

__all__ = ["compact_decision"]


def _defaults(model: type) -> dict[str, Any]:
    return _shape(model).defaults


_TOP = _defaults(Decision)
_SOURCE = _defaults(RuleSource)
_REASON = _defaults(MeasureReason)
_ISSUE = _defaults(PlanIssue)
_FOLLOW_UP = _defaults(FollowUp)
_FAILURE = _defaults(Failure)
_NOTE = _defaults(DecisionNote)
_TRACE = _defaults(TraceRow)

#: The fields an object with a ``rule`` takes from that rule's row of the table.
_FROM_RULE = frozenset(_RULE_FIELDS)
#: Whether a decision writes its schema version (not while it is the model's default).
_WRITE_VERSION = not _same(SCHEMA_VERSION, _TOP["schema_version"])

#: A fragment of an object: its fields in order, as (name, value) pairs.
_Fields = tuple[tuple[str, Any], ...]


class _RuleOwn:
    """What one compiled rule gives the objects it is the rule of, beyond its id, that its row
    in the table does not imply (nearly always nothing), in each model's field order: a source,
    a measure's reason, a plan issue, a trace row (before ``fired`` and after ``facts``); and
    the deadline basis of each duty parameter it names."""

    __slots__ = ("deadline_bases", "issue", "reason", "source", "trace_after", "trace_before")

    def __init__(self, cr: CompiledRule, refs: TableRefs) -> None:
        rule = cr.rule
        values = {
            "plugin": cr.plugin,
            "mandatory": rule.mandatory,
            "kind": rule.kind.value,
            "legal_basis": refs.basis(rule.legal_basis),
            "parameters": refs.parameters(cr.trace_parameters),
            "overrides": rule.overrides,
            "measures": None if rule.measures is None else list(rule.measures),
        }
        entry = refs.table.rules.get(rule.id)

        def kept(order: tuple[str, ...], defaults: Mapping[str, Any]) -> _Fields:
            out = []
            for key in order:
                # a trace row's measures are not in the table: implied by the model's default
                if entry is not None and key in entry:
                    implied = entry[key]
                else:
                    implied = defaults.get(key, _NONE)
                if implied is _NONE or not _same(values[key], implied):
                    out.append((key, values[key]))
            return tuple(out)

        self.source = kept(("plugin", "mandatory", "legal_basis", "parameters"), _SOURCE)
        self.reason = kept(("legal_basis", "plugin", "parameters"), _REASON)
        self.issue = kept(("legal_basis", "plugin", "parameters"), _ISSUE)
        self.trace_before = kept(("plugin", "kind"), _TRACE)
        self.trace_after = kept(("parameters", "legal_basis", "overrides", "measures"), _TRACE)
        self.deadline_bases: dict[str | None, Any] = {}


class _RuleFields:
    """The :class:`_RuleOwn` of each compiled rule under one table's refs, compared once per
    rule, not once per outcome; and each risk factor's group, once per factor."""

    def __init__(self, refs: TableRefs) -> None:
        self.refs = refs
        self._made: ByIdentity[_RuleOwn] = ByIdentity(10_000)
        self._groups: dict[str, Any] = {}
        self._factors: CodeList | None = None

    def of(self, cr: CompiledRule) -> _RuleOwn:
        """What ``cr`` gives the objects it is the rule of."""
        return self._made.get(cr, self._make)

    def _make(self, cr: CompiledRule) -> _RuleOwn:
        return _RuleOwn(cr, self.refs)

    def group(self, factor: str, factors: CodeList) -> Any:
        """The group of ``factor`` (in ``factors``) to write, or :data:`_NONE` when the table
        implies it."""
        if factors is not self._factors:  # kept for one code list at a time
            self._groups.clear()
            self._factors = factors
        found = self._groups.get(factor)
        if found is None:
            group = combine.finding_group(factors, factor)
            implied = self.refs.table.groups.get(factor, _NONE)
            found = self._groups[factor] = _NONE if _same(group, implied) else group
        return found

    def deadline_basis(self, cr: CompiledRule, ob: o.Obligation) -> Any:
        """The deadline basis of the duty ``ob`` of ``cr`` as the decision names it, or None."""
        bases = self.of(cr).deadline_bases
        if ob.days_parameter not in bases:
            bases[ob.days_parameter] = self.refs.maybe_basis(combine.deadline_basis(cr, ob))
        return bases[ob.days_parameter]


#: The fields of each table's rules, kept with its refs (a batch has one per policy).
_FIELDS: ByIdentity[_RuleFields] = ByIdentity(256)


def _plain(
    obj: Mapping[str, Any], defaults: Mapping[str, Any], rules: Mapping[str, Any] | None
) -> JsonObject:
    """An object of the decision's data whose implied fields come from its rule's row (given
    ``rules``, the table's rows) or its defaults: the rarer parts (follow-ups, failures, notes,
    trace rows) are built whole and then compacted."""
    rule = obj.get("rule") if rules is not None else None
    entry = rules.get(rule) if rules is not None and isinstance(rule, str) else None
    out: JsonObject = {}
    for key, value in obj.items():
        if entry is not None and key in _FROM_RULE:
            implied = entry[key]
        else:
            implied = defaults.get(key, _NONE)
        if implied is _NONE or not _same(value, implied):
            out[key] = value
    return out


def _source(cr: CompiledRule, detail: o.Detail, fields: _RuleFields) -> JsonObject:
    out: JsonObject = {"rule": cr.rule.id}
    out.update(fields.of(cr).source)
    if detail:
        out["detail"] = dict(detail)
    return out


def _findings(ev: Evaluation, codes: Mapping[str, CodeList], fields: _RuleFields) -> list[Any]:
    out = []
    factors = codes["risk_factors"]
    for factor, rows in combine.finding_groups(ev):
        found, _, sources = combine.finding_parts(ev, rows)
        item: JsonObject = {"factor": factor}
        group = fields.group(factor, factors)
        if group is not _NONE:
            item["group"] = group
        if found:
            item["evidence"] = found
        item["sources"] = [_source(cr, detail, fields) for cr, detail in sources]
        out.append(item)
    return out


def _obligations(ev: Evaluation, fields: _RuleFields) -> list[Any]:
    out = []
    for group in combine.duty_groups(ev):
        due, trigger, source, unit, _, _, _ = group.first
        item: JsonObject = {"action": group.action, "responsible_roles": group.roles()}
        if group.recipients:
            item["recipients"] = group.recipients
        if group.any_recipient():
            item["any_recipient"] = True
        item["due"] = due
        item["deadline"] = unit
        days = group.days()
        if days is not None:
            item["days"] = days
        item["trigger"] = trigger
        item["trigger_source"] = source
        item["state"] = group.state
        if group.late is not None:
            item["school_days_late"] = group.late
        if group.done_on is not None:
            item["done_on"] = group.done_on
        if group.answered:
            item["answered_by"] = group.answered
        sources = []
        for d, t, ts, u, cr, i, _ in group.rows:
            row = _source(cr, i.detail, fields)
            # the first row is the duty's own: the same objects (the `is` spares a call)
            if d is not due and not _same(d, due):
                row["due"] = d
            if u is not unit and not _same(u, unit):
                row["deadline"] = u
            if t is not trigger and not _same(t, trigger):
                row["trigger"] = t
            if ts is not source and not _same(ts, source):
                row["trigger_source"] = ts
            basis = fields.deadline_basis(cr, i)
            if basis is not None:
                row["deadline_basis"] = basis
            sources.append(row)
        item["sources"] = sources
        out.append(item)
    return out


def _verdicts(groups: list[tuple[str, combine.VerdictRows]], fields: _RuleFields) -> list[Any]:
    out = []
    for measure, rows in groups:
        reasons = []
        for cr, item in rows:
            reason: JsonObject = {
                "rule": cr.rule.id,
                "eligible": item.eligible,
                "reason": item.reason,
            }
            if item.detail:
                reason["detail"] = dict(item.detail)
            reason.update(fields.of(cr).reason)
            reasons.append(reason)
        out.append(
            {
                "measure": measure,
                "eligible": all(item.eligible for _, item in rows),
                "reasons": reasons,
            }
        )
    return out


def _plan_issues(
    ev: Evaluation, groups: list[tuple[str, combine.VerdictRows]], fields: _RuleFields
) -> list[Any]:
    plan = ev.facts.plan
    if plan is None:
        return []
    out = []
    for cr, reason, path, detail in combine.plan_issue_rows(ev, groups):
        item: JsonObject = {"plan_id": plan.id, "reason": reason}
        if path is not None:
            item["path"] = path
        if detail:
            item["detail"] = detail
        item["rule"] = cr.rule.id
        item.update(fields.of(cr).issue)
        out.append(item)
    return out


def _referrals(ev: Evaluation, fields: _RuleFields) -> list[Any]:
    out = []
    for to, rows in combine.referral_groups(ev):
        first = rows[0][1]
        due = combine.earliest_due(rows)
        item: JsonObject = {"to": to, "reason": first.reason, "urgency": first.urgency}
        if due is not None:
            item["due"] = due
        suggestion = combine.only_suggested(rows)
        if suggestion:
            item["suggestion"] = True
        open_referrals = combine.open_referrals(ev, to)
        if open_referrals:
            item["open_referrals"] = open_referrals
        sources = []
        for cr, i in rows:
            row = _source(cr, i.detail, fields)
            if not _same(i.reason, first.reason):
                row["reason"] = i.reason
            if not _same(i.urgency, first.urgency):
                row["urgency"] = i.urgency
            if not _same(i.due, due):
                row["due"] = i.due
            if i.suggestion is not suggestion:
                row["suggestion"] = i.suggestion
            sources.append(row)
        item["sources"] = sources
        out.append(item)
    return out


def _follow_up(item: Mapping[str, Any], table: RuleTable) -> JsonObject:
    out = _plain(item, _FOLLOW_UP, table.rules)
    del out["key"]  # made of its kind, subject and due date (by construction, _duties)
    return out


def _trace(ev: Evaluation, fields: _RuleFields) -> list[JsonObject]:
    rows = []
    for cr, fired, values, error in ev.trace:
        own = fields.of(cr)
        row: JsonObject = {"rule": cr.rule.id}
        row.update(own.trace_before)
        row["fired"] = fired
        row["facts"] = [evidence(n, v) for n, v in zip(cr.rule.reads, values, strict=True)]
        row.update(own.trace_after)
        if error is not None:
            row["error"] = error
        rows.append(row)
    rows.sort(key=lambda r: r["rule"])
    return rows


def compact_decision(ev: Evaluation, codes: Mapping[str, CodeList], refs: TableRefs) -> JsonObject:
    """The compact form of the decision of ``ev`` in the rule table of ``refs`` (the table of
    ``ev``'s policy, :func:`~atbalsts.engine.rule_table_of`): the policy, legal bases and
    parameters named by id, and every field left out that the table or the decision itself
    implies. :func:`~atbalsts.engine.expand_decision` puts them back.

    """
    table = refs.table
    fields = _FIELDS.get(refs, _RuleFields)
    groups = combine.verdict_groups(ev)
    asked, suggested, undecided = combine.split_measures(ev, _verdicts(groups, fields))
    out: JsonObject = {}
    if _WRITE_VERSION:
        out["schema_version"] = SCHEMA_VERSION
    out["learner_id"] = ev.facts.learner_id
    out["as_of"] = ev.policy.as_of
    out["policy"] = refs.stamp(ev.policy.stamp)
    out["complete"] = ev.complete
    if ev.failures:
        failures = sorted(ev.failures, key=lambda f: (f.plugin, f.rule or "", f.stage))
        out["failures"] = [
            _plain(f.model_dump(mode="json"), _FAILURE, table.rules) for f in failures
        ]
    notes = notes_of(ev, undecided)
    if notes:
        out["notes"] = [_plain(n, _NOTE, None) for n in notes]
    parts: tuple[tuple[str, Any], ...] = (
        ("findings", _findings(ev, codes, fields)),
        ("tier", combine.tier(ev)),
        ("obligations", _obligations(ev, fields)),
        ("measures", asked),
        ("suggestions", suggested),
        ("referrals", _referrals(ev, fields)),
        ("plan_issues", _plan_issues(ev, groups, fields)),
    )
    for key, value in parts:
        if value or not _same(value, _TOP[key]):
            out[key] = value
    follow = combine.follow_ups(ev, refs)
    if follow:
        out["follow_ups"] = [_follow_up(f, table) for f in follow]
    review = combine.review_due(ev)
    if review is not None:
        out["review_due"] = review
    if ev.trace:
        out["trace"] = _trace(ev, fields)
    return out
