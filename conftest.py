"""The settings of every pytest session in this checkout: the project's tests (``tests/``) and the
plugins' own (``plugins/*/tests``), run together as the test command runs them or on their own,
from the root or from a plugin's folder (pytest's rootdir is the root then too, so this file is
loaded). In ``tests/conftest.py`` they held only for sessions that collected ``tests/``: the
plugins' tests run alone had Hypothesis' default deadline."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# "ci": no per-example deadline (a deadline is a timed assertion: shared CI machines are slow and
# noisy), and enough examples to find real problems while keeping the whole suite fast. Each run
# draws new examples (no derandomize): a failure prints the @reproduce_failure blob that replays
# it anywhere.
settings.register_profile("ci", deadline=None, max_examples=50, print_blob=True)
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    """Clear the environment variables atbalsts reads (the command's language, the plugins to load
    or block, the service's key file) for the whole session, the plugins' tests included: a shell
    may set them for its own use of the command, and with ``ATBALSTS_LANG=en`` the tests of the
    default Latvian failed (``ATBALSTS_PLUGINS`` or ``ATBALSTS_BLOCK_PLUGINS``: a policy missing).
    A test that needs one sets it with ``monkeypatch``. ``ATBALSTS_UPDATE_GOLDEN`` is the suite's
    own switch and is kept."""
    for name in [n for n in os.environ if n.startswith("ATBALSTS_")]:
        if name != "ATBALSTS_UPDATE_GOLDEN":
            del os.environ[name]
