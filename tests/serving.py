"""The service in a process of its own, as a deployment runs it, on a port it takes itself.

The command is started with port 0 (``atbalsts serve --port 0``, ``serve(port=0)``): the service
binds a free port, and the line uvicorn logs once it is bound, ``Uvicorn running on
http://HOST:PORT``, names it. The port is the service's from the moment it is named, so no other
process can take it. (Choosing a free port here, closing it and starting the service on it left a
moment in which another process could take it: a failure by chance.)
"""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from types import TracebackType

__all__ = ["Served"]

#: How long the service may take to start, at most: a guard against a service that never
#: starts, not a measure of how fast it starts (a loaded machine takes seconds to load it).
START_GUARD = 120.0

_RUNNING = re.compile(r"^Uvicorn running on (http://\S+) ")


class Served:
    """Runs ``command`` (a service started on port 0, its log as JSON lines on standard error)
    while in the ``with`` block, which gets the service's address once it answers ``/health``.
    On leaving, the service is stopped with SIGTERM; :attr:`stderr` then holds its whole log and
    :attr:`returncode` how it ended."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self._command = list(command)
        self._env = dict(env)
        self._lines: list[str] = []
        self._named: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.stderr = ""
        self.returncode: int | None = None

    def _read(self, process: subprocess.Popen[str]) -> None:
        """Keep every line of the log; hand over the address in the first line that names it
        (None when the log ends without one)."""
        assert process.stderr is not None
        named = False
        for line in process.stderr:
            self._lines.append(line)
            if not named:
                try:
                    message = json.loads(line).get("message", "")
                except (ValueError, AttributeError):
                    continue
                found = _RUNNING.match(message) if isinstance(message, str) else None
                if found:
                    named = True
                    self._named.put(found.group(1))
        if not named:
            self._named.put(None)

    def __enter__(self) -> str:
        self._process = subprocess.Popen(
            self._command,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, args=(self._process,), daemon=True)
        self._reader.start()
        try:
            return self._address()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _address(self) -> str:
        import httpx  # the test extra's: a test imports it with importorskip first

        start = time.monotonic()
        try:
            url = self._named.get(timeout=START_GUARD)
        except queue.Empty:
            url = None
        assert url is not None, "the service named no address:\n" + "".join(self._lines)[-2000:]
        # With several workers the port is bound before a worker listens on it: until one does,
        # a connection is refused.
        while time.monotonic() - start < START_GUARD:
            assert self._process.poll() is None, "".join(self._lines)[-2000:]
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # not yet: ask again in a moment, whatever the answer was
        raise AssertionError(f"the service did not answer {url}/health")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            self.returncode = self._process.wait(timeout=60)
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._reader.join(60)
            assert self._process.stderr is not None
            self._process.stderr.close()
            self.stderr = "".join(self._lines)
