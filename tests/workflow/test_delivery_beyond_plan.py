"""Support given beyond what the plan planned for a measure is recorded, not refused.

No source forbids more sessions or hours than a plan lists (PuMPuRS logged consultations session
by session [S29][S19]; a plan's ``sessions`` and ``hours`` are what it planned for its period),
so a delivery past them goes through, and its audit event says so (``beyond_plan``) for whoever
reviews the plan or its funding.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.workflow.fixtures import plan

from atbalsts.errors import LifecycleError
from atbalsts.model import AuditEvent, SupportPlan
from atbalsts.workflow import planned_and_delivered, replay, transition, verify_chain

ON = date(2025, 3, 10)
MEASURES = [
    {
        "measure": "psychologist_consultation",
        "responsible_role": "psychologist",
        "funding": "skola_kopiena",
        "sessions": 2,
        "hours": 2.0,
    },
    {
        "measure": "social_pedagogue_support",
        "responsible_role": "social_pedagogue",
        "funding": "skola_kopiena",
    },
]


def _active() -> SupportPlan:
    return plan(status="active", submitted_on="2025-03-03", measures=MEASURES)


def _deliver(
    given: SupportPlan, previous: AuditEvent | None, n: int, **params: object
) -> tuple[SupportPlan, AuditEvent]:
    role = "psychologist" if params.get("measure", 0) == 0 else "social_pedagogue"
    return transition(
        given,
        "deliver",
        actor="p-1",
        role=role,
        on=ON + timedelta(days=n),
        params=params,
        previous=previous,
    )


def test_sessions_beyond_the_plan_are_recorded_and_said_in_the_event() -> None:
    current, events = _active(), []
    for n in range(3):
        current, event = _deliver(current, events[-1] if events else None, n, measure=0, sessions=1)
        events.append(event)
    assert [e.params.get("beyond_plan") for e in events] == [None, None, ("sessions",)]
    assert len(current.deliveries) == 3  # recorded, not refused
    [first, _] = planned_and_delivered(current)
    assert (first.planned_sessions, first.delivered_sessions) == (2, 3)
    assert first.beyond_plan == ("sessions",)
    assert verify_chain(events).ok
    assert replay(_active(), events) == current


def test_hours_beyond_the_plan_are_said_as_well() -> None:
    current, event = _deliver(_active(), None, 0, measure=0, hours=1.5)
    assert "beyond_plan" not in event.params
    current, event = _deliver(current, event, 1, measure=0, sessions=2, hours=1.0)
    assert event.params["beyond_plan"] == ("hours",)
    current, event = _deliver(current, event, 2, measure=0, sessions=1, hours=0.5)
    assert event.params["beyond_plan"] == ("sessions", "hours")


def test_a_measure_that_plans_no_number_is_never_beyond_it() -> None:
    current, event = _active(), None
    for n in range(5):
        current, event = _deliver(current, event, n, measure=1, sessions=3, hours=2.0)
        assert "beyond_plan" not in event.params
    assert planned_and_delivered(current)[1].beyond_plan == ()


def test_the_caller_does_not_say_it() -> None:
    with pytest.raises(LifecycleError) as info:
        _deliver(_active(), None, 0, measure=0, sessions=1, beyond_plan=("sessions",))
    assert info.value.code == "unknown_param"
    assert info.value.values["param"] == "beyond_plan"
