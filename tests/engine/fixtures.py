"""Fixture plugins and a small case factory for the engine tests.

A fixture plugin is a :class:`FixturePlugin` instance: it declares a policy with the given metadata,
rules and parameters on ``atbalsts_register_policy``, and local codes on ``atbalsts_register_codes``
(by default those of :func:`local_codes`: the fixture reasons and actions, namespaced with the
plugin's name, as every local code must be). :func:`source` wraps it in a
:class:`~atbalsts.policy.PluginSource` and :func:`registry` loads a registry from fixture plugins
only (no entry points), the national baseline included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pytest

from atbalsts import hookimpl
from atbalsts.codes import Code
from atbalsts.engine import PluginSource, PolicyRegistry, _loading
from atbalsts.model import SupportCase
from atbalsts.policy import (
    BasisKind,
    CodeRegistrar,
    LegalBasis,
    Parameter,
    PolicyRegistrar,
    Rule,
    load_parameters,
)

#: The date most tests evaluate on.
AS_OF = date(2025, 3, 3)

#: The national rule and parameter the composition tests lean on.
INFORM_BOARD = "lv.absence.inform_board"  # mandatory
RECORD_IN_VIIS = "lv.absence.record_in_viis"  # not mandatory
LESSONS_LIMIT = "lv.absence.unjustified_lessons_limit"  # stricter = lower, 20 lessons
ADULT_AGE = "lv.plan.adult_age"  # fixed


def law(act: str, provision: str | None = None) -> LegalBasis:
    """A cited legal basis for fixture rules and values (fictitious acts, example.lv addresses)."""
    slug = act.lower().replace(" ", "-").replace(".", "")
    return LegalBasis(
        kind=BasisKind.LAW, act=act, provision=provision, url=f"https://example.lv/{slug}"
    )


BAUSKA_RULES = law("Bauskas novada saistošie noteikumi Nr. 7", "3. punkts")
BAUSKA_VALUES = law("Bauskas novada domes lēmums Nr. 12", "1. punkts")
CESIS_RULES = law("Cēsu novada saistošie noteikumi Nr. 4", "2. punkts")
FIXTURE_RULES = law("Testa noteikumi Nr. 1", "1. punkts")
FIXTURE_VALUES = law("Testa noteikumi Nr. 2", "5. punkts")


def parameters(plugin: str, *specs: Mapping[str, Any]) -> tuple[Parameter, ...]:
    """Parameters from already parsed TOML tables (``{"id": ..., "values": [...]}``).

    A value may give its ``basis`` as a :class:`LegalBasis`; it is dumped to the TOML shape.
    """
    tables = []
    for spec in specs:
        table = dict(spec)
        table["values"] = [
            {
                **value,
                "basis": (
                    value["basis"].model_dump(exclude_none=True)
                    if isinstance(value["basis"], LegalBasis)
                    else value["basis"]
                ),
            }
            for value in spec["values"]
        ]
        tables.append(table)
    return load_parameters({"parameter": tables}, plugin)


#: The local reasons and actions every fixture plugin declares by default, each namespaced with the
#: plugin's name (``fx:notify`` for plugin ``fx``): the codes its rules' outcomes may name.
FIXTURE_REASONS = (
    "absence",
    "allowed",
    "check",
    "economic",
    "fine",
    "first",
    "no_budget",
    "no_staff",
    "ok",
    "other",
    "over_limit",
    "reason",
    "risk",
    "routine",
    "second",
    "urgent",
)
FIXTURE_ACTIONS = ("notify", "other")


def local_codes(
    plugin: str,
    *,
    reasons: Iterable[str] = FIXTURE_REASONS,
    actions: Iterable[str] = FIXTURE_ACTIONS,
) -> dict[str, tuple[Code, ...]]:
    """Local reasons and actions of ``plugin``, namespaced ``<plugin>:<code>``, by code list."""

    def codes(kind: str, names: Iterable[str]) -> tuple[Code, ...]:
        return tuple(
            Code(f"{plugin}:{name}", f"Testa {kind} {name}", f"Fixture {kind} {name}")
            for name in names
        )

    return {"reasons": codes("reason", reasons), "actions": codes("action", actions)}


def value(valid_from: date, v: Any, basis: LegalBasis = FIXTURE_VALUES) -> dict[str, Any]:
    """One dated parameter value in the TOML shape."""
    return {"from": valid_from, "value": v, "basis": basis}


class FixturePlugin:
    """A policy plugin assembled from parts, registered in-process.

    ``fail`` makes the registration hook raise (after declaring the policy, so nothing of it may
    survive). ``declare=False`` leaves the policy undeclared. ``codes`` maps a code list name to
    the local codes declared on ``atbalsts_register_codes``; it defaults to
    ``local_codes(name)``, the fixture reasons and actions in the plugin's namespace.
    """

    def __init__(
        self,
        name: str,
        *,
        municipality: str | None = None,
        rules: Iterable[Rule] = (),
        params: Iterable[Parameter] = (),
        valid_from: date | None = None,
        valid_to: date | None = None,
        fail: BaseException | None = None,
        declare: bool = True,
        codes: Mapping[str, Iterable[Code]] | None = None,
    ) -> None:
        self.name = name
        self.municipality = municipality
        self.rules = tuple(rules)
        self.params = tuple(params)
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.fail = fail
        self.declare = declare
        if codes is None:
            codes = local_codes(name)
        self.codes = {k: tuple(v) for k, v in codes.items()}

    def __repr__(self) -> str:
        return f"FixturePlugin({self.name!r})"

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        if self.declare:
            extra: dict[str, Any] = {}
            if self.valid_from is not None:
                extra["valid_from"] = self.valid_from
            if self.valid_to is not None:
                extra["valid_to"] = self.valid_to
            registrar.policy(
                self.name,
                title=f"Fixture policy {self.name}",
                municipality=self.municipality,
                **extra,
            )
        registrar.parameters(self.params)
        registrar.rules(self.rules)
        if self.fail is not None:
            raise self.fail

    @hookimpl
    def atbalsts_register_codes(self, registrar: CodeRegistrar) -> None:
        for code_list, codes in sorted(self.codes.items()):
            registrar.add(code_list, *codes)


def source(
    plugin: object,
    name: str | None = None,
    *,
    distribution: str | None = None,
    version: str = "1.0",
) -> PluginSource:
    """A :class:`PluginSource` for a fixture plugin (name and distribution from the plugin)."""
    plugin_name = name or str(getattr(plugin, "name", "fixture"))
    return PluginSource(plugin_name, plugin, distribution or f"atbalsts-{plugin_name}", version)


def registry(*plugins: object, **kwargs: Any) -> PolicyRegistry:
    """A registry of the national baseline plus ``plugins`` (no entry points)."""
    kwargs.setdefault("entry_points", False)
    sources = [p if isinstance(p, PluginSource) else source(p) for p in plugins]
    return PolicyRegistry.load(sources, **kwargs)


class FakeDist:
    """The ``dist`` of a fake entry point."""

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version


class FakeEntryPoint:
    """Enough of :class:`importlib.metadata.EntryPoint` for the loader; counts its loads."""

    def __init__(
        self,
        name: str,
        plugin: object = None,
        *,
        dist: FakeDist | None = None,
        value: str | None = None,
        error: BaseException | None = None,
    ) -> None:
        self.name = name
        self.value = value or f"atbalsts_{name}.plugin"
        self.dist = dist if dist is not None else FakeDist(f"atbalsts-{name}", "2.0")
        self.plugin = plugin
        self.error = error
        self.loads = 0

    def load(self) -> object:
        self.loads += 1
        if self.error is not None:
            raise self.error
        return self.plugin


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, *eps: FakeEntryPoint) -> None:
    """Make the loader find exactly ``eps`` in the ``atbalsts`` entry-point group."""

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        assert group == "atbalsts"
        return list(eps)

    monkeypatch.setattr(_loading, "entry_points", entry_points)


def make_case(
    *,
    municipality: str = "bauska",
    unjustified_lessons: int = 0,
    absent_today: bool = False,
    observed_on: date = date(2025, 2, 28),
    grade: int = 8,
    birth_date: date = date(2011, 5, 14),
    plan_measures: Sequence[str] = (),
    plan_period: tuple[date, date] = (date(2025, 2, 3), date(2025, 6, 13)),
    learner_id: str = "L-0001",
) -> SupportCase:
    """A small valid support case: one observation and, with ``plan_measures``, an active plan."""
    start_year = observed_on.year if observed_on.month >= 9 else observed_on.year - 1
    term = {
        "school_year": f"{start_year}/{start_year + 1}",
        "semester": 1 if observed_on.month >= 9 else 2,
    }
    data: dict[str, Any] = {
        "learner": {
            "id": learner_id,
            "birth_date": birth_date,
            "enrolment": {
                "school_id": "school-1",
                "municipality": municipality,
                "programme": "general_basic",
                "grade": grade,
            },
        },
        "observations": [
            {
                "term": term,
                "as_of": observed_on,
                "attendance": {
                    "lessons_missed_unjustified": unjustified_lessons,
                    "absent_today_reason_unknown": absent_today,
                },
            }
        ],
    }
    if plan_measures:
        data["plans"] = [
            {
                "id": "plan-1",
                "learner_id": learner_id,
                "term": term,
                "period": {"start": plan_period[0], "end": plan_period[1]},
                "status": "active",
                "author_role": "social_pedagogue",
                "measures": [
                    {"measure": m, "responsible_role": "class_teacher", "funding": "municipality"}
                    for m in plan_measures
                ],
            }
        ]
    return SupportCase.model_validate(data)


def obligations(decision: Any, action: str) -> list[Any]:
    """The decision's obligations with ``action``."""
    return [o for o in decision.obligations if o.action == action]


def trace_ids(decision: Any) -> list[str]:
    """The rule ids in the decision's trace."""
    return [row.rule for row in decision.trace]


def trace_row(decision: Any, rule_id: str) -> Any:
    """The decision's trace row for ``rule_id`` (exactly one)."""
    rows = [row for row in decision.trace if row.rule == rule_id]
    assert len(rows) == 1, f"{rule_id} appears {len(rows)} times in the trace"
    return rows[0]
