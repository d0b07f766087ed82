"""``atbalsts transition``: move a support plan, a referral or a consent through its lifecycle
(:mod:`atbalsts.workflow`).

What it prints is said in the command's language: a refusal by its code and values
(:class:`~atbalsts.errors.LifecycleError`, each :class:`~atbalsts.errors.Refusal`), a chain that
does not verify by its verdict's code (said by :mod:`atbalsts.cli._audit`, which has ``atbalsts
audit``). A refusal without a code (a plugin's guard that returns a plain text), or with a code
that has no sentence here, is shown as the library wrote it. In English, everything is shown as
the library wrote it. In Latvian, roles, actions, statuses and approval steps are said in words,
each with its code after it (:mod:`atbalsts.cli._workflow_words`); data categories, purposes and
a code without a word stay codes. Input that cannot be used (not a JSON document, ``--on`` not a
date, ...) is an error with a code, said by the catalog of :mod:`atbalsts.cli._coded`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from atbalsts._text import shorten
from atbalsts.cli._audit import CHAIN_CODES, audit_message, verdict_message
from atbalsts.cli._audit import _problems as _problems  # where the tests have read it
from atbalsts.cli._common import Commands
from atbalsts.cli._i18n import Texts
from atbalsts.cli._workflow_words import (
    SOURCE,
    action_word,
    document_kind,
    items,
    role_word,
    status_word,
    step_word,
)
from atbalsts.errors import LifecycleError, Refusal

if TYPE_CHECKING:
    from atbalsts.workflow import Notice

__all__ = [
    "CHAIN_CODES",
    "GUARD_CODES",
    "LIFECYCLE_CODES",
    "lifecycle_message",
    "notice_message",
    "refusal_reason",
    "register",
]


def _either(words: list[str], t: Texts) -> str:
    """``a or b or c`` in words of ``t``."""
    said = words[0]
    for item in words[1:]:
        said = t.gettext("{first} or {second}").format(first=said, second=item)
    return said


def _both(words: list[str], t: Texts) -> str:
    """``a and b`` in words of ``t``."""
    said = words[0]
    for item in words[1:]:
        said = t.gettext("{first} and {second}").format(first=said, second=item)
    return said


def _all_of(words: list[str], t: Texts) -> str:
    """``a, b and c`` in words of ``t``."""
    if len(words) < 2:
        return "".join(words)
    return t.gettext("{first} and {second}").format(first=", ".join(words[:-1]), second=words[-1])


def _who(codes: str, values: Mapping[str, str], t: Texts) -> str | None:
    """Who may act (``values["who"]`` of a ``wrong_role`` refusal), in words of ``t``."""
    _ = t.gettext
    phrases = {
        "sender": _("the referral's sender (the institution or role its field referred_by names)"),
        "recipient": _(
            "the referral's recipient (the institution or role its field referred_to names)"
        ),
        "sender_or_recipient": _(
            "the referral's sender or recipient (the institution or role its field referred_by or "
            "referred_to names)"
        ),
        "author": _("the plan's author (the role its field author_role names, or plan_author)"),
        "responsible": _(
            "the role responsible for the measure (its field "
            "measures[{measure}].responsible_role names it)"
        ),
        "school_director": role_word("school_director", t),
        "withdrawers": _(
            "the consent's grantor, the learner's legal representative, the learner of full age "
            "(adult_learner), or a member of the school's staff"
        ),
        "staff": _("a member of the school's staff"),
    }
    names = [phrases.get(code) for code in items(codes)]
    if not names or None in names:
        return None
    return _either([n.format(measure=values.get("measure", "")) for n in names if n], t)


def _duty(values: Mapping[str, str], t: Texts) -> str | None:
    """Why no legal duty covers a referral's sharing (``values["duty"]``), in words of ``t``."""
    _ = t.gettext
    duty = values.get("duty")
    if duty == "art73_named":
        return ""
    if duty == "art73_elsewhere":
        return _(
            "the Art. 73 report goes to the police, the orphan's court or a child-rights "
            "institution, not to {recipient}; sharing with it needs a consent"
        ).format(recipient=values["recipient"])
    if duty == "art73_out_of_office":
        return _(
            "the Art. 73 report goes to the police, the orphan's court or a child-rights "
            "institution; {recipient} was not the state child-rights body on {day} ({body} was), "
            "so sharing with it needs a consent"
        ).format(recipient=values["recipient"], day=values["day"], body=values["body"])
    if duty == "mk89_elsewhere":
        return _(
            "the MK 89 notice goes to the municipal education board, not to {recipient}; "
            "sharing with it needs a consent"
        ).format(recipient=values["recipient"])
    if duty == "mk89_more":
        return _(
            "the MK 89 notice shares who the learner is and their absences; sharing {categories} "
            "with the board as well needs a consent"
        ).format(categories=", ".join(items(values["extra"])))
    if duty == "no_duty":
        return _(
            "no legal duty is stated (Children's Rights Protection Law Art. 73(1) report, MK 89 "
            "notice to the education board)"
        )
    return None


def _gaps(values: Mapping[str, str], t: Texts) -> str | None:
    """What a consent does not cover (``values["gaps"]``), in words of ``t``."""
    _ = t.gettext
    phrases = {
        "given_after": _("it was given after {day}"),
        "not_in_force": _("it is not in force on {day}"),
        "no_purpose": _("the referral states no purpose"),
        "purpose": _("it does not cover the purpose {purpose}"),
        "recipient": _("it does not name the recipient {recipient}"),
        "categories": _("it does not cover the data categories {categories}"),
    }
    said = []
    for code in items(values.get("gaps", "")):
        phrase = phrases.get(code)
        if phrase is None:
            return None
        categories = ", ".join(items(values.get("missing", "")))
        said.append(phrase.format(**{**values, "categories": categories}))
    return "; ".join(said) if said else None


def _guard_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each code of a national guard's refusal, with its values in braces."""
    _ = t.gettext
    return {
        "no_consent": _("it names no consent and {duty}"),
        "consent_not_given": _("the consent {consent} it names was not given with the transition"),
        "consent_other_learner": _("the consent {consent} is about another learner"),
        "consent_gaps": _("the consent {consent} does not cover it: {gaps}; and {duty}"),
        "wrong_role": _("{action} is taken by {who}, not by the role {role}"),
        "wrong_step_role": _("{action}: the step {step} waits for {who}, not for the role {role}"),
        "not_the_author": _(
            "{action}{at_step} is taken by the plan's author (the person its field {field} "
            "names), not by another person"
        ),
        "approvals_dropped": _(
            "the approvals of {steps} are missing: the national approval chain on {days} needs "
            "them{school}, and the chain passed leaves them out"
        ),
        "approvals_missing": _("the approvals of {steps} are missing"),
        "approvals_order": _("the approvals are not in the order of the chain"),
        "no_review": _("the plan has no review (each goal's achievement at the term's end)"),
        "no_measure": _("the plan has no measure {measure} (it has {measures})"),
        "outside_period": _("{day} is outside the plan's period"),
        "nothing_given": _("no sessions and no hours are given"),
        "withdrawal_backdated": _("a withdrawal cannot take effect before the day it is recorded"),
        "withdrawal_later": _(
            "withdrawn_on is already {day}; a withdrawal cannot move it later (that would put the "
            "consent back in force)"
        ),
        "period_not_ended": _("its period runs to {end}"),
        "guard_failed": _("the guard failed ({error})"),
    }


#: The codes of the national guards' refusals that have a sentence here.
GUARD_CODES = frozenset(_guard_sentences(Texts("en", SOURCE)))


def refusal_reason(refusal: Refusal, t: Texts) -> str:
    """Why ``refusal`` refuses, in words of ``t``: by its code and values; as the library wrote
    it (``refusal.reason``) when it has no code or a code without a sentence here."""
    sentence = _guard_sentences(t).get(refusal.code or "")
    if sentence is None:
        return refusal.reason
    values = dict(refusal.values)
    parts: dict[str, str | None] = {}
    if "duty" in values:
        parts["duty"] = _duty(values, t)
    if refusal.code == "consent_gaps":
        parts["gaps"] = _gaps(values, t)
    if refusal.code == "wrong_role":
        parts["who"] = _who(values.get("who", ""), values, t)
    if refusal.code == "wrong_step_role":
        waits = values.get("waits_for", "")
        roles = [role_word(role, t) for role in items(waits)]
        parts["who"] = _who(waits, values, t) if waits == "author" else _either(roles, t)
    if refusal.code == "not_the_author":  # a submit, or the author's step (values["step"])
        step = values.get("step")
        parts["at_step"] = (
            "" if step is None else t.gettext(" at the step {step}").format(step=step_word(step, t))
        )
    if refusal.code in ("wrong_role", "wrong_step_role", "not_the_author"):  # else: as written
        if "action" in values:
            parts["action"] = action_word(values["action"], t)
        if "role" in values:
            parts["role"] = role_word(values["role"], t)
    if refusal.code in ("approvals_dropped", "approvals_missing"):
        steps = [step_word(step, t, "genitive") for step in items(values.get("steps", ""))]
        if t.lang == "en":
            parts["steps"] = ", ".join(steps)
        else:  # the approvals' noun, after the steps, agrees with how many they are
            said = t.ngettext("{steps}'s approval", "{steps}' approvals", len(steps))
            parts["steps"] = said.format(steps=_all_of(steps, t))
    if refusal.code == "wrong_step_role" and "step" in values:
        parts["step"] = step_word(values["step"], t)
    if refusal.code == "approvals_dropped":
        parts["days"] = _both(items(values.get("days", "")), t)
        school = "municipal_coordinator" in items(values.get("steps", ""))
        parts["school"] = (
            t.gettext(" (the plan's school is not a state vocational school, the transition says)")
            if school
            else ""
        )
    if None in parts.values():
        return refusal.reason
    try:
        return sentence.format(**{**values, **parts})
    except (KeyError, IndexError, ValueError):  # values that do not fit the sentence: a plugin's
        return refusal.reason


def _basis(basis: str, t: Texts) -> str:
    """A legal basis as text: a methodological default or an illustration by its kind (its note
    is in English), a cited act as it is."""
    if basis.startswith("methodological_default: "):
        return t.gettext("methodological default, not law")
    if basis.startswith("illustrative: "):
        return t.gettext("illustrative, not law")
    return basis


def _lifecycle_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each code of a lifecycle refusal (besides ``refused_by_guard``)."""
    _ = t.gettext
    return {
        "not_allowed": _(
            "{document}: action {action} is not allowed from status {status}; allowed: {allowed}"
        ),
        "day_before": _("{document}: {action}: on ({on}) must not be before {before} ({bound})"),
        "group_role": _(
            "{document}: {action}: role {role} names a group of roles (any member of the "
            "school's staff), not a role one acts in: give the role the person acts in (--role)"
        ),
        "lawful_basis_param": _(
            "{document}: {action}: parameter 'lawful_basis' is set by the workflow from the "
            "document (its legal duty, its consent or no personal data), never by the caller"
        ),
        "invalid_params": _(
            "{document}: {action}: its parameters or reason would make the document invalid at "
            "{paths}"
        ),
        "invalid_params:false": _(
            "{document}: {action}: its parameters would make the document invalid at {paths}"
        ),
        "needs_reason": _("{document}: {action}: needs a reason"),
        "param_missing": _(
            "{document}: {action}: parameter {param} is missing (give it as --param NAME=VALUE)"
        ),
        "unknown_param": _(
            "{document}: {action}: parameter {param} is not one it takes; it takes: {known}"
        ),
        "unknown_param_unnamed": _(
            "{document}: {action}: it takes no parameter of that name (not repeated: it is not "
            "written as a parameter name); it takes: {known}"
        ),
        "param_type:str": _("{document}: {action}: parameter {param} must be str"),
        "param_type:int": _("{document}: {action}: parameter {param} must be int"),
        "param_type:tuple,list": _("{document}: {action}: parameter {param} must be tuple or list"),
        "achievements_count": _(
            "{document}: {action}: parameter 'achievements' needs one achievement per goal "
            "({goals}), got {given}"
        ),
        "achievement_unknown": _("{document}: {action}: an achievement is not one of {known}"),
        "outcome_unknown": _("{document}: {action}: parameter 'outcome' is not one of {known}"),
        "improved_type": _(
            "{document}: {action}: parameter 'improved' must be true, false or empty"
        ),
        "effective_type": _(
            "{document}: {action}: parameter 'effective' must be a date (YYYY-MM-DD)"
        ),
    }


#: The codes of lifecycle refusals that have a sentence here (``param_type`` by its types).
LIFECYCLE_CODES = frozenset(
    code.partition(":")[0] for code in _lifecycle_sentences(Texts("en", SOURCE))
) | {"refused_by_guard"}


def _named(word: str, code: str) -> str:
    """``word``, or the code quoted, as the library quotes it, when it has no word (``word`` is
    the code): an action or a status a host's program passed, whatever it holds."""
    return word if word != code else shorten(repr(code))


def _before(values: Mapping[str, str], t: Texts) -> str | None:
    """What a day must not precede (``values["before"]`` of ``day_before``)."""
    _ = t.gettext
    match values.get("before"):
        case "earliest":
            return _("the earliest date the rules judge")
        case "last_event":
            return _("the day of event {event} of the chain, its document's last").format(
                event=values["event"]
            )
        case "document_day":
            return _("the document's {path}").format(path=values["path"])
    return None


def lifecycle_message(err: LifecycleError, t: Texts) -> str:
    """``err`` in words of ``t`` (without ``refused:``): by its code and values, each refusal by
    its own; as the library wrote it (``str(err)``) in English, or without a code known here."""
    if t.lang == "en" or err.code is None:
        return str(err)
    _ = t.gettext
    values = dict(err.values)
    document = document_kind(err.document, t)
    if err.code == "refused_by_guard":
        head = t.ngettext(
            "{document}: {action} from {status} refused by a guard:",
            "{document}: {action} from {status} refused by a guard:",
            len(err.refusals),
        ).format(
            document=document,
            action=_named(action_word(err.action, t), err.action),
            status=_named(status_word(err.status, t), err.status),
        )
        lines = [
            f"  - {r.guard} [{_basis(r.basis, t)}]: {refusal_reason(r, t)}" for r in err.refusals
        ]
        return "\n".join([head, *lines])
    key = err.code
    if err.code == "param_type":
        key = f"param_type:{values.get('types', '')}"
    if err.code == "invalid_params" and values.get("with_reason") == "false":
        key = "invalid_params:false"  # no reason was given: the parameters alone
    if err.code in ("param_type", "param_missing", "unknown_param"):
        values["param"] = repr(values.get("param", ""))
    if err.code in ("unknown_param", "unknown_param_unnamed") and values.get("known") == "none":
        values["known"] = _("none")
    sentence = _lifecycle_sentences(t).get(key)
    if sentence is None:
        return str(err)
    values["document"] = document
    if "action" in values:
        values["action"] = action_word(values["action"], t)
    if err.code == "not_allowed":
        values["action"] = _named(action_word(err.action, t), err.action)
        values["status"] = _named(status_word(err.status, t), err.status)
        if not err.allowed:
            return _(
                "{document}: action {action} is not allowed from status {status}; allowed: none"
            ).format(**values)
        values["allowed"] = ", ".join(action_word(action, t) for action in err.allowed)
    if err.code == "invalid_params":
        values["paths"] = ", ".join(items(values.get("paths", "")))
    if err.code == "day_before":
        before = _before(values, t)
        if before is None:
            return str(err)
        values["before"] = before
    try:
        return sentence.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(err)


def _hint_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each hint after a refusal (``HINTS`` of :mod:`atbalsts.workflow._cli`)."""
    _ = t.gettext
    return {
        "reason": _("hint: give the reason with --reason TEXT"),
        "override_reason": _("hint: an override needs a reason: give it with --reason TEXT"),
        "consent": _("hint: give the consent {consent} the referral names with --consent FILE"),
        "state_vocational_school": _(
            "hint: the municipal coordinator approves the plans of every school but a state "
            "vocational school: only if the plan's school is one, say so with "
            "--state-vocational-school"
        ),
        "legal_duty": _(
            'hint: if this is the {words}, say so in the referral ("legal_duty": "{duty}"): '
            "that needs no consent"
        ),
    }


def _duty_words(t: Texts) -> dict[str, str]:
    """The legal duties a referral may state, in words of ``t`` (``DUTY_WORDS`` of
    :mod:`atbalsts.workflow._cli`), by code."""
    _ = t.gettext
    return {
        "child_protection_report": _(
            "report of a threat to a child the Children's Rights Protection Law Art. 73(1) requires"
        ),
        "absence_notice": _("notice of unjustified absence Cabinet Regulation No. 89 requires"),
    }


def _recorded_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each notice of what a transition's event records beyond its statuses
    (``RECORDED`` of :mod:`atbalsts.workflow._cli`)."""
    _ = t.gettext
    return {
        "withdrawal_scheduled": _(
            "the withdrawal takes effect on {day}: until then the consent stays active and covers "
            "sharing"
        ),
        "beyond_plan": _(
            "the support given for measure {measure} ({code}) goes beyond what the plan planned "
            "({what}); it is recorded, not refused"
        ),
        "special_categories": _(
            "the referral shares health data (GDPR Art. 9) on its lawful basis {basis}: share "
            "only what the recipient needs"
        ),
        "special_categories:no_basis": _(
            "the referral shares health data (GDPR Art. 9): share only what the recipient needs"
        ),
    }


def _recorded(code: str, values: dict[str, str], t: Texts) -> str | None:
    """A notice of what a transition's event records (``withdrawal_scheduled``, ``beyond_plan``,
    ``special_categories``) in words of ``t``; None for a code that is none of them."""
    _ = t.gettext
    key = code
    if code == "special_categories" and "basis" not in values:
        key = "special_categories:no_basis"
    sentence = _recorded_sentences(t).get(key)
    if sentence is None:
        return None
    if code == "beyond_plan":
        words = {"sessions": _("sessions"), "hours": _("hours")}
        what = [words.get(item, item) for item in items(values.get("beyond", ""))]
        values = {**values, "what": _both(what, t) if what else values.get("what", "")}
    try:
        return sentence.format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def notice_message(notice: Notice, t: Texts) -> str:
    """What ``atbalsts transition`` or ``atbalsts audit`` says, in the language of ``t``: in
    English, the library's sentence (``notice.text``). The notices of ``audit verify`` and
    ``audit show`` are said by :func:`~atbalsts.cli._audit.audit_message`."""
    if t.lang == "en":
        return notice.text
    _ = t.gettext
    values = dict(notice.values)
    match notice.code:
        case "refused" if notice.error is not None:
            return _("refused: {reason}").format(reason=lifecycle_message(notice.error, t))
        case "chain_not_verified" if notice.verdict is not None:
            return _("refused: the chain {chain} does not verify: {verdict}").format(
                chain=values["chain"], verdict=verdict_message(notice.verdict, t)
            )
        case "changed_outside_chain":
            return _(
                "refused: {document} is not the version event {event} of the chain {chain} left "
                "(changed outside the chain)"
            ).format(**values)
        case "finished":
            return _(
                "finished: {document} is now the version event {event} of the chain left (its "
                "transition was interrupted before the document was put in place)"
            ).format(**values)
        case "moved" | "approved":
            return _done(notice.code, values, t)
        case "measures_not_judged":
            return _(
                "moving the plan does not judge its measures: whether each is allowed is for the "
                "decision on the case (atbalsts evaluate)"
            )
        case "hint" if values.get("hint") in _hint_sentences(t):
            words = _duty_words(t).get(values.get("duty", ""))
            if words is not None:
                values = {**values, "words": words}
            return _hint_sentences(t)[values["hint"]].format(**values)
        case "withdrawal_scheduled" | "beyond_plan" | "special_categories":
            said = _recorded(notice.code, values, t)
            if said is not None:
                return said
    return audit_message(notice, t)


def _done(code: str, values: dict[str, str], t: Texts) -> str:
    """A transition done (``moved``) or a step approved (``approved``) in words of ``t``: its
    action, statuses and steps in words, each with its code."""
    _ = t.gettext
    words = {
        "action": action_word(values.get("action", ""), t),
        "from_status": status_word(values.get("from_status", ""), t),
        "to_status": status_word(values.get("to_status", ""), t),
        "step": step_word(values.get("step", ""), t, "genitive"),
        "next": step_word(values.get("next", ""), t, "dative"),
    }
    values = {**values, **words}
    if code == "approved" and values["next"]:
        return _("the step {step} is approved; the step {next} waits next").format(**values)
    if code == "approved":
        return _("the step {step} is approved; no step of the chain waits (next: activate)").format(
            **values
        )
    if values.get("chain"):
        return _(
            "{document}: {action}: {from_status} -> {to_status} (event {event} of {chain})"
        ).format(**values)
    return _("{document}: {action}: {from_status} -> {to_status}").format(**values)


def _say(t: Texts) -> Callable[[Notice], str]:
    return lambda notice: notice_message(notice, t)


def _transition(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.workflow import cli_transition, parse_param

    for given in args.param or ():  # said by its code before a file is read, never repeated
        parse_param(given)
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
        say=_say(t),
    )


def register(commands: Commands) -> None:
    """Add ``transition``."""
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
            "achievements=achieved,improving (repeat for more)"
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
