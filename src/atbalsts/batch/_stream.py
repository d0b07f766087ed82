"""Many lines, on one process or several: the records of ``atbalsts batch``, as they are made."""

from __future__ import annotations

import contextlib
import json
import pickle
import threading
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import date
from itertools import chain, islice

import attrs

from atbalsts._jsonlines import CODE, Shape, Spool, opens
from atbalsts.batch._decide import Tables, _decide, _Settings
from atbalsts.batch._pool import _pooled, available_cores
from atbalsts.batch._records import (
    BatchFileError,
    BatchRecord,
    BatchStats,
    BatchSummary,
    _check,
    _summary_text,
    blank_line,
)
from atbalsts.engine import PolicyRegistry

#: Lines sent to a worker process at a time: some 50 ms of work, much more than sending it
#: costs, and small enough that the chunks on their way hold a few megabytes (500 doubled the
#: resident set of the main process, for no speed).
CHUNK_SIZE = 100

#: Something that gives the policy registry: an instance, or a function that loads one.
RegistrySource = PolicyRegistry | Callable[[], PolicyRegistry]


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
    self_contained: bool = False,
    role: str | None = None,
) -> Iterator[BatchRecord]:
    """The records of ``atbalsts batch`` for the support cases in ``lines`` (one JSON document
    per line), in input order, as they are made: a ``decision``, ``invalid`` or ``error`` record
    for each non-blank line, then one ``summary`` record. ``as_of``, ``trace`` and
    ``municipality`` as for :func:`evaluate_lines`.

    Lines are numbered from 1, blank ones included, and every record but the summary and the
    rule tables carries its number (``line``). A decision names its policy, and every legal
    basis and parameter value it holds, by id in a *rule table*: a ``rule_table`` record written
    once per run, before the first decision that refers to it (:func:`expand_records` gives the
    Decision documents back). With ``self_contained``, each decision is instead the whole
    Decision document, byte for byte, with ``"line":N`` put first, and no rule table is written.
    Lines up to ``start_after`` are read and counted but not decided. With ``role`` (a
    :class:`~atbalsts.privacy.ViewRole` value), each decision is what that role may see of it
    (:func:`atbalsts.privacy.view_decision`, on the evaluation date, with the case's consents):
    a whole view document with ``"line":N`` first, and no rule table is written.

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

    Input that is not JSON Lines is refused as the work list refuses it: when no line is a case
    and the first line that is not blank opens a JSON array, or a JSON object it does not close
    (a pretty-printed case), :class:`BatchFileError` (``not_json_lines``; ``values``: ``line``
    and ``shape``, ``document`` or ``array``) is raised before any record is given. The
    ``invalid`` records of such an input are held back (in a temporary file once large) until a
    line is a case.

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
    settings = _Settings.of_batch(
        as_of, trace, municipality, self_contained=self_contained, role=role
    )
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
    numbered = _Numbered(lines, skip, stop)
    ordered = _ordered(numbered, local, loader, settings, jobs, chunk_size, skip, stop)
    return _json_lines_only(ordered, numbered, skip.valid)


def _ordered(
    numbered: _Numbered,
    local: PolicyRegistry | None,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
    jobs: int,
    chunk_size: int,
    skip: _Skip,
    stop: threading.Event | None,
) -> Generator[BatchRecord]:
    summary = BatchSummary()
    written = set(skip.tables)  # each rule table once, before the first decision using it
    unordered = _unordered_records(
        numbered, local, loader, settings, jobs, chunk_size, summary, stop
    )
    for record in unordered:
        if record.table is not None:
            if record.table in written:
                continue
            written.add(record.table)
        _check(stop)  # also between the records of a chunk another process decided
        yield record
    _check(stop)
    summary.lines = numbered.read
    yield BatchRecord("summary", None, _summary_text(summary), summary)


def _unordered_records(
    numbered: _Numbered,
    local: PolicyRegistry | None,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
    jobs: int,
    chunk_size: int,
    summary: BatchSummary,
    stop: threading.Event | None,
) -> Iterator[BatchRecord]:
    """The records of every line in order, each process's rule table records included (the
    same table may come from several processes)."""
    if jobs == 1:
        yield from _here(numbered, local or loader(), settings, summary, stop)
        return
    head = list(islice(numbered, chunk_size + 1))
    if len(head) <= chunk_size:  # the whole input: decided here
        yield from _here(iter(head), local or loader(), settings, summary, stop)
        return
    chunks = _chunks(chain(head, numbered), chunk_size)
    with contextlib.closing(_pooled(chunks, jobs, loader, settings, stop)) as parts:
        for part in parts:
            summary.add(part.stats)
            for kind, number, text, table in part.records:
                yield BatchRecord(kind, number, text, table=table)


def _json_lines_only(
    records: Generator[BatchRecord], numbered: _Numbered, valid: bool
) -> Iterator[BatchRecord]:
    """``records`` as they are, but for an input whose first line that is not blank opens a JSON
    document it does not close, or a JSON array: its ``invalid`` records are held back until a
    line is a case (a decision, a rule table or an ``error`` record, or ``valid``: an earlier
    output holds one), and then given in order. When the input ends and no line was a case, it
    is a pretty-printed case or an array of cases, not JSON Lines: :class:`BatchFileError`
    (``not_json_lines``, as the work list's) is raised, and not one record was given. The rule
    is the service's too (:class:`atbalsts._jsonlines.Spool`)."""
    with contextlib.closing(records):  # a refusal ends the worker processes too
        # what the first line opens is known once there is a record (the summary at the latest)
        first = next(records, None)
        shape = None if valid else numbered.opens
        with contextlib.closing(Spool(numbered.first, shape)) as spool:
            for record in chain(() if first is None else (first,), records):
                if record.kind == "invalid" and spool.bad_line(f"{record.line}\t{record.text}\n"):
                    continue
                if record.kind == "summary" and (refusal := spool.ended("the batch")):
                    message, values = refusal
                    raise BatchFileError(message, code=CODE, values=values)
                for row in spool.case():  # the records held back: invalid lines, one a line
                    number, text = row[:-1].split("\t", 1)
                    yield BatchRecord("invalid", int(number), text)
                yield record


def _no_loader() -> PolicyRegistry:  # pragma: no cover - only reached through a bug
    raise AssertionError("the registry was given loaded")


@attrs.define
class _Skip:
    """The input lines already decided: those up to ``after``. With ``kept`` (the line numbers
    of the records an earlier output holds, in order), every non-blank line up to ``after`` must
    have one, and no blank line."""

    after: int = 0
    kept: array[int] | None = None
    tables: set[str] = attrs.field(factory=set)
    """The rule tables the earlier output holds: not written again."""
    valid: bool = False
    """Whether the earlier output decided a case (a decision or an ``error`` record): the input
    is JSON Lines, whatever the shape of its first line."""
    learners: dict[int, str] = attrs.field(factory=dict)
    """The learner ids of some of the earlier output's decisions, by input line: the first
    :data:`LEARNERS_CHECKED` and every hundredth after them (a hundredth of the ids, and a
    different input with the same layout is found at its first lines)."""

    dates: dict[int, tuple[str, int, str]] = attrs.field(factory=dict)
    """The dates of the same decisions, when the run is given no ``--as-of``, by input line:
    the earlier output's path, the decision's line in it, and its ``as_of``. Decided without
    ``--as-of``, a case is dated its latest observation; another date says the earlier run had
    ``--as-of``."""

    def keep_learner(
        self, line: int, learner_id: object, decided: int, dated: tuple[str, int, object] | None
    ) -> None:
        """Keep the learner of the ``decided``-th decision carried (at input ``line``), to check
        against the input, if it is one of those sampled; and ``dated`` (the earlier output, the
        decision's line in it and its date), when the date is to be checked too."""
        if not (decided <= LEARNERS_CHECKED or decided % 100 == 0):
            return
        if isinstance(learner_id, str):
            self.learners[line] = learner_id
        if dated is not None:
            path, number, as_of = dated
            self.dates[line] = (path, number, str(as_of))


def _own_date(line: str) -> str | None:
    """The date the case on an input ``line`` is decided on without ``--as-of``: that of its
    latest observation (``""`` when it has none); None when the line cannot be read so."""
    try:
        observations = json.loads(line)["observations"]
        days = [date.fromisoformat(o["as_of"]) for o in observations]
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return max(days).isoformat() if days else ""


def _learner_of(line: str) -> object:
    """The learner id of the case on an input ``line`` (read whole: its id was escaped)."""
    try:
        return json.loads(line)["learner"]["id"]
    except (ValueError, TypeError, KeyError):
        return None


#: How many of the first decisions an earlier output holds are checked against the input.
LEARNERS_CHECKED = 1_000


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
        #: The number of the first line that is not blank, and what it opens if it is not a
        #: JSON Lines record (:func:`atbalsts._jsonlines.opens`).
        self.first: int | None = None
        self.opens: Shape | None = None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return self

    def __next__(self) -> tuple[int, str]:
        while True:
            _check(self._stop)
            line = next(self._lines)
            self.read += 1
            if self.first is None and not blank_line(line):
                self.first = self.read
                self.opens = opens(line)
            if self.read > self._skip.after:
                return self.read, line
            if self._kept is not None:
                self._match(line)

    def _match(self, line: str) -> None:
        """Check that the skipped input line ``line`` has a record if it is not blank."""
        if self._next_kept < self.read:
            self._next_kept = next(self._kept or iter(()), self._skip.after + 1)
        has_record = self._next_kept == self.read
        if has_record == blank_line(line):
            state, code = (
                ("blank but has a", "blank_line_has_record")
                if has_record
                else ("not blank but has no", "line_has_no_record")
            )
            raise BatchFileError(
                f"input line {self.read} is {state} record in the earlier output or error file: "
                "resume with the same input and the error file the earlier run wrote (--errors), "
                "or start again",
                code=code,
                values={"line": str(self.read)},
            )
        learner = self._skip.learners.get(self.read)
        # an id is letters, digits and . _ : - only: nearly always written as it is in the input
        if learner is not None and f'"{learner}"' not in line and _learner_of(line) != learner:
            raise BatchFileError(
                f"input line {self.read} is not the case the earlier output decided there (its "
                "learner id differs): resume with the same input, or start again",
                code="other_learner",
                values={"line": str(self.read)},
            )
        dated = self._skip.dates.get(self.read)
        if dated is not None and _own_date(line) not in (None, dated[2]):
            path, number, decided = dated
            raise BatchFileError(
                f"{path} line {number}: decided as of {decided}, not on its case's latest "
                f"observation: the earlier run was given --as-of {decided}; resume with it, or "
                "start again",
                code="written_with_as_of",
                values={"path": path, "line": str(number), "decided": decided},
            )


def _here(
    numbered: Iterator[tuple[int, str]],
    registry: PolicyRegistry,
    settings: _Settings,
    stats: BatchStats,
    stop: threading.Event | None,
) -> Iterator[BatchRecord]:
    tables = Tables() if settings.tables else None
    for number, line in numbered:
        _check(stop)
        for kind, text, table in _decide(number, line, registry, settings, stats, tables):
            yield BatchRecord(kind, number, text, table=table)


def _chunks(numbered: Iterator[tuple[int, str]], size: int) -> Iterator[tuple[int, list[str]]]:
    """``(first line number, lines)`` of consecutive lines, ``size`` at a time."""
    while part := list(islice(numbered, size)):
        yield part[0][0], [line for _, line in part]


def _check_picklable(loader: Callable[[], PolicyRegistry]) -> None:
    try:
        pickle.dumps(loader)
    except Exception as err:
        raise ValueError(
            f"the registry loader {loader!r} cannot be sent to worker processes ({err}): give a "
            "module-level function or functools.partial of one"
        ) from None
