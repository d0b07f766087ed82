"""The bundled examples' referrals that rest on a consent can be sent with it: an example is
what a vendor copies, so one the guards would refuse teaches the wrong document (an outside
tester found example 08's referral stated no purpose and its consent covered no data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from atbalsts import SupportCase, parse_json
from atbalsts.model import TaskStatus
from atbalsts.workflow import transition

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SENT = [
    (path.name, referral.id)
    for path in sorted(EXAMPLES.glob("*.json"))
    for referral in parse_json(SupportCase, path.read_text(encoding="utf-8")).referrals
    if referral.consent_id is not None
]


def test_some_example_rests_a_referral_on_a_consent() -> None:
    assert SENT


@pytest.mark.parametrize(("name", "referral_id"), SENT)
def test_the_example_referral_is_sent_with_its_consent(name: str, referral_id: str) -> None:
    case = parse_json(SupportCase, (EXAMPLES / name).read_text(encoding="utf-8"))
    referral = next(r for r in case.referrals if r.id == referral_id)
    draft = referral.model_copy(update={"status": TaskStatus.DRAFT, "sent_on": None})
    moved = transition(
        draft,
        "send",
        actor="t-1",
        role=referral.referred_by.role or "school_director",
        on=referral.created_on,
        consents=case.consents,
    )
    assert moved.document.status is TaskStatus.REQUESTED
