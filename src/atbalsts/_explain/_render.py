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
from importlib.resources import files
from pathlib import Path

from atbalsts.codes import CODE_LISTS, CodeList, Lang
from atbalsts.errors import UnknownNameError
from atbalsts.model import Decision, LegalBasis
from atbalsts.model.decision import (
    DecisionNote,
    MeasureVerdict,
    RuleSource,
    TraceParameter,
    Value,
)

__all__ = ["LANGUAGES", "explain", "translator"]

LANGUAGES: tuple[Lang, ...] = ("lv", "en")
DOMAIN = "atbalsts"
LOCALES = Path(str(files("atbalsts._explain") / "locales"))

Gettext = Callable[[str], str]

#: Indentation of a rule's line under an outcome, and of its parameters under the rule.
_RULE = " " * 6
_PARAM = " " * 8


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


def _sources(
    sources: Iterable[RuleSource], _: Gettext, due: Callable[[RuleSource], date | None]
) -> list[str]:
    """A line per rule behind an outcome (with the due date it set, if ``due`` gives one), and
    the parameters and computed values under it."""
    lines = []
    for s in sources:
        day = due(s)
        if day is None:
            head = _("rule {rule} ({basis})").format(rule=s.rule, basis=_basis(s.legal_basis, _))
        else:
            head = _("rule {rule} ({basis}), due {due}").format(
                rule=s.rule, basis=_basis(s.legal_basis, _), due=day.isoformat()
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
    if code == "measure_not_decided":
        measure = str(detail.get("measure", ""))
        label = name("measures", measure) if measure else "-"
        return _("No rule gave a verdict on {measure}, which was asked for.").format(measure=label)
    return f"{code}: {_detail(detail)}" if detail else code


def explain(
    decision: Decision, lang: str = "lv", codes: Mapping[str, CodeList] | None = None
) -> str:
    """The decision as text in ``lang`` ("lv" or "en"). Pass the policy set's ``codes`` so
    that local codes of municipal plugins are named too."""
    _ = translator(lang)
    lists = dict(CODE_LISTS) if codes is None else dict(codes)
    language: Lang = "lv" if lang == "lv" else "en"

    def name(list_name: str, code: str) -> str:
        return lists[list_name].label(code, language)

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
    for f in decision.findings:
        evidence = ", ".join(f"{e.fact}={_value(e.value)}" for e in f.evidence)
        lines.append(
            "  - "
            + _("{factor} ({group}); evidence: {evidence}").format(
                factor=name("risk_factors", f.factor),
                group=name("risk_groups", f.group.value),
                evidence=evidence or "-",
            )
        )
        rules = f.rules or (f.rule,)
        lines += _sources(_or_rules(f.sources, rules, f.legal_basis), _, _no_date)

    lines.append("")
    lines.append(_("Obligations"))
    if not decision.obligations:
        lines.append("  " + _("No obligations."))
    for o in decision.obligations:
        lines.append(
            "  - "
            + _("{action}: by {roles}, to {recipients}, due {due} ({basis})").format(
                action=name("actions", o.action),
                roles=", ".join(who(r) for r in o.responsible_roles),
                recipients=(_(" or ") if o.any_recipient else ", ").join(
                    who(r) for r in o.recipients
                )
                or _("no one named"),
                due=o.due.isoformat(),
                basis=_basis(o.legal_basis, _),
            )
        )
        if o.deadline_basis is not None:
            lines.append(_RULE + _("deadline: {basis}").format(basis=_basis(o.deadline_basis, _)))
        if o.sources:
            lines += _sources(o.sources, _, lambda s: getattr(s, "due", None))
        else:
            lines += _sources(_or_rules((), o.rules, o.legal_basis), _, _no_date)

    lines.append("")
    lines.append(_("Support measures"))
    if not decision.measures:
        lines.append("  " + _("No measure verdicts."))
    lines += _verdicts(decision.measures, _, name)
    if decision.suggestions:
        lines.append("")
        lines.append(_("Suggested support measures (nobody asked for them)"))
        lines += _verdicts(decision.suggestions, _, name)

    lines.append("")
    lines.append(_("Referrals"))
    if not decision.referrals:
        lines.append("  " + _("No referrals due."))
    for ref in decision.referrals:
        lines.append(
            "  - "
            + _("{to}: {reason}, urgency {urgency}").format(
                to=name("institutions", ref.to),
                reason=name("reasons", ref.reason),
                urgency=_urgency(ref.urgency.value, _),
            )
        )
        sources = _or_rules(ref.sources, ref.rules, ref.legal_basis)
        lines += _sources(sources, _, lambda s: getattr(s, "due", None))

    if decision.plan_issues or decision.review_due:
        lines.append("")
        lines.append(_("Support plan"))
        for issue in decision.plan_issues:
            detail = _detail(issue.detail)
            lines.append(
                "  - "
                + _("plan {plan}: {reason}{detail} at {path}; rule {rule} ({basis})").format(
                    plan=issue.plan_id,
                    reason=name("reasons", issue.reason),
                    detail=f" ({detail})" if detail else "",
                    path=issue.path or "-",
                    rule=issue.rule,
                    basis=_basis(issue.legal_basis, _),
                )
            )
            lines += _used(issue.parameters, {}, _)
        if decision.review_due:
            lines.append(
                "  - "
                + _("Review the plan by {date}.").format(date=decision.review_due.isoformat())
            )
    return "\n".join(lines) + "\n"


def _verdicts(
    verdicts: Iterable[MeasureVerdict], _: Gettext, name: Callable[[str, str], str]
) -> list[str]:
    lines = []
    for v in verdicts:
        verdict = _("eligible") if v.eligible else _("not eligible")
        lines.append(f"  - {name('measures', v.measure)}: {verdict}")
        for r in v.reasons:
            detail = _detail(r.detail)
            lines.append(
                _RULE
                + _("{reason}{detail}; rule {rule} ({basis})").format(
                    reason=name("reasons", r.reason),
                    detail=f" ({detail})" if detail else "",
                    rule=r.rule,
                    basis=_basis(r.legal_basis, _),
                )
            )
            lines += _used(r.parameters, {}, _)
    return lines
