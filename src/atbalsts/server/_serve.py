"""Running the service with uvicorn, a production ASGI server."""

from __future__ import annotations

from fastapi import FastAPI

from atbalsts.server._access import check_keys, role_view
from atbalsts.server._app import create_app
from atbalsts.server._keys import load_keys
from atbalsts.server._logs import log_config

__all__ = ["app_factory", "serve"]


def app_factory() -> FastAPI:
    """The app as each uvicorn worker builds it: keys from ``ATBALSTS_API_KEYS_FILE``, the
    installed policies, the default limits, each Decision shown as the key's role may see it."""
    return create_app()


def serve(
    host: str = "127.0.0.1", port: int = 8000, workers: int = 1, *, log_level: str = "info"
) -> None:
    """Serve the app with uvicorn until interrupted (SIGINT or SIGTERM stop it gracefully).

    ``port`` 0 takes a free port: uvicorn's log line ``Uvicorn running on http://HOST:PORT``
    names it, once it is bound (a program that starts the service for itself, a test for one,
    reads it there rather than choosing a free port first, which another process could take
    before the service binds it). Each of ``workers`` processes loads the policies and the keys
    itself. Logs are JSON lines on
    standard error; uvicorn's access log is off (it shows paths as sent), the service logs one
    line per request instead.

    The key file is read once before the server starts: a file that cannot be used, or a key
    whose role has no view of the decisions, raises :class:`~atbalsts.server.KeyFileError` here
    (``atbalsts serve`` prints it and exits with status 2) rather than in every worker.
    """
    import uvicorn

    check_keys(load_keys(), role_view)

    uvicorn.run(
        f"{__name__}:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(log_level),
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
