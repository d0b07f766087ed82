"""Rule tables in ``atbalsts batch`` output: each written once, before the first decision naming
it; read back with :func:`~atbalsts.batch.expand_records`, the output is the self-contained one.

These tests read decisions only through ``expand_records`` (and the rule table records only by
their ``rule_table`` id), never by the compact inner shape of a decision record, which may change.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts import PolicyRegistry, SupportCase
from atbalsts.batch import BatchRecord, evaluate_file, expand_records, iter_decisions
from atbalsts.cli import main
from atbalsts.errors import AtbalstsError
from atbalsts.testing.strategies import support_cases

from .helpers import examples, registry


def nowhere(line: str) -> str:
    """The case of ``line`` enrolled in a municipality no plugin governs (the national baseline
    alone: a table of its own)."""
    case = json.loads(line)
    case["learner"]["enrolment"]["municipality"] = "nowhere"
    return json.dumps(case, ensure_ascii=False)


def mixed(count: int) -> list[str]:
    """``count`` lines: the examples (three municipalities and the national baseline alone, so
    several rule tables, each coming back many times), an invalid line and a blank one."""
    pool = [*examples(), nowhere(examples()[1]), '{"learner": {}}', "", "{not json"]
    return [pool[(i * 3) % len(pool)] for i in range(count)]  # 3: prime to len(pool)


def lines_of(text: str | bytes) -> list[str]:
    """The lines of batch output, split on newline only (never str.splitlines())."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [line for line in text.split("\n") if line]


def is_table(record: dict[str, Any]) -> bool:
    return "rule_table" in record and "line" not in record


def table_ids(lines: Iterable[str]) -> list[str]:
    """The ids of the rule table records among ``lines``, in order."""
    return [r["rule_table"] for r in map(json.loads, lines) if is_table(r)]


def assert_tables_once_before_use(records: list[BatchRecord]) -> None:
    """Each rule table once, right before the first decision that names it, and every decision
    reads back whole (its table is among the earlier lines)."""
    texts = [r.text for r in records]
    ids = table_ids(texts)
    assert ids, "no rule table was written"
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    seen: set[str] = set()
    for at, record in enumerate(records):
        data = json.loads(record.text)
        if record.kind == "rule_table":
            assert is_table(data)
            assert record.table == data["rule_table"] not in seen
            seen.add(record.table)
            after = records[at + 1]  # the decision that first names it
            assert (after.kind, after.line) == ("decision", record.line)
            assert json.loads(after.text)["policy"] == record.table
        else:
            assert record.table is None
            assert not is_table(data)
    decisions = [r for r in expand_records(texts) if "learner_id" in r]
    assert len(decisions) == sum(r.kind == "decision" for r in records)
    assert all(isinstance(d["policy"], dict) for d in decisions)


# -- once each, before its first decision -------------------------------------------------------


def test_one_process_writes_each_table_once_before_its_first_decision() -> None:
    lines = mixed(60)
    records = list(iter_decisions(lines, registry=registry(), chunk_size=4))
    assert_tables_once_before_use(records)
    # several policies: the examples' three municipalities and the baseline alone
    municipalities = {
        d["policy"]["municipality"]
        for d in expand_records(r.text for r in records)
        if "policy" in d
    }
    assert {"bauska", "parauga", "nowhere"} <= municipalities


def test_two_processes_write_each_table_once_and_the_bytes_of_one() -> None:
    lines = mixed(60)
    here = list(iter_decisions(lines, registry=registry(), chunk_size=4))
    # chunks of 4 lines: the workers and this process each meet every table on their own
    apart = list(iter_decisions(lines, registry=PolicyRegistry.load, jobs=2, chunk_size=4))
    assert multiprocessing.active_children() == []
    assert_tables_once_before_use(apart)
    assert [r.text for r in apart] == [r.text for r in here]
    assert [(r.kind, r.line, r.table) for r in apart] == [(r.kind, r.line, r.table) for r in here]


def test_the_file_of_two_processes_holds_each_table_once(tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in mixed(40)), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    evaluate_file(source, one, as_of=None, registry=registry(), chunk_size=3)
    evaluate_file(source, two, as_of=None, registry=PolicyRegistry.load, jobs=2, chunk_size=3)
    assert one.read_bytes() == two.read_bytes()
    ids = table_ids(lines_of(one.read_bytes()))
    assert ids
    assert len(ids) == len(set(ids))


# -- read back, the default output is the self-contained one -------------------------------------


def test_expand_records_of_the_default_output_is_the_self_contained_output(
    tmp_path: Path,
) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in mixed(30)), encoding="utf-8")
    compact, whole = tmp_path / "compact.jsonl", tmp_path / "whole.jsonl"
    assert main(["batch", str(source), "-o", str(compact)]) == 2
    assert main(["batch", str(source), "-o", str(whole), "--self-contained"]) == 2
    written = lines_of(whole.read_bytes())
    assert table_ids(written) == []  # self-contained: no rule table
    assert table_ids(lines_of(compact.read_bytes()))
    with compact.open(encoding="utf-8") as handle:  # read on newline only, as documented
        read = list(expand_records(handle))
    assert len(read) == len(written)
    for number, (mine, theirs) in enumerate(zip(read, written, strict=True), start=1):
        assert mine == json.loads(theirs), f"output line {number} differs"
        if "learner_id" in mine:
            assert next(iter(mine)) == "line"
    # smaller: what the decisions share is written once
    assert compact.stat().st_size < whole.stat().st_size


def test_the_api_reads_back_to_its_self_contained_records() -> None:
    lines = mixed(25)
    for trace in (False, True):
        records = list(iter_decisions(lines, registry=registry(), trace=trace))
        whole = list(iter_decisions(lines, registry=registry(), trace=trace, self_contained=True))
        assert all(r.kind != "rule_table" and r.table is None for r in whole)
        assert [r.line for r in records if r.kind != "rule_table"] == [r.line for r in whole]
        read = list(expand_records(r.text for r in records))
        assert read == [json.loads(r.text) for r in whole], trace


_PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_PROPERTY
@given(
    cases=st.lists(support_cases(), min_size=1, max_size=6),
    as_of=st.sampled_from([None, date(2024, 9, 2), date(2025, 11, 20)]),
    municipality=st.sampled_from([None, "parauga"]),
)
def test_any_cases_read_back_to_the_self_contained_output(
    cases: list[SupportCase], as_of: date | None, municipality: str | None
) -> None:
    lines = [case.model_dump_json() for case in cases]
    options: dict[str, Any] = {"as_of": as_of, "municipality": municipality}
    records = list(iter_decisions(lines, registry=registry(), **options))
    whole = list(iter_decisions(lines, registry=registry(), self_contained=True, **options))
    ids = table_ids(r.text for r in records)
    assert len(ids) == len(set(ids))
    assert list(expand_records(r.text for r in records)) == [json.loads(r.text) for r in whole]


# -- resume -----------------------------------------------------------------------------------


#: Decided lines of several policies, an invalid one and a blank one between them.
RESUMED = (3, 0, 12, 9, 1, 4, 11, 9, 8, 2, 10, 5, 0, 3, 12, 11)


def resumed_lines() -> list[str]:
    pool = [*examples(), nowhere(examples()[1]), '{"learner": {}}', ""]
    return [pool[i] for i in RESUMED]


@functools.cache
def uninterrupted() -> tuple[str, bytes]:
    """The input of :data:`RESUMED` and its output, written uninterrupted."""
    text = "".join(line + "\n" for line in resumed_lines())
    with tempfile.TemporaryDirectory(prefix="atbalsts-tables-") as name:
        source, target = Path(name) / "cases.jsonl", Path(name) / "out.jsonl"
        source.write_text(text, encoding="utf-8")
        evaluate_file(source, target, as_of=None, registry=registry())
        return text, target.read_bytes()


def cuts_around_tables(whole: bytes) -> list[int]:
    """The byte offsets just before each rule table record, inside it, and just after it."""
    cuts: list[int] = []
    offset = 0
    for line in whole.split(b"\n")[:-1]:
        end = offset + len(line) + 1
        if is_table(json.loads(line)):
            cuts += [offset, offset + len(line) // 2, end - 1, end]
        offset = end
    return cuts


def resume_from(tmp_path: Path, cut: int, **options: Any) -> bytes:
    text, whole = uninterrupted()
    source, target = tmp_path / "cases.jsonl", tmp_path / "out.jsonl"
    source.write_text(text, encoding="utf-8")
    target.write_bytes(whole[:cut])
    summary = evaluate_file(source, target, as_of=None, resume=True, **options)
    assert summary.lines == text.count("\n")
    return target.read_bytes()


def test_the_resumed_input_has_several_tables_coming_back() -> None:
    _, whole = uninterrupted()
    ids = table_ids(lines_of(whole))
    assert len(ids) >= 3
    decisions = [r for r in map(json.loads, lines_of(whole)) if "learner_id" in r]
    assert len(decisions) > len(ids)  # some decisions name a table written earlier


def test_a_resume_cut_at_a_rule_table_writes_the_uninterrupted_output(tmp_path: Path) -> None:
    _, whole = uninterrupted()
    cuts = cuts_around_tables(whole)
    assert len(cuts) >= 12
    for cut in cuts:
        resumed = resume_from(tmp_path, cut, registry=registry())
        assert resumed == whole, f"cut at byte {cut}"
        ids = table_ids(lines_of(resumed))
        assert len(ids) == len(set(ids)), f"cut at byte {cut}: a table written twice"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_resume_cut_anywhere_repeats_no_table(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    _, whole = uninterrupted()
    cut = data.draw(st.integers(0, len(whole)), label="bytes kept")
    resumed = resume_from(tmp_path_factory.mktemp("tables"), cut, registry=registry())
    assert resumed == whole
    ids = table_ids(lines_of(resumed))
    assert len(ids) == len(set(ids))


def test_a_resume_on_two_processes_writes_the_uninterrupted_output(tmp_path: Path) -> None:
    _, whole = uninterrupted()
    cut = cuts_around_tables(whole)[3]  # right after the first table, before its decision
    assert whole[:cut].endswith(b"\n")
    assert is_table(json.loads(lines_of(whole[:cut])[-1]))
    resumed = resume_from(tmp_path, cut, registry=PolicyRegistry.load, jobs=2, chunk_size=2)
    assert resumed == whole
    assert multiprocessing.active_children() == []


def test_resume_refuses_an_output_whose_decision_names_a_table_it_lacks(tmp_path: Path) -> None:
    text, whole = uninterrupted()
    lines = lines_of(whole)
    first = next(i for i, line in enumerate(lines) if is_table(json.loads(line)))
    cut = [line for i, line in enumerate(lines) if i != first]  # the first table deleted
    refused_resume(
        tmp_path, text, cut[: first + 2], r"line \d+: its rule table 't[0-9a-f]{16}' is in no"
    )


def refused_resume(folder: Path, text: str, written: list[str], match: str) -> None:
    """Resuming the input ``text`` onto the output lines ``written`` is refused with an error
    matching ``match``, and the output is left as it was."""
    source, target = folder / "cases.jsonl", folder / "out.jsonl"
    source.write_text(text, encoding="utf-8")
    target.write_text("".join(line + "\n" for line in written), encoding="utf-8")
    before = target.read_bytes()
    with pytest.raises(AtbalstsError, match=match):
        evaluate_file(source, target, as_of=None, resume=True, registry=registry())
    assert target.read_bytes() == before  # nothing written over it


# -- the error file -------------------------------------------------------------------------------


def test_the_rule_tables_stay_in_the_output_beside_an_error_file(tmp_path: Path) -> None:
    text, whole = uninterrupted()
    source = tmp_path / "cases.jsonl"
    source.write_text(text, encoding="utf-8")
    out, bad = tmp_path / "out.jsonl", tmp_path / "bad.jsonl"
    evaluate_file(source, out, as_of=None, registry=registry(), errors=bad)
    assert table_ids(lines_of(bad.read_bytes())) == []
    assert table_ids(lines_of(out.read_bytes())) == table_ids(lines_of(whole))
    decisions = [r for r in expand_records(lines_of(out.read_bytes())) if "learner_id" in r]
    assert decisions == [r for r in expand_records(lines_of(whole)) if "learner_id" in r]


# -- an output that is not whole --------------------------------------------------------------


def test_a_decision_whose_table_is_missing_is_an_error_naming_the_line() -> None:
    _, whole = uninterrupted()
    lines = lines_of(whole)
    first = next(at for at, line in enumerate(lines) if is_table(json.loads(line)))
    table = json.loads(lines[first])["rule_table"]
    assert json.loads(lines[first + 1])["policy"] == table
    cases = {
        "missing": [*lines[:first], *lines[first + 1 :]],
        "after": [*lines[:first], lines[first + 1], lines[first], *lines[first + 2 :]],
    }
    for name, broken in cases.items():
        number = first + 1  # the output line of the decision, counted from 1
        with pytest.raises(AtbalstsError, match=f"line {number}:") as raised:
            list(expand_records(broken))
        assert table in str(raised.value), name
    # what came before the decision is given first: the reader streams
    read = expand_records(cases["missing"])
    assert [next(read) for _ in range(first)] == [json.loads(x) for x in lines[:first]]
    with pytest.raises(AtbalstsError, match=f"line {first + 1}:"):
        next(read)


def test_a_line_that_is_not_a_json_object_is_an_error_naming_the_line() -> None:
    _, whole = uninterrupted()
    lines = lines_of(whole)
    with pytest.raises(AtbalstsError, match="line 3 is not a JSON object"):
        list(expand_records([*lines[:2], "[1, 2]", *lines[2:]]))


# -- a rule table record that is not one ----------------------------------------------------------

#: Ways a ``rule_table`` record can be broken, with the field each error must name.
BROKEN_TABLES = {
    "id not a string": (lambda t: {**t, "rule_table": 5}, "rule_table"),
    "id empty": (lambda t: {**t, "rule_table": ""}, "rule_table"),
    "rules missing": (lambda t: {k: v for k, v in t.items() if k != "rules"}, "rules"),
    "groups not an object": (lambda t: {**t, "groups": []}, "groups"),
    "stamp missing": (lambda t: {k: v for k, v in t.items() if k != "stamp"}, "stamp"),
    "a rule not an object": (
        lambda t: {**t, "rules": {**t["rules"], next(iter(t["rules"])): 5}},
        r"rules\.[\w.]+",
    ),
}


def broken_output(break_it: Any) -> tuple[str, list[str], int]:
    """The input and output of an uninterrupted run with its first rule table broken by
    ``break_it``, and the output line (from 1) of that table."""
    text, whole = uninterrupted()
    lines = lines_of(whole)
    first = next(i for i, line in enumerate(lines) if is_table(json.loads(line)))
    lines[first] = json.dumps(break_it(json.loads(lines[first])), ensure_ascii=False)
    return text, lines, first + 1


@pytest.mark.parametrize("name", sorted(BROKEN_TABLES))
def test_a_broken_rule_table_is_an_error_naming_its_line_and_field(name: str) -> None:
    break_it, field = BROKEN_TABLES[name]
    _, lines, number = broken_output(break_it)
    with pytest.raises(AtbalstsError, match=rf"line {number}: {field}\b"):
        list(expand_records(lines))


@pytest.mark.parametrize("name", sorted(BROKEN_TABLES))
def test_resume_refuses_an_output_with_a_broken_rule_table(tmp_path: Path, name: str) -> None:
    break_it, field = BROKEN_TABLES[name]
    text, lines, number = broken_output(break_it)
    refused_resume(
        tmp_path, text, lines[: number + 1], rf"line {number}: not a rule table \({field}\b"
    )


@pytest.mark.parametrize(("key", "what"), [("bases", "legal basis"), ("parameters", "parameter")])
def test_a_decision_naming_what_its_table_lacks_is_an_error_naming_its_line(
    key: str, what: str
) -> None:
    _, lines, number = broken_output(lambda t: {**t, key: {}})  # the first table emptied
    lacks = rf"line (\d+): {what} '[^']+' is not in rule table"
    with pytest.raises(AtbalstsError, match=lacks) as raised:
        list(expand_records(lines))
    found = re.search(lacks, str(raised.value))
    assert found is not None
    assert int(found.group(1)) > number  # a decision after the table, named by its line


def test_a_table_announced_by_a_line_that_then_fails_is_still_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first line of a policy fails after its rule table was made: the line gets its error
    record and the table stays before it, so every later decision still reads back whole."""
    import atbalsts.batch._decide as decide

    real = decide.compact_decision
    calls = {"n": 0}

    def first_fails(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("year 10000 is out of range")
        return real(*args, **kwargs)

    monkeypatch.setattr(decide, "compact_decision", first_fails)
    line = examples()[0]
    records = list(iter_decisions([line, line, line], registry=registry(), as_of=date(2025, 11, 3)))
    assert [(r.kind, r.line) for r in records] == [
        ("rule_table", 1),
        ("error", 1),
        ("decision", 2),
        ("decision", 3),
        ("summary", None),
    ]
    decisions = [d for d in expand_records(r.text for r in records) if "learner_id" in d]
    assert len(decisions) == 2
    assert all(isinstance(d["policy"], dict) for d in decisions)
