"""approval_chain lives beside the guards that enforce the same chain, and is still found where
hosts and the command look for it."""

from __future__ import annotations

import atbalsts.workflow
from atbalsts.workflow import _guards, _transition


def test_approval_chain_is_one_function_under_every_name_it_had() -> None:
    assert _transition.approval_chain is _guards.approval_chain
    assert atbalsts.workflow.approval_chain is _guards.approval_chain
    assert "approval_chain" in atbalsts.workflow.__all__
    assert "approval_chain" in _transition.__all__


def test_approval_chain_reports_its_public_path() -> None:
    """The docs and reprs name atbalsts.workflow.approval_chain, not the private module."""
    assert atbalsts.workflow.approval_chain.__module__ == "atbalsts.workflow"
