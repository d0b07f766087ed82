"""The plugin conformance suite: the national baseline passes it, and each kind of broken plugin
fails it with a message naming the rule or parameter and saying what to fix."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import pytest

from atbalsts import hookimpl
from atbalsts.codes import Code
from atbalsts.engine import PluginSource, PolicyRegistry
from atbalsts.errors import LifecycleError, UndeclaredMeasuresWarning
from atbalsts.model import ApprovalStep, PlanStatus, SupportCase, SupportPlan
from atbalsts.policy import (
    FACTS,
    Allow,
    BasisKind,
    CodeRegistrar,
    DecisionKind,
    Facts,
    Finding,
    LegalBasis,
    Obligation,
    Parameter,
    Params,
    PolicyRegistrar,
    Refer,
    Rule,
    Tier,
    load_parameters,
    rule,
)
from atbalsts.testing import _generate as gen
from atbalsts.testing.conformance import (
    CHECKS,
    PLACEHOLDER,
    Problem,
    assert_conforms,
    check_policy,
    conformance_test,
    sample_cases,
)
from atbalsts.workflow import transition

NAME = "proba"
FROM = date(2020, 9, 1)
LAW = LegalBasis(
    kind=BasisKind.LAW,
    act="Probas novada saistošie noteikumi Nr. 1",
    provision="3. punkts",
    url="https://example.lv/proba-1",
)
ILLUSTRATIVE = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="A fixture for the conformance tests.")
LIMIT = "proba.absence.lessons_limit"
ACTION = "proba:inform_social_pedagogue"


class Plugin:
    """A fixture policy plugin registered in-process."""

    def __init__(
        self,
        rules: Iterable[Rule] = (),
        params: Iterable[Parameter] = (),
        *,
        name: str = NAME,
        valid_from: date = FROM,
        valid_to: date | None = None,
        fail: Exception | None = None,
        codes: Iterable[tuple[str, Code]] = (),
        guards: Iterable[Any] = (),
    ) -> None:
        self.guards = tuple(guards)
        self.name = name
        self.codes = tuple(codes)
        self.rules = tuple(rules)
        self.params = tuple(params)
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.fail = fail

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy(
            self.name,
            title="Probas novads",
            municipality=self.name,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )
        registrar.parameters(self.params)
        registrar.rules(self.rules)
        if self.guards:
            registrar.guards(self.guards)
        if self.fail is not None:
            raise self.fail

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        registrar.add("actions", Code(ACTION, "Informēt sociālo pedagogu", "Inform the pedagogue"))
        for code_list, code in self.codes:
            registrar.add(code_list, code)


def load(*plugins: Plugin) -> PolicyRegistry:
    return PolicyRegistry.load(
        [PluginSource(p.name, p, f"atbalsts-{p.name}", "0.1") for p in plugins],
        entry_points=False,
    )


def params(*tables: dict[str, Any], plugin: str = NAME) -> tuple[Parameter, ...]:
    return load_parameters({"parameter": list(tables)}, plugin)


def limit_param(
    value: int = 10, basis: LegalBasis = LAW, valid_from: date = FROM
) -> dict[str, Any]:
    return {
        "id": LIMIT,
        "values": [
            {"from": valid_from, "value": value, "basis": basis.model_dump(exclude_none=True)}
        ],
    }


def good_rule(rule_id: str = "proba.absence.inform_social_pedagogue", **kwargs: Any) -> Rule:
    """The well-behaved rule the broken variants start from."""
    options: dict[str, Any] = {
        "kind": DecisionKind.OBLIGATION,
        "legal_basis": LAW,
        "reads": ("unjustified_lessons", "programme"),
        "params": (LIMIT,),
        "valid_from": FROM,
    }
    options.update(kwargs)

    @rule(rule_id, **options)
    def inform(f: Facts, p: Params) -> Obligation | None:
        """More than the limit: inform the social pedagogue within 3 days."""
        if f.programme != "pre_school" and f.unjustified_lessons > p[LIMIT]:
            return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",), "days", days=3)
        return None

    return inform


def good_plugin(*extra: Rule) -> Plugin:
    return Plugin([good_rule(), *extra], params(limit_param()))


def checks(problems: list[Problem]) -> set[str]:
    return {p.check for p in problems}


def about(problems: list[Problem], check: str) -> list[Problem]:
    found = [p for p in problems if p.check == check]
    assert found, f"no {check!r} problem among {[str(p) for p in problems]}"
    return found


# -- what passes -----------------------------------------------------------------------------


def test_national_baseline_conforms() -> None:
    assert check_policy(PolicyRegistry.load(entry_points=False), "lv") == []


def test_a_well_behaved_plugin_conforms() -> None:
    registry = load(good_plugin())
    assert check_policy(registry, NAME) == []
    assert_conforms(registry, NAME)


def test_conformance_test_returns_a_passing_test_function() -> None:
    test = conformance_test(NAME, registry=lambda: load(good_plugin()), examples=5)
    assert test.__name__ == "test_conforms"
    test()


def test_problems_read_as_check_subject_and_message() -> None:
    problem = Problem("namespace", "x.y", "rename it")
    assert str(problem) == "[namespace] x.y: rename it"
    assert set(CHECKS) >= {"loaded", "legal-basis", "national-floor", "facts", "crash"}


# -- (a) loading -----------------------------------------------------------------------------


def test_a_plugin_that_failed_to_register_is_reported() -> None:
    problems = check_policy(load(Plugin(fail=RuntimeError("boom"))), NAME)
    (problem,) = about(problems, "loaded")
    assert problem.subject == NAME
    assert "failed to register" in problem.message
    assert "RuntimeError: boom" in problem.message


def test_an_unknown_policy_is_reported_with_what_to_check() -> None:
    (problem,) = check_policy(load(), "nowhere")
    assert problem.check == "loaded"
    assert "not loaded" in problem.message
    assert "[project.entry-points.atbalsts]" in problem.message
    assert "lv" in problem.message


# -- (b) namespaces --------------------------------------------------------------------------


def test_a_rule_id_outside_the_namespace_is_refused() -> None:
    problems = check_policy(load(good_plugin(good_rule("cita.absence.report"))), NAME)
    (problem,) = about(problems, "namespace")
    assert problem.subject == "cita.absence.report"
    assert "'proba.'" in problem.message
    assert checks(problems) == {"namespace"}  # the rest of the plugin is still checked, and fine


def test_a_duplicate_rule_id_is_refused() -> None:
    problems = check_policy(load(good_plugin(good_rule())), NAME)
    assert "two rules share this id" in about(problems, "namespace")[0].message


def test_a_parameter_outside_the_namespace_is_refused() -> None:
    foreign = {**limit_param(), "id": "cita.absence.limit"}
    plugin = Plugin([good_rule()], params(limit_param(), foreign))
    (problem,) = about(check_policy(load(plugin), NAME), "namespace")
    assert problem.subject == "cita.absence.limit"
    assert "national parameter" in problem.message


def test_a_national_parameter_may_be_redeclared_stricter() -> None:
    stricter = {**limit_param(15), "id": "lv.absence.unjustified_lessons_limit"}
    plugin = Plugin([good_rule()], params(limit_param(), stricter))
    assert check_policy(load(plugin), NAME) == []


# -- (c) legal basis -------------------------------------------------------------------------


def test_a_rule_without_a_legal_basis_is_refused_when_declared() -> None:
    # Refused at declaration, before any policy set exists: the plugin cannot even register it.
    with pytest.raises(TypeError, match="legal_basis"):
        good_rule(legal_basis=None)


def test_an_incomplete_legal_basis_is_refused() -> None:
    uncited = LegalBasis.model_construct(kind=BasisKind.LAW, act="Noteikumi Nr. 1")  # no url
    plugin = Plugin([good_rule(legal_basis=uncited)], params(limit_param()))
    (problem,) = about(check_policy(load(plugin), NAME), "legal-basis")
    assert "address (url)" in problem.message


def test_the_scaffold_placeholder_is_flagged_in_rules_and_parameters() -> None:
    placeholder = LegalBasis(
        kind=BasisKind.LAW,
        act=f"{PLACEHOLDER}: the act",
        url=f"https://example.invalid/{PLACEHOLDER}",
    )
    plugin = Plugin([good_rule(legal_basis=placeholder)], params(limit_param(basis=placeholder)))
    problems = about(check_policy(load(plugin), NAME), "legal-basis")
    assert {p.subject for p in problems} == {"proba.absence.inform_social_pedagogue", LIMIT}
    assert all(PLACEHOLDER in p.message for p in problems)


def test_an_illustrative_or_methodological_basis_is_accepted() -> None:
    default = LegalBasis(kind=BasisKind.METHODOLOGICAL_DEFAULT, note="No legal number exists.")
    plugin = Plugin([good_rule(legal_basis=ILLUSTRATIVE)], params(limit_param(basis=default)))
    assert check_policy(load(plugin), NAME) == []


# -- (d) validity, (e) coverage --------------------------------------------------------------


def test_a_policy_ending_before_it_starts_is_refused() -> None:
    # The registrar refuses it, so the plugin fails to register and the suite says why.
    plugin = Plugin([good_rule()], params(limit_param()), valid_to=date(2019, 1, 1))
    (problem,) = about(check_policy(load(plugin), NAME), "loaded")
    assert problem.subject == NAME
    assert "valid_to (2019-01-01) is before valid_from" in problem.message


def test_a_rule_never_in_force_is_refused() -> None:
    old = good_rule(valid_from=date(2015, 1, 1), valid_to=date(2016, 1, 1))
    plugin = Plugin([old], params(limit_param(valid_from=date(2015, 1, 1))))
    (problem,) = about(check_policy(load(plugin), NAME), "validity")
    assert "never in force" in problem.message


def test_a_parameter_gap_is_reported_with_the_fix() -> None:
    plugin = Plugin([good_rule()], params(limit_param(valid_from=date(2021, 1, 1))))
    (problem,) = about(check_policy(load(plugin), NAME), "parameter-coverage")
    assert problem.subject == "proba.absence.inform_social_pedagogue"
    assert "2021-01-01" in problem.message
    assert "parameters.toml" in problem.message


# -- (f) the national floor ------------------------------------------------------------------


def test_overriding_a_mandatory_national_rule_is_refused() -> None:
    override = good_rule("proba.absence.board", overrides="lv.absence.inform_board")
    problems = check_policy(load(good_plugin(override)), NAME)
    (problem,) = about(problems, "national-floor")
    assert problem.subject == "proba.absence.board"
    assert "'lv.absence.inform_board'" in problem.message
    assert "mandatory" in problem.message
    assert "MK 01.02.2011" in problem.message  # the national rule's legal basis is named


def test_marking_a_municipal_rule_mandatory_is_refused() -> None:
    problems = check_policy(load(good_plugin(good_rule("proba.x.y", mandatory=True))), NAME)
    assert "only the national baseline" in about(problems, "national-floor")[0].message


def test_loosening_a_floor_protected_parameter_is_refused() -> None:
    looser = {**limit_param(30), "id": "lv.absence.unjustified_lessons_limit"}
    plugin = Plugin([good_rule()], params(limit_param(), looser))
    (problem,) = about(check_policy(load(plugin), NAME), "national-floor")
    assert problem.subject == "lv.absence.unjustified_lessons_limit"
    assert "stricter direction" in problem.message


def test_every_composition_problem_is_reported_at_once() -> None:
    looser = {**limit_param(30), "id": "lv.absence.unjustified_lessons_limit"}
    late = good_rule("proba.absence.late", params=("proba.absence.other",))
    other = {**limit_param(valid_from=date(2022, 1, 1)), "id": "proba.absence.other"}
    override = good_rule("proba.absence.board", overrides="lv.absence.inform_board")
    plugin = Plugin([good_rule(), late, override], params(limit_param(), looser, other))
    problems = check_policy(load(plugin), NAME)
    assert {(p.check, p.subject) for p in problems} == {
        ("national-floor", "proba.absence.board"),
        ("national-floor", "lv.absence.unjustified_lessons_limit"),
        ("parameter-coverage", "proba.absence.late"),
    }


def test_a_value_below_the_national_minimum_is_refused() -> None:
    negative = {**limit_param(-3), "id": "lv.absence.board_notice_days"}
    plugin = Plugin([good_rule()], params(limit_param(), negative))
    (problem,) = check_policy(load(plugin), NAME)
    assert (problem.check, problem.subject) == ("national-floor", "lv.absence.board_notice_days")
    assert "minimum 0" in problem.message
    assert "range the national declaration allows" in problem.message


def test_a_rule_reading_an_undeclared_parameter_is_reported_with_the_fix() -> None:
    reads_nothing = good_rule("proba.absence.other", params=("proba.absence.nowhere",))
    (problem,) = check_policy(load(good_plugin(reads_nothing)), NAME)
    assert (problem.check, problem.subject) == ("parameter-coverage", "proba.absence.other")
    assert "'proba.absence.nowhere'" in problem.message
    assert "declare it in parameters.toml" in problem.message


def test_composition_problems_leave_the_rest_of_the_plugin_checked_and_run() -> None:
    @rule(
        "proba.absence.by_grade",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("grade", "unjustified_lessons"),
    )
    def by_grade(f: Facts, p: Params) -> Obligation | None:
        """Forgets that grade is None outside general education."""
        if f.unjustified_lessons > 40 - f.grade:  # type: ignore[operator]
            return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",))
        return None

    typo = good_rule("proba.absence.typo", reads=("unjustfied_lessons",))
    foreign = good_rule("cita.absence.report")
    problems = check_policy(load(good_plugin(by_grade, typo, foreign)), NAME)
    assert [(p.check, p.subject) for p in problems] == [
        ("namespace", "cita.absence.report"),
        ("facts", "proba.absence.typo"),
        ("crash", "proba.absence.by_grade"),  # the rules left run on the generated cases
    ]


def test_local_codes_composition_refuses_are_reported_under_codes() -> None:
    foreign = Code("cita:inform", "Informēt", "Inform")
    twice = Code(ACTION, "Informēt sociālo pedagogu", "Inform the pedagogue")
    plugin = Plugin(
        [good_rule()], params(limit_param()), codes=[("actions", foreign), ("actions", twice)]
    )
    problems = check_policy(load(plugin), NAME)
    assert [(p.check, p.subject) for p in problems] == [
        ("codes", "cita:inform"),
        ("codes", ACTION),
    ]
    assert "'proba:'" in problems[0].message
    assert "declared once in atbalsts_register_codes" in problems[1].message


def test_the_national_baseline_is_not_checked_against_itself() -> None:
    registry = PolicyRegistry.load(entry_points=False)
    national = next(d for d in registry.declarations if d.info.national)
    assert any(r.mandatory for r in national.rules)
    assert "national-floor" not in checks(check_policy(registry, "lv"))


# -- (g) facts -------------------------------------------------------------------------------


def test_a_protected_fact_in_a_risk_rule_is_refused() -> None:
    @rule(
        "proba.risk.language",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=ILLUSTRATIVE,
        reads=("languages",),
    )
    def language(f: Facts, p: Params) -> Finding | None:
        """Not Latvian at home."""
        return Finding("language_barrier", ("languages",)) if "lv" not in f.languages else None

    problems = check_policy(load(good_plugin(language)), NAME)
    assert {p.subject for p in about(problems, "facts")} == {"proba.risk.language"}
    message = about(problems, "facts")[0].message
    assert "protected" in message
    assert "observation, not the attribute" in message
    assert "staff_factors" in message


def test_a_protected_fact_in_a_tier_rule_is_refused_too() -> None:
    @rule(
        "proba.risk.tier",
        kind=DecisionKind.RISK_TIER,
        legal_basis=ILLUSTRATIVE,
        reads=("languages",),
    )
    def tier(f: Facts, p: Params) -> Tier | None:
        """Russian at home: tier 2."""
        return Tier(2) if "ru" in f.languages else None

    problems = check_policy(load(good_plugin(tier)), NAME)
    (problem,) = about(problems, "facts")
    assert problem.subject == "proba.risk.tier"
    assert "a risk_tier rule reads the protected fact 'languages'" in problem.message


def test_has_risk_is_a_fact_a_rule_may_declare() -> None:
    @rule(
        "proba.risk.any",
        kind=DecisionKind.REFERRAL,
        legal_basis=ILLUSTRATIVE,
        reads=("has_risk",),
    )
    def any_risk(f: Facts, p: Params) -> Refer | None:
        """With a risk, suggest the social service."""
        return Refer("social_service", "unjustified_absence_over_limit") if f.has_risk else None

    problems = check_policy(load(good_plugin(any_risk)), NAME)
    assert [p for p in problems if p.subject == "proba.risk.any"] == []


def test_a_declared_fact_that_does_not_exist_is_refused() -> None:
    typo = good_rule("proba.absence.typo", reads=("unjustfied_lessons", "programme"))
    (problem,) = about(check_policy(load(good_plugin(typo)), NAME), "facts")
    assert "'unjustfied_lessons'" in problem.message
    assert "did you mean unjustified_lessons" in problem.message


def test_reading_an_undeclared_fact_is_found_by_running_the_rule() -> None:
    @rule(
        "proba.absence.rate",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("unjustified_lessons",),
    )
    def rate(f: Facts, p: Params) -> Obligation | None:
        """A high absence rate."""
        if f.unjustified_lessons > 5 and (f.absence_rate or 0) > 0.1:
            return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",))
        return None

    problems = check_policy(load(good_plugin(rate)), NAME)
    (problem,) = about(problems, "undeclared-read")
    assert problem.subject == "proba.absence.rate"
    assert "'absence_rate'" in problem.message
    assert "reads=(...)" in problem.message
    assert "first on learner gen-" in problem.message


def test_a_read_after_a_typed_parameter_lookup_is_found() -> None:
    """The rule is run with its parameters as the engine gives them (``Params``): with a plain
    dict, ``p.integer(...)`` raised, the error was swallowed and what the rule read after it was
    never seen (an outside tester's plugin passed with an undeclared read)."""

    @rule(
        "proba.absence.typed",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("unjustified_lessons",),
        params=(LIMIT,),
        valid_from=FROM,
    )
    def typed(f: Facts, p: Params) -> Obligation | None:
        """Over the limit, at any absence rate."""
        if f.unjustified_lessons > p.integer(LIMIT) and (f.absence_rate or 0) >= 0:
            return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",))
        return None

    problems = check_policy(load(good_plugin(typed)), NAME)
    (problem,) = about(problems, "undeclared-read")
    assert problem.subject == "proba.absence.typed"
    assert "'absence_rate'" in problem.message


def test_a_property_counts_as_reading_the_facts_behind_it() -> None:
    @rule(
        "proba.absence.at_risk",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("risk_factors",),
    )
    def at_risk(f: Facts, p: Params) -> Obligation | None:
        """Any risk found."""
        return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",)) if f.has_risk else None

    assert check_policy(load(good_plugin(at_risk)), NAME) == []


def test_a_generator_rule_is_run_to_the_end() -> None:
    @rule(
        "proba.risk.many",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=ILLUSTRATIVE,
        reads=("failing_subjects",),
    )
    def many(f: Facts, p: Params) -> Iterator[Finding]:
        """Findings, lazily."""
        if f.failing_subjects > 1:
            yield Finding("low_achievement", ("failing_subjects",))
        if f.behaviour_incidents > 1:  # read only once the generator is consumed
            yield Finding("behaviour_problems", ("behaviour_incidents",))

    problems = check_policy(load(good_plugin(many)), NAME)
    assert "'behaviour_incidents'" in about(problems, "undeclared-read")[0].message
    assert "does not declare it in reads" in about(problems, "facts")[0].message


def test_assigning_to_a_fact_is_refused() -> None:
    @rule("proba.absence.writer", kind=DecisionKind.OBLIGATION, legal_basis=LAW, reads=("age",))
    def writer(f: Facts, p: Params) -> None:
        """Changes a fact."""
        f.age = f.age + 1

    problems = check_policy(load(good_plugin(writer)), NAME)
    assert "read-only" in about(problems, "undeclared-read")[0].message


# -- (h) running on generated cases ----------------------------------------------------------


def test_a_rule_that_crashes_on_generated_cases_is_named() -> None:
    @rule(
        "proba.absence.by_grade",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("grade", "unjustified_lessons"),
    )
    def by_grade(f: Facts, p: Params) -> Obligation | None:
        """Forgets that grade is None outside general education."""
        if f.unjustified_lessons > 40 - f.grade:  # type: ignore[operator]
            return Obligation(ACTION, ("class_teacher",), ("social_pedagogue",))
        return None

    problems = check_policy(load(good_plugin(by_grade)), NAME)
    (problem,) = about(problems, "crash")
    assert problem.subject == "proba.absence.by_grade"
    assert "plugin 'proba' raised TypeError" in problem.message
    assert "first on learner gen-" in problem.message


def test_a_rule_returning_the_wrong_type_is_named() -> None:
    @rule("proba.absence.wrong", kind=DecisionKind.OBLIGATION, legal_basis=LAW)
    def wrong(f: Facts, p: Params) -> Finding:
        """Returns a finding from an obligation rule."""
        return Finding("low_achievement")

    (problem,) = about(check_policy(load(good_plugin(wrong)), NAME), "crash")
    assert problem.subject == "proba.absence.wrong"
    assert "expected Obligation" in problem.message


def test_a_verdict_on_a_measure_the_rule_does_not_declare_is_named() -> None:
    @rule(
        "proba.measure.meals",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=LAW,
        measures=("meals_compensation",),
    )
    def meals(f: Facts, p: Params) -> list[Any]:
        """Declares meals, but also decides transport."""
        return [
            Allow(m, "risk_identified") for m in ("meals_compensation", "transport_compensation")
        ]

    (problem,) = about(check_policy(load(good_plugin(meals)), NAME), "crash")
    assert problem.subject == "proba.measure.meals"
    assert "'transport_compensation'" in problem.message
    assert "measures=(...)" in problem.message


def test_a_verdict_rule_that_declares_no_measures_is_named_with_the_fix() -> None:
    @rule("proba.measure.any", kind=DecisionKind.MEASURE_ELIGIBILITY, legal_basis=LAW)
    def any_measure(f: Facts, p: Params) -> Any:
        """Allows meals, without saying which measures it decides."""
        return Allow("meals_compensation", "risk_identified")

    # loading warns (the host learns it there too); the check names it with the fix
    with pytest.warns(UndeclaredMeasuresWarning, match=r"'proba\.measure\.any'") as caught:
        registry = load(good_plugin(any_measure))
    # it names the line that loaded, not one inside the engine
    assert {w.filename for w in caught} == {__file__}
    problems = check_policy(registry, NAME)
    (problem,) = about(problems, "measures")
    assert problem.subject == "proba.measure.any"
    assert "measures=(...)" in problem.message
    assert "crash" not in checks(problems)  # it still runs: undeclared is any measure

    @rule(
        "proba.measure.any",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=LAW,
        measures=("meals_compensation",),
    )
    def declared(f: Facts, p: Params) -> Any:
        """The same rule, saying which measure it decides."""
        return Allow("meals_compensation", "risk_identified")

    assert check_policy(load(good_plugin(declared)), NAME) == []


def test_conformance_test_reports_an_undeclared_verdict_rule_instead_of_failing_to_load() -> None:
    """Under ``filterwarnings = ["error"]`` (this suite's, and the scaffold's) the warning of the
    load would stop the test before the checks; the check names the rule with the fix."""

    @rule("proba.measure.any", kind=DecisionKind.MEASURE_ELIGIBILITY, legal_basis=LAW)
    def any_measure(f: Facts, p: Params) -> Any:
        """Allows meals, without saying which measures it decides."""
        return Allow("meals_compensation", "risk_identified")

    test = conformance_test(NAME, registry=lambda: load(good_plugin(any_measure)), examples=5)
    with pytest.raises(AssertionError, match=r"\[measures\] proba\.measure\.any: .*measures="):
        test()


def test_a_measure_no_code_list_knows_is_refused() -> None:
    @rule(
        "proba.measure.typo",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=LAW,
        measures=("meals_compensaton",),
    )
    def typo(f: Facts, p: Params) -> None:
        """Declares a measure with a typo."""
        return

    (problem,) = about(check_policy(load(good_plugin(typo)), NAME), "codes")
    assert problem.subject == "proba.measure.typo"
    assert "did you mean meals_compensation" in problem.message


def test_a_rule_that_remembers_between_calls_is_not_deterministic() -> None:
    counter = itertools.count()

    @rule("proba.absence.counter", kind=DecisionKind.OBLIGATION, legal_basis=LAW)
    def remembers(f: Facts, p: Params) -> Obligation:
        """A deadline that changes with every call."""
        return Obligation(ACTION, ("class_teacher",), (), "days", days=next(counter))

    (problem,) = about(check_policy(load(good_plugin(remembers)), NAME), "determinism")
    assert problem.subject == "proba.absence.counter"


def test_an_undeclared_code_is_refused() -> None:
    @rule("proba.absence.made_up", kind=DecisionKind.OBLIGATION, legal_basis=LAW)
    def made_up(f: Facts, p: Params) -> Obligation:
        """An action nobody declared."""
        return Obligation("phone_the_mayor", ("class_teacher",), ("mayor",))

    messages = [p.message for p in about(check_policy(load(good_plugin(made_up)), NAME), "codes")]
    assert any("'phone_the_mayor'" in m for m in messages)
    assert all("atbalsts_register_codes" in m for m in messages)


def test_the_callers_cases_and_dates_are_used() -> None:
    @rule(
        "proba.absence.older",
        kind=DecisionKind.OBLIGATION,
        legal_basis=LAW,
        reads=("age",),
    )
    def older(f: Facts, p: Params) -> None:
        """Crashes only for learners over 30."""
        if f.age > 30:
            raise ValueError("too old")

    registry = load(good_plugin(older))
    day = date(2025, 3, 3)
    young = sample_cases(3, as_of=day, municipality=NAME)
    assert check_policy(registry, NAME, cases=young, as_of_dates=[day]) == []
    data = young[0].model_dump(mode="json")
    data["learner"]["birth_date"] = "1980-01-01"
    old = SupportCase.model_validate(data)
    problems = check_policy(registry, NAME, cases=[old], as_of_dates=[day])
    assert "too old" in about(problems, "crash")[0].message


def test_assert_conforms_lists_every_problem() -> None:
    override = good_rule("proba.absence.board", overrides="lv.absence.inform_board")
    illustrative = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note=f"{PLACEHOLDER}: fill in")
    plugin = Plugin([good_rule(legal_basis=illustrative), override], params(limit_param()))
    with pytest.raises(AssertionError) as raised:
        assert_conforms(load(plugin), NAME)
    text = str(raised.value)
    assert "policy 'proba' fails 2 conformance check(s)" in text
    assert "[legal-basis] proba.absence.inform_social_pedagogue" in text
    assert "[national-floor] proba.absence.board" in text


# -- the case generator ----------------------------------------------------------------------


def test_sample_cases_are_reproducible_and_varied() -> None:
    day = date(2025, 3, 3)
    first = sample_cases(40, as_of=day, municipality="bauska", seed=1)
    again = sample_cases(40, as_of=day, municipality="bauska", seed=1)
    assert [c.model_dump_json() for c in first] == [c.model_dump_json() for c in again]
    other = sample_cases(40, as_of=day, municipality="bauska", seed=2)
    assert [c.model_dump_json() for c in first] != [c.model_dump_json() for c in other]
    assert {c.learner.enrolment.municipality for c in first} == {"bauska"}
    assert len({c.learner.enrolment.programme for c in first}) == 4
    assert all(o.as_of <= day for c in first for o in c.observations)
    assert any(not c.observations for c in first)
    assert any(c.plans for c in first)


def test_sample_cases_name_the_author_of_about_half_their_plans() -> None:
    """About half the generated plans name their author (``SupportPlan.author``, a synthetic host
    id), so the checks meet plans that only that person may submit; an approval of the author's
    step that names its approver names that person, as the workflow records it."""
    plans = [p for c in sample_cases(200, as_of=date(2025, 3, 3), seed=1) for p in c.plans]
    named = [p for p in plans if p.author is not None]
    assert 0.35 < len(named) / len(plans) < 0.65
    assert len({p.author for p in named}) > len(named) // 2  # drawn, not one id for all
    assert all(p.author is not None and p.author.startswith("staff-") for p in named)
    steps = [
        (a.approver, p.author)
        for p in named
        for a in p.approvals
        if a.step is ApprovalStep.AUTHOR and a.approver is not None
    ]
    assert steps
    assert all(approver == author for approver, author in steps)


def _blank_authors(case: SupportCase) -> dict[str, Any]:
    """The case as JSON without its plans' authors, nor the approvers of their authors' steps
    (the author when a plan names one)."""
    data = case.model_dump(mode="json")
    for plan in data["plans"]:
        del plan["author"]
        for approval in plan["approvals"]:
            if approval["step"] == "author" and approval["approver"] is not None:
                approval["approver"] = "?"
    return data


def test_naming_the_author_shifts_no_other_seeded_choice() -> None:
    """The author is drawn aside (:meth:`Source.aside`), so naming it, or not, leaves every other
    field of the seeded cases as it was: the benchmarks and the tests that count generated cases
    meet the same cases as before authors were generated."""

    class Elsewhere(gen.RandomSource):
        def aside(self) -> gen.Source:
            return gen.RandomSource(random.Random("elsewhere"))

    day = date(2025, 3, 3)
    kept, moved = [], []
    for i in range(40):
        for source, out in ((gen.RandomSource, kept), (Elsewhere, moved)):
            src = source(random.Random(f"seed:{i}"))
            enrolled = gen.enrolment(src, school_id="school-1", municipality="bauska")
            pupil = gen.learner(src, learner_id=f"gen-{i:03d}", enrolment=enrolled, as_of=day)
            out.append(gen.support_case(src, learner=pupil, as_of=day))
    authors = [[p.author for p in c.plans] for c in kept]
    assert authors != [[p.author for p in c.plans] for c in moved]
    assert [_blank_authors(c) for c in kept] == [_blank_authors(c) for c in moved]


def test_every_declared_fact_is_readable_on_generated_cases() -> None:
    registry = PolicyRegistry.load(entry_points=False)
    policy_set = registry.policy_set(plugins=["lv"])
    for case in sample_cases(5, as_of=date(2025, 3, 3)):
        facts = policy_set.run(case, date(2025, 3, 3), trace=False).facts
        for name in FACTS:
            getattr(facts, name)


# -- guards ----------------------------------------------------------------------------------


def _referral_guard(raises: bool, says: str | None = None) -> Any:
    from atbalsts.workflow import Transition, guard

    @guard(
        "proba.guard.referral_note",
        document="referral",
        actions=("send",),
        legal_basis=LAW,
    )
    def note(t: Transition) -> str | None:
        """Careless when ``raises``: assumes every referral has a due date."""
        after = t.after
        if raises:
            return None if after.due.year > 2000 else "too old"  # type: ignore[union-attr]
        return says

    return note


def test_a_guard_that_raises_on_generated_documents_is_a_problem() -> None:
    """A guard that raises refuses every action it judges, with no override: the kit finds it on
    the referrals of the generated cases and names it; a guard that decides does not."""
    found = check_policy(
        load(Plugin([good_rule()], params(limit_param()), guards=[_referral_guard(True)])), NAME
    )
    (problem,) = [p for p in found if p.check == "guards"]
    assert problem.subject == "proba.guard.referral_note"
    assert "AttributeError" in problem.message
    calm = check_policy(
        load(Plugin([good_rule()], params(limit_param()), guards=[_referral_guard(False)])), NAME
    )
    assert [p for p in calm if p.check == "guards"] == []


def test_a_guard_whose_own_reason_reads_like_a_failure_is_not_one() -> None:
    """The kit knows a guard that raised by the refusal's code, not by its words: a guard that
    refuses in words the workflow also uses decided, and is no problem."""
    worded = _referral_guard(False, says="the guard failed to find the social service's reply")
    found = check_policy(load(Plugin([good_rule()], params(limit_param()), guards=[worded])), NAME)
    assert [p for p in found if p.check == "guards"] == []


def test_a_plan_that_names_its_author_is_submitted_by_that_person() -> None:
    """The check submits a generated plan as its author would: the person the plan names
    (``SupportPlan.author``), or a member of staff when it names none, in the plan author's
    role. The national guards accept that submission, and refuse it to anyone else
    (``not_the_author``): a plugin's guard on submissions meets plans of both kinds."""
    from atbalsts.workflow import Transition, guard

    seen: list[Transition] = []

    @guard("proba.guard.plan_submit", document="support-plan", actions=("submit",), legal_basis=LAW)
    def submit(t: Transition) -> None:
        """Records what it judges."""
        seen.append(t)

    found = check_policy(load(Plugin([good_rule()], params(limit_param()), guards=[submit])), NAME)
    assert [p for p in found if p.check == "guards"] == []
    plans = [t.before for t in seen]
    assert all(isinstance(p, SupportPlan) for p in plans)
    assert {p.author is None for p in plans if isinstance(p, SupportPlan)} == {True, False}
    for t in seen:
        plan = t.before
        assert isinstance(plan, SupportPlan)
        assert (t.actor, t.role) == (plan.author or "conformance", "plan_author")
        done = transition(plan, "submit", actor=t.actor, role=t.role, on=t.on)
        assert done.event.actor == t.actor
        if plan.author is not None:
            with pytest.raises(LifecycleError) as refused:
                transition(plan, "submit", actor="conformance", role=t.role, on=t.on)
            assert [r.code for r in refused.value.refusals] == ["not_the_author"]


def _plan_guard(actions: tuple[str, ...], judge: Any) -> Any:
    """A plugin's guard on ``actions`` of support plans that judges by ``judge``."""
    from atbalsts.workflow import guard

    return guard(
        "proba.guard.plan_steps", document="support-plan", actions=actions, legal_basis=LAW
    )(judge)


def _guards_problems(*guards: Any, **options: Any) -> list[Problem]:
    found = check_policy(
        load(Plugin([good_rule()], params(limit_param()), guards=guards)), NAME, **options
    )
    return [p for p in found if p.check == "guards"]


def test_a_guard_that_raises_on_a_later_approval_step_is_a_problem() -> None:
    """The check submits each generated draft plan and takes it through every approval step of
    its chain, so a guard on approvals that raises only at one step (here: it knows the author's
    step and nothing else) is found and named, with the action it raised on."""
    from atbalsts.workflow import Transition, pending_step

    def careless(t: Transition) -> str | None:
        """Assumes every approval is the author's."""
        assert isinstance(t.before, SupportPlan)
        step = pending_step(t.before, t.chain)
        assert step is not None
        return {ApprovalStep.AUTHOR: None}[step]

    (problem,) = _guards_problems(_plan_guard(("approve",), careless))
    assert problem.subject == "proba.guard.plan_steps"
    assert "KeyError" in problem.message
    assert "'approve'" in problem.message


def test_a_guard_that_raises_on_a_rejection_is_a_problem() -> None:
    """A rejection is tried at each step as well: a guard that reads a plan's last rejection,
    which a plan rejected for the first time does not have, is found."""
    from atbalsts.workflow import Transition

    def careless(t: Transition) -> str | None:
        """Assumes the plan was rejected before."""
        assert isinstance(t.before, SupportPlan)
        return None if t.before.rejections[-1].comment else "no comment"

    (problem,) = _guards_problems(_plan_guard(("reject",), careless))
    assert "IndexError" in problem.message
    assert "'reject'" in problem.message


def test_a_guard_that_raises_on_putting_an_approved_plan_in_force_is_a_problem() -> None:
    """Once every step has approved it, the plan is put in force (``activate``, by the school
    director): a guard that raises there is found, though no generated plan comes approved."""
    from atbalsts.workflow import Transition

    seen: list[str] = []

    def careless(t: Transition) -> str | None:
        """Assumes a plan put in force has been reviewed before."""
        assert isinstance(t.before, SupportPlan)
        seen.append(t.role)
        return None if t.before.reviews[-1].on else "never reviewed"

    (problem,) = _guards_problems(_plan_guard(("activate",), careless))
    assert "IndexError" in problem.message
    assert "'activate'" in problem.message
    assert set(seen) == {"school_director"}


def test_every_approval_step_is_tried_by_the_role_that_takes_it() -> None:
    """A well-behaved guard on approvals passes, and meets every step of the national chain of
    the generated drafts, after their submission: each approved and rejected by the role that
    takes the step (``STEP_ROLES``), the author's by the person the plan names as its author (or
    a member of staff when it names none), with the chain of the learner's school (a state
    vocational school's has no municipal coordinator's step). The national guards accept each
    approval as the check takes it, so the guard judges what the workflow would let through."""
    from atbalsts.workflow import STEP_ROLES, Transition, pending_step

    seen: list[Transition] = []

    def record(t: Transition) -> None:
        """Records what it judges."""
        seen.append(t)

    assert _guards_problems(_plan_guard(("approve", "reject"), record)) == []
    assert {t.action for t in seen} == {"approve", "reject"}
    steps = set()
    for t in seen:
        plan = t.before
        assert isinstance(plan, SupportPlan)
        assert plan.submitted_on == t.on
        step = pending_step(plan, t.chain)
        assert step is not None
        steps.add(step)
        if step is ApprovalStep.AUTHOR:
            assert (t.actor, t.role) == (plan.author or "conformance", "plan_author")
        else:
            assert (t.actor, {t.role}) == ("conformance", STEP_ROLES[step])
        # the national guards alone accept it as the check took it
        transition(
            plan,
            t.action,
            actor=t.actor,
            role=t.role,
            on=t.on,
            reason=t.reason,
            chain=t.chain,
            state_vocational_school=t.state_vocational_school,
        )
    assert steps == set(ApprovalStep)  # DEFAULT_DATES include a day of PuMPuRS (IKVD's step)
    assert {t.state_vocational_school for t in seen} == {True, False}
    vocational = {t.chain for t in seen if t.state_vocational_school}
    assert all(ApprovalStep.MUNICIPAL_COORDINATOR not in chain for chain in vocational)
    named = [t for t in seen if isinstance(t.before, SupportPlan) and t.before.author]
    assert any(t.actor == t.before.author for t in named if isinstance(t.before, SupportPlan))


def test_a_plan_given_already_submitted_is_tried_from_its_pending_step() -> None:
    """A case the caller passes may hold a plan already submitted and part approved: the check
    tries the step it waits for, then the steps after it, never the steps already approved."""
    from atbalsts.workflow import Transition, pending_step

    day = date(2025, 3, 3)
    case = next(
        c
        for c in sample_cases(30, as_of=day, municipality=NAME)
        if c.plans and not c.learner.enrolment.state_vocational_school
    )
    draft = case.plans[0].model_copy(update={"status": PlanStatus.DRAFT, "submitted_on": None})
    author = draft.author or "conformance"
    submitted = transition(draft, "submit", actor=author, role="plan_author", on=day).document
    approved = transition(submitted, "approve", actor=author, role="plan_author", on=day).document
    given = case.model_copy(update={"plans": (approved,)})
    seen: list[Transition] = []

    def record(t: Transition) -> None:
        """Records the step each approval is for."""
        seen.append(t)

    assert (
        _guards_problems(_plan_guard(("approve",), record), cases=[given], as_of_dates=[day]) == []
    )
    steps = [pending_step(t.before, t.chain) for t in seen if isinstance(t.before, SupportPlan)]
    assert steps == [ApprovalStep.SCHOOL_DIRECTOR, ApprovalStep.MUNICIPAL_COORDINATOR]


def test_a_rule_newer_than_the_default_dates_is_run_on_its_first_day_and_ten_weeks_on() -> None:
    """A rule first in force after :data:`DEFAULT_DATES` is checked on its first day and again
    ten weeks later, when a term's counts are no longer empty."""
    from atbalsts.testing.conformance import _default_dates

    start = date(2026, 9, 1)
    newer = good_rule("proba.absence.newer", valid_from=start)
    registry = load(Plugin([newer], params(limit_param(valid_from=FROM))))
    (decl,) = [d for d in registry.declarations if d.info.name == NAME]
    dates = _default_dates(decl)
    assert start in dates
    assert date(2026, 11, 10) in dates
    assert not any(d > date(2026, 11, 10) for d in dates)
    summer = good_rule("proba.absence.summer", valid_from=date(2025, 6, 20))
    registry = load(Plugin([summer], params(limit_param(valid_from=FROM))))
    (decl,) = [d for d in registry.declarations if d.info.name == NAME]
    assert date(2025, 10, 15) in _default_dates(decl)  # not 29 August, in the holidays
