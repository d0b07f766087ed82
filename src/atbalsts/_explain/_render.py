"""Rendering a Decision as text.

Every outcome is shown with each rule behind it (its legal basis), the parameter values that rule
used (a municipal value beside the national value it replaces, each with its source) and the
values it computed; the decision's notes come first, as they change how far it can be relied on.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache

from atbalsts._explain._facts import FactWords, Say, _catalog, phrases, say
from atbalsts._explain._languages import DOMAIN, LANGUAGES, LOCALES
from atbalsts._explain._names import in_sentence, with_aside
from atbalsts.codes import CODE_LISTS, CodeList, Lang
from atbalsts.errors import UnknownNameError
from atbalsts.model import Decision, LegalBasis
from atbalsts.model.decision import (
    DecisionNote,
    FollowUp,
    MeasureVerdict,
    ObligationDue,
    ObligationSource,
    PlanIssue,
    RuleSource,
    TraceParameter,
    Value,
)

__all__ = [
    "CALENDAR_DEADLINES",
    "LANGUAGES",
    "deadline_words",
    "explain",
    "follow_up_text",
    "lateness",
    "recipients_in_words",
    "state_text",
    "translator",
    "trigger_text",
]

Gettext = Callable[[str], str]
NGettext = Callable[[str, str, int], str]

#: The deadline units whose due date is a calendar day: the same day (Art. 73's report "no
#: later than the same day"), a number of calendar days, a date. A duty with one of them is late
#: by the calendar days since its due date; one that counts school days (``school_days``,
#: ``same_school_day``) by school days, as the decision counts them (``school_days_late``).
CALENDAR_DEADLINES = frozenset({"same_day", "calendar_days", "days", "date"})

#: Indentation of a rule's line under an outcome, and of its parameters under the rule.
_RULE = " " * 6
_PARAM = " " * 8


def _listed(items: list[str], last: str) -> str:
    """``items`` joined by commas, the last two by ``last`` (" or ": "a, b or c")."""
    if len(items) < 3 or last == ", ":
        return last.join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def _late(
    deadline: str | None,
    due: date,
    until: date,
    school_days: int | None,
    _: Gettext,
    ngettext: NGettext,
) -> str:
    """How late a duty due on ``due`` is on ``until`` (see :func:`lateness`)."""
    if deadline in CALENDAR_DEADLINES:
        n = max((until - due).days, 0)
        return ngettext("late by {n} day", "late by {n} days", n).format(n=n)
    if not school_days:
        # past the due date on a day off (a weekend, the holidays) with no school day since
        return _("past due, no school day since")
    return ngettext("late by {n} school day", "late by {n} school days", school_days).format(
        n=school_days
    )


def lateness(
    deadline: str | None, due: date, until: date, school_days: int | None, lang: str
) -> str:
    """How late a duty due on ``due`` is on ``until``, in ``lang``: by the calendar days since
    ``due`` when its ``deadline`` unit counts calendar days (:data:`CALENDAR_DEADLINES`), else
    (a school-day deadline, a follow-up: ``deadline`` None) by ``school_days``, the school days
    the decision counts, or, with none, that no school day has passed since."""
    catalog = _catalog(lang)
    return _late(deadline, due, until, school_days, catalog.gettext, catalog.ngettext)


def _deadline_words(
    deadline: str, days: int | None, basis: LegalBasis | None, _: Gettext, ngettext: NGettext
) -> str | None:
    """See :func:`deadline_words`."""
    if basis is None or basis.cited:
        return None
    if days is not None and deadline in ("calendar_days", "days"):
        span = ngettext("{n} calendar day", "{n} calendar days", days).format(n=days)
    elif days is not None and deadline == "school_days":
        span = ngettext("{n} school day", "{n} school days", days).format(n=days)
    else:
        span = _("the number of days")
    return f"{span}: {_basis(basis, _)}"


def deadline_words(
    deadline: str, days: int | None, basis: LegalBasis | None, lang: str
) -> str | None:
    """The number of days of a deadline and its basis, to be said beside the due date, when that
    basis is not law (a methodological default, an illustration): "5 calendar days:
    methodological default, not law" (without ``days``: "the number of days: ..."), so that the
    date does not read as set by the law the duty cites. None when the basis cites a source, or
    there is none (the deadline is the rule's own)."""
    catalog = _catalog(lang)
    return _deadline_words(deadline, days, basis, catalog.gettext, catalog.ngettext)


def _recipient(code: str, label: Callable[[str], str], _: Gettext) -> str:
    """A recipient inside a sentence: the parent role as the parents (MK 89 informs the
    persons exercising custody), any other by its label (:func:`in_sentence`)."""
    if code == "parent":
        return _("parents")
    return in_sentence(label(code), code)


def _recipients(
    recipients: Sequence[str], any_recipient: bool, label: Callable[[str], str], _: Gettext
) -> str:
    names = [_recipient(code, label, _) for code in recipients]
    return _listed(names, _(" or ") if any_recipient else ", ")


def recipients_in_words(
    recipients: Sequence[str], any_recipient: bool, label: Callable[[str], str], lang: str
) -> str:
    """Whom a duty informs, inside a sentence in ``lang``: each by ``label`` (a code's label as
    the code lists write it) in lower case but a proper name, the parent role as the parents;
    the last two joined by "or" when informing any one of them fulfils the duty ("A, B or C"),
    else all by commas. Empty when there is none."""
    return _recipients(recipients, any_recipient, label, _catalog(lang).gettext)


def _roles(roles: Sequence[str], label: Callable[[str], str], _: Gettext) -> str:
    """Who may carry a duty out: alternatives, inside a sentence ("A, B or C")."""
    return _listed([in_sentence(label(code), code) for code in roles], _(" or "))


@cache
def translator(lang: str) -> Gettext:
    """The gettext function for ``lang``; English is the catalogs' source language."""
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    if lang == "en":
        return gettext.NullTranslations().gettext
    return gettext.translation(DOMAIN, localedir=LOCALES, languages=[lang]).gettext


def _basis(basis: LegalBasis, _: Gettext) -> str:
    if basis.cited:
        return f"{basis.act}, {basis.provision}" if basis.provision else str(basis.act)
    if basis.kind.value == "illustrative":
        return _("illustrative, not law")
    return _("methodological default, not law")


def _urgency(urgency: str, _: Gettext) -> str:
    labels = {"same_day": _("same day"), "urgent": _("urgent"), "routine": _("routine")}
    return labels.get(urgency, urgency)


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "-" if value is None else str(value)


#: Proper names of the programmes a detail may name, the same in both languages.
_PROGRAMMES = {"skola_kopiena": "Skola-kopienā", "pumpurs": "PuMPuRS"}


def _reason_detail(
    detail: Mapping[str, Value],
    _: Gettext,
    facts: Mapping[str, Say],
    label: Callable[[str, str], str] = lambda _list, code: code,
) -> str:
    """A reason's or an issue's values in words: a key named like a fact as the fact is said
    (``facts``, e.g. age, grade), the national rules' other keys by their own words and codes
    by their labels (``label``: a code list's name and a code), others as ``key=value``, in key
    order."""
    said: dict[str, Callable[[Value], str]] = {
        "min_age": lambda v: _("minimum age {value}").format(value=v),
        "min_grade": lambda v: _("from grade {value}").format(value=v),
        "max_grade": lambda v: _("up to grade {value}").format(value=v),
        "programme": lambda v: _PROGRAMMES.get(str(v), str(v)),  # a support programme
        "available_from": lambda v: _("available from {value}").format(value=v),
        "measure": lambda v: in_sentence(label("measures", str(v)), str(v)),
        # an approval step: a role, or the plan's own author
        "step": lambda v: _("step {value}").format(
            value=_("the plan's author")
            if v == "author"
            else in_sentence(label("roles", str(v)), str(v))
        ),
    }
    parts = []
    for key, value in sorted(detail.items()):
        own = said.get(key)
        text = None
        if value is not None and own is not None:
            text = own(value)
        elif value is not None and key in facts:
            text = say(facts, key, value)
        parts.append(text if text is not None else f"{key}={_value(value)}")
    return ", ".join(parts)


def _detail(detail: Mapping[str, Value]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in sorted(detail.items()))


def _parameter(p: TraceParameter, _: Gettext) -> str:
    """A parameter value with its source; a value that replaces the declaring plugin's own (a
    stricter municipal value) is shown beside the value it replaces."""
    if p.replaces is None:
        return _("{id} = {value} ({plugin}: {basis})").format(
            id=p.id, value=_value(p.value), plugin=p.plugin, basis=_basis(p.reference, _)
        )
    return _(
        "{id} = {value} ({plugin}: {basis}), instead of {base} ({base_plugin}: {base_basis})"
    ).format(
        id=p.id,
        value=_value(p.value),
        plugin=p.plugin,
        basis=_basis(p.reference, _),
        base=_value(p.replaces.value),
        base_plugin=p.replaces.plugin,
        base_basis=_basis(p.replaces.reference, _),
    )


def _used(
    parameters: Sequence[TraceParameter], detail: Mapping[str, Value], _: Gettext
) -> list[str]:
    """The lines under a rule: each parameter it used, then the values it computed."""
    lines = [_PARAM + _parameter(p, _) for p in parameters]
    if detail:
        lines.append(_PARAM + _("computed: {detail}").format(detail=_detail(detail)))
    return lines


def _no_deadline(source: RuleSource) -> str | None:
    return None


def _sources(
    sources: Iterable[RuleSource],
    _: Gettext,
    due: Callable[[RuleSource], date | None],
    deadline: Callable[[RuleSource], str | None] = _no_deadline,
) -> list[str]:
    """A line per rule behind an outcome (with the due date it set, if ``due`` gives one, and
    beside it the basis of its number of days where ``deadline`` says one that is not law), and
    the parameters and computed values under it."""
    lines = []
    for s in sources:
        day = due(s)
        qualified = deadline(s)
        if day is None:
            head = _("rule {rule} ({basis})").format(rule=s.rule, basis=_basis(s.legal_basis, _))
        elif qualified is None:
            head = _("rule {rule} ({basis}), due {due}").format(
                rule=s.rule, basis=_basis(s.legal_basis, _), due=day.isoformat()
            )
        else:
            head = _("rule {rule} ({basis}), due {due} ({deadline})").format(
                rule=s.rule, basis=_basis(s.legal_basis, _), due=day.isoformat(), deadline=qualified
            )
        lines.append(_RULE + head)
        lines += _used(s.parameters, s.detail, _)
    return lines


def _or_rules(
    sources: Sequence[RuleSource], rules: Sequence[str], basis: LegalBasis
) -> Sequence[RuleSource]:
    """The sources of an outcome; for a decision made before outcomes listed them, the rules with
    the one legal basis the decision kept."""
    if sources:
        return sources
    return [RuleSource(rule=r, plugin="?", legal_basis=basis) for r in rules]


def _no_date(source: RuleSource) -> date | None:
    return None


def _note(note: DecisionNote, _: Gettext, name: Callable[[str, str], str]) -> str:
    detail = note.detail
    code = str(note.code)
    if code == "no_municipal_policy":
        text = _(
            "No municipal policy was found for {municipality}: the national baseline decided alone."
        ).format(municipality=_value(detail.get("municipality")))
        if detail.get("closest"):
            text += " " + _("Did you mean {closest}?").format(closest=detail["closest"])
        return text
    if code == "no_observation_on_date":
        return _(
            "No observation is dated on or before the evaluation date: no absences, marks or "
            "incidents were known, so no findings here means no data, not no risk."
        )
    if code == "observation_of_earlier_term":
        return _(
            "No observation of this term ({school_year}, semester {semester}) is dated on or "
            "before the evaluation date: marks and staff observations are those of the latest "
            "observation, of an earlier term, and this term's absences and incidents are not "
            "known. Send an observation of the term to decide on its own data."
        ).format(
            school_year=_value(detail.get("school_year")),
            semester=_value(detail.get("semester")),
        )
    if code == "measure_not_decided":
        measure = str(detail.get("measure", ""))
        label = in_sentence(name("measures", measure), measure) if measure else "-"
        return _("No rule gave a verdict on {measure}, which was asked for.").format(measure=label)
    if code == "term_by_convention":
        return _(
            "The school calendar has no data for the school year {school_year}: its terms follow "
            "the library's convention (1 September to 31 December, 1 January to 31 August) and "
            "every working day counts as a school day."
        ).format(school_year=_value(detail.get("school_year")))
    if code == "duties_carried":
        return _(
            "Duties of the term before ({school_year}, semester {semester}; policy {policy}) "
            "that nothing has answered since are listed with this date's: each keeps the day it "
            "arose and its due date."
        ).format(
            school_year=_value(detail.get("school_year")),
            semester=_value(detail.get("semester")),
            policy=_value(detail.get("policy")),
        )
    return f"{code}: {_detail(detail)}" if detail else code


def trigger_text(source: str, _: Gettext) -> str:
    """Where the day a duty arose comes from, in words."""
    labels = {
        "day_records": _("the day the limit was passed, from the day records"),
        "observation": _("dated by the observation, the exact day is not known"),
        "absence": _("the day of the absence"),
        "threat": _("the day the suspicion arose"),
        "rule": _("a date the rule gave"),
        "evaluation_date": _("the evaluation date: no observation"),
    }
    return labels.get(source, source)


def state_text(o: ObligationDue, as_of: date, _: Gettext, ngettext: NGettext) -> str:
    """A duty's state on the evaluation date ``as_of``, in words; how late it is, in the days
    its deadline counts (:func:`lateness`)."""
    state = o.state
    if state == "open":
        return _("open")
    if state == "due_today":
        return _("due today")
    if state == "overdue":
        late = _late(o.deadline, o.due, as_of, o.school_days_late, _, ngettext)
        return _("OVERDUE, {late}").format(late=late)
    day = o.done_on.isoformat() if o.done_on is not None else "-"
    if state == "done_on_time":
        return _("done on {date}, on time").format(date=day)
    if state == "done_late":
        counted = o.deadline in CALENDAR_DEADLINES or bool(o.school_days_late)
        if o.done_on is None or not counted:  # done on a day off, no school day after the due
            return _("done on {date}, after its due date").format(date=day)
        late = _late(o.deadline, o.due, o.done_on, o.school_days_late, _, ngettext)
        return _("done on {date}, {late}").format(date=day, late=late)
    return state


def _worklist_messages(_: Gettext) -> tuple[str, ...]:
    """The sentences of the morning work list (:mod:`atbalsts.worklist`), marked here so that
    pybabel extracts them into this catalog; the work list translates the same messages with
    :func:`translator` (tests/test_worklist.py checks that the two lists agree)."""
    return (
        _("Work list for {date}"),
        _("school {school}"),
        _("role {role}"),
        _("No case of school {school} was read: is its id right?"),
        _("line {line}: not a valid support case: {fields}"),
        _("line {line}: cannot be decided: {error}"),
        _("Overdue"),
        _("Due today"),
        _("Nothing overdue or due for this list."),
        _("A duty several roles may carry out is listed under each of them and counted once."),
        _(
            "Informing the parents (carers) on the day of an absence is listed only on that "
            "day; the next day it is not listed, even if it was not done."
        ),
        _("to {recipients}"),
        _("arose {date}"),
        _("due {date}"),
        _("due {date} ({deadline})"),
        _("duty: {basis}"),
        _("a field this role may not see is invalid; the host's own output names it"),
        _("Referral outcome not received by its due date"),
        _("Plan not reviewed at the end of its term"),
        _("Plan waiting for an approval"),
    )


def _worklist_plurals(ngettext: Callable[[str, str, int], str]) -> tuple[str, ...]:
    """The work list's sentences that name a number (:data:`atbalsts.worklist._output.
    PLURALS`), marked as :func:`_worklist_messages` marks the others."""
    return (
        ngettext(
            "Duties not done: {overdue} overdue, {due_today} due today, {upcoming} due in the "
            "next {days} school day",
            "Duties not done: {overdue} overdue, {due_today} due today, {upcoming} due in the "
            "next {days} school days",
            1,
        ),
        ngettext("{n} case read", "{n} cases read", 1),
        ngettext(
            "{n} case of this school (of {read} read)",
            "{n} cases of this school (of {read} read)",
            1,
        ),
        ngettext("{n} line not read:", "{n} lines not read:", 1),
        ngettext(
            "… and {n} more line (the JSON list names each)",
            "… and {n} more lines (the JSON list names each)",
            1,
        ),
        ngettext("… ({n} field in all)", "… ({n} fields in all)", 1),
        ngettext("Due in the next {days} school day", "Due in the next {days} school days", 1),
    )


def _duty(o: ObligationDue, as_of: date, _: Gettext, ngettext: NGettext) -> str:
    return _("arose {trigger} ({source}); {state}; key {key}").format(
        trigger=o.trigger.isoformat(),
        source=trigger_text(o.trigger_source, _),
        state=state_text(o, as_of, _, ngettext),
        key=o.key,
    )


def follow_up_text(item: FollowUp, _: Gettext, name: Callable[[str, str], str]) -> str:
    """What a follow-up says is overdue, in words (without who follows it up)."""
    detail = item.detail
    if item.kind == "referral_unanswered":
        to = str(detail.get("to", ""))
        return _("referral {subject} to {to}: no outcome received by {due}").format(
            subject=item.subject,
            to=in_sentence(name("institutions", to), to) if to else "-",
            due=item.due.isoformat(),
        )
    if item.kind == "plan_review_overdue":
        return _("plan {subject}: not reviewed at the end of its term ({due})").format(
            subject=item.subject, due=item.due.isoformat()
        )
    if item.kind == "approval_waiting":
        step = str(detail.get("step", ""))
        if step == "author":
            step_said = _("the plan's author")
        else:
            step_said = in_sentence(name("roles", step), step) if step else "-"
        return _("plan {subject}: waiting for the approval step {step} since {since}").format(
            subject=item.subject, step=step_said, since=item.since.isoformat()
        )
    return f"{item.kind} {item.subject}"


def explain(
    decision: Decision, lang: str = "lv", codes: Mapping[str, CodeList] | None = None
) -> str:
    """The decision as text in ``lang`` ("lv" or "en"). Pass the policy set's ``codes`` so
    that local codes of municipal plugins are named too."""
    _ = translator(lang)
    ngettext = _catalog(lang).ngettext
    lists = dict(CODE_LISTS) if codes is None else dict(codes)
    language: Lang = "lv" if lang == "lv" else "en"

    def name(list_name: str, code: str) -> str:
        return lists[list_name].label(code, language)

    def label(list_name: str, code: str) -> str:
        return name(list_name, code) if code in lists[list_name] else code

    def who(code: str) -> str:
        return name("roles", code) if code in lists["roles"] else name("institutions", code)

    lines = [
        _("Decision for learner {learner} on {date}").format(
            learner=decision.learner_id, date=decision.as_of.isoformat()
        ),
        _("Policy: {plugins}; content hash {hash}").format(
            plugins=", ".join(f"{p.name} {p.version}" for p in decision.policy.plugins),
            hash=decision.policy.content_hash[:12],
        ),
    ]
    if not decision.complete:
        lines.append(
            _("INCOMPLETE: part of the policy failed; do not rely on this decision alone.")
        )
        for failure in decision.failures:
            lines.append(
                "  - "
                + _("plugin {plugin}, rule {rule}, stage {stage}: {error}").format(
                    plugin=failure.plugin,
                    rule=failure.rule or "-",
                    stage=failure.stage,
                    error=failure.error,
                )
            )
    if decision.notes:
        lines.append("")
        lines.append(_("Notes"))
        lines += ["  - " + _note(note, _, name) for note in decision.notes]

    lines.append("")
    lines.append(_("Risk findings"))
    if decision.tier is not None:
        lines.append(
            "  " + _("Risk tier: {tier} (a local policy's scale)").format(tier=decision.tier)
        )
    if not decision.findings:
        lines.append("  " + _("No risk findings."))
    facts = phrases(FactWords(lang, lists))
    for f in decision.findings:
        evidence = "; ".join(
            said for e in f.evidence if (said := say(facts, e.fact, e.value)) is not None
        )
        lines.append(
            "  - "
            + _("{factor_and_group}; evidence: {evidence}").format(
                factor_and_group=with_aside(
                    name("risk_factors", f.factor),  # it opens the line: as a heading
                    in_sentence(name("risk_groups", f.group.value), f.group.value),
                ),
                evidence=evidence or "-",
            )
        )
        rules = f.rules or (f.rule,)
        lines += _sources(_or_rules(f.sources, rules, f.legal_basis), _, _no_date)

    lines.append("")
    lines.append(_("Obligations (done or not)"))
    if not decision.obligations:
        lines.append("  " + _("No obligations."))

    def deadline_of(source: RuleSource) -> str | None:
        if not isinstance(source, ObligationSource):
            return None
        return _deadline_words(source.deadline, None, source.deadline_basis, _, ngettext)

    for o in decision.obligations:
        words = {
            "action": name("actions", o.action),
            "roles": _roles(o.responsible_roles, who, _),
            "recipients": _recipients(o.recipients, o.any_recipient, who, _) or _("no one named"),
            "due": o.due.isoformat(),
            "basis": _basis(o.legal_basis, _),
        }
        qualified = _deadline_words(o.deadline, o.days, o.deadline_basis, _, ngettext)
        if qualified is None:
            head = _("{action}: by {roles}, to {recipients}, due {due} ({basis})").format(**words)
        else:
            # the number of days is not law: said beside the date, apart from the duty's basis
            head = _(
                "{action}: by {roles}, to {recipients}, due {due} ({deadline}; duty: {basis})"
            ).format(deadline=qualified, **words)
        lines.append("  - " + head)
        lines.append(_RULE + _duty(o, decision.as_of, _, ngettext))
        for answer in o.answered_by:
            lines.append(
                _PARAM
                + _("answered by {kind} {id} on {date}").format(
                    kind=_("action") if answer.kind == "action" else _("referral"),
                    id=answer.id,
                    date=answer.on.isoformat(),
                )
            )
        if qualified is None and o.deadline_basis is not None:  # a cited one: its own line
            lines.append(_RULE + _("deadline: {basis}").format(basis=_basis(o.deadline_basis, _)))
        if o.sources:
            lines += _sources(o.sources, _, lambda s: getattr(s, "due", None), deadline_of)
        else:
            lines += _sources(_or_rules((), o.rules, o.legal_basis), _, _no_date)

    lines.append("")
    lines.append(_("Support measures"))
    if not decision.measures:
        lines.append("  " + _("No measure verdicts."))
    lines += _verdicts(decision.measures, _, name, facts, label)
    if decision.suggestions:
        lines.append("")
        lines.append(_("Suggested support measures (nobody asked for them)"))
        lines += _verdicts(decision.suggestions, _, name, facts, label)

    lines.append("")
    lines.append(_("Referrals"))
    if not decision.referrals:
        lines.append("  " + _("No referrals due."))
    for ref in decision.referrals:
        head = _("{to}: {reason}, urgency {urgency}").format(
            to=name("institutions", ref.to),
            reason=name("reasons", ref.reason),
            urgency=_urgency(ref.urgency.value, _),
        )
        if ref.suggestion:
            head += "; " + _("suggested: no rule makes it a duty of the school")
        lines.append("  - " + head)
        if ref.open_referrals:
            # one or several: a list of ids takes no plural form from its length
            said = (
                _("already referred, no answer yet: referral {ids}")
                if len(ref.open_referrals) == 1
                else _("already referred, no answer yet: referrals {ids}")
            )
            lines.append(_RULE + said.format(ids=", ".join(ref.open_referrals)))
        sources = _or_rules(ref.sources, ref.rules, ref.legal_basis)
        lines += _sources(sources, _, lambda s: getattr(s, "due", None))

    if decision.follow_ups:
        lines.append("")
        lines.append(_("Overdue work on referrals and plans"))
        for item in decision.follow_ups:
            late = _late(None, item.due, decision.as_of, item.school_days_late, _, ngettext)
            lines.append(
                "  - "
                + _("{what}; due {due}; {late}; by {roles} ({basis})").format(
                    what=follow_up_text(item, _, name),
                    due=item.due.isoformat(),
                    late=late,
                    roles=_roles(item.responsible_roles, who, _),
                    basis=_basis(item.legal_basis, _),
                )
            )
            lines += _used(item.parameters, {}, _)

    if decision.plan_issues or decision.review_due:
        lines.append("")
        lines.append(_("Support plan"))
        for issue in decision.plan_issues:
            lines.append("  - " + _plan_issue(issue, _, facts, name, label))
            lines += _used(issue.parameters, {}, _)
        if decision.review_due:
            lines.append(
                "  - "
                + _("Review the plan by {date}.").format(date=decision.review_due.isoformat())
            )
    return "\n".join(lines) + "\n"


def _plan_issue(
    issue: PlanIssue,
    _: Gettext,
    facts: Mapping[str, Say],
    name: Callable[[str, str], str],
    label: Callable[[str, str], str],
) -> str:
    """A plan issue in words: the plan, the measure it is about (a refused measure of the plan)
    and the field, then the reason and its values after a semicolon, not in brackets: a label
    may have brackets of its own ("Compensation for meals (or an afternoon snack)", "National
    coordinator (IKVD)"), and a bracket inside another is hard to read."""
    measure = issue.detail.get("measure") if issue.path else None  # said before the field
    values = {k: v for k, v in issue.detail.items() if k != "measure" or measure is None}
    detail = _reason_detail(values, _, facts, label)
    words = {
        "plan": issue.plan_id,
        "reason": name("reasons", issue.reason),
        "detail": f"; {detail}" if detail else "",
        "path": issue.path,
        "rule": issue.rule,
        "basis": _basis(issue.legal_basis, _),
    }
    if measure is not None:
        code = str(measure)
        text = _("plan {plan}, {measure} at {path}: {reason}{detail}; rule {rule} ({basis})")
        return text.format(measure=in_sentence(label("measures", code), code), **words)
    if issue.path:
        return _("plan {plan} at {path}: {reason}{detail}; rule {rule} ({basis})").format(**words)
    return _("plan {plan}: {reason}{detail}; rule {rule} ({basis})").format(**words)


def _verdicts(
    verdicts: Iterable[MeasureVerdict],
    _: Gettext,
    name: Callable[[str, str], str],
    facts: Mapping[str, Say],
    label: Callable[[str, str], str],
) -> list[str]:
    lines = []
    for v in verdicts:
        verdict = _("eligible") if v.eligible else _("not eligible")
        lines.append(f"  - {name('measures', v.measure)}: {verdict}")
        for r in v.reasons:
            detail = _reason_detail(r.detail, _, facts, label)
            reason = name("reasons", r.reason)
            said = {
                "reason": with_aside(reason, detail) if detail else reason,
                "rule": r.rule,
                "basis": _basis(r.legal_basis, _),
            }
            if r.eligible and not v.eligible:
                # a refusal wins over the reasons that allow it (deny wins): this one does not stand
                text = _("{reason}; the refusal prevails; rule {rule} ({basis})")
            else:
                text = _("{reason}; rule {rule} ({basis})")
            lines.append(_RULE + text.format(**said))
            lines += _used(r.parameters, {}, _)
    return lines
