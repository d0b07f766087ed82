"""``atbalsts evaluate`` and ``atbalsts batch``: decisions for one learner or for many."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Protocol, cast

import attrs

from atbalsts.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    Commands,
    InputError,
    date_type,
    not_json_lines,
    read_text,
    whole_number,
)
from atbalsts.cli._i18n import Texts
from atbalsts.cli._policies import load_registry, warn_unknown_municipality
from atbalsts.cli._views import ROLES, check_view_options, decision_json

if TYPE_CHECKING:  # imported where used: the parser is built without the documents
    from atbalsts import PolicyRegistry
    from atbalsts.model import SupportCase

__all__ = ["EXIT_INTERRUPTED", "EXIT_TERMINATED", "register"]

EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130, as a shell reports Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143


def _as_of(case: SupportCase, given: date | None, t: Texts) -> date:
    """The evaluation date: the one given, else the latest observation's (never the clock)."""
    from atbalsts.batch import latest_observation

    day = given or latest_observation(case)
    if day is None:
        raise InputError(t.gettext("the case has no observations: give --as-of YYYY-MM-DD"))
    return day


def _evaluate(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts import explain
    from atbalsts.model import SupportCase, parse_json

    check_view_options(args, t)
    case = parse_json(SupportCase, read_text(args.file, t), name=args.file)
    registry = load_registry()
    municipality = args.municipality or case.learner.enrolment.municipality
    policy_set = registry.policy_set(municipality)
    decision = policy_set.evaluate(case, _as_of(case, args.as_of, t), strict=args.strict)
    if args.format == "json":  # the role's view (its consents, its own records), or --full
        sys.stdout.write(decision_json(decision, args.role, full=args.full, case=case))
    else:
        sys.stdout.write(explain(decision, t.lang, policy_set.codes))
    return EXIT_OK


@contextlib.contextmanager
def _signals_stop(stop: threading.Event, received: list[int]) -> Iterator[None]:
    """Inside the block (main thread only), SIGINT and SIGTERM set ``stop`` and raise
    ``KeyboardInterrupt`` where the program is, so that cleanup runs at once. The event is the
    safety net for an exception that code calling back into Python swallows (pydantic-core can):
    the batch then stops before its next line. The signals are added to ``received``; a signal
    that is ignored, or handled by someone else, is left alone. The previous handlers are put
    back afterwards.

    A signal that comes while Python runs a callback it cannot let an exception out of (a weak
    reference's, as the import system's module locks use) raises there in vain: the event
    carries the stop, and that ``KeyboardInterrupt`` is not printed as an "Exception ignored"
    traceback (``sys.unraisablehook``, put back afterwards; anything else still is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()
        raise KeyboardInterrupt

    previous_hook = sys.unraisablehook

    def quiet(unraisable: sys.UnraisableHookArgs) -> None:
        if received and isinstance(unraisable.exc_value, KeyboardInterrupt):
            return  # ours, raised inside a callback: the event stops the batch
        previous_hook(unraisable)

    defaults: dict[signal.Signals, Callable[[int, FrameType | None], object] | signal.Handlers]
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    ours = [s for s, default in defaults.items() if signal.getsignal(s) is default]
    for signum in ours:
        signal.signal(signum, handler)
    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for signum in ours:
            signal.signal(signum, defaults[signum])


def _batch(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts import PolicyRegistry
    from atbalsts.batch import BatchFileError, BatchStopped, available_cores, evaluate_file

    _ = t.gettext
    stop = threading.Event()
    received: list[int] = []
    jobs = args.jobs or available_cores()
    source = Path(args.file)
    try:
        with _signals_stop(stop, received):
            registry = load_registry() if jobs == 1 or args.municipality else None
            if args.municipality and registry is not None:
                warn_unknown_municipality(registry, args.municipality, t)
            # a worker process loads its own: a loaded registry holds the plugins' functions
            policies = registry if jobs == 1 and registry is not None else PolicyRegistry.load
            bar = _progress_bar(source)
            try:
                stats = evaluate_file(
                    source,
                    Path(args.output) if args.output else None,
                    as_of=args.as_of,
                    registry=policies,
                    trace=args.trace,
                    stop=stop,
                    municipality=args.municipality,
                    jobs=jobs,
                    errors=Path(args.errors) if args.errors else None,
                    resume=args.resume,
                    progress=bar.to if bar is not None else None,
                    self_contained=args.self_contained,
                    role=args.role,
                )
            finally:
                if bar is not None:
                    bar.close()
    except BatchFileError as err:
        if err.code != "not_json_lines":
            raise
        shape = err.values["shape"]
        raise InputError(not_json_lines(args.file, shape, "batch", t)) from None
    except (KeyboardInterrupt, BatchStopped):
        if args.output:
            print(_("interrupted: no output written"), file=sys.stderr)
        else:
            print(_("interrupted: the decisions written so far are incomplete"), file=sys.stderr)
        return EXIT_TERMINATED if signal.SIGTERM in received else EXIT_INTERRUPTED
    counts = [
        t.ngettext("{n} evaluated", "{n} evaluated", stats.evaluated),
        t.ngettext("{n} invalid", "{n} invalid", stats.invalid),
        t.ngettext("{n} error", "{n} errors", stats.errors),
        t.ngettext("{n} incomplete", "{n} incomplete", stats.incomplete),
    ]
    values = (stats.evaluated, stats.invalid, stats.errors, stats.incomplete)
    print(", ".join(c.format(n=n) for c, n in zip(counts, values, strict=True)), file=sys.stderr)
    if not args.municipality:  # with --municipality, the note above said it once
        known = registry  # None when only the workers loaded the policies
        for where, n in sorted(stats.without_policy.items()):
            note = t.ngettext(
                "note: no installed policy governs municipality {municipality!r}: the "
                "national baseline alone decided {n} case",
                "note: no installed policy governs municipality {municipality!r}: the "
                "national baseline alone decided {n} cases",
                n,
            ).format(municipality=where, n=n)
            if known is None:  # loaded here once, to name a close municipality
                known = load_registry()
            closest = _closest(known, where)
            if closest is not None:
                note += _("; did you mean {closest!r}?").format(closest=closest)
            print(note, file=sys.stderr)
    if stats.without_data:
        n = stats.without_data
        print(
            t.ngettext(
                "note: {n} case has no observation on or before the evaluation date: no findings "
                "there means no data, not no risk",
                "note: {n} cases have no observation on or before the evaluation date: no "
                "findings there means no data, not no risk",
                n,
            ).format(n=n),
            file=sys.stderr,
        )
    return EXIT_INVALID if stats.invalid or stats.errors else EXIT_OK


def _closest(registry: PolicyRegistry, municipality: str) -> str | None:
    """The municipality with a policy loaded that ``municipality``, which none governs, is close
    to (a misspelling?): the one each decision's ``no_municipal_policy`` note names as
    ``closest``, found the same way; None when none is close."""
    from atbalsts.errors import AtbalstsError

    try:
        notes = registry.policy_set(municipality).notes_on(None)
    except AtbalstsError:  # no set for it (its plugins conflict): no name to give
        return None
    closest = notes[0].detail.get("closest") if notes else None
    return closest if isinstance(closest, str) else None


class _Bar(Protocol):
    n: int

    def update(self, n: int) -> object: ...

    def close(self) -> None: ...


@attrs.define
class _Progress:
    """A progress bar on standard error (tqdm), by input line."""

    bar: _Bar

    def to(self, line: int) -> None:
        """Move the bar to input line ``line``."""
        if line > self.bar.n:
            self.bar.update(line - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _progress_bar(source: Path) -> _Progress | None:
    """A progress bar when standard error is a terminal and tqdm is installed; its total is the
    number of lines of ``source`` when it is a regular file (a pipe cannot be read twice)."""
    if not sys.stderr.isatty():
        return None
    try:
        module = importlib.import_module("tqdm")
    except ImportError:
        return None
    total: int | None = None
    with contextlib.suppress(OSError):
        if source.is_file():
            total = _count_lines(source)
    bar = module.tqdm(total=total, unit="", file=sys.stderr, leave=False, dynamic_ncols=True)
    return _Progress(cast(_Bar, bar))


def _count_lines(path: Path) -> int:
    """The lines of ``path``, read in blocks (a last line without a newline counted)."""
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def register(commands: Commands) -> None:
    """Add ``evaluate`` and ``batch``."""
    _ = commands.texts.gettext
    as_date = date_type(commands.texts)

    p = commands.add("evaluate", _("decide one support case"), _evaluate, formats=True)
    p.add_argument("file", metavar=_("FILE"), help=_("a support-case JSON file"))
    p.add_argument(
        "--municipality",
        metavar=_("MUNICIPALITY"),
        help=_("decide under this municipality's policy (default: the learner's)"),
    )
    p.add_argument(
        "--as-of",
        type=as_date,
        metavar=_("DATE"),
        help=_("evaluation date, YYYY-MM-DD (default: the date of the latest observation)"),
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help=_("fail instead of giving an incomplete decision"),
    )

    p = commands.add(
        "batch", _("decide many cases: JSON Lines in, decisions as JSON Lines out"), _batch
    )
    p.add_argument("file", metavar=_("FILE"), help=_("JSON Lines file, one support case per line"))
    p.add_argument(
        "--as-of",
        type=as_date,
        metavar=_("DATE"),
        help=_(
            "evaluation date of every case, YYYY-MM-DD (default: each case's latest observation "
            "date)"
        ),
    )
    p.add_argument(
        "--municipality",
        metavar=_("MUNICIPALITY"),
        help=_("decide every case under this municipality's policy (default: each learner's)"),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar=_("OUTPUT"),
        help=_("output file, written whole or not at all (default: standard output)"),
    )
    p.add_argument(
        "--trace",
        action="store_true",
        help=_("include the full trace in each decision (about 20 KB per learner)"),
    )
    p.add_argument(
        "--jobs",
        type=whole_number(1, None, commands.texts),
        metavar=_("N"),
        help=_("decide on N processes at once (default: every CPU core; 1: in this process)"),
    )
    p.add_argument(
        "--errors",
        metavar=_("FILE"),
        help=_(
            "write the records of invalid lines and errors into FILE, with their line numbers, "
            "instead of into the output"
        ),
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help=_(
            "continue the output file after its last complete line (give the same input and "
            "options)"
        ),
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--self-contained",
        action="store_true",
        help=_(
            "write each decision as the whole Decision document (default: legal bases and "
            "parameters by id, in a rule table written once)"
        ),
    )
    which.add_argument(
        "--role",
        choices=ROLES,
        help=_(
            "write each decision as only what this role may see of it, with no rule table "
            "(default: the whole decision, for the host's own record)"
        ),
    )
