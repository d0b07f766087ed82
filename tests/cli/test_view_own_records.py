"""`atbalsts evaluate --format json` shows a role the duties that arise from its own records, as
the library's view does when it is given the case: the report of a threat the role recorded."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from atbalsts.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "03-parauga-suspected-violence.json"


def actions(path: Path, role: str) -> set[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(
            ["evaluate", str(path), "--format", "json", "--as-of", "2025-11-13", "--role", role]
        )
    assert status == 0
    shown: dict[str, Any] = json.loads(out.getvalue())
    assert shown["view"]["role"] == role
    return {o["action"] for o in shown.get("obligations", [])}


def test_the_class_teacher_sees_the_report_of_the_threat_it_recorded(tmp_path: Path) -> None:
    assert "report_threat" in actions(EXAMPLE, "class_teacher")
    assert "report_threat" not in actions(EXAMPLE, "municipal_coordinator")
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for observation in case["observations"]:
        for threat in observation.get("suspected_threats", []):
            threat["recorded_by"] = "psychologist"
    theirs = tmp_path / "theirs.json"
    theirs.write_text(json.dumps(case), encoding="utf-8")
    assert "report_threat" not in actions(theirs, "class_teacher")
    assert "report_threat" in actions(theirs, "psychologist")
