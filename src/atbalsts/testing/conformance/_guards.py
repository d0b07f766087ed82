"""The ``guards`` check: a plugin's guards judge the documents of generated cases without failing.

A guard that raises refuses (the workflow fails closed), so a careless guard blocks every action it
judges, often for a reason nobody can override. The check moves each plan, referral and consent of
the generated cases by every action a plugin's guard judges and the document's status allows, as
the workflow would, and reports a guard that raised.

A plan's approvals are judged too. A draft plan is submitted by its author, then approved step
by step along the national approval chain of the day (:func:`atbalsts.workflow.approval_chain`,
a state vocational school's when the learner's enrolment says so); at each step that waits,
``approve`` and ``reject`` are tried, and once every step has approved it, ``activate`` (the
school director puts it in force). The submission and the approvals that move the plan on to
its next step are judged by the national guards alone, so that a plugin's guard refusing one (or
raising on it) does not keep its guards from being judged at the later steps. A plan the
caller's cases hold already submitted is tried from the step it waits for.

It acts as a member of staff in the school director's role, but for a plan's submission and the
author's approval step, which are its author's: taken in the plan author's role by the person the
plan names as its author (``SupportPlan.author``; the workflow refuses them to anyone else,
``not_the_author``), or by the same member of staff when it names none; and for another approval
step, taken by the same member of staff in the role that takes it
(``atbalsts.workflow.STEP_ROLES``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from atbalsts.engine import Declaration
from atbalsts.errors import AtbalstsError, LifecycleError
from atbalsts.model import ApprovalStep, Consent, Referral, SupportCase, SupportPlan
from atbalsts.testing.conformance._problem import Problem
from atbalsts.workflow import (
    NATIONAL_GUARDS,
    STEP_ROLES,
    Guard,
    GuardSet,
    allowed_actions,
    approval_chain,
    pending_step,
    status_of,
    transition,
)

#: The code of the refusal the workflow makes of a guard that raised.
_FAILED = "guard_failed"
#: Who the check acts as, and in which role, unless it acts as a plan's author (:func:`_acting`).
_ACTOR = "conformance"
_ROLE = "school_director"
#: The actions that take a submitted plan's approval steps.
_STEPS = ("approve", "reject")
#: What the check takes on a plan it has moved along its chain: the steps, then putting it in force.
_WALKED = (*_STEPS, "activate")
#: The reason given with every action (some need one: a rejection, a revocation, ...).
_REASON = "conformance check"


def _acting(
    document: SupportPlan | Referral | Consent, action: str, chain: tuple[ApprovalStep, ...]
) -> tuple[str, str]:
    """The actor and the role that take ``action`` on ``document``: a plan is submitted by its
    author, in the plan author's role (the person it names, when it names one); an approval step
    (``approve``, ``reject``) of ``chain`` is taken by the role that takes it, the author's step
    as a submission is."""
    if not isinstance(document, SupportPlan):
        return _ACTOR, _ROLE
    step = pending_step(document, chain) if action in _STEPS else None
    if action == "submit" or step is ApprovalStep.AUTHOR:
        return document.author or _ACTOR, "plan_author"
    if step is not None:
        return _ACTOR, min(STEP_ROLES[step])
    return _ACTOR, _ROLE


def check_guards(
    decl: Declaration, cases_on: Iterable[tuple[date, Sequence[SupportCase]]]
) -> list[Problem]:
    """One problem per guard of ``decl`` that raised on a document of the cases, each case
    moved on the date it was generated for (the first failure of each guard is reported)."""
    own = decl.guards
    if not own:
        return []
    name = decl.info.name
    national = tuple((g, "lv") for g in NATIONAL_GUARDS)
    judge = _Judge(own, GuardSet((*national, *((g, name) for g in own))), name)
    steps = any(g.document == "support-plan" and set(_WALKED) & set(g.actions) for g in own)
    for day, cases in cases_on:
        for case in cases:
            vocational = case.learner.enrolment.state_vocational_school
            chain = approval_chain(day, state_vocational_school=vocational)
            for plan in case.plans:
                judge(plan, "support-plan", day, chain=chain, vocational=vocational)
                if not steps:
                    continue
                for at, actions in _walk(plan, day, chain, vocational):
                    if judge.done(_WALKED):
                        break
                    judge(at, "support-plan", day, chain, vocational, only=actions)
            for kind, documents in (("referral", case.referrals), ("consent", case.consents)):
                for document in documents:
                    judge(document, kind, day)
    return [judge.failed[g.id] for g in own if g.id in judge.failed]


def _walk(
    plan: SupportPlan, day: date, chain: tuple[ApprovalStep, ...], vocational: bool
) -> Iterator[tuple[SupportPlan, tuple[str, ...]]]:
    """``plan`` at each later step of ``chain`` that waits for its approval, with the actions to
    try there (``approve``, ``reject``), then approved by every step, with ``activate``: a draft
    submitted by its author, then approved step by step, on ``day``, each action taken by the
    role that takes it and judged by the national guards alone. Ends where the workflow refuses
    to move it on (a plan of another status, a day before one it records)."""
    status = status_of(plan)
    if status not in ("draft", "submitted"):
        return
    # a submitted plan's pending step is judged with its other actions: move on to the next
    first = "submit" if status == "draft" else "approve"
    at = _move(plan, first, day, chain, vocational)
    while at is not None and pending_step(at, chain) is not None:
        yield at, _STEPS
        at = _move(at, "approve", day, chain, vocational)
    if at is not None:
        yield at, ("activate",)


def _move(
    plan: SupportPlan, action: str, day: date, chain: tuple[ApprovalStep, ...], vocational: bool
) -> SupportPlan | None:
    """``plan`` after ``action``, judged by the national guards alone; None when refused."""
    if action not in allowed_actions(plan, chain):
        return None
    try:
        moved = _take(plan, action, day, chain, vocational)
    except AtbalstsError:
        return None
    assert isinstance(moved, SupportPlan)
    return moved


def _take(
    document: SupportPlan | Referral | Consent,
    action: str,
    day: date,
    chain: tuple[ApprovalStep, ...],
    vocational: bool,
    guards: GuardSet | None = None,
) -> SupportPlan | Referral | Consent:
    """``document`` after ``action`` on ``day``, taken by whoever takes it (:func:`_acting`),
    judged by ``guards`` (by default the national ones)."""
    actor, role = _acting(document, action, chain)
    return transition(
        document,
        action,
        actor=actor,
        role=role,
        on=day,
        reason=_REASON,
        chain=_chain(action, chain),
        state_vocational_school=vocational,
        guards=guards,
    ).document


def _chain(action: str, chain: tuple[ApprovalStep, ...]) -> tuple[ApprovalStep, ...] | None:
    """The chain a transition is given: ``chain`` for an approval step (the one the step was
    found in), else None, the workflow's own for the action (a completion's, for one)."""
    return chain if action in _STEPS else None


class _Judge:
    """Moves documents by the actions the plugin's guards judge, and keeps the first failure of
    each guard (:attr:`failed`, by guard id)."""

    def __init__(self, own: Sequence[Guard], guards: GuardSet, name: str) -> None:
        self.own = own
        self.guards = guards
        self.name = name
        self.failed: dict[str, Problem] = {}

    def done(self, actions: Sequence[str]) -> bool:
        """Whether every guard of the plugin that judges one of a plan's ``actions`` has failed
        already (nothing is left to find by taking them)."""
        return all(
            g.id in self.failed
            for g in self.own
            if g.document == "support-plan" and set(actions) & set(g.actions)
        )

    def __call__(
        self,
        document: SupportPlan | Referral | Consent,
        kind: str,
        day: date,
        chain: tuple[ApprovalStep, ...] = (),
        vocational: bool = False,
        only: Sequence[str] | None = None,
    ) -> None:
        """Take each action the document's status allows (with ``chain``, a submitted plan's
        approval steps) and a guard of the plugin judges, of ``only`` when given."""
        for action in allowed_actions(document, chain):
            if only is not None and action not in only:
                continue
            judging = [g for g in self.own if g.document == kind and action in g.actions]
            if not judging or all(g.id in self.failed for g in judging):
                continue
            try:
                _take(document, action, day, chain, vocational, self.guards)
            except LifecycleError as refused:
                self._failures(refused, kind, action)
            except AtbalstsError:  # the action needs what the check does not give (params, a day)
                continue

    def _failures(self, refused: LifecycleError, kind: str, action: str) -> None:
        for refusal in refused.refusals:
            if refusal.plugin == self.name and refusal.code == _FAILED:
                self.failed.setdefault(
                    refusal.guard,
                    Problem(
                        "guards",
                        refusal.guard,
                        f"the guard raised on a {kind} '{action}' of a generated case "
                        f"({refusal.reason}); a guard that raises refuses every such action, "
                        "for a reason no role can override: return None or a reason instead",
                    ),
                )
