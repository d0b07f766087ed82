"""``atbalsts batch`` when things go wrong: a stop signal, an exception in the engine, a policy set
that cannot be built. The output is complete or absent, and one bad line never stops the rest."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts import PolicyRegistry, PolicySet, SupportCase
from atbalsts.batch import (
    MAX_ERROR_MESSAGE,
    BatchStopped,
    decision_notes,
    evaluate_file,
    evaluate_lines,
    expand_records,
    iter_decisions,
)
from atbalsts.cli import main
from atbalsts.engine import Evaluation
from atbalsts.testing.strategies import support_cases

from .helpers import examples, registry

AS_OF = date(2025, 3, 3)


def with_id(line: str, learner_id: str) -> str:
    data = json.loads(line)
    data["learner"]["id"] = learner_id
    return json.dumps(data, ensure_ascii=False)


# -- signals, in a real process ----------------------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).parent / "atbalsts"
    return [str(script)] if script.exists() else [sys.executable, "-m", "atbalsts.cli"]


def _feed(fifo: Path, chunk: str) -> None:
    """Write ``chunk`` into ``fifo`` again and again until the reader goes away: an endless input,
    so the batch is surely still deciding when the signal comes."""
    with contextlib.suppress(BrokenPipeError), fifo.open("w", encoding="utf-8") as pipe:
        while True:
            pipe.write(chunk)


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Let the child get the default Ctrl-C handling even if this process ignores SIGINT (as a
    background job of a script does): an ignored signal stays ignored across exec."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait_for(
    condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the batch ended early ({process.returncode}): {process.stderr}")
        if time.monotonic() > deadline:
            pytest.fail("the batch wrote nothing in time")
        time.sleep(0.02)


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started that are still running (Linux; empty elsewhere)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.update(int(x) for x in task.read_text().split())
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX signals and named pipes")
@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "two-workers"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-output", "earlier-output"])
@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130)],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_stopped_batch_leaves_the_complete_output_or_nothing(
    tmp_path: Path, signum: signal.Signals, status: int, existing: bool, jobs: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    source = tmp_path / "cases.jsonl"
    os.mkfifo(source)
    target = work / "decisions.jsonl"
    if existing:
        target.write_text("earlier results\n", encoding="utf-8")
    with _interruptible():
        process = subprocess.Popen(
            [
                *_command(),
                "batch",
                str(source),
                "--as-of",
                "2025-03-03",
                "-o",
                str(target),
                "--jobs",
                jobs,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    feeder = threading.Thread(
        target=_feed, args=(source, "\n".join(list(examples()) * 50) + "\n"), daemon=True
    )
    feeder.start()

    def decisions_on_disk() -> bool:  # personal data, in the temporary file, before the signal
        parts = [p for p in work.iterdir() if p.name.endswith(".part")]
        return any(p.stat().st_size > 0 for p in parts)

    try:
        _wait_for(decisions_on_disk, process)
        assert process.poll() is None
        workers = _children(process.pid)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError):  # release a feeder still waiting for a reader
            os.close(os.open(source, os.O_RDONLY | os.O_NONBLOCK))
        feeder.join(timeout=10)
    assert process.returncode == status
    assert err == "interrupted: no output written\n"  # and nothing from the workers
    if Path("/proc").is_dir() and jobs == "2":
        assert len(workers) >= 2  # the two workers (and multiprocessing's resource tracker)
    deadline = time.monotonic() + 30
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, workers)), "a worker process outlived the batch"
    assert out == ""
    assert sorted(p.name for p in work.iterdir()) == (["decisions.jsonl"] if existing else [])
    if existing:
        assert target.read_text(encoding="utf-8") == "earlier results\n"


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
@pytest.mark.parametrize("delay", [0.0, 1.0, 3.0], ids=["at-once", "workers-starting", "later"])
def test_ctrl_c_at_a_terminal_reaches_the_workers_too_and_only_the_batch_speaks(
    tmp_path: Path, delay: float
) -> None:
    # A terminal sends Ctrl-C to every process of the foreground group: the workers too, even
    # while they are still importing. Only the batch's own line may reach standard error.
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(list(examples()) * 2000) + "\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    with _interruptible():
        process = subprocess.Popen(
            [*_command(), "batch", str(source), "-o", str(work / "out"), "--jobs", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own group, as a shell gives a foreground job
        )
    try:
        # the batch is ready for Ctrl-C once it has its temporary file
        _wait_for(lambda: any(work.iterdir()), process)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode in (0, -signal.SIGINT):  # it was done before the signal came
        assert list(work.iterdir()) == [work / "out"]
        return
    assert (process.returncode, out, err) == (130, "", "interrupted: no output written\n")
    assert list(work.iterdir()) == []


def test_the_batch_handles_sigterm_and_puts_the_previous_handler_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(examples()[0] + "\n", encoding="utf-8")
    during: list[object] = []
    original = PolicySet.run

    def run(self: PolicySet, case: SupportCase, as_of: date, **kw: Any) -> Evaluation:
        during.append(signal.getsignal(signal.SIGTERM))
        return original(self, case, as_of, **kw)

    monkeypatch.setattr(PolicySet, "run", run)
    before = signal.getsignal(signal.SIGTERM)
    assert before is signal.SIG_DFL
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(tmp_path / "o")]) == 0
    assert len(during) == 1
    assert callable(during[0])  # ours, while the batch runs
    assert signal.getsignal(signal.SIGTERM) is before


def test_ctrl_c_inside_the_batch_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = list(examples())
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join([*lines, with_id(lines[0], "L-STOP"), *lines]) + "\n")
    original = PolicySet.run

    def run(self: PolicySet, case: SupportCase, as_of: date, **kw: Any) -> Evaluation:
        if case.learner.id == "L-STOP":
            raise KeyboardInterrupt
        return original(self, case, as_of, **kw)

    monkeypatch.setattr(PolicySet, "run", run)
    work = tmp_path / "work"
    work.mkdir()
    try:
        status = main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(work / "out")])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped from main: Python prints a traceback")
    assert status == 130
    assert list(work.iterdir()) == []
    assert capsys.readouterr().err == "interrupted: no output written\n"


@pytest.mark.parametrize("last", [False, True], ids=["mid-batch", "last-line"])
def test_an_interrupt_that_is_swallowed_still_stops_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], last: bool
) -> None:
    # pydantic-core swallows an exception raised in Python code it calls back (seen with
    # SIGTERM during model_dump_json); the signal must still stop the batch, with nothing written
    lines = list(examples())
    signalled = with_id(lines[0], "L-SIGNAL")
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join([*lines, signalled] + ([] if last else lines)) + "\n")
    original = PolicySet.run

    def run(self: PolicySet, case: SupportCase, as_of: date, **kw: Any) -> Evaluation:
        if case.learner.id == "L-SIGNAL":
            with contextlib.suppress(BaseException):
                signal.raise_signal(signal.SIGINT)
        return original(self, case, as_of, **kw)

    monkeypatch.setattr(PolicySet, "run", run)
    work = tmp_path / "work"
    work.mkdir()
    with _interruptible():
        status = main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(work / "out")])
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert status == 130
    assert list(work.iterdir()) == []
    assert capsys.readouterr().err == "interrupted: no output written\n"


def test_a_set_stop_event_ends_the_batch_before_the_next_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = list(examples())
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stop = threading.Event()
    seen: list[str] = []
    original = PolicySet.run

    def run(self: PolicySet, case: SupportCase, as_of: date, **kw: Any) -> Evaluation:
        seen.append(case.learner.id)
        stop.set()  # e.g. from another thread
        return original(self, case, as_of, **kw)

    monkeypatch.setattr(PolicySet, "run", run)
    target = tmp_path / "out.jsonl"
    with pytest.raises(BatchStopped):
        evaluate_file(source, target, as_of=AS_OF, registry=registry(), stop=stop)
    assert len(seen) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


# -- one line failing --------------------------------------------------------------------------


def _raise_for(learner_id: str, error: Exception, monkeypatch: pytest.MonkeyPatch) -> None:
    original = PolicySet.run

    def run(self: PolicySet, case: SupportCase, as_of: date, **kw: Any) -> Evaluation:
        if case.learner.id == learner_id:
            raise error
        return original(self, case, as_of, **kw)

    monkeypatch.setattr(PolicySet, "run", run)


def test_an_exception_evaluating_one_line_is_an_error_record_and_the_rest_is_decided(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = list(examples())
    bad = json.loads(lines[0])
    bad["learner"]["id"] = "L-SECRET-7"
    # the message echoes the learner's data: none of it may reach the output
    message = f"cannot handle {bad['learner']['id']} born {bad['learner']['birth_date']} " * 20
    _raise_for("L-SECRET-7", OverflowError(message), monkeypatch)
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join([lines[1], json.dumps(bad), lines[2]]) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--as-of", "2025-03-03", "-o", str(target)]) == 2
    *records, summary = expand_records(target.read_text(encoding="utf-8").split("\n"))
    assert len(records) == 3
    assert summary["summary"]["errors"] == 1
    assert records[0]["learner_id"] == json.loads(lines[1])["learner"]["id"]
    assert records[2]["learner_id"] == json.loads(lines[2])["learner"]["id"]
    error = records[1]
    assert sorted(error) == ["error", "line", "type"]
    assert (error["line"], error["type"]) == (2, "OverflowError")
    assert error["error"].startswith("cannot handle")
    assert len(error["error"]) <= MAX_ERROR_MESSAGE
    assert "L-SECRET-7" not in error["error"]
    assert bad["learner"]["birth_date"] not in error["error"]
    err = capsys.readouterr().err
    assert "2 evaluated, 0 invalid, 1 error, " in err
    assert "Traceback" not in err


def test_a_validation_error_inside_the_engine_does_not_echo_the_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = with_id(examples()[0], "L-SECRET-8")
    with pytest.raises(pydantic.ValidationError) as info:
        SupportCase.model_validate({"learner": {"id": "L-SECRET-8", "birth_date": 12345}})
    assert "12345" in str(info.value)  # pydantic's own text shows the input
    _raise_for("L-SECRET-8", info.value, monkeypatch)
    out = io.StringIO()
    stats = evaluate_lines([line], out, as_of=AS_OF, registry=PolicyRegistry.load())
    record = json.loads(out.getvalue())
    assert record["type"] == "ValidationError"
    assert "learner.birth_date" in record["error"]
    assert "12345" not in record["error"]
    assert "L-SECRET-8" not in record["error"]
    assert (stats.evaluated, stats.invalid, stats.errors) == (0, 0, 1)


_KINDS = st.sampled_from(["decided", "invalid", "blank", "raises"])


@given(kinds=st.lists(_KINDS, max_size=12))
def test_every_non_blank_line_gives_one_record_in_order(kinds: list[str]) -> None:
    policies = registry()
    good = examples()[0]
    text = {
        "decided": good,
        "invalid": '{"learner": {}}',
        "blank": "   ",
        "raises": with_id(good, "L-RAISE"),
    }
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _raise_for("L-RAISE", ZeroDivisionError("division by zero"), monkeypatch)
        stats = evaluate_lines(
            [text[k] for k in kinds], out, as_of=AS_OF, registry=policies, trace=False
        )
    records = [json.loads(x) for x in out.getvalue().splitlines()]
    numbered = [(n, k) for n, k in enumerate(kinds, start=1) if k != "blank"]
    assert len(records) == len(numbered)
    for (number, kind), record in zip(numbered, records, strict=True):
        if kind == "decided":
            assert "learner_id" in record
        else:
            assert record["line"] == number
            assert ("invalid" if kind == "invalid" else "error") in record
    assert (stats.evaluated, stats.invalid, stats.errors) == (
        kinds.count("decided"),
        kinds.count("invalid"),
        kinds.count("raises"),
    )


@settings(max_examples=60, deadline=None)
@given(
    case=support_cases(),
    as_of=st.dates(date(2017, 3, 1), date(2029, 8, 31)),
    municipality=st.sampled_from([None, "bauska", "parauga", "ogre", "nowhere"]),
)
def test_decision_notes_adds_nothing_to_what_the_engine_writes(
    case: SupportCase, as_of: date, municipality: str | None
) -> None:
    """``decision_notes`` (deprecated) added two notes the engine once left out: it writes
    both in every Decision now, so the function gives the Decision's own notes back."""
    policies = registry()
    decision = policies.policy_set(municipality or case.learner.enrolment.municipality).evaluate(
        case, as_of
    )
    with pytest.warns(DeprecationWarning, match="decision.notes"):
        notes = decision_notes(decision, case, policies, municipality)
    assert notes == decision.notes


# -- only JSON whitespace makes a blank line ------------------------------------------------------

#: White space that is not JSON's: a line of it is text that is not a case, not a blank line.
NOT_JSON_SPACE = ("\u00a0", "\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1e", "\u3000")


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=" \t\r", max_size=3),
            st.sampled_from(NOT_JSON_SPACE).map(lambda c: f" {c}\t"),
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=30, deadline=None)
def test_a_line_of_other_white_space_gets_its_record_never_silently_dropped(
    lines: list[str],
) -> None:
    """A line holding only JSON white space (space, tab, carriage return) is blank and gets no
    record; a line holding any other white space gets its ``invalid`` record and line number."""
    records = [r for r in iter_decisions(lines, registry=registry()) if r.kind != "summary"]
    expected = [n for n, line in enumerate(lines, 1) if line.strip(" \t\r\n")]
    assert [r.line for r in records] == expected
    assert all(r.kind == "invalid" for r in records)


def test_a_carriage_return_never_ends_an_input_line(tmp_path: Path) -> None:
    """JSON Lines end at "\\n": a carriage return inside a case (JSON white space) or before the
    "\\n" (CRLF files) is part of its line, so each case is decided whole under its own number."""
    first, second, third = examples()[:3]
    spaced = second.replace("{", "{\r", 1)
    source = tmp_path / "cases.jsonl"
    source.write_bytes(f"{first}\r\n{spaced}\r\n\r\n{third}\n".encode())
    out = tmp_path / "out.jsonl"
    summary = evaluate_file(source, out, as_of=date(2025, 11, 3), registry=registry())
    assert (summary.lines, summary.evaluated, summary.invalid) == (4, 3, 0)
    decided = [
        r for r in expand_records(out.read_text(encoding="utf-8").split("\n")) if "line" in r
    ]
    assert [(r["line"], r["learner_id"]) for r in decided] == [
        (1, json.loads(first)["learner"]["id"]),
        (2, json.loads(second)["learner"]["id"]),
        (4, json.loads(third)["learner"]["id"]),
    ]


@pytest.mark.parametrize("encoding", ["iso8859-13", "ascii"])
def test_standard_output_is_utf8_whatever_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    """Without -o the records are UTF-8 JSON Lines even when standard output's encoding is a
    legacy code page (Windows-1257, ISO-8859-13) or ASCII (the C locale): its text was written
    in that encoding (not readable as JSON Lines, refused by --resume), and a character it
    lacks (a Latvian letter of a rule's title, in ASCII) ended the batch."""
    case = json.loads(examples()[0])
    case["learner"]["colour"] = 1  # an unknown key: an invalid record
    source = tmp_path / "cases.jsonl"
    source.write_text(examples()[1] + "\n" + json.dumps(case) + "\n", encoding="utf-8")
    raw = io.BytesIO()
    legacy = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
    monkeypatch.setattr(sys, "stdout", legacy)
    summary = evaluate_file(source, None, as_of=date(2025, 11, 3), registry=registry())
    assert (summary.evaluated, summary.invalid) == (1, 1)
    assert not legacy.closed
    legacy.flush()
    text = raw.getvalue().decode("utf-8")  # whole, and UTF-8
    assert "ā" in text  # the rule table's titles are Latvian
    records = list(expand_records(text.split("\n")))
    assert [r.get("line") for r in records if "line" in r] == [1, 2]
