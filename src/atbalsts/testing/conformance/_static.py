"""The checks of a policy's declaration alone, before any rule runs: ``loaded``, ``namespace``,
``legal-basis``, ``validity``, ``national-floor`` (mandatory and overriding rules) and ``facts``
(the facts a rule declares it reads).

A check that finds a rule (or parameter) the policy set cannot be built with adds its id to
``bad_rules`` (``bad_params``), so that composition leaves it out.
"""

from __future__ import annotations

import difflib
from datetime import date

from atbalsts.engine import Declaration, PolicyRegistry
from atbalsts.model import LegalBasis
from atbalsts.policy import FACT_NAMES, PROTECTED_FACTS, RISK_KINDS, Rule
from atbalsts.testing.conformance._problem import Problem

# Public as atbalsts.testing.conformance.PLACEHOLDER, and documented there.
PLACEHOLDER = "TODO-LEGAL-BASIS"


def declaration(registry: PolicyRegistry, name: str) -> Declaration | None:
    return next((d for d in registry.declarations if d.info.name == name), None)


def loaded(registry: PolicyRegistry, name: str) -> list[Problem]:
    problems = [
        Problem(
            "loaded",
            name,
            f"the plugin failed to {f.stage}: {f.error}. Import its module in Python to see the "
            f"full error, fix it and reinstall the plugin",
        )
        for f in registry.failures
        if f.plugin == name
    ]
    if problems or declaration(registry, name) is not None:
        return problems
    if name in registry.blocked:
        why = "it is blocked (ATBALSTS_BLOCK_PLUGINS or block=)"
    else:
        known = ", ".join(p.name for p in registry.policies) or "none"
        why = (
            f"no loaded plugin declares it (loaded policies: {known}). Check that the "
            f"distribution is installed (pip install -e .), that pyproject.toml declares the entry "
            f'point [project.entry-points.atbalsts] {name} = "<module>.plugin", and that '
            f'registrar.policy("{name}", ...) uses the same name'
        )
    return [Problem("loaded", name, f"the policy {name!r} is not loaded: {why}")]


def namespace(
    decl: Declaration, national: Declaration | None, bad_rules: set[str], bad_params: set[str]
) -> list[Problem]:
    name = decl.info.name
    problems = []
    seen: set[str] = set()
    for r in decl.rules:
        if r.namespace != name:
            bad_rules.add(r.id)
            problems.append(
                Problem(
                    "namespace",
                    r.id,
                    f"a rule id must start with the policy name, '{name}.' (for example "
                    f"'{name}.absence.report'); rename the rule in its @rule(...) declaration",
                )
            )
        if r.id in seen:
            bad_rules.add(r.id)
            problems.append(
                Problem(
                    "namespace",
                    r.id,
                    "two rules share this id; give each rule its own id (the id is how decisions, "
                    "traces and overrides name the rule)",
                )
            )
        seen.add(r.id)
    national_ids = {p.id for p in national.parameters} if national else set()
    param_seen: set[str] = set()
    for p in decl.parameters:
        if p.id.split(".", 1)[0] != name and p.id not in national_ids:
            bad_params.add(p.id)
            problems.append(
                Problem(
                    "namespace",
                    p.id,
                    f"a parameter id must start with '{name}.' for a parameter of this policy, "
                    f"or be the id of a national parameter (lv....) to change its value; this id "
                    f"is neither. Rename it in parameters.toml",
                )
            )
        if p.id in param_seen:
            bad_params.add(p.id)
            problems.append(
                Problem("namespace", p.id, "the parameter is declared twice; declare it once")
            )
        param_seen.add(p.id)
    return problems


_CITE = (
    "give the act (the municipality's binding rules, saistošie noteikumi, or a council decision), "
    "the provision and the address (url) of the published text"
)
_RULE_LABEL = (
    "where no legal source exists, use LegalBasis(kind=BasisKind.METHODOLOGICAL_DEFAULT, "
    "note=...) (or BasisKind.ILLUSTRATIVE, for examples only), the note saying what it rests on"
)
_VALUE_LABEL = (
    'where no legal source exists, write kind = "methodological_default" (or "illustrative", for '
    "examples only) and a note saying what it rests on"
)


def _basis_problem(basis: object, label: str) -> str | None:
    how = f"{_CITE}; {label}"
    if basis is None:
        return f"there is no legal basis: {how}"
    if not isinstance(basis, LegalBasis):
        return f"the legal basis is a {type(basis).__name__}, not a LegalBasis: {how}"
    texts = (basis.act, basis.provision, basis.url, basis.note)
    if any(PLACEHOLDER in (t or "") for t in texts):
        return f"the legal basis is still the placeholder {PLACEHOLDER}: {how}"
    if basis.cited and not (basis.act and basis.url):
        return f"a {basis.kind.value} basis must name the act and give its address (url): {how}"
    if not basis.cited and not basis.note:
        return f"a {basis.kind.value} basis needs a note saying what it rests on"
    return None


def legal_bases(decl: Declaration, bad_rules: set[str]) -> list[Problem]:
    problems = []
    for r in decl.rules:
        found = _basis_problem(r.legal_basis, _RULE_LABEL)
        if not isinstance(r.legal_basis, LegalBasis):
            bad_rules.add(r.id)  # the policy set cannot stamp a rule without a basis
        if found:
            problems.append(Problem("legal-basis", r.id, f"rule (legal_basis=): {found}"))
    for p in decl.parameters:
        for v in p.values:
            found = _basis_problem(v.reference, _VALUE_LABEL)
            if found:
                what = f"value {v.value!r} from {v.valid_from}"
                problems.append(
                    Problem("legal-basis", p.id, f"parameter {what} (its basis): {found}")
                )
    return problems


def validity(decl: Declaration) -> list[Problem]:
    info = decl.info
    problems = []
    if info.valid_to is not None and info.valid_to < info.valid_from:
        problems.append(
            Problem(
                "validity",
                info.name,
                f"the policy's valid_to ({info.valid_to}) is before its valid_from "
                f"({info.valid_from}); fix the dates in registrar.policy(...)",
            )
        )
        return problems
    for r in decl.rules:
        if r.valid_to is not None and r.valid_to < r.valid_from:
            problems.append(
                Problem(
                    "validity",
                    r.id,
                    f"valid_to ({r.valid_to}) is before valid_from ({r.valid_from}); both dates "
                    f"are inclusive",
                )
            )
        elif in_force_period(r, decl) is None:
            problems.append(
                Problem(
                    "validity",
                    r.id,
                    f"the rule is never in force: its period ({r.valid_from} to "
                    f"{r.valid_to or 'open'}) lies outside the policy's ({info.valid_from} to "
                    f"{info.valid_to or 'open'})",
                )
            )
    return problems


def in_force_period(r: Rule, decl: Declaration) -> tuple[date, date | None] | None:
    start = max(r.valid_from, decl.info.valid_from)
    ends = [d for d in (r.valid_to, decl.info.valid_to) if d is not None]
    end = min(ends) if ends else None
    return None if end is not None and end < start else (start, end)


def floor(decl: Declaration, national: Declaration | None, bad_rules: set[str]) -> list[Problem]:
    if national is None:  # the national baseline is the floor; nothing to check it against
        return []
    mandatory = {r.id: r for r in national.rules if r.mandatory}
    problems = []
    for r in decl.rules:
        if r.mandatory:
            bad_rules.add(r.id)
            problems.append(
                Problem(
                    "national-floor",
                    r.id,
                    "only the national baseline marks rules mandatory (national law); remove "
                    "mandatory=True from the rule",
                )
            )
        target = mandatory.get(r.overrides or "")
        if target is not None:
            bad_rules.add(r.id)
            problems.append(
                Problem(
                    "national-floor",
                    r.id,
                    f"the rule overrides {target.id!r}, a mandatory national rule "
                    f"({target.legal_basis}); national law cannot be replaced by a municipal "
                    f"policy. Remove overrides= and add your rule beside the national one (an "
                    f"earlier deadline or an extra obligation is kept with it), or override only "
                    f"a rule that is not mandatory",
                )
            )
    return problems


def declared_facts(decl: Declaration, bad_rules: set[str]) -> list[Problem]:
    problems = []
    for r in decl.rules:
        for fact in r.reads:
            if fact not in FACT_NAMES:
                bad_rules.add(r.id)  # the engine cannot trace a fact that does not exist
                close = difflib.get_close_matches(fact, FACT_NAMES, n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                problems.append(
                    Problem(
                        "facts",
                        r.id,
                        f"reads={r.reads!r} names {fact!r}, which is not a fact{hint}; the facts "
                        f"a rule may read are listed in atbalsts.policy.FACTS",
                    )
                )
            elif fact in PROTECTED_FACTS and r.kind in RISK_KINDS:
                problems.append(Problem("facts", r.id, protected_message(fact, r.kind.value)))
    return problems


def protected_message(fact: str, kind: str = "risk_finding") -> str:
    message = (
        f"a {kind} rule reads the protected fact {fact!r}; a protected attribute (home "
        f"language, nationality, religion, ethnicity) must never be evidence of risk."
    )
    if fact == "languages":
        message += (
            " A language barrier observed by staff is an observation, not the attribute: read "
            "'staff_factors' and look for the 'language_barrier' factor a teacher recorded"
        )
    return message + " Remove the fact from the rule"
