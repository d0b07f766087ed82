"""Whether an input that gave no case is JSON Lines at all: the check that ``atbalsts batch`` and
``atbalsts worklist`` (and their functions) share.

A pretty-printed case, or a JSON array of cases, read line by line gives a line that is not a
case for every line. Both refuse it as a whole (code ``not_json_lines``) when no line is a
valid case and the first line that is not blank opens a JSON array, or a JSON object the line
does not close, and say how to convert it; a record that is only broken stays a bad line.

``atbalsts batch`` (:func:`atbalsts.batch.iter_decisions`) and the service's batch answer as they
read, so they hold back the records of such an input while it is in doubt, with one
:class:`Spool`: until a line is a case, and then they give them all, or until the input ends, and
then they refuse it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Literal

__all__ = ["CODE", "HELD_IN_MEMORY", "Shape", "Spool", "not_json_lines", "opens"]

#: The code of the error both raise.
CODE = "not_json_lines"

#: What the first line of an input opens when it is not a JSON Lines record: a JSON document
#: that goes on over the lines after it, or a JSON array.
Shape = Literal["document", "array"]


def opens(line: str) -> Shape | None:
    """What ``line``, the first of an input that is not blank, opens when it is not a JSON Lines
    record at all: a JSON array (whole on the line or not), or a JSON object that the line does
    not close (the first line of a pretty-printed document). None for a record, whole or only
    broken."""
    text = line.strip()
    if text.startswith("["):
        return "array"
    if not text.startswith("{"):
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as err:  # the text ran out before the object closed
        return "document" if err.pos >= len(text) else None
    except RecursionError:
        return None
    return None


def not_json_lines(line: int, shape: Shape, reader: str) -> tuple[str, dict[str, str]]:
    """The English message and the values (``line``, ``shape``) of the error that refuses an
    input whose first line ``line`` opens ``shape``; ``reader`` names what reads one support
    case per line (``a work list``, ``the batch``)."""
    if shape == "array":
        what = "it is a JSON array"
        convert = "jq -c '.[]' FILE"
    else:
        what = f"line {line} opens a JSON document that goes on over the lines after it"
        convert = "jq -c . FILE"
    message = (
        f"the input is not JSON Lines: {what}, and {reader} reads one support case per line "
        f"(convert it with {convert})"
    )
    return message, {"line": str(line), "shape": shape}


#: Bytes of records a :class:`Spool` holds in memory before they move to a temporary file.
HELD_IN_MEMORY = 1 << 16


class Spool:
    """The records of an input that may not be JSON Lines, held back until it is known whether
    it is: the one rule of when to hold them, when to give them, and when to refuse the input.

    The input is in doubt when its first line that is not blank (line ``first``) opens a JSON
    document or array (``shape``, what :func:`opens` says of it). While it is, the record of a
    line that is not a case (an ``invalid`` record) is held (:meth:`bad_line`). The first record
    of a line that may be a case (a decision, an ``error`` record, a line refused for another
    reason) ends the doubt: the records held go out before it, in order (:meth:`case`), and from
    then on every record goes out as it comes. When the input ends still in doubt, no line a
    case, it is refused (:meth:`ended`) and not one record went out. An input that is not in
    doubt (``shape`` None: its first line is a record, whole or broken, or it has none) holds
    nothing.

    A record is one line of Unicode text, its newline last and no other in it, given back as it
    was held. The records held are kept in memory up to ``memory`` bytes, then in a temporary
    file, so that memory does not grow with the input. Closing the spool
    (``contextlib.closing``) drops what it still holds.
    """

    def __init__(
        self, first: int | None, shape: Shape | None, *, memory: int = HELD_IN_MEMORY
    ) -> None:
        self._opened = None if first is None or shape is None else (first, shape)
        self._doubt = self._opened is not None
        self._memory = memory
        self._held: tempfile.SpooledTemporaryFile[str] | None = None

    @property
    def in_doubt(self) -> bool:
        """Whether no line of the input in doubt is a case yet: its bad lines' records are held."""
        return self._doubt

    def bad_line(self, record: str) -> bool:
        """Hold ``record``, that of a line that is not a case, while the input is in doubt
        (True); False when it is not: the record goes out now."""
        if not self._doubt:
            return False
        if not record.endswith("\n") or record.find("\n", 0, len(record) - 1) != -1:
            raise ValueError("a record held is one line, its newline last and no other in it")
        if self._held is None:
            # open across calls: closed once given back, refused or dropped
            self._held = tempfile.SpooledTemporaryFile(  # noqa: SIM115
                max_size=self._memory, mode="w+", encoding="utf-8", newline="\n"
            )
        self._held.write(record)
        return True

    def case(self) -> Iterator[str]:
        """A line may be a case: the input is JSON Lines, in doubt no more. The records held, in
        order, to go out before that line's (none when there are none, or the doubt was over:
        they are given once)."""
        held = self._held if self._doubt else None
        self._doubt = False
        return iter(()) if held is None else self._given(held)

    def _given(self, held: tempfile.SpooledTemporaryFile[str]) -> Iterator[str]:
        try:
            held.seek(0)
            yield from held
        finally:
            self.close()

    def ended(self, reader: str) -> tuple[str, dict[str, str]] | None:
        """The input ended: when it is still in doubt, the English message and the values of the
        error that refuses it (:func:`not_json_lines`, ``reader`` as there), and what was held
        is dropped; else None."""
        opened = self._opened if self._doubt else None
        self.close()
        return None if opened is None else not_json_lines(*opened, reader)

    def close(self) -> None:
        """Drop what is held (the temporary file with it): nothing goes out or is refused any
        more."""
        self._doubt = False
        held, self._held = self._held, None
        if held is not None:
            held.close()
