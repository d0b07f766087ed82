"""The floors hold: what may import what, checked by import-linter and by an import scan.

- ``lint-imports`` keeps every contract of ``.importlinter`` (the floors, the front doors, the
  private modules, no cycles), and each contract does break when a module crosses it.
- The municipal plugins, and every plugin ``atbalsts new-policy`` writes, import only the plugin
  authors' public API: ``atbalsts``, ``atbalsts.policy`` (with ``atbalsts.policy.baseline``) and
  ``atbalsts.codes``.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atbalsts.scaffold import new_policy

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PLUGINS = sorted((ROOT / "plugins").glob("atbalsts-*/src"))

#: The modules of atbalsts a plugin may import (and then only public names from them).
PLUGIN_API = frozenset(
    {"atbalsts", "atbalsts.policy", "atbalsts.policy.baseline", "atbalsts.codes"}
)


def lint(cwd: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` on the contracts of this checkout, without a cache on disk."""
    if not LINT_IMPORTS.is_file():
        pytest.fail(
            f"{LINT_IMPORTS} is missing: install the test extra (python -m pip install -e "
            f"'.[test]'), which brings import-linter"
        )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update(NO_COLOR="1", COLUMNS="200", TERM="dumb")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONFIG)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contract_names() -> dict[str, str]:
    """The contracts of ``.importlinter``: id -> name."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): parser[section]["name"]
        for section in parser.sections()
        if section.startswith(prefix)
    }


def verdicts(output: str) -> dict[str, str]:
    """Contract name -> KEPT or BROKEN, from the summary lines of ``lint-imports``."""
    found = re.findall(r"^(.+?) (KEPT|BROKEN)\b", output, flags=re.MULTILINE)
    return dict(found)


# -- import-linter ------------------------------------------------------------------------------


def test_every_contract_is_kept() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    names = contract_names()
    assert verdicts(result.stdout) == dict.fromkeys(names.values(), "KEPT")


#: For each contract, an import that crosses it: (module file under src/atbalsts, import line).
#: Every contract must appear here, so that none of them is a contract that cannot break.
CROSSINGS: dict[str, tuple[str, str]] = {
    "floors": ("model/case.py", "import atbalsts.engine"),
    "documents": ("model/case.py", "import atbalsts.engine"),
    "codes": ("codes/risk.py", "import atbalsts.model"),
    "engine": ("engine/_evaluate.py", "import atbalsts.testing"),
    "policy": ("policy/_rule.py", "import atbalsts.national"),
    "national": ("national/risk.py", "import atbalsts.model"),
    "testing": ("testing/scenarios.py", "from atbalsts.engine._compose import Composition"),
    "private": ("testing/scenarios.py", "from atbalsts.engine._compose import Composition"),
    "acyclic": ("codes/risk.py", "import atbalsts.model"),
}


def test_every_contract_breaks_when_an_import_crosses_it(tmp_path: Path) -> None:
    """A copy of the package with one crossing import per contract: lint-imports reports each
    contract broken and names the offending import."""
    names = contract_names()
    assert set(CROSSINGS) == set(names), "give every contract of .importlinter a crossing"
    copy = tmp_path / "src" / "atbalsts"
    shutil.copytree(
        ROOT / "src" / "atbalsts", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    for relative, line in sorted(set(CROSSINGS.values())):
        with (copy / relative).open("a", encoding="utf-8") as module:
            module.write(f"\n{line}  # crossing\n")

    result = lint(tmp_path, pythonpath=tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(names.values(), "BROKEN"), result.stdout
    for relative, line in CROSSINGS.values():
        importer = "atbalsts." + relative.removesuffix(".py").replace("/", ".")
        imported = line.split()[1]
        assert f"{importer} -> {imported}" in result.stdout, (importer, imported)


# -- plugins --------------------------------------------------------------------------------


def is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def foreign_imports(
    src: Path, allowed: frozenset[str] | None = PLUGIN_API, *, own: str | None = None
) -> list[str]:
    """Every import under ``src`` of a part of atbalsts it may not use, as
    ``file:line: module[.name]``: a module outside ``allowed`` (any public module when ``None``),
    or a private module or name. Imports of the package ``own`` (and its modules) are its own."""
    found = []
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            imports: list[tuple[str, str | None]]
            if isinstance(node, ast.Import):
                imports = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imports = [(node.module, alias.name) for alias in node.names]
            else:
                continue  # a relative import stays inside the plugin
            for module, name in imports:
                if module.split(".")[0] != "atbalsts":
                    continue
                if own is not None and (module == own or module.startswith(own + ".")):
                    continue
                known = module in allowed if allowed is not None else True
                if known and not is_private(module) and not (name or "").startswith("_"):
                    continue
                where = path.relative_to(src).as_posix()
                found.append(f"{where}:{node.lineno}: {module}{'.' + name if name else ''}")
    return found


@pytest.mark.parametrize("src", PLUGINS, ids=[p.parent.name for p in PLUGINS])
def test_a_municipal_plugin_imports_only_the_plugin_api(src: Path) -> None:
    assert list(src.rglob("*.py")), f"no Python files under {src}"
    assert foreign_imports(src) == []
    tests = src.parent / "tests"
    assert foreign_imports(tests, allowed=None) == [], "tests use public modules only"


def test_the_national_baseline_imports_only_the_plugin_api() -> None:
    """The same door as a municipality's, listed rather than forbidden: a new module of atbalsts
    is outside it until it is added to the plugin authors' API."""
    national = ROOT / "src" / "atbalsts" / "national"
    assert foreign_imports(national, own="atbalsts.national") == []


def test_a_scaffolded_plugin_imports_only_the_plugin_api(tmp_path: Path) -> None:
    root = new_policy("proba", tmp_path)
    assert foreign_imports(root / "src") == []
    assert foreign_imports(root / "tests", allowed=None) == []


def test_the_scan_finds_what_a_plugin_may_not_import(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "rules.py").write_text(
        "from atbalsts import hookimpl\n"
        "from atbalsts.policy import Facts, baseline\n"
        "from atbalsts.policy.baseline import CARERS\n"
        "from atbalsts.codes import Code\n"
        "from . import codes\n"
        "import atbalsts_pkg.codes\n"
        "from atbalsts.model import AbsenceEpisode\n"
        "import atbalsts.engine\n"
        "from atbalsts.policy import _rule\n"
        "from atbalsts.pkg import _own\n"
        "def f():\n"
        "    from atbalsts.policy._facts import Facts\n",
        encoding="utf-8",
    )
    assert foreign_imports(tmp_path) == [
        "pkg/rules.py:7: atbalsts.model.AbsenceEpisode",
        "pkg/rules.py:8: atbalsts.engine",
        "pkg/rules.py:9: atbalsts.policy._rule",
        "pkg/rules.py:10: atbalsts.pkg._own",
        "pkg/rules.py:12: atbalsts.policy._facts.Facts",
    ]
    assert foreign_imports(tmp_path, allowed=None) == [
        "pkg/rules.py:9: atbalsts.policy._rule",
        "pkg/rules.py:10: atbalsts.pkg._own",
        "pkg/rules.py:12: atbalsts.policy._facts.Facts",
    ]
    assert foreign_imports(tmp_path, own="atbalsts.pkg") == [
        "pkg/rules.py:7: atbalsts.model.AbsenceEpisode",
        "pkg/rules.py:8: atbalsts.engine",
        "pkg/rules.py:9: atbalsts.policy._rule",
        "pkg/rules.py:12: atbalsts.policy._facts.Facts",
    ]
