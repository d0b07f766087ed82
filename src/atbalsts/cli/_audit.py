"""``atbalsts audit verify`` and ``atbalsts audit show``: check an audit chain and show it
(:mod:`atbalsts.workflow`).

What they print is said in the command's language: the chain's verdict by its code
(:class:`~atbalsts.workflow.ChainVerdict`), an event by its parts (the document's kind in words,
its reason and parameters as written, made printable). A verdict with a code that has no
sentence here is shown as the library wrote it. In English, everything is shown as the library
wrote it. In Latvian, an event's role, action and statuses are said in words, each with its
code after it (:mod:`atbalsts.cli._workflow_words`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from atbalsts.cli._common import Commands
from atbalsts.cli._i18n import Texts
from atbalsts.cli._workflow_words import (
    SOURCE,
    action_word,
    document_kind,
    items,
    role_word,
    status_word,
)

if TYPE_CHECKING:
    from atbalsts.model import AuditEvent
    from atbalsts.workflow import ChainVerdict, Notice

__all__ = ["CHAIN_CODES", "audit_message", "register", "verdict_message"]


def _problems(t: Texts) -> dict[str, str]:
    """The sentence of each code of a chain's problem: of its first bad event (said after
    ``event N is bad:``), or whole for the codes of :data:`~atbalsts.workflow._audit.WHOLE`."""
    _ = t.gettext
    return {
        "not_json": _("it is not valid JSON (edited)"),
        "not_object": _("it is not a JSON object (edited)"),
        "not_canonical": _("it is not in canonical form (edited)"),
        "invalid_event": _("it is not a valid audit event ({paths}; edited)"),
        "hash_mismatch": _("its hash does not match its content (edited)"),
        "event_deleted": _(
            "it is event {seq} of its chain, but comes at {position} (an event before it was "
            "deleted)"
        ),
        "event_inserted": _(
            "it is event {seq} of its chain, but comes at {position} (an event was inserted or "
            "moved before it)"
        ),
        "changed_outside": _(
            "it does not start from the version event {event} left of the same document (its "
            "before is not that event's after: the document was changed outside the chain)"
        ),
        "event_moved": _(
            "it is event {seq} of its chain, but comes at {position}; event {position}, which "
            "belongs there, comes at {found} (events moved)"
        ),
        "event_repeated": _("it is a copy of event {seq} (an event copied)"),
        "not_an_event": _(
            "it is not an audit event: it has no seq, prev or hash (a line of another file)"
        ),
        "not_first": _(
            "it is the chain's first event, but names an event before it (prev): edited and its "
            "hash computed again"
        ),
        # said whole
        "not_a_chain": _("it is not an audit chain: none of its lines is an audit event"),
        "not_following": _(
            "event {position} does not follow event {previous}, the one before it: one of the "
            "two was either edited and its hash computed again, or replaced by another event"
        ),
        "head_mismatch": _(
            "the chain ends at event {last}, whose hash is not the head kept for it: events "
            "removed from its end, the chain rewritten, or the head of another chain"
        ),
        "head_not_last": _(
            "the head kept for the chain is the hash of event {event}, but the chain goes on to "
            "event {last}: events added after the head was kept, or the head not kept up to date"
        ),
        "head_but_empty": _(
            "the chain has no events, but a head is kept for it: its events removed, or the "
            "head of another chain"
        ),
    }


#: The codes of a chain's problems that have a sentence here.
CHAIN_CODES = frozenset(_problems(Texts("en", SOURCE)))


def _problem(verdict: ChainVerdict, t: Texts) -> str | None:
    """What is wrong with a chain's first bad event, in words of ``t``."""
    sentence = _problems(t).get(verdict.code or "")
    if sentence is None:
        return None
    values = {**verdict.values, "paths": ", ".join(items(verdict.values.get("paths", "")))}
    try:
        return sentence.format(**values)
    except (KeyError, IndexError, ValueError):  # values that do not fit: a verdict made by hand
        return None


def verdict_message(verdict: ChainVerdict, t: Texts) -> str:
    """A chain's verdict in words of ``t``."""
    if verdict.ok and verdict.count == 0:
        return t.gettext("the chain has no events")
    if verdict.ok:
        return t.ngettext(
            "the chain of {n} event(s) verifies; head {head}",
            "the chain of {n} event(s) verifies; head {head}",
            verdict.count,
        ).format(n=verdict.count, head=verdict.head)
    problem = _problem(verdict, t)
    if problem is None:
        return str(verdict)
    if verdict.whole:
        return problem
    return t.gettext("event {n} is bad: {problem}").format(n=verdict.first_bad, problem=problem)


def _event_line(event: AuditEvent, values: Mapping[str, str], t: Texts) -> str:
    """One event of ``audit show`` in words of ``t``: its reason and parameters when
    ``values["reasons"]`` says so."""
    _ = t.gettext
    line = _(
        "event {seq}, {on}: {actor} ({role}): {action}, {document} {document_id}: "
        "{from_status} -> {to_status}"
    ).format(
        **{
            **values,
            "document": document_kind(event.document, t),
            "role": role_word(values["role"], t),
            "action": action_word(values["action"], t),
            "from_status": status_word(values["from_status"], t),
            "to_status": status_word(values["to_status"], t),
        }
    )
    if event.overrides:
        line += _("; overriding {guards}").format(guards=values["overrides"])
    if "reason" in values:
        line += _("; reason: {reason}").format(reason=values["reason"])
    if "params" in values:
        line += _("; parameters: {params}").format(params=values["params"])
    return line


def audit_message(notice: Notice, t: Texts) -> str:
    """What ``atbalsts audit verify`` or ``atbalsts audit show`` says, in the language of ``t``:
    in English, the library's sentence (``notice.text``), and so a notice of another command."""
    if t.lang == "en":
        return notice.text
    _ = t.gettext
    values = dict(notice.values)
    match notice.code:
        case "chain_empty":
            return _(
                "{chain}: the chain has no events: nothing to verify (a chain whose events were "
                "all removed is found only with --head)"
            ).format(**values)
        case "chain_verifies" | "chain_bad" if notice.verdict is not None:
            return f"{values['chain']}: {verdict_message(notice.verdict, t)}"
        case "event" if notice.event is not None:
            return _event_line(notice.event, values, t)
        case "no_events" if values.get("document"):
            return _("{chain}: no events about {document}").format(**values)
        case "no_events":
            return _("{chain}: no events").format(**values)
        case "chain_waiting":
            return _("waiting for another process writing {chain}").format(**values)
    return notice.text


def _say(t: Texts) -> Callable[[Notice], str]:
    return lambda notice: audit_message(notice, t)


def _audit_verify(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.workflow import cli_audit_verify

    return cli_audit_verify(args.chain, head=args.head, say=_say(t))


def _audit_show(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.workflow import cli_audit_show

    return cli_audit_show(args.chain, document=args.document, reasons=args.reasons, say=_say(t))


def register(commands: Commands) -> None:
    """Add ``audit verify`` and ``audit show``."""
    _ = commands.texts.gettext
    audit = commands.group("audit", _("check an audit chain, or show it"))
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
    p = audit.add(
        "show",
        _(
            "show an audit chain's events: who, in which role, when, the action, the document "
            "and its status before and after; exit 1 after the events before the first bad one"
        ),
        _audit_show,
    )
    p.add_argument("chain", metavar=_("CHAIN"), help=_("the audit chain, JSON Lines"))
    p.add_argument(
        "--document",
        metavar=_("ID"),
        help=_("only the events about the document with this id"),
    )
    p.add_argument(
        "--reasons",
        action="store_true",
        help=_(
            "also show each event's reason and parameters (sensitive: free text about the "
            "learner; default: not shown)"
        ),
    )
