"""The ``atbalsts`` command. Bad input never shows a traceback: field paths, exit status 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from atbalsts.errors import AtbalstsError, DocumentError
from atbalsts.model import SupportCase, parse_json
from atbalsts.schema import DOCUMENTS, document_type, schema_text

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 2

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _print_error(err: AtbalstsError, out: TextIO) -> None:
    if isinstance(err, DocumentError):
        print(f"error: {err.document} is invalid", file=out)
        for row in err.errors:
            print(f"  {row.path}: {row.message}", file=out)
    else:
        print(f"error: {err}", file=out)


def _cmd_schema(args: argparse.Namespace) -> int:
    names = [args.name] if args.name else sorted(DOCUMENTS)
    for name in names:
        document_type(name)  # unknown names raise before anything is written
    if args.output:
        out_dir = Path(args.output)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            (out_dir / f"{name}.schema.json").write_text(schema_text(name), encoding="utf-8")
        print(f"wrote {len(names)} schema(s) to {out_dir}")
    elif args.name:
        sys.stdout.write(schema_text(args.name))
    else:
        bundle = {name: json.loads(schema_text(name)) for name in names}
        sys.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return EXIT_OK


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _InputError(f"cannot read {path}: {exc.strerror}") from None


class _InputError(AtbalstsError):
    """A file could not be read."""


def _cmd_validate(args: argparse.Namespace) -> int:
    model = document_type(args.document)
    parse_json(model, _read(args.file), name=f"{args.file} ({args.document})")
    print(f"{args.file}: valid {args.document}")
    return EXIT_OK


def _example_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise _InputError(f"no example cases (*.json) in {directory}")
    return files


def _cmd_demo(args: argparse.Namespace) -> int:
    directory = Path(args.examples) if args.examples else EXAMPLES
    for path in _example_files(directory):
        case = parse_json(SupportCase, _read(str(path)), name=path.name)
        learner = case.learner
        enrolment = learner.enrolment
        level = (
            f"grade {enrolment.grade}"
            if enrolment.grade
            else f"course {enrolment.vocational_course}"
            if enrolment.vocational_course
            else enrolment.programme.value
        )
        print(
            f"{path.name}: learner {learner.id}, {enrolment.municipality}, {level}, "
            f"{len(case.observations)} observation(s), {len(case.plans)} plan(s), "
            f"{len(case.referrals)} referral(s)"
        )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``atbalsts`` command."""
    parser = argparse.ArgumentParser(
        prog="atbalsts",
        description="Early-school-leaving risk, support plans and referrals for Latvian schools.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("schema", help="print the JSON Schema of a document (or all)")
    p.add_argument("name", nargs="?", help=f"one of: {', '.join(sorted(DOCUMENTS))}")
    p.add_argument("-o", "--output", help="write NAME.schema.json files into this directory")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("validate", help="validate a JSON document; exit 2 with field paths")
    p.add_argument("file", help="the JSON file")
    p.add_argument(
        "--document",
        default="support-case",
        choices=sorted(DOCUMENTS),
        help="the document type (default: support-case)",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("demo", help="run the bundled synthetic example cases")
    p.add_argument("--examples", help="directory of example cases (default: bundled)")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 2 invalid input)."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except AtbalstsError as err:
        _print_error(err, sys.stderr)
        return EXIT_INVALID
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
