"""``atbalsts transition`` and ``atbalsts audit verify``: move a support plan, a referral or a
consent through its lifecycle, and check the audit chain (:mod:`atbalsts.workflow`)."""

from __future__ import annotations

import argparse

from atbalsts.cli._common import Commands
from atbalsts.cli._i18n import Texts

__all__ = ["register"]


def _transition(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.workflow import cli_transition

    return cli_transition(
        args.document,
        args.action,
        actor=args.actor,
        role=args.role,
        on=args.on,
        reason=args.reason,
        chain=args.chain,
        consents=args.consent,
        params=args.param,
        steps=args.steps,
        state_vocational_school=args.state_vocational_school,
        override=args.override,
        output=args.output,
    )


def _audit_verify(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.workflow import cli_audit_verify

    return cli_audit_verify(args.chain, head=args.head)


def register(commands: Commands) -> None:
    """Add ``transition`` and ``audit verify``."""
    _ = commands.texts.gettext
    p = commands.add(
        "transition",
        _(
            "move a support plan, referral or consent by one action; exit 1 when the action is "
            "refused"
        ),
        _transition,
    )
    p.add_argument(
        "document",
        metavar=_("DOCUMENT"),
        help=_("the JSON file of the support plan, referral or consent"),
    )
    p.add_argument(
        "action", metavar=_("ACTION"), help=_("the action, e.g. submit, approve, send, receive")
    )
    p.add_argument(
        "--actor",
        required=True,
        metavar=_("ID"),
        help=_("the pseudonymous id of the person acting (recorded in the audit event)"),
    )
    p.add_argument(
        "--role",
        required=True,
        metavar=_("ROLE"),
        help=_("the role they act in, e.g. class_teacher, social_pedagogue, school_director"),
    )
    p.add_argument(
        "--on",
        required=True,
        metavar=_("DATE"),
        help=_("when, YYYY-MM-DD, or a date and time with its offset (YYYY-MM-DDTHH:MM:SS+02:00)"),
    )
    p.add_argument(
        "--reason",
        metavar=_("TEXT"),
        help=_("why (reject, hold, cancel and some others need one)"),
    )
    p.add_argument(
        "--chain",
        metavar=_("CHAIN"),
        help=_(
            "the audit chain (JSON Lines) to append the event to; a chain that does not verify "
            "refuses the action"
        ),
    )
    p.add_argument(
        "--consent",
        action="append",
        default=[],
        metavar=_("FILE"),
        help=_("a consent document the action may rest on (repeat for more)"),
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar=_("KEY=VALUE"),
        help=_(
            "a parameter of the action, e.g. outcome=close_no_longer_needed or "
            "achievements=achieved,partly_achieved (repeat for more)"
        ),
    )
    p.add_argument(
        "--steps",
        metavar=_("STEPS"),
        help=_(
            "the approval chain of a plan, comma-separated steps (default: the national chain "
            "on that day)"
        ),
    )
    p.add_argument(
        "--state-vocational-school",
        action="store_true",
        help=_(
            "the plan's school is a state vocational school: its plans need no municipal "
            "coordinator's approval (default: they do)"
        ),
    )
    p.add_argument(
        "--override",
        action="store_true",
        help=_(
            "act although guards refuse, when each lets ROLE override it (needs --reason; "
            "recorded in the event)"
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar=_("OUTPUT"),
        help=_("write the document here (default: over DOCUMENT)"),
    )

    audit = commands.group("audit", _("check an audit chain"))
    p = audit.add(
        "verify",
        _(
            "check that every event of an audit chain is intact and in place; exit 1 naming the "
            "first bad event"
        ),
        _audit_verify,
    )
    p.add_argument("chain", metavar=_("CHAIN"), help=_("the audit chain, JSON Lines"))
    p.add_argument(
        "--head",
        metavar=_("HASH"),
        help=_("the hash the last event must have (kept elsewhere), so that cut events are found"),
    )
