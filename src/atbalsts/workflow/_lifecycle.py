"""The three lifecycles as tables, and the pure change each action makes.

A lifecycle status is the document's FHIR status, except that a draft plan waiting for the
approvals of its chain is ``submitted`` (a draft with ``submitted_on`` set). Each table maps a
status to the actions allowed from it and the status each leads to. :func:`apply` makes the change
of one action; it checks nothing but the action's own parameters, so replaying recorded events
gives the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, TypeVar, cast, get_args

from atbalsts._time import iso_day
from atbalsts.errors import LifecycleError
from atbalsts.model import (
    Approval,
    ApprovalStep,
    Consent,
    ConsentStatus,
    Delivery,
    GoalStatus,
    PlanStatus,
    Referral,
    Rejection,
    Review,
    SupportPlan,
    TaskStatus,
    parse_python,
)
from atbalsts.model.audit import DocumentKind

__all__ = [
    "CONSENT",
    "LATE_ENTRY",
    "LIFECYCLES",
    "NEEDS_REASON",
    "PLAN",
    "REFERRAL",
    "REVIEW_OUTCOMES",
    "D",
    "Lifecycled",
    "Recorded",
    "allowed_actions",
    "apply",
    "kind_of",
    "not_before",
    "pending_step",
    "recorded_days",
    "status_of",
]

Lifecycled = SupportPlan | Referral | Consent
D = TypeVar("D", bound=SupportPlan | Referral | Consent)
Params = Mapping[str, Any]

ERROR = "entered-in-error"

#: Support plan: status -> {action: status after}.
PLAN: dict[str, dict[str, str]] = {
    "draft": {"submit": "submitted", "revoke": "revoked", "enter-in-error": ERROR},
    "submitted": {
        "approve": "submitted",
        "reject": "draft",
        "activate": "active",
        "revoke": "revoked",
        "enter-in-error": ERROR,
    },
    "active": {
        "deliver": "active",
        "review": "active",
        "hold": "on-hold",
        "complete": "completed",
        "revoke": "revoked",
        "enter-in-error": ERROR,
    },
    "on-hold": {
        "resume": "active",
        "review": "on-hold",
        "revoke": "revoked",
        "enter-in-error": ERROR,
    },
    "completed": {"enter-in-error": ERROR},
    "revoked": {"enter-in-error": ERROR},
    "unknown": {"enter-in-error": ERROR},
    ERROR: {},
}

_SENT = {"cancel": "cancelled", "enter-in-error": ERROR}
#: Referral: status -> {action: status after} (FHIR Task statuses).
REFERRAL: dict[str, dict[str, str]] = {
    "draft": {"send": "requested", **_SENT},
    "requested": {"receive": "received", **_SENT},
    "received": {"accept": "accepted", "reject": "rejected", **_SENT},
    "accepted": {"start": "in-progress", **_SENT},
    "ready": {"start": "in-progress", **_SENT},
    "in-progress": {"complete": "completed", "fail": "failed", "hold": "on-hold", **_SENT},
    "on-hold": {"resume": "in-progress", **_SENT},
    "rejected": {"enter-in-error": ERROR},
    "cancelled": {"enter-in-error": ERROR},
    "failed": {"enter-in-error": ERROR},
    "completed": {"enter-in-error": ERROR},
    ERROR: {},
}

#: Consent: status -> {action: status after}. A withdrawal recorded to take effect on a later
#: day is scheduled: the consent stays ``active``, with its ``withdrawn_on`` set, and covers
#: sharing until the day before (:meth:`atbalsts.model.Consent.in_force`); it is ``withdrawn``
#: when a withdrawal is recorded on or after that day (by default it keeps the day set), as an
#: expiry is recorded after the period's end.
CONSENT: dict[str, dict[str, str]] = {
    "active": {"withdraw": "withdrawn", "expire": "expired", "enter-in-error": ERROR},
    "withdrawn": {"enter-in-error": ERROR},
    "expired": {"enter-in-error": ERROR},
    ERROR: {},
}

LIFECYCLES: dict[DocumentKind, dict[str, dict[str, str]]] = {
    "support-plan": PLAN,
    "referral": REFERRAL,
    "consent": CONSENT,
}

#: Actions that need a reason: a comment, or why the document stops or pauses.
NEEDS_REASON: dict[DocumentKind, frozenset[str]] = {
    "support-plan": frozenset({"reject", "hold", "revoke", "enter-in-error"}),
    "referral": frozenset({"reject", "fail", "cancel", "hold", "enter-in-error"}),
    "consent": frozenset({"enter-in-error"}),
}

#: A day a document records: the field that holds it (for approvals, rejections, reviews and
#: deliveries, each item's day), or ``last_event``, the day of the document's own last event in
#: the audit chain.
Recorded = Literal[
    "application.signed_on",
    "submitted_on",
    "approvals",
    "rejections",
    "reviews",
    "deliveries",
    "created_on",
    "sent_on",
    "outcome_on",
    "given_on",
    "last_event",
]

#: Actions recorded as they are reported, in any order, with the only days their document
#: records that they must not precede; every other action follows every day its document records
#: and the document's own last event in the chain (a document's history runs forward). A session
#: given (a plan's ``deliver``) may be entered after a later review or another tutor's later
#: session, so it follows the plan's approval (its application, submission and approvals) only.
LATE_ENTRY: dict[DocumentKind, dict[str, frozenset[Recorded]]] = {
    "support-plan": {
        "deliver": frozenset({"application.signed_on", "submitted_on", "approvals"}),
    },
}


def not_before(kind: DocumentKind, action: str) -> frozenset[Recorded] | None:
    """The days a document of ``kind`` records that ``action`` must not precede
    (:data:`LATE_ENTRY`), or None: every day it records, and its own last event."""
    return LATE_ENTRY.get(kind, {}).get(action)


def recorded_days(document: Lifecycled) -> list[tuple[Recorded, date, str]]:
    """Each day ``document`` records that something happened: the field of :data:`Recorded`
    that holds it, the day, and the path of the field (an item's path for a tuple field).

    A consent's ``withdrawn_on`` is not one: it is the day the withdrawal takes effect, which may
    lie after the day it was recorded."""
    days: list[tuple[Recorded, date, str]] = []
    if isinstance(document, SupportPlan):
        if document.application is not None:
            signed = document.application.signed_on
            days.append(("application.signed_on", signed, "application.signed_on"))
        if document.submitted_on is not None:
            days.append(("submitted_on", document.submitted_on, "submitted_on"))
        days += [
            ("approvals", a.approved_on, f"approvals[{i}].approved_on")
            for i, a in enumerate(document.approvals)
        ]
        days += [
            ("rejections", r.on, f"rejections[{i}].on") for i, r in enumerate(document.rejections)
        ]
        days += [("reviews", r.on, f"reviews[{i}].on") for i, r in enumerate(document.reviews)]
        days += [
            ("deliveries", d.on, f"deliveries[{i}].on") for i, d in enumerate(document.deliveries)
        ]
    elif isinstance(document, Referral):
        days.append(("created_on", document.created_on, "created_on"))
        if document.sent_on is not None:
            days.append(("sent_on", document.sent_on, "sent_on"))
        if document.outcome_on is not None:
            days.append(("outcome_on", document.outcome_on, "outcome_on"))
    else:
        days.append(("given_on", document.given_on, "given_on"))
    return days


def kind_of(document: Lifecycled) -> DocumentKind:
    """The document's name in :data:`atbalsts.DOCUMENTS`."""
    if isinstance(document, SupportPlan):
        return "support-plan"
    if isinstance(document, Referral):
        return "referral"
    return "consent"


def status_of(document: Lifecycled) -> str:
    """The lifecycle status: the FHIR status, or ``submitted`` for a submitted draft plan."""
    if (
        isinstance(document, SupportPlan)
        and document.status is PlanStatus.DRAFT
        and document.submitted_on is not None
    ):
        return "submitted"
    return document.status.value


def pending_step(plan: SupportPlan, chain: tuple[ApprovalStep, ...]) -> ApprovalStep | None:
    """The first step of ``chain`` the plan has no approval for, or None when all are there."""
    done = {a.step for a in plan.approvals}
    return next((step for step in chain if step not in done), None)


def allowed_actions(document: Lifecycled, chain: tuple[ApprovalStep, ...] = ()) -> tuple[str, ...]:
    """The actions allowed from the document's status. A submitted plan is approved or rejected
    only while a step of ``chain`` waits for its approval."""
    status = status_of(document)
    actions = tuple(LIFECYCLES[kind_of(document)].get(status, {}))
    waiting = isinstance(document, SupportPlan) and pending_step(document, chain) is not None
    if status == "submitted" and not waiting:
        actions = tuple(a for a in actions if a not in ("approve", "reject"))
    return actions


def _bad(
    document: Lifecycled, action: str, message: str, code: str, **values: str
) -> LifecycleError:
    """A refusal of ``action`` on ``document`` for the reason ``message``, with its ``code`` and
    the ``values`` it is about besides the document's kind and the action."""
    kind = kind_of(document)
    status = status_of(document)
    allowed = tuple(LIFECYCLES[kind].get(status, {}))
    return LifecycleError(
        kind,
        status,
        action,
        allowed,
        message=f"{kind}: {action}: {message}",
        code=code,
        values={"document": kind, "status": status, "action": action, **values},
    )


#: The parameters a caller may give each action (the workflow sets ``step``, ``lawful_basis``,
#: ``special_categories``, ``state_vocational_school`` and ``beyond_plan`` itself); any other is
#: refused, so that nothing a caller typed by mistake (or a learner's name) is written into the
#: audit chain.
PARAMS: dict[tuple[DocumentKind, str], frozenset[str]] = {
    ("support-plan", "review"): frozenset({"achievements", "outcome", "improved"}),
    ("support-plan", "deliver"): frozenset({"measure", "sessions", "hours"}),
    ("referral", "complete"): frozenset({"outcome"}),
    ("consent", "withdraw"): frozenset({"effective"}),
}


def _param(
    document: Lifecycled, action: str, params: Params, name: str, kinds: tuple[type, ...]
) -> Any:
    value = params.get(name)
    if value is None:
        raise _bad(document, action, f"parameter {name!r} is missing", "param_missing", param=name)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        wanted = " or ".join(k.__name__ for k in kinds)
        raise _bad(
            document,
            action,
            f"parameter {name!r} must be {wanted}",
            "param_type",
            param=name,
            types=",".join(k.__name__ for k in kinds),
        )
    return value


def _rebuild(document: D, **changes: Any) -> D:
    return parse_python(type(document), {**document.model_dump(), **changes})


def _plan(
    plan: SupportPlan, action: str, params: Params, actor: str, on: date, reason: str | None
) -> SupportPlan:
    if action == "submit":
        return _rebuild(plan, submitted_on=on, approvals=())
    if action == "approve":
        step = ApprovalStep(_param(plan, action, params, "step", (str,)))
        approval = Approval(step=step, approved_on=on, approver=actor)
        return _rebuild(plan, approvals=(*plan.approvals, approval))
    if action == "reject":
        step = ApprovalStep(_param(plan, action, params, "step", (str,)))
        rejection = Rejection(step=step, on=on, by=actor, comment=reason or "")
        return _rebuild(
            plan, approvals=(), submitted_on=None, rejections=(*plan.rejections, rejection)
        )
    if action == "review":
        return _review(plan, params, on)
    if action == "deliver":
        return _deliver(plan, params, actor, on)
    status = {
        "activate": PlanStatus.ACTIVE,
        "resume": PlanStatus.ACTIVE,
        "hold": PlanStatus.ON_HOLD,
        "complete": PlanStatus.COMPLETED,
        "revoke": PlanStatus.REVOKED,
        "enter-in-error": PlanStatus.ENTERED_IN_ERROR,
    }[action]
    return _rebuild(plan, status=status, status_reason=reason)


#: The outcomes a plan's review takes (``Review.outcome``).
REVIEW_OUTCOMES: tuple[str, ...] = get_args(Review.model_fields["outcome"].annotation)


def _review(plan: SupportPlan, params: Params, on: date) -> SupportPlan:
    raw = _param(plan, "review", params, "achievements", (tuple, list))
    if len(raw) != len(plan.goals):
        raise _bad(
            plan,
            "review",
            f"parameter 'achievements' needs one achievement per goal ({len(plan.goals)}), "
            f"got {len(raw)}",
            "achievements_count",
            goals=str(len(plan.goals)),
            given=str(len(raw)),
        )
    try:
        achievements = tuple(GoalStatus(a) for a in raw)
    except ValueError:
        known = ", ".join(s.value for s in GoalStatus)
        message = f"an achievement is not one of {known}"
        raise _bad(plan, "review", message, "achievement_unknown", known=known) from None
    outcome = _param(plan, "review", params, "outcome", (str,))
    if outcome not in REVIEW_OUTCOMES:  # what was typed is not repeated: it may be anything
        known = ", ".join(REVIEW_OUTCOMES)
        message = f"parameter 'outcome' is not one of {known}"
        raise _bad(plan, "review", message, "outcome_unknown", known=known)
    improved = params.get("improved")
    if improved is not None and not isinstance(improved, bool):
        message = "parameter 'improved' must be true, false or empty"
        raise _bad(plan, "review", message, "improved_type")
    review = parse_python(
        Review,
        {"on": on, "outcome": outcome, "improved": improved, "achievements": achievements},
    )
    goals = tuple(
        g.model_copy(update={"status": s}) for g, s in zip(plan.goals, achievements, strict=True)
    )
    return _rebuild(plan, reviews=(*plan.reviews, review), goals=goals)


def _deliver(plan: SupportPlan, params: Params, actor: str, on: date) -> SupportPlan:
    measure = _param(plan, "deliver", params, "measure", (int,))
    sessions = params.get("sessions", 0)
    hours = params.get("hours")
    if isinstance(hours, int) and not isinstance(hours, bool):
        hours = float(hours)
    delivery = parse_python(
        Delivery,
        {"measure": measure, "on": on, "sessions": sessions, "hours": hours, "by": actor},
    )
    return _rebuild(plan, deliveries=(*plan.deliveries, delivery))


def _referral(
    referral: Referral, action: str, params: Params, on: date, reason: str | None
) -> Referral:
    to = TaskStatus(REFERRAL[status_of(referral)][action])
    if action == "send":
        return _rebuild(referral, status=to, sent_on=on)
    if action == "complete":
        outcome = _param(referral, action, params, "outcome", (str,))
        return _rebuild(referral, status=to, outcome=outcome, outcome_on=on, status_reason=None)
    keep = reason if action in NEEDS_REASON["referral"] else None
    return _rebuild(referral, status=to, status_reason=keep)


def _is_day(text: str) -> bool:
    """Whether ``text`` is a day written ``YYYY-MM-DD`` (:func:`atbalsts._time.iso_day`)."""
    try:
        iso_day(text)
    except ValueError:
        return False
    return True


def _consent(consent: Consent, action: str, params: Params, on: date) -> Consent:
    if action == "withdraw":
        # without a day given, from the day it is recorded, or from the day already set if earlier
        already = consent.withdrawn_on
        default = already if already is not None and already < on else on
        effective = params.get("effective", default.isoformat())
        if not isinstance(effective, str) or not _is_day(effective):
            message = "parameter 'effective' must be a date (YYYY-MM-DD)"
            raise _bad(consent, action, message, "effective_type")
        # withdrawn once it takes effect; from a later day, scheduled: active until then (its
        # withdrawn_on set), withdrawn when a withdrawal is recorded on or after that day
        status = ConsentStatus.WITHDRAWN if iso_day(effective) <= on else consent.status
        return _rebuild(consent, status=status, withdrawn_on=effective)
    to = ConsentStatus(CONSENT[status_of(consent)][action])
    return _rebuild(consent, status=to)


def apply(
    document: D,
    action: str,
    params: Params,
    *,
    actor: str,
    on: date,
    reason: str | None = None,
) -> D:
    """The document after ``action``, made with ``params``; the change only, no guard.

    Raises :class:`~atbalsts.errors.LifecycleError` when the action is not allowed from the
    document's status or a parameter it needs is missing or wrong.
    """
    kind = kind_of(document)
    status = status_of(document)
    table = LIFECYCLES[kind].get(status, {})
    if action not in table:
        raise LifecycleError(kind, status, action, tuple(table))
    if action in NEEDS_REASON[kind] and not reason:
        raise _bad(document, action, "needs a reason", "needs_reason")
    after: Lifecycled
    if isinstance(document, SupportPlan):
        after = _plan(document, action, params, actor, on, reason)
    elif isinstance(document, Referral):
        after = _referral(document, action, params, on, reason)
    else:
        after = _consent(document, action, params, on)
    return cast(D, after)
