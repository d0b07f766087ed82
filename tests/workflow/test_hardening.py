"""What a bug hunt found in transitions, the audit chain and the command: each now refused."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.workflow.fixtures import DAY, consent, plan, referral

from atbalsts.cli import main
from atbalsts.errors import AtbalstsError, DocumentError, LifecycleError
from atbalsts.model import Approval, AuditEvent, Referral, SupportPlan
from atbalsts.workflow import (
    Transitioned,
    approval_chain,
    cli_transition,
    read_chain,
    transition,
    verify_chain,
)

SECRET = "SECRET-detail"

# -- helpers --------------------------------------------------------------------------------------


def _approved(on: date = DAY) -> tuple[SupportPlan, list[AuditEvent]]:
    """A submitted plan with every approval of the national chain, and its events."""
    roles = {"author": "class_teacher"}
    current, event = transition(plan(), "submit", actor="p-1", role="class_teacher", on=on)
    events = [event]
    for step in approval_chain(on):
        role = roles.get(step.value, step.value)
        current, event = transition(
            current, "approve", actor="p-1", role=role, on=on, previous=event
        )
        events.append(event)
    return current, events


def _write(path: Path, document: Any) -> None:
    path.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")


# -- 1. nothing before EARLIEST -------------------------------------------------------------------


def test_a_transition_dated_before_1990_is_refused_naming_on() -> None:
    old = referral(created_on="1989-12-01")
    with pytest.raises(LifecycleError, match=r"on \(1989-12-31\).*1990-01-01") as info:
        transition(old, "send", actor="p-1", role="social_pedagogue", on=date(1989, 12, 31))
    assert info.value.refusals == ()
    submitted = plan(submitted_on="1989-12-01")
    with pytest.raises(LifecycleError, match=r"on \(1989-12-31\)"):
        transition(
            submitted, "activate", actor="p-1", role="school_director", on=date(1989, 12, 31)
        )


def test_the_command_refuses_to_activate_a_plan_dated_before_1990(tmp_path: Path) -> None:
    doc = tmp_path / "plan.json"
    _write(doc, plan(submitted_on="1989-12-01"))
    before = doc.read_bytes()
    argv = ["--actor", "p-1", "--role", "school_director", "--on", "1989-12-31"]
    assert main(["transition", str(doc), "activate", *argv]) == 1
    assert doc.read_bytes() == before


# -- 2. dates run in order ------------------------------------------------------------------------


def _sent() -> Any:
    report = referral(legal_duty="child_protection_report", purpose="child_protection")
    return transition(report, "send", actor="p", role="social_pedagogue", on=date(2025, 3, 5))[0]


def _reviewed() -> Any:
    current, events = _approved()
    active = transition(
        current, "activate", actor="p", role="school_director", on=DAY, previous=events[-1]
    )[0]
    return transition(
        active,
        "review",
        actor="p",
        role="class_teacher",
        on=date(2025, 5, 30),
        params={"achievements": ("achieved",), "outcome": "close_no_longer_needed"},
    )[0]


BACKWARDS: list[tuple[str, Any, str, str, date, str]] = [
    (
        "send before created_on",
        referral,
        "send",
        "social_pedagogue",
        date(2025, 2, 10),
        "2025-03-03",
    ),
    ("receive before sent_on", _sent, "receive", "social_service", date(2025, 3, 4), "2025-03-05"),
    (
        "approve before submitted_on",
        lambda: plan(submitted_on="2025-03-03"),
        "approve",
        "class_teacher",
        date(2025, 3, 1),
        "2025-03-03",
    ),
    (
        "activate before the last approval",
        lambda: _approved(date(2025, 3, 10))[0],
        "activate",
        "school_director",
        date(2025, 3, 9),
        "2025-03-10",
    ),
    ("complete before the review", _reviewed, "complete", "school_director", DAY, "2025-05-30"),
]


@pytest.mark.parametrize(
    ("make", "action", "role", "on", "bound"),
    [case[1:] for case in BACKWARDS],
    ids=[case[0] for case in BACKWARDS],
)
def test_a_transition_dated_before_the_documents_latest_date_is_refused(
    make: Any, action: str, role: str, on: date, bound: str
) -> None:
    document = make()
    params = {"outcome": "Synthetic"} if action == "complete" else {}
    consents = [consent(given_on="2025-01-01", period={"start": "2025-01-01", "end": "2025-08-31"})]
    with pytest.raises(LifecycleError) as info:
        transition(document, action, actor="p", role=role, on=on, params=params, consents=consents)
    message = str(info.value)
    assert f"on ({on.isoformat()}) must not be before" in message
    assert f"({bound})" in message
    assert info.value.refusals == ()


def test_an_event_dated_before_the_event_it_follows_is_refused() -> None:
    _, events = _approved(date(2025, 3, 10))
    with pytest.raises(LifecycleError, match=r"event 3 of the chain.*\(2025-03-10\)"):
        transition(
            plan(),
            "submit",
            actor="p",
            role="class_teacher",
            on=date(2025, 3, 9),
            previous=events[-1],
        )


def test_an_event_of_another_document_may_be_entered_late_and_is_judged_on_its_own_day() -> None:
    """A send recorded after a consent's withdrawal but dated the day before it is a late entry
    (a school records Monday's referral on Wednesday): the chain keeps the order of recording,
    and the consent guard judges the send on its own day. Only a document's own history must
    run forward."""
    given = consent()
    sharing = referral(consent_id="C-1")
    withdrawn, event = transition(
        given, "withdraw", actor="p", role="social_pedagogue", on=date(2025, 3, 10)
    )

    def send(on: date) -> Transitioned[Referral]:
        return transition(
            sharing, "send", actor="p", role="social_pedagogue", on=on, consents=[withdrawn],
            previous=event,
        )  # fmt: skip

    sent, late = send(date(2025, 3, 9))
    assert sent.sent_on == date(2025, 3, 9)
    assert late.seq == event.seq + 1
    # a day after the withdrawal is refused by the consent guard, not by the order of days
    with pytest.raises(LifecycleError) as refused:
        send(date(2025, 3, 11))
    assert "must not be before" not in str(refused.value)


def test_a_documents_own_event_may_not_be_dated_before_its_last_one() -> None:
    submitted, first = transition(plan(), "submit", actor="p", role="class_teacher", on=DAY)
    with pytest.raises(LifecycleError, match=r"on \(2025-03-02\).*event 0 of the chain"):
        transition(
            submitted,
            "reject",
            actor="d",
            role="school_director",
            on=DAY - timedelta(days=1),
            previous=first,
            params={"reason": "incomplete"},
        )


def test_a_transition_on_the_documents_latest_date_is_allowed() -> None:
    sent = _sent()
    received = transition(sent, "receive", actor="p", role="social_service", on=date(2025, 3, 5))
    assert received.document.status.value == "received"


# -- 4. the chain ties events to versions ---------------------------------------------------------


def test_a_document_changed_between_two_events_breaks_the_chain() -> None:
    submitted, first = transition(plan(), "submit", actor="p", role="class_teacher", on=DAY)
    forged = submitted.model_copy(
        update={"approvals": tuple(Approval(step=s, approved_on=DAY) for s in approval_chain(DAY))}
    )
    _, second = transition(
        forged, "activate", actor="p", role="school_director", on=DAY, previous=first
    )
    verdict = verify_chain([first, second])
    assert not verdict.ok
    assert verdict.first_bad == 1
    assert "changed outside the chain" in (verdict.problem or "")


def test_events_about_several_documents_interleaved_still_verify() -> None:
    p0, e0 = transition(plan(), "submit", actor="p", role="class_teacher", on=DAY)
    r0, e1 = transition(
        _sent(), "receive", actor="p", role="social_service", on=DAY.replace(day=5), previous=e0
    )
    _, e2 = transition(
        p0, "approve", actor="p", role="class_teacher", on=DAY.replace(day=5), previous=e1
    )
    _, e3 = transition(
        r0, "accept", actor="p", role="social_service", on=DAY.replace(day=6), previous=e2
    )
    assert verify_chain([e0, e1, e2, e3]).ok


def test_the_command_refuses_a_document_that_is_not_the_chains_last_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    _write(doc, plan())
    assert (
        cli_transition(doc, "submit", actor="p", role="class_teacher", on="2025-03-03", chain=chain)
        == 0
    )
    submitted = SupportPlan.model_validate_json(doc.read_bytes())
    approvals = tuple(Approval(step=s, approved_on=DAY) for s in approval_chain(DAY))
    _write(doc, submitted.model_copy(update={"approvals": approvals}))
    forged, kept = doc.read_bytes(), chain.read_bytes()
    capsys.readouterr()
    code = cli_transition(
        doc, "activate", actor="p", role="school_director", on="2025-03-03", chain=chain
    )
    assert code == 1
    assert "changed outside the chain" in capsys.readouterr().err
    assert (doc.read_bytes(), chain.read_bytes()) == (forged, kept)


# -- 5. both written or neither -------------------------------------------------------------------


def test_a_chain_that_cannot_be_appended_leaves_the_document_as_it_was(tmp_path: Path) -> None:
    doc = tmp_path / "plan.json"
    _write(doc, plan())
    before = doc.read_bytes()
    with pytest.raises(AtbalstsError, match="left as they were"):
        cli_transition(
            doc,
            "submit",
            actor="p",
            role="class_teacher",
            on="2025-03-03",
            chain=tmp_path / "nodir" / "c.jsonl",
        )
    assert doc.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]  # no temporary file left


def test_a_document_that_cannot_be_written_leaves_the_chain_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    _write(doc, plan())
    assert (
        cli_transition(doc, "submit", actor="p", role="class_teacher", on="2025-03-03", chain=chain)
        == 0
    )
    kept = chain.read_bytes()
    (tmp_path / "out").mkdir()

    def approve(output: Path) -> None:
        cli_transition(
            doc,
            "approve",
            actor="p",
            role="class_teacher",
            on="2025-03-03",
            chain=chain,
            output=output,
        )

    # a target in no folder fails before the append, and so does a directory (refused)
    for output, says in (
        (tmp_path / "nodir" / "out.json", "cannot write"),
        (tmp_path / "out", "is not a regular file"),
    ):
        with pytest.raises(AtbalstsError, match=says):
            approve(output)
        assert chain.read_bytes() == kept

    # a rename that fails after the append: the append is undone
    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(AtbalstsError, match="left as they were"):
        approve(tmp_path / "new.json")
    monkeypatch.undo()
    assert chain.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.jsonl", "out", "plan.json"]


# -- 6. no value echoed ---------------------------------------------------------------------------


def test_an_event_that_cannot_be_made_names_paths_never_values() -> None:
    kwargs: dict[str, Any] = {"actor": "Jane Doe, mother", "role": "social_pedagogue", "on": DAY}
    with pytest.raises(DocumentError) as info:
        transition(referral(), "cancel", reason="Synthetic", **kwargs)
    message = str(info.value)
    assert "actor" in info.value.paths
    assert "Jane" not in message
    assert "input_value" not in message


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"note": SECRET * 400}, "note"),
        ({f"k{i}": SECRET for i in range(30)}, "k0"),
        ({"Jane Doe 161175-19997": 1}, None),
        ({"step": "school_director"}, "step"),  # the workflow sets it, never the caller
    ],
    ids=["long-param", "too-many-params", "a-name-for-a-key", "workflow-set"],
)
def test_a_parameter_the_action_does_not_take_is_refused_without_its_value(
    params: dict[str, Any], named: str | None
) -> None:
    """A caller's parameters go into the audit chain: one the action does not take is refused
    (an outside tester wrote a learner's name and personal code there with exit 0), named only
    when it has the form of a parameter name, its value never."""
    with pytest.raises(LifecycleError) as info:
        transition(
            referral(),
            "cancel",
            actor="p-1",
            role="social_pedagogue",
            on=DAY,
            reason="Synthetic",
            params=params,
        )
    message = str(info.value)
    assert SECRET not in message
    assert "Jane" not in message
    assert "161175" not in message
    if named is None:
        assert info.value.code == "unknown_param_unnamed"
    else:
        assert info.value.code == "unknown_param"
        assert info.value.values["param"] == named
    assert info.value.values["known"] == "none"


def test_the_command_reports_an_actor_that_is_not_an_id_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "referral.json"
    _write(doc, referral())
    before = doc.read_bytes()
    argv = ["--actor", "Jane Doe", "--role", "social_pedagogue", "--on", "2025-03-03"]
    assert main(["transition", str(doc), "cancel", *argv, "--reason", "Synthetic"]) == 2
    err = capsys.readouterr().err
    assert "actor" in err
    assert "Jane" not in err
    assert "Traceback" not in err
    assert doc.read_bytes() == before


# -- 9. the workflow records the lawful basis -----------------------------------------------------


def test_a_callers_lawful_basis_is_refused_even_with_an_override() -> None:
    sharing = referral(referred_by={"institution": "school"})
    with pytest.raises(LifecycleError, match="lawful_basis"):
        transition(
            sharing,
            "send",
            actor="p",
            role="school_director",
            on=DAY,
            override=True,
            reason="Synthetic",
            params={"lawful_basis": "legal_duty:child_protection_report"},
        )
    report = referral(legal_duty="child_protection_report", purpose="child_protection")
    with pytest.raises(LifecycleError, match="lawful_basis"):
        transition(
            report,
            "send",
            actor="p",
            role="social_pedagogue",
            on=DAY,
            params={"lawful_basis": "no_personal_data"},
        )
    _, event = transition(report, "send", actor="p", role="social_pedagogue", on=DAY)
    assert event.params["lawful_basis"] == "legal_duty:child_protection_report"


def test_the_command_appends_on_a_new_line_to_a_chain_without_a_final_newline(
    tmp_path: Path,
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    _write(doc, plan())
    assert (
        cli_transition(doc, "submit", actor="p", role="class_teacher", on="2025-03-03", chain=chain)
        == 0
    )
    chain.write_bytes(chain.read_bytes().rstrip(b"\n"))
    assert (
        cli_transition(
            doc, "approve", actor="p", role="class_teacher", on="2025-03-03", chain=chain
        )
        == 0
    )
    assert verify_chain(chain.read_bytes().splitlines()).ok
    assert [e.action for e in read_chain(chain)] == ["submit", "approve"]


# -- late entries that stay allowed (found in review) -----------------------------------------

STEP_ROLES = {
    "author": "class_teacher",
    "school_director": "school_director",
    "municipal_coordinator": "municipal_coordinator",
    "national_coordinator": "national_coordinator",
}


def _active_plan() -> tuple[SupportPlan, AuditEvent]:
    chain = approval_chain(DAY)
    current, event = transition(plan(), "submit", actor="a", role="class_teacher", on=DAY)
    for step in chain:
        role = STEP_ROLES[step.value]
        current, event = transition(
            current, "approve", actor="a", role=role, on=DAY, previous=event, chain=chain
        )
    return transition(
        current, "activate", actor="a", role="school_director", on=DAY, previous=event, chain=chain
    )


def test_a_session_may_be_entered_after_a_later_review_or_a_later_session() -> None:
    active, event = _active_plan()
    reviewed, review = transition(
        active,
        "review",
        actor="a",
        role="class_teacher",
        on=date(2025, 4, 10),
        previous=event,
        params={"achievements": ("in-progress",), "outcome": "continue"},
    )
    late, entered = _deliver(reviewed, date(2025, 4, 8), "a", previous=review)
    assert late.deliveries[-1].on == date(2025, 4, 8)
    earlier, _ = _deliver(late, date(2025, 4, 7), "b", previous=entered)
    assert [d.on for d in earlier.deliveries][-2:] == [date(2025, 4, 8), date(2025, 4, 7)]
    # but never before the plan was approved
    with pytest.raises(LifecycleError, match=r"on \(2025-03-02\)"):
        _deliver(earlier, date(2025, 3, 2), "b")


def _deliver(
    document: SupportPlan, on: date, actor: str, previous: AuditEvent | None = None
) -> Transitioned[SupportPlan]:
    """One psychologist's session of the plan's first measure, given on ``on``."""
    return transition(
        document,
        "deliver",
        actor=actor,
        role="psychologist",
        on=on,
        previous=previous,
        params={"measure": 0, "sessions": 1},
    )


def test_a_consent_whose_withdrawal_day_has_passed_can_still_be_withdrawn() -> None:
    set_earlier = consent(withdrawn_on="2025-03-01")
    for params in ({}, {"effective": "2025-03-01"}):
        withdrawn, _ = transition(
            set_earlier, "withdraw", actor="a", role="parent", on=date(2025, 3, 5), params=params
        )
        assert withdrawn.withdrawn_on == date(2025, 3, 1)
    with pytest.raises(LifecycleError, match="cannot move it later"):
        transition(
            set_earlier,
            "withdraw",
            actor="a",
            role="parent",
            on=date(2025, 3, 5),
            params={"effective": "2025-03-05"},
        )


def test_the_command_keeps_the_documents_permissions(tmp_path: Path) -> None:
    doc = tmp_path / "referral.json"
    _write(doc, referral())
    doc.chmod(0o644)
    argv = ["--actor", "p-1", "--role", "social_pedagogue", "--on", "2025-03-03"]
    assert main(["transition", str(doc), "cancel", *argv, "--reason", "Synthetic"]) == 0
    assert doc.stat().st_mode & 0o777 == 0o644
    assert '"cancelled"' in doc.read_text(encoding="utf-8")


def test_the_command_keeps_a_documents_days_forward_past_other_documents_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: a referral's accept dated before its receive went through once another
    document's event sat between them in the chain (the API sees only the chain's last event;
    the command reads the document's own last one)."""
    ref, other, given, chain = (tmp_path / n for n in ("r.json", "p.json", "c.json", "ch.jsonl"))
    _write(ref, referral(consent_id="C-1"))
    _write(other, plan())
    _write(given, consent())

    def run(doc: Path, action: str, role: str, day: str, *extra: str) -> int:
        argv = ["--actor", "p-1", "--role", role, "--on", day, "--chain", str(chain)]
        return main(["transition", str(doc), action, *argv, *extra])

    assert run(ref, "send", "social_pedagogue", "2025-03-04", "--consent", str(given)) == 0
    assert run(ref, "receive", "social_service", "2025-03-06") == 0
    assert run(other, "submit", "class_teacher", "2025-03-07") == 0
    capsys.readouterr()
    before = (ref.read_bytes(), chain.read_bytes())
    assert run(ref, "accept", "social_service", "2025-03-05", "--lang", "en") == 1
    assert "on (2025-03-05) must not be before" in capsys.readouterr().err
    assert (ref.read_bytes(), chain.read_bytes()) == before
    assert run(ref, "accept", "social_service", "2025-03-06") == 0
