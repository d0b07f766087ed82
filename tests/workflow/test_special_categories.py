"""Health data (GDPR Art. 9) a referral shares is said in its sending's event, whatever it rests
on; an Art. 73(1) report that shares it without a consent is not refused.

Which Art. 9(2) exception lets the Art. 73(1) report carry health data is unverified [U]; the
law does not say it is outside what the report needs (a threat to a child may be one to its
health), and a consent would come from the family the report may be about. So the library
neither refuses nor asks for an override: the event records ``special_categories`` beside its
``lawful_basis``, and the sender judges what the report needs (Art. 5(1)(c)).
"""

from __future__ import annotations

from datetime import date

import pytest
from tests.workflow.fixtures import consent, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import Referral
from atbalsts.workflow import transition

ON = date(2025, 3, 10)
ART73 = {
    "legal_duty": "child_protection_report",
    "purpose": "child_protection",
    "referred_to": {"institution": "orphans_court"},
}


def _send(r: Referral, **kw: object) -> dict[str, object]:
    _, event = transition(r, "send", actor="s-1", role="social_pedagogue", on=ON, **kw)  # type: ignore[arg-type]
    return dict(event.params)


def test_an_art73_report_with_health_data_goes_without_a_consent_and_says_so() -> None:
    params = _send(referral(**ART73, data_categories=["identity", "protection", "health"]))
    assert params == {
        "lawful_basis": "legal_duty:child_protection_report",
        "special_categories": ("health",),
    }


def test_a_report_without_health_data_says_nothing_of_it() -> None:
    params = _send(referral(**ART73, data_categories=["identity", "protection"]))
    assert params == {"lawful_basis": "legal_duty:child_protection_report"}


def test_health_data_shared_on_a_consent_is_said_too() -> None:
    """Health data on a consent needs explicit consent (Art. 9(2)(a)), which the gate cannot
    tell from another: the event says the category, the host checks the consent."""
    covering = consent(
        recipients=["specialist"],
        purposes=["specialist_assessment"],
        data_categories=["identity", "health"],
    )
    assessment = referral(
        consent_id="C-1",
        purpose="specialist_assessment",
        referred_to={"institution": "specialist"},
        data_categories=["identity", "health"],
    )
    params = _send(assessment, consents=[covering])
    assert params == {"lawful_basis": "consent:C-1", "special_categories": ("health",)}


def test_health_data_sent_on_an_override_is_said_too() -> None:
    uncovered = referral(data_categories=["identity", "health"])
    _, event = transition(
        uncovered,
        "send",
        actor="d-1",
        role="school_director",
        on=ON,
        override=True,
        reason="Synthetic: public task, GDPR Art. 6(1)(e)",
    )
    assert event.params["special_categories"] == ("health",)
    assert event.params["lawful_basis"] == "override:lv.guard.referral.consent"


def test_the_caller_does_not_say_it() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            referral(**ART73),
            "send",
            actor="s-1",
            role="social_pedagogue",
            on=ON,
            params={"special_categories": ("health",)},
        )
    assert (info.value.code, info.value.values["param"]) == ("unknown_param", "special_categories")
