"""The ``atbalsts`` command. Bad input never shows a traceback: field paths, exit status 2."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO, TypedDict

from atbalsts.errors import AtbalstsError, DocumentError
from atbalsts.model import SupportCase, parse_json
from atbalsts.schema import DOCUMENTS, document_type, schema_text

if TYPE_CHECKING:  # imported where used: the engine loads plugins, which takes time
    from atbalsts import PolicyRegistry
    from atbalsts.policy import PolicyInfo, Rule

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class InputError(AtbalstsError):
    """A file or argument could not be used."""


def _print_error(err: AtbalstsError, out: TextIO) -> None:
    if isinstance(err, DocumentError):
        print(f"error: {err.document} is invalid", file=out)
        for row in err.errors:
            print(f"  {row.path}: {row.message}", file=out)
    else:
        print(f"error: {err}", file=out)


def _read(path: str | Path) -> str:
    """The text of ``path``: UTF-8, with or without a byte-order mark."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: it is not UTF-8 text") from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _as_of(case: SupportCase, given: date | None) -> date:
    """The evaluation date: the one given, else the latest observation's (never the clock)."""
    if given is not None:
        return given
    dates = [o.as_of for o in case.observations]
    if not dates:
        raise InputError("the case has no observations: give --as-of YYYY-MM-DD")
    return max(dates)


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# --- schema, validate ---


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
        sys.stdout.write(_dump({name: json.loads(schema_text(name)) for name in names}))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    model = document_type(args.document)
    parse_json(model, _read(args.file), name=f"{args.file} ({args.document})")
    print(f"{args.file}: valid {args.document}")
    return EXIT_OK


# --- policies, rules, evaluate ---


def _registry() -> PolicyRegistry:
    from atbalsts import PolicyRegistry

    return PolicyRegistry.load()


class _PolicyRow(TypedDict):
    name: str
    title: str
    municipality: str | None
    atvk: str | None
    national: bool
    distribution: str
    version: str
    valid_from: str
    valid_to: str | None


def _policy_row(p: PolicyInfo) -> _PolicyRow:
    return {
        "name": p.name,
        "title": p.title,
        "municipality": p.municipality,
        "atvk": p.atvk,
        "national": p.national,
        "distribution": p.distribution,
        "version": p.version,
        "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
    }


def _cmd_policies(args: argparse.Namespace) -> int:
    registry = _registry()
    rows = [_policy_row(p) for p in registry.policies]
    if args.format == "json":
        failures = [f.model_dump(mode="json") for f in registry.failures]
        sys.stdout.write(_dump({"policies": rows, "failures": failures}))
        return EXIT_OK
    for r in rows:
        scope = "national" if r["national"] else (r["municipality"] or "all municipalities")
        until = r["valid_to"] or "open"
        print(
            f"{r['name']:<12} {r['distribution']} {r['version']:<8} {scope:<20} "
            f"{r['valid_from']} .. {until}  {r['title']}"
        )
    for f in registry.failures:
        print(f"FAILED {f.plugin} ({f.stage}): {f.error}")
    return EXIT_OK


class _RuleRow(TypedDict):
    id: str
    kind: str
    plugin: str
    title: str
    legal_basis: dict[str, object]
    valid_from: str
    valid_to: str | None
    mandatory: bool
    overrides: str | None
    params: list[str]
    reads: list[str]


def _rule_row(rule: Rule, plugin: str) -> _RuleRow:
    return {
        "id": rule.id,
        "kind": rule.kind.value,
        "plugin": plugin,
        "title": rule.title,
        "legal_basis": rule.legal_basis.model_dump(mode="json"),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "mandatory": rule.mandatory,
        "overrides": rule.overrides,
        "params": list(rule.params),
        "reads": list(rule.reads),
    }


def _warn_unknown_municipality(registry: PolicyRegistry, municipality: str | None) -> None:
    if municipality and municipality not in registry.municipalities():
        known = ", ".join(registry.municipalities()) or "none"
        print(
            f"note: no installed policy governs municipality {municipality!r} (installed: "
            f"{known}); the national baseline alone applies",
            file=sys.stderr,
        )


def _cmd_rules(args: argparse.Namespace) -> int:
    registry = _registry()
    _warn_unknown_municipality(registry, args.municipality)
    policy_set = registry.policy_set(args.municipality)
    rules = policy_set.rules_in_force(args.as_of)
    if args.format == "json":
        sys.stdout.write(_dump([_rule_row(r, p) for r, p in rules]))
        return EXIT_OK
    for rule, plugin in rules:
        basis = rule.legal_basis
        cite = basis.act if basis.cited else basis.kind.value
        flag = "mandatory" if rule.mandatory else ""
        print(f"{rule.id:<44} {rule.kind.value:<20} {plugin:<10} {flag:<9} {cite}")
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from atbalsts import explain

    case = parse_json(SupportCase, _read(args.file), name=args.file)
    registry = _registry()
    municipality = args.municipality or case.learner.enrolment.municipality
    if args.municipality:
        _warn_unknown_municipality(registry, args.municipality)
    policy_set = registry.policy_set(municipality)
    decision = policy_set.evaluate(case, _as_of(case, args.as_of), strict=args.strict)
    if args.format == "json":
        sys.stdout.write(decision.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(explain(decision, args.lang, policy_set.codes))
    return EXIT_OK


@contextlib.contextmanager
def _signals_stop(stop: threading.Event, received: list[int]) -> Iterator[None]:
    """Inside the block (main thread only), SIGINT and SIGTERM set ``stop`` and raise
    ``KeyboardInterrupt`` where the program is, so that cleanup runs at once. The event is the
    safety net for an exception that code calling back into Python swallows (pydantic-core can):
    the batch then stops before its next line. The signals are added to ``received``; a signal
    that is ignored, or handled by someone else, is left alone. The previous handlers are put
    back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()
        raise KeyboardInterrupt

    defaults: dict[signal.Signals, Callable[[int, FrameType | None], object] | signal.Handlers]
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    ours = [s for s, default in defaults.items() if signal.getsignal(s) is default]
    for signum in ours:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum in ours:
            signal.signal(signum, defaults[signum])


def _cmd_batch(args: argparse.Namespace) -> int:
    from atbalsts.batch import BatchStopped, evaluate_file

    stop = threading.Event()
    received: list[int] = []
    try:
        with _signals_stop(stop, received):
            stats = evaluate_file(
                Path(args.file),
                Path(args.output) if args.output else None,
                as_of=args.as_of,
                registry=_registry(),
                trace=args.trace,
                stop=stop,
            )
    except (KeyboardInterrupt, BatchStopped):
        if args.output:
            print("interrupted: no output written", file=sys.stderr)
        else:
            print("interrupted: the decisions written so far are incomplete", file=sys.stderr)
        return EXIT_TERMINATED if signal.SIGTERM in received else EXIT_INTERRUPTED
    errors = f"{stats.errors} error" + ("" if stats.errors == 1 else "s")
    print(
        f"{stats.evaluated} evaluated, {stats.invalid} invalid, {errors}, "
        f"{stats.incomplete} incomplete",
        file=sys.stderr,
    )
    return EXIT_INVALID if stats.invalid or stats.errors else EXIT_OK


# --- demo ---


def _example_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise InputError(
            f"no example cases (*.json) in {directory}; run from a checkout of atbalsts or "
            f"pass --examples DIRECTORY"
        )
    return files


def _cmd_demo(args: argparse.Namespace) -> int:
    from atbalsts.demo import run_demo

    directory = Path(args.examples) if args.examples else EXAMPLES
    cases = [
        (p.name, parse_json(SupportCase, _read(p), name=p.name)) for p in _example_files(directory)
    ]
    sys.stdout.write(run_demo(cases, _registry(), args.lang))
    return EXIT_OK


# --- new-policy ---


def _cmd_new_policy(args: argparse.Namespace) -> int:
    from atbalsts.scaffold import new_policy

    root = new_policy(
        args.name,
        Path(args.destination),
        municipality=args.municipality,
        title=args.title,
        valid_from=args.valid_from,
    )
    print(f"created {root}")
    print("next: replace every TODO-LEGAL-BASIS placeholder with the legal basis, then run")
    print(f"  cd {root} && python -m pip install -e '.[test]' && python -m pytest")
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

    p = sub.add_parser("evaluate", help="decide one support case")
    p.add_argument("file", help="a support-case JSON file")
    p.add_argument("--municipality", help="policy of this municipality (default: the learner's)")
    p.add_argument(
        "--as-of", type=_date, help="evaluation date (default: the latest observation's date)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("lv", "en"), default="lv")
    p.add_argument("--strict", action="store_true", help="fail instead of an incomplete decision")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser(
        "batch", help="decide many cases: JSON Lines in, Decisions as JSON Lines out"
    )
    p.add_argument("file", help="JSON Lines file, one support case per line")
    p.add_argument("--as-of", type=_date, required=True, help="evaluation date for every case")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument(
        "--trace",
        action="store_true",
        help="include the full trace in each decision (about 20 KB per learner)",
    )
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("policies", help="list installed policies, versions and validity")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_cmd_policies)

    p = sub.add_parser("rules", help="list the rules in force, with their legal basis")
    p.add_argument("--municipality", help="include this municipality's policy")
    p.add_argument("--as-of", type=_date, help="only rules in force on this date")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_cmd_rules)

    p = sub.add_parser("new-policy", help="create a municipal policy plugin to start from")
    p.add_argument("name", help="policy name: lower-case letters, digits and '-', e.g. 'bauska'")
    p.add_argument(
        "-d",
        "--destination",
        default=".",
        help="create atbalsts-NAME in this directory (default: .)",
    )
    p.add_argument("--municipality", help="slug of the municipality it governs (default: NAME)")
    p.add_argument("--title", help="display title of the policy")
    p.add_argument(
        "--valid-from",
        type=_date,
        help="day the policy takes effect (default: 1 September of the current school year)",
    )
    p.set_defaults(func=_cmd_new_policy)

    p = sub.add_parser("demo", help="decide the bundled synthetic example cases")
    p.add_argument("--examples", help="directory of example cases (default: bundled)")
    p.add_argument("--lang", choices=("lv", "en"), default="en")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 2 invalid input or policy error, 130
    interrupted by Ctrl-C, 143 by SIGTERM during ``batch``)."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except AtbalstsError as err:
        _print_error(err, sys.stderr)
        return EXIT_INVALID
    except OSError as err:  # a path the user gave cannot be read or written
        where = f" {err.filename}" if err.filename else ""
        print(f"error: cannot use{where}: {err.strerror or err}", file=sys.stderr)
        return EXIT_INVALID
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
