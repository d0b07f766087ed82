"""Run every quality gate, as CI does: pytest (warnings are errors), ruff, mypy --strict, Sphinx -W.

Usage: ``.venv/bin/python tools/check.py``. Stops at nothing: runs every gate, then exits non-zero
if any failed, so one run shows every problem.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

GATES: list[tuple[str, list[str]]] = [
    ("ruff check", [str(BIN / "ruff"), "check", "."]),
    ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
    (
        "mypy --strict",
        [
            str(BIN / "mypy"),
            "--strict",
            "src",
            "plugins/atbalsts-bauska/src",
            "plugins/atbalsts-parauga/src",
        ],
    ),
    (
        "sphinx-build -W",
        [str(BIN / "sphinx-build"), "-W", "-n", "-q", "-b", "html", "docs", "docs/_build/html"],
    ),
    ("pytest", [str(BIN / "pytest"), "-W", "error", "-p", "no:cacheprovider"]),
]


def main() -> int:
    failed: list[str] = []
    for name, cmd in GATES:
        start = time.monotonic()
        print(f"== {name}", flush=True)
        code = subprocess.call(cmd, cwd=ROOT)
        print(
            f"== {name}: {'ok' if code == 0 else f'FAILED ({code})'} "
            f"in {time.monotonic() - start:.1f} s",
            flush=True,
        )
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed gates: {', '.join(failed)}")
        return 1
    print("all gates passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
