"""The days an action must not precede: every day its document records, unless the one table of
late entries (LATE_ENTRY) says which; check_day reads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import consent, plan, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import AuditEvent, SupportPlan
from atbalsts.model.audit import DocumentKind
from atbalsts.workflow import seal, transition
from atbalsts.workflow._lifecycle import LATE_ENTRY, LIFECYCLES, Lifecycled, recorded_days
from atbalsts.workflow._transition import check_day

START = date(2025, 1, 6)

#: The days a document of each kind records, when it records all it can.
RECORDED = {
    "support-plan": {
        "application.signed_on",
        "submitted_on",
        "approvals",
        "rejections",
        "reviews",
        "deliveries",
    },
    "referral": {"created_on", "sent_on", "outcome_on"},
    "consent": {"given_on"},
}


def test_a_late_entry_is_an_action_of_its_lifecycle_and_names_days_its_kind_records() -> None:
    for kind, entries in LATE_ENTRY.items():
        actions = {a for row in LIFECYCLES[kind].values() for a in row}
        for action, days in entries.items():
            assert action in actions, (kind, action)
            assert days <= RECORDED[kind] | {"last_event"}, (kind, action)


def test_a_full_document_records_every_day_its_kind_names() -> None:
    full_plan = plan(
        status="active",
        application={"signed_by": "parent", "signed_on": "2025-01-02"},
        submitted_on="2025-01-03",
        approvals=[{"step": "author", "approved_on": "2025-01-04"}],
        rejections=[{"step": "school_director", "on": "2025-01-03", "comment": "Synthetic"}],
        reviews=[{"on": "2025-03-01", "outcome": "continue"}],
        deliveries=[{"measure": 0, "on": "2025-02-01", "sessions": 1}],
    )
    full_referral = referral(
        status="completed", sent_on="2025-03-04", outcome="Synthetic", outcome_on="2025-03-20"
    )
    full: list[tuple[Lifecycled, DocumentKind]] = [
        (full_plan, "support-plan"),
        (full_referral, "referral"),
        (consent(withdrawn_on="2025-06-01", status="withdrawn"), "consent"),
    ]
    for document, kind in full:
        assert {field for field, _, _ in recorded_days(document)} == RECORDED[kind]
    # a consent's withdrawn_on is the day the withdrawal takes effect, not one it records
    assert [p for _, _, p in recorded_days(consent(withdrawn_on="2025-06-01"))] == ["given_on"]


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


@given(
    signed=st.integers(0, 40),
    submitted=st.integers(0, 40),
    approved=st.lists(st.integers(0, 40), max_size=3),
    reviewed=st.lists(st.integers(0, 120), max_size=3),
    delivered=st.lists(st.integers(0, 120), max_size=3),
    action=st.sampled_from(["deliver", "review", "hold", "complete", "revoke"]),
    near=st.integers(-3, 3),
)
def test_a_session_follows_the_plans_approval_and_every_other_action_every_recorded_day(
    signed: int,
    submitted: int,
    approved: list[int],
    reviewed: list[int],
    delivered: list[int],
    action: str,
    near: int,
) -> None:
    """Judged on days near the bound worked out here, from the plan's fields, not the table."""
    steps = ["author", "school_director", "municipal_coordinator"]
    document = plan(
        status="active",
        application={"signed_by": "parent", "signed_on": _day(signed)},
        submitted_on=_day(submitted),
        approvals=[
            {"step": s, "approved_on": _day(d)}
            for s, d in zip(steps[: len(approved)], approved, strict=True)
        ],
        reviews=[{"on": _day(d), "outcome": "continue"} for d in reviewed],
        deliveries=[{"measure": 0, "on": _day(d), "sessions": 1} for d in delivered],
    )
    approval = [signed, submitted, *approved]
    bound = max(approval) if action == "deliver" else max(approval + reviewed + delivered)
    day = START + timedelta(days=bound + near)
    if near < 0:
        with pytest.raises(LifecycleError, match=rf"on \({day.isoformat()}\) must not be before"):
            check_day(document, action, day, None, ())
    else:
        check_day(document, action, day, None, ())


def _event(document: SupportPlan, on: date) -> AuditEvent:
    """The document's own last event in a chain, on ``on``."""
    return seal(
        {
            "seq": 4,
            "document": "support-plan",
            "document_id": document.id,
            "learner_id": document.learner_id,
            "action": "review",
            "from_status": "active",
            "to_status": "active",
            "actor": "p-1",
            "role": "class_teacher",
            "on": on.isoformat(),
            "params": {},
            "overrides": (),
            "reason": None,
            "at": None,
            "before": "0" * 64,
            "after": "0" * 64,
            "prev": None,
        }
    )


def test_only_a_session_given_may_precede_its_documents_last_event() -> None:
    active = plan(status="active", submitted_on="2025-01-06")
    last = _event(active, date(2025, 4, 10))
    check_day(active, "deliver", date(2025, 4, 8), last, ())
    for action in ("review", "hold", "revoke", "enter-in-error"):
        with pytest.raises(LifecycleError, match=r"event 4 of the chain, its document's last"):
            check_day(active, action, date(2025, 4, 8), last, ())


def test_an_action_the_lifecycle_does_not_have_is_held_to_every_day() -> None:
    sent = referral(status="requested", sent_on="2025-03-05")
    for action in ("deliver", "fly"):
        with pytest.raises(LifecycleError, match=r"the document's sent_on \(2025-03-05\)"):
            check_day(sent, action, date(2025, 3, 4), None, ())


def test_a_transition_refuses_a_review_but_not_a_session_dated_before_a_later_review() -> None:
    reviewed = plan(
        status="active",
        submitted_on="2025-01-06",
        reviews=[{"on": "2025-04-10", "outcome": "continue"}],
    )
    session = {"measure": 0, "sessions": 1}
    given_, _ = transition(
        reviewed, "deliver", actor="a", role="psychologist", on=date(2025, 4, 8), params=session
    )
    assert given_.deliveries[-1].on == date(2025, 4, 8)
    with pytest.raises(LifecycleError, match=r"the document's reviews\[0\]\.on \(2025-04-10\)"):
        transition(
            reviewed,
            "review",
            actor="a",
            role="class_teacher",
            on=date(2025, 4, 8),
            params={"achievements": ("achieved",), "outcome": "continue"},
        )
