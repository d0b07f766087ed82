"""Sequences of actions: the lifecycle holds, one event per accepted transition, replay agrees."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import consent, plan, referral

from atbalsts.errors import DocumentError, LifecycleError
from atbalsts.model import ApprovalStep, Consent, Referral, SupportPlan
from atbalsts.workflow import (
    CONSENT,
    PLAN,
    REFERRAL,
    allowed_actions,
    approval_chain,
    pending_step,
    replay,
    status_of,
    transition,
    verify_chain,
)

START = date(2025, 3, 3)
ROLES = (
    "class_teacher",
    "social_pedagogue",
    "school_director",
    "municipal_coordinator",
    "social_service",
    "psychologist",
)
PARAMS: list[dict[str, Any]] = [
    {},
    {"achievements": ("achieved",), "outcome": "continue"},
    {"achievements": ("no-change", "achieved"), "outcome": "adjust"},
    {"measure": 0, "sessions": 2},
    {"measure": 3, "hours": 1.5},
    {"outcome": "Synthetic outcome"},
    {"effective": "2025-03-20"},
    {"effective": "2025-01-01"},
]

ACTIONS = sorted(
    {a for table in (PLAN, REFERRAL, CONSENT) for row in table.values() for a in row} | {"fly"}
)
#: The parameters each action needs, to reach the deep states more often than chance would.
FITTING: dict[str, dict[str, Any]] = {
    "review": {"achievements": ("achieved",), "outcome": "continue"},
    "deliver": {"measure": 0, "sessions": 2},
    "complete": {"outcome": "Synthetic outcome"},
}
SENDER = {"send", "cancel"}
#: Actions that end a lifecycle: drawn less often, so that sequences get deep.
STOPPERS = {"enter-in-error", "revoke", "cancel", "expire", "withdraw", "reject", "fail"}

#: The author the authored plan names, who acts most often; another person.
ACTOR = "p-1"
OTHER = "p-2"

STARTS = {
    "plan": lambda: plan(),
    "authored plan": lambda: plan(author=ACTOR),
    "referral": lambda: referral(consent_id="C-1"),
    "duty": lambda: referral(legal_duty="child_protection_report", purpose="child_protection"),
    "consent": lambda: consent(),
}
TABLES = {SupportPlan: PLAN, Referral: REFERRAL, Consent: CONSENT}


def authors_own(document: Any, action: str, on: date) -> bool:
    """Whether ``action`` is one only the author a plan names takes: its submit, or an approval
    or rejection of its author's step."""
    if not isinstance(document, SupportPlan) or document.author is None:
        return False
    step = pending_step(document, approval_chain(on))
    return action == "submit" or (action in ("approve", "reject") and step is ApprovalStep.AUTHOR)


def fitting_role(document: Any, action: str, on: date) -> str:
    if isinstance(document, SupportPlan):
        step = pending_step(document, approval_chain(on))
        if action in ("approve", "reject") and step is not None:
            return "class_teacher" if step.value == "author" else step.value
        if action == "submit":
            return document.author_role
        if action == "deliver":
            return "psychologist"  # responsible for the fixture's measure
        return "school_director"
    if isinstance(document, Referral):
        return "social_pedagogue" if action in SENDER else "social_service"
    return "social_pedagogue"


@given(start=st.sampled_from(sorted(STARTS)), data=st.data())
def test_any_sequence_of_actions_keeps_the_lifecycle(start: str, data: st.DataObject) -> None:
    first = STARTS[start]()
    table = TABLES[type(first)]
    current: Any = first
    events = []
    on = START
    for _ in range(data.draw(st.integers(0, 30), label="steps")):
        if events and data.draw(st.integers(0, 5), label="backwards") == 0:
            back = events[-1].on - timedelta(days=data.draw(st.integers(1, 400), label="earlier"))
            action = data.draw(st.sampled_from(list(allowed_actions(current)) or ACTIONS))
            try:
                transition(
                    current,
                    action,
                    actor=ACTOR,
                    role=fitting_role(current, action, back),
                    on=back,
                    params=FITTING.get(action, {}),
                    consents=[consent()],
                    previous=events[-1],
                )
            except LifecycleError as refused:
                backwards: LifecycleError | None = refused
            else:
                backwards = None
            # a day before the last event's is always refused, naming on; but a session given
            # (deliver) is entered as reported, in any order after the plan's approval
            if action != "deliver":
                assert backwards is not None
                assert f"on ({back.isoformat()})" in str(
                    backwards
                ) or action not in allowed_actions(current, approval_chain(back))
        on += timedelta(days=data.draw(st.integers(0, 12), label="days later"))
        chain = approval_chain(on)
        before = status_of(current)
        allowed = allowed_actions(current, chain)
        fit = data.draw(st.integers(0, 9), label="fit") < 8
        onward = [a for a in allowed if a not in STOPPERS] or list(allowed)
        choices = (onward if data.draw(st.integers(0, 4)) else list(allowed)) if fit else []
        action = data.draw(st.sampled_from(choices or ACTIONS), label="action")
        role = fitting_role(current, action, on) if fit else data.draw(st.sampled_from(ROLES))
        # the author, mostly: another person is refused what only the author takes
        actor = data.draw(st.sampled_from([ACTOR, ACTOR, OTHER]), label="actor")
        own = authors_own(current, action, on)
        params = FITTING.get(action, {}) if fit else data.draw(st.sampled_from(PARAMS))
        if action == "withdraw" and fit:
            params = {"effective": on.isoformat()}
        reason = data.draw(st.sampled_from([None, "Synthetic reason"]), label="reason")
        override = data.draw(st.booleans(), label="override")
        try:
            current, event = transition(
                current,
                action,
                actor=actor,
                role=role,
                on=on,
                reason=reason,
                params=params,
                consents=[consent()],
                override=override,
                previous=events[-1] if events else None,
            )
        except LifecycleError as refused:
            problem = refused  # checked after the handler, as the linter asks
        else:
            problem = None
        if problem is not None:
            assert problem.status == before
            if action not in allowed:
                assert problem.refusals == ()
            continue
        # what only a plan's named author takes is never recorded as another person's, whatever
        # the role, the reason or an override
        assert not own or event.actor == first.author == ACTOR
        # only along an edge of the lifecycle, to a status it knows
        assert action in allowed
        after = table[before][action]
        if isinstance(current, Consent) and action == "withdraw" and current.withdrawn_on:
            # a withdrawal from a later day is scheduled: active until then
            after = "withdrawn" if current.withdrawn_on <= event.on else before
        assert after == status_of(current)
        assert (event.from_status, event.to_status) == (before, status_of(current))
        assert event.seq == len(events)
        events.append(event)
    assert verify_chain(events).ok
    assert replay(first, events) == current


def _submitted() -> SupportPlan:
    return transition(plan(), "submit", actor="p-1", role="class_teacher", on=START).document


#: The documents to act on: each start, and a plan submitted (its approvals record the actor).
ACTED_ON = {**STARTS, "submitted plan": _submitted}


@given(
    start=st.sampled_from(sorted(ACTED_ON)),
    actor=st.one_of(st.text(max_size=40), st.sampled_from(["Jānis Bērziņš", "p 1", "", "-p"])),
    data=st.data(),
)
def test_any_actor_is_recorded_or_refused_by_field(
    start: str, actor: str, data: st.DataObject
) -> None:
    """Whatever text is given as the actor, an allowed action records it or refuses it as a
    field of the audit event (``actor``), without its value: never a pydantic error (which
    would echo it), whether or not the document records the actor too (an approval)."""
    current: Any = ACTED_ON[start]()
    allowed = list(allowed_actions(current, approval_chain(START)))
    if not allowed:
        return
    action = data.draw(st.sampled_from(allowed), label="action")
    invalid: DocumentError | None = None
    try:
        transition(
            current,
            action,
            actor=actor,
            role=fitting_role(current, action, START),
            on=START,
            reason="Synthetic reason",
            params=FITTING.get(action, {}),
            consents=[consent()],
        )
    except DocumentError as err:
        invalid = err
    except LifecycleError:
        pass
    if invalid is not None:
        assert list(invalid.paths) == ["actor"]
        assert len(actor) < 9 or actor not in str(invalid)  # a short one may be a word of it
