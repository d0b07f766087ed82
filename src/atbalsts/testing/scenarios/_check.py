"""Running a scenario and comparing the decision with what it expects, one message per mismatch:
what was expected and what was found."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date

from atbalsts.engine import PolicyRegistry, PolicySet
from atbalsts.model import Decision, MeasureVerdict, NoteCode, ObligationDue, ReferralDue
from atbalsts.testing.scenarios._format import (
    ExpectedObligation,
    ExpectedReferral,
    ExpectedVerdict,
    Value,
)
from atbalsts.testing.scenarios._load import Scenario

__all__ = ["check", "policy_set_for", "run_scenario"]

_SHOWN = 40  # characters of a string value a message repeats, at most
_FOUND = bool | int | float | str | None  # a value in a decision (evidence, parameter)


def policy_set_for(registry: PolicyRegistry, scenario: Scenario) -> PolicySet:
    """The policy set that decides ``scenario``: that of its municipality, else the learner's."""
    return registry.policy_set(scenario.policy_municipality)


def run_scenario(registry: PolicyRegistry, scenario: Scenario) -> Decision:
    """Evaluate ``scenario`` (``strict=False``: a failing rule makes the decision incomplete),
    asking verdicts on the scenario's ``measures`` besides those of the plan in force. The
    decision carries its trace, which the ``parameters`` expectation reads.

    Raises :class:`~atbalsts.UnknownNameError` when ``measures`` names a measure that no code
    list of the policy set knows."""
    return policy_set_for(registry, scenario).evaluate(
        scenario.case, scenario.as_of, strict=False, measures=scenario.measures
    )


def check(
    decision: Decision, scenario: Scenario, *, known_rules: Collection[str] | None = None
) -> list[str]:
    """The ways ``decision`` differs from what ``scenario`` expects, one readable message each
    (empty when everything expected holds). Each message names the expected and the actual value;
    rule messages also list the rules that fired.

    With ``known_rules`` (the rule ids of the policy set), a rule id in ``fired`` or
    ``not_fired`` that names no rule is reported too, so a misspelt id cannot pass silently.
    """
    exp = scenario.expect
    out: list[str] = _asked_for(decision, scenario)
    if decision.complete is not exp.complete:
        failed = "; ".join(
            f"{f.plugin}{'/' + f.rule if f.rule else ''} ({f.stage}): {f.error}"
            for f in decision.failures
        )
        out.append(
            f"complete: expected {_show(exp.complete)}, got {_show(decision.complete)}"
            + (f" (failed: {failed})" if failed else "")
        )
    actual = {
        "findings": [f.factor for f in decision.findings],
        "obligations": [o.action for o in decision.obligations],
        "referrals": [r.to for r in decision.referrals],
        "plan_issues": [i.reason for i in decision.plan_issues],
        "suggested": [v.measure for v in decision.suggestions],
        "notes": [str(n.code) for n in decision.notes],
    }
    for key, found in actual.items():
        expected: tuple[str, ...] | None = getattr(exp, key)
        if expected is not None and (problem := _exact(key, expected, found)):
            out.append(problem)
    verdicts = {v.measure: v for v in decision.measures}
    because = _none_because(decision, scenario)
    out += _eligibility(exp.eligible, exp.ineligible, verdicts, because)
    out += _rules(decision, exp.fired, exp.not_fired, known_rules)
    for want in exp.obligation:
        out += _obligation(decision.obligations, want)
    for want_referral in exp.referral:
        out += _referral(decision.referrals, want_referral)
    for measure, want_verdict in exp.verdicts.items():
        out += _verdict(measure, want_verdict, verdicts, because)
    for factor, facts in exp.evidence.items():
        out += _evidence(decision, factor, facts)
    out += _parameters(decision, exp.parameters)
    return out


def _asked_for(decision: Decision, scenario: Scenario) -> list[str]:
    """A measure the scenario asks for is judged in ``measures`` or named in a
    ``measure_not_decided`` note; if neither, the decision was reached without the scenario's
    ``measures``, and every expectation about them would mislead."""
    judged = {v.measure for v in decision.measures}
    noted = {
        n.detail.get("measure") for n in decision.notes if n.code == NoteCode.MEASURE_NOT_DECIDED
    }
    missed = set(scenario.measures) - judged - noted
    if not missed:
        return []
    return [
        f"measures: {_list(missed)} asked for, but the decision neither judges them nor notes "
        "them as not decided: it was evaluated without the scenario's 'measures' (evaluate it "
        "with run_scenario, or pass measures=scenario.measures)"
    ]


# --- how values are shown and compared ------------------------------------------------------------


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(set(values))) + "]"


def _show(value: Value | None) -> str:
    """A value as written in TOML (``true``, ``21``, ``'text'``, ``2025-03-03``); a long string is
    cut short, since evidence can hold more than a scenario author wrote."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…")
    if isinstance(value, date):
        return value.isoformat()
    return "nothing" if value is None else str(value)


def _same(want: Value, got: _FOUND) -> bool:
    """``want`` (from the file) equals ``got`` (from the decision): ``true`` is not ``1``, ``21``
    equals ``21.0``, and a date equals its ISO text (the decision keeps dates as text)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got
    if isinstance(want, date):
        return got == want.isoformat()
    if isinstance(want, int | float):
        return isinstance(got, int | float) and want == got
    return want == got


# --- the exact sets, eligibility and rules --------------------------------------------------------


def _exact(key: str, expected: Iterable[str], actual: Iterable[str]) -> str | None:
    want, got = set(expected), set(actual)
    if want == got:
        return None
    parts = []
    if want - got:
        parts.append(f"missing {_list(want - got)}")
    if got - want:
        parts.append(f"unexpected {_list(got - want)}")
    return f"{key}: expected {_list(want)}, got {_list(got)} ({'; '.join(parts)})"


def _reasons(verdict: MeasureVerdict) -> str:
    return ", ".join(
        f"{r.reason} ({'allow' if r.eligible else 'deny'}, {r.rule})" for r in verdict.reasons
    )


def _verdict_list(verdicts: Mapping[str, MeasureVerdict]) -> str:
    if not verdicts:
        return "no verdicts at all"
    return "verdicts: " + ", ".join(
        f"{m}={'eligible' if v.eligible else 'ineligible'}" for m, v in sorted(verdicts.items())
    )


def _none_because(decision: Decision, scenario: Scenario) -> Callable[[str], str]:
    """What to say about a measure the decision has no verdict on: the verdicts it has, and why
    it may have none (a verdict is given only on a measure asked for)."""
    verdicts = _verdict_list({v.measure: v for v in decision.measures})
    suggested = {v.measure for v in decision.suggestions}
    in_plans = {m.measure for plan in scenario.case.plans for m in plan.measures}
    asked = in_plans | set(scenario.measures)

    def because(measure: str) -> str:
        if measure in suggested and measure not in scenario.measures:
            return (
                f"{verdicts}; it is a suggestion: list it in the scenario's 'measures' to ask "
                "for a verdict, or expect it in 'suggested'"
            )
        if measure not in asked:
            return (
                f"{verdicts}; verdicts are given only on the measures of the plan in force and "
                "those the scenario lists in 'measures'"
            )
        return verdicts

    return because


def _eligibility(
    eligible: Iterable[str],
    ineligible: Iterable[str],
    verdicts: Mapping[str, MeasureVerdict],
    because: Callable[[str], str],
) -> list[str]:
    out = []
    for key, measures, wanted in (("eligible", eligible, True), ("ineligible", ineligible, False)):
        for measure in measures:
            verdict = verdicts.get(measure)
            if verdict is None:
                out.append(
                    f"{key}: expected {measure!r} {key}, got no verdict on it ({because(measure)})"
                )
            elif verdict.eligible is not wanted:
                got = "eligible" if verdict.eligible else "ineligible"
                out.append(
                    f"{key}: expected {measure!r} {key}, got {got} (reasons: {_reasons(verdict)})"
                )
    return out


def _rules(
    decision: Decision,
    expected: Iterable[str],
    not_expected: Iterable[str],
    known_rules: Collection[str] | None,
) -> list[str]:
    out = []
    evaluated = {row.rule for row in decision.trace}
    fired = sorted(row.rule for row in decision.trace if row.fired)
    fired_list = f"rules that fired: {_list(fired)}" if fired else "no rule fired"
    for rule in expected:
        if known_rules is not None and rule not in known_rules:
            out.append(f"fired: {rule!r} is not a rule of the policy set (misspelt?)")
        elif rule not in fired:
            why = (
                "did not fire"
                if rule in evaluated
                else f"was not in force on {decision.as_of.isoformat()}"
            )
            out.append(f"fired: expected {rule!r} to fire, it {why} ({fired_list})")
    for rule in not_expected:
        if known_rules is not None and rule not in known_rules:
            out.append(f"not_fired: {rule!r} is not a rule of the policy set (misspelt?)")
        elif rule in fired:
            out.append(f"not_fired: expected {rule!r} not to fire, but it fired ({fired_list})")
    return out


# --- the detailed checks --------------------------------------------------------------------------


def _obligation(obligations: Iterable[ObligationDue], want: ExpectedObligation) -> list[str]:
    candidates = [o for o in obligations if o.action == want.action]
    if not candidates:
        return [
            f"obligation {want.action!r}: expected, but the decision has no such obligation "
            f"(obligations: {_list(o.action for o in obligations)})"
        ]
    for ob in candidates:
        if (
            set(want.recipients) <= set(ob.recipients)
            and set(want.responsible_roles) <= set(ob.responsible_roles)
            and want.due in (None, ob.due)
            and want.state in (None, ob.state)
        ):
            return []
    wanted = []
    if want.recipients:
        wanted.append(f"recipients including {_list(want.recipients)}")
    if want.responsible_roles:
        wanted.append(f"responsible roles including {_list(want.responsible_roles)}")
    if want.due is not None:
        wanted.append(f"due {want.due.isoformat()}")
    if want.state is not None:
        wanted.append(f"state {want.state}")
    got = "; ".join(
        f"recipients {_list(ob.recipients)}, "
        + (f"responsible roles {_list(ob.responsible_roles)}, " if want.responsible_roles else "")
        + f"due {ob.due.isoformat()}"
        + (f", state {ob.state}" if want.state is not None else "")
        for ob in candidates
    )
    return [f"obligation {want.action!r}: expected {' and '.join(wanted)}, got {got}"]


def _referral(referrals: Iterable[ReferralDue], want: ExpectedReferral) -> list[str]:
    candidates = [r for r in referrals if r.to == want.to]
    if not candidates:
        return [
            f"referral {want.to!r}: expected, but the decision has no such referral "
            f"(referrals: {_list(r.to for r in referrals)})"
        ]

    def mismatches(got: ReferralDue) -> list[str]:
        pairs = [
            ("reason", want.reason, got.reason),
            ("urgency", want.urgency and want.urgency.value, got.urgency.value),
            ("due", want.due and want.due.isoformat(), got.due and got.due.isoformat()),
        ]
        out = [
            f"referral {want.to!r}: expected {key} {expected}, found {found or 'none'}"
            for key, expected, found in pairs
            if expected is not None and expected != found
        ]
        if want.suggestion is not None and want.suggestion != got.suggestion:
            out.append(
                f"referral {want.to!r}: expected "
                + (
                    "a suggestion, found a referral a rule makes due"
                    if want.suggestion
                    else "a referral a rule makes due, found only a suggestion"
                )
            )
        return out

    found = [mismatches(r) for r in candidates]  # one referral per recipient: normally one
    return [] if [] in found else found[0]


def _verdict(
    measure: str,
    want: ExpectedVerdict,
    verdicts: Mapping[str, MeasureVerdict],
    because: Callable[[str], str],
) -> list[str]:
    verdict = verdicts.get(measure)
    if verdict is None:
        return [f"verdicts {measure!r}: expected a verdict, found none ({because(measure)})"]
    out = []
    if want.eligible is not None and want.eligible is not verdict.eligible:
        out.append(
            f"verdicts {measure!r}: expected eligible = {_show(want.eligible)}, found "
            f"{_show(verdict.eligible)} (reasons: {_reasons(verdict)})"
        )
    given = {r.reason for r in verdict.reasons}
    for reason in want.reasons:
        if reason not in given:
            found = _reasons(verdict) or "no reasons"
            out.append(f"verdicts {measure!r}: expected reason {reason!r}, found {found}")
    return out


def _evidence(decision: Decision, factor: str, facts: Mapping[str, Value]) -> list[str]:
    candidates = [{e.fact: e.value for e in f.evidence} for f in decision.findings]
    candidates = [
        c for c, f in zip(candidates, decision.findings, strict=True) if f.factor == factor
    ]
    if not candidates:
        found = _list(f.factor for f in decision.findings)
        return [f"evidence {factor!r}: expected a finding, found none (findings: {found})"]

    def mismatches(got: Mapping[str, _FOUND]) -> list[str]:
        out = []
        for fact, want in facts.items():
            if fact not in got:
                found = f"no such fact (evidence: {_list(got) if got else 'none'})"
            elif not _same(want, got[fact]):
                found = _show(got[fact])
            else:
                continue
            out.append(f"evidence {factor!r}: expected {fact} = {_show(want)}, found {found}")
        return out

    # One finding per factor in a decision of the engine; a decision built otherwise may hold
    # several: report against the closest.
    return min((mismatches(c) for c in candidates), key=len)


def _parameters(decision: Decision, expected: Mapping[str, Value]) -> list[str]:
    read: dict[str, list[_FOUND]] = {}
    for row in decision.trace:
        for parameter in row.parameters:
            read.setdefault(parameter.id, []).append(parameter.value)
    out = []
    for parameter_id, want in expected.items():
        values = read.get(parameter_id)
        if not values:
            close = difflib.get_close_matches(parameter_id, list(read), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                f"parameters {parameter_id!r}: expected {_show(want)}, but no rule read it{hint}"
            )
        elif not all(_same(want, v) for v in values):
            found = ", ".join(sorted({_show(v) for v in values if not _same(want, v)}))
            out.append(f"parameters {parameter_id!r}: expected {_show(want)}, found {found}")
    return out
