"""A municipality's own days on the school calendar, declared by its plugin.

Its closures move the deadlines of its own rules; a national rule's deadline never comes later
for them (the floor), only sooner for the extra school days it declares.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from atbalsts import Decision, PolicyRegistry, SupportCase, hookimpl
from atbalsts.codes import Code
from atbalsts.engine import PluginSource
from atbalsts.errors import PolicyError
from atbalsts.policy import (
    BasisKind,
    CodeRegistrar,
    DecisionKind,
    ExtraDays,
    Facts,
    LegalBasis,
    Obligation,
    Params,
    PolicyRegistrar,
    rule,
)

ILLUSTRATIVE = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Test policy, not law.")
MONDAY = date(2025, 11, 24)
#: A municipal closure for the week of Monday 24 November 2025 (a school week).
CLOSED_WEEK = ExtraDays(date(2025, 11, 24), date(2025, 11, 28), "Municipal closure (test)")
#: Saturday 22 November 2025 made a school day for every grade.
OPEN_SATURDAY = ExtraDays(date(2025, 11, 22), date(2025, 11, 22), "Teaching day", school_day=True)


@rule(
    "t.contact",
    kind=DecisionKind.OBLIGATION,
    legal_basis=ILLUSTRATIVE,
    reads=("absent_today_reason_unknown",),
)
def contact(f: Facts, p: Params) -> Obligation | None:
    """The municipality's own same-school-day contact."""
    if f.absent_today_reason_unknown:
        return Obligation("t:contact", ("class_teacher",), (), "same_school_day")
    return None


class Municipal:
    def __init__(self, *days: ExtraDays) -> None:
        self.days = days

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("t", title="Own school days (test)", municipality="nowhere")
        registrar.rules([contact])
        registrar.extra_days(self.days)

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        registrar.add("actions", Code("t:contact", "Sazināties (tests)", "Contact (test)"))


def registry(*days: ExtraDays) -> PolicyRegistry:
    return PolicyRegistry.load(
        [PluginSource("t", Municipal(*days), "atbalsts-t", "0")], entry_points=False
    )


def case(observed_on: date, *, absent_today: bool = False, reason_unknown: int = 0) -> SupportCase:
    attendance: dict[str, Any] = {
        "lessons_missed_reason_unknown": reason_unknown,
        "absent_today_reason_unknown": absent_today,
    }
    return SupportCase.model_validate(
        {
            "learner": {
                "id": "L-1",
                "birth_date": "2013-04-02",
                "enrolment": {
                    "school_id": "SCH-1",
                    "municipality": "nowhere",
                    "programme": "general_basic",
                    "grade": 6,
                },
            },
            "observations": [
                {
                    "term": {"school_year": "2025/2026", "semester": 1},
                    "as_of": observed_on.isoformat(),
                    "attendance": attendance,
                }
            ],
        }
    )


def due(decision: Decision, action: str) -> date:
    (found,) = [o for o in decision.obligations if o.action == action]
    return found.due


def test_a_municipal_closure_moves_the_municipalitys_own_deadline() -> None:
    decision = registry(CLOSED_WEEK).evaluate(case(MONDAY, absent_today=True), MONDAY)
    assert due(decision, "t:contact") == date(2025, 12, 1)  # the Monday after the closed week
    without = registry().evaluate(case(MONDAY, absent_today=True), MONDAY)
    assert due(without, "t:contact") == MONDAY


def test_a_municipal_closure_never_moves_a_national_deadline() -> None:
    """MK 89's same-school-day contact stays due on the Monday the school says is closed."""
    decision = registry(CLOSED_WEEK).evaluate(case(MONDAY, absent_today=True), MONDAY)
    assert due(decision, "inform_parents") == MONDAY


def test_a_municipal_school_day_brings_a_national_deadline_sooner() -> None:
    """The board notice, 5 calendar days from Monday 17 November, falls on Saturday 22 November:
    moved to Monday 24 November, unless the municipality teaches that Saturday."""
    observed = date(2025, 11, 17)
    plain = registry().evaluate(case(observed, reason_unknown=25), observed)
    opened = registry(OPEN_SATURDAY).evaluate(case(observed, reason_unknown=25), observed)
    board = "inform_municipal_education_board"
    assert (due(plain, board), due(opened, board)) == (date(2025, 11, 24), date(2025, 11, 22))


def test_the_days_belong_to_the_municipality_that_declared_them() -> None:
    loaded = registry(CLOSED_WEEK, OPEN_SATURDAY)
    own = loaded.policy_set("nowhere")
    assert own.local_calendar.extra == (CLOSED_WEEK, OPEN_SATURDAY)
    assert own.calendar.extra == (OPEN_SATURDAY,)
    other = loaded.policy_set("ogre")
    assert other.calendar.extra == other.local_calendar.extra == ()


def test_the_registrar_takes_only_extra_days_and_the_baseline_declares_none() -> None:
    municipal = PolicyRegistrar("t", "atbalsts-t", "0", national=False)
    with pytest.raises(PolicyError, match="not an ExtraDays"):
        municipal.extra_days([date(2025, 11, 24)])  # type: ignore[list-item]
    national = PolicyRegistrar("lv", "atbalsts", "0", national=True)
    with pytest.raises(PolicyError, match="national baseline declares no extra days"):
        national.extra_days([CLOSED_WEEK])
