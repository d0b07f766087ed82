"""One hit policy per decision kind: obligations keep the strictest deadline, measure eligibility
is deny-wins with every reason kept (verdicts on measures asked for, suggestions apart), referrals
keep the most urgent, the highest tier and the earliest review date win, findings collect one per
factor and plan issues collect."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

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
    ReviewBy,
    Rule,
    Tier,
    Verdict,
    rule,
)

from .fixtures import (
    AS_OF,
    BAUSKA_RULES,
    CESIS_RULES,
    FIXTURE_RULES,
    FixturePlugin,
    make_case,
    obligations,
    registry,
)


def returning(rule_id: str, kind: DecisionKind, *outcomes: Any, basis: Any = FIXTURE_RULES) -> Rule:
    """A rule that always returns ``outcomes`` (a measure-eligibility rule declares the
    measures of its verdicts)."""
    measures = {o.measure for o in outcomes} if kind is DecisionKind.MEASURE_ELIGIBILITY else None

    @rule(rule_id, kind=kind, legal_basis=basis, measures=measures)
    def always(f: Facts, p: Params) -> Iterator[Any]:
        yield from outcomes

    return always


def decide(*rules: Rule, case: Any = None, measures: tuple[str, ...] = ()) -> Any:
    reg = registry(FixturePlugin("fx", rules=rules))
    return reg.evaluate(case if case is not None else make_case(), AS_OF, measures=measures)


OBLIGATION = DecisionKind.OBLIGATION
MEASURE = DecisionKind.MEASURE_ELIGIBILITY


# --- obligations ---


def test_the_same_obligation_keeps_the_earliest_due_date_and_every_rule() -> None:
    loose = returning(
        "fx.absence.a_loose",
        OBLIGATION,
        Obligation("fx:notify", ("class_teacher",), ("social_service", "parent"), "days", days=10),
        basis=BAUSKA_RULES,
    )
    strict = returning(
        "fx.absence.z_strict",
        OBLIGATION,
        Obligation(
            "fx:notify", ("social_pedagogue",), ("parent", "social_service"), "days", days=2
        ),
        basis=CESIS_RULES,
    )
    dated = returning(
        "fx.absence.m_dated",
        OBLIGATION,
        Obligation(
            "fx:notify",
            ("class_teacher", "school_director"),
            ("parent", "social_service"),
            "date",
            due=AS_OF + timedelta(days=5),
        ),
    )
    (notify,) = obligations(decide(loose, strict, dated), "fx:notify")

    # Counted from the observation of Friday 28 February: 2 days land on Sunday 2 March, so Monday
    # 3 March; 10 days land on Monday 10 March, in the spring holidays, so Monday 17 March; the
    # dated rule says Saturday 8 March.
    assert notify.due == date(2025, 3, 3)
    assert notify.deadline == "calendar_days"
    assert notify.rules == ("fx.absence.z_strict", "fx.absence.m_dated", "fx.absence.a_loose")
    assert notify.responsible_roles == ("class_teacher", "school_director", "social_pedagogue")
    assert notify.recipients == ("parent", "social_service")
    assert notify.legal_basis == CESIS_RULES


def test_same_day_beats_a_deadline_in_days() -> None:
    later = returning(
        "fx.absence.a_later",
        OBLIGATION,
        Obligation("fx:notify", ("class_teacher",), ("parent",), "days", days=1),
    )
    today = returning(
        "fx.absence.b_today",
        OBLIGATION,
        Obligation("fx:notify", ("class_teacher",), ("parent",), "same_school_day"),
    )
    (notify,) = obligations(decide(later, today), "fx:notify")
    # Both arise on the day of the observation, Friday 28 February, a school day: the same-school-
    # day duty is due that day, the 1-day one on Monday 3 March (Saturday 1 March is no school day).
    assert (notify.due, notify.deadline) == (date(2025, 2, 28), "same_school_day")
    assert notify.rules == ("fx.absence.b_today", "fx.absence.a_later")


def test_obligations_to_other_recipients_or_actions_stay_apart() -> None:
    rules = returning(
        "fx.absence.many",
        OBLIGATION,
        Obligation("fx:notify", ("class_teacher",), ("parent",), "days", days=1),
        Obligation("fx:notify", ("class_teacher",), ("social_service",), "days", days=1),
        Obligation("fx:other", ("class_teacher",), ("parent",), "days", days=1),
    )
    decision = decide(rules)
    assert sorted(o.recipients for o in obligations(decision, "fx:notify")) == [
        ("parent",),
        ("social_service",),
    ]
    assert len(obligations(decision, "fx:other")) == 1


# --- measure eligibility ---


def test_deny_wins_and_every_reason_is_kept_denials_first() -> None:
    allow_a = returning("fx.measure.a_allow", MEASURE, Allow("librarian_support", "fx:ok"))
    deny_m = returning(
        "fx.measure.m_deny", MEASURE, Deny("librarian_support", "fx:no_budget", limit=3)
    )
    allow_z = returning("fx.measure.z_allow", MEASURE, Allow("librarian_support", "fx:fine"))
    deny_b = returning("fx.measure.b_deny", MEASURE, Deny("librarian_support", "fx:no_staff"))
    only_allowed = returning("fx.measure.other", MEASURE, Allow("mentor_support", "fx:ok"))

    decision = decide(
        allow_a,
        deny_m,
        allow_z,
        deny_b,
        only_allowed,
        measures=("librarian_support", "mentor_support"),
    )
    by_measure = {v.measure: v for v in decision.measures}

    librarian = by_measure["librarian_support"]
    assert librarian.eligible is False
    assert [(r.rule, r.eligible, r.reason) for r in librarian.reasons] == [
        ("fx.measure.b_deny", False, "fx:no_staff"),
        ("fx.measure.m_deny", False, "fx:no_budget"),
        ("fx.measure.a_allow", True, "fx:ok"),
        ("fx.measure.z_allow", True, "fx:fine"),
    ]
    assert librarian.reasons[1].detail == {"limit": 3}
    assert librarian.reasons[0].legal_basis == FIXTURE_RULES
    assert by_measure["mentor_support"].eligible is True


def test_a_single_allow_is_eligible() -> None:
    allow = returning("fx.measure.a", MEASURE, Allow("librarian_support", "fx:ok"))
    (verdict,) = decide(allow, measures=("librarian_support",)).measures
    assert verdict.eligible is True
    assert verdict.reasons[0].plugin == "fx"


def test_a_measure_nobody_asked_for_is_a_suggestion_only_when_eligible() -> None:
    allow = returning("fx.measure.a", MEASURE, Allow("librarian_support", "fx:ok"))
    deny = returning("fx.measure.b", MEASURE, Deny("mentor_support", "fx:no_budget"))
    decision = decide(allow, deny)
    assert decision.measures == ()
    assert [(v.measure, v.eligible) for v in decision.suggestions] == [("librarian_support", True)]
    asked = decide(allow, deny, measures=("mentor_support",))
    assert [(v.measure, v.eligible) for v in asked.measures] == [("mentor_support", False)]
    assert [v.measure for v in asked.suggestions] == ["librarian_support"]


def test_a_denied_planned_measure_is_a_plan_issue_at_its_path() -> None:
    deny = returning(
        "fx.measure.deny",
        MEASURE,
        Deny("librarian_support", "fx:no_budget", limit=3),
        Allow("subject_consultation", "fx:ok"),
    )
    case = make_case(plan_measures=("subject_consultation", "librarian_support"))
    decision = decide(deny, case=case)

    mine = [i for i in decision.plan_issues if i.rule == "fx.measure.deny"]
    assert len(mine) == 1
    (issue,) = mine
    assert issue.reason == "fx:no_budget"
    assert issue.path == "measures[1].measure"
    assert issue.plan_id == "plan-1"
    assert issue.detail == {"measure": "librarian_support", "limit": 3}
    assert issue.legal_basis == FIXTURE_RULES


def test_a_measure_denied_but_not_planned_is_no_plan_issue() -> None:
    deny = returning("fx.measure.deny", MEASURE, Deny("librarian_support", "fx:no_budget"))
    case = make_case(plan_measures=("subject_consultation",))
    decision = decide(deny, case=case, measures=("librarian_support",))
    assert [v.eligible for v in decision.measures if v.measure == "librarian_support"] == [False]
    assert not [i for i in decision.plan_issues if i.rule == "fx.measure.deny"]
    unasked = decide(deny, case=case)
    assert "librarian_support" not in {v.measure for v in unasked.measures + unasked.suggestions}


def test_every_denial_of_a_planned_measure_is_an_issue() -> None:
    first = returning("fx.measure.a", MEASURE, Deny("librarian_support", "fx:no_budget"))
    second = returning("fx.measure.b", MEASURE, Deny("librarian_support", "fx:no_staff"))
    allow = returning("fx.measure.c", MEASURE, Allow("librarian_support", "fx:ok"))
    case = make_case(plan_measures=("librarian_support",))
    issues = [
        (i.rule, i.reason, i.path)
        for i in decide(first, second, allow, case=case).plan_issues
        if i.rule.startswith("fx.")
    ]
    assert issues == [
        ("fx.measure.a", "fx:no_budget", "measures[0].measure"),
        ("fx.measure.b", "fx:no_staff", "measures[0].measure"),
    ]


# --- referrals ---


def test_referrals_to_one_institution_keep_the_most_urgent() -> None:
    routine = returning(
        "fx.referral.a_routine",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:routine", "routine", due=date(2025, 3, 20)),
    )
    urgent = returning(
        "fx.referral.z_urgent",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:urgent", "urgent", due=date(2025, 3, 10)),
        basis=CESIS_RULES,
    )
    other = returning(
        "fx.referral.m_other",
        DecisionKind.REFERRAL,
        Refer("orphans_court", "fx:other", "same_day"),
    )
    decision = decide(routine, urgent, other)
    by_to = {r.to: r for r in decision.referrals}

    group = by_to["cooperation_group"]
    assert group.urgency == "urgent"
    assert group.reason == "fx:urgent"
    assert group.rules == ("fx.referral.z_urgent", "fx.referral.a_routine")
    assert group.due == date(2025, 3, 10)
    assert group.legal_basis == CESIS_RULES
    assert by_to["orphans_court"].urgency == "same_day"
    assert [r.to for r in decision.referrals] == ["cooperation_group", "orphans_court"]


# --- tier, review, findings, plan issues ---


def test_the_highest_tier_wins() -> None:
    tiers = [
        returning(f"fx.tier.t{level}", DecisionKind.RISK_TIER, Tier(level)) for level in (2, 3, 1)
    ]
    assert decide(*tiers).tier == 3
    assert decide(tiers[2]).tier == 1
    assert decide().tier is None


def test_the_earliest_review_date_wins() -> None:
    late = returning("fx.review.a", DecisionKind.REVIEW_SCHEDULE, ReviewBy(date(2025, 6, 1)))
    early = returning("fx.review.z", DecisionKind.REVIEW_SCHEDULE, ReviewBy(date(2025, 4, 1)))
    middle = returning("fx.review.m", DecisionKind.REVIEW_SCHEDULE, ReviewBy(date(2025, 5, 1)))
    assert decide(late, early, middle).review_due == date(2025, 4, 1)


def test_findings_collect_one_per_factor() -> None:
    one = returning(
        "fx.risk.a", DecisionKind.RISK_FINDING, Finding("paid_work"), Finding("health_problems")
    )
    two = returning("fx.risk.b", DecisionKind.RISK_FINDING, Finding("paid_work", ("age",)))
    decision = decide(one, two, case=make_case(unjustified_lessons=25))

    assert [(f.factor, f.rules) for f in decision.findings] == [
        ("health_problems", ("fx.risk.a",)),
        ("paid_work", ("fx.risk.a", "fx.risk.b")),
        ("unjustified_absences", ("lv.risk.unjustified_absences",)),
    ]
    by_factor = {f.factor: f for f in decision.findings}
    assert by_factor["paid_work"].group == "economic"
    assert by_factor["paid_work"].rule == "fx.risk.a"
    assert by_factor["health_problems"].group == "social_environment_and_health"
    assert [(e.fact, e.value) for e in by_factor["paid_work"].evidence] == [("age", 13)]
    assert [s.rule for s in by_factor["paid_work"].sources] == ["fx.risk.a", "fx.risk.b"]


def test_findings_feed_the_risk_groups_other_kinds_read() -> None:
    finding = returning("fx.risk.a", DecisionKind.RISK_FINDING, Finding("paid_work"))

    @rule(
        "fx.referral.by_group",
        kind=DecisionKind.REFERRAL,
        legal_basis=FIXTURE_RULES,
        reads=("risk_groups",),
    )
    def by_group(f: Facts, p: Params) -> Refer | None:
        if "economic" in f.risk_groups:
            return Refer("social_service", "fx:economic")
        return None

    assert [r.reason for r in decide(finding, by_group).referrals] == ["fx:economic"]
    assert decide(by_group).referrals == ()


def test_plan_issues_collect() -> None:
    checks = returning(
        "fx.plan.a",
        DecisionKind.PLAN_CHECK,
        Issue.of("fx:first", "goals"),
        Issue.of("fx:second", "measures[0].hours", hours=0),
    )
    more = returning("fx.plan.b", DecisionKind.PLAN_CHECK, Issue.of("fx:first", "goals"))
    case = make_case(plan_measures=("subject_consultation",))
    issues = [
        (i.rule, i.reason, i.path, i.detail)
        for i in decide(checks, more, case=case).plan_issues
        if i.rule.startswith("fx.")
    ]
    assert issues == [
        ("fx.plan.a", "fx:first", "goals", {}),
        ("fx.plan.b", "fx:first", "goals", {}),
        ("fx.plan.a", "fx:second", "measures[0].hours", {"hours": 0}),
    ]
    assert not [i for i in decide(checks).plan_issues if i.rule.startswith("fx.")]


def test_every_decision_kind_has_a_hit_policy_test() -> None:
    # a guard: a new decision kind needs its hit policy tested above
    covered = {
        OBLIGATION,
        MEASURE,
        DecisionKind.REFERRAL,
        DecisionKind.RISK_TIER,
        DecisionKind.REVIEW_SCHEDULE,
        DecisionKind.RISK_FINDING,
        DecisionKind.PLAN_CHECK,
    }
    assert covered == set(DecisionKind)
    assert Verdict is type(Allow("librarian_support", "x"))


def test_a_referral_only_suggested_says_so_and_a_due_one_comes_first() -> None:
    suggested = returning(
        "fx.referral.a_may",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:other", "urgent", suggestion=True),
    )
    due = returning(
        "fx.referral.z_must",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:routine", "routine"),
    )
    alone = returning(
        "fx.referral.m_may",
        DecisionKind.REFERRAL,
        Refer("orphans_court", "fx:other", "same_day", suggestion=True),
    )
    decision = decide(suggested, due, alone)
    by_to = {r.to: r for r in decision.referrals}

    group = by_to["cooperation_group"]  # one rule makes it due: a referral due, not a suggestion
    assert group.suggestion is False
    assert group.reason == "fx:routine"
    assert group.urgency == "routine"
    assert group.rules == ("fx.referral.z_must", "fx.referral.a_may")
    assert [s.suggestion for s in group.sources] == [False, True]
    assert by_to["orphans_court"].suggestion is True
    assert by_to["orphans_court"].sources[0].suggestion is True


def test_a_suggestion_never_dates_a_referral_a_rule_makes_due() -> None:
    """The earliest due date of the rules that make it due, not of one that only suggests it;
    a referral only suggested takes the earliest of its suggestions."""
    suggested = returning(
        "fx.referral.a_may",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:other", due=date(2025, 3, 5), suggestion=True),
    )
    due = returning(
        "fx.referral.z_must",
        DecisionKind.REFERRAL,
        Refer("cooperation_group", "fx:routine", due=date(2025, 3, 20)),
    )
    (referral,) = decide(suggested, due).referrals
    assert (referral.suggestion, referral.due) == (False, date(2025, 3, 20))
    assert [s.due for s in referral.sources] == [date(2025, 3, 20), date(2025, 3, 5)]
    (alone,) = decide(suggested).referrals
    assert (alone.suggestion, alone.due) == (True, date(2025, 3, 5))


def _with_referrals(*referrals: dict[str, Any]) -> Any:
    case = make_case().model_dump(mode="json")
    base = {
        "learner_id": case["learner"]["id"],
        "referred_by": {"institution": "school", "role": "social_pedagogue"},
        "referred_to": {"institution": "cooperation_group"},
        "reason": "Synthetic.",
    }
    case["referrals"] = [{**base, **r} for r in referrals]
    return type(make_case()).model_validate(case)


def test_the_cases_open_referrals_to_the_recipient_are_named() -> None:
    refer = returning(
        "fx.referral.a", DecisionKind.REFERRAL, Refer("cooperation_group", "fx:reason", "routine")
    )
    day = AS_OF - timedelta(days=10)
    case = _with_referrals(
        {"id": "open", "created_on": day, "sent_on": day, "status": "in-progress"},
        {"id": "also-open", "created_on": day, "status": "requested"},
        {"id": "draft", "created_on": day, "status": "draft"},
        {"id": "done", "created_on": day, "sent_on": day, "status": "completed"},
        {"id": "declined", "created_on": day, "sent_on": day, "status": "rejected"},
        {"id": "cancelled", "created_on": day, "status": "cancelled"},
        {"id": "later", "created_on": AS_OF + timedelta(days=1), "status": "requested"},
        {
            "id": "answered",
            "created_on": day,
            "sent_on": day,
            "status": "in-progress",
            "outcome_on": AS_OF,
        },
        {
            "id": "answered-later",
            "created_on": day,
            "sent_on": day,
            "status": "in-progress",
            "outcome_on": AS_OF + timedelta(days=2),
        },
        {
            "id": "elsewhere",
            "created_on": day,
            "status": "requested",
            "referred_to": {"institution": "orphans_court"},
        },
    )
    (referral,) = decide(refer, case=case).referrals
    assert referral.open_referrals == ("open", "also-open", "answered-later")
    assert decide(refer).referrals[0].open_referrals == ()
