"""Processes that append to one chain at once, for tests/workflow/test_concurrent_appends.py.

In a module of their own, imported by name: a process started with ``spawn`` imports the
function it runs, and pytest imports test modules under names no other process can import."""

from __future__ import annotations

import fcntl
import multiprocessing
import queue
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.workflow.fixtures import DAY, plan

from atbalsts import ChainError
from atbalsts.model import AuditEvent
from atbalsts.workflow import _audit, append_event, read_chain, seal, transition

#: How many processes append at once, and how many times each.
WORKERS = 4
ROUNDS = 20

#: A guard against a hang (a worker that died leaves the others at a barrier), never a measure:
#: no assertion depends on how long anything takes.
HANG = 300

#: The checkout's root: where ``tests.workflow.appenders`` is imported from.
ROOT = Path(__file__).resolve().parents[2]


def run_workers(target: Callable[..., None], *args: Any) -> list[tuple[Any, ...]]:
    """Run ``target(*args, start, read, done, results)`` in :data:`WORKERS` spawned processes
    (``args`` first, then the worker's number), with three barriers of them all; return each
    worker's report, in the order they came.

    A spawned process imports ``target`` by its module's name, with the parent's ``sys.path``:
    pytest run as its ``pytest`` script (as the test command runs it) puts the root on no
    path, so the root is put first while the processes start (``python -m pytest`` puts the
    working directory: the tests passed so, and hung under the test command). A worker that
    dies without a report (an import that failed) fails the test at once, with its exit code,
    instead of leaving the others at a barrier until :data:`HANG`."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited
    start, read, done = (context.Barrier(WORKERS, timeout=HANG) for _ in range(3))
    results = context.Queue()
    workers = [
        context.Process(target=target, args=(*args, n, start, read, done, results))
        for n in range(WORKERS)
    ]
    sys.path.insert(0, str(ROOT))
    try:
        for process in workers:
            process.start()
    finally:
        sys.path.remove(str(ROOT))
    try:
        reports = _reports(results, workers)
        for process in workers:
            process.join(HANG)
    finally:
        for process in workers:
            if process.is_alive():
                process.terminate()
    return reports


def _reports(results: Any, workers: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every worker's report; an AssertionError as soon as a worker has ended without one."""
    reports: list[tuple[Any, ...]] = []
    deadline = time.monotonic() + HANG
    while len(reports) < len(workers):
        try:
            reports.append(results.get(timeout=1))
            continue
        except queue.Empty:
            pass
        reported = {report[0] for report in reports}
        dead = [
            (n, p.exitcode)
            for n, p in enumerate(workers)
            if n not in reported and p.exitcode is not None
        ]
        if dead and results.empty():
            raise AssertionError(f"workers ended without a report (number, exit code): {dead}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no report from every worker in {HANG} s: {len(reports)}")
    return reports


def make_event(worker: int, round_: int, last: AuditEvent | None) -> AuditEvent:
    """The event ``worker`` appends in ``round_``, after ``last`` (a document of its own each
    time, so that no two events are about the same document)."""
    _, made = transition(plan(), "submit", actor="t-1", role="class_teacher", on=DAY)
    fields = made.model_dump(mode="json", exclude={"hash"})
    fields.update(
        seq=0 if last is None else last.seq + 1,
        prev=None if last is None else last.hash,
        document_id=f"plan-w{worker}-r{round_}",
        actor=f"w-{worker}",
    )
    return seal(fields)


def _nobody_holds_the_lock(path: Path) -> bool:
    """Whether no process holds the chain file's exclusive lock: a shared lock can be taken at
    once (shared, so that workers looking at the same time do not stop each other), or there
    is no file to lock."""
    try:
        probe = path.open("rb")
    except FileNotFoundError:
        return True
    with probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True


def append_rounds(
    chain: str,
    locking: bool,
    worker: int,
    start: Any,
    read: Any,
    done: Any,
    results: Any,
) -> None:
    """Append one event a round for ``ROUNDS`` rounds, each made from the chain's end as read
    at the round's start; report the hashes appended and the codes of the refusals."""
    path = Path(chain)
    try:
        if not locking:
            _audit._FCNTL = False  # as on a platform without fcntl
        check = _audit._check_follows

        def check_then_let_the_others_read(
            where: Path, event: AuditEvent, last: bytes | None
        ) -> None:
            check(where, event, last)
            if _nobody_holds_the_lock(where):  # the others can read the end: let them
                read.wait()

        _audit._check_follows = check_then_let_the_others_read
        appended: list[str] = []
        refused: list[str | None] = []
        for round_ in range(ROUNDS):
            events = read_chain(path)
            event = make_event(worker, round_, events[-1] if events else None)
            start.wait()
            try:
                append_event(path, event)
            except ChainError as error:
                refused.append(error.code)
            else:
                appended.append(event.hash)
            done.wait()  # every append of the round made before the next round reads
        results.put((worker, appended, refused, None))
    except BaseException as error:  # reported, and the others let go of the barriers
        for barrier in (start, read, done):
            barrier.abort()
        results.put((worker, [], [], repr(error)))


def transition_rounds(
    directory: str,
    worker: int,
    start: Any,
    read: Any,
    done: Any,
    results: Any,
) -> None:
    """``atbalsts transition --chain`` (as a function) once a round for ``ROUNDS`` rounds: a
    plan of its own submitted to the chain all workers share. Between reading the chain and
    writing, a worker that holds no lock on it waits until every other worker has read it."""
    from atbalsts.workflow import _cli, cli_transition

    folder = Path(directory)
    chain = folder / "chain.jsonl"
    try:
        made = _cli.transition

        def read_then_let_the_others_read(*args: Any, **kwargs: Any) -> Any:
            if _nobody_holds_the_lock(chain):
                read.wait()
            return made(*args, **kwargs)

        _cli.transition = read_then_let_the_others_read  # type: ignore[assignment]
        statuses = []
        for round_ in range(ROUNDS):
            doc = folder / f"plan-w{worker}-r{round_}.json"
            doc.write_text(plan(id=f"plan-w{worker}-r{round_}").model_dump_json(), "utf-8")
            start.wait()
            statuses.append(
                cli_transition(
                    doc,
                    "submit",
                    actor=f"w-{worker}",
                    role="class_teacher",
                    on="2025-03-03",
                    chain=chain,
                )
            )
            done.wait()
        results.put((worker, statuses, [], None))
    except BaseException as error:
        for barrier in (start, read, done):
            barrier.abort()
        results.put((worker, [], [], repr(error)))
