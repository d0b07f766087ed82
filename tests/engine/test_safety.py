"""What a plugin can never do to a decision: weaken the floor through shared state, switch it
off, sneak in malformed outcomes or values, or meet input it does not understand silently."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from atbalsts import DocumentError, PolicyConflict
from atbalsts.model import StaffObservation
from atbalsts.policy import DecisionKind, Facts, Finding, Obligation, Params, Refer, ReviewBy, rule

from .fixtures import (
    AS_OF,
    BAUSKA_VALUES,
    FIXTURE_RULES,
    LESSONS_LIMIT,
    FixturePlugin,
    make_case,
    obligations,
    parameters,
    registry,
    value,
)

BOARD = "inform_municipal_education_board"


def _rule(rule_id: str, kind: DecisionKind, function: Any) -> Any:
    return rule(rule_id, kind=kind, legal_basis=FIXTURE_RULES, reads=("unjustified_lessons",))(
        function
    )


def test_a_rule_cannot_change_a_fact_that_a_mandatory_rule_reads() -> None:
    def lower(f: Facts, p: Params) -> None:
        f.unjustified_lessons = 0  # type: ignore[misc]

    # "aa" sorts before "lv", so it runs first
    plugin = FixturePlugin("aa", rules=[_rule("aa.risk.lower", DecisionKind.RISK_FINDING, lower)])
    decision = registry(plugin).evaluate(make_case(unjustified_lessons=30), AS_OF)
    assert len(obligations(decision, BOARD)) == 1  # the national duty stands
    assert [(f.rule, f.stage) for f in decision.failures] == [("aa.risk.lower", "evaluate")]
    assert "FrozenInstanceError" in decision.failures[0].error


def test_a_rule_cannot_change_the_parameters_others_read() -> None:
    def loosen(f: Facts, p: Params) -> None:
        p[LESSONS_LIMIT] = 99  # type: ignore[index]

    loosen_rule = rule(
        "aa.risk.loosen",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=FIXTURE_RULES,
        params=(LESSONS_LIMIT,),
        valid_from=date(2011, 2, 1),
    )(loosen)
    decision = registry(FixturePlugin("aa", rules=[loosen_rule])).evaluate(
        make_case(unjustified_lessons=30), AS_OF
    )
    assert len(obligations(decision, BOARD)) == 1
    assert decision.failures[0].rule == "aa.risk.loosen"


def test_the_national_baseline_cannot_be_blocked() -> None:
    reg = registry(env={"ATBALSTS_BLOCK_PLUGINS": "lv"}, block=["lv"])
    assert "lv" in [p.name for p in reg.policies]
    decision = reg.evaluate(make_case(unjustified_lessons=21), AS_OF)
    assert len(obligations(decision, BOARD)) == 1


def test_a_date_before_the_national_coverage_is_an_incomplete_decision() -> None:
    day = date(2010, 11, 12)
    decision = registry().evaluate(make_case(unjustified_lessons=30, observed_on=day), day)
    assert not decision.complete
    assert decision.failures[0].plugin == "lv"
    assert "covers dates from 2011-02-01" in decision.failures[0].error


def test_a_municipal_value_of_another_type_is_a_conflict() -> None:
    params = parameters("bauska", {"id": LESSONS_LIMIT, "values": [value(AS_OF, "10")]})
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))
    with pytest.raises(PolicyConflict, match="wrong type") as caught:
        reg.policy_set("bauska")
    assert str(BAUSKA_VALUES) not in str(caught.value)  # the fixture value's own basis is named
    assert "expected int" in str(caught.value)


def test_an_undeclared_local_code_in_the_input_is_refused_with_its_path() -> None:
    case = make_case()
    obs = case.observations[0]
    seen = StaffObservation(
        factor="parauga:attendance", recorded_by="class_teacher", recorded_on=AS_OF
    )
    case = case.model_copy(
        update={"observations": (obs.model_copy(update={"staff_observations": (seen,)}),)}
    )
    with pytest.raises(DocumentError) as caught:
        registry().evaluate(case, AS_OF)
    assert caught.value.paths == ("observations[0].staff_observations[0].factor",)
    assert "parauga:attendance" in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        (DecisionKind.RISK_FINDING, lambda: Finding("unjustified_absences", "abc")),
        (DecisionKind.OBLIGATION, lambda: Obligation("inform_parents", "class_teacher")),
        (DecisionKind.OBLIGATION, lambda: Obligation("inform_parents", (), days="5")),  # type: ignore[arg-type]
        (DecisionKind.OBLIGATION, lambda: Obligation("inform_parents", (), deadline="soon")),  # type: ignore[arg-type]
        (DecisionKind.REFERRAL, lambda: Refer("social_service", "x", "asap")),  # type: ignore[arg-type]
        (DecisionKind.REVIEW_SCHEDULE, lambda: ReviewBy("tomorrow")),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_outcome_is_a_result_failure_of_its_rule(
    kind: DecisionKind, build: Any
) -> None:
    bad = _rule("fx.any.bad", kind, lambda f, p: build())
    reg = registry(FixturePlugin("fx", rules=[bad]))
    for _ in range(2):  # the second time too: a malformed outcome is never cached as fit
        decision = reg.evaluate(make_case(unjustified_lessons=21), AS_OF)
        assert [(f.rule, f.stage) for f in decision.failures] == [("fx.any.bad", "result")]
        assert "malformed" in decision.failures[0].error
        assert len(obligations(decision, BOARD)) == 1  # everything else still decided


def test_a_list_where_a_tuple_belongs_is_refused_not_guessed() -> None:
    listed = _rule(
        "fx.absence.listed",
        DecisionKind.OBLIGATION,
        lambda f, p: Obligation("inform_parents", ["class_teacher"], ["parent"]),  # type: ignore[arg-type]
    )
    decision = registry(FixturePlugin("fx", rules=[listed])).evaluate(make_case(), AS_OF)
    assert [(f.rule, f.stage) for f in decision.failures] == [("fx.absence.listed", "result")]
