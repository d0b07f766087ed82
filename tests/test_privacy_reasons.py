"""A measure's reasons, its verdict and a plan's issues are shown only to a role that may see what
their rules read (as the decision's trace names it), and to no role when the trace is missing."""

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
from atbalsts.codes import RISK_FACTORS
from atbalsts.model import (
    Attendance,
    DataCategory,
    Decision,
    Enrolment,
    FundedSupport,
    Learner,
    MeasureAssignment,
    SupportCase,
    SuspectedThreat,
    parse_json,
    parse_python,
)
from atbalsts.policy import PROTECTED_FACTS, BasisKind, DecisionKind, LegalBasis, Rule
from atbalsts.privacy import (
    CLASSES,
    FACT_CATEGORIES,
    FACT_LEVELS,
    UNTRACED,
    ByRule,
    Level,
    Reads,
    ViewRole,
    grants_for,
    view_decision,
    view_schema,
)
from atbalsts.testing.strategies import support_cases

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NEEDY = "parauga:needy_family_meals"
NEEDY_RULE = "parauga.measure.needy_family_meals"


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@functools.cache
def example(name: str) -> tuple[SupportCase, Decision]:
    (path,) = sorted(EXAMPLES.glob(f"{name}*.json"))
    case = parse_json(SupportCase, path.read_text(encoding="utf-8"))
    day = latest_observation(case)
    assert day is not None
    return case, registry().evaluate(case, day)


def shown(decision: Decision, role: str) -> dict[str, Any]:
    return view_decision(decision, role=role)


def reasons(view: dict[str, Any]) -> list[str]:
    return [
        r["reason"]
        for key in ("measures", "suggestions")
        for verdict in view.get(key, [])
        for r in verdict.get("reasons", [])
    ]


# -- the case found in review: Parauga's meal compensation for a needy family ---------------------


def test_the_class_teacher_does_not_see_the_needy_family_reason() -> None:
    _, decision = example("06-parauga")
    assert NEEDY in json.dumps(decision.model_dump(mode="json"))  # the rule did fire
    teacher = shown(decision, "class_teacher")
    assert NEEDY not in json.dumps(teacher)
    assert NEEDY_RULE not in json.dumps(teacher)
    # the verdict on meals is those reasons combined: hidden with them
    assert [v["measure"] for v in teacher.get("measures", [])] == ["transport_compensation"]
    # support funded elsewhere is family data the class teacher sees in the case (basic level)
    assert reasons(teacher) == ["not_funded_elsewhere"]


def test_a_role_that_sees_the_family_in_full_still_sees_it() -> None:
    _, decision = example("06-parauga")
    for role in ("social_pedagogue", "psychologist"):
        view = shown(decision, role)
        assert NEEDY in reasons(view), role
        meals = [v for v in view["measures"] if v["measure"] == "meals_compensation"]
        assert meals[0]["eligible"] is True


def test_a_plan_issue_that_tells_the_age_is_not_shown_to_a_role_that_may_not_see_it() -> None:
    _, decision = example("04-parauga")
    issues = {(i.rule, i.reason) for i in decision.plan_issues}
    assert ("lv.measure.mentor", "mentor_under_min_age") in issues
    # the mentor rule reads the age (personal) and the risk factors (they may be health data)
    for role in ("class_teacher", "social_pedagogue", "school_director", "municipal_coordinator"):
        assert "plan_issues" not in shown(decision, role), role
    psychologist = shown(decision, "psychologist")
    assert [i["reason"] for i in psychologist["plan_issues"]] == ["mentor_under_min_age"]
    assert psychologist["plan_issues"][0]["detail"] == decision.plan_issues[0].detail


def with_risk_factors(decision: Decision, rule: str, factors: list[str]) -> Decision:
    """``decision`` with the risk factors ``rule``'s trace row says it read set to ``factors``
    (joined as a trace row holds a set of codes)."""
    data = decision.model_dump(mode="json")
    for row in data["trace"]:
        for fact in row["facts"] if row["rule"] == rule else ():
            if fact["fact"] == "risk_factors":
                fact["value"] = ",".join(sorted(factors))
    return parse_python(Decision, data)


def test_what_the_listed_risk_factors_are_never_changes_who_sees_an_outcome() -> None:
    """Whether a view shows an outcome of a rule that read the risk factors does not depend on
    which factors they are: else a missing verdict would tell a health factor, or a shown one
    that there is no risk at all."""
    _, decision = example("04-parauga")
    health = [
        c for c in RISK_FACTORS.codes() if RISK_FACTORS[c].group == "social_environment_and_health"
    ]
    learning = [c for c in RISK_FACTORS.codes() if RISK_FACTORS[c].group == "learning_and_school"]
    assert health
    assert learning
    seen = {
        name: {
            role.value
            for role in ViewRole
            if shown(with_risk_factors(decision, "lv.measure.mentor", listed), role.value).get(
                "plan_issues"
            )
        }
        for name, listed in (("none", []), ("learning", learning[:2]), ("health", health[:1]))
    }
    assert seen["none"] == seen["learning"] == seen["health"] == {"psychologist"}


def test_without_its_trace_no_role_sees_a_reason_a_verdict_or_a_plan_issue() -> None:
    for name in ("04-parauga", "06-parauga"):
        _, decision = example(name)
        bare = decision.model_copy(update={"trace": ()})
        assert bare.measures  # there is something to hide
        for role in ViewRole:
            view = shown(bare, role.value)
            assert {"measures", "suggestions", "plan_issues"} & set(view) == set(), role


def test_a_rule_the_trace_does_not_name_counts_as_reading_everything() -> None:
    _, decision = example("06-parauga")
    partial = decision.model_copy(
        update={"trace": tuple(r for r in decision.trace if r.rule != NEEDY_RULE)}
    )
    view = shown(partial, "psychologist")
    assert NEEDY not in reasons(view)
    assert "not_funded_elsewhere" in reasons(view)


def test_a_rule_that_read_an_unclassified_fact_is_shown_to_no_one() -> None:
    _, decision = example("06-parauga")
    rows = []
    for row in decision.trace:
        if row.rule == NEEDY_RULE:
            row = row.model_copy(
                update={"facts": (*row.facts, row.facts[0].model_copy(update={"fact": "x"}))}
            )
        rows.append(row)
    unknown = decision.model_copy(update={"trace": tuple(rows)})
    for role in ViewRole:
        assert NEEDY not in reasons(shown(unknown, role.value)), role


def test_the_published_schemas_still_show_reasons_to_a_role_that_sees_the_plan() -> None:
    """A schema says what a view may show at most: a reason whose rule read nothing but the plan
    is shown to every role that sees the plan, so the schemas did not change."""
    schema = view_schema("decision.class_teacher")
    assert "reason" in schema["$defs"]["MeasureReason"]["properties"]
    assert "detail" in schema["$defs"]["PlanIssue"]["properties"]
    police = view_schema("decision.police")
    assert "reason" not in police["$defs"]["MeasureReason"]["properties"]
    for name in ("MeasureReason", "MeasureVerdict", "PlanIssue"):
        assert isinstance(CLASSES[name], ByRule)


# -- the level each fact needs --------------------------------------------------------------------

#: Facts that copy one field of the case: the level they need is the one the field's
#: classification needs in a view of the case.
SOURCES: dict[str, tuple[type[Any], str]] = {
    "learner_id": (Learner, "id"),
    "birth_date": (Learner, "birth_date"),
    "living_situation": (Learner, "living_situation"),
    "needy_family": (Learner, "needy_or_low_income_family"),
    "languages": (Learner, "languages"),
    "municipality": (Enrolment, "municipality"),
    "programme": (Enrolment, "programme"),
    "grade": (Enrolment, "grade"),
    "vocational_course": (Enrolment, "vocational_course"),
    "repeating_year": (Enrolment, "repeating_year"),
    "completed_grade9_certificate_only": (Enrolment, "completed_grade9_certificate_only"),
    "state_vocational_school": (Enrolment, "state_vocational_school"),
    "lessons_scheduled": (Attendance, "lessons_scheduled"),
    "parental_notes_used": (Attendance, "parental_notes_used"),
    "absent_today_reason_unknown": (Attendance, "absent_today_reason_unknown"),
    "threat_kinds": (SuspectedThreat, "kind"),
    "threat_observed_on": (SuspectedThreat, "observed_on"),
    "funded_elsewhere": (FundedSupport, "measure"),
    "plan_measures": (MeasureAssignment, "measure"),
    "mentor_trained": (MeasureAssignment, "mentor_trained"),
}
BY_CLASSIFICATION = {None: Level.BASIC, "personal": Level.PERSONAL}


def test_a_fact_copied_from_the_case_needs_what_its_field_needs() -> None:
    for fact, (model, name) in SOURCES.items():
        extra = model.model_fields[name].json_schema_extra
        marked = extra.get("x-classification") if isinstance(extra, dict) else None
        expected = BY_CLASSIFICATION.get(marked, Level.FULL)
        assert FACT_LEVELS.get(fact, Level.FULL) == expected, fact


def test_only_known_facts_are_lowered_and_never_a_protected_or_a_health_one() -> None:
    assert set(FACT_LEVELS) <= set(FACT_CATEGORIES)
    lowered = {f for f, level in FACT_LEVELS.items() if level < Level.FULL}
    assert lowered & PROTECTED_FACTS == set()
    assert {f for f in lowered if FACT_CATEGORIES[f] == DataCategory.HEALTH} == set()
    assert "needy_family" not in lowered


# -- the invariant ---------------------------------------------------------------------------------


def trace_reads(decision: Decision) -> dict[str, list[tuple[str, Any]]]:
    reads: dict[str, list[tuple[str, Any]]] = {}
    for row in decision.trace:
        reads.setdefault(row.rule, []).extend((e.fact, e.value) for e in row.facts)
    return reads


#: The national risk groups.
GROUPS = ["social_environment_and_health", "economic", "family", "learning_and_school"]

#: What a fact that lists risk factors or groups tells, whatever it lists: whether there is a
#: risk, and factors of any group (learning and school, family and economic, health), in full.
LISTS = {
    "risk_factors": {DataCategory.RISK, DataCategory.FAMILY, DataCategory.HEALTH},
    "risk_groups": {DataCategory.RISK, DataCategory.FAMILY, DataCategory.HEALTH},
    "staff_factors": {DataCategory.RISK, DataCategory.FAMILY, DataCategory.HEALTH},
}


def may_see_what_it_read(
    role: ViewRole, rule: str, reads: dict[str, list[tuple[str, Any]]]
) -> bool:
    """The role may see the support plan and, for every fact the rule read as the trace names
    it, the fact's category (at least at the level its value needs): for a list of risk factors
    or groups, risk, family and health, in full."""
    grants = grants_for(role)
    if grants.get(DataCategory.SUPPORT, Level.NONE) < Level.BASIC or rule not in reads:
        return False
    for fact, _ in reads[rule]:
        category = FACT_CATEGORIES.get(fact)
        if category is None:
            return False
        if category == "public":
            continue
        least = max(Level.BASIC, FACT_LEVELS.get(fact, Level.FULL))
        for each in LISTS.get(fact, {DataCategory(category)}):
            if grants.get(each, Level.NONE) < (Level.FULL if fact in LISTS else least):
                return False
    return True


def check_views(decision: Decision) -> None:
    """Every reason, verdict and plan issue a role's view shows names a rule whose read facts'
    categories the role may all see; a verdict is shown with every one of its reasons."""
    reads = trace_reads(decision)
    for role in ViewRole:
        view = shown(decision, role.value)
        for key in ("measures", "suggestions"):
            whole = {v.measure: v for v in getattr(decision, key)}
            for verdict in view.get(key, []):
                assert len(verdict["reasons"]) == len(whole[verdict["measure"]].reasons)
                for reason in verdict["reasons"]:
                    assert may_see_what_it_read(role, reason["rule"], reads), (role, reason)
        for issue in view.get("plan_issues", []):
            assert may_see_what_it_read(role, issue["rule"], reads), (role, issue)


RULES = [NEEDY_RULE, "lv.measure.no_double_funding_default", "lv.measure.mentor", "x.rule.a"]
FACTS = [*sorted(FACT_CATEGORIES), "not_a_fact"]
MEASURES = ["meals_compensation", "transport_compensation", "mentor_support"]
FACTOR_CODES = [*sorted(RISK_FACTORS.codes()), "x:local_factor"]
#: Values of the facts that list risk factors or groups: national ones of every group, a local
#: one, none.
VALUES = {
    fact: st.lists(st.sampled_from(codes), unique=True, max_size=3).map(
        lambda listed: ",".join(sorted(listed))  # as a trace row holds a set of codes
    )
    for fact, codes in (
        ("risk_factors", FACTOR_CODES),
        ("staff_factors", FACTOR_CODES),
        ("risk_groups", [*GROUPS, "x:group"]),
    )
}


@st.composite
def decisions(draw: st.DrawFn) -> Decision:
    """A decision of example 06 whose trace, verdicts and plan issues name rules that read
    any facts (an unclassified one too), some of them not in the trace."""
    _, base = example("06-parauga")
    data = base.model_dump(mode="json")
    row = data["trace"][0]
    traced = draw(st.lists(st.sampled_from(RULES), unique=True))
    data["trace"] = [
        {
            **row,
            "rule": rule,
            "facts": [
                {"fact": fact, "value": draw(VALUES[fact]) if fact in VALUES else None}
                for fact in draw(st.lists(st.sampled_from(FACTS), unique=True, max_size=4))
            ],
        }
        for rule in traced
    ]
    reason = data["measures"][0]["reasons"][0]

    def verdicts(measures: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "measure": measure,
                "eligible": True,
                "reasons": [
                    {**reason, "rule": rule, "reason": "synthetic"}
                    for rule in draw(st.lists(st.sampled_from(RULES), min_size=1, unique=True))
                ],
            }
            for measure in measures
        ]

    asked = draw(st.lists(st.sampled_from(MEASURES), unique=True))
    data["measures"] = verdicts(asked)
    data["suggestions"] = verdicts([m for m in MEASURES if m not in asked][:1])
    data["plan_issues"] = [
        {
            "plan_id": "P-1",
            "reason": "synthetic",
            "path": None,
            "detail": {"age": 12},
            "rule": rule,
            "legal_basis": reason["legal_basis"],
            "plugin": "x",
            "parameters": [],
        }
        for rule in draw(st.lists(st.sampled_from(RULES), unique=True))
    ]
    return parse_python(Decision, data)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(decisions())
def test_a_view_shows_an_outcome_of_rules_only_to_a_role_that_may_see_what_they_read(
    decision: Decision,
) -> None:
    check_views(decision)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(support_cases(municipality="parauga", as_of=date(2025, 10, 15)))
def test_so_do_the_views_of_evaluated_cases(case: SupportCase) -> None:
    check_views(registry().evaluate(case, date(2025, 10, 15)))


# -- what the rules declare they read: the same views without the trace --------------------------


def declared(municipality: str, on: date = date(2025, 10, 15)) -> Reads:
    rules = registry().policy_set(municipality).rules_in_force(on)
    return Reads.declared(rule for rule, _ in rules)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["parauga", "bauska", "riga"]).flatmap(
        lambda m: st.tuples(st.just(m), support_cases(municipality=m, as_of=date(2025, 10, 15)))
    )
)
def test_the_rules_declared_reads_show_what_the_trace_shows(
    chosen: tuple[str, SupportCase],
) -> None:
    """A view made from what the rules declare they read, of the decision without its trace, is
    the view made from the trace, without the trace: for every role."""
    municipality, case = chosen
    decision = registry().evaluate(case, date(2025, 10, 15))
    bare = decision.model_copy(update={"trace": ()})
    reads = declared(municipality)
    for role in ViewRole:
        traced = view_decision(decision, role=role.value)
        traced.pop("trace", None)
        assert view_decision(bare, role=role.value, reads=reads) == traced


def test_the_declared_reads_of_the_needy_family_rule_hide_its_reason_from_the_class_teacher() -> (
    None
):
    case, decision = example("06")
    bare = decision.model_copy(update={"trace": ()})
    reads = declared(case.learner.enrolment.municipality, decision.as_of)
    assert NEEDY in reasons(view_decision(bare, role="social_pedagogue", reads=reads))
    assert NEEDY not in reasons(view_decision(bare, role="class_teacher", reads=reads))


def test_a_rule_declared_twice_needs_what_both_versions_read() -> None:
    first = Rule(
        id="x.rule",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="A test rule."),
        function=lambda facts, params: None,
        reads=("grade",),
    )
    second = attrs.evolve(first, reads=("needy_family",))
    one, both = Reads.declared([first]), Reads.declared([first, second])
    assert one.needs("x.rule") == {DataCategory.SCHOOLING: Level.BASIC}
    assert both.needs("x.rule") == {
        DataCategory.SCHOOLING: Level.BASIC,
        DataCategory.FAMILY: Level.FULL,
    }
    assert Reads.declared([attrs.evolve(first, reads=("no_such_fact",))]).needs("x.rule") is None
    assert both.needs("x.other") == UNTRACED  # a rule not declared may have read anything
