"""The counts of real ``atbalsts batch`` output: decisions that name their policy by id in a
``rule_table`` record count as the whole decisions of ``--self-contained`` output, and as an
independent recount of the output read back with :func:`~atbalsts.batch.expand_records`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts import SupportCase
from atbalsts.batch import expand_records
from atbalsts.cli import main
from atbalsts.stats import count, count_files, run_stats
from atbalsts.stats._records import OTHER, is_rule_table, kind_of
from atbalsts.testing import strategies as ats

from .helpers import (
    as_json,
    assert_matches,
    batch_output,
    clustered_cases,
    example_cases,
    recount,
)

BY_ALL = ("municipality", "school", "grade", "term")
GROUPINGS = ((), ("municipality",), ("municipality", "term"), ("school", "grade"), BY_ALL)


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATBALSTS_LANG", "en")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The input (the bundled examples, generated learners of three municipalities on two
    dates, an invalid line and a blank one) and the two outputs ``atbalsts batch`` writes of it,
    each case decided on its latest observation (a generated case without one is an error
    record): the default one and the ``--self-contained`` one."""
    folder = tmp_path_factory.mktemp("stats-batch")
    cases = [as_json(case) for case, _ in example_cases()]
    for as_of, seed in ((date(2024, 11, 15), 1), (date(2025, 3, 3), 2)):
        for municipality, size in (("bauska", 40), ("parauga", 30), ("ogre", 20)):
            generated = clustered_cases(
                size, as_of, municipality, schools=2, seed=seed, tag=f"{seed}-"
            )
            cases.extend(as_json(c) for c in generated)
    lines = [json.dumps(c, ensure_ascii=False) for c in cases]
    lines[5:5] = ['{"learner": {}}', ""]
    source = folder / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    default, whole = folder / "default.jsonl", folder / "whole.jsonl"
    assert main(["batch", str(source), "--jobs", "1", "-o", str(default)]) == 2
    assert main(["batch", str(source), "--jobs", "1", "-o", str(whole), "--self-contained"]) == 2
    return source, default, whole


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a batch output as written, read on newline only."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_the_default_output_names_its_tables_by_id(batch: tuple[Path, Path, Path]) -> None:
    """What the tests below rely on: the two outputs differ as documented."""
    _, default, whole = batch
    tables = [r for r in records(default) if is_rule_table(r)]
    assert len(tables) >= 3  # three municipalities, at least one policy each
    decisions = [r for r in records(default) if "learner_id" in r]
    assert decisions
    assert all(isinstance(d["policy"], str) for d in decisions)
    assert not any(is_rule_table(r) for r in records(whole))
    assert all(isinstance(r["policy"], dict) for r in records(whole) if "learner_id" in r)


def test_the_default_output_counts_as_the_self_contained_one(
    batch: tuple[Path, Path, Path],
) -> None:
    source, default, whole = batch
    for by in GROUPINGS:
        for cases in (source, None):
            if cases is None and ("school" in by or "grade" in by):
                continue
            compact = count_files(default, cases, by)
            assert compact == count_files(whole, cases, by), (by, cases)
    table = count_files(default, source, ("municipality",))
    assert {row.key[0] for row in table.rows} >= {"bauska", "parauga", "ogre"}
    assert None not in {row.key[0] for row in table.rows}
    decided = sum("learner_id" in r for r in records(whole))
    assert decided > 100
    assert table.records.decisions + table.records.duplicates == decided
    assert table.records.errors == sum("error" in r for r in records(whole))
    assert (table.records.invalid, table.records.other, table.records.unreadable) == (1, 1, 0)
    by_id = count_files(default, source, BY_ALL, join="id")
    assert by_id == count_files(whole, source, BY_ALL, join="id")


def test_atbalsts_stats_writes_the_same_file_of_either_output(
    batch: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    source, default, whole = batch
    for fmt in ("json", "csv"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        args = ["--cases", str(source), "--format", fmt, "--lang", "lv", "-o", str(a)]
        assert main(["stats", str(default), *args]) == 0
        run_stats(whole, source, "municipality", fmt, "lv", b)
        assert a.read_bytes() == b.read_bytes(), fmt


def test_real_batch_output_counts_as_recounted(batch: tuple[Path, Path, Path]) -> None:
    source, default, _ = batch
    with default.open(encoding="utf-8") as lines:
        decisions = list(expand_records(lines))
    with source.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines if line.strip()]
    valid = [c for c in cases if "id" in c["learner"]]  # the invalid line has no decision
    for by in GROUPINGS:
        assert_matches(count_files(default, source, by), recount(decisions, valid, by))
    # and the parsed lines, passed as Python objects, count as the file
    assert count(records(default), cases, BY_ALL) == count_files(default, source, BY_ALL)


def test_a_rule_table_is_read_not_counted() -> None:
    table = {"rule_table": "t0123456789abcdef", "stamp": {}, "rules": {}}
    assert kind_of(table) == OTHER
    assert is_rule_table(table)
    assert not is_rule_table({"line": 1, "rule_table": "t0123456789abcdef"})
    assert not is_rule_table({"summary": {}})


def test_a_decision_whose_table_is_missing_is_unreadable_not_counted(
    batch: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    source, default, _ = batch
    written = records(default)
    first = next(r for r in written if is_rule_table(r))
    naming = sum(r.get("policy") == first["rule_table"] for r in written if "learner_id" in r)
    assert naming
    whole = count_files(default, source, ("municipality",))
    for broken_table in (None, {"rule_table": first["rule_table"]}):  # left out, or not a table
        kept = [r for r in written if r is not first]
        if broken_table is not None:
            kept.insert(written.index(first), broken_table)
        cut = tmp_path / "cut.jsonl"
        cut.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")
        table = count_files(cut, None, ("municipality",))
        unreadable = naming + (broken_table is not None)
        assert table.records.unreadable == unreadable, broken_table
        readable = table.records.decisions + table.records.duplicates
        assert readable == whole.records.decisions + whole.records.duplicates - naming
        assert None not in {row.key[0] for row in table.rows}  # never under no municipality


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(
        ats.support_cases(
            municipality=st.sampled_from(["bauska", "parauga", "ogre"]),
            as_of=st.sampled_from([date(2024, 11, 15), date(2025, 3, 3)]),
        ),
        max_size=20,
    )
)
def test_generated_cases_count_alike_in_either_output(generated: list[SupportCase]) -> None:
    lines = [case.model_dump_json() for case in generated]
    default = [json.loads(x) for x in batch_output(lines)]
    whole = [json.loads(x) for x in batch_output(lines, self_contained=True)]
    for by in (("municipality",), ("municipality", "term")):
        assert count(default, None, by) == count(whole, None, by)
    cases = [as_json(c) for c in generated]
    assert count(default, cases, BY_ALL) == count(whole, cases, BY_ALL)


@pytest.mark.parametrize("missing", ["findings", "obligations", "referrals"])
def test_a_whole_decision_without_a_list_is_unreadable_not_empty(
    batch: tuple[Path, Path, Path], tmp_path: Path, missing: str
) -> None:
    """A Decision document holds every list, empty or not: one without its findings (or
    obligations, or referrals) is unreadable, never counted as a learner with none. A compact
    decision leaves out its empty lists, and is read as before."""
    _, default, whole = batch
    written = records(whole)
    decided = [r for r in written if "learner_id" in r]
    cut = tmp_path / "cut.jsonl"
    for record in decided:
        record.pop(missing)
    cut.write_text("".join(json.dumps(r) + "\n" for r in written), encoding="utf-8")
    table = count_files(cut, None, ())
    assert table.records.unreadable == len(decided)
    assert table.records.decisions == 0
    compact = count_files(default, None, ())
    assert compact.records.unreadable == 0
    assert compact.records.decisions + compact.records.duplicates == len(decided)


def test_a_role_view_is_unreadable_not_counted(tmp_path: Path) -> None:
    """A role's view leaves out what the role may not see (the police see no findings): counted,
    it said that no learner had any. Each view line is unreadable instead."""
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(as_json(c)) + "\n" for c, _ in example_cases()))
    for role in ("police", "class_teacher", "psychologist", "municipal_coordinator"):
        views = tmp_path / f"{role}.jsonl"
        assert main(["batch", str(source), "--role", role, "-o", str(views)]) in (0, 2)
        table = count_files(views, None, ())
        assert table.records.decisions == 0
        assert table.records.unreadable == len(example_cases())
