"""The spool that ``atbalsts batch`` and the service's batch share
(:class:`atbalsts._jsonlines.Spool`): the records of an input in doubt (its first line opens a JSON
document or array) are held until a line is a case, and the input is refused when none is."""

from __future__ import annotations

import tempfile
from contextlib import closing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts._jsonlines import HELD_IN_MEMORY, Shape, Spool, not_json_lines

#: One record: a line of Unicode text with its newline last (a carriage return, U+2028 and the
#: like are no line break to it).
RECORDS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\n")).map(
    lambda text: text + "\n"
)

#: A record and whether its line is a case (else it is a bad line's).
STEPS = st.lists(st.tuples(RECORDS, st.booleans()), max_size=40)


def _run(spool: Spool, steps: list[tuple[str, bool]]) -> tuple[list[str], Any]:
    """What goes out of ``steps`` run through ``spool`` as the batch runs it, and the refusal at
    the end (None when the input is taken)."""
    out: list[str] = []
    with closing(spool):
        for record, case in steps:
            if not case and spool.bad_line(record):
                continue
            out.extend(spool.case())
            out.append(record)
        return out, spool.ended("the batch")


@given(
    steps=STEPS,
    shape=st.sampled_from(["document", "array"]),
    first=st.integers(1, 10**6),
    memory=st.integers(1, 300),
)
def test_in_doubt_all_goes_out_in_order_once_a_line_is_a_case_and_nothing_otherwise(
    steps: list[tuple[str, bool]], shape: Shape, first: int, memory: int
) -> None:
    """For any records, held in memory or in a temporary file: when a line is a case, every
    record goes out whole and in input order, and the input is taken; when none is, nothing goes
    out and the input is refused, naming its first line and what that line opens."""
    out, refusal = _run(Spool(first, shape, memory=memory), steps)
    if any(case for _, case in steps):
        assert out == [record for record, _ in steps]
        assert refusal is None
    else:
        assert out == []
        assert refusal == not_json_lines(first, shape, "the batch")


@given(steps=STEPS, first=st.none() | st.integers(1, 10**6))
def test_an_input_not_in_doubt_holds_nothing(
    steps: list[tuple[str, bool]], first: int | None
) -> None:
    """An input whose first line is a record (whole or broken), or that has no line yet: every
    record goes out as it comes, and it is never refused."""
    spool = Spool(first, None)
    assert not spool.in_doubt
    out, refusal = _run(spool, steps)
    assert out == [record for record, _ in steps]
    assert refusal is None


def test_the_held_records_go_out_before_the_first_case_and_not_again() -> None:
    spool = Spool(1, "array")
    assert spool.in_doubt
    assert spool.bad_line("[\n")
    assert spool.bad_line('  {"n": 1},\n')
    assert list(spool.case()) == ["[\n", '  {"n": 1},\n']
    assert not spool.in_doubt
    assert not spool.bad_line("]\n")  # goes out now: the input is JSON Lines
    assert list(spool.case()) == []
    assert spool.ended("the batch") is None


def test_a_case_first_releases_nothing() -> None:
    spool = Spool(1, "document")
    assert list(spool.case()) == []
    assert not spool.in_doubt
    assert spool.ended("the batch") is None


def test_the_refusal_is_the_shared_wording_for_the_reader() -> None:
    spool = Spool(3, "document")
    spool.bad_line("{\n")
    message, values = spool.ended("a work list") or ("", {})
    assert (message, values) == not_json_lines(3, "document", "a work list")
    assert values == {"line": "3", "shape": "document"}
    assert "a work list reads one support case per line" in message
    assert not spool.in_doubt
    assert spool.ended("a work list") is None  # refused once: what was held is gone


def test_an_empty_input_in_doubt_is_refused() -> None:
    """No record at all (a first line that opens an array, and nothing after it decided)."""
    assert Spool(1, "array").ended("the batch") == not_json_lines(1, "array", "the batch")


def test_a_closed_spool_holds_nothing_and_refuses_nothing() -> None:
    spool = Spool(1, "array")
    spool.bad_line("[\n")
    spool.close()
    assert not spool.in_doubt
    assert list(spool.case()) == []
    assert spool.ended("the batch") is None


@pytest.mark.parametrize("record", ["no newline", "two\nlines\n", "\n\n", ""])
def test_a_record_is_one_line_with_its_newline_last(record: str) -> None:
    """Records are read back line by line: one that is not one line would come back cut."""
    with closing(Spool(1, "document")) as spool, pytest.raises(ValueError, match="one line"):
        spool.bad_line(record)


@pytest.fixture
def files_made(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The temporary files made from now on (each spool that goes over its bound makes one)."""
    made: list[object] = []
    real = tempfile.TemporaryFile

    def counted(*args: Any, **kwargs: Any) -> Any:
        handle = real(*args, **kwargs)
        made.append(handle)
        return handle

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    return made


def _held(spool: Spool, size: int) -> None:
    """Hold records of ``size`` bytes in all (ASCII, 100 bytes each but the last), and give
    them back as the first case does."""
    records = [("x" * 99 + "\n")] * (size // 100) + (
        ["y" * (size % 100 - 1) + "\n"] if size % 100 else []
    )
    for record in records:
        assert spool.bad_line(record)
    released = list(spool.case())
    assert released == records


def test_what_is_held_stays_in_memory_up_to_the_bound(files_made: list[object]) -> None:
    with closing(Spool(1, "array")) as spool:
        _held(spool, HELD_IN_MEMORY)
    assert files_made == []


def test_what_is_held_over_the_bound_goes_to_a_temporary_file(files_made: list[object]) -> None:
    """Memory does not grow with the input: past :data:`HELD_IN_MEMORY` bytes (the default) or
    the bound given, the records held are in a temporary file, and come back from it whole."""
    with closing(Spool(1, "array")) as spool:
        _held(spool, HELD_IN_MEMORY + 1)
    assert len(files_made) == 1
    with closing(Spool(1, "array", memory=10)) as spool:
        _held(spool, 11)
    assert len(files_made) == 2


def test_the_temporary_file_is_gone_once_released_or_refused_or_closed(
    files_made: list[object],
) -> None:
    released = Spool(1, "array", memory=10)
    _held(released, 500)
    assert not released.bad_line("late\n")  # not in doubt now: not held
    assert [getattr(handle, "closed", False) for handle in files_made] == [True]
    refused = Spool(1, "array", memory=10)
    refused.bad_line("x" * 20 + "\n")
    assert refused.ended("the batch") is not None
    dropped = Spool(1, "array", memory=10)
    dropped.bad_line("x" * 20 + "\n")
    dropped.close()
    assert len(files_made) == 3
    assert all(getattr(handle, "closed", False) for handle in files_made)


def test_a_release_left_half_way_is_closed_with_the_spool(files_made: list[object]) -> None:
    """A reader that stops while the held records go out (its consumer closed it) leaves no
    file open once the spool is closed."""
    with closing(Spool(1, "array", memory=10)) as spool:
        for _ in range(5):
            spool.bad_line("x" * 20 + "\n")
        released = spool.case()
        assert next(released) == "x" * 20 + "\n"
        assert list(spool.case()) == []  # given once: the rest is the first release's
    assert len(files_made) == 1
    assert all(getattr(handle, "closed", False) for handle in files_made)
