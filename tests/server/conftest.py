"""The HTTP service started for real: uvicorn on a loopback port, called with httpx.

Every test module here starts with ``pytest.importorskip`` of the server extra's packages, so the
directory is skipped, and only skipped, when ``atbalsts[server]`` is not installed.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atbalsts import PolicyRegistry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: Each key's role and scope, by key id. Every role has a view of the decisions.
SCOPES = {
    "national": ("municipal_coordinator", "national"),
    "bauska": ("municipal_coordinator", "municipality:bauska"),
    "school": ("social_pedagogue", "school:SCH-BAUSKA-01"),
    "teacher": ("class_teacher", "national"),
    "pedagogue": ("social_pedagogue", "national"),
    "social-service": ("social_service", "municipality:parauga"),
}


def example(name: str) -> dict[str, Any]:
    """An example support case as a JSON value."""
    found = sorted(EXAMPLES.glob(f"{name}*.json"))
    assert len(found) == 1, name
    value: dict[str, Any] = json.loads(found[0].read_text(encoding="utf-8"))
    return value


def examples() -> list[dict[str, Any]]:
    """Every example support case."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]


@pytest.fixture(autouse=True)
def _patient_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """``httpx.get`` and ``httpx.post`` wait up to 60 s for an answer unless a test says otherwise:
    httpx's default of 5 s is too short for a loaded machine (the first ``/openapi.json`` builds
    the document, 1.5 s at a load of 7 on 2 cores)."""
    httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")
    for name in ("get", "post"):
        monkeypatch.setattr(httpx, name, functools.partial(getattr(httpx, name), timeout=60))


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 60  # a loaded machine starts it slowly
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def registry() -> PolicyRegistry:
    """The installed policies: the national baseline, Bauska and Parauga."""
    return PolicyRegistry.load()


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A key file with one key per entry of :data:`SCOPES`, and the keys themselves."""
    from atbalsts.server import new_key

    issued: dict[str, str] = {}
    entries = []
    for key_id, (role, scope) in SCOPES.items():
        issued[key_id], entry = new_key(key_id, role, scope)
        entries.append(entry)
    path = tmp_path_factory.mktemp("keys") / "keys.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path, issued


def bearer(key: str) -> dict[str, str]:
    """The Authorization header for ``key``."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def base_url(registry: PolicyRegistry, keys: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """The service with the default limits, for the whole session."""
    from atbalsts.server import create_app

    with LiveServer(create_app(registry, keys[0])) as url:
        yield url


@pytest.fixture(scope="session")
def unredacted_url(registry: PolicyRegistry, keys: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """The service built to send whole Decisions (``view=unredacted``), for the whole session."""
    from atbalsts.server import create_app, unredacted

    with LiveServer(create_app(registry, keys[0], view=unredacted)) as url:
        yield url


@pytest.fixture(scope="session")
def national(keys: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """Headers with the national key."""
    return bearer(keys[1]["national"])
