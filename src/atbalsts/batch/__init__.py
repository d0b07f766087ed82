"""Batch evaluation: JSON Lines of support cases in, one JSON line per case out.

Every non-blank input line gives exactly one record, in input order: the decision, an
``invalid`` record naming the line and every failing field (its path, message, kind and values,
as the library's :class:`~atbalsts.errors.FieldError`; never the input), or an ``error`` record
when the case has no evaluation date (none given and no observation), the learner's policy set
cannot be built (a conflict between installed plugins) or the evaluation of that line failed
unexpectedly.
Nothing is dropped, one line never stops the others, and a file is written whole or not at all.

:func:`iter_decisions` streams: lines in, :class:`BatchRecord` values out, in this process or on
worker processes fed in chunks, with the same output byte for byte. Every record carries its
input line number (a decision's JSON starts with a ``line`` key before the Decision's own
fields), and a ``summary`` record ends the run. What every decision under one policy shares (the
policy stamp, rule titles, legal bases, parameter values) is written once, in a ``rule_table``
record before the first decision that refers to it, and each decision names them by id; so a
line holds what is particular to its learner. :func:`expand_records` reads an output back with
every decision as the whole Decision document (``self_contained=True`` writes them so).

:func:`evaluate_file` writes the records to a file whole or not at all, can resume an earlier
output and can put the bad lines' records in a file of their own. :func:`evaluate_lines` is the
one-process loop whose records the HTTP service sends (whole decisions without ``line``, no
summary). The shape of every record is published as ``schemas/batch-record.schema.json``
(:func:`record_schema`).
"""

from __future__ import annotations

from atbalsts._markers import publish as _publish
from atbalsts.batch._decide import (
    MAX_ERROR_MESSAGE,
    decision_notes,
    evaluate_lines,
    latest_observation,
)
from atbalsts.batch._file import evaluate_file
from atbalsts.batch._pool import available_cores
from atbalsts.batch._read import expand_records
from atbalsts.batch._records import (
    BatchFileError,
    BatchRecord,
    BatchStats,
    BatchStopped,
    BatchSummary,
    NoEvaluationDate,
    RecordKind,
    WorkerError,
    blank_line,
)
from atbalsts.batch._schema import record_schema, record_schema_text
from atbalsts.batch._stream import CHUNK_SIZE, iter_decisions

__all__ = [
    "CHUNK_SIZE",
    "MAX_ERROR_MESSAGE",
    "BatchFileError",
    "BatchRecord",
    "BatchStats",
    "BatchStopped",
    "BatchSummary",
    "NoEvaluationDate",
    "RecordKind",
    "WorkerError",
    "available_cores",
    "blank_line",
    "decision_notes",
    "evaluate_file",
    "evaluate_lines",
    "expand_records",
    "iter_decisions",
    "latest_observation",
    "record_schema",
    "record_schema_text",
]

# Reachable here for the tests that run a worker in this process.
from atbalsts.batch._decide import _Settings as _Settings
from atbalsts.batch._pool import _work as _work

_publish(__name__, globals(), __all__)
