"""``atbalsts batch`` on several processes, its records, its error file and ``--resume``.

Worker processes are started with ``spawn`` (a second or two each), so the tests that start them
are few and share their inputs; the properties run in this process (``jobs=1``), which gives
the same records byte for byte.
"""

from __future__ import annotations

import functools
import io
import json
import multiprocessing
import signal
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from atbalsts import PolicyRegistry, batch
from atbalsts.batch import (
    CHUNK_SIZE,
    MAX_ERROR_MESSAGE,
    BatchStopped,
    WorkerError,
    evaluate_file,
    evaluate_lines,
    expand_records,
    iter_decisions,
    record_schema,
    record_schema_text,
)
from atbalsts.cli import main

from .helpers import ROOT, examples, registry

SCHEMA = ROOT / "schemas" / "batch-record.schema.json"
REGENERATE = (
    ".venv/bin/python -c \"import atbalsts.batch as b; print(b.record_schema_text(), end='')\" "
    "> schemas/batch-record.schema.json"
)
AS_OF = date(2025, 3, 3)


def no_observations() -> str:
    case = json.loads(examples()[0])
    case["observations"] = []
    return json.dumps(case, ensure_ascii=False)


#: One line of each kind: decided, invalid, not JSON, blank, without a date (an error record
#: when no date is given), a free text with the line separators str.splitlines() splits on.
KINDS: dict[str, str] = {
    "decided": "",  # an example, chosen by position
    "invalid": '{"learner": {}}',
    "not-json": "{not json",
    "blank": "  ",
    "no-date": "",
    "separator": "",
}


def line_of(kind: str, i: int) -> str:
    if kind == "decided":
        return examples()[i % len(examples())]
    if kind == "no-date":
        return no_observations()
    if kind == "separator":
        case = json.loads(examples()[2])
        case["observations"][0]["suspected_threats"][0]["note"] = "one\u2028two\u2029three"
        return json.dumps(case, ensure_ascii=False)
    return KINDS[kind]


KIND = st.sampled_from(sorted(KINDS))


def mixed(count: int) -> list[str]:
    """``count`` lines of every kind, mostly decided ones."""
    kinds = ["decided"] * 6 + ["invalid", "blank", "no-date", "not-json", "separator"]
    return [line_of(kinds[i % len(kinds)], i) for i in range(count)]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def records_of(text: str) -> list[dict[str, Any]]:
    """The records of batch output as written (rule tables included), read on newline only."""
    return [json.loads(line) for line in text.split("\n") if line]


def expanded_of(text: str) -> list[dict[str, Any]]:
    """The records of batch output with every decision as the whole Decision document (and its
    ``line`` first), the rule tables read, not given: :func:`expand_records`."""
    return list(expand_records(text.split("\n")))


def is_table(record: dict[str, Any]) -> bool:
    return "rule_table" in record and "line" not in record


# -- several processes give the records of one ---------------------------------------------------


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More lines than one chunk (CHUNK_SIZE), so that the workers start."""
    return write_lines(
        tmp_path_factory.mktemp("parallel") / "cases.jsonl", mixed(2 * CHUNK_SIZE + 37)
    )


def test_two_jobs_write_the_output_of_one_byte_for_byte(big_input: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["batch", str(big_input), "--jobs", "1", "-o", str(one)]) == 2
    assert main(["batch", str(big_input), "--jobs", "2", "-o", str(two)]) == 2
    assert one.read_bytes() == two.read_bytes()
    assert one.stat().st_mode & 0o777 == 0o600
    records = expanded_of(two.read_text(encoding="utf-8"))
    lines = big_input.read_text(encoding="utf-8").split("\n")[:-1]
    numbered = [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert [r["line"] for r in records[:-1]] == numbered
    assert records[-1]["summary"]["lines"] == len(lines)
    assert records[-1]["summary"]["evaluated"] == sum("learner_id" in r for r in records)


def test_the_api_gives_the_same_records_on_one_process_and_on_two() -> None:
    lines = mixed(60)
    here = [r.text for r in iter_decisions(lines, registry=registry())]
    for size in (3, 59):
        apart = iter_decisions(lines, registry=PolicyRegistry.load, jobs=2, chunk_size=size)
        assert [r.text for r in apart] == here, size
    assert multiprocessing.active_children() == []  # the workers are gone


def test_a_stop_ends_the_workers_and_writes_nothing(big_input: Path, tmp_path: Path) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(line: int) -> None:
        seen.append(line)
        if line > 100:
            stop.set()

    target = tmp_path / "out.jsonl"
    with pytest.raises(BatchStopped):
        evaluate_file(
            big_input,
            target,
            as_of=AS_OF,
            registry=PolicyRegistry.load,
            jobs=2,
            chunk_size=50,
            stop=stop,
            progress=progress,
        )
    assert seen
    assert list(tmp_path.iterdir()) == []
    assert multiprocessing.active_children() == []


def test_closing_the_iterator_early_ends_the_workers() -> None:
    records = iter_decisions(mixed(40), registry=PolicyRegistry.load, jobs=2, chunk_size=5)
    first = next(records)
    assert first.line == 1
    records.close()
    assert multiprocessing.active_children() == []


def test_a_worker_that_cannot_load_the_policies_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # what a worker process runs, here (where it may not touch this process's Ctrl-C)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(signal, "pthread_sigmask", lambda *args: set(), raising=False)
    broken = functools.partial(PolicyRegistry.load, plugins=5)  # not a sequence of plugins
    tasks, _ = multiprocessing.Pipe(duplex=False)
    results, results_in = multiprocessing.Pipe(duplex=False)
    settings = batch._Settings(AS_OF, False, None, numbered=True)
    batch._work(tasks, results_in, broken, settings)
    assert results.recv() == "could not load the policies: TypeError: 'int' object is not iterable"


def _only_here() -> PolicyRegistry:
    """A loader a worker process cannot import: this test module is not importable there."""
    return registry()


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_worker_that_dies_ends_the_run(jobs: int) -> None:
    # with three jobs, the other worker is ended too when the first to be heard from failed
    with pytest.raises(WorkerError, match="ended unexpectedly"):
        list(iter_decisions(mixed(12), registry=_only_here, jobs=jobs, chunk_size=3))
    assert multiprocessing.active_children() == []


def _long_failure() -> PolicyRegistry:
    raise ValueError("no policies here " * 20_000)


def test_a_worker_that_cannot_load_says_so_in_a_few_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long error must not fill the pipe the main process reads only after the input."""
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    monkeypatch.setattr(signal, "pthread_sigmask", lambda *args: set(), raising=False)
    tasks, _ = multiprocessing.Pipe(duplex=False)
    results, results_in = multiprocessing.Pipe(duplex=False)
    settings = batch._Settings(AS_OF, False, None, numbered=True)
    batch._work(tasks, results_in, _long_failure, settings)
    said = results.recv()
    assert said.startswith("could not load the policies: ValueError: no policies here")
    assert len(said) <= len("could not load the policies: ValueError: ") + MAX_ERROR_MESSAGE


def test_what_cannot_reach_a_worker_is_refused_before_the_run() -> None:
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        iter_decisions([], registry=registry(), jobs=2)
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        iter_decisions([], registry=lambda: registry(), jobs=2)
    with pytest.raises(ValueError, match="jobs must be 1 or more"):
        iter_decisions([], registry=registry(), jobs=0)


# -- the records ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(KIND, max_size=14))
def test_every_line_has_its_record_and_the_summary_counts_them(kinds: list[str]) -> None:
    lines = [line_of(k, i) for i, k in enumerate(kinds)]
    records = list(iter_decisions(lines, registry=registry()))
    *written, summary = records
    assert summary.kind == "summary"
    assert summary.line is None
    assert summary.stats is not None
    # a rule table comes once, right before the first decision naming it, with its line
    tables = [r for r in written if r.kind == "rule_table"]
    body = [r for r in written if r.kind != "rule_table"]
    assert len({r.table for r in tables}) == len(tables)
    for at, record in enumerate(written):
        data = json.loads(record.text)
        if record.kind == "rule_table":
            after = written[at + 1]
            assert (after.kind, after.line) == ("decision", record.line)
            assert json.loads(after.text)["policy"] == record.table == data["rule_table"]
            assert "line" not in data
        else:
            assert record.table is None
            assert data["line"] == record.line
            assert next(iter(data)) == "line" or record.kind != "decision"  # the line first
    assert [r.line for r in body] == [n for n, k in enumerate(kinds, 1) if k != "blank"]
    expected = {"decided": "decision", "separator": "decision", "no-date": "error"}
    assert [r.kind for r in body] == [expected.get(k, "invalid") for k in kinds if k != "blank"]
    # a decision is the Decision document of evaluate_lines with "line" put first: byte for
    # byte when self-contained, as data once its rule table is read
    plain = io.StringIO()
    evaluate_lines(lines, plain, as_of=None, registry=registry())
    # the same records, but a case without a date asks each caller for the date its own way:
    # the command's option, or the parameter of evaluate_lines (and of the HTTP service)
    asked = plain.getvalue()
    assert ("give one (as_of)" in asked) is ("no-date" in kinds)
    assert "--as-of" not in asked
    documents = asked.replace("give one (as_of)", "give one (--as-of)").split("\n")[:-1]
    whole = list(iter_decisions(lines, registry=registry(), self_contained=True))
    assert [(r.kind, r.line) for r in whole] == [(r.kind, r.line) for r in [*body, summary]]
    read = list(expand_records(r.text for r in records))
    for record, full, data, document in zip(body, whole, read, documents, strict=False):
        if record.kind == "decision":
            assert full.text == f'{{"line":{record.line},{document[1:]}'
            assert data == {"line": record.line, **json.loads(document)}
            assert next(iter(data)) == "line"
        else:
            assert record.text == full.text == document
            assert data == json.loads(document)
    assert len(read) == len(body) + 1
    assert len(documents) == len(body)
    assert read[-1] == json.loads(summary.text) == json.loads(whole[-1].text)
    counts = json.loads(summary.text)["summary"]
    assert counts["lines"] == len(kinds)
    assert counts["evaluated"] == kinds.count("decided") + kinds.count("separator")
    assert counts["invalid"] == kinds.count("invalid") + kinds.count("not-json")
    assert counts["errors"] == kinds.count("no-date")


def test_every_record_shape_validates_against_the_published_schema(
    big_input: Path, tmp_path: Path
) -> None:
    validator = Draft202012Validator(record_schema())
    lines = [*mixed(22), line_of("no-date", 0)]
    texts = [r.text for r in iter_decisions(lines, registry=registry())]
    traced = [r.text for r in iter_decisions(mixed(3), registry=registry(), trace=True)]
    whole = [r.text for r in iter_decisions(mixed(3), registry=registry(), self_contained=True)]
    kinds = set()
    names = ("summary", "invalid", "error", "learner_id", "rule_table")
    for text in [*texts, *traced, *whole]:
        record = json.loads(text)
        errors = sorted(validator.iter_errors(record), key=str)
        assert not errors, (text[:80], errors[0].message if errors else "")
        kinds.add(next(k for k in names if k in record))
    assert kinds == set(names)
    # and the schema tells the kinds apart: a decision without its line is none of them
    decision = next(r for r in map(json.loads, texts) if "learner_id" in r)
    del decision["line"]
    assert not validator.is_valid(decision)
    assert not validator.is_valid({"line": 1})


def test_the_committed_schema_of_the_records_is_up_to_date() -> None:
    Draft202012Validator.check_schema(record_schema())
    assert SCHEMA.read_text(encoding="utf-8") == record_schema_text(), (
        f"{SCHEMA.name} is stale: the Decision or the batch records changed. Run `{REGENERATE}`"
    )


def test_read_on_newline_a_line_separator_in_a_string_stays_in_its_record(tmp_path: Path) -> None:
    text = '{"line": 1, "note": "one\u2028two"}\n{"line": 2}\n'
    assert len(text.splitlines()) == 3  # the trap the documentation warns about
    path = tmp_path / "out.jsonl"
    path.write_text(text, encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        assert [json.loads(line)["line"] for line in handle] == [1, 2]
    assert [json.loads(line)["line"] for line in text.split("\n") if line] == [1, 2]


# -- the error file ---------------------------------------------------------------------------


def test_bad_lines_go_to_the_error_file_with_their_numbers(tmp_path: Path) -> None:
    lines = mixed(23)
    source = write_lines(tmp_path / "cases.jsonl", lines)
    whole, out, bad = tmp_path / "whole.jsonl", tmp_path / "out.jsonl", tmp_path / "bad.jsonl"
    assert main(["batch", str(source), "--jobs", "1", "-o", str(whole)]) == 2
    assert main(["batch", str(source), "--jobs", "1", "-o", str(out), "--errors", str(bad)]) == 2
    everything = expanded_of(whole.read_text(encoding="utf-8"))
    decided = expanded_of(out.read_text(encoding="utf-8"))  # its rule tables are in it
    refused = records_of(bad.read_text(encoding="utf-8"))
    assert bad.stat().st_mode & 0o777 == 0o600
    assert all("learner_id" in r for r in decided[:-1])
    # the rule tables stay with the decisions: the same as in the output without an error file
    tables = [r for r in records_of(out.read_text(encoding="utf-8")) if is_table(r)]
    assert tables
    assert tables == [r for r in records_of(whole.read_text(encoding="utf-8")) if is_table(r)]
    assert refused
    assert all("invalid" in r or "error" in r for r in refused)
    assert decided[-1] == everything[-1]  # the same summary: nothing dropped
    # never silently dropped: together they hold the record of every non-blank line
    merged = sorted(decided[:-1] + refused, key=lambda r: r["line"])
    assert merged == everything[:-1]


def test_beside_standard_output_the_error_file_is_written_as_the_records_come(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", mixed(12))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("the night before\n", encoding="utf-8")
    bad.chmod(0o644)
    assert main(["batch", str(source), "--jobs", "1", "--errors", str(bad)]) == 2
    decided = expanded_of(capsys.readouterr().out)
    refused = records_of(bad.read_text(encoding="utf-8"))
    assert bad.stat().st_mode & 0o777 == 0o600  # a new private file, not the old one
    assert [r["line"] for r in refused] == [7, 9, 10]  # invalid, no date, not JSON
    assert all("learner_id" in r for r in decided[:-1])
    assert decided[-1]["summary"] == {
        "errors": 1,
        "evaluated": 8,
        "incomplete": 0,
        "invalid": 2,
        "lines": 12,
        "without_data": decided[-1]["summary"]["without_data"],
        "without_policy": decided[-1]["summary"]["without_policy"],
    }


def test_the_error_file_may_be_neither_the_input_nor_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", mixed(3))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(out), "--errors", str(source)]) == 2
    assert main(["batch", str(source), "-o", str(out), "--errors", str(out)]) == 2
    assert main(["batch", str(source), "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("must be neither the input nor the output") == 2
    assert "--resume continues an output file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


def test_jobs_must_be_a_whole_number_from_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", mixed(1))
    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as done:
            main(["batch", str(source), "--jobs", bad])
        assert done.value.code == 2
    assert capsys.readouterr().err.count("not a whole number of at least 1") == 3


# -- resume -----------------------------------------------------------------------------------


@functools.cache
def resumable(kinds: tuple[str, ...]) -> tuple[str, bytes, bytes, bytes]:
    """The input of ``kinds``, its whole output, and its output and error file apart."""
    text = "".join(line_of(k, i) + "\n" for i, k in enumerate(kinds))
    with tempfile.TemporaryDirectory(prefix="atbalsts-resume-") as name:
        folder = Path(name)
        source = folder / "cases.jsonl"
        source.write_text(text, encoding="utf-8")
        evaluate_file(source, folder / "whole", as_of=None, registry=registry())
        bad = folder / "bad"
        evaluate_file(source, folder / "out", as_of=None, registry=registry(), errors=bad)
        parts = [(folder / name).read_bytes() for name in ("whole", "out", "bad")]
    return text, parts[0], parts[1], parts[2]


def resume_input(factory: pytest.TempPathFactory, text: str) -> tuple[Path, Path]:
    """A new folder with the input ``text`` written in it, and the input's path."""
    folder = factory.mktemp("resume")
    source = folder / "cases.jsonl"
    source.write_text(text, encoding="utf-8")
    return folder, source


_RESUMES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

RESUMED = tuple(["decided", "invalid", "blank", "decided", "no-date", "decided", "separator"] * 2)


@_RESUMES
@given(data=st.data())
def test_a_resumed_output_is_the_output_of_an_uninterrupted_run(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    text, whole, _, _ = resumable(RESUMED)
    folder, source = resume_input(tmp_path_factory, text)
    target = folder / "out.jsonl"
    cut = data.draw(st.integers(0, len(whole)), label="bytes kept")
    target.write_bytes(whole[:cut])
    summary = evaluate_file(source, target, as_of=None, registry=registry(), resume=True)
    assert target.read_bytes() == whole
    assert summary.lines == text.count("\n")


@_RESUMES
@given(data=st.data())
def test_a_resumed_output_and_error_file_are_those_of_an_uninterrupted_run(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    text, _, out, bad = resumable(RESUMED)
    folder, source = resume_input(tmp_path_factory, text)
    target, errors = folder / "out.jsonl", folder / "bad.jsonl"
    cut = data.draw(st.integers(0, len(out)), label="output bytes kept")
    kept = records_of(out[:cut].rpartition(b"\n")[0].decode("utf-8"))
    reached = max((r["line"] for r in kept if "line" in r), default=0)
    # the error file holds at least the records of the lines the output reached (the batch
    # flushes it before each decision), and may run further
    needed = sum(len(x) + 1 for x in bad.split(b"\n")[:-1] if json.loads(x)["line"] < reached)
    cut_bad = data.draw(st.integers(needed, len(bad)), label="error file bytes kept")
    target.write_bytes(out[:cut])
    errors.write_bytes(bad[:cut_bad])
    evaluate_file(source, target, as_of=None, registry=registry(), errors=errors, resume=True)
    assert target.read_bytes() == out
    assert errors.read_bytes() == bad


def test_resume_refuses_an_output_that_is_not_of_this_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, whole, out, _ = resumable(RESUMED)
    _, longer_whole, _, _ = resumable((*RESUMED, "decided"))
    source = tmp_path / "cases.jsonl"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    table, first, second = whole.split(b"\n")[:3]
    assert is_table(json.loads(table))  # the rule table of line 1's decision, before it
    assert json.loads(first)["policy"] == json.loads(table)["rule_table"]
    cases = [
        whole + whole,  # a summary before the last line
        table + b"\n" + second + b"\n" + first + b"\n",  # out of order
        b"not json\n" + whole,
        out,  # its error file is missing: the record of the invalid line 2 would be lost
        table + b"\n" + first.replace(b'"line":1,', b'"line":3,') + b"\n",  # none for line 1
        table + b"\n" + first + b"\n" + second + b'\n{"line": 3, "invalid": []}\n',  # blank
        longer_whole,  # of an input with a line more
    ]
    for earlier in cases:
        target.write_bytes(earlier)
        assert main(["batch", str(source), "-o", str(target), "--resume", "--jobs", "1"]) == 2
        assert target.read_bytes() == earlier  # left as it was
    err = capsys.readouterr().err
    assert "a summary before the last line" in err
    assert "not a batch record of a later input line" in err
    assert "line 1 is not a whole JSON record" in err
    assert "input line 2 is not blank but has no record" in err
    assert "input line 1 is not blank but has no record" in err
    assert "input line 3 is blank but has a record" in err
    assert "reached input line 15 but the input has 14 lines: it is not this input's" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl", "out.jsonl"]


def test_resume_refuses_another_input_of_the_same_layout_and_other_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier output of another input whose lines are laid out alike (a case where a case
    was, a blank line where one was), or made on another date or in the other form, is not
    continued: mixing them would give records that name the wrong learner for their line."""
    text, whole, _, _ = resumable(RESUMED)
    swapped = text.split("\n")
    swapped[0], swapped[3] = swapped[3], swapped[0]  # two decided cases change places
    assert json.loads(swapped[0])["learner"]["id"] != json.loads(swapped[3])["learner"]["id"]
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join(swapped), encoding="utf-8")
    source = tmp_path / "cases.jsonl"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    cut = whole[: whole.rindex(b"\n", 0, len(whole) // 2) + 1]
    runs = [
        (other, []),
        (source, ["--as-of", "2025-11-03"]),  # the earlier run decided each on its own date
        (source, ["--self-contained"]),
    ]
    for path, options in runs:
        target.write_bytes(cut)
        args = ["batch", str(path), "-o", str(target), "--resume", "--jobs", "1", *options]
        assert main(args) == 2
        assert target.read_bytes() == cut  # left as it was
    err = capsys.readouterr().err
    assert "input line 1 is not the case the earlier output decided there" in err
    assert "not 2025-11-03 (--as-of)" in err
    assert "written without --self-contained" in err


def test_resume_reads_a_learner_id_its_input_escapes(tmp_path: Path) -> None:
    """The same input with each learner id written with JSON escapes (``L\\u002d0001``) is the
    same input: resumed, it gives the uninterrupted output."""
    text, whole, _, _ = resumable(RESUMED)
    escaped = []
    for line in text.split("\n"):
        if line.startswith("{") and '"learner": {"id": "' in line:
            head, _, rest = line.partition('"learner": {"id": "')
            ident, _, tail = rest.partition('"')
            line = head + '"learner": {"id": "' + ident.replace("-", "\\u002d") + '"' + tail
        escaped.append(line)
    assert "\\u002d" in "\n".join(escaped)
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(escaped), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    target.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) // 2) + 1])
    assert main(["batch", str(source), "-o", str(target), "--resume", "--jobs", "1"]) == 2
    assert target.read_bytes() == whole


def test_resume_without_an_earlier_output_starts_at_the_beginning(tmp_path: Path) -> None:
    text, whole, _, _ = resumable(RESUMED)
    source = tmp_path / "cases.jsonl"
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(target), "--resume"]) == 2
    assert target.read_bytes() == whole


def test_a_longer_input_is_decided_on_from_where_the_output_ended(tmp_path: Path) -> None:
    text, whole, _, _ = resumable(RESUMED)
    longer, longer_whole, _, _ = resumable((*RESUMED, "decided", "blank", "invalid"))
    source = tmp_path / "cases.jsonl"
    source.write_text(longer, encoding="utf-8")
    assert longer.startswith(text)
    target = tmp_path / "out.jsonl"
    target.write_bytes(whole)  # complete, with its summary: the new lines come after it
    assert main(["batch", str(source), "-o", str(target), "--resume"]) == 2
    assert target.read_bytes() == longer_whole


# -- progress -----------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_a_pipe_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", mixed(12))
    assert main(["batch", str(source), "-o", str(tmp_path / "a")]) == 2
    piped = capsys.readouterr().err
    assert piped.count("\n") == piped.count("note:") + 1  # the one line of counts, and notes
    assert "\r" not in piped
    pytest.importorskip("tqdm", reason="tqdm draws the bar")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["batch", str(source), "-o", str(tmp_path / "b")]) == 2
    shown = terminal.getvalue()
    assert "\r" in shown
    assert "/12" in shown
    assert "8 evaluated, 2 invalid, 1 error, 0 incomplete" in shown


def test_progress_reaches_every_line(tmp_path: Path) -> None:
    lines = mixed(12)
    source = write_lines(tmp_path / "cases.jsonl", lines)
    seen: list[int] = []
    evaluate_file(source, tmp_path / "out", as_of=None, registry=registry(), progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == len(lines)


def test_a_stop_ends_the_records_of_two_processes_at_once() -> None:
    """Once ``stop`` is set, not one more record comes out, also of the chunks another process
    had already decided (they came out until the queue was empty)."""
    lines = list(examples()) * 30
    stop = threading.Event()
    records = iter_decisions(lines, registry=PolicyRegistry.load, jobs=2, chunk_size=5, stop=stop)
    for _ in range(40):
        next(records)
    stop.set()
    with pytest.raises(BatchStopped):
        next(records)
    assert multiprocessing.active_children() == []
