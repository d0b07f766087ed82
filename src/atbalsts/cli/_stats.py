"""``atbalsts stats``: decisions counted by municipality, school, grade and term, small cells
hidden (:func:`atbalsts.stats.run_stats`)."""

from __future__ import annotations

import argparse
import sys
from typing import Literal, cast

from atbalsts.cli._common import EXIT_OK, Commands
from atbalsts.cli._i18n import Texts

__all__ = ["register"]

#: The output formats of ``stats``, the first the default.
STATS_FORMATS = ("json", "csv", "html")


def _stats(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.stats import run_stats, shown_records

    table = run_stats(
        args.decisions,
        args.cases,
        args.by,
        cast(Literal["json", "csv", "html"], args.format),
        cast(Literal["lv", "en"], t.lang),
        args.output,
        join=args.join,
    )
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
