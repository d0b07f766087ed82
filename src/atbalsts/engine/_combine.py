"""The hit policies: how the outcomes of the rules of each decision kind combine.

One plain function per decision kind, over an :class:`~atbalsts.engine._run.Evaluation`:

=====================  ==========================================================================
risk findings          COLLECT, one finding per (factor, rule)
obligations            COLLECT per (action, recipients); the strictest deadline wins, roles unite
measure eligibility    deny-wins per measure, every rule's reason kept
referrals              COLLECT per institution; the most urgent reason, the earliest due date
plan issues            COLLECT, plus one issue per plan measure that a rule denies
risk tier              PRIORITY: the highest tier
review schedule        the earliest review date
=====================  ==========================================================================

Every value was made by the engine from validated documents and outcomes checked fit, so the parts
are built with ``model_construct`` (no second validation); a test checks that the Decision equals
the same Decision validated from its own JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from atbalsts.codes import CodeList
from atbalsts.engine._compiled import CompiledRule
from atbalsts.engine._evidence import json_value
from atbalsts.engine._run import Evaluation, group_of
from atbalsts.model.decision import (
    MeasureReason,
    MeasureVerdict,
    ObligationDue,
    PlanIssue,
    ReferralDue,
)
from atbalsts.model.referral import Urgency
from atbalsts.model.risk import Evidence, RiskFinding, RiskGroup
from atbalsts.policy import _outcomes as o

__all__ = ["findings", "measures", "obligations", "plan_issues", "referrals", "review_due", "tier"]

#: Referral urgencies, most urgent first.
_URGENCY = {"same_day": 0, "urgent": 1, "routine": 2}


def findings(ev: Evaluation, codes: Mapping[str, CodeList]) -> list[RiskFinding]:
    """Every finding, with the values of the facts it names as evidence."""
    out = []
    for cr, item in ev.outcomes:
        if isinstance(item, o.Finding):
            group = group_of(codes["risk_factors"], item.factor)
            evidence = tuple(
                Evidence.model_construct(fact=name, value=json_value(getattr(ev.facts, name, None)))
                for name in item.evidence
            )
            out.append(
                RiskFinding.model_construct(
                    factor=item.factor,
                    group=RiskGroup(group) if group else RiskGroup.LEARNING_AND_SCHOOL,
                    evidence=evidence,
                    rule=cr.rule.id,
                    legal_basis=cr.rule.legal_basis,
                )
            )
    return sorted(out, key=lambda f: (f.factor, f.rule))


def _due(ob: o.Obligation, as_of: date) -> date:
    if ob.deadline == "days":
        return as_of + timedelta(days=ob.days)
    if ob.deadline == "date" and ob.due is not None:
        return ob.due
    return as_of


def obligations(ev: Evaluation) -> list[ObligationDue]:
    """One obligation per action and recipients: the strictest deadline (then the first rule by
    id) gives its due date, deadline and legal basis; the responsible roles of all unite."""
    grouped: dict[tuple[str, tuple[str, ...]], list[tuple[date, CompiledRule, o.Obligation]]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Obligation):
            key = (item.action, tuple(sorted(item.recipients)))
            grouped.setdefault(key, []).append((_due(item, ev.policy.as_of), cr, item))
    out = []
    for (action, recipients), rows in grouped.items():
        rows.sort(key=lambda r: (r[0], r[1].rule.id))
        due, strictest, item = rows[0]
        roles = sorted({role for _, _, i in rows for role in i.roles})
        deadline_basis = next(
            (v.reference for pid, v in strictest.param_values if pid == item.days_parameter),
            None,
        )
        out.append(
            ObligationDue.model_construct(
                action=action,
                responsible_roles=tuple(roles),
                recipients=recipients,
                due=due,
                deadline=item.deadline,
                rules=tuple(r[1].rule.id for r in rows),
                legal_basis=strictest.rule.legal_basis,
                any_recipient=all(i.any_recipient for _, _, i in rows),
                deadline_basis=deadline_basis,
            )
        )
    return sorted(out, key=lambda x: (x.due, x.action, x.recipients))


def measures(ev: Evaluation) -> list[MeasureVerdict]:
    """One verdict per measure: eligible only if no rule denies it; every reason kept, denials
    first."""
    grouped: dict[str, list[MeasureReason]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Verdict):
            grouped.setdefault(item.measure, []).append(
                MeasureReason.model_construct(
                    rule=cr.rule.id,
                    eligible=item.eligible,
                    reason=item.reason,
                    detail=dict(item.detail),
                    legal_basis=cr.rule.legal_basis,
                )
            )
    out = []
    for measure, reasons in grouped.items():
        reasons.sort(key=lambda r: (r.eligible, r.rule, r.reason))
        out.append(
            MeasureVerdict.model_construct(
                measure=measure, eligible=all(r.eligible for r in reasons), reasons=tuple(reasons)
            )
        )
    return sorted(out, key=lambda v: v.measure)


def referrals(ev: Evaluation) -> list[ReferralDue]:
    """One referral per institution: the most urgent rule's reason, urgency and legal basis, and
    the earliest due date any rule gives."""
    grouped: dict[str, list[tuple[CompiledRule, o.Refer]]] = {}
    for cr, item in ev.outcomes:
        if isinstance(item, o.Refer):
            grouped.setdefault(item.to, []).append((cr, item))
    out = []
    for to, rows in grouped.items():
        rows.sort(key=lambda r: (_URGENCY[r[1].urgency], r[0].rule.id))
        first_rule, first = rows[0]
        dues = [i.due for _, i in rows if i.due is not None]
        out.append(
            ReferralDue.model_construct(
                to=to,
                reason=first.reason,
                urgency=Urgency(first.urgency),
                due=min(dues) if dues else None,
                rules=tuple(cr.rule.id for cr, _ in rows),
                legal_basis=first_rule.rule.legal_basis,
            )
        )
    return sorted(out, key=lambda r: r.to)


def plan_issues(ev: Evaluation, verdicts: list[MeasureVerdict]) -> list[PlanIssue]:
    """Every issue the rules found with the plan in force, plus one for each measure of the plan
    that a rule denies (given the measures' ``verdicts``), with that rule's reason."""
    plan = ev.facts.plan
    if plan is None:
        return []
    out = [
        PlanIssue.model_construct(
            plan_id=plan.id,
            reason=item.reason,
            path=item.path,
            detail=dict(item.detail),
            rule=cr.rule.id,
            legal_basis=cr.rule.legal_basis,
        )
        for cr, item in ev.outcomes
        if isinstance(item, o.Issue)
    ]
    denied = {v.measure: v for v in verdicts if not v.eligible}
    for i, assignment in enumerate(plan.measures):
        verdict = denied.get(assignment.measure)
        if verdict is None:
            continue
        for reason in verdict.reasons:
            if not reason.eligible:
                out.append(
                    PlanIssue.model_construct(
                        plan_id=plan.id,
                        reason=reason.reason,
                        path=f"measures[{i}].measure",
                        detail={"measure": assignment.measure, **reason.detail},
                        rule=reason.rule,
                        legal_basis=reason.legal_basis,
                    )
                )
    return sorted(out, key=lambda x: (x.path or "", x.rule, x.reason))


def tier(ev: Evaluation) -> int | None:
    """The highest risk tier any rule gives, or None."""
    tiers = [item.level for _, item in ev.outcomes if isinstance(item, o.Tier)]
    return max(tiers) if tiers else None


def review_due(ev: Evaluation) -> date | None:
    """The earliest review date any rule gives, or None."""
    reviews = [item.day for _, item in ev.outcomes if isinstance(item, o.ReviewBy)]
    return min(reviews) if reviews else None
