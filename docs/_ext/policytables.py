"""Tables of the policy engine generated at build time from the code, so they cannot drift from it.

- ``atbalsts-rules``: every rule a policy declares (default: the national baseline ``lv``), grouped
  by decision kind, each with its id, title, kind, whether it is mandatory, its validity, its legal
  basis (the act and provision linked to the source, or the plain label with its note), the
  parameters it reads and the facts it reads.
- ``atbalsts-parameters``: every parameter a policy declares, with each dated value and its basis,
  and how a municipality may change it (fixed, stricter lower or higher, free).
- ``atbalsts-facts``: every fact a rule may read (:data:`atbalsts.policy.FACTS`), the protected ones
  (:data:`atbalsts.policy.PROTECTED_FACTS`) marked.
- ``atbalsts-hit-policies``: one row per decision kind: the outcome class a rule of that kind
  returns and the hit policy, from the docstrings of :class:`atbalsts.model.decision.DecisionKind`.

The policy directives read the declarations the plugin registers, loaded as the host loads them
(:meth:`atbalsts.PolicyRegistry.load`). In MyST::

    ```{atbalsts-rules}
    ```

    ```{atbalsts-parameters}
    :policy: parauga
    ```

The national baseline's rules are loaded without entry points; only each rule's "Changed by" field
names the installed municipal plugins that replace it or set a national parameter it reads (the
example plugins of this repository, which the Quick start installs). Any other policy name is
looked up among the installed entry-point plugins. An unknown
name is a build error that lists the known ones.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

import atbalsts
from atbalsts.engine import Declaration, PolicyRegistry
from atbalsts.model.decision import DecisionKind
from atbalsts.model.risk import LegalBasis
from atbalsts.policy import (
    FACT_NAMES,
    FACTS,
    PROTECTED_FACTS,
    Change,
    Facts,
    Parameter,
    PolicyInfo,
    Rule,
)
from atbalsts.policy._outcomes import OUTCOME_TYPES

__all__ = ["setup"]

#: Section titles of the decision kinds, in the order of DecisionKind.
KIND_TITLES: dict[DecisionKind, str] = {
    DecisionKind.RISK_FINDING: "Risk findings",
    DecisionKind.OBLIGATION: "Obligations",
    DecisionKind.MEASURE_ELIGIBILITY: "Measure eligibility",
    DecisionKind.REFERRAL: "Referrals",
    DecisionKind.PLAN_CHECK: "Plan checks",
    DecisionKind.REVIEW_SCHEDULE: "Review dates",
    DecisionKind.RISK_TIER: "Risk tiers",
}

BASIS_LABELS = {
    "law": "Law",
    "programme": "Programme rule",
    "methodological_default": "Methodological default, not law",
    "illustrative": "Illustrative, not law",
}


# --- small node helpers ----------------------------------------------------------------------


def _text(value: str) -> nodes.Text:
    return nodes.Text(value)


def _literal(value: str) -> nodes.literal:
    return nodes.literal(value, value)


def _para(*children: nodes.Node) -> nodes.paragraph:
    return nodes.paragraph("", "", *children)


def _entry(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += _para(*children)
    return entry


def _xref(target: str, text: str, refdoc: str, reftype: str = "class") -> pending_xref:
    ref = pending_xref(
        "", refdomain="py", reftype=reftype, reftarget=target, refdoc=refdoc, refexplicit=True
    )
    ref += _literal(text)
    return ref


def _internal(anchor: str, text: str) -> nodes.reference:
    ref = nodes.reference("", "", internal=True, refid=anchor)
    ref += _literal(text)
    return ref


def _field(name: str, *children: nodes.Node) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(name, name)
    body = nodes.field_body()
    body += _para(*children)
    field += body
    return field


def _joined(items: list[nodes.Node], sep: str = ", ") -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(_text(sep))
        out.append(item)
    return out


def _table(columns: list[str], widths: list[int], rows: list[list[nodes.entry]]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(columns))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    header = nodes.row()
    for name in columns:
        header += _entry(_text(name))
    head += header
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += cell
        body += row
    group += body
    return table


def _period(start: date, end: date | None) -> str:
    return f"{start.isoformat()} – {end.isoformat() if end else 'open-ended'}"


def _basis(basis: LegalBasis) -> list[nodes.Node]:
    """The basis: the act and provision linked to the source, or the plain label; then the note."""
    label = BASIS_LABELS.get(basis.kind.value, basis.kind.value)
    out: list[nodes.Node] = [nodes.strong(label, label), _text(": " if basis.cited else ". ")]
    if basis.cited:
        cite = f"{basis.act}, {basis.provision}" if basis.provision else str(basis.act)
        out.append(nodes.reference(cite, cite, refuri=basis.url))
        if basis.note:
            out.append(_text(". "))
    if basis.note:
        out.append(_text(basis.note))
    return out


def _rule_anchor(rule_id: str) -> str:
    return nodes.make_id(f"rule-{rule_id}")


def _param_anchor(param_id: str, policy: str) -> str:
    """``parameter-lv-absence-board-notice-days``; a plugin's re-declaration of another policy's
    parameter gets the plugin's name in front, so that two pages never share a label."""
    own = param_id.split(".", 1)[0] == policy
    return nodes.make_id(f"parameter-{param_id}" if own else f"{policy}-parameter-{param_id}")


def _in_force(rule: Rule, info: PolicyInfo) -> tuple[date, date | None]:
    """The days a rule applies: its own validity inside its policy's."""
    start = max(rule.valid_from, info.valid_from)
    ends = [d for d in (rule.valid_to, info.valid_to) if d is not None]
    return start, min(ends) if ends else None


# --- loading ---------------------------------------------------------------------------------


def _declaration(directive: SphinxDirective, name: str) -> Declaration:
    registry = PolicyRegistry.load(entry_points=name != "lv")
    for decl in registry.declarations:
        if decl.info.name == name:
            return decl
    known = ", ".join(sorted(d.info.name for d in registry.declarations))
    raise directive.error(f"unknown policy {name!r}; known: {known}")


def _changed_by() -> dict[str, list[str]]:
    """For each national rule, how the installed municipal plugins change it: a rule that
    replaces it, or a value of its own for a national parameter the rule reads."""
    registry = PolicyRegistry.load()
    national = next(d for d in registry.declarations if d.info.national)
    national_params = {p.id for p in national.parameters}
    changes: dict[str, list[str]] = {}
    for decl in sorted(registry.declarations, key=lambda d: d.info.name):
        if decl.info.national:
            continue
        own = {p.id for p in decl.parameters} & national_params
        for rule in decl.rules:
            if rule.overrides:
                changes.setdefault(rule.overrides, []).append(
                    f"{decl.info.name}: replaced by {rule.id}"
                )
        for rule in national.rules:
            for param in sorted(own & set(rule.params)):
                changes.setdefault(rule.id, []).append(f"{decl.info.name}: sets {param}")
    return changes


def _note_sources(directive: SphinxDirective, name: str) -> None:
    """Rebuild the page when the national baseline or the engine changes."""
    if name != "lv":
        return
    package = Path(atbalsts.__file__ or "").resolve().parent
    for path in sorted((package / "national").glob("*")):
        if path.suffix in (".py", ".toml"):
            directive.env.note_dependency(str(path))


class _PolicyDirective(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"policy": directives.unchanged}

    def _section(self, anchor: str) -> nodes.section:
        """A section that is also a label (``{ref}`rule-lv-absence-inform-board```, or
        ``[text](#rule-lv-absence-inform-board)`` on the same page)."""
        section = nodes.section(ids=[anchor], names=[anchor])
        self.state.document.note_explicit_target(section, section)
        return section

    def _load(self) -> Declaration:
        name = (self.options.get("policy") or "lv").strip()
        _note_sources(self, name)
        return _declaration(self, name)


# --- rules -----------------------------------------------------------------------------------


class RuleTable(_PolicyDirective):
    """Every rule of a policy by decision kind: an overview table, then one section per rule."""

    def run(self) -> list[nodes.Node]:
        decl = self._load()
        params = {p.id for p in decl.parameters}
        rules = sorted(decl.rules, key=lambda r: r.id)
        out: list[nodes.Node] = [self._overview(rules, decl.info)]
        for kind in DecisionKind:
            of_kind = [r for r in rules if r.kind is kind]
            if not of_kind:
                continue
            section = nodes.section(ids=[nodes.make_id(f"rules-{kind.value}")])
            section += nodes.title("", KIND_TITLES.get(kind, kind.value))
            section += _para(
                _text(f"{len(of_kind)} rule(s) of kind "),
                _xref("atbalsts.model.decision.DecisionKind", kind.value, self.env.docname),
                _text("."),
            )
            for rule in of_kind:
                section += self._rule(rule, params, decl.info)
            out.append(section)
        return out

    def _overview(self, rules: list[Rule], info: PolicyInfo) -> nodes.table:
        rows = [
            [
                _entry(_internal(_rule_anchor(r.id), r.id)),
                _entry(_text(r.kind.value)),
                _entry(nodes.strong("yes", "yes") if r.mandatory else _text("no")),
                _entry(_text(_period(*_in_force(r, info)))),
            ]
            for r in rules
        ]
        table = _table(["Rule", "Kind", "Mandatory", "In force"], [40, 20, 12, 28], rows)
        table.insert(0, nodes.title("", f"{len(rules)} rules"))
        return table

    def _rule(self, rule: Rule, own_params: set[str], info: PolicyInfo) -> nodes.section:
        section = self._section(_rule_anchor(rule.id))
        section += nodes.title("", "", _literal(rule.id))
        if rule.title:
            section += _para(nodes.emphasis(rule.title, rule.title))
        fields = nodes.field_list()
        fields += _field(
            "Kind", _xref("atbalsts.model.decision.DecisionKind", rule.kind.value, self.env.docname)
        )
        mandatory = (
            [nodes.strong("yes", "yes"), _text(": law; no municipal plugin may replace it")]
            if rule.mandatory
            else [
                _text("no: a municipal plugin may replace it by naming it in "),
                _literal("overrides"),
            ]
        )
        fields += _field("Mandatory", *mandatory)
        fields += _field("In force", _text(_period(*_in_force(rule, info))))
        fields += _field("Legal basis", *_basis(rule.legal_basis))
        if rule.params:
            refs: list[nodes.Node] = [
                _internal(_param_anchor(p, info.name), p) if p in own_params else _literal(p)
                for p in rule.params
            ]
            fields += _field("Parameters", *_joined(refs))
        if rule.reads:
            fields += _field("Reads", *_joined([_literal(f) for f in rule.reads]))
        if rule.overrides:
            fields += _field("Replaces", _literal(rule.overrides))
        if info.national:
            changes = self._changes().get(rule.id)
            fields += _field(
                "Changed by",
                *(
                    _joined([_text(c) for c in changes])
                    if changes
                    else [_text("no installed municipal plugin")]
                ),
            )
        section += fields
        return section

    def _changes(self) -> dict[str, list[str]]:
        cached: dict[str, list[str]] | None = getattr(self.env, "_atbalsts_changed_by", None)
        if cached is None:
            cached = _changed_by()
            self.env._atbalsts_changed_by = cached  # type: ignore[attr-defined]
        return cached


# --- parameters ------------------------------------------------------------------------------


def _change(param: Parameter) -> list[nodes.Node]:
    if param.change is Change.FIXED:
        return [nodes.strong("fixed", "fixed"), _text(": a municipal plugin may not change it.")]
    if param.change is Change.FREE:
        return [
            nodes.strong("free", "free"),
            _text(": a municipal plugin may set any value (no law fixes the number)."),
        ]
    direction = param.stricter or "?"
    verb = "lower" if direction == "lower" else "raise"
    return [
        nodes.strong(f"stricter ({direction})", f"stricter ({direction})"),
        _text(
            f": a municipal plugin may only {verb} it; a value in the other direction is refused."
        ),
    ]


class ParameterTable(_PolicyDirective):
    """Every parameter of a policy: its dated values with their bases, and how it may change."""

    def run(self) -> list[nodes.Node]:
        decl = self._load()
        readers: dict[str, list[str]] = {}
        for rule in sorted(decl.rules, key=lambda r: r.id):
            for pid in rule.params:
                readers.setdefault(pid, []).append(rule.id)
        rule_ids = {r.id for r in decl.rules}
        out: list[nodes.Node] = []
        for param in sorted(decl.parameters, key=lambda p: p.id):
            section = self._section(_param_anchor(param.id, decl.info.name))
            section += nodes.title("", "", _literal(param.id))
            if param.description:
                section += _para(nodes.emphasis(param.description, param.description))
            fields = nodes.field_list()
            if param.unit:
                fields += _field("Unit", _text(param.unit))
            if param.id.split(".", 1)[0] == decl.info.name:
                fields += _field("Municipalities", *_change(param))
            else:  # a re-declared parameter of another policy: only its values are this policy's
                fields += _field(
                    "Changes",
                    _text("the values of "),
                    _literal(param.id),
                    _text(" while this policy is in force; that parameter's own declaration "),
                    _text("says how it may change."),
                )
            users = readers.get(param.id, [])
            if users:
                refs: list[nodes.Node] = [
                    _internal(_rule_anchor(r), r) if r in rule_ids else _literal(r) for r in users
                ]
                fields += _field("Read by", *_joined(refs))
            section += fields
            rows = []
            for i, value in enumerate(param.values):
                following = param.values[i + 1].valid_from if i + 1 < len(param.values) else None
                last = following - timedelta(days=1) if following else None
                rows.append(
                    [
                        _entry(_text(_period(value.valid_from, last))),
                        _entry(_literal(repr(value.value))),
                        _entry(*_basis(value.reference)),
                    ]
                )
            section += _table(["In force", "Value", "Basis"], [24, 14, 62], rows)
            out.append(section)
        return out


# --- facts -----------------------------------------------------------------------------------


class FactTable(SphinxDirective):
    """Every fact a rule may read, with its meaning; protected facts marked."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        package = Path(atbalsts.__file__ or "").resolve().parent
        self.env.note_dependency(str(package / "engine" / "facts.py"))
        rows = []
        for name, meaning in FACTS.items():
            protected = name in PROTECTED_FACTS
            rows.append(
                [
                    _entry(_literal(name)),
                    _entry(nodes.strong("protected", "protected") if protected else _text("")),
                    _entry(_text(meaning)),
                ]
            )
        # Facts a rule may declare that are derived from another (``has_risk``).
        for name in sorted(FACT_NAMES - set(FACTS)):
            doc = getattr(Facts, name).__doc__ or ""
            rows.append(
                [
                    _entry(_literal(name)),
                    _entry(_text("derived")),
                    _entry(_text(" ".join(doc.split()))),
                ]
            )
        table = _table(["Fact", "", "Meaning"], [26, 12, 62], rows)
        table.insert(0, nodes.title("", f"Facts a rule may read: {len(rows)}"))
        return [table]


# --- hit policies ----------------------------------------------------------------------------


def _kind_docs() -> dict[str, str]:
    found = ModuleAnalyzer.for_module(DecisionKind.__module__).find_attr_docs()
    return {
        member: " ".join(" ".join(doc).split())
        for (qualname, member), doc in found.items()
        if qualname == DecisionKind.__qualname__
    }


class HitPolicyTable(SphinxDirective):
    """One row per decision kind: what a rule returns, and how outcomes combine."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        package = Path(atbalsts.__file__ or "").resolve().parent
        self.env.note_dependency(str(package / "model" / "decision.py"))
        docs = _kind_docs()
        rows = []
        for kind in DecisionKind:
            outcome = OUTCOME_TYPES[kind]
            rows.append(
                [
                    _entry(_literal(kind.value)),
                    _entry(
                        _xref(
                            f"atbalsts.policy.{outcome.__name__}",
                            outcome.__name__,
                            self.env.docname,
                        )
                    ),
                    _entry(_text(docs.get(kind.name, ""))),
                ]
            )
        return [_table(["Decision kind", "A rule returns", "Hit policy"], [24, 16, 60], rows)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("atbalsts-rules", RuleTable)
    app.add_directive("atbalsts-parameters", ParameterTable)
    app.add_directive("atbalsts-facts", FactTable)
    app.add_directive("atbalsts-hit-policies", HitPolicyTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
