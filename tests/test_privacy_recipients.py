"""A duty whose recipients say who cares for the learner (the parents, a learner of full age, a
foster family, a guardian, a care institution) is family data, whatever its action: a role that
does not see family data sees none of them, so which of them the school informs tells it nothing;
the role that must carry the duty out still sees it."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atbalsts.engine import PolicyRegistry
from atbalsts.model import DataCategory, SupportCase
from atbalsts.policy import baseline
from atbalsts.privacy import CLASSES, Dynamic, view, view_decision

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2025, 3, 14)
LIVING = ("with_parents", "foster_family", "care_institution", "guardian")


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def bauska_case(living: str, *, actions: list[dict[str, Any]] | None = None) -> SupportCase:
    """Example 1 with a five-day absence covered only by a parent's note, whose doctor's note is
    still due: Bauska's reminder to ask for it goes to whoever cares for the learner."""
    data = json.loads((ROOT / "examples/01-bauska-grade7-absences.json").read_text("utf-8"))
    data["learner"]["living_situation"] = living
    obs = data["observations"][-1]
    obs["attendance"]["episodes"].append(
        {
            "start": "2025-03-05",
            "school_days": 5,
            "lessons": 30,
            "justification": "parent_note",
            "returned_on": "2025-03-13",
        }
    )
    if actions is not None:
        data["actions"] = actions
    return SupportCase.model_validate(data)


def duties(seen: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(o["action"], o.get("recipients", [])) for o in seen.get("obligations", [])]


def test_the_doctors_note_reminder_tells_the_coordinator_nothing_of_the_family() -> None:
    shown, asked = [], []
    for living in LIVING:
        case = bauska_case(living)
        decision = registry().evaluate(case, DAY)
        (note,) = [o for o in decision.obligations if o.action == "bauska:request_medical_note"]
        asked.append(note.recipients)
        seen = view_decision(decision, role="municipal_coordinator", case=case, on=DAY)
        shown.append(duties(seen))
        assert "living_situation" not in view(case, role="municipal_coordinator")["learner"]
        # the class teacher asks for the note: still on its view
        teacher = view_decision(decision, role="class_teacher", case=case, on=DAY)
        assert ("bauska:request_medical_note", list(note.recipients)) in duties(teacher)
    assert len(set(asked)) == len(LIVING)  # the recipients do differ
    assert all(s == shown[0] for s in shown), shown
    assert not any(action == "bauska:request_medical_note" for action, _ in shown[0])


def test_an_action_that_asked_a_carer_is_family_data_too() -> None:
    action = {
        "id": "A-1",
        "action": "bauska:request_medical_note",
        "on": "2025-03-13",
        "role": "class_teacher",
        "how": "phone",
        "to": ["foster_family"],
    }
    case = bauska_case("foster_family", actions=[action])
    coordinator = json.dumps(view(case, role="municipal_coordinator"))
    assert "foster_family" not in coordinator
    assert "foster_family" in json.dumps(view(case, role="class_teacher"))


WHO_CARES = sorted({"parent", "adult_learner", *baseline.CARERS.values()})


@pytest.mark.parametrize("recipient", WHO_CARES)
def test_every_carer_recipient_makes_a_duty_family_data(recipient: str) -> None:
    pick = CLASSES["ObligationDue"]
    assert isinstance(pick, Dynamic)

    class Due:
        action = "x:ask"
        recipients = (recipient,)

    assert DataCategory.FAMILY in (pick.pick(Due()) or frozenset())
