"""The national guards hold whatever the caller passes: a shortened approval chain, a legal duty
that covers only part of a sharing, a withdrawal that would move later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import DAY, consent, plan, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import ApprovalStep, ConsentStatus, PlanStatus, SupportPlan
from atbalsts.workflow import approval_chain, cli_transition, transition

#: Who takes each step in these tests.
STEP_ROLE = {
    ApprovalStep.AUTHOR: "class_teacher",
    ApprovalStep.SCHOOL_DIRECTOR: "school_director",
    ApprovalStep.MUNICIPAL_COORDINATOR: "municipal_coordinator",
    ApprovalStep.NATIONAL_COORDINATOR: "national_coordinator",
}
PUMPURS_DAY = date(2023, 3, 1)


def _approved(chain: tuple[ApprovalStep, ...], on: date = DAY) -> SupportPlan:
    """A plan submitted and approved along ``chain`` on ``on``."""
    current = transition(plan(), "submit", actor="t", role="class_teacher", on=on).document
    for step in chain:
        current = transition(
            current, "approve", actor="a", role=STEP_ROLE[step], on=on, chain=chain
        ).document
    return current


# -- 3: a chain may add steps to the national ones, never remove one ---------------------------


def test_an_empty_chain_does_not_activate_a_plan_without_approvals() -> None:
    submitted = _approved(())
    with pytest.raises(LifecycleError) as info:
        transition(submitted, "activate", actor="d", role="school_director", on=DAY, chain=())
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.plan.approvals_default"
    assert "author, school_director" in refusal.reason
    assert "national approval chain" in refusal.reason


def test_under_pumpurs_a_chain_without_ikvd_is_refused_naming_its_step() -> None:
    chain = (ApprovalStep.AUTHOR, ApprovalStep.SCHOOL_DIRECTOR, ApprovalStep.MUNICIPAL_COORDINATOR)
    approved = _approved(chain, PUMPURS_DAY)
    with pytest.raises(LifecycleError) as info:
        transition(
            approved, "activate", actor="d", role="school_director", on=PUMPURS_DAY, chain=chain
        )
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.plan.approvals"
    assert "national_coordinator" in refusal.reason
    assert "author" not in refusal.reason


def test_a_state_vocational_schools_chain_still_activates() -> None:
    chain = approval_chain(DAY, state_vocational_school=True)
    approved = _approved(chain)
    active = transition(
        approved,
        "activate",
        actor="d",
        role="school_director",
        on=DAY,
        chain=chain,
        state_vocational_school=True,
    )
    assert active.document.status is PlanStatus.ACTIVE


def test_the_cli_with_empty_steps_refuses_activation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "plan.json"
    doc.write_text(_approved(()).model_dump_json(), encoding="utf-8")
    status = cli_transition(
        doc, "activate", actor="d", role="school_director", on="2025-03-03", steps=""
    )
    assert status == 1
    assert "author, school_director" in capsys.readouterr().err
    assert '"status": "active"' not in doc.read_text(encoding="utf-8")


@given(
    steps=st.lists(st.sampled_from(list(ApprovalStep)), unique=True, max_size=4),
    on=st.sampled_from([PUMPURS_DAY, DAY]),
    vocational=st.booleans(),
)
def test_whatever_the_chain_an_active_plan_has_the_national_approvals(
    steps: list[ApprovalStep], on: date, vocational: bool
) -> None:
    chain = tuple(steps)
    national = {ApprovalStep.AUTHOR, ApprovalStep.SCHOOL_DIRECTOR}
    if on == PUMPURS_DAY:
        national.add(ApprovalStep.NATIONAL_COORDINATOR)
    if not vocational:  # [S17]: only a state vocational school skips the municipality
        national.add(ApprovalStep.MUNICIPAL_COORDINATOR)
    approved = _approved(chain, on)
    try:
        active = transition(
            approved,
            "activate",
            actor="d",
            role="school_director",
            on=on,
            chain=chain,
            state_vocational_school=vocational,
        ).document
    except LifecycleError as refused:
        assert not national <= set(chain)
        [refusal] = refused.refusals
        assert all(s.value in refusal.reason for s in national - set(chain))
    else:
        assert national <= {a.step for a in active.approvals}


# -- 7: where a legal duty covers only part of a sharing, a consent covers the rest -------------

WIDE = {
    "recipients": ["municipal_education_board", "social_service"],
    "purposes": ["absence_follow_up"],
    "data_categories": ["identity", "attendance", "family"],
}


def _send(r: object, *consents: object) -> object:
    return transition(
        r,  # type: ignore[type-var]
        "send",
        actor="s",
        role="social_pedagogue",
        on=DAY,
        consents=consents,  # type: ignore[arg-type]
    )


def test_an_mk89_notice_sharing_family_rests_on_a_covering_consent() -> None:
    notice = referral(
        referred_to={"institution": "municipal_education_board"},
        legal_duty="absence_notice",
        purpose="absence_follow_up",
        data_categories=["identity", "attendance", "family"],
        consent_id="C-1",
    )
    sent = _send(notice, consent(**WIDE))
    assert sent.document.status.value == "requested"  # type: ignore[attr-defined]
    # the event says both grounds: the duty for the notice, the consent for the family data
    assert sent.event.params["lawful_basis"] == "legal_duty:absence_notice+consent:C-1"  # type: ignore[attr-defined]
    # The consent covers what the duty does not: the family data, for the board and purpose.
    narrow = consent(**{**WIDE, "data_categories": ["family"]})
    _send(notice, narrow)
    with pytest.raises(LifecycleError) as info:
        _send(notice, consent(**{**WIDE, "data_categories": ["identity", "attendance"]}))
    [refusal] = info.value.refusals
    assert "family" in refusal.reason
    assert "identity" not in refusal.reason.split(";")[0]


def test_an_mk89_notice_to_the_social_service_rests_on_a_consent_covering_all_of_it() -> None:
    notice = referral(legal_duty="absence_notice", purpose="absence_follow_up", consent_id="C-1")
    sent = _send(notice, consent(**WIDE))
    # the duty covers none of it (another recipient): it rests on the consent alone
    assert sent.event.params["lawful_basis"] == "consent:C-1"  # type: ignore[attr-defined]
    with pytest.raises(LifecycleError) as info:
        _send(notice, consent(**{**WIDE, "recipients": ["municipal_education_board"]}))
    [refusal] = info.value.refusals
    assert "social_service" in refusal.reason
    assert "MK 89" in refusal.reason


def test_an_art73_report_to_another_recipient_rests_on_a_consent() -> None:
    report = referral(
        legal_duty="child_protection_report",
        purpose="child_protection",
        referred_to={"institution": "pedagogical_medical_commission"},
        consent_id="C-1",
    )
    covering = consent(
        recipients=["pedagogical_medical_commission"],
        purposes=["child_protection"],
        data_categories=["identity", "attendance"],
    )
    _send(report, covering)
    with pytest.raises(LifecycleError) as info:
        _send(report.model_copy(update={"consent_id": None}), covering)
    assert "names no consent" in info.value.refusals[0].reason


def test_a_consent_given_after_the_sending_day_does_not_cover_it() -> None:
    later = consent(given_on="2025-04-01", period={"start": "2025-02-01", "end": "2025-08-31"})
    with pytest.raises(LifecycleError) as info:
        _send(referral(consent_id="C-1"), later)
    [refusal] = info.value.refusals
    assert "given after 2025-03-03" in refusal.reason
    _send(referral(consent_id="C-1"), consent(given_on="2025-03-03"))


# -- 8: a withdrawal ends a consent, it does not extend one ------------------------------------


def test_a_withdrawal_cannot_move_a_set_withdrawal_later() -> None:
    scheduled = consent(withdrawn_on="2025-03-10")
    with pytest.raises(LifecycleError) as info:
        transition(
            scheduled,
            "withdraw",
            actor="p",
            role="social_pedagogue",
            on=date(2025, 3, 5),
            params={"effective": "2025-06-01"},
        )
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.consent.withdrawal"
    assert "withdrawn_on" in refusal.reason
    assert not scheduled.in_force(date(2025, 3, 12))


def test_a_withdrawal_may_bring_a_set_withdrawal_forward() -> None:
    """To a later day than the one it is recorded on it stays scheduled (``active`` until then),
    to that day it withdraws at once."""
    scheduled = consent(withdrawn_on="2025-03-10")
    for effective, status in (
        ("2025-03-05", ConsentStatus.WITHDRAWN),
        ("2025-03-06", ConsentStatus.ACTIVE),
        ("2025-03-10", ConsentStatus.ACTIVE),
    ):
        withdrawn = transition(
            scheduled,
            "withdraw",
            actor="p",
            role="social_pedagogue",
            on=date(2025, 3, 5),
            params={"effective": effective},
        ).document
        assert withdrawn.status is status
        assert withdrawn.withdrawn_on == date.fromisoformat(effective)


def test_a_guard_set_without_the_national_guards_is_refused() -> None:
    from atbalsts.workflow._guards import NATIONAL_GUARDS, GuardSet

    with pytest.raises(ValueError, match="every national guard"):
        GuardSet(())
    national = GuardSet.national()
    with pytest.raises(ValueError, match=NATIONAL_GUARDS[0].id.replace(".", r"\.")):
        GuardSet(national.guards[1:])
    # a stand-in with a national guard's id is not the national guard
    first, name = national.guards[0]
    stand_in = attrs.evolve(first, function=lambda *args: ())
    with pytest.raises(ValueError, match="missing"):
        GuardSet(((stand_in, name), *national.guards[1:]))


# -- a completion is judged by the chain of the day the plan was approved ------------------------


def _reviewed(
    term: dict[str, object],
    period: dict[str, str],
    approved_on: date,
    chain: tuple[ApprovalStep, ...],
    activated_on: date,
    reviewed_on: date,
) -> SupportPlan:
    """A plan of ``term`` approved along ``chain`` on ``approved_on``, activated on
    ``activated_on`` and reviewed on ``reviewed_on``."""
    current = transition(
        plan(term=term, period=period), "submit", actor="t", role="class_teacher", on=approved_on
    )
    for step in chain:
        current = transition(
            current.document,
            "approve",
            actor="a",
            role=STEP_ROLE[step],
            on=approved_on,
            chain=chain,
        )
    active = transition(
        current.document, "activate", actor="d", role="school_director", on=activated_on
    )
    return transition(
        active.document,
        "review",
        actor="t",
        role="class_teacher",
        on=reviewed_on,
        params={"achievements": ("achieved",), "outcome": "close_no_longer_needed"},
    ).document


def _plan_of_2017() -> SupportPlan:
    """A plan of the second semester of 2016/2017, approved and activated in February 2017,
    before PuMPuRS began (1 March 2017), and reviewed at the semester's end."""
    chain = approval_chain(date(2017, 2, 1))
    assert ApprovalStep.NATIONAL_COORDINATOR not in chain
    term = {"school_year": "2016/2017", "semester": 2}
    period = {"start": "2017-01-09", "end": "2017-05-31"}
    return _reviewed(term, period, date(2017, 2, 1), chain, date(2017, 2, 2), date(2017, 5, 31))


def test_a_plan_approved_before_pumpurs_completes_under_it_without_the_ikvd_step() -> None:
    done = transition(
        _plan_of_2017(), "complete", actor="d", role="school_director", on=date(2017, 5, 31)
    )
    assert done.document.status is PlanStatus.COMPLETED


def test_a_completion_under_pumpurs_still_needs_the_steps_of_the_approval_day() -> None:
    reviewed = _plan_of_2017()
    without_director = reviewed.model_copy(
        update={"approvals": tuple(a for a in reviewed.approvals if a.step.value == "author")}
    )
    with pytest.raises(LifecycleError) as info:
        transition(
            without_director, "complete", actor="d", role="school_director", on=date(2017, 5, 31)
        )
    [refusal] = info.value.refusals
    assert "school_director" in refusal.reason
    assert "national_coordinator" not in refusal.reason


def test_a_plan_activated_after_pumpurs_ended_completes_without_the_ikvd_step() -> None:
    """Approved in December 2023 under PuMPuRS, but activated in January 2024 when the national
    step was no longer needed (so it has none): its completion does not ask for it."""
    chain = approval_chain(date(2024, 1, 3))  # the chain of the activation's day
    assert ApprovalStep.NATIONAL_COORDINATOR not in chain
    term = {"school_year": "2023/2024", "semester": 1}
    period = {"start": "2023-09-01", "end": "2024-01-31"}
    reviewed = _reviewed(
        term, period, date(2023, 12, 20), chain, date(2024, 1, 3), date(2024, 1, 31)
    )
    done = transition(reviewed, "complete", actor="d", role="school_director", on=date(2024, 1, 31))
    assert done.document.status is PlanStatus.COMPLETED


# -- the national floor: no municipal guard stops a send the law requires -----------------------


def _municipal_guards(fails: bool) -> object:
    """A municipality's guard on sending referrals that refuses every one, or fails trying."""
    from atbalsts.policy import BasisKind, LegalBasis
    from atbalsts.workflow import Transition, guard
    from atbalsts.workflow._guards import NATIONAL_GUARDS, GuardSet

    @guard(
        "ezermala.guard.referral_note",
        document="referral",
        actions=("send",),
        legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Illustrative, not law."),
    )
    def needs_note(t: Transition) -> str | None:
        if fails:
            raise AttributeError("'NoneType' object has no attribute 'year'")
        return "a local cover note is missing"

    national = tuple((g, "lv") for g in NATIONAL_GUARDS)
    return GuardSet((*national, (needs_note, "ezermala")))


@pytest.mark.parametrize("fails", [False, True], ids=["refuses", "raises"])
@pytest.mark.parametrize(
    ("duty", "to", "purpose"),
    [
        ("child_protection_report", "state_police", "child_protection"),
        ("absence_notice", "municipal_education_board", "absence_follow_up"),
    ],
)
def test_a_municipal_guard_cannot_stop_a_send_the_law_requires(
    fails: bool, duty: str, to: str, purpose: str
) -> None:
    """The same-day Art. 73 report and the MK 89 notice are sent whatever a municipal guard says
    or raises; the event names the guard as overridden by the duty. The same guard still stops
    a referral no law requires."""
    guards = _municipal_guards(fails)
    required = referral(
        legal_duty=duty, purpose=purpose, referred_to={"institution": to}, urgency="same_day"
    )
    sent = transition(
        required,
        "send",
        actor="t",
        role="social_pedagogue",
        on=DAY,
        guards=guards,  # type: ignore[arg-type]
    )
    assert sent.document.status.value == "requested"
    assert sent.event.overrides == ("ezermala.guard.referral_note",)
    assert sent.event.params["lawful_basis"] == f"legal_duty:{duty}"

    with pytest.raises(LifecycleError) as info:
        transition(
            referral(consent_id="C-1"),
            "send",
            actor="t",
            role="social_pedagogue",
            on=DAY,
            consents=(consent(),),
            guards=guards,  # type: ignore[arg-type]
        )
    [refusal] = info.value.refusals
    assert (refusal.guard, refusal.plugin) == ("ezermala.guard.referral_note", "ezermala")


@pytest.mark.parametrize(
    "changes",
    [
        # the MK 89 notice to another recipient than the board: it rests on the consent
        {"legal_duty": "absence_notice", "consent_id": "C-1"},
        # the MK 89 notice to the board, sharing health besides what the duty covers
        {
            "legal_duty": "absence_notice",
            "purpose": "absence_follow_up",
            "referred_to": {"institution": "municipal_education_board"},
            "data_categories": ["identity", "attendance", "health"],
            "consent_id": "C-1",
        },
        # an Art. 73 report to a body the article does not name
        {"legal_duty": "child_protection_report", "referred_to": {"institution": "ikvd"}},
    ],
    ids=["notice-elsewhere", "notice-with-health", "report-elsewhere"],
)
def test_a_municipal_guard_still_judges_what_the_duty_does_not_require(
    changes: dict[str, object],
) -> None:
    """Only a send the duty requires, and no more, passes a municipal guard: a referral that
    names a legal duty but goes to another recipient, or shares more than the duty covers,
    is judged like any other."""
    covering = consent(
        recipients=["social_service", "municipal_education_board", "ikvd"],
        purposes=["social_assistance", "absence_follow_up", "child_protection"],
        data_categories=["identity", "attendance", "health"],
    )
    with pytest.raises(LifecycleError) as info:
        transition(
            referral(**changes),
            "send",
            actor="t",
            role="social_pedagogue",
            on=DAY,
            consents=(covering,),
            guards=_municipal_guards(False),  # type: ignore[arg-type]
        )
    guards = [r.guard for r in info.value.refusals]
    assert "ezermala.guard.referral_note" in guards
