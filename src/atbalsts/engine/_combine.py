"""The hit policies: how the outcomes of the rules of each decision kind combine.

One plain function per decision kind, over an :class:`~atbalsts.engine._run.Evaluation`:

=====================  ==========================================================================
risk findings          COLLECT, one finding per factor, with the evidence and rules of all
obligations            COLLECT per (action, recipients); the strictest deadline wins, roles unite;
                       each dated by its trigger, with its state on the evaluation date
follow-ups             COLLECT: referrals, plan reviews and approvals overdue
measure eligibility    deny-wins per measure, every rule's reason kept; measures nobody asked
                       for are suggestions, listed apart and only when eligible
referrals              COLLECT per institution; the most urgent reason, the earliest due date
plan issues            COLLECT, plus one issue per plan measure that a rule denies
risk tier              PRIORITY: the highest tier
review schedule        the earliest review date
=====================  ==========================================================================

Where several rules produce one outcome, every one is kept as a source, with its plugin, legal
basis, the parameter values it declared and the values it computed. Sources are ordered by
strictness first where the kind has one (deadline, urgency), then mandatory national rules, then
the other national rules, then by rule id (:attr:`CompiledRule.rank`): which rule comes first
never depends on how plugin names sort.

Every part is plain JSON-ready data (dicts with the keys in the order of the Decision model's
fields, lists, strings, numbers, dates), never a pydantic model: serialised as it is, it is the
Decision document's JSON byte for byte (:mod:`atbalsts.engine._assemble`; a property test checks
it). Legal bases and parameter lists come from a :class:`~atbalsts.engine.Refs`: written
out, or named by id in a rule table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from atbalsts.calendar import SchoolCalendar, shipped_calendar
from atbalsts.codes import CodeList
from atbalsts.engine import _duties as duties
from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._evidence import evidence
from atbalsts.engine._refs import JsonObject, Refs
from atbalsts.engine._run import Evaluation, group_of
from atbalsts.model.decision import Deadline, TriggerSource
from atbalsts.model.risk import LegalBasis, RiskGroup
from atbalsts.policy import _outcomes as o

__all__ = [
    "findings",
    "follow_ups",
    "measures",
    "obligations",
    "plan_issues",
    "referrals",
    "review_due",
    "split_measures",
    "tier",
]

#: Referral urgencies, most urgent first.
_URGENCY = {"same_day": 0, "urgent": 1, "routine": 2}

#: The group of a factor the code list does not place.
_DEFAULT_GROUP = RiskGroup.LEARNING_AND_SCHOOL.value


def _source(cr: CompiledRule, detail: o.Detail, refs: Refs) -> JsonObject:
    """The fields of a :class:`~atbalsts.model.decision.RuleSource`, in order."""
    rule = cr.rule
    return {
        "rule": rule.id,
        "plugin": cr.plugin,
        "mandatory": rule.mandatory,
        "legal_basis": refs.basis(rule.legal_basis),
        "parameters": refs.parameters(cr.trace_parameters),
        "detail": dict(detail),
    }


def findings(ev: Evaluation, codes: Mapping[str, CodeList], refs: Refs) -> list[JsonObject]:
    """One finding per factor: the evidence of every rule that found it (the facts each named,
    with their values, then the values each computed; each once), and every rule as a source."""
    grouped: dict[str, list[tuple[CompiledRule, o.Finding]]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Finding):
            grouped.setdefault(item.factor, []).append((cr, item))
    out = []
    factors = codes["risk_factors"]
    for factor, rows in sorted(grouped.items()):
        rows.sort(key=lambda r: r[0].rank)
        rows_evidence: list[JsonObject] = []
        seen_facts: set[str] = set()
        computed: list[JsonObject] = []
        seen_values: set[tuple[str, Any]] = set()
        rules: list[str] = []
        sources: list[JsonObject] = []
        seen_sources: set[tuple[str, o.Detail]] = set()
        for cr, item in rows:
            for name in item.evidence:
                if name not in seen_facts:
                    seen_facts.add(name)
                    rows_evidence.append(evidence(name, getattr(ev.facts, name, None)))
            for name, value in item.detail:
                key = (name, (type(value), value))
                if key not in seen_values:
                    seen_values.add(key)
                    computed.append({"fact": name, "value": value})
            if cr.rule.id not in rules:
                rules.append(cr.rule.id)
            if (cr.rule.id, item.detail) not in seen_sources:
                seen_sources.add((cr.rule.id, item.detail))
                sources.append(_source(cr, item.detail, refs))
        first = rows[0][0]
        out.append(
            {
                "factor": factor,
                "group": group_of(factors, factor) or _DEFAULT_GROUP,
                "evidence": rows_evidence + computed,
                "rule": first.rule.id,
                "legal_basis": refs.basis(first.rule.legal_basis),
                "rules": rules,
                "sources": sources,
            }
        )
    return out


def _deadline_basis(cr: CompiledRule, ob: o.Obligation) -> LegalBasis | None:
    if ob.days_parameter is None:
        return None
    return next((v.reference for pid, v in cr.param_values if pid == ob.days_parameter), None)


#: One obligation outcome as the combiner sees it: its due date, trigger, trigger source, unit,
#: rule, outcome, and the calendar its deadline was counted on.
_Row = tuple[date, date, TriggerSource, Deadline, CompiledRule, o.Obligation, SchoolCalendar]


def obligations(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """One obligation per action and recipients, with every rule that imposed it as a source.

    Each rule's duty is dated by what triggered it and its due date counted from that day on the
    school calendar for the learner's grade (:mod:`atbalsts.engine._duties`): a national rule's
    on the set's calendar, a municipal rule's on its local calendar, which also holds the
    closures the municipal policies declared (``PolicySet.local_calendar``). The strictest
    deadline gives the due date, the trigger and the kind of deadline; its deadline basis is
    that of the first source with that due date that names one. The legal basis of the duty is a
    mandatory national rule's when one imposed it, else the first source's. The responsible roles
    of all unite; informing any one recipient suffices only when every rule says so. The key
    (first rule and trigger) names the duty across evaluations; the case's actions and referrals
    say whether it is done, and the evaluation date its state.
    """
    grouped: dict[tuple[str, tuple[str, ...]], list[_Row]] = {}
    facts = ev.facts
    national = ev.calendar or shipped_calendar()
    local = ev.local_calendar or national
    grade = facts.grade
    for cr, item in ev.outcomes:
        if isinstance(item, o.Obligation):
            key = (item.action, tuple(sorted(item.recipients)))
            trigger, source = duties.trigger_of(item, facts)
            calendar = national if cr.national else local
            unit, due = duties.due_of(item, trigger, grade, calendar)
            grouped.setdefault(key, []).append((due, trigger, source, unit, cr, item, calendar))
    out = []
    as_of = ev.policy.as_of
    for (action, recipients), rows in grouped.items():
        rows.sort(key=lambda r: (r[0], r[4].rank))
        due, trigger, source, unit, first, item, calendar = rows[0]
        sources = []
        for d, t, ts, u, cr, i, _ in rows:
            row = _source(cr, i.detail, refs)
            row["due"] = d
            row["deadline"] = u
            row["trigger"] = t
            row["trigger_source"] = ts
            row["deadline_basis"] = refs.maybe_basis(_deadline_basis(cr, i))
            sources.append(row)
        mandatory = next((s for s in sources if s["mandatory"]), sources[0])
        deadline_basis = next(
            (s["deadline_basis"] for s in sources if s["due"] == due and s["deadline_basis"]),
            None,
        )
        duty_key = duties.duty_key(first.rule.id, trigger, action, recipients)
        answered = duties.answers(ev.case, duty_key, action, recipients, trigger, as_of)
        done_on = answered[0]["on"] if answered else None
        state, late = duties.state_of(due, done_on, as_of, grade, calendar)
        out.append(
            {
                "key": duty_key,
                "action": action,
                "responsible_roles": sorted({role for row in rows for role in row[5].roles}),
                "recipients": recipients,
                "any_recipient": all(row[5].any_recipient for row in rows),
                "due": due,
                "deadline": unit,
                "days": item.days if unit in ("school_days", "calendar_days") else None,
                "trigger": trigger,
                "trigger_source": source,
                "state": state,
                "school_days_late": late,
                "done_on": done_on,
                "answered_by": answered,
                "rules": list(dict.fromkeys(s["rule"] for s in sources)),
                "legal_basis": mandatory["legal_basis"],
                "deadline_basis": deadline_basis,
                "sources": sources,
            }
        )
    return sorted(out, key=lambda x: (x["due"], x["action"], x["recipients"]))


def follow_ups(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """The work overdue on the evaluation date beyond the obligations (COLLECT; see
    :func:`atbalsts.engine._duties.follow_ups`)."""
    return duties.follow_ups(ev.case, ev.facts, ev.policy, ev.calendar or shipped_calendar(), refs)


def measures(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """One verdict per measure a rule judged, asked for or not: eligible only if no rule denies
    it; every reason kept, denials first (see :func:`split_measures`)."""
    grouped: dict[str, list[tuple[tuple[bool, bool, bool, str, str], JsonObject]]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Verdict):
            grouped.setdefault(item.measure, []).append(
                (
                    (item.eligible, *cr.rank, item.reason),
                    {
                        "rule": cr.rule.id,
                        "eligible": item.eligible,
                        "reason": item.reason,
                        "detail": dict(item.detail),
                        "legal_basis": refs.basis(cr.rule.legal_basis),
                        "plugin": cr.plugin,
                        "parameters": refs.parameters(cr.trace_parameters),
                    },
                )
            )
    out = []
    for measure, rows in sorted(grouped.items()):
        rows.sort(key=lambda r: r[0])
        reasons = [r for _, r in rows]
        out.append(
            {
                "measure": measure,
                "eligible": all(r["eligible"] for r in reasons),
                "reasons": reasons,
            }
        )
    return out


def split_measures(
    ev: Evaluation, verdicts: list[JsonObject]
) -> tuple[list[JsonObject], list[JsonObject], list[str]]:
    """The verdicts on the measures asked for (the plan's, and those the caller listed), the
    suggestions (measures nobody asked for that no rule denies), and the measures asked for that
    no rule judged."""
    asked = ev.facts.plan_measures | ev.asked
    given = [v for v in verdicts if v["measure"] in asked]
    suggested = [v for v in verdicts if v["measure"] not in asked and v["eligible"]]
    judged = {v["measure"] for v in given}
    return given, suggested, sorted(asked - judged)


def referrals(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """One referral per institution, with every rule that made it due as a source: the most
    urgent rule's reason, urgency and legal basis (among equally urgent ones a mandatory national
    rule first), and the earliest due date any rule gives."""
    grouped: dict[str, list[tuple[CompiledRule, o.Refer]]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Refer):
            grouped.setdefault(item.to, []).append((cr, item))
    out = []
    for to, rows in sorted(grouped.items()):
        rows.sort(key=lambda r: (_URGENCY[r[1].urgency], r[0].rank))
        first_rule, first = rows[0]
        dues = [i.due for _, i in rows if i.due is not None]
        sources = []
        for cr, i in rows:
            row = _source(cr, i.detail, refs)
            row["reason"] = i.reason
            row["urgency"] = i.urgency
            row["due"] = i.due
            sources.append(row)
        out.append(
            {
                "to": to,
                "reason": first.reason,
                "urgency": first.urgency,
                "due": min(dues) if dues else None,
                "rules": list(dict.fromkeys(cr.rule.id for cr, _ in rows)),
                "legal_basis": refs.basis(first_rule.rule.legal_basis),
                "sources": sources,
            }
        )
    return out


def plan_issues(ev: Evaluation, verdicts: list[JsonObject], refs: Refs) -> list[JsonObject]:
    """Every issue the rules found with the plan in force, plus one for each measure of the plan
    that a rule denies (given the measures' ``verdicts``), with that rule's reason."""
    plan = ev.facts.plan
    if plan is None:
        return []
    out = [
        {
            "plan_id": plan.id,
            "reason": item.reason,
            "path": item.path,
            "detail": dict(item.detail),
            "rule": cr.rule.id,
            "legal_basis": refs.basis(cr.rule.legal_basis),
            "plugin": cr.plugin,
            "parameters": refs.parameters(cr.trace_parameters),
        }
        for cr, item in ev.outcomes
        if isinstance(item, o.Issue)
    ]
    denied = {v["measure"]: v for v in verdicts if not v["eligible"]}
    for i, assignment in enumerate(plan.measures):
        verdict = denied.get(assignment.measure)
        if verdict is None:
            continue
        for reason in verdict["reasons"]:
            if not reason["eligible"]:
                out.append(
                    {
                        "plan_id": plan.id,
                        "reason": reason["reason"],
                        "path": f"measures[{i}].measure",
                        "detail": {"measure": assignment.measure, **reason["detail"]},
                        "rule": reason["rule"],
                        "legal_basis": reason["legal_basis"],
                        "plugin": reason["plugin"],
                        "parameters": reason["parameters"],
                    }
                )
    return sorted(out, key=lambda x: (x["path"] or "", x["rule"], x["reason"]))


def tier(ev: Evaluation) -> int | None:
    """The highest risk tier any rule gives, or None."""
    tiers = [item.level for _, item in ev.outcomes if isinstance(item, o.Tier)]
    return max(tiers) if tiers else None


def review_due(ev: Evaluation) -> date | None:
    """The earliest review date any rule gives, or None."""
    reviews = [item.day for _, item in ev.outcomes if isinstance(item, o.ReviewBy)]
    return min(reviews) if reviews else None
