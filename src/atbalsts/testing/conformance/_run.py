"""Running the plugin's rules on cases: the ``undeclared-read`` (a recording proxy of the facts),
evidence ``facts``, ``codes``, ``crash``, ``complete`` and ``determinism`` checks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from atbalsts.engine import Declaration, Evaluation, PolicySet, to_decision
from atbalsts.model import Decision, Failure, SupportCase
from atbalsts.policy import FACT_NAMES, PROTECTED_FACTS, Facts, Finding, Params, Rule
from atbalsts.testing.conformance._cases import sample_cases
from atbalsts.testing.conformance._problem import Problem
from atbalsts.testing.conformance._static import protected_message


class _RecordingFacts:
    """Wraps a :class:`Facts` and records the names a rule reads (and assigns, which it must not).

    A property such as ``has_risk`` is evaluated on the wrapper, so the facts it reads count.
    """

    __slots__ = ("_facts", "_read", "_written")

    def __init__(self, facts: Facts) -> None:
        object.__setattr__(self, "_facts", facts)
        object.__setattr__(self, "_read", set())
        object.__setattr__(self, "_written", set())

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        facts = object.__getattribute__(self, "_facts")
        prop = getattr(type(facts), name, None)
        if isinstance(prop, property) and prop.fget is not None:
            return prop.fget(self)
        object.__getattribute__(self, "_read").add(name)
        return getattr(facts, name)

    def __setattr__(self, name: str, value: object) -> None:
        object.__getattribute__(self, "_written").add(name)


def _recorded(proxy: _RecordingFacts) -> tuple[set[str], set[str]]:
    """The names ``proxy`` saw read and assigned."""
    read: set[str] = object.__getattribute__(proxy, "_read")
    written: set[str] = object.__getattribute__(proxy, "_written")
    return read, written


def _items(result: Any) -> list[Any]:
    if result is None:
        return []
    if isinstance(result, Iterable) and not isinstance(result, str):
        return list(result)
    return [result]


def _record(rule: Rule, facts: Facts, params: Params) -> tuple[set[str], set[str]]:
    """The facts ``rule`` reads and assigns on ``facts``, called as the engine calls it (with its
    parameters as :class:`~atbalsts.policy.Params`, so that a read after ``p.integer(...)`` is
    seen too)."""
    proxy = _RecordingFacts(facts)
    with contextlib.suppress(Exception):  # the crash check reports crashes, with the case
        _items(rule.function(proxy, params))  # type: ignore[arg-type]
    return _recorded(proxy)


def _evidence_problems(rule: Rule, item: Any) -> Iterator[str]:
    if not isinstance(item, Finding):
        return
    for fact in item.evidence:
        if fact not in FACT_NAMES:
            yield f"a finding names {fact!r} as evidence, which is not a fact"
        elif fact in PROTECTED_FACTS:
            yield protected_message(fact)
        elif fact not in rule.reads:
            yield f"a finding names {fact!r} as evidence but the rule does not declare it in reads"


@attrs.define
class _Tally:
    """Problems found while running cases, each kept once with the first case that showed it."""

    seen: dict[tuple[str, str, str], tuple[str, int]] = attrs.field(factory=dict)

    def add(self, check: str, subject: str, message: str, where: str) -> None:
        key = (check, subject, message)
        first, n = self.seen.get(key, (where, 0))
        self.seen[key] = (first, n + 1)

    def problems(self) -> list[Problem]:
        out = []
        for (check, subject, message), (where, n) in self.seen.items():
            times = "once" if n == 1 else f"{n} times"
            out.append(Problem(check, subject, f"{message} ({times}; first on {where})"))
        return out


def _differing_rules(a: Decision, b: Decision) -> list[str]:
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    rules: set[str] = set()
    for key in da:
        if da[key] == db[key]:
            continue
        items = [i for i in [*_as_list(da[key]), *_as_list(db[key])] if isinstance(i, dict)]
        for i in items:
            if i not in _as_list(da[key]) or i not in _as_list(db[key]):
                rules.update(_rule_ids(i))
    return sorted(rules)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _rule_ids(item: dict[str, Any]) -> Iterator[str]:
    if isinstance(item.get("rule"), str):
        yield item["rule"]
    yield from (r for r in item.get("rules", ()) if isinstance(r, str))
    for reason in item.get("reasons", ()):
        if isinstance(reason, dict) and isinstance(reason.get("rule"), str):
            yield reason["rule"]


def run_cases(
    decl: Declaration,
    policy_set: PolicySet,
    dates: Sequence[date],
    given: list[SupportCase] | None,
    municipality: str,
    examples: int,
    seed: int,
) -> list[Problem]:
    name = decl.info.name
    tally = _Tally()
    for as_of in dates:
        cases = (
            given
            if given is not None
            else sample_cases(
                examples,
                as_of=as_of,
                municipality=municipality,
                seed=seed,
                local_codes=decl.codes,
            )
        )
        own = [c for c in policy_set.at(as_of).rules if c.plugin == name]
        first: list[str | None] = []
        for case in cases:
            where = f"learner {case.learner.id} as of {as_of}"
            ev = _evaluate(policy_set, case, as_of, tally, name, where)
            if ev is None:
                first.append(None)
                continue
            for cr in own:
                read, written = _record(cr.rule, ev.facts, cr.params)
                declared = set(cr.rule.reads)
                if "has_risk" in declared:  # a property over risk_factors
                    declared.add("risk_factors")
                for fact in sorted(read - declared):
                    tally.add(
                        "undeclared-read",
                        cr.rule.id,
                        f"the rule reads {fact!r} without declaring it; add it to reads=(...) so "
                        f"the trace shows what the decision rested on",
                        where,
                    )
                for fact in sorted(written):
                    tally.add(
                        "undeclared-read",
                        cr.rule.id,
                        f"the rule assigns to the fact {fact!r}; facts are read-only, compute a "
                        f"local variable instead",
                        where,
                    )
            for cr, item in ev.outcomes:
                if cr.plugin == name:
                    for message in _evidence_problems(cr.rule, item):
                        tally.add("facts", cr.rule.id, message, where)
            for failure in ev.failures:
                tally.add(*_failure_problem(failure, name), where)
            first.append(_decision_json(ev, policy_set, tally, name, where))
        for case, before in zip(reversed(cases), reversed(first), strict=True):
            if before is None:
                continue
            where = f"learner {case.learner.id} as of {as_of}"
            again = _evaluate(policy_set, case, as_of, _Tally(), name, where)
            after = (
                None if again is None else _decision_json(again, policy_set, _Tally(), name, where)
            )
            if after != before and after is not None:
                one = Decision.model_validate_json(before)
                two = Decision.model_validate_json(after)
                differing = [r for r in _differing_rules(one, two) if r.startswith(f"{name}.")]
                for rule_id in differing or [name]:
                    tally.add(
                        "determinism",
                        rule_id,
                        "the same case on the same date gave a different Decision the second "
                        "time; a rule must not depend on the clock, randomness, the order of "
                        "cases or state kept between calls",
                        where,
                    )
    return tally.problems()


def _failure_problem(failure: Failure, name: str) -> tuple[str, str, str]:
    """A failure recorded in a Decision as (check, subject, message)."""
    subject = failure.rule or failure.plugin
    if failure.plugin != name:
        return (
            "complete",
            subject,
            f"with this policy, the rule of plugin {failure.plugin!r} failed ({failure.error}); "
            f"check the values this policy gives the national parameters",
        )
    if failure.cause == "unknown_code":
        return (
            "codes",
            subject,
            f"the rule {failure.error}, which is neither a national code nor a local code the "
            f"plugin declares; use a national code, or declare a local one ('{name}:<code>', with "
            f"Latvian and English labels) in atbalsts_register_codes",
        )
    if failure.cause == "undeclared_measure":
        return (
            "crash",
            subject,
            f"the rule of plugin {name!r} {failure.error}; add the measure to the rule's "
            f"measures=(...) in its @rule(...) declaration, or stop returning it",
        )
    if failure.cause == "facts_changed":
        return (
            "crash",
            subject,
            f"the rule of plugin {name!r} {failure.error}; facts are read-only, compute a local "
            f"variable instead",
        )
    if failure.stage == "result":
        return (
            "crash",
            subject,
            f"the rule of plugin {name!r} {failure.error}; a rule returns the outcome class of its "
            f"kind (or an iterable of them), or None",
        )
    return (
        "crash",
        subject,
        f"the rule of plugin {name!r} raised {failure.error}; a rule must handle every valid "
        f"case (for example grade, plan or absence_rate may be None)",
    )


def _evaluate(
    policy_set: PolicySet, case: SupportCase, as_of: date, tally: _Tally, name: str, where: str
) -> Evaluation | None:
    try:
        return policy_set.run(case, as_of)
    except Exception as exc:  # the engine isolates rules; this is a failure outside any rule
        tally.add(
            "crash",
            name,
            f"evaluating the policy set failed outside any rule: {type(exc).__name__}: {exc}",
            where,
        )
        return None


def _decision_json(
    ev: Evaluation, policy_set: PolicySet, tally: _Tally, name: str, where: str
) -> str | None:
    try:
        return to_decision(ev, policy_set.codes).model_dump_json()
    except Exception as exc:  # a result the Decision document refuses, e.g. a malformed code
        tally.add(
            "crash",
            name,
            f"the Decision could not be built from the rules' results: {type(exc).__name__}: {exc}",
            where,
        )
        return None
