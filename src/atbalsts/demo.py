"""The demo: decide the bundled synthetic cases, then show one learner under the national baseline
alone and under each installed municipal policy, and what differs and why."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from atbalsts import explain
from atbalsts._explain import translator
from atbalsts.engine import PolicyRegistry
from atbalsts.model import Decision, SupportCase

__all__ = ["differences", "run_demo"]


def _summary(decision: Decision) -> str:
    parts = [
        f"findings: {', '.join(sorted({f.factor for f in decision.findings})) or '-'}",
        f"obligations: {', '.join(o.action for o in decision.obligations) or '-'}",
        f"referrals: {', '.join(r.to for r in decision.referrals) or '-'}",
        f"plan issues: {', '.join(i.reason for i in decision.plan_issues) or '-'}",
    ]
    if not decision.complete:
        parts.append("INCOMPLETE")
    return "; ".join(parts)


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def differences(base: Decision, other: Decision) -> list[str]:
    """What ``other`` decides differently from ``base``, and which rules made the difference."""
    out: list[str] = []
    fired_base = {t.rule for t in base.trace if t.fired}
    fired_other = {t.rule for t in other.trace if t.fired}
    aspects: tuple[tuple[str, Callable[[Decision], set[str]]], ...] = (
        ("finding", lambda d: {f.factor for f in d.findings}),
        ("obligation", lambda d: {o.action for o in d.obligations}),
        ("referral", lambda d: {r.to for r in d.referrals}),
        ("eligible measure", lambda d: {v.measure for v in d.measures if v.eligible}),
    )
    for label, get in aspects:
        a, b = get(base), get(other)
        for item in sorted(b - a):
            out.append(f"+ {label} {item}")
        for item in sorted(a - b):
            out.append(f"- {label} {item}")
    dues_a = {o.action: o.due for o in base.obligations}
    for o in other.obligations:
        if o.action in dues_a and dues_a[o.action] != o.due:
            out.append(
                f"~ obligation {o.action} due {o.due} instead of {dues_a[o.action]} "
                f"(strictest rule {o.rules[0]})"
            )
    if not out and fired_other != fired_base:
        out.append("= same outcomes as the baseline, reached (also) through other rules:")
    for rule in sorted(fired_other - fired_base):
        row = next(t for t in other.trace if t.rule == rule)
        params = ", ".join(f"{p.id}={p.value}" for p in row.parameters)
        facts = ", ".join(f"{f.fact}={_short(f.value)}" for f in row.facts)
        out.append(
            f"  because rule {rule} ({row.plugin}) fired on {facts}"
            + (f" with {params}" if params else "")
        )
    for rule in sorted(fired_base - fired_other):
        out.append(f"  rule {rule} fired under the baseline only")
    return out


def run_demo(cases: Sequence[tuple[str, SupportCase]], registry: PolicyRegistry, lang: str) -> str:
    """The demo text for ``cases`` (name, case)."""
    _ = translator(lang)  # fail early on an unknown language
    lines = ["Synthetic example cases, each decided under its learner's municipal policy", ""]
    decided = []
    for name, case in cases:
        as_of = max((o.as_of for o in case.observations), default=None)
        if as_of is None:
            lines.append(f"{name}: no observations, skipped")
            continue
        municipality = case.learner.enrolment.municipality
        decision = registry.evaluate(case, as_of)
        decided.append((name, case, as_of))
        lines.append(f"{name} ({municipality}, {as_of}): {_summary(decision)}")

    municipalities = registry.municipalities()
    lines += ["", f"Installed municipal policies: {', '.join(municipalities) or 'none'}"]
    if not decided:
        return "\n".join(lines) + "\n"
    name, case, as_of = decided[0]
    base = registry.policy_set(None).evaluate(case, as_of)
    lines += ["", f"One learner ({name}) under the national baseline alone:", ""]
    lines.append(explain(base, lang))
    for municipality in municipalities:
        other = registry.policy_set(municipality).evaluate(case, as_of)
        lines.append(f"Under {municipality}: {_summary(other)}")
        diff = differences(base, other)
        lines += [f"  {d}" for d in diff] if diff else ["  same decision as the baseline"]
        lines.append("")
    return "\n".join(lines) + "\n"
