"""The wheel works alone: built from the checkout without the network (``python -m build
--no-isolation``), checked with ``twine check``, installed into a fresh virtual environment that
sees only the runtime dependencies of atbalsts, where ``atbalsts demo`` runs from a directory
outside the checkout on the examples inside the wheel, and a plugin scaffolded there installs with
the commands ``atbalsts new-policy`` prints.

Offline: the fresh environment gets no copies of the dependencies; a ``.pth`` file points it at a
directory of links to the installed distributions it needs, and nothing else of this environment
(not the editable atbalsts, not the plugins, not the test tools) is visible there.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterable
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from importlib.util import find_spec
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.json"))
TIMEOUT = 120


def _closure(names: Iterable[str]) -> list[Distribution]:
    """The installed distributions ``names`` need to run (their requirements without extras,
    recursively), ``names`` included."""
    todo, seen = list(names), {}
    while todo:
        name = Requirement(todo.pop()).name.lower().replace("_", "-")
        if name in seen:
            continue
        try:
            found = distribution(name)
        except PackageNotFoundError:
            continue  # a requirement for another platform or Python, not installed here
        seen[name] = found
        for text in found.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(seen.values())


def _requires(wheel: Path) -> list[str]:
    """The runtime requirements the wheel's metadata declares (not those of the installed,
    perhaps older, editable atbalsts)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode("utf-8")
    rows = [line.partition(":")[2].strip() for line in metadata.splitlines()]
    keys = [line.partition(":")[0] for line in metadata.splitlines()]
    return [
        row
        for key, row in zip(keys, rows, strict=True)
        if key == "Requires-Dist"
        and (Requirement(row).marker is None or Requirement(row).marker.evaluate({"extra": ""}))
    ]


def _expose(dists: Iterable[Distribution], target: Path) -> None:
    """Link the top-level files and directories of ``dists`` (packages, modules and their
    ``.dist-info``) into ``target``."""
    target.mkdir()
    for dist in dists:
        assert dist.files is not None, f"{dist.metadata['Name']} has no RECORD"
        for top in {f.parts[0] for f in dist.files if f.parts[0] not in ("..", "__pycache__")}:
            link = target / top
            if not link.exists():
                link.symlink_to(Path(str(dist.locate_file(top))))


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{shlex.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and the sdist, built from the checkout with this environment's hatchling."""
    tools = [name for name in ("build", "twine", "editables") if find_spec(name) is None]
    assert not tools, (
        f"{', '.join(tools)} missing: install the test extra (pip install -e '.[test]')"
    )
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel"]
    _run([*command, "--outdir", str(out), str(ROOT)], ROOT, dict(os.environ))
    return out


def test_the_wheel_and_sdist_pass_twine_check(built: Path) -> None:
    files = sorted(str(p) for p in built.iterdir())
    assert len(files) == 2, files
    done = _run([sys.executable, "-m", "twine", "check", "--strict", *files], built, {**os.environ})
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_the_wheel_holds_the_examples_and_the_catalogs(built: Path) -> None:
    (wheel,) = built.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"atbalsts/examples/{name}" for name in EXAMPLES} <= names
    for domain in ("atbalsts", "atbalsts_cli"):
        assert f"atbalsts/_explain/locales/lv/LC_MESSAGES/{domain}.mo" in names
    assert "atbalsts/py.typed" in names


def test_the_wheel_works_in_a_fresh_environment_outside_the_checkout(
    built: Path, tmp_path: Path
) -> None:
    (wheel,) = built.glob("*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, dict(os.environ))
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # the runtime dependencies, and what the plugin's `pip install -e '.[test]'` needs offline
    deps = tmp_path / "deps"
    needed = _closure([*_requires(wheel), "pip", "pytest", "hypothesis", "hatchling", "editables"])
    _expose(needed, deps)
    (site / "_deps.pth").write_text(f"{deps}\n", encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ATBALSTS_"))}
    env |= {"PYTHONNOUSERSITE": "1", "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", "--no-index", "--no-deps", str(wheel)], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        [str(python), "-c", "import atbalsts.demo as d; print(d.__file__, d.example_directory())"],
        elsewhere,
        env,
    ).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where  # the wheel, not the checkout

    demo = _run([str(bin_dir / "atbalsts"), "demo", "--lang", "en"], elsewhere, env).stdout
    for name in EXAMPLES:
        assert f"{name} (" in demo
    assert "under the national baseline alone" in demo
    assert "Installed municipal policies: none" in demo  # the checkout's plugins are not here
    latvian = _run([str(bin_dir / "atbalsts"), "demo"], elsewhere, env).stdout
    assert "tikai pēc valsts regulējuma" in latvian

    # a plugin developed outside the repository, installed as `new-policy` says
    created = _run(
        [str(bin_dir / "atbalsts"), "new-policy", "proba", "-d", "plugins", "--lang", "en"],
        elsewhere,
        env,
    ).stdout
    commands = [line.strip() for line in created.splitlines() if line.startswith("  ")]
    # run from where new-policy ran: no "cd", so a relative interpreter path still works
    assert commands[0] == "python -m pip install -e 'plugins/atbalsts-proba[test]'", created
    assert commands[1] == "python -m pytest plugins/atbalsts-proba", created
    assert f"installed from {wheel}" in created  # where to get atbalsts for another environment
    assert commands[2] == f"python -m pip install {wheel}", created
    offline = ["--no-index", "--no-build-isolation", "--quiet"]
    _run([*shlex.split(commands[0]), *offline], elsewhere, env)
    listed = _run(
        [str(bin_dir / "atbalsts"), "policies", "--format", "json"], elsewhere, env
    ).stdout
    assert "proba" in [p["name"] for p in json.loads(listed)["policies"]]
