"""``mypy --strict`` accepts typed use of the public API, and catches misuse."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is in the 'lint' extra")

ROOT = Path(__file__).resolve().parents[2]
USAGE = Path(__file__).with_name("api_usage.py")

MISUSE = """\
from atbalsts import SupportCase, parse_json
from atbalsts.model import Referral
from atbalsts.testing import strategies as ats

case: SupportCase = parse_json(Referral, "{}")  # line 5: a Referral is not a SupportCase
ats.support_cases(municipality=3)  # line 6: a municipality is a str
ats.support_plans(learner_id=["L-1"])  # line 7: a learner id is a str
"""


def test_mypy_strict_accepts_api_usage_and_rejects_misuse(tmp_path: Path) -> None:
    misuse = tmp_path / "api_misuse.py"
    misuse.write_text(MISUSE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-pretty", str(USAGE), str(misuse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    usage_errors = [line for line in errors if "api_usage.py" in line]
    assert usage_errors == [], result.stdout + result.stderr
    misuse_lines = sorted(
        {int(m.group(1)) for line in errors if (m := re.search(r"api_misuse\.py:(\d+):", line))}
    )
    assert misuse_lines == [5, 6, 7], result.stdout + result.stderr
    assert result.returncode == 1
