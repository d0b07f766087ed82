"""A withdrawal recorded to take effect on a later day is scheduled: the consent stays ``active``
(its ``withdrawn_on`` set) and covers sharing until the day before; it is ``withdrawn`` once a
withdrawal is recorded on or after the day it takes effect. Coverage is judged by the days
everywhere (the consent guard, a recipient's view), whatever the status says."""

from __future__ import annotations

from datetime import date

import pytest
from tests.workflow.fixtures import consent, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import ConsentStatus, TaskStatus
from atbalsts.privacy import ViewRole, grants_for
from atbalsts.workflow import replay, transition, verify_chain

RECORDED = date(2025, 3, 5)
EFFECTIVE = date(2025, 3, 20)


def _schedule() -> tuple[object, object]:
    return transition(
        consent(),
        "withdraw",
        actor="p-1",
        role="parent",
        on=RECORDED,
        params={"effective": EFFECTIVE.isoformat()},
    )


def test_a_withdrawal_from_a_later_day_leaves_the_consent_active_until_then() -> None:
    scheduled, event = transition(
        consent(),
        "withdraw",
        actor="p-1",
        role="parent",
        on=RECORDED,
        params={"effective": EFFECTIVE.isoformat()},
    )
    assert scheduled.status is ConsentStatus.ACTIVE
    assert scheduled.withdrawn_on == EFFECTIVE
    assert (event.from_status, event.to_status) == ("active", "active")
    assert event.params == {"effective": EFFECTIVE.isoformat()}
    assert scheduled.in_force(date(2025, 3, 19))
    assert not scheduled.in_force(EFFECTIVE)


def test_a_withdrawal_from_the_day_it_is_recorded_or_earlier_set_withdraws_at_once() -> None:
    now, event = transition(consent(), "withdraw", actor="p-1", role="parent", on=RECORDED)
    assert (now.status, now.withdrawn_on, event.to_status) == (
        ConsentStatus.WITHDRAWN,
        RECORDED,
        "withdrawn",
    )


def test_a_scheduled_withdrawal_is_withdrawn_when_recorded_on_its_day() -> None:
    """Recorded again on or after its day (as an expiry is recorded after the period), with no
    ``effective``: it keeps the day set and the status says it is withdrawn."""
    scheduled, first = _schedule()
    for on in (EFFECTIVE, date(2025, 4, 2)):
        done, event = transition(
            scheduled, "withdraw", actor="s-1", role="social_pedagogue", on=on, previous=first
        )
        assert (done.status, done.withdrawn_on) == (ConsentStatus.WITHDRAWN, EFFECTIVE)
        assert (event.from_status, event.to_status) == ("active", "withdrawn")
        assert verify_chain([first, event]).ok
        assert replay(consent(), [first, event]) == done


def test_a_scheduled_withdrawal_is_brought_forward_at_any_time() -> None:
    """GDPR Art. 7(3): the grantor may withdraw at any time, so a withdrawal set for a later day
    is brought forward by another, to a later day still (scheduled) or to the day it is recorded
    (withdrawn at once); never moved later."""
    scheduled, first = _schedule()
    sooner, _ = transition(
        scheduled,
        "withdraw",
        actor="p-1",
        role="parent",
        on=date(2025, 3, 8),
        params={"effective": "2025-03-12"},
        previous=first,
    )
    assert (sooner.status, sooner.withdrawn_on) == (ConsentStatus.ACTIVE, date(2025, 3, 12))
    now, event = transition(
        scheduled, "withdraw", actor="p-1", role="parent", on=date(2025, 3, 8), previous=first
    )
    assert (now.status, now.withdrawn_on) == (ConsentStatus.WITHDRAWN, date(2025, 3, 8))
    assert event.to_status == "withdrawn"
    with pytest.raises(LifecycleError) as info:
        transition(
            scheduled,
            "withdraw",
            actor="p-1",
            role="parent",
            on=date(2025, 3, 8),
            params={"effective": "2025-04-01"},
            previous=first,
        )
    assert [r.code for r in info.value.refusals] == ["withdrawal_later"]


def test_a_scheduled_withdrawal_covers_a_send_until_its_day_and_not_from_it() -> None:
    scheduled, _ = _schedule()
    shared = referral(consent_id="C-1")
    sent, event = transition(
        shared,
        "send",
        actor="s-1",
        role="social_pedagogue",
        on=date(2025, 3, 19),
        consents=[scheduled],
    )
    assert sent.status is TaskStatus.REQUESTED
    assert event.params["lawful_basis"] == "consent:C-1"
    with pytest.raises(LifecycleError) as info:
        transition(
            shared, "send", actor="s-1", role="social_pedagogue", on=EFFECTIVE, consents=[scheduled]
        )
    [refusal] = info.value.refusals
    assert "not_in_force" in refusal.values["gaps"]


def test_the_recipient_sees_what_a_scheduled_withdrawal_covers_until_its_day() -> None:
    scheduled, _ = _schedule()
    sent = referral(consent_id="C-1", status="requested", sent_on="2025-03-10")
    before = grants_for(ViewRole.SOCIAL_SERVICE, sent, (scheduled,), on=date(2025, 3, 19))
    after = grants_for(ViewRole.SOCIAL_SERVICE, sent, (scheduled,), on=EFFECTIVE)
    alone = grants_for(ViewRole.SOCIAL_SERVICE)
    assert before != alone
    assert after == alone
