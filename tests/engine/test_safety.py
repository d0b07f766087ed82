"""What a plugin can never do to a decision: weaken the floor through shared state, switch it
off, sneak in malformed outcomes or values, or meet input it does not understand silently."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts import DocumentError, PolicyConflict
from atbalsts.engine._fit import unfit
from atbalsts.model import StaffObservation
from atbalsts.policy import (
    DecisionKind,
    Deny,
    Facts,
    Finding,
    Issue,
    Obligation,
    Params,
    Refer,
    ReviewBy,
    Tier,
    Verdict,
    rule,
)
from atbalsts.policy._outcomes import OUTCOME_TYPES

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


def _rule(rule_id: str, kind: DecisionKind, function: Any, measures: Any = None) -> Any:
    return rule(
        rule_id,
        kind=kind,
        legal_basis=FIXTURE_RULES,
        reads=("unjustified_lessons",),
        measures=measures,
    )(function)


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
    # Never the code: a risk factor's may say a fact about the learner (nor here its namespace,
    # which no policy of this set has: it is only what the sender wrote).
    assert "attendance" not in str(caught.value)
    assert "parauga" not in str(caught.value)


MALFORMED: dict[str, tuple[DecisionKind, Any, str]] = {
    "evidence as a string": (
        DecisionKind.RISK_FINDING,
        lambda: Finding("unjustified_absences", "abc"),
        "Finding: evidence must be tuple[str, ...] (got str)",
    ),
    "roles as a string": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", "class_teacher"),
        "Obligation: roles must be tuple[str, ...] (got str)",
    ),
    "days as a string": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", (), days="5"),  # type: ignore[arg-type]
        "Obligation: days must be int (got str)",
    ),
    "days as a flag": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", (), deadline="days", days=True),
        "Obligation: days must be int (got bool)",
    ),
    "negative days": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", (), deadline="days", days=-1),
        "Obligation: days must be at least 0",
    ),
    "unknown deadline": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", (), deadline="soon"),  # type: ignore[arg-type]
        "Obligation: deadline must be one of 'same_school_day', 'same_day', 'school_days', "
        "'calendar_days', 'days', 'date'",
    ),
    "a date deadline without the date": (
        DecisionKind.OBLIGATION,
        lambda: Obligation("inform_parents", (), deadline="date"),
        "Obligation: due is needed when deadline is 'date'",
    ),
    "unknown urgency": (
        DecisionKind.REFERRAL,
        lambda: Refer("social_service", "x", "asap"),  # type: ignore[arg-type]
        "Refer: urgency must be one of 'same_day', 'urgent', 'routine'",
    ),
    "unhashable urgency": (
        DecisionKind.REFERRAL,
        lambda: Refer("social_service", "x", ["urgent"]),  # type: ignore[arg-type]
        "Refer: urgency must be one of 'same_day', 'urgent', 'routine'",
    ),
    "review day as a string": (
        DecisionKind.REVIEW_SCHEDULE,
        lambda: ReviewBy("tomorrow"),  # type: ignore[arg-type]
        "ReviewBy: day must be date (got str)",
    ),
    "tier above 3": (DecisionKind.RISK_TIER, lambda: Tier(4), "Tier: level must be at most 3"),
    "tier below 1": (DecisionKind.RISK_TIER, lambda: Tier(0), "Tier: level must be at least 1"),
    "a list in a verdict's detail": (
        DecisionKind.MEASURE_ELIGIBILITY,
        lambda: Deny("mentor_support", "x", note=["LV-PERSONAL-CODE"]),  # type: ignore[arg-type]
        "Verdict: detail must be tuple[tuple[str, bool or int or float or str or None], ...] "
        "(got tuple)",
    ),
}


@pytest.mark.parametrize("what", sorted(MALFORMED))
def test_a_malformed_outcome_is_a_result_failure_naming_its_field(what: str) -> None:
    kind, build, message = MALFORMED[what]
    # a verdict's rule declares its measure, so that the verdict is judged for its fields
    measures = ("mentor_support",) if kind is DecisionKind.MEASURE_ELIGIBILITY else None
    bad = _rule("fx.any.bad", kind, lambda f, p: build(), measures)
    reg = registry(FixturePlugin("fx", rules=[bad]))
    for _ in range(2):  # the second time too: a malformed outcome is never cached as fit
        decision = reg.evaluate(make_case(unjustified_lessons=21), AS_OF)
        assert [(f.rule, f.stage) for f in decision.failures] == [("fx.any.bad", "result")]
        assert decision.failures[0].error == f"returned a malformed {message}"
        assert len(obligations(decision, BOARD)) == 1  # everything else still decided
    # the field is named, its value never echoed
    assert "LV-PERSONAL-CODE" not in decision.failures[0].error


#: Outcomes equal to a well-formed one (``1 == 1.0 == True``) that are not well formed: a flag
#: or a float where a field wants an integer, an integer where it wants a flag.
EQUAL_BUT_MALFORMED: dict[str, tuple[DecisionKind, Any, Any, str]] = {
    "a tier as a flag": (
        DecisionKind.RISK_TIER,
        Tier(1),
        Tier(True),
        "Tier: level must be int (got bool)",
    ),
    "days as a float": (
        DecisionKind.OBLIGATION,
        Obligation("inform_parents", ("class_teacher",), deadline="days", days=1),
        Obligation("inform_parents", ("class_teacher",), deadline="days", days=1.0),  # type: ignore[arg-type]
        "Obligation: days must be int (got float)",
    ),
    "eligible as a number": (
        DecisionKind.MEASURE_ELIGIBILITY,
        Deny("mentor_support", "mentor_under_min_age"),
        Verdict("mentor_support", 0, "mentor_under_min_age"),  # type: ignore[arg-type]
        "Verdict: eligible must be bool (got int)",
    ),
}


@pytest.mark.parametrize("what", sorted(EQUAL_BUT_MALFORMED))
def test_an_outcome_equal_to_one_found_fit_is_still_checked(what: str) -> None:
    """The outcomes found fit are remembered per compiled policy; one that compares equal to
    a remembered one but holds a value of another type is checked, and refused."""
    kind, fit, malformed, message = EQUAL_BUT_MALFORMED[what]
    measures = ("mentor_support",) if kind is DecisionKind.MEASURE_ELIGIBILITY else None
    assert fit == malformed  # the premise: equal as values

    def give(f: Facts, p: Params) -> Any:
        return malformed if f.unjustified_lessons > 0 else fit

    reg = registry(FixturePlugin("fx", rules=[_rule("fx.any.equal", kind, give, measures)]))
    first = reg.evaluate(make_case(), AS_OF)
    assert first.complete
    second = reg.evaluate(make_case(unjustified_lessons=1), AS_OF)
    assert [(f.rule, f.stage, f.error) for f in second.failures] == [
        ("fx.any.equal", "result", f"returned a malformed {message}")
    ]


def test_a_list_where_a_tuple_belongs_is_refused_not_guessed() -> None:
    listed = _rule(
        "fx.absence.listed",
        DecisionKind.OBLIGATION,
        lambda f, p: Obligation("inform_parents", ["class_teacher"], ["parent"]),  # type: ignore[arg-type]
    )
    decision = registry(FixturePlugin("fx", rules=[listed])).evaluate(make_case(), AS_OF)
    assert [(f.rule, f.stage) for f in decision.failures] == [("fx.absence.listed", "result")]


# --- the one check derived from the outcome classes ---

CODES = registry().policy_set(None).codes
WELL_FORMED: dict[type, Any] = {
    Finding: Finding("unjustified_absences", ("unjustified_lessons",)),
    Obligation: Obligation(
        "inform_parents", ("class_teacher",), ("parent", "social_service"), "date", 3, AS_OF
    ),
    Verdict: Deny("mentor_support", "mentor_under_min_age", age=12, rate=0.5, note=None),
    Refer: Refer("social_service", "mentor_under_min_age", "urgent", AS_OF),
    Issue: Issue.of("mentor_under_min_age", "measures[0]", ok=True),
    ReviewBy: ReviewBy(AS_OF),
    Tier: Tier(3),
}
NOT_ANY_FIELD = st.one_of(st.binary(), st.lists(st.text(), max_size=2), st.builds(object))


@given(
    cls=st.sampled_from(sorted(WELL_FORMED, key=lambda c: c.__name__)),
    data=st.data(),
    bad=NOT_ANY_FIELD,
)
def test_a_wrong_value_in_any_field_is_named_and_a_well_formed_outcome_is_fit(
    cls: type, data: st.DataObject, bad: object
) -> None:
    good = WELL_FORMED[cls]
    assert unfit(good, cls, CODES) is None
    field = data.draw(st.sampled_from([f.name for f in attrs.fields(cls)]))
    broken = attrs.evolve(good, **{field: bad})
    error = unfit(broken, cls, CODES)
    assert error is not None
    assert error.startswith(f"returned a malformed {cls.__name__}: {field} must be ")
    # a type is named by the type found, a set of values by listing them
    assert error.endswith((f"(got {type(bad).__name__})", "'date'", "'routine'"))


def test_every_outcome_class_has_a_well_formed_example() -> None:
    for kind, cls in OUTCOME_TYPES.items():
        assert cls in WELL_FORMED, kind
