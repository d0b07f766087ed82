"""`serve()` in its own process, as a deployment runs it: uvicorn workers, keys from the
environment, JSON logs on standard error with a request id and no personal data. It takes a free
port itself (port 0) and its log names it (:mod:`tests.serving`)."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from tests.serving import Served  # noqa: E402

from atbalsts.server import ENV_KEYS_FILE  # noqa: E402

from .conftest import bearer, example  # noqa: E402


def _logs(stderr: str) -> list[dict[str, Any]]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_and_logs_json_without_personal_data(
    workers: int, keys: tuple[Path, dict[str, str]]
) -> None:
    code = f"from atbalsts.server import serve; serve('127.0.0.1', 0, {workers})"
    env = {**os.environ, ENV_KEYS_FILE: str(keys[0])}
    served = Served([sys.executable, "-c", code], env)
    with served as url:
        case = example("01-bauska")
        response = httpx.post(
            f"{url}/v1/evaluate",
            json={"case": case},
            headers={**bearer(keys[1]["school"]), "X-Request-ID": "trace-me-1"},
            timeout=30,
        )
        assert response.status_code == 200
        refused = httpx.post(
            f"{url}/v1/evaluate", json={"case": example("07-bauska")}, headers=bearer("nope")
        )
        assert refused.status_code == 401
    stderr = served.stderr
    # graceful: uvicorn finishes the requests, then exits 0 or re-raises SIGTERM on itself
    assert served.returncode in (0, -signal.SIGTERM), stderr[-2000:]
    records = _logs(stderr)
    assert any(r["message"].startswith("Shutting down") for r in records)
    (evaluated,) = [r for r in records if r.get("request_id") == "trace-me-1"]
    assert evaluated["route"] == "/v1/evaluate"
    assert evaluated["status"] == 200
    assert evaluated["key_id"] == "school"
    assert evaluated["role"] == "social_pedagogue"
    assert any(r.get("status") == 401 and r["route"] == "/v1/evaluate" for r in records)
    learner = case["learner"]
    for secret in (learner["id"], learner["birth_date"], "SCH-BAUSKA-01", "PII-BAUSKA-02"):
        assert secret not in stderr
    assert keys[1]["school"] not in stderr
