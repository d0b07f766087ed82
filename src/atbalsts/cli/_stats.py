"""``atbalsts stats``: decisions counted by municipality, school, grade and term, small cells
hidden (:func:`atbalsts.stats.run_stats`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, cast

from atbalsts.cli._common import EXIT_OK, Commands, InputError
from atbalsts.cli._errors import os_reason
from atbalsts.cli._i18n import Texts

if TYPE_CHECKING:
    from atbalsts.stats import StatsError

__all__ = ["register"]

#: The output formats of ``stats``, the first the default.
STATS_FORMATS = ("json", "csv", "html")


def stats_message(err: StatsError, t: Texts) -> str:
    """``err`` in the language of ``t``: by its ``code`` and ``values`` (paths, line numbers,
    a plugin's name; never a learner's data); in English, or for a code without a sentence
    here, as the library wrote it."""
    if t.lang == "en" or err.code is None:
        return str(err)
    _ = t.gettext
    sentences = {
        "plugin_not_loaded": _(
            "the decisions name the plugin {plugin!r} in their policy stamps, and it is not "
            "loaded here (not installed, blocked or failing): every local code of its code "
            "lists must be shown, met or not; count where the plugins that decided are installed"
        ),
        "unknown_dimension": _("cannot group by {by!r}: choose from {choices}"),
        "dimension_twice": _("a dimension is named twice in --by: {by}"),
        "needs_cases": _(
            "grouping by {by} needs the cases file (--cases): a decision does not name the school "
            "or the grade"
        ),
        "cases_out_of_order": _(
            "the decision on decisions line {line} has no case after cases line {cases_line}: "
            "the files are not in the same learner order (join the cases by id: --join id)"
        ),
        "case_twice": _(
            "cases line {cases_line} is a second case of a learner of an earlier line: joined by "
            "id, a learner has one case"
        ),
        "not_utf8": _("cannot read {path}: it is not UTF-8 text"),
        "output_is_input": _("the output {output} would overwrite the input {input}"),
        "output_not_a_file": _(
            "the output {output} is not a regular file: name a file to write (without -o, the "
            "table goes to standard output)"
        ),
        "needs_matplotlib": _("the HTML report's charts need matplotlib: install atbalsts[stats]"),
        "decisions_are_cases": _(
            "{path} holds support cases, not decisions (line {line} is one): give the output of "
            "atbalsts batch as DECISIONS, and the cases it decided with --cases"
        ),
        "decisions_are_views": _(
            "{path} holds a role's views of the decisions (atbalsts batch --role), which leave "
            "out what the role may not see: count the output of atbalsts batch made without "
            "--role"
        ),
        "no_decision": _(
            "{path} holds no decision that can be counted (line {line} is neither a record of "
            "atbalsts batch nor a decision that can be read): give the whole output of atbalsts "
            "batch, made without --role, from its first line"
        ),
        "cases_are_decisions": _(
            "the cases file {path} holds the records of atbalsts batch, not support cases (line "
            "{line} is one): give the cases the batch decided (its input) with --cases"
        ),
        "no_case": _(
            "the cases file {path} holds no support case that can be read (line {line} is the "
            "first that is not one): give the cases the batch decided (its input) with --cases"
        ),
        "not_an_error_file": _(
            "{path} line {line} is not an invalid or error record of atbalsts batch: give with "
            "--errors the error file the batch wrote (batch --errors FILE)"
        ),
        "bad_lines_apart": _(
            "{path}: its summary counts {invalid} invalid and {errors} undecided lines, the "
            "files given hold {counted_invalid} and {counted_errors}: the batch wrote them to "
            "its error file (batch --errors FILE); give that file, of the same run, with "
            "--errors"
        ),
    }
    if err.code in ("not_json_lines", "cases_not_json_lines"):
        return _not_json_lines(err.code, err.values, t)
    if err.code == "unreadable" and err.os_error is not None:
        reason = os_reason(err.os_error, t)
        return _("cannot read {path}: {reason}").format(path=err.values["path"], reason=reason)
    sentence = sentences.get(err.code)
    if sentence is None:
        return str(err)
    said = sentence.format(**err.values)
    unreadable = int(err.values.get("unreadable", "0"))
    if err.code == "cases_out_of_order" and unreadable:
        said += t.ngettext(
            "; {n} case line could not be read", "; {n} case lines could not be read", unreadable
        ).format(n=unreadable)
    return said


def _not_json_lines(code: str, values: Mapping[str, str], t: Texts) -> str:
    """Why the decisions file (``not_json_lines``) or the cases file (``cases_not_json_lines``)
    is not read: a JSON array, or one JSON document over many lines (``shape``)."""
    _ = t.gettext
    if values.get("shape") == "array":
        what = _("it holds a JSON array")
    else:
        what = _("its line {line} opens one JSON document that goes on over the lines after it")
    if code == "not_json_lines":
        sentence = _(
            "{path} is not JSON Lines: {what}; give the output of atbalsts batch, one record per "
            "line"
        )
    else:
        sentence = _(
            "the cases file {path} is not JSON Lines: {what}; give the cases the batch decided "
            "(its input), one per line, with --cases"
        )
    return sentence.format(path=values["path"], what=what.format(line=values.get("line", "")))


def _stats(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.stats import StatsError, run_stats, shown_records

    try:
        table = run_stats(
            args.decisions,
            args.cases,
            args.by,
            cast(Literal["json", "csv", "html"], args.format),
            cast(Literal["lv", "en"], t.lang),
            args.output,
            join=args.join,
            errors=args.errors,
        )
    except StatsError as err:
        raise InputError(stats_message(err, t)) from None
    # The counts of learners are hidden here as in the output: a log must not give them away.
    records = shown_records(table)

    def said(singular: str, plural: str, name: str) -> str:
        n = records[name]
        hidden = "…"  # as the outputs mark a hidden count, in either language
        # A hidden count takes the plural form of the threshold (it may be any number).
        return t.ngettext(singular, plural, table.min_learners if n is None else n).format(
            n=hidden if n is None else n
        )

    parts = [
        said("{n} decision counted", "{n} decisions counted", "decisions"),
        said("{n} invalid", "{n} invalid", "invalid"),
        said("{n} error", "{n} errors", "errors"),
        said("{n} unreadable", "{n} unreadable", "unreadable"),
        said("{n} duplicate", "{n} duplicates", "duplicates"),
    ]
    print(", ".join(parts), file=sys.stderr)
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``stats``."""
    _ = commands.texts.gettext
    p = commands.add(
        "stats",
        _("count decisions by municipality, school, grade or term, hiding small cells"),
        _stats,
    )
    p.add_argument(
        "decisions", metavar=_("DECISIONS"), help=_("JSON Lines output of atbalsts batch")
    )
    p.add_argument(
        "--cases",
        metavar=_("CASES"),
        help=_("the JSON Lines cases the batch decided (its input)"),
    )
    p.add_argument(
        "--errors",
        metavar=_("FILE"),
        help=_(
            "the error file the batch wrote its invalid and error records to (batch --errors), "
            "counted with the output"
        ),
    )
    p.add_argument(
        "--by",
        default="municipality",
        metavar=_("DIMENSIONS"),
        help=_(
            "dimensions to group by, comma-separated: municipality, school, grade, term "
            "(default: municipality; school and grade need --cases)"
        ),
    )
    p.add_argument(
        "--format",
        choices=STATS_FORMATS,
        default="json",
        help=_("json, csv or html (a report with charts; needs matplotlib) (default: json)"),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar=_("OUTPUT"),
        help=_("output file, written whole or not at all (default: standard output)"),
    )
    p.add_argument(
        "--join",
        choices=("order", "id"),
        default="order",
        help=_(
            "how decisions find their cases: in the same order (default, constant memory) or by "
            "learner id (the cases are held in memory)"
        ),
    )
