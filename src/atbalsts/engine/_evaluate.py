"""Evaluation: run the rules in force on the facts, isolate failures, combine by hit policy.

The hot path builds only tuples and small attrs values; :func:`to_decision` turns them into the
pydantic :class:`~atbalsts.model.Decision` when a caller wants the document.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Literal

import attrs
from pydantic import BaseModel

from atbalsts.codes import CodeList
from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.errors import PolicyError
from atbalsts.model import SupportPlan
from atbalsts.model.decision import (
    Decision,
    Failure,
    MeasureReason,
    MeasureVerdict,
    ObligationDue,
    PlanIssue,
    ReferralDue,
    TraceRow,
)
from atbalsts.model.referral import Urgency
from atbalsts.model.risk import Evidence, RiskFinding, RiskGroup
from atbalsts.policy import _outcomes as o
from atbalsts.policy._facts import Facts

__all__ = ["Evaluation", "evaluate_facts", "to_decision"]

_URGENCY = {"same_day": 0, "urgent": 1, "routine": 2}
_FIT_MAX = 100_000


@attrs.define(slots=True)
class Evaluation:
    """The raw result of evaluating one case: outcomes by rule, trace rows, failures."""

    facts: Facts
    policy: CompiledPolicy
    outcomes: list[tuple[CompiledRule, Any]]
    trace: list[tuple[CompiledRule, bool, tuple[Any, ...], str | None]]
    failures: list[Failure]

    @property
    def complete(self) -> bool:
        """False when a plugin or rule failed."""
        return not self.failures


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _is_codes(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, str) for v in value)


def _is_detail(value: object) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(pair, tuple)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and (pair[1] is None or isinstance(pair[1], bool | int | float | str))
        for pair in value
    )


def _malformed(item: Any) -> str | None:
    """What is wrong with an outcome's field types, or None. Checked once per distinct outcome."""
    if isinstance(item, o.Finding):
        ok = isinstance(item.factor, str) and _is_codes(item.evidence)
    elif isinstance(item, o.Obligation):
        ok = (
            isinstance(item.action, str)
            and _is_codes(item.roles)
            and _is_codes(item.recipients)
            and item.deadline in ("same_school_day", "same_day", "days", "date")
            and type(item.days) is int
            and item.days >= 0
            and (item.due is None or isinstance(item.due, date))
            and (item.deadline != "date" or item.due is not None)
            and isinstance(item.any_recipient, bool)
            and (item.days_parameter is None or isinstance(item.days_parameter, str))
        )
    elif isinstance(item, o.Verdict):
        ok = (
            isinstance(item.measure, str)
            and isinstance(item.eligible, bool)
            and isinstance(item.reason, str)
            and _is_detail(item.detail)
        )
    elif isinstance(item, o.Refer):
        ok = (
            isinstance(item.to, str)
            and isinstance(item.reason, str)
            and item.urgency in _URGENCY
            and (item.due is None or isinstance(item.due, date))
        )
    elif isinstance(item, o.Issue):
        ok = (
            isinstance(item.reason, str)
            and (item.path is None or isinstance(item.path, str))
            and _is_detail(item.detail)
        )
    elif isinstance(item, o.ReviewBy):
        ok = isinstance(item.day, date)
    else:
        ok = type(item.level) is int and 1 <= item.level <= 3
    return None if ok else f"returned a malformed {type(item).__name__}: {item!r}"


def _unfit(item: Any, codes: dict[str, CodeList]) -> str | None:
    """What makes an outcome unfit for a valid Decision: malformed fields or a code the policy
    set's code lists do not know; None when it is fit."""
    malformed = _malformed(item)
    if malformed:
        return malformed
    checks: list[tuple[str, str]]
    if isinstance(item, o.Finding):
        checks = [("risk_factors", item.factor)]
    elif isinstance(item, o.Obligation):
        checks = [("actions", item.action), *(("roles", r) for r in item.roles)]
        checks += [("institutions", r) for r in item.recipients if r not in codes["roles"]]
    elif isinstance(item, o.Verdict):
        checks = [("measures", item.measure), ("reasons", item.reason)]
    elif isinstance(item, o.Refer):
        checks = [("institutions", item.to), ("reasons", item.reason)]
    elif isinstance(item, o.Issue):
        checks = [("reasons", item.reason)]
    else:
        return None
    for list_name, code in checks:
        if code not in codes[list_name]:
            return f"returned an unknown {list_name} code {code!r}"
    return None


def _fail(
    ev: Evaluation,
    cr: CompiledRule,
    stage: Literal["evaluate", "result"],
    error: str,
    strict: bool,
    cause: BaseException | None = None,
) -> str:
    if strict:
        raise PolicyError(f"rule {cr.rule.id!r} of plugin {cr.plugin!r}: {error}") from cause
    ev.failures.append(Failure(plugin=cr.plugin, rule=cr.rule.id, stage=stage, error=error))
    return error


def _run(
    compiled: Iterable[CompiledRule],
    facts: Facts,
    ev: Evaluation,
    codes: dict[str, CodeList],
    trace: bool,
    strict: bool,
) -> None:
    outcomes = ev.outcomes
    rows = ev.trace
    # Outcomes are frozen values that repeat across learners: the codes of each distinct one are
    # checked once per compiled policy (the codes cannot change under it); the type always.
    fit = ev.policy.fit_outcomes
    for cr in compiled:
        error = None
        fired = False
        expected = cr.expected
        try:
            result = cr.function(facts, cr.params)
            if result is None:
                items: tuple[Any, ...] = ()
            elif isinstance(result, expected):
                items = (result,)
            elif isinstance(result, str | bytes) or not hasattr(result, "__iter__"):
                items = (result,)  # not an outcome and not a collection of them
            else:
                items = tuple(result)  # a generator rule runs here: inside the isolation
        except Exception as exc:  # isolate: one failing rule never hides the others
            error = _fail(ev, cr, "evaluate", _error(exc), strict, exc)
        else:
            for item in items:
                if not isinstance(item, expected):
                    error = (
                        f"returned {type(item).__name__}, expected {expected.__name__} "
                        f"for a {cr.rule.kind.value} rule"
                    )
                    break
                try:
                    if item in fit:
                        continue
                except TypeError:  # an unhashable field: checked every time, never cached
                    pass
                error = _unfit(item, codes)
                if error:
                    break
                if len(fit) < _FIT_MAX:
                    with contextlib.suppress(TypeError):
                        fit.add(item)
            if error:
                _fail(ev, cr, "result", error, strict)
            elif items:
                fired = True
                for item in items:
                    outcomes.append((cr, item))
        if trace:
            rows.append((cr, fired, cr.read(facts), error))


def evaluate_facts(
    policy: CompiledPolicy,
    facts: Facts,
    codes: dict[str, CodeList],
    failures: Iterable[Failure] = (),
    *,
    trace: bool = True,
    strict: bool = False,
) -> Evaluation:
    """Run the rules of ``policy`` on ``facts``: risk findings first, then every other kind."""
    ev = Evaluation(facts, policy, [], [], list(failures))
    _run(policy.first, facts, ev, codes, trace, strict)
    factors = frozenset(out.factor for _, out in ev.outcomes)
    groups_of = codes["risk_factors"]
    groups = frozenset(g for f in factors if (g := _group(groups_of, f)) is not None)
    # Facts are frozen for rules; the engine alone fills in what the risk rules found.
    object.__setattr__(facts, "risk_factors", factors)
    object.__setattr__(facts, "risk_groups", groups)
    _run(policy.rest, facts, ev, codes, trace, strict)
    return ev


def _group(factors: CodeList, factor: str) -> str | None:
    return factors[factor].group if factor in factors else None


# --- turning an Evaluation into a Decision ---
#
# Every value below was made by the engine from validated documents and typed rule outcomes, so the
# Decision is assembled with ``model_construct`` (no second validation); a test
# checks that the result equals the same Decision validated from its own JSON.


def _json_value(value: Any) -> bool | int | float | str | None:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, SupportPlan):
        return value.id
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return json.dumps([v.model_dump(mode="json") for v in value], sort_keys=True)
    if isinstance(value, frozenset | set | tuple | list):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


_EVIDENCE: dict[tuple[str, type, Any], Evidence] = {}
_EVIDENCE_MAX = 50_000


def _evidence(name: str, raw: Any) -> Evidence:
    """An Evidence row; rows repeat across learners (small ints, flags), so they are shared."""
    value = _json_value(raw)
    key = (name, type(value), value)
    found = _EVIDENCE.get(key)
    if found is None:
        if len(_EVIDENCE) >= _EVIDENCE_MAX:
            _EVIDENCE.clear()
        found = _EVIDENCE[key] = Evidence.model_construct(fact=name, value=value)
    return found


def _due(ob: o.Obligation, as_of: date) -> date:
    if ob.deadline == "days":
        return as_of + timedelta(days=ob.days)
    if ob.deadline == "date" and ob.due is not None:
        return ob.due
    return as_of


def _findings(ev: Evaluation, codes: dict[str, CodeList]) -> list[RiskFinding]:
    out = []
    for cr, item in ev.outcomes:
        if isinstance(item, o.Finding):
            group = _group(codes["risk_factors"], item.factor)
            evidence = tuple(
                Evidence.model_construct(
                    fact=name, value=_json_value(getattr(ev.facts, name, None))
                )
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


def _obligations(ev: Evaluation) -> list[ObligationDue]:
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


def _measures(ev: Evaluation) -> list[MeasureVerdict]:
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


def _referrals(ev: Evaluation) -> list[ReferralDue]:
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


def _plan_issues(ev: Evaluation, verdicts: list[MeasureVerdict]) -> list[PlanIssue]:
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
    # A plan that assigns a measure some rule denies is refused, with that rule's reason.
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


def _trace(ev: Evaluation) -> list[TraceRow]:
    rows = []
    seen: dict[str, Evidence] = {}  # a fact has one value per evaluation: convert it once

    def evidence(name: str, raw: Any) -> Evidence:
        found = seen.get(name)
        if found is None:
            found = seen[name] = _evidence(name, raw)
        return found

    for cr, fired, values, error in ev.trace:
        rule = cr.rule
        rows.append(
            TraceRow.model_construct(
                rule=rule.id,
                plugin=cr.plugin,
                kind=rule.kind,
                fired=fired,
                facts=tuple(
                    evidence(name, value) for name, value in zip(rule.reads, values, strict=True)
                ),
                parameters=cr.trace_parameters,
                legal_basis=rule.legal_basis,
                overrides=rule.overrides,
                error=error,
            )
        )
    return sorted(rows, key=lambda r: r.rule)


def to_decision(ev: Evaluation, codes: dict[str, CodeList]) -> Decision:
    """The :class:`~atbalsts.model.Decision` document of an evaluation."""
    verdicts = _measures(ev)
    reviews = [item.day for _, item in ev.outcomes if isinstance(item, o.ReviewBy)]
    tiers = [item.level for _, item in ev.outcomes if isinstance(item, o.Tier)]
    return Decision.model_construct(
        learner_id=ev.facts.learner_id,
        as_of=ev.policy.as_of,
        policy=ev.policy.stamp,
        complete=ev.complete,
        failures=tuple(sorted(ev.failures, key=lambda f: (f.plugin, f.rule or "", f.stage))),
        findings=tuple(_findings(ev, codes)),
        tier=max(tiers) if tiers else None,
        obligations=tuple(_obligations(ev)),
        measures=tuple(verdicts),
        referrals=tuple(_referrals(ev)),
        plan_issues=tuple(_plan_issues(ev, verdicts)),
        review_due=min(reviews) if reviews else None,
        trace=tuple(_trace(ev)),
    )
