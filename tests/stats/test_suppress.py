"""No cell of 1-4 learners is shown, and no hidden cell can be worked out from what is shown."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.stats import MIN_LEARNERS, Table, count

from .helpers import TOTAL, attack, batches, recount, synthetic_batch, told_by_columns

GROUPINGS = [(), ("municipality",), ("school",), ("school", "term"), ("grade", "term")]


def check_invariants(table: Table, expected: dict[Any, Any]) -> None:
    rows = [*table.rows, table.total]
    for index, row in enumerate(rows):
        key = TOTAL if index == len(table.rows) else row.key
        decided = expected.get(key, {}).get(("learners_decided", None), (0, 0))[0]
        for column, cell in row.cells.items():
            true = expected.get(key, {}).get(column, (0, 0))[0]
            if 0 < decided < MIN_LEARNERS:
                assert cell.suppressed, ("a small group shows", key, column)
            if cell.suppressed:
                assert cell.learners is None
                assert cell.items is None
                continue
            assert cell.learners == true
            assert not 0 < true < MIN_LEARNERS, ("small cell shown", key, column)
            if column != ("learners_decided", None) and true:
                assert not 0 < decided - true < MIN_LEARNERS, ("small complement", key, column)
    if table.by:
        for column in table.columns:
            hidden = sum(row.cells[column].suppressed for row in rows)
            assert hidden != 1, ("a column with one hidden cell", column)
    assert attack(table) == {}
    assert told_by_columns(table) == set()


@given(batches(), st.sampled_from(GROUPINGS))
def test_hidden_cells_stay_hidden(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: tuple[str, ...]
) -> None:
    decisions, cases = batch
    check_invariants(count(decisions, cases, by), recount(decisions, cases, by))


@pytest.mark.parametrize("by", GROUPINGS)
@pytest.mark.parametrize("size", [30, 300, 3000])
def test_hidden_cells_stay_hidden_in_larger_batches(by: tuple[str, ...], size: int) -> None:
    decisions, cases = synthetic_batch(seed=size, size=size)
    table = count(decisions, cases, by)
    check_invariants(table, recount(decisions, cases, by))


def _learner(i: int, school: str, groups: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    factor = {"economic": "paid_work", "family": "unfavourable_family_environment"}
    decision = {
        "learner_id": f"L-{i}",
        "as_of": "2025-03-03",
        "policy": {"municipality": "bauska"},
        "complete": True,
        "findings": [{"factor": factor[g], "group": g} for g in groups],
        "obligations": [],
        "referrals": [],
    }
    case = {
        "learner": {
            "id": f"L-{i}",
            "enrolment": {
                "school_id": school,
                "municipality": "bauska",
                "programme": "general_basic",
                "grade": 5,
            },
        }
    }
    return decision, case


def _schools(spec: dict[str, list[list[str]]]) -> Table:
    pairs = [
        _learner(i, school, groups)
        for i, (school, groups) in enumerate(
            (school, groups) for school, learners in spec.items() for groups in learners
        )
    ]
    return count([d for d, _ in pairs], [c for _, c in pairs], ("school",))


def test_a_small_cell_is_hidden_with_a_second_one_in_its_column() -> None:
    table = _schools(
        {
            "A": [["economic"]] * 3 + [[]] * 20,
            "B": [["economic"]] * 12 + [[]] * 20,
            "C": [["economic"]] * 30 + [[]] * 20,
        }
    )
    economic = [table.cell((s,), "findings_by_risk_group", "economic") for s in "ABC"]
    assert [c.suppressed for c in economic] == [True, True, False]  # B, the smallest beside A
    assert economic[2].learners == 30
    total = table.cell(None, "findings_by_risk_group", "economic")
    assert total.learners == 45  # the total is shown: A and B are known only together (15)
    # With one risk group met, "learners with findings" equals that group: hidden alike.
    assert table.cell(("A",), "learners_with_findings").suppressed
    assert table.cell(("B",), "learners_with_findings").suppressed
    assert table.cell(("C",), "learners_with_findings").learners == 30


def test_a_small_group_shows_nothing_not_even_zeros() -> None:
    table = _schools({"A": [[]] * 3, "B": [["family"]] * 10 + [[]] * 10, "C": [[]] * 20})
    assert all(cell.suppressed for cell in table.rows[0].cells.values())
    assert table.cell(("C",), "findings_by_risk_group", "family") == table.cell(
        ("C",), "findings_by_risk_group", "family"
    )
    decided = [table.cell((s,), "learners_decided") for s in "ABC"]
    assert decided[0].suppressed
    assert decided[1].suppressed
    # C's too: A shows nothing, so holds 1 to 4, and B shows its zeros, so holds 5 or more;
    # with C shown, B would be 23 less A, 19 to 22
    assert decided[2].suppressed
    assert table.cell(None, "learners_decided").learners == 43


def test_a_cell_close_to_its_group_size_is_hidden() -> None:
    table = _schools({"A": [["economic"]] * 18 + [[]] * 2, "B": [["economic"]] * 9 + [[]] * 9})
    # 18 of 20: the 2 without would follow by subtraction from the learners decided.
    assert table.cell(("A",), "findings_by_risk_group", "economic").suppressed
    assert table.cell(("A",), "learners_decided").learners == 20


def test_the_rule_is_stated_in_both_languages() -> None:
    table = count([])
    assert "fewer than 5" in table.rule("en")
    assert "mazāk par 5" in table.rule("lv")


@pytest.mark.parametrize("rule", ["_close_column", "_close_family"])
def test_the_attacker_wins_when_a_secondary_rule_is_off(
    rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above can fail: without either secondary rule, a hidden cell comes out."""
    from atbalsts.stats import _suppress

    # B's economic cell is hidden beside A's; B has no other risk group, so its "learners with
    # findings" equals it, and D (not B) is hidden beside A in that column.
    spec = {
        "A": [["economic"]] * 3 + [[]] * 20,
        "B": [["economic"]] * 12 + [[]] * 20,
        "C": [["economic"]] * 30 + [[]] * 20,
        "D": [["family"]] * 6 + [[]] * 20,
    }
    assert attack(_schools(spec)) == {}  # with the rule on
    monkeypatch.setattr(_suppress, rule, lambda *args: False)
    # Rule 5 (the bounds check) would catch it on its own: off too, to see the rule's part.
    monkeypatch.setattr(_suppress, "_protect", lambda *args: None)
    recovered = attack(_schools(spec))
    assert recovered, "nothing recovered"
    assert 3 in recovered.values()
