"""``atbalsts new-policy``: a municipal policy plugin to start from, and how to install it."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from urllib.parse import unquote, urlparse

from atbalsts.cli._common import EXIT_OK, Commands, date_type
from atbalsts.cli._i18n import Texts

__all__ = ["atbalsts_source", "register"]


def atbalsts_source() -> str | None:
    """The ``pip install`` argument that installs this atbalsts again elsewhere, when pip
    recorded that it came from a local wheel or directory (``direct_url.json``, PEP 610):
    ``/path/atbalsts-0.1.0-py3-none-any.whl``, ``/path/checkout`` or ``-e /path/checkout``.
    None when it came from a package index (a plugin's ``atbalsts>=`` requirement finds it
    there) or pip did not say."""
    try:
        text = distribution("atbalsts").read_text("direct_url.json")
    except PackageNotFoundError:  # pragma: no cover - atbalsts is always installed
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    url = urlparse(str(data.get("url", "")))
    if url.scheme != "file":
        return None
    path = shlex.quote(unquote(url.path))
    dir_info = data.get("dir_info")
    editable = isinstance(dir_info, dict) and dir_info.get("editable") is True
    return f"-e {path}" if editable else path


def _shown(path: Path, suffix: str = "") -> str:
    """``path`` as the reader types it here: relative to the working directory when it is
    inside it or beside it, else absolute; with ``suffix`` added, quoted for a POSIX shell."""
    relative = os.path.relpath(path, Path.cwd())
    shown = str(path) if relative.startswith(f"..{os.sep}..") else relative
    return shlex.quote(shown + suffix)


def _python() -> str:
    """The interpreter that runs this command, as the reader types it."""
    executable = Path(sys.executable)
    on_path = shutil.which("python")
    if on_path and Path(on_path).resolve() == executable.resolve():
        return "python"
    try:
        inside = executable.absolute().relative_to(Path.cwd())
    except ValueError:
        return shlex.quote(str(executable))
    return shlex.quote(str(inside))


def _new_policy(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.scaffold import new_policy
    from atbalsts.testing.conformance import PLACEHOLDER

    _ = t.gettext
    root = new_policy(
        args.name,
        Path(args.destination),
        municipality=args.municipality,
        title=args.title,
        valid_from=args.valid_from,
    )
    python = _python()
    print(_("created {root}").format(root=root))
    print(
        _(
            "next: replace every {marker} placeholder with the legal basis; then install the "
            "plugin, editable and with its test tools, into the environment of this atbalsts "
            "and run its tests:"
        ).format(marker=PLACEHOLDER)
    )
    # no "cd": the interpreter's path may be relative to this directory
    print(f"  {python} -m pip install -e {_shown(root, '[test]')}")
    print(f"  {python} -m pytest {_shown(root)}")
    source = atbalsts_source()
    if source:
        print(
            _(
                "This atbalsts was installed from {source}, not from a package index: in another "
                "environment, install it from there first, then the plugin as above:"
            ).format(source=source)
        )
        print(f"  python -m pip install {source}")
    print(_('The plugin\'s README.md says more, under "Install and run the tests".'))
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``new-policy``."""
    _ = commands.texts.gettext
    p = commands.add("new-policy", _("create a municipal policy plugin to start from"), _new_policy)
    p.add_argument(
        "name",
        metavar=_("NAME"),
        help=_("policy name: lower-case letters, digits and '-', e.g. 'bauska'"),
    )
    p.add_argument(
        "-d",
        "--destination",
        default=".",
        metavar=_("DIR"),
        help=_("create atbalsts-NAME in this directory (default: .)"),
    )
    p.add_argument(
        "--municipality",
        metavar=_("MUNICIPALITY"),
        help=_("slug of the municipality it governs (default: NAME)"),
    )
    p.add_argument("--title", metavar=_("TITLE"), help=_("display title of the policy"))
    p.add_argument(
        "--valid-from",
        type=date_type(commands.texts),
        metavar=_("DATE"),
        help=_(
            "day the policy takes effect, YYYY-MM-DD (default: 1 September of the current "
            "school year)"
        ),
    )
