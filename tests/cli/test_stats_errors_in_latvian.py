"""`atbalsts stats` says what went wrong in Latvian by default, in English with --lang en: each
StatsError by its code and values (a path, a line number, a plugin), never a learner's data."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from atbalsts.cli import main
from atbalsts.cli._i18n import texts
from atbalsts.cli._stats import stats_message
from atbalsts.stats import StatsError


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, err.getvalue()


def test_a_missing_file_in_latvian_and_in_english(tmp_path: Path) -> None:
    missing = tmp_path / "nav.jsonl"
    status, said = run("stats", str(missing))
    assert status == 2
    assert said.strip() == f"kļūda: nevar nolasīt {missing}: šāda faila vai mapes nav"
    status, said = run("--lang", "en", "stats", str(missing))
    assert status == 2
    assert said.strip() == f"error: cannot read {missing}: No such file or directory"


def test_a_grouping_the_decisions_cannot_give(tmp_path: Path) -> None:
    decisions = tmp_path / "d.jsonl"
    decisions.write_text("", encoding="utf-8")
    status, said = run("stats", str(decisions), "--by", "school")
    assert status == 2
    assert "grupēšanai pēc school vajag lietu failu (--cases)" in said
    status, said = run("stats", str(decisions), "--by", "klase")
    assert "nevar grupēt pēc 'klase': izvēlieties no municipality, school, grade, term" in said


def test_a_plugin_not_loaded_is_named(tmp_path: Path) -> None:
    decisions = tmp_path / "d.jsonl"
    examples = Path(__file__).resolve().parents[2] / "examples"
    case = json.loads((examples / "01-bauska-grade7-absences.json").read_text(encoding="utf-8"))
    cases = tmp_path / "c.jsonl"
    cases.write_text(json.dumps(case) + "\n", encoding="utf-8")
    assert run("batch", str(cases), "-o", str(decisions), "--jobs", "1")[0] == 0
    text = decisions.read_text(encoding="utf-8").replace('"name":"bauska"', '"name":"zeta"')
    decisions.write_text(text, encoding="utf-8")
    status, said = run("stats", str(decisions))
    assert status == 2
    assert "spraudnis 'zeta'" in said
    assert "nav ielādēts" in said
    assert case["learner"]["id"] not in said


@pytest.mark.parametrize(
    "reason",
    [
        "plugin_not_loaded",
        "unknown_dimension",
        "dimension_twice",
        "needs_cases",
        "cases_out_of_order",
        "case_twice",
        "not_utf8",
        "output_is_input",
        "output_not_a_file",
        "needs_matplotlib",
        "decisions_are_cases",
        "decisions_are_views",
        "not_json_lines",
        "no_decision",
        "cases_are_decisions",
        "cases_not_json_lines",
        "no_case",
        "not_an_error_file",
        "bad_lines_apart",
    ],
)
def test_every_reason_has_a_latvian_sentence(reason: str) -> None:
    values = {
        "plugin": "zeta",
        "by": "school",
        "choices": "municipality",
        "line": "3",
        "cases_line": "2",
        "path": "x.jsonl",
        "output": "o.json",
        "input": "i.jsonl",
        "shape": "array",
        "invalid": "9",
        "errors": "1",
        "counted_invalid": "0",
        "counted_errors": "0",
    }
    err = StatsError("english words", code=reason, values=values)
    said = stats_message(err, texts("lv"))
    assert said != "english words"
    assert "english" not in said
    assert stats_message(err, texts("en")) == "english words"


def test_the_order_error_says_how_many_case_lines_were_unreadable() -> None:
    values = {"line": "3", "cases_line": "2", "unreadable": "2"}
    err = StatsError("english words", code="cases_out_of_order", values=values)
    assert stats_message(err, texts("lv")).endswith("; 2 lietu rindas nevarēja nolasīt")
    quiet = StatsError("english", code="cases_out_of_order", values={**values, "unreadable": "0"})
    assert "nevarēja nolasīt" not in stats_message(quiet, texts("lv"))
