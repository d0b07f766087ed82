"""Rule declarations: a pure function of the case facts and the parameters in force."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from atbalsts._time import EARLIEST, check_interval, in_force
from atbalsts.model.decision import DecisionKind
from atbalsts.model.risk import LegalBasis

if TYPE_CHECKING:
    from atbalsts.policy._facts import Facts

__all__ = ["RULE_ID_PATTERN", "Params", "Rule", "RuleFunction", "rule"]

#: ``namespace.dotted.name``: the namespace is the declaring plugin's name (``lv`` for national).
RULE_ID_PATTERN = r"^[a-z][a-z0-9_-]*(\.[a-z0-9_]+)+$"
_RULE_ID = re.compile(RULE_ID_PATTERN)

Scalar = bool | int | float | str


class Params(Mapping[str, Scalar]):
    """The values of the parameters a rule declared, as in force on the evaluation date.

    A read-only mapping (``p["lv.absence.unjustified_lessons_limit"]``) with typed accessors, so a
    rule type-checks under ``mypy --strict`` without casts::

        limit = p.integer(baseline.UNJUSTIFIED_LESSONS_LIMIT)
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Scalar] | None = None) -> None:
        self._values: dict[str, Scalar] = dict(values or {})

    def __getitem__(self, name: str) -> Scalar:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(
                f"parameter {name!r} is not declared by this rule (declare it in params=...)"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def _typed(self, name: str, kinds: tuple[type, ...], what: str) -> Any:
        value = self[name]
        if isinstance(value, bool) and bool not in kinds:
            raise TypeError(f"parameter {name!r} is a flag, not {what}")
        if not isinstance(value, kinds):
            raise TypeError(f"parameter {name!r} is {type(value).__name__}, not {what}")
        return value

    def integer(self, name: str) -> int:
        """The value of ``name``, which must be an integer."""
        value = self._values.get(name)
        if type(value) is int:  # the common case, checked first: rules read these per learner
            return value
        return int(self._typed(name, (int,), "an integer"))

    def number(self, name: str) -> float:
        """The value of ``name`` as a float (an integer value is accepted)."""
        return float(self._typed(name, (int, float), "a number"))

    def flag(self, name: str) -> bool:
        """The value of ``name``, which must be a boolean."""
        return bool(self._typed(name, (bool,), "a flag"))

    def text(self, name: str) -> str:
        """The value of ``name``, which must be a string."""
        return str(self._typed(name, (str,), "a string"))


RuleFunction = Callable[["Facts", Params], Any]


def _measures(value: Iterable[str] | None) -> tuple[str, ...] | None:
    """The measures a rule declares, sorted and without repeats (a lone string is one measure,
    never its letters); None: not declared."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(sorted(set(value)))


@attrs.frozen
class Rule:
    """A declared rule.

    ``reads`` names the facts the rule reads (they and their values go in the trace); ``params``
    the parameters. ``valid_from`` and ``valid_to`` are both inclusive; ``valid_to=None`` means
    open-ended. ``mandatory`` marks national law that no plugin may override. ``overrides`` names
    the (non-mandatory) rule this one replaces.

    ``measures`` names, for a measure-eligibility rule, every measure it may give a verdict on
    (sorted, without repeats): a verdict on another one is a failure of the rule (cause
    ``undeclared_measure``). A role sees a measure's verdict only when it may see what every
    rule that may decide that measure reads, whether it fired or not
    (:func:`atbalsts.privacy.view_decision`). ``None`` (not declared) means any measure: the rule
    then counts for every measure, which hides more verdicts; a rule of another kind declares
    none.
    """

    id: str
    kind: DecisionKind = attrs.field(validator=attrs.validators.instance_of(DecisionKind))
    legal_basis: LegalBasis = attrs.field(validator=attrs.validators.instance_of(LegalBasis))
    function: RuleFunction = attrs.field(eq=False, repr=False)
    title: str = ""
    reads: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    valid_from: date = EARLIEST
    valid_to: date | None = None
    mandatory: bool = False
    overrides: str | None = None
    measures: tuple[str, ...] | None = attrs.field(default=None, converter=_measures)

    def __attrs_post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must be namespaced, e.g. 'bauska.absence.x'")
        if self.measures is not None and self.kind is not DecisionKind.MEASURE_ELIGIBILITY:
            raise ValueError(
                f"rule {self.id!r} declares measures, but only a measure_eligibility rule gives "
                f"verdicts on measures (it is a {self.kind.value} rule)"
            )
        check_interval(self.valid_from, self.valid_to, f"rule {self.id!r}")

    @property
    def namespace(self) -> str:
        """The namespace of the id (the declaring plugin's name)."""
        return self.id.split(".", 1)[0]

    def in_force(self, day: date) -> bool:
        """True when ``day`` lies in the rule's validity period."""
        return in_force(self.valid_from, self.valid_to, day)


def rule(
    id: str,
    *,
    kind: DecisionKind,
    legal_basis: LegalBasis,
    title: str = "",
    reads: Iterable[str] = (),
    params: Iterable[str] = (),
    valid_from: date = EARLIEST,
    valid_to: date | None = None,
    mandatory: bool = False,
    overrides: str | None = None,
    measures: Iterable[str] | None = None,
) -> Callable[[RuleFunction], Rule]:
    """Declare a rule with a decorator::

        @rule("bauska.absence.report", kind=DecisionKind.OBLIGATION, legal_basis=BAUSKA_2015,
              reads=("unjustified_lessons",), params=("lv.absence.lessons_limit",))
        def report(f: Facts, p: Params) -> Obligation | None:
            ...

    The function receives the facts and a mapping holding exactly the declared parameters. A
    measure-eligibility rule names the measures it may give verdicts on
    (``measures=("meals_compensation",)``, see :class:`Rule`).
    """

    def wrap(function: RuleFunction) -> Rule:
        return Rule(
            id=id,
            kind=kind,
            legal_basis=legal_basis,
            function=function,
            title=title or (function.__doc__ or "").strip().split("\n")[0],
            reads=tuple(reads),
            params=tuple(params),
            valid_from=valid_from,
            valid_to=valid_to,
            mandatory=mandatory,
            overrides=overrides,
            measures=measures,
        )

    return wrap
