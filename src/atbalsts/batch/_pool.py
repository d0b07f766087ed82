"""The worker processes: chunks of lines decided on several processes, in input order."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection

import attrs

from atbalsts.batch._decide import MAX_ERROR_MESSAGE, Tables, _decide, _Settings
from atbalsts.batch._records import BatchStats, RecordKind, WorkerError, _check
from atbalsts.engine import PolicyRegistry

#: Chunks on their way to or from the workers, per worker: enough to keep every worker busy
#: while the next result is written, few enough that memory does not grow with the input.
_IN_FLIGHT_PER_JOB = 2

#: Held back while a worker process starts: the workers ignore Ctrl-C, once they can.
_INTERRUPT = frozenset({signal.SIGINT})

#: How often (seconds) a wait for a worker looks at the ``stop`` event.
_POLL = 0.05

#: What a worker sends first, once it has loaded the policies: until then the main process
#: decides every chunk itself (a worker takes most of a second to start; nobody waits for it).
_STARTED = True


def available_cores() -> int:
    """The CPU cores this process may run on: the default number of worker processes."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13 and later
    if counter is not None:
        count: int | None = counter()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


@contextlib.contextmanager
def _signals_held(
    signals: frozenset[signal.Signals] = frozenset({signal.SIGINT, signal.SIGTERM}),
) -> Iterator[None]:
    """Hold ``signals`` back (POSIX, main thread) for the few statements that create the
    temporary file and record its name, so an interrupt cannot leave an unnamed file behind (or
    that start a worker process: it inherits the mask)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@attrs.frozen
class _Part:
    """The records of a chunk, ``(kind, line, text, table id)`` each, and their counts."""

    records: list[tuple[RecordKind, int, str, str | None]]
    stats: BatchStats


def _decide_here(
    first: int,
    lines: list[str],
    registry: PolicyRegistry,
    settings: _Settings,
    stop: threading.Event | None,
    tables: Tables | None,
) -> _Part:
    """Decide the chunk of input lines numbered from ``first`` (with the rule tables of this
    process in this run)."""
    stats = BatchStats()
    records: list[tuple[RecordKind, int, str, str | None]] = []
    for number, line in enumerate(lines, start=first):
        _check(stop)
        for kind, text, table in _decide(number, line, registry, settings, stats, tables):
            records.append((kind, number, text, table))
    return _Part(records, stats)


def _work(
    tasks: Connection,
    results: Connection,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
) -> None:
    """A worker process: load the policies once, then decide each chunk that comes, until
    the main process closes the pipe. Ctrl-C at a terminal reaches every process of the group:
    a worker leaves it to the main process, which ends the workers (and a worker starts with
    SIGINT held back, so one that comes while it imports cannot print a traceback). A worker
    whose main process is gone (killed, even with SIGKILL: its ends of the pipes close) ends
    quietly when it next reads or writes: nobody is left to read what it would say."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        registry = loader()
    except Exception as err:
        why = _one_line(err)
        if len(why) > MAX_ERROR_MESSAGE:
            why = why[: MAX_ERROR_MESSAGE - 1] + "…"
        _send(results, f"could not load the policies: {type(err).__name__}: {why}")
        return
    if not _send(results, _STARTED):
        return
    tables = Tables() if settings.tables else None
    while True:
        try:
            first, lines = tasks.recv()
        except (EOFError, OSError):  # the main process is done, or gone
            return
        try:
            part: _Part | str = _decide_here(first, lines, registry, settings, None, tables)
        except Exception as err:  # beyond the safety net of each line (MemoryError, ...)
            part = f"failed: {type(err).__name__}"
        if not _send(results, part):
            return


def _send(results: Connection, message: object) -> bool:
    """Send ``message`` to the main process; False when it is gone (the pipe is broken)."""
    try:
        results.send(message)
    except OSError:  # BrokenPipeError, ConnectionResetError: nobody reads the pipe any more
        return False
    return True


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


class _Worker:
    """A worker process with two pipes: chunks go to it through a thread of this process (so
    that sending never blocks this one while the worker is blocked sending a result), and its
    results come back through a pipe that only the worker writes (so a worker that dies, even
    halfway through a result, is seen at once, never waited for)."""

    def __init__(
        self,
        context: multiprocessing.context.SpawnContext,
        loader: Callable[[], PolicyRegistry],
        settings: _Settings,
    ) -> None:
        task_out, task_in = context.Pipe(duplex=False)
        result_out, result_in = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_work,
            args=(task_out, result_in, loader, settings),
            name="atbalsts-batch",
            daemon=True,
        )
        # multiprocessing starts its resource tracker on the first start, and unblocks SIGINT
        # in this process when it has: started first, it cannot undo the mask held below.
        resource_tracker.ensure_running()
        with _signals_held(_INTERRUPT):  # the worker inherits the mask
            self.process.start()
        task_out.close()
        result_in.close()
        self._results = result_out
        self._started = False
        self._tasks: queue.SimpleQueue[tuple[int, list[str]] | None] = queue.SimpleQueue()
        self._sender = threading.Thread(
            target=self._send, args=(task_in,), name="atbalsts-batch-sender", daemon=True
        )
        self._sender.start()

    def _send(self, pipe: Connection) -> None:
        with pipe:
            while (task := self._tasks.get()) is not None:
                try:
                    pipe.send(task)
                except OSError:  # the worker is gone: the main process hears it from its pipe
                    return

    def submit(self, first: int, lines: list[str]) -> None:
        self._tasks.put((first, lines))

    def started(self) -> bool:
        """Whether the worker has loaded the policies (it has said so): it may be sent chunks.
        :class:`WorkerError` if it said it could not, or died."""
        if not self._started and self._results.poll(0):
            self._start_message(None)
        return self._started

    def ready(self) -> bool:
        """Whether the next result (or the worker's end) can be read without waiting."""
        return self.started() and self._results.poll(0)

    def result(self, stop: threading.Event | None) -> _Part:
        """The worker's next result; :class:`WorkerError` if it died or could not work."""
        if not self._started:
            self._start_message(stop)
        reply = self._next(stop)
        if not isinstance(reply, _Part):
            raise WorkerError("a worker process sent what it should not have")
        return reply

    def _start_message(self, stop: threading.Event | None) -> None:
        if self._next(stop) is not _STARTED:
            raise WorkerError("a worker process sent a result before it started")
        self._started = True

    def _next(self, stop: threading.Event | None) -> object:
        while not self._results.poll(_POLL):
            _check(stop)
        try:
            reply: object = self._results.recv()
        except (EOFError, OSError):
            raise WorkerError(
                "a worker process of the batch ended unexpectedly (killed, or out of memory?)"
            ) from None
        if isinstance(reply, str):
            raise WorkerError(f"a worker process {reply}")
        return reply

    def finish(self, stop: threading.Event | None) -> None:
        """Let the worker end once it has decided what it was sent. A worker that never said
        it started (the input was done first) says now whether it could: a worker that could not
        load the policies, or died, is an error of the run even when it was sent nothing. That
        is read before the worker is waited for (it cannot end while its message fills the
        pipe), and the wait for it looks at ``stop``."""
        self._tasks.put(None)
        if not self._started:
            self._start_message(stop)
        self.process.join()
        self._results.close()

    def kill(self) -> None:
        """End the worker now, with whatever it holds."""
        self.process.terminate()
        self._tasks.put(None)

    def reap(self) -> None:
        self.process.join(timeout=10)
        if self.process.is_alive():  # pragma: no cover - SIGTERM ignored
            self.process.kill()
            self.process.join()
        self._results.close()


@attrs.define
class _Local:
    """A chunk this process decides itself, in its turn; ``part`` once it is decided."""

    first: int
    lines: list[str]
    part: _Part | None = None


def _pooled(
    chunks: Iterator[tuple[int, list[str]]],
    jobs: int,
    loader: Callable[[], PolicyRegistry],
    settings: _Settings,
    stop: threading.Event | None,
) -> Generator[_Part, None, None]:
    """The results of ``chunks`` decided by ``jobs`` processes, in input order: ``jobs - 1``
    worker processes and this one (so ``jobs`` processes decide, and no more run). The workers
    start at the first chunk; until one has loaded the policies (most of a second), this
    process decides every chunk itself, and then it takes its turn with the workers that have
    started: one chunk in ``started + 1``. Each worker decides the chunks it is sent in order."""
    context = multiprocessing.get_context("spawn")
    workers: list[_Worker] = []
    here: list[PolicyRegistry] = []  # loaded when first needed, while the workers start
    here_tables = Tables() if settings.tables else None
    pending: deque[tuple[_Worker, None] | _Local] = deque()

    def decide(local: _Local) -> None:
        if local.part is None:
            if not here:
                here.append(loader())
            local.part = _decide_here(
                local.first, local.lines, here[0], settings, stop, here_tables
            )

    def next_part() -> _Part:
        head = pending[0]
        if isinstance(head, _Local):
            decide(head)
        else:  # while a worker decides it, decide this process's next chunk
            for item in pending:
                if head[0].ready():
                    break
                if isinstance(item, _Local) and item.part is None:
                    decide(item)
        pending.popleft()
        if isinstance(head, _Local):
            assert head.part is not None
            return head.part
        return head[0].result(stop)

    done = False
    try:
        turn = 0
        for first, lines in chunks:
            _check(stop)
            if len(workers) < jobs - 1:  # all started at the first chunk
                workers.extend(_Worker(context, loader, settings) for _ in range(jobs - 1))
            started = [w for w in workers if w.started()]
            turn = (turn + 1) % (len(started) + 1)
            if turn == 0 or not started:  # this process's turn, and every chunk until then
                pending.append(_Local(first, lines))
            else:
                worker = started[turn - 1]
                worker.submit(first, lines)
                pending.append((worker, None))
            while len(pending) >= jobs * _IN_FLIGHT_PER_JOB:
                yield next_part()
        while pending:
            yield next_part()
        done = True
    finally:
        ended = False
        try:
            if done:
                for worker in workers:
                    worker.finish(stop)
                ended = True
        finally:
            if not ended:  # stopped, failed, or a worker could not end well: end them all now
                for worker in workers:
                    worker.kill()
                for worker in workers:
                    worker.reap()
