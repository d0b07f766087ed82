"""The foundation of the ``atbalsts`` command: ``schema`` and ``validate``. Bad input exits 2 with
field paths and no traceback."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from atbalsts.cli import main
from atbalsts.schema import DOCUMENTS, json_schema, schema_text


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def valid_file(tmp_path: Path, case_data: dict[str, Any]) -> Path:
    return write(tmp_path / "case.json", case_data)


@pytest.fixture
def invalid_file(tmp_path: Path, case_data: dict[str, Any]) -> Path:
    data = copy.deepcopy(case_data)
    data["plans"][0]["measures"][1]["measure"] = 7
    data["learner"]["enrolment"]["grade"] = "eighth"
    return write(tmp_path / "bad.json", data)


# -- schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_schema_name_prints_that_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", name]) == 0
    out, err = capsys.readouterr()
    assert out == schema_text(name)
    assert json.loads(out) == json_schema(name)
    assert err == ""


def test_schema_without_name_prints_every_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle == {name: json_schema(name) for name in DOCUMENTS}


def test_schema_output_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    assert main(["schema", "-o", str(out_dir)]) == 0
    assert f"wrote {len(DOCUMENTS)} schema(s)" in capsys.readouterr().out
    for name in DOCUMENTS:
        assert (out_dir / f"{name}.schema.json").read_text(encoding="utf-8") == schema_text(name)


def test_unknown_schema_name_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "nope", "-o", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "error: unknown document 'nope'" in err
    assert "support-case" in err  # lists the known names
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


# -- validate ----------------------------------------------------------------------------------


def test_validate_valid_file_exits_0(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(valid_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{valid_file}: valid support-case\n"
    assert err == ""


def test_validate_other_document_types(
    tmp_path: Path, case_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    referral = write(tmp_path / "referral.json", case_data["referrals"][0])
    assert main(["validate", str(referral), "--document", "referral"]) == 0
    assert "valid referral" in capsys.readouterr().out
    # A referral is not a support case.
    assert main(["validate", str(referral)]) == 2
    assert "learner: Field required" in capsys.readouterr().err


def test_validate_invalid_file_prints_field_paths(
    invalid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(invalid_file)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"error: {invalid_file} (support-case) is invalid"
    assert lines[1].startswith("  learner.enrolment.grade: ")
    assert lines[2].startswith("  plans[0].measures[1].measure: ")
    assert len(lines) == 3
    assert "Traceback" not in err


def test_validate_accepts_a_byte_order_mark(
    tmp_path: Path, case_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(case_data, ensure_ascii=False).encode("utf-8-sig"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid support-case\n"


def test_validate_malformed_json_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"learner": {', encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is invalid" in err
    assert "Invalid JSON" in err
    assert "Traceback" not in err


def test_validate_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot read {missing}")
    assert "Traceback" not in err


def test_validate_unknown_document_type_is_a_usage_error(
    valid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", str(valid_file), "--document", "nope"])
    assert info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: atbalsts" in capsys.readouterr().err


# -- as a separate process ---------------------------------------------------------------------


def _commands() -> list[list[str]]:
    script = Path(sys.executable).parent / "atbalsts"
    module = [sys.executable, "-m", "atbalsts.cli"]
    return [[str(script)], module] if script.exists() else [module]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: Path(c[0]).name)
def test_process_exit_status_and_no_traceback(
    command: list[str], invalid_file: Path, valid_file: Path
) -> None:
    bad = subprocess.run(
        [*command, "validate", str(invalid_file)], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    assert "plans[0].measures[1].measure" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout

    good = subprocess.run(
        [*command, "validate", str(valid_file)], capture_output=True, text=True, timeout=60
    )
    assert (good.returncode, good.stderr) == (0, "")
    assert "valid support-case" in good.stdout
