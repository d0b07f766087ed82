"""``append_event`` appends only an event that follows the chain file's last event, reading only
that event, and writes nothing otherwise; a chain file it creates is readable by its owner only.
Found by an outside tester: ``transition()`` called without ``previous=`` made an event numbered 0
that ``append_event`` put after event 0, and the chain broke silently."""

from __future__ import annotations

import ast
import inspect
import os
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, plan

import atbalsts.workflow._audit
from atbalsts import ChainError
from atbalsts.errors import AtbalstsError
from atbalsts.model import AuditEvent
from atbalsts.workflow import (
    append_event,
    cli_transition,
    read_chain,
    seal,
    transition,
    verify_chain,
)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _two() -> tuple[AuditEvent, AuditEvent]:
    """Two events of one plan, the second made with the first as ``previous``."""
    submitted, first = transition(plan(), "submit", actor="t-1", role="class_teacher", on=DAY)
    _, second = transition(
        submitted, "approve", actor="t-1", role="class_teacher", on=DAY, previous=first
    )
    return first, second


def test_events_that_follow_each_other_are_appended_and_verify(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    append_event(chain, second)
    assert read_chain(chain) == [first, second]
    assert verify_chain(chain.read_bytes().splitlines()).ok


def test_an_event_made_without_previous_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    submitted, first = transition(plan(), "submit", actor="t-1", role="class_teacher", on=DAY)
    append_event(chain, first)
    before = chain.read_bytes()
    _, forgot = transition(submitted, "approve", actor="t-1", role="class_teacher", on=DAY)
    with pytest.raises(ChainError) as caught:
        append_event(chain, forgot)
    assert caught.value.code == "not_next_event"
    assert dict(caught.value.values) == {"path": str(chain), "seq": "0", "last": "0"}
    assert "previous" in str(caught.value)  # says how to make the right event
    assert chain.read_bytes() == before
    assert isinstance(caught.value, AtbalstsError)


def test_an_event_with_the_right_number_but_another_prev_is_refused(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    other = seal({**second.model_dump(mode="json", exclude={"hash"}), "prev": "a" * 64})
    with pytest.raises(ChainError) as caught:
        append_event(chain, other)
    assert (caught.value.code, caught.value.values["seq"]) == ("not_next_event", "1")


def test_the_first_event_of_a_new_chain_must_be_event_0(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    _, second = _two()
    with pytest.raises(ChainError) as caught:
        append_event(chain, second)
    assert caught.value.code == "not_first_event"
    assert dict(caught.value.values) == {"path": str(chain), "seq": "1"}
    assert not chain.exists()
    chain.write_bytes(b"")  # an empty file is a chain without events too
    with pytest.raises(ChainError):
        append_event(chain, second)
    assert chain.read_bytes() == b""


def test_the_same_event_appended_twice_is_refused_by_its_own_code(tmp_path: Path) -> None:
    """A host that retries after an error it cannot place can tell that its event is in."""
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()
    append_event(chain, first)
    with pytest.raises(ChainError) as caught:
        append_event(chain, first)
    assert dict(caught.value.values) == {"path": str(chain), "seq": "0"}
    assert caught.value.code == "already_appended"
    assert len(read_chain(chain)) == 1


def test_an_event_changed_after_it_was_sealed_is_refused(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()
    changed = first.model_copy(update={"actor": "t-2"})  # its hash is the old content's
    with pytest.raises(ChainError) as caught:
        append_event(chain, changed)
    assert caught.value.code == "event_not_sealed"
    assert not chain.exists()


def test_a_last_line_that_is_not_an_event_refuses_the_append(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    chain.write_bytes(chain.read_bytes() + b'{"not": "an event"}\n')
    before = chain.read_bytes()
    with pytest.raises(ChainError) as caught:
        append_event(chain, second)
    assert (caught.value.code, dict(caught.value.values)) == (
        "chain_end_unreadable",
        {"path": str(chain)},
    )
    assert chain.read_bytes() == before


def test_only_the_last_event_is_read(tmp_path: Path) -> None:
    """Cheap whatever the chain's length: the lines before the last event are not read (a
    broken one is found by verify_chain, not here); a CRLF line end after it is a line end."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    line = chain.read_bytes().rstrip(b"\n")
    chain.write_bytes(b"not json\n" * 5000 + line + b"\r\n")
    append_event(chain, second)
    assert AuditEvent.model_validate_json(chain.read_bytes().splitlines()[-1]) == second


def test_an_event_goes_on_a_line_of_its_own_after_a_last_line_without_newline(
    tmp_path: Path,
) -> None:
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    chain.write_bytes(chain.read_bytes().rstrip(b"\n"))
    append_event(chain, second)
    assert read_chain(chain) == [first, second]
    assert verify_chain(chain.read_bytes().splitlines()).ok


def test_a_long_last_line_is_read_whole(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    submitted, first = transition(
        plan(), "submit", actor="t-1", role="class_teacher", on=DAY, reason="Synthetic " * 390
    )
    append_event(chain, first)
    assert len(chain.read_bytes()) > 4096
    _, second = transition(
        submitted, "approve", actor="t-1", role="class_teacher", on=DAY, previous=first
    )
    append_event(chain, second)
    assert verify_chain(chain.read_bytes().splitlines()).ok


def test_the_error_pickles_with_its_code_and_values(tmp_path: Path) -> None:
    _, second = _two()
    with pytest.raises(ChainError) as caught:
        append_event(tmp_path / "c.jsonl", second)
    again = pickle.loads(pickle.dumps(caught.value))
    assert (again.code, dict(again.values)) == (caught.value.code, dict(caught.value.values))


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.usefixtures("umask_022")
@pytest.mark.usefixtures("umask_022")
def test_a_chain_file_append_event_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    chain = tmp_path / "chain.jsonl"
    first, _ = _two()
    append_event(chain, first)
    assert chain.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("umask_022")
def test_a_chain_file_the_command_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    doc, chain = tmp_path / "plan.json", tmp_path / "chain.jsonl"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    argv = {"actor": "t-1", "role": "class_teacher", "on": "2025-03-03", "chain": chain}
    assert cli_transition(doc, "submit", **argv) == 0  # type: ignore[arg-type]
    assert chain.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("umask_022")
def test_an_existing_chain_files_permissions_are_kept(tmp_path: Path) -> None:
    """Never loosened, nor changed at all: the host may have set them for a reason (a group)."""
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    chain.chmod(0o640)
    append_event(chain, second)
    assert chain.stat().st_mode & 0o777 == 0o640
    doc = tmp_path / "plan.json"
    doc.write_text(plan().model_dump_json(), encoding="utf-8")
    other = tmp_path / "other.jsonl"
    other.write_bytes(b"")
    other.chmod(0o644)
    argv = {"actor": "t-1", "role": "class_teacher", "on": "2025-03-03", "chain": other}
    assert cli_transition(doc, "submit", **argv) == 0  # type: ignore[arg-type]
    assert other.stat().st_mode & 0o777 == 0o644


def test_every_code_append_event_raises_is_documented() -> None:
    raised = {
        keyword.value.value
        for node in ast.walk(ast.parse(inspect.getsource(atbalsts.workflow._audit)))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "ChainError"
        for keyword in node.keywords
        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)
    }
    documented = set(re.findall(r"^    ``(\w+)``$", ChainError.__doc__ or "", re.MULTILINE))
    assert raised == documented
    assert len(raised) == 6


@pytest.mark.parametrize("end", [b"\n", b"  \n", b"\n\n"])
def test_a_chain_ending_in_a_blank_line_is_refused_as_verify_chain_would_refuse_it(
    tmp_path: Path, end: bytes
) -> None:
    # verify_chain counts a blank line as an edit: an event appended after one would leave a
    # chain that no longer verifies.
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    chain.write_bytes(chain.read_bytes() + end)
    assert not verify_chain(chain.read_bytes().splitlines()).ok
    before = chain.read_bytes()
    with pytest.raises(ChainError) as caught:
        append_event(chain, second)
    assert caught.value.code == "chain_end_unreadable"
    assert "blank line" in str(caught.value)
    assert chain.read_bytes() == before


@pytest.mark.parametrize("text", [b"\n", b" ", b"\n\n"])
def test_a_file_of_blank_lines_takes_no_first_event(tmp_path: Path, text: bytes) -> None:
    chain = tmp_path / "chain.jsonl"
    chain.write_bytes(text)
    first, _ = _two()
    with pytest.raises(ChainError) as caught:
        append_event(chain, first)
    assert caught.value.code == "chain_end_unreadable"
    assert chain.read_bytes() == text


def test_an_edited_events_unknown_key_is_judged_by_the_events_own_fields() -> None:
    # A key named as a field of another document (a learner's birth_date) is no field of an
    # audit event, nor close to one: verify_chain does not repeat it.
    from atbalsts.workflow import canonical

    first, _ = _two()
    fields = first.model_dump(mode="json")
    fields["birth_date"] = "2012-01-01"
    verdict = verify_chain([canonical(fields)])
    assert verdict.code == "invalid_event"
    assert "birth_date" not in str(verdict)
    assert "(a key that is not a field name)" in verdict.values["paths"]


def test_a_failed_write_leaves_the_chain_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A half-written line would block every later append: the file is cut back, as the
    # command's own transition does.
    chain = tmp_path / "chain.jsonl"
    first, second = _two()
    append_event(chain, first)
    before = chain.read_bytes()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        append_event(chain, second)
    monkeypatch.undo()
    assert chain.read_bytes() == before
    append_event(chain, second)
    assert read_chain(chain) == [first, second]
