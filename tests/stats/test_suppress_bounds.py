"""Rule 5's bounds are those of the rule as it reads, however they are worked out.

``_Relations.bounds`` narrows row by row and by column totals, and skips what cannot narrow (an
"le" beside a shown cell after its first bound, a shown cell of a column sum): fast, but the
rule is "every relation, swept again and again until none narrows any bound". That plain sweep
is written here and the two must agree on generated tables: on what the suppression hides and
on parts of it (any part of what is hidden is a table a reader could be shown, as in the rounds
of rule 5 itself). Likewise for the shortcut that tells whether a column sum bounds a cell.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts.stats import _count, _suppress, count

from .helpers import batches

GROUPINGS = [(), ("school",), ("municipality", "term"), ("school", "grade")]


def _grid(
    decisions: list[dict[str, Any]], cases: list[dict[str, Any]], by: tuple[str, ...], m: int
) -> tuple[_suppress.Grid, set[_suppress.Spot]]:
    """The grid :func:`count` hands to the suppression, and what it hides."""
    seen: list[tuple[_suppress.Grid, set[_suppress.Spot]]] = []
    real = _count.suppress

    def spy(grid: _suppress.Grid, min_learners: int) -> set[_suppress.Spot]:
        hidden = real(grid, min_learners)
        seen.append((grid, set(hidden)))
        return hidden

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_count, "suppress", spy)
        count(decisions, cases, by, min_learners=m)
    ((grid, hidden),) = seen
    return grid, hidden


def plain_bounds(
    relations: _suppress._Relations, hidden: set[_suppress.Spot], m: int
) -> tuple[list[int], list[int]]:
    """Bounds by the rule's words: shown cells exact, a hidden learners decided at least 1, at
    least ``m`` in a row that shows a cell, at most ``m - 1`` in one that shows nothing (when
    it is in fact that small); every relation swept until none narrows a bound, and a hidden
    cell of a group (not the total) known to hold ``m`` learners at least 1."""
    grid, width, n = relations.grid, relations.width, relations.n
    lo = [0] * (relations.rows * width)
    hi = [_suppress._BIG] * len(lo)
    for r in range(relations.rows):
        for column, i in relations.index.items():
            if (r, column) not in hidden:
                lo[r * width + i] = hi[r * width + i] = grid.learners[r].get(column, 0)
                lo[r * width + n + i] = hi[r * width + n + i] = grid.items[r].get(column, 0)
        if (r, _suppress.DECIDED) in hidden:
            decided = r * width + relations.decided
            shows = any((r, column) not in hidden for column in grid.columns)
            lo[decided] = m if shows else 1
            if not shows and grid.learners[r].get(_suppress.DECIDED, 0) < m:
                hi[decided] = m - 1
    groups = range(relations.rows - 1) if grid.grouped else range(relations.rows)
    for _ in range(10_000):
        changed: list[int] = []
        for rel in range(relations.count):
            _suppress._narrow(*relations.vars(rel), lo, hi, changed)
        for r, column in hidden:
            var = relations.var((r, column))
            if r in groups and lo[r * width + relations.decided] >= m and lo[var] < 1:
                lo[var] = 1
                changed.append(var)
        if not changed:
            return lo, hi
    raise AssertionError("the plain sweep did not settle")


def _spread(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], schools: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The batch with its learners spread over ``schools`` schools (0: as generated, 3 a
    municipality), for tables of many small groups, where the column sums bound the most."""
    decisions, cases = batch
    if schools:
        pick = random.Random(seed)
        for case in cases:
            case["learner"]["enrolment"]["school_id"] = f"S{pick.randrange(schools)}"
    return decisions, cases


@settings(max_examples=30, deadline=None)
@given(
    batches(80),
    st.sampled_from(GROUPINGS),
    st.sampled_from([5, 6, 10]),
    st.sampled_from([0, 10, 25]),
    st.integers(0, 2**32),
)
def test_the_bounds_are_those_of_sweeping_every_relation(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    by: tuple[str, ...],
    m: int,
    schools: int,
    seed: int,
) -> None:
    grid, hidden = _grid(*_spread(batch, schools, seed), by, m)
    relations = _suppress._Relations(grid, _suppress._families(grid))
    part = {s for s in sorted(hidden) if random.Random(seed).random() < 0.5}
    for shown_to_reader in (hidden, part):
        assert relations.bounds(set(shown_to_reader), m) == plain_bounds(
            relations, shown_to_reader, m
        )


@settings(max_examples=25, deadline=None)
@given(
    batches(80),
    st.sampled_from([("school",), ("municipality", "term")]),
    st.sampled_from([0, 10, 25]),
    st.integers(0, 2**32),
)
def test_whether_a_column_sum_bounds_a_cell_is_read_from_its_totals_alike(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    by: tuple[str, ...],
    schools: int,
    seed: int,
) -> None:
    grid, hidden = _grid(*_spread(batch, schools, seed), by, 5)
    relations = _suppress._Relations(grid, _suppress._families(grid))
    lo, hi = relations.bounds(hidden, 5)
    totals: dict[int, tuple[int, int]] = {}
    for rel in range(relations.first_sum, relations.count):
        _, head, cells = relations.vars(rel)
        for var in (head, *cells):
            fast = _suppress._binds_sum(relations, rel, var, lo, hi, totals)
            assert fast == _suppress._binds(relations, rel, var, lo, hi), (rel, var)


def test_a_group_a_column_sum_shows_to_be_large_has_hidden_cells_of_at_least_one() -> None:
    """Group B's learners decided is hidden, but the column of learners decided gives it
    (38 - 20 - 6 = 12), and so its hidden count of incomplete decisions is at least 1 (zeros
    are shown in a group of 5 or more): a reader learns that from a column sum, after B's own
    relations were worked out, and so must the bounds."""
    decided, findings = ("learners_decided", None), ("learners_with_findings", None)
    incomplete = ("incomplete_decisions", None)
    counts = [  # A, X, B, then the total
        {decided: 20, findings: 10, incomplete: 0},
        {decided: 6, findings: 6, incomplete: 0},
        {decided: 12, findings: 11, incomplete: 3},
        {decided: 38, findings: 27, incomplete: 3},
    ]
    grid = _suppress.Grid(
        columns=(decided, incomplete, findings),
        learners=counts,
        items=[dict.fromkeys(row, 0) for row in counts],
        factor_groups={},
        grouped=True,
    )
    hidden = {(1, findings), (2, decided), (2, findings), (2, incomplete), (3, incomplete)}
    relations = _suppress._Relations(grid, _suppress._families(grid))
    lo, hi = relations.bounds(hidden, 5)
    assert (lo[relations.var((2, decided))], hi[relations.var((2, decided))]) == (12, 12)
    assert lo[relations.var((2, incomplete))] == 1
    assert (lo, hi) == plain_bounds(relations, hidden, 5)


@settings(max_examples=30, deadline=None)
@given(
    batches(80),
    st.sampled_from(GROUPINGS),
    st.sampled_from([5, 6]),
    st.sampled_from([0, 10, 25]),
    st.integers(0, 2**32),
)
def test_rule_5_hides_the_same_without_looking_at_columns_of_zeros(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    by: tuple[str, ...],
    m: int,
    schools: int,
    seed: int,
) -> None:
    """Rule 5 leaves alone the hidden cells of a column whose total is a shown 0 (a small
    group's zeros, with nothing to hide that would widen them): it hides what it hid when it
    looked for a cell to hide for each of them, round after round."""
    grid, hidden = _grid(*_spread(batch, schools, seed), by, m)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_suppress, "_zero_columns", lambda grid, hidden: set())
        assert _suppress.suppress(grid, m) == hidden
