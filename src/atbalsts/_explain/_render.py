"""Rendering a Decision as text."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path

from atbalsts.codes import CODE_LISTS, CodeList, Lang
from atbalsts.errors import UnknownNameError
from atbalsts.model import Decision, LegalBasis
from atbalsts.model.decision import Value

__all__ = ["LANGUAGES", "explain", "translator"]

LANGUAGES: tuple[Lang, ...] = ("lv", "en")
DOMAIN = "atbalsts"
LOCALES = Path(str(files("atbalsts._explain") / "locales"))


@cache
def translator(lang: str) -> Callable[[str], str]:
    """The gettext function for ``lang``; English is the catalogs' source language."""
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    if lang == "en":
        return gettext.NullTranslations().gettext
    return gettext.translation(DOMAIN, localedir=LOCALES, languages=[lang]).gettext


def _basis(basis: LegalBasis, _: Callable[[str], str]) -> str:
    if basis.cited:
        return f"{basis.act}, {basis.provision}" if basis.provision else str(basis.act)
    if basis.kind.value == "illustrative":
        return _("illustrative, not law")
    return _("methodological default, not law")


def _urgency(urgency: str, _: Callable[[str], str]) -> str:
    labels = {"same_day": _("same day"), "urgent": _("urgent"), "routine": _("routine")}
    return labels.get(urgency, urgency)


def _detail(detail: Mapping[str, Value]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(detail.items()))


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

    lines.append("")
    lines.append(_("Risk findings"))
    if decision.tier is not None:
        lines.append(
            "  " + _("Risk tier: {tier} (a local policy's scale)").format(tier=decision.tier)
        )
    if not decision.findings:
        lines.append("  " + _("No risk findings."))
    for f in decision.findings:
        evidence = ", ".join(f"{e.fact}={e.value}" for e in f.evidence)
        lines.append(
            "  - "
            + _("{factor} ({group}); evidence: {evidence}; rule {rule} ({basis})").format(
                factor=name("risk_factors", f.factor),
                group=name("risk_groups", f.group.value),
                evidence=evidence or "-",
                rule=f.rule,
                basis=_basis(f.legal_basis, _),
            )
        )

    lines.append("")
    lines.append(_("Obligations"))
    if not decision.obligations:
        lines.append("  " + _("No obligations."))
    for o in decision.obligations:
        lines.append(
            "  - "
            + _("{action}: by {roles}, to {recipients}, due {due}; rules {rules} ({basis})").format(
                action=name("actions", o.action),
                roles=", ".join(who(r) for r in o.responsible_roles),
                recipients=(_(" or ") if o.any_recipient else ", ").join(
                    who(r) for r in o.recipients
                )
                or _("no one named"),
                due=o.due.isoformat(),
                rules=", ".join(o.rules),
                basis=_basis(o.legal_basis, _),
            )
        )
        if o.deadline_basis is not None:
            lines.append(
                "      " + _("deadline: {basis}").format(basis=_basis(o.deadline_basis, _))
            )

    lines.append("")
    lines.append(_("Support measures"))
    if not decision.measures:
        lines.append("  " + _("No measure verdicts."))
    for v in decision.measures:
        verdict = _("eligible") if v.eligible else _("not eligible")
        lines.append(f"  - {name('measures', v.measure)}: {verdict}")
        for r in v.reasons:
            detail = _detail(r.detail)
            lines.append(
                "      "
                + _("{reason}{detail}; rule {rule} ({basis})").format(
                    reason=name("reasons", r.reason),
                    detail=f" ({detail})" if detail else "",
                    rule=r.rule,
                    basis=_basis(r.legal_basis, _),
                )
            )

    lines.append("")
    lines.append(_("Referrals"))
    if not decision.referrals:
        lines.append("  " + _("No referrals due."))
    for ref in decision.referrals:
        lines.append(
            "  - "
            + _("{to}: {reason}, urgency {urgency}; rules {rules} ({basis})").format(
                to=name("institutions", ref.to),
                reason=name("reasons", ref.reason),
                urgency=_urgency(ref.urgency.value, _),
                rules=", ".join(ref.rules),
                basis=_basis(ref.legal_basis, _),
            )
        )

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
        if decision.review_due:
            lines.append(
                "  - "
                + _("Review the plan by {date}.").format(date=decision.review_due.isoformat())
            )
    return "\n".join(lines) + "\n"
