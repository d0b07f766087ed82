"""The referrals resting on a consent: what a host goes through when the consent is withdrawn,
to tell each recipient (the library notifies no one)."""

from __future__ import annotations

from datetime import date

from tests.workflow.fixtures import consent, referral

from atbalsts.model import Referral
from atbalsts.workflow import referrals_resting_on, transition

SENT = {"sent_on": "2025-03-03"}


def _case() -> dict[str, Referral]:
    return {
        "open": referral(id="R-open", consent_id="C-1", status="requested", **SENT),
        "in_progress": referral(id="R-work", consent_id="C-1", status="in-progress", **SENT),
        "on_hold": referral(id="R-hold", consent_id="C-1", status="on-hold", **SENT),
        "completed": referral(id="R-done", consent_id="C-1", status="completed", **SENT),
        "cancelled": referral(id="R-stop", consent_id="C-1", status="cancelled", **SENT),
        "draft": referral(id="R-draft", consent_id="C-1"),
        "other_consent": referral(id="R-c2", consent_id="C-2", status="requested", **SENT),
        "no_consent": referral(
            id="R-duty",
            status="requested",
            legal_duty="child_protection_report",
            purpose="child_protection",
            referred_to={"institution": "orphans_court"},
            **SENT,
        ),
        # names the consent, but its duty covers all it shares: it rests on the duty
        "duty_covers_all": referral(
            id="R-art73",
            consent_id="C-1",
            status="requested",
            legal_duty="child_protection_report",
            purpose="child_protection",
            referred_to={"institution": "orphans_court"},
            **SENT,
        ),
        # the MK 89 notice shares family too: that part rests on the consent
        "duty_covers_part": referral(
            id="R-mk89",
            consent_id="C-1",
            status="received",
            legal_duty="absence_notice",
            purpose="absence_follow_up",
            referred_to={"institution": "municipal_education_board"},
            data_categories=["identity", "attendance", "family"],
            **SENT,
        ),
        "anonymous": referral(
            id="R-anon", consent_id="C-1", status="requested", data_categories=[], **SENT
        ),
        "other_learner": referral(
            id="R-other", learner_id="L-0002", consent_id="C-1", status="requested", **SENT
        ),
    }


def test_the_open_referrals_resting_on_a_consent_in_the_order_given() -> None:
    found = referrals_resting_on(consent(), (r for r in _case().values()))  # any iterable
    assert [r.id for r in found] == ["R-open", "R-work", "R-hold", "R-mk89"]
    assert isinstance(found, tuple)


def test_every_referral_resting_on_it_whatever_its_status() -> None:
    found = referrals_resting_on(consent(), _case().values(), open_only=False)
    assert [r.id for r in found] == [
        "R-open",
        "R-work",
        "R-hold",
        "R-done",
        "R-stop",
        "R-draft",
        "R-mk89",
    ]


def test_after_a_withdrawal_the_host_finds_whom_to_tell() -> None:
    """The referral sent on the consent is found from the withdrawn consent, and a referral sent
    afterwards on another basis is not."""
    given = consent()
    sent, _ = transition(
        referral(consent_id="C-1"),
        "send",
        actor="s-1",
        role="social_pedagogue",
        on=date(2025, 3, 4),
        consents=[given],
    )
    withdrawn, _ = transition(given, "withdraw", actor="p-1", role="parent", on=date(2025, 3, 5))
    assert referrals_resting_on(withdrawn, [sent, _case()["other_consent"]]) == (sent,)
