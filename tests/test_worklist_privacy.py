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
from atbalsts.privacy import ViewRole, view, view_decision
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
    """Art. 73(1) binds the member of staff who suspects a threat, but the municipal
    coordinator's view hides child-protection data: neither the duty, nor its recipients, nor a
    count of it is on its list."""
    data = listing("municipal_coordinator")
    assert "report_threat" not in duties(data)
    # the count is of what the list shows (example 01's board notice, carried from March)
    shown = {(i["learner_id"], i["key"]) for g in data["groups"] for i in g["overdue"]}
    assert data["counts"]["overdue"] == len(shown)
    assert "childrens_protection_centre" not in json.dumps(data)
    for role in ("social_pedagogue", "psychologist", "school_director"):
        assert "report_threat" in duties(listing(role))


def test_the_class_teacher_who_recorded_the_threat_has_its_report_on_the_list() -> None:
    """Example 3's threat was recorded by the class teacher, whose view hides child-protection
    data: the report is the teacher's own duty, so it is on the teacher's list, with its
    recipients; the threat itself stays hidden from the teacher's view of the case."""
    data = listing("class_teacher")
    (item,) = [i for g in data["groups"] for i in g["overdue"] if i["duty"] == "report_threat"]
    assert "childrens_protection_centre" in item["recipients"]
    case = SupportCase.model_validate_json(EXAMPLES[2].read_text(encoding="utf-8"))
    assert "suspected_threats" not in json.dumps(view(case, role="class_teacher", on=THREAT_DAY))


def _recorded_by(case: SupportCase, role: str) -> SupportCase:
    """``case`` with every suspected threat recorded by ``role``."""
    observations = [
        o.model_copy(
            update={
                "suspected_threats": tuple(
                    t.model_copy(update={"recorded_by": role}) for t in o.suspected_threats
                )
            }
        )
        for o in case.observations
    ]
    return case.model_copy(update={"observations": tuple(observations)})


def test_a_threat_recorded_by_another_role_stays_hidden() -> None:
    """Only the role that recorded the threat sees the report its view would hide: recorded by
    the social pedagogue, the report is not on the class teacher's list."""
    case = SupportCase.model_validate_json(EXAMPLES[2].read_text(encoding="utf-8"))
    theirs = _recorded_by(case, "social_pedagogue")
    items = worklist([theirs], THREAT_DAY, role="class_teacher", registry=registry())
    assert "report_threat" not in {i.duty for i in items}
    ours = _recorded_by(case, "class_teacher")
    items = worklist([ours], THREAT_DAY, role="class_teacher", registry=registry())
    assert "report_threat" in {i.duty for i in items}


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


def authored(duty: ObligationDue | FollowUp, case: SupportCase, role: str) -> bool:
    """Whether ``duty`` arises from a record ``role`` made: the report of a threat it recorded
    (the national report, owed per day, of the day it arose), the follow-up of a referral it
    sent."""
    if isinstance(duty, FollowUp):
        return duty.kind == "referral_unanswered" and any(
            r.id == duty.subject and r.referred_by.role == role for r in case.referrals
        )
    return duty.trigger_source == "threat" and any(
        t.recorded_by == role and duty.trigger == t.observed_on
        for o in case.observations
        for t in o.suspected_threats
    )


def responsible_sees(decision: Decision, case: SupportCase) -> None:
    """Every role sees the duties it must carry out, and those that arise from its own records:
    a follow-up of a referral it sent to the police is its own, even where its view hides
    child-protection data (the class teacher's)."""
    for role in ViewRole:
        seen = view_decision(decision, role=role.value, case=case, on=decision.as_of)
        keys = {e.get("key") for e in (*seen.get("obligations", []), *seen.get("follow_ups", []))}
        duties: list[ObligationDue | FollowUp] = [*decision.obligations, *decision.follow_ups]
        for duty in duties:
            if role.value in duty.responsible_roles or authored(duty, case, role.value):
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


def test_a_role_without_a_view_gets_the_report_of_a_threat_it_recorded() -> None:
    """Art. 73(1) binds the subject teacher who suspects a threat as it binds anyone: the report
    is on its list, though a role without a view gets no other duty for any member of staff."""
    case = SupportCase.model_validate_json(EXAMPLES[2].read_text(encoding="utf-8"))
    items = worklist([case], THREAT_DAY, role="subject_teacher", registry=registry())
    assert [i.duty for i in items] == []
    ours = _recorded_by(case, "subject_teacher")
    items = worklist([ours], THREAT_DAY, role="subject_teacher", registry=registry())
    assert [i.duty for i in items] == ["report_threat"]


def test_a_threat_in_an_observation_after_the_date_opens_nothing() -> None:
    """A threat the class teacher recorded in an observation dated after the decision is not
    yet in the case the engine decided: it does not make another role's open report the
    teacher's own."""
    case = SupportCase.model_validate_json(EXAMPLES[2].read_text(encoding="utf-8"))
    theirs = _recorded_by(case, "social_pedagogue")
    (first,) = theirs.observations
    later = first.model_copy(
        update={
            "as_of": date(2025, 11, 20),
            "suspected_threats": tuple(
                t.model_copy(update={"recorded_by": "class_teacher"})
                for t in first.suspected_threats
            ),
        }
    )
    mixed = theirs.model_copy(update={"observations": (first, later)})
    decision = registry().evaluate(mixed, THREAT_DAY)
    assert "report_threat" in {o.action for o in decision.obligations}
    seen = view_decision(decision, role="class_teacher", case=mixed, on=THREAT_DAY)
    assert "report_threat" not in json.dumps(seen)
    later_day = registry().evaluate(mixed, date(2025, 11, 20))
    seen = view_decision(later_day, role="class_teacher", case=mixed, on=date(2025, 11, 20))
    assert "report_threat" in json.dumps(seen)
