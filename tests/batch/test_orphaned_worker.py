"""A worker process whose main process is gone (killed with SIGKILL, which nothing can catch)
ends quietly: it printed a ``BrokenPipeError`` traceback into the night's log when it sent a
result nobody would read.

The worker is started as the batch starts it (``spawn``), and this test plays the main process:
it closes its end of the results pipe, as the kernel does for a killed process, then lets the
worker find out.
"""

from __future__ import annotations

import multiprocessing
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import pytest

from atbalsts import PolicyRegistry
from atbalsts.batch._decide import _Settings
from atbalsts.batch._pool import _work

from .helpers import examples


def _worker() -> tuple[BaseProcess, Connection, Connection]:
    context = multiprocessing.get_context("spawn")
    task_out, task_in = context.Pipe(duplex=False)
    result_out, result_in = context.Pipe(duplex=False)
    settings = _Settings.of_batch(date(2025, 11, 20), False, None, self_contained=False, role=None)
    process = context.Process(
        target=_work, args=(task_out, result_in, PolicyRegistry.load, settings), daemon=True
    )
    process.start()
    task_out.close()
    result_in.close()
    return process, task_in, result_out


def test_a_worker_ends_quietly_when_nobody_reads_its_result(
    capfd: pytest.CaptureFixture[str],
) -> None:
    process, tasks, results = _worker()
    assert results.recv() is True  # started: the policies are loaded
    results.close()  # the main process is gone
    tasks.send((1, [examples()[0]]))  # a chunk on its way when it died
    tasks.close()
    process.join()
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_ends_quietly_when_nobody_hears_it_start(
    capfd: pytest.CaptureFixture[str],
) -> None:
    process, tasks, results = _worker()
    results.close()  # gone before the worker had loaded the policies
    process.join()
    tasks.close()
    assert process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err
