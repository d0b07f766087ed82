"""Open an HTML report in headless Chromium, offline, and report console errors and requests.

Usage::

    .venv/bin/python tools/check_report.py REPORT.html [--screenshot OUT.png] [--width 1100]

The page is loaded from a ``file://`` address with networking disabled three ways: every host
name resolves to nothing (``--host-resolver-rules``), the proxy is an unused loopback port, and
the page's network is emulated as offline. The browser is driven through the DevTools protocol
over a pipe (``--remote-debugging-pipe``), so no port is opened and nothing beyond the standard
library is needed.

Reported, and each makes the exit status 1: a console message of level error, an uncaught
exception, a log entry of level error, and every request the page makes other than for the report
file itself and ``data:`` addresses. Exit status 0 means the page loaded offline cleanly; 77 means
Chromium is not installed (``/usr/bin/chromium``, or the path in ``$CHROMIUM``), so the check was
skipped. ``--screenshot`` saves a PNG of the page (the docs' screenshot is made this way).
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Where Chromium is looked for (Debian's ``chromium`` package), unless $CHROMIUM says otherwise.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Exit status when Chromium is missing (the code automake and pytest wrappers read as "skipped").
SKIPPED = 77
TIMEOUT = 60.0


class _Pipe:
    """The DevTools protocol over Chromium's pipe: JSON messages ended by a NUL byte."""

    def __init__(self, send: int, receive: int) -> None:
        self._send = os.fdopen(send, "wb", buffering=0)
        self._receive = os.fdopen(receive, "rb", buffering=0)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send.write(json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, deadline: float) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        while time.monotonic() < deadline:
            event = self._read()
            self.events.append(event)
            if event.get("method") == method:
                return
        raise TimeoutError(f"no {method} within {TIMEOUT:.0f} s")

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = self._receive.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def close(self) -> None:
        self._send.close()
        self._receive.close()


def check(report: Path, screenshot: Path | None = None, width: int = 1100) -> list[str]:
    """Load ``report`` offline and return the problems found (empty: none)."""
    url = report.resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="check-report-")
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    command = [
        CHROMIUM,
        "--headless=new",
        "--no-sandbox",  # as root in a container there is no sandbox to use
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "about:blank",
    ]

    def wire_fds() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4
        commands = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4
        replies = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
        os.dup2(commands, 3)
        os.dup2(replies, 4)

    browser = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(3, 4),  # kept open after wire_fds; every other descriptor is closed
        preexec_fn=wire_fds,  # no threads here, so a pre-exec function is safe
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(to_browser_w, from_browser_r)
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session=session,
        )
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        pipe.call("Page.navigate", {"url": url}, session=session)
        pipe.wait_for("Page.loadEventFired", time.monotonic() + TIMEOUT)
        if screenshot is not None:
            shot = pipe.call(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True},
                session=session,
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        pipe.call("Browser.close")
    finally:
        pipe.close()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return _problems(pipe.events, url)


def _problems(events: list[dict[str, Any]], url: str) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            found.append(f"console error: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"uncaught exception: {details.get('text', '')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"log error ({entry.get('source')}): {entry.get('text')}")
        elif method == "Network.requestWillBeSent":
            requested = params.get("request", {}).get("url", "")
            if requested != url and not requested.startswith("data:"):
                found.append(f"network request: {requested}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the HTML file to open")
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the whole page here")
    parser.add_argument("--width", type=int, default=1100, help="viewport width in pixels")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return SKIPPED
    if not args.report.is_file():
        print(f"error: no file {args.report}", file=sys.stderr)
        return 2
    problems = check(args.report, args.screenshot, args.width)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {args.report}", file=sys.stderr)
        return 1
    print(f"ok: {args.report} loaded offline with no console error and no network request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
