"""A rule's failure says something of what the rule read: that it raised on this input, or that
it fired with a verdict on a measure it does not declare. So a role sees a failure that names a
rule only when it may see what the rule reads, as it sees the rule's outcomes; a failure that
names no rule (a plugin that could not load) says nothing of the case, and every role sees it.
Every role still sees that the decision is not complete."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.fixtures import AS_OF, FIXTURE_RULES, FixturePlugin, make_case, registry

from atbalsts.model import Decision, SupportCase
from atbalsts.policy import Allow, DecisionKind, Facts, Params, Rule, rule
from atbalsts.privacy import Reads, ViewRole, view_decision
from atbalsts.worklist._items import case_items

RAISES = "fx.measure.raises"
UNDECLARED = "fx.measure.undeclared"
PLAN = ("librarian_support", "transport_compensation")
#: The class teacher sees the family at basic only: not the needy-family flag (full).
BLIND = "class_teacher"
#: The psychologist sees every category in full but identity.
SEES = "psychologist"


def _raises_when_needy() -> Rule:
    @rule(
        RAISES,
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        reads=("needy_family",),
        measures=("librarian_support",),
    )
    def raises(f: Facts, p: Params) -> Any:
        if f.needy_family:
            raise RuntimeError("a bug that only a needy family reaches")
        return None

    return raises


def _undeclared_when_needy() -> Rule:
    @rule(
        UNDECLARED,
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        reads=("needy_family",),
        measures=("librarian_support",),
    )
    def undeclared(f: Facts, p: Params) -> Any:
        return Allow("transport_compensation", "fx:ok") if f.needy_family else None

    return undeclared


def _by_grade() -> Rule:
    @rule(
        "fx.measure.by_grade",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        reads=("grade",),
        measures=("librarian_support",),
    )
    def by_grade(f: Facts, p: Params) -> Any:
        raise ValueError("a bug on every grade")

    return by_grade


def _case(needy: bool, lessons: int = 0) -> SupportCase:
    data = make_case(plan_measures=PLAN, unjustified_lessons=lessons).model_dump(mode="json")
    data["learner"]["needy_or_low_income_family"] = needy
    return SupportCase.model_validate(data)


def _decide(*rules: Rule, needy: bool = True, trace: bool = True) -> tuple[Decision, Reads]:
    reg = registry(FixturePlugin("fx", municipality="bauska", rules=rules))
    policy_set = reg.policy_set("bauska")
    decision = policy_set.evaluate(_case(needy), AS_OF)
    if not trace:
        decision = decision.model_copy(update={"trace": ()})
    return decision, Reads.declared(r.rule for r in policy_set.at(AS_OF).rules)


def _failed(view: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(f.get("rule"), f["cause"]) for f in view.get("failures", [])]


@pytest.mark.parametrize(
    ("made", "cause"),
    [(_raises_when_needy, "exception"), (_undeclared_when_needy, "undeclared_measure")],
)
def test_a_role_that_may_not_see_what_a_rule_reads_does_not_see_its_failure(
    made: Any, cause: str
) -> None:
    decision, declared = _decide(made())
    failed = made().id
    assert [(f.rule, f.cause) for f in decision.failures] == [(failed, cause)]
    for reads in (None, declared):  # the trace's reads, and the declared ones
        blind = view_decision(decision, role=BLIND, reads=reads)
        assert "failures" not in blind
        assert blind["complete"] is False  # that something is missing, not what
        seen = view_decision(decision, role=SEES, reads=reads)
        assert _failed(seen) == [(failed, cause)]
        assert seen["complete"] is False


def test_a_failure_that_follows_a_fact_changes_the_blind_view_only_by_complete() -> None:
    """Needy or not, the class teacher's views differ in ``complete`` alone (the rule that
    failed on the needy family is named nowhere in them); the psychologist's name it."""
    for made in (_raises_when_needy, _undeclared_when_needy):
        views = {}
        for needy in (True, False):
            decision, reads = _decide(made(), needy=needy)
            assert decision.complete is not needy
            views[needy] = {
                role: view_decision(decision, role=role, reads=reads) for role in (BLIND, SEES)
            }
        blind = {needy: dict(v[BLIND]) for needy, v in views.items()}
        assert blind[True].pop("complete") is False
        assert blind[False].pop("complete") is True
        assert made().id not in str(blind[True])
        assert blind[True] == blind[False]
        assert made().id in str(views[True][SEES]["failures"])


def test_a_role_that_may_see_what_the_rule_reads_sees_its_failure() -> None:
    decision, reads = _decide(_by_grade())
    for role in (BLIND, SEES, "school_director"):
        shown = view_decision(decision, role=role, reads=reads)
        assert _failed(shown) == [("fx.measure.by_grade", "exception")], role
    # a role that does not see the schooling does not see it
    coordinator = view_decision(decision, role="municipal_coordinator", reads=reads)
    assert "failures" not in coordinator
    assert coordinator["complete"] is False


def test_without_the_trace_or_the_declared_reads_no_role_sees_a_rule_s_failure() -> None:
    decision, reads = _decide(_by_grade(), trace=False)
    for role in ViewRole:
        assert "failures" not in view_decision(decision, role=role.value), role
    assert _failed(view_decision(decision, role=BLIND, reads=reads)) == [
        ("fx.measure.by_grade", "exception")
    ]


def test_a_failure_without_a_rule_is_shown_to_every_role() -> None:
    broken = FixturePlugin("broken", fail=RuntimeError("boom"))
    reg = registry(broken, FixturePlugin("fx", municipality="bauska", rules=[_raises_when_needy()]))
    decision = reg.evaluate(_case(True), AS_OF)
    assert {(f.plugin, f.rule) for f in decision.failures} == {
        ("broken", None),
        ("fx", RAISES),
    }
    for role in ViewRole:
        shown = view_decision(decision, role=role.value)
        plugins = [(f["plugin"], f.get("rule")) for f in shown["failures"]]
        assert ("broken", None) in plugins, role
        sees_family = role.value in (SEES, "social_pedagogue")
        assert (("fx", RAISES) in plugins) is sees_family, role


def test_a_date_the_baseline_does_not_cover_is_shown_to_every_role() -> None:
    reg = registry()
    decision = reg.evaluate(make_case(observed_on=date(2000, 2, 28)), date(2000, 3, 1))
    assert [f.cause for f in decision.failures] == ["not_covered"]
    for role in ViewRole:
        assert _failed(view_decision(decision, role=role.value)) == [(None, "not_covered")]


@settings(max_examples=30, deadline=None)
@given(needy=st.booleans(), role=st.sampled_from([r.value for r in ViewRole]))
def test_a_shown_failure_needs_what_its_rule_reads(needy: bool, role: str) -> None:
    """Whatever the case and role: a failure of a rule is in the view exactly when the role sees
    the needy-family flag (the psychologist and the social pedagogue), and the view says
    ``complete`` as the decision does."""
    decision, reads = _decide_cached(needy)
    shown = view_decision(decision, role=role, reads=reads)
    assert shown["complete"] is decision.complete
    named = {f.get("rule") for f in shown.get("failures", [])}
    expected = {UNDECLARED} if needy and role in (SEES, "social_pedagogue") else set()
    assert named == expected


_DECIDED: dict[bool, tuple[Decision, Reads]] = {}


def _decide_cached(needy: bool) -> tuple[Decision, Reads]:
    if needy not in _DECIDED:
        _DECIDED[needy] = _decide(_undeclared_when_needy(), needy=needy)
    return _DECIDED[needy]


# -- what reads a view ---------------------------------------------------------------------------


def test_the_explanation_of_a_blind_view_says_incomplete_without_naming_the_rule() -> None:
    pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
    from atbalsts.server._views import explain_shown

    decision, reads = _decide(_raises_when_needy())
    blind = explain_shown(view_decision(decision, role=BLIND, reads=reads), "en", None, BLIND)
    assert "INCOMPLETE" in blind
    assert RAISES not in blind
    seen = explain_shown(view_decision(decision, role=SEES, reads=reads), "en", None, SEES)
    assert RAISES in seen


def test_a_role_s_work_list_is_made_while_a_rule_fails() -> None:
    reg = registry(FixturePlugin("fx", municipality="bauska", rules=[_raises_when_needy()]))
    case = _case(True, lessons=25)
    everyone = list(case_items(case, AS_OF, reg))
    assert everyone  # the national duties of 25 unjustified lessons
    mine = list(case_items(case, AS_OF, reg, role=BLIND))
    assert mine
    assert {i.key for i in mine} <= {i.key for i in everyone}
