"""The checks of a policy's declaration alone that composition does not make: ``loaded``,
``legal-basis`` and ``validity``. The checks composition makes (namespaces, the national floor,
the facts a rule declares, coverage) are read from its violations, in ``_compose``.

A check that finds a rule the policy set cannot be built with adds its id to ``excluded``, so
that composition leaves it out.
"""

from __future__ import annotations

from datetime import date

from atbalsts.engine import Declaration, PolicyRegistry
from atbalsts.model import LegalBasis
from atbalsts.policy import DecisionKind, Rule, in_force
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


def legal_bases(decl: Declaration, excluded: set[str]) -> list[Problem]:
    problems = []
    for r in decl.rules:
        found = _basis_problem(r.legal_basis, _RULE_LABEL)
        if not isinstance(r.legal_basis, LegalBasis):
            excluded.add(r.id)  # the policy set cannot stamp a rule without a basis
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
    """Every rule is in force on some day of the policy's validity. (A rule or policy whose
    ``valid_to`` is before its ``valid_from`` is refused when declared, so it never gets here.)"""
    info = decl.info
    return [
        Problem(
            "validity",
            r.id,
            f"the rule is never in force: its period ({r.valid_from} to "
            f"{r.valid_to or 'open'}) lies outside the policy's ({info.valid_from} to "
            f"{info.valid_to or 'open'})",
        )
        for r in decl.rules
        if in_force_period(r, decl) is None
    ]


def in_force_period(r: Rule, decl: Declaration) -> tuple[date, date | None] | None:
    """The days on which both the rule and its policy are in force, or None when there are none."""
    start = max(r.valid_from, decl.info.valid_from)
    ends = [d for d in (r.valid_to, decl.info.valid_to) if d is not None]
    end = min(ends) if ends else None
    return (start, end) if in_force(start, end, start) else None


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


def measures(decl: Declaration) -> list[Problem]:
    """Each measure-eligibility rule declares the measures it may decide."""
    return [
        Problem(
            "measures",
            r.id,
            "the rule decides measures but does not say which: add measures=(...) to its "
            "@rule(...), naming every measure it may allow or deny. Undeclared, it counts as "
            "able to decide every measure, and a role that may not see what it reads sees no "
            "measure's verdict at all",
        )
        for r in decl.rules
        if r.kind is DecisionKind.MEASURE_ELIGIBILITY and r.measures is None
    ]
