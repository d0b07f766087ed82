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

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

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
#: Relation kinds: "le": vars[0] <= vars[1]; "sum": vars[0] = sum(rest); "cover":
#: vars[0] <= sum(rest).
_LE, _SUM, _COVER = 0, 1, 2
_Vars = Sequence[int]


class _Relations:
    """Every relation between the cells a reader knows of, with the families' unshown counts,
    held by number: every row repeats the same templates, so no relation is an object.

    A variable is ``row * width + slot``: slot ``i`` is the learners of column ``i``, ``n + i``
    its things (``n`` columns), ``2n + f`` family ``f``'s learners and ``2n + F + f`` its things
    (those two never shown). Relation ``row * T + t`` is template ``t`` on that row; after all
    rows come the column sums (the total row is the sum of the others)."""

    def __init__(self, grid: Grid, families: list[_Family]) -> None:
        columns = list(grid.columns)
        if DECIDED not in columns:
            columns.append(DECIDED)
        self.grid = grid
        self.columns = columns
        n = self.n = len(columns)
        index = self.index = {c: i for i, c in enumerate(columns)}
        n_families = len(families)
        self.width = 2 * n + 2 * n_families
        self.rows = len(grid.learners)
        self.decided = d = index[DECIDED]
        items_columns = [c for c in grid.columns if metric_counts_items(c)]
        templates: list[tuple[int, tuple[int, ...]]] = []
        for column in grid.columns:
            if column != DECIDED:
                templates.append((_LE, (index[column], d)))
        for column in items_columns:
            templates.append((_LE, (index[column], n + index[column])))
        for f, family in enumerate(families):
            whole = index[family.whole] if family.whole is not None else 2 * n + f
            templates.append((_LE, (whole, d)))
            things = 2 * n + n_families + f
            if family.whole is not None and metric_counts_items(family.whole):
                things = n + index[family.whole]
            for part in family.parts:
                learners = tuple(index[c] for c in part)
                templates.extend((_LE, (v, whole)) for v in learners)
                templates.append((_COVER, (whole, *learners)))
                if family.items:
                    templates.append((_SUM, (things, *(n + index[c] for c in part))))
            if family.items:
                templates.append((_LE, (whole, things)))
        self.templates = templates
        self.unshown = [any(o >= 2 * n for o in offsets) for _, offsets in templates]
        self.of_slot: list[list[int]] = [[] for _ in range(self.width)]
        for t, (_, offsets) in enumerate(templates):
            for o in offsets:
                self.of_slot[o].append(t)
        #: The column sums: their slot, by relation number after the rows' relations.
        self.first_sum = self.rows * len(templates)
        self.sums: list[int] = []
        self.sum_of_slot: dict[int, int] = {}
        if grid.grouped:
            for column in grid.columns:
                slots = (index[column], n + index[column])
                for slot in slots if metric_counts_items(column) else slots[:1]:
                    self.sum_of_slot[slot] = self.first_sum + len(self.sums)
                    self.sums.append(slot)
        self.count = self.first_sum + len(self.sums)

    def vars(self, rel: int) -> tuple[int, int, _Vars]:
        """The relation's kind, its first variable and the rest."""
        if rel < self.first_sum:
            r, t = divmod(rel, len(self.templates))
            base = r * self.width
            kind, offsets = self.templates[t]
            return kind, base + offsets[0], [base + o for o in offsets[1:]]
        slot = self.sums[rel - self.first_sum]
        last = self.rows - 1
        return _SUM, last * self.width + slot, range(slot, last * self.width, self.width)

    def of(self, var: int) -> list[int]:
        """The relations ``var`` is in."""
        r, slot = divmod(var, self.width)
        t_count = len(self.templates)
        out = [r * t_count + t for t in self.of_slot[slot]]
        column_sum = self.sum_of_slot.get(slot)
        if column_sum is not None:
            out.append(column_sum)
        return out

    def kind(self, rel: int) -> int:
        return self.templates[rel % len(self.templates)][0] if rel < self.first_sum else _SUM

    def var(self, spot: Spot) -> int:
        return spot[0] * self.width + self.index[spot[1]]

    def spot(self, var: int) -> Spot | None:
        """The cell of a learners or things variable; None for a family's unshown count."""
        r, slot = divmod(var, self.width)
        return (r, self.columns[slot % self.n]) if slot < 2 * self.n else None

    def bounds(self, hidden: set[Spot], min_learners: int) -> tuple[list[int], list[int]]:
        """The smallest and largest value of every variable a reader can work out from what
        is shown: zeros are shown outside small groups, so a hidden cell of a group known to
        hold at least ``min_learners`` learners is at least 1.

        Each relation narrows the bounds; a relation is looked at again only when one of its
        variables narrowed, until none does. Every step only narrows, and each is monotone,
        so this ends at the same bounds as sweeping every relation until nothing changes."""
        grid, n, width = self.grid, self.n, self.width
        size = self.rows * width
        lo = [0] * size
        hi = [_BIG] * size
        index = self.index
        hidden_var = bytearray(size)
        hidden_of_row: dict[int, list[int]] = {}
        # A column's total may be a hidden zero (rule 4 hides it to keep a small group's zero),
        # so no reader can take a hidden total to be at least 1: only the groups' cells are.
        total_row = self.rows - 1 if grid.grouped else -1
        for r, column in hidden:
            base = r * width + index[column]
            hidden_var[base] = hidden_var[base + n] = 1
            if column in grid.columns and r != total_row:
                hidden_of_row.setdefault(r, []).append(base)
        for r in range(self.rows):
            learners, items, base = grid.learners[r], grid.items[r], r * width
            for column, i in index.items():
                if hidden_var[base + i]:
                    continue
                lo[base + i] = hi[base + i] = learners.get(column, 0)
                lo[base + n + i] = hi[base + n + i] = items.get(column, 0)
            if hidden_var[base + self.decided]:
                lo[base + self.decided] = 1

        t_count = len(self.templates)
        unshown = self.unshown
        #: 0 not yet known, 1 open (holds an unshown or hidden variable), 2 closed.
        state = bytearray(self.count)
        queued = bytearray(self.count)
        queue: deque[int] = deque()

        def is_open(rel: int) -> bool:
            s = state[rel]
            if not s:
                _, head, rest = self.vars(rel)
                found = (rel < self.first_sum and unshown[rel % t_count]) or bool(
                    hidden_var[head] or any(hidden_var[v] for v in rest)
                )
                s = state[rel] = 1 if found else 2
            return s == 1

        def at_least_one(r: int, out: list[int]) -> None:
            """Once group ``r`` is known to hold ``min_learners``, its hidden cells are at
            least 1: append those that were not to ``out``."""
            if lo[r * width + self.decided] >= min_learners:
                for v in hidden_of_row.get(r, ()):
                    if lo[v] < 1:
                        lo[v] = 1
                        out.append(v)

        def narrowed(var: int) -> None:
            for rel in self.of(var):
                if not queued[rel] and is_open(rel):
                    queued[rel] = 1
                    queue.append(rel)
            r, slot = divmod(var, width)
            if slot == self.decided:
                seeded: list[int] = []
                at_least_one(r, seeded)
                for v in seeded:
                    narrowed(v)

        changed: list[int] = []
        for r in hidden_of_row:
            at_least_one(r, changed)
        steps = 0
        for rel in range(self.count):
            if is_open(rel):
                steps += 1
                _narrow(*self.vars(rel), lo, hi, changed)
            for v in changed:
                narrowed(v)
            changed.clear()
        limit = 1000 * steps
        while queue and steps < limit:
            rel = queue.popleft()
            queued[rel] = 0
            steps += 1
            _narrow(*self.vars(rel), lo, hi, changed)
            for v in changed:
                narrowed(v)
            changed.clear()
        return lo, hi


def _narrow(
    kind: int, head: int, rest: _Vars, lo: list[int], hi: list[int], out: list[int]
) -> None:
    """Narrow the bounds of a relation's variables by it; append those narrowed to ``out``."""
    if kind == _LE:
        (b,) = rest
        if hi[b] < hi[head]:
            hi[head] = hi[b]
            out.append(head)
        if lo[head] > lo[b]:
            lo[b] = lo[head]
            out.append(b)
        return
    low = sum(lo[v] for v in rest)
    high = min(_BIG, sum(hi[v] for v in rest))
    if high < hi[head]:
        hi[head] = high
        out.append(head)
    if kind == _SUM and low > lo[head]:
        lo[head] = low
        out.append(head)
    if high >= _BIG and kind == _COVER:
        return  # nothing below: no lower bound without every upper one
    for v in rest:
        if high < _BIG and hi[v] < _BIG:
            n = lo[head] - (high - hi[v])
            if n > lo[v]:
                lo[v] = n
                out.append(v)
        if kind == _SUM:
            n = hi[head] - (low - lo[v])
            if n < hi[v]:
                hi[v] = n
                out.append(v)


def _binds(relations: _Relations, rel: int, var: int, lo: Sequence[int], hi: Sequence[int]) -> bool:
    """Whether relation ``rel`` gives ``var`` one of its bounds: what it alone makes of ``var``
    from the others' bounds, with ``var`` itself unknown.

    :func:`_narrow` on a copy of the bounds of each mention: a variable named twice keeps its
    bounds at its other mention."""
    kind, head, rest = relations.vars(rel)
    mentions = [head, *rest]
    at = mentions.index(var)
    low = [lo[v] for v in mentions]
    high = [hi[v] for v in mentions]
    low[at], high[at] = 0, _BIG
    _narrow(kind, 0, range(1, len(mentions)), low, high, [])
    return low[at] >= lo[var] > 0 or high[at] <= hi[var] < _BIG


def _protect(grid: Grid, hidden: set[Spot], min_learners: int, families: list[_Family]) -> None:
    """Rule 5: hide more cells until no hidden cell can be bounded to fewer than
    ``min_learners`` possible values by the relations the table shows."""
    if not hidden:
        return
    relations = _Relations(grid, families)
    while True:
        lo, hi = relations.bounds(hidden, min_learners)
        narrow = sorted(
            (s for s in hidden if hi[v := relations.var(s)] - lo[v] + 1 < min_learners),
            key=lambda s: (s[0], str(s[1])),
        )
        if not narrow:
            return
        add = _more(grid, relations, hidden, narrow, lo, hi)
        if not add:
            return
        hidden |= add


def _more(
    grid: Grid,
    relations: _Relations,
    hidden: set[Spot],
    narrow: list[Spot],
    lo: Sequence[int],
    hi: Sequence[int],
) -> set[Spot]:
    """One round of rule 5: the cells to hide so that each ``narrow`` cell is bounded less.

    For each, the smallest non-zero shown cell of the first of these that has one: the
    relations that bound it; the sums that bound a family's unshown count in those; the sums
    that bound another hidden cell in those; the rest of its row; its column; any relation it
    is in."""

    def value(spot: Spot) -> int:
        return grid.learners[spot[0]].get(spot[1], 0)

    def key(spot: Spot) -> tuple[int, int, str]:
        return (value(spot), spot[0], str(spot[1]))

    # What follows depends only on ``hidden`` and the bounds, fixed until the next round.
    shown_of: dict[int, list[Spot]] = {}
    binds_memo: dict[tuple[int, int], bool] = {}
    via_of: dict[tuple[int, int], list[int]] = {}

    def binds(rel: int, var: int) -> bool:
        memo = binds_memo.get((rel, var))
        if memo is None:
            memo = binds_memo[rel, var] = _binds(relations, rel, var, lo, hi)
        return memo

    def shown(rel: int) -> list[Spot]:
        """The relation's non-zero shown cells, smallest first."""
        found = shown_of.get(rel)
        if found is None:
            _, head, rest = relations.vars(rel)
            spots = {relations.spot(v) for v in (head, *rest)}
            found = shown_of[rel] = sorted(
                (s for s in spots if s is not None and s not in hidden and value(s) > 0),
                key=key,
            )
        return found

    def via(rel: int, unshown: bool) -> list[int]:
        """The other sums that bound the relation's unshown family counts (or else its hidden
        cells)."""
        found = via_of.get((rel, unshown))
        if found is None:
            _, head, rest = relations.vars(rel)
            found = via_of[rel, unshown] = [
                inner
                for v in (head, *rest)
                if (relations.spot(v) is None if unshown else relations.spot(v) in hidden)
                for inner in relations.of(v)
                if inner != rel and relations.kind(inner) == _SUM and binds(inner, v)
            ]
        return found

    def smallest(rels: Iterable[int], skip: Spot) -> Spot | None:
        """The smallest non-zero shown cell of ``rels`` other than ``skip``."""
        picks = [c for rel in rels if (c := next((s for s in shown(rel) if s != skip), None))]
        return min(picks, key=key, default=None)

    add: set[Spot] = set()
    for spot in narrow:
        r, column = spot
        var = relations.var(spot)
        binding = [rel for rel in relations.of(var) if binds(rel, var)]
        pick = (
            smallest(binding, spot)
            or smallest((inner for rel in binding for inner in via(rel, True)), spot)
            or smallest((inner for rel in binding for inner in via(rel, False)), spot)
            or _smallest([(r, c) for c in grid.columns if c != DECIDED], hidden, value)
            or (
                _smallest([(g, column) for g in range(len(grid.learners))], hidden, value)
                if grid.grouped
                else None
            )
            or smallest(relations.of(var), spot)
        )
        if pick is not None:
            add.add(pick)
    return add
