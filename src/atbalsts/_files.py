"""Files written whole or not at all: a new file beside its target, put in its place in one step.

Every command that writes a file (``atbalsts batch``, ``stats``, ``transition``) writes it as a
:class:`Replacement`: a temporary file in the target's directory (so the rename stays on one file
system), renamed over the target only when it is complete. A reader sees the old file or the new
one, never part of one; a failure leaves the old file as it was and removes the temporary one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, TextIO, cast

__all__ = ["Replacement", "owner_only", "replaceable", "sync_directory"]


def owner_only(path: str, flags: int) -> int:
    """An ``opener`` for :func:`open`: a file it creates is readable and writable by its owner
    only (mode 0600, less what the umask takes away); an existing file keeps its mode. For a
    file that is added to in place (an audit chain), as :class:`Replacement` is for the rest."""
    return os.open(path, flags, 0o600)


def replaceable(target: Path) -> bool:
    """Whether a :class:`Replacement` may take ``target``'s place: it does not exist, or is a
    regular file. A device (``/dev/null``), a named pipe or a directory is never replaced."""
    return not target.exists() or target.is_file()


class Replacement:
    """A new file beside ``target`` that replaces it in one step (:meth:`commit`), or is removed
    (:meth:`discard`, and on leaving a ``with`` block by an exception).

    The file is readable by its owner only (mode 0600), unless ``mode`` says otherwise. Its name
    starts with ``.`` and the target's name and ends with ``suffix``, so a leftover one (the
    process was killed) is easy to recognise (:meth:`leftovers`).
    """

    def __init__(self, target: Path, *, suffix: str = ".part", mode: int | None = None) -> None:
        self.target = target
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=suffix, dir=target.parent or Path(".")
            )
        except OSError as err:  # named by the file asked for, not the hidden temporary one
            raise OSError(err.errno, err.strerror, str(target)) from None
        self.path = Path(name)
        self._handle: int | None = handle
        self._stream: IO[Any] | None = None
        self.done = False
        if mode is not None:
            try:
                os.chmod(handle, mode)
            except BaseException:
                self.discard()
                raise

    @staticmethod
    def leftovers(target: Path, suffix: str) -> list[Path]:
        """Files a :class:`Replacement` of ``target`` with ``suffix`` left behind, oldest first."""
        found: list[tuple[int, str, Path]] = []
        for path in target.parent.glob(f".{glob.escape(target.name)}.*{glob.escape(suffix)}"):
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):  # never a link or anything else planted there
                found.append((info.st_mtime_ns, path.name, path))
        return [path for _, _, path in sorted(found)]

    def text(self) -> TextIO:
        """The file as UTF-8 text with ``\\n`` line ends."""
        return cast(TextIO, self._open("w"))

    def binary(self) -> BinaryIO:
        """The file as bytes."""
        return cast(BinaryIO, self._open("wb"))

    def _open(self, mode: str) -> IO[Any]:
        if self._stream is None:
            text = mode == "w"
            encoding, newline = ("utf-8", "\n") if text else (None, None)
            self._stream = os.fdopen(self._take(), mode, encoding=encoding, newline=newline)
        elif self._stream.mode != mode:
            raise ValueError(f"{self.path} is open as {self._stream.mode!r}, not {mode!r}")
        return self._stream

    def _take(self) -> int:
        if self._handle is None:
            raise ValueError(f"{self.path} is already open or closed")
        handle, self._handle = self._handle, None
        return handle

    def close(self, *, sync: bool = False) -> None:
        """Close the file (written to the disk first with ``sync``); the target is untouched."""
        if self._stream is not None:
            if sync and not self._stream.closed:
                self._stream.flush()
                os.fsync(self._stream.fileno())
            self._stream.close()
        elif self._handle is not None:
            if sync:
                os.fsync(self._handle)
            os.close(self._handle)
            self._handle = None

    def commit(self, *, sync: bool = False, keep_open: bool = False) -> None:
        """Close the file and put it in the target's place in one step. With ``sync``, the file
        is on the disk before the rename, and the rename before this returns. With
        ``keep_open``, the file stays open for writing in its new place (not on Windows)."""
        if not keep_open:
            self.close(sync=sync)
        os.replace(self.path, self.target)
        self.done = True
        if sync:
            sync_directory(self.target.parent)

    def discard(self) -> None:
        """Close and remove the file (nothing is raised if it is gone already)."""
        with contextlib.suppress(OSError):
            self.close()
        if not self.done:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Replacement:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None or not self.done:
            self.discard()


def sync_directory(directory: Path) -> None:
    """Write a directory's entries (a rename in it) to the disk, where the system allows it."""
    try:
        handle = os.open(directory or Path("."), os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)
