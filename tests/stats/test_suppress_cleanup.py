"""Rule 5 of the suppression, checked by what it promises rather than by how it is written.

Rule 5 hides more cells until no hidden cell can be bounded, by the relations a reader sees, to
fewer than ``min_learners`` values. The checks here hold for any threshold, not only 5, and for
groupings with many rows: rule 5's own bounds are sound (every hidden count lies within them)
and leave every hidden cell wide enough, and an attacker written apart from ``_suppress`` agrees.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts.stats import Table, _count, _suppress, count

from .helpers import batches
from .test_disclosure import _dec, _schools, narrowed

GROUPINGS = [(), ("school",), ("municipality", "term"), ("school", "grade"), ("grade", "term")]


def _counted(
    decisions: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    by: tuple[str, ...],
    min_learners: int,
) -> tuple[Table, _suppress.Grid, set[_suppress.Spot]]:
    """The table, with the grid :func:`count` handed to the suppression and what it hid."""
    seen: list[tuple[_suppress.Grid, set[_suppress.Spot]]] = []
    real = _count.suppress

    def spy(grid: _suppress.Grid, m: int) -> set[_suppress.Spot]:
        hidden = real(grid, m)
        seen.append((grid, set(hidden)))
        return hidden

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_count, "suppress", spy)
        table = count(decisions, cases, by, min_learners=min_learners)
    ((grid, hidden),) = seen
    return table, grid, hidden


@settings(max_examples=60, deadline=None)
@given(batches(120), st.sampled_from(GROUPINGS), st.sampled_from([5, 6, 7, 10]))
def test_no_hidden_cell_is_bounded_to_fewer_than_the_threshold(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: tuple[str, ...], m: int
) -> None:
    decisions, cases = batch
    table, grid, hidden = _counted(decisions, cases, by, m)
    relations = _suppress._Relations(grid, _suppress._families(grid))
    lo, hi = relations.bounds(hidden, m) if hidden else ([], [])
    # A table of fewer than m learners shows nothing at all (rule 1): nothing more to protect.
    shows = grid.learners[-1].get(_suppress.DECIDED, 0) >= m
    small = _suppress._small_rows(grid, hidden, m)
    for spot in hidden:
        var = relations.var(spot)
        counts = [(var, grid.learners[spot[0]].get(spot[1], 0))]
        if _suppress.metric_counts_items(spot[1]):
            counts.append((var + relations.n, grid.items[spot[0]].get(spot[1], 0)))
        for v, true in counts:
            assert lo[v] <= true <= hi[v], ("bounds exclude the true count", spot, v == var)
            if not shows or (lo[v], hi[v]) == (0, 0):
                # Known gap, left open: a small group's zero under a column total of 0 is
                # pinned to 0.
                continue
            if spot[1] == _suppress.DECIDED and spot[0] in small:
                # A group that shows nothing holds 1 to m - 1 (rule 1), no closer.
                assert (lo[v], hi[v]) == (1, m - 1), ("narrowed", spot, lo[v], hi[v])
            else:
                assert hi[v] - lo[v] + 1 >= m, ("narrowed", spot, v == var, lo[v], hi[v])
    # The attacker of test_disclosure, which reads only the published table, agrees.
    assert {s: b for s, b in narrowed(table).items() if b != (0, 0)} == {}


def test_rule_5_hides_a_cell_of_the_relation_that_binds_not_merely_the_smallest() -> None:
    """Two single obligations (1 and 1) of a family whose things add up to a shown 10: the
    actions' sum pins each to 1. Rule 5 hides the other action (8), which the sum reaches
    through the hidden things; not the smaller cells of 5 beside them, which bound nothing."""
    obligations: list[list[dict[str, str]]] = [[{"action": "record_in_viis"}]] * 8
    obligations += [[{"action": "inform_parents"}], [{"action": "report_threat"}]]
    obligations += [[]] * 10
    table = count(
        [_dec(f"L{i}", findings=i >= 15, obligations=o) for i, o in enumerate(obligations)]
    )
    assert table.cell(None, "obligations_by_action", "inform_parents").suppressed
    assert table.cell(None, "obligations_by_action", "record_in_viis").suppressed
    assert table.cell(None, "obligations_by_state", "not_tracked").learners == 10
    assert table.cell(None, "learners_with_findings").learners == 5
    assert table.cell(None, "findings_by_risk_group", "learning_and_school").learners == 5
    assert narrowed(table) == {}


def test_the_tie_rule_is_not_implied_by_rule_5() -> None:
    """A hidden "learners decided" takes with it the cells equal to it (rules 3 and 4 then run
    on those). Rule 5 alone would protect the same cells, but by hiding others: so the tie rule
    is kept, as removing it would change what is published."""
    spec = {"A": (2, 0), "B": (7, 7), "C": (20, 5), "D": (30, 10)}

    def published(table: Table) -> dict[str, int | None]:
        return {
            "C decided": table.cell(("C",), "learners_decided").learners,
            "total low achievement": table.cell(
                None, "findings_by_factor", "low_achievement"
            ).learners,
        }

    table = _schools(spec, "findings")
    # B's 7 learners all have findings: hidden with B's hidden learners decided. C's learners
    # decided is hidden too: A (1 to 4, as it shows nothing) and B (5 or more, as it shows
    # its zeros) make 9 together, which would bound B to 5 to 8.
    assert table.cell(("B",), "learners_decided").suppressed
    assert table.cell(("B",), "learners_with_findings").suppressed
    assert published(table) == {"C decided": None, "total low achievement": 22}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_suppress, "_close_ties", lambda *args: False)
        without = _schools(spec, "findings")
    assert without.cell(("B",), "learners_with_findings").suppressed
    assert narrowed(without) == {}
    assert published(without) == {"C decided": None, "total low achievement": None}
