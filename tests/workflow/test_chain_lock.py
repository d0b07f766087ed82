"""How the chain file is opened, locked, read and written, where file systems differ.

On NFS, Linux emulates ``flock`` with byte-range locks: an exclusive one needs the file open for
writing, or ``flock`` fails with ``EBADF``. On SMB/CIFS the lock is mandatory: reading or writing
the file through another descriptor than the locked one fails while it is held. So the chain is
opened once, for reading and appending, and every read, write and cut of it under the lock goes
through that one descriptor. The file systems are not at hand here: ``flock`` and ``open`` are
replaced by ones that behave as theirs do."""

from __future__ import annotations

import builtins
import errno
import io
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from atbalsts.errors import ChainError, FileError
from atbalsts.model import AuditEvent
from atbalsts.workflow import (
    _audit,
    append_event,
    cli_audit_show,
    cli_audit_verify,
    cli_transition,
    read_chain,
    verify_chain,
)

fcntl = pytest.importorskip("fcntl")  # the lock's own tests; POSIX only

from tests.workflow.appenders import HANG, make_event  # noqa: E402 (it imports fcntl too)
from tests.workflow.fixtures import plan  # noqa: E402

ON = "2025-03-03"


def _two() -> tuple[AuditEvent, AuditEvent]:
    first = make_event(0, 0, None)
    return first, make_event(0, 1, first)


def _access(handle: Any) -> int:
    return int(fcntl.fcntl(handle, fcntl.F_GETFL)) & os.O_ACCMODE


@pytest.fixture
def nfs_flock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``flock`` as Linux emulates it on NFS: an exclusive lock of a file not open for writing,
    or a shared lock of one not open for reading, fails with EBADF."""
    real = fcntl.flock

    def flock(handle: Any, operation: int) -> None:
        access = _access(handle)
        if operation & fcntl.LOCK_EX and access == os.O_RDONLY:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        if operation & fcntl.LOCK_SH and access == os.O_WRONLY:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        real(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)


@pytest.mark.usefixtures("nfs_flock")
def test_the_chain_is_locked_through_a_descriptor_open_for_writing(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)  # made here
    append_event(chain, second)  # there already
    assert verify_chain(chain.read_bytes().splitlines()).ok
    assert read_chain(chain) == [first, second]
    with _audit.LockedChain(chain) as held:
        assert held.locked


def _the_path(chain: Path) -> Callable[[Any], bool]:
    def named(given: Any) -> bool:
        return isinstance(given, str | bytes | os.PathLike) and os.fsdecode(given) == str(chain)

    return named


@pytest.fixture
def opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What is done to ``tmp_path / "chain.jsonl"`` by its name (opened or cut) while recording
    (the list holds ``"recording"`` until it is removed)."""
    named = _the_path(tmp_path / "chain.jsonl")
    done: list[str] = []

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(target: Any, *args: Any, **kwargs: Any) -> Any:
            if "recording" in done and named(target):
                done.append(name)
            return real(target, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "open", spy("os.open", os.open))
    monkeypatch.setattr(io, "open", spy("io.open", io.open))
    monkeypatch.setattr(builtins, "open", spy("open", builtins.open))
    monkeypatch.setattr(os, "truncate", spy("os.truncate", os.truncate))
    return done


def test_under_the_lock_nothing_opens_the_chain_again(tmp_path: Path, opened: list[str]) -> None:
    """On SMB, the lock is mandatory: what is read or written through another descriptor fails
    while it is held. Appending, undoing and reading all go through the one held."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    with _audit.LockedChain(chain) as held:
        opened.append("recording")
        held.append(second)
        held.undo()
        held._write(b'{"half')  # a line without its end: the next write starts a line of its own
        held.undo()
        assert opened == ["recording"]
        assert held.read() == _audit.event_line(first)
        held.append(second)
        assert held.events() == [first, second]
        assert read_chain(chain) == [first, second]  # this thread holds it: read through it
        assert cli_audit_verify(chain, out=io.StringIO()) == 0
        opened.remove("recording")
    assert opened == []
    assert read_chain(chain) == [first, second]


def test_the_held_chain_reads_as_it_is_written(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    with _audit.LockedChain(chain) as held:
        assert (held.read(), held.events()) == (b"", [])
        held.append(first)
        held.append(second)
        assert held.events() == [first, second]
        assert held.read() == _audit.event_line(first) + _audit.event_line(second)


def _refuse_writing(patch: pytest.MonkeyPatch, chain: Path, code: int = errno.EACCES) -> None:
    """The chain cannot be opened for writing or made: a read-only file (EACCES) or file system
    (EROFS)."""
    named, real = _the_path(chain), os.open

    def refused(target: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if named(target) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(code, os.strerror(code), os.fsdecode(target))
        return real(target, flags, *args, **kwargs)

    patch.setattr(os, "open", refused)


@pytest.mark.usefixtures("nfs_flock")
@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_chain_that_cannot_be_written_is_read_unlocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    _refuse_writing(monkeypatch, chain, code)
    with _audit.LockedChain(chain) as held:
        assert not held.locked
        assert held.events() == [first]
        with pytest.raises(OSError, match=os.strerror(code)) as caught:  # as the open said
            held.append(second)
        assert (caught.value.errno, caught.value.filename) == (code, str(chain))
    assert read_chain(chain) == [first]


def test_a_missing_chain_that_cannot_be_made_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()
    _refuse_writing(monkeypatch, chain)
    with pytest.raises(PermissionError):  # not "no such file": it could not be made
        append_event(chain, first)
    assert not chain.exists()


def test_a_transition_to_a_chain_that_cannot_be_written_leaves_both_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    assert cli_transition(doc, "submit", actor="t", role="class_teacher", on=ON, chain=chain) == 0
    document, events = doc.read_bytes(), chain.read_bytes()
    _refuse_writing(monkeypatch, chain)
    with pytest.raises(FileError) as caught:
        cli_transition(doc, "approve", actor="t", role="class_teacher", on=ON, chain=chain)
    assert caught.value.os_error.errno == errno.EACCES
    assert (doc.read_bytes(), chain.read_bytes()) == (document, events)


# -- reading while another appends ------------------------------------------------------------


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when a lock is asked for that another open file holds (the asker then waits)."""
    real = fcntl.flock
    event = threading.Event()

    def flock(handle: Any, operation: int) -> None:
        if not operation & (fcntl.LOCK_NB | fcntl.LOCK_UN):
            try:
                real(handle, operation | fcntl.LOCK_NB)
            except BlockingIOError:
                event.set()
            else:
                return
        real(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    return event


_READERS: dict[str, Callable[[Path], object]] = {
    "read_chain": read_chain,
    "audit verify": lambda chain: cli_audit_verify(chain, out=io.StringIO(), err=io.StringIO()),
    "audit show": lambda chain: cli_audit_show(chain, out=io.StringIO(), err=io.StringIO()),
}


@pytest.mark.parametrize("reader", list(_READERS))
def test_a_reader_waits_for_an_append_under_way(
    tmp_path: Path, asked: threading.Event, reader: str
) -> None:
    """Read while another open file holds the lock (here another thread's; another process's
    the same), half an event's line written and then cut back, a reader would find an edited
    chain. It takes the shared lock, so it waits, then reads the chain as the append left it."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    found: dict[str, object] = {}

    def read() -> None:
        try:
            found["value"] = _READERS[reader](chain)
        except BaseException as error:  # the test says it
            found["error"] = error
        finally:
            asked.set()  # done, so the holder need not wait for it to ask

    with _audit.LockedChain(chain) as held:
        line = _audit.event_line(second)
        held._write(line[: len(line) // 2])  # an append under way, or about to be undone
        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        assert asked.wait(HANG)
        assert found == {}  # it waits for the lock
        held.undo()
    thread.join(HANG)
    assert found == {"value": [first] if reader == "read_chain" else 0}


@pytest.mark.usefixtures("nfs_flock")
def test_a_reader_locks_a_chain_it_opens_for_reading_only(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    append_event(chain, second)
    assert read_chain(chain) == [first, second]
    assert cli_audit_verify(chain, out=io.StringIO()) == 0
    assert cli_audit_show(chain, out=io.StringIO()) == 0


def test_a_chain_that_is_a_directory_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(FileError) as caught:
        cli_audit_verify(tmp_path, out=io.StringIO())
    assert caught.value.os_error.errno == errno.EISDIR


# -- a wait cut short -------------------------------------------------------------------------


def test_a_wait_for_the_lock_cut_short_leaves_the_file_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This append made the missing chain to lock it; meanwhile another process opened that
    file and locked it first. Its wait cut short (Ctrl-C), it does not remove the file: the
    other may be about to append to it, and its event would go to a file no longer there."""
    chain = tmp_path / "chain.jsonl"
    real = fcntl.flock
    others: list[Any] = []

    def flock(handle: Any, operation: int) -> None:
        if not others:  # the other process, between this one's making the file and locking it
            other = open(chain, "rb+")  # noqa: SIM115 (closed below)
            others.append(other)
            real(other, fcntl.LOCK_EX)
        if operation & (fcntl.LOCK_NB | fcntl.LOCK_UN):
            real(handle, operation)
        else:
            raise KeyboardInterrupt  # the wait for the other's lock, cut short

    monkeypatch.setattr(fcntl, "flock", flock)
    first, _ = _two()
    try:
        with pytest.raises(KeyboardInterrupt):
            append_event(chain, first)
        [other] = others
        assert os.fstat(other.fileno()).st_ino == chain.stat().st_ino  # still there
    finally:
        for other in others:
            other.close()


def test_a_wait_cut_short_with_no_one_holding_the_lock_removes_the_file_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"
    real = fcntl.flock
    calls: list[int] = []

    def flock(handle: Any, operation: int) -> None:
        calls.append(operation)
        if len(calls) == 1:
            raise KeyboardInterrupt  # taking the lock, cut short
        real(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    with pytest.raises(KeyboardInterrupt), _audit.LockedChain(chain):
        pass
    assert not chain.exists()


def test_a_failure_with_the_lock_held_removes_the_file_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"

    same = _audit._same_file
    calls: list[Path] = []

    def failing(file: Any, path: Path) -> bool:
        calls.append(path)
        if len(calls) == 1:  # on looking whether the file locked is still the chain
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return same(file, path)

    monkeypatch.setattr(_audit, "_same_file", failing)
    with pytest.raises(OSError, match=os.strerror(errno.EIO)):
        append_event(chain, _two()[0])
    assert not chain.exists()


# -- the directory entry ----------------------------------------------------------------------


@pytest.mark.parametrize("there", [False, True], ids=["missing", "empty"])
def test_the_first_event_written_syncs_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, there: bool
) -> None:
    """The file made empty by another process (which then let go of it, appending nothing) is
    new to the disk's directory too: whoever writes the first event syncs the directory."""
    chain = tmp_path / "chain.jsonl"
    if there:
        chain.write_bytes(b"")
    synced: list[Path] = []
    monkeypatch.setattr(_audit, "sync_directory", synced.append)
    first, second = _two()
    append_event(chain, first)
    assert synced == [tmp_path]
    append_event(chain, second)
    assert synced == [tmp_path]  # the entry written already


def test_a_host_holds_the_chain_from_the_package() -> None:
    """A Python host holds the lock over its own document write and the append, as the
    command does: the class is public, shown at its public path."""
    from atbalsts import workflow

    assert "LockedChain" in workflow.__all__
    assert workflow.LockedChain is _audit.LockedChain
    assert workflow.LockedChain.__module__ == "atbalsts.workflow"


# -- a wait said ------------------------------------------------------------------------------


def test_a_wait_for_the_lock_is_said_before_it_begins(tmp_path: Path) -> None:
    """Another holds the lock (here another thread's open file; another process's the same):
    ``waiting`` is called once, before the wait, so a command can say why it does nothing."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    said = threading.Event()
    calls: list[str] = []
    found: dict[str, object] = {}

    def waiting() -> None:
        calls.append("waiting")
        said.set()

    def append() -> None:
        try:
            with _audit.LockedChain(chain, waiting=waiting) as held:
                held.append(second)
            found["done"] = True
        except BaseException as error:  # the test says it
            found["error"] = error
        finally:
            said.set()

    with _audit.LockedChain(chain):
        thread = threading.Thread(target=append, daemon=True)
        thread.start()
        assert said.wait(HANG)
        assert found == {}  # still waiting
    thread.join(HANG)
    assert (found, calls) == ({"done": True}, ["waiting"])
    assert read_chain(chain) == [first, second]
    with _audit.LockedChain(chain, waiting=waiting):  # free: nothing said
        pass
    assert calls == ["waiting"]


def _waits_for_the_holder(
    chain: Path, command: Callable[[io.StringIO, Callable[[Any], str]], int]
) -> tuple[list[str], str]:
    """``command(err, say)`` run in a thread while this one holds ``chain``: it must say that it
    waits (``chain_waiting``, naming the chain) and do nothing else until the chain is let go,
    then end with status 0. The codes it said, and its standard error."""
    said = threading.Event()
    codes: list[str] = []
    err = io.StringIO()
    found: dict[str, object] = {}

    def say(notice: Any) -> str:
        codes.append(notice.code)
        if notice.code == "chain_waiting":
            assert dict(notice.values) == {"chain": str(chain)}
            said.set()
        return str(notice.text)

    def run() -> None:
        try:
            found["status"] = command(err, say)
        except BaseException as error:  # the test says it
            found["error"] = error
        finally:
            said.set()

    with _audit.LockedChain(chain):
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert said.wait(HANG)
        assert found == {}
    thread.join(HANG)
    assert found == {"status": 0}
    assert err.getvalue().splitlines()[0] == f"waiting for another process writing {chain}"
    return codes, err.getvalue()


@pytest.mark.parametrize("command", [cli_audit_verify, cli_audit_show])
def test_the_audit_commands_say_that_they_wait(tmp_path: Path, command: Callable[..., int]) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()
    append_event(chain, first)
    codes, _ = _waits_for_the_holder(
        chain, lambda err, say: command(chain, out=io.StringIO(), err=err, say=say)
    )
    assert codes[0] == "chain_waiting"


# -- the command -----------------------------------------------------------------------------


def test_the_command_opens_the_chain_once(tmp_path: Path, opened: list[str]) -> None:
    """``atbalsts transition --chain`` reads the chain through the file it locked: on SMB
    another open file of it could not read it while the lock is held."""
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    assert cli_transition(doc, "submit", actor="t", role="class_teacher", on=ON, chain=chain) == 0
    opened.append("recording")
    status = cli_transition(doc, "approve", actor="t", role="class_teacher", on=ON, chain=chain)
    opened.remove("recording")
    assert status == 0
    assert opened == ["os.open"]  # the lock's
    assert len(read_chain(chain)) == 2


def test_the_command_says_that_it_waits(tmp_path: Path) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    assert cli_transition(doc, "submit", actor="t", role="class_teacher", on=ON, chain=chain) == 0

    def approve(err: io.StringIO, say: Callable[[Any], str]) -> int:
        return cli_transition(
            doc, "approve", actor="t", role="class_teacher", on=ON, chain=chain, err=err, say=say
        )

    codes, _ = _waits_for_the_holder(chain, approve)
    assert codes[:2] == ["chain_waiting", "moved"]


def _in_a_thread(work: Callable[[], object], seconds: float = 30) -> object:
    """``work``'s result, run in a thread of its own, or a failure when it has not ended within
    ``seconds`` (a lock waiting for its own thread would hang the suite otherwise)."""
    results: list[object] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # handed back to the test
            results.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "it waited for a lock its own thread holds"
    (result,) = results
    return result


def test_append_event_in_the_thread_holding_the_chain_appends_through_it(
    tmp_path: Path,
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()

    def work() -> list[AuditEvent]:
        with _audit.LockedChain(chain) as held:
            held.append(first)
            append_event(chain, second)  # not a second lock: through the holder
            return held.events()

    assert _in_a_thread(work) == [first, second]
    assert read_chain(chain) == [first, second]


def test_append_event_in_the_holding_thread_is_still_checked(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()

    def work() -> object:
        with _audit.LockedChain(chain) as held:
            held.append(first)
            append_event(chain, first)  # appended already: refused as through the holder
        return None

    refused = _in_a_thread(work)
    assert isinstance(refused, ChainError)
    assert refused.code == "already_appended"
    assert read_chain(chain) == [first]


def test_a_second_hold_of_the_chain_in_one_thread_is_refused(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()

    def work() -> object:
        with _audit.LockedChain(chain) as held:
            held.append(first)
            with _audit.LockedChain(chain):
                pass
        return None

    refused = _in_a_thread(work)
    assert isinstance(refused, ChainError)
    assert refused.code == "chain_held"
    assert refused.values == {"path": str(chain)}
    assert read_chain(chain) == [first]  # the first hold and its event untouched


def test_another_thread_waits_for_the_holder_then_appends(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    held_now, appended = threading.Event(), threading.Event()

    def other() -> None:
        held_now.wait(30)
        append_event(chain, second)  # another thread: waits for the lock, then appends
        appended.set()

    thread = threading.Thread(target=other, daemon=True)
    with _audit.LockedChain(chain) as held:
        thread.start()
        held.append(first)
        held_now.set()
        assert not appended.wait(0.2)  # still waiting while the chain is held
    thread.join(30)
    assert appended.is_set()
    assert read_chain(chain) == [first, second]
