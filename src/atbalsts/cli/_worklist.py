"""``atbalsts worklist``: the morning work list of many support cases, by responsible role
(:func:`atbalsts.worklist.run_worklist`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Literal, cast

from atbalsts.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    Commands,
    InputError,
    date_type,
    not_json_lines,
    whole_number,
)
from atbalsts.cli._i18n import Texts
from atbalsts.cli._policies import load_registry

__all__ = ["UPCOMING_DAYS", "register"]

#: How many school days ahead the list looks by default: :data:`atbalsts.worklist.UPCOMING_DAYS`,
#: known without importing the work lists (a test keeps the two equal).
UPCOMING_DAYS = 5


def _lines(path: str, t: Texts) -> Iterator[str]:
    """The lines of ``path``, one at a time: UTF-8, with or without a byte-order mark."""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            yield from stream
    except UnicodeDecodeError:
        raise InputError(
            t.gettext("cannot read {path}: it is not UTF-8 text").format(path=path)
        ) from None


def _worklist(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.cli._errors import field_message, path_words
    from atbalsts.worklist import WorklistInputError, run_worklist

    try:
        counts = run_worklist(
            _lines(args.file, t),
            sys.stdout,
            as_of=args.as_of,
            role=args.role,
            school=args.school,
            lang=t.lang,
            fmt=cast(Literal["text", "json"], args.format),
            upcoming=args.upcoming,
            registry=load_registry(),
            field_words=lambda row: field_message(row, t),
            path_words=lambda path: path_words(path, t),
        )
    except WorklistInputError as err:
        raise InputError(not_json_lines(args.file, err.values["shape"], "worklist", t)) from None
    return EXIT_INVALID if counts.skipped else EXIT_OK


def register(commands: Commands) -> None:
    """Add ``worklist``."""
    t = commands.texts
    _ = t.gettext
    p = commands.add(
        "worklist",
        _("list what is overdue, due today and due soon for many cases, by responsible role"),
        _worklist,
        formats=True,
    )
    p.add_argument("file", metavar=_("FILE"), help=_("JSON Lines file, one support case per line"))
    p.add_argument(
        "--as-of",
        required=True,
        type=date_type(t),
        metavar=_("DATE"),
        help=_("the day of the list, YYYY-MM-DD (never the clock: give today's date yourself)"),
    )
    p.add_argument(
        "--role",
        metavar=_("ROLE"),
        help=_(
            "only this role's list, with the duties any member of staff may do, e.g. "
            "class_teacher (default: every role)"
        ),
    )
    p.add_argument(
        "--school",
        metavar=_("SCHOOL"),
        help=_("only the learners of this school, by its id (default: every school)"),
    )
    p.add_argument(
        "--upcoming",
        type=whole_number(0, None, t),
        default=UPCOMING_DAYS,
        metavar=_("N"),
        help=_("how many school days ahead the list looks (default: {days})").format(
            days=UPCOMING_DAYS
        ),
    )
