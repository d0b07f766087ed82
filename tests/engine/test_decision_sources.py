"""What the Decision keeps of the rules behind each outcome (issue 10, items 4, 5, 6, 10, 11 and
the notes): every contributing rule with its legal basis and the parameter values it used, the
values a rule computed, verdicts only on measures asked for, one finding per factor, notes that say
when a decision rests on no municipal policy or no data, and failures with a structured cause."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts import UnknownNameError
from atbalsts.engine import derive_facts
from atbalsts.model import Decision, Failure, FundedSupport, SupportCase
from atbalsts.policy import (
    Allow,
    DecisionKind,
    Facts,
    Finding,
    Issue,
    Obligation,
    Params,
    Refer,
    Rule,
    Verdict,
    baseline,
    rule,
)
from atbalsts.testing import strategies as ats
from atbalsts.testing.conformance._run import _failure_problem

from .fixtures import (
    AS_OF,
    BAUSKA_RULES,
    BAUSKA_VALUES,
    FIXTURE_RULES,
    INFORM_BOARD,
    LESSONS_LIMIT,
    FixturePlugin,
    make_case,
    obligations,
    parameters,
    registry,
    trace_row,
    value,
)

BOARD = "inform_municipal_education_board"
NOTICE = baseline.BOARD_NOTICE_DAYS
OBLIGATION = DecisionKind.OBLIGATION


def report_board(plugin: str, days: int = 5, **detail: Any) -> Rule:
    """A municipal rule that imposes the same obligation as the mandatory national one."""

    @rule(
        f"{plugin}.absence.report_board",
        kind=OBLIGATION,
        legal_basis=BAUSKA_RULES,
        reads=("unjustified_lessons",),
        params=(LESSONS_LIMIT,),
        valid_from=baseline.MK89_FROM,
    )
    def report(f: Facts, p: Params) -> Obligation | None:
        if f.unjustified_lessons > p.integer(LESSONS_LIMIT):
            return Obligation(
                BOARD,
                ("class_teacher",),
                ("municipal_education_board",),
                "days",
                days=days,
                detail=detail,
            )
        return None

    return report


def municipal(name: str, *rules: Rule, **kwargs: Any) -> Decision:
    reg = registry(FixturePlugin(name, municipality=name, rules=rules, **kwargs))
    return reg.evaluate(make_case(municipality=name, unjustified_lessons=25), AS_OF)


def national_notice_basis(decision: Decision) -> Any:
    (notice,) = [p for p in trace_row(decision, INFORM_BOARD).parameters if p.id == NOTICE]
    return notice.reference


# --- item 4: a merged obligation keeps every source -----------------------------------------------


@pytest.mark.parametrize("name", ["aa", "bauska", "lw", "zz"])
def test_a_merged_obligation_keeps_the_national_basis_whatever_the_plugin_is_called(
    name: str,
) -> None:
    decision = municipal(name, report_board(name))
    (board,) = obligations(decision, BOARD)
    national = trace_row(decision, INFORM_BOARD).legal_basis

    assert board.rules == (INFORM_BOARD, f"{name}.absence.report_board")
    assert board.legal_basis == national
    assert board.deadline_basis == national_notice_basis(decision)
    assert board.deadline_basis is not None
    assert board.deadline_basis.kind.value == "methodological_default"
    assert [(s.rule, s.plugin, s.mandatory, s.legal_basis) for s in board.sources] == [
        (INFORM_BOARD, "lv", True, national),
        (f"{name}.absence.report_board", name, False, BAUSKA_RULES),
    ]
    # Both count 5 calendar days from the observation of Friday 28 February: Wednesday 5 March.
    assert [s.due for s in board.sources] == [date(2025, 3, 5)] * 2
    assert board.responsible_roles == ("class_teacher", "social_pedagogue")


def test_a_stricter_municipal_deadline_sets_the_date_and_the_national_sources_stay() -> None:
    decision = municipal("bauska", report_board("bauska", days=2))
    (board,) = obligations(decision, BOARD)

    # 2 calendar days from the observation of Friday 28 February land on Sunday 2 March: Monday 3
    # March; the national 5 days give Wednesday 5 March.
    assert board.due == date(2025, 3, 3)
    assert board.rules == ("bauska.absence.report_board", INFORM_BOARD)
    assert board.legal_basis == trace_row(decision, INFORM_BOARD).legal_basis  # the mandatory one
    assert board.deadline_basis is None  # the municipal rule set its days itself
    national = board.sources[1]
    assert (national.rule, national.due) == (INFORM_BOARD, date(2025, 3, 5))
    assert national.deadline_basis == national_notice_basis(decision)


# --- item 5: every outcome carries the parameter values it used ----------------------------------

STRICTER_LIMIT = parameters(
    "bauska", {"id": LESSONS_LIMIT, "values": [value(date(2020, 1, 1), 12, BAUSKA_VALUES)]}
)


@rule(
    "bauska.risk.absences",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=BAUSKA_RULES,
    reads=("unjustified_lessons",),
    params=(LESSONS_LIMIT,),
    valid_from=baseline.MK89_FROM,
)
def absences(f: Facts, p: Params) -> Finding | None:
    if f.unjustified_lessons > p.integer(LESSONS_LIMIT):
        return Finding("lack_of_motivation", ("unjustified_lessons",))
    return None


@rule(
    "bauska.measure.literacy",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=BAUSKA_RULES,
    params=(LESSONS_LIMIT,),
    valid_from=baseline.MK89_FROM,
    measures=("librarian_support",),
)
def literacy(f: Facts, p: Params) -> Verdict:
    return Allow("librarian_support", "bauska:ok", limit=p.integer(LESSONS_LIMIT))


@rule(
    "bauska.plan.check",
    kind=DecisionKind.PLAN_CHECK,
    legal_basis=BAUSKA_RULES,
    params=(LESSONS_LIMIT,),
    valid_from=baseline.MK89_FROM,
)
def plan_check(f: Facts, p: Params) -> Issue:
    return Issue.of("bauska:check", "goals")


def test_every_outcome_lists_the_parameter_values_its_rules_used_and_what_they_replace() -> None:
    reg = registry(
        FixturePlugin(
            "bauska",
            municipality="bauska",
            rules=[absences, literacy, plan_check],
            params=STRICTER_LIMIT,
        )
    )
    case = make_case(unjustified_lessons=14, plan_measures=("librarian_support",))
    decision = reg.evaluate(case, AS_OF)
    (national_limit,) = [
        p
        for p in trace_row(NATIONAL.evaluate(case, AS_OF), INFORM_BOARD).parameters
        if p.id == LESSONS_LIMIT
    ]
    assert (national_limit.value, national_limit.plugin, national_limit.replaces) == (
        20,
        "lv",
        None,
    )

    def limit(params: Any) -> Any:
        (found,) = [p for p in params if p.id == LESSONS_LIMIT]
        assert (found.value, found.plugin, found.reference) == (12, "bauska", BAUSKA_VALUES)
        assert found.replaces is not None
        replaced = found.replaces
        assert (replaced.value, replaced.plugin) == (20, "lv")
        assert replaced.reference == national_limit.reference
        return found

    (board,) = obligations(decision, BOARD)  # 14 lessons: over Bauska's 12, not the national 20
    limit(board.sources[0].parameters)
    (notice,) = [p for p in board.sources[0].parameters if p.id == NOTICE]
    assert notice.replaces is None  # the national value is in force
    (referral,) = [r for r in decision.referrals if r.to == "social_service"]
    limit(referral.sources[0].parameters)
    (finding,) = [f for f in decision.findings if f.factor == "lack_of_motivation"]
    limit(finding.sources[0].parameters)
    (verdict,) = decision.measures
    limit(verdict.reasons[0].parameters)
    assert verdict.reasons[0].plugin == "bauska"
    (issue,) = [i for i in decision.plan_issues if i.rule == "bauska.plan.check"]
    limit(issue.parameters)
    assert issue.plugin == "bauska"


# --- item 6: an outcome carries the values its rule computed --------------------------------------


@rule(
    "bauska.risk.counted",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=BAUSKA_RULES,
    reads=("unjustified_lessons", "absence_episodes"),
)
def counted(f: Facts, p: Params) -> Finding:
    return Finding(
        "unjustified_absences",
        ("unjustified_lessons",),
        detail={"bauska_unjustified_lessons": f.unjustified_lessons + 6, "note_days_beyond": 1},
    )


def test_a_findings_evidence_shows_the_values_its_rule_computed_beside_the_facts() -> None:
    decision = municipal("bauska", counted)
    (finding,) = [f for f in decision.findings if f.factor == "unjustified_absences"]
    assert [(e.fact, e.value) for e in finding.evidence] == [
        ("unjustified_lessons", 25),
        ("bauska_unjustified_lessons", 31),
        ("note_days_beyond", 1),
    ]
    by_rule = {s.rule: s for s in finding.sources}
    assert by_rule["bauska.risk.counted"].detail == {
        "bauska_unjustified_lessons": 31,
        "note_days_beyond": 1,
    }
    assert by_rule["lv.risk.unjustified_absences"].detail == {}


def test_an_obligation_source_shows_the_values_its_rule_computed() -> None:
    decision = municipal("bauska", report_board("bauska", counted_lessons=31))
    (board,) = obligations(decision, BOARD)
    assert [(s.rule, s.detail) for s in board.sources] == [
        (INFORM_BOARD, {}),
        ("bauska.absence.report_board", {"counted_lessons": 31}),
    ]


def test_a_computed_value_named_like_a_fact_is_refused_naming_the_field() -> None:
    @rule("bauska.risk.clash", kind=DecisionKind.RISK_FINDING, legal_basis=BAUSKA_RULES)
    def clash(f: Facts, p: Params) -> Finding:
        return Finding("unjustified_absences", detail={"unjustified_lessons": 31})

    decision = municipal("bauska", clash)
    (failure,) = decision.failures
    assert (failure.rule, failure.stage, failure.cause) == (
        "bauska.risk.clash",
        "result",
        "malformed",
    )
    assert "detail names the fact 'unjustified_lessons'" in failure.error
    assert "31" not in failure.error


def test_a_refer_carries_detail_too() -> None:
    @rule("bauska.referral.x", kind=DecisionKind.REFERRAL, legal_basis=BAUSKA_RULES)
    def refer(f: Facts, p: Params) -> Refer:
        return Refer("social_service", "bauska:reason", detail={"weeks": 3})

    decision = municipal("bauska", refer)
    (social,) = [r for r in decision.referrals if r.to == "social_service"]
    assert {s.rule: s.detail for s in social.sources}["bauska.referral.x"] == {"weeks": 3}


# --- item 11: one finding per factor --------------------------------------------------------------


@pytest.mark.parametrize("name", ["aa", "zz"])
def test_a_factor_found_by_two_rules_is_one_finding_with_both(name: str) -> None:
    @rule(
        f"{name}.risk.also",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=FIXTURE_RULES,
        reads=("unjustified_lessons", "absence_rate"),
    )
    def also(f: Facts, p: Params) -> Finding:
        return Finding("unjustified_absences", ("absence_rate", "unjustified_lessons"))

    decision = municipal(name, also)
    (finding,) = decision.findings
    assert finding.rules == ("lv.risk.unjustified_absences", f"{name}.risk.also")
    assert finding.rule == "lv.risk.unjustified_absences"
    assert [e.fact for e in finding.evidence] == ["unjustified_lessons", "absence_rate"]
    assert [s.legal_basis for s in finding.sources][1] == FIXTURE_RULES


# --- item 10: verdicts on measures asked for, suggestions apart, funders compared ----------------


def test_the_caller_lists_measures_and_an_unknown_one_is_refused() -> None:
    allow = Allow("librarian_support", "fx:ok")

    @rule(
        "fx.measure.a",
        kind=DecisionKind.MEASURE_ELIGIBILITY,
        legal_basis=FIXTURE_RULES,
        measures=("librarian_support",),
    )
    def a(f: Facts, p: Params) -> Iterator[Verdict]:
        yield allow

    reg = registry(FixturePlugin("fx", rules=[a]))
    ps = reg.policy_set(None)
    decision = ps.evaluate(make_case(), AS_OF, measures=["librarian_support", "mentor_support"])
    assert [v.measure for v in decision.measures] == ["librarian_support"]
    assert decision.suggestions == ()
    notes = [(n.code, n.detail) for n in decision.notes]
    assert ("measure_not_decided", {"measure": "mentor_support"}) in notes
    with pytest.raises(UnknownNameError, match="unknown measure 'no_such_measure'"):
        ps.evaluate(make_case(), AS_OF, measures=["no_such_measure"])


def _funded(case: SupportCase, *records: FundedSupport) -> SupportCase:
    return case.model_copy(update={"funded_elsewhere": records})


def test_funding_elsewhere_does_not_count_the_plan_lines_own_funder() -> None:
    case = make_case(plan_measures=("meals_compensation", "transport_compensation"))  # municipal
    own = FundedSupport(measure="meals_compensation", funder="municipality")
    state = FundedSupport(measure="transport_compensation", funder="state")
    ended = FundedSupport(measure="meals_compensation", funder="state", until=AS_OF - timedelta(1))
    assert derive_facts(_funded(case, own), AS_OF).funded_elsewhere == frozenset()
    assert derive_facts(_funded(case, state), AS_OF).funded_elsewhere == {"transport_compensation"}
    assert derive_facts(_funded(case, ended), AS_OF).funded_elsewhere == frozenset()
    no_plan = make_case()
    assert derive_facts(_funded(no_plan, own), AS_OF).funded_elsewhere == {"meals_compensation"}


# --- notes ----------------------------------------------------------------------------------------


def codes_of(decision: Decision) -> list[str]:
    return [str(n.code) for n in decision.notes]


def test_a_municipality_without_a_policy_is_noted_with_the_closest_known_one() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska"))
    misspelt = reg.evaluate(make_case(municipality="bauksa"), AS_OF)
    assert misspelt.complete
    (note,) = misspelt.notes
    assert (note.code, note.detail) == (
        "no_municipal_policy",
        {"municipality": "bauksa", "closest": "bauska"},
    )
    far = reg.evaluate(make_case(municipality="ventspils"), AS_OF)
    assert [(n.code, n.detail) for n in far.notes] == [
        ("no_municipal_policy", {"municipality": "ventspils"})
    ]
    assert codes_of(reg.evaluate(make_case(municipality="bauska"), AS_OF)) == []
    assert codes_of(reg.policy_set(None).evaluate(make_case(), AS_OF)) == []


def test_a_municipal_policy_not_yet_in_force_is_noted() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", valid_from=date(2026, 1, 1)))
    assert codes_of(reg.evaluate(make_case(), AS_OF)) == ["no_municipal_policy"]
    later = make_case(observed_on=date(2026, 2, 2))
    assert codes_of(reg.evaluate(later, date(2026, 2, 2))) == []


def test_a_date_before_every_observation_is_noted() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska"))
    case = make_case(unjustified_lessons=25, observed_on=date(2025, 3, 10))
    before = reg.evaluate(case, AS_OF)
    assert codes_of(before) == ["no_observation_on_date"]
    assert before.findings == ()
    assert codes_of(reg.evaluate(case, date(2025, 3, 10))) == []


# --- failures carry a cause -----------------------------------------------------------------------


def _failing(kind: DecisionKind, body: Any) -> Rule:
    @rule("fx.any.bad", kind=kind, legal_basis=FIXTURE_RULES)
    def bad(f: Facts, p: Params) -> Any:
        return body(f)

    return bad


def _raise(f: Facts) -> Any:
    raise ValueError("boom")


def _tamper(f: Facts) -> None:
    object.__setattr__(f, "unjustified_lessons", 99)


CAUSES: dict[str, tuple[DecisionKind, Any, str]] = {
    "exception": (OBLIGATION, _raise, "evaluate"),
    "wrong_type": (OBLIGATION, lambda f: Finding("paid_work"), "result"),
    "malformed": (OBLIGATION, lambda f: Obligation("inform_parents", (), days=-1), "result"),
    "unknown_code": (OBLIGATION, lambda f: Obligation("no_such_action", ()), "result"),
    "too_many": (DecisionKind.RISK_FINDING, lambda f: [Finding("paid_work")] * 1001, "result"),
    "facts_changed": (OBLIGATION, _tamper, "evaluate"),
}


@pytest.mark.parametrize("cause", sorted(CAUSES))
def test_a_failure_says_its_cause(cause: str) -> None:
    kind, body, stage = CAUSES[cause]
    reg = registry(FixturePlugin("fx", rules=[_failing(kind, body)]))
    decision = reg.evaluate(make_case(), AS_OF)
    (failure,) = decision.failures
    assert (failure.rule, failure.stage, failure.cause) == ("fx.any.bad", stage, cause)


def test_a_date_the_baseline_does_not_cover_is_a_not_covered_failure() -> None:
    reg = registry()
    start = reg.policy("lv").valid_from
    decision = reg.evaluate(make_case(), start - timedelta(days=1))
    assert [(f.plugin, f.cause) for f in decision.failures] == [("lv", "not_covered")]


def test_conformance_reads_the_cause_not_the_message() -> None:
    unknown = Failure(plugin="fx", rule="fx.a", stage="result", error="x", cause="unknown_code")
    assert _failure_problem(unknown, "fx")[0] == "codes"
    # a message that merely looks like an unknown code is not one
    looks = Failure(
        plugin="fx", rule="fx.a", stage="result", error="an unknown roles code", cause="malformed"
    )
    assert _failure_problem(looks, "fx")[0] == "crash"


# --- invariants, for any generated case -----------------------------------------------------------

NATIONAL = registry().policy_set(None)


@settings(max_examples=60, deadline=None)
@given(case=ats.support_cases(), on=st.dates(date(2017, 3, 1), date(2029, 8, 31)))
def test_outcomes_list_their_sources_and_measures_are_asked_for(
    case: SupportCase, on: date
) -> None:
    decision = NATIONAL.evaluate(case, on)
    fired = {row.rule for row in decision.trace if row.fired}
    factors = [f.factor for f in decision.findings]
    assert len(factors) == len(set(factors)), "one finding per factor"
    for f in decision.findings:
        assert f.rules
        assert f.rule == f.rules[0]
        assert tuple(dict.fromkeys(s.rule for s in f.sources)) == f.rules
        assert set(f.rules) <= fired
    for o in decision.obligations:
        assert tuple(dict.fromkeys(s.rule for s in o.sources)) == o.rules
        assert o.due == min(s.due for s in o.sources)
        mandatory = [s for s in o.sources if s.mandatory]
        if mandatory:
            assert o.legal_basis == mandatory[0].legal_basis
    for r in decision.referrals:
        assert tuple(dict.fromkeys(s.rule for s in r.sources)) == r.rules
    plan = case.plan_on(on)
    asked = {m.measure for m in plan.measures} if plan is not None else set()
    assert {v.measure for v in decision.measures} <= asked
    assert all(v.eligible and v.measure not in asked for v in decision.suggestions)
