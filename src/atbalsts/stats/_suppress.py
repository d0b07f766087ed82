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

Rules 3 and 4 repeat until nothing changes; a hidden "learners decided" takes with it the cells
equal to it. Then

5. **Bounds**: a reader bounds each hidden cell by every relation shown (column sums, the items
   of a family's breakdowns, a cell at most its group's learners, learners at most things, a
   hidden cell of a group of at least ``m`` at least 1). While a hidden cell's range holds fewer
   than ``m`` values, the smallest non-zero shown cell of a relation that bounds it is hidden.

Zeros are shown (outside small groups) and never chosen to hide.
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
            changed |= _close_ties(grid, r, hidden, value)
        if grid.grouped:
            for column in grid.columns:
                changed |= _close_column(column, total, hidden, value)
    _protect(grid, hidden, min_learners, families)
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


def _close_ties(grid: Grid, r: int, hidden: set[Spot], value: Callable[[Spot], int]) -> bool:
    """A hidden "learners decided" takes with it the cells equal to it: each is a lower bound."""
    decided = value((r, DECIDED))
    if (r, DECIDED) not in hidden or decided == 0:
        return False
    ties = {(r, c) for c in grid.columns if value((r, c)) == decided} - hidden
    hidden |= ties
    return bool(ties)


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


# --- rule 5: what a reader can bound -----------------------------------------------------------

#: Larger than any count: "no upper bound known".
_BIG = 10**15
#: A variable: ("L" learners | "I" items, row, column) of a cell, or ("G" learners | "F" things,
#: row, family index) of a family, never shown.
_Var = tuple[str, int, object]


@attrs.frozen
class _Relation:
    #: "sum": vars[0] = sum(vars[1:]); "le": vars[0] <= vars[1]; "cover": vars[0] <= sum(rest).
    kind: str
    vars: tuple[_Var, ...]


def _relations(grid: Grid, families: list[_Family]) -> list[_Relation]:
    """Every relation between the cells a reader knows of, with the families' unshown counts."""
    out: list[_Relation] = []
    last = len(grid.learners) - 1
    items_columns = [c for c in grid.columns if metric_counts_items(c)]
    for r in range(len(grid.learners)):
        decided: _Var = ("L", r, DECIDED)
        for column in grid.columns:
            if column != DECIDED:
                out.append(_Relation("le", (("L", r, column), decided)))
        for column in items_columns:
            out.append(_Relation("le", (("L", r, column), ("I", r, column))))
        for f, family in enumerate(families):
            whole: _Var = ("L", r, family.whole) if family.whole is not None else ("G", r, f)
            out.append(_Relation("le", (whole, decided)))
            things: _Var = ("F", r, f)
            if family.whole is not None and metric_counts_items(family.whole):
                things = ("I", r, family.whole)
            for part in family.parts:
                learners = tuple(("L", r, c) for c in part)
                out.extend(_Relation("le", (v, whole)) for v in learners)
                out.append(_Relation("cover", (whole, *learners)))
                if family.items:
                    out.append(_Relation("sum", (things, *(("I", r, c) for c in part))))
            if family.items:
                out.append(_Relation("le", (whole, things)))
    if grid.grouped:
        for column in grid.columns:
            kinds = ("L", "I") if metric_counts_items(column) else ("L",)
            for kind in kinds:
                parts = tuple((kind, r, column) for r in range(last))
                out.append(_Relation("sum", ((kind, last, column), *parts)))
    return out


def _bounds(
    grid: Grid, hidden: set[Spot], relations: list[_Relation], min_learners: int
) -> dict[_Var, list[int]]:
    """The smallest and largest value of every variable a reader can work out from what is
    shown: zeros are shown outside small groups, so a hidden cell of a group known to hold at
    least ``min_learners`` learners is at least 1."""
    bounds: dict[_Var, list[int]] = {}

    def get(v: _Var) -> list[int]:
        b = bounds.get(v)
        if b is None:
            kind, r, column = v
            if kind in ("L", "I") and (r, column) not in hidden:
                table = grid.learners if kind == "L" else grid.items
                n = table[r].get(column, 0)  # type: ignore[call-overload]
                b = [n, n]
            else:
                b = [1 if v == ("L", r, DECIDED) else 0, _BIG]
            bounds[v] = b
        return b

    open_ = [
        rel for rel in relations if any(v[0] in "GF" or (v[1], v[2]) in hidden for v in rel.vars)
    ]
    rows_hidden = {r for r, _ in hidden}
    for _ in range(1000):
        changed = False
        for r in rows_hidden:
            if get(("L", r, DECIDED))[0] >= min_learners:
                for column in grid.columns:
                    if (r, column) in hidden:
                        b = get(("L", r, column))
                        if b[0] < 1:
                            b[0] = 1
                            changed = True
        for rel in open_:
            bs = [get(v) for v in rel.vars]
            changed |= _tighten(rel.kind, bs)
        if not changed:
            break
    return bounds


def _tighten(kind: str, bs: list[list[int]]) -> bool:
    changed = False

    def lower(b: list[int], n: int) -> None:
        nonlocal changed
        if n > b[0]:
            b[0] = n
            changed = True

    def upper(b: list[int], n: int) -> None:
        nonlocal changed
        if n < b[1]:
            b[1] = n
            changed = True

    if kind == "le":
        upper(bs[0], bs[1][1])
        lower(bs[1], bs[0][0])
        return changed
    head, rest = bs[0], bs[1:]
    low = sum(b[0] for b in rest)
    high = min(_BIG, sum(b[1] for b in rest))
    upper(head, high)
    if kind == "sum":
        lower(head, low)
    for b in rest:
        lower(b, head[0] - (high - b[1]) if b[1] < _BIG and high < _BIG else 0)
        if kind == "sum":
            upper(b, head[1] - (low - b[0]))
    return changed


def _protect(grid: Grid, hidden: set[Spot], min_learners: int, families: list[_Family]) -> None:
    """Rule 5: hide more cells until no hidden cell can be bounded to fewer than
    ``min_learners`` possible values by the relations the table shows."""
    if not hidden:
        return
    relations = _relations(grid, families)
    of_var: dict[_Var, list[_Relation]] = {}
    for rel in relations:
        for v in rel.vars:
            of_var.setdefault(v, []).append(rel)

    def value(spot: Spot) -> int:
        return grid.learners[spot[0]].get(spot[1], 0)

    def candidates(rel: _Relation, skip: Spot) -> list[Spot]:
        spots = {(v[1], v[2]) for v in rel.vars if v[0] in "LI"}
        return [
            s  # type: ignore[misc]
            for s in spots
            if s != skip and s not in hidden and value(s) > 0  # type: ignore[arg-type]
        ]

    while True:
        bounds = _bounds(grid, hidden, relations, min_learners)
        narrow = sorted(
            (s for s in hidden if _width(bounds.get(("L", *s))) < min_learners),
            key=lambda s: (s[0], str(s[1])),
        )
        if not narrow:
            return
        add: set[Spot] = set()
        for spot in narrow:
            var: _Var = ("L", *spot)
            binding = [rel for rel in of_var.get(var, []) if _binds(rel, var, bounds)]
            picks = [c for rel in binding for c in candidates(rel, spot)]
            # Bound through a family's unshown count, then through other hidden cells' sums:
            # the relations that bound those.
            for through in ("GF", "LI"):
                if picks:
                    break
                for rel in binding:
                    for v in rel.vars:
                        if v[0] not in through or (v[0] in "LI" and (v[1], v[2]) not in hidden):
                            continue
                        for inner in of_var.get(v, []):
                            if (
                                inner.kind == "sum"
                                and inner is not rel
                                and _binds(inner, v, bounds)
                            ):
                                picks.extend(candidates(inner, spot))
            if not picks:  # the rest of its row, then of its column, its group's size last
                picks = [
                    (spot[0], c)
                    for c in grid.columns
                    if c != DECIDED and (spot[0], c) not in hidden and value((spot[0], c)) > 0
                ]
            if not picks and grid.grouped:
                picks = [
                    (r, spot[1])
                    for r in range(len(grid.learners))
                    if (r, spot[1]) not in hidden and value((r, spot[1])) > 0
                ]
            if not picks:
                picks = [c for rel in of_var.get(var, []) for c in candidates(rel, spot)]
            if picks:
                add.add(min(picks, key=lambda s: (value(s), s[0], str(s[1]))))
        if not add:
            return
        hidden |= add


def _width(b: list[int] | None) -> int:
    return _BIG if b is None else b[1] - b[0] + 1


def _binds(rel: _Relation, var: _Var, bounds: Mapping[_Var, list[int]]) -> bool:
    """Whether ``rel`` gives ``var`` one of its bounds."""
    bs = [list(bounds.get(v, [0, _BIG])) for v in rel.vars]
    mine = bs[rel.vars.index(var)]
    loose = list(mine)
    mine[0], mine[1] = 0, _BIG
    _tighten(rel.kind, bs)
    return mine[0] >= loose[0] > 0 or mine[1] <= loose[1] < _BIG
