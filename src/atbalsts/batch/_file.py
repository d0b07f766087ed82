"""A file: the records of a run written whole or not at all, and an earlier output resumed."""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import json
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import attrs

from atbalsts._files import Replacement, replaceable
from atbalsts._jsonlines import CODE
from atbalsts.batch._decide import _Settings, checked_role
from atbalsts.batch._pool import _signals_held
from atbalsts.batch._records import (
    BatchFileError,
    BatchRecord,
    BatchStats,
    BatchSummary,
    _check,
    _count_note,
    _summary_text,
)
from atbalsts.batch._stream import CHUNK_SIZE, RegistrySource, _job_count, _records, _Skip, _sources
from atbalsts.engine import RuleTable


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
    self_contained: bool = False,
    role: str | None = None,
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

    With ``resume``, an existing ``target`` (not one written with ``role``: a view may hide
    what the summary counts) is continued: its complete records are kept (a cut
    last line and the summary are dropped), the input lines up to the last line they reached are
    read but not decided, and the result replaces the target as above; so are the records of an
    existing ``errors`` file up to that line. The counts of the summary are those of the whole
    output. The input must be the one the target was made from, with the same options.

    The decisions name their policy, legal bases and parameters by id in ``rule_table``
    records, or with ``self_contained`` are whole Decision documents (see
    :func:`iter_decisions`); with ``role``, each decision is that role's view.

    An input that is not JSON Lines (a pretty-printed case, a JSON array: see
    :func:`iter_decisions`) raises :class:`BatchFileError` (``not_json_lines``, with ``path``
    among its values) and writes nothing: no target, no error file, nothing on standard output.

    ``progress`` is called with the input line number of each record written, and with the
    number of lines read at the end.

    :param stop: an event that, once set, ends the run before its next line
    :type stop: ``threading.Event`` or ``None``
    """
    if target is not None and target.resolve() == source.resolve():
        raise BatchFileError(
            f"the output {target} would overwrite the input",
            code="output_is_input",
            values={"output": str(target), "input": str(source)},
        )
    if errors is not None and errors.resolve() in {source.resolve(), *_resolved(target)}:
        raise BatchFileError(
            f"the error file {errors} must be neither the input nor the output",
            code="errors_is_input_or_output",
            values={"errors": str(errors)},
        )
    for name, path, code in (
        ("output", target, "output_not_a_file"),
        ("error file", errors, "errors_not_a_file"),
    ):
        if path is not None and not replaceable(path):
            # a device, pipe or directory is never replaced by a file of decisions
            raise BatchFileError(
                f"the {name} {path} is not a regular file: name a file to write "
                "(without -o, the decisions go to standard output)",
                code=code,
                values={"path": str(path)},
            )
    if resume and target is None:
        raise BatchFileError(
            "--resume continues an output file: give it (-o OUTPUT)",
            code="resume_without_output",
        )
    if resume and role is not None:  # a view may hide what the summary counts (a note's detail)
        raise BatchFileError(
            "--resume and --role do not go together: an output written with --role does not "
            "hold what the summary counts; start again",
            code="resume_with_role",
        )
    try:
        # opened first: a missing input writes nothing. Lines end at "\n" only (JSON Lines): a
        # carriage return is JSON white space, inside a line or before its "\n"
        with source.open(encoding="utf-8-sig", newline="\n") as handle:
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
                self_contained=self_contained,
                role=checked_role(role),
            )
            if target is None:
                return _to_stdout(run, errors)
            return _into(run, target, errors, resume=resume)
    except BatchFileError as err:
        if err.code != CODE:
            raise
        raise BatchFileError(
            f"cannot read {source}: {err}", code=CODE, values={**err.values, "path": str(source)}
        ) from None
    except UnicodeDecodeError:
        raise BatchFileError(
            f"cannot read {source}: it is not UTF-8 text",
            code="not_utf8",
            values={"path": str(source)},
        ) from None


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
    self_contained: bool = False
    role: str | None = None

    def records(self, skip: _Skip) -> Iterator[BatchRecord]:
        """The records of the run, the lines up to ``skip.after`` not decided."""
        local, loader = _sources(self.registry, self.jobs)
        settings = _Settings.of_batch(
            self.as_of,
            self.trace,
            self.municipality,
            self_contained=self.self_contained,
            role=self.role,
        )
        jobs = _job_count(self.jobs, local)
        return _records(self.lines, local, loader, settings, jobs, self.chunk_size, skip, self.stop)

    def write(
        self,
        records: Iterator[BatchRecord],
        out: TextIO,
        bad: TextIO | None,
        kept: BatchStats,
        skip: _Skip,
    ) -> BatchSummary:
        """Write ``records`` (:meth:`records` of ``skip``) into ``out`` (the bad ones into
        ``bad`` if given), the summary last with ``kept`` (the counts of the records kept from
        an earlier output) added.

        The bad records are flushed before the next decision is written, so that an output
        cut short anywhere never reaches past a bad line whose record is not in ``bad``.
        """
        progress = self.progress
        unflushed = False
        for record in records:
            if record.stats is not None:
                summary = record.stats
                if summary.lines < skip.after:
                    raise BatchFileError(
                        f"the earlier output reached input line {skip.after} but the input has "
                        f"{summary.lines} lines: it is not this input's output",
                        code="input_too_short",
                        values={"reached": str(skip.after), "lines": str(summary.lines)},
                    )
                summary.add(kept)
                out.write(_summary_text(summary) + "\n")
                if progress is not None:
                    progress(summary.lines)
                return summary
            if bad is not None and record.kind in ("invalid", "error"):
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
    skip = _Skip()
    records = run.records(skip)
    # the first record is there before anything is written: an input that is not JSON Lines
    # is refused when no record has come, and then no error file is made either
    records = itertools.chain([next(records)], records)
    with _utf8(sys.stdout) as out:
        if errors is None:
            return run.write(records, out, None, BatchStats(), skip)
        with _private(errors) as bad:  # in place at once: it goes with what stdout already has
            return run.write(records, out, bad, BatchStats(), skip)


@contextlib.contextmanager
def _utf8(stream: TextIO) -> Iterator[TextIO]:
    """``stream`` writing UTF-8 with ``\n`` line ends, whatever the locale (JSON Lines are
    UTF-8: under a Windows or ISO-8859-13 code page, a decision's text would not be, or could
    not be written at all). The stream itself is left open and as it was."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None or (stream.encoding or "").lower().replace("-", "") == "utf8":
        yield stream
        return
    stream.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()  # never closes the buffer underneath


@contextlib.contextmanager
def _private(path: Path) -> Iterator[TextIO]:
    """A new file at ``path``, readable by its owner only, replacing any file there."""
    with _signals_held():
        new = Replacement(path)
        try:
            out = new.text()
            new.commit(keep_open=True)
        except BaseException:
            new.discard()
            raise
    with out:
        yield out


def _into(run: _Run, target: Path, errors: Path | None, *, resume: bool) -> BatchSummary:
    made: list[Replacement] = []  # the target's, then the error file's

    def create(path: Path) -> TextIO:
        with _signals_held():
            made.append(Replacement(path))  # mode 0600: owner only
            return made[-1].text()

    try:
        out = create(target)
        bad = create(errors) if errors is not None else None
        kept = BatchStats()
        skip = _Skip()
        if resume and target.exists():
            numbers = array("q")
            skip.after = _carry(target, out, kept, numbers, skip=skip, run=run)
            if bad is not None and errors is not None and errors.exists():
                mistakes = array("q")
                _carry(errors, bad, kept, mistakes, upto=skip.after)
                numbers = array("q", heapq.merge(numbers, mistakes))
            skip.kept = numbers
            skip.valid = bool(kept.evaluated or kept.errors)
        summary = run.write(run.records(skip), out, bad, kept, skip)
        for new in made:  # on the disk before either is renamed: complete or absent
            new.close(sync=True)
        _check(run.stop)  # a stop that came during the last line: nothing is written either
        for new in reversed(made):  # the error file first, the output last
            new.commit(sync=True)
    except OSError as err:
        for new in made:
            new.discard()
        if err.filename is None and errors is None:  # e.g. the disk is full: the one file
            raise OSError(err.errno, err.strerror, str(target)) from None
        raise
    except BaseException:
        for new in made:
            new.discard()
        raise
    return summary


def _carry(
    path: Path,
    out: TextIO,
    kept: BatchStats,
    numbers: array[int],
    *,
    upto: int | None = None,
    skip: _Skip | None = None,
    run: _Run | None = None,
) -> int:
    """Copy the complete records of the earlier batch output ``path`` into ``out``, count them
    in ``kept`` and their input line numbers in ``numbers``; return the input line they reached.
    A last line cut short (no newline, or not JSON) is left out, and so is a summary (a new one
    is written). With ``upto``, only records of input lines up to it are kept (an error file
    that ran ahead of its output). With ``skip`` and ``run`` (the earlier output itself), the
    ids of the rule tables kept are added to ``skip.tables`` and some learners to check against
    the input to ``skip`` (with their dates, when ``run`` has no ``as_of``: the input's case
    tells whether the earlier run had one), and each decision must have been made with
    ``run``'s date and form."""
    tables = skip.tables if skip is not None else None
    decided = 0
    position = 0
    with path.open("rb") as handle:
        rows = _complete_lines(handle, path)
        for number, raw, record in rows:
            if "summary" in record:
                if next(rows, None) is not None:
                    raise BatchFileError(
                        f"{path} line {number}: a summary before the last line",
                        code="summary_not_last",
                        values=_where(path, number),
                    )
                counts = record["summary"]
                lines = counts.get("lines") if isinstance(counts, dict) else None
                if not isinstance(lines, int) or lines < position:
                    raise BatchFileError(
                        f"{path} line {number}: not a batch summary",
                        code="not_a_summary",
                        values=_where(path, number),
                    )
                return lines
            if RuleTable.is_record(record):
                try:
                    table = RuleTable.from_record(record).id
                except ValueError as err:
                    raise BatchFileError(
                        f"{path} line {number}: not a rule table ({err})",
                        code="not_a_rule_table",
                        values=_where(path, number),
                    ) from None
                if tables is not None:
                    tables.add(table)
                out.write(raw)
                continue
            line = record.get("line")
            if not isinstance(line, int) or isinstance(line, bool) or line <= position:
                raise BatchFileError(
                    f"{path} line {number}: not a batch record of a later input line (its "
                    "'line' is missing or not after the one before)",
                    code="line_not_later",
                    values=_where(path, number),
                )
            if upto is not None and line > upto:
                break
            policy = record.get("policy")
            if isinstance(policy, str) and tables is not None and policy not in tables:
                raise BatchFileError(
                    f"{path} line {number}: its rule table {policy!r} is in no earlier line (the "
                    "output is not whole): start again",
                    code="rule_table_missing",
                    values={**_where(path, number), "table": policy},
                )
            if skip is not None and run is not None and "learner_id" in record:
                decided += 1
                _same_options(record, run, path, number)
                # without --as-of, each case is dated its latest observation: checked on input
                dated = None if run.as_of is not None else (str(path), number, record.get("as_of"))
                skip.keep_learner(line, record["learner_id"], decided, dated)
            _count_record(kept, record, path, number)
            out.write(raw)
            numbers.append(line)
            position = line
    return position


def _same_options(record: Mapping[str, Any], run: _Run, path: Path, number: int) -> None:
    """Refuse to resume an output whose decision ``record`` was made on another date than
    ``--as-of``, or written in the other form (compact or ``--self-contained``)."""
    if run.as_of is not None and record.get("as_of") != run.as_of.isoformat():
        raise BatchFileError(
            f"{path} line {number}: decided as of {record.get('as_of')}, not {run.as_of} "
            "(--as-of): resume with the options of the earlier run, or start again",
            code="other_date",
            values={
                **_where(path, number),
                "decided": str(record.get("as_of")),
                "as_of": run.as_of.isoformat(),
            },
        )
    if isinstance(record.get("policy"), dict) != run.self_contained:
        given, code = (
            ("without", "written_without_self_contained")
            if run.self_contained
            else ("with", "written_with_self_contained")
        )
        raise BatchFileError(
            f"{path} line {number}: written {given} --self-contained: resume with the options "
            "of the earlier run, or start again",
            code=code,
            values=_where(path, number),
        )


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
        except BatchFileError:
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
        raise BatchFileError(
            f"{path} line {number} is not a whole JSON record",
            code="not_a_whole_record",
            values=_where(path, number),
        ) from None
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
        raise BatchFileError(
            f"{path} line {number} is not a batch record",
            code="not_a_batch_record",
            values=_where(path, number),
        )


def _where(path: Path, number: int) -> dict[str, str]:
    """The values of an error about line ``number`` of the earlier output ``path``."""
    return {"path": str(path), "line": str(number)}
