"""Lifecycles of support plans, referrals and consents: guarded transitions and an audit chain.

A host moves a document with :func:`transition`, a pure function: it returns the new document and
the :class:`~atbalsts.model.AuditEvent` that records who did what, when and why, and changes
nothing else::

    from atbalsts.workflow import transition

    sent, event = transition(
        referral, "send", actor="staff-17", role="social_pedagogue", on=date(2025, 3, 3),
        consents=case.consents, previous=last_event,
    )

An action not allowed from the document's status, or refused by a guard, raises
:class:`~atbalsts.errors.LifecycleError`, which names the status, the action, the actions allowed
and every refusal with its legal basis; the error and each refusal carry a code and the values
it is about, so that a program, or the command line in Latvian, can say it in its own words (a
guard returns a :class:`Reason` to give one). The national guards (:data:`NATIONAL_GUARDS`)
always judge; a municipality's policy adds guards of its own (:class:`GuardSet`). Events are
chained by hash over RFC 8785 canonical JSON; :func:`verify_chain` finds the first event edited,
deleted, inserted or moved, and :func:`replay` rebuilds a document from its events.
"""

from __future__ import annotations

from atbalsts._markers import publish
from atbalsts.policy._registrar import Guard, GuardFunction, Reason, Transition, guard
from atbalsts.workflow._audit import (
    ChainVerdict,
    LockedChain,
    append_event,
    canonical,
    document_hash,
    event_line,
    read_chain,
    replay,
    seal,
    verify_chain,
)
from atbalsts.workflow._audit_cli import cli_audit_show, cli_audit_verify
from atbalsts.workflow._cli import cli_transition, parse_param
from atbalsts.workflow._guards import (
    GROUP_ROLES,
    NATIONAL_GUARDS,
    STEP_ROLES,
    GuardSet,
    approval_chain,
)
from atbalsts.workflow._lifecycle import (
    CONSENT,
    NEEDS_REASON,
    PLAN,
    REFERRAL,
    allowed_actions,
    apply,
    pending_step,
    status_of,
)
from atbalsts.workflow._notice import EXIT_REFUSED, Notice
from atbalsts.workflow._transition import (
    MeasureProgress,
    Transitioned,
    planned_and_delivered,
    referrals_resting_on,
    transition,
)

__all__ = [
    "CONSENT",
    "EXIT_REFUSED",
    "GROUP_ROLES",
    "NATIONAL_GUARDS",
    "NEEDS_REASON",
    "PLAN",
    "REFERRAL",
    "STEP_ROLES",
    "ChainVerdict",
    "Guard",
    "GuardFunction",
    "GuardSet",
    "LockedChain",
    "MeasureProgress",
    "Notice",
    "Reason",
    "Transition",
    "Transitioned",
    "allowed_actions",
    "append_event",
    "apply",
    "approval_chain",
    "canonical",
    "cli_audit_show",
    "cli_audit_verify",
    "cli_transition",
    "document_hash",
    "event_line",
    "guard",
    "parse_param",
    "pending_step",
    "planned_and_delivered",
    "read_chain",
    "referrals_resting_on",
    "replay",
    "seal",
    "status_of",
    "transition",
    "verify_chain",
]

publish(__name__, globals(), __all__)
