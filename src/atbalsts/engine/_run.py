"""Running the compiled rules over one learner's facts, each rule isolated from the others.

A rule that raises, or returns anything but well-formed outcomes of its kind with known codes, is
recorded as a :class:`~atbalsts.model.decision.Failure` (the decision is then incomplete) and
nothing it returned is kept; in strict mode it raises :class:`~atbalsts.PolicyError` instead.
The result is the raw :class:`Evaluation`: tuples and small attrs values, nothing pydantic.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
from collections.abc import Iterable, Mapping
from operator import attrgetter
from types import GeneratorType
from typing import Any, Literal, TypeVar

import attrs

from atbalsts.calendar import SchoolCalendar
from atbalsts.codes import CodeList
from atbalsts.engine._compiled import CompiledPolicy, CompiledRule
from atbalsts.engine._dutygroup import DutyGroup
from atbalsts.engine._fit import numbers_fit, unfit_because
from atbalsts.errors import PolicyError
from atbalsts.model import SupportCase
from atbalsts.model.decision import Failure, FailureCause
from atbalsts.policy._facts import Facts

__all__ = ["MAX_ERROR_LENGTH", "MAX_OUTCOMES", "Evaluation", "evaluate_facts", "group_of"]

T = TypeVar("T")

#: At most this many distinct outcomes are remembered as fit per compiled policy.
_FIT_MAX = 100_000
#: A rule returning more outcomes than this is a failure (a runaway loop, not a decision).
MAX_OUTCOMES = 1_000
#: A failure's text is cut to this many characters: a plugin that raises with learner data in its
#: message must not copy a document into every decision.
MAX_ERROR_LENGTH = 300

#: Every fact, read at once: comparing the shared facts with the mandatory rules' own copy.
_FACT_NAMES = tuple(field.name for field in attrs.fields(Facts))
_ALL_FACTS = attrgetter(*_FACT_NAMES)


@attrs.define(slots=True)
class Evaluation:
    """The raw result of evaluating one case: outcomes by rule, trace rows, failures."""

    facts: Facts
    policy: CompiledPolicy
    outcomes: list[tuple[CompiledRule, Any]]
    trace: list[tuple[CompiledRule, bool, tuple[Any, ...], str | None]]
    failures: list[Failure]
    asked: frozenset[str] = frozenset()
    """Measures the caller asked verdicts on, besides those of the plan in force."""
    case: SupportCase | None = None
    """The case evaluated, where the caller gave it: its actions and referrals say which duties
    are done, and its referrals and plans which work is overdue."""
    calendar: SchoolCalendar | None = None
    """The school calendar deadlines are counted on (None: the shipped calendar)."""
    local_calendar: SchoolCalendar | None = None
    """The calendar of the municipal rules' deadlines, with the municipal policies' own closures
    (None: :attr:`calendar`)."""
    carried: Evaluation | None = None
    """The evaluation of the same case on the last day of the term before (31 December or
    31 August), without a trace, when it can hold a duty the new term must still show (see
    ``PolicySet.run``): its duties not answered by the evaluation date, due or overdue on that
    day, are listed with this evaluation's (``duty_groups`` of ``atbalsts.engine._combine``)."""

    duties: list[DutyGroup] | None = attrs.field(default=None, init=False, repr=False, eq=False)
    """The duties of the decision, grouped once (``duty_groups`` of ``atbalsts.engine._combine``),
    for every part that lists or counts them."""
    by_kind: dict[type, list[tuple[CompiledRule, Any]]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    """The outcomes by their rule's outcome class, kept as the rules give them."""

    @property
    def complete(self) -> bool:
        """False when a plugin or rule failed."""
        return not self.failures

    def outcomes_of(self, kind: type[T]) -> list[tuple[CompiledRule, T]]:
        """The outcomes of the rules whose kind gives outcomes of ``kind`` (an outcome class of
        :mod:`atbalsts.policy`), in the order they came (every outcome is an instance of its
        rule's class: the engine checked it when the rule returned it)."""
        return self.by_kind.get(kind, [])


def group_of(factors: CodeList, factor: str) -> str | None:
    """The risk group of ``factor``, if the code list knows it."""
    return factors[factor].group if factor in factors else None


def _cut(text: str) -> str:
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def _error(exc: BaseException) -> str:
    """``Type: message``, short, even when describing the exception itself fails."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except BaseException:
        return _cut(f"{name} (its message could not be read)")
    return _cut(f"{name}: {text}" if text else name)


def _fail(
    ev: Evaluation,
    cr: CompiledRule,
    stage: Literal["evaluate", "result"],
    cause: FailureCause,
    error: str,
    strict: bool,
    exc: BaseException | None = None,
) -> str:
    error = _cut(error)
    if strict:
        raise PolicyError(f"rule {cr.rule.id!r} of plugin {cr.plugin!r}: {error}") from exc
    ev.failures.append(
        Failure(plugin=cr.plugin, rule=cr.rule.id, stage=stage, error=error, cause=cause)
    )
    return error


def _undeclared(measure: Any, declared: tuple[str, ...]) -> str:
    """Why a verdict on ``measure`` is refused: the rule does not declare it (a measure code,
    never a learner's data; an odd value is named by its type)."""
    named = repr(measure) if isinstance(measure, str) else f"of type {type(measure).__name__}"
    return (
        f"returned a Verdict on the measure {named}, which it does not declare "
        f"(measures={declared!r}): declare every measure the rule may decide, so that a view "
        f"of the decision hides its verdicts from a role that may not see what it reads"
    )


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
    # checked once per compiled policy (the codes cannot change under it); the type always, and
    # the types of its numbers and flags (an outcome equal to one found fit may hold others).
    fit = ev.policy.fit_outcomes
    by_kind = ev.by_kind
    for cr in compiled:
        try:
            result = cr.function(facts, cr.params)
        except KeyboardInterrupt:  # the user stops the host: never swallowed
            raise
        except BaseException as exc:  # isolate everything else, SystemExit included
            failed = _fail(ev, cr, "evaluate", "exception", _error(exc), strict, exc)
            if trace:
                rows.append((cr, False, cr.read(facts), failed))
            continue
        if result is None:  # the usual answer, first: the rule did not fire
            if trace:
                rows.append((cr, False, cr.read(facts), None))
            continue
        error = None
        cause: FailureCause = "malformed"
        fired = False
        expected = cr.expected
        try:
            if isinstance(result, expected):
                items: tuple[Any, ...] = (result,)
            elif type(result) is tuple or type(result) is list:  # the usual collections, first
                items = tuple(result[: MAX_OUTCOMES + 1])
            elif type(result) is GeneratorType:  # a generator rule runs here, never without end
                items = tuple(itertools.islice(result, MAX_OUTCOMES + 1))
            elif isinstance(result, str | bytes | Mapping) or not hasattr(result, "__iter__"):
                items = (result,)  # not an outcome and not a collection of them
            else:  # a generator rule runs here: inside the isolation, and never without end
                items = tuple(itertools.islice(result, MAX_OUTCOMES + 1))
        except KeyboardInterrupt:  # the user stops the host: never swallowed
            raise
        except BaseException as exc:  # isolate everything else, SystemExit included
            error = _fail(ev, cr, "evaluate", "exception", _error(exc), strict, exc)
        else:
            if len(items) > MAX_OUTCOMES:
                error = f"returned more than {MAX_OUTCOMES} outcomes"
                cause = "too_many"
                items = ()
            declared = cr.rule.measures
            for item in items:
                if not isinstance(item, expected):
                    error = (
                        f"returned {type(item).__name__}, expected {expected.__name__} "
                        f"for a {cr.rule.kind.value} rule"
                    )
                    cause = "wrong_type"
                    break
                if declared is not None and getattr(item, "measure", None) not in declared:
                    # before the cache of fit outcomes: another rule may declare that measure
                    error = _undeclared(getattr(item, "measure", None), declared)
                    cause = "undeclared_measure"
                    break
                try:
                    if item in fit and numbers_fit(item, expected):
                        continue
                except TypeError:  # an unhashable field: checked every time, never cached
                    pass
                found = unfit_because(item, expected, codes)
                if found is not None:
                    cause, error = found
                    break
                if len(fit) < _FIT_MAX:
                    with contextlib.suppress(TypeError):
                        fit.add(item)
            if error:
                error = _fail(ev, cr, "result", cause, error, strict)
            elif items:
                fired = True
                same_kind = by_kind.setdefault(expected, [])
                for item in items:
                    outcomes.append((cr, item))
                    same_kind.append((cr, item))
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
    asked: frozenset[str] = frozenset(),
    case: SupportCase | None = None,
    calendar: SchoolCalendar | None = None,
    local_calendar: SchoolCalendar | None = None,
    duties_only: bool = False,
) -> Evaluation:
    """Run the rules of ``policy`` on ``facts``: risk findings first, then every other kind, which
    may read the risk factors and groups found. ``asked``: measures the caller wants verdicts on,
    besides those of the plan in force (the Decision keeps the others apart, as suggestions).
    ``case`` (the case the facts were derived from) and ``calendar`` are kept for the Decision:
    what answered each duty, the work overdue, and the school days deadlines count. With
    ``duties_only``, the risk findings and then only the rules that raise obligations run (a rule
    reads the facts and the risk factors found, never another kind's outcomes: the duties are
    the same)."""
    ev = Evaluation(facts, policy, [], [], list(failures), asked, case, calendar, local_calendar)
    # The mandatory rules run first in each stage (see compile_at), before any other rule could
    # change the facts; after each stage the facts are compared with what they were before it.
    before = _ALL_FACTS(facts)
    _run(policy.first, facts, ev, codes, trace, strict)
    if _ALL_FACTS(facts) != before:
        _restore(facts, before)
        _name_tampering(policy.first, facts, ev, strict)
    factors = frozenset(out.factor for _, out in ev.outcomes)
    groups_of = codes["risk_factors"]
    groups = frozenset(g for f in factors if (g := group_of(groups_of, f)) is not None)
    # Facts are frozen for rules; the engine alone fills in what the risk rules found.
    object.__setattr__(facts, "risk_factors", factors)
    object.__setattr__(facts, "risk_groups", groups)
    before = _ALL_FACTS(facts)
    rest = policy.duty_rules if duties_only else policy.rest
    _run(rest, facts, ev, codes, trace, strict)
    if _ALL_FACTS(facts) != before:
        _restore(facts, before)
        _name_tampering(rest, facts, ev, strict)
    return ev


def _restore(facts: Facts, values: tuple[Any, ...]) -> None:
    for name, value in zip(_FACT_NAMES, values, strict=True):
        object.__setattr__(facts, name, value)


def _changed(before: Facts, after: Facts) -> list[str]:
    return [
        field.name
        for field in attrs.fields(Facts)
        if getattr(before, field.name) != getattr(after, field.name)
    ]


def _name_tampering(
    stage: Iterable[CompiledRule], floor: Facts, ev: Evaluation, strict: bool
) -> None:
    """Some rule of ``stage`` wrote to the facts (``object.__setattr__`` defeats frozen classes):
    find which, by running each non-mandatory rule again on a fresh copy of the restored facts,
    and record each as failed. The mandatory rules ran before it, so the floor stands; the
    decision is incomplete because other rules may have read the changed values."""
    culprits = []
    for cr in stage:
        if cr.rule.mandatory:
            continue
        probe = copy.copy(floor)
        with contextlib.suppress(BaseException):
            result = cr.function(probe, cr.params)
            if result is not None and hasattr(result, "__iter__"):
                for _ in itertools.islice(result, MAX_OUTCOMES + 1):
                    pass
        if _ALL_FACTS(probe) != _ALL_FACTS(floor):
            culprits.append((cr, _changed(floor, probe)))
    if not culprits:  # changed in a way a second run does not repeat: say so, name nobody
        ev.failures.append(
            Failure(
                plugin="?",
                stage="evaluate",
                error="a rule changed the facts others read",
                cause="facts_changed",
            )
        )
        return
    for cr, fields in culprits:
        error = f"changed the facts other rules read ({', '.join(fields)})"
        if strict:
            raise PolicyError(f"rule {cr.rule.id!r} of plugin {cr.plugin!r}: {error}")
        ev.failures.append(
            Failure(
                plugin=cr.plugin,
                rule=cr.rule.id,
                stage="evaluate",
                error=error,
                cause="facts_changed",
            )
        )
