"""What every command shares: exit statuses, reading files, dates, JSON output, errors, and
:class:`Commands`, which adds a subcommand with the options every command has."""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal, TextIO

from atbalsts._explain import LANGUAGES
from atbalsts._time import iso_day
from atbalsts.cli._errors import error_lines, os_reason
from atbalsts.cli._i18n import ENV_LANG, Texts
from atbalsts.errors import AtbalstsError

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "Commands",
    "Handler",
    "InputError",
    "add_lang",
    "date_type",
    "dump",
    "formatter",
    "not_json_lines",
    "print_error",
    "read_text",
    "table",
    "whole_number",
]

EXIT_OK = 0
EXIT_INVALID = 2

#: A command: the parsed arguments and the texts of the chosen language in, the exit status out.
Handler = Callable[[argparse.Namespace, Texts], int]

FORMATS = ("text", "json")


class InputError(AtbalstsError):
    """A file or argument could not be used."""


def print_error(err: AtbalstsError, t: Texts, out: TextIO) -> None:
    """``err`` as the command shows it, in the language of ``t``: for a document, every failing
    field path and what is wrong there, never the value (:mod:`atbalsts.cli._errors`)."""
    for line in error_lines(err, t):
        print(line, file=out)


def not_json_lines(path: str, shape: str, command: Literal["batch", "worklist"], t: Texts) -> str:
    """Why ``path`` is not read by ``atbalsts batch`` or ``atbalsts worklist`` (it is one JSON
    document over many lines, or a JSON array: the error ``not_json_lines`` of both), and the
    command that makes it JSON Lines."""
    _ = t.gettext
    quoted = shlex.quote(path)
    if command == "batch" and shape == "array":
        text = _(
            "{path} is not JSON Lines: it holds a JSON array, and atbalsts batch reads one "
            "support case per line. Put each case on a line of its own, e.g. with: "
            "jq -c '.[]' {quoted} > cases.jsonl"
        )
    elif command == "batch":
        text = _(
            "{path} is not JSON Lines: its first line opens one JSON document that goes on over "
            "the next lines, and atbalsts batch reads one support case per line. Put each case "
            "on a line of its own, e.g. with: jq -c . {quoted} > cases.jsonl"
        )
    elif shape == "array":
        text = _(
            "{path} is not JSON Lines: it holds a JSON array, and the work list reads one "
            "support case per line. Put each case on a line of its own, e.g. with: "
            "jq -c '.[]' {quoted} > cases.jsonl"
        )
    else:
        text = _(
            "{path} is not JSON Lines: its first line opens one JSON document that goes on over "
            "the next lines, and the work list reads one support case per line. Put each case on "
            "a line of its own, e.g. with: jq -c . {quoted} > cases.jsonl"
        )
    return text.format(path=path, quoted=quoted)


def read_text(path: str | Path, t: Texts) -> str:
    """The text of ``path``: UTF-8, with or without a byte-order mark."""
    _ = t.gettext
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            _("cannot read {path}: {reason}").format(path=path, reason=os_reason(exc, t))
        ) from None
    except UnicodeDecodeError:
        raise InputError(_("cannot read {path}: it is not UTF-8 text").format(path=path)) from None


def date_type(t: Texts) -> Callable[[str], date]:
    """An argparse ``type`` for a date given as YYYY-MM-DD."""

    def parse(text: str) -> date:
        try:
            return iso_day(text)
        except ValueError:
            message = t.gettext("not a date (YYYY-MM-DD): {text!r}").format(text=text)
            raise argparse.ArgumentTypeError(message) from None

    return parse


def whole_number(low: int, high: int | None, t: Texts) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number from ``low`` to ``high`` (None: no upper bound)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            if high is None:
                message = t.gettext("not a whole number of at least {low}: {text!r}")
            else:
                message = t.gettext("not a whole number from {low} to {high}: {text!r}")
            raise argparse.ArgumentTypeError(message.format(low=low, high=high, text=text))
        return value

    return parse


def dump(data: object) -> str:
    """``data`` as stable, readable JSON text."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Lines of a table whose columns line up: ``header``, then ``rows`` (the last column is not
    padded, so long titles do not push the others)."""
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]
    return [
        "  ".join([*(cell.ljust(w) for cell, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
        for r in (header, *rows)
    ]


def formatter(t: Texts) -> type[argparse.HelpFormatter]:
    """A help formatter that says ``usage:`` in the language of ``t`` whenever the help is
    printed (argparse looks that word up when it formats, not when the parser is built)."""

    class Formatter(argparse.HelpFormatter):
        def add_usage(
            self,
            usage: str | None,
            actions: Iterable[argparse.Action],
            groups: Iterable[argparse._MutuallyExclusiveGroup],
            prefix: str | None = None,
        ) -> None:
            super().add_usage(
                usage, actions, groups, t.gettext("usage: ") if prefix is None else prefix
            )

    return Formatter


class Commands:
    """The subcommands of ``atbalsts``, in one language. :meth:`add` gives each the options every
    command has: ``-h`` and ``--lang``, and ``--format`` where it prints data."""

    def __init__(self, sub: argparse._SubParsersAction[argparse.ArgumentParser], t: Texts) -> None:
        self._sub = sub
        self.texts = t

    def add(
        self, name: str, summary: str, handler: Handler, *, formats: bool = False
    ) -> argparse.ArgumentParser:
        """A new subcommand ``name`` (``summary``: one line for the list of commands) that runs
        ``handler``."""
        _ = self.texts.gettext
        p = self._sub.add_parser(
            name,
            help=summary,
            description=summary,
            add_help=False,
            allow_abbrev=False,
            formatter_class=formatter(self.texts),
        )
        p.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
        add_lang(p, self.texts, default=argparse.SUPPRESS)
        if formats:
            p.add_argument(
                "--format",
                choices=FORMATS,
                default="text",
                help=_("text for people, json for programs (default: text)"),
            )
        p.set_defaults(handler=handler)
        return p

    def group(self, name: str, summary: str) -> Commands:
        """A new subcommand ``name`` whose own subcommands (``atbalsts NAME SUBCOMMAND``) are added
        to the :class:`Commands` returned."""
        _ = self.texts.gettext
        p = self.add(name, summary, _no_subcommand)
        sub = p.add_subparsers(
            dest=f"{name}_command",
            required=True,
            metavar=_("COMMAND"),
            title=_("commands"),
            help=_("one of the commands below"),
        )
        return Commands(sub, self.texts)

    def get(self, name: str) -> argparse.ArgumentParser:
        """The parser of the subcommand ``name`` another module added, to add options to it."""
        return self._sub.choices[name]


def _no_subcommand(args: argparse.Namespace, t: Texts) -> int:  # pragma: no cover
    """Never run: a group's subcommand is required, and its handler replaces this one."""
    raise AssertionError("a command group ran without a subcommand")


def add_lang(parser: argparse.ArgumentParser, t: Texts, *, default: str) -> None:
    """The ``--lang`` option: the language of the output and of the help."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=t.gettext(
            "language of the output and of this help: lv (Latvian) or en (English); default: "
            "{default}, or the {env} environment variable"
        ).format(default="lv", env=ENV_LANG),
    )
