"""Two ``atbalsts transition --chain`` runs on one chain at once: the second waits for the
first, then reads the chain (and its document) as the first left them."""

from __future__ import annotations

from pathlib import Path

import pytest

from atbalsts.model import AuditEvent
from atbalsts.workflow import verify_chain

pytest.importorskip("fcntl")

from tests.workflow.appenders import (
    ROUNDS,
    WORKERS,
    run_workers,
    transition_rounds,
)


def test_commands_moving_documents_of_one_chain_at_once_leave_it_verified(
    tmp_path: Path,
) -> None:
    reports = run_workers(transition_rounds, str(tmp_path))
    assert [error for *_, error in reports if error is not None] == []
    assert [s for _, statuses, _, _ in reports for s in statuses] == [0] * (WORKERS * ROUNDS)
    lines = (tmp_path / "chain.jsonl").read_bytes().splitlines()
    verdict = verify_chain(lines)
    assert verdict.ok, verdict
    ids = sorted(AuditEvent.model_validate_json(line).document_id for line in lines)
    assert ids == sorted(f"plan-w{w}-r{r}" for w in range(WORKERS) for r in range(ROUNDS))
