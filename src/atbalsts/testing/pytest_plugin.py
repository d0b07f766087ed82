"""A pytest plugin that runs scenario files (``*.scenarios.toml``) as tests.

Every ``*.scenarios.toml`` file under the test paths becomes a pytest file with one test item per
scenario, named after the scenario. Each item evaluates its case against a
:class:`~atbalsts.PolicyRegistry` built once per session with the installed entry-point
plugins (so municipal plugins take part), and fails with one line per mismatch, without a Python
traceback.

Installed with atbalsts (entry point ``atbalsts`` in the ``pytest11`` group), so nothing has to be
configured. Without that entry point, load it by hand: ``pytest -p atbalsts.testing.pytest_plugin``.

Options:

``--atbalsts-no-entry-points``
    Load only the built-in national baseline, not the installed plugins.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from atbalsts.engine import PolicyRegistry
from atbalsts.errors import AtbalstsError
from atbalsts.testing.scenarios import SUFFIX, Scenario, check, load_scenarios, policy_set_for

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

__all__ = [
    "ScenarioFile",
    "ScenarioItem",
    "ScenarioMismatch",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_plugin_registered",
    "session_registry",
]

_REGISTRY = pytest.StashKey[PolicyRegistry]()
_NO_ENTRY_POINTS = "--atbalsts-no-entry-points"
#: The names this module is registered under: its ``pytest11`` entry point and its module path.
_NAMES = ("atbalsts", __name__)


def pytest_plugin_registered(
    plugin: object, plugin_name: str, manager: pytest.PytestPluginManager
) -> None:
    """Once registered under one of its names, block the other: pytest refuses to register one
    module under two names, which ``-p atbalsts.testing.pytest_plugin`` with the installed entry
    point (or a ``pytest_plugins`` naming the module) would otherwise do."""
    if plugin is sys.modules[__name__]:
        for name in _NAMES:
            if name != plugin_name and manager.get_plugin(name) is None:
                manager.set_blocked(name)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``--atbalsts-no-entry-points`` option."""
    group = parser.getgroup("atbalsts", "atbalsts policy scenarios (*.scenarios.toml)")
    group.addoption(
        _NO_ENTRY_POINTS,
        action="store_true",
        default=False,
        dest="atbalsts_no_entry_points",
        help="run scenario files against the national baseline only, without the policy "
        "plugins installed through entry points",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    """Collect every ``*.scenarios.toml`` file."""
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def session_registry(config: pytest.Config) -> PolicyRegistry:
    """The registry of this test session, loaded on first use and then reused."""
    registry = config.stash.get(_REGISTRY, None)
    if registry is None:
        no_entry_points = bool(config.getoption("atbalsts_no_entry_points"))
        registry = PolicyRegistry.load(entry_points=not no_entry_points)
        config.stash[_REGISTRY] = registry
    return registry


class ScenarioMismatch(AssertionError):
    """The decision differs from what the scenario expects; ``messages`` says how."""

    def __init__(self, scenario: Scenario, messages: list[str]) -> None:
        self.scenario = scenario
        self.messages = list(messages)
        super().__init__("\n".join(messages))


class ScenarioFile(pytest.File):
    """A ``*.scenarios.toml`` file: one item per scenario."""

    def collect(self) -> Iterator[ScenarioItem]:
        """Load the file; a file that does not validate is a collection error naming why."""
        try:
            scenarios = load_scenarios(self.path)
        except (AtbalstsError, OSError, UnicodeDecodeError) as exc:
            raise self.CollectError(str(exc)) from exc
        for scenario in scenarios:
            item = ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
            if scenario.xfail is not None:
                item.add_marker(pytest.mark.xfail(reason=scenario.xfail, strict=True))
            yield item


class ScenarioItem(pytest.Item):
    """One scenario: evaluate its case and compare the decision with its expectations."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        """Evaluate and check; raise :class:`ScenarioMismatch` listing every mismatch."""
        scenario = self.scenario
        policy_set = policy_set_for(session_registry(self.config), scenario)
        decision = policy_set.evaluate(
            scenario.case, scenario.as_of, strict=False, measures=scenario.measures
        )
        known = {rule.id for rule, _ in policy_set.rules_in_force()}
        messages = check(decision, scenario, known_rules=known)
        if messages:
            raise ScenarioMismatch(scenario, messages)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        """The mismatches, one a line (or the library's error message), then where the scenario
        is; no traceback."""
        scenario = self.scenario
        where = f"{self.location[0]}:{scenario.line}" if scenario.line else self.location[0]
        context = (
            f"(scenario {scenario.name!r} at {where}, as of {scenario.as_of.isoformat()}, "
            f"policy set of {scenario.policy_municipality!r})"
        )
        exc = excinfo.value
        if isinstance(exc, ScenarioMismatch):
            return "\n".join([*exc.messages, context])
        if isinstance(exc, AtbalstsError):
            return f"{type(exc).__name__}: {exc}\n{context}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the scenario is: its file and the line of its ``[[scenario]]`` header."""
        line = self.scenario.line - 1 if self.scenario.line else None
        return self.path, line, f"scenario: {self.name}"
