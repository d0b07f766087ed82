"""``python -m atbalsts.server``: make an API key, or write the OpenAPI document.

::

    python -m atbalsts.server new-key --id skola-1 --role social_pedagogue --scope school:SKOLA-1
    python -m atbalsts.server openapi -o schemas/openapi.json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from atbalsts.errors import AtbalstsError
from atbalsts.server._keys import new_key
from atbalsts.server._openapi import openapi_text

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on invalid arguments."""
    parser = argparse.ArgumentParser(prog="python -m atbalsts.server")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("new-key", help="print a new API key and its entry for the key file")
    p.add_argument("--id", required=True, help="the key's name in logs: a-z, 0-9, '-'")
    p.add_argument("--role", required=True, help="a role code, e.g. social_pedagogue")
    p.add_argument(
        "--scope", required=True, help="national, municipality:<slug> or school:<school id>"
    )
    p = sub.add_parser("openapi", help="print (or write) the OpenAPI document")
    p.add_argument("-o", "--output", help="write it to this file")
    args = parser.parse_args(argv)
    if args.command == "openapi":
        text = openapi_text()
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    try:
        key, entry = new_key(args.id, args.role, args.scope)
    except AtbalstsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"key (give it to its user; it is not stored): {key}", file=sys.stderr)
    sys.stdout.write(entry)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
