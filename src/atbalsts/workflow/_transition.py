"""One transition: check the lifecycle, judge the guards, make the change, seal the event."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Generic, NamedTuple

import attrs
import pydantic

from atbalsts._time import EARLIEST
from atbalsts.codes import INSTITUTIONS, ROLES
from atbalsts.errors import DocumentError, LifecycleError, UnknownNameError
from atbalsts.model import (
    ApprovalStep,
    AuditEvent,
    Consent,
    DataCategory,
    Referral,
    SupportPlan,
    TaskStatus,
    field_errors,
)
from atbalsts.policy._registrar import Transition
from atbalsts.workflow._audit import document_hash, seal
from atbalsts.workflow._guards import (
    GROUP_ROLES,
    NATIONAL,
    GuardSet,
    approval_chain,
    beyond_duty,
    national_chain,
    required_by_law,
)
from atbalsts.workflow._lifecycle import (
    PARAMS,
    D,
    allowed_actions,
    apply,
    kind_of,
    not_before,
    pending_step,
    recorded_days,
    status_of,
)

__all__ = [
    "MeasureProgress",
    "Transitioned",
    "approval_chain",  # defined beside the guards that enforce the chain; still importable here
    "planned_and_delivered",
    "referrals_resting_on",
    "transition",
]

ParamValue = bool | int | float | str | None | tuple[str, ...]

_LOCAL = re.compile(r"^[a-z][a-z0-9_-]*:[a-z][a-z0-9_]*$")


class Transitioned(NamedTuple, Generic[D]):
    """The document after a transition, and the event that records it."""

    document: D
    event: AuditEvent


def _day(on: date) -> tuple[date, datetime | None]:
    if isinstance(on, datetime):
        if on.utcoffset() is None:
            raise ValueError("a date and time needs its offset from UTC (e.g. +02:00)")
        return on.date(), on
    return on, None


def _check_role(
    role: str, document: SupportPlan | Referral | Consent, action: str, allowed: tuple[str, ...]
) -> None:
    """Refuse a ``role`` that is no role (:class:`~atbalsts.errors.UnknownNameError`, listing the
    roles one acts in), or a code that names a group of roles (:data:`GROUP_ROLES`: a
    :class:`~atbalsts.errors.LifecycleError` ``group_role``, naming the field): nobody acts as
    "any member of staff", which would let one person take every school role's actions."""
    if role in GROUP_ROLES:
        kind, status = kind_of(document), status_of(document)
        raise LifecycleError(
            kind,
            status,
            action,
            allowed,
            message=f"{kind}: {action}: role {role!r} names a group of roles (any member of the "
            "school's staff), not a role one acts in: give the role the person acts in",
            code="group_role",
            values={"document": kind, "status": status, "action": action, "role": role},
        )
    if role in ROLES or role in INSTITUTIONS or _LOCAL.fullmatch(role):
        return
    acting = [c for c in ROLES.codes() if c not in GROUP_ROLES]
    raise UnknownNameError("role", role, [*acting, *INSTITUTIONS.codes()])


def check_day(
    document: SupportPlan | Referral | Consent,
    action: str,
    day: date,
    previous: AuditEvent | None,
    allowed: tuple[str, ...],
) -> None:
    """Refuse a day before ``atbalsts.policy.EARLIEST`` (no guard judges it) or before what
    the document or the chain already recorded that ``action`` must follow (:func:`not_before`).
    Only dates are named: they are not sensitive."""
    kind = kind_of(document)
    follows = not_before(kind, action)  # None: every day, and the last event
    bound: tuple[date, str] | None = None
    which: dict[str, str] = {}
    if day < EARLIEST:
        bound = (EARLIEST, "the earliest date the rules judge")
        which = {"before": "earliest"}
    elif (
        previous is not None
        and (follows is None or "last_event" in follows)
        and (previous.document, previous.document_id) == (kind, document.id)
        and day < previous.on
    ):  # a document's own history runs forward; another's event may be entered late
        bound = (previous.on, f"the day of event {previous.seq} of the chain, its document's last")
        which = {"before": "last_event", "event": str(previous.seq)}
    else:
        days = [
            (on, path)
            for field, on, path in recorded_days(document)
            if follows is None or field in follows
        ]
        latest = max(days, key=lambda d: d[0], default=None)
        if latest is not None and day < latest[0]:
            bound = (latest[0], f"the document's {latest[1]}")
            which = {"before": "document_day", "path": latest[1]}
    if bound is not None:
        message = (
            f"{kind}: {action}: on ({day.isoformat()}) must not be before "
            f"{bound[1]} ({bound[0].isoformat()})"
        )
        status = status_of(document)
        values = {"document": kind, "status": status, "action": action}
        values |= {"on": day.isoformat(), "bound": bound[0].isoformat(), **which}
        raise LifecycleError(
            kind, status, action, allowed, message=message, code="day_before", values=values
        )


#: A parameter name shown in a refusal: a name of the form the workflow's own take. Another
#: (``--param "Anna Bērziņa=1"``) is not repeated, in case it holds what it should not.
_PARAM_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _known_params(
    document: SupportPlan | Referral | Consent,
    action: str,
    params: Mapping[str, ParamValue],
    chain: tuple[ApprovalStep, ...],
) -> None:
    """Refuse a parameter ``action`` does not take (:data:`PARAMS`), naming it when it has the
    form of a parameter name, and the parameters the action takes."""
    kind = kind_of(document)
    known = PARAMS.get((kind, action), frozenset())
    unknown = sorted(name for name in params if name not in known)
    if not unknown:
        return
    shown = [name for name in unknown if _PARAM_NAME.fullmatch(name)]
    takes = ", ".join(sorted(known)) or "none"
    values = {"document": kind, "status": status_of(document), "action": action, "known": takes}
    said = (
        "it takes no parameter of that name (not repeated: it is not written as a parameter name)"
    )
    code = "unknown_param_unnamed"
    if shown:
        values["param"] = shown[0]
        said, code = f"parameter {shown[0]!r} is not one it takes", "unknown_param"
    raise LifecycleError(
        kind,
        status_of(document),
        action,
        allowed_actions(document, chain),
        message=f"{kind}: {action}: {said}; it takes: {takes}",
        code=code,
        values=values,
    )


#: The data categories that are special categories of data (GDPR Art. 9): health. A sending that
#: shares one says so in its event (``special_categories``), whatever it rests on: on a consent,
#: Art. 9(2)(a) asks for explicit consent, which the consent guard cannot tell from another; on a
#: legal duty (the Art. 73(1) report), which Art. 9(2) exception applies is unverified [U], and
#: the law does not say health data is outside what the report needs, so it is a notice, not a
#: refusal; on an override, the override's reason states the basis.
_SPECIAL_CATEGORIES: tuple[DataCategory, ...] = (DataCategory.HEALTH,)


def _params(
    document: SupportPlan | Referral | Consent,
    action: str,
    params: Mapping[str, ParamValue],
    chain: tuple[ApprovalStep, ...],
    consents: tuple[Consent, ...],
    day: date,
) -> dict[str, ParamValue]:
    """The action's parameters as recorded in the event: the caller's, with what the workflow
    decides itself (the approval step, the lawful basis of a sharing sent on ``day``)."""
    if "lawful_basis" in params:
        kind = kind_of(document)
        raise LifecycleError(
            kind,
            status_of(document),
            action,
            allowed_actions(document, chain),
            message=f"{kind}: {action}: parameter 'lawful_basis' is set by the workflow from the "
            "document (its legal duty, its consent or no personal data), never by the caller",
            code="lawful_basis_param",
            values={"document": kind, "status": status_of(document), "action": action},
        )
    _known_params(document, action, params, chain)
    out = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()}
    if isinstance(document, SupportPlan) and action in ("approve", "reject"):
        step = pending_step(document, chain)
        if step is not None:
            out["step"] = step.value
    if isinstance(document, Referral) and action == "send":
        basis = lawful_basis(document, day)
        if basis is not None:
            out["lawful_basis"] = basis
        special = tuple(c.value for c in _SPECIAL_CATEGORIES if c in document.data_categories)
        if special:
            out["special_categories"] = special
    return out


#: The guard whose refusal says a sending rests on no lawful basis the workflow knows: overridden,
#: what its legal duty does not cover rests on the override (the basis is the override's reason).
_BASIS_GUARD = "lv.guard.referral.consent"


def lawful_basis(referral: Referral, day: date, *, overridden: bool = False) -> str | None:
    """What the sending of ``referral`` on ``day`` rests on, as its event records it:
    ``no_personal_data``; ``legal_duty:DUTY`` for what its legal duty covers on ``day`` and
    ``consent:ID`` for the rest (``+`` between them; the consent alone when the duty covers none
    of it). With ``overridden`` (``lv.guard.referral.consent`` refused and was overridden: the
    consent did not cover the rest, or none was named), the rest rests on the override instead,
    ``override:lv.guard.referral.consent``, whose basis is the override's reason. None when
    nothing covers it (the guard refuses such a sending)."""
    if not referral.data_categories:
        return "no_personal_data"
    beyond, _ = beyond_duty(referral, day)  # what the duty does not cover on the sending day
    duty = f"legal_duty:{referral.legal_duty.value}" if referral.legal_duty is not None else None
    if duty is not None and set(beyond) == set(referral.data_categories):
        duty = None  # another recipient: the duty covers none of it
    rest = None
    if overridden:
        rest = f"override:{_BASIS_GUARD}"
    elif referral.consent_id is not None:
        rest = f"consent:{referral.consent_id}"
    if duty is not None and (not beyond or rest is None):
        return duty
    if duty is None:
        return rest
    return f"{duty}+{rest}"


#: The statuses of a referral sent and not closed: its recipient still has it to act on.
_OPEN = frozenset(
    {
        TaskStatus.REQUESTED,
        TaskStatus.RECEIVED,
        TaskStatus.ACCEPTED,
        TaskStatus.READY,
        TaskStatus.IN_PROGRESS,
        TaskStatus.ON_HOLD,
    }
)


def referrals_resting_on(
    consent: Consent, referrals: Iterable[Referral], *, open_only: bool = True
) -> tuple[Referral, ...]:
    """The referrals of ``referrals`` that rest on ``consent``, in their order: those that name
    it (``consent_id``), are about its learner, and share data that their legal duty, judged on
    the day each was made, does not cover (a referral whose duty covers all it shares rests on
    the duty, one that shares no personal data on nothing).

    With ``open_only`` (the default), only those sent and not closed, whose recipients still act
    on them (``requested``, ``received``, ``accepted``, ``ready``, ``in-progress``,
    ``on-hold``): on a withdrawal, the ones whose recipients the host tells that the consent was
    withdrawn and from which day (the library notifies no one). Otherwise every one, whatever
    its status (a draft that would rest on it when sent, a completed or cancelled one)."""
    return tuple(
        r
        for r in referrals
        if r.consent_id == consent.id
        and r.learner_id == consent.learner_id
        and (not open_only or r.status in _OPEN)
        and beyond_duty(r)[0]
    )


def transition(
    document: D,
    action: str,
    *,
    actor: str,
    role: str,
    on: date,
    reason: str | None = None,
    params: Mapping[str, ParamValue] | None = None,
    consents: Iterable[Consent] = (),
    chain: Sequence[ApprovalStep] | None = None,
    state_vocational_school: bool = False,
    guards: GuardSet | None = None,
    override: bool = False,
    previous: AuditEvent | None = None,
) -> Transitioned[D]:
    """Move ``document`` by ``action``: a pure function that returns the new document and the
    audit event recording it, and changes nothing else.

    ``actor`` is the host's id of the person who acts and ``role`` the role (or the institution)
    they act in, never a code that names a group of roles (``any_staff``: refused, code
    ``group_role``); ``on`` the day it takes effect, or a ``datetime`` with its offset, always given
    by the caller. ``reason`` is needed by the actions that stop, pause or reject, and by an
    override. ``params`` are what an action needs besides (see :doc:`/reference/workflow`).

    A plan is approved step by step along ``chain``, by default the national chain for ``on``
    (:func:`approval_chain`; for a completion, the steps it shares with the chain of the day of
    the plan's last approval, without the municipal coordinator's). ``state_vocational_school``
    says whether the plan's learner is at a state vocational school (the learner's
    ``Enrolment.state_vocational_school``): unless it is, the national chain has the municipal
    coordinator's step, and a plan is activated only with that approval whatever ``chain`` is
    passed [S17]. A completion is not held back by it, since no approval can be added to an
    active plan (a ``chain`` passed that names the step still asks for it); a completion still
    needs every other step of the national chain, whatever ``chain`` is passed. A referral is
    sent only when its sharing rests on one of ``consents`` or on a legal duty.
    ``guards`` defaults to the national guards (:meth:`GuardSet.national`). ``previous`` is the
    last event of the chain the new event joins.

    ``on`` must not be before ``atbalsts.policy.EARLIEST`` (the guards judge no earlier
    day), before the latest day the document records (its ``created_on``, ``submitted_on``, an
    approval, review or delivery, ...) nor, when ``previous`` is an event of the same document,
    before its ``on`` (another document's event may be entered late). The workflow records
    a sending's ``lawful_basis`` itself; ``params`` must not hold one. A delivery beyond what
    the plan planned for its measure is recorded, not refused, and its event says so
    (``beyond_plan``: :attr:`MeasureProgress.beyond_plan`).

    Raises :class:`~atbalsts.errors.LifecycleError` when the action is not allowed from the
    document's status, when ``on`` or ``params`` break the rules above, or when guards refuse
    it; with ``override=True`` and a ``reason``, a refusal is overridden if every refusing guard
    names ``role`` among its override roles, and the event records the override. Raises
    :class:`~atbalsts.errors.DocumentError`, naming the field paths only, when the event cannot
    be made (an ``actor`` that is not an id, too many or too long ``params``).
    """
    day, at = _day(on)
    _check_actor(actor)
    kind = kind_of(document)
    status = status_of(document)
    vocational = state_vocational_school
    national = national_chain(document, action, day, state_vocational_school=vocational)
    steps = tuple(chain) if chain is not None else national
    given = tuple(consents)
    allowed = allowed_actions(document, steps)
    _check_role(role, document, action, allowed)
    if action not in allowed:
        raise LifecycleError(kind, status, action, allowed)
    check_day(document, action, day, previous, allowed)
    recorded = _params(document, action, params or {}, steps, given, day)
    if vocational and isinstance(document, SupportPlan):
        # the caller's word that the plan's school is a state vocational school (its chain needs
        # no municipal coordinator): kept in the event, as an override is
        recorded["state_vocational_school"] = True
    try:
        after = apply(document, action, recorded, actor=actor, on=day, reason=reason)
    except DocumentError as invalid:
        paths = ", ".join(invalid.paths[:5])
        what = "its parameters or reason" if reason else "its parameters"
        message = f"{kind}: {action}: {what} would make the document invalid at {paths}"
        values = {"document": kind, "status": status, "action": action}
        values["paths"] = ",".join(invalid.paths[:5])
        values["with_reason"] = "true" if reason else "false"
        raise LifecycleError(
            kind, status, action, allowed, message=message, code="invalid_params", values=values
        ) from None
    if isinstance(after, SupportPlan) and action == "deliver":
        _beyond_plan(after, recorded)
    to_status = status_of(after)
    asked = Transition(
        document=kind,
        action=action,
        from_status=status,
        to_status=to_status,
        before=document,
        after=after,
        actor=actor,
        role=role,
        on=day,
        reason=reason,
        consents=given,
        chain=steps,
        state_vocational_school=vocational,
    )
    refusals = (guards or GuardSet.national()).refusals(asked)
    by_law: tuple[str, ...] = ()
    if refusals and _required_by_law(document, action, day):
        # The national floor: no municipal guard stops a send the law requires of the school
        # (the same-day Art. 73 report, the MK 89 notice), however it refuses or fails.
        by_law = tuple(r.guard for r in refusals if r.plugin != NATIONAL)
        refusals = [r for r in refusals if r.plugin == NATIONAL]
    overridden: tuple[str, ...] = by_law
    if refusals:
        blocked = [r for r in refusals if role not in r.override_roles]
        if not override or blocked or not reason:
            raise LifecycleError(kind, status, action, allowed, refusals)
        overridden = tuple(sorted((*by_law, *(r.guard for r in refusals))))
        if isinstance(document, Referral) and _BASIS_GUARD in overridden:
            basis = lawful_basis(document, day, overridden=True)
            if basis is not None:
                recorded["lawful_basis"] = basis
    fields = {
        "seq": 0 if previous is None else previous.seq + 1,
        "document": kind,
        "document_id": document.id,
        "learner_id": document.learner_id,
        "action": action,
        "from_status": status,
        "to_status": to_status,
        "actor": actor,
        "role": role,
        "on": day,
        "at": at,
        "reason": reason,
        "params": recorded,
        "overrides": overridden,
        "before": document_hash(document),
        "after": document_hash(after),
        "prev": None if previous is None else previous.hash,
    }
    try:
        event = seal(fields)
    except pydantic.ValidationError as invalid:
        # Only the paths: pydantic's own message would echo the values (a name, a free text).
        raise DocumentError("audit event", field_errors(invalid, AuditEvent)) from None
    return Transitioned(after, event)


def _check_actor(actor: str) -> None:
    """Refuse ``actor`` as the audit event would, before anything is made of it: an approval, a
    rejection or a delivery records it in the document too (``approver``, ``by``), which would
    otherwise fail first, with pydantic's message, which echoes the value (a person's name
    typed where a host id belongs)."""
    try:
        _ACTOR.validate_python(actor)
    except pydantic.ValidationError as invalid:
        rows = [attrs.evolve(row, path="actor") for row in field_errors(invalid)]
        raise DocumentError("audit event", rows) from None


#: The audit event's ``actor`` field, as the event validates it.
_ACTOR: pydantic.TypeAdapter[str] = pydantic.TypeAdapter(
    AuditEvent.model_fields["actor"].rebuild_annotation()
)


def _beyond_plan(plan: SupportPlan, recorded: dict[str, ParamValue]) -> None:
    """Record in ``recorded`` (the event's parameters) what the plan's last delivery brought
    beyond what it planned for its measure (:attr:`MeasureProgress.beyond_plan`): a notice, not
    a refusal, as no source forbids more support than planned."""
    measure = plan.deliveries[-1].measure
    if measure < len(plan.measures):  # else lv.guard.plan.delivery refuses it
        beyond = planned_and_delivered(plan)[measure].beyond_plan
        if beyond:
            recorded["beyond_plan"] = beyond


def _required_by_law(document: SupportPlan | Referral | Consent, action: str, day: date) -> bool:
    """Whether the transition sends, on ``day``, a referral that a national legal duty requires,
    and no more (:func:`~atbalsts.workflow._guards.required_by_law`)."""
    return isinstance(document, Referral) and action == "send" and required_by_law(document, day)


@attrs.frozen
class MeasureProgress:
    """Planned and delivered support of one measure of a plan."""

    measure: int
    """Position of the measure in the plan's measures."""
    code: str
    planned_sessions: int | None
    delivered_sessions: int
    planned_hours: float | None
    delivered_hours: float

    @property
    def beyond_plan(self) -> tuple[str, ...]:
        """What was delivered beyond what the plan planned for the measure: ``sessions``,
        ``hours``, both (in that order) or neither (a measure that plans no number of one is
        never beyond it). No source forbids it; the event of a delivery beyond the plan says
        so in its ``beyond_plan`` parameter."""
        beyond = []
        if self.planned_sessions is not None and self.delivered_sessions > self.planned_sessions:
            beyond.append("sessions")
        # hours are summed as floats: 0.1 + 0.2 is not above 0.3
        if self.planned_hours is not None and round(self.delivered_hours, 6) > self.planned_hours:
            beyond.append("hours")
        return tuple(beyond)


def planned_and_delivered(plan: SupportPlan) -> tuple[MeasureProgress, ...]:
    """Each measure of ``plan`` with the sessions and hours planned and those delivered so far
    (deliveries against a measure the plan does not have are left out)."""
    sessions = [0] * len(plan.measures)
    hours = [0.0] * len(plan.measures)
    for given in plan.deliveries:
        if given.measure < len(plan.measures):
            sessions[given.measure] += given.sessions
            hours[given.measure] += given.hours or 0.0
    return tuple(
        MeasureProgress(
            measure=i,
            code=m.measure,
            planned_sessions=m.sessions,
            delivered_sessions=sessions[i],
            planned_hours=m.hours,
            delivered_hours=hours[i],
        )
        for i, m in enumerate(plan.measures)
    )
