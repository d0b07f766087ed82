"""Duties over time (issue 11): deadlines anchored to what triggered them, counted on the school
calendar, with a state on the evaluation date, answered by what the case records was done.

Most cases here are in autumn 2025: the autumn holidays of 2025/2026 run from Monday 20 to Friday
24 October, so Friday 17 October is the last school day before them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from atbalsts import explain, hookimpl
from atbalsts.calendar import SchoolCalendar, shipped_calendar
from atbalsts.codes import Code
from atbalsts.engine import PluginSource, PolicyRegistry, _duties
from atbalsts.model import Decision, ObligationDue, SupportCase, parse_python
from atbalsts.national.plugin import RULES as NATIONAL_RULES
from atbalsts.policy import (
    BasisKind,
    CodeRegistrar,
    DecisionKind,
    Facts,
    LegalBasis,
    Obligation,
    Params,
    PolicyRegistrar,
    Rule,
    rule,
)

CALENDAR = shipped_calendar()
FRIDAY = date(2025, 10, 17)  # the last school day before the autumn holidays of 2025
AFTER_HOLIDAYS = date(2025, 10, 27)  # the first school day after them
BOARD = "inform_municipal_education_board"
INFORM_BOARD = "lv.absence.inform_board"
#: The key of the board notice triggered on 17 October 2025: rule, trigger, and a digest of the
#: action and recipients.
BOARD_KEY = "lv.absence.inform_board@2025-10-17#47e5b559"

ILLUSTRATIVE = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Test policy, not law.")


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def national() -> PolicyRegistry:
    return PolicyRegistry.load(entry_points=False)


# -- building cases --------------------------------------------------------------------------------


def day(on: date, missed: int = 6, justification: str = "reason_unknown", **more: Any) -> Any:
    return {"on": on.isoformat(), "lessons_scheduled": 6, "lessons_missed": missed,
            "justification": justification, **more}  # fmt: skip


def autumn_week(missed: int = 5) -> list[dict[str, Any]]:
    """Monday 13 to Friday 17 October 2025, ``missed`` lessons a day with no reason known: with 5
    a day the running count is 5, 10, 15, 20, 25, so it passes 20 on Friday 17 October."""
    return [day(date(2025, 10, 13) + timedelta(days=i), missed) for i in range(5)]


def make_case(
    *,
    observed_on: date = FRIDAY,
    days: Sequence[dict[str, Any]] = (),
    reason_unknown: int = 25,
    absent_today: bool = False,
    grade: int | None = 6,
    programme: str = "general_basic",
    birth_date: date = date(2013, 4, 2),
    extra_observations: Sequence[dict[str, Any]] = (),
    **parts: Any,
) -> SupportCase:
    """A learner in ``grade`` with one observation of its term on ``observed_on``."""
    first = observed_on.year if observed_on.month >= 9 else observed_on.year - 1
    term = {"school_year": f"{first}/{first + 1}", "semester": 1 if observed_on.month >= 9 else 2}
    observation = {
        "term": term,
        "as_of": observed_on.isoformat(),
        "attendance": {
            "lessons_missed_reason_unknown": reason_unknown,
            "absent_today_reason_unknown": absent_today,
            "days": list(days),
        },
    }
    enrolment: dict[str, Any] = {
        "school_id": "SCH-1",
        "municipality": "nowhere",
        "programme": programme,
    }
    if grade is not None:
        enrolment["grade"] = grade
    return SupportCase.model_validate(
        {
            "learner": {"id": "L-1", "birth_date": birth_date.isoformat(), "enrolment": enrolment},
            "observations": [*extra_observations, observation],
            **parts,
        }
    )


def duty(decision: Decision, action: str = BOARD) -> ObligationDue:
    (found,) = [o for o in decision.obligations if o.action == action]
    return found


# -- acceptance ------------------------------------------------------------------------------------


def test_the_board_notice_keeps_its_due_date_on_three_later_dates(national: PolicyRegistry) -> None:
    """The limit is passed on Friday 17 October; 5 calendar days later is Wednesday 22 October,
    inside the autumn holidays, so the notice is due on Monday 27 October whenever the case is
    evaluated; overdue from the day after."""
    case = make_case(days=autumn_week())
    seen = {}
    for as_of in (date(2025, 10, 20), AFTER_HOLIDAYS, date(2025, 10, 28), date(2025, 11, 5)):
        board = duty(national.evaluate(case, as_of))
        seen[as_of] = (board.key, board.trigger, board.trigger_source, board.due, board.state)
        assert board.school_days_late == {date(2025, 10, 28): 1, date(2025, 11, 5): 7}.get(as_of)
    assert {v[:4] for v in seen.values()} == {(BOARD_KEY, FRIDAY, "day_records", AFTER_HOLIDAYS)}
    assert [v[4] for v in seen.values()] == ["open", "due_today", "overdue", "overdue"]


@pytest.mark.parametrize(
    ("done_on", "state", "late"),
    [(date(2025, 10, 27), "done_on_time", None), (date(2025, 10, 29), "done_late", 2)],
)
def test_a_recorded_board_notice_is_done_never_open(
    national: PolicyRegistry, done_on: date, state: str, late: int | None
) -> None:
    action = {
        "id": "A-1",
        "action": BOARD,
        "answers": BOARD_KEY,
        "on": done_on.isoformat(),
        "role": "social_pedagogue",
        "to": ["municipal_education_board"],
        "how": "letter",
        "reference": "2025-10-N17",
    }
    case = make_case(days=autumn_week(), actions=[action])
    for as_of in (done_on, done_on + timedelta(days=1), date(2025, 12, 19)):
        board = duty(national.evaluate(case, as_of))
        assert (board.state, board.school_days_late, board.done_on) == (state, late, done_on)
        assert [(a.kind, a.id) for a in board.answered_by] == [("action", "A-1")]
    before = duty(national.evaluate(case, done_on - timedelta(days=1)))
    assert before.state in ("open", "due_today", "overdue")  # the action is not known yet


def _board_notice(**over: Any) -> dict[str, Any]:
    """A referral to the municipal education board made on 27 October 2025."""
    return {
        "id": "R-1",
        "learner_id": "L-1",
        "referred_by": {"institution": "school", "role": "social_pedagogue"},
        "referred_to": {"institution": "municipal_education_board"},
        "reason": "Synthetic: more than 20 lessons without a justifying reason.",
        "created_on": "2025-10-27",
        "sent_on": "2025-10-28",
        "status": "requested",
        "legal_duty": "absence_notice",
        **over,
    }


def test_a_referral_to_the_board_answers_the_notice(national: PolicyRegistry) -> None:
    referral = _board_notice()
    case = make_case(days=autumn_week(), referrals=[referral])
    board = duty(national.evaluate(case, date(2025, 11, 3)))
    assert (board.state, board.done_on, board.school_days_late) == (
        "done_late",
        date(2025, 10, 28),
        1,
    )
    assert [(a.kind, a.id) for a in board.answered_by] == [("referral", "R-1")]
    draft = make_case(days=autumn_week(), referrals=[{**referral, "status": "draft"}])
    assert duty(national.evaluate(draft, date(2025, 11, 3))).state == "overdue"
    older = make_case(days=autumn_week(), referrals=[{**referral, "created_on": "2025-10-01",
                                                     "sent_on": "2025-10-01"}])  # fmt: skip
    assert duty(national.evaluate(older, date(2025, 11, 3))).state == "overdue"


def test_a_same_school_day_duty_on_the_friday_before_the_holidays_is_due_that_friday(
    national: PolicyRegistry,
) -> None:
    case = make_case(absent_today=True, reason_unknown=6)
    parents = duty(national.evaluate(case, FRIDAY), "inform_parents")
    assert (parents.deadline, parents.trigger_source, parents.due) == (
        "same_school_day",
        "absence",
        FRIDAY,
    )
    assert parents.state == "due_today"


def test_a_five_school_day_deadline_skips_the_autumn_holidays() -> None:
    decision = fixture_registry().evaluate(make_case(reason_unknown=1), FRIDAY)
    five = duty(decision, "t:five_school_days")
    assert (five.trigger, five.deadline, five.days, five.due) == (
        FRIDAY,
        "school_days",
        5,
        date(2025, 10, 31),
    )
    saturday = duty(decision, "t:same_school_day_saturday")
    assert (saturday.trigger, saturday.due) == (date(2025, 10, 18), AFTER_HOLIDAYS)


def test_a_deadline_that_falls_on_a_public_holiday_moves_to_the_next_school_day() -> None:
    """Thursday 13 November 2025 + 5 calendar days is Tuesday 18 November, Proclamation Day."""
    decision = fixture_registry().evaluate(make_case(reason_unknown=1), date(2025, 11, 14))
    holiday = duty(decision, "t:five_calendar_days")
    assert (holiday.trigger, holiday.due) == (date(2025, 11, 13), date(2025, 11, 19))
    assert not CALENDAR.is_school_day(date(2025, 11, 18), 6)


# -- a fixture policy with the four units ----------------------------------------------------------


def _obligation(rule_id: str, action: str, make: Any) -> Rule:
    @rule(rule_id, kind=DecisionKind.OBLIGATION, legal_basis=ILLUSTRATIVE)
    def fixture(f: Facts, p: Params) -> Obligation:
        return make()  # type: ignore[no-any-return]

    return fixture


class UnitsPolicy:
    """Three obligations, one per unit, each with a trigger date of its own."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("t", title="Deadline units (test)", municipality="nowhere")
        registrar.rules(
            [
                _obligation(
                    "t.five_school_days",
                    "t:five_school_days",
                    lambda: Obligation(
                        "t:five_school_days",
                        ("class_teacher",),
                        (),
                        "school_days",
                        days=5,
                        trigger=FRIDAY,
                    ),
                ),
                _obligation(
                    "t.saturday",
                    "t:same_school_day_saturday",
                    lambda: Obligation(
                        "t:same_school_day_saturday",
                        ("class_teacher",),
                        (),
                        "same_school_day",
                        trigger=date(2025, 10, 18),
                    ),
                ),
                _obligation(
                    "t.five_calendar_days",
                    "t:five_calendar_days",
                    lambda: Obligation(
                        "t:five_calendar_days",
                        ("class_teacher",),
                        (),
                        "calendar_days",
                        days=5,
                        trigger=date(2025, 11, 13),
                    ),
                ),
            ]
        )

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        for name in ("five_school_days", "same_school_day_saturday", "five_calendar_days"):
            registrar.add("actions", Code(f"t:{name}", f"Tests {name}", f"Test {name}"))


def fixture_registry() -> PolicyRegistry:
    return PolicyRegistry.load([PluginSource("t", UnitsPolicy(), "t", "0")], entry_points=False)


# -- the day a limit was passed --------------------------------------------------------------------


def test_without_day_records_the_first_observation_that_shows_the_limit_dates_it(
    national: PolicyRegistry,
) -> None:
    """Term totals only: three observations, 12, 22 and 30 lessons; the one of 10 October is the
    first over 20, so the duty arose then, however many observations follow."""
    earlier = [
        {
            "term": {"school_year": "2025/2026", "semester": 1},
            "as_of": on,
            "attendance": {"lessons_missed_reason_unknown": n},
        }
        for on, n in (("2025-10-03", 12), ("2025-10-10", 22))
    ]
    case = make_case(observed_on=date(2025, 11, 7), reason_unknown=30, extra_observations=earlier)
    board = duty(national.evaluate(case, date(2025, 11, 10)))
    assert (board.trigger, board.trigger_source) == (date(2025, 10, 10), "observation")
    assert board.due == date(2025, 10, 15)
    lone = make_case(observed_on=date(2025, 11, 7), reason_unknown=30)
    assert duty(national.evaluate(lone, date(2025, 11, 10))).trigger == date(2025, 11, 7)


def test_a_document_handed_in_takes_its_lessons_out_of_the_count(national: PolicyRegistry) -> None:
    """Monday's 5 lessons are justified by a medical note handed in on Thursday: on an evaluation
    after Thursday they do not count, so the running count passes 20 only on the next Monday."""
    week = autumn_week()
    week[0] = day(date(2025, 10, 13), 5, "medical_note", document_submitted_on="2025-10-16")
    week.append(day(AFTER_HOLIDAYS, 5))
    case = make_case(observed_on=AFTER_HOLIDAYS, days=week, reason_unknown=25)
    board = duty(national.evaluate(case, AFTER_HOLIDAYS))
    assert (board.trigger, board.trigger_source) == (AFTER_HOLIDAYS, "day_records")
    late = [*week[1:], day(date(2025, 10, 13), 5, "medical_note",
                           document_submitted_on="2025-10-28")]  # fmt: skip
    early = duty(
        national.evaluate(make_case(observed_on=AFTER_HOLIDAYS, days=late), AFTER_HOLIDAYS)
    )
    assert early.trigger == FRIDAY  # handed in after the evaluation date: still without one


def test_preschool_days_are_dated_by_whole_days_missed(national: PolicyRegistry) -> None:
    days = [
        {"on": f"2025-10-{d:02d}", "whole_day": True, "justification": "unjustified"}
        for d in (6, 7, 8, 9)
    ]
    case = SupportCase.model_validate(
        {
            "learner": {
                "id": "L-2",
                "birth_date": "2019-05-01",
                "enrolment": {
                    "school_id": "PII-1",
                    "municipality": "nowhere",
                    "programme": "pre_school",
                },
            },
            "observations": [
                {
                    "term": {"school_year": "2025/2026", "semester": 1},
                    "as_of": "2025-10-10",
                    "attendance": {"days_missed_unjustified": 4, "days": days},
                }
            ],
        }
    )
    board = duty(national.evaluate(case, date(2025, 10, 10)))
    assert (board.trigger, board.trigger_source, board.due) == (
        date(2025, 10, 9),
        "day_records",
        date(2025, 10, 14),
    )


# -- properties ------------------------------------------------------------------------------------

_TERM_DAYS = [date(2025, 9, 1) + timedelta(days=i) for i in range(122)]


@st.composite
def day_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(_TERM_DAYS), min_size=1, max_size=25, unique=True))
    justifications = ("reason_unknown", "unjustified", "parent_note", "medical_note")
    out = []
    for on in chosen:
        kind = draw(st.sampled_from(justifications))
        extra = {}
        if kind in ("parent_note", "medical_note") and draw(st.booleans()):
            extra["document_submitted_on"] = (
                on + timedelta(days=draw(st.integers(0, 20)))
            ).isoformat()
        out.append(day(on, draw(st.integers(0, 6)), kind, **extra))
    return out


def _observed(records: list[dict[str, Any]]) -> date:
    return max(date.fromisoformat(r["on"]) for r in records)


@given(records=day_records(), later=st.lists(st.integers(0, 200), min_size=1, max_size=4))
def test_a_deadline_never_moves_when_the_evaluation_date_moves(
    records: list[dict[str, Any]], later: list[int]
) -> None:
    """Evaluated on any dates after the last record (and after every document was handed in),
    each duty keeps its key, trigger and due date; only its state moves, and never back."""
    registry = _NATIONAL
    last_doc = max(
        [
            date.fromisoformat(r["document_submitted_on"])
            for r in records
            if "document_submitted_on" in r
        ],
        default=date(2025, 9, 1),
    )
    observed = max(_observed(records), min(last_doc, date(2025, 12, 31)))
    case = make_case(observed_on=observed, days=records, reason_unknown=25)
    start = max(observed, last_doc)
    # Within the term: a new term counts absences afresh (MK 89 counts per semester).
    dates = sorted({min(start + timedelta(days=n), date(2025, 12, 31)) for n in later})
    decisions = [registry.evaluate(case, d) for d in dates]
    anchors = {tuple((o.key, o.trigger, o.due) for o in d.obligations) for d in decisions}
    assert len(anchors) == 1
    order = {"open": 0, "due_today": 1, "overdue": 2}
    for a, b in pairwise(decisions):
        for x, y in zip(a.obligations, b.obligations, strict=True):
            assert order[x.state] <= order[y.state]


@given(records=day_records(), seed=st.integers(0, 2**32 - 1))
def test_the_days_in_any_order_give_the_same_decision(
    records: list[dict[str, Any]], seed: int
) -> None:
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    as_of = _observed(records) + timedelta(days=3)
    one = _NATIONAL.evaluate(make_case(observed_on=_observed(records), days=records), as_of)
    two = _NATIONAL.evaluate(make_case(observed_on=_observed(records), days=shuffled), as_of)
    assert one.model_dump_json() == two.model_dump_json()


@given(done_after=st.integers(0, 30), later=st.lists(st.integers(0, 120), min_size=1, max_size=4))
def test_a_fulfilled_duty_is_never_raised_again(done_after: int, later: list[int]) -> None:
    done_on = FRIDAY + timedelta(days=done_after)
    action = {"id": "A-9", "action": BOARD, "on": done_on.isoformat(), "role": "class_teacher",
              "to": ["municipal_education_board"]}  # fmt: skip
    case = make_case(days=autumn_week(), actions=[action])
    for n in later:
        as_of = min(done_on + timedelta(days=n), date(2025, 12, 31))  # within the term
        decision = _NATIONAL.evaluate(case, as_of)
        board = duty(decision)
        assert board.state in ("done_on_time", "done_late")
        assert board.done_on == done_on
        assert [o.action for o in decision.obligations].count(BOARD) == 1


_NATIONAL = PolicyRegistry.load(entry_points=False)


def _adult_living_with_a_guardian(actions: list[dict[str, Any]]) -> SupportCase:
    """Example 02's learner, of full age and living with a guardian, absent with no known reason
    on 2025-10-07: a duty to tell both the learner and the guardian that day."""
    (path,) = sorted(EXAMPLES.glob("02-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["learner"]["birth_date"] = "2007-01-01"
    data["learner"]["living_situation"] = "guardian"
    data["learner"]["enrolment"].update(grade=12, programme="general_secondary")
    data["actions"] = actions
    return parse_python(SupportCase, data)


def _told(action_id: str, to: str, on: str) -> dict[str, Any]:
    return {"id": action_id, "action": "inform_adult_learner", "on": on, "role": "class_teacher",
            "to": [to]}  # fmt: skip


def test_a_duty_to_tell_every_recipient_is_done_only_when_the_last_is_told() -> None:
    registry = PolicyRegistry.load()
    day = date(2025, 10, 7)
    one = _adult_living_with_a_guardian([_told("A1", "adult_learner", "2025-10-07")])
    informed = duty(registry.evaluate(one, day), "inform_adult_learner")
    assert set(informed.recipients) == {"adult_learner", "guardian"}
    assert not informed.any_recipient
    assert (informed.state, informed.done_on) == ("due_today", None)
    assert [a.id for a in informed.answered_by] == ["A1"]  # what was done so far is shown
    guardian_only = _adult_living_with_a_guardian([_told("A2", "guardian", "2025-10-07")])
    assert duty(registry.evaluate(guardian_only, day), "inform_adult_learner").done_on is None
    both = _adult_living_with_a_guardian(
        [_told("A1", "adult_learner", "2025-10-07"), _told("A2", "guardian", "2025-10-07")]
    )
    done = duty(registry.evaluate(both, day), "inform_adult_learner")
    assert (done.state, done.done_on) == ("done_on_time", day)
    assert [a.id for a in done.answered_by] == ["A1", "A2"]


def test_every_recipient_told_dates_the_duty_by_the_last_of_them() -> None:
    case = _adult_living_with_a_guardian(
        [_told("A2", "guardian", "2025-10-09"), _told("A1", "adult_learner", "2025-10-07")]
    )
    args = ("k", "inform_adult_learner", ("adult_learner", "guardian"), date(2025, 10, 7))
    found, done = _duties.answers(case, *args, date(2025, 10, 10), every=True)
    assert [a["id"] for a in found] == ["A1", "A2"]
    assert done == date(2025, 10, 9)
    assert _duties.answers(case, *args, date(2025, 10, 10))[1] == date(2025, 10, 7)  # any one
    assert _duties.answers(case, *args, date(2025, 10, 8), every=True)[1] is None  # A2 later


def test_a_referral_its_recipient_rejected_still_answers_the_notice(
    national: PolicyRegistry,
) -> None:
    referral = _board_notice(sent_on="2025-10-27", status="rejected", outcome_on="2025-10-30")
    rejected = make_case(days=autumn_week(), referrals=[referral])
    decision = national.evaluate(rejected, date(2025, 11, 3))
    assert (duty(decision).state, duty(decision).done_on) == ("done_on_time", date(2025, 10, 27))
    for status in ("cancelled", "failed"):
        other = make_case(days=autumn_week(), referrals=[{**referral, "status": status}])
        assert duty(national.evaluate(other, date(2025, 11, 3))).state == "overdue"


# -- follow-ups: work overdue beyond the obligations -----------------------------------------------


def _referral(**over: Any) -> dict[str, Any]:
    return {
        "id": "R-7",
        "learner_id": "L-1",
        "referred_by": {"institution": "school", "role": "social_pedagogue"},
        "referred_to": {"institution": "social_service"},
        "reason": "Synthetic: the family needs support.",
        "created_on": "2025-10-01",
        "sent_on": "2025-10-02",
        "due": "2025-10-15",
        "status": "requested",
        **over,
    }


def test_a_referral_not_answered_by_its_due_date_is_followed_up(national: PolicyRegistry) -> None:
    case = make_case(reason_unknown=0, referrals=[_referral()])
    (item,) = national.evaluate(case, date(2025, 10, 20)).follow_ups  # inside the holidays
    assert (item.kind, item.subject, item.due, item.since) == (
        "referral_unanswered",
        "R-7",
        date(2025, 10, 15),
        date(2025, 10, 2),
    )
    assert (item.responsible_roles, item.school_days_late) == (("social_pedagogue",), 2)
    assert item.key == "referral_unanswered:R-7@2025-10-15"
    assert item.legal_basis.kind is BasisKind.METHODOLOGICAL_DEFAULT
    assert national.evaluate(case, date(2025, 10, 15)).follow_ups == ()
    for answered in (
        _referral(outcome_on="2025-10-18"),
        _referral(status="completed"),
        _referral(due=None),
    ):
        done = make_case(reason_unknown=0, referrals=[answered])
        assert national.evaluate(done, date(2025, 10, 20)).follow_ups == ()


def _plan(**over: Any) -> dict[str, Any]:
    return {
        "id": "P-1",
        "learner_id": "L-1",
        "term": {"school_year": "2024/2025", "semester": 2},
        "period": {"start": "2025-01-13", "end": "2025-05-30"},
        "status": "active",
        "author_role": "social_pedagogue",
        "application": {"signed_by": "parent", "signed_on": "2025-01-08"},
        "approvals": [
            {"step": "author", "approved_on": "2025-01-09"},
            {"step": "school_director", "approved_on": "2025-01-10"},
            {"step": "municipal_coordinator", "approved_on": "2025-01-10"},
        ],
        **over,
    }


def test_an_active_plan_not_reviewed_at_its_terms_end_is_followed_up(
    national: PolicyRegistry,
) -> None:
    case = make_case(reason_unknown=0, plans=[_plan()])
    (item,) = national.evaluate(case, date(2025, 9, 2)).follow_ups
    assert (item.kind, item.subject, item.due, item.responsible_roles) == (
        "plan_review_overdue",
        "P-1",
        date(2025, 5, 30),
        ("social_pedagogue",),
    )
    assert item.rule == "lv.plan.review_at_term_end_default"
    assert item.legal_basis.kind is BasisKind.METHODOLOGICAL_DEFAULT
    assert item.school_days_late == 2  # the summer holidays count none: 1 and 2 September
    reviewed = _plan(reviews=[{"on": "2025-05-30", "outcome": "continue"}])
    closed_early = _plan(reviews=[{"on": "2025-05-20", "outcome": "new_plan"}])
    mid_term = _plan(reviews=[{"on": "2025-03-03", "outcome": "continue"}])
    for plan, listed in ((reviewed, False), (closed_early, False), (mid_term, True)):
        found = national.evaluate(make_case(reason_unknown=0, plans=[plan]), date(2025, 9, 2))
        assert bool(found.follow_ups) is listed


def test_a_plan_waiting_for_an_approval_longer_than_the_parameter_is_followed_up(
    national: PolicyRegistry,
) -> None:
    draft = _plan(
        id="P-2",
        term={"school_year": "2025/2026", "semester": 1},
        period={"start": "2025-10-01", "end": "2025-12-19"},
        status="draft",
        submitted_on="2025-09-29",
        approvals=[{"step": "author", "approved_on": "2025-09-30"}],
    )
    case = make_case(reason_unknown=0, plans=[draft])
    # 10 school days after Tuesday 30 September: Tuesday 14 October.
    assert national.evaluate(case, date(2025, 10, 14)).follow_ups == ()
    (item,) = national.evaluate(case, date(2025, 10, 15)).follow_ups
    assert (item.kind, item.since, item.due, item.school_days_late) == (
        "approval_waiting",
        date(2025, 9, 30),
        date(2025, 10, 14),
        1,
    )
    assert item.responsible_roles == ("school_director",)
    assert item.detail == {"step": "school_director"}
    (wait,) = item.parameters
    assert (wait.id, wait.value, wait.reference.kind) == (
        "lv.plan.approval_wait_days",
        10,
        BasisKind.METHODOLOGICAL_DEFAULT,
    )


def test_the_follow_ups_name_national_rules_and_a_parameter_that_exist() -> None:
    ids = {r.id for r in NATIONAL_RULES}
    assert set(_duties.APPROVAL_RULES) <= ids
    assert set(_duties.REVIEW_RULES) <= ids
    parameters = _NATIONAL.policy_set().composition.parameters
    assert _duties.APPROVAL_WAIT in parameters


# -- what a rule may say about its trigger ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Obligation("inform_parents", ("class_teacher",), trigger="unjustified_lessons"),
         "trigger 'unjustified_lessons' is a count: give the limit it passed in over"),
        (lambda: Obligation("inform_parents", ("class_teacher",), trigger="birth_date"),
         "trigger must be a date or one of"),
        (lambda: Obligation("inform_parents", ("class_teacher",), trigger=3),
         "trigger must be date or str or None (got int)"),
        (lambda: Obligation("inform_parents", ("class_teacher",), trigger="unjustified_days",
                            over=-1), "over must be at least 0"),
        # a day before any the engine judges: it took over a national duty's key, due in 1980
        (lambda: Obligation("inform_parents", ("class_teacher",), trigger=date(1980, 1, 1)),
         "trigger must not be before 1990-01-01"),
        (lambda: Obligation("inform_parents", ("class_teacher",), (), "date",
                            due=date(1989, 12, 31)), "due must not be before 1990-01-01"),
    ],
)  # fmt: skip
def test_a_malformed_trigger_fails_the_rule_naming_the_field(make: Any, message: str) -> None:
    class Bad:
        @hookimpl
        def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
            registrar.policy("bad", title="Bad triggers (test)", municipality="nowhere")
            registrar.rules([_obligation("bad.trigger", "inform_parents", make)])

    registry = PolicyRegistry.load([PluginSource("bad", Bad(), "bad", "0")], entry_points=False)
    decision = registry.evaluate(make_case(), FRIDAY)
    (failure,) = decision.failures
    assert (failure.rule, failure.stage, failure.cause) == ("bad.trigger", "result", "malformed")
    assert message in failure.error


# -- the term's source, and the documents ----------------------------------------------------------


def test_a_year_without_calendar_data_says_its_terms_are_by_convention(
    national: PolicyRegistry,
) -> None:
    known = national.evaluate(make_case(), FRIDAY)
    assert "term_by_convention" not in [str(n.code) for n in known.notes]
    later = make_case(observed_on=date(2026, 10, 16))
    notes = [(str(n.code), n.detail) for n in national.evaluate(later, date(2026, 10, 16)).notes]
    assert ("term_by_convention", {"school_year": "2026/2027"}) in notes


def test_day_records_and_actions_are_checked(national: PolicyRegistry) -> None:
    twice = [day(FRIDAY), day(FRIDAY, 2)]
    with pytest.raises(ValidationError, match="repeats the day of an earlier day record"):
        make_case(days=twice)
    with pytest.raises(ValidationError, match="on or before as_of"):
        make_case(days=[day(FRIDAY + timedelta(days=3))])
    with pytest.raises(ValidationError, match="on or before as_of"):
        make_case(days=[day(date(2025, 8, 29))])  # the term before
    with pytest.raises(ValidationError, match="lessons_missed exceeds lessons_scheduled"):
        make_case(days=[day(FRIDAY, 7)])
    action = {"id": "A-1", "action": BOARD, "on": "2025-10-20", "role": "class_teacher"}
    with pytest.raises(ValidationError, match="repeats the id of an earlier action"):
        make_case(actions=[action, action])


def test_the_explanation_shows_trigger_state_and_answers(national: PolicyRegistry) -> None:
    action = {"id": "A-1", "action": BOARD, "on": "2025-10-29", "role": "class_teacher"}
    case = make_case(days=autumn_week(), actions=[action], referrals=[_referral()])
    decision = national.evaluate(case, date(2025, 10, 29))
    english = explain(decision, "en")
    assert "arose 2025-10-17 (the day the limit was passed, from the day records)" in english
    assert "done on 2025-10-29, late by 2 days" in english  # calendar days: MK 89's notice
    assert "answered by action A-1 on 2025-10-29" in english
    assert "OVERDUE, late by 2 days" in english  # the VIIS record
    # the follow-up is of the outcome: a referral received or accepted is chased too
    assert "referral R-7 to municipal social service: no outcome received by 2025-10-15" in english
    latvian = explain(decision, "lv")
    assert (
        "nosūtījums R-7 (pašvaldības sociālais dienests): līdz 2025-10-15 nav saņemts rezultāts"
        in latvian
    )
    assert "radies 2025-10-17 (diena, kad pārsniegta robeža, pēc dienu uzskaites)" in latvian
    assert "Nokavēti darbi ar nosūtījumiem un plāniem" in latvian


def test_a_calendar_with_extra_days_moves_the_due_date() -> None:
    """A municipality closes its schools on Monday 27 October 2025: the board notice moves to the
    Tuesday (the registry's calendar counts the extra days)."""
    from atbalsts.calendar import ExtraDays

    closed = ExtraDays(AFTER_HOLIDAYS, AFTER_HOLIDAYS, "storm closure (synthetic)")
    registry = PolicyRegistry.load(entry_points=False, calendar=SchoolCalendar([closed]))
    board = duty(registry.evaluate(make_case(days=autumn_week()), date(2025, 10, 28)))
    assert board.due == date(2025, 10, 28)
    assert board.state == "due_today"


def test_two_duties_one_rule_raises_on_one_day_have_two_keys() -> None:
    """The key names the rule and the trigger, and a digest of the action and recipients."""
    one = _duties.duty_key(INFORM_BOARD, FRIDAY, BOARD, ("municipal_education_board",))
    two = _duties.duty_key(INFORM_BOARD, FRIDAY, BOARD, ("municipal_education_board", "viis"))
    assert one == BOARD_KEY
    assert one != two
    assert two.startswith(f"{INFORM_BOARD}@2025-10-17#")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "plan P-2: waiting for the approval step the plan's author since 2025-09-29"),
        ("lv", "plāns P-2: kopš 2025-09-29 gaida apstiprinājumu (plāna autors)"),
    ],
)
def test_a_plan_waiting_for_its_author_says_the_author_in_words(
    national: PolicyRegistry, lang: str, said: str
) -> None:
    """The author's step is said as staff know it, not as the code ``author``."""
    submitted = _plan(
        id="P-2",
        term={"school_year": "2025/2026", "semester": 1},
        period={"start": "2025-10-01", "end": "2025-12-19"},
        status="draft",
        submitted_on="2025-09-29",
        approvals=[],
    )
    decision = national.evaluate(make_case(reason_unknown=0, plans=[submitted]), date(2025, 10, 20))
    assert [f.detail for f in decision.follow_ups] == [{"step": "author"}]
    assert said in explain(decision, lang)
