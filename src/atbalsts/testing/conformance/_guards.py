"""The ``guards`` check: a plugin's guards judge the documents of generated cases without failing.

A guard that raises refuses (the workflow fails closed), so a careless guard blocks every action it
judges, often for a reason nobody can override. The check moves each plan, referral and consent of
the generated cases by every action a plugin's guard judges and the document's status allows, as
the workflow would, and reports a guard that raised.

It acts as a member of staff in the school director's role, but for a plan's submission, which is
its author's: taken in the plan author's role by the person the plan names as its author
(``SupportPlan.author``; the workflow refuses it to anyone else, ``not_the_author``), or by the
same member of staff when it names none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from atbalsts.engine import Declaration
from atbalsts.errors import AtbalstsError, LifecycleError
from atbalsts.model import Consent, Referral, SupportCase, SupportPlan
from atbalsts.testing.conformance._problem import Problem
from atbalsts.workflow import NATIONAL_GUARDS, Guard, GuardSet, allowed_actions, transition

#: The code of the refusal the workflow makes of a guard that raised.
_FAILED = "guard_failed"
#: Who the check acts as, and in which role, unless it acts as a plan's author (:func:`_acting`).
_ACTOR = "conformance"
_ROLE = "school_director"


def _acting(document: SupportPlan | Referral | Consent, action: str) -> tuple[str, str]:
    """The actor and the role that take ``action`` on ``document``: a plan is submitted by its
    author, in the plan author's role (the person it names, when it names one)."""
    if isinstance(document, SupportPlan) and action == "submit":
        return document.author or _ACTOR, "plan_author"
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
    guards = GuardSet((*national, *((g, name) for g in own)))
    failed: dict[str, Problem] = {}
    for day, cases in cases_on:
        for case in cases:
            for kind, documents in (
                ("support-plan", case.plans),
                ("referral", case.referrals),
                ("consent", case.consents),
            ):
                for document in documents:
                    _judge(document, kind, day, own, guards, failed, name)
    return [failed[g.id] for g in own if g.id in failed]


def _judge(
    document: SupportPlan | Referral | Consent,
    kind: str,
    day: date,
    own: Sequence[Guard],
    guards: GuardSet,
    failed: dict[str, Problem],
    name: str,
) -> None:
    for action in allowed_actions(document):
        judging = [g for g in own if g.document == kind and action in g.actions]
        if not judging or all(g.id in failed for g in judging):
            continue
        actor, role = _acting(document, action)
        try:
            transition(
                document,
                action,
                actor=actor,
                role=role,
                on=day,
                reason="conformance check",
                guards=guards,
            )
        except LifecycleError as refused:
            for refusal in refused.refusals:
                if refusal.plugin == name and refusal.code == _FAILED:
                    failed.setdefault(
                        refusal.guard,
                        Problem(
                            "guards",
                            refusal.guard,
                            f"the guard raised on a {kind} '{action}' of a generated case "
                            f"({refusal.reason}); a guard that raises refuses every such action, "
                            "for a reason no role can override: return None or a reason instead",
                        ),
                    )
        except AtbalstsError:  # the action needs what the check does not give (params, a day)
            continue
