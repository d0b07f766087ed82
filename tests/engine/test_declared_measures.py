"""A measure-eligibility rule declares the measures it may give verdicts on (``measures=``): a
verdict on another one is a failure of the rule, an unknown one refuses the policy set, and a
decision's trace names what each rule declares (the privacy views judge verdicts by it)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import attrs
import pytest

from atbalsts import PolicyError
from atbalsts.engine import check_declarations, load_plugins
from atbalsts.errors import UndeclaredMeasuresWarning
from atbalsts.policy import Allow, DecisionKind, Facts, Params, Rule, rule

from .fixtures import (
    AS_OF,
    FIXTURE_RULES,
    FixturePlugin,
    make_case,
    registry,
    source,
    trace_row,
)

PLAN = ("librarian_support", "transport_compensation")


def _verdicts(measures: Any, *given: str) -> Rule:
    @rule(
        "fx.measure.some",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        measures=measures,
    )
    def some(f: Facts, p: Params) -> list[Any]:
        return [Allow(measure, "fx:ok") for measure in given]

    return some


def _decide(r: Rule) -> Any:
    if r.measures is None:  # loading warns, once
        with pytest.warns(UndeclaredMeasuresWarning, match=re.escape(repr(r.id))):
            reg = registry(FixturePlugin("fx", rules=[r]))
    else:
        reg = registry(FixturePlugin("fx", rules=[r]))
    with warnings.catch_warnings():  # evaluating never warns again
        warnings.simplefilter("error")
        return reg.evaluate(make_case(plan_measures=PLAN), AS_OF)


def test_a_verdict_on_a_declared_measure_is_kept() -> None:
    decision = _decide(_verdicts(("librarian_support",), "librarian_support"))
    assert decision.failures == ()
    (verdict,) = [v for v in decision.measures if v.measure == "librarian_support"]
    assert [r.rule for r in verdict.reasons] == ["fx.measure.some"]
    assert trace_row(decision, "fx.measure.some").measures == ("librarian_support",)


def test_a_verdict_on_a_measure_the_rule_does_not_declare_fails_the_rule() -> None:
    decision = _decide(
        _verdicts(("librarian_support",), "librarian_support", "transport_compensation")
    )
    (failure,) = decision.failures
    assert (failure.rule, failure.stage, failure.cause) == (
        "fx.measure.some",
        "result",
        "undeclared_measure",
    )
    assert "'transport_compensation'" in failure.error
    assert "measures=('librarian_support',)" in failure.error
    assert not decision.complete
    # nothing the rule returned is kept, the declared verdict neither
    assert all(r.rule != "fx.measure.some" for v in decision.measures for r in v.reasons), (
        decision.measures
    )


def test_a_cached_fit_verdict_is_still_checked_against_the_rule_that_returns_it() -> None:
    """Two rules return the same verdict: the one that declares it must not let the other pass
    (fit outcomes are cached per compiled policy)."""

    @rule(
        "fx.measure.first",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        measures=("librarian_support",),
    )
    def first(f: Facts, p: Params) -> Any:
        return Allow("librarian_support", "fx:ok")

    @rule(
        "fx.measure.second",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        measures=("transport_compensation",),
    )
    def second(f: Facts, p: Params) -> Any:
        return Allow("librarian_support", "fx:ok")

    reg = registry(FixturePlugin("fx", rules=[first, second]))
    decision = reg.evaluate(make_case(plan_measures=PLAN), AS_OF)
    assert [(f.rule, f.cause) for f in decision.failures] == [
        ("fx.measure.second", "undeclared_measure")
    ]


def test_in_strict_mode_an_undeclared_measure_raises() -> None:
    reg = registry(
        FixturePlugin("fx", rules=[_verdicts(("librarian_support",), "transport_compensation")])
    )
    with pytest.raises(PolicyError, match=r"fx\.measure\.some"):
        reg.evaluate(make_case(plan_measures=PLAN), AS_OF, strict=True)


def test_a_rule_that_declares_no_measures_may_decide_any() -> None:
    decision = _decide(_verdicts(None, "librarian_support", "transport_compensation"))
    assert decision.failures == ()
    assert trace_row(decision, "fx.measure.some").measures is None
    ruled = {v.measure for v in decision.measures for r in v.reasons if r.rule == "fx.measure.some"}
    assert ruled == {"librarian_support", "transport_compensation"}


def test_declared_measures_are_sorted_once_and_a_lone_code_is_one_measure() -> None:
    assert _verdicts(["b_x", "a_x", "b_x"]).measures == ("a_x", "b_x")
    assert _verdicts("librarian_support").measures == ("librarian_support",)
    assert _verdicts(()).measures == ()  # declares none: every verdict fails


def test_only_a_measure_eligibility_rule_declares_measures() -> None:
    with pytest.raises(ValueError, match=r"fx\.absence\.x.*measure_eligibility"):

        @rule(
            "fx.absence.x",
            kind=DecisionKind.OBLIGATION,
            legal_basis=FIXTURE_RULES,
            measures=("librarian_support",),
        )
        def x(f: Facts, p: Params) -> None:
            return None


def test_a_rule_that_declares_an_unknown_measure_refuses_the_set() -> None:
    reg = registry(FixturePlugin("fx", rules=[_verdicts(("librarian_suport", "fx:nope"))]))
    found = [(v.check, v.subject, v.plugin) for v in check_declarations(reg.declarations)]
    assert found == [
        ("unknown-measure", "fx.measure.some", "fx"),
        ("unknown-measure", "fx.measure.some", "fx"),
    ]
    reasons = [v.reason for v in check_declarations(reg.declarations)]
    assert "did you mean librarian_support" in reasons[1]


def test_a_note_that_no_rule_decided_a_measure_tells_no_more_than_its_verdict() -> None:
    """The `measure_not_decided` note is there exactly when the rules that may decide the measure
    kept silent: a role that may not see what they read sees the note as little as the verdict,
    so a needy family and another give the class teacher the same view (review)."""

    from atbalsts.model import SupportCase
    from atbalsts.policy import Allow, DecisionKind, rule
    from atbalsts.privacy import view_decision

    @rule(
        "fx.measure.needy",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        reads=("needy_family",),
        measures=("librarian_support",),
    )
    def needy(f: Facts, p: Params) -> Any:
        return Allow("librarian_support", "fx:ok") if f.needy_family else None

    reg = registry(FixturePlugin("fx", municipality="bauska", rules=[needy]))
    views = {}
    for flag in (True, False):
        data = make_case(plan_measures=("librarian_support",)).model_dump(mode="json")
        data["learner"]["needy_or_low_income_family"] = flag
        decision = reg.evaluate(SupportCase.model_validate(data), AS_OF)
        codes = [n.code for n in decision.notes]
        assert ("measure_not_decided" in codes) is not flag  # the note follows the fact
        for role in ("class_teacher", "psychologist"):
            view = view_decision(decision, role=role)
            views[role, flag] = (view.get("notes"), view.get("measures"))
    assert views["class_teacher", True] == views["class_teacher", False]
    assert views["psychologist", True] != views["psychologist", False]  # it sees both


# -- loading warns of a verdict rule that declares no measures ------------------------------------


def test_loading_warns_once_per_plugin_naming_each_undeclared_verdict_rule() -> None:
    undeclared = _verdicts(None, "librarian_support")  # fx.measure.some
    declared = _verdicts(("librarian_support",), "librarian_support")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry(
            FixturePlugin(
                "fx",
                rules=[
                    undeclared,
                    attrs.evolve(declared, id="fx.measure.declared"),
                    attrs.evolve(undeclared, id="fx.measure.another"),
                ],
            ),
            FixturePlugin("gx", rules=[attrs.evolve(undeclared, id="gx.measure.other")]),
            FixturePlugin("hx", rules=[attrs.evolve(declared, id="hx.measure.declared")]),
        )
    assert all(issubclass(w.category, UndeclaredMeasuresWarning) for w in caught)
    found = [w.message for w in caught if isinstance(w.message, UndeclaredMeasuresWarning)]
    assert [(w.plugin, w.rules) for w in found] == [
        ("fx", ("fx.measure.another", "fx.measure.some")),
        ("gx", ("gx.measure.other",)),
    ]
    text = str(found[0])
    assert "'fx'" in text
    assert "'fx.measure.another', 'fx.measure.some'" in text
    assert "measures=(...)" in text
    assert issubclass(UndeclaredMeasuresWarning, UserWarning)


def test_a_plugin_that_fails_to_register_is_a_failure_not_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = registry(FixturePlugin("fx", rules=[_verdicts(None)], fail=RuntimeError("boom")))
    assert [(f.plugin, f.stage) for f in reg.failures] == [("fx", "register")]


def test_the_warning_names_the_caller_of_the_load() -> None:
    with pytest.warns(UndeclaredMeasuresWarning) as caught:
        load_plugins([source(FixturePlugin("fx", rules=[_verdicts(None)]))], entry_points=False)
    assert caught[0].filename == __file__
