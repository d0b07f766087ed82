"""``atbalsts demo``: the bundled synthetic cases, decided and compared across municipalities."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from atbalsts.cli._common import EXIT_OK, Commands, InputError, dump, read_text
from atbalsts.cli._i18n import Texts
from atbalsts.cli._policies import load_registry

__all__ = ["register"]


def _example_files(directory: Path, t: Texts) -> list[Path]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise InputError(
            t.gettext("no example cases (*.json) in {directory}; pass --examples DIRECTORY").format(
                directory=directory
            )
        )
    return files


def _demo(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.demo import demo_data, example_directory, run_demo
    from atbalsts.model import SupportCase, parse_json

    directory = Path(args.examples) if args.examples else example_directory()
    cases = [
        (p.name, parse_json(SupportCase, read_text(p, t), name=p.name))
        for p in _example_files(directory, t)
    ]
    registry = load_registry()
    if args.format == "json":
        sys.stdout.write(dump(demo_data(cases, registry, t.lang)))
    else:
        sys.stdout.write(run_demo(cases, registry, t.lang))
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``demo``."""
    _ = commands.texts.gettext
    p = commands.add(
        "demo",
        _("decide the bundled synthetic example cases and compare the municipal policies"),
        _demo,
        formats=True,
    )
    p.add_argument(
        "--examples",
        metavar=_("DIR"),
        help=_("directory of example cases (default: the ones installed with atbalsts)"),
    )
