"""Fault injection: what a faulty or hostile in-process plugin tries, and what the engine does.

Each test is one finding of the outside hardening run (issue 9). The national floor holds, the
host process survives, and the decision says it is incomplete and names the rule at fault.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import pytest

from atbalsts import PolicyConflict, PolicyError
from atbalsts.policy import DecisionKind, Facts, Finding, Obligation, Params, rule

from .fixtures import (
    AS_OF,
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
NOTICE_DAYS = "lv.absence.board_notice_days"


def _rule(rule_id: str, kind: DecisionKind, function: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("reads", ("unjustified_lessons",))
    return rule(rule_id, kind=kind, legal_basis=FIXTURE_RULES, **kwargs)(function)


def _decide(*rules: Any, lessons: int = 30, name: str = "aa") -> Any:
    plugin = FixturePlugin(name, rules=list(rules))
    return registry(plugin).evaluate(make_case(unjustified_lessons=lessons), AS_OF)


# -- 2. a rule cannot end the host process ------------------------------------------------------


def test_a_rule_calling_sys_exit_does_not_end_the_host_process() -> None:
    def leave(f: Facts, p: Params) -> None:
        sys.exit(3)

    decision = _decide(_rule("aa.risk.leave", DecisionKind.RISK_FINDING, leave))
    assert not decision.complete
    assert [(f.rule, f.stage) for f in decision.failures] == [("aa.risk.leave", "evaluate")]
    assert "SystemExit" in decision.failures[0].error
    assert len(obligations(decision, BOARD)) == 1


def test_keyboard_interrupt_still_stops_the_host() -> None:
    def stop(f: Facts, p: Params) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _decide(_rule("aa.risk.stop", DecisionKind.RISK_FINDING, stop))


def test_strict_mode_raises_a_policy_error_for_sys_exit() -> None:
    def leave(f: Facts, p: Params) -> None:
        sys.exit(3)

    plugin = FixturePlugin("aa", rules=[_rule("aa.risk.leave", DecisionKind.RISK_FINDING, leave)])
    with pytest.raises(PolicyError, match=r"aa\.risk\.leave"):
        registry(plugin).evaluate(make_case(unjustified_lessons=30), AS_OF, strict=True)


# -- 3. isolation has no holes ------------------------------------------------------------------


def test_an_absurd_deadline_is_a_failure_not_an_overflow() -> None:
    def far(f: Facts, p: Params) -> Obligation:
        return Obligation(
            BOARD, ("class_teacher",), ("municipal_education_board",), "days", days=10_000_000
        )

    decision = _decide(_rule("aa.absence.far", DecisionKind.OBLIGATION, far))
    assert not decision.complete
    assert [f.rule for f in decision.failures] == ["aa.absence.far"]
    assert len(obligations(decision, BOARD)) == 1  # the national duty stands


def test_an_exception_whose_str_raises_is_still_isolated() -> None:
    class Nasty(Exception):
        def __str__(self) -> str:
            raise RuntimeError("cannot describe myself")

    def nasty(f: Facts, p: Params) -> None:
        raise Nasty

    decision = _decide(_rule("aa.risk.nasty", DecisionKind.RISK_FINDING, nasty))
    assert not decision.complete
    assert decision.failures[0].rule == "aa.risk.nasty"
    assert "Nasty" in decision.failures[0].error


def test_a_failure_message_is_truncated() -> None:
    def loud(f: Facts, p: Params) -> None:
        raise ValueError("x" * 100_000)

    decision = _decide(_rule("aa.risk.loud", DecisionKind.RISK_FINDING, loud))
    assert len(decision.failures[0].error) <= 500


def test_a_rule_returning_thousands_of_outcomes_is_refused() -> None:
    def flood(f: Facts, p: Params) -> list[Finding]:
        return [Finding("unjustified_absences") for _ in range(100_000)]

    decision = _decide(_rule("aa.risk.flood", DecisionKind.RISK_FINDING, flood))
    assert not decision.complete
    assert decision.failures[0].rule == "aa.risk.flood"


# -- 4. a parameter cannot break the floor by value ----------------------------------------------


def test_a_negative_notice_period_is_refused_naming_the_plugin() -> None:
    params = parameters("aa", {"id": NOTICE_DAYS, "values": [value(date(2020, 9, 1), -30)]})
    plugin = FixturePlugin("aa", params=params)
    with pytest.raises(PolicyError, match=r"aa") as raised:
        registry(plugin).policy_set(plugins=["aa"])
    assert NOTICE_DAYS in str(raised.value)


def test_a_stricter_limit_in_range_is_still_accepted() -> None:
    params = parameters("aa", {"id": LESSONS_LIMIT, "values": [value(date(2020, 9, 1), 12)]})
    reg = registry(FixturePlugin("aa", params=params))
    decision = reg.policy_set(plugins=["aa"]).evaluate(make_case(unjustified_lessons=14), AS_OF)
    assert len(obligations(decision, BOARD)) == 1


# -- 5. frozen is frozen: the floor decides on untouched facts ------------------------------------


def test_object_setattr_on_the_facts_does_not_remove_the_board_notice() -> None:
    def sneak(f: Facts, p: Params) -> None:
        object.__setattr__(f, "unjustified_lessons", 0)

    decision = _decide(_rule("aa.risk.sneak", DecisionKind.RISK_FINDING, sneak))
    assert len(obligations(decision, BOARD)) == 1
    assert not decision.complete
    assert "aa.risk.sneak" in [f.rule for f in decision.failures]


def test_a_later_rule_changing_the_facts_is_named_too() -> None:
    def sneak(f: Facts, p: Params) -> None:
        object.__setattr__(f, "unjustified_lessons", 0)

    # "zz" sorts after "lv": the national rules may already have run
    decision = _decide(_rule("zz.plan.sneak", DecisionKind.PLAN_CHECK, sneak), name="zz")
    assert len(obligations(decision, BOARD)) == 1
    assert not decision.complete
    assert "zz.plan.sneak" in [f.rule for f in decision.failures]


# -- 6. protected facts as risk evidence are refused when the set is built ------------------------


def test_a_risk_rule_reading_a_protected_fact_is_refused_at_build_time() -> None:
    def by_language(f: Facts, p: Params) -> Finding | None:
        return Finding("unjustified_absences") if "ru" in f.languages else None

    plugin = FixturePlugin(
        "aa",
        rules=[_rule("aa.risk.lang", DecisionKind.RISK_FINDING, by_language, reads=("languages",))],
    )
    with pytest.raises(PolicyConflict, match=r"aa\.risk\.lang") as raised:
        registry(plugin).policy_set(plugins=["aa"])
    assert "languages" in str(raised.value)


# -- smaller findings -----------------------------------------------------------------------------


def test_a_returned_dict_is_reported_as_a_dict() -> None:
    def as_dict(f: Facts, p: Params) -> dict[str, str]:
        return {"factor": "unjustified_absences"}

    decision = _decide(_rule("aa.risk.dict", DecisionKind.RISK_FINDING, as_dict))
    assert "returned dict" in decision.failures[0].error


def test_an_unknown_name_of_ten_megabytes_is_not_echoed_whole() -> None:
    from atbalsts.codes import MEASURES
    from atbalsts.errors import UnknownNameError

    with pytest.raises(UnknownNameError) as raised:
        MEASURES["x" * 10_000_000]
    # The name cut short, then the names known (a code list whole: at most 720 characters).
    assert len(str(raised.value)) < 900
    assert "10,000,002 characters" in str(raised.value)
