"""``atbalsts stats``: files in, one output written whole."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TextIO, get_args

import attrs

from atbalsts._files import Replacement, replaceable
from atbalsts._pipe import quiet_when_reader_goes
from atbalsts.stats._count import Join, Table, count_files, unknown_dimension
from atbalsts.stats._errors import StatsError
from atbalsts.stats._html import write_html
from atbalsts.stats._labels import Lang
from atbalsts.stats._metrics import DIMENSIONS
from atbalsts.stats._records import (
    error_file_counts,
    refuse_caseless,
    refuse_uncounted,
    summary_counts,
)
from atbalsts.stats._write import shown_records, write_csv, write_json

__all__ = ["Format", "add_arguments", "main", "parse_by", "run_stats"]

Format = Literal["json", "csv", "html"]

_WRITERS: dict[str, Callable[[Table, TextIO, Lang], None]] = {
    "json": write_json,
    "csv": write_csv,
    "html": write_html,
}


def parse_by(text: str) -> tuple[str, ...]:
    """``"municipality,school"`` as ``("municipality", "school")``; ``""`` groups nothing."""
    dims = tuple(part.strip() for part in text.split(",") if part.strip())
    for dim in dims:
        if dim not in DIMENSIONS:
            raise unknown_dimension(dim)
    return dims


def run_stats(
    decisions_path: str | Path,
    cases_path: str | Path | None = None,
    by: str | Sequence[str] = ("municipality",),
    fmt: Format = "json",
    lang: Lang = "lv",
    out: str | Path | TextIO | None = None,
    *,
    join: Join = "order",
    errors: str | Path | None = None,
) -> Table:
    """Count the ``atbalsts batch`` output at ``decisions_path`` (with its input at
    ``cases_path``, and the error file it wrote its ``invalid`` and ``error`` records to at
    ``errors``, ``batch --errors``) grouped ``by`` and write it as ``fmt`` in ``lang`` to ``out``.

    ``by`` is a sequence of dimensions or their comma-separated names. ``out`` is a path, an
    open text stream, or ``None`` or ``"-"`` for standard output. A file is written to a temporary
    file beside it (readable by its owner only) and renamed into place when complete, so it is
    whole or absent. Returns the table written.

    The records of the error file are counted in the table's ``records`` (``invalid``,
    ``errors``) with those of the output. Beyond what :func:`count_files` checks,
    :class:`StatsError` is raised, and nothing written, when the input cannot be counted as
    given (its ``code`` in brackets):

    - no decision was counted and the decisions file holds lines that are not records of batch
      output: support cases (``decisions_are_cases``), a role's views (``decisions_are_views``),
      a JSON document or array (``not_json_lines``), other lines (``no_decision``); an output
      with a decision counted is counted, its other lines in ``records.unreadable``;
    - the cases file holds no support case that can be read (``cases_are_decisions``,
      ``cases_not_json_lines``, ``no_case``);
    - the error file holds a line that is not an ``invalid`` or ``error`` record
      (``not_an_error_file``);
    - the summaries of the output count more invalid or error lines than the output and the error
      file hold (``bad_lines_apart``): the batch wrote them to an error file not given.
    """
    if fmt not in _WRITERS:
        raise StatsError(f"unknown format {fmt!r}: choose from {', '.join(_WRITERS)}")
    if lang not in get_args(Lang):
        raise StatsError(f"unknown language {lang!r}: choose from lv, en")
    dims = parse_by(by) if isinstance(by, str) else tuple(by)
    decisions = Path(decisions_path)
    cases = None if cases_path is None else Path(cases_path)
    bad = None if errors is None else Path(errors)
    if isinstance(out, (str, Path)) and str(out) != "-":
        target = Path(out)
        for source in (decisions, cases, bad):
            if source is not None and target.resolve() == source.resolve():
                raise StatsError(
                    f"the output {target} would overwrite the input {source}",
                    code="output_is_input",
                    values={"output": str(target), "input": str(source)},
                )
        if not replaceable(target):
            raise StatsError(
                f"the output {target} is not a regular file: name a file to write (without -o, "
                "the table goes to standard output)",
                code="output_not_a_file",
                values={"output": str(target)},
            )
    apart = (0, 0) if bad is None else error_file_counts(bad)  # a wrong file before the count
    try:
        table = count_files(decisions, cases, dims, join=join)
    except StatsError as err:
        if err.code == "cases_out_of_order" and cases is not None:
            refuse_caseless(cases)  # no case at all: say what the file holds instead
        raise
    table = _checked(table, decisions, cases, apart)
    writer = _WRITERS[fmt]
    if out is None or (isinstance(out, (str, Path)) and str(out) == "-"):
        writer(table, sys.stdout, lang)
    elif isinstance(out, (str, Path)):
        _write_whole(Path(out), lambda stream: writer(table, stream, lang))
    else:
        writer(table, out, lang)
    return table


def _checked(table: Table, decisions: Path, cases: Path | None, apart: tuple[int, int]) -> Table:
    """``table`` with the ``invalid`` and ``error`` records of the error file (``apart``) added to
    its records; :class:`StatsError` when the files cannot have been counted as given (see
    :func:`run_stats`)."""
    records = table.records
    if not records.decisions and not records.duplicates and (records.unreadable or records.other):
        refuse_uncounted(decisions)
    used = records.decisions - records.without_case + records.cases_unused
    if cases is not None and records.cases_unreadable and not used:
        refuse_caseless(cases)
    invalid, errors = records.invalid + apart[0], records.errors + apart[1]
    summed = summary_counts(decisions)
    if summed is not None and (summed[0] > invalid or summed[1] > errors):
        raise StatsError(
            f"{decisions}: its summary counts {summed[0]} invalid and {summed[1]} undecided "
            f"lines, the files given hold {invalid} and {errors}: the batch wrote them to its "
            "error file (batch --errors FILE); give that file, of the same run, with --errors",
            code="bad_lines_apart",
            values={
                "path": str(decisions),
                "invalid": str(summed[0]),
                "errors": str(summed[1]),
                "counted_invalid": str(invalid),
                "counted_errors": str(errors),
            },
        )
    if apart == (0, 0):
        return table
    return attrs.evolve(table, records=attrs.evolve(records, invalid=invalid, errors=errors))


def _write_whole(target: Path, write: Callable[[TextIO], None]) -> None:
    with Replacement(target) as new:
        write(new.text())
        new.commit(sync=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``atbalsts stats`` to ``parser``."""
    parser.add_argument("decisions", help="JSON Lines output of atbalsts batch")
    parser.add_argument("--cases", help="the JSON Lines cases the batch decided (its input)")
    parser.add_argument(
        "--errors",
        help="the error file the batch wrote its invalid and error records to (batch --errors)",
    )
    parser.add_argument(
        "--by",
        default="municipality",
        help="dimensions to group by, comma-separated: municipality, school, grade, term "
        "(default: municipality; school and grade need --cases)",
    )
    parser.add_argument("--format", choices=("json", "csv", "html"), default="json")
    parser.add_argument("--lang", choices=("lv", "en"), default="lv")
    parser.add_argument("-o", "--output", help="output file (default: standard output)")
    parser.add_argument(
        "--join",
        choices=("order", "id"),
        default="order",
        help="how decisions find their cases: in the same order (default, constant memory) or "
        "by learner id (the cases are held in memory)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m atbalsts.stats``: the same as ``atbalsts stats``. Returns the exit status
    (0 done, 2 the input cannot be counted, 141 the reader of the output stopped reading)."""
    parser = argparse.ArgumentParser(
        prog="atbalsts stats",
        description="Count decisions by municipality, school, grade or term, with small cells "
        "hidden.",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    return quiet_when_reader_goes(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    try:
        table = run_stats(
            args.decisions,
            args.cases,
            args.by,
            args.format,
            args.lang,
            args.output,
            join=args.join,
            errors=args.errors,
        )
    except StatsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went: not an error, said by quiet_when_reader_goes
        raise
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"error: cannot use{where}: {err.strerror or err}", file=sys.stderr)
        return 2
    shown = {k: "…" if v is None else v for k, v in shown_records(table).items()}
    print(
        f"{shown['decisions']} decisions counted, {shown['invalid']} invalid, "
        f"{shown['errors']} errors, {shown['unreadable']} unreadable, "
        f"{shown['duplicates']} duplicates",
        file=sys.stderr,
    )
    return 0
