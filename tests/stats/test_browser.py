"""The HTML report opens offline in headless Chromium with no console error and no network
request (``tools/check_report.py``); skipped where Chromium is not installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from atbalsts.stats import count, write_html

from .helpers import ROOT, synthetic_batch

CHECK = ROOT / "tools" / "check_report.py"
#: The browser the check runs: ``$CHROMIUM`` if set, as the tool reads it, else Debian's.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def _run(page: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), str(page)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


@pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM}")
def test_report_opens_offline_in_chromium(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    decisions, cases = synthetic_batch(seed=31, size=1200)
    page = tmp_path / "report.html"
    with page.open("w", encoding="utf-8") as out:
        write_html(count(decisions, cases, ("school", "term")), out)
    done = _run(page)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok:" in done.stdout


@pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM}")
def test_the_check_reports_a_request_and_a_console_error(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://example.invalid/a.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    done = _run(page)
    assert done.returncode == 1
    assert "network request: http://example.invalid/a.png" in done.stdout
    assert "console error: boom" in done.stdout
