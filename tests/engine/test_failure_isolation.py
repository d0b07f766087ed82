"""Failure isolation: a plugin that fails to import or register, a rule that raises, returns the
wrong type or names a code its policy set does not know, never takes the host down and is never
dropped without a word; strict mode raises."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import pytest

from atbalsts import Decision, PolicyError
from atbalsts.errors import UndeclaredMeasuresWarning
from atbalsts.policy import (
    Allow,
    DecisionKind,
    Deny,
    Facts,
    Finding,
    Issue,
    Obligation,
    Params,
    Refer,
    Rule,
    rule,
)

from .fixtures import (
    AS_OF,
    FIXTURE_RULES,
    INFORM_BOARD,
    FakeDist,
    FakeEntryPoint,
    FixturePlugin,
    fake_entry_points,
    make_case,
    obligations,
    registry,
    trace_row,
)

BOARD_ACTION = "inform_municipal_education_board"


def over_the_limit() -> Any:
    return make_case(unjustified_lessons=25)


def assert_national_still_decides(decision: Any) -> None:
    (board,) = obligations(decision, BOARD_ACTION)
    assert board.rules == (INFORM_BOARD,)
    assert [f.rule for f in decision.findings] == ["lv.risk.unjustified_absences"]
    assert [r.to for r in decision.referrals] == ["social_service"]


# --- plugins that fail to load ---


def test_a_plugin_that_fails_to_import_makes_decisions_incomplete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(
        monkeypatch,
        FakeEntryPoint(
            "ghost",
            dist=FakeDist("atbalsts-ghost", "0.3"),
            error=ImportError("No module named 'atbalsts_ghost'"),
        ),
    )
    reg = registry(entry_points=True, env={})

    assert [(f.plugin, f.stage) for f in reg.failures] == [("ghost", "import")]
    decision = reg.evaluate(over_the_limit(), AS_OF)
    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.stage, failure.rule) == ("ghost", "import", None)
    assert "ImportError" in failure.error
    assert "atbalsts_ghost" in failure.error
    assert_national_still_decides(decision)

    with pytest.raises(PolicyError, match=r"'ghost'.*import"):
        reg.evaluate(over_the_limit(), AS_OF, strict=True)


def test_a_plugin_whose_hook_raises_is_taken_not_at_all() -> None:
    @rule("broken.risk.x", kind=DecisionKind.RISK_FINDING, legal_basis=FIXTURE_RULES)
    def finding(f: Facts, p: Params) -> Finding:
        return Finding("lack_of_motivation")

    broken = FixturePlugin(
        "broken", municipality="bauska", rules=[finding], fail=ValueError("bad config")
    )
    reg = registry(broken)

    assert [p.name for p in reg.policies] == ["lv"]
    decision = reg.evaluate(over_the_limit(), AS_OF)
    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.stage) == ("broken", "register")
    assert failure.error == "ValueError: bad config"
    assert "broken.risk.x" not in [row.rule for row in decision.trace]
    assert [p.name for p in decision.policy.plugins] == ["lv"]
    assert_national_still_decides(decision)

    with pytest.raises(PolicyError, match=r"'broken'.*register.*bad config"):
        reg.evaluate(over_the_limit(), AS_OF, strict=True)


@pytest.mark.parametrize("where", ["import", "register"])
def test_a_plugin_calling_sys_exit_is_a_failure_not_the_end_of_the_host(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """``sys.exit()`` raises SystemExit, which is not an Exception: at import or in the
    registration hook it is recorded like any other error, and the baseline still decides."""
    quitting = SystemExit("careless plugin")
    if where == "import":
        ep = FakeEntryPoint("quitter", error=quitting)
    else:
        ep = FakeEntryPoint(
            "quitter", FixturePlugin("quitter", municipality="bauska", fail=quitting)
        )
    fake_entry_points(monkeypatch, ep)
    reg = registry(entry_points=True, env={})

    (failure,) = reg.failures
    assert (failure.plugin, failure.stage, failure.error) == (
        "quitter",
        where,
        "SystemExit: careless plugin",
    )
    decision = reg.evaluate(over_the_limit(), AS_OF)
    assert decision.complete is False
    assert_national_still_decides(decision)


@pytest.mark.parametrize("where", ["import", "register"])
def test_ctrl_c_while_loading_a_plugin_still_stops_the_host(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    stop = KeyboardInterrupt()
    if where == "import":
        ep = FakeEntryPoint("slow", error=stop)
    else:
        ep = FakeEntryPoint("slow", FixturePlugin("slow", municipality="bauska", fail=stop))
    fake_entry_points(monkeypatch, ep)
    with pytest.raises(KeyboardInterrupt):
        registry(entry_points=True, env={})


# --- rules that fail during evaluation ---


@rule(
    "fx.absence.boom",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
)
def boom(f: Facts, p: Params) -> Obligation:
    raise ZeroDivisionError("division by zero")


@rule(
    "fx.absence.fine",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
)
def fine(f: Facts, p: Params) -> Obligation:
    return Obligation("fx:notify", ("class_teacher",), ("parent",), "same_day")


@rule("fx.referral.fine", kind=DecisionKind.REFERRAL, legal_basis=FIXTURE_RULES)
def fine_referral(f: Facts, p: Params) -> Refer:
    return Refer("cooperation_group", "fx:reason")


def test_a_rule_that_raises_is_named_and_the_others_still_fire() -> None:
    reg = registry(FixturePlugin("fx", rules=[boom, fine, fine_referral]))
    decision = reg.evaluate(over_the_limit(), AS_OF)

    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.rule, failure.stage) == ("fx", "fx.absence.boom", "evaluate")
    assert failure.error == "ZeroDivisionError: division by zero"
    row = trace_row(decision, "fx.absence.boom")
    assert row.error == "ZeroDivisionError: division by zero"
    assert row.fired is False
    assert trace_row(decision, "fx.absence.fine").fired
    assert trace_row(decision, "fx.absence.fine").error is None
    assert len(obligations(decision, "fx:notify")) == 1
    assert [r.to for r in decision.referrals] == ["cooperation_group", "social_service"]
    assert_national_still_decides_obligations(decision)


def assert_national_still_decides_obligations(decision: Any) -> None:
    (board,) = obligations(decision, BOARD_ACTION)
    assert board.rules == (INFORM_BOARD,)


def test_a_raising_rule_in_strict_mode_raises_policy_error() -> None:
    reg = registry(FixturePlugin("fx", rules=[boom, fine]))
    with pytest.raises(PolicyError, match=r"fx\.absence\.boom.*'fx'") as caught:
        reg.evaluate(over_the_limit(), AS_OF, strict=True)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def generator_raising(error: Exception) -> Rule:
    @rule("fx.risk.generator_boom", kind=DecisionKind.RISK_FINDING, legal_basis=FIXTURE_RULES)
    def generator_boom(f: Facts, p: Params) -> Iterator[Finding]:
        yield Finding("lack_of_motivation")
        raise error

    return generator_boom


GENERATOR_ERRORS = [KeyError("missing"), TypeError("unsupported operand")]


@pytest.mark.parametrize("error", GENERATOR_ERRORS, ids=lambda e: type(e).__name__)
def test_a_generator_rule_that_raises_is_isolated(error: Exception) -> None:
    reg = registry(FixturePlugin("fx", rules=[generator_raising(error), fine]))
    decision = reg.evaluate(over_the_limit(), AS_OF)

    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.rule, failure.stage) == (
        "fx",
        "fx.risk.generator_boom",
        "evaluate",
    )
    assert type(error).__name__ in failure.error
    assert trace_row(decision, "fx.risk.generator_boom").error == failure.error
    assert trace_row(decision, "fx.risk.generator_boom").fired is False
    # nothing of a failed rule is kept, not even what it yielded before raising
    assert "fx.risk.generator_boom" not in [f.rule for f in decision.findings]
    assert len(obligations(decision, "fx:notify")) == 1


@pytest.mark.parametrize("error", GENERATOR_ERRORS, ids=lambda e: type(e).__name__)
def test_a_generator_rule_that_raises_in_strict_mode_raises_policy_error(error: Exception) -> None:
    reg = registry(FixturePlugin("fx", rules=[generator_raising(error)]))
    message = rf"fx\.risk\.generator_boom.*'fx'.*{type(error).__name__}"
    with pytest.raises(PolicyError, match=message) as caught:
        reg.evaluate(over_the_limit(), AS_OF, strict=True)
    assert caught.value.__cause__ is error


# --- rules that return the wrong type ---


def obligation_rule(rule_id: str, result: Any) -> Rule:
    @rule(rule_id, kind=DecisionKind.OBLIGATION, legal_basis=FIXTURE_RULES)
    def wrong(f: Facts, p: Params) -> Any:
        return result

    return wrong


WRONG_RESULTS = {
    "finding": (Finding("lack_of_motivation"), "Finding"),
    "string": ("inform_parents", "str"),
    "number": (42, "int"),
    # returned, not raised: a wrong result, never taken for a failure of the rule itself
    "exception": (ValueError("not raised"), "ValueError"),
    "mixed": (
        [Obligation("fx:notify", ("class_teacher",), ("parent",)), Refer("school", "x")],
        "Refer",
    ),
}


@pytest.mark.parametrize("kind", sorted(WRONG_RESULTS))
def test_a_rule_returning_the_wrong_type_is_named(kind: str) -> None:
    result, type_name = WRONG_RESULTS[kind]
    reg = registry(FixturePlugin("fx", rules=[obligation_rule("fx.absence.wrong", result), fine]))
    decision = reg.evaluate(over_the_limit(), AS_OF)

    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.rule, failure.stage) == ("fx", "fx.absence.wrong", "result")
    assert f"returned {type_name}" in failure.error
    assert "Obligation" in failure.error
    assert trace_row(decision, "fx.absence.wrong").error == failure.error
    assert trace_row(decision, "fx.absence.wrong").fired is False
    # nothing of a wrong result is kept, not even its well-typed part
    (notify,) = obligations(decision, "fx:notify")
    assert notify.rules == ("fx.absence.fine",)
    assert_national_still_decides_obligations(decision)


@pytest.mark.parametrize("kind", sorted(WRONG_RESULTS))
def test_a_wrong_type_in_strict_mode_raises_policy_error(kind: str) -> None:
    result, type_name = WRONG_RESULTS[kind]
    reg = registry(FixturePlugin("fx", rules=[obligation_rule("fx.absence.wrong", result)]))
    with pytest.raises(PolicyError, match=rf"fx\.absence\.wrong.*returned {type_name}"):
        reg.evaluate(over_the_limit(), AS_OF, strict=True)


def test_none_and_empty_results_are_not_failures() -> None:
    reg = registry(
        FixturePlugin(
            "fx",
            rules=[
                obligation_rule("fx.absence.none", None),
                obligation_rule("fx.absence.empty", []),
            ],
        )
    )
    decision = reg.evaluate(over_the_limit(), AS_OF, strict=True)
    assert decision.complete is True
    assert trace_row(decision, "fx.absence.none").fired is False
    assert trace_row(decision, "fx.absence.empty").fired is False


@attrs.frozen(slots=True)
class TaggedObligation(Obligation):
    """A plugin's own subclass of an outcome class."""

    tag: str = "fx"


def test_a_single_outcome_of_a_subclass_is_accepted() -> None:
    tagged = TaggedObligation("fx:notify", ("class_teacher",), ("parent",), "days", days=4)
    reg = registry(
        FixturePlugin(
            "fx",
            rules=[
                obligation_rule("fx.absence.single", tagged),
                obligation_rule("fx.absence.listed", [tagged]),
            ],
        )
    )
    decision = reg.evaluate(over_the_limit(), AS_OF, strict=True)

    assert decision.complete is True
    assert trace_row(decision, "fx.absence.single").fired is True
    (notify,) = obligations(decision, "fx:notify")
    assert notify.rules == ("fx.absence.listed", "fx.absence.single")
    assert notify.due == date(2025, 3, 4)  # 4 days from the observation of Friday 28 February


def test_failures_are_reported_on_every_decision_of_every_set() -> None:
    reg = registry(
        FixturePlugin("broken", fail=RuntimeError("x")),
        FixturePlugin("fx", municipality="cesis", rules=[boom]),
    )
    in_bauska = reg.evaluate(make_case(), AS_OF)
    in_cesis = reg.evaluate(make_case(municipality="cesis"), AS_OF)
    assert [(f.plugin, f.stage) for f in in_bauska.failures] == [("broken", "register")]
    assert [(f.plugin, f.stage) for f in in_cesis.failures] == [
        ("broken", "register"),
        ("fx", "evaluate"),
    ]
    # evaluation failures belong to the one decision, not to the set
    assert reg.evaluate(make_case(municipality="cesis"), date(2025, 3, 4)).failures == (
        in_cesis.failures
    )
    assert reg.policy_set("cesis").failures == reg.failures


# --- outcomes that name codes no code list knows ---

OBLIGATION = DecisionKind.OBLIGATION
#: what is unknown: (rule kind, the outcome, the code lists that do not know it, the code, and the
#: outcome field that names it)
UNKNOWN_CODES: dict[str, tuple[DecisionKind, Any, str, str, str]] = {
    "risk factor": (
        DecisionKind.RISK_FINDING,
        Finding("no_such_factor"),
        "risk_factors",
        "no_such_factor",
        "Finding.factor",
    ),
    "action": (
        OBLIGATION,
        Obligation("fx_notify", ("class_teacher",), ("parent",)),
        "actions",
        "fx_notify",
        "Obligation.action",
    ),
    "role": (
        OBLIGATION,
        Obligation("fx:notify", ("janitor",), ("parent",)),
        "roles",
        "janitor",
        "Obligation.roles",
    ),
    "recipient": (
        OBLIGATION,
        Obligation("fx:notify", ("class_teacher",), ("parent", "nobody")),
        "roles or institutions",
        "nobody",
        "Obligation.recipients",
    ),
    "measure": (
        DecisionKind.MEASURE_ELIGIBILITY,
        Allow("no_such_measure", "fx:ok"),
        "measures",
        "no_such_measure",
        "Verdict.measure",
    ),
    "verdict reason": (
        DecisionKind.MEASURE_ELIGIBILITY,
        Deny("librarian_support", "fx_no_budget"),
        "reasons",
        "fx_no_budget",
        "Verdict.reason",
    ),
    "institution": (
        DecisionKind.REFERRAL,
        Refer("no_such_institution", "fx:reason"),
        "institutions",
        "no_such_institution",
        "Refer.to",
    ),
    "referral reason": (
        DecisionKind.REFERRAL,
        Refer("social_service", "fx:no_such_reason"),
        "reasons",
        "fx:no_such_reason",
        "Refer.reason",
    ),
    "issue reason": (
        DecisionKind.PLAN_CHECK,
        Issue.of("no_such_reason"),
        "reasons",
        "no_such_reason",
        "Issue.reason",
    ),
}


def unknown_code_rule(kind: DecisionKind, outcome: Any, measures: Any = None) -> Rule:
    @rule("fx.unknown.code", kind=kind, legal_basis=FIXTURE_RULES, measures=measures)
    def unknown(f: Facts, p: Params) -> Any:
        return outcome

    return unknown


@pytest.mark.parametrize("what", sorted(UNKNOWN_CODES))
def test_an_outcome_with_an_unknown_code_is_a_result_failure(what: str) -> None:
    kind, outcome, code_lists, code, field = UNKNOWN_CODES[what]
    if what == "measure":  # an unknown measure cannot be declared: the rule declares none
        with pytest.warns(UndeclaredMeasuresWarning, match=r"'fx\.unknown\.code'"):
            reg = registry(FixturePlugin("fx", rules=[unknown_code_rule(kind, outcome)]))
    else:
        measures = (outcome.measure,) if kind is DecisionKind.MEASURE_ELIGIBILITY else None
        reg = registry(FixturePlugin("fx", rules=[unknown_code_rule(kind, outcome, measures)]))
    decision = reg.evaluate(make_case(plan_measures=("librarian_support",)), AS_OF)

    Decision.model_validate_json(decision.model_dump_json())  # the document is valid
    assert decision.complete is False
    (failure,) = decision.failures
    assert (failure.plugin, failure.rule, failure.stage) == ("fx", "fx.unknown.code", "result")
    assert failure.error == f"returned an unknown {code_lists} code {code!r} in {field}"
    assert trace_row(decision, "fx.unknown.code").fired is False
    assert "fx.unknown.code" not in [i.rule for i in decision.plan_issues]

    with pytest.raises(PolicyError, match=re.escape(failure.error)):
        reg.evaluate(make_case(), AS_OF, strict=True)


def test_a_local_code_is_known_only_where_its_plugin_declares_it() -> None:
    uses_bauska = Obligation("bauska:notify", ("class_teacher",), ("parent",))
    undeclared = Obligation("quiet:notify", ("class_teacher",), ("parent",))
    reg = registry(
        FixturePlugin("bauska", municipality="bauska"),  # declares bauska:notify
        FixturePlugin("fx", rules=[obligation_rule("fx.absence.bauska", uses_bauska)]),
        FixturePlugin("quiet", codes={}, rules=[obligation_rule("quiet.absence.own", undeclared)]),
    )
    in_bauska = reg.evaluate(make_case(municipality="bauska"), AS_OF)
    in_cesis = reg.evaluate(make_case(municipality="cesis"), AS_OF)

    assert len(obligations(in_bauska, "bauska:notify")) == 1
    assert obligations(in_cesis, "bauska:notify") == []
    # a plugin's own code, namespaced but not declared, is unknown everywhere
    for decision in (in_bauska, in_cesis):
        assert [(f.rule, f.error) for f in decision.failures if f.plugin == "quiet"] == [
            (
                "quiet.absence.own",
                "returned an unknown actions code 'quiet:notify' in Obligation.action",
            )
        ]
    assert [(f.rule, f.error) for f in in_cesis.failures if f.plugin == "fx"] == [
        (
            "fx.absence.bauska",
            "returned an unknown actions code 'bauska:notify' in Obligation.action",
        )
    ]
    assert not [f for f in in_bauska.failures if f.plugin == "fx"]


def test_an_outcome_seen_from_a_risk_rule_is_still_refused_from_an_obligation_rule() -> None:
    """The per-policy cache of checked outcomes never skips the type check."""
    finding = Finding("unjustified_absences")

    def give(f: Facts, p: Any) -> Finding:
        return finding

    risk = rule("fx.risk.same", kind=DecisionKind.RISK_FINDING, legal_basis=FIXTURE_RULES)(give)
    wrong = rule("fx.absence.same", kind=DecisionKind.OBLIGATION, legal_basis=FIXTURE_RULES)(give)
    decision = registry(FixturePlugin("fx", rules=[risk, wrong])).evaluate(make_case(), AS_OF)
    assert not decision.complete
    assert [(f.rule, f.stage) for f in decision.failures] == [("fx.absence.same", "result")]
