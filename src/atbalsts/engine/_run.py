"""Running the compiled rules over one learner's facts, each rule isolated from the others.

A rule that raises, or returns anything but well-formed outcomes of its kind with known codes, is
recorded as a :class:`~atbalsts.model.decision.Failure` (the decision is then incomplete) and
nothing it returned is kept; in strict mode it raises :class:`~atbalsts.PolicyError` instead.
The result is the raw :class:`Evaluation`: tuples and small attrs values, nothing pydantic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from atbalsts.codes import CodeList
from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.engine._fit import unfit
from atbalsts.errors import PolicyError
from atbalsts.model.decision import Failure
from atbalsts.policy._facts import Facts

__all__ = ["Evaluation", "evaluate_facts", "group_of"]

#: At most this many distinct outcomes are remembered as fit per compiled policy.
_FIT_MAX = 100_000


@attrs.define(slots=True)
class Evaluation:
    """The raw result of evaluating one case: outcomes by rule, trace rows, failures."""

    facts: Facts
    policy: CompiledPolicy
    outcomes: list[tuple[CompiledRule, Any]]
    trace: list[tuple[CompiledRule, bool, tuple[Any, ...], str | None]]
    failures: list[Failure]

    @property
    def complete(self) -> bool:
        """False when a plugin or rule failed."""
        return not self.failures


def group_of(factors: CodeList, factor: str) -> str | None:
    """The risk group of ``factor``, if the code list knows it."""
    return factors[factor].group if factor in factors else None


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _fail(
    ev: Evaluation,
    cr: CompiledRule,
    stage: Literal["evaluate", "result"],
    error: str,
    strict: bool,
    cause: BaseException | None = None,
) -> str:
    if strict:
        raise PolicyError(f"rule {cr.rule.id!r} of plugin {cr.plugin!r}: {error}") from cause
    ev.failures.append(Failure(plugin=cr.plugin, rule=cr.rule.id, stage=stage, error=error))
    return error


def _run(
    compiled: Iterable[CompiledRule],
    facts: Facts,
    ev: Evaluation,
    codes: Mapping[str, CodeList],
    trace: bool,
    strict: bool,
) -> None:
    outcomes = ev.outcomes
    rows = ev.trace
    # Outcomes are frozen values that repeat across learners: the codes of each distinct one are
    # checked once per compiled policy (the codes cannot change under it); the type always.
    fit = ev.policy.fit_outcomes
    for cr in compiled:
        error = None
        fired = False
        expected = cr.expected
        try:
            result = cr.function(facts, cr.params)
            if result is None:
                items: tuple[Any, ...] = ()
            elif isinstance(result, expected):
                items = (result,)
            elif isinstance(result, str | bytes) or not hasattr(result, "__iter__"):
                items = (result,)  # not an outcome and not a collection of them
            else:
                items = tuple(result)  # a generator rule runs here: inside the isolation
        except Exception as exc:  # isolate: one failing rule never hides the others
            error = _fail(ev, cr, "evaluate", _error(exc), strict, exc)
        else:
            for item in items:
                if not isinstance(item, expected):
                    error = (
                        f"returned {type(item).__name__}, expected {expected.__name__} "
                        f"for a {cr.rule.kind.value} rule"
                    )
                    break
                try:
                    if item in fit:
                        continue
                except TypeError:  # an unhashable field: checked every time, never cached
                    pass
                error = unfit(item, expected, codes)
                if error:
                    break
                if len(fit) < _FIT_MAX:
                    with contextlib.suppress(TypeError):
                        fit.add(item)
            if error:
                _fail(ev, cr, "result", error, strict)
            elif items:
                fired = True
                for item in items:
                    outcomes.append((cr, item))
        if trace:
            rows.append((cr, fired, cr.read(facts), error))


def evaluate_facts(
    policy: CompiledPolicy,
    facts: Facts,
    codes: Mapping[str, CodeList],
    failures: Iterable[Failure] = (),
    *,
    trace: bool = True,
    strict: bool = False,
) -> Evaluation:
    """Run the rules of ``policy`` on ``facts``: risk findings first, then every other kind, which
    may read the risk factors and groups found."""
    ev = Evaluation(facts, policy, [], [], list(failures))
    _run(policy.first, facts, ev, codes, trace, strict)
    factors = frozenset(out.factor for _, out in ev.outcomes)
    groups_of = codes["risk_factors"]
    groups = frozenset(g for f in factors if (g := group_of(groups_of, f)) is not None)
    # Facts are frozen for rules; the engine alone fills in what the risk rules found.
    object.__setattr__(facts, "risk_factors", factors)
    object.__setattr__(facts, "risk_groups", groups)
    _run(policy.rest, facts, ev, codes, trace, strict)
    return ev
