from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English messages; the default language is Latvian."""
    monkeypatch.setenv("ATBALSTS_LANG", "en")
