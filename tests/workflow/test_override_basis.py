"""An overridden sending records its lawful basis as it was (found by an outside tester): what a
legal duty or a consent does not cover rests on the school director's override of
``lv.guard.referral.consent`` (the basis the director gives as the reason), and the event's
``lawful_basis`` says so instead of naming the duty or the consent alone."""

from __future__ import annotations

from typing import Any

import pytest
from tests.workflow.fixtures import DAY, consent, referral

from atbalsts.workflow import GuardSet, Reason, guard, transition
from atbalsts.workflow._bases import CONSENT

OVERRIDE = "override:lv.guard.referral.consent"


def _sent(r: Any, **more: Any) -> Any:
    return transition(
        r,
        "send",
        actor="d-1",
        role="school_director",
        on=DAY,
        override=True,
        reason="Synthetic: public task, GDPR Art. 6(1)(e).",
        **more,
    ).event


def test_a_notice_sharing_more_than_its_duty_records_the_override_for_the_rest() -> None:
    board = {"institution": "municipal_education_board"}
    r = referral(
        legal_duty="absence_notice",
        referred_to=board,
        purpose="absence_follow_up",
        data_categories=["identity", "attendance", "family"],
    )
    event = _sent(r)
    assert event.overrides == ("lv.guard.referral.consent",)
    assert event.params["lawful_basis"] == f"legal_duty:absence_notice+{OVERRIDE}"


def test_a_sending_no_duty_covers_rests_on_the_override_alone() -> None:
    event = _sent(referral())  # no duty, no consent
    assert event.params["lawful_basis"] == OVERRIDE
    other = referral(  # the report, to a recipient Art. 73(1) does not name
        legal_duty="child_protection_report", referred_to={"institution": "cooperation_group"}
    )
    assert _sent(other).params["lawful_basis"] == OVERRIDE


def test_a_consent_that_does_not_cover_it_is_not_recorded_as_its_basis() -> None:
    r = referral(consent_id="C-1", data_categories=["identity", "attendance", "family"])
    event = _sent(r, consents=[consent()])  # the consent leaves family out
    assert event.params["lawful_basis"] == OVERRIDE


def test_a_sending_its_basis_covers_is_recorded_as_before_with_or_without_override() -> None:
    r = referral(consent_id="C-1")
    assert _sent(r, consents=[consent()]).params["lawful_basis"] == "consent:C-1"


def test_a_municipal_guard_overridden_leaves_the_basis_as_it_is() -> None:
    """Only the consent guard judges the basis: overriding another guard changes nothing of it."""

    @guard(
        "zeta.guard.form",
        document="referral",
        actions=("send",),
        legal_basis=CONSENT,
        override_roles=("school_director",),
    )
    def form(t: Any) -> Reason:
        return Reason("a form is missing", "zeta_form")

    guards = GuardSet((*GuardSet.national().guards, (form, "zeta")))
    event = _sent(referral(consent_id="C-1"), consents=[consent()], guards=guards)
    assert event.overrides == ("zeta.guard.form",)
    assert event.params["lawful_basis"] == "consent:C-1"


@pytest.mark.parametrize("override", [False, True])
def test_without_the_override_nothing_is_sent(override: bool) -> None:
    from atbalsts.errors import LifecycleError

    with pytest.raises(LifecycleError):
        transition(
            referral(), "send", actor="d-1", role="school_director", on=DAY, override=override
        )
