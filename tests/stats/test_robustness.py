"""Inputs and outputs that once broke ``atbalsts stats`` or gave a small count away: the records
counts of learners, deliveries, an empty report, a ``$`` in a school id, a deeply nested line,
a spreadsheet formula in a school id."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts import SupportCase
from atbalsts.cli import main
from atbalsts.stats import (
    MIN_LEARNERS,
    as_dict,
    count,
    count_files,
    write_csv,
    write_html,
)
from atbalsts.stats._count import learner_cells
from atbalsts.stats._records import case_facts, decision_facts
from atbalsts.stats._write import LEARNER_RECORDS, csv_text, shown_records

from .helpers import EXAMPLES

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def decision(learner: str, as_of: str = "2025-03-03", **extra: Any) -> dict[str, Any]:
    return {
        "learner_id": learner,
        "as_of": as_of,
        "policy": {"municipality": "m"},
        "complete": True,
        "findings": [],
        "obligations": [],
        "referrals": [],
        **extra,
    }


def case(learner: str, school: str) -> dict[str, Any]:
    enrolment = {"municipality": "m", "school_id": school, "programme": "basic", "grade": 5}
    return {"learner": {"id": learner, "enrolment": enrolment}, "plans": [], "referrals": []}


# --- 4: the records counts of learners are hidden as cells are ---------------------------------


def _two_without_case() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    decisions = [decision(f"S{i}") for i in range(50)]
    cases = [case(f"S{i}", "A" if i < 20 else "B") for i in range(50)]
    finding = [{"factor": "low_achievement", "group": "learning"}]
    decisions += [decision(f"N{i}", findings=finding) for i in range(2)]  # no case
    return decisions, cases


def test_a_small_count_of_decisions_without_case_is_hidden() -> None:
    decisions, cases = _two_without_case()
    table = count(decisions, cases, ("school",), join="id")
    assert table.records.without_case == 2  # what was read, kept for the caller
    assert table.cell((None,), "learners_decided").suppressed
    records = as_dict(table, "en")["records"]
    assert records["without_case"] is None
    # shown in the table's total anyway (with school A's learners decided hidden beside the
    # group without a case, B's is too: A shows a cell, so holds 5 or more, and the group
    # without a case shows none, so holds 1 to 4; A and it alone would make 22, A 18 to 21)
    assert records["decisions"] == 52
    out = io.StringIO()
    write_csv(table, out, "en")
    assert "without_case=…" in out.getvalue()
    assert "without_case=2" not in out.getvalue()


def test_decisions_are_hidden_with_the_total_they_equal(tmp_path: Path) -> None:
    table = count([decision(f"x{i}") for i in range(3)], None, ("municipality",))
    assert table.total.cells[("learners_decided", None)].suppressed
    assert as_dict(table, "en")["records"]["decisions"] is None
    out = io.StringIO()
    write_csv(table, out, "en")
    assert "decisions=3" not in out.getvalue()
    page = io.StringIO()
    write_html(table, page, "en", charts=False)
    records = re.search(r'<table id="records">.*?</table>', page.getvalue())
    assert records is not None
    assert '<td class="hidden">…</td>' in records.group(0)
    assert '<td class="n">3</td>' not in records.group(0)


def test_the_command_does_not_log_a_hidden_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(decision(f"x{i}")) + "\n" for i in range(3)))
    assert main(["--lang", "en", "stats", str(path)]) == 0
    err = capsys.readouterr().err
    assert "… decisions counted" in err
    assert "3 decisions" not in err


def test_a_small_complement_of_decisions_without_case_is_hidden() -> None:
    decisions = [decision(f"N{i}") for i in range(20)] + [decision("S0"), decision("S1")]
    table = count(decisions, [case("S0", "A"), case("S1", "A")], ("school",), join="id")
    assert table.records.without_case == 20
    assert shown_records(table)["without_case"] is None  # 22 - 20 would give school A's 2


@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=0, max_size=40),
    st.integers(MIN_LEARNERS, 9),
)
def test_no_records_count_of_learners_is_small(plan: list[tuple[int, bool]], m: int) -> None:
    """Whatever the mix of learners with and without a case, of duplicates and of cases no
    decision used, no count of learners shown is between 1 and ``min_learners - 1``, and
    ``decisions - without_case`` cannot be worked out as such a number either."""
    decisions, cases = [], []
    for i, (kind, twice) in enumerate(plan):
        learner = f"L{i}"
        if kind != 3:
            decisions.append(decision(learner))
            if twice:
                decisions.append(decision(learner))
        if kind in (1, 3):  # with a case (3: a case no decision uses)
            cases.append(case(learner, "A"))
    table = count(decisions, cases, ("school",), join="id", min_learners=m)
    shown = shown_records(table)
    for name in LEARNER_RECORDS:
        value = shown[name]
        assert value is None or value == 0 or value >= m, name
    if shown["decisions"] is not None and shown["without_case"]:
        assert not 0 < shown["decisions"] - shown["without_case"] < m


def test_line_counts_are_shown_as_they_are() -> None:
    decisions = [decision(f"x{i}") for i in range(3)] + [{"invalid": "x"}, {"error": "y"}]
    records = as_dict(count(decisions, None, ()), "en")["records"]
    assert (records["invalid"], records["errors"]) == (1, 1)


# --- 6: deliveries ---------------------------------------------------------------------------


def _delivered_case(deliveries: list[dict[str, Any]]) -> dict[str, Any]:
    document = json.loads((EXAMPLES / "05-parauga-mentor-age13.json").read_text())
    document["plans"][0]["deliveries"] = deliveries
    SupportCase.model_validate(document)  # a valid case
    return document


def _delivery_cells(document: dict[str, Any]) -> dict[tuple[str, str | None], int]:
    facts = decision_facts(decision(document["learner"]["id"], "2026-02-20"))
    cells = learner_cells(facts, case_facts(document))
    return {c: n for c, n in cells.items() if c[0].startswith("measures_deliver")}


def test_a_measure_with_a_delivery_counts_as_delivered() -> None:
    document = _delivered_case([{"measure": 0, "on": "2026-02-10", "sessions": 2}])
    assert _delivery_cells(document) == {
        ("measures_delivery", "delivered"): 1,
        ("measures_delivered_by_kind", "mentor_support"): 1,
        ("measures_delivered_by_funder", "skola_kopiena"): 1,
        ("measures_delivery", "not_delivered"): 1,  # the plan records deliveries, none for it
    }
    # The document itself reads alike.
    model = SupportCase.model_validate(document)
    assert case_facts(model) == case_facts(document)


def test_a_plan_with_no_delivery_is_not_tracked_and_an_empty_one_gives_nothing() -> None:
    assert _delivery_cells(_delivered_case([])) == {("measures_delivery", "not_tracked"): 2}
    empty = _delivered_case([{"measure": 1, "on": "2026-02-10", "sessions": 0}])
    assert _delivery_cells(empty) == {("measures_delivery", "not_delivered"): 2}
    hours = _delivered_case([{"measure": 1, "on": "2026-02-10", "hours": 1.5}])
    assert _delivery_cells(hours)[("measures_delivered_by_kind", "social_pedagogue_support")] == 1


def test_deliveries_reach_the_table() -> None:
    document = _delivered_case([{"measure": 0, "on": "2026-02-10", "sessions": 2}])
    cases, decisions = [], []
    for i in range(12):
        one = copy.deepcopy(document)
        one["learner"]["id"] = f"L{i}"
        cases.append(one)
        # the stamp names the case's municipality, as a decision of the case does
        stamp = {"municipality": one["learner"]["enrolment"]["municipality"]}
        decisions.append(decision(f"L{i}", "2026-02-20", policy=stamp))
    table = count(decisions, cases, ())
    assert table.cell(None, "measures_delivery", "not_tracked").learners == 0
    assert table.cell(None, "measures_delivery", "not_delivered").learners == 12


# --- 7: an HTML report with no rows -------------------------------------------------------------


@pytest.mark.parametrize("by", [("school",), ("municipality", "term"), ()])
def test_a_report_with_no_decision_is_drawn(by: tuple[str, ...]) -> None:
    pytest.importorskip("matplotlib")
    for decisions in ([], [{"invalid": "x", "line": 1}]):
        table = count(decisions, [], by)
        page = io.StringIO()
        write_html(table, page, "en")
        assert "<svg" in page.getvalue()


# --- 8: a $ in a school id ---------------------------------------------------------------------


@pytest.mark.parametrize("school", [r"A$\frac$B", "$x_1$"])
def test_a_dollar_in_a_school_id_is_drawn_as_text(school: str) -> None:
    pytest.importorskip("matplotlib")
    decisions = [decision(f"L{i}") for i in range(6)]
    table = count(decisions, [case(f"L{i}", school) for i in range(6)], ("school",))
    page = io.StringIO()
    write_html(table, page, "en")
    text = page.getvalue()
    charts = re.findall(r"<svg.*?</svg>", text, flags=re.DOTALL)
    assert charts
    assert any(school in chart for chart in charts)  # as text, not drawn as maths


# --- 9: a deeply nested line -------------------------------------------------------------------


def test_a_deeply_nested_line_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    lines = ["[" * 200_000] + [json.dumps(decision(f"x{i}")) for i in range(6)]
    path.write_text("\n".join(lines) + "\n")
    table = count_files(path, None, ())
    assert table.records.unreadable == 1
    assert table.records.decisions == 6


# --- 10: a formula in a school id -------------------------------------------------------------


def _csv_rows(school: str) -> list[dict[str, str]]:
    decisions = [decision(f"L{i}") for i in range(6)]
    table = count(decisions, [case(f"L{i}", school) for i in range(6)], ("school",))
    out = io.StringIO()
    write_csv(table, out, "en")
    body = "".join(line for line in out.getvalue().splitlines(True) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


def test_a_formula_in_a_school_id_is_written_as_text() -> None:
    rows = _csv_rows('=HYPERLINK("http://example.invalid","x")')
    groups = [r for r in rows if r["scope"] == "group"]
    assert groups
    assert {r["school"] for r in groups} == {'\'=HYPERLINK("http://example.invalid","x")'}


@given(st.text(max_size=12))
def test_no_csv_text_cell_starts_a_formula(school: str) -> None:
    safe = csv_text(school)
    assert not safe.startswith(FORMULA)
    assert safe == school or safe == "'" + school
    assert (safe != school) == school.startswith(FORMULA)


def test_the_module_command_does_not_log_a_hidden_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts.stats._run import main as module_main  # python -m atbalsts.stats

    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(decision(f"x{i}")) + "\n" for i in range(3)))
    assert module_main([str(path)]) == 0
    err = capsys.readouterr().err
    assert "… decisions counted" in err
    assert "3 decisions" not in err


def test_without_case_is_hidden_with_the_group_it_counts() -> None:
    """Found in review: schools of 3, 20 and 30 learners and 7 decisions without a case; the
    secondary rules hide the no-case group, so its count among the records must be hidden too
    (else the small school is 60 - 20 - 30 - 7 = 3)."""

    decisions, cases = [], []
    for school, size in (("A", 3), ("B", 20), ("C", 30)):
        for _ in range(size):
            learner = f"L-{len(decisions)}"
            decisions.append(decision(learner))
            cases.append(case(learner, school))
    decisions += [decision(f"L-{len(decisions) + i}") for i in range(7)]  # decided, no case
    table = count(decisions, cases, ("school",), join="id")
    unknown = next(row for row in table.rows if row.key == (None,))
    assert unknown.cells[("learners_decided", None)].suppressed
    shown = shown_records(table)
    assert table.records.without_case == 7
    assert shown["without_case"] is None


def test_the_output_is_never_a_pipe_or_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stats -o` refuses a device, named pipe or directory: it replaced it with a file of
    counts (for root, /dev/null itself)."""
    import os
    import stat

    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text(json.dumps(decision("x1")) + "\n", encoding="utf-8")
    pipe, folder = tmp_path / "pipe", tmp_path / "folder"
    os.mkfifo(pipe)
    folder.mkdir()
    for special in (pipe, folder):
        assert main(["stats", str(decisions), "-o", str(special)]) == 2
        assert "nav parasts fails" in capsys.readouterr().err  # the default language, lv
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decisions.jsonl", "folder", "pipe"]
