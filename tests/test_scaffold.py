"""``atbalsts.scaffold.new_policy``: the generated plugin is complete and valid, the conformance
checks flag its placeholder legal basis, and once that is filled in it installs and passes its
own tests."""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from atbalsts import AtbalstsError
from atbalsts.engine import PluginSource, PolicyRegistry
from atbalsts.scaffold import (
    DestinationExistsError,
    PolicyNameError,
    ScaffoldError,
    module_name,
    new_policy,
)
from atbalsts.testing.conformance import PLACEHOLDER, check_policy
from atbalsts.testing.scenarios import check, load_scenarios, run_scenario

VALID_FROM = date(2025, 9, 1)
RULE = "{name}.absence.inform_social_pedagogue"
PARAMETER = "{name}.absence.lessons_limit"


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def scaffold(tmp_path: Path, name: str = "proba") -> Path:
    return new_policy(name, tmp_path, valid_from=VALID_FROM)


def fill_legal_basis(root: Path) -> None:
    """What the author does: replace every placeholder basis with a real (here illustrative) one."""
    module = root / "src" / module_name(root.name.removeprefix("atbalsts-"))
    rules = module / "rules.py"
    text, n = re.subn(
        r"LEGAL_BASIS = LegalBasis\(\n.*?\n\)\n",
        'LEGAL_BASIS = LegalBasis(\n    kind=BasisKind.ILLUSTRATIVE,\n    note="An illustration '
        'for the scaffold tests, not law.",\n)\n',
        rules.read_text(encoding="utf-8"),
        flags=re.DOTALL,
    )
    assert n == 1
    rules.write_text(text, encoding="utf-8")
    params = module / "parameters.toml"
    text, n = re.subn(
        r"\[parameter\.values\.basis\]\n(?:.*\n)*?note = .*\n",
        '[parameter.values.basis]\nkind = "illustrative"\nnote = "An illustration, not law."\n',
        params.read_text(encoding="utf-8"),
    )
    assert n == 1
    params.write_text(text, encoding="utf-8")
    code = [line for line in rules.read_text().splitlines() if not line.startswith("#")]
    assert PLACEHOLDER not in "\n".join(code)
    assert PLACEHOLDER not in params.read_text().split("# To make a national parameter")[0]


@pytest.fixture
def import_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], ModuleType]]:
    """Import a generated plugin's ``plugin`` module from its source tree (not installed); the
    modules are forgotten afterwards."""
    imported: list[str] = []

    def load(root: Path) -> ModuleType:
        name = module_name(root.name.removeprefix("atbalsts-"))
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]
        monkeypatch.syspath_prepend(str(root / "src"))
        imported.append(name)
        return importlib.import_module(f"{name}.plugin")

    yield load
    for name in imported:
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]


def registry_with(plugin: ModuleType, name: str) -> PolicyRegistry:
    source = PluginSource(name, plugin, f"atbalsts-{name}", "0.1.0")
    return PolicyRegistry.load([source], entry_points=False)


def run_tests(root: Path, pythonpath: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run the generated plugin's own test suite in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATBALSTS_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_dist_info(root: Path, site: Path) -> None:
    """What an editable install writes besides a path entry: the distribution's metadata with its
    entry points, taken from the generated pyproject.toml."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        encoding="utf-8",
    )
    points = project["entry-points"]["atbalsts"]
    (info / "entry_points.txt").write_text(
        "[atbalsts]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()), encoding="utf-8"
    )


# -- the generated files ---------------------------------------------------------------------


def test_the_plugin_has_every_file(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    assert root == tmp_path / "atbalsts-proba"
    assert files_under(root) == {
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "src/atbalsts_proba/__init__.py",
        "src/atbalsts_proba/py.typed",
        "src/atbalsts_proba/plugin.py",
        "src/atbalsts_proba/codes.py",
        "src/atbalsts_proba/rules.py",
        "src/atbalsts_proba/parameters.toml",
        "tests/proba.scenarios.toml",
        "tests/test_conformance.py",
        "tests/conftest.py",
    }
    assert files_under(tmp_path) == {f"atbalsts-proba/{f}" for f in files_under(root)}


def test_the_files_are_valid_python_and_toml(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    for path in root.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    for path in root.rglob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))
    assert len(load_scenarios(root / "tests" / "proba.scenarios.toml")) == 3
    for name in ("README.md", "CHANGELOG.md"):
        assert "proba" in (root / name).read_text(encoding="utf-8")


def test_the_distribution_declares_the_entry_point(tmp_path: Path) -> None:
    root = scaffold(tmp_path)
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["build-system"]["build-backend"] == "hatchling.build"
    project = meta["project"]
    assert project["name"] == "atbalsts-proba"
    assert any(d.startswith("atbalsts") for d in project["dependencies"])
    assert project["entry-points"]["atbalsts"] == {"proba": "atbalsts_proba.plugin"}
    assert meta["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/atbalsts_proba"]


def test_a_dash_in_the_name_becomes_an_underscore_in_the_module(tmp_path: Path) -> None:
    root = new_policy("rigas-valstspilseta", tmp_path, title='Rīga "test"', valid_from=VALID_FROM)
    assert (root / "src" / "atbalsts_rigas_valstspilseta" / "plugin.py").is_file()
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["atbalsts"] == {
        "rigas-valstspilseta": "atbalsts_rigas_valstspilseta.plugin"
    }
    assert meta["project"]["description"] == 'atbalsts policy plugin: Rīga "test"'
    plugin = (root / "src" / "atbalsts_rigas_valstspilseta" / "plugin.py").read_text("utf-8")
    compile(plugin, "plugin.py", "exec")
    assert 'title="Rīga \\"test\\""' in plugin


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Bauska",
        "1bauska",
        "bau_ska",
        "bauska-",
        "-bauska",
        "bau--ska",
        "bau ska",
        "bauska!",
        "lv",
        "x" * 41,
    ],
)
def test_bad_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(PolicyNameError) as raised:
        new_policy(name, tmp_path / "out")
    assert isinstance(raised.value, ScaffoldError)
    assert isinstance(raised.value, AtbalstsError)
    assert isinstance(raised.value, ValueError)
    assert repr(name) in str(raised.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"municipality": "Bauska"}, "municipality"), ({"title": "two\nlines"}, "one non-empty")],
)
def test_a_bad_municipality_or_title_is_refused(
    tmp_path: Path, kwargs: dict[str, str], words: str
) -> None:
    with pytest.raises(PolicyNameError, match=words):
        new_policy("proba", tmp_path, **kwargs)  # type: ignore[arg-type]
    assert files_under(tmp_path) == set()


def test_an_existing_destination_is_never_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "atbalsts-proba"
    root.mkdir()
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DestinationExistsError, match="nothing was written"):
        new_policy("proba", tmp_path)
    assert files_under(tmp_path) == {"atbalsts-proba/notes.txt"}
    assert (root / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(FileExistsError):
        scaffold(tmp_path)


def test_the_destination_is_created_and_defaults_apply(tmp_path: Path) -> None:
    root = new_policy("proba", tmp_path / "a" / "b")
    rules = (root / "src" / "atbalsts_proba" / "rules.py").read_text(encoding="utf-8")
    assert re.search(r"VALID_FROM = date\(\d{4}, 9, 1\)", rules)
    plugin = (root / "src" / "atbalsts_proba" / "plugin.py").read_text(encoding="utf-8")
    assert 'municipality="proba"' in plugin
    assert "Proba: municipal support policy" in plugin


# -- conformance -----------------------------------------------------------------------------


def test_conformance_flags_the_placeholder_until_it_is_filled(
    tmp_path: Path, import_plugin: Callable[[Path], ModuleType]
) -> None:
    root = scaffold(tmp_path)
    problems = check_policy(registry_with(import_plugin(root), "proba"), "proba", examples=10)
    assert {(p.check, p.subject) for p in problems} == {
        ("legal-basis", RULE.format(name="proba")),
        ("legal-basis", PARAMETER.format(name="proba")),
    }
    assert all(PLACEHOLDER in p.message for p in problems)

    fill_legal_basis(root)
    registry = registry_with(import_plugin(root), "proba")
    assert check_policy(registry, "proba", examples=10) == []
    for scenario in load_scenarios(root / "tests" / "proba.scenarios.toml"):
        assert check(run_scenario(registry, scenario), scenario) == [], scenario.name


def test_the_sample_parameter_is_declared_an_integer(
    tmp_path: Path, import_plugin: Callable[[Path], ModuleType]
) -> None:
    """A value that is not a whole number is refused when the plugin registers, naming the
    parameter, rather than failing the rule (``p.integer``) on every learner."""
    root = scaffold(tmp_path)
    params = root / "src" / "atbalsts_proba" / "parameters.toml"
    text, n = re.subn(
        r"^value = 10$", "value = 10.5", params.read_text(encoding="utf-8"), flags=re.MULTILINE
    )
    assert n == 1
    params.write_text(text, encoding="utf-8")

    (failure,) = registry_with(import_plugin(root), "proba").failures
    assert (failure.plugin, failure.stage) == ("proba", "register")
    assert repr(PARAMETER.format(name="proba")) in failure.error
    assert "not integer" in failure.error


def test_the_plugin_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    """Installed as an editable install would (a path entry and the distribution's metadata, so
    the entry point is found): its tests fail on the placeholder, then pass once it is filled."""
    root = scaffold(tmp_path / "work")
    site = tmp_path / "site"
    write_dist_info(root, site)
    path = [site, root / "src"]

    before = run_tests(root, path)
    assert before.returncode == 1, before.stdout + before.stderr
    assert PLACEHOLDER in before.stdout
    assert "1 failed" in before.stdout

    fill_legal_basis(root)
    after = run_tests(root, path)
    assert after.returncode == 0, after.stdout + after.stderr
    assert re.search(r"\b\d+ passed\b", after.stdout)
    assert "failed" not in after.stdout


def test_the_plugins_property_tests_have_no_deadline(tmp_path: Path) -> None:
    """A test the author writes with the strategies of atbalsts.testing runs without Hypothesis'
    deadline of 200 ms per example, a timed assertion that a loaded machine fails by chance (the
    first case evaluated builds the policy set), whatever profile Hypothesis chose itself."""
    root = scaffold(tmp_path / "work")
    (root / "tests" / "test_property.py").write_text(
        "from hypothesis import given, settings\n"
        "from hypothesis import strategies as st\n\n\n"
        "@given(st.integers())\n"
        "def test_no_deadline(n: int) -> None:\n"
        "    assert settings.default.deadline is None\n"
        "    assert settings.default.print_blob\n"
        # the plugin's own, not one Hypothesis loaded itself (its "ci" has no deadline either)
        "    assert settings.get_current_profile_name() not in ('default', 'ci')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATBALSTS_", "PYTEST_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_property.py"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("hatchling") is None,
    reason="hatchling is not installed: pip cannot build the plugin without build isolation",
)
def test_pip_installs_the_plugin_offline(tmp_path: Path) -> None:
    """A real ``pip install`` (no network: no index, no build isolation), into a target directory
    so the shared environment is left alone; then the plugin's own tests pass."""
    root = scaffold(tmp_path / "work")
    fill_legal_basis(root)
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    assert (site / "atbalsts_proba" / "parameters.toml").is_file()
    assert (site / "atbalsts_proba" / "py.typed").is_file()
    result = run_tests(root, [site])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed" not in result.stdout
