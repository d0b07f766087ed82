"""The audit chain: canonical JSON, hashes, sealing, verification and replay.

A hash is SHA-256 over the canonical JSON of RFC 8785 (JCS, with the ``rfc8785`` library): the
same value always gives the same bytes, whatever the key order, spacing or number notation it was
written in. An event's ``hash`` covers every other field, ``prev`` included, so an event cannot be
edited, removed, inserted or moved without breaking the chain at that point. A chain file holds
one event a line, each line exactly the event's canonical JSON, so a changed byte is found even
where it would not change the value (a space, ``1.0`` for ``1``).

The chain proves its own order, not its completeness at the end: a chain cut after its last good
event still verifies. Keep the hash of the last event (the head) elsewhere and pass it to
:func:`verify_chain` to find that too.

An append reads the chain's last event and writes the next while holding the chain file's
exclusive advisory lock (``flock``, :class:`LockedChain`): a second process appending to the
same chain waits, then reads the end as the first left it. The file is opened once, for reading
and appending, and locked, read, written and cut back through that one open file: on NFS, Linux
locks a file with ``flock`` only when it is open for writing, and on SMB the lock is mandatory,
so the file read or written through another open file fails while it is locked. Where files
cannot be locked (no ``fcntl``, as on Windows, or a file system that does not lock them), the
append goes on without the lock, and two writers at once may both read the same last event. A
chain that cannot be opened for writing is read without the lock, and appending to it fails.
Readers (:func:`read_chain`, ``atbalsts audit``) take the shared lock: they wait for an append
under way.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

import attrs
import pydantic
import rfc8785

from atbalsts._files import sync_directory
from atbalsts.errors import ChainError, LifecycleError
from atbalsts.model import AuditEvent, Document, field_errors
from atbalsts.workflow._lifecycle import D, apply, kind_of, status_of

try:
    import fcntl
except ImportError:  # a platform without it (Windows): appends go on unlocked
    _FCNTL = False
else:
    _FCNTL = True

__all__ = [
    "ChainVerdict",
    "LockedChain",
    "append_event",
    "canonical",
    "document_hash",
    "event_line",
    "read_chain",
    "replay",
    "seal",
    "verify_chain",
]


def canonical(value: Any) -> bytes:
    """``value`` (JSON-shaped: dicts, lists, strings, numbers, booleans, None) as RFC 8785
    canonical JSON."""
    return rfc8785.dumps(value)


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def document_hash(document: Document) -> str:
    """The hash of a document: SHA-256 of its canonical JSON, every field included."""
    return _sha256(document.model_dump(mode="json"))


def _content_hash(fields: Mapping[str, Any]) -> str:
    return _sha256({k: v for k, v in fields.items() if k != "hash"})


def seal(fields: Mapping[str, Any]) -> AuditEvent:
    """The event made of ``fields`` (every field but ``hash``), with its hash."""
    event = AuditEvent.model_validate({**fields, "hash": "0" * 64})
    data = event.model_dump(mode="json")
    return event.model_copy(update={"hash": _content_hash(data)})


def event_line(event: AuditEvent) -> bytes:
    """The event as one line of a chain file: its canonical JSON and a newline."""
    return canonical(event.model_dump(mode="json")) + b"\n"


def append_event(path: Path, event: AuditEvent) -> None:
    """Append ``event`` to the chain file at ``path``, on a line of its own.

    The event must follow the file's last event: its ``seq`` one more than that event's and its
    ``prev`` that event's ``hash``, as :func:`~atbalsts.workflow.transition` makes it when given
    that event as ``previous``; in a missing or empty file, it must be a first event (``seq`` 0,
    no ``prev``). Its ``hash`` must be the hash of its content. Otherwise
    :class:`~atbalsts.errors.ChainError` says why (its ``code``) and nothing is written: an event
    made without ``previous`` cannot break the chain unnoticed.

    Only the file's last event is read, however long the chain: the events before it are not
    verified here (:func:`verify_chain` does that). A missing file is created readable and
    writable by its owner only (mode 0600: events hold reasons and parameters, which are
    sensitive); an existing file keeps its mode.

    From reading the last event to writing this one, the file's exclusive advisory lock is held
    (``flock``). Another process appending to the same chain at the same time waits for it, then
    reads the end as this append left it: its event is appended after this one if it still
    follows, else refused (``not_next_event``) with nothing written: read the chain again and
    make the event again from its new last event. The lock is advisory: it holds back only
    appends that take it (those of this function), not a program that writes the file
    otherwise. The file is opened once, for reading and appending, and everything is done
    through that open file, as file systems that lock over the network ask (NFS, SMB:
    :class:`LockedChain`). Where files cannot be locked (a platform without ``fcntl``, such as
    Windows, or a file system whose ``flock`` fails with ``ENOLCK``, ``EOPNOTSUPP``,
    ``ENOSYS`` or ``EBADF``) the event is appended without the lock: still only after the last
    event it reads, but two processes at once may both read the same one, so let one writer at
    a time append there. A chain that cannot be opened for writing (``EACCES``, ``EPERM``,
    ``EROFS``) is not appended to: that error is raised.
    """
    path = Path(path)
    _check_sealed(path, event)
    if (event.seq != 0 or event.prev is not None) and not path.exists():
        _check_follows(path, event, None)  # no chain: refused without making the file
    held = _held_here(path)
    if held is not None:  # this thread holds it: a second lock would wait for it forever
        held.append(event)
        return
    with LockedChain(path) as chain:
        chain.append(event)


def _check_sealed(path: Path, event: AuditEvent) -> None:
    if _content_hash(event.model_dump(mode="json")) != event.hash:
        raise ChainError(
            f"cannot append event {event.seq} to {path}: its hash is not the hash of its content "
            "(it was changed after it was made; seal it again)",
            code="event_not_sealed",
            values={"path": str(path), "seq": str(event.seq)},
        )


#: The errors of ``flock`` that mean the file system does not lock files: appended unlocked.
#: ``EBADF`` is a safety net: the chain is open for reading and writing, as NFS asks of a file
#: it locks, but a file system may still refuse a lock that way.
_NO_LOCKS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EBADF})

#: The errors of opening the chain for writing that mean it cannot be written here (a read-only
#: file or file system): it is opened for reading, unlocked.
_READ_ONLY = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})

#: How the chain is opened: for reading and appending, not inherited by child processes.
_CHAIN_FLAGS = os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


#: What is called, with no arguments, before waiting for a chain's lock that another holds.
Waiting = Callable[[], object]


def _lock(handle: int, *, shared: bool = False, waiting: Waiting | None = None) -> bool:
    """Wait for the exclusive advisory lock of the open file ``handle`` (with ``shared``, a
    shared one: for reading) and take it: True, or False where files cannot be locked (no
    ``fcntl``, or a file system that does not). When another holds it, ``waiting`` is called
    first (a command says that it waits, and for what)."""
    if not _FCNTL:
        return False
    kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        try:
            fcntl.flock(handle, kind | fcntl.LOCK_NB)
        except BlockingIOError:  # another holds it: said, then waited for
            if waiting is not None:
                waiting()
            fcntl.flock(handle, kind)
    except OSError as exc:
        if exc.errno in _NO_LOCKS:
            return False
        raise
    return True


def _lock_now(handle: int) -> bool:
    """Take the exclusive advisory lock of the open file ``handle`` if no one holds it: whether
    it was taken (False too where it cannot be, or on any error)."""
    if not _FCNTL:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _opened(path: Path, flags: int, mode: str) -> io.FileIO:
    """The file at ``path`` opened with ``flags`` (made with mode 0600 when they make it)."""
    handle = os.open(path, flags, 0o600)
    try:
        return io.FileIO(handle, mode)
    except BaseException:  # a directory: FileIO refuses it, and leaves the descriptor open
        os.close(handle)
        raise


def _open_chain(path: Path) -> tuple[io.FileIO, bool, OSError | None]:
    """The chain file at ``path`` open for reading and appending; whether it was made here
    (missing, so made empty, readable and writable by its owner only, to be locked); and, when
    it cannot be written (a read-only file or file system), the error that said so, the file
    then open for reading only."""
    while True:
        try:
            return _opened(path, _CHAIN_FLAGS, "r+"), False, None
        except FileNotFoundError:
            pass
        except OSError as exc:
            if exc.errno not in _READ_ONLY:
                raise
            try:
                return _opened(path, _READ_FLAGS, "r"), False, exc
            except FileNotFoundError:
                raise exc from None  # missing, and it could not be made: why not
        flags = _CHAIN_FLAGS | os.O_CREAT
        if not path.is_symlink():  # a link to a missing file: made through the link
            flags |= os.O_EXCL
        try:
            return _opened(path, flags, "r+"), True, None
        except FileExistsError:
            continue  # made by another process meanwhile: open that one


def _same_file(file: io.FileIO, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``file``."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(file.fileno())
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _read_all(file: io.FileIO) -> bytes:
    """Every byte of ``file``, read from its start."""
    file.seek(0)
    return file.readall()


def _events(data: bytes) -> list[AuditEvent]:
    return [AuditEvent.model_validate_json(line) for line in data.splitlines() if line.strip()]


#: The chain files held by a :class:`LockedChain` of this process, by device and inode: the
#: thread holding each, and its holder. A reader in that thread reads through the holder: a
#: shared lock of its own would wait for the thread's exclusive one forever.
_HELD: dict[tuple[int, int], tuple[int, LockedChain]] = {}
_HELD_GUARD = threading.Lock()


def _held_here(path: Path) -> LockedChain | None:
    """The :class:`LockedChain` of this thread that holds the file at ``path``, if any."""
    try:
        named = path.stat()
    except OSError:
        return None
    with _HELD_GUARD:
        found = _HELD.get((named.st_dev, named.st_ino))
    if found is None or found[0] != threading.get_ident():
        return None
    return found[1]


def read_locked(path: Path, *, waiting: Waiting | None = None) -> bytes:
    """The bytes of the chain file at ``path``, read under its shared advisory lock: an append
    under way (its line half written, or about to be cut back) is waited for, and the chain
    read as it left it; ``waiting`` is called once before waiting. Where files cannot be locked
    (as :func:`append_event` says), it is read unlocked; in a thread holding it in a
    :class:`LockedChain`, through that. A missing file raises :class:`FileNotFoundError`, as
    any file that cannot be read raises its :class:`OSError`."""
    path = Path(path)
    said = _once(waiting)
    while True:
        held = _held_here(path)
        if held is not None:
            return held.read()
        with _opened(path, _READ_FLAGS, "r") as file:
            _lock(file.fileno(), shared=True, waiting=said)
            if _same_file(file, path):
                return _read_all(file)
        # removed or replaced while waiting: read the file there now


def _once(waiting: Waiting | None) -> Waiting | None:
    """``waiting``, called only the first time."""
    if waiting is None:
        return None
    calls: list[object] = []

    def first() -> None:
        if not calls:
            calls.append(waiting())

    return first


class LockedChain:
    """The chain file at ``path``, held under its exclusive advisory lock from entering a
    ``with`` block to leaving it: what is read of it there stays as read, for whoever appends
    through this class (as :func:`append_event` does) or reads under its lock
    (:func:`read_chain`). For a host that writes the document itself: hold it from reading the
    chain's last event (:meth:`events`) over the transition, the document's write and the
    append (:meth:`append`), as ``atbalsts transition`` does, so that another process moving a
    document of the same chain waits, then reads both as this one left them; and so that a
    failure of the document's write undoes this event alone (:meth:`undo`), not another
    process's appended since::

        with LockedChain(chain) as held:
            events = held.events()
            last = events[-1] if events else None
            moved, event = transition(document, action, previous=last, ...)
            held.append(event)
            try:
                store(moved)  # the host's own write
            except BaseException:
                held.undo()
                raise

    The file is opened once, for reading and appending, and its lock taken on that open file;
    everything done to the file in the block goes through it (:meth:`read`, :meth:`events`,
    :meth:`append`, :meth:`undo`): NFS locks only a file open for writing, and SMB refuses
    another open file of a locked one its reads and writes. Read the chain in the block with
    these (or :func:`read_chain`, which reads through the block's open file in the thread that
    holds it), not by opening the file again.

    Entering waits for the lock while another process holds it, calling ``waiting`` (with no
    arguments) once before it waits, so that a command can say why it does nothing meanwhile
    (``atbalsts transition`` says it waits for another process writing the chain). A missing
    file is made (empty,
    mode 0600) to be locked, and removed again on leaving if nothing was appended to it, while
    the lock is still held: a wait for the lock cut short (an interrupt, an error) while another
    process holds it leaves the empty file, which that process may be about to append to. When
    the file was removed or replaced while this waited, the lock of the file now at ``path`` is
    taken instead. ``locked`` is False where files cannot be locked (:func:`append_event` says
    where), and where the file cannot be opened for writing (a read-only file or file system:
    it is opened for reading, and :meth:`append` raises the error that said so): the block then
    runs unlocked.

    ``size`` is the file's size when the lock was taken and ``existed`` whether it was there
    (False: made here), what :meth:`undo` puts back. Within the block, in its thread,
    :func:`append_event` and :func:`read_chain` go through it (the lock is the open file's: a
    second one would wait for the first forever), and another :class:`LockedChain` of the same
    file raises :class:`~atbalsts.errors.ChainError` (``chain_held``); another thread waits for
    the block to end, as another process does.
    """

    def __init__(self, path: Path, *, waiting: Waiting | None = None) -> None:
        self.path = Path(path)
        self.waiting = waiting
        self.locked = False
        self.size = 0
        self.existed = True
        self._file: io.FileIO | None = None
        self._unwritable: OSError | None = None
        self._key = (0, 0)

    def __enter__(self) -> LockedChain:
        if _held_here(self.path) is not None:
            raise ChainError(
                f"{self.path} is held already by a LockedChain of this thread: read and append "
                "through it (a second lock would wait for the first forever)",
                code="chain_held",
                values={"path": str(self.path)},
            )
        said = _once(self.waiting)
        while True:
            file, made, unwritable = _open_chain(self.path)
            locked: bool | None = None  # not yet: waiting for it
            try:
                locked = unwritable is None and _lock(file.fileno(), waiting=said)
                if _same_file(file, self.path):
                    break
            except BaseException:
                if locked is None and not (made and _lock_now(file.fileno())):
                    # The wait cut short while another process holds the lock of the file made
                    # here, maybe about to append to it: it stays, empty.
                    file.close()
                else:  # the lock held (or none to take): a file made here is removed
                    locked = True if locked is None else locked
                    self._release(file, made=made, locked=locked)
                raise
            file.close()  # removed or replaced while waiting: lock the file there now
        self._file, self.locked, self._unwritable = file, locked, unwritable
        info = os.fstat(file.fileno())
        self.size = info.st_size
        self.existed = not made or self.size > 0
        self._key = (info.st_dev, info.st_ino)
        with _HELD_GUARD:
            _HELD[self._key] = (threading.get_ident(), self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _held(self) -> io.FileIO:
        if self._file is None:
            raise ValueError(f"{self.path} is not held: use LockedChain in a with block")
        return self._file

    def read(self) -> bytes:
        """The chain file's bytes as they are now, read through the file held."""
        return _read_all(self._held())

    def events(self) -> list[AuditEvent]:
        """The chain's events as they are now (as :func:`read_chain` gives them: unverified),
        read through the file held."""
        return _events(self.read())

    def append(self, event: AuditEvent) -> None:
        """Append ``event`` if it follows the file's last event, as :func:`append_event` does
        (the same checks, the same :class:`~atbalsts.errors.ChainError`, nothing written on
        one); the lock is held already."""
        _check_sealed(self.path, event)
        last, blank = _last_line(self._held())
        if blank:
            # verify_chain reads a blank line as an edit: an event after one would not verify.
            raise ChainError(
                f"cannot append to {self.path}: it ends with a blank line, which verify_chain "
                "counts as an edit (remove the blank lines at its end, then verify it)",
                code="chain_end_unreadable",
                values={"path": str(self.path)},
            )
        _check_follows(self.path, event, last)
        self._write(event_line(event))

    def _write(self, line: bytes) -> None:
        """Append ``line`` on a line of its own, written to the disk (in a file empty until
        then, its directory entry too, whoever made it), unchecked. On a failure the file is
        cut back to what it was before and the :class:`OSError` raised: a half-written line
        would block every later append."""
        file = self._held()
        if self._unwritable is not None:
            cause = self._unwritable
            raise OSError(cause.errno, cause.strerror, str(self.path))
        size = os.fstat(file.fileno()).st_size
        try:
            if size and not _ends_with_newline(file):
                line = b"\n" + line
            written = 0
            while written < len(line):  # appended, wherever the file's end is now
                step = file.write(line[written:])
                if not step:
                    raise OSError(errno.EIO, os.strerror(errno.EIO), str(self.path))
                written += step
            os.fsync(file.fileno())
            if not size:  # maybe a new file (made here or by another): its entry written too
                sync_directory(self.path.parent)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(file.fileno(), size)
            raise

    def undo(self) -> None:
        """Put the file back as it was when the lock was taken (a file made here is removed on
        leaving the block): for an append whose other half failed, such as the document a
        transition writes with its event. Nothing is raised."""
        file = self._held()
        with contextlib.suppress(OSError):
            os.ftruncate(file.fileno(), self.size)

    def close(self) -> None:
        """Let go of the lock (removing the file when it was made here and is still empty)."""
        file, self._file = self._file, None
        if file is None:
            return
        with _HELD_GUARD:
            if _HELD.get(self._key, (0, None))[1] is self:
                del _HELD[self._key]
        self._release(file, made=not self.existed, locked=self.locked)

    def _release(self, file: io.FileIO, *, made: bool, locked: bool) -> None:
        """Close ``file``, whose lock is held (``locked``) or cannot be taken, removing the
        chain file when it was ``made`` here and is still empty: while the lock is still held,
        so that no other process can be about to append to it."""
        made_empty = False
        try:
            made_empty = made and os.fstat(file.fileno()).st_size == 0
            if made_empty and locked:  # while still locked: a waiter sees it gone
                with contextlib.suppress(OSError):
                    if _same_file(file, self.path):
                        self._remove()
        finally:
            file.close()
        if made_empty and not locked:  # unlocked (Windows: an open file is not removed)
            self._remove_if_empty()

    def _remove(self) -> None:
        if not self.path.is_symlink():  # a link's file made empty stays: an empty chain
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _remove_if_empty(self) -> None:
        with contextlib.suppress(OSError):
            if self.path.stat().st_size == 0:
                self._remove()


def _ends_with_newline(file: io.FileIO) -> bool:
    file.seek(-1, os.SEEK_END)
    return file.read(1) == b"\n"


#: What may follow a chain file's last event: nothing, or its line end.
_LINE_ENDS = (b"", b"\n", b"\r\n")

#: How much of a chain file's end is read at a time to find its last line.
_BLOCK = 8192


def _last_line(chain: io.FileIO) -> tuple[bytes | None, bool]:
    """The last line of ``chain`` that is not blank, without its line end (None when every line
    is blank), read from the end; and whether a blank line follows that line (or the file, not
    empty, holds only blank lines)."""
    end = chain.seek(0, os.SEEK_END)
    if end == 0:
        return None, False
    tail, position = b"", end
    while position > 0:
        step = min(_BLOCK, position)
        position -= step
        chain.seek(position)
        tail = chain.read(step) + tail
        text = tail.rstrip()
        start = text.rfind(b"\n")
        if start >= 0:
            return text[start + 1 :], tail[len(text) :] not in _LINE_ENDS
    text = tail.rstrip()
    return text.strip() or None, tail[len(text) :] not in _LINE_ENDS or not text


def _check_follows(path: Path, event: AuditEvent, last: bytes | None) -> None:
    """Raise :class:`~atbalsts.errors.ChainError` unless ``event`` follows ``last``, the chain
    file's last line (None: the file has no event)."""
    seq = str(event.seq)
    if last is None:
        if event.seq != 0 or event.prev is not None:
            raise ChainError(
                f"cannot append event {seq} to {path}: the chain has no events, so the event "
                "appended is a first one (event 0, with no prev): make it with transition() "
                "without previous",
                code="not_first_event",
                values={"path": str(path), "seq": seq},
            )
        return
    try:
        previous = AuditEvent.model_validate_json(last)
    except pydantic.ValidationError:
        raise ChainError(
            f"cannot append to {path}: its last line is not an audit event (verify_chain says "
            "what is wrong with it)",
            code="chain_end_unreadable",
            values={"path": str(path)},
        ) from None
    if previous.hash == event.hash:
        raise ChainError(
            f"cannot append event {seq} to {path}: it is the chain's last event already",
            code="already_appended",
            values={"path": str(path), "seq": seq},
        )
    if event.seq != previous.seq + 1 or event.prev != previous.hash:
        raise ChainError(
            f"cannot append event {seq} to {path}: it does not follow the chain's last event, "
            f"event {previous.seq} (the next is event {previous.seq + 1}, with that event's hash "
            "as prev: make it with transition(..., previous=<the chain's last event>))",
            code="not_next_event",
            values={"path": str(path), "seq": seq, "last": str(previous.seq)},
        )


def read_chain(path: Path) -> list[AuditEvent]:
    """The events of the chain file at ``path`` (none when it does not exist), unverified.

    The file is read under its shared advisory lock (:func:`append_event` takes the exclusive
    one): while another process appends, it waits, then reads the chain as that append left
    it, never half an event's line. Within a :class:`LockedChain` block of the same file it
    reads through that (:meth:`LockedChain.events`)."""
    try:
        data = read_locked(Path(path))
    except FileNotFoundError:
        return []
    return _events(data)


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@attrs.frozen
class ChainVerdict:
    """What :func:`verify_chain` found.

    ``ok`` is true when every event is intact and in place (an empty chain too, without a
    ``head``: ``count`` 0). Otherwise ``first_bad`` is the position (from 0) of the first event
    that is not, and ``problem`` says what is wrong with it, or with the chain there: edited, not
    following the event before it (an event deleted, inserted, copied or moved there, or the
    event before it edited and sealed again), not starting from the version of its document the
    last event about it left, or a chain that does not end at the ``head`` kept for it (then
    ``first_bad`` is where the events after the head would begin: ``count``, or the position after
    the head's event). ``head`` is the hash of the last good event (None for an empty chain).

    ``code`` names the problem, a stable code, and ``values`` what it is about (positions and
    sequence numbers of events, field paths), so that a program, or the command line in
    Latvian, can say it in its own words; None when the chain verifies. The codes and their
    values: :ref:`chain-codes`.
    """

    ok: bool
    count: int
    first_bad: int | None = None
    problem: str | None = None
    head: str | None = None
    code: str | None = None
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)

    @property
    def whole(self) -> bool:
        """Whether the problem is said whole, not as "event N is bad: ...": it is about the
        chain, or about two events (``not_a_chain``, ``not_following``, ``head_mismatch``,
        ``head_not_last``, ``head_but_empty``)."""
        return self.code in WHOLE

    def __str__(self) -> str:
        if self.ok and self.count == 0:
            return "the chain has no events"
        if self.ok:
            return f"the chain of {self.count} event(s) verifies; head {self.head}"
        if self.whole:
            return str(self.problem)
        return f"event {self.first_bad} is bad: {self.problem}"


#: The codes whose problem is said whole, not as "event N is bad: ...": it is about the chain,
#: or about two events.
WHOLE = frozenset(
    {"not_a_chain", "not_following", "head_mismatch", "head_not_last", "head_but_empty"}
)

#: Why an event is bad: the sentence, its code and the values it is about.
_Problem = tuple[str, str, dict[str, str]]

#: The fields that make a JSON object look like an audit event (one is enough).
_EVENT_KEYS = frozenset({"seq", "prev", "hash"})


def _raw(item: AuditEvent | str | bytes) -> tuple[dict[str, Any] | None, _Problem | None]:
    """The event's fields as JSON values, or why they cannot be read."""
    if isinstance(item, AuditEvent):
        return item.model_dump(mode="json"), None
    data = item.encode() if isinstance(item, str) else item
    data = data.rstrip(b"\n")
    try:
        fields = json.loads(data)
    except ValueError:
        return None, ("it is not valid JSON (edited)", "not_json", {})
    if not isinstance(fields, dict):
        return None, ("it is not a JSON object (edited)", "not_object", {})
    if not _EVENT_KEYS & fields.keys():
        problem = "it is not an audit event: it has no seq, prev or hash (a line of another file)"
        return None, (problem, "not_an_event", {})
    if canonical(fields) != data:
        return None, ("it is not in canonical form (edited)", "not_canonical", {})
    try:
        AuditEvent.model_validate(fields)
    except pydantic.ValidationError as exc:
        paths = [e.path for e in field_errors(exc, AuditEvent)[:3]]
        problem = f"it is not a valid audit event ({', '.join(paths)}; edited)"
        return None, (problem, "invalid_event", {"paths": ",".join(paths)})
    return fields, None


def _looks_like_event(item: AuditEvent | str | bytes) -> bool:
    """Whether ``item`` is an event, or a JSON object with one of an event's own fields."""
    if isinstance(item, AuditEvent):
        return True
    try:
        fields = json.loads(item)
    except ValueError:
        return False
    return isinstance(fields, dict) and bool(_EVENT_KEYS & fields.keys())


def _bad(count: int, position: int, problem: _Problem, head: str | None) -> ChainVerdict:
    return ChainVerdict(False, count, position, problem[0], head, problem[1], problem[2])


def _sound(item: AuditEvent | str | bytes) -> dict[str, Any] | None:
    """The fields of ``item`` when it is an intact event (its hash matches), else None."""
    fields, _ = _raw(item)
    if fields is None or _content_hash(fields) != fields["hash"]:
        return None
    return fields


def _out_of_place(
    fields: dict[str, Any],
    position: int,
    previous: str | None,
    hashes: dict[str, int],
    items: Sequence[AuditEvent | str | bytes],
) -> _Problem:
    """Why the intact event ``fields`` at ``position`` does not follow the events before it,
    whose hashes (to their positions) are ``hashes``, the last ``previous``."""
    seq = fields["seq"]
    where = {"seq": str(seq), "position": str(position)}
    head = f"it is event {seq} of its chain, but comes at {position}"
    if seq > position:
        for found in range(position + 1, len(items)):
            other = _sound(items[found])
            if other is not None and other["seq"] == position and other["prev"] == previous:
                problem = (
                    f"{head}; event {position}, which belongs there, comes at {found} "
                    "(events moved)"
                )
                return problem, "event_moved", {**where, "found": str(found)}
        return f"{head} (an event before it was deleted)", "event_deleted", where
    if seq < position:
        if fields["hash"] in hashes:
            return f"it is a copy of event {seq} (an event copied)", "event_repeated", where
        problem = f"{head} (an event was inserted or moved before it)"
        return problem, "event_inserted", where
    if position == 0:
        problem = (
            "it is the chain's first event, but names an event before it (prev): edited and its "
            "hash computed again"
        )
        return problem, "not_first", {}
    problem = (
        f"event {position} does not follow event {position - 1}, the one before it: one of the "
        "two was either edited and its hash computed again, or replaced by another event"
    )
    return problem, "not_following", {"position": str(position), "previous": str(position - 1)}


def _not_at_head(head: str, hashes: dict[str, int], count: int) -> tuple[int, _Problem]:
    """Where and why a chain of ``count`` intact events, whose hashes (to their positions) are
    ``hashes``, does not end at ``head``."""
    if count == 0:
        problem = (
            "the chain has no events, but a head is kept for it: its events removed, or the head "
            "of another chain"
        )
        return 0, (problem, "head_but_empty", {})
    last = str(count - 1)
    if head in hashes:
        event = hashes[head]
        problem = (
            f"the head kept for the chain is the hash of event {event}, but the chain goes on to "
            f"event {last}: events added after the head was kept, or the head not kept up to date"
        )
        return event + 1, (problem, "head_not_last", {"event": str(event), "last": last})
    problem = (
        f"the chain ends at event {last}, whose hash is not the head kept for it: events removed "
        "from its end, the chain rewritten, or the head of another chain"
    )
    return count, (problem, "head_mismatch", {"last": last})


def verify_chain(
    events: Iterable[AuditEvent | str | bytes], *, head: str | None = None
) -> ChainVerdict:
    """Check a chain: each event's hash against its content, each event's ``prev`` and ``seq``
    against the event before it, and each event's ``before`` against the ``after`` of the event
    before it about the same document (kind and id). Events are
    :class:`~atbalsts.model.AuditEvent` values or the lines of a chain file (text or bytes).

    Returns a :class:`ChainVerdict` naming the first bad event and what is wrong, as far as the
    chain can tell: an edited event fails its own hash; after a deletion, an insertion, a copy
    or a move, the first event out of place has a ``seq`` or a ``prev`` that does not follow
    the event before it (an event that belongs there found later in the chain makes it a
    move); an event edited and sealed again (its hash computed again) breaks the link to the
    event after it, so that link is named, both events; an event whose document was changed
    outside the chain since its last event names a ``before`` that is not that event's
    ``after``. A file none of whose lines is an audit event is not a chain (``not_a_chain``).
    With ``head``, the hash of the last event kept elsewhere, a chain cut short at its end, or
    rewritten from some event on, is found too, and a head of an earlier event is told apart.
    """
    items = list(events)
    previous: str | None = None
    versions: dict[tuple[str, str], tuple[int, str]] = {}
    hashes: dict[str, int] = {}
    count = 0
    for position, item in enumerate(items):
        count = position + 1
        fields, why = _raw(item)
        if fields is None:
            assert why is not None
            if position == 0 and not any(_looks_like_event(i) for i in items):
                why = (
                    "it is not an audit chain: none of its lines is an audit event",
                    "not_a_chain",
                    {},
                )
            return _bad(count, position, why, previous)
        if _content_hash(fields) != fields["hash"]:
            why = ("its hash does not match its content (edited)", "hash_mismatch", {})
            return _bad(count, position, why, previous)
        if fields["prev"] != previous or fields["seq"] != position:
            why = _out_of_place(fields, position, previous, hashes, items)
            return _bad(count, position, why, previous)
        document = (fields["document"], fields["document_id"])
        last = versions.get(document)
        if last is not None and fields["before"] != last[1]:
            problem = (
                f"it does not start from the version event {last[0]} left of the same document "
                "(its before is not that event's after: the document was changed outside the chain)"
            )
            return _bad(
                count, position, (problem, "changed_outside", {"event": str(last[0])}), previous
            )
        versions[document] = (position, fields["after"])
        hashes[fields["hash"]] = position
        previous = fields["hash"]
    if head is not None and previous != head:
        first_bad, why = _not_at_head(head, hashes, count)
        return _bad(count, first_bad, why, previous)
    return ChainVerdict(True, count, head=previous)


def replay(first: D, events: Sequence[AuditEvent]) -> D:
    """The document after each of ``events`` (those about ``first``) is applied in turn.

    Each event must start from the version the document has at that point (its ``before``
    hash) and lead to the version it recorded (its ``after`` hash); otherwise
    :class:`~atbalsts.errors.LifecycleError` says which event does not fit. Guards are not
    judged again: they were judged when the events were made.
    """
    document = first
    kind = kind_of(first)
    for event in events:
        if event.document != kind or event.document_id != first.id:
            continue
        if document_hash(document) != event.before:
            raise LifecycleError(
                kind,
                status_of(document),
                event.action,
                (),
                message=f"{kind} {first.id}: event {event.seq} does not start from the "
                "document's version at that point",
            )
        document = apply(
            document,
            event.action,
            event.params,
            actor=event.actor,
            on=event.on,
            reason=event.reason,
        )
        if document_hash(document) != event.after:
            raise LifecycleError(
                kind,
                status_of(document),
                event.action,
                (),
                message=f"{kind} {first.id}: event {event.seq} does not lead to the version "
                "it recorded",
            )
    return document
