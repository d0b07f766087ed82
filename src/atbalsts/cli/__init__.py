"""The ``atbalsts`` command. Bad input never shows a traceback: field paths, exit status 2.

Every command speaks Latvian or English (``--lang``; default Latvian, or the ``ATBALSTS_LANG``
environment variable), its help included: the language is chosen before the parser is built. Each
group of commands is a module here with a ``register(commands)`` function; to add a command, write
its handler (``(args, texts) -> exit status``) and register it with :meth:`Commands.add
<atbalsts.cli._common.Commands.add>` in one of them, or in a new module listed in ``_GROUPS``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from atbalsts import _pipe
from atbalsts._pipe import quiet_when_reader_goes
from atbalsts.cli import (
    _audit,
    _decide,
    _demo,
    _documents,
    _params,
    _policies,
    _scaffold,
    _serve,
    _stats,
    _views,
    _workflow,
    _worklist,
)
from atbalsts.cli._common import EXIT_INVALID, Commands, add_lang, formatter, print_error
from atbalsts.cli._decide import EXIT_INTERRUPTED
from atbalsts.cli._errors import os_reason
from atbalsts.cli._i18n import LanguageError, Texts, argparse_in, choose_language, texts
from atbalsts.errors import AtbalstsError

__all__ = ["EXIT_BROKEN_PIPE", "build_parser", "main"]

#: Exit status when the reader of the output stopped reading (``atbalsts audit show C | head``):
#: 128 + SIGPIPE (13), what a shell reports for a program that SIGPIPE stops (``cat``, ``grep``),
#: as 130 is for Ctrl-C. Not 1, which says a transition refused or a chain that does not verify,
#: nor 0, which would say that all of the output was written.
EXIT_BROKEN_PIPE = _pipe.EXIT_BROKEN_PIPE

#: The modules of the commands, in the order of the command list. ``_views`` adds the role
#: options to ``evaluate``, so it comes after ``_decide``.
_GROUPS: tuple[Callable[[Commands], None], ...] = (
    _documents.register,
    _decide.register,
    _views.register,
    _policies.register,
    _params.register,
    _worklist.register,
    _stats.register,
    _workflow.register,
    _audit.register,
    _serve.register,
    _scaffold.register,
    _demo.register,
)


def _build(t: Texts) -> argparse.ArgumentParser:
    _ = t.gettext
    parser = argparse.ArgumentParser(
        prog="atbalsts",
        description=_(
            "Early-school-leaving risk, support plans and referrals for Latvian schools."
        ),
        add_help=False,
        allow_abbrev=False,
        formatter_class=formatter(t),
    )
    parser.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    add_lang(parser, t, default=t.lang)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar=_("COMMAND"), title=_("commands")
    )
    commands = Commands(sub, t)
    for register in _GROUPS:
        register(commands)
    return parser


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``atbalsts`` command, its help in ``lang`` ("lv" or "en";
    default: the ``ATBALSTS_LANG`` environment variable, else Latvian)."""
    from atbalsts.cli._i18n import default_language

    t = texts(lang or default_language(os.environ))
    with argparse_in(t):
        return _build(t)


def _encode_output(stream: object) -> None:
    """Standard output in UTF-8 when it goes to a file or a pipe (JSON, CSV and HTML are UTF-8,
    whatever the locale's code page); on a terminal its own encoding, with a character it lacks
    replaced, never a traceback."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        if stream.isatty():  # type: ignore[attr-defined]
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8")
    except (OSError, ValueError):  # closed, or already written to in another encoding
        return


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 1 a transition refused or an audit chain
    that does not verify, 2 invalid input or policy error, 130 interrupted by Ctrl-C, 141 the
    reader of the output stopped reading, 143 by SIGTERM during ``batch``).

    A reader that stops early (``atbalsts audit show CHAIN | head -3``) is not an error: the
    command stops without a word, as Python's documentation recommends (signal, "Note on
    SIGPIPE"): standard output, or error, whose pipe is closed is pointed at the null device, so
    that Python's own flush at exit does not fail either."""
    return quiet_when_reader_goes(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    if argv is None:  # run as the program: its own standard output
        _encode_output(sys.stdout)
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        t = texts(choose_language(arguments, os.environ))
    except LanguageError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INVALID
    with argparse_in(t):
        args = _build(t).parse_args(arguments)
    try:
        status: int = args.handler(args, texts(args.lang))
    except KeyboardInterrupt:
        print(t.gettext("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except AtbalstsError as err:
        print_error(err, t, sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # the reader went: no error of the user's, said by main()
        raise
    except OSError as err:  # a path the user gave cannot be read or written
        where = f" {err.filename}" if err.filename else ""
        print(
            t.gettext("error: cannot use{where}: {reason}").format(
                where=where, reason=os_reason(err, t)
            ),
            file=sys.stderr,
        )
        return EXIT_INVALID
    return status
