"""The engine's CLI commands: evaluate, rules, policies, batch, demo."""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atbalsts import PolicySet
from atbalsts.batch import expand_records
from atbalsts.cli import build_parser, main


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English messages; the default language is Latvian."""
    monkeypatch.setenv("ATBALSTS_LANG", "en")


CASE: dict[str, Any] = {
    "learner": {
        "id": "L-0001",
        "birth_date": "2012-04-10",
        "enrolment": {
            "school_id": "S-01",
            "municipality": "nowhere",
            "programme": "general_basic",
            "grade": 7,
        },
    },
    "observations": [
        {
            "term": {"school_year": "2024/2025", "semester": 2},
            "as_of": "2025-03-03",
            "attendance": {"lessons_missed_unjustified": 21},
        }
    ],
}


def batch_records(path: Path) -> list[dict[str, Any]]:
    """The records of the batch output ``path``, each decision as the whole Decision document
    with its ``line`` first (the rule tables read, not given)."""
    with path.open(encoding="utf-8") as lines:
        return list(expand_records(lines))


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    return path


def test_evaluate_json_uses_the_latest_observation_date(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(case_file), "--format", "json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["as_of"] == "2025-03-03"
    actions = {o["action"] for o in decision["obligations"]}
    assert "inform_municipal_education_board" in actions
    board = next(o for o in decision["obligations"] if o["action"].startswith("inform_municipal"))
    assert "MK 01.02.2011 noteikumi Nr. 89" in board["legal_basis"]["act"]


def test_evaluate_on_a_given_date_and_in_english(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(case_file), "--as-of", "2025-03-04", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Decision for learner L-0001 on 2025-03-04")
    assert "Inform the municipal education board" in out


def test_evaluate_bad_date_and_bad_file_exit_2_without_traceback(
    case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", str(case_file), "--as-of", "03.03.2025"])
    assert exc.value.code == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**CASE, "learner": {**CASE["learner"], "birth_date": "soon"}}))
    assert main(["evaluate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "learner.birth_date" in err
    assert "Traceback" not in err


def test_rules_json_lists_every_rule_with_its_basis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows, "no rules listed"
    required = {"id", "kind", "plugin", "legal_basis", "valid_from", "valid_to", "mandatory"}
    for row in rows:
        assert required <= row.keys(), row["id"]
        basis = row["legal_basis"]
        if basis["kind"] in ("law", "programme"):
            assert basis["act"], row["id"]
            assert basis["url"].startswith(("http://", "https://")), row["id"]
        else:
            assert basis["kind"] in ("illustrative", "methodological_default"), row["id"]
            assert basis["note"], row["id"]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert "lv.absence.inform_board" in ids
    measures = {r["id"]: r["measures"] for r in rows}
    assert measures["lv.measure.literacy_grades"] == ["literacy_support"]
    assert measures["lv.absence.inform_board"] is None  # not a verdict rule


def test_rules_as_of_leaves_out_rules_not_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--as-of", "2023-06-01", "--format", "json"]) == 0
    in_2023 = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert main(["rules", "--as-of", "2024-06-01", "--format", "json"]) == 0
    in_2024 = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert "lv.plan.approval_chain" in in_2023 - in_2024
    assert "lv.plan.approval_chain_default" in in_2024 - in_2023


def test_policies_lists_the_national_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policies", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    national = [p for p in data["policies"] if p["national"]]
    assert [p["name"] for p in national] == ["lv"]
    assert data["failures"] == []


def test_batch_writes_one_line_per_input_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    broken = {**CASE, "learner": {**CASE["learner"], "enrolment": {"grade": "x"}}}
    source.write_text("\n".join(json.dumps(c) for c in (CASE, broken, CASE)) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(out)]) == 2
    *lines, summary = batch_records(out)
    assert summary["summary"]["invalid"] == 1
    assert len(lines) == 3
    assert lines[0]["learner_id"] == "L-0001"
    assert lines[0]["trace"] == []
    assert lines[1]["line"] == 2
    assert any(e["path"].startswith("learner.enrolment") for e in lines[1]["invalid"])
    assert "2 evaluated, 1 invalid, 0 errors, " in capsys.readouterr().err


def test_bad_paths_and_encodings_exit_2_without_traceback(
    case_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"x": "\xe2"}'.encode("latin-1"))
    assert main(["validate", str(latin)]) == 2
    assert main(["batch", str(latin), "--as-of", "2025-03-03", "-o", str(tmp_path / "o")]) == 2
    assert main(["schema", "-o", str(case_file / "not-a-dir")]) == 2
    assert main(["evaluate", str(case_file), "--as-of", "9999-12-31", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "not UTF-8" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_batch_refuses_to_overwrite_its_input_and_keeps_output_on_missing_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(CASE) + "\n")
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(source)]) == 2
    assert source.read_text() == json.dumps(CASE) + "\n"
    out = tmp_path / "out.jsonl"
    out.write_text("earlier results\n")
    assert main(["batch", str(tmp_path / "missing"), "--as-of", "2025-03-03", "-o", str(out)]) == 2
    assert out.read_text() == "earlier results\n"
    assert "would overwrite the input" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["-o", "--errors"])
def test_batch_never_replaces_a_pipe_or_a_directory_with_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """A device, named pipe or directory given as the output or the error file is refused: it
    was replaced by a regular file of decisions (for root, even /dev/null)."""
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(CASE) + "\n")
    pipe, folder = tmp_path / "pipe", tmp_path / "folder"
    os.mkfifo(pipe)
    folder.mkdir()
    for special in (pipe, folder):
        assert main(["batch", str(source), "--as-of", "2025-03-03", flag, str(special)]) == 2
        assert "is not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl", "folder", "pipe"]


def test_batch_records_a_policy_error_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atbalsts.batch import evaluate_lines
    from atbalsts.engine import PolicyRegistry
    from atbalsts.errors import PolicyConflict

    registry = PolicyRegistry.load(entry_points=False)
    original = registry.policy_set

    def policy_set(municipality: str | None = None, **kw: object) -> object:
        if municipality == "broken":
            raise PolicyConflict("two policies govern municipality 'broken'", "a", "b", ())
        return original(municipality)

    monkeypatch.setattr(registry, "policy_set", policy_set)
    broken = {
        **CASE,
        "learner": {
            **CASE["learner"],
            "enrolment": {**CASE["learner"]["enrolment"], "municipality": "broken"},
        },
    }
    import io

    out = io.StringIO()
    lines = [json.dumps(broken), "", json.dumps(CASE)]
    stats = evaluate_lines(lines, out, as_of=date(2025, 3, 3), registry=registry)
    records = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [sorted(r)[0] for r in records] == ["error", "as_of"]
    assert records[0]["line"] == 1
    assert records[0]["type"] == "PolicyConflict"
    assert "two policies govern" in records[0]["error"]
    assert (stats.evaluated, stats.invalid, stats.errors) == (1, 0, 1)


def test_batch_summary_counts_policy_errors_apart_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts import PolicyRegistry
    from atbalsts.errors import PolicyConflict

    original = PolicyRegistry.policy_set

    def policy_set(self: PolicyRegistry, municipality: str | None = None, **kw: Any) -> PolicySet:
        if municipality == "broken":
            raise PolicyConflict("two policies govern municipality 'broken'", "a", "b", ())
        return original(self, municipality, **kw)

    monkeypatch.setattr(PolicyRegistry, "policy_set", policy_set)
    enrolment = {**CASE["learner"]["enrolment"], "municipality": "broken"}
    broken = {**CASE, "learner": {**CASE["learner"], "enrolment": enrolment}}
    source = tmp_path / "cases.jsonl"
    source.write_text(f"{json.dumps(CASE)}\n{json.dumps(broken)}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(out)]) == 2
    assert "1 evaluated, 0 invalid, 1 error, " in capsys.readouterr().err
    assert [r.get("line") for r in batch_records(out)] == [1, 2, None]
    assert batch_records(out)[1]["type"] == "PolicyConflict"


def test_a_byte_order_mark_is_accepted_by_batch_and_evaluate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    # an editor's BOM, then a blank line: the line is blank, not an invalid document
    source.write_bytes(f"\n{json.dumps(CASE)}\n{json.dumps(CASE)}\n".encode("utf-8-sig"))
    assert source.read_bytes().startswith(b"\xef\xbb\xbf\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(out)]) == 0
    assert "2 evaluated, 0 invalid, 0 errors" in capsys.readouterr().err
    records = batch_records(out)
    assert [r["learner_id"] for r in records[:-1]] == ["L-0001"] * 2
    single = tmp_path / "case.json"
    single.write_bytes(json.dumps(CASE).encode("utf-8-sig"))
    assert main(["evaluate", str(single), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["learner_id"] == "L-0001"


def test_rules_and_policies_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    rows = capsys.readouterr().out.splitlines()
    board = next(r for r in rows if r.startswith("lv.absence.inform_board "))
    assert "mandatory" in board.split()
    assert "MK 01.02.2011 noteikumi Nr. 89" in board
    assert rows[0].split() == ["RULE", "KIND", "PLUGIN", "MANDATORY", "LEGAL", "BASIS"]
    _columns_line_up([r for r in rows if not r.endswith("  ")])


def test_the_rules_table_names_each_kind_in_the_language_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from atbalsts.model.decision import DecisionKind

    assert main(["--lang", "lv", "rules", "--municipality", "parauga"]) == 0
    rows = capsys.readouterr().out.splitlines()
    board = next(r for r in rows if r.startswith("lv.absence.inform_board "))
    assert board.split()[1] == "pienākums"
    assert len(rows) > 20
    for row in rows[1:]:  # no kind is shown as its code
        assert not any(f" {k.value} " in row for k in DecisionKind)


# -- one CLI: languages, help, formats ------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


COMMANDS = sorted(_subcommands(build_parser("en")))


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_option_of_every_command_has_help_in_both_languages(lang: str) -> None:
    parser = build_parser(lang)
    commands = _subcommands(parser)
    assert set(commands) >= {"schema", "validate", "evaluate", "batch", "policies", "rules"}
    for name, sub in commands.items():
        options = {s for a in sub._actions for s in a.option_strings}
        assert "--lang" in options, name
        for action in sub._actions:
            assert action.help, (name, action.dest)
            assert action.help != argparse.SUPPRESS, (name, action.dest)
    english = {a.dest: a.help for a in _subcommands(build_parser("en"))["batch"]._actions}
    here = {a.dest: a.help for a in commands["batch"]._actions}
    assert (here == english) == (lang == "en")  # Latvian help is not the English one


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_lists_lang_in_latvian_by_default(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG")
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"lietojums: atbalsts {command} ")
    assert "--lang {lv,en}" in out
    assert "izvades un šīs palīdzības valoda" in out
    assert "usage:" not in out
    assert "show this help" not in out
    with pytest.raises(SystemExit):
        main([command, "--help", "--lang", "en"])
    assert "language of the output and of this help" in capsys.readouterr().out


def test_the_language_comes_from_lang_then_the_environment_then_latvian(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG")
    assert main(["rules"]) == 0
    assert capsys.readouterr().out.startswith("NOTEIKUMS ")
    assert main(["--lang", "en", "rules"]) == 0  # before the command, too
    assert capsys.readouterr().out.startswith("RULE ")
    monkeypatch.setenv("ATBALSTS_LANG", "en")
    assert main(["rules"]) == 0
    assert capsys.readouterr().out.startswith("RULE ")
    assert main(["rules", "--lang=lv"]) == 0
    assert capsys.readouterr().out.startswith("NOTEIKUMS ")
    monkeypatch.setenv("ATBALSTS_LANG", "de")
    assert main(["rules"]) == 2
    assert "ATBALSTS_LANG='de'" in capsys.readouterr().err


def test_argparse_errors_are_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["evaluate", "--lang", "lv"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "atbalsts evaluate: kļūda: jānorāda šie argumenti: FAILS" in err
    with pytest.raises(SystemExit):
        main(["rules", "--as-of", "3.3.2025", "--lang", "lv"])
    assert "nav datums (YYYY-MM-DD): '3.3.2025'" in capsys.readouterr().err


# -- notes that change how far a decision can be relied on --------------------------------------


def test_evaluate_notes_a_municipality_without_policy_and_a_date_without_data(
    case_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = ["--format", "json", "--full"]  # the notes' details are not in the default view
    assert main(["evaluate", str(case_file), "--as-of", "2025-01-10", *full]) == 0
    notes = {n["code"]: n["detail"] for n in json.loads(capsys.readouterr().out)["notes"]}
    assert notes["no_municipal_policy"]["municipality"] == "nowhere"  # the learner's own
    assert "no_observation_on_date" in notes
    assert main(["evaluate", str(case_file), "--as-of", "2025-01-10"]) == 0
    text = capsys.readouterr().out
    assert "No municipal policy was found for nowhere" in text
    assert "no findings here means no data, not no risk" in text
    assert main(["evaluate", str(case_file), "--municipality", "parauga", *full]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["notes"] == []
    assert decision["policy"]["municipality"] == "parauga"


def test_batch_without_as_of_takes_each_case_s_latest_observation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = json.loads(json.dumps(CASE))
    later["learner"]["id"] = "L-0002"
    later["observations"][0]["as_of"] = "2025-04-01"
    empty = {**CASE, "observations": []}
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(json.dumps(c) for c in (CASE, later, empty)) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(out)]) == 2
    first, second, third, _ = batch_records(out)
    assert (first["as_of"], second["as_of"]) == ("2025-03-03", "2025-04-01")
    assert third == {
        "line": 3,
        "type": "NoEvaluationDate",
        "error": "the case has no observation to take the evaluation date from; give one (--as-of)",
    }
    err = capsys.readouterr().err
    assert "2 evaluated, 0 invalid, 1 error, 0 incomplete" in err
    assert "municipality 'nowhere': the national baseline alone decided 2 cases" in err


def test_batch_municipality_decides_every_case_under_that_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(CASE) + "\n")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(source), "-o", str(out), "--as-of", "2025-03-03"]
    assert main([*args, "--municipality", "parauga"]) == 0
    decision = batch_records(out)[0]
    assert decision["policy"]["municipality"] == "parauga"
    assert "parauga" in [p["name"] for p in decision["policy"]["plugins"]]
    assert decision["notes"] == []
    assert "note:" not in capsys.readouterr().err
    assert main([*args, "--municipality", "atlantis"]) == 0
    assert batch_records(out)[0]["notes"][0]["code"] == "no_municipal_policy"
    err = capsys.readouterr().err
    assert "no installed policy governs municipality 'atlantis' (installed: " in err


def test_batch_counts_the_cases_without_data_on_the_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(CASE) + "\n" + json.dumps(CASE) + "\n")
    assert main(["batch", str(source), "--as-of", "2024-12-01", "-o", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "note: 2 cases have no observation on or before the evaluation date" in err
    *records, _ = batch_records(tmp_path / "o")
    assert len(records) == 2
    assert all("no_observation_on_date" in [n["code"] for n in r["notes"]] for r in records)


def test_batch_summary_in_latvian_has_the_right_plural_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG")
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(CASE) + "\n" + "{}\n" * 2)
    assert main(["batch", str(source), "-o", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("1 izvērtēta, 2 nederīgas, 0 kļūdu, 0 nepilnīgu\n")


# -- policies -------------------------------------------------------------------------------------


def _columns_line_up(lines: list[str]) -> None:
    """Every row has each column where the header has it: a cell starts at its column or is
    empty, after at least one space."""
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?<=  )\S", header)]
    assert starts, header
    for line in lines[1:]:
        for start, end in zip(starts, [*starts[1:], None], strict=True):
            cell = line[start:end]
            assert line[start - 1] == " ", (line, start)
            assert not cell.strip() or not cell.startswith(" "), (line, start)


def test_policies_is_a_table_with_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "NAME",
        "SCOPE",
        "VERSION",
        "IN",
        "FORCE",
        "DISTRIBUTION",
        "STATUS",
        "TITLE",
    ]
    rows = [line for line in lines[1:] if not line.startswith(("the national set", "not loaded"))]
    _columns_line_up([lines[0], *rows])
    lv_row = next(r for r in rows if r.startswith("lv "))
    assert " national " in lv_row
    assert " ok " in lv_row
    assert "from 2011-02-01" in lv_row


def test_policies_marks_a_plugin_whose_set_cannot_be_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts import PolicyRegistry
    from atbalsts.errors import PolicyConflict

    original = PolicyRegistry.policy_set

    def policy_set(self: PolicyRegistry, municipality: str | None = None, **kw: Any) -> PolicySet:
        if municipality == "bauska":
            raise PolicyConflict("rule bauska.x loosens a national parameter", "a", "b", ())
        return original(self, municipality, **kw)

    monkeypatch.setattr(PolicyRegistry, "policy_set", policy_set)
    assert main(["policies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    bauska = next(line for line in lines if line.startswith("bauska "))
    assert "CANNOT BE BUILT" in bauska
    assert any(
        line.startswith("bauska: cannot be built: rule bauska.x loosens a national parameter")
        for line in lines
    )
    assert not any("CANNOT" in line for line in lines if line.startswith(("lv ", "parauga ")))
    _columns_line_up(
        [lines[0], *(x for x in lines[1:] if x.startswith(("bauska ", "lv ", "parauga ")))]
    )
    assert main(["policies", "--format", "json"]) == 0
    rows = {p["name"]: p for p in json.loads(capsys.readouterr().out)["policies"]}
    assert rows["bauska"]["buildable"] is False
    assert "loosens" in rows["bauska"]["problem"]
    assert rows["lv"]["buildable"] is True
