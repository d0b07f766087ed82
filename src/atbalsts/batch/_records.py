"""The records of a batch run and their counts, and the errors that end a run."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Literal

import attrs

from atbalsts.errors import AtbalstsError, CodedByReason
from atbalsts.model.decision import NoteCode

#: What a record is: a decided case, an invalid line, a line that could not be decided, the end;
#: or the rule table of a policy, written before the first decision that refers to it.
RecordKind = Literal["decision", "invalid", "error", "summary", "rule_table"]


@attrs.define
class BatchStats:
    """Counts of a batch run, one per non-blank input line.

    ``evaluated``: decided (``incomplete`` of them are incomplete Decisions). ``invalid``: the line
    is not a valid support case. ``errors``: the case had no evaluation date, the policy set could
    not be built or the evaluation failed; the line has an ``error`` record.

    Of the decisions, ``without_policy`` counts those the national baseline made alone because no
    installed policy governs the municipality asked for (by municipality), and ``without_data``
    those with no observation dated on or before the evaluation date (their "no findings" means
    no data); each such decision carries the note that says so.
    """

    evaluated: int = 0
    invalid: int = 0
    incomplete: int = 0
    errors: int = 0
    without_policy: dict[str, int] = attrs.field(factory=dict)
    without_data: int = 0

    def add(self, other: BatchStats) -> None:
        """Add the counts of ``other`` to these."""
        self.evaluated += other.evaluated
        self.invalid += other.invalid
        self.incomplete += other.incomplete
        self.errors += other.errors
        self.without_data += other.without_data
        for where, n in other.without_policy.items():
            self.without_policy[where] = self.without_policy.get(where, 0) + n


@attrs.define
class BatchSummary(BatchStats):
    """The counts of a whole batch output, as its ``summary`` record gives them: those of
    :class:`BatchStats` and ``lines``, the input lines read (blank ones included). For a resumed
    output they count the records kept from the earlier one too: the summary is the one an
    uninterrupted run writes."""

    lines: int = 0


@attrs.frozen
class BatchRecord:
    """One record of batch output: its kind, its input line number (None for the summary) and
    its JSON text (one object on one line, without the newline).

    ``stats`` holds the counts of a ``summary`` record and ``table`` the id of a ``rule_table``
    record (None for every other record). A ``rule_table`` record's ``line`` is that of the
    decision it comes before (its JSON carries none).
    """

    kind: RecordKind
    line: int | None
    text: str
    stats: BatchSummary | None = attrs.field(default=None, eq=False)
    table: str | None = None


class NoEvaluationDate(AtbalstsError):
    """No evaluation date was given and the case has no observation to take one from."""


class WorkerError(AtbalstsError):
    """A worker process of the batch could not start (its policies could not be loaded)."""


def _count_note(stats: BatchStats, code: str, detail: Mapping[str, object]) -> None:
    if code == NoteCode.NO_MUNICIPAL_POLICY:
        where = str(detail.get("municipality"))
        stats.without_policy[where] = stats.without_policy.get(where, 0) + 1
    elif code == NoteCode.NO_OBSERVATION_ON_DATE:
        stats.without_data += 1


class BatchStopped(BaseException):
    """The batch was stopped through its ``stop`` event before every line was done.

    Like ``KeyboardInterrupt`` it is not an ``Exception``: cleanup code sees it, a handler of
    ordinary errors does not swallow it.
    """


#: The whitespace of JSON (RFC 8259): the only characters a blank input line may hold.
_JSON_SPACE = " \t\r\n"


def blank_line(line: str) -> bool:
    """Whether a batch input line is blank: nothing but JSON white space (space, tab, carriage
    return, newline), skipped with no record, its number still counted. Other white space (a
    no-break space, U+2028, a form feed) is not blank: the line gets its ``invalid`` record like
    any text that is not a case. The CLI, :func:`iter_decisions` and the HTTP service's batch
    all ask this."""
    return not line.strip(_JSON_SPACE)


def _dumps(record: Mapping[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise BatchStopped


def _summary_text(summary: BatchSummary) -> str:
    return _dumps({"summary": attrs.asdict(summary)})


class BatchFileError(CodedByReason):
    """The batch cannot run as asked: the files clash, an option is missing, an output to
    resume is not one this input and these options made, or the input is not JSON Lines
    (``not_json_lines``).

    ``str(error)`` says why in English. ``code`` names the kind of problem as a stable code
    and ``values`` what it is about (paths, line numbers, dates, a rule table's id: never a
    value of a case's field), so that the command line can say it in Latvian; ``code`` is None
    where the message has none (the errors of ``expand_records``;
    :class:`~atbalsts.errors.AtbalstsError`). The codes are listed in the command line
    reference (``atbalsts batch``)."""
