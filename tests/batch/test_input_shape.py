"""A pretty-printed case or a JSON array given to the batch is refused as a whole (code
``not_json_lines``), as the work list refuses it, and nothing is written: not one ``invalid``
record per line."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from atbalsts.batch import BatchFileError, BatchStopped, evaluate_file, iter_decisions
from atbalsts.cli import main

from .helpers import EXAMPLES, examples, registry

PRETTY = (EXAMPLES / "01-bauska-grade7-absences.json").read_text(encoding="utf-8")
CASE = json.loads(PRETTY)


def _shapes() -> list[tuple[str, str, str]]:
    return [
        (PRETTY, "document", "1"),
        ("\n\n" + PRETTY, "document", "3"),
        (json.dumps([CASE], indent=2), "array", "1"),
        (json.dumps([CASE, CASE]) + "\n", "array", "1"),  # an array on one line
    ]


@pytest.mark.parametrize(("text", "shape", "line"), _shapes())
def test_iter_decisions_refuses_input_that_is_not_json_lines(
    text: str, shape: str, line: str
) -> None:
    records = iter_decisions(text.splitlines(keepends=True), registry=registry())
    with pytest.raises(BatchFileError) as raised:
        next(records)  # not one record: the first is the refusal
    assert raised.value.code == "not_json_lines"
    assert dict(raised.value.values) == {"line": line, "shape": shape}
    assert "one support case per line" in str(raised.value)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("text", "shape", "line"), _shapes())
def test_evaluate_file_writes_nothing_for_input_that_is_not_json_lines(
    tmp_path: Path, text: str, shape: str, line: str, jobs: int
) -> None:
    source, out, bad = tmp_path / "cases.json", tmp_path / "out.jsonl", tmp_path / "bad.jsonl"
    source.write_text(text, encoding="utf-8")
    load = registry() if jobs == 1 else None
    with pytest.raises(BatchFileError) as raised:
        evaluate_file(source, out, as_of=None, registry=load, jobs=jobs, errors=bad, chunk_size=5)
    assert raised.value.code == "not_json_lines"
    assert raised.value.values["shape"] == shape
    assert raised.value.values["path"] == str(source)
    assert not out.exists()
    assert not bad.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left either
    out.write_text("kept\n")  # an existing output is left as it was, with --resume too
    for resume in (False, True):
        with pytest.raises(BatchFileError):
            evaluate_file(source, out, as_of=None, registry=load, jobs=jobs, resume=resume)
        assert out.read_text() == "kept\n"


def test_to_standard_output_nothing_is_written_and_no_error_file_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, bad = tmp_path / "cases.json", tmp_path / "bad.jsonl"
    source.write_text(PRETTY, encoding="utf-8")
    with pytest.raises(BatchFileError):
        evaluate_file(source, None, as_of=None, registry=registry(), errors=bad)
    assert capsys.readouterr().out == ""
    assert not bad.exists()


def test_a_case_anywhere_makes_it_json_lines_with_bad_lines(tmp_path: Path) -> None:
    """Only input that gives no case at all is refused: an array whose last element is a whole
    case on a line of its own, or a broken first line among cases, is read line by line."""
    one = examples()[0]
    for lines in (["[\n", one + ",\n", one + "\n", "]\n"], ["{\n", one + "\n"], ["{broken\n"]):
        records = list(iter_decisions(lines, registry=registry()))
        summary = records[-1].stats
        assert summary is not None
        assert summary.invalid >= 1
        kinds = [r.kind for r in records if r.kind in ("decision", "invalid", "error")]
        assert len(kinds) == sum(1 for line in lines if line.strip())
    # held back while in doubt, then written in order once a case is found
    lines = ["{\n", '  "x": 1\n', one + "\n"]
    numbers = [r.line for r in iter_decisions(lines, registry=registry()) if r.kind != "summary"]
    assert numbers[:2] == [1, 2]
    assert numbers[-1] == 3


def test_a_stop_while_in_doubt_still_stops() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(BatchStopped):
        list(iter_decisions(PRETTY.splitlines(keepends=True), registry=registry(), stop=stop))


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_the_command_says_it_is_not_json_lines_and_how_to_convert_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    source, out = tmp_path / "my case.json", tmp_path / "out.jsonl"
    source.write_text(PRETTY, encoding="utf-8")
    assert main(["--lang", lang, "batch", str(source), "-o", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert not out.exists()
    assert f"jq -c . '{source}' > {'cases' if lang == 'en' else 'lietas'}.jsonl" in err
    if lang == "en":
        assert f"error: {source} is not JSON Lines" in err
        assert "one support case per line" in err
    else:
        assert f"kļūda: {source} nav JSON Lines fails" in err
    assert "invalid" not in err
    assert "nederīg" not in err
    array = tmp_path / "cases.json"
    array.write_text(json.dumps([CASE]) + "\n", encoding="utf-8")
    assert main(["--lang", lang, "batch", str(array)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert f"jq -c '.[]' {array}" in err
