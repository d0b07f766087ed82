"""A role's work list never shows more than the role's view of the same decision: no duty, no
recipient, no count the view hides; and no view hides a duty from a role that must carry it out."""

from __future__ import annotations

import functools
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.engine import PolicyRegistry
from atbalsts.model import Decision, ObligationDue, SupportCase
from atbalsts.model.decision import FollowUp
from atbalsts.policy import baseline
from atbalsts.privacy import ViewRole, view_decision
from atbalsts.testing.strategies import support_cases
from atbalsts.worklist import SECTIONS, WorkItem, run_worklist, worklist

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
THREAT_DAY = date(2025, 11, 13)  # example 3: the report of 12 November is overdue
DAY = date(2025, 10, 15)


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def lines() -> list[str]:
    return [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]


def listing(role: str) -> dict[str, Any]:
    out = io.StringIO()
    run_worklist(lines(), out, as_of=THREAT_DAY, role=role, fmt="json", registry=registry())
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def duties(data: dict[str, Any]) -> set[str]:
    return {i["duty"] for g in data["groups"] for s in SECTIONS for i in g[s]}


def test_the_threat_report_is_not_on_the_list_of_a_role_that_does_not_see_protection() -> None:
    """Art. 73(1) binds any member of staff, but the municipal coordinator's and the class
    teacher's views hide child-protection data: neither the duty, nor its recipients, nor a
    count of it is on their lists."""
    for role in ("municipal_coordinator", "class_teacher"):
        data = listing(role)
        assert "report_threat" not in duties(data)
        # the count is of what the list shows (example 01's board notice, carried from March)
        shown = {(i["learner_id"], i["key"]) for g in data["groups"] for i in g["overdue"]}
        assert data["counts"]["overdue"] == len(shown)
        assert "childrens_protection_centre" not in json.dumps(data)
    for role in ("social_pedagogue", "psychologist", "school_director"):
        assert "report_threat" in duties(listing(role))


def test_a_role_without_a_view_gets_only_the_duties_it_is_named_for() -> None:
    data = listing("subject_teacher")
    assert data["groups"] == []
    assert data["counts"]["overdue"] == 0


def test_the_whole_list_still_holds_every_duty() -> None:
    """Without a role the list is the host's own, like the decision itself."""
    out = io.StringIO()
    run_worklist(lines(), out, as_of=THREAT_DAY, fmt="json", registry=registry())
    groups = {g["role"]: g for g in json.loads(out.getvalue())["groups"]}
    assert [i["duty"] for i in groups["any_staff"]["overdue"]] == ["report_threat"]


#: What a work item says, by the name of the field of the decision's obligation it repeats.
_OBLIGATION = {
    "duty": "action",
    "key": "key",
    "responsible_roles": "responsible_roles",
    "recipients": "recipients",
    "any_recipient": "any_recipient",
    "trigger": "trigger",
    "trigger_source": "trigger_source",
    "due": "due",
    "school_days_late": "school_days_late",
    "legal_basis": "legal_basis",
}
_FOLLOW_UP = {
    "duty": "kind",
    "key": "key",
    "subject": "subject",
    "responsible_roles": "responsible_roles",
    "trigger": "since",
    "due": "due",
    "school_days_late": "school_days_late",
    "legal_basis": "legal_basis",
}


def assert_within_view(item: WorkItem, seen: dict[str, Any]) -> None:
    """``item`` repeats only what ``seen`` (a role's view of the decision) shows of its duty."""
    data = item.model_dump(mode="json")
    listed, fields = (
        ("obligations", _OBLIGATION) if item.kind == "obligation" else ("follow_ups", _FOLLOW_UP)
    )
    (entry,) = [e for e in seen.get(listed, []) if e.get("key") == item.key]
    for ours, theirs in fields.items():
        value = data[ours]
        if value in (None, [], False) and theirs not in entry:
            continue  # nothing said
        assert theirs in entry, (item.key, theirs)
        assert entry[theirs] == value, (item.key, theirs)


def cases_of(municipality: str) -> st.SearchStrategy[tuple[str, SupportCase]]:
    return st.tuples(st.just(municipality), support_cases(municipality=municipality, as_of=DAY))


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(["parauga", "bauska", "riga"]).flatmap(cases_of))
def test_a_roles_work_list_shows_no_more_than_its_view_of_the_decision(
    chosen: tuple[str, SupportCase],
) -> None:
    _, case = chosen
    decision = registry().evaluate(case, DAY)
    for role in ViewRole:
        seen = view_decision(decision, role=role.value, case=case, on=DAY)
        for item in worklist([case], DAY, role=role.value, registry=registry(), upcoming=400):
            assert_within_view(item, seen)


def _to_threat_recipient(duty: ObligationDue | FollowUp) -> bool:
    """A referral to the police, the orphan's court or a child-rights body not answered: its
    follow-up is child-protection data, hidden from a referring role whose view does not show
    such data (a class teacher), the one case where a view hides a duty from its role (the
    access matrix decides)."""
    return isinstance(duty, FollowUp) and (
        duty.kind == "referral_unanswered" and duty.detail.get("to") in baseline.THREAT_RECIPIENTS
    )


def responsible_sees(decision: Decision, case: SupportCase) -> None:
    for role in ViewRole:
        seen = view_decision(decision, role=role.value, case=case, on=decision.as_of)
        keys = {e.get("key") for e in (*seen.get("obligations", []), *seen.get("follow_ups", []))}
        duties: list[ObligationDue | FollowUp] = [*decision.obligations, *decision.follow_ups]
        for duty in duties:
            if role.value in duty.responsible_roles and not _to_threat_recipient(duty):
                assert duty.key in keys, (role.value, duty.key)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(["parauga", "bauska", "riga"]).flatmap(cases_of))
def test_a_view_never_hides_a_duty_from_a_role_that_must_carry_it_out(
    chosen: tuple[str, SupportCase],
) -> None:
    _, case = chosen
    responsible_sees(registry().evaluate(case, DAY), case)


def test_so_do_the_views_of_the_examples() -> None:
    from atbalsts.batch import latest_observation

    for path in EXAMPLES:
        case = SupportCase.model_validate_json(path.read_text(encoding="utf-8"))
        day = latest_observation(case)
        assert day is not None
        responsible_sees(registry().evaluate(case, day), case)
