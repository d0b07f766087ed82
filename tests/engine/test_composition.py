"""Rules of composition: what a municipality may change, and every refusal, checked when the policy
set is built."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts import ParameterCoverageError, PolicyConflict, PolicyError, UnknownNameError
from atbalsts.codes import Code
from atbalsts.engine import PolicyRegistry
from atbalsts.engine._compose import check_declarations
from atbalsts.errors import Violation
from atbalsts.national import _bases as national_bases
from atbalsts.policy import (
    DecisionKind,
    Facts,
    Finding,
    LegalBasis,
    Obligation,
    Parameter,
    Params,
    Rule,
    rule,
)

from .fixtures import (
    ADULT_AGE,
    AS_OF,
    BAUSKA_RULES,
    BAUSKA_VALUES,
    CESIS_RULES,
    FIXTURE_RULES,
    INFORM_BOARD,
    LESSONS_LIMIT,
    RECORD_IN_VIIS,
    FixturePlugin,
    make_case,
    obligations,
    parameters,
    registry,
    trace_ids,
    trace_row,
    value,
)

BOARD_ACTION = "inform_municipal_education_board"


def viis_early(rule_id: str = "bauska.absence.record_in_viis_early", **kwargs: Any) -> Rule:
    """A Bauska rule replacing the national VIIS rule: record after 5 lessons, in 2 days."""

    @rule(
        rule_id,
        kind=DecisionKind.OBLIGATION,
        legal_basis=BAUSKA_RULES,
        reads=("unjustified_lessons",),
        **kwargs,
    )
    def record_early(f: Facts, p: Params) -> Obligation | None:
        """Record in VIIS after 5 lessons."""
        if f.unjustified_lessons > 5:
            return Obligation("record_in_viis", ("school_director",), ("viis",), "days", days=2)
        return None

    return record_early


def lesson_limit(
    v: object, plugin: str = "bauska", since: date = date(2024, 1, 1)
) -> tuple[Parameter, ...]:
    """A municipal value of the national lessons limit."""
    return parameters(plugin, {"id": LESSONS_LIMIT, "values": [value(since, v, BAUSKA_VALUES)]})


# --- overriding rules ---


def test_overriding_a_non_mandatory_rule_replaces_it() -> None:
    bauska = FixturePlugin(
        "bauska", municipality="bauska", rules=[viis_early(overrides=RECORD_IN_VIIS)]
    )
    reg = registry(bauska)
    decision = reg.evaluate(make_case(unjustified_lessons=8), AS_OF)

    assert RECORD_IN_VIIS not in trace_ids(decision)
    row = trace_row(decision, "bauska.absence.record_in_viis_early")
    assert row.overrides == RECORD_IN_VIIS
    assert row.plugin == "bauska"
    assert row.fired
    (viis,) = obligations(decision, "record_in_viis")
    assert viis.rules == ("bauska.absence.record_in_viis_early",)
    # 2 calendar days from the observation of Friday 28 February land on Sunday 2 March: the next
    # school day, Monday 3 March.
    assert viis.due == date(2025, 3, 3)
    assert reg.policy_set("bauska").composition.overridden == {
        RECORD_IN_VIIS: "bauska.absence.record_in_viis_early"
    }


def test_without_the_override_the_national_rule_stays() -> None:
    bauska = FixturePlugin("bauska", municipality="bauska", rules=[viis_early()])
    decision = registry(bauska).evaluate(make_case(unjustified_lessons=21), AS_OF)

    assert RECORD_IN_VIIS in trace_ids(decision)
    assert trace_row(decision, "bauska.absence.record_in_viis_early").overrides is None
    (viis,) = obligations(decision, "record_in_viis")
    assert set(viis.rules) == {RECORD_IN_VIIS, "bauska.absence.record_in_viis_early"}


def test_overriding_a_mandatory_rule_is_a_conflict_naming_both_rules_and_bases() -> None:
    bauska = FixturePlugin(
        "bauska",
        municipality="bauska",
        rules=[viis_early("bauska.absence.inform_board_later", overrides=INFORM_BOARD)],
    )
    reg = registry(bauska)  # loading succeeds; building the set is refused

    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert INFORM_BOARD in message
    assert "bauska.absence.inform_board_later" in message
    assert str(national_bases.MK89_BOARD) in message
    assert str(BAUSKA_RULES) in message
    assert "mandatory" in message
    with pytest.raises(PolicyConflict):
        reg.evaluate(make_case(), AS_OF)


def test_overriding_a_rule_of_another_kind_is_refused() -> None:
    @rule(
        "bauska.risk.viis",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=BAUSKA_RULES,
        overrides=RECORD_IN_VIIS,
    )
    def wrong_kind(f: Facts, p: Params) -> None:
        return None

    reg = registry(FixturePlugin("bauska", municipality="bauska", rules=[wrong_kind]))
    with pytest.raises(PolicyConflict, match="cannot override") as caught:
        reg.policy_set("bauska")
    (violation,) = caught.value.violations
    assert violation.check == "override-kind"
    assert (violation.subject, violation.other) == ("bauska.risk.viis", RECORD_IN_VIIS)
    assert "(obligation overridden by risk_finding)" in str(caught.value)


def test_overriding_a_rule_not_in_the_set_is_refused() -> None:
    bauska = FixturePlugin(
        "bauska", municipality="bauska", rules=[viis_early(overrides="lv.absence.no_such_rule")]
    )
    with pytest.raises(PolicyError, match=r"lv\.absence\.no_such_rule"):
        registry(bauska).policy_set("bauska")


def test_two_rules_overriding_the_same_rule_conflict() -> None:
    bauska = FixturePlugin(
        "bauska",
        municipality="bauska",
        rules=[
            viis_early("bauska.absence.viis_a", overrides=RECORD_IN_VIIS),
            viis_early("bauska.absence.viis_b", overrides=RECORD_IN_VIIS),
        ],
    )
    with pytest.raises(PolicyConflict) as caught:
        registry(bauska).policy_set("bauska")
    message = str(caught.value)
    assert "bauska.absence.viis_a" in message
    assert "bauska.absence.viis_b" in message
    assert RECORD_IN_VIIS in message
    assert str(BAUSKA_RULES) in message


def test_two_plugins_overriding_the_same_rule_conflict() -> None:
    bauska = FixturePlugin(
        "bauska",
        municipality="bauska",
        rules=[viis_early("bauska.absence.viis", overrides=RECORD_IN_VIIS)],
    )

    @rule(
        "extra.absence.viis",
        kind=DecisionKind.OBLIGATION,
        legal_basis=FIXTURE_RULES,
        overrides=RECORD_IN_VIIS,
    )
    def extra_viis(f: Facts, p: Params) -> None:
        return None

    reg = registry(bauska, FixturePlugin("extra", rules=[extra_viis]))
    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert "bauska.absence.viis" in message
    assert "extra.absence.viis" in message
    assert str(BAUSKA_RULES) in message
    assert str(FIXTURE_RULES) in message
    # Bauska's rule is not in Cēsis's set: no conflict there.
    assert [p.name for p in reg.policy_set("cesis").plugins] == ["extra", "lv"]


def test_two_rules_with_the_same_id_conflict() -> None:
    first = viis_early("bauska.absence.twice")
    second = viis_early("bauska.absence.twice")
    reg = registry(FixturePlugin("bauska", municipality="bauska", rules=[first, second]))
    with pytest.raises(PolicyConflict, match=r"same id") as caught:
        reg.policy_set("bauska")
    assert "bauska.absence.twice" in str(caught.value)


# --- namespaces and mandatory law ---


def test_a_rule_outside_the_plugins_namespace_is_refused() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[viis_early("cesis.absence.viis")])
    )
    with pytest.raises(PolicyError, match="namespaced") as caught:
        reg.policy_set("bauska")
    assert not isinstance(caught.value, PolicyConflict)
    assert "cesis.absence.viis" in str(caught.value)


def test_a_rule_in_the_national_namespace_is_refused() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[viis_early("lv.absence.sneaky")])
    )
    with pytest.raises(PolicyError, match=r"lv\.absence\.sneaky"):
        reg.policy_set("bauska")


def test_only_the_national_policy_declares_mandatory_rules() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[viis_early(mandatory=True)])
    )
    with pytest.raises(PolicyError, match="mandatory") as caught:
        reg.policy_set("bauska")
    assert "bauska.absence.record_in_viis_early" in str(caught.value)


# --- parameters ---


def test_moving_a_floor_protected_parameter_looser_is_refused() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=lesson_limit(30)))
    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert f"{LESSONS_LIMIT}@lv=20" in message
    assert f"{LESSONS_LIMIT}@bauska=30" in message
    assert "MK 01.02.2011 noteikumi Nr. 89" in message  # the national value's reference
    assert str(BAUSKA_VALUES) in message
    assert check_declarations(reg.declarations, "cesis") == []  # only Bauska's set is refused


def test_moving_a_floor_protected_parameter_stricter_changes_the_outcome() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=lesson_limit(10)))
    in_bauska = reg.evaluate(make_case(unjustified_lessons=11), AS_OF)
    nationally = reg.evaluate(make_case(unjustified_lessons=11, municipality="cesis"), AS_OF)

    (board,) = obligations(in_bauska, BOARD_ACTION)
    assert board.rules == (INFORM_BOARD,)
    assert obligations(nationally, BOARD_ACTION) == []
    limit = next(p for p in trace_row(in_bauska, INFORM_BOARD).parameters if p.id == LESSONS_LIMIT)
    assert (limit.value, limit.plugin, limit.valid_from) == (10, "bauska", date(2024, 1, 1))
    assert limit.reference == BAUSKA_VALUES
    national = next(
        p for p in trace_row(nationally, INFORM_BOARD).parameters if p.id == LESSONS_LIMIT
    )
    assert (national.value, national.plugin) == (20, "lv")


def test_an_equal_value_of_a_floor_protected_parameter_is_accepted() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=lesson_limit(20)))
    assert check_declarations(reg.declarations, "bauska") == []
    limit = reg.policy_set("bauska").composition.parameters[LESSONS_LIMIT]
    before, since = limit.at(date(2023, 12, 31)), limit.at(date(2024, 1, 1))
    assert before is not None
    assert since is not None
    assert (before.value, before.plugin) == (20, "lv")
    assert (since.value, since.plugin, since.reference) == (20, "bauska", BAUSKA_VALUES)


def test_changing_a_fixed_parameter_is_refused() -> None:
    params = parameters(
        "bauska", {"id": ADULT_AGE, "values": [value(date(2024, 1, 1), 16, BAUSKA_VALUES)]}
    )
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))
    with pytest.raises(PolicyConflict, match="fixed") as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert ADULT_AGE in message
    assert "16" in message
    assert str(BAUSKA_VALUES) in message


def test_two_plugins_changing_the_same_parameter_conflict() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", params=lesson_limit(10)),
        FixturePlugin("extra", params=lesson_limit(15, plugin="extra")),
    )
    with pytest.raises(PolicyConflict, match="two plugins change") as caught:
        reg.policy_set("bauska")
    assert {caught.value.first, caught.value.second} == {
        f"{LESSONS_LIMIT}@bauska",
        f"{LESSONS_LIMIT}@extra",
    }
    assert len(caught.value.bases) == 2


def test_a_new_parameter_outside_the_plugins_namespace_is_refused() -> None:
    params = parameters(
        "bauska", {"id": "cesis.absence.limit", "values": [value(date(2020, 1, 1), 3)]}
    )
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))
    with pytest.raises(PolicyError, match=r"cesis\.absence\.limit"):
        reg.policy_set("bauska")


def test_a_rule_reading_an_undeclared_parameter_is_refused() -> None:
    reg = registry(
        FixturePlugin(
            "bauska",
            municipality="bauska",
            rules=[viis_early(params=("bauska.absence.no_such_limit",))],
        )
    )
    with pytest.raises(ParameterCoverageError, match=r"bauska\.absence\.no_such_limit"):
        reg.policy_set("bauska")


def test_a_rule_reading_a_parameter_with_no_value_at_its_start_is_refused() -> None:
    params = parameters(
        "bauska", {"id": "bauska.absence.limit", "values": [value(date(2024, 1, 1), 5)]}
    )
    early = viis_early(params=("bauska.absence.limit",), valid_from=date(2023, 9, 1))
    reg = registry(FixturePlugin("bauska", municipality="bauska", rules=[early], params=params))
    with pytest.raises(ParameterCoverageError) as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert "bauska.absence.record_in_viis_early" in message
    assert "bauska.absence.limit" in message
    assert "2023-09-01" in message


def test_a_parameter_covering_the_plugins_own_validity_is_enough() -> None:
    params = parameters(
        "bauska", {"id": "bauska.absence.limit", "values": [value(date(2024, 1, 1), 5)]}
    )
    reg = registry(
        FixturePlugin(
            "bauska",
            municipality="bauska",
            rules=[viis_early(params=("bauska.absence.limit",))],
            params=params,
            valid_from=date(2024, 1, 1),
        )
    )
    assert check_declarations(reg.declarations, "bauska") == []
    policy_set = reg.policy_set("bauska")
    in_force = {r.id for r, _ in policy_set.rules_in_force(date(2024, 1, 1))}
    assert "bauska.absence.record_in_viis_early" in in_force
    assert "bauska.absence.record_in_viis_early" not in {
        r.id for r, _ in policy_set.rules_in_force(date(2023, 12, 31))
    }
    # The same rule and parameter in a policy in force a day earlier leave that day uncovered.
    earlier = registry(
        FixturePlugin(
            "bauska",
            municipality="bauska",
            rules=[viis_early(params=("bauska.absence.limit",))],
            params=params,
            valid_from=date(2023, 12, 31),
        )
    )
    (gap,) = check_declarations(earlier.declarations, "bauska")
    assert (gap.check, gap.subject) == ("parameter-coverage", "bauska.absence.record_in_viis_early")


# --- choosing the municipal policy ---


def finding_rule(rule_id: str, basis: LegalBasis = BAUSKA_RULES) -> Rule:
    @rule(rule_id, kind=DecisionKind.RISK_FINDING, legal_basis=basis)
    def always(f: Facts, p: Params) -> Finding:
        return Finding("lack_of_motivation")

    return always


def test_two_plugins_governing_one_municipality_conflict() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska"),
        FixturePlugin("bauska-new", municipality="bauska"),
    )
    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    message = str(caught.value)
    assert "'bauska'" in message
    assert "'bauska-new'" in message
    assert "atbalsts-bauska" in message
    assert "atbalsts-bauska-new" in message
    (violation,) = caught.value.violations
    assert (violation.check, violation.subject, violation.other) == (
        "two-policies",
        "bauska-new",
        "bauska",
    )
    assert [p.name for p in reg.policy_set("cesis").plugins] == ["lv"]


def test_the_learners_municipality_chooses_the_policy() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[finding_rule("bauska.risk.x")]),
        FixturePlugin("cesis", municipality="cesis", rules=[finding_rule("cesis.risk.x")]),
    )
    in_bauska = reg.evaluate(make_case(municipality="bauska"), AS_OF)
    in_cesis = reg.evaluate(make_case(municipality="cesis"), AS_OF)
    in_ogre = reg.evaluate(make_case(municipality="ogre"), AS_OF)

    assert in_bauska.policy.municipality == "bauska"
    assert [p.name for p in in_bauska.policy.plugins] == ["bauska", "lv"]
    assert "bauska.risk.x" in trace_ids(in_bauska)
    assert "cesis.risk.x" not in trace_ids(in_bauska)
    assert [f.rule for f in in_bauska.findings] == ["bauska.risk.x"]

    assert [p.name for p in in_cesis.policy.plugins] == ["cesis", "lv"]
    assert "bauska.risk.x" not in trace_ids(in_cesis)

    assert [p.name for p in in_ogre.policy.plugins] == ["lv"]
    assert in_ogre.findings == ()
    assert in_ogre.policy.municipality == "ogre"
    assert reg.municipalities() == ("bauska", "cesis")


def test_the_municipality_can_be_named_explicitly() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[finding_rule("bauska.risk.x")])
    )
    case = make_case(municipality="cesis")
    decision = reg.evaluate(case, AS_OF, municipality="bauska")

    assert decision.policy.municipality == "bauska"
    assert "bauska.risk.x" in trace_ids(decision)
    assert "bauska.risk.x" not in trace_ids(reg.evaluate(case, AS_OF))


def test_plugins_without_a_municipality_join_every_set() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[finding_rule("bauska.risk.x")]),
        FixturePlugin("extra", rules=[finding_rule("extra.risk.x", FIXTURE_RULES)]),
    )
    assert [p.name for p in reg.policy_set("bauska").plugins] == ["bauska", "extra", "lv"]
    assert [p.name for p in reg.policy_set("ogre").plugins] == ["extra", "lv"]


def test_a_policy_set_can_name_its_plugins() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", rules=[finding_rule("bauska.risk.x")]),
        FixturePlugin(
            "cesis", municipality="cesis", rules=[finding_rule("cesis.risk.x", CESIS_RULES)]
        ),
        FixturePlugin("extra", rules=[finding_rule("extra.risk.x", FIXTURE_RULES)]),
    )
    chosen = reg.policy_set(plugins=["cesis"])
    assert [p.name for p in chosen.plugins] == ["cesis", "lv"]
    ids = {r.id for r, _ in chosen.rules_in_force(AS_OF)}
    assert "cesis.risk.x" in ids
    assert "bauska.risk.x" not in ids
    assert "extra.risk.x" not in ids

    decision = chosen.evaluate(make_case(municipality="bauska"), AS_OF)
    assert [f.rule for f in decision.findings] == ["cesis.risk.x"]

    both = reg.policy_set(plugins=["extra", "bauska"])
    assert [p.name for p in both.plugins] == ["bauska", "extra", "lv"]
    assert reg.policy_set(plugins=["bauska", "extra"]) is both

    with pytest.raises(UnknownNameError, match="nowhere"):
        reg.policy_set(plugins=["nowhere"])


def test_a_plugin_cannot_restate_how_a_national_parameter_may_change() -> None:
    params = parameters(
        "bauska",
        {
            "id": LESSONS_LIMIT,
            "change": "free",
            "values": [value(date(2024, 9, 1), 30, BAUSKA_VALUES)],
        },
    )
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))
    with pytest.raises(PolicyError, match="only the national declaration says how it may change"):
        reg.policy_set("bauska")


# --- every violation at once, as data ---


def test_two_independent_violations_are_both_reported_as_data() -> None:
    bauska = FixturePlugin(
        "bauska",
        municipality="bauska",
        rules=[viis_early("bauska.absence.inform_board_later", overrides=INFORM_BOARD)],
        params=lesson_limit(30),
    )
    reg = registry(bauska)
    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    override, looser = caught.value.violations
    assert override == Violation(
        "mandatory-override",
        "bauska.absence.inform_board_later",
        "bauska",
        "overriding a mandatory national rule is refused",
        other=INFORM_BOARD,
        other_plugin="lv",
        bases=(str(national_bases.MK89_BOARD), str(BAUSKA_RULES)),
    )
    assert (looser.check, looser.subject, looser.plugin) == (
        "parameter-not-stricter",
        LESSONS_LIMIT,
        "bauska",
    )
    assert (looser.subject_kind, looser.other, looser.other_plugin) == (
        "parameter",
        LESSONS_LIMIT,
        "lv",
    )
    assert looser.bases[1] == str(BAUSKA_VALUES)
    # The attributes of the exception name the first conflict; the message lists both, each line
    # naming both sides and both legal bases.
    assert (caught.value.first, caught.value.second) == (
        INFORM_BOARD,
        "bauska.absence.inform_board_later",
    )
    assert caught.value.bases == override.bases
    lines = str(caught.value).splitlines()
    assert lines[0] == "the policy set cannot be built (2 violations):"
    assert lines[1:] == [f"  - {override.message}", f"  - {looser.message}"]
    assert str(national_bases.MK89_BOARD) in lines[1]
    assert str(BAUSKA_RULES) in lines[1]
    assert f"{LESSONS_LIMIT}@lv=20" in lines[2]
    assert f"{LESSONS_LIMIT}@bauska=30" in lines[2]
    assert check_declarations(reg.declarations, "bauska") == [override, looser]


def test_one_violation_keeps_the_one_line_message() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=lesson_limit(30)))
    with pytest.raises(PolicyConflict) as caught:
        reg.policy_set("bauska")
    (violation,) = caught.value.violations
    assert str(caught.value) == violation.message
    assert str(caught.value).startswith("moving a floor-protected parameter in the looser")


def test_violations_without_two_sides_raise_a_policy_error_carrying_them() -> None:
    @rule(
        "cesis.absence.typo",
        kind=DecisionKind.OBLIGATION,
        legal_basis=BAUSKA_RULES,
        reads=("unjustfied_lessons",),
    )
    def typo(f: Facts, p: Params) -> None:
        return None

    reg = registry(FixturePlugin("bauska", municipality="bauska", rules=[typo]))
    with pytest.raises(PolicyError) as caught:
        reg.policy_set("bauska")
    assert type(caught.value) is PolicyError
    assert [(v.check, v.subject, v.plugin) for v in caught.value.violations] == [
        ("rule-namespace", "cesis.absence.typo", "bauska"),
        ("unknown-fact", "cesis.absence.typo", "bauska"),
    ]
    assert "did you mean unjustified_lessons" in caught.value.violations[1].reason


def test_a_municipal_value_below_the_national_minimum_is_refused() -> None:
    notice = "lv.absence.board_notice_days"  # stricter = lower, minimum 0
    params = parameters("bauska", {"id": notice, "values": [value(date(2024, 1, 1), -3)]})
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))
    (violation,) = check_declarations(reg.declarations, "bauska")
    assert (violation.check, violation.subject, violation.subject_kind) == (
        "parameter-value",
        notice,
        "parameter",
    )
    assert "-3" in violation.message
    assert "minimum 0" in violation.message


def test_a_local_code_twice_and_one_outside_the_namespace_are_both_reported() -> None:
    camp = Code("bauska:summer_camp", "Vasaras nometne", "Summer camp")
    foreign = Code("cesis:summer_camp", "Vasaras nometne", "Summer camp")
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", codes={"measures": [camp, foreign, camp]})
    )
    found = check_declarations(reg.declarations, "bauska")
    assert [(v.check, v.subject, v.subject_kind) for v in found] == [
        ("code-namespace", "cesis:summer_camp", "code"),
        ("duplicate-code", "bauska:summer_camp", "code"),
    ]


# Independent faults of one plugin, each with the violation it alone causes. Whatever mix of them
# a plugin has, composition reports exactly the union, and raises the class the mix calls for.

FAULTS: dict[str, Callable[[], tuple[list[Rule], list[dict[str, Any]], tuple[str, str]]]] = {
    "rule-namespace": lambda: (
        [viis_early("cesis.absence.x")],
        [],
        ("rule-namespace", "cesis.absence.x"),
    ),
    "local-mandatory": lambda: (
        [viis_early("bauska.absence.must", mandatory=True)],
        [],
        ("local-mandatory", "bauska.absence.must"),
    ),
    "mandatory-override": lambda: (
        [viis_early("bauska.absence.board", overrides=INFORM_BOARD)],
        [],
        ("mandatory-override", "bauska.absence.board"),
    ),
    "override-missing": lambda: (
        [viis_early("bauska.absence.ghost", overrides="lv.absence.no_such_rule")],
        [],
        ("override-missing", "bauska.absence.ghost"),
    ),
    "parameter-not-stricter": lambda: (
        [],
        [{"id": LESSONS_LIMIT, "values": [value(date(2024, 1, 1), 30, BAUSKA_VALUES)]}],
        ("parameter-not-stricter", LESSONS_LIMIT),
    ),
    "parameter-fixed": lambda: (
        [],
        [{"id": ADULT_AGE, "values": [value(date(2024, 1, 1), 16, BAUSKA_VALUES)]}],
        ("parameter-fixed", ADULT_AGE),
    ),
    "parameter-coverage": lambda: (
        [viis_early("bauska.absence.early", params=("bauska.absence.limit",))],
        [{"id": "bauska.absence.limit", "values": [value(date(2024, 1, 1), 5)]}],
        ("parameter-coverage", "bauska.absence.early"),
    ),
    "parameter-undeclared": lambda: (
        [viis_early("bauska.absence.late", params=("bauska.absence.missing",))],
        [],
        ("parameter-undeclared", "bauska.absence.late"),
    ),
}
CONFLICTS = {"mandatory-override", "parameter-not-stricter", "parameter-fixed"}
COVERAGE = {"parameter-coverage", "parameter-undeclared"}


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(sorted(FAULTS)), min_size=1))
def test_every_violation_of_a_mix_of_faults_is_reported(faults: set[str]) -> None:
    rules: list[Rule] = []
    tables: list[dict[str, Any]] = []
    expected: set[tuple[str, str]] = set()
    for fault in sorted(faults):
        fault_rules, fault_params, violation = FAULTS[fault]()
        rules += fault_rules
        tables += fault_params
        expected.add(violation)
    plugin = FixturePlugin(
        "bauska", municipality="bauska", rules=rules, params=parameters("bauska", *tables)
    )
    reg = registry(plugin)

    with pytest.raises(PolicyError) as caught:
        reg.policy_set("bauska")
    found = caught.value.violations
    assert sorted((v.check, v.subject) for v in found) == sorted(expected)
    assert all(v.plugin == "bauska" for v in found)
    assert list(found) == check_declarations(reg.declarations, "bauska")
    if faults & CONFLICTS:
        assert isinstance(caught.value, PolicyConflict)
    elif faults & COVERAGE:
        assert isinstance(caught.value, ParameterCoverageError)
    else:
        assert type(caught.value) is PolicyError
    for v in found:
        assert v.message in str(caught.value)


def test_a_registry_keeps_the_policy_sets_used_last_and_no_more() -> None:
    """A service is asked for any municipality name; each name makes a set. The registry keeps
    the SETS_KEPT used last, so asking for ever new names never grows it further."""
    from atbalsts.engine._policyset import SETS_KEPT

    reg = PolicyRegistry.load()
    bauska = reg.policy_set("bauska")
    for i in range(SETS_KEPT + 50):
        reg.policy_set(f"nowhere-{i}")
        if i % 100 == 0:
            assert reg.policy_set("bauska") is bauska  # used again: kept
    assert len(reg._sets) == SETS_KEPT
    assert reg.policy_set("bauska") is bauska
    assert reg.policy_set("nowhere-0") is not reg.policy_set("nowhere-1")
    again = reg.policy_set("nowhere-0")  # let go, made again: the same policy
    assert again.composition == reg.policy_set("nowhere-1").composition
    assert again.at(date(2025, 10, 1)).stamp.municipality == "nowhere-0"
