"""Who may take each transition: for every lifecycle action, a role not entitled to it is
refused by a national guard that names the action and the role, and no role can override it; an
entitled role is never refused for its role.

The entitlements below are the table of docs/reference/workflow.md ("Who may take each
transition"), written out here on their own so that the guards are checked against the table and
not against themselves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.workflow.fixtures import consent, plan, referral

from atbalsts.codes import INSTITUTIONS, ROLES
from atbalsts.errors import LifecycleError, Refusal
from atbalsts.model import Consent, Referral, SupportPlan
from atbalsts.privacy import duty_recipients
from atbalsts.workflow import (
    CONSENT,
    PLAN,
    REFERRAL,
    allowed_actions,
    approval_chain,
    pending_step,
    transition,
)

ON = date(2025, 3, 10)
CHAIN = approval_chain(ON)

#: Every role a caller may act in: the national roles but ``any_staff`` (a group of roles a
#: document names, refused as an acting role: test_acting_role), the institutions, a
#: municipality's own role.
EVERY_ROLE = sorted({*ROLES.codes(), *INSTITUTIONS.codes(), "bauska:coordinator"} - {"any_staff"})
#: The school's staff: the roles tagged school or support staff, and "any staff".
SCHOOL_STAFF = {
    "any_staff",
    "class_teacher",
    "subject_teacher",
    "social_pedagogue",
    "psychologist",
    "speech_therapist",
    "special_pedagogue",
    "teacher_assistant",
    "career_counsellor",
    "librarian",
    "sign_language_interpreter",
    "occupational_therapist",
    "assistant",
    "plan_author",
    "school_coordinator",
    "school_director",
}
#: The guards that say who may act.
ROLE_GUARDS = {
    "lv.guard.plan.role",
    "lv.guard.plan.approver",
    "lv.guard.plan.approver_default",
    "lv.guard.referral.parties",
    "lv.guard.consent.role",
}
STEP_TAKER = {
    "author": None,  # the plan's author
    "school_director": "school_director",
    "municipal_coordinator": "municipal_coordinator",
    "national_coordinator": "national_coordinator",
}


def _as(role: str) -> set[str]:
    """A role named in a document: itself, or all the school's staff for "any staff"."""
    return set(SCHOOL_STAFF) if role == "any_staff" else {role}


def plan_takers(document: SupportPlan, action: str) -> set[str]:
    author = _as(document.author_role) | {"plan_author"}
    director = {"school_director"}
    if action == "submit":
        return author
    if action in ("approve", "reject"):
        step = pending_step(document, CHAIN)
        assert step is not None
        taker = STEP_TAKER[step.value]
        return {taker} if taker else author
    if action == "activate":
        return director
    if action == "deliver":
        return _as(document.measures[0].responsible_role) | author | director
    if action == "revoke":
        return author | director if document.submitted_on is None else director
    assert action in ("review", "hold", "resume", "complete", "enter-in-error"), action
    return author | director


def referral_takers(document: Referral, action: str) -> set[str]:
    def party(which: Any) -> set[str]:
        roles = {which.institution} | (_as(which.role) if which.role else set())
        if which.institution == "school":  # its director always acts for a school
            roles |= SCHOOL_STAFF if not which.role else {"school_director"}
        return roles

    sender, recipient = party(document.referred_by), party(document.referred_to)
    threat_report = document.legal_duty is not None and (
        document.legal_duty.value == "child_protection_report"
        and document.referred_by.institution == "school"
        and document.referred_to.institution in duty_recipients(document.legal_duty, ON)
    )
    if action == "send" and threat_report:  # Art. 73(1): whoever of the staff learns of it
        return sender | SCHOOL_STAFF
    if action in ("send", "cancel"):
        return sender
    if action == "enter-in-error":
        return sender | recipient
    return recipient


def consent_takers(document: Consent, action: str) -> set[str]:
    staff = SCHOOL_STAFF | {"school"}
    if action == "withdraw":  # the learner of full age and either legal representative too
        return staff | {document.grantor, "parent", "guardian", "adult_learner"}
    return staff


#: Documents in each status of their lifecycle, as a host would hold them.
PLANS = {
    "draft": {},
    "submitted": {"submitted_on": "2025-03-03"},
    "active": {"status": "active", "submitted_on": "2025-03-03"},
    "on-hold": {"status": "on-hold", "submitted_on": "2025-03-03"},
    "completed": {"status": "completed", "submitted_on": "2025-03-03"},
    "revoked": {"status": "revoked", "submitted_on": "2025-03-03"},
    "unknown": {"status": "unknown"},
}
APPROVED = [
    {"step": "author", "approved_on": "2025-03-03"},
    {"step": "school_director", "approved_on": "2025-03-04"},
]
#: What each action needs besides the role, so that only the guards can refuse it.
PARAMS: dict[str, dict[str, Any]] = {
    "review": {"achievements": ("achieved",), "outcome": "continue"},
    "deliver": {"measure": 0, "sessions": 1},
    "withdraw": {"effective": ON.isoformat()},
    "complete": {"outcome": "Synthetic outcome"},  # a referral's answer; a plan's takes none
}


def _document(kind: str, status: str, data: st.DataObject) -> SupportPlan | Referral | Consent:
    if kind == "plan":
        author = data.draw(st.sampled_from([*sorted(SCHOOL_STAFF), "bauska:tutor"]), "author")
        giver = data.draw(st.sampled_from([*sorted(SCHOOL_STAFF), "municipal_coordinator"]))
        measure = {
            "measure": "psychologist_consultation",
            "responsible_role": giver,
            "funding": "skola_kopiena",
            "sessions": 6,
        }
        approvals = APPROVED[: data.draw(st.integers(0, 2), "approvals")]
        if status != "submitted":
            approvals = []
        return plan(author_role=author, measures=[measure], approvals=approvals, **PLANS[status])
    if kind == "referral":
        sender = data.draw(st.sampled_from([None, "social_pedagogue", "class_teacher"]))
        return referral(
            status=status,
            referred_by={"institution": "school", "role": sender},
            legal_duty="child_protection_report",
            purpose="child_protection",
        )
    withdrawn = {"withdrawn_on": "2025-03-05"} if status == "withdrawn" else {}
    grantor = data.draw(st.sampled_from(["parent", "guardian", "adult_learner"]), "grantor")
    return consent(status=status, grantor=grantor, **withdrawn)


TABLES = {"plan": PLAN, "referral": REFERRAL, "consent": CONSENT}
#: Every transition of every lifecycle: (document, status, action).
EDGES = sorted(
    (kind, status, action)
    for kind, table in TABLES.items()
    for status, actions in table.items()
    if status != "entered-in-error"
    for action in actions
)


def _takers(document: SupportPlan | Referral | Consent, action: str) -> set[str]:
    if isinstance(document, SupportPlan):
        return plan_takers(document, action)
    if isinstance(document, Referral):
        return referral_takers(document, action)
    return consent_takers(document, action)


def _params(document: Any, action: str) -> dict[str, Any]:
    """The parameters ``action`` takes on ``document`` (a plan's ``complete`` takes none: a
    parameter an action does not take is refused)."""
    if isinstance(document, SupportPlan) and action == "complete":
        return {}
    return PARAMS.get(action, {})


def _role_refusals(document: Any, action: str, role: str, **more: Any) -> list[Refusal] | None:
    """The refusals of the guards that say who may act, or None when the action is not allowed
    from the document's status (the lifecycle refuses it before any guard)."""
    try:
        transition(
            document,
            action,
            actor="p-1",
            role=role,
            on=ON,
            reason="Synthetic reason",
            params=_params(document, action),
            **more,
        )
    except LifecycleError as refused:
        if not refused.refusals and action not in refused.allowed:
            return None
        return [r for r in refused.refusals if r.guard in ROLE_GUARDS]
    return []


@settings(max_examples=400)
@given(
    edge=st.sampled_from(EDGES),
    role=st.sampled_from(EVERY_ROLE),
    override=st.booleans(),
    data=st.data(),
)
def test_every_transition_is_refused_to_every_role_not_entitled_to_it(
    edge: tuple[str, str, str], role: str, override: bool, data: st.DataObject
) -> None:
    kind, status, action = edge
    document = _document(kind, status, data)
    if action not in allowed_actions(document, CHAIN):
        return  # approve and reject only while a step waits
    refusals = _role_refusals(document, action, role, override=override)
    assert refusals is not None
    if role in _takers(document, action):
        assert refusals == [], (edge, role)
        return
    assert refusals, f"{kind} {action} from {status} was not refused to the role {role}"
    for refusal in refusals:
        assert action in refusal.reason
        assert role in refusal.reason
        assert refusal.override_roles == ()  # who may act is never overridden


@pytest.mark.parametrize(("kind", "status", "action"), EDGES)
def test_each_transition_names_who_may_take_it(kind: str, status: str, action: str) -> None:
    """Every transition has a role that may take it and one that may not, and the refusal of the
    latter names the roles that may, without a value of the document's other fields."""

    @given(data=st.data())
    @settings(max_examples=5)
    def check(data: st.DataObject) -> None:
        document = _document(kind, status, data)
        if action not in allowed_actions(document, CHAIN):
            return
        takers = _takers(document, action)
        assert takers, (kind, action)
        outsider = "municipal_education_specialist"
        assert outsider not in takers
        refusals = _role_refusals(document, action, outsider)
        assert refusals, (kind, status, action)
        text = " ".join(r.reason for r in refusals)
        assert "Synthetic" not in text
        assert "L-0001" not in text

    check()


def test_a_plan_is_submitted_by_its_author_only() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(plan(), "submit", actor="d", role="school_director", on=ON)
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.plan.role"
    assert refusal.reason == (
        "submit is taken by the plan's author (the role its field author_role names, or "
        "plan_author), not by the role school_director"
    )
    assert refusal.basis.startswith("methodological_default")
    assert transition(plan(), "submit", actor="t", role="class_teacher", on=ON).document


def test_a_delivery_is_recorded_by_the_role_responsible_for_the_measure() -> None:
    """... or by the plan's author, who keeps its records, or the director; not by another."""
    active = plan(status="active", submitted_on="2025-03-03")
    params = {"measure": 0, "sessions": 1}
    with pytest.raises(LifecycleError) as info:
        transition(active, "deliver", actor="t", role="speech_therapist", on=ON, params=params)
    [refusal] = info.value.refusals
    assert "measures[0].responsible_role" in refusal.reason
    for role in ("psychologist", "school_director", "plan_author"):
        given_, _ = transition(active, "deliver", actor="p", role=role, on=ON, params=params)
        assert given_.deliveries[-1].by == "p"


def test_a_consent_is_withdrawn_by_its_grantor_or_recorded_by_the_school() -> None:
    """The grantor, the learner of full age (the data subject), either legal representative,
    or the school's staff recording it; no one outside the school or the family."""
    effective = {"effective": ON.isoformat()}
    for role in ("parent", "guardian", "adult_learner", "social_pedagogue", "school"):
        withdrawn, _ = transition(
            consent(), "withdraw", actor="x", role=role, on=ON, params=effective
        )
        assert withdrawn.withdrawn_on == ON
    for role in ("social_service", "municipal_coordinator", "state_police"):
        with pytest.raises(LifecycleError) as info:
            transition(consent(), "withdraw", actor="x", role=role, on=ON, params=effective)
        assert [r.guard for r in info.value.refusals] == ["lv.guard.consent.role"]


def test_a_referral_is_entered_in_error_by_one_of_its_parties_only() -> None:
    sent = referral(status="requested", sent_on="2025-03-03")
    for role in ("social_pedagogue", "social_service"):
        voided, _ = transition(sent, "enter-in-error", actor="x", role=role, on=ON, reason="Dup")
        assert voided.status.value == "entered-in-error"
    with pytest.raises(LifecycleError) as info:
        transition(sent, "enter-in-error", actor="x", role="state_police", on=ON, reason="Dup")
    [refusal] = info.value.refusals
    assert refusal.guard == "lv.guard.referral.parties"
    assert refusal.reason == (
        "enter-in-error is taken by the referral's sender or recipient (the institution or role "
        "its field referred_by or referred_to names), not by the role state_police"
    )


def test_the_director_cancels_a_referral_a_named_school_role_sent() -> None:
    """The head of the referring school acts for it, whichever of its roles sent the referral;
    another school role does not."""
    sent = referral(status="requested", sent_on="2025-03-03")
    assert sent.referred_by.institution == "school"
    assert sent.referred_by.role not in (None, "school_director")
    cancelled, _ = transition(
        sent, "cancel", actor="d", role="school_director", on=ON, reason="Sent twice"
    )
    assert cancelled.status.value == "cancelled"
    other = "psychologist" if sent.referred_by.role != "psychologist" else "class_teacher"
    with pytest.raises(LifecycleError) as info:
        transition(sent, "cancel", actor="x", role=other, on=ON, reason="Sent twice")
    assert [r.guard for r in info.value.refusals] == ["lv.guard.referral.parties"]


def test_any_member_of_the_schools_staff_sends_its_art73_report_of_the_day() -> None:
    """BTAL Art. 73(1) puts the same-day report on whoever learns of the threat: a report drafted
    in the school's name by one member of staff is sent by another when the first is away.
    Any other referral, and any other step of the report, stays with its parties."""
    report = referral(
        legal_duty="child_protection_report",
        purpose="child_protection",
        referred_to={"institution": "state_police"},
        referred_by={"institution": "school", "role": "class_teacher"},
    )
    for role in ("social_pedagogue", "psychologist", "school_director", "class_teacher"):
        sent, _ = transition(report, "send", actor="x", role=role, on=ON)
        assert sent.sent_on == ON
    for outsider in ("social_service", "municipal_coordinator"):
        with pytest.raises(LifecycleError) as info:
            transition(report, "send", actor="x", role=outsider, on=ON)
        [refusal] = info.value.refusals
        assert refusal.guard == "lv.guard.referral.parties"
        assert refusal.reason == (  # who may send it: the sender, or any of the school's staff
            "send is taken by the referral's sender (the institution or role its field "
            f"referred_by names) or a member of the school's staff, not by the role {outsider}"
        )
    elsewhere = report.model_copy(
        update={
            "referred_to": report.referred_by.model_copy(
                update={"institution": "specialist", "role": None}
            )
        }
    )
    with pytest.raises(LifecycleError) as info:  # not a recipient Art. 73 names: its sender's
        transition(elsewhere, "send", actor="x", role="psychologist", on=ON)
    assert "lv.guard.referral.parties" in [r.guard for r in info.value.refusals]
    sent, _ = transition(report, "send", actor="x", role="class_teacher", on=ON)
    with pytest.raises(LifecycleError) as info:  # cancelling is still the sender's
        transition(sent, "cancel", actor="x", role="psychologist", on=ON, reason="Sent twice")
    assert [r.guard for r in info.value.refusals] == ["lv.guard.referral.parties"]
    notice = referral(referred_by={"institution": "school", "role": "class_teacher"})
    with pytest.raises(LifecycleError) as info:  # not a report: its sender sends it
        transition(notice, "send", actor="x", role="psychologist", on=ON)
    assert "lv.guard.referral.parties" in [r.guard for r in info.value.refusals]
