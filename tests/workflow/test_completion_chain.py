"""Completing an active plan: one rule for the default chain, a chain passed and the docs (found
by an outside tester).

The coordinator's approval is asked for when a plan is activated, where its chain is gone
through; an active plan can receive no approval any more, so a completion is not held back by
it: not with the default chain, and not for a state vocational school's plan whose completion
does not say so again. Every other national step (the author, the director, IKVD under
PuMPuRS) is still asked whatever chain is passed, and a chain passed that names the
coordinator asks for it. Where a flag would let an activation through, the command says
which."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, plan

from atbalsts.cli import main
from atbalsts.errors import LifecycleError
from atbalsts.model import ApprovalStep, PlanStatus, SupportPlan
from atbalsts.workflow import transition

AUTHOR, DIRECTOR = ApprovalStep.AUTHOR, ApprovalStep.SCHOOL_DIRECTOR
COORDINATOR = ApprovalStep.MUNICIPAL_COORDINATOR
END = date(2025, 5, 30)


def _active(*steps: ApprovalStep) -> SupportPlan:
    """An active, reviewed plan approved by ``steps`` only (activated before this check, or as
    a state vocational school's)."""
    approvals = [{"step": s.value, "approved_on": "2025-03-03"} for s in steps]
    return plan(
        status="active",
        submitted_on="2025-03-03",
        approvals=approvals,
        reviews=[{"on": "2025-05-29", "outcome": "continue", "achievements": ["achieved"]}],
    )


def _complete(document: SupportPlan, **more: object) -> SupportPlan:
    return transition(
        document, "complete", actor="d", role="school_director", on=END, **more
    ).document


def test_an_active_plan_without_the_coordinators_approval_completes_with_the_default_chain() -> (
    None
):
    assert _complete(_active(AUTHOR, DIRECTOR)).status is PlanStatus.COMPLETED


def test_a_state_vocational_schools_plan_completes_without_saying_so_again() -> None:
    done = _complete(_active(AUTHOR, DIRECTOR))
    said = _complete(_active(AUTHOR, DIRECTOR), state_vocational_school=True)
    assert done.status is said.status is PlanStatus.COMPLETED


def test_a_plan_with_the_coordinators_approval_completes_too() -> None:
    assert _complete(_active(AUTHOR, DIRECTOR, COORDINATOR)).status is PlanStatus.COMPLETED


@pytest.mark.parametrize(
    "chain", [(AUTHOR,), (DIRECTOR,), ()], ids=["no director", "no author", "empty"]
)
def test_a_chain_passed_on_completion_removes_no_national_step(
    chain: tuple[ApprovalStep, ...],
) -> None:
    """The author's and the director's approvals are asked on completion whatever chain is
    passed: a chain adds steps, it removes none."""
    lacking = _active(*chain)
    with pytest.raises(LifecycleError) as info:
        _complete(lacking, chain=chain)
    [refusal] = info.value.refusals
    assert refusal.code == "approvals_dropped"
    assert "municipal_coordinator" not in refusal.values["steps"]


def test_a_chain_passed_that_names_the_coordinator_asks_for_it_on_completion() -> None:
    with pytest.raises(LifecycleError) as info:
        _complete(_active(AUTHOR, DIRECTOR), chain=(AUTHOR, DIRECTOR, COORDINATOR))
    [refusal] = info.value.refusals
    assert (refusal.code, refusal.values["steps"]) == ("approvals_missing", "municipal_coordinator")


def test_the_coordinator_is_still_asked_on_activation() -> None:
    approved = plan(
        submitted_on="2025-03-03",
        approvals=[{"step": s.value, "approved_on": "2025-03-03"} for s in (AUTHOR, DIRECTOR)],
    )
    with pytest.raises(LifecycleError, match="municipal_coordinator"):
        transition(approved, "activate", actor="d", role="school_director", on=DAY)


# -- the command says which flag would let an activation through ---------------------------------


def _run(doc: Path, action: str, *more: str) -> int:
    argv = ["transition", str(doc), action, "--actor", "d", "--role", "school_director"]
    return main([*argv, "--on", "2025-03-03", *more])


@pytest.fixture
def approved(tmp_path: Path) -> Path:
    doc = tmp_path / "plan.json"
    document = plan(
        submitted_on="2025-03-03",
        approvals=[{"step": s.value, "approved_on": "2025-03-03"} for s in (AUTHOR, DIRECTOR)],
    )
    doc.write_text(document.model_dump_json(), encoding="utf-8")
    return doc


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        (
            "en",
            "hint: the municipal coordinator approves the plans of every school but a state "
            "vocational school: only if the plan's school is one, say so with "
            "--state-vocational-school",
        ),
        (
            "lv",
            "padoms: pašvaldības koordinators apstiprina visu skolu plānus, izņemot valsts "
            "profesionālās izglītības iestāžu plānus: tikai ja plāna skola ir tāda, norādiet to "
            "ar --state-vocational-school",
        ),
    ],
)
@pytest.mark.parametrize("steps", [(), ("--steps", "author,school_director")])
def test_an_activation_without_the_coordinator_names_the_flag(
    approved: Path,
    lang: str,
    hint: str,
    steps: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(approved, "activate", "--lang", lang, *steps) == 1
    assert capsys.readouterr().err.splitlines()[-1] == hint


def test_no_flag_is_named_where_none_would_help(
    approved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chain passed that names the coordinator asks for it whatever the school; a refusal for
    another step names no flag."""
    steps = "author,school_director,municipal_coordinator"
    assert _run(approved, "activate", "--lang", "en", "--steps", steps) == 1
    assert "--state-vocational-school" not in capsys.readouterr().err
    data = json.loads(approved.read_text(encoding="utf-8"))
    data["approvals"] = data["approvals"][:1]
    approved.write_text(json.dumps(data), encoding="utf-8")
    assert _run(approved, "activate", "--lang", "en", "--state-vocational-school") == 1
    err = capsys.readouterr().err
    assert "school_director" in err
    assert "hint" not in err
