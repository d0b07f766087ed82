"""Whether a role sees a measure's verdict depends only on the role and on every rule of the
policy in force that may decide that measure, never on which of them fired: else a verdict
hidden only when a rule that reads what the role may not see fired (Parauga's meals for a needy
family) tells the role that it fired."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts import PolicyRegistry
from atbalsts.batch import latest_observation
from atbalsts.model import DataCategory, Decision, SupportCase, parse_json
from atbalsts.policy import BasisKind, DecisionKind, LegalBasis, Rule
from atbalsts.privacy import Level, Reads, ViewRole, grants_for, view_decision
from atbalsts.testing.strategies import support_cases

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NEEDY_RULE = "parauga.measure.needy_family_meals"
ON = date(2025, 10, 15)


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@functools.cache
def declared(municipality: str, on: date) -> Reads:
    rules = registry().policy_set(municipality).rules_in_force(on)
    return Reads.declared(rule for rule, _ in rules)


def example(name: str) -> SupportCase:
    (path,) = sorted(EXAMPLES.glob(f"{name}*.json"))
    return parse_json(SupportCase, path.read_text(encoding="utf-8"))


def needy(case: SupportCase, value: bool) -> SupportCase:
    data = case.model_dump(mode="json")
    data["learner"]["needy_or_low_income_family"] = value
    return SupportCase.model_validate(data)


def shown(view: dict[str, Any]) -> dict[str, set[str]]:
    return {key: {v["measure"] for v in view.get(key, [])} for key in ("measures", "suggestions")}


def verdicts(decision: Decision) -> dict[str, set[str]]:
    return {key: {v.measure for v in getattr(decision, key)} for key in ("measures", "suggestions")}


def views(decision: Decision, reads: Reads | None = None) -> dict[str, dict[str, set[str]]]:
    return {
        role.value: shown(view_decision(decision, role=role.value, reads=reads))
        for role in ViewRole
    }


# -- the oracle found in review --------------------------------------------------------------------


def test_whether_the_family_is_needy_never_changes_which_verdicts_a_role_sees() -> None:
    base = example("06-parauga")
    day = latest_observation(base)
    assert day is not None
    decisions = {value: registry().evaluate(needy(base, value), day) for value in (True, False)}
    fired = {value: {r.rule for r in d.trace if r.fired} for value, d in decisions.items()}
    assert NEEDY_RULE in fired[True]
    assert NEEDY_RULE not in fired[False]
    # the meals verdict is there either way (the plan asks for it): only its reasons differ
    assert all("meals_compensation" in verdicts(d)["measures"] for d in decisions.values())
    for reads in (None, declared("parauga", day)):
        seen = {
            value: views(d if reads is None else d.model_copy(update={"trace": ()}), reads)
            for value, d in decisions.items()
        }
        assert seen[True] == seen[False], reads
        teacher = seen[True]["class_teacher"]["measures"]
        assert teacher == {"transport_compensation"}, reads  # never meals, needy or not
        for role in ("social_pedagogue", "psychologist"):  # they see the family in full
            assert "meals_compensation" in seen[False][role]["measures"], (role, reads)


def test_the_declared_reads_name_every_rule_that_may_decide_a_measure() -> None:
    reads = declared("parauga", ON)
    assert NEEDY_RULE in reads.deciders["meals_compensation"]
    assert "lv.measure.no_double_funding_default" in reads.deciders["meals_compensation"]
    assert NEEDY_RULE not in reads.deciders["transport_compensation"]
    assert reads.any_measure == ()  # every rule of the set declares its measures
    meals = reads.deciders["meals_compensation"]
    assert set(reads.verdict_rules("meals_compensation")) == set(meals)


def test_so_does_the_trace_whether_each_rule_fired_or_not() -> None:
    base = example("06-parauga")
    day = latest_observation(base)
    assert day is not None
    decision = registry().evaluate(needy(base, False), day)
    row = next(r for r in decision.trace if r.rule == NEEDY_RULE)
    assert (row.fired, row.measures) == (False, ("meals_compensation",))
    from_trace = Reads.of(decision.trace)
    assert NEEDY_RULE in from_trace.deciders["meals_compensation"]
    assert from_trace.deciders == declared("parauga", day).deciders


def _rule(rid: str, reads: tuple[str, ...], measures: tuple[str, ...] | None) -> Rule:
    return Rule(
        id=rid,
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="A test rule."),
        function=lambda facts, params: None,
        reads=reads,
        measures=measures,
    )


def test_a_rule_that_declares_no_measures_counts_for_every_measure() -> None:
    """Old plugins keep working: a verdict rule that declares no measures may decide any, so it
    hides every verdict from a role that may not see what it reads."""
    grade = _rule("x.rule.grade", ("grade",), ("transport_compensation",))
    family = _rule("x.rule.family", ("needy_family",), None)
    reads = Reads.declared([grade, family])
    assert reads.any_measure == ("x.rule.family",)
    assert set(reads.verdict_rules("transport_compensation")) == {"x.rule.grade", "x.rule.family"}
    assert reads.verdict_rules("meals_compensation") == ("x.rule.family",)
    # two versions of one rule: the measures both declare; undeclared in either: any
    both = Reads.declared([grade, attrs.evolve(grade, measures=("meals_compensation",))])
    assert both.deciders == {
        "meals_compensation": ("x.rule.grade",),
        "transport_compensation": ("x.rule.grade",),
    }
    # a rule of another kind never decides a measure
    finding = attrs.evolve(grade, kind=DecisionKind.RISK_FINDING, measures=None)
    assert Reads.declared([finding]).deciders == {}
    assert Reads.declared([finding]).any_measure == ()


def test_a_trace_row_without_measures_counts_for_every_measure() -> None:
    """A decision written before rules declared their measures: each verdict rule of its trace
    may have decided any measure."""
    base = example("06-parauga")
    day = latest_observation(base)
    assert day is not None
    decision = registry().evaluate(base, day)
    data = decision.model_dump(mode="json")
    for row in data["trace"]:
        del row["measures"]
    old = Decision.model_validate(data)
    reads = Reads.of(old.trace)
    assert reads.deciders == {}
    assert NEEDY_RULE in reads.any_measure
    # the needy rule reads the family's need: the class teacher sees no verdict at all
    assert "measures" not in view_decision(old, role="class_teacher")
    assert "meals_compensation" in shown(view_decision(old, role="psychologist"))["measures"]


# -- the invariant, over generated cases -----------------------------------------------------------


def with_meals_funded(case: SupportCase) -> SupportCase:
    """``case`` with meals funded by the state: the national rule against double funding then
    decides meals whether the family is needy or not."""
    data = case.model_dump(mode="json")
    data["funded_elsewhere"].append({"measure": "meals_compensation", "funder": "state"})
    return SupportCase.model_validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(support_cases(municipality="parauga", as_of=ON), st.booleans(), st.booleans())
def test_which_rules_fired_never_changes_whether_a_verdict_is_shown(
    case: SupportCase, funded: bool, traced: bool
) -> None:
    """Two cases differing only in a family fact (whether the family is needy) give, for every
    role, the same answer to "is this measure's verdict shown" for every measure both decide."""
    asked = ("meals_compensation",) if funded else ()
    if funded:
        case = with_meals_funded(case)
    pair = [registry().evaluate(needy(case, v), ON, measures=asked) for v in (True, False)]
    if funded:
        assert all("meals_compensation" in verdicts(d)["measures"] for d in pair)
    if not traced:
        pair = [d.model_copy(update={"trace": ()}) for d in pair]
    reads = None if traced else declared("parauga", ON)
    seen = [views(d, reads) for d in pair]
    decided = [verdicts(d) for d in pair]
    for role in ViewRole:
        for key in ("measures", "suggestions"):
            both = decided[0][key] & decided[1][key]
            assert seen[0][role.value][key] & both == seen[1][role.value][key] & both, (role, key)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(support_cases(municipality="parauga", as_of=ON), min_size=2, max_size=2),
    st.lists(st.booleans(), min_size=2, max_size=2),
)
def test_a_verdict_is_shown_by_its_measure_and_the_role_alone(
    cases: list[SupportCase], funded: list[bool]
) -> None:
    """Across any cases under one policy, a role sees a measure's verdict in all of them or in
    none: it depends on the role and on every rule that may decide the measure (what they read),
    not on the case."""
    reads = declared("parauga", ON)
    seen: dict[tuple[str, str], set[bool]] = {}
    for case, meals in zip(cases, funded, strict=True):
        asked = ("meals_compensation",) if meals else ()
        decision = registry().evaluate(
            with_meals_funded(case) if meals else case, ON, measures=asked
        )
        for role in ViewRole:
            view = shown(view_decision(decision, role=role.value))
            for key in ("measures", "suggestions"):
                for measure in verdicts(decision)[key]:
                    seen.setdefault((role.value, measure), set()).add(measure in view[key])
    for (role, measure), answers in seen.items():
        assert len(answers) == 1, (role, measure)
        needs = [reads.needs(rule) for rule in reads.verdict_rules(measure)]
        grants = grants_for(role)
        may = grants.get(DataCategory.SUPPORT, Level.NONE) >= Level.BASIC and all(
            n is not None and all(grants.get(c, Level.NONE) >= at for c, at in n.items())
            for n in needs
        )
        assert answers == {may}, (role, measure)


def test_the_examples_decisions_as_json_name_each_rules_measures() -> None:
    base = example("06-parauga")
    day = latest_observation(base)
    assert day is not None
    text = json.dumps(registry().evaluate(base, day).model_dump(mode="json"))
    assert '"measures": ["meals_compensation"]' in text
