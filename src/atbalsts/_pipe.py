"""A reader that stops early (``atbalsts audit show CHAIN | head -3``) is not an error: what the
command-line entry points share to stop quietly then, as Python's documentation recommends
(signal, "Note on SIGPIPE")."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TextIO

__all__ = ["EXIT_BROKEN_PIPE", "quiet_when_reader_goes"]

#: The exit status of a command whose reader stopped reading: 128 + SIGPIPE (13), what a shell
#: reports for ``cat`` or ``grep`` stopped the same way, beside 130 for Ctrl-C.
EXIT_BROKEN_PIPE = 141


def _silence(stream: TextIO | None) -> None:
    """Point ``stream``'s file at the null device when its reader has gone: what is left in its
    buffer, flushed at exit, then goes nowhere, not into a second error. A stream whose reader
    is still there is left as it is."""
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, ValueError):  # its pipe is closed (or the stream is)
        try:
            fd = stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError):  # not a file of the process: nothing to flush at exit
            return
        os.dup2(devnull, fd)
        os.close(devnull)


def _flush(stream: TextIO | None) -> None:
    """Write out what ``stream`` holds, so that a closed pipe is met here and not at exit."""
    if stream is not None:
        with contextlib.suppress(ValueError):  # a stream already closed
            stream.flush()


def quiet_when_reader_goes(run: Callable[[], int]) -> int:
    """``run()``'s exit status, or :data:`EXIT_BROKEN_PIPE` without a word when its standard
    output's (or error's) reader went: that stream is pointed at the null device, so that
    Python's own flush at exit does not fail either. ``run`` lets :class:`BrokenPipeError`
    through (it is an :class:`OSError`: catch it first where OSErrors are said as errors)."""
    try:
        try:
            return run()
        finally:
            _flush(sys.stdout)  # inside the try: a closed pipe met at the last block is caught
    except BrokenPipeError:
        _silence(sys.stdout)
        _silence(sys.stderr)
        return EXIT_BROKEN_PIPE
