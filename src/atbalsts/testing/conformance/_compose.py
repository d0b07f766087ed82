"""Rebuilding the policy set from the national baseline and one plugin alone, and reporting each
violation of composition as a problem: the ``namespace``, ``national-floor``,
``parameter-coverage``, ``facts``, ``codes`` and ``composition`` checks read the engine's
:class:`~atbalsts.errors.Violation` values; they do not repeat its checks."""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import TypeVar

import attrs

from atbalsts.engine import Declaration, LoadResult, PolicyRegistry, PolicySet
from atbalsts.errors import PolicyError, Violation
from atbalsts.testing.conformance._problem import Problem
from atbalsts.testing.conformance._static import protected_message

T = TypeVar("T")

_STRICTER = (
    "A municipality may move a national parameter only in its stricter direction (for example a "
    "lower limit of lessons), never the other way, and may not change a fixed one"
)


def _problem(v: Violation, decl: Declaration) -> Problem:
    """The problem a plugin author reads for ``v``: the check it belongs to and what to fix."""
    name = decl.info.name
    match v.check:
        case "rule-namespace":
            check = "namespace"
            message = (
                f"a rule id must start with the policy name, '{name}.' (for example "
                f"'{name}.absence.report'); rename the rule in its @rule(...) declaration"
            )
        case "duplicate-rule":
            check = "namespace"
            message = (
                "two rules share this id; give each rule its own id (the id is how decisions, "
                "traces and overrides name the rule)"
            )
        case "parameter-namespace":
            check = "namespace"
            message = (
                f"a parameter id must start with '{name}.' for a parameter of this policy, or be "
                f"the id of a national parameter (lv....) to change its value; this id is "
                f"neither. Rename it in parameters.toml"
            )
        case "duplicate-parameter":
            check, message = "namespace", "the parameter is declared twice; declare it once"
        case "unknown-fact":
            check, message = "facts", f"the rule {v.reason}; correct reads=(...)"
        case "protected-fact":
            kinds = {r.id: r.kind.value for r in decl.rules}
            check, message = "facts", protected_message(v.other or "", kinds.get(v.subject, ""))
        case "local-mandatory":
            check = "national-floor"
            message = (
                "only the national baseline marks rules mandatory (national law); remove "
                "mandatory=True from the rule"
            )
        case "mandatory-override":
            check = "national-floor"
            message = (
                f"the rule overrides {v.other!r}, a mandatory national rule ({v.bases[0]}); "
                f"national law cannot be replaced by a municipal policy. Remove overrides= and "
                f"add your rule beside the national one (an earlier deadline or an extra "
                f"obligation is kept with it), or override only a rule that is not mandatory"
            )
        case "parameter-fixed" | "parameter-not-stricter":
            check, message = "national-floor", f"{v.message}. {_STRICTER}"
        case "parameter-type":
            check = "national-floor"
            message = f"{v.message}; give values of the national parameter's type"
        case "parameter-value":
            check = "national-floor"
            message = f"{v.message}; keep the value in the range the national declaration allows"
        case "parameter-policy" | "parameter-changed-twice":
            check, message = "national-floor", v.message
        case "parameter-coverage":
            check = "parameter-coverage"
            message = (
                f"{v.message}. Give the parameter a value dated on or before the first day the "
                f"rule is in force (in parameters.toml), or start the rule later (valid_from)"
            )
        case "parameter-undeclared":
            check = "parameter-coverage"
            message = f"{v.message}; declare it in parameters.toml, or remove it from params=(...)"
        case "code-namespace" | "duplicate-code":
            check = "codes"
            message = (
                f"{v.message}; a local code is '{name}:<code>', with Latvian and English labels, "
                f"declared once in atbalsts_register_codes"
            )
        case "unknown-measure":
            check = "codes"
            message = (
                f"the rule {v.reason}; correct measures=(...), or declare a local measure code "
                f"'{name}:<code>' in atbalsts_register_codes"
            )
        case "risk-group":
            check = "codes"
            message = f"{v.message}; give it the national risk group it belongs to (group=...)"
        case _:
            check, message = "composition", f"the policy set cannot be built: {v.message}"
    return Problem(check, v.subject, message)


#: The checks whose subject is declared more than once: the first declaration is kept.
_DUPLICATES = frozenset({"duplicate-rule", "duplicate-parameter", "duplicate-code"})


def _left(
    items: list[T],
    kind: str,
    key: Callable[[T], str],
    at_fault: Set[tuple[str, str]],
    twice: Set[tuple[str, str]],
) -> list[T]:
    """``items`` without those at fault, and with only the first of those declared twice."""
    left, seen = [], set()
    for item in items:
        k = key(item)
        if (kind, k) in at_fault or ((kind, k) in twice and k in seen):
            continue
        seen.add(k)
        left.append(item)
    return left


def compose(
    decl: Declaration,
    national: Declaration | None,
    excluded: set[str],
    problems: list[Problem],
) -> PolicySet | None:
    """Build the set of the national baseline and this plugin alone, leaving out the rules in
    ``excluded``. Report every violation of composition; leave out the plugin's rules,
    parameters and codes at fault and check again (what depends on them is reported in turn),
    until the set can be built with the rest, or nothing of the plugin's is at fault."""
    name = decl.info.name
    rules = [r for r in decl.rules if r.id not in excluded]
    params = list(decl.parameters)
    codes = list(decl.codes)
    reported: set[Violation] = set()
    while True:
        candidate = attrs.evolve(
            decl, rules=tuple(rules), parameters=tuple(params), codes=tuple(codes)
        )
        decls = (candidate,) if national is None else (national, candidate)
        try:
            return PolicyRegistry(LoadResult(decls, (), ())).policy_set(plugins=[name])
        except PolicyError as exc:
            violations = exc.violations
            if not violations:  # not a refused composition: nothing to leave out
                problems.append(
                    Problem("composition", name, f"the policy set cannot be built: {exc}")
                )
                return None
        for v in violations:
            if v not in reported:
                reported.add(v)
                problems.append(_problem(v, decl))
        own = [v for v in violations if v.plugin == name]
        twice = {(v.subject_kind, v.subject) for v in own if v.check in _DUPLICATES}
        at_fault = {(v.subject_kind, v.subject) for v in own if v.check not in _DUPLICATES}
        before = len(rules) + len(params) + len(codes)
        rules = _left(rules, "rule", lambda r: r.id, at_fault, twice)
        params = _left(params, "parameter", lambda p: p.id, at_fault, twice)
        codes = _left(codes, "code", lambda c: c[1].code, at_fault, twice)
        if len(rules) + len(params) + len(codes) == before:
            return None
