"""Batch evaluation: JSON Lines of support cases in, one JSON line per case out.

Every non-blank input line gives exactly one record, in input order: the Decision, an
``invalid`` record naming the line and every failing field path, or an ``error`` record when the
case has no evaluation date (none given and no observation), the learner's policy set cannot be
built (a conflict between installed plugins) or the evaluation of that line failed unexpectedly.
Nothing is dropped, one line never stops the others, and a file is written whole or not at all.

:func:`iter_decisions` streams: lines in, :class:`BatchRecord` values out, in this process or on
worker processes fed in chunks, with the same output byte for byte. Every record carries its
input line number (a decision's JSON starts with a ``line`` key before the Decision's own
fields), and a ``summary`` record ends the run. :func:`evaluate_file` writes them to a file whole
or not at all, can resume an earlier output and can put the bad lines' records in a file of
their own. :func:`evaluate_lines` is the one-process loop whose records the HTTP service sends
(decisions without ``line``, no summary). The shape of every record is published as
``schemas/batch-record.schema.json`` (:func:`record_schema`).
"""

from __future__ import annotations

import contextlib
import heapq
import json
import multiprocessing
import os
import pickle
import queue
import re
import signal
import sys
import tempfile
import threading
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from datetime import date
from itertools import chain, islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

import attrs
import pydantic

from atbalsts.engine import PolicyRegistry, to_decision
from atbalsts.errors import AtbalstsError, DocumentError, PolicyError
from atbalsts.model import Decision, SupportCase, parse_json
from atbalsts.model.decision import DecisionNote, NoteCode

__all__ = [
    "CHUNK_SIZE",
    "MAX_ERROR_MESSAGE",
    "BatchRecord",
    "BatchStats",
    "BatchStopped",
    "BatchSummary",
    "NoEvaluationDate",
    "RecordKind",
    "WorkerError",
    "available_cores",
    "decision_notes",
    "evaluate_file",
    "evaluate_lines",
    "iter_decisions",
    "latest_observation",
    "record_schema",
    "record_schema_text",
]

#: The longest message of an ``error`` record for an unexpected exception.
MAX_ERROR_MESSAGE = 200

#: Lines sent to a worker process at a time: some 50 ms of work, much more than sending it
#: costs, and small enough that the chunks on their way hold a few megabytes (500 doubled the
#: resident set of the main process, for no speed).
CHUNK_SIZE = 100

#: Chunks on their way to or from the workers, per worker: enough to keep every worker busy
#: while the next result is written, few enough that memory does not grow with the input.
_IN_FLIGHT_PER_JOB = 2

#: Held back while a worker process starts: the workers ignore Ctrl-C, once they can.
_INTERRUPT = frozenset({signal.SIGINT})

#: How often (seconds) a wait for a worker looks at the ``stop`` event.
_POLL = 0.05

_REDACTED = "…"

#: What a record is: a decided case, an invalid line, a line that could not be decided, the end.
RecordKind = Literal["decision", "invalid", "error", "summary"]

#: Something that gives the policy registry: an instance, or a function that loads one.
RegistrySource = PolicyRegistry | Callable[[], PolicyRegistry]


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

    ``stats`` holds the counts of a ``summary`` record (None for every other record).
    """

    kind: RecordKind
    line: int | None
    text: str
    stats: BatchSummary | None = attrs.field(default=None, eq=False)


class NoEvaluationDate(AtbalstsError):
    """No evaluation date was given and the case has no observation to take one from."""


class WorkerError(AtbalstsError):
    """A worker process of the batch could not start (its policies could not be loaded)."""


def latest_observation(case: SupportCase) -> date | None:
    """The date of the case's latest observation: the evaluation date when none is given."""
    return max((o.as_of for o in case.observations), default=None)


def decision_notes(
    decision: Decision,
    case: SupportCase,
    registry: PolicyRegistry,
    municipality: str | None = None,
) -> tuple[DecisionNote, ...]:
    """The notes of ``decision`` (the case's learner decided under the policy of
    ``municipality``, default the learner's), with the two a reader must not miss added when the
    engine did not write them: no installed policy governs the municipality
    (``no_municipal_policy``), and no observation is dated on or before the evaluation date
    (``no_observation_on_date``)."""
    notes = list(decision.notes)
    codes = {str(n.code) for n in notes}
    as_of = decision.as_of
    chosen = municipality or case.learner.enrolment.municipality
    if NoteCode.NO_MUNICIPAL_POLICY not in codes and not any(
        p.municipality == chosen and p.in_force(as_of) for p in registry.policies
    ):
        detail: dict[str, str | int | float | bool | None] = {"municipality": chosen}
        notes.append(DecisionNote(code=NoteCode.NO_MUNICIPAL_POLICY, detail=detail))
    if NoteCode.NO_OBSERVATION_ON_DATE not in codes and not any(
        o.as_of <= as_of for o in case.observations
    ):
        notes.append(DecisionNote(code=NoteCode.NO_OBSERVATION_ON_DATE))
    return tuple(notes)


def _count_notes(stats: BatchStats, notes: Iterable[DecisionNote]) -> None:
    for note in notes:
        _count_note(stats, str(note.code), note.detail)


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


# -- one line ---------------------------------------------------------------------------------


@attrs.frozen
class _Settings:
    """How every line of a run is decided; sent to each worker process."""

    as_of: date | None
    trace: bool
    municipality: str | None
    numbered: bool


def _decide(
    number: int, line: str, registry: PolicyRegistry, settings: _Settings, stats: BatchStats
) -> tuple[RecordKind, str] | None:
    """The record of input line ``number`` (None for a blank line), counted in ``stats``."""
    if not line.strip():
        return None
    try:
        case = parse_json(SupportCase, line, name=f"line {number}")
        day = settings.as_of or latest_observation(case)
        if day is None:
            raise NoEvaluationDate(
                "the case has no observation to take the evaluation date from; give one (--as-of)"
            )
        municipality = settings.municipality
        policy_set = registry.policy_set(municipality or case.learner.enrolment.municipality)
        evaluation = policy_set.run(case, day, trace=settings.trace)
        decision = to_decision(evaluation, policy_set.codes)
        notes = decision_notes(decision, case, registry, municipality)
        if notes != decision.notes:
            decision = decision.model_copy(update={"notes": notes})
        text = decision.model_dump_json()
    except DocumentError as err:
        stats.invalid += 1
        rows = [{"path": e.path, "message": e.message} for e in err.errors]
        return "invalid", _dumps({"line": number, "invalid": rows})
    except PolicyError as err:  # e.g. two installed plugins govern this municipality
        stats.errors += 1
        return "error", _dumps({"line": number, "type": type(err).__name__, "error": str(err)})
    except Exception as err:  # the batch's safety net: one line never stops the others
        stats.errors += 1
        message = _safe_message(err, line)
        return "error", _dumps({"line": number, "type": type(err).__name__, "error": message})
    stats.evaluated += 1
    stats.incomplete += not decision.complete
    _count_notes(stats, decision.notes)
    if settings.numbered:  # the line number first, then the Decision's own fields unchanged
        text = f'{{"line":{number},{text[1:]}'
    return "decision", text


def _dumps(record: Mapping[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def evaluate_lines(
    lines: Iterable[str],
    out: TextIO,
    *,
    as_of: date | None,
    registry: PolicyRegistry,
    trace: bool = False,
    municipality: str | None = None,
) -> BatchStats:
    """Evaluate each case in ``lines`` on ``as_of`` and write one JSON line per input line.

    With ``as_of`` None each case is evaluated on the date of its latest observation, as
    ``atbalsts evaluate`` does; a case with no observation then gets an ``error`` record
    (``NoEvaluationDate``). Each case is decided under the policy of its learner's municipality,
    or of ``municipality`` when one is given. Every decision carries its notes
    (``decision_notes``); :class:`BatchStats` counts the two that matter most.

    The trace is left out unless ``trace`` is true: it is the bulk of a decision's size. The
    stamp in each decision is enough to reproduce the full trace later with ``evaluate``.

    A line that fails for any reason other than invalid input gets an ``error`` record
    (``{"line": N, "type": "ExceptionName", "error": "message"}``) and the batch goes on; the
    message of an unexpected exception is cut to 200 characters with the case's own values
    removed. Only errors writing ``out`` and interrupts (``KeyboardInterrupt``, ``SystemExit``)
    stop the batch.

    This is the loop the HTTP service runs, in this process: a decision is the Decision
    document exactly as ``Decision.model_dump_json()`` writes it, without the
    ``line`` key, and no summary follows. :func:`iter_decisions` gives the records of
    ``atbalsts batch`` (numbered, with a summary) and runs on several processes.
    """
    stats = BatchStats()
    settings = _Settings(as_of=as_of, trace=trace, municipality=municipality, numbered=False)
    for number, line in enumerate(lines, start=1):
        record = _decide(number, line, registry, settings, stats)
        if record is not None:
            out.write(record[1] + "\n")
    return stats


def _safe_message(err: Exception, line: str) -> str:
    """The message of an unexpected exception without the case's values, at most
    :data:`MAX_ERROR_MESSAGE` characters."""
    if isinstance(err, AtbalstsError):  # our own messages never carry sensitive values
        message = str(err)
    elif isinstance(err, pydantic.ValidationError):  # its text would show the input values
        message = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or err.title}: {e['msg']}"
            for e in err.errors(include_url=False, include_input=False, include_context=False)
        )
    else:
        message = str(err)
        values = sorted(_strings(line), key=len, reverse=True)
        if values:  # whole values only: a short code must not cut words of the message apart
            alternatives = "|".join(re.escape(v) for v in values)
            message = re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", _REDACTED, message)
    message = " ".join(message.split()) or "(no message)"
    if len(message) > MAX_ERROR_MESSAGE:
        message = message[: MAX_ERROR_MESSAGE - 1] + _REDACTED
    return message


def _strings(line: str) -> set[str]:
    """Every string value of the JSON ``line`` (two characters or more)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            if len(node) > 1:
                found.add(node)
        elif isinstance(node, dict):
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    with contextlib.suppress(ValueError, RecursionError):
        walk(json.loads(line))
    return found


# -- many lines, on one process or several --------------------------------------------------


def available_cores() -> int:
    """The CPU cores this process may run on: the default number of worker processes."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13 and later
    if counter is not None:
        count: int | None = counter()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise BatchStopped


def iter_decisions(
    lines: Iterable[str],
    *,
    registry: RegistrySource | None = None,
    as_of: date | None = None,
    jobs: int | None = 1,
    trace: bool = False,
    municipality: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    start_after: int = 0,
    stop: threading.Event | None = None,
) -> Iterator[BatchRecord]:
    """The records of ``atbalsts batch`` for the support cases in ``lines`` (one JSON document
    per line), in input order, as they are made: a ``decision``, ``invalid`` or ``error`` record
    for each non-blank line, then one ``summary`` record. ``as_of``, ``trace`` and
    ``municipality`` as for :func:`evaluate_lines`.

    Lines are numbered from 1, blank ones included, and every record but the summary carries
    its number (``line``); a decision's JSON is the Decision's, byte for byte, with
    ``"line":N`` put first. Lines up to ``start_after`` are read and counted but not decided.

    ``jobs`` is the number of processes that decide (None: :func:`available_cores`). With 1,
    every line is decided here, one at a time. With more, this process and ``jobs - 1`` worker
    processes decide the lines in chunks of ``chunk_size``, sent to the workers and back as
    text; at most two chunks per process are on their way at once, so memory does not grow with
    the input. The records are the same either way, byte for byte; an input of at most one
    chunk is decided here, since starting a worker would cost more than it saves.

    ``registry`` is a :class:`~atbalsts.PolicyRegistry` (used here; only with ``jobs=1``) or a
    function that loads one (default :meth:`PolicyRegistry.load
    <atbalsts.PolicyRegistry.load>`): each worker process calls it once when it starts, so it
    must be picklable (a module-level function, or ``functools.partial`` of one) and give
    the same policies in every process. Worker processes are started with ``spawn``: a script
    that calls this with ``jobs`` other than 1 keeps its own work under
    ``if __name__ == "__main__":``.

    When ``stop`` is set, :class:`BatchStopped` is raised before the next line (the worker
    processes are then ended), or before the summary. Closing the iterator early ends the
    workers too. A worker that dies (killed, out of memory) or cannot load the policies ends
    the run with :class:`WorkerError`.

    :param stop: an event that, once set, ends the run before its next line
    :type stop: ``threading.Event`` or ``None``
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be 1 or more, not {chunk_size}")
    local, loader = _sources(registry, jobs)
    count = _job_count(jobs, local)
    settings = _Settings(as_of=as_of, trace=trace, municipality=municipality, numbered=True)
    return _records(lines, local, loader, settings, count, chunk_size, _Skip(start_after), stop)


def _job_count(jobs: int | None, local: PolicyRegistry | None) -> int:
    count = available_cores() if jobs is None else jobs
    if count < 1:
        raise ValueError(f"jobs must be 1 or more, not {count}")
    if local is not None and count != 1:
        raise ValueError(
            "a loaded PolicyRegistry cannot be sent to worker processes (its rules are "
            "functions of the plugins): with jobs other than 1, give registry= a function "
            "that loads it, such as PolicyRegistry.load or functools.partial(...) of it"
        )
    return count


def _sources(
    registry: RegistrySource | None, jobs: int | None
) -> tuple[PolicyRegistry | None, Callable[[], PolicyRegistry]]:
    """The registry to use here (if given loaded) and the function a worker loads one with."""
    if isinstance(registry, PolicyRegistry):
        return registry, _no_loader
    loader = PolicyRegistry.load if registry is None else registry
    if jobs != 1:
        _check_picklable(loader)
    return None, loader


def _records(
    lines: Iterable[str],
    local: PolicyRegistry | None,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
    jobs: int,
    chunk_size: int,
    skip: _Skip,
    stop: threading.Event | None,
) -> Iterator[BatchRecord]:
    summary = BatchSummary()
    numbered = _Numbered(lines, skip, stop)
    if jobs == 1:
        yield from _here(numbered, local or loader(), settings, summary, stop)
    else:
        head = list(islice(numbered, chunk_size + 1))
        if len(head) <= chunk_size:  # the whole input: decided here
            yield from _here(iter(head), local or loader(), settings, summary, stop)
        else:
            chunks = _chunks(chain(head, numbered), chunk_size)
            with contextlib.closing(_pooled(chunks, jobs, loader, settings, stop)) as parts:
                for part in parts:
                    summary.add(part.stats)
                    for kind, number, text in part.records:
                        yield BatchRecord(kind, number, text)
    _check(stop)
    summary.lines = numbered.read
    yield BatchRecord("summary", None, _summary_text(summary), summary)


def _no_loader() -> PolicyRegistry:  # pragma: no cover - only reached through a bug
    raise AssertionError("the registry was given loaded")


@attrs.define
class _Skip:
    """The input lines already decided: those up to ``after``. With ``kept`` (the line numbers
    of the records an earlier output holds, in order), every non-blank line up to ``after`` must
    have one, and no blank line."""

    after: int = 0
    kept: array[int] | None = None


class _Numbered:
    """``(number, line)`` of every input line after those skipped, counting in ``read`` every
    line read; :class:`BatchStopped` before the next line once ``stop`` is set."""

    def __init__(self, lines: Iterable[str], skip: _Skip, stop: threading.Event | None) -> None:
        self._lines = iter(lines)
        self._skip = skip
        self._kept = iter(skip.kept) if skip.kept is not None else None
        self._next_kept = 0
        self._stop = stop
        self.read = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return self

    def __next__(self) -> tuple[int, str]:
        while True:
            _check(self._stop)
            line = next(self._lines)
            self.read += 1
            if self.read > self._skip.after:
                return self.read, line
            if self._kept is not None:
                self._match(line)

    def _match(self, line: str) -> None:
        """Check that the skipped input line ``line`` has a record if it is not blank."""
        if self._next_kept < self.read:
            self._next_kept = next(self._kept or iter(()), self._skip.after + 1)
        has_record = self._next_kept == self.read
        if has_record != bool(line.strip()):
            state = "blank but has a" if has_record else "not blank but has no"
            raise _BatchError(
                f"input line {self.read} is {state} record in the earlier output or error file: "
                "resume with the same input and the error file the earlier run wrote (--errors), "
                "or start again"
            )


def _here(
    numbered: Iterator[tuple[int, str]],
    registry: PolicyRegistry,
    settings: _Settings,
    stats: BatchStats,
    stop: threading.Event | None,
) -> Iterator[BatchRecord]:
    for number, line in numbered:
        _check(stop)
        record = _decide(number, line, registry, settings, stats)
        if record is not None:
            yield BatchRecord(record[0], number, record[1])


def _chunks(numbered: Iterator[tuple[int, str]], size: int) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` of consecutive lines, ``size`` at a time."""
    while part := list(islice(numbered, size)):
        yield part[0][0], [line for _, line in part]


def _summary_text(summary: BatchSummary) -> str:
    return _dumps({"summary": attrs.asdict(summary)})


def _check_picklable(loader: Callable[[], PolicyRegistry]) -> None:
    try:
        pickle.dumps(loader)
    except Exception as err:
        raise ValueError(
            f"the registry loader {loader!r} cannot be sent to worker processes ({err}): give a "
            "module-level function or functools.partial of one"
        ) from None


# -- the worker processes ---------------------------------------------------------------------


@contextlib.contextmanager
def _signals_held(
    signals: frozenset[signal.Signals] = frozenset({signal.SIGINT, signal.SIGTERM}),
) -> Iterator[None]:
    """Hold ``signals`` back (POSIX, main thread) for the few statements that create the
    temporary file and record its name, so an interrupt cannot leave an unnamed file behind (or
    that start a worker process: it inherits the mask)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@attrs.frozen
class _Part:
    """The records of a chunk, ``(kind, line, text)`` each, and their counts."""

    records: list[tuple[RecordKind, int, str]]
    stats: BatchStats


def _decide_here(
    first: int,
    lines: list[str],
    registry: PolicyRegistry,
    settings: _Settings,
    stop: threading.Event | None,
) -> _Part:
    """Decide the chunk of input lines numbered from ``first``."""
    stats = BatchStats()
    records: list[tuple[RecordKind, int, str]] = []
    for number, line in enumerate(lines, start=first):
        _check(stop)
        record = _decide(number, line, registry, settings, stats)
        if record is not None:
            records.append((record[0], number, record[1]))
    return _Part(records, stats)


def _work(
    tasks: Connection,
    results: Connection,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
) -> None:
    """A worker process: load the policies once, then decide each chunk that comes, until
    the main process closes the pipe. Ctrl-C at a terminal reaches every process of the group:
    a worker leaves it to the main process, which ends the workers (and a worker starts with
    SIGINT held back, so one that comes while it imports cannot print a traceback)."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        registry = loader()
    except Exception as err:
        results.send(f"could not load the policies: {type(err).__name__}: {_one_line(err)}")
        return
    while True:
        try:
            first, lines = tasks.recv()
        except EOFError:  # the main process is done
            return
        try:
            part: _Part | str = _decide_here(first, lines, registry, settings, None)
        except Exception as err:  # beyond the safety net of each line (MemoryError, ...)
            part = f"failed: {type(err).__name__}"
        results.send(part)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


class _Worker:
    """A worker process with two pipes: chunks go to it through a thread of this process (so
    that sending never blocks this one while the worker is blocked sending a result), and its
    results come back through a pipe that only the worker writes (so a worker that dies, even
    halfway through a result, is seen at once, never waited for)."""

    def __init__(
        self,
        context: multiprocessing.context.SpawnContext,
        loader: Callable[[], PolicyRegistry],
        settings: _Settings,
    ) -> None:
        task_out, task_in = context.Pipe(duplex=False)
        result_out, result_in = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_work,
            args=(task_out, result_in, loader, settings),
            name="atbalsts-batch",
            daemon=True,
        )
        with _signals_held(_INTERRUPT):  # the worker inherits the mask
            self.process.start()
        task_out.close()
        result_in.close()
        self._results = result_out
        self._tasks: queue.SimpleQueue[tuple[int, list[str]] | None] = queue.SimpleQueue()
        self._sender = threading.Thread(
            target=self._send, args=(task_in,), name="atbalsts-batch-sender", daemon=True
        )
        self._sender.start()

    def _send(self, pipe: Connection) -> None:
        with pipe:
            while (task := self._tasks.get()) is not None:
                try:
                    pipe.send(task)
                except OSError:  # the worker is gone: the main process hears it from its pipe
                    return

    def submit(self, first: int, lines: list[str]) -> None:
        self._tasks.put((first, lines))

    def ready(self) -> bool:
        """Whether the next result (or the worker's end) can be read without waiting."""
        return self._results.poll(0)

    def result(self, stop: threading.Event | None) -> _Part:
        """The worker's next result; :class:`WorkerError` if it died or could not work."""
        while not self._results.poll(_POLL):
            _check(stop)
        try:
            reply: _Part | str = self._results.recv()
        except (EOFError, OSError):
            raise WorkerError(
                "a worker process of the batch ended unexpectedly (killed, or out of memory?)"
            ) from None
        if isinstance(reply, str):
            raise WorkerError(f"a worker process {reply}")
        return reply

    def finish(self) -> None:
        """Let the worker end once it has decided what it was sent."""
        self._tasks.put(None)
        self.process.join()
        self._results.close()

    def kill(self) -> None:
        """End the worker now, with whatever it holds."""
        self.process.terminate()
        self._tasks.put(None)

    def reap(self) -> None:
        self.process.join(timeout=10)
        if self.process.is_alive():  # pragma: no cover - SIGTERM ignored
            self.process.kill()
            self.process.join()
        self._results.close()


@attrs.define
class _Local:
    """A chunk this process decides itself, in its turn; ``part`` once it is decided."""

    first: int
    lines: list[str]
    part: _Part | None = None


def _pooled(
    chunks: Iterator[tuple[int, list[str]]],
    jobs: int,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
    stop: threading.Event | None,
) -> Generator[_Part, None, None]:
    """The results of ``chunks`` decided by ``jobs`` processes, in input order: ``jobs - 1``
    worker processes and this one, which decides every ``jobs``-th chunk while the workers
    decide theirs (so ``jobs`` processes decide, and no more run). Each worker decides the
    chunks it is sent in order, and they are sent in turn."""
    context = multiprocessing.get_context("spawn")
    workers: list[_Worker] = []
    here: list[PolicyRegistry] = []  # loaded when first needed, while the workers start
    pending: deque[tuple[_Worker, None] | _Local] = deque()

    def decide(local: _Local) -> None:
        if local.part is None:
            if not here:
                here.append(loader())
            local.part = _decide_here(local.first, local.lines, here[0], settings, stop)

    def next_part() -> _Part:
        head = pending[0]
        if isinstance(head, _Local):
            decide(head)
        else:  # while a worker decides it, decide this process's next chunk
            for item in pending:
                if head[0].ready():
                    break
                if isinstance(item, _Local) and item.part is None:
                    decide(item)
        pending.popleft()
        if isinstance(head, _Local):
            assert head.part is not None
            return head.part
        return head[0].result(stop)

    done = False
    try:
        sent = 0
        for index, (first, lines) in enumerate(chunks):
            _check(stop)
            if index % jobs == jobs - 1:
                pending.append(_Local(first, lines))
            else:
                if len(workers) < jobs - 1:
                    workers.append(_Worker(context, loader, settings))
                worker = workers[sent % (jobs - 1)]
                worker.submit(first, lines)
                pending.append((worker, None))
                sent += 1
            while len(pending) >= jobs * _IN_FLIGHT_PER_JOB:
                yield next_part()
        while pending:
            yield next_part()
        done = True
    finally:
        if done:
            for worker in workers:
                worker.finish()
        else:
            for worker in workers:
                worker.kill()
            for worker in workers:
                worker.reap()


# -- a file -----------------------------------------------------------------------------------


def evaluate_file(
    source: Path,
    target: Path | None,
    *,
    as_of: date | None,
    registry: RegistrySource,
    trace: bool = False,
    stop: threading.Event | None = None,
    municipality: str | None = None,
    jobs: int | None = 1,
    errors: Path | None = None,
    resume: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], object] | None = None,
) -> BatchSummary:
    """Evaluate the JSON Lines file ``source`` into ``target`` (standard output if None): the
    records of :func:`iter_decisions`, one per line, the summary last. ``as_of``, ``trace``,
    ``municipality``, ``registry`` and ``jobs`` as for :func:`iter_decisions`.

    The source may start with a UTF-8 byte-order mark. The target is written to a temporary file
    beside it (readable by its owner only) and renamed into place only when every line is done,
    so it is complete or absent: on any exception, ``KeyboardInterrupt`` and ``BatchStopped``
    included, the temporary file is removed (the worker processes are ended first) and an
    existing target is left as it was. When the event ``stop`` is set (by a signal handler or
    another thread), :class:`BatchStopped` is raised before the next line, or before the rename
    after the last one. The target may not be the source itself.

    With ``errors``, the ``invalid`` and ``error`` records go to that file instead of the
    target (written the same way: whole or not at all, mode 0600; with the target on standard
    output, as they come). They are counted in the summary either way.

    With ``resume``, an existing ``target`` is continued: its complete records are kept (a cut
    last line and the summary are dropped), the input lines up to the last line they reached are
    read but not decided, and the result replaces the target as above; so are the records of an
    existing ``errors`` file up to that line. The counts of the summary are those of the whole
    output. The input must be the one the target was made from, with the same options.

    ``progress`` is called with the input line number of each record written, and with the
    number of lines read at the end.

    :param stop: an event that, once set, ends the run before its next line
    :type stop: ``threading.Event`` or ``None``
    """
    if target is not None and target.resolve() == source.resolve():
        raise _BatchError(f"the output {target} would overwrite the input")
    if errors is not None and errors.resolve() in {source.resolve(), *_resolved(target)}:
        raise _BatchError(f"the error file {errors} must be neither the input nor the output")
    if resume and target is None:
        raise _BatchError("--resume continues an output file: give it (-o OUTPUT)")
    try:
        # opened first: a missing input writes nothing
        with source.open(encoding="utf-8-sig") as handle:
            run = _Run(
                handle,
                as_of=as_of,
                registry=registry,
                trace=trace,
                stop=stop,
                municipality=municipality,
                jobs=jobs,
                chunk_size=chunk_size,
                progress=progress,
            )
            if target is None:
                return _to_stdout(run, errors)
            return _into(run, target, errors, resume=resume)
    except UnicodeDecodeError:
        raise _BatchError(f"cannot read {source}: it is not UTF-8 text") from None


def _resolved(path: Path | None) -> tuple[Path, ...]:
    return () if path is None else (path.resolve(),)


@attrs.define
class _Run:
    """One run of :func:`evaluate_file`: its input and options."""

    lines: Iterable[str]
    as_of: date | None
    registry: RegistrySource
    trace: bool
    stop: threading.Event | None
    municipality: str | None
    jobs: int | None
    chunk_size: int
    progress: Callable[[int], object] | None

    def write(
        self, out: TextIO, bad: TextIO | None, kept: BatchStats, skip: _Skip | None = None
    ) -> BatchSummary:
        """Write the records into ``out`` (the bad ones into ``bad`` if given), the summary
        last with ``kept`` (the counts of the records kept from an earlier output) added.

        The bad records are flushed before the next decision is written, so that an output
        cut short anywhere never reaches past a bad line whose record is not in ``bad``.
        """
        skip = skip or _Skip()
        local, loader = _sources(self.registry, self.jobs)
        settings = _Settings(self.as_of, self.trace, self.municipality, numbered=True)
        jobs = _job_count(self.jobs, local)
        records = _records(
            self.lines, local, loader, settings, jobs, self.chunk_size, skip, self.stop
        )
        progress = self.progress
        unflushed = False
        for record in records:
            if record.stats is not None:
                summary = record.stats
                if summary.lines < skip.after:
                    raise _BatchError(
                        f"the earlier output reached input line {skip.after} but the input has "
                        f"{summary.lines} lines: it is not this input's output"
                    )
                summary.add(kept)
                out.write(_summary_text(summary) + "\n")
                if progress is not None:
                    progress(summary.lines)
                return summary
            if bad is not None and record.kind != "decision":
                bad.write(record.text + "\n")
                unflushed = True
            else:
                if unflushed and bad is not None:
                    bad.flush()
                    unflushed = False
                out.write(record.text + "\n")
            if progress is not None and record.line is not None:
                progress(record.line)
        raise AssertionError("the records ended without a summary")  # pragma: no cover


def _to_stdout(run: _Run, errors: Path | None) -> BatchSummary:
    if errors is None:
        return run.write(sys.stdout, None, BatchStats())
    with _private(errors) as bad:  # in place at once: it goes with what stdout already has
        return run.write(sys.stdout, bad, BatchStats())


@contextlib.contextmanager
def _private(path: Path) -> Iterator[TextIO]:
    """A new file at ``path``, readable by its owner only, replacing any file there."""
    with _signals_held():
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            os.replace(name, path)
        except BaseException:
            os.close(handle)
            Path(name).unlink(missing_ok=True)
            raise
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
        yield out


def _into(run: _Run, target: Path, errors: Path | None, *, resume: bool) -> BatchSummary:
    temporary: list[tuple[str, TextIO]] = []

    def create(path: Path) -> TextIO:
        with _signals_held():
            handle, name = tempfile.mkstemp(  # mode 0600: owner only
                prefix=f".{path.name}.", suffix=".part", dir=path.parent
            )
            out = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
            temporary.append((name, out))
        return out

    try:
        out = create(target)
        bad = create(errors) if errors is not None else None
        kept = BatchStats()
        skip = _Skip()
        if resume and target.exists():
            numbers = array("q")
            skip.after = _carry(target, out, kept, numbers)
            if bad is not None and errors is not None and errors.exists():
                mistakes = array("q")
                _carry(errors, bad, kept, mistakes, upto=skip.after)
                numbers = array("q", heapq.merge(numbers, mistakes))
            skip.kept = numbers
        summary = run.write(out, bad, kept, skip)
        for _, handle in temporary:
            handle.close()
        _check(run.stop)  # a stop that came during the last line: nothing is written either
        if errors is not None:
            os.replace(temporary[1][0], errors)
        os.replace(temporary[0][0], target)
    except BaseException:
        for name, handle in temporary:
            with contextlib.suppress(OSError):
                handle.close()
            Path(name).unlink(missing_ok=True)
        raise
    return summary


def _carry(
    path: Path, out: TextIO, kept: BatchStats, numbers: array[int], *, upto: int | None = None
) -> int:
    """Copy the complete records of the earlier batch output ``path`` into ``out``, count them
    in ``kept`` and their input line numbers in ``numbers``; return the input line they reached.
    A last line cut short (no newline, or not JSON) is left out, and so is a summary (a new one
    is written). With ``upto``, only records of input lines up to it are kept (an error file
    that ran ahead of its output)."""
    position = 0
    with path.open("rb") as handle:
        rows = _complete_lines(handle, path)
        for number, raw, record in rows:
            if "summary" in record:
                if next(rows, None) is not None:
                    raise _BatchError(f"{path} line {number}: a summary before the last line")
                counts = record["summary"]
                lines = counts.get("lines") if isinstance(counts, dict) else None
                if not isinstance(lines, int) or lines < position:
                    raise _BatchError(f"{path} line {number}: not a batch summary")
                return lines
            line = record.get("line")
            if not isinstance(line, int) or isinstance(line, bool) or line <= position:
                raise _BatchError(
                    f"{path} line {number}: not a batch record of a later input line (its "
                    "'line' is missing or not after the one before)"
                )
            if upto is not None and line > upto:
                break
            _count_record(kept, record, path, number)
            out.write(raw)
            numbers.append(line)
            position = line
    return position


def _complete_lines(handle: BinaryIO, path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(line number, text, record)`` of each complete line of a batch output; a last line that
    is not whole (the one being written when the earlier run stopped) is left out."""
    previous: tuple[int, bytes] | None = None
    for number, raw in enumerate(handle, start=1):
        if previous is not None:  # not the last line: it must be whole
            yield _parsed(*previous, path)
        previous = (number, raw)
    if previous is not None:
        try:
            last = _parsed(*previous, path)
        except _BatchError:
            return
        yield last


def _parsed(number: int, raw: bytes, path: Path) -> tuple[int, str, dict[str, Any]]:
    try:
        if not raw.endswith(b"\n"):
            raise ValueError("cut short")
        text = raw.decode("utf-8")
        record = json.loads(text)
        if not isinstance(record, dict):
            raise ValueError("not an object")
    except ValueError:
        raise _BatchError(f"{path} line {number} is not a whole JSON record") from None
    return number, text, record


def _count_record(stats: BatchStats, record: Mapping[str, Any], path: Path, number: int) -> None:
    if "invalid" in record:
        stats.invalid += 1
    elif "learner_id" in record:
        stats.evaluated += 1
        stats.incomplete += record.get("complete") is False
        for note in record.get("notes") or ():
            if isinstance(note, dict):
                detail = note.get("detail")
                _count_note(
                    stats, str(note.get("code")), detail if isinstance(detail, dict) else {}
                )
    elif "error" in record:
        stats.errors += 1
    else:
        raise _BatchError(f"{path} line {number} is not a batch record")


class _BatchError(AtbalstsError):
    """The batch cannot run as asked."""


# -- the schema of the records ----------------------------------------------------------------

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_LINE: dict[str, Any] = {
    "description": "The number of the input line (from 1, blank lines counted).",
    "minimum": 1,
    "type": "integer",
}

_COUNT: dict[str, Any] = {"minimum": 0, "type": "integer"}


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of ``atbalsts batch`` output: a decision
    (the :class:`~atbalsts.model.Decision` with its input ``line``), an ``invalid`` record, an
    ``error`` record or the ``summary``. Committed as ``schemas/batch-record.schema.json``."""
    from atbalsts.schema import json_schema

    decision = json_schema("decision")
    defs: dict[str, Any] = decision.pop("$defs", {})
    for key in ("$schema", "$id"):
        decision.pop(key, None)
    decision["title"] = "BatchDecision"
    decision["description"] = (
        "A decided case: the Decision document, its fields unchanged, with the number of its "
        "input line first."
    )
    decision["properties"] = {"line": _LINE, **decision["properties"]}
    decision["required"] = ["line", *decision.get("required", [])]
    defs["BatchDecision"] = decision
    defs["BatchInvalid"] = {
        "title": "BatchInvalid",
        "description": "An input line that is not a valid support case: every failing field.",
        "type": "object",
        "additionalProperties": False,
        "required": ["invalid", "line"],
        "properties": {
            "invalid": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["message", "path"],
                    "properties": {
                        "message": {"type": "string"},
                        "path": {"type": "string"},
                    },
                },
            },
            "line": _LINE,
        },
    }
    defs["BatchError"] = {
        "title": "BatchError",
        "description": (
            "A valid case that could not be decided: no evaluation date (NoEvaluationDate), a "
            "policy set that cannot be built (PolicyConflict, ...) or an unexpected exception "
            "(its message cut to 200 characters, without the case's values)."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["error", "line", "type"],
        "properties": {
            "error": {"type": "string"},
            "line": _LINE,
            "type": {"description": "The exception's class name.", "type": "string"},
        },
    }
    counts = dict.fromkeys(
        ("errors", "evaluated", "incomplete", "invalid", "lines", "without_data"),
        _COUNT,
    )
    defs["BatchSummary"] = {
        "title": "BatchSummary",
        "description": (
            "The last line of a complete output: the counts of the whole output (of the "
            "records kept from an earlier output too, when resumed), and the input lines read."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["summary"],
        "properties": {
            "summary": {
                "type": "object",
                "additionalProperties": False,
                "required": [*counts, "without_policy"],
                "properties": {
                    **counts,
                    "without_policy": {
                        "description": "Decisions by municipality that no installed policy "
                        "governs.",
                        "type": "object",
                        "additionalProperties": _COUNT,
                    },
                },
            }
        },
    }
    return {
        "$schema": _DIALECT,
        "$id": "https://atbalsts.invalid/schemas/batch-record.schema.json",
        "title": "BatchRecord",
        "description": (
            "One line of `atbalsts batch` output (JSON Lines): a decision, an invalid line, an "
            "error or the summary. Read the file line by line on newline only: a JSON string "
            "may hold U+2028 or U+2029, which str.splitlines() also splits on."
        ),
        "oneOf": [
            {"$ref": "#/$defs/BatchDecision"},
            {"$ref": "#/$defs/BatchInvalid"},
            {"$ref": "#/$defs/BatchError"},
            {"$ref": "#/$defs/BatchSummary"},
        ],
        "$defs": defs,
    }


def record_schema_text() -> str:
    """:func:`record_schema` as the stable text committed under ``schemas/``."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
