"""Load check of the HTTP service on loopback, against the library called in-process, same run.

Starts ``atbalsts.server.serve`` in a child process on 127.0.0.1 (a free port), then:

1. ``--clients`` concurrent clients send ``POST /v1/evaluate`` for ``--seconds`` seconds (the
   example cases in turn): requests per second, p50 and p99 latency, errors (must be 0);
2. the same work in-process for as long (parse the body, decide, write the JSON): decisions per
   second and p50/p99;
3. one ``POST /v1/batch`` of ``--batch`` lines against :func:`atbalsts.batch.evaluate_lines` on
   the same lines.

The last lines are the ratios HTTP / in-process. Bounded in time and count, loopback only; it
stops by itself. Not a test: run it by hand or in CI logs (needs the server extra and httpx)::

    .venv/bin/python benchmarks/bench_server.py [--clients 4] [--seconds 3] [--workers 1]

Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from atbalsts import PolicyRegistry, SupportCase, parse_json
from atbalsts.batch import evaluate_lines
from atbalsts.model import Decision
from atbalsts.privacy import view_decision
from atbalsts.server import ENV_KEYS_FILE, new_key

#: The role of the benchmark's API key: the service shows it each Decision as this role's view.
ROLE = "municipal_coordinator"


def _shown(decision: Decision, case: SupportCase) -> str:
    """A Decision as the service sends it to the benchmark's key: the role's view, no trace."""
    shown = view_decision(decision, role=ROLE, case=case, on=decision.as_of)
    shown.pop("trace", None)
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 11, 20)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _bodies() -> list[bytes]:
    cases = [json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    return [json.dumps({"case": case, "as_of": AS_OF.isoformat()}).encode() for case in cases]


async def _load(url: str, key: str, bodies: list[bytes], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    stop = time.perf_counter() + seconds

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        turn = number
        while time.perf_counter() < stop:
            body = bodies[turn % len(bodies)]
            turn += 1
            start = time.perf_counter()
            try:
                response = await http.post(f"{url}/v1/evaluate", content=body, headers=headers)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "latencies": latencies,
        "errors": errors,
    }


def _in_process(registry: PolicyRegistry, bodies: list[bytes], seconds: float) -> dict:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    turn = 0
    began = time.perf_counter()
    while time.perf_counter() < stop:
        start = time.perf_counter()
        asked = json.loads(bodies[turn % len(bodies)])
        case = parse_json(SupportCase, json.dumps(asked["case"]))
        registry.evaluate(case, AS_OF).model_dump_json()
        latencies.append(time.perf_counter() - start)
        turn += 1
    elapsed = time.perf_counter() - began
    return {"requests": len(latencies), "seconds": elapsed, "latencies": latencies, "errors": 0}


def _report(name: str, run: dict) -> float:
    rate = run["requests"] / run["seconds"]
    p50 = _percentile(run["latencies"], 0.5) * 1000
    p99 = _percentile(run["latencies"], 0.99) * 1000
    print(
        f"{name:<22} {run['requests']:>7} in {run['seconds']:.1f} s  {rate:>8.0f}/s  "
        f"p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {run['errors']}"
    )
    return rate


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the service exited while starting")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the service did not answer /health")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per phase (default 3)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (default 1)")
    parser.add_argument("--batch", type=int, default=500, help="lines in the batch (default 500)")
    args = parser.parse_args()

    key, entry = new_key("bench", ROLE, "national")
    bodies = _bodies()
    registry = PolicyRegistry.load()
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys.toml"
        keys.write_text(entry, encoding="utf-8")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        code = (
            "from atbalsts.server import serve; "
            f"serve('127.0.0.1', {port}, {args.workers}, log_level='warning')"
        )
        env = {**os.environ, ENV_KEYS_FILE: str(keys)}
        process = subprocess.Popen([sys.executable, "-c", code], env=env)
        try:
            _wait(url, process)
            print(
                f"python {platform.python_version()}, {os.cpu_count()} cores, "
                f"{args.clients} clients, {args.workers} worker(s), {args.seconds:g} s per phase"
            )
            http = asyncio.run(_load(url, key, bodies, args.clients, args.seconds))
            local = _in_process(registry, bodies, args.seconds)

            lines = [json.dumps(json.loads(b)["case"]) for b in bodies]
            lines = [lines[n % len(lines)] for n in range(args.batch)]
            text = "\n".join(lines) + "\n"
            start = time.perf_counter()
            response = httpx.post(
                f"{url}/v1/batch",
                params={"as_of": AS_OF.isoformat()},
                content=text.encode(),
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/x-ndjson",
                },
                timeout=300,
            )
            batch_http = time.perf_counter() - start
            batch_errors = int(response.status_code != 200)
            out = io.StringIO()
            start = time.perf_counter()
            # the service sends each Decision as the key's role's view, without the trace: so
            # does the in-process batch here, with the same view
            evaluate_lines(lines, out, as_of=AS_OF, registry=registry, trace=True, show=_shown)
            batch_local = time.perf_counter() - start
            batch_errors += int(response.text != out.getvalue())
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)

    http_rate = _report("HTTP /v1/evaluate", http)
    local_rate = _report("in-process evaluate", local)
    print(
        f"{'HTTP /v1/batch':<22} {args.batch:>7} lines in {batch_http:.2f} s  "
        f"{args.batch / batch_http:>8.0f}/s  errors {batch_errors}"
    )
    print(
        f"{'in-process batch':<22} {args.batch:>7} lines in {batch_local:.2f} s  "
        f"{args.batch / batch_local:>8.0f}/s"
    )
    p50 = _percentile(http["latencies"], 0.5) / _percentile(local["latencies"], 0.5)
    print(f"ratio evaluate throughput HTTP / in-process: {http_rate / local_rate:.2f}")
    print(f"ratio evaluate p50 latency HTTP / in-process: {p50:.2f}")
    print(f"ratio batch time HTTP / in-process: {batch_http / batch_local:.2f}")
    return 1 if http["errors"] or batch_errors else 0


if __name__ == "__main__":
    sys.exit(main())
