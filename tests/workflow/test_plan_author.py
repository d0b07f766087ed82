"""A plan that names its author (``SupportPlan.author``, a host id) is submitted, and its author's
approval step taken, by that person only: another person who holds the author's role is refused
(``not_the_author``), and no override lets them through. A plan that names no author is judged as
before, by the author's role alone.

PuMPuRS names the author who drafts the plan and enters it, and the school director who approves
it after the author [S17][S18]: the author's submission and approval are the author's own word.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from tests.workflow.fixtures import plan

from atbalsts.errors import DocumentError, LifecycleError, Refusal
from atbalsts.model import ApprovalStep, PlanStatus, SupportPlan, parse_python
from atbalsts.testing import strategies as ats
from atbalsts.workflow import approval_chain, pending_step, transition

ON = date(2025, 3, 10)
PUMPURS = date(2023, 3, 10)
AUTHOR = "staff-author-1"
OTHER = "staff-other-2"


def _submitted(p: SupportPlan, on: date = ON) -> SupportPlan:
    actor = p.author or "t-1"
    return transition(p, "submit", actor=actor, role="class_teacher", on=on).document


def _refused(document: SupportPlan, action: str, **kw: Any) -> LifecycleError:
    with pytest.raises(LifecycleError) as info:
        transition(document, action, on=kw.pop("on", ON), **kw)
    return info.value


def _no_ids(refusal: Refusal) -> None:
    """The refusal names the action, the step and the field, never a person's id."""
    for said in (refusal.reason, *refusal.values.values()):
        assert AUTHOR not in said
        assert OTHER not in said


# -- the model -----------------------------------------------------------------------------------


def test_a_plan_may_name_its_author_by_a_host_id() -> None:
    assert plan().author is None
    assert plan(author=AUTHOR).author == AUTHOR
    schema = SupportPlan.model_json_schema()["properties"]["author"]
    assert schema["description"] == "Host id of the person who wrote the plan."
    assert "x-classification" not in schema  # a pseudonymous host id, as Approval.approver
    approver = SupportPlan.model_json_schema()["$defs"]["Approval"]["properties"]["approver"]
    assert schema["anyOf"] == approver["anyOf"]


@pytest.mark.parametrize("bad", ["", " staff-1", "staff 1", "x" * 65, 17])
def test_an_author_that_is_not_an_id_is_refused_naming_the_field(bad: object) -> None:
    data = plan().model_dump(mode="json")
    with pytest.raises(DocumentError) as info:
        parse_python(SupportPlan, {**data, "author": bad})
    assert info.value.paths == ("author",)


# -- submit --------------------------------------------------------------------------------------


def test_the_plan_is_submitted_by_the_author_it_names() -> None:
    done = transition(plan(author=AUTHOR), "submit", actor=AUTHOR, role="class_teacher", on=ON)
    assert done.document.submitted_on == ON
    assert done.event.actor == AUTHOR


def test_another_person_in_the_authors_role_is_refused_the_submit() -> None:
    err = _refused(plan(author=AUTHOR), "submit", actor=OTHER, role="class_teacher")
    [refusal] = err.refusals
    assert refusal.guard == "lv.guard.plan.role"
    assert refusal.code == "not_the_author"
    assert dict(refusal.values) == {"action": "submit", "field": "author"}
    assert refusal.reason == (
        "submit is taken by the plan's author (the person its field author names), not by "
        "another person"
    )
    assert refusal.basis.startswith("methodological_default")
    assert refusal.override_roles == ()
    _no_ids(refusal)
    assert OTHER not in str(err)
    assert AUTHOR not in str(err)


def test_plan_author_role_does_not_stand_in_for_the_named_author() -> None:
    err = _refused(plan(author=AUTHOR), "submit", actor=OTHER, role="plan_author")
    assert [r.code for r in err.refusals] == ["not_the_author"]
    done = transition(plan(author=AUTHOR), "submit", actor=AUTHOR, role="plan_author", on=ON)
    assert done.document.submitted_on == ON


def test_a_wrong_role_is_said_before_a_wrong_person() -> None:
    err = _refused(plan(author=AUTHOR), "submit", actor=OTHER, role="school_director")
    assert [r.code for r in err.refusals] == ["wrong_role"]
    err = _refused(plan(author=AUTHOR), "submit", actor=AUTHOR, role="school_director")
    assert [r.code for r in err.refusals] == ["wrong_role"]


@pytest.mark.parametrize("role", ["school_director", "class_teacher", "plan_author"])
def test_no_override_makes_a_submit_in_the_authors_name(role: str) -> None:
    err = _refused(
        plan(author=AUTHOR),
        "submit",
        actor=OTHER,
        role=role,
        override=True,
        reason="Synthetic: the author is away",
    )
    assert {r.guard for r in err.refusals} == {"lv.guard.plan.role"}
    assert all(r.override_roles == () for r in err.refusals)


def test_the_authors_other_actions_stay_with_the_authors_role() -> None:
    """Only the submit and the author's approval step are the author's own word; the rest is
    taken by the author's role as before (the school reviews and closes the plan)."""
    active = plan(author=AUTHOR, status="active", submitted_on="2025-03-03")
    held = transition(
        active, "hold", actor=OTHER, role="class_teacher", on=ON, reason="Synthetic pause"
    )
    assert held.document.status.value == "on-hold"
    draft = plan(author=AUTHOR)
    revoked = transition(draft, "revoke", actor=OTHER, role="class_teacher", on=ON, reason="Dup")
    assert revoked.document.status.value == "revoked"


# -- the author's approval step ------------------------------------------------------------------


def test_the_authors_step_is_approved_by_the_author_it_names() -> None:
    submitted = _submitted(plan(author=AUTHOR))
    done = transition(submitted, "approve", actor=AUTHOR, role="class_teacher", on=ON)
    [approval] = done.document.approvals
    assert (approval.step.value, approval.approver) == ("author", AUTHOR)


@pytest.mark.parametrize(
    ("action", "on", "guard"),
    [
        ("approve", ON, "lv.guard.plan.approver_default"),
        ("reject", ON, "lv.guard.plan.approver_default"),
        ("approve", PUMPURS, "lv.guard.plan.approver"),
    ],
)
def test_another_person_is_refused_the_authors_step(action: str, on: date, guard: str) -> None:
    submitted = _submitted(plan(author=AUTHOR), on)
    err = _refused(
        submitted, action, actor=OTHER, role="class_teacher", on=on, reason="Synthetic reason"
    )
    [refusal] = err.refusals
    assert refusal.guard == guard
    assert refusal.code == "not_the_author"
    assert dict(refusal.values) == {"action": action, "step": "author", "field": "author"}
    assert refusal.reason == (
        f"{action} at the step author is taken by the plan's author (the person its field "
        "author names), not by another person"
    )
    assert refusal.override_roles == ()
    _no_ids(refusal)


def test_no_override_makes_an_approval_in_the_authors_name() -> None:
    submitted = _submitted(plan(author=AUTHOR))
    err = _refused(
        submitted,
        "approve",
        actor=OTHER,
        role="plan_author",
        override=True,
        reason="Synthetic: the author is away",
    )
    assert [r.code for r in err.refusals] == ["not_the_author"]
    assert err.refusals[0].override_roles == ()


def test_the_later_steps_are_taken_by_their_roles_whoever_the_author() -> None:
    """The director, the coordinator: their steps are not the author's, so any person in their
    role takes them, as before."""
    current = _submitted(plan(author=AUTHOR))
    current = transition(current, "approve", actor=AUTHOR, role="class_teacher", on=ON).document
    for step in approval_chain(ON)[1:]:
        current = transition(current, "approve", actor=OTHER, role=step.value, on=ON).document
    assert [a.approver for a in current.approvals] == [
        AUTHOR,
        *[OTHER] * (len(approval_chain(ON)) - 1),
    ]
    active = transition(current, "activate", actor=OTHER, role="school_director", on=ON)
    assert active.document.status.value == "active"


# -- properties ----------------------------------------------------------------------------------

IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,20}", fullmatch=True)
#: Roles to act in: the author's role, the plan author role, the director and others.
ROLES = ["class_teacher", "plan_author", "school_director", "psychologist", "social_service"]


def _outcome(document: SupportPlan, action: str, actor: str, role: str) -> Any:
    """What the transition gives: the document and the event's statuses, or the refusals."""
    try:
        done = transition(
            document, action, actor=actor, role=role, on=ON, reason="Synthetic reason"
        )
    except LifecycleError as err:
        return [(r.guard, r.code, dict(r.values)) for r in err.refusals] or err.code
    return done.document.model_dump(exclude={"author"}), done.event.to_status


def _before(action: str) -> SupportPlan:
    return plan() if action == "submit" else _submitted(plan())


@settings(max_examples=150)
@given(
    actor=IDS,
    author=IDS,
    role=st.sampled_from(ROLES),
    action=st.sampled_from(["submit", "approve", "reject"]),
)
def test_a_named_author_changes_only_who_of_the_role_may_act(
    actor: str, author: str, role: str, action: str
) -> None:
    """Without ``author`` a plan is judged as before (by the role alone); naming the actor as its
    author changes nothing; naming another, what the role alone would accept is refused with
    ``not_the_author`` and nothing else, and what it would refuse is refused as before."""
    without = _before(action)
    named = without.model_copy(update={"author": author})
    by_role = _outcome(without, action, actor, role)
    assert _outcome(without.model_copy(update={"author": actor}), action, actor, role) == by_role
    got = _outcome(named, action, actor, role)
    if actor == author or not isinstance(by_role, tuple):  # refused as before
        assert got == by_role
        return
    [(guard, code, values)] = got
    assert code == "not_the_author"
    assert guard in ("lv.guard.plan.role", "lv.guard.plan.approver_default")
    step = {} if action == "submit" else {"step": "author"}
    assert values == {"action": action, "field": "author", **step}  # no person's id


# -- on generated plans --------------------------------------------------------------------------

#: The days generated plans are acted on: the national chain with and without PuMPuRS' step.
DAYS = st.dates(date(2022, 9, 1), date(2026, 6, 30))


@st.composite
def _drafts(draw: st.DrawFn) -> tuple[SupportPlan, date]:
    """A generated draft plan (about half name their author) and a day it may be submitted on:
    none of its dates is later (:mod:`atbalsts.testing.strategies`, as the conformance checks
    generate them)."""
    on = draw(DAYS)
    return draw(ats.support_plans(as_of=on, status=PlanStatus.DRAFT)), on


def test_the_strategies_generate_plans_with_and_without_their_author() -> None:
    """The property below meets both kinds of plan: the strategies name a plan's author (a
    synthetic host id) or leave it empty."""
    named = find(ats.support_plans(), lambda p: p.author is not None)
    assert named.author is not None
    assert named.author.startswith("staff-")
    assert find(ats.support_plans(), lambda p: p.author is None).author is None


@given(drafted=_drafts(), other=IDS, in_plan_author=st.booleans())
def test_on_generated_plans_only_the_author_named_submits_and_takes_the_authors_step(
    drafted: tuple[SupportPlan, date], other: str, in_plan_author: bool
) -> None:
    """A generated plan that names its author is submitted, and its author's step taken, by that
    person; another, in the same role and with an override, is refused with ``not_the_author``
    alone (naming no one). One that names none is submitted by whoever acts in the author's
    role."""
    draft, on = drafted
    # the plan author role, or the plan's author_role (unless a group, which nobody acts in)
    role = (
        "plan_author" if in_plan_author or draft.author_role == "any_staff" else draft.author_role
    )
    author = draft.author
    if author is None or other == author:
        done = transition(draft, "submit", actor=other, role=role, on=on)
        assert done.event.actor == other
        return
    submitted = transition(draft, "submit", actor=author, role=role, on=on).document
    assert submitted.submitted_on == on
    refused = [("submit", draft, {})]
    if pending_step(submitted, approval_chain(on)) is ApprovalStep.AUTHOR:
        approved = transition(submitted, "approve", actor=author, role=role, on=on).document
        assert [a.approver for a in approved.approvals if a.step is ApprovalStep.AUTHOR] == [author]
        refused += [(a, submitted, {"step": "author"}) for a in ("approve", "reject")]
    for action, document, step in refused:
        err = _refused(
            document,
            action,
            actor=other,
            role=role,
            on=on,
            override=True,
            reason="Synthetic: the author is away",
        )
        [(code, values, roles)] = [(r.code, dict(r.values), r.override_roles) for r in err.refusals]
        assert (code, roles) == ("not_the_author", ())
        assert values == {"action": action, "field": "author", **step}  # no person's id
