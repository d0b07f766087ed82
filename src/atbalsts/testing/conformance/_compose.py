"""Rebuilding the policy set from the national baseline and one plugin alone, reporting each reason
it cannot be built (the ``composition``, ``parameter-coverage`` and ``national-floor`` checks)."""

from __future__ import annotations

import re

import attrs

from atbalsts.engine import Declaration, LoadResult, PolicyRegistry, PolicySet
from atbalsts.errors import ParameterCoverageError, PolicyConflict, PolicyError
from atbalsts.testing.conformance._problem import Problem

_QUOTED = re.compile(r"(?:rule|parameter) '([^']+)'")


def _culprit(exc: PolicyError, rules: set[str], params: set[str]) -> tuple[str, str] | None:
    """The plugin's rule or parameter a composition error names, as (kind, id)."""
    candidates: list[str] = []
    if isinstance(exc, PolicyConflict):
        candidates += [exc.second.split("@")[0], exc.first.split("@")[0]]
    candidates += _QUOTED.findall(str(exc))
    for c in candidates:
        if c in rules:
            return "rule", c
        if c in params:
            return "parameter", c
    return None


def _compose_problem(exc: PolicyError, subject: str) -> Problem:
    if isinstance(exc, ParameterCoverageError):
        return Problem(
            "parameter-coverage",
            subject,
            f"{exc}. Give the parameter a value dated on or before the first day the rule is in "
            f"force (in parameters.toml), or start the rule later (valid_from)",
        )
    if isinstance(exc, PolicyConflict) and "parameter" in exc.reason:
        return Problem(
            "national-floor",
            subject,
            f"{exc}. A municipality may move a national parameter only in its stricter direction "
            f"(for example a lower limit of lessons), never the other way, and may not change a "
            f"fixed one",
        )
    return Problem("composition", subject, f"the policy set cannot be built: {exc}")


def compose(
    decl: Declaration,
    national: Declaration | None,
    bad_rules: set[str],
    bad_params: set[str],
    problems: list[Problem],
) -> PolicySet | None:
    """Build the set of the national baseline and this plugin alone, leaving out what the static
    checks already flagged; on an error naming one of the plugin's rules or parameters, report it,
    leave that out too, and try again, so every problem is reported at once."""
    rules = [r for r in decl.rules if r.id not in bad_rules]
    params = [p for p in decl.parameters if p.id not in bad_params]
    for _ in range(len(rules) + len(params) + 1):
        candidate = attrs.evolve(decl, rules=tuple(rules), parameters=tuple(params))
        decls = (candidate,) if national is None else (national, candidate)
        isolated = PolicyRegistry(LoadResult(decls, (), ()))
        try:
            return isolated.policy_set(plugins=[decl.info.name])
        except PolicyError as exc:
            culprit = _culprit(exc, {r.id for r in rules}, {p.id for p in params})
            problems.append(_compose_problem(exc, culprit[1] if culprit else decl.info.name))
            if culprit is None:
                return None
            rules = [r for r in rules if r.id != culprit[1]]
            params = [p for p in params if p.id != culprit[1]]
    return None  # pragma: no cover - every round removes one item
