"""The refusals of docs/how-to/read-a-conflict-error.md, produced for real.

Each function builds the policy set of the fictional Piemēra novads (policy ``piemera``) with one
mistake, and prints the error the engine raises. The documentation shows each function and its
output, produced when the documentation is built; tests/test_docs.py runs them all. Run it from the
root of a checkout: ``.venv/bin/python docs/examples/conflicts.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from atbalsts import PolicyConflict, PolicyError, PolicyRegistry
from atbalsts.engine import PluginSource
from atbalsts.policy import (
    BasisKind,
    DecisionKind,
    Facts,
    Finding,
    LegalBasis,
    Obligation,
    Params,
    PolicyRegistrar,
    Rule,
    hookimpl,
    load_parameters,
    rule,
)

POLICY_FROM = date(2025, 9, 1)
BASIS = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Illustrative, not law.")
TOML_BASIS = {"kind": "illustrative", "note": "Illustrative, not law."}


def plugin(
    name: str = "piemera",
    rules: Iterable[Rule] = (),
    parameters: Iterable[dict[str, Any]] = (),
    municipality: str = "piemera",
) -> PluginSource:
    """An in-process plugin with these rules and parameters (as parsed from parameters.toml)."""

    class Plugin:
        @hookimpl
        def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
            registrar.policy(
                name, title=f"{name} (fictional)", municipality=municipality, valid_from=POLICY_FROM
            )
            registrar.rules(rules)
            registrar.parameters(load_parameters({"parameter": list(parameters)}, name))

    return PluginSource(name, Plugin(), f"atbalsts-{name}", "0.1.0")


def build(*plugins: PluginSource) -> None:
    """Build Piemēra's policy set from the national baseline and ``plugins``; print the error."""
    registry = PolicyRegistry.load(list(plugins), entry_points=False)
    try:
        registry.policy_set("piemera")
    except PolicyError as err:
        print(f"{type(err).__name__}: {err}")
    else:
        print("built without error")


def looser_parameter() -> None:
    """The national limit of 20 unjustified lessons may only be lowered; 25 is refused."""
    looser = {
        "id": "lv.absence.unjustified_lessons_limit",
        "values": [{"from": date(2025, 9, 1), "value": 25, "basis": TOML_BASIS}],
    }
    build(plugin(parameters=[looser]))


def fixed_parameter() -> None:
    """The age of an adult (18, Children's Rights Protection Law Art. 2) is fixed."""
    changed = {
        "id": "lv.plan.adult_age",
        "values": [{"from": date(2025, 9, 1), "value": 16, "basis": TOML_BASIS}],
    }
    build(plugin(parameters=[changed]))


def mandatory_override() -> None:
    """The same-school-day contact with the parents (MK 89) is mandatory: it cannot be replaced."""

    @rule(
        "piemera.absence.inform_parents",
        kind=DecisionKind.OBLIGATION,
        legal_basis=BASIS,
        reads=("absent_today_reason_unknown",),
        overrides="lv.absence.inform_parents",
    )
    def inform_parents(f: Facts, p: Params) -> Obligation | None:
        """Absent with no known reason: the social pedagogue calls the parents."""
        if f.absent_today_reason_unknown:
            return Obligation("inform_parents", ("social_pedagogue",), ("parent",))
        return None

    build(plugin(rules=[inform_parents]))


def two_overrides() -> None:
    """Two rules replace the same national rule: a conflict, never a race."""

    @rule(
        "piemera.risk.absences_caution",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=BASIS,
        reads=("unjustified_lessons",),
        overrides="lv.risk.unjustified_absences",
    )
    def caution(f: Facts, p: Params) -> Finding | None:
        """10 or more unjustified lessons."""
        return Finding("unjustified_absences") if f.unjustified_lessons >= 10 else None

    @rule(
        "piemera.risk.absences_early",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=BASIS,
        reads=("unjustified_lessons",),
        overrides="lv.risk.unjustified_absences",
    )
    def early(f: Facts, p: Params) -> Finding | None:
        """5 or more unjustified lessons."""
        return Finding("unjustified_absences") if f.unjustified_lessons >= 5 else None

    build(plugin(rules=[caution, early]))


def two_policies() -> None:
    """Two installed plugins both say they govern Piemēra novads."""
    build(plugin("piemera"), plugin("piemera-2025"))


def coverage_gap() -> None:
    """A rule in force from the policy's start reads a parameter that starts a year later."""

    @rule(
        "piemera.behaviour.inform_psychologist",
        kind=DecisionKind.OBLIGATION,
        legal_basis=BASIS,
        reads=("behaviour_incidents",),
        params=("piemera.behaviour.incidents_min",),
    )
    def inform_psychologist(f: Facts, p: Params) -> Obligation | None:
        """At least the minimum number of incidents: inform the school psychologist."""
        if f.behaviour_incidents >= p.integer("piemera.behaviour.incidents_min"):
            return Obligation("piemera:inform_psychologist", ("class_teacher",), ("psychologist",))
        return None

    later = {
        "id": "piemera.behaviour.incidents_min",
        "values": [{"from": date(2026, 9, 1), "value": 3, "basis": TOML_BASIS}],
    }
    build(plugin(rules=[inform_psychologist], parameters=[later]))


def unknown_fact() -> None:
    """A rule declares that it reads a fact that does not exist (a misspelling)."""

    @rule(
        "piemera.risk.absences",
        kind=DecisionKind.RISK_FINDING,
        legal_basis=BASIS,
        reads=("unjustified_lesson",),
    )
    def absences(f: Facts, p: Params) -> Finding | None:
        """More than 10 unjustified lessons."""
        return Finding("unjustified_absences") if f.unjustified_lessons > 10 else None

    build(plugin(rules=[absences]))


def conflict_attributes() -> None:
    """The parts of a PolicyConflict, as attributes: no need to parse the message."""
    looser = {
        "id": "lv.absence.unjustified_lessons_limit",
        "values": [{"from": date(2025, 9, 1), "value": 25, "basis": TOML_BASIS}],
    }
    registry = PolicyRegistry.load([plugin(parameters=[looser])], entry_points=False)
    try:
        registry.policy_set("piemera")
    except PolicyConflict as err:
        print("reason:", err.reason)
        print("first: ", err.first, "|", err.bases[0])
        print("second:", err.second, "|", err.bases[1])


EXAMPLES = (
    looser_parameter,
    fixed_parameter,
    mandatory_override,
    two_overrides,
    two_policies,
    coverage_gap,
    unknown_fact,
    conflict_attributes,
)

if __name__ == "__main__":
    for example in EXAMPLES:
        print(f"{example.__name__}:")
        example()
