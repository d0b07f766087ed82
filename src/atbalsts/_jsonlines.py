"""Whether an input that gave no case is JSON Lines at all: the check that ``atbalsts batch`` and
``atbalsts worklist`` (and their functions) share.

A pretty-printed case, or a JSON array of cases, read line by line gives a line that is not a
case for every line. Both refuse it as a whole (code ``not_json_lines``) when no line is a
valid case and the first line that is not blank opens a JSON array, or a JSON object the line
does not close, and say how to convert it; a record that is only broken stays a bad line.
"""

from __future__ import annotations

import json
from typing import Literal

__all__ = ["CODE", "Shape", "not_json_lines", "opens"]

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
