"""Effective dates: rules, parameter values and whole plugins apply only in their periods, and
evaluation follows ``as_of``, never the wall clock."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from atbalsts.model import SupportCase
from atbalsts.policy import DecisionKind, Facts, Obligation, Params, Refer, rule

from .fixtures import (
    BAUSKA_VALUES,
    FIXTURE_RULES,
    FIXTURE_VALUES,
    INFORM_BOARD,
    LESSONS_LIMIT,
    FixturePlugin,
    make_case,
    obligations,
    parameters,
    registry,
    trace_ids,
    trace_row,
    value,
)

LAST_OLD = date(2024, 12, 31)
FIRST_NEW = date(2025, 1, 1)


@rule(
    "fx.absence.notify_v1",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=date(2020, 1, 1),
    valid_to=LAST_OLD,
)
def notify_v1(f: Facts, p: Params) -> Obligation:
    """The old rule: notify within 10 days."""
    return Obligation("fx:notify", ("class_teacher",), ("parent",), "days", days=10)


@rule(
    "fx.absence.notify_v2",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    valid_from=FIRST_NEW,
)
def notify_v2(f: Facts, p: Params) -> Obligation:
    """The successor: notify within 3 days."""
    return Obligation("fx:notify", ("class_teacher",), ("parent",), "days", days=3)


LIMIT = "fx.absence.limit"


@rule(
    "fx.absence.refer",
    kind=DecisionKind.REFERRAL,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
    params=(LIMIT,),
    valid_from=date(2020, 1, 1),
)
def refer(f: Facts, p: Params) -> Refer | None:
    """More lessons than the dated limit: refer to the cooperation group."""
    if f.unjustified_lessons > p[LIMIT]:
        return Refer("cooperation_group", "fx:over_limit")
    return None


def dated_limit() -> FixturePlugin:
    params = parameters(
        "fx",
        {
            "id": LIMIT,
            "change": "free",
            "values": [value(date(2020, 1, 1), 8), value(date(2023, 1, 1), 4, BAUSKA_VALUES)],
        },
    )
    return FixturePlugin("fx", rules=[refer], params=params)


def case_on(day: date, lessons: int = 6) -> SupportCase:
    return make_case(unjustified_lessons=lessons, observed_on=day)


# --- rules ---


@pytest.mark.parametrize(
    ("day", "in_force", "absent", "days"),
    [
        (LAST_OLD, "fx.absence.notify_v1", "fx.absence.notify_v2", 10),
        (FIRST_NEW, "fx.absence.notify_v2", "fx.absence.notify_v1", 3),
    ],
)
def test_a_rule_and_its_successor_meet_at_the_boundary(
    day: date, in_force: str, absent: str, days: int
) -> None:
    reg = registry(FixturePlugin("fx", rules=[notify_v1, notify_v2]))
    decision = reg.evaluate(make_case(observed_on=date(2024, 12, 20)), day)

    assert in_force in trace_ids(decision)
    assert absent not in trace_ids(decision)
    assert trace_row(decision, in_force).fired
    (notify,) = obligations(decision, "fx:notify")
    assert notify.rules == (in_force,)
    assert (notify.deadline, notify.days, notify.trigger) == (
        "calendar_days",
        days,
        date(2024, 12, 20),
    )
    # Counted from the observation of Friday 20 December 2024, 10 days (v1) land on Monday 30
    # December and 3 days (v2) on Monday 23 December, both in the winter holidays (23 December -
    # 5 January): either way the next school day, Monday 6 January 2025.
    assert notify.due == date(2025, 1, 6)


def test_rules_in_force_follow_the_date() -> None:
    policy = registry(FixturePlugin("fx", rules=[notify_v1, notify_v2])).policy_set("ogre")
    ids = {r.id for r, _ in policy.rules_in_force(None)}
    assert {"fx.absence.notify_v1", "fx.absence.notify_v2"} <= ids
    before = {r.id for r, _ in policy.rules_in_force(date(2019, 12, 31))}
    assert not before & {"fx.absence.notify_v1", "fx.absence.notify_v2"}
    assert policy.at(LAST_OLD).stamp.content_hash != policy.at(FIRST_NEW).stamp.content_hash


# --- parameters ---


@pytest.mark.parametrize(
    ("day", "limit", "since", "basis", "fires"),
    [
        (date(2022, 12, 31), 8, date(2020, 1, 1), FIXTURE_VALUES, False),
        (date(2023, 1, 1), 4, date(2023, 1, 1), BAUSKA_VALUES, True),
        (date(2025, 3, 3), 4, date(2023, 1, 1), BAUSKA_VALUES, True),
    ],
)
def test_a_dated_parameter_gives_the_value_in_force(
    day: date, limit: int, since: date, basis: object, fires: bool
) -> None:
    decision = registry(dated_limit()).evaluate(case_on(day, lessons=6), day)

    row = trace_row(decision, "fx.absence.refer")
    (param,) = row.parameters
    assert (param.id, param.value, param.valid_from, param.plugin) == (LIMIT, limit, since, "fx")
    assert param.reference == basis
    assert row.fired is fires
    assert [r.to for r in decision.referrals] == (["cooperation_group"] if fires else [])


def test_a_municipal_value_applies_from_its_own_date() -> None:
    params = parameters(
        "bauska",
        {"id": LESSONS_LIMIT, "values": [value(date(2024, 9, 1), 10, BAUSKA_VALUES)]},
    )
    reg = registry(FixturePlugin("bauska", municipality="bauska", params=params))

    before = reg.evaluate(case_on(date(2024, 8, 30), lessons=11), date(2024, 8, 31))
    after = reg.evaluate(case_on(date(2024, 9, 1), lessons=11), date(2024, 9, 1))

    limit_before = trace_row(before, INFORM_BOARD).parameters[0]
    limit_after = trace_row(after, INFORM_BOARD).parameters[0]
    assert (limit_before.value, limit_before.plugin) == (20, "lv")
    assert (limit_after.value, limit_after.plugin, limit_after.valid_from) == (
        10,
        "bauska",
        date(2024, 9, 1),
    )
    assert obligations(before, "inform_municipal_education_board") == []
    assert len(obligations(after, "inform_municipal_education_board")) == 1


# --- plugins with a validity period ---


@rule(
    "pilot.absence.notify",
    kind=DecisionKind.OBLIGATION,
    legal_basis=FIXTURE_RULES,
    reads=("unjustified_lessons",),
)
def pilot_notify(f: Facts, p: Params) -> Obligation:
    """The pilot's obligation, every day the pilot runs."""
    return Obligation("pilot:notify", ("class_teacher",), ("parent",), "same_day")


def pilot(**kwargs: Any) -> FixturePlugin:
    return FixturePlugin(
        "pilot",
        municipality="bauska",
        rules=[pilot_notify],
        valid_from=date(2024, 1, 1),
        valid_to=date(2024, 12, 31),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("day", "takes_part"),
    [
        (date(2023, 12, 31), False),
        (date(2024, 1, 1), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),
    ],
)
def test_a_plugin_takes_part_only_in_its_period(day: date, takes_part: bool) -> None:
    decision = registry(pilot()).evaluate(case_on(date(2023, 12, 20)), day)

    assert ("pilot" in [p.name for p in decision.policy.plugins]) is takes_part
    assert ("pilot.absence.notify" in trace_ids(decision)) is takes_part
    assert bool(obligations(decision, "pilot:notify")) is takes_part
    assert "lv" in [p.name for p in decision.policy.plugins]


def pilot_limit() -> FixturePlugin:
    """The pilot with a stricter lessons limit, dated long before the pilot starts."""
    params = parameters(
        "pilot", {"id": LESSONS_LIMIT, "values": [value(date(2011, 2, 1), 10, BAUSKA_VALUES)]}
    )
    return pilot(params=params)


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2025, 1, 1)])
def test_a_plugin_outside_its_period_sets_no_parameter_value(day: date) -> None:
    decision = registry(pilot_limit()).evaluate(case_on(date(2023, 12, 20), 11), day)

    assert "pilot" not in [p.name for p in decision.policy.plugins]
    limit = trace_row(decision, INFORM_BOARD).parameters[0]
    assert (limit.value, limit.plugin) == (20, "lv")
    assert obligations(decision, "inform_municipal_education_board") == []


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2024, 12, 31)])
def test_a_plugin_value_dated_before_its_period_applies_from_its_start(day: date) -> None:
    decision = registry(pilot_limit()).evaluate(case_on(day, 11), day)

    assert "pilot" in [p.name for p in decision.policy.plugins]
    limit = trace_row(decision, INFORM_BOARD).parameters[0]
    assert (limit.value, limit.plugin, limit.valid_from) == (10, "pilot", date(2024, 1, 1))
    assert limit.reference == BAUSKA_VALUES
    assert len(obligations(decision, "inform_municipal_education_board")) == 1


def test_evaluation_reads_as_of_not_the_observation_date() -> None:
    reg = registry(FixturePlugin("fx", rules=[notify_v1, notify_v2]))
    case = make_case(observed_on=date(2024, 12, 20))
    assert reg.evaluate(case, LAST_OLD).as_of == LAST_OLD
    assert reg.evaluate(case, FIRST_NEW).policy.as_of == FIRST_NEW


def test_a_replaced_rule_still_applies_before_its_replacement_is_in_force() -> None:
    """A municipal rule replaces a national one only on the dates it is itself in force."""
    replacement = rule(
        "late.risk.unjustified_absences",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=FIXTURE_RULES,
        reads=("unjustified_lessons",),
        valid_from=date(2025, 1, 1),
        overrides="lv.risk.unjustified_absences",
    )(lambda f, p: None)  # the replacement never finds anything
    reg = registry(FixturePlugin("late", municipality="late", rules=[replacement]))
    before, after = date(2024, 12, 31), date(2025, 1, 1)
    old = reg.evaluate(case_on(before, 25), before, municipality="late")
    new = reg.evaluate(case_on(after, 25), after, municipality="late")
    assert [f.rule for f in old.findings] == ["lv.risk.unjustified_absences"]
    assert "late.risk.unjustified_absences" not in {t.rule for t in old.trace}
    assert new.findings == ()
    assert "lv.risk.unjustified_absences" not in {t.rule for t in new.trace}
