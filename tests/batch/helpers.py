"""What the batch tests share: the project's example cases as JSON lines, and one registry."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from atbalsts import PolicyRegistry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@functools.cache
def registry() -> PolicyRegistry:
    """The installed policies, loaded once for the tests that decide in this process."""
    return PolicyRegistry.load()


@functools.cache
def examples() -> tuple[str, ...]:
    """Each example case of ``examples/`` as one JSON line (non-ASCII kept as it is)."""
    return tuple(
        json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
        for p in sorted(EXAMPLES.glob("*.json"))
    )
