"""The hit policies: how the outcomes of the rules of each decision kind combine.

One plain function per decision kind, over an :class:`~atbalsts.engine._run.Evaluation`:

=====================  ==========================================================================
risk findings          COLLECT, one finding per factor, with the evidence and rules of all
obligations            COLLECT per (action, recipients); the strictest deadline wins, roles unite;
                       each dated by its trigger, with its state on the evaluation date
follow-ups             COLLECT: referrals, plan reviews and approvals overdue
measure eligibility    deny-wins per measure, every rule's reason kept; measures nobody asked
                       for are suggestions, listed apart and only when eligible
referrals              COLLECT per institution; the most urgent reason of a rule that makes it
                       due, the earliest due date; a suggestion only when no rule makes it
                       due; the case's open referrals to the institution beside it
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

from atbalsts.calendar import shipped_calendar
from atbalsts.codes import CodeList
from atbalsts.engine import _duties as duties
from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._dutygroup import DutyGroup, DutyRow, any_recipient
from atbalsts.engine._evidence import evidence
from atbalsts.engine._refs import JsonObject, Refs
from atbalsts.engine._run import Evaluation, group_of
from atbalsts.model.risk import LegalBasis, RiskGroup
from atbalsts.policy import _outcomes as o

__all__ = [
    "DutyGroup",
    "deadline_basis",
    "duty_groups",
    "duty_groups_of",
    "earliest_due",
    "finding_group",
    "finding_groups",
    "finding_parts",
    "findings",
    "follow_ups",
    "measures",
    "obligations",
    "plan_issue_rows",
    "plan_issues",
    "referral_groups",
    "referrals",
    "review_due",
    "split_measures",
    "tier",
    "verdict_groups",
]

#: Referral urgencies, most urgent first.
_URGENCY = {"same_day": 0, "urgent": 1, "routine": 2}

#: The group of a factor the code list does not place.
_DEFAULT_GROUP = RiskGroup.LEARNING_AND_SCHOOL.value


def finding_group(factors: CodeList, factor: str) -> str:
    """The risk group a finding of ``factor`` is shown in: the code list's, or learning and
    school for a factor it does not place."""
    return group_of(factors, factor) or _DEFAULT_GROUP


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


FindingRows = list[tuple[CompiledRule, o.Finding]]


def finding_groups(ev: Evaluation) -> list[tuple[str, FindingRows]]:
    """The findings by factor (in factor order), each factor's rows in the rules' rank order."""
    grouped: dict[str, FindingRows] = {}
    for cr, item in ev.outcomes_of(o.Finding):
        grouped.setdefault(item.factor, []).append((cr, item))
    out = sorted(grouped.items())
    for _, rows in out:
        rows.sort(key=lambda r: r[0].rank)
    return out


def finding_parts(
    ev: Evaluation, rows: FindingRows
) -> tuple[list[JsonObject], list[str], list[tuple[CompiledRule, o.Detail]]]:
    """A factor's evidence (the facts each rule named, with their values, then the values each
    computed; each once), its rules (each once) and its sources (each rule and detail once)."""
    rows_evidence: list[JsonObject] = []
    seen_facts: set[str] = set()
    computed: list[JsonObject] = []
    seen_values: set[tuple[str, Any]] = set()
    rules: list[str] = []
    sources: list[tuple[CompiledRule, o.Detail]] = []
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
            sources.append((cr, item.detail))
    return rows_evidence + computed, rules, sources


def findings(ev: Evaluation, codes: Mapping[str, CodeList], refs: Refs) -> list[JsonObject]:
    """One finding per factor: the evidence of every rule that found it (the facts each named,
    with their values, then the values each computed; each once), and every rule as a source."""
    out = []
    factors = codes["risk_factors"]
    for factor, rows in finding_groups(ev):
        found, rules, sources = finding_parts(ev, rows)
        first = rows[0][0]
        out.append(
            {
                "factor": factor,
                "group": finding_group(factors, factor),
                "evidence": found,
                "rule": first.rule.id,
                "legal_basis": refs.basis(first.rule.legal_basis),
                "rules": rules,
                "sources": [_source(cr, detail, refs) for cr, detail in sources],
            }
        )
    return out


def deadline_basis(cr: CompiledRule, ob: o.Obligation) -> LegalBasis | None:
    if ob.days_parameter is None:
        return None
    return next((v.reference for pid, v in cr.param_values if pid == ob.days_parameter), None)


#: Deadlines of duties shown on their day only: not carried into the next term.
_SAME_DAY = frozenset({"same_day", "same_school_day"})


def duty_groups(ev: Evaluation) -> list[DutyGroup]:
    """The obligations of ``ev`` grouped by action and recipients (and, for a duty that arises
    from a suspected threat, by the day it arose: each suspicion is reported), in the
    Decision's order (due date, action, recipients); see :func:`obligations`.

    With them, the duties carried from the term before (``Evaluation.carried``, evaluated
    on that term's last day): each group of it that no action or referral has answered by the
    evaluation date, whether it fell due within that term or after it, that is not a same-day
    duty (shown on its day only, as in its term; an open threat's report is raised on the
    evaluation date itself), and that ``ev`` does not raise itself (the same action from the same
    trigger, whatever its recipients: a parameter that names them may have changed since, as
    the child-rights body did on 1 January 2024), with its state on the evaluation date. Grouped
    once per evaluation.
    """
    found: list[DutyGroup] | None = ev.duties
    if found is not None:
        return found
    as_of = ev.policy.as_of
    out = duty_groups_of(ev, as_of)
    carried = ev.carried
    if carried is not None:
        own = {(g.action, g.rows[0][1]) for g in out}
        out += [
            g
            for g in duty_groups_of(carried, as_of, carried=True)
            if g.done_on is None
            and (g.action, g.rows[0][1]) not in own
            and not all(row[3] in _SAME_DAY for row in g.rows)
        ]
    out.sort(key=lambda g: (g.rows[0][0], g.action, g.recipients))
    ev.duties = out
    return out


def duty_groups_of(ev: Evaluation, as_of: date, *, carried: bool = False) -> list[DutyGroup]:
    """The duties the outcomes of ``ev`` itself raise (none carried), with what answered each and
    its state on ``as_of`` (the evaluation date; for the evaluation of the term before, the date
    its duties are carried to), in no particular order."""
    grouped: dict[tuple[str, tuple[str, ...], date | None], list[DutyRow]] = {}
    facts = ev.facts
    national = ev.calendar or shipped_calendar()
    local = ev.local_calendar or national
    grade = facts.grade
    for cr, item in ev.outcomes_of(o.Obligation):
        trigger, source = duties.trigger_of(item, facts)
        # A suspicion is reported on its own (Art. 73(1)): the duties of one day are one duty,
        # those of two days two. Any other duty of one action and recipients is one.
        key = (item.action, tuple(sorted(item.recipients)), trigger if source == "threat" else None)
        calendar = national if cr.national else local
        unit, due = duties.due_of(item, trigger, grade, calendar)
        grouped.setdefault(key, []).append((due, trigger, source, unit, cr, item, calendar))
    out = []
    for (action, recipients, _), rows in grouped.items():
        if len(rows) > 1:  # most duties have one rule: nothing to order
            rows.sort(key=lambda r: (r[0], r[4].rank))
        every = not any_recipient(rows)
        due, trigger, _, _, first, _, calendar = rows[0]
        duty_key = duties.duty_key(first.rule.id, trigger, action, recipients)
        answered, done_on = duties.answers(
            ev.case, duty_key, action, recipients, trigger, as_of, every=every
        )
        state, late = duties.state_of(due, done_on, as_of, grade, calendar)
        out.append(
            DutyGroup(action, recipients, rows, duty_key, answered, done_on, state, late, carried)
        )
    return out


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
    out = []
    for group in duty_groups(ev):
        due, trigger, source, unit, _, _, _ = group.first
        sources = []
        for d, t, ts, u, cr, i, _ in group.rows:
            row = _source(cr, i.detail, refs)
            row["due"] = d
            row["deadline"] = u
            row["trigger"] = t
            row["trigger_source"] = ts
            row["deadline_basis"] = refs.maybe_basis(deadline_basis(cr, i))
            sources.append(row)
        mandatory = next((s for s in sources if s["mandatory"]), sources[0])
        out.append(
            {
                "key": group.key,
                "action": group.action,
                "responsible_roles": group.roles(),
                "recipients": group.recipients,
                "any_recipient": group.any_recipient(),
                "due": due,
                "deadline": unit,
                "days": group.days(),
                "trigger": trigger,
                "trigger_source": source,
                "state": group.state,
                "school_days_late": group.late,
                "done_on": group.done_on,
                "answered_by": group.answered,
                "rules": list(dict.fromkeys(s["rule"] for s in sources)),
                "legal_basis": mandatory["legal_basis"],
                "deadline_basis": next(
                    (
                        s["deadline_basis"]
                        for s in sources
                        if s["due"] == due and s["deadline_basis"]
                    ),
                    None,
                ),
                "sources": sources,
            }
        )
    return out


def follow_ups(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """The work overdue on the evaluation date beyond the obligations (COLLECT; see
    :func:`atbalsts.engine._duties.follow_ups`)."""
    return duties.follow_ups(ev.case, ev.facts, ev.policy, ev.calendar or shipped_calendar(), refs)


VerdictRows = list[tuple[CompiledRule, o.Verdict]]


def verdict_groups(ev: Evaluation) -> list[tuple[str, VerdictRows]]:
    """The verdicts by measure (in measure order), each measure's denials first, then by the
    rules' rank and the reason."""
    grouped: dict[str, VerdictRows] = {}
    for cr, item in ev.outcomes_of(o.Verdict):
        grouped.setdefault(item.measure, []).append((cr, item))
    out = sorted(grouped.items())
    for _, rows in out:
        rows.sort(key=lambda r: (r[1].eligible, *r[0].rank, r[1].reason))
    return out


def measures(groups: list[tuple[str, VerdictRows]], refs: Refs) -> list[JsonObject]:
    """One verdict per measure a rule judged (the :func:`verdict_groups`), asked for or not:
    eligible only if no rule denies it; every reason kept, denials first (see
    :func:`split_measures`)."""
    out = []
    for measure, rows in groups:
        reasons = [
            {
                "rule": cr.rule.id,
                "eligible": item.eligible,
                "reason": item.reason,
                "detail": dict(item.detail),
                "legal_basis": refs.basis(cr.rule.legal_basis),
                "plugin": cr.plugin,
                "parameters": refs.parameters(cr.trace_parameters),
            }
            for cr, item in rows
        ]
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


ReferralRows = list[tuple[CompiledRule, o.Refer]]


def referral_groups(ev: Evaluation) -> list[tuple[str, ReferralRows]]:
    """The referrals by institution (in order), each one's rows: those that make it due before
    those that only suggest it, then most urgent first (then a mandatory national rule first)."""
    grouped: dict[str, ReferralRows] = {}
    for cr, item in ev.outcomes_of(o.Refer):
        grouped.setdefault(item.to, []).append((cr, item))
    out = sorted(grouped.items())
    for _, rows in out:
        rows.sort(key=lambda r: (r[1].suggestion, _URGENCY[r[1].urgency], r[0].rank))
    return out


def only_suggested(rows: ReferralRows) -> bool:
    """Whether every rule of ``rows`` only suggests the referral (none makes it due)."""
    return all(i.suggestion for _, i in rows)


def open_referrals(ev: Evaluation, to: str) -> list[str]:
    """The ids of the case's referrals to ``to`` that wait for their answer on the evaluation
    date (:func:`~atbalsts.engine._duties.awaiting_answer`, as a follow-up judges them), in
    order."""
    if ev.case is None:
        return []
    as_of = ev.facts.as_of
    return [
        r.id
        for r in ev.case.referrals
        if r.referred_to.institution == to and duties.awaiting_answer(r, as_of)
    ]


def earliest_due(rows: ReferralRows) -> date | None:
    """The earliest due date a rule of ``rows`` that makes the referral due gives (of those that
    only suggest it, when none makes it due: a suggestion never dates a duty), or None."""
    suggested = only_suggested(rows)  # no rule makes it due: the suggestions date it
    dues = [i.due for _, i in rows if i.due is not None and (suggested or not i.suggestion)]
    return min(dues) if dues else None


def referrals(ev: Evaluation, refs: Refs) -> list[JsonObject]:
    """One referral per institution, with every rule that made it due as a source: the most
    urgent rule's reason, urgency and legal basis (among equally urgent ones a mandatory national
    rule first), and the earliest due date any rule gives."""
    out = []
    for to, rows in referral_groups(ev):
        first_rule, first = rows[0]
        sources = []
        for cr, i in rows:
            row = _source(cr, i.detail, refs)
            row["reason"] = i.reason
            row["urgency"] = i.urgency
            row["due"] = i.due
            row["suggestion"] = i.suggestion
            sources.append(row)
        out.append(
            {
                "to": to,
                "reason": first.reason,
                "urgency": first.urgency,
                "due": earliest_due(rows),
                "suggestion": only_suggested(rows),
                "open_referrals": open_referrals(ev, to),
                "rules": list(dict.fromkeys(cr.rule.id for cr, _ in rows)),
                "legal_basis": refs.basis(first_rule.rule.legal_basis),
                "sources": sources,
            }
        )
    return out


IssueRow = tuple[CompiledRule, str, str | None, dict[str, Any]]


def plan_issue_rows(ev: Evaluation, groups: list[tuple[str, VerdictRows]]) -> list[IssueRow]:
    """Every issue the rules found with the plan in force, plus one for each measure of the plan
    that a rule denies (given the :func:`verdict_groups`), with that rule's reason: (rule,
    reason, path, detail) in the Decision's order (path, rule, reason)."""
    plan = ev.facts.plan
    if plan is None:
        return []
    rows: list[IssueRow] = [
        (cr, item.reason, item.path, dict(item.detail)) for cr, item in ev.outcomes_of(o.Issue)
    ]
    denied = {m: verdicts for m, verdicts in groups if not all(v.eligible for _, v in verdicts)}
    for i, assignment in enumerate(plan.measures):
        for cr, verdict in denied.get(assignment.measure, ()):
            if not verdict.eligible:
                detail = {"measure": assignment.measure, **dict(verdict.detail)}
                rows.append((cr, verdict.reason, f"measures[{i}].measure", detail))
    rows.sort(key=lambda r: (r[2] or "", r[0].rule.id, r[1]))
    return rows


def plan_issues(
    ev: Evaluation, groups: list[tuple[str, VerdictRows]], refs: Refs
) -> list[JsonObject]:
    """The plan's issues (:func:`plan_issue_rows`) as data."""
    plan = ev.facts.plan
    if plan is None:
        return []
    return [
        {
            "plan_id": plan.id,
            "reason": reason,
            "path": path,
            "detail": detail,
            "rule": cr.rule.id,
            "legal_basis": refs.basis(cr.rule.legal_basis),
            "plugin": cr.plugin,
            "parameters": refs.parameters(cr.trace_parameters),
        }
        for cr, reason, path, detail in plan_issue_rows(ev, groups)
    ]


def tier(ev: Evaluation) -> int | None:
    """The highest risk tier any rule gives, or None."""
    tiers = [item.level for _, item in ev.outcomes_of(o.Tier)]
    return max(tiers) if tiers else None


def review_due(ev: Evaluation) -> date | None:
    """The earliest review date any rule gives, or None."""
    reviews = [item.day for _, item in ev.outcomes_of(o.ReviewBy)]
    return min(reviews) if reviews else None
