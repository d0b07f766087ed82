"""Two processes appending to one chain at once: ``append_event`` holds the chain file's lock
from reading its last event to writing the next, so the second waits, then appends after the
first's event or is refused (``not_next_event``) with nothing written. Without a lock (a
platform without ``fcntl``) both could read the same last event and both append the next.

The race is not left to timing. Every worker reads the chain's end and makes its next event,
all meet at a barrier and append at once; inside ``append_event``, between reading the end and
writing, a worker that holds no lock on the file waits until every other worker has read the
end too. With the lock no other worker can read it then (the hook finds the file locked and
does not wait); without one, every worker reads the same end and every one writes."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from atbalsts import ChainError
from atbalsts.model import AuditEvent
from atbalsts.workflow import _audit, append_event, read_chain, verify_chain

fcntl = pytest.importorskip("fcntl")  # the test's own look at the lock; POSIX only

from tests.workflow.appenders import (  # noqa: E402 (it looks at the lock with fcntl too)
    ROUNDS,
    WORKERS,
    append_rounds,
    make_event,
    run_workers,
)


def _run(chain: Path, *, locking: bool) -> tuple[list[str], list[str | None]]:
    """Every worker's appended hashes, and every refusal's code."""
    reports = run_workers(append_rounds, str(chain), locking)
    errors = [error for *_, error in reports if error is not None]
    assert not errors
    appended = [h for _, hashes, _, _ in reports for h in hashes]
    refused = [code for _, _, codes, _ in reports for code in codes]
    return appended, refused


def test_processes_appending_at_once_leave_a_chain_that_verifies(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    appended, refused = _run(chain, locking=True)
    lines = chain.read_bytes().splitlines()
    verdict = verify_chain(lines)
    assert verdict.ok, verdict
    in_chain = [AuditEvent.model_validate_json(line).hash for line in lines]
    # Each round's events were all made from the same end: exactly one is appended, and every
    # other worker waits for it and is then refused, its event not written.
    assert len(in_chain) == ROUNDS
    assert sorted(in_chain) == sorted(appended)  # none lost, none written twice
    assert len(set(in_chain)) == ROUNDS
    assert refused == ["not_next_event"] * (ROUNDS * (WORKERS - 1))


def test_without_a_lock_the_same_appends_break_the_chain(tmp_path: Path) -> None:
    """What holds on a platform without fcntl, and the proof that the test above can fail:
    every worker reads the same end, passes the check and writes."""
    chain = tmp_path / "chain.jsonl"
    appended, refused = _run(chain, locking=False)
    verdict = verify_chain(chain.read_bytes().splitlines())
    assert not verdict.ok
    assert verdict.code == "event_inserted"  # the second event 0
    assert (len(appended), refused) == (ROUNDS * WORKERS, [])


# -- one process -----------------------------------------------------------------------------


def _two() -> tuple[AuditEvent, AuditEvent]:
    first = make_event(0, 0, None)
    return first, make_event(0, 1, first)


def _free(path: Path) -> bool:
    """Whether the chain file's exclusive lock can be taken now (it was let go)."""
    with path.open("rb") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True


def test_the_lock_is_let_go_after_an_append_a_refusal_and_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    assert _free(chain)
    with pytest.raises(ChainError):
        append_event(chain, first)
    assert _free(chain)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        append_event(chain, second)
    monkeypatch.undo()
    assert _free(chain)
    assert read_chain(chain) == [first]


def test_a_chain_removed_while_an_append_waited_is_not_written_behind_its_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first append that is refused removes the file it made for its lock; an append that
    waited on that file then takes the lock of the file now at the path, and reads its end."""
    chain = tmp_path / "chain.jsonl"
    first = make_event(0, 0, None)
    other = make_event(1, 0, None)  # another writer's event 0
    lock: Callable[..., bool] = _audit._lock
    calls = []

    def removed_and_made_again(handle: int, **kwargs: Any) -> bool:
        if kwargs.get("shared"):  # a reader's
            return lock(handle, **kwargs)
        if not calls:  # meanwhile: the file removed, and another writer's chain made there
            chain.unlink()
            chain.write_bytes(_audit.event_line(other))
        calls.append(handle)
        return lock(handle, **kwargs)

    chain.write_bytes(b"")
    monkeypatch.setattr(_audit, "_lock", removed_and_made_again)
    with pytest.raises(ChainError) as caught:
        append_event(chain, first)
    assert caught.value.code == "not_next_event"
    assert read_chain(chain) == [other]
    assert len(calls) == 2


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EBADF])
def test_a_file_system_that_does_not_lock_files_still_takes_appends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()

    def cannot(handle: int, operation: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fcntl, "flock", cannot)
    append_event(chain, first)
    append_event(chain, second)
    with pytest.raises(ChainError):
        append_event(chain, make_event(1, 1, first))
    assert read_chain(chain) == [first, second]


def test_another_failure_to_lock_is_raised_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()

    def interrupted(handle: int, operation: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fcntl, "flock", interrupted)
    with pytest.raises(OSError, match="Input/output"):
        append_event(chain, first)
    # Made to be locked, and left empty: without the lock, another process may hold it.
    assert chain.read_bytes() == b""


def test_without_fcntl_appends_go_on_unlocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    monkeypatch.setattr(_audit, "_FCNTL", False)
    append_event(chain, first)
    append_event(chain, second)
    assert read_chain(chain) == [first, second]
    with pytest.raises(ChainError):  # the end it reads is still checked
        append_event(chain, first)


def test_a_chain_made_for_the_lock_is_removed_when_nothing_stays_in_it(tmp_path: Path) -> None:
    """A missing chain is made to be locked; held and let go without an event, or with one
    undone (the document written with it failed), it is missing again: an empty file would
    say that a chain was begun. An existing chain is put back to its length."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    with _audit.LockedChain(chain) as held:
        assert (chain.exists(), held.existed, held.size) == (True, False, 0)
    assert not chain.exists()
    with _audit.LockedChain(chain) as held:
        held.append(first)
        held.undo()
    assert not chain.exists()
    append_event(chain, first)
    with _audit.LockedChain(chain) as held:
        assert held.existed
        held.append(second)
        assert read_chain(chain) == [first, second]
        held.undo()
    assert read_chain(chain) == [first]
    assert _free(chain)


def test_a_chain_is_held_only_inside_the_block(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    held = _audit.LockedChain(chain)
    with pytest.raises(ValueError, match="with block"):
        held.append(second)
    with held:
        assert not _free(chain)
    assert _free(chain)
    with pytest.raises(ValueError, match="with block"):
        held.undo()
