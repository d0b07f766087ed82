"""Role views on the decisions the command exports: ``evaluate --format json`` prints what a role
may see of the decision (:func:`atbalsts.privacy.view_decision`), the class teacher's view unless
``--role`` names another role; ``--full`` prints the whole Decision document.

The decision is redacted on its way out of the command: ``register`` gives the ``evaluate``
command (added by another module) the options, and it prints its JSON only through
:func:`decision_json`, with the case it decided (for the role's own records). The text
explanation (``--format text``) is for the person at the terminal and is not redacted.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from atbalsts.cli._common import Commands, InputError
from atbalsts.cli._i18n import Texts

if TYPE_CHECKING:  # imported where used: the parser is built without the documents
    from atbalsts.model import Decision, SupportCase

__all__ = [
    "DEFAULT_ROLE",
    "ROLES",
    "add_view_options",
    "check_view_options",
    "decision_json",
    "register",
]

#: The roles a view is made for, the values of :class:`atbalsts.privacy.ViewRole` in order: the
#: parser offers them without importing the documents (a test keeps the two equal).
ROLES = (
    "class_teacher",
    "social_pedagogue",
    "psychologist",
    "school_director",
    "municipal_coordinator",
    "social_service",
    "orphans_court",
    "police",
)

#: The view a decision is exported in when no role is named: the class teacher sees no health,
#: protection or free-text data (:data:`atbalsts.privacy.MATRIX`).
DEFAULT_ROLE = "class_teacher"


def add_view_options(parser: argparse.ArgumentParser, t: Texts) -> None:
    """``--role ROLE`` and ``--full`` (one or the other) on ``parser``."""
    _ = t.gettext
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--role",
        choices=ROLES,
        help=_(
            "with --format json, print only what this role may see of the decision (default: "
            "{role})"
        ).format(role=DEFAULT_ROLE),
    )
    which.add_argument(
        "--full",
        action="store_true",
        help=_(
            "with --format json, print the whole decision, trace and health, protection and "
            "free-text data included: for the person who runs the command, not to pass on"
        ),
    )


def decision_json(
    decision: Decision,
    role: str | None,
    *,
    full: bool = False,
    case: SupportCase | None = None,
) -> str:
    """``decision`` as the command exports it: the view of ``role`` (default:
    :data:`DEFAULT_ROLE`), or with ``full`` the whole Decision document. Given the ``case`` it
    was decided from, the view also shows the duties that arise from the role's own records (the
    report of a threat it recorded, the follow-up of a referral it sent)."""
    from atbalsts.privacy import view_decision

    if full:
        return decision.model_dump_json(indent=2) + "\n"
    shown = view_decision(decision, role=role or DEFAULT_ROLE, case=case)
    return json.dumps(shown, indent=2, ensure_ascii=False) + "\n"


def check_view_options(args: argparse.Namespace, t: Texts) -> None:
    """Refuse ``--role`` and ``--full`` with a format other than JSON: they choose what the JSON
    shows, and the text is not redacted."""
    if args.format != "json" and (args.role or args.full):
        raise InputError(
            t.gettext(
                "--role and --full choose what --format json prints; the text is not redacted"
            )
        )


def register(commands: Commands) -> None:
    """Give ``evaluate`` (already added) the options ``--role`` and ``--full``; it prints its
    JSON through :func:`decision_json`."""
    add_view_options(commands.get("evaluate"), commands.texts)
