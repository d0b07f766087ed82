"""``atbalsts policies`` and ``atbalsts rules``: what is installed, and what it decides by."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TypedDict

from atbalsts.cli._common import EXIT_OK, Commands, date_type, dump, table
from atbalsts.cli._i18n import Texts
from atbalsts.cli._violations import message_lines, rule_kind_names
from atbalsts.errors import AtbalstsError, PolicyError

if TYPE_CHECKING:  # imported where used: the engine loads plugins, which takes time
    from atbalsts import PolicyRegistry
    from atbalsts.policy import PolicyInfo, Rule

__all__ = ["load_registry", "register", "warn_unknown_municipality"]


def load_registry() -> PolicyRegistry:
    """The national baseline and every installed plugin the environment allows."""
    from atbalsts import PolicyRegistry

    return PolicyRegistry.load()


def warn_unknown_municipality(registry: PolicyRegistry, municipality: str | None, t: Texts) -> None:
    """A note on standard error when no installed policy governs ``municipality``; and, when a
    plugin failed to load (it may be the municipality's own), which one, as ``policies`` says."""
    if municipality and municipality not in registry.municipalities():
        known = ", ".join(registry.municipalities()) or t.gettext("none")
        print(
            t.gettext(
                "note: no installed policy governs municipality {municipality!r} (installed: "
                "{known}); the national baseline alone applies"
            ).format(municipality=municipality, known=known),
            file=sys.stderr,
        )
        failed = sorted({f.plugin for f in registry.failures})
        if failed:
            print(
                t.gettext(
                    "note: installed but not loaded: {plugins}; `atbalsts policies` says why"
                ).format(plugins=", ".join(failed)),
                file=sys.stderr,
            )


class _PolicyRow(TypedDict):
    name: str
    title: str
    municipality: str | None
    atvk: str | None
    national: bool
    distribution: str
    version: str
    valid_from: str
    valid_to: str | None
    buildable: bool
    problem: str | None


def _problems(registry: PolicyRegistry) -> dict[str | None, AtbalstsError]:
    """Why the policy set of each municipality (None: the national set, with the plugins that
    govern no one municipality) cannot be built; a set that builds is not listed."""
    out: dict[str | None, AtbalstsError] = {}
    for municipality in (None, *registry.municipalities()):
        try:
            registry.policy_set(municipality)
        except AtbalstsError as err:
            out[municipality] = err
    return out


def _problem(err: AtbalstsError, t: Texts) -> str:
    """``err`` on one line, in the language of ``t`` (the violations of a refused set each by
    its check; :mod:`atbalsts.cli._violations`)."""
    lines = message_lines(err, t) if isinstance(err, PolicyError) else [str(err)]
    return " ".join(" ".join(lines).split())


def _policy_row(p: PolicyInfo, problem: str | None) -> _PolicyRow:
    return {
        "name": p.name,
        "title": p.title,
        "municipality": p.municipality,
        "atvk": p.atvk,
        "national": p.national,
        "distribution": p.distribution,
        "version": p.version,
        "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        "buildable": problem is None,
        "problem": problem,
    }


def _policies(args: argparse.Namespace, t: Texts) -> int:
    _ = t.gettext
    registry = load_registry()
    problems = _problems(registry)
    english = {where: " ".join(str(err).split()) for where, err in problems.items()}
    rows = [_policy_row(p, english.get(p.municipality)) for p in registry.policies]
    if args.format == "json":
        failures = [f.model_dump(mode="json") for f in registry.failures]
        data = {"policies": rows, "failures": failures, "blocked": list(registry.blocked)}
        sys.stdout.write(dump(data))
        return EXIT_OK
    header = (
        _("NAME"),
        _("SCOPE"),
        _("VERSION"),
        _("IN FORCE"),
        _("DISTRIBUTION"),
        _("STATUS"),
        _("TITLE"),
    )
    cells = []
    for r in rows:
        scope = _("national") if r["national"] else (r["municipality"] or _("all municipalities"))
        since = r["valid_from"]
        valid = (
            f"{since}..{r['valid_to']}" if r["valid_to"] else _("from {date}").format(date=since)
        )
        status = _("ok") if r["buildable"] else _("CANNOT BE BUILT")
        cells.append(
            (
                r["name"],
                scope,
                r["version"],
                valid,
                r["distribution"],
                status,
                r["title"],
            )
        )
    for line in table(header, cells):
        print(line)
    for municipality, err in problems.items():
        where = municipality or _("the national set")
        print(
            _("{where}: cannot be built: {problem}").format(where=where, problem=_problem(err, t))
        )
    for f in registry.failures:
        print(
            _("not loaded: {plugin} ({stage}): {error}").format(
                plugin=f.plugin, stage=f.stage, error=f.error
            )
        )
    for name in registry.blocked:
        print(_("blocked by the environment: {plugin}").format(plugin=name))
    return EXIT_OK


class _RuleRow(TypedDict):
    id: str
    kind: str
    plugin: str
    title: str
    legal_basis: dict[str, object]
    valid_from: str
    valid_to: str | None
    mandatory: bool
    overrides: str | None
    params: list[str]
    reads: list[str]
    measures: list[str] | None


def _rule_row(rule: Rule, plugin: str) -> _RuleRow:
    return {
        "id": rule.id,
        "kind": rule.kind.value,
        "plugin": plugin,
        "title": rule.title,
        "legal_basis": rule.legal_basis.model_dump(mode="json"),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "mandatory": rule.mandatory,
        "overrides": rule.overrides,
        "params": list(rule.params),
        "reads": list(rule.reads),
        "measures": list(rule.measures) if rule.measures is not None else None,
    }


def _rules(args: argparse.Namespace, t: Texts) -> int:
    _ = t.gettext
    registry = load_registry()
    warn_unknown_municipality(registry, args.municipality, t)
    policy_set = registry.policy_set(args.municipality)
    rules = policy_set.rules_in_force(args.as_of)
    if args.format == "json":
        sys.stdout.write(dump([_rule_row(r, p) for r, p in rules]))
        return EXIT_OK
    bases = {
        "illustrative": _("illustrative, not law"),
        "methodological_default": _("methodological default, not law"),
    }
    kinds = rule_kind_names(t)
    cells = []
    for rule, plugin in rules:
        basis = rule.legal_basis
        cite = (
            basis.act
            if basis.cited and basis.act
            else bases.get(basis.kind.value, basis.kind.value)
        )
        flag = _("mandatory") if rule.mandatory else ""
        kind = kinds.get(rule.kind.value, rule.kind.value)
        cells.append((rule.id, kind, plugin, flag, cite))
    header = (_("RULE"), _("KIND"), _("PLUGIN"), _("MANDATORY"), _("LEGAL BASIS"))
    for line in table(header, cells):
        print(line)
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``policies`` and ``rules``."""
    _ = commands.texts.gettext
    commands.add(
        "policies",
        _("list installed policies, versions and validity, and whether each can be used"),
        _policies,
        formats=True,
    )
    p = commands.add(
        "rules", _("list the rules in force, with their legal basis"), _rules, formats=True
    )
    p.add_argument(
        "--municipality",
        metavar=_("MUNICIPALITY"),
        help=_("include this municipality's policy (default: the national baseline alone)"),
    )
    p.add_argument(
        "--as-of",
        type=date_type(commands.texts),
        metavar=_("DATE"),
        help=_("only rules in force on this date, YYYY-MM-DD (default: every rule)"),
    )
