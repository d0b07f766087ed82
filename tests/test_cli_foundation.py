"""The foundation of the ``atbalsts`` command: ``schema`` and ``validate``. Bad input exits 2 with
field paths and no traceback."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import atbalsts
from atbalsts.cli import main
from atbalsts.cli._fields import field_reference
from atbalsts.schema import DOCUMENTS, json_schema, schema_text
from atbalsts.testing import scenarios


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English messages; the default language is Latvian."""
    monkeypatch.setenv("ATBALSTS_LANG", "en")


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
    assert bundle == {
        **{name: json_schema(name) for name in DOCUMENTS},
        "scenario-file": scenarios.json_schema(),
    }


def test_schema_output_writes_every_schema_and_the_field_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    assert main(["schema", "-o", str(out_dir)]) == 0
    count = len(DOCUMENTS) + 1
    assert f"wrote {count} schemas and fields.md to {out_dir}" in capsys.readouterr().out
    for name in DOCUMENTS:
        assert (out_dir / f"{name}.schema.json").read_text(encoding="utf-8") == schema_text(name)
    scenario = out_dir / scenarios.SCHEMA_FILE
    assert scenario.read_text(encoding="utf-8") == scenarios.schema_text()
    assert (out_dir / "fields.md").read_text(encoding="utf-8") == field_reference()
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [*(f"{n}.schema.json" for n in DOCUMENTS), scenarios.SCHEMA_FILE, "fields.md"]
    )


def test_schema_scenario_file_prints_the_scenario_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema", "scenario-file"]) == 0
    assert capsys.readouterr().out == scenarios.schema_text()


def test_schema_fields_prints_the_field_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--fields"]) == 0
    assert capsys.readouterr().out == field_reference()
    assert main(["schema", "referral", "--fields"]) == 0
    one = capsys.readouterr().out
    assert one == field_reference("referral")
    assert "## referral" in one
    assert "## decision" not in one
    assert main(["schema", "--fields", "-o", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["fields.md"]


def test_schema_messages_in_latvian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "consent", "-o", str(tmp_path), "--lang", "lv"]) == 0
    assert capsys.readouterr().out == f"ierakstīta 1 shēma mapē {tmp_path}\n"


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
    err = capsys.readouterr().err
    assert "learner: Field required" in err
    assert "give --document referral" in err


def test_validate_without_document_names_the_one_document_the_keys_fit(
    tmp_path: Path,
    case_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A support plan given without --document is not a support case: one line under the
    fields not of a support case says which --document to give, when exactly one other
    document has those top-level keys (and all it requires)."""
    plan = write(tmp_path / "plan.json", case_data["plans"][0])
    assert main(["validate", str(plan)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == (
        f"hint: {plan} looks like a support-plan, not a support-case: give --document support-plan"
    )
    assert sum("hint:" in line for line in lines) == 1
    assert main(["validate", str(plan), "--document", "support-plan"]) == 0
    capsys.readouterr()
    assessment = write(tmp_path / "risk.json", {"learner_id": "L-1", "as_of": "2025-03-03"})
    assert main(["validate", str(assessment)]) == 2
    assert "give --document risk-assessment" in capsys.readouterr().err
    # no hint: the document was named, the keys fit no document, or the keys fit a support case
    broken = copy.deepcopy(case_data)
    broken["learner"]["enrolment"]["grade"] = 99
    for args in (
        [str(plan), "--document", "support-case"],
        [str(write(tmp_path / "other.json", {"learner_id": "L-1", "colour": "red"}))],
        [str(write(tmp_path / "case.json", broken))],
        [str(write(tmp_path / "list.json", [case_data["plans"][0]]))],
    ):
        assert main(["validate", *args]) == 2
        assert "hint:" not in capsys.readouterr().err
    monkeypatch.delenv("ATBALSTS_LANG")
    assert main(["validate", str(plan)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"padoms: {plan} izskatās pēc dokumenta support-plan, nevis support-case: norādiet "
        "--document support-plan"
    )


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


def test_validate_json_format_gives_the_errors_as_data(
    invalid_file: Path, valid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(invalid_file), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["document"] == "support-case"
    paths = [e["path"] for e in report["errors"]]
    assert paths == ["learner.enrolment.grade", "plans[0].measures[1].measure"]
    assert main(["validate", str(valid_file), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "document": "support-case",
        "errors": [],
        "file": str(valid_file),
        "valid": True,
    }


def test_validate_speaks_latvian_by_default(
    valid_file: Path,
    invalid_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG")
    assert main(["validate", str(valid_file)]) == 0
    assert capsys.readouterr().out == f"{valid_file}: derīgs dokuments support-case\n"
    assert main(["validate", str(invalid_file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kļūda: {invalid_file} (support-case) nav derīgs\n")
    assert "  learner.enrolment.grade: " in err


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


# -- the catalog of the command and the demo --------------------------------------------------

PACKAGE = Path(atbalsts.__file__).parent
CLI_PO = PACKAGE / "_explain" / "locales" / "lv" / "LC_MESSAGES" / "atbalsts_cli.po"
CATALOG_FIX = (
    "run the pybabel commands for the atbalsts_cli catalog (CONTRIBUTING.md): extract from "
    "src/atbalsts/cli and src/atbalsts/demo.py, update, translate, compile"
)


def _key(message_id: object) -> object:
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


def _cli_messages() -> set[object]:
    """Every message of the command and the demo, as pybabel extracts them (default keywords)."""
    found = {_key(row[2]) for row in extract_from_dir(str(PACKAGE / "cli"))}
    found |= {_key(row[1]) for row in extract_from_file("python", str(PACKAGE / "demo.py"))}
    return {message for message in found if message}


def test_every_message_of_the_command_and_the_demo_is_translated_to_latvian() -> None:
    with CLI_PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        _key(m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    }
    in_code = _cli_messages()
    assert "usage: " in in_code  # argparse's own words are in the catalog too
    assert ("{n} error", "{n} errors") in in_code
    missing = in_code - translated
    assert not missing, f"untranslated: {sorted(map(str, missing))}; {CATALOG_FIX}"


def test_the_template_of_the_command_catalog_holds_what_the_code_says() -> None:
    """``atbalsts_cli.pot`` is what a translator into a third language starts from: it must list
    every message of the command and the demo, and no message the code no longer has."""
    with (PACKAGE / "_explain" / "locales" / "atbalsts_cli.pot").open("rb") as fh:
        template = {_key(m.id) for m in read_po(fh) if m.id}
    in_code = _cli_messages()
    assert not in_code - template, f"missing from the .pot: {sorted(map(str, in_code - template))}"
    assert not template - in_code, f"stale in the .pot: {sorted(map(str, template - in_code))}"


def test_the_compiled_catalog_of_the_command_matches_its_source() -> None:
    with CLI_PO.open("rb") as fh:
        source = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    expected = {_key(m.id): _key(m.string) for m in read_mo(buffer) if m.id}
    with CLI_PO.with_suffix(".mo").open("rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert compiled == expected, f"atbalsts_cli.mo is stale: {CATALOG_FIX}"
