"""``--resume`` without ``--as-of`` on an output made with one, and the night's log notes.

A resume checked the date only when ``--as-of`` was given: an output made with ``--as-of
2025-11-20`` and resumed without it went on deciding each remaining case on its own date, and
the file mixed dates. No record says whether the earlier run had ``--as-of``; a decision made
without it is dated its case's latest observation, so a decision kept whose date is another was
made with ``--as-of`` (on that date): the resume is refused, naming the date to give, and the
files are left as they were.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path

import pytest

from atbalsts.batch import BatchFileError, evaluate_file
from atbalsts.cli import main

from .helpers import examples, registry

AS_OF = "2025-11-20"


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, err.getvalue()


def _latest(line: str) -> str:
    return str(max(o["as_of"] for o in json.loads(line)["observations"]))


@pytest.fixture
def night(tmp_path: Path) -> tuple[Path, Path, bytes, bytes]:
    """The examples, the example dated on the night (its latest observation is that day) first;
    the output of a run with ``--as-of`` and a part of it, cut after its fourth line."""
    lines = sorted(examples(), key=lambda line: _latest(line) != AS_OF)
    assert _latest(lines[0]) == AS_OF
    assert _latest(lines[1]) != AS_OF
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    target = tmp_path / "decisions.jsonl"
    assert run("batch", str(source), "--as-of", AS_OF, "-o", str(target), "--jobs", "1")[0] == 0
    whole = target.read_bytes()
    part = b"".join(whole.splitlines(True)[:4])
    assert b'"line":2,' in part
    target.write_bytes(part)
    return source, target, whole, part


def test_a_resume_without_the_date_the_output_was_made_on_is_refused(
    night: tuple[Path, Path, bytes, bytes],
) -> None:
    source, target, _, part = night
    argv = ["batch", str(source), "-o", str(target), "--resume", "--jobs", "1"]
    status, said = run("--lang", "en", *argv)
    assert status == 2
    line = 1 + next(
        n for n, x in enumerate(part.splitlines()) if b'"line":2,' in x
    )  # the first decision kept of a case whose latest observation is not the night's
    assert said == (
        f"error: {target} line {line}: decided as of {AS_OF}, not on its case's latest "
        f"observation: the earlier run was given --as-of {AS_OF}; resume with it, or start "
        "again\n"
    )
    assert target.read_bytes() == part
    status, said = run("--lang", "lv", *argv)
    assert status == 2
    assert said == (
        f"kļūda: {target} rinda {line}: izvērtēšanas datums ir {AS_OF}, nevis lietas pēdējā "
        f"novērojuma datums: iepriekšējā palaišana bija ar --as-of {AS_OF}; turpiniet ar to "
        "vai sāciet no sākuma\n"
    )
    assert target.read_bytes() == part
    assert sorted(p.name for p in target.parent.iterdir()) == ["cases.jsonl", "decisions.jsonl"]


def test_the_library_gives_the_code_and_its_values(
    night: tuple[Path, Path, bytes, bytes],
) -> None:
    source, target, _, part = night
    with pytest.raises(BatchFileError) as caught:
        evaluate_file(source, target, as_of=None, registry=registry(), resume=True)
    assert caught.value.code == "written_with_as_of"
    assert caught.value.values["decided"] == AS_OF
    assert caught.value.values["path"] == str(target)
    assert target.read_bytes() == part


def test_a_resume_with_the_same_date_writes_the_uninterrupted_output(
    night: tuple[Path, Path, bytes, bytes],
) -> None:
    source, target, whole, _ = night
    evaluate_file(source, target, as_of=date.fromisoformat(AS_OF), registry=registry(), resume=True)
    assert target.read_bytes() == whole


def test_an_output_made_without_a_date_resumes_without_one(tmp_path: Path) -> None:
    """Each case on its own date, as the earlier run decided it: nothing to refuse."""
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in examples()), encoding="utf-8")
    target = tmp_path / "decisions.jsonl"
    assert run("batch", str(source), "-o", str(target), "--jobs", "1")[0] == 0
    whole = target.read_bytes()
    target.write_bytes(b"".join(whole.splitlines(True)[:6]))
    assert run("batch", str(source), "-o", str(target), "--resume", "--jobs", "1")[0] == 0
    assert target.read_bytes() == whole


# -- the log names the municipality a misspelt one is close to --------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_log_names_a_close_municipality(tmp_path: Path, jobs: str) -> None:
    """Each decision's note names ``closest``; the counts on standard error said nothing of it.
    With ``--jobs 2`` and no ``--municipality``, this process had loaded no policies itself."""
    case = json.loads(examples()[0])
    case["learner"]["enrolment"]["municipality"] = "bauskaa"
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(case) + "\n" + examples()[0] + "\n", encoding="utf-8")
    argv = ["batch", str(source), "--as-of", AS_OF, "-o", str(tmp_path / "d.jsonl")]
    status, said = run("--lang", "en", *argv, "--jobs", jobs)
    assert status == 0
    assert (
        "note: no installed policy governs municipality 'bauskaa': the national baseline alone "
        "decided 1 case; did you mean 'bauska'?\n"
    ) in said
    status, said = run("--lang", "lv", *argv, "--jobs", jobs)
    assert (
        "piezīme: pašvaldībai 'bauskaa' nav uzstādīta regulējuma: tikai pēc valsts regulējuma "
        "izvērtēto lietu skaits: 1; vai domāts 'bauska'?\n"
    ) in said


def test_the_log_names_no_municipality_where_none_is_close(tmp_path: Path) -> None:
    case = json.loads(examples()[0])
    case["learner"]["enrolment"]["municipality"] = "zzzzzz"
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(case) + "\n", encoding="utf-8")
    argv = ["--lang", "en", "batch", str(source), "--as-of", AS_OF, "--jobs", "1"]
    status, said = run(*argv, "-o", str(tmp_path / "d.jsonl"))
    assert status == 0
    assert "governs municipality 'zzzzzz': the national baseline alone decided 1 case\n" in said
    assert "did you mean" not in said
