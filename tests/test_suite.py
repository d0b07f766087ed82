"""How the suite itself runs: every Hypothesis test under the project's ``ci`` profile (no
deadline: a deadline is a timed assertion, which a loaded machine can fail by chance), the
plugins' own tests included, however they are run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What the profile changes from Hypothesis' defaults, as pytest's header shows it.
PROFILE = "hypothesis profile 'ci' -> deadline=None, max_examples=50, print_blob=True"


def _header(args: list[str], cwd: Path) -> str:
    """The header of a pytest run that only collects ``args``, in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-v", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run.stdout.split("collecting", 1)[0]


@pytest.mark.parametrize("plugin", ["atbalsts-bauska", "atbalsts-parauga"])
def test_a_plugins_tests_run_alone_have_no_deadline(plugin: str) -> None:
    """From the checkout's root, as the test command runs them, and from the plugin's folder, as
    its maintainer does: the profile is the project's in both (it was Hypothesis' own, with a
    deadline of 200 ms, unless the run collected tests/ too)."""
    assert PROFILE in _header([f"plugins/{plugin}/tests"], ROOT)
    assert PROFILE in _header(["tests"], ROOT / "plugins" / plugin)
