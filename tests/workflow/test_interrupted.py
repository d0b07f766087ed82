"""A transition interrupted after its event is appended and before its document is put in place
(the process killed) is finished by the next transition of the document, and by nothing else."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from tests.workflow.fixtures import plan

from atbalsts import _files
from atbalsts.model import SupportPlan, parse_json
from atbalsts.workflow import cli_audit_verify, cli_transition

ON = "2025-03-03"


class Killed(BaseException):
    """The process dying: nothing after it runs, no handler cleans up."""


def _submitted(tmp_path: Path) -> tuple[Path, Path]:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    assert cli_transition(doc, "submit", actor="t", role="class_teacher", on=ON, chain=chain) == 0
    return doc, chain


def _killed_before_the_rename(
    doc: Path,
    chain: Path,
    monkeypatch: pytest.MonkeyPatch,
    role: str = "class_teacher",
    actor: str = "a",
    **more: bool,
) -> None:
    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(_files.os, "replace", die)
        with pytest.raises(Killed):
            cli_transition(doc, "approve", actor=actor, role=role, on=ON, chain=chain, **more)


def _pending(doc: Path) -> list[Path]:
    return _files.Replacement.leftovers(doc, ".pending")


def test_the_next_transition_finishes_the_interrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    os.chmod(doc, 0o640)
    before = doc.read_bytes()
    _killed_before_the_rename(doc, chain, monkeypatch)
    assert doc.read_bytes() == before  # the document is the old version ...
    assert len(chain.read_bytes().splitlines()) == 2  # ... the chain has the new event
    assert len(_pending(doc)) == 1
    capsys.readouterr()

    status = cli_transition(doc, "approve", actor="d", role="school_director", on=ON, chain=chain)
    assert status == 0
    assert "finished" in capsys.readouterr().err
    assert _pending(doc) == []
    approved = parse_json(SupportPlan, doc.read_bytes())
    assert [a.step.value for a in approved.approvals] == ["author", "school_director"]
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640
    assert cli_audit_verify(chain) == 0
    assert len(chain.read_bytes().splitlines()) == 3


def test_a_pending_file_of_another_version_finishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    _killed_before_the_rename(doc, chain, monkeypatch)
    [pending] = _pending(doc)
    pending.write_bytes(pending.read_bytes().replace(b'"author"', b'"school_director"', 1))
    status = cli_transition(doc, "approve", actor="d", role="school_director", on=ON, chain=chain)
    assert status == 1
    assert "changed outside the chain" in capsys.readouterr().err
    assert pending.exists()  # left for a person to look at


def test_a_document_changed_since_the_event_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    _killed_before_the_rename(doc, chain, monkeypatch)
    changed = doc.read_bytes().replace(b"Synthetic goal", b"Another goal")
    doc.write_bytes(changed)
    status = cli_transition(doc, "approve", actor="d", role="school_director", on=ON, chain=chain)
    assert status == 1
    assert "changed outside the chain" in capsys.readouterr().err
    assert doc.read_bytes() == changed


def test_a_write_that_fails_leaves_no_pending_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    size = chain.stat().st_size

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(_files.os, "replace", fail)
        with pytest.raises(Exception, match="left as they were"):
            cli_transition(doc, "approve", actor="a", role="class_teacher", on=ON, chain=chain)
    assert _pending(doc) == []
    assert chain.stat().st_size == size


def test_running_the_interrupted_command_again_does_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    _killed_before_the_rename(doc, chain, monkeypatch)
    again = cli_transition(doc, "approve", actor="a", role="class_teacher", on=ON, chain=chain)
    assert again == 0
    assert "finished" in capsys.readouterr().err
    assert len(chain.read_bytes().splitlines()) == 2  # the one event, not a second
    approved = parse_json(SupportPlan, doc.read_bytes())
    assert [a.step.value for a in approved.approvals] == ["author"]
    assert cli_audit_verify(chain) == 0


def test_an_interrupted_write_to_another_output_is_finished_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, chain = _submitted(tmp_path)
    out = tmp_path / "plan[approved].json"

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(_files.os, "replace", die)
        with pytest.raises(Killed):
            cli_transition(
                doc, "approve", actor="a", role="class_teacher", on=ON, chain=chain, output=out
            )
    assert not out.exists()
    assert len(_pending(out)) == 1
    again = cli_transition(
        doc, "approve", actor="a", role="class_teacher", on=ON, chain=chain, output=out
    )
    assert again == 0
    assert "finished" in capsys.readouterr().err
    approved = parse_json(SupportPlan, out.read_bytes())
    assert [a.step.value for a in approved.approvals] == ["author"]
    assert _pending(out) == []


def test_another_session_on_the_same_day_is_not_taken_for_the_interrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, chain = _submitted(tmp_path)
    for role in ("class_teacher", "school_director", "municipal_coordinator"):
        assert cli_transition(doc, "approve", actor="a", role=role, on=ON, chain=chain) == 0
    activated = cli_transition(
        doc, "activate", actor="d", role="school_director", on=ON, chain=chain
    )
    assert activated == 0

    def deliver(hours: int) -> int:
        params = ["measure=0", f"hours={hours}"]
        return cli_transition(
            doc,
            "deliver",
            actor="p",
            role="psychologist",
            on="2025-03-10",
            chain=chain,
            params=params,
        )

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(_files.os, "replace", die)
        with pytest.raises(Killed):
            deliver(1)
    assert deliver(2) == 0  # finishes the first session, then records this one
    assert [d.hours for d in parse_json(SupportPlan, doc.read_bytes()).deliveries] == [1, 2]
    assert deliver(2) == 0  # nothing was interrupted: a third session, recorded as asked
    assert len(parse_json(SupportPlan, doc.read_bytes()).deliveries) == 3


def test_the_command_run_again_says_what_the_uninterrupted_one_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The re-run says the transition done (the move, the approval step and what waits next),
    as the command would have had it not been interrupted, after the line that it finished it."""
    said = []
    for name, interrupted in (("once", False), ("again", True)):
        (tmp_path / name).mkdir()
        doc, chain = _submitted(tmp_path / name)
        if interrupted:
            _killed_before_the_rename(doc, chain, monkeypatch)
        capsys.readouterr()
        status = cli_transition(doc, "approve", actor="a", role="class_teacher", on=ON, chain=chain)
        assert status == 0
        lines = capsys.readouterr().err.replace(str(tmp_path / name), "DIR").splitlines()
        said.append(lines)
    once, again = said
    assert again[0].startswith("finished")
    assert len(once) >= 2  # the move and the step that waits next
    assert again[1:] == once


def test_a_rerun_says_the_next_step_by_the_event_s_word_on_the_school(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The director's approval of a state vocational school's plan, interrupted, then run again
    without --state-vocational-school: the event recorded the school's kind, so no step waits
    (not the municipal coordinator's, which such a school's plans do not have)."""
    doc, chain = _submitted(tmp_path)
    ok = cli_transition(doc, "approve", actor="t", role="class_teacher", on=ON, chain=chain)
    assert ok == 0

    _killed_before_the_rename(
        doc, chain, monkeypatch, "school_director", actor="d", state_vocational_school=True
    )
    capsys.readouterr()
    again = cli_transition(doc, "approve", actor="d", role="school_director", on=ON, chain=chain)
    assert again == 0
    said = capsys.readouterr().err
    assert "no step of the chain waits" in said
    assert "municipal_coordinator waits" not in said
