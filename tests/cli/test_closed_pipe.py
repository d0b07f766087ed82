"""A command whose reader stops early (``atbalsts audit show CHAIN | head -3``) stops quietly:
no ``BrokenPipeError`` traceback, no "cannot use: Broken pipe" error, the exit status a shell
gives a program stopped by SIGPIPE (141). Fixed once, where ``main()`` runs, for every command
that writes to standard output. Found by an outside tester paging a long trail through
``head``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, plan

from atbalsts.cli import EXIT_BROKEN_PIPE, main
from atbalsts.workflow import event_line, seal, transition

#: Events enough that ``audit show`` writes far more than a pipe holds (64 KiB on Linux): it is
#: still writing when the reader goes, whatever the order the two processes run in.
EVENTS = 3000


def _long_chain(path: Path) -> Path:
    """A chain of :data:`EVENTS` submitted plans, one event each."""
    _, first = transition(plan(id="P-0"), "submit", actor="t-1", role="class_teacher", on=DAY)
    fields = first.model_dump(mode="json")
    del fields["hash"]
    lines, previous = [], None
    for n in range(EVENTS):
        prev = previous.hash if previous is not None else None
        previous = seal({**fields, "seq": n, "prev": prev, "document_id": f"P-{n}"})
        lines.append(event_line(previous))
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="a pipe without a reader is EPIPE on POSIX")
def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    chain = _long_chain(tmp_path / "long.jsonl")
    env = {**os.environ, "ATBALSTS_LANG": "lv"}
    command = [sys.executable, "-m", "atbalsts.cli", "audit", "show", str(chain)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = [process.stdout.readline() for _ in range(3)]  # head -3
        process.stdout.close()  # the reader goes while the command still writes
        said = process.stderr.read().decode("utf-8")
        status = process.wait()
    assert first[0].startswith(b"notikums 0, 2025-03-03: t-1 ")
    assert said == ""
    assert status == EXIT_BROKEN_PIPE == 141  # 128 + SIGPIPE (13), as 130 is 128 + SIGINT


def test_a_closed_pipe_is_never_said_as_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whichever command's output meets it (here ``audit verify``'s): it is not input the user
    can fix, so not ``error: cannot use: Broken pipe`` with status 2, as any other OSError."""
    import atbalsts.workflow

    def closed(*args: object, **kwargs: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(atbalsts.workflow, "cli_audit_verify", closed)
    status = main(["audit", "verify", str(tmp_path / "c.jsonl")])
    assert (status, capsys.readouterr()) == (EXIT_BROKEN_PIPE, ("", ""))


@pytest.mark.skipif(sys.platform == "win32", reason="a pipe without a reader is EPIPE on POSIX")
def test_python_m_atbalsts_stats_stops_quietly_too(tmp_path: Path) -> None:
    """``python -m atbalsts.stats``, documented as the same as ``atbalsts stats``, has its own
    entry point: it said ``error: cannot use: Broken pipe`` and exited 2."""
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_bytes(b"")  # a table of no decisions is still written: its header, its rule
    command = [sys.executable, "-m", "atbalsts.stats", str(decisions), "--format", "csv"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()  # the reader goes before the first byte
        said = process.stderr.read().decode("utf-8")
        status = process.wait()
    assert "Broken pipe" not in said
    assert "error" not in said
    assert status == EXIT_BROKEN_PIPE
