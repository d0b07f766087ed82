"""Which cells are hidden so that no child can be singled out.

The rule, in the order it is applied (``m`` is the smallest number of learners shown, 5):

1. **Small cells** (primary suppression): a cell of 1 to ``m - 1`` learners is hidden, and every
   cell of a group of 1 to ``m - 1`` learners, zeros too (a zero there says something of each).
2. **Small complements**: a cell is hidden when the learners of its group *not* in it number 1 to
   ``m - 1`` (the group's "learners decided" minus the cell), since subtraction would give them.
3. **Families**: within one group, cells that must be equal (a breakdown with one category met
   holds every learner of its family, like "learners with findings") are hidden together, and a
   breakdown whose things add up to a total known from elsewhere never has exactly one hidden
   cell (another is hidden, or the total's sources are).
4. **Columns**: the total row is the sum of the groups, so a column never has exactly one hidden
   cell: the smallest non-zero cell beside it is hidden too, or else the total.

Rules 3 and 4 repeat until nothing changes. Zeros are shown (outside small groups) and never
chosen to hide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from atbalsts.stats._metrics import FAMILIES, METRIC

__all__ = ["Grid", "suppress"]

Column = tuple[str, str | None]
#: A cell: (row index, column); the total row has the index ``len(rows)``.
Spot = tuple[int, Column]

DECIDED: Column = ("learners_decided", None)


@attrs.frozen
class Grid:
    """Raw counts: ``learners[r][column]`` and ``items[r][column]`` for each group row ``r``,
    then the total row."""

    columns: tuple[Column, ...]
    learners: Sequence[Mapping[Column, int]]
    items: Sequence[Mapping[Column, int]]
    #: Which risk group each risk factor met belongs to.
    factor_groups: Mapping[str, str]
    #: True when there are group rows (the total is their sum); False for an ungrouped table.
    grouped: bool


@attrs.frozen
class _Family:
    whole: Column | None
    parts: tuple[tuple[Column, ...], ...]
    items: bool


def _families(grid: Grid) -> list[_Family]:
    present = set(grid.columns)
    out = []
    by_metric: dict[str, list[Column]] = {}
    for column in grid.columns:
        by_metric.setdefault(column[0], []).append(column)
    for family in FAMILIES:
        parts = tuple(tuple(by_metric[p]) for p in family.parts if p in by_metric)
        whole = family.whole if family.whole in present else None
        if parts:
            out.append(_Family(whole, parts, family.items))
    # Findings split by factor as they do by group; and each group splits by its factors.
    factors = tuple(by_metric.get("findings_by_factor", ()))
    if factors:
        whole = ("learners_with_findings", None)
        out.append(_Family(whole if whole in present else None, (factors,), False))
        for group in {g for c in factors if (g := grid.factor_groups.get(str(c[1])))}:
            within = tuple(c for c in factors if grid.factor_groups.get(str(c[1])) == group)
            group_cell: Column = ("findings_by_risk_group", group)
            out.append(_Family(group_cell if group_cell in present else None, (within,), False))
    return out


def suppress(grid: Grid, min_learners: int) -> set[Spot]:
    """The cells of ``grid`` to hide."""
    rows = range(len(grid.learners))
    total = len(grid.learners) - 1

    def value(spot: Spot) -> int:
        return grid.learners[spot[0]].get(spot[1], 0)

    hidden: set[Spot] = set()
    for r in rows:
        decided = grid.learners[r].get(DECIDED, 0)
        small_group = 0 < decided < min_learners
        for column in grid.columns:
            v = value((r, column))
            small = 0 < v < min_learners
            small_complement = column != DECIDED and v > 0 and 0 < decided - v < min_learners
            if small_group or small or small_complement:
                hidden.add((r, column))

    families = _families(grid)
    changed = True
    while changed:
        changed = False
        for r in rows:
            for family in families:
                changed |= _close_family(grid, r, family, hidden, value)
        if grid.grouped:
            for column in grid.columns:
                changed |= _close_column(column, total, hidden, value)
    return hidden


def _smallest(spots: list[Spot], hidden: set[Spot], value: Callable[[Spot], int]) -> Spot | None:
    open_ = [s for s in spots if s not in hidden and value(s) > 0]
    return min(open_, key=lambda s: (value(s), s[0], str(s[1])), default=None)


def _close_family(
    grid: Grid, r: int, family: _Family, hidden: set[Spot], value: Callable[[Spot], int]
) -> bool:
    before = len(hidden)
    # Cells that must equal the family's learner count are hidden together.
    equal: list[Spot] = []
    if family.whole is not None and value((r, family.whole)) > 0:
        equal.append((r, family.whole))
    for part in family.parts:
        met = [(r, c) for c in part if value((r, c)) > 0]
        if len(met) == 1:
            equal.append(met[0])
    if len(equal) > 1 and any(s in hidden for s in equal):
        hidden.update(equal)
    if family.items:
        # Each part's things add up to the family's total: one hidden cell in a part is
        # recovered by subtraction whenever that total is known from elsewhere.
        for i, part in enumerate(family.parts):
            spots = [(r, c) for c in part]
            if sum(s in hidden for s in spots) != 1:
                continue
            whole_shown = family.whole is not None and (r, family.whole) not in hidden
            others_whole = any(
                not any((r, c) in hidden for c in other)
                for j, other in enumerate(family.parts)
                if j != i
            )
            if not (whole_shown or others_whole):
                continue
            extra = _smallest(spots, hidden, value)
            if extra is not None:
                hidden.add(extra)
                continue
            # The hidden cell is the part's only thing: hide every source of the total.
            if family.whole is not None and value((r, family.whole)) > 0:
                hidden.add((r, family.whole))
            for j, other in enumerate(family.parts):
                other_spots = [(r, c) for c in other]
                if j != i and not any(s in hidden for s in other_spots):
                    pick = _smallest(other_spots, hidden, value)
                    if pick is not None:
                        hidden.add(pick)
    return len(hidden) > before


def _close_column(
    column: Column, total: int, hidden: set[Spot], value: Callable[[Spot], int]
) -> bool:
    spots = [(r, column) for r in range(total + 1)]
    if sum(s in hidden for s in spots) != 1:
        return False
    pick = _smallest(spots[:total], hidden, value)
    hidden.add(pick if pick is not None else (total, column))
    return True


def metric_counts_items(column: Column) -> bool:
    """Whether the column's metric counts things beside learners."""
    return METRIC[column[0]].items
