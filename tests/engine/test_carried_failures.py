"""The duties of the term before are evaluated on its last day with the rules a duty depends on:
one of those that fails then makes the decision incomplete; a rule of another kind is not run."""

from __future__ import annotations

from datetime import date

from atbalsts.policy import DecisionKind, Facts, Obligation, Params, Refer, rule

from .fixtures import FIXTURE_RULES, FixturePlugin, make_case, registry

TERM_END = date(2025, 12, 31)
JANUARY = date(2026, 1, 5)


@rule(
    "fx.carry.broken_duty",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=date(2020, 1, 1),
    valid_to=TERM_END,
)
def broken_duty(f: Facts, p: Params) -> Obligation:
    """In force until 31 December, and failing."""
    raise RuntimeError("synthetic failure")


@rule(
    "fx.carry.broken_referral",
    kind=DecisionKind.REFERRAL,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=date(2020, 1, 1),
    valid_to=TERM_END,
)
def broken_referral(f: Facts, p: Params) -> Refer:
    """In force until 31 December, and failing: no duty depends on it."""
    raise RuntimeError("synthetic failure")


def test_a_duty_rule_failing_on_the_terms_last_day_makes_the_decision_incomplete() -> None:
    reg = registry(FixturePlugin("fx", rules=[broken_duty]))
    december = make_case(observed_on=date(2025, 12, 18))
    decision = reg.evaluate(december, JANUARY)
    assert not decision.complete
    assert [(f.rule, f.stage) for f in decision.failures] == [("fx.carry.broken_duty", "evaluate")]
    assert not any(f.rule for f in reg.evaluate(make_case(observed_on=JANUARY), JANUARY).failures)


def test_a_rule_no_duty_depends_on_is_not_run_on_the_terms_last_day() -> None:
    reg = registry(FixturePlugin("fx", rules=[broken_referral]))
    december = make_case(observed_on=date(2025, 12, 18))
    assert not reg.evaluate(december, TERM_END).complete
    assert reg.evaluate(december, JANUARY).complete
