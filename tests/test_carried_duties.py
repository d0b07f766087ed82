"""A duty not yet due when its term ended is carried into the next term until it is answered.

MK 89 counts absences per semester, so the facts of the evaluation date's term raise the duties;
the duties of the term before that were not yet due on its last day (31 December, 31 August) are
carried: the board notice for a limit passed on the last school days before the winter holidays
is due in January and must be shown then. Dates are the shipped calendar's: 2025/2026 semester 1
ends on Friday 19 December 2025, the winter holidays run to Friday 2 January 2026, semester 2
starts on Monday 5 January 2026; grades 1-8 of 2024/2025 end on Friday 30 May 2025 and
2025/2026 starts on Monday 1 September 2025. Synthetic data only.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from atbalsts import explain
from atbalsts._time import term_of
from atbalsts.batch import expand_records, iter_decisions
from atbalsts.engine import PolicyRegistry, decision_json, to_decision
from atbalsts.engine._combine import duty_groups, duty_groups_of
from atbalsts.model import Decision, NoteCode, ObligationDue, SupportCase
from atbalsts.privacy import view_decision
from atbalsts.testing.strategies import support_cases
from atbalsts.worklist import worklist

BOARD = "inform_municipal_education_board"
WINTER_LIMIT = date(2025, 12, 19)  # the last school day of semester 1 of 2025/2026
FIRST_SCHOOL_DAY = date(2026, 1, 5)  # the first of semester 2: the notice's due date
WINTER_KEY = "lv.absence.inform_board@2025-12-19#47e5b559"
SUMMER_LIMIT = date(2025, 5, 30)  # the last school day of 2024/2025 for grades 1-8
SEPTEMBER = date(2025, 9, 1)

REGISTRY = PolicyRegistry.load(entry_points=False)


def _week(friday: date, missed: int = 5) -> list[dict[str, Any]]:
    """Monday to ``friday``, ``missed`` lessons a day with no reason known: with 5 the count
    is 5, 10, 15, 20, 25, so it passes MK 89's 20 on the Friday."""
    return [
        {
            "on": (friday - timedelta(days=4 - i)).isoformat(),
            "lessons_scheduled": 6,
            "lessons_missed": missed,
            "justification": "reason_unknown",
        }
        for i in range(5)
    ]


def _case(friday: date, **parts: Any) -> SupportCase:
    """A grade 6 learner with one observation, on ``friday``, of the week before it."""
    school_year, semester = term_of(friday)
    observation = {
        "term": {"school_year": school_year, "semester": semester},
        "as_of": friday.isoformat(),
        "attendance": {"lessons_missed_reason_unknown": 25, "days": _week(friday)},
    }
    return SupportCase.model_validate(
        {
            "learner": {
                "id": "L-CARRY",
                "birth_date": "2013-04-02",
                "enrolment": {
                    "school_id": "SCH-1",
                    "municipality": "nowhere",
                    "programme": "general_basic",
                    "grade": 6,
                },
            },
            "observations": [observation],
            **parts,
        }
    )


def _board(decision: Decision) -> ObligationDue | None:
    found = [o for o in decision.obligations if o.action == BOARD]
    assert len(found) <= 1  # never shown twice
    return found[0] if found else None


def _answer(on: date, **over: Any) -> dict[str, Any]:
    return {
        "id": "A-1",
        "action": BOARD,
        "answers": WINTER_KEY,
        "on": on.isoformat(),
        "role": "class_teacher",
        "to": ["municipal_education_board"],
        **over,
    }


# -- across the winter holidays -------------------------------------------------------------------


def test_a_notice_due_in_january_is_shown_in_january_open_then_overdue() -> None:
    """Passed on Friday 19 December; 5 calendar days later is in the holidays, so the notice is
    due on the first school day, 5 January. It was not late on 31 December: it is shown on every
    day of January, with its own trigger and due date, open, due that day, then overdue."""
    case = _case(WINTER_LIMIT)
    seen = {}
    for on in (date(2026, 1, 1), date(2026, 1, 2), FIRST_SCHOOL_DAY, date(2026, 1, 6)):
        board = _board(REGISTRY.evaluate(case, on))
        assert board is not None, on
        assert (board.key, board.trigger, board.trigger_source, board.due) == (
            WINTER_KEY,
            WINTER_LIMIT,
            "day_records",
            FIRST_SCHOOL_DAY,
        )
        assert board.rules == ("lv.absence.inform_board",)
        assert board.legal_basis.act is not None  # MK 89's own basis, not a new rule
        seen[on] = (board.state, board.school_days_late)
    assert list(seen.values()) == [
        ("open", None),
        ("open", None),
        ("due_today", None),
        ("overdue", 1),
    ]
    later = _board(REGISTRY.evaluate(case, date(2026, 2, 2)))
    assert later is not None
    assert (later.state, later.school_days_late) == ("overdue", 21)


def test_the_carried_notice_is_the_one_shown_on_31_december() -> None:
    case = _case(WINTER_LIMIT)
    december = _board(REGISTRY.evaluate(case, date(2025, 12, 31)))
    january = _board(REGISTRY.evaluate(case, date(2026, 1, 2)))
    assert december is not None
    assert january is not None
    assert december.model_dump() == january.model_dump()


@pytest.mark.parametrize("answered_on", [date(2025, 12, 22), date(2026, 1, 7)])
def test_an_answered_notice_is_no_longer_carried(answered_on: date) -> None:
    """Answered in the holidays or after the due date: from the day after (in January), the
    notice is no longer shown; in December it is shown done, as its own term's duty."""
    case = _case(WINTER_LIMIT, actions=[_answer(answered_on)])
    next_day = answered_on + timedelta(days=1)
    assert _board(REGISTRY.evaluate(case, max(next_day, date(2026, 1, 1)))) is None
    assert _board(REGISTRY.evaluate(case, date(2026, 3, 2))) is None
    if answered_on < date(2025, 12, 31):
        december = _board(REGISTRY.evaluate(case, date(2025, 12, 31)))
        assert december is not None
        assert december.state == "done_on_time"
    if answered_on > FIRST_SCHOOL_DAY:  # shown, overdue, until the day it is answered
        before = _board(REGISTRY.evaluate(case, answered_on - timedelta(days=1)))
        assert before is not None
        assert before.state == "overdue"


def test_a_referral_to_the_board_answers_the_carried_notice() -> None:
    referral = {
        "id": "R-1",
        "learner_id": "L-CARRY",
        "referred_by": {"institution": "school", "role": "social_pedagogue"},
        "referred_to": {"institution": "municipal_education_board"},
        "reason": "Synthetic: more than 20 lessons without a justifying reason.",
        "created_on": "2026-01-05",
        "status": "requested",
        "legal_duty": "absence_notice",
    }
    case = _case(WINTER_LIMIT, referrals=[referral])
    assert _board(REGISTRY.evaluate(case, date(2026, 1, 4))) is not None
    assert _board(REGISTRY.evaluate(case, FIRST_SCHOOL_DAY)) is None


def test_a_notice_overdue_before_31_december_is_carried_overdue() -> None:
    """Passed on Friday 5 December: due on Wednesday 10 December, overdue within the term. A duty
    does not lapse with its term: unanswered, it is shown in January, overdue, under its own key
    and trigger (no new duty is raised from the autumn's absences), and gone once answered."""
    case = _case(date(2025, 12, 5))
    december = _board(REGISTRY.evaluate(case, date(2025, 12, 31)))
    assert december is not None
    assert december.state == "overdue"
    january = _board(REGISTRY.evaluate(case, FIRST_SCHOOL_DAY))
    assert january is not None
    assert (january.key, january.trigger, january.due) == (
        december.key,
        december.trigger,
        december.due,
    )
    assert january.state == "overdue"
    answered = _case(date(2025, 12, 5), actions=[_answer(date(2025, 12, 12), answers=december.key)])
    assert _board(REGISTRY.evaluate(answered, FIRST_SCHOOL_DAY)) is None


def test_a_carried_duty_stays_one_term() -> None:
    """Carried from semester 1 into semester 2 only: in the next school year the term before is
    semester 2, which raised nothing."""
    case = _case(WINTER_LIMIT)
    assert _board(REGISTRY.evaluate(case, date(2026, 8, 31))) is not None
    assert _board(REGISTRY.evaluate(case, date(2026, 9, 1))) is None


# -- across the summer -----------------------------------------------------------------------------


def test_a_notice_due_after_the_summer_is_shown_in_september() -> None:
    case = _case(SUMMER_LIMIT)
    august = _board(REGISTRY.evaluate(case, date(2025, 8, 31)))
    september = _board(REGISTRY.evaluate(case, SEPTEMBER))
    assert august is not None
    assert september is not None
    assert (september.trigger, september.due, september.state) == (
        SUMMER_LIMIT,
        SEPTEMBER,
        "due_today",
    )
    assert september.key == august.key
    after = _board(REGISTRY.evaluate(case, date(2025, 9, 2)))
    assert after is not None
    assert (after.state, after.school_days_late) == ("overdue", 1)
    overdue_in_may = _case(date(2025, 5, 9))  # due 14 May, overdue before 31 August
    carried = _board(REGISTRY.evaluate(overdue_in_may, SEPTEMBER))
    assert carried is not None
    assert (carried.trigger, carried.state) == (date(2025, 5, 9), "overdue")


# -- every writer ----------------------------------------------------------------------------------


def test_the_batch_output_and_a_single_decision_agree() -> None:
    cases = [_case(WINTER_LIMIT), _case(date(2025, 12, 5)), _case(SUMMER_LIMIT)]
    lines = [c.model_dump_json() for c in cases]
    on = date(2026, 1, 6)
    records = [
        r
        for r in expand_records(
            r.text for r in iter_decisions(lines, registry=REGISTRY, as_of=on, trace=True)
        )
        if "line" in r and "learner_id" in r
    ]
    assert len(records) == 3
    for case, record in zip(cases, records, strict=True):
        record.pop("line")
        single = REGISTRY.evaluate(case, on)
        assert Decision.model_validate(record).model_dump_json() == single.model_dump_json()
    assert [o["action"] for o in records[0]["obligations"]] == [BOARD, "record_in_viis"]


def test_the_lean_json_role_view_worklist_and_explanation_show_the_carried_notice() -> None:
    case = _case(WINTER_LIMIT)
    ps = REGISTRY.policy_set("nowhere")
    ev = ps.run(case, date(2026, 1, 6))
    assert ev.carried is not None
    assert decision_json(ev, ps.codes) == to_decision(ev, ps.codes).model_dump_json()
    decision = to_decision(ev, ps.codes)
    view = view_decision(decision, role="class_teacher", case=case, on=date(2026, 1, 6))
    viewed = json.loads(json.dumps(view, default=str))
    assert BOARD in [o["action"] for o in viewed["obligations"]]
    items = list(worklist([case], date(2026, 1, 6), registry=REGISTRY))
    assert any(i.key == WINTER_KEY and i.section == "overdue" for i in items)
    (note,) = [n for n in decision.notes if n.code == NoteCode.DUTIES_CARRIED]
    policy = ", ".join(f"{p.name} {p.version}" for p in ev.carried.policy.stamp.plugins)
    assert policy.startswith("lv ")  # the policy in force on 31 December, named
    assert note.detail == {"school_year": "2025/2026", "semester": 1, "policy": policy}
    text = explain(decision, lang="en")
    assert "arose 2025-12-19" in text
    assert f"Duties of the term before (2025/2026, semester 1; policy {policy})" in text
    assert (
        f"Iepriekšējā semestra (2025/2026, 1. semestris; regulējums {policy}) pienākumi"
        in explain(decision)
    )
    assert WINTER_KEY in text


def test_without_an_observation_in_the_term_before_nothing_more_is_evaluated() -> None:
    """The cost gate: a case with no observation dated in the term before is evaluated once."""
    case = _case(date(2026, 1, 9))
    assert REGISTRY.policy_set("nowhere").run(case, date(2026, 1, 12)).carried is None
    assert REGISTRY.policy_set("nowhere").run(_case(WINTER_LIMIT), FIRST_SCHOOL_DAY).carried


def test_the_first_representable_term_has_no_term_before() -> None:
    from atbalsts._time import previous_term_end

    assert previous_term_end(date(1, 3, 1)) is None
    assert previous_term_end(date(1, 9, 1)) == date(1, 8, 31)
    assert previous_term_end(date(2026, 1, 5)) == date(2025, 12, 31)


# -- for any case ----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    case=support_cases(),
    as_of=st.dates(date(2017, 3, 1), date(2029, 8, 31)),
    municipality=st.sampled_from(["bauska", "parauga", "ogre"]),
)
def test_a_carried_duty_was_shown_at_the_terms_end_and_is_unanswered(
    case: SupportCase, as_of: date, municipality: str
) -> None:
    """Every duty a decision shows beyond its own date's was shown on the last day of the term
    before, with the same trigger and due date, and is unanswered; evaluating again gives the
    same bytes."""
    ps = REGISTRY.policy_set(municipality)
    ev = ps.run(case, as_of, trace=False)
    every = duty_groups(ev)
    own = {g.key for g in duty_groups_of(ev, as_of)}
    carried = [g for g in every if g.key not in own]
    assert [g.carried for g in every] == [g.key not in own for g in every]
    if carried:
        end = date(as_of.year, 8, 31) if as_of.month >= 9 else date(as_of.year - 1, 12, 31)
        then = {o.key: o for o in ps.evaluate(case, end).obligations}
        for group in carried:
            assert group.rows[0][1] <= end  # raised in the term before
            assert group.done_on is None
            assert group.key in then
            assert then[group.key].due == group.rows[0][0]
    event("carried" if carried else "none carried")
    assert len({g.key for g in every}) == len(every)
    notes = [n.code for n in ps.evaluate(case, as_of).notes]
    assert (NoteCode.DUTIES_CARRIED in notes) == bool(carried)
    assert ps.evaluate_json(case, as_of) == ps.evaluate_json(case, as_of)
    assert ps.evaluate_json(case, as_of) == ps.evaluate(case, as_of).model_dump_json()
