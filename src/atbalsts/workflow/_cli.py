"""What ``atbalsts transition`` does, as a function of its arguments.

The command line parses, calls :func:`cli_transition` and exits with the status it returns: 0
done, 1 refused (a transition not allowed or refused by a guard, a chain that does not verify).
Input that cannot be used (a missing file, an invalid document, a bad date) raises an
:class:`~atbalsts.errors.AtbalstsError`, which the command reports with exit status 2: a file
that cannot be read a :class:`~atbalsts.errors.FileError`, an invalid document a
:class:`~atbalsts.errors.DocumentError`, a mistyped action an
:class:`~atbalsts.errors.UnknownNameError`, any other input a plain
:class:`~atbalsts.errors.AtbalstsError` with a ``code`` and ``values`` (paths, option names,
the known steps; ``--on``'s text cut to 40 characters), which the command says in Latvian.

What it prints is a :class:`~atbalsts.workflow.Notice` (:mod:`atbalsts.workflow._notice`): an
English sentence, a code and the values it is about, with the refusal or the chain's verdict
behind it. It prints ``say(notice)``; by default the English sentence, and the command line
passes a function that says it in the user's language. ``atbalsts audit verify`` and ``audit
show`` are :mod:`atbalsts.workflow._audit_cli`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from atbalsts._files import Replacement, replaceable, sync_directory
from atbalsts._time import iso_day
from atbalsts.errors import (
    AtbalstsError,
    ChainError,
    DocumentError,
    FileError,
    LifecycleError,
    UnknownNameError,
)
from atbalsts.model import (
    ApprovalStep,
    AuditEvent,
    Consent,
    LegalDuty,
    Referral,
    SupportPlan,
    parse_json,
)
from atbalsts.policy import baseline
from atbalsts.privacy import DUTY_RECIPIENTS
from atbalsts.workflow._audit import (
    LockedChain,
    document_hash,
    verify_chain,
)
from atbalsts.workflow._guards import national_chain, required_by_law
from atbalsts.workflow._lifecycle import (
    LIFECYCLES,
    allowed_actions,
    kind_of,
    pending_step,
)
from atbalsts.workflow._notice import EXIT_REFUSED, Notice, read_bytes
from atbalsts.workflow._transition import ParamValue, check_day, transition

__all__ = [
    "EXIT_REFUSED",
    "HINTS",
    "MEASURES_NOT_JUDGED",
    "RECORDED",
    "Notice",
    "cli_transition",
    "parse_param",
    "recorded_notices",
]


def _refused(error: LifecycleError) -> Notice:
    return Notice("refused", f"refused: {error}", error=error)


#: What ``atbalsts transition`` adds after a refusal when an option would let it go on (a
#: ``hint`` notice's ``hint``): a reason missing (``reason``), an override without one
#: (``override_reason``), the consent a referral names not given (``consent``), the municipal
#: coordinator's approval asked of a plan whose school was not said to be a state vocational one
#: (``state_vocational_school``).
HINTS: dict[str, str] = {
    "reason": "hint: give the reason with --reason TEXT",
    "override_reason": "hint: an override needs a reason: give it with --reason TEXT",
    "consent": "hint: give the consent {consent} the referral names with --consent FILE",
    "state_vocational_school": (
        "hint: the municipal coordinator approves the plans of every school but a state "
        "vocational school: only if the plan's school is one, say so with "
        "--state-vocational-school"
    ),
    "legal_duty": (
        'hint: if this is the {words}, say so in the referral ("legal_duty": "{duty}"): '
        "that needs no consent"
    ),
}

#: The legal duties a referral may state (``Referral.legal_duty``), in the words of the
#: ``legal_duty`` hint.
DUTY_WORDS: dict[LegalDuty, str] = {
    LegalDuty.CHILD_PROTECTION_REPORT: (
        "report of a threat to a child the Children's Rights Protection Law Art. 73(1) requires"
    ),
    LegalDuty.ABSENCE_NOTICE: "notice of unjustified absence Cabinet Regulation No. 89 requires",
}


def _duties_naming(document: object, day: date) -> list[LegalDuty]:
    """The legal duties whose law names the recipient of ``document`` (a referral that states
    none) on ``day``: the Art. 73(1) report to the police, the orphan's court or the state
    child-rights body then in office (not the social service, the library's own reading), the
    MK 89 notice to the education board."""
    if not isinstance(document, Referral) or document.legal_duty is not None:
        return []
    to = document.referred_to.institution
    named = {
        LegalDuty.CHILD_PROTECTION_REPORT: baseline.threat_recipients_on(day),
        LegalDuty.ABSENCE_NOTICE: DUTY_RECIPIENTS[LegalDuty.ABSENCE_NOTICE],
    }
    # only a duty that, stated, would carry all the referral shares (the MK 89 notice carries
    # identity and attendance only): else stating it would still need a consent
    return [
        duty
        for duty, recipients in named.items()
        if to in recipients
        and required_by_law(document.model_copy(update={"legal_duty": duty}), day)
    ]


def _hints(
    error: LifecycleError,
    *,
    role: str,
    reason: str | None,
    override: bool,
    state_vocational_school: bool,
    steps: tuple[ApprovalStep, ...] | None,
    document: object = None,
    day: date | None = None,
) -> list[Notice]:
    """The hints for ``error``: only where the option named would answer the refusal, or, for a
    referral refused for want of a basis (``no_consent``, no duty stated) whose recipient a
    legal duty names, the field that states the duty (``document`` refused on ``day``)."""
    found: list[dict[str, str]] = []
    refusals = error.refusals
    unstated = any(r.code == "no_consent" and r.values.get("duty") == "no_duty" for r in refusals)
    if unstated and day is not None:
        for duty in _duties_naming(document, day):
            found.append({"hint": "legal_duty", "duty": duty.value, "words": DUTY_WORDS[duty]})
    if error.code == "needs_reason":
        found.append({"hint": "reason"})
    if override and not reason and refusals and all(role in r.override_roles for r in refusals):
        found.append({"hint": "override_reason"})
    for r in refusals:
        if r.code == "consent_not_given" and "consent" in r.values:
            found.append({"hint": "consent", "consent": r.values["consent"]})
    coordinator = ApprovalStep.MUNICIPAL_COORDINATOR
    asked = any(
        r.code in ("approvals_dropped", "approvals_missing")
        and coordinator.value in r.values.get("steps", "").split(",")
        for r in refusals
    )
    # asked by the national chain (not by a chain passed that names it): the school's word
    # would leave it out
    if asked and not state_vocational_school and (steps is None or coordinator not in steps):
        found.append({"hint": "state_vocational_school"})
    return [Notice("hint", HINTS[v["hint"]].format(**v), v) for v in found]


#: What ``atbalsts transition`` adds after a transition done when its event records more than
#: the statuses say (the notice's code, or ``code:variant``): a withdrawal scheduled for a later
#: day (``withdrawal_scheduled``, value ``day``), a delivery beyond what the plan planned for its
#: measure (``beyond_plan``, values ``measure``, its position, ``code`` and ``what``), a sending
#: that shares health data (``special_categories``, value ``basis``; ``:no_basis`` for an event
#: that records no ``lawful_basis``).
RECORDED: dict[str, str] = {
    "withdrawal_scheduled": (
        "the withdrawal takes effect on {day}: until then the consent stays active and covers "
        "sharing"
    ),
    "beyond_plan": (
        "the support given for measure {measure} ({code}) goes beyond what the plan planned "
        "({what}); it is recorded, not refused"
    ),
    "special_categories": (
        "the referral shares health data (GDPR Art. 9) on its lawful basis {basis}: share only "
        "what the recipient needs"
    ),
    "special_categories:no_basis": (
        "the referral shares health data (GDPR Art. 9): share only what the recipient needs"
    ),
}


def recorded_notices(document: SupportPlan | Referral | Consent, event: AuditEvent) -> list[Notice]:
    """What ``event``, which moved a document to ``document``, records beyond its statuses, as
    notices (:data:`RECORDED`), in the order of that dict: each exactly when the event records
    it. Their values are days, positions, codes and the lawful basis the workflow recorded,
    never the event's reason nor a parameter the caller wrote in words."""
    found: list[tuple[str, dict[str, str]]] = []
    params = event.params
    scheduled = (event.action, event.to_status) == ("withdraw", "active")  # until its day
    if scheduled and isinstance(document, Consent) and document.withdrawn_on is not None:
        found.append(("withdrawal_scheduled", {"day": document.withdrawn_on.isoformat()}))
    beyond = params.get("beyond_plan")
    if isinstance(document, SupportPlan) and isinstance(beyond, tuple) and document.deliveries:
        measure = document.deliveries[-1].measure  # the delivery this event recorded
        if measure < len(document.measures):
            what = [str(w) for w in beyond]
            values = {
                "measure": str(measure),
                "code": str(document.measures[measure].measure),
                "beyond": ",".join(what),
                "what": " and ".join(what),
            }
            found.append(("beyond_plan", values))
    special = params.get("special_categories")
    if isinstance(special, tuple) and "health" in special:
        basis = params.get("lawful_basis")
        if isinstance(basis, str):
            found.append(("special_categories", {"categories": "health", "basis": basis}))
        else:
            found.append(("special_categories:no_basis", {"categories": "health"}))
    return [
        Notice(key.partition(":")[0], RECORDED[key].format(**values), values)
        for key, values in found
    ]


#: Parameters that are always text, and parameters that are a comma-separated list.
_TEXT = frozenset({"outcome", "effective"})
_LIST = frozenset({"achievements"})
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")


#: A document a transition moves.
_Doc = SupportPlan | Referral | Consent


def _document(path: Path) -> _Doc:
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # said as every command that reads JSON says it
        raise AtbalstsError(
            f"cannot read {path}: it is not UTF-8 text", code="not_utf8", values={"path": str(path)}
        ) from None
    try:
        keys = json.loads(text)
    except ValueError:
        raise AtbalstsError(
            f"{path} is not a JSON document", code="not_json_document", values={"path": str(path)}
        ) from None
    if not isinstance(keys, dict):
        raise AtbalstsError(
            f"{path} is not a JSON object", code="not_json_object", values={"path": str(path)}
        )
    if "referred_to" in keys:
        return parse_json(Referral, data, name=path.name)
    if "grantor" in keys:
        return parse_json(Consent, data, name=path.name)
    if "author_role" in keys:
        return parse_json(SupportPlan, data, name=path.name)
    raise AtbalstsError(
        f"{path} is not a support plan, a referral or a consent",
        code="not_workflow_document",
        values={"path": str(path)},
    )


def _day_of(text: str) -> date:
    """The day of ``--on`` (a date, or a moment with its offset: its own day)."""
    when = _when(text)
    return when.date() if isinstance(when, datetime) else when


def _when(text: str) -> date:
    try:
        if "T" in text:
            if text[10:11] != "T":
                raise ValueError(text)
            iso_day(text[:10])  # the date part written YYYY-MM-DD, as without a time
            moment = datetime.fromisoformat(text)
            if moment.utcoffset() is None:
                raise ValueError
            return moment
        return iso_day(text)
    except ValueError:
        given = text[:40]  # a date typed by the user, shown short
        raise AtbalstsError(
            f"--on: not a date (YYYY-MM-DD) or a date and time with its offset "
            f"(YYYY-MM-DDTHH:MM:SS+02:00): {given!r}",
            code="on_not_a_date",
            values={"option": "--on", "text": given},
        ) from None


def parse_param(text: str) -> tuple[str, ParamValue]:
    """``KEY=VALUE`` as a parameter: ``true``/``false``, an integer, a decimal number or text;
    ``achievements`` is a comma-separated list, ``outcome`` and ``effective`` are always text.
    Text without ``=`` (code ``param_without_equals``) or with nothing but spaces before it
    (``param_name_empty``) raises :class:`~atbalsts.errors.AtbalstsError`, which does not
    repeat the text (it may be anything, a name)."""
    key, sep, value = text.partition("=")
    if not sep:
        raise AtbalstsError(
            "--param: expected KEY=VALUE (with '='), got text without one",
            code="param_without_equals",
            values={"option": "--param"},
        )
    if not key.strip():
        raise AtbalstsError(
            "--param: the name before '=' is empty",
            code="param_name_empty",
            values={"option": "--param"},
        )
    if key in _LIST:
        return key, tuple(v.strip() for v in value.split(",") if v.strip())
    if key in _TEXT:
        return key, value
    if value in ("true", "false"):
        return key, value == "true"
    if _INT.fullmatch(value):
        return key, int(value)
    if _FLOAT.fullmatch(value):
        return key, float(value)
    return key, value


def cli_transition(
    document: str | Path,
    action: str,
    *,
    actor: str,
    role: str,
    on: str,
    reason: str | None = None,
    chain: str | Path | None = None,
    consents: Sequence[str | Path] = (),
    params: Sequence[str] = (),
    steps: str | None = None,
    state_vocational_school: bool = False,
    override: bool = False,
    output: str | Path | None = None,
    err: TextIO | None = None,
    say: Callable[[Notice], str] = str,
) -> int:
    """``atbalsts transition DOC.json ACTION``: write the document after ``action`` to ``output``
    (default: ``document`` itself) and append the event to the chain file ``chain``.

    ``consents`` are consent documents the sending of a referral may rest on, ``params`` the
    action's ``KEY=VALUE`` parameters, ``steps`` the approval chain as comma-separated steps
    (default: the national chain on that day; with ``state_vocational_school``, a state
    vocational school's, without the municipal coordinator). A chain file that does not verify
    is left as it is, and so is the document. Returns 0, or ``EXIT_REFUSED`` (1) with the
    reason on ``err``, as ``say`` words it (default: in English).
    """
    err = err or sys.stderr
    chain_path = Path(chain) if chain is not None else None
    with contextlib.ExitStack() as stack:
        # Held from reading the chain (and the document, which its last event names) to
        # writing both: a transition of the same chain by another process at the same time
        # waits, then reads them as this one left them.
        held = None
        if chain_path is not None:
            doing = "read" if chain_path.exists() else "write"
            shown = chain_path

            def waiting() -> None:  # another process holds the chain: said, then waited for
                text = f"waiting for another process writing {shown}"
                notice = Notice("chain_waiting", text, {"chain": str(shown)})
                print(say(notice), file=err, flush=True)

            try:
                held = stack.enter_context(LockedChain(chain_path, waiting=waiting))
            except OSError as exc:
                raise FileError(str(chain_path), doing, exc, kept=True) from None
        return _transition(
            held,
            document,
            action,
            actor=actor,
            role=role,
            on=on,
            reason=reason,
            chain_path=chain_path,
            consents=consents,
            params=params,
            steps=steps,
            state_vocational_school=state_vocational_school,
            override=override,
            output=output,
            err=err,
            say=say,
        )


def _transition(
    held: LockedChain | None,
    document: str | Path,
    action: str,
    *,
    actor: str,
    role: str,
    on: str,
    reason: str | None,
    chain_path: Path | None,
    consents: Sequence[str | Path],
    params: Sequence[str],
    steps: str | None,
    state_vocational_school: bool,
    override: bool,
    output: str | Path | None,
    err: TextIO,
    say: Callable[[Notice], str],
) -> int:
    """:func:`cli_transition`, the chain (if any) held under its lock (``held``)."""
    path = Path(document)
    doc = _document(path)
    actions = sorted({a for moves in LIFECYCLES[kind_of(doc)].values() for a in moves})
    if action not in actions:  # a mistyped action is a wrong argument, not a refusal
        raise UnknownNameError("action", action, actions)
    given = [_document(Path(p)) for p in consents]
    for file, found in zip(consents, given, strict=True):
        if not isinstance(found, Consent):
            raise AtbalstsError(
                f"--consent: {file} is not a consent",
                code="not_a_consent",
                values={"option": "--consent", "path": str(file)},
            )
    chain_steps = None
    if steps is not None:
        try:
            chain_steps = tuple(ApprovalStep(s.strip()) for s in steps.split(",") if s.strip())
        except ValueError:
            known = ", ".join(s.value for s in ApprovalStep)
            raise AtbalstsError(
                f"--steps: each step is one of {known}",
                code="unknown_step",
                values={"option": "--steps", "known": known},
            ) from None
    target = Path(output) if output is not None else path
    if not replaceable(target) and output is not None:
        raise AtbalstsError(
            f"-o: {target} is not a regular file: name a file to write",
            code="target_not_a_file",
            values={"option": "-o", "path": str(target)},
        )
    if not replaceable(target):  # the document is written back in its place
        raise AtbalstsError(
            f"{target} is not a regular file, so the document cannot be written back in its "
            "place: name a file to write with -o",
            code="document_not_a_file",
            values={"path": str(target)},
        )
    previous = None
    if chain_path is not None and held is not None:
        # Read through the file held under the lock, never by opening it again: on SMB the
        # lock is mandatory, and another open file of the chain could not read it.
        try:
            data = held.read()
        except OSError as exc:
            raise FileError(str(chain_path), "read", exc) from None
        verdict = verify_chain(data.splitlines())
        if not verdict.ok:
            text = f"refused: the chain {chain_path} does not verify: {verdict}"
            values = {"chain": str(chain_path)}
            print(say(Notice("chain_not_verified", text, values, verdict=verdict)), file=err)
            return EXIT_REFUSED
        lines = [line for line in data.splitlines() if line.strip()]
        events = [AuditEvent.model_validate_json(line) for line in lines]
        previous = events[-1] if events else None
        about = [e for e in events if e.document == kind_of(doc) and e.document_id == doc.id]
        finished = None
        if about and about[-1].after != document_hash(doc):
            finished = _finish_pending(target, about[-1], doc)
        if finished is not None:
            doc, last = finished, about[-1]
            text = (
                f"finished: {target} is now the version event {last.seq} of the chain left "
                f"(its transition was interrupted before the document was put in place)"
            )
            values = {"document": str(target), "event": str(last.seq)}
            print(say(Notice("finished", text, values)), file=err)
            if _same_command(last, action, actor, role, _when(on), reason, params):
                # this command, run again: its event is in the chain, done once; said as done
                said = _done(target, doc, last, chain_path, chain_steps, state_vocational_school)
                for notice in said:
                    print(say(notice), file=err)
                return 0
        elif about and about[-1].after != document_hash(doc):
            text = (
                f"refused: {path} is not the version event {about[-1].seq} of the chain "
                f"{chain_path} left (changed outside the chain)"
            )
            values = {"document": str(path), "event": str(about[-1].seq), "chain": str(chain_path)}
            print(say(Notice("changed_outside_chain", text, values)), file=err)
            return EXIT_REFUSED
        if about:  # the document's own last event, whatever other documents' events follow it
            day = _day_of(on)
            default = national_chain(
                doc, action, day, state_vocational_school=state_vocational_school
            )
            approvals = chain_steps if chain_steps is not None else default
            try:
                check_day(doc, action, day, about[-1], allowed_actions(doc, approvals))
            except LifecycleError as refused:
                print(say(_refused(refused)), file=err)
                return EXIT_REFUSED
    try:
        result = transition(
            doc,
            action,
            actor=actor,
            role=role,
            on=_when(on),
            reason=reason,
            params=dict(parse_param(p) for p in params),
            consents=[c for c in given if isinstance(c, Consent)],
            chain=chain_steps,
            state_vocational_school=state_vocational_school,
            override=override,
            previous=previous,
        )
    except LifecycleError as refused:
        print(say(_refused(refused)), file=err)
        for hint in _hints(
            refused,
            role=role,
            reason=reason,
            override=override,
            state_vocational_school=state_vocational_school,
            steps=chain_steps,
            document=doc,
            day=_day_of(on),
        ):
            print(say(hint), file=err)
        return EXIT_REFUSED
    _write(target, (result.document.model_dump_json(indent=2) + "\n").encode(), held, result.event)
    vocational = state_vocational_school
    for notice in _done(target, result.document, result.event, chain_path, chain_steps, vocational):
        print(say(notice), file=err)
    return 0


def _done(
    target: Path,
    document: _Doc,
    event: AuditEvent,
    chain_path: Path | None,
    steps: tuple[ApprovalStep, ...] | None,
    state_vocational_school: bool,
) -> Iterator[Notice]:
    """What a transition done says: ``document`` (the version ``event`` moved it to, at
    ``target``) moved from a status to another, for a plan approved which step waits next, then
    what ``event`` recorded that staff should know (:func:`recorded_notices`)."""
    values = {
        "document": str(target),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "event": str(event.seq) if chain_path is not None else "",
    }
    text = f"{target}: {event.action}: {values['from_status']} -> {values['to_status']}"
    if chain_path is not None:
        text += f" (event {values['event']} of {chain_path})"
        values["chain"] = str(chain_path)
    yield Notice("moved", text, values)
    if isinstance(document, SupportPlan) and event.action == "approve":
        # the event's own word that the school is a state vocational one (a re-run may omit it)
        vocational = state_vocational_school or event.params.get("state_vocational_school") is True
        yield _approved(document, event, steps, vocational)
    if isinstance(document, SupportPlan) and event.action in ("submit", "activate"):
        yield Notice("measures_not_judged", MEASURES_NOT_JUDGED, {"action": event.action})
    yield from recorded_notices(document, event)


#: Said when a plan is submitted for approval and when it is put in force: its measures may be
#: ones the rules refuse (a mentor for a learner under 13), and nothing in moving the plan says
#: so; a reader (a social pedagogue) took an approval for a verdict on them.
MEASURES_NOT_JUDGED = (
    "moving the plan does not judge its measures: whether each is allowed is for the decision "
    "on the case (atbalsts evaluate)"
)


def _approved(
    plan: SupportPlan,
    event: AuditEvent,
    steps: tuple[ApprovalStep, ...] | None,
    state_vocational_school: bool,
) -> Notice:
    """Which step ``event`` approved of ``plan``, and which waits next along ``steps`` (by
    default the national chain of the event's day)."""
    chain = steps
    if chain is None:
        chain = national_chain(
            plan, "approve", event.on, state_vocational_school=state_vocational_school
        )
    waiting = pending_step(plan, chain)
    values = {"step": str(event.params.get("step", "")), "next": waiting.value if waiting else ""}
    if waiting is None:
        text = f"the step {values['step']} is approved; no step of the chain waits (next: activate)"
    else:
        text = f"the step {values['step']} is approved; the step {values['next']} waits next"
    return Notice("approved", text, values)


#: The suffix of a document a transition wrote and has not yet put in its place.
PENDING = ".pending"


def _write(target: Path, document: bytes, chain: LockedChain | None, event: AuditEvent) -> None:
    """Write ``document`` to ``target`` and append ``event`` to the ``chain`` held under its
    lock: both or neither.

    The document goes to a pending file next to ``target`` first (with ``target``'s
    permissions), written to the disk; the event is appended and written to the disk; then the
    pending file replaces ``target`` at once. A failure at any step removes the pending file and
    cuts the chain back to its length when the lock was taken, so both are left as they were
    (the lock is held throughout: no other process's event is cut). A crash between the event
    and the rename leaves the pending file: the next transition of the document finishes the
    rename (:func:`_finish_pending`)."""
    mode = None
    with contextlib.suppress(OSError):  # the document keeps its permissions, not mkstemp's
        mode = stat.S_IMODE(target.stat().st_mode)
    try:
        new = Replacement(target, suffix=PENDING, mode=mode)
    except OSError as exc:
        raise FileError(str(target), "write", exc) from None
    try:
        new.binary().write(document)
        new.close(sync=True)
    except OSError as exc:
        new.discard()
        raise FileError(str(target), "write", exc) from None
    try:
        if chain is not None:
            chain.append(event)  # a new chain: 0600; cut back on its own failure
        new.commit(sync=True)
    except OSError as exc:
        new.discard()
        if chain is not None:
            chain.undo()
        also = None if chain is None else str(chain.path)
        raise FileError(str(target), "write", exc, also=also, kept=True) from None
    except ChainError:  # the event refused: the chain written meanwhile by another program
        new.discard()
        raise


def _same_command(
    event: AuditEvent,
    action: str,
    actor: str,
    role: str,
    when: date,
    reason: str | None,
    params: Sequence[str],
) -> bool:
    """Whether ``event`` is what this command records: the same action by the same actor in the
    same role on the same day, with the same reason and the same value of every parameter the
    command gives (the workflow may record more, such as the approval step)."""
    day = when.date() if isinstance(when, datetime) else when
    given = dict(parse_param(p) for p in params)
    return (event.action, event.actor, event.role, event.on, event.reason) == (
        action,
        actor,
        role,
        day,
        reason,
    ) and all(event.params.get(key) == value for key, value in given.items())


def _finish_pending(target: Path, event: AuditEvent, doc: _Doc) -> _Doc | None:
    """The version ``event`` left of a document, put in its place at ``target``, when a
    transition was interrupted after appending ``event`` and before renaming its pending file
    over ``target``: ``doc`` (the document given) is the version ``event`` moved from, and a
    pending file beside ``target`` holds the version it moved to. None when there is no such
    file."""
    if event.before != document_hash(doc):
        return None
    for pending in reversed(Replacement.leftovers(target, PENDING)):
        try:
            found = _document(pending)
        except (AtbalstsError, DocumentError):
            continue
        if type(found) is type(doc) and document_hash(found) == event.after:
            try:
                os.replace(pending, target)
            except OSError as exc:
                raise FileError(str(pending), "replace", exc) from None
            sync_directory(target.parent)
            return found
    return None
