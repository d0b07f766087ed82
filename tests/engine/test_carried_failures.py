"""The duties of the term before are evaluated on its last day with the rules a duty depends on:
one of those that fails then makes the decision incomplete; a rule of another kind is not run."""

from __future__ import annotations

from datetime import date

from atbalsts.policy import DecisionKind, Facts, Obligation, Params, Refer, rule

from .fixtures import FIXTURE_RULES, FixturePlugin, make_case, registry

TERM_END = date(2025, 12, 31)
JANUARY = date(2026, 1, 5)


@rule(
    "fx.carry.broken_duty",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=date(2020, 1, 1),
    valid_to=TERM_END,
)
def broken_duty(f: Facts, p: Params) -> Obligation:
    """In force until 31 December, and failing."""
    raise RuntimeError("synthetic failure")


@rule(
    "fx.carry.broken_referral",
    kind=DecisionKind.REFERRAL,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=date(2020, 1, 1),
    valid_to=TERM_END,
)
def broken_referral(f: Facts, p: Params) -> Refer:
    """In force until 31 December, and failing: no duty depends on it."""
    raise RuntimeError("synthetic failure")


def test_a_duty_rule_failing_on_the_terms_last_day_makes_the_decision_incomplete() -> None:
    reg = registry(FixturePlugin("fx", rules=[broken_duty]))
    december = make_case(observed_on=date(2025, 12, 18))
    decision = reg.evaluate(december, JANUARY)
    assert not decision.complete
    assert [(f.rule, f.stage) for f in decision.failures] == [("fx.carry.broken_duty", "evaluate")]
    # the rule is not in force on the decision's date: its failure says when it failed
    assert decision.failures[0].error.startswith(
        "on 2025-12-31, for the duties of the term before: RuntimeError"
    )
    assert not any(f.rule for f in reg.evaluate(make_case(observed_on=JANUARY), JANUARY).failures)


def test_a_rule_no_duty_depends_on_is_not_run_on_the_terms_last_day() -> None:
    reg = registry(FixturePlugin("fx", rules=[broken_referral]))
    december = make_case(observed_on=date(2025, 12, 18))
    assert not reg.evaluate(december, TERM_END).complete
    assert reg.evaluate(december, JANUARY).complete


def test_a_stricter_limit_does_not_hide_the_national_notice_in_the_next_term() -> None:
    """A town's limit of 10 makes the board notice due on 16 December, within the term; the
    national limit of 20 makes it due on 5 January. Unanswered, the town's decision in January
    still lists it (overdue, with the town's dates): a stricter value never takes a national
    duty away (found by review: carrying only duties not yet due at the term's end let it)."""
    from datetime import timedelta

    from atbalsts.model import SupportCase

    from .fixtures import BAUSKA_VALUES, parameters, value

    limit = "lv.absence.unjustified_lessons_limit"
    town = FixturePlugin(
        "town",
        municipality="townm",
        params=parameters(
            "town", {"id": limit, "values": [value(date(2020, 1, 1), 10, BAUSKA_VALUES)]}
        ),
    )
    reg = registry(town)
    days = [
        {
            "on": (date(2025, 12, 8) + timedelta(days=i)).isoformat(),
            "lessons_scheduled": 6,
            "lessons_missed": 3,
            "justification": "reason_unknown",
        }
        for i in range(12)
        if (date(2025, 12, 8) + timedelta(days=i)).weekday() < 5
    ]
    case = SupportCase.model_validate(
        {
            "learner": {
                "id": "L-1",
                "birth_date": "2013-04-02",
                "enrolment": {
                    "school_id": "S",
                    "municipality": "townm",
                    "programme": "general_basic",
                    "grade": 6,
                },
            },
            "observations": [
                {
                    "term": {"school_year": "2025/2026", "semester": 1},
                    "as_of": "2025-12-19",
                    "attendance": {"lessons_missed_reason_unknown": 30, "days": days},
                }
            ],
        }
    )
    january = date(2026, 1, 7)

    def board(decision: object) -> list[tuple[date, date, str]]:
        return [
            (o.trigger, o.due, o.state)
            for o in decision.obligations  # type: ignore[attr-defined]
            if o.action == "inform_municipal_education_board"
        ]

    national = board(reg.policy_set(plugins=()).evaluate(case, january))
    local = board(reg.evaluate(case, january))
    assert national == [(date(2025, 12, 16), date(2026, 1, 5), "overdue")]
    assert local == [(date(2025, 12, 11), date(2025, 12, 16), "overdue")]


def test_a_threat_report_is_listed_once_when_its_recipients_changed_on_1_january() -> None:
    """The child-rights body named by the report changed on 1 January 2024 (VBTAI to the
    Children's Protection Centre): the report raised on 15 January and the one carried from
    31 December are the same duty, listed once, and a referral to the new body answers it
    (review: a carried copy to VBTAI stayed overdue for the whole term)."""
    from atbalsts import PolicyRegistry
    from atbalsts.model import SupportCase

    reg = PolicyRegistry.load(entry_points=False)
    data = make_case(
        observed_on=date(2023, 12, 15), municipality="bauska", grade=6, birth_date=date(2012, 5, 1)
    ).model_dump(mode="json")
    data["observations"][0]["suspected_threats"] = [
        {"kind": "violence", "observed_on": "2023-12-15", "recorded_by": "class_teacher"}
    ]
    reports = [
        o
        for o in reg.evaluate(SupportCase.model_validate(data), date(2024, 1, 15)).obligations
        if o.action == "report_threat"
    ]
    assert [o.trigger for o in reports] == [date(2023, 12, 15)]
    assert "childrens_protection_centre" in reports[0].recipients
    data["referrals"] = [
        {
            "id": "R1",
            "learner_id": data["learner"]["id"],
            "referred_by": {"institution": "school", "role": "social_pedagogue"},
            "referred_to": {"institution": "childrens_protection_centre"},
            "reason": "synthetic",
            "created_on": "2024-01-16",
            "sent_on": "2024-01-16",
            "status": "requested",
        }
    ]
    later = reg.evaluate(SupportCase.model_validate(data), date(2024, 1, 20))
    assert all(o.done_on is not None for o in later.obligations if o.action == "report_threat")


def test_a_same_day_contact_is_not_carried_whatever_the_last_snapshots_date() -> None:
    """A same-school-day contact is shown on its day only, in its term and after it: one seen on
    31 December is not carried into January any more than one seen on 19 December (review)."""
    from atbalsts import PolicyRegistry

    reg = PolicyRegistry.load(entry_points=False)
    for seen in (date(2025, 12, 19), date(2025, 12, 31)):
        case = make_case(observed_on=seen, absent_today=True, municipality="ogre")
        assert [o.action for o in reg.evaluate(case, seen).obligations] == ["inform_parents"]
        assert reg.evaluate(case, date(2026, 1, 20)).obligations == ()
