"""The documentation keeps up with the code.

- Every hook of ``atbalsts.hookspecs`` has a section in ``docs/reference/hooks.md`` whose heading
  is its exact signature (argument names only), and the page documents no hook that does not
  exist.
- Every page under ``docs/`` is reachable from the root page through the toctrees.
- The examples under ``docs/examples/`` run, and print what the pages say they print.
"""

from __future__ import annotations

import fnmatch
import inspect
import re
import runpy
from collections.abc import Callable
from pathlib import Path
from types import FunctionType

import pytest

from atbalsts import hookspecs
from atbalsts.engine import PolicyRegistry
from atbalsts.testing.scenarios import check, load_scenarios, run_scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
HOOKS_PAGE = DOCS / "reference" / "hooks.md"
#: Folders of docs/ that hold no pages.
NOT_PAGES = frozenset({"_build", "_ext", "_static", "_templates", "examples"})
PAGE_SUFFIXES = (".md", ".rst")

# --- hooks ---------------------------------------------------------------------------------------

_HOOK_HEADING = re.compile(r"^#{1,6}\s+`?(atbalsts_\w+)\((.*)\)`?\s*$")


def _hookspecs() -> dict[str, FunctionType]:
    return {
        name: function
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("atbalsts_") and function.__module__ == hookspecs.__name__
    }


def _documented_hooks() -> dict[str, list[str]]:
    """Hook name -> argument names, from the headings of the hooks page."""
    found: dict[str, list[str]] = {}
    for line in HOOKS_PAGE.read_text(encoding="utf-8").splitlines():
        match = _HOOK_HEADING.match(line)
        if match:
            name, args = match.groups()
            assert name not in found, f"{name} has two headings in {HOOKS_PAGE.name}"
            found[name] = [a.strip() for a in args.split(",") if a.strip()]
    return found


def test_hookspecs_exist() -> None:
    assert _hookspecs(), "no atbalsts_* hook found in atbalsts.hookspecs"


@pytest.mark.parametrize("name", sorted(_hookspecs()))
def test_hook_is_documented_with_its_signature(name: str) -> None:
    documented = _documented_hooks()
    expected = list(inspect.signature(_hookspecs()[name]).parameters)
    heading = f"## {name}({', '.join(expected)})"
    assert name in documented, f"docs/reference/hooks.md has no section '{heading}'"
    assert documented[name] == expected, (
        f"docs/reference/hooks.md documents {name}({', '.join(documented[name])}), "
        f"but the hookspec is {name}({', '.join(expected)}): make the heading '{heading}'"
    )


def test_documented_hooks_exist() -> None:
    gone = sorted(set(_documented_hooks()) - set(_hookspecs()))
    assert not gone, f"docs/reference/hooks.md documents hooks that no longer exist: {gone}"


# --- toctrees ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{toctree\}")


def _pages() -> set[str]:
    """Every page under docs/, as a docname ('reference/hooks')."""
    pages = set()
    for path in DOCS.rglob("*"):
        relative = path.relative_to(DOCS)
        if path.suffix in PAGE_SUFFIXES and not NOT_PAGES & set(relative.parts[:-1]):
            pages.add(relative.with_suffix("").as_posix())
    return pages


def _toctree_entries(docname: str) -> tuple[list[str], bool]:
    """The entries of every toctree of ``docname``, relative to the docs root; and whether one
    of them is a glob."""
    path = next(DOCS / f"{docname}{s}" for s in PAGE_SUFFIXES if (DOCS / f"{docname}{s}").exists())
    lines = path.read_text(encoding="utf-8").splitlines()
    base = Path(docname).parent
    entries: list[str] = []
    glob = False
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i].strip())
        i += 1
        if not match:
            continue
        fence = match.group("fence")
        while i < len(lines) and not lines[i].strip().startswith(fence):
            line = lines[i].strip()
            i += 1
            if line == ":glob:":
                glob = True
            if not line or line.startswith(":") or line == "self" or "://" in line:
                continue
            target = line.rsplit("<", 1)[1].rstrip(">").strip() if line.endswith(">") else line
            target = target.removesuffix(".md").removesuffix(".rst")
            resolved = target.lstrip("/") if target.startswith("/") else (base / target).as_posix()
            entries.append(resolved)
    return entries, glob


def test_every_page_is_in_a_toctree() -> None:
    pages = _pages()
    assert "index" in pages
    reached = {"index"}
    todo = ["index"]
    while todo:
        entries, glob = _toctree_entries(todo.pop())
        for entry in entries:
            matches = fnmatch.filter(sorted(pages), entry) if glob else [entry]
            for page in matches:
                if page in pages and page not in reached:
                    reached.add(page)
                    todo.append(page)
    orphans = sorted(pages - reached)
    assert not orphans, (
        f"pages that no toctree reaches from docs/index.md: {orphans}; add each to the toctree of "
        f"its section's index.md"
    )


# --- examples ------------------------------------------------------------------------------------


def _run(path: Path, capsys: pytest.CaptureFixture[str], call: str | None = None) -> str:
    module = runpy.run_path(str(path), run_name="__main__" if call is None else "example")
    if call is not None:
        function: Callable[[], None] = module[call]
        function()
    return capsys.readouterr().out


def test_evaluate_example(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/examples/evaluate.py, shown in docs/how-to/evaluate-a-learner.md."""
    out = _run(EXAMPLES / "evaluate.py", capsys)
    assert "plugin failed" not in out
    lines = out.splitlines()
    assert "complete: True" in lines
    assert any(line.startswith("policy: lv ") and ", parauga " in line for line in lines), (
        "the example needs the Parauga plugin (README Quick start)"
    )
    assert "finding: material_circumstances (needy_family=True) by lv.risk.needy_family" in lines
    assert (
        "finding: unjustified_absences (unjustified_lessons=12) "
        "by parauga.risk.unjustified_absences" in lines
    )
    # The meeting is due 5 school days after the observation that shows the absences (Friday
    # 28 February): Friday 7 March.
    assert (
        "obligation: parauga:support_team_meeting by social_pedagogue due 2025-03-07 "
        "rules parauga.absence.support_team_meeting" in lines
    )
    # Offered unasked, meal compensation is a suggestion, not a verdict; asked for, a verdict.
    assert (
        "suggestion: meals_compensation "
        "(parauga.measure.needy_family_meals: parauga:needy_family_meals)" in lines
    )
    assert not any(line.startswith("measure:") for line in lines)
    assert "asked: meals_compensation eligible" in lines
    assert "suggestions once asked: 0" in lines
    # Parauga has a policy and the observation is dated before the evaluation date: no notes.
    assert not any(line.startswith("note:") for line in lines)
    assert "tier: 3" in lines
    assert any(re.fullmatch(r"trace: \d+ rules considered, 5 fired", line) for line in lines)
    assert "Decision for learner L-DOC-01 on 2025-03-03" in lines
    assert "Lēmums par izglītojamo L-DOC-01 (2025-03-03)" in lines
    assert lines[-1].startswith('{"schema_version":"1.0","learner_id":"L-DOC-01"')


def test_threshold_example(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/examples/threshold.py, shown in docs/how-to/change-a-threshold-from-a-date.md."""
    assert _run(EXAMPLES / "threshold.py", capsys).splitlines() == [
        "2025-05-05: limit 20 (set by lv from 2011-02-01): nothing",
        "2025-10-06: limit 15 (set by piemera from 2025-09-01): board informed",
        "2026-05-04: limit 15 (set by piemera from 2025-09-01): board informed",
        "2026-10-05: limit 12 (set by piemera from 2026-09-01): board informed",
    ]


def test_local_measure_example(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/examples/local_measure.py, shown in docs/how-to/add-a-local-measure.md."""
    out = _run(EXAMPLES / "local_measure.py", capsys)
    assert "piemera:summer_school eligible: True ['piemera:summer_school_eligible']" in out
    assert "Summer school for learning support: eligible" in out
    assert "Vasaras skola mācību atbalstam: atbilst nosacījumiem" in out


CONFLICTS = {
    "looser_parameter": "PolicyConflict: moving a floor-protected parameter in the looser "
    "direction is refused",
    "fixed_parameter": "PolicyConflict: changing a fixed national parameter is refused",
    "mandatory_override": "PolicyConflict: overriding a mandatory national rule is refused",
    "two_overrides": "PolicyConflict: two rules override 'lv.risk.unjustified_absences'",
    "two_policies": "PolicyConflict: two policies govern municipality 'piemera'",
    "coverage_gap": "ParameterCoverageError: rule 'piemera.behaviour.inform_psychologist'",
    "unknown_fact": "PolicyError: rule 'piemera.risk.absences' of plugin 'piemera' reads unknown",
    "conflict_attributes": "reason: moving a floor-protected parameter",
}


@pytest.mark.parametrize(("function", "start"), sorted(CONFLICTS.items()))
def test_conflict_example(function: str, start: str, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/examples/conflicts.py, shown in docs/how-to/read-a-conflict-error.md."""
    out = _run(EXAMPLES / "conflicts.py", capsys, call=function)
    assert out.startswith(start), out


def test_conflict_examples_are_all_tested() -> None:
    module = runpy.run_path(str(EXAMPLES / "conflicts.py"), run_name="example")
    assert {f.__name__ for f in module["EXAMPLES"]} == set(CONFLICTS)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.scenarios.toml")), ids=lambda p: p.name)
def test_scenario_examples(path: Path) -> None:
    """The scenario files shown in the documentation hold (docs/reference/scenario-format.md)."""
    registry = PolicyRegistry.load()
    for scenario in load_scenarios(path):
        problems = check(run_scenario(registry, scenario), scenario)
        assert not problems, f"{path.name}: {scenario.name}: {problems}"
