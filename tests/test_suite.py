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

#: What the project's profile sets, as pytest's header shows it. The header says more under a CI
#: service (``CI`` set): Hypothesis then starts from its own CI settings (``derandomize=True``,
#: ``database=None``, ...), and the project's profile is laid over them.
PROFILE = ("hypothesis profile 'ci' -> ", "deadline=None", "max_examples=50", "print_blob=True")


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


def _profile(header: str) -> str:
    """The header's line that names Hypothesis' profile ('' when there is none)."""
    lines = [line for line in header.splitlines() if line.startswith("hypothesis profile")]
    return lines[0] if lines else ""


def _is_the_projects(line: str) -> bool:
    first, *settings = PROFILE
    said = line.removeprefix(first).split(", ")
    return line.startswith(first) and all(setting in said for setting in settings)


@pytest.mark.parametrize("plugin", ["atbalsts-bauska", "atbalsts-parauga"])
def test_a_plugins_tests_run_alone_have_no_deadline(plugin: str) -> None:
    """From the checkout's root, as the test command runs them, and from the plugin's folder, as
    its maintainer does: the profile is the project's in both (it was Hypothesis' own, with a
    deadline of 200 ms, unless the run collected tests/ too)."""
    assert _is_the_projects(_profile(_header([f"plugins/{plugin}/tests"], ROOT)))
    assert _is_the_projects(_profile(_header(["tests"], ROOT / "plugins" / plugin)))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hypothesis profile 'ci' -> deadline=None, max_examples=50, print_blob=True", True),
        (
            "hypothesis profile 'ci' -> database=None, deadline=None, max_examples=50, "
            "print_blob=True, derandomize=True, suppress_health_check=(HealthCheck.too_slow,)",
            True,
        ),
        ("hypothesis profile 'default'", False),
        ("hypothesis profile 'ci' -> database=None, deadline=None, print_blob=True", False),
        ("hypothesis profile 'dev' -> deadline=None, max_examples=50, print_blob=True", False),
        ("", False),
    ],
)
def test_the_profile_is_recognised_under_a_ci_service_too(line: str, expected: bool) -> None:
    """CI services set ``CI``, and Hypothesis then lays the profile over its own CI settings: the
    header line is longer (the check failed there for that alone), and it is still the project's."""
    assert _is_the_projects(line) is expected
