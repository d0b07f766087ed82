"""``atbalsts serve``: the HTTP service (the ``atbalsts[server]`` extra) on uvicorn."""

from __future__ import annotations

import argparse
import importlib
import sys

from atbalsts.cli._common import EXIT_INVALID, EXIT_OK, Commands, whole_number
from atbalsts.cli._i18n import Texts

__all__ = ["SERVER_MODULES", "register"]

#: What the service needs beyond atbalsts itself: the ``server`` extra.
SERVER_MODULES = ("fastapi", "uvicorn")

#: The command that installs them, as the error message names it.
INSTALL = "pip install 'atbalsts[server]' (from a checkout: pip install -e '.[server]')"


def _missing() -> str | None:
    """The first module of the server extra that cannot be imported, or None."""
    for module in SERVER_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            return module
    return None


def _serve(args: argparse.Namespace, t: Texts) -> int:
    missing = _missing()
    if missing is not None:
        print(
            t.gettext(
                "error: atbalsts serve needs the server extra ({module} is not installed): "
                "{install}"
            ).format(module=missing, install=INSTALL),
            file=sys.stderr,
        )
        return EXIT_INVALID
    from atbalsts.server import serve

    serve(args.host, args.port, args.workers)
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``serve``."""
    t = commands.texts
    _ = t.gettext
    p = commands.add(
        "serve",
        _(
            "run the HTTP service (needs the server extra); API keys from the file named by "
            "ATBALSTS_API_KEYS_FILE"
        ),
        _serve,
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar=_("HOST"),
        help=_("address to listen on (default: 127.0.0.1, this computer only)"),
    )
    p.add_argument(
        "--port",
        type=whole_number(0, 65535, t),
        default=8000,
        metavar=_("PORT"),
        help=_(
            "port to listen on (default: 8000); 0 takes a free port, which the log line "
            "'Uvicorn running on' names"
        ),
    )
    p.add_argument(
        "--workers",
        type=whole_number(1, None, t),
        default=1,
        metavar=_("N"),
        help=_("worker processes, each loading the policies and keys itself (default: 1)"),
    )
