"""The commands that wire in what the library already does: ``serve``, ``stats``, ``transition``
and ``audit verify``, ``params``, and the role views of ``evaluate --format json``."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.serving import Served

from atbalsts import PolicyRegistry, SupportCase
from atbalsts.cli import main
from atbalsts.cli._params import parameters_in_force
from atbalsts.cli._views import DEFAULT_ROLE
from atbalsts.model import Decision, LegalBasis, parse_json
from atbalsts.privacy import ViewRole, view_decision
from atbalsts.stats import run_stats, shown_records
from atbalsts.workflow import verify_chain

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English messages; the default language is Latvian."""
    monkeypatch.setenv("ATBALSTS_LANG", "en")


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def _example(name: str) -> SupportCase:
    path = EXAMPLES / name
    return parse_json(SupportCase, path.read_text(encoding="utf-8"), name=name)


# -- serve ---------------------------------------------------------------------------------------


def test_serve_answers_health_until_terminated() -> None:
    """``--port 0`` takes a free port, which the log names: the test reads it there
    (:mod:`tests.serving`), so no other process can take the port first."""
    pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
    pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
    httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")
    command = [sys.executable, "-m", "atbalsts.cli", "serve", "--port", "0"]
    served = Served(command, {**os.environ, "ATBALSTS_LANG": "en"})
    with served as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:[1-9][0-9]*", url), url
        answer = httpx.get(f"{url}/health", timeout=30)
        assert answer.status_code == 200
        assert answer.json()["status"] == "ok"
    assert served.returncode in (0, -signal.SIGTERM), served.stderr[-2000:]
    assert "Traceback" not in served.stderr


@pytest.mark.parametrize("module", ["fastapi", "uvicorn"])
def test_serve_without_the_server_extra_says_how_to_install_it(
    module: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    assert main(["serve"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1  # one line
    assert f"({module} is not installed)" in err
    assert "pip install 'atbalsts[server]'" in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--port", "-1"), ("--port", "65536"), ("--port", "http"), ("--workers", "0")],
)
def test_serve_refuses_a_port_or_worker_count_out_of_range(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["serve", option, value])
    assert done.value.code == 2
    assert f"argument {option}: not a whole number" in capsys.readouterr().err


# -- stats ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_files(
    registry: PolicyRegistry, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """Decisions of the example cases on one date, as ``atbalsts batch`` writes them, and the
    cases, in the same order."""
    directory = tmp_path_factory.mktemp("stats")
    cases = [_example(p.name) for p in sorted(EXAMPLES.glob("*.json"))]
    decisions = directory / "decisions.jsonl"
    decisions.write_text(
        "".join(registry.evaluate(c, date(2025, 11, 20)).model_dump_json() + "\n" for c in cases),
        encoding="utf-8",
    )
    case_file = directory / "cases.jsonl"
    case_file.write_text("".join(c.model_dump_json() + "\n" for c in cases), encoding="utf-8")
    return decisions, case_file


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_stats_prints_what_run_stats_writes(
    fmt: str, batch_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    decisions, cases = batch_files
    args = [str(decisions), "--cases", str(cases), "--by", "municipality,grade", "--format", fmt]
    assert main(["stats", *args]) == 0
    out, err = capsys.readouterr()
    expected = io.StringIO()
    table = run_stats(decisions, cases, "municipality,grade", fmt, "en", expected)  # type: ignore[arg-type]
    assert out == expected.getvalue()
    n = table.records.decisions
    assert n == len(cases.read_text(encoding="utf-8").splitlines())
    # the log hides the count of learners as the table hides its total (10 learners in many
    # small groups: their total would give the hidden cells away)
    shown = shown_records(table)["decisions"]
    assert shown in (n, None)
    said = "…" if shown is None else shown
    assert err == f"{said} decisions counted, 0 invalid, 0 errors, 0 unreadable, 0 duplicates\n"


def test_stats_writes_a_file_and_joins_by_id(
    batch_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions, cases = batch_files
    target = tmp_path / "report.json"
    assert (
        main(["stats", str(decisions), "--cases", str(cases), "--join", "id", "-o", str(target)])
        == 0
    )
    assert capsys.readouterr().out == ""
    expected = io.StringIO()
    run_stats(decisions, cases, "municipality", "json", "en", expected, join="id")
    assert target.read_text(encoding="utf-8") == expected.getvalue()


def test_stats_in_latvian_and_its_errors(
    batch_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions, _ = batch_files
    assert main(["stats", str(decisions), "--lang", "lv", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    expected = io.StringIO()
    run_stats(decisions, None, "municipality", "csv", "lv", expected)
    assert out == expected.getvalue()
    # the 10 decided are hidden: parauga's learners decided, hidden beside two municipalities
    # that show nothing (1 to 4 learners each), would otherwise be 5 to 8
    assert err.startswith("saskaitīti … lēmumi, 0 nederīgu, 0 kļūdu")
    assert main(["stats", str(decisions), "--by", "school"]) == 2  # school needs the cases
    assert main(["stats", str(decisions), "--by", "colour"]) == 2
    assert main(["stats", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["stats", str(decisions), "-o", str(decisions)]) == 2  # never over its input
    err = capsys.readouterr().err
    assert "cannot group by 'colour'" in err
    assert "would overwrite the input" in err
    assert "Traceback" not in err
    assert decisions.stat().st_size > 0


# -- transition and audit verify -----------------------------------------------------------------

PLAN: dict[str, Any] = {
    "id": "plan-1",
    "learner_id": "L-0001",
    "term": {"school_year": "2024/2025", "semester": 2},
    "period": {"start": "2025-01-06", "end": "2025-05-30"},
    "author_role": "class_teacher",
    "goals": [
        {
            "description": "Synthetic goal",
            "indicator": "unjustified_lessons",
            "target": 5.0,
            "direction": "at_most",
        }
    ],
    "measures": [
        {
            "measure": "psychologist_consultation",
            "responsible_role": "psychologist",
            "funding": "skola_kopiena",
            "sessions": 6,
        }
    ],
}

APPROVAL = [
    ("submit", "class_teacher"),
    ("approve", "class_teacher"),
    ("approve", "school_director"),
    ("approve", "municipal_coordinator"),
    ("activate", "school_director"),
]


def _step(doc: Path, action: str, role: str, *more: str) -> int:
    return main(["transition", str(doc), action, "--actor", "p-1", "--role", role, *more])


def test_transitions_move_the_plan_and_the_chain_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    for action, role in APPROVAL:
        assert _step(doc, action, role, "--on", "2025-03-03", "--chain", str(chain)) == 0
    assert json.loads(doc.read_text(encoding="utf-8"))["status"] == "active"
    lines = chain.read_bytes().splitlines()
    assert len(lines) == len(APPROVAL)
    head = verify_chain(lines).head
    assert head is not None
    capsys.readouterr()
    assert main(["audit", "verify", str(chain)]) == 0
    assert main(["audit", "verify", str(chain), "--head", head]) == 0
    out = capsys.readouterr().out
    assert out.count(f"the chain of 5 event(s) verifies; head {head}") == 2
    # without a review, the plan cannot be completed: exit 1, the guard named, nothing written
    before = doc.read_bytes()
    assert (
        _step(doc, "complete", "school_director", "--on", "2025-05-30", "--chain", str(chain)) == 1
    )
    assert "lv.guard.plan.review" in capsys.readouterr().err
    assert doc.read_bytes() == before
    assert len(chain.read_bytes().splitlines()) == len(APPROVAL)


def test_transition_params_and_output_file(tmp_path: Path) -> None:
    doc, out = tmp_path / "plan.json", tmp_path / "reviewed.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    for action, role in APPROVAL:
        assert _step(doc, action, role, "--on", "2025-03-03") == 0
    active = doc.read_bytes()
    review = [
        "--on",
        "2025-05-30",
        "--param",
        "achievements=achieved",
        "--param",
        "outcome=close_no_longer_needed",
        "-o",
        str(out),
    ]
    assert _step(doc, "review", "class_teacher", *review) == 0
    assert doc.read_bytes() == active  # -o leaves the document as it was
    reviewed = json.loads(out.read_text(encoding="utf-8"))
    assert reviewed["goals"][0]["status"] == "achieved"


def test_audit_verify_names_the_first_bad_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    for action, role in APPROVAL:
        assert _step(doc, action, role, "--on", "2025-03-03", "--chain", str(chain)) == 0
    lines = chain.read_bytes().splitlines(keepends=True)
    head = verify_chain([line.rstrip(b"\n") for line in lines]).head
    assert head is not None
    capsys.readouterr()
    chain.write_bytes(b"".join([lines[0], lines[2], lines[1], *lines[3:]]))  # two events swapped
    assert main(["audit", "verify", str(chain)]) == 1
    out, err = capsys.readouterr()
    assert (out, f"{chain}: event 1 " in err) == ("", True)
    chain.write_bytes(b"".join(lines[:-1]))  # the last event cut: only the head shows it
    assert main(["audit", "verify", str(chain)]) == 0
    assert main(["audit", "verify", str(chain), "--head", head]) == 1
    assert "the chain ends at event 3, whose hash is not the head" in capsys.readouterr().err
    # a chain that does not verify refuses the next transition
    chain.write_bytes(b"".join(lines))
    hold = ["--on", "2025-03-04", "--reason", "Synthetic pause", "--chain", str(chain)]
    assert _step(doc, "hold", "school_director", *hold) == 0
    lines = chain.read_bytes().splitlines(keepends=True)
    chain.write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))
    before = doc.read_bytes()
    assert _step(doc, "resume", "school_director", "--on", "2025-03-05", "--chain", str(chain)) == 1
    assert "does not verify" in capsys.readouterr().err
    assert doc.read_bytes() == before


def test_transition_never_writes_over_a_pipe_or_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, pipe, folder = tmp_path / "plan.json", tmp_path / "pipe", tmp_path / "folder"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    os.mkfifo(pipe)
    folder.mkdir()
    for special in (pipe, folder):
        assert _step(doc, "submit", "class_teacher", "--on", "2025-03-03", "-o", str(special)) == 2
        assert "is not a regular file" in capsys.readouterr().err
    assert json.loads(doc.read_text(encoding="utf-8")) == PLAN
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "pipe", "plan.json"]


def test_transition_and_audit_input_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    assert _step(doc, "submit", "class_teacher", "--on", "3.3.2025") == 2
    assert _step(doc, "submit", "class_teacher", "--on", "20250303") == 2  # YYYY-MM-DD only
    for moment in ("2025-W10-1T10:00+02:00", "20250303T100000+0200"):  # with a time too
        assert _step(doc, "submit", "class_teacher", "--on", moment) == 2
    assert _step(doc, "submit", "class_teacher", "--on", "2025-03-03", "--param", "x") == 2
    assert _step(tmp_path / "none.json", "submit", "class_teacher", "--on", "2025-03-03") == 2
    assert main(["audit", "verify", str(tmp_path / "none.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "--on: not a date" in err
    assert "--param: expected KEY=VALUE" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as done:
        main(["transition", str(doc), "submit", "--role", "class_teacher", "--on", "2025-03-03"])
    assert done.value.code == 2
    assert "the following arguments are required: --actor" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        main(["audit"])
    assert done.value.code == 2


def test_audit_verify_has_help_in_latvian(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG")
    with pytest.raises(SystemExit) as done:
        main(["audit", "verify", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("lietojums: atbalsts audit verify ")
    assert "--lang {lv,en}" in out
    assert "audita ķēde, JSON Lines" in out


# -- params --------------------------------------------------------------------------------------


def _params(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["params", "--format", "json", *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _in_force(registry: PolicyRegistry, municipality: str | None, day: date) -> set[str]:
    """Independently: the ids of the set's parameters with a value on ``day`` whose declaring
    policy is in force then."""
    policy_set = registry.policy_set(municipality)
    infos = {i.name: i for i in policy_set.plugins}
    return {
        pid
        for pid, p in policy_set.composition.parameters.items()
        if p.at(day) is not None and infos[p.plugin].in_force(day)
    }


@pytest.mark.parametrize("municipality", ["bauska", "parauga"])
def test_params_lists_every_parameter_in_force_with_its_source(
    municipality: str, registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    before = date.today()
    data = _params(capsys, "--municipality", municipality)
    after = date.today()  # a later day when the command ran across midnight
    assert data["as_of"] in (before.isoformat(), after.isoformat())
    assert data["municipality"] == municipality
    today = date.fromisoformat(data["as_of"])
    rows = data["parameters"]
    assert {r["id"] for r in rows} == _in_force(registry, municipality, today)
    assert any(r["declared_by"] == municipality for r in rows)  # its own parameters are there
    for row in rows:
        source = LegalBasis.model_validate(row["source"])  # a complete legal basis
        assert source.act and source.url if source.cited else source.note, row["id"]
        assert row["change"] in ("fixed", "stricter", "free")
        assert (row["stricter"] in ("lower", "higher")) == (row["change"] == "stricter")
        assert row["type"] in ("integer", "number", "flag", "text")
        date.fromisoformat(row["valid_from"])


def test_params_names_the_national_value_a_municipal_one_replaces(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pid = "lv.absence.board_notice_days"
    after = {
        r["id"]: r
        for r in _params(capsys, "--municipality", "parauga", "--as-of", "2025-10-01")["parameters"]
    }
    row = after[pid]
    assert (row["value"], row["plugin"], row["valid_from"]) == (3, "parauga", "2025-09-01")
    assert row["source"]["kind"] == "illustrative"
    assert row["replaces"]["value"] == 5
    assert row["replaces"]["plugin"] == "lv"
    assert row["replaces"]["source"]["kind"] == "methodological_default"
    assert (row["change"], row["stricter"]) == ("stricter", "lower")
    assert "lv.absence.inform_board" in row["rules"]
    before = {
        r["id"]: r
        for r in _params(capsys, "--municipality", "parauga", "--as-of", "2025-08-31")["parameters"]
    }
    assert (before[pid]["value"], before[pid]["plugin"], before[pid]["replaces"]) == (5, "lv", None)
    national = {r["id"]: r for r in _params(capsys, "--as-of", "2025-10-01")["parameters"]}
    assert (national[pid]["value"], national[pid]["replaces"]) == (5, None)
    assert not any(r["declared_by"] == "parauga" for r in national.values())


def test_params_text_shows_the_rules_each_parameter_moves(
    registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["params", "--municipality", "parauga", "--as-of", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("16 parameters in force on 2025-10-01 for parauga\n")
    block = out.split("\nlv.absence.board_notice_days = 3 calendar days", 1)[1].split("\n\n")[0]
    assert "(integer, 0.., stricter only: lower)" in block
    assert "from 2025-09-01, set by parauga: Illustrative, not law:" in block
    assert "replaces 5 (from 2011-02-01, set by lv: methodological default, not law:" in block
    readers = sorted(
        r.id
        for r, _ in registry.policy_set("parauga").rules_in_force(date(2025, 10, 1))
        if "lv.absence.board_notice_days" in r.params
    )
    assert len(readers) > 1
    assert f"read by {len(readers)} rules: {', '.join(readers)}" in block
    cited = out.split("\nlv.absence.unjustified_lessons_limit = 20", 1)[1].split("\n\n")[0]
    assert "set by lv: MK 01.02.2011 noteikumi Nr. 89" in cited
    assert "<https://" in cited
    assert "read by the engine itself (follow-ups)" in out


def test_params_text_in_latvian(capsys: pytest.CaptureFixture[str]) -> None:
    pid = "lv.absence.board_notice_days"
    assert (
        main(["params", pid, "--municipality", "parauga", "--as-of", "2025-10-01", "--lang", "lv"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("2025-10-01 spēkā ir 1 parametrs: parauga\n")
    assert "lv.absence.board_notice_days = 3 kalendāra dienas  (vesels skaitlis, 0.., " in out
    assert "(vesels skaitlis, 0.., tikai stingrāk: zemāk)" in out
    assert "  no 2025-09-01, noteica parauga: " in out
    assert (
        "  aizstāj 5 (no 2011-02-01, noteica lv: metodoloģisks pieņēmums, nav tiesību norma: "
        in out
    )
    assert "  to lasa 3 noteikumi: " in out


def test_params_notes_an_unknown_municipality(
    registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["params", "--municipality", "nowhere", "--as-of", "2025-10-01"]) == 0
    out, err = capsys.readouterr()
    assert "no installed policy governs municipality 'nowhere'" in err
    n = len(_in_force(registry, "nowhere", date(2025, 10, 1)))
    assert n == len(_in_force(registry, None, date(2025, 10, 1)))
    assert out.startswith(f"{n} parameters in force on 2025-10-01 for nowhere\n")


@given(
    day=st.dates(date(2010, 1, 1), date(2030, 12, 31)),
    municipality=st.sampled_from([None, "bauska", "parauga"]),
)
def test_params_show_exactly_the_values_the_rules_are_bound_to(
    registry: PolicyRegistry, day: date, municipality: str | None
) -> None:
    policy_set = registry.policy_set(municipality)
    rows = {r["id"]: r for r in parameters_in_force(registry, policy_set, day)}
    readers: dict[str, set[str]] = {}
    for compiled in policy_set.at(day).rules:
        for pid, value in compiled.param_values:
            assert rows[pid]["value"] == value.value, (pid, day)
            assert rows[pid]["plugin"] == value.plugin
            assert rows[pid]["valid_from"] == value.valid_from.isoformat()
            readers.setdefault(pid, set()).add(compiled.rule.id)
    for pid, row in rows.items():
        assert set(row["rules"]) == readers.get(pid, set()), pid
        if row["replaces"] is not None:
            assert row["plugin"] != row["declared_by"]
            assert row["replaces"]["plugin"] == row["declared_by"]


# -- evaluate: role views ------------------------------------------------------------------------

VIOLENCE = EXAMPLES / "03-parauga-suspected-violence.json"


def _decision(registry: PolicyRegistry) -> Decision:
    case = _example(VIOLENCE.name)
    return registry.evaluate(case, max(o.as_of for o in case.observations))


def test_evaluate_json_is_the_class_teacher_view_by_default(
    registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(VIOLENCE), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    decision = _decision(registry)
    case = _example(VIOLENCE.name)
    assert shown == view_decision(decision, role=DEFAULT_ROLE, case=case)
    assert shown["view"]["role"] == "class_teacher"
    full = decision.model_dump(mode="json")
    assert [f["factor"] for f in full["findings"]] == ["unfavourable_family_environment"]
    assert "findings" not in shown  # a protection finding is not the class teacher's to see
    assert "failures" not in shown


@pytest.mark.parametrize("role", [r.value for r in ViewRole])
def test_evaluate_role_prints_that_role_s_view(
    role: str, registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(VIOLENCE), "--format", "json", "--role", role]) == 0
    case = _example(VIOLENCE.name)
    shown = view_decision(_decision(registry), role=role, case=case)
    assert json.loads(capsys.readouterr().out) == shown


def test_evaluate_full_prints_the_whole_decision(
    registry: PolicyRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", str(VIOLENCE), "--format", "json", "--full"]) == 0
    out = capsys.readouterr().out
    assert out == _decision(registry).model_dump_json(indent=2) + "\n"
    assert "unfavourable_family_environment" in out


def test_evaluate_role_options_are_refused_where_they_do_not_apply(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(VIOLENCE), "--role", "psychologist"]) == 2
    assert main(["evaluate", str(VIOLENCE), "--full"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("--role and --full choose what --format json prints") == 2
    for wrong in (["--role", "psychologist", "--full"], ["--role", "janitor"]):
        with pytest.raises(SystemExit) as done:
            main(["evaluate", str(VIOLENCE), "--format", "json", *wrong])
        assert done.value.code == 2
    err = capsys.readouterr().err
    assert "not allowed with argument --role" in err
    assert "invalid choice: 'janitor'" in err


def test_params_named_lists_only_those(capsys: pytest.CaptureFixture[str]) -> None:
    pid, other = "lv.absence.unjustified_lessons_limit", "bauska.absence.min_age"
    rows = _params(capsys, pid, other, "--municipality", "bauska", "--as-of", "2025-10-01")
    assert [r["id"] for r in rows["parameters"]] == [other, pid]
    assert "bauska.absence.report_board" in rows["parameters"][1]["rules"]
    assert main(["params", other, "--municipality", "bauska", "--as-of", "2010-10-01"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("0 parameters in force on 2010-10-01 for bauska")
    assert f"note: parameter {other} has no value in force on 2010-10-01" in err
    assert main(["params", "lv.absence.unjustified_lesson"]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter 'lv.absence.unjustified_lesson'; known: " in err


# -- worklist ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples as JSON Lines."""
    path = tmp_path_factory.mktemp("worklist") / "cases.jsonl"
    lines = [
        json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n"
        for p in sorted(EXAMPLES.glob("*.json"))
    ]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], {}),
        (["--school", "SCH-PARAUGA-03"], {"school": "SCH-PARAUGA-03"}),
        (
            ["--role", "school_director", "--upcoming", "10"],
            {"role": "school_director", "upcoming": 10},
        ),
        (["--format", "json", "--lang", "lv"], {"fmt": "json", "lang": "lv"}),
    ],
)
def test_worklist_prints_what_run_worklist_writes(
    options: list[str],
    expected: dict[str, Any],
    cases_file: Path,
    registry: PolicyRegistry,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from atbalsts.worklist import run_worklist

    assert main(["worklist", str(cases_file), "--as-of", "2025-10-29", *options]) == 0
    out = capsys.readouterr().out
    written = io.StringIO()
    lines = cases_file.read_text(encoding="utf-8").splitlines(keepends=True)
    arguments: dict[str, Any] = {"lang": "en", **expected}
    counts = run_worklist(lines, written, as_of=date(2025, 10, 29), registry=registry, **arguments)
    assert out == written.getvalue()
    assert counts.overdue > 0  # the examples have late duties: the list is not empty


def test_worklist_exits_2_when_a_line_is_skipped_and_refuses_bad_input(
    cases_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "cases.jsonl"
    broken.write_text(cases_file.read_text(encoding="utf-8") + '{"learner": 7}\n', encoding="utf-8")
    assert main(["worklist", str(broken), "--as-of", "2025-10-29"]) == 2
    out = capsys.readouterr().out
    # the list is still written, naming the line and why, never the value
    assert "1 line not read:\n  line 11: not a valid support case: learner: " in out
    assert main(["worklist", str(broken), "--as-of", "2025-10-29", "--lang", "lv"]) == 2
    out = capsys.readouterr().out
    assert "  11. rinda: nav derīga atbalsta lieta: learner: jābūt objektam (JSON objektam)" in out
    assert main(["worklist", str(cases_file), "--as-of", "2025-10-29", "--role", "janitor"]) == 2
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"x": "\xe2"}\n'.encode("latin-1"))
    assert main(["worklist", str(latin), "--as-of", "2025-10-29"]) == 2
    err = capsys.readouterr().err
    assert "janitor" in err
    assert "not UTF-8" in err
    assert "Traceback" not in err
    for wrong in ([], ["--as-of", "2025-10-29", "--upcoming", "-1"]):
        with pytest.raises(SystemExit) as done:
            main(["worklist", str(cases_file), *wrong])
        assert done.value.code == 2


def test_worklist_says_a_json_document_is_not_json_lines_and_how_to_convert_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bundled examples are pretty-printed: given as they are, the command says the file
    must hold one case per line and how to make it so, in place of 211 unread lines."""
    pretty = tmp_path / "my case.json"
    example = EXAMPLES / "10-parauga-duties-over-time.json"
    pretty.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["worklist", str(pretty), "--as-of", "2025-10-29"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"error: {pretty} is not JSON Lines" in err
    assert "one support case per line" in err
    assert f"jq -c . '{pretty}' > cases.jsonl" in err
    array = tmp_path / "cases.json"
    array.write_text(json.dumps([json.loads(example.read_text(encoding="utf-8"))]) + "\n")
    assert main(["worklist", str(array), "--as-of", "2025-10-29", "--lang", "lv"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"kļūda: {array} nav JSON Lines fails: tajā ir JSON masīvs" in err
    assert f"jq -c '.[]' {array} > lietas.jsonl" in err


@pytest.mark.parametrize("day", ["20251120", "2025-W47-4", "2025-324", "2025-11-20T00:00"])
@pytest.mark.parametrize("command", ["batch", "worklist", "evaluate"])
def test_as_of_is_a_date_written_yyyy_mm_dd_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str, command: str
) -> None:
    """``date.fromisoformat`` takes more than the documented YYYY-MM-DD (basic format, week and
    ordinal dates): every command refuses them as a usage error."""
    source = tmp_path / "cases.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main([command, str(source), "--as-of", day])
    assert done.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_the_command_writes_utf8_to_a_file_whatever_the_code_page(tmp_path: Path) -> None:
    """Run as a program with its output in a file or a pipe, every command writes UTF-8 (JSON,
    CSV and HTML are UTF-8): under a Windows code page, text it lacks ended in a traceback."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "ATBALSTS_LANG": "lv"}
    example = Path("examples/01-bauska-grade7-absences.json").resolve()
    done = subprocess.run(
        [sys.executable, "-m", "atbalsts.cli", "evaluate", str(example)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # UTF-8, not cp1252
    assert "Lēmums par izglītojamo" in text
