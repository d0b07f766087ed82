"""The demo: decide the bundled synthetic cases, then show one learner under the national baseline
alone and under each installed municipal policy, and what differs and why.

It is written for school support staff: every code is shown by its label, every outcome with the
rules behind it ("because ...") right under it, the facts those rules saw in words ("21
unjustified lessons this semester"), and the difference a municipal policy makes in one sentence.
Every sentence comes from the ``atbalsts_cli`` gettext catalog (that of the command), so
``lang="lv"`` prints Latvian only.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from atbalsts._explain import LANGUAGES, FactWords, fact_in_words, phrases, say, with_aside
from atbalsts.engine import PolicyRegistry
from atbalsts.errors import PolicyError
from atbalsts.model import Decision, LegalBasis, SupportCase
from atbalsts.model.decision import ReferralDue, TraceRow, Value
from atbalsts.policy import PolicyInfo

__all__ = ["demo_data", "example_directory", "fact_in_words", "run_demo"]


def example_directory() -> Path:
    """The bundled example cases: package data in an installed wheel (``atbalsts/examples``),
    the repository's ``examples/`` in a checkout (an editable install)."""
    packaged = Path(str(files("atbalsts") / "examples"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples"


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return gettext.NullTranslations()
    directory = str(files("atbalsts._explain") / "locales")
    return gettext.translation("atbalsts_cli", localedir=directory, languages=[lang])


@attrs.frozen
class _Words(FactWords):
    """Sentences, plurals and code labels in one language, the sentences from the command's
    catalog (facts in words keep the explanations', through :class:`FactWords`)."""

    def catalog(self) -> gettext.NullTranslations:
        return _catalog(self.lang)

    def basis(self, basis: LegalBasis) -> str:
        if basis.cited:
            return f"{basis.act}, {basis.provision}" if basis.provision else str(basis.act)
        if basis.kind.value == "illustrative":
            return self._("illustrative, not law")
        return self._("methodological default, not law")


# --- outcomes and the rules behind them --------------------------------------------------------


@attrs.frozen
class _Outcome:
    kind: str  # finding, obligation, referral, allowed, refused, plan_issue
    code: str
    label: str
    due: date | None
    rules: tuple[str, ...]
    #: An obligation's state on the decision's date (``Obligation.state``); None for the rest.
    state: str | None = None


_KINDS = ("finding", "obligation", "referral", "allowed", "refused", "plan_issue")


def _outcomes(decision: Decision, words: _Words) -> list[_Outcome]:
    out = [
        _Outcome(
            "finding",
            f.factor,
            words.label("risk_factors", f.factor),
            None,
            tuple(getattr(f, "rules", ()) or (f.rule,)),
        )
        for f in decision.findings
    ]
    out += [
        _Outcome(
            "obligation",
            o.action,
            words.label("actions", o.action),
            o.due,
            tuple(o.rules),
            o.state,
        )
        for o in decision.obligations
    ]
    out += [
        _Outcome("referral", r.to, _referral_label(r, words), r.due, tuple(r.rules))
        for r in decision.referrals
    ]
    out += [
        _Outcome(
            "allowed" if v.eligible else "refused",
            v.measure,
            words.label("measures", v.measure),
            None,
            tuple(dict.fromkeys(r.rule for r in v.reasons)),
        )
        for v in decision.measures
    ]
    out += [
        _Outcome("plan_issue", i.reason, words.label("reasons", i.reason), None, (i.rule,))
        for i in decision.plan_issues
    ]
    return out


def _referral_label(referral: ReferralDue, words: _Words) -> str:
    """The recipient, and whether the referral is only suggested or already made and open."""
    _ = words._
    label = words.label("institutions", referral.to)
    notes = [_("suggested")] if referral.suggestion else []
    if referral.open_referrals:
        notes.append(_("already referred"))
    return with_aside(label, ", ".join(notes)) if notes else label


def _kind_label(kind: str, words: _Words) -> str:
    _ = words._
    return {
        "finding": _("Risk factor"),
        "obligation": _("To do"),
        "referral": _("Referral"),
        "allowed": _("Support measure allowed"),
        "refused": _("Support measure refused"),
        "plan_issue": _("Problem in the support plan"),
    }[kind]


def _headline(o: _Outcome, words: _Words) -> str:
    text = f"{_kind_label(o.kind, words)}: {o.label}"
    if o.due is not None:
        text += ", " + words._("due {date}").format(date=o.due.isoformat())
    return text


@attrs.frozen
class _Because:
    rule: str
    plugin: str
    basis: str
    facts: tuple[tuple[str, Value, str], ...]  # fact, value, in words
    parameters: tuple[tuple[str, Value], ...]
    replaces: str | None = None
    fired: bool = True

    def line(self, words: _Words) -> str:
        _ = words._
        said = "; ".join(w for _f, _v, w in self.facts) or _("no facts")
        if self.replaces is not None and self.fired:
            text = _(
                "because rule {rule} ({basis}), which replaces {replaced} here, saw: {facts}"
            ).format(rule=self.rule, basis=self.basis, replaced=self.replaces, facts=said)
        elif self.replaces is not None:
            text = _(
                "rule {rule} ({basis}), which replaces {replaced} here, did not apply: it saw "
                "{facts}"
            ).format(rule=self.rule, basis=self.basis, replaced=self.replaces, facts=said)
        elif self.fired:
            text = _("because rule {rule} ({basis}) saw: {facts}").format(
                rule=self.rule, basis=self.basis, facts=said
            )
        else:
            text = _("rule {rule} ({basis}) did not apply: it saw {facts}").format(
                rule=self.rule, basis=self.basis, facts=said
            )
        if self.parameters:
            values = ", ".join(f"{p} = {'-' if v is None else v}" for p, v in self.parameters)
            text += "; " + _("with {parameters}").format(parameters=values)
        return text

    def data(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "plugin": self.plugin,
            "basis": self.basis,
            "fired": self.fired,
            "replaces": self.replaces,
            "facts": [{"fact": f, "value": v, "words": w} for f, v, w in self.facts],
            "parameters": [{"id": p, "value": v} for p, v in self.parameters],
        }


def _because(row: TraceRow, words: _Words, replaces: str | None = None) -> _Because:
    table = phrases(FactWords(words.lang, words.codes))
    facts = []
    for e in row.facts:
        text = say(table, e.fact, e.value)
        if text is not None:
            facts.append((e.fact, e.value, text))
    return _Because(
        rule=row.rule,
        plugin=row.plugin,
        basis=words.basis(row.legal_basis),
        facts=tuple(facts),
        parameters=tuple((p.id, p.value) for p in row.parameters),
        replaces=replaces,
        fired=row.fired,
    )


def _rows(decision: Decision) -> dict[str, TraceRow]:
    return {t.rule: t for t in decision.trace}


# --- the demo ----------------------------------------------------------------------------------


@attrs.frozen
class _Change:
    change: str  # added, removed, due, also
    outcome: _Outcome
    because: tuple[_Because, ...]
    was_due: date | None = None

    def lines(self, words: _Words) -> list[str]:
        mark = {"added": "+", "removed": "-", "due": "~", "also": "="}[self.change]
        head = f"  {mark} {_headline(self.outcome, words)}"
        if self.change == "due" and self.was_due is not None:
            head += " " + words._("(instead of {date})").format(date=self.was_due.isoformat())
        return [head, *(f"      {b.line(words)}" for b in self.because)]

    def data(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "kind": self.outcome.kind,
            "code": self.outcome.code,
            "label": self.outcome.label,
            "due": self.outcome.due.isoformat() if self.outcome.due else None,
            "was_due": self.was_due.isoformat() if self.was_due else None,
            "because": [b.data() for b in self.because],
        }


def _changes(base: Decision, other: Decision, words: _Words) -> list[_Change]:
    """What ``other`` decides differently from ``base``, each change with the rules behind it."""
    mine = {(o.kind, o.code): o for o in _outcomes(base, words)}
    theirs = {(o.kind, o.code): o for o in _outcomes(other, words)}
    rows_base, rows_other = _rows(base), _rows(other)
    replaced_by = {t.overrides: t.rule for t in other.trace if t.overrides}
    out: list[_Change] = []
    for key, o in theirs.items():
        before = mine.get(key)
        if before is None:
            rules = o.rules
            change = "added"
        elif before.due != o.due:
            rules = o.rules[:1]  # the strictest: it set the due date
            change = "due"
        else:
            rules = tuple(r for r in o.rules if r not in before.rules)
            change = "also"
            if not rules:
                continue
        replaced = set(before.rules) if before else set()
        because = tuple(
            _because(
                rows_other[r],
                words,
                replaces=rows_other[r].overrides if rows_other[r].overrides in replaced else None,
            )
            for r in rules
            if r in rows_other
        )
        out.append(_Change(change, o, because, before.due if before else None))
    for key, o in mine.items():
        if key in theirs:
            continue
        because_list = []
        for rule in o.rules:
            if rule in replaced_by and replaced_by[rule] in rows_other:
                because_list.append(_because(rows_other[replaced_by[rule]], words, replaces=rule))
            elif rule in rows_other:
                because_list.append(_because(rows_other[rule], words))
            elif rule in rows_base:
                because_list.append(_because(rows_base[rule], words))
        out.append(_Change("removed", o, tuple(because_list)))
    order = {k: i for i, k in enumerate(_KINDS)}
    out.sort(key=lambda c: (order[c.outcome.kind], c.change != "added", c.outcome.label))
    return out


def _listing(items: Sequence[_Outcome], words: _Words) -> str:
    """Labels in a list: each quoted, as a label may hold a comma."""
    return ", ".join(words._("“{label}”").format(label=o.label) for o in items)


def _sentence(policy: str, changes: Sequence[_Change], words: _Words) -> str:
    """The difference a municipal policy makes, in one sentence."""
    _ = words._
    if not changes:
        return _("{policy}: the same decision as under the national baseline alone.").format(
            policy=policy
        )
    if all(c.change == "also" for c in changes):
        return _(
            "{policy}: the same decision as under the national baseline alone, reached also "
            "through its own rules."
        ).format(policy=policy)
    ngettext = words.ngettext
    sentences: list[tuple[str, str, Callable[[int], str]]] = [
        (
            "added",
            "finding",
            lambda k: ngettext(
                "adds the risk factor: {items}", "adds the risk factors: {items}", k
            ),
        ),
        (
            "removed",
            "finding",
            lambda k: ngettext(
                "does not find the risk factor: {items}",
                "does not find the risk factors: {items}",
                k,
            ),
        ),
        (
            "added",
            "obligation",
            lambda k: ngettext("adds the duty: {items}", "adds the duties: {items}", k),
        ),
        (
            "removed",
            "obligation",
            lambda k: ngettext("drops the duty: {items}", "drops the duties: {items}", k),
        ),
        (
            "added",
            "referral",
            lambda k: ngettext("adds the referral: {items}", "adds the referrals: {items}", k),
        ),
        (
            "removed",
            "referral",
            lambda k: ngettext("drops the referral: {items}", "drops the referrals: {items}", k),
        ),
        ("added", "allowed", lambda k: _("also allows: {items}")),
        ("removed", "allowed", lambda k: _("does not allow: {items}")),
        ("added", "refused", lambda k: _("refuses: {items}")),
        ("removed", "refused", lambda k: _("does not refuse: {items}")),
        (
            "added",
            "plan_issue",
            lambda k: ngettext(
                "finds a problem in the plan: {items}", "finds problems in the plan: {items}", k
            ),
        ),
        (
            "removed",
            "plan_issue",
            lambda k: ngettext(
                "finds no problem in the plan: {items}",
                "finds no problems in the plan: {items}",
                k,
            ),
        ),
    ]
    parts = []
    for change, kind, saying in sentences:
        items = [c.outcome for c in changes if c.change == change and c.outcome.kind == kind]
        if items:
            parts.append(saying(len(items)).format(items=_listing(items, words)))
    for c in changes:
        if c.change == "due" and c.was_due is not None and c.outcome.due is not None:
            parts.append(
                _("{item} is due {date} instead of {before}").format(
                    item=c.outcome.label,
                    date=c.outcome.due.isoformat(),
                    before=c.was_due.isoformat(),
                )
            )
    return _("{policy}: {differences}.").format(policy=policy, differences="; ".join(parts))


#: The states of a duty done (``Obligation.state``).
_DONE = frozenset({"done_on_time", "done_late"})


def _duty_to_do(o: _Outcome, words: _Words) -> str:
    """A duty not done yet, with its due date, and said overdue when it is."""
    _ = words._
    if o.due is None:
        return o.label
    if o.state == "overdue":
        return _("{item}, due {date}: OVERDUE").format(item=o.label, date=o.due.isoformat())
    return _("{item} by {date}").format(item=o.label, date=o.due.isoformat())


def _summary(decision: Decision, words: _Words) -> str:
    """One case in one line: what was found, what is to be done, notes."""
    _ = words._
    outcomes = _outcomes(decision, words)

    def of(kind: str) -> list[_Outcome]:
        return [o for o in outcomes if o.kind == kind]

    def listed(items: Sequence[_Outcome]) -> str:
        return "; ".join(o.label for o in items)

    parts = []
    findings = of("finding")
    parts.append(
        words.ngettext("Risk factor: {items}", "Risk factors: {items}", len(findings)).format(
            items=listed(findings)
        )
        if findings
        else _("No risk factor")
    )
    duties = of("obligation")
    # A duty done is not one to do: a reader of the line would do it again.
    to_do = [o for o in duties if o.state not in _DONE]
    done = [o for o in duties if o.state in _DONE]
    parts.append(
        _("To do: {items}").format(items="; ".join(_duty_to_do(o, words) for o in to_do))
        if to_do
        else _("Nothing to do")
    )
    if done:
        parts.append(
            _("Done: {items}").format(
                items="; ".join(
                    _("{item} (late)").format(item=o.label) if o.state == "done_late" else o.label
                    for o in done
                )
            )
        )
    for kind, template in (
        ("referral", _("Refer to: {items}")),
        ("allowed", _("Allowed: {items}")),
        ("refused", _("Refused: {items}")),
        ("plan_issue", _("Problems in the plan: {items}")),
    ):
        items = of(kind)
        if items:
            parts.append(template.format(items=listed(items)))
    codes = {str(n.code) for n in decision.notes}
    if "no_municipal_policy" in codes:
        parts.append(_("No municipal policy installed: the national baseline alone decided"))
    if "no_observation_on_date" in codes:
        parts.append(_("No observation on or before this date: no data, not no risk"))
    if not decision.complete:
        parts.append(_("INCOMPLETE: part of the policy failed"))
    return ". ".join(parts) + "."


def _policy_name(info: PolicyInfo) -> str:
    return f"{info.title} ({info.name})"


@attrs.frozen
class _Run:
    """The decisions of a demo, shared by its text and its JSON."""

    cases: list[tuple[str, SupportCase, date, Decision]]
    skipped: list[str]
    failed: list[tuple[str, str]]  # file, why its policy set cannot be built
    municipal: list[PolicyInfo]


def _run(cases: Sequence[tuple[str, SupportCase]], registry: PolicyRegistry) -> _Run:
    decided, skipped, failed = [], [], []
    for name, case in cases:
        as_of = max((o.as_of for o in case.observations), default=None)
        if as_of is None:
            skipped.append(name)
            continue
        try:
            decided.append((name, case, as_of, registry.evaluate(case, as_of)))
        except PolicyError as err:  # a deployment's error, not the case's: the others go on
            failed.append((name, _problem(err)))
    municipal = [info for info in registry.policies if info.municipality and not info.national]
    return _Run(decided, skipped, failed, sorted(municipal, key=lambda i: i.municipality or ""))


def _problem(err: Exception) -> str:
    return " ".join(str(err).split())


def _comparisons(
    run: _Run, registry: PolicyRegistry, words: _Words
) -> tuple[str, Decision, list[_Outcome], list[tuple[PolicyInfo, str, list[_Change]]]] | None:
    if not run.cases:
        return None
    name, case, as_of, _decision = run.cases[0]
    base = registry.policy_set(None).evaluate(case, as_of)
    compared: list[tuple[PolicyInfo, str, list[_Change]]] = []
    for info in run.municipal:
        try:
            policy_set = registry.policy_set(info.municipality)
        except PolicyError as err:
            sentence = words._("{policy}: its policy set cannot be built: {problem}").format(
                policy=_policy_name(info), problem=_problem(err)
            )
            compared.append((info, sentence, []))
            continue
        other = policy_set.evaluate(case, as_of)
        local = _Words(words.lang, policy_set.codes)
        changes = _changes(base, other, local)
        compared.append((info, _sentence(_policy_name(info), changes, local), changes))
    return name, base, _outcomes(base, words), compared


def run_demo(cases: Sequence[tuple[str, SupportCase]], registry: PolicyRegistry, lang: str) -> str:
    """The demo as text in ``lang`` for ``cases`` (file name, case)."""
    words = _Words(lang, {})
    _ = words._
    run = _run(cases, registry)
    lines = [_("Synthetic example cases, each decided under its learner's municipal policy"), ""]
    for name, case, as_of, decision in run.cases:
        codes = registry.policy_set(case.learner.enrolment.municipality).codes
        line_words = _Words(lang, codes)
        lines.append(
            f"{name} ({case.learner.enrolment.municipality}, {as_of.isoformat()}): "
            f"{_summary(decision, line_words)}"
        )
    lines += [_("{file}: no observations, not decided").format(file=n) for n in run.skipped]
    lines += [
        _("{file}: not decided, the policy set cannot be built: {problem}").format(
            file=n, problem=problem
        )
        for n, problem in run.failed
    ]
    installed = ", ".join(_policy_name(i) for i in run.municipal) or _("none")
    lines += ["", _("Installed municipal policies: {policies}").format(policies=installed)]
    compared = _comparisons(run, registry, _Words(lang, registry.policy_set(None).codes))
    if compared is None:
        return "\n".join(lines) + "\n"
    name, base, outcomes, municipalities = compared
    base_words = _Words(lang, registry.policy_set(None).codes)
    rows = _rows(base)
    lines += [
        "",
        _("One learner ({file}) under the national baseline alone, on {date}:").format(
            file=name, date=base.as_of.isoformat()
        ),
    ]
    if not outcomes:
        lines.append("  " + _("nothing found and nothing to do"))
    for o in outcomes:
        lines.append(f"  {_headline(o, base_words)}")
        lines += [
            f"      {_because(rows[r], base_words).line(base_words)}" for r in o.rules if r in rows
        ]
    if municipalities:
        lines += ["", _("The same learner under each municipal policy:")]
    for _info, sentence, changes in municipalities:
        lines += ["", sentence]
        for change in changes:
            lines += change.lines(base_words)
    return "\n".join(lines) + "\n"


def demo_data(
    cases: Sequence[tuple[str, SupportCase]], registry: PolicyRegistry, lang: str
) -> dict[str, Any]:
    """The demo as JSON-ready data, with labels and sentences in ``lang``: each case's summary
    (codes with labels, notes), and the comparison of the first case under each municipal
    policy with the national baseline alone (each change with the rules behind it)."""
    words = _Words(lang, registry.policy_set(None).codes)
    run = _run(cases, registry)
    out_cases = []
    for name, case, as_of, decision in run.cases:
        local = _Words(lang, registry.policy_set(case.learner.enrolment.municipality).codes)
        outcomes = _outcomes(decision, local)
        out_cases.append(
            {
                "file": name,
                "learner_id": decision.learner_id,
                "municipality": case.learner.enrolment.municipality,
                "as_of": as_of.isoformat(),
                "complete": decision.complete,
                "notes": [str(n.code) for n in decision.notes],
                "summary": _summary(decision, local),
                "outcomes": [
                    {
                        "kind": o.kind,
                        "code": o.code,
                        "label": o.label,
                        "due": o.due.isoformat() if o.due else None,
                        "state": o.state,
                        "rules": list(o.rules),
                    }
                    for o in outcomes
                ],
            }
        )
    data: dict[str, Any] = {
        "lang": lang,
        "cases": out_cases,
        "skipped": run.skipped,
        "failed": [{"file": n, "problem": problem} for n, problem in run.failed],
        "municipal_policies": [
            {"name": i.name, "title": i.title, "municipality": i.municipality}
            for i in run.municipal
        ],
        "comparison": None,
    }
    compared = _comparisons(run, registry, words)
    if compared is not None:
        name, base, outcomes, municipalities = compared
        rows = _rows(base)
        data["comparison"] = {
            "file": name,
            "as_of": base.as_of.isoformat(),
            "baseline": [
                {
                    "kind": o.kind,
                    "code": o.code,
                    "label": o.label,
                    "due": o.due.isoformat() if o.due else None,
                    "because": [_because(rows[r], words).data() for r in o.rules if r in rows],
                }
                for o in outcomes
            ],
            "municipalities": [
                {
                    "municipality": info.municipality,
                    "policy": info.name,
                    "sentence": sentence,
                    "changes": [c.data() for c in changes],
                }
                for info, sentence, changes in municipalities
            ],
        }
    return data
