"""Issue 12 acceptance: the consent gate, the approval chain, the review, the chain file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, consent, plan, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import ApprovalStep, PlanStatus, TaskStatus
from atbalsts.workflow import (
    approval_chain,
    cli_audit_verify,
    cli_transition,
    transition,
    verify_chain,
)

# -- the consent gate ----------------------------------------------------------------------------


def test_a_referral_to_the_social_service_without_consent_is_refused_naming_the_law() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(referral(), "send", actor="staff-1", role="social_pedagogue", on=DAY)
    err = info.value
    assert (err.document, err.status, err.action) == ("referral", "draft", "send")
    [refusal] = err.refusals
    assert refusal.guard == "lv.guard.referral.consent"
    assert "2016/679" in refusal.basis
    assert "Art. 6(1)" in refusal.basis
    assert refusal.basis.startswith("methodological_default")  # the gate is ours, not law
    assert "2016/679" in str(err)
    assert "Art. 73" in refusal.reason  # it says which legal duty would have needed none


def test_the_same_referral_as_an_art73_report_needs_no_consent() -> None:
    report = referral(legal_duty="child_protection_report", purpose="child_protection")
    sent, event = transition(report, "send", actor="staff-1", role="social_pedagogue", on=DAY)
    assert sent.status is TaskStatus.REQUESTED
    assert sent.sent_on == DAY
    assert event.params["lawful_basis"] == "legal_duty:child_protection_report"
    assert event.overrides == ()


def test_the_mk89_notice_needs_no_consent_only_towards_the_education_board() -> None:
    board = referral(
        legal_duty="absence_notice",
        purpose="absence_follow_up",
        referred_to={"institution": "municipal_education_board"},
    )
    assert transition(board, "send", actor="s", role="social_pedagogue", on=DAY).document.sent_on
    elsewhere = referral(legal_duty="absence_notice", purpose="absence_follow_up")
    with pytest.raises(LifecycleError, match="education board"):
        transition(elsewhere, "send", actor="s", role="social_pedagogue", on=DAY)


def test_an_art73_report_to_someone_the_law_does_not_name_needs_a_consent() -> None:
    report = referral(
        legal_duty="child_protection_report",
        purpose="child_protection",
        referred_to={"institution": "specialist"},
    )
    with pytest.raises(LifecycleError, match="police, the orphan's court"):
        transition(report, "send", actor="staff-1", role="social_pedagogue", on=DAY)


def test_the_mk89_notice_shares_identity_and_absences_only_without_consent() -> None:
    notice = referral(
        legal_duty="absence_notice",
        purpose="absence_follow_up",
        referred_to={"institution": "municipal_education_board"},
        data_categories=["identity", "attendance", "health"],
    )
    with pytest.raises(LifecycleError, match="health with the board"):
        transition(notice, "send", actor="s", role="social_pedagogue", on=DAY)


def test_a_consent_in_force_that_covers_the_referral_lets_it_go() -> None:
    given = referral(consent_id="C-1")
    sent, event = transition(
        given, "send", actor="s", role="social_pedagogue", on=DAY, consents=[consent()]
    )
    assert sent.status is TaskStatus.REQUESTED
    assert event.params["lawful_basis"] == "consent:C-1"


@pytest.mark.parametrize(
    ("change", "gap"),
    [
        ({"withdrawn_on": "2025-03-01", "status": "withdrawn"}, "not in force on 2025-03-03"),
        ({"period": {"start": "2025-02-01", "end": "2025-03-02"}}, "not in force"),
        ({"recipients": ["orphans_court"]}, "recipient social_service"),
        ({"purposes": ["support_plan"]}, "purpose social_assistance"),
        ({"data_categories": ["identity"]}, "data categories attendance"),
        ({"learner_id": "L-0002"}, "another learner"),
    ],
)
def test_a_consent_that_does_not_cover_the_referral_refuses_it(
    change: dict[str, object], gap: str
) -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            referral(consent_id="C-1"),
            "send",
            actor="s",
            role="social_pedagogue",
            on=DAY,
            consents=[consent(**change)],
        )
    assert gap in info.value.refusals[0].reason


def test_a_withdrawal_stops_further_sharing_but_not_past_sharing() -> None:
    withdrawn, _ = transition(
        consent(),
        "withdraw",
        actor="s",
        role="social_pedagogue",
        on=date(2025, 3, 10),
        params={"effective": "2025-03-10"},
    )
    assert withdrawn.in_force(date(2025, 3, 9))  # what was shared before stays lawful
    assert not withdrawn.in_force(date(2025, 3, 10))
    before = transition(
        referral(consent_id="C-1"),
        "send",
        actor="s",
        role="social_pedagogue",
        on=date(2025, 3, 9),
        consents=[withdrawn],
    )
    assert before.document.status is TaskStatus.REQUESTED
    with pytest.raises(LifecycleError, match="not in force on 2025-03-10"):
        transition(
            referral(consent_id="C-1"),
            "send",
            actor="s",
            role="social_pedagogue",
            on=date(2025, 3, 10),
            consents=[withdrawn],
        )


def test_a_withdrawal_never_takes_effect_backwards() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            consent(),
            "withdraw",
            actor="s",
            role="social_pedagogue",
            on=date(2025, 3, 10),
            params={"effective": "2025-03-01"},
        )
    assert info.value.refusals[0].guard == "lv.guard.consent.withdrawal"
    assert "7. panta 3. punkts" in info.value.refusals[0].basis


def test_the_director_overrides_the_consent_guard_with_a_reason_recorded() -> None:
    with pytest.raises(LifecycleError):  # no reason: no override
        transition(referral(), "send", actor="d", role="school_director", on=DAY, override=True)
    sent, event = transition(
        referral(referred_by={"institution": "school", "role": "school_director"}),
        "send",
        actor="d",
        role="school_director",
        on=DAY,
        override=True,
        reason="Public task, GDPR Art. 6(1)(e): synthetic reason.",
    )
    assert sent.status is TaskStatus.REQUESTED
    assert event.overrides == ("lv.guard.referral.consent",)
    assert event.reason


def test_a_role_without_the_authority_cannot_override() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            referral(),
            "send",
            actor="s",
            role="social_pedagogue",
            on=DAY,
            override=True,
            reason="I think it is fine",
        )
    assert info.value.refusals[0].override_roles == ("school_director",)


# -- the plan's chain and review -----------------------------------------------------------------


def _submitted() -> object:
    return transition(plan(), "submit", actor="t", role="class_teacher", on=DAY).document


def test_a_plan_cannot_become_active_without_every_approval_of_its_chain() -> None:
    chain = approval_chain(DAY)
    assert chain == (
        ApprovalStep.AUTHOR,
        ApprovalStep.SCHOOL_DIRECTOR,
        ApprovalStep.MUNICIPAL_COORDINATOR,
    )
    current = transition(plan(), "submit", actor="t", role="class_teacher", on=DAY).document
    roles = {"author": "class_teacher", "school_director": "school_director"}
    roles["municipal_coordinator"] = "municipal_coordinator"
    for step in chain:
        with pytest.raises(LifecycleError) as info:
            transition(current, "activate", actor="d", role="school_director", on=DAY)
        assert info.value.refusals[0].guard.startswith("lv.guard.plan.approvals")
        assert step.value in info.value.refusals[0].reason
        current = transition(current, "approve", actor="a", role=roles[step.value], on=DAY).document
    active = transition(current, "activate", actor="d", role="school_director", on=DAY).document
    assert active.status is PlanStatus.ACTIVE


def test_a_draft_plan_cannot_be_activated_at_all() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(plan(), "activate", actor="d", role="school_director", on=DAY)
    assert info.value.status == "draft"
    assert info.value.allowed == ("submit", "revoke", "enter-in-error")
    assert info.value.refusals == ()


def test_only_the_step_waiting_may_approve() -> None:
    submitted = transition(plan(), "submit", actor="t", role="class_teacher", on=DAY).document
    with pytest.raises(LifecycleError) as info:
        transition(submitted, "approve", actor="d", role="school_director", on=DAY)
    assert "author" in info.value.refusals[0].reason


def test_under_pumpurs_the_chain_ends_with_the_national_coordinator() -> None:
    assert approval_chain(date(2023, 3, 1))[-1] is ApprovalStep.NATIONAL_COORDINATOR
    assert ApprovalStep.MUNICIPAL_COORDINATOR not in approval_chain(
        DAY, state_vocational_school=True
    )


def _active() -> object:
    current = transition(plan(), "submit", actor="t", role="class_teacher", on=DAY).document
    for role in ("class_teacher", "school_director", "municipal_coordinator"):
        current = transition(current, "approve", actor="a", role=role, on=DAY).document
    return transition(current, "activate", actor="d", role="school_director", on=DAY).document


def test_a_plan_cannot_be_completed_without_a_review() -> None:
    active = _active()
    with pytest.raises(LifecycleError) as info:
        transition(active, "complete", actor="d", role="school_director", on=DAY)  # type: ignore[type-var]
    assert [r.guard for r in info.value.refusals] == ["lv.guard.plan.review_default"]
    reviewed = transition(
        active,  # type: ignore[type-var]
        "review",
        actor="t",
        role="class_teacher",
        on=date(2025, 5, 30),
        params={"achievements": ("achieved",), "outcome": "close_no_longer_needed"},
    ).document
    assert reviewed.goals[0].status.value == "achieved"
    done = transition(
        reviewed, "complete", actor="d", role="school_director", on=date(2025, 5, 30)
    ).document
    assert done.status is PlanStatus.COMPLETED


# -- the chain file and the command functions ----------------------------------------------------


def _write(path: Path, document: object) -> None:
    path.write_text(document.model_dump_json(), encoding="utf-8")  # type: ignore[attr-defined]


def test_commands_write_the_document_and_a_chain_that_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    _write(doc, plan())
    steps = [
        ("submit", "class_teacher"),
        ("approve", "class_teacher"),
        ("approve", "school_director"),
        ("approve", "municipal_coordinator"),
        ("activate", "school_director"),
    ]
    for action, role in steps:
        assert (
            cli_transition(doc, action, actor="p-1", role=role, on="2025-03-03", chain=chain) == 0
        )
    assert '"status": "active"' in doc.read_text(encoding="utf-8")
    assert len(chain.read_bytes().splitlines()) == 5
    assert cli_audit_verify(chain) == 0
    assert "5 event(s) verifies" in capsys.readouterr().out
    refused = cli_transition(doc, "complete", actor="d", role="school_director", on="2025-05-30")
    assert refused == 1
    assert "lv.guard.plan.review" in capsys.readouterr().err


def _chain_file(tmp_path: Path) -> Path:
    doc, chain = tmp_path / "referral.json", tmp_path / "chain.jsonl"
    _write(doc, referral(legal_duty="child_protection_report", purpose="child_protection"))
    for action, role, reason in [
        ("send", "social_pedagogue", None),
        ("receive", "social_service", None),
        ("accept", "social_service", None),
        ("start", "social_service", None),
        ("hold", "social_service", "Synthetic pause"),
    ]:
        assert (
            cli_transition(
                doc, action, actor="p", role=role, on="2025-03-03", reason=reason, chain=chain
            )
            == 0
        )
    return chain


def test_changing_any_byte_of_a_chain_file_names_the_first_bad_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = _chain_file(tmp_path)
    original = chain.read_bytes()
    lines = original.splitlines(keepends=True)
    starts = [sum(len(line) for line in lines[:i]) for i in range(len(lines))]
    for position in range(len(original)):
        changed = bytearray(original)
        changed[position] = (changed[position] + 1) % 256 or 1
        chain.write_bytes(bytes(changed))
        line = max(i for i, start in enumerate(starts) if start <= position)
        assert cli_audit_verify(chain) == 1, position
        err = capsys.readouterr().err
        named = int(err.split("event ", 1)[1].split(" ", 1)[0])
        # the changed event is named, or (a changed newline joins two lines) the one it joins
        assert named in (line, line + 1) or (named == line - 1 and original[position] == 10), (
            position,
            err,
        )
    chain.write_bytes(original)
    assert cli_audit_verify(chain) == 0


def test_verify_names_deletions_insertions_and_moves(tmp_path: Path) -> None:
    lines = _chain_file(tmp_path).read_bytes().splitlines()
    assert verify_chain(lines).ok
    deleted = verify_chain(lines[:2] + lines[3:])
    assert (deleted.first_bad, "deleted" in str(deleted.problem)) == (2, True)
    moved = verify_chain([lines[0], lines[2], lines[1], *lines[3:]])
    assert moved.first_bad == 1
    inserted = verify_chain([lines[0], lines[1], lines[1], *lines[2:]])
    assert inserted.first_bad == 2
    assert not verify_chain(lines[:-1], head=verify_chain(lines).head).ok
    assert verify_chain(lines, head=verify_chain(lines).head).ok
