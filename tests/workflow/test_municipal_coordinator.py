"""The municipal coordinator approves a plan of any school but a state vocational school [S17]:
the approvals guard requires that approval whatever chain is passed, once the transition says
which school the plan is for (``state_vocational_school``, false unless said)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import DAY, plan

from atbalsts.errors import LifecycleError
from atbalsts.model import ApprovalStep, PlanStatus, SupportPlan
from atbalsts.workflow import approval_chain, cli_transition, transition

AUTHOR, DIRECTOR = ApprovalStep.AUTHOR, ApprovalStep.SCHOOL_DIRECTOR
COORDINATOR = ApprovalStep.MUNICIPAL_COORDINATOR
TAKER = {
    AUTHOR: "class_teacher",
    DIRECTOR: "school_director",
    COORDINATOR: "municipal_coordinator",
    ApprovalStep.NATIONAL_COORDINATOR: "national_coordinator",
}
WITHOUT_COORDINATOR = (AUTHOR, DIRECTOR)


def _approved(chain: tuple[ApprovalStep, ...], on: date = DAY, **more: bool) -> SupportPlan:
    current = transition(plan(), "submit", actor="t", role="class_teacher", on=on).document
    for step in chain:
        current = transition(
            current, "approve", actor="a", role=TAKER[step], on=on, chain=chain, **more
        ).document
    return current


def test_a_chain_without_the_coordinator_does_not_activate_a_municipal_schools_plan() -> None:
    approved = _approved(WITHOUT_COORDINATOR)
    with pytest.raises(LifecycleError) as info:
        transition(
            approved,
            "activate",
            actor="d",
            role="school_director",
            on=DAY,
            chain=WITHOUT_COORDINATOR,
        )
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.plan.approvals_default"
    assert "the approvals of municipal_coordinator are missing" in refusal.reason
    assert "not a state vocational school" in refusal.reason
    assert refusal.override_roles == ()


def test_but_one_already_active_is_completed() -> None:
    """The chain is gone through when a plan is made active. A plan already active without the
    coordinator's approval (activated before this floor) can receive no approval any more, so
    it is not held back from completion: it is completed, as its review says."""
    active = _approved(WITHOUT_COORDINATOR).model_copy(update={"status": PlanStatus.ACTIVE})
    reviewed = transition(
        active,
        "review",
        actor="t",
        role="class_teacher",
        on=date(2025, 5, 30),
        params={"achievements": ("achieved",), "outcome": "close_no_longer_needed"},
    ).document
    done = transition(
        reviewed,
        "complete",
        actor="d",
        role="school_director",
        on=date(2025, 5, 30),
        chain=WITHOUT_COORDINATOR,
    ).document
    assert done.status is PlanStatus.COMPLETED


def test_the_coordinators_step_waits_for_the_municipal_coordinator() -> None:
    chain = approval_chain(DAY)
    assert chain == (AUTHOR, DIRECTOR, COORDINATOR)
    waiting = _approved(WITHOUT_COORDINATOR)
    with pytest.raises(LifecycleError) as info:
        transition(waiting, "approve", actor="d", role="school_director", on=DAY)
    assert "the step municipal_coordinator waits for municipal_coordinator" in str(info.value)
    approved = transition(waiting, "approve", actor="m", role="municipal_coordinator", on=DAY)
    active = transition(approved.document, "activate", actor="d", role="school_director", on=DAY)
    assert active.document.status is PlanStatus.ACTIVE


def test_a_state_vocational_schools_plan_skips_the_coordinator_by_default() -> None:
    approved = _approved(WITHOUT_COORDINATOR, state_vocational_school=True)
    # no chain passed: the national chain of a state vocational school has no coordinator step
    active = transition(
        approved,
        "activate",
        actor="d",
        role="school_director",
        on=DAY,
        state_vocational_school=True,
    )
    assert active.document.status is PlanStatus.ACTIVE
    with pytest.raises(LifecycleError, match="municipal_coordinator"):
        transition(approved, "activate", actor="d", role="school_director", on=DAY)


@given(
    chain=st.lists(st.sampled_from(list(ApprovalStep)), unique=True, max_size=4),
    on=st.sampled_from([date(2023, 3, 1), DAY]),
)
def test_no_chain_activates_a_municipal_schools_plan_without_the_coordinator(
    chain: list[ApprovalStep], on: date
) -> None:
    steps = tuple(chain)
    approved = _approved(steps, on)
    try:
        active = transition(
            approved, "activate", actor="d", role="school_director", on=on, chain=steps
        ).document
    except LifecycleError as refused:
        guards = [r.guard for r in refused.refusals]  # checked after the handler, as ruff asks
    else:
        assert COORDINATOR in {a.step for a in active.approvals}
        return
    assert any(g.startswith("lv.guard.plan.approvals") for g in guards)


def test_the_command_function_says_which_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "plan.json"
    doc.write_text(_approved(WITHOUT_COORDINATOR).model_dump_json(), encoding="utf-8")
    steps = "author,school_director"
    refused = cli_transition(
        doc, "activate", actor="d", role="school_director", on="2025-03-03", steps=steps
    )
    assert refused == 1
    assert "municipal_coordinator are missing" in capsys.readouterr().err
    done = cli_transition(
        doc,
        "activate",
        actor="d",
        role="school_director",
        on="2025-03-03",
        state_vocational_school=True,
    )
    assert done == 0
    assert '"status": "active"' in doc.read_text(encoding="utf-8")


def test_the_command_says_so_with_a_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``atbalsts transition --state-vocational-school``: the command passes the flag on."""
    from atbalsts.cli import main

    doc = tmp_path / "plan.json"
    doc.write_text(_approved(WITHOUT_COORDINATOR).model_dump_json(), encoding="utf-8")
    args = ["transition", str(doc), "activate", "--actor", "d", "--role", "school_director"]
    args += ["--on", "2025-03-03"]
    assert main(args) == 1
    assert "municipal_coordinator" in capsys.readouterr().err
    assert main([*args, "--state-vocational-school"]) == 0
    assert '"status": "active"' in doc.read_text(encoding="utf-8")


def test_the_event_records_that_the_school_was_said_to_be_a_state_vocational_one() -> None:
    """The caller's word that a plan's school needs no coordinator is kept in the audit event
    of each plan action taken on it, as an override is, and the chain still replays."""
    from atbalsts.workflow import replay

    events = []
    current, previous = plan(), None
    for action, role in (
        ("submit", "class_teacher"),
        ("approve", "class_teacher"),
        ("approve", "school_director"),
        ("activate", "school_director"),
    ):
        done = transition(
            current,
            action,
            actor="a",
            role=role,
            on=DAY,
            chain=WITHOUT_COORDINATOR,
            state_vocational_school=True,
            previous=previous,
        )
        current, previous = done.document, done.event
        events.append(done.event)
    assert all(e.params.get("state_vocational_school") is True for e in events)
    assert replay(plan(), events) == current
    plain = transition(plan(), "submit", actor="a", role="class_teacher", on=DAY)
    assert "state_vocational_school" not in plain.event.params
