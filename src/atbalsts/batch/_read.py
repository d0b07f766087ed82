"""Reading a batch output back: each decision as the whole Decision document."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from atbalsts.batch._records import BatchFileError
from atbalsts.engine import RuleTable, expand_decision


def expand_records(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    """The records of an ``atbalsts batch`` output (its lines, as read from the file), as JSON
    data: each decision as the whole :class:`~atbalsts.model.Decision` document with its input
    ``line`` first, every other record as it is. The ``rule_table`` records are read, not given:
    a decision that names its policy by id gets the policy stamp, legal bases and parameters
    from the table with that id. ``Decision.model_validate(record)`` without ``line`` gives the
    document.

    Read the file line by line, splitting on newline only (iterating over the open file does):
    a JSON string may hold U+2028 or U+2029, which ``str.splitlines()`` also splits on.

    Raises :class:`~atbalsts.errors.AtbalstsError` naming the output line for a rule table that
    is not one, for a decision whose table came before it in no line (the output is not whole),
    and for a decision that names what its table lacks or has a field of the wrong kind.
    """
    tables: dict[str, RuleTable] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not isinstance(record, dict):
            raise BatchFileError(f"batch output line {number} is not a JSON object")
        if RuleTable.is_record(record):
            try:
                table = RuleTable.from_record(record)
            except ValueError as err:
                raise BatchFileError(f"batch output line {number}: {err}") from None
            tables[table.id] = table
            continue
        policy = record.get("policy")
        if "learner_id" in record and isinstance(policy, str):
            found = tables.get(policy)
            if found is None:
                raise BatchFileError(
                    f"batch output line {number}: its rule table {policy!r} is not in an "
                    "earlier line (read the output whole, from its first line)"
                )
            line_number = record.get("line")
            try:
                expanded = expand_decision(record, found)
            except (KeyError, TypeError, ValueError) as err:  # names what the table lacks
                why = err.args[0] if isinstance(err, KeyError) and err.args else err
                raise BatchFileError(f"batch output line {number}: {why}") from None
            record = expanded if line_number is None else {"line": line_number, **expanded}
        yield record
