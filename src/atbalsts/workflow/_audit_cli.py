"""What ``atbalsts audit verify`` and ``atbalsts audit show`` do, as functions of their arguments.

The command line parses, calls one of these and exits with the status it returns: 0 the chain
verifies (or has no events), 1 it does not (``EXIT_REFUSED``). A file that cannot be read raises
a :class:`~atbalsts.errors.FileError`, which the command reports with exit status 2. The chain is
read under its shared lock (:func:`~atbalsts.workflow.read_chain` says how): an append under
way, whose line is half written or about to be cut back, is waited for, not reported as an
edit; a wait is said first on ``err``, as the notice ``chain_waiting`` (value ``chain``). What they
print is a :class:`~atbalsts.workflow.Notice` each, as ``say(notice)``: by default the English
sentence, and the command line passes a function that says it in the user's language.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from atbalsts.errors import FileError
from atbalsts.model import AuditEvent
from atbalsts.workflow._audit import read_locked, verify_chain
from atbalsts.workflow._notice import EXIT_REFUSED, Notice

__all__ = ["cli_audit_show", "cli_audit_verify", "event_said", "printable", "shown_params"]


def _chain_bytes(path: Path, err: TextIO, say: Callable[[Notice], str]) -> bytes:
    """The chain file's bytes, read under its shared lock: an append under way is waited for,
    said first on ``err`` (``chain_waiting``); a :class:`~atbalsts.errors.FileError` when it
    cannot be read."""

    def waiting() -> None:
        text = f"waiting for another process writing {path}"
        print(say(Notice("chain_waiting", text, {"chain": str(path)})), file=err, flush=True)

    try:
        return read_locked(path, waiting=waiting)
    except OSError as exc:
        raise FileError(str(path), "read", exc) from None


def cli_audit_verify(
    chain: str | Path,
    *,
    head: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    say: Callable[[Notice], str] = str,
) -> int:
    """``atbalsts audit verify CHAIN.jsonl``: 0 when every event is intact and in place (the
    head's hash printed on ``out``), else ``EXIT_REFUSED`` (1) naming the first bad event on
    ``err``, as ``say`` words it (default: in English). A chain without events and without
    ``head`` is 0 too, said as such (``chain_empty``): no event of it is bad, and only a head
    kept elsewhere tells a chain cut to nothing from a new one."""
    out = out or sys.stdout
    err = err or sys.stderr
    path = Path(chain)
    verdict = verify_chain(_chain_bytes(path, err, say).splitlines(), head=head)
    values = {"chain": str(path)}
    if verdict.ok and verdict.count == 0:
        text = (
            f"{path}: the chain has no events: nothing to verify (a chain whose events were all "
            "removed is found only with --head)"
        )
        print(say(Notice("chain_empty", text, values, verdict=verdict)), file=out)
        return 0
    if verdict.ok:
        print(
            say(Notice("chain_verifies", f"{path}: {verdict}", values, verdict=verdict)), file=out
        )
        return 0
    print(say(Notice("chain_bad", f"{path}: {verdict}", values, verdict=verdict)), file=err)
    return EXIT_REFUSED


def printable(text: str) -> str:
    """``text`` on one line, safe for a terminal: a character that is not printable (a line
    end, a tab, an escape sequence's ESC) is written as its Python escape (``\\n``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _param(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def event_said(event: AuditEvent, *, reasons: bool = False) -> Notice:
    """The ``event`` notice of ``audit show`` for ``event``: the English line and its values;
    its reason and parameters only with ``reasons``, made printable (values ``reason`` and
    ``params``, present only then)."""
    when = event.at.isoformat() if event.at is not None else event.on.isoformat()
    values = {
        "seq": str(event.seq),
        "on": when,
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "document": event.document,
        "document_id": event.document_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "overrides": ", ".join(event.overrides),
        "reasons": "true" if reasons else "false",
    }
    values = {key: printable(value) for key, value in values.items()}
    text = (
        "event {seq}, {on}: {actor} ({role}): {action}, {document} {document_id}: "
        "{from_status} -> {to_status}"
    ).format(**values)
    if event.overrides:
        text += f"; overriding {values['overrides']}"
    if reasons and event.reason is not None:
        values["reason"] = printable(event.reason)
        text += f"; reason: {values['reason']}"
    if reasons and event.params:
        values["params"] = shown_params(event)
        text += f"; parameters: {values['params']}"
    return Notice("event", text, values, event=event)


def shown_params(event: AuditEvent) -> str:
    """An event's parameters as ``name=value``, comma and space between them, printable."""
    return ", ".join(printable(f"{k}={_param(v)}") for k, v in event.params.items())


def cli_audit_show(
    chain: str | Path,
    *,
    document: str | None = None,
    reasons: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    say: Callable[[Notice], str] = str,
) -> int:
    """``atbalsts audit show CHAIN.jsonl``: each event of the chain on a line of ``out`` (only
    those about the document ``document``, by its id, when given): who, in which role, when, the
    action, the document, its status before and after, and the guards overridden; its reason
    and parameters, which are sensitive, only with ``reasons``, on one line with every
    character that is not printable escaped. A chain that does not verify is shown up to its
    first bad event (or, when a link between two events is broken, to the event before both),
    which is then named on ``err`` (as ``audit verify`` names it), and
    ``EXIT_REFUSED`` (1) returned; else 0. With no event to show, ``err`` says so."""
    out = out or sys.stdout
    err = err or sys.stderr
    path = Path(chain)
    lines = _chain_bytes(path, err, say).splitlines()
    verdict = verify_chain(lines)
    good = lines if verdict.ok else lines[: verdict.first_bad]
    if verdict.code == "not_following" and good:
        # Either event of the broken link may be the one edited and sealed again: neither is
        # shown as part of the trail.
        good = good[:-1]
    shown = 0
    for line in good:
        event = AuditEvent.model_validate_json(line)
        if document is None or event.document_id == document:
            print(say(event_said(event, reasons=reasons)), file=out)
            shown += 1
    values = {"chain": str(path)}
    if not verdict.ok:
        print(say(Notice("chain_bad", f"{path}: {verdict}", values, verdict=verdict)), file=err)
        return EXIT_REFUSED
    if not shown:
        about = f" about {document}" if document is not None else ""
        values["document"] = document or ""
        print(say(Notice("no_events", f"{path}: no events{about}", values)), file=err)
    return 0
