"""The Art. 73(1) duty covers a report to the state child-rights body only under the code of the
body in office on the report's day: ``vbtai`` until 2023-12-31, ``childrens_protection_centre``
from 2024-01-01 (:data:`atbalsts.policy.baseline.STATE_CHILD_RIGHTS_BODY`). A report to the
other code needs a consent, as a report to anyone the article does not name does; the refusal
says why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import consent, referral

from atbalsts.errors import LifecycleError
from atbalsts.model import DataCategory, LegalDuty, Referral, TaskStatus
from atbalsts.policy import BasisKind, LegalBasis, baseline
from atbalsts.privacy import ART73_RECIPIENTS, DUTY_RECIPIENTS, duty_covers, duty_recipients
from atbalsts.workflow import GuardSet, Transition, guard, transition
from atbalsts.workflow._guards import NATIONAL_GUARDS, beyond_duty, required_by_law

VBTAI, BAC = "vbtai", "childrens_protection_centre"
IN_2023, IN_2025 = date(2023, 12, 20), date(2025, 3, 3)
LAST_VBTAI_DAY, FIRST_BAC_DAY = date(2023, 12, 31), date(2024, 1, 1)
SHARED = ["identity", "attendance", "family"]


def _report(to: str, made: date, **changes: Any) -> Referral:
    return referral(
        legal_duty="child_protection_report",
        purpose="child_protection",
        referred_to={"institution": to},
        created_on=made.isoformat(),
        urgency="same_day",
        data_categories=SHARED,
        **changes,
    )


def _covering() -> Any:
    """A consent to share all the report shares with ``vbtai``, in force from 2023 to 2025."""
    return consent(
        recipients=[VBTAI],
        purposes=["child_protection"],
        data_categories=SHARED,
        given_on="2023-12-01",
        period={"start": "2023-12-01", "end": "2025-12-31"},
    )


def _send(r: Referral, on: date, **kw: Any) -> Any:
    return transition(r, "send", actor="s-1", role="social_pedagogue", on=on, **kw)


def _refusal(r: Referral, on: date, **kw: Any) -> Any:
    with pytest.raises(LifecycleError) as info:
        _send(r, on, **kw)
    [refusal] = [x for x in info.value.refusals if x.guard == "lv.guard.referral.consent"]
    return refusal


# -- the workflow's consent guard ------------------------------------------------------------------


def test_a_2025_report_to_vbtai_needs_a_consent() -> None:
    refusal = _refusal(_report(VBTAI, IN_2025), IN_2025)
    assert refusal.code == "no_consent"
    assert dict(refusal.values) == {
        "duty": "art73_out_of_office",
        "recipient": VBTAI,
        "day": "2025-03-03",
        "body": BAC,
    }
    assert f"{VBTAI} was not the state child-rights body on 2025-03-03 ({BAC} was)" in (
        refusal.reason
    )
    assert "Art. 73" in refusal.reason


def test_a_2023_report_to_vbtai_needs_none() -> None:
    sent = _send(_report(VBTAI, IN_2023), IN_2023)
    assert sent.document.status is TaskStatus.REQUESTED
    assert sent.event.params["lawful_basis"] == "legal_duty:child_protection_report"


def test_the_centre_before_2024_needs_a_consent_and_from_2024_none() -> None:
    refusal = _refusal(_report(BAC, IN_2023), IN_2023)
    assert refusal.values["duty"] == "art73_out_of_office"
    assert (refusal.values["day"], refusal.values["body"]) == ("2023-12-20", VBTAI)
    assert f"{BAC} was not the state child-rights body on 2023-12-20 ({VBTAI} was)" in (
        refusal.reason
    )
    sent = _send(_report(BAC, FIRST_BAC_DAY), FIRST_BAC_DAY)
    assert sent.event.params["lawful_basis"] == "legal_duty:child_protection_report"


@pytest.mark.parametrize(
    ("to", "last_covered", "first_refused"),
    [
        (VBTAI, LAST_VBTAI_DAY, FIRST_BAC_DAY),
        (BAC, FIRST_BAC_DAY, LAST_VBTAI_DAY),
    ],
)
def test_the_change_falls_between_the_last_vbtai_day_and_the_first_centre_day(
    to: str, last_covered: date, first_refused: date
) -> None:
    made = min(last_covered, first_refused)
    assert (
        _send(_report(to, made), last_covered)
        .event.params["lawful_basis"]
        .startswith("legal_duty:")
    )
    assert _refusal(_report(to, made), first_refused).values["duty"] == "art73_out_of_office"


def test_the_day_judged_is_the_sending_day_not_the_drafts_day() -> None:
    """A draft to ``vbtai`` written on 2023-12-20 and sent on 2024-01-05 went to a code out of
    office: it rests on its consent alone, and the event says so."""
    draft = _report(VBTAI, IN_2023, consent_id="C-1")
    covering = _covering()
    sent = _send(draft, date(2024, 1, 5), consents=[covering])
    assert sent.event.params["lawful_basis"] == "consent:C-1"
    refusal = _refusal(draft.model_copy(update={"consent_id": None}), date(2024, 1, 5))
    assert refusal.values["day"] == "2024-01-05"


def _refusing_guards() -> GuardSet:
    @guard(
        "ezermala.guard.referral_note",
        document="referral",
        actions=("send",),
        legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Illustrative, not law."),
    )
    def needs_note(t: Transition) -> str | None:
        return "a local cover note is missing"

    national = tuple((g, "lv") for g in NATIONAL_GUARDS)
    return GuardSet((*national, (needs_note, "ezermala")))


def test_only_a_report_to_the_body_of_its_day_passes_a_municipal_guard() -> None:
    """The national floor lets a send the law requires pass a municipal guard; a report to a
    code out of office on the sending day is not one, even on a consent, and even when its draft
    was written while the code was in office."""
    guards = _refusing_guards()
    sent = _send(_report(VBTAI, IN_2023), IN_2023, guards=guards)
    assert sent.event.overrides == ("ezermala.guard.referral_note",)
    covering = _covering()
    for made, on in ((IN_2025, IN_2025), (IN_2023, date(2024, 1, 5))):
        with pytest.raises(LifecycleError) as info:
            _send(_report(VBTAI, made, consent_id="C-1"), on, consents=[covering], guards=guards)
        assert [r.guard for r in info.value.refusals] == ["ezermala.guard.referral_note"]


# -- the one list, by day --------------------------------------------------------------------------


def _made(to: str, day: date) -> Referral:
    return _report(to, day, status="requested", sent_on=day.isoformat())


@given(day=st.dates(date(1990, 1, 1), date(2040, 12, 31)))
def test_the_duty_covers_a_report_to_a_body_code_exactly_while_it_is_in_office(day: date) -> None:
    shared = frozenset(DataCategory(c) for c in SHARED)
    for code in baseline.STATE_CHILD_RIGHTS_BODY_CODES:
        r = _made(code, day)
        named = baseline.in_office(code, day)
        assert (duty_covers(r) == shared) is named
        assert (not duty_covers(r)) is (not named)
        assert (beyond_duty(r)[0] == ()) is named
        assert required_by_law(r) is named
        assert (code in duty_recipients(LegalDuty.CHILD_PROTECTION_REPORT, day)) is named
    for code in ("state_police", "municipal_police", "orphans_court", "social_service"):
        assert duty_covers(_made(code, day)) == shared
    named = duty_recipients(LegalDuty.CHILD_PROTECTION_REPORT, day)
    assert named == baseline.threat_recipients_on(day) | {"social_service"}
    assert len(named & baseline.STATE_CHILD_RIGHTS_BODY_CODES) == 1
    assert named <= ART73_RECIPIENTS == DUTY_RECIPIENTS[LegalDuty.CHILD_PROTECTION_REPORT]
    assert (
        duty_recipients(LegalDuty.ABSENCE_NOTICE, day) == DUTY_RECIPIENTS[LegalDuty.ABSENCE_NOTICE]
    )


def test_a_day_given_is_the_day_judged() -> None:
    """``on`` judges a referral on another day than the one it was made (a draft about to be
    sent)."""
    draft = _report(VBTAI, IN_2023)
    assert duty_covers(draft)  # made (created) while vbtai was in office
    assert not duty_covers(draft, on=FIRST_BAC_DAY)
    assert required_by_law(draft)
    assert not required_by_law(draft, on=FIRST_BAC_DAY)
    assert beyond_duty(draft, on=FIRST_BAC_DAY)[0] == tuple(DataCategory(c) for c in SHARED)
    assert duty_covers(draft, on=FIRST_BAC_DAY - timedelta(days=1))


def test_the_public_names_hold_every_code_that_was_ever_named() -> None:
    """``ART73_RECIPIENTS`` and ``DUTY_RECIPIENTS`` keep their names: each code the duty names on
    some day; :func:`duty_recipients` says who on one day."""
    assert baseline.THREAT_RECIPIENTS | {"social_service"} == ART73_RECIPIENTS
    assert {VBTAI, BAC} <= ART73_RECIPIENTS
    import atbalsts.privacy

    assert {"ART73_RECIPIENTS", "DUTY_RECIPIENTS", "duty_recipients"} <= set(
        atbalsts.privacy.__all__
    )
