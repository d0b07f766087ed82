"""Which cells are hidden so that no child can be singled out.

The rule, in the order it is applied (``m`` is the smallest number of learners shown, 5):

1. **Small cells** (primary suppression): a cell of 1 to ``m - 1`` learners is hidden, and every
   cell of a group of 1 to ``m - 1`` learners, zeros too (a zero there says something of each).
2. **Small complements**: a cell is hidden when the learners of its group *not* in it number 1 to
   ``m - 1`` (the group's "learners decided" minus the cell), since subtraction would give them.
3. **Families**: within one group, cells that must be equal (a breakdown with one category met
   holds every learner of its family, like "learners with findings") are hidden together, and a
   breakdown whose things add up to a total known from elsewhere never has exactly one hidden
   cell (another is hidden, or the total's sources are). The breakdowns of one family of things
   (:data:`~atbalsts.stats._metrics.FAMILIES`): the obligations by action and by state; the
   measures planned by kind, by funder and by delivery; the measures delivered by kind and by
   funder, whose things are the delivery "delivered"; the referrals by recipient and by status.
4. **Columns**: the total row is the sum of the groups, so a column never has exactly one hidden
   cell: the smallest non-zero cell beside it is hidden too, or else the total.

Rules 3 and 4 repeat until nothing changes; a hidden "learners decided" takes with it the cells
equal to it. Then

5. **Bounds**: a reader bounds each hidden count, of learners and of things, by every relation
   shown: column sums; the things of a family's breakdowns, each also holding every learner of
   the family; learners with findings in some risk group, a group's in some of its factors;
   things among others' (:attr:`Grid.within`: a measure delivered is one planned of its kind and
   funder, an overdue referral one waiting); a cell at most its group's learners, learners at
   most things; a group that shows a cell holds at least ``m`` (rule 1), one that shows nothing
   fewer; a hidden cell of a group of at least ``m`` is at least 1. While a hidden count's range
   holds fewer than ``m`` values (a group that shows nothing: its learners decided narrower than
   1 to ``m - 1``), the smallest non-zero shown cell of a relation that bounds it is hidden.

Zeros are shown (outside small groups) and never chosen to hide.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import defaultdict, deque
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
    #: The cells whose things are among those of other cells of their group, and so their
    #: learners: each as (the cell, those cells).
    within: tuple[tuple[Column, tuple[Column, ...]], ...] = ()


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
        self.n = len(columns)
        self.index = {c: i for i, c in enumerate(columns)}
        self.width = 2 * self.n + 2 * len(families)
        self.rows = len(grid.learners)
        self.decided = self.index[DECIDED]
        self.templates = self._templates(families)
        #: Each template as (kind, first slot, the other slots), as :func:`_narrow` takes them.
        self.local = [(kind, offsets[0], offsets[1:]) for kind, offsets in self.templates]
        self._index_slots()
        #: The column sums: their slot, by relation number after the rows' relations.
        self.first_sum = self.rows * len(self.templates)
        self.sums: list[int] = []
        self.sum_of_slot: dict[int, int] = {}
        #: The column sums by slot, numbered from 0.
        self.sum_index: dict[int, int] = {}
        if grid.grouped:
            for column in grid.columns:
                slots = (self.index[column], self.n + self.index[column])
                for slot in slots if metric_counts_items(column) else slots[:1]:
                    self.sum_of_slot[slot] = self.first_sum + len(self.sums)
                    self.sum_index[slot] = len(self.sums)
                    self.sums.append(slot)
        self.count = self.first_sum + len(self.sums)
        self._shown: tuple[list[int], list[int]] | None = None
        self._unshown: bytes | None = None

    def _templates(self, families: list[_Family]) -> list[tuple[int, tuple[int, ...]]]:
        """The relations of one row, by slot: (kind, slots)."""
        n, index, d, grid = self.n, self.index, self.decided, self.grid
        templates: list[tuple[int, tuple[int, ...]]] = []
        for column in grid.columns:
            if column != DECIDED:
                templates.append((_LE, (index[column], d)))
        for column in grid.columns:
            if metric_counts_items(column):
                templates.append((_LE, (index[column], n + index[column])))
        for f, family in enumerate(families):
            whole = index[family.whole] if family.whole is not None else 2 * n + f
            templates.append((_LE, (whole, d)))
            things = 2 * n + len(families) + f
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
        for cell, among in grid.within:
            if cell not in index or any(c not in index for c in among):
                continue
            for offset in (0, n) if metric_counts_items(cell) else (0,):  # learners, things
                head, rest = offset + index[cell], tuple(offset + index[c] for c in among)
                templates.append((_LE if len(rest) == 1 else _COVER, (head, *rest)))
        return templates

    def _index_slots(self) -> None:
        """Which templates name each slot, sorted by what the propagation asks of them."""
        width = self.width
        self.of_slot: list[list[int]] = [[] for _ in range(width)]
        #: The "le" templates of each slot, with the other slot of each.
        self.le_of_slot: list[list[tuple[int, int]]] = [[] for _ in range(width)]
        #: The slots each slot is "le" (``uppers``), and those "le" it (``lowers``).
        self.uppers: list[list[int]] = [[] for _ in range(width)]
        self.lowers: list[list[int]] = [[] for _ in range(width)]
        #: The "sum" and "cover" templates of each slot; the "sum" ones alone.
        self.wide_of_slot: list[list[int]] = [[] for _ in range(width)]
        self.sum_templates_of_slot: list[list[int]] = [[] for _ in range(width)]
        for t, (kind, offsets) in enumerate(self.templates):
            for o in offsets:
                self.of_slot[o].append(t)
                if kind != _LE:
                    self.wide_of_slot[o].append(t)
                if kind == _SUM:
                    self.sum_templates_of_slot[o].append(t)
            if kind == _LE:
                a, b = offsets
                self.le_of_slot[a].append((t, b))
                self.le_of_slot[b].append((t, a))
                self.uppers[a].append(b)
                self.lowers[b].append(a)

    def shown(self) -> tuple[list[int], list[int]]:
        """The bounds of every variable were every cell shown: a cell is its count (0 if not
        counted), a family's unshown counts are unknown. Worked out once, copied for each
        round of rule 5 (the counts do not change between rounds, only what is hidden)."""
        if self._shown is None:
            grid, n, width, index = self.grid, self.n, self.width, self.index
            size = self.rows * width
            lo, hi = [0] * size, [0] * size
            unknown = [_BIG] * (width - 2 * n)
            for r in range(self.rows):
                base = r * width
                for column, value in grid.learners[r].items():
                    if (i := index.get(column)) is not None:
                        lo[base + i] = hi[base + i] = value
                for column, value in grid.items[r].items():
                    if (i := index.get(column)) is not None:
                        lo[base + n + i] = hi[base + n + i] = value
                hi[base + 2 * n : base + width] = unknown
            self._shown = (lo, hi)
        return self._shown[0].copy(), self._shown[1].copy()

    def unshown_vars(self) -> bytearray:
        """1 for each family's unshown counts, row by row, 0 for the cells."""
        if self._unshown is None:
            row = bytes(2 * self.n) + b"\x01" * (self.width - 2 * self.n)
            self._unshown = row * self.rows
        return bytearray(self._unshown)

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
        return self._relations(var, self.of_slot)

    def sums_of(self, var: int) -> list[int]:
        """The "sum" relations ``var`` is in (its family's things, its column's): those of
        :meth:`of`, in order, without a look at every other."""
        return self._relations(var, self.sum_templates_of_slot)

    def _relations(self, var: int, templates_of_slot: Sequence[Sequence[int]]) -> list[int]:
        """The relations of ``var``'s row made from the templates its slot is in, then its
        column's sum, if it has one."""
        r, slot = divmod(var, self.width)
        t_count = len(self.templates)
        out = [r * t_count + t for t in templates_of_slot[slot]]
        column_sum = self.sum_of_slot.get(slot)
        if column_sum is not None:
            out.append(column_sum)
        return out

    def var(self, spot: Spot) -> int:
        return spot[0] * self.width + self.index[spot[1]]

    def spot(self, var: int) -> Spot | None:
        """The cell of a learners or things variable; None for a family's unshown count."""
        r, slot = divmod(var, self.width)
        return (r, self.columns[slot % self.n]) if slot < 2 * self.n else None

    def bounds(self, hidden: set[Spot], min_learners: int) -> tuple[list[int], list[int]]:
        """The smallest and largest value of every variable a reader can work out from what
        is shown: a group that shows a cell holds at least ``min_learners`` learners, one that
        shows nothing fewer (rule 1); zeros are shown outside small groups, so a hidden cell of
        a group known to hold at least ``min_learners`` learners is at least 1.

        Every relation narrows the bounds until none narrows them further; how, and why in that
        order: :class:`_Propagation`."""
        propagation = _Propagation(self, hidden, min_learners)
        propagation.run()
        return propagation.lo, propagation.hi


class _Propagation:
    """Narrows the bounds of :meth:`_Relations.bounds`: row by row, then by the column sums,
    then again in the rows those narrowed, until nothing narrows.

    Why this way and not relation by relation over the whole table, as rule 5 first did (most
    of the count's time, on a table of 4,000 schools): a column sum reads every group of its
    column, and was worked out again, over all 4,000 cells, after nearly every step that
    narrowed one of them; now it is worked out once per pass over the rows, from the column's
    totals, walking only its hidden cells (a shown cell is known exactly: the bounds hold the
    true counts). A row's relations (a few hundred templates) name only that row's variables,
    so a row is narrowed on a copy of its own bounds, by slot, with no relation numbers to
    decode. Every step only narrows and each is monotone, so any order ends at the same bounds:
    those of sweeping every relation until nothing changes."""

    def __init__(self, relations: _Relations, hidden: set[Spot], min_learners: int) -> None:
        self.relations = relations
        self.min_learners = min_learners
        self.lo, self.hi = relations.shown()
        #: 1 for a variable a reader does not see: a family's unshown count, a hidden cell's.
        self.free = relations.unshown_vars()
        #: The learners slots of each row's hidden cells.
        self.hidden_slots: defaultdict[int, list[int]] = defaultdict(list)
        # A column's total may be a hidden zero (rule 4 hides it to keep a small group's zero),
        # so no reader can take a hidden total to be at least 1: only the groups' cells are.
        self.total_row = relations.rows - 1 if relations.grid.grouped else -1
        self._hide(hidden)
        #: The column sums that hold a hidden cell (the others hold only exact counts), with
        #: the hidden cells of each, the total row's aside.
        self.hidden_cells: dict[int, list[int]] = {}
        stop = (relations.rows - 1) * relations.width
        for k, slot in enumerate(relations.sums):
            cells = [v for v in range(slot, stop, relations.width) if self.free[v]]
            if cells or self.free[stop + slot]:
                self.hidden_cells[k] = cells
        #: The rows' states seen (a digest of each), and the bounds that a state seen twice
        #: ends at (:meth:`narrow_row`).
        self.seen: set[tuple[bool, bytes]] = set()
        self.solved: dict[tuple[bool, bytes], tuple[list[int], list[int], set[int]]] = {}
        #: A safeguard against a slow crawl of bounds: the work stops after 1000 steps for each
        #: relation (never reached on a counted table).
        self.steps_left = 1000 * relations.count

    def _hide(self, hidden: set[Spot]) -> None:
        """Start from what is shown (:meth:`_Relations.shown`) and forget the hidden cells, but
        that a hidden "learners decided" is at least 1, and what rule 1 tells of it."""
        relations, lo, hi, free = self.relations, self.lo, self.hi, self.free
        n, width, index, decided = relations.n, relations.width, relations.index, relations.decided
        for r, column in hidden:
            slot = index[column]
            var = r * width + slot
            free[var] = free[var + n] = 1
            lo[var] = lo[var + n] = 0
            hi[var] = hi[var + n] = _BIG
            self.hidden_slots[r].append(slot)
            if slot == decided:
                lo[var] = 1
        # What rule 1 tells of a row's size: a group of 1 to min_learners - 1 shows nothing,
        # zeros included, so one that shows a cell holds min_learners or more; one that shows
        # nothing, fewer (a reader takes it so; when the row is in fact larger, with every
        # cell hidden, that reading is wrong and nothing is taken from it here).
        columns, m = len(relations.grid.columns), self.min_learners
        small = _small_rows(relations.grid, hidden, m)
        for r, slots in self.hidden_slots.items():
            var = r * width + decided
            if r in small:
                hi[var] = m - 1
            elif free[var] and len(slots) < columns:
                lo[var] = max(lo[var], m)

    def run(self) -> None:
        relations, width = self.relations, self.relations.width
        pending = set(self.hidden_cells)
        for r in range(relations.rows):
            pending |= self._sums_of(self.narrow_row(r, None))
        while pending and self.steps_left > 0:
            seeds: dict[int, set[int]] = {}
            for k in sorted(pending):
                self.steps_left -= 1
                for var in self.narrow_sum(k):
                    r, slot = divmod(var, width)
                    seeds.setdefault(r, set()).add(slot)
            # A sum that narrowed a cell is looked at again, as are those the rows narrow.
            pending = self._sums_of({slot for slots in seeds.values() for slot in slots})
            for r in sorted(seeds):
                pending |= self._sums_of(self.narrow_row(r, seeds[r]))

    def _sums_of(self, slots: Iterable[int]) -> set[int]:
        """The column sums of ``slots`` that hold a hidden cell."""
        of = self.relations.sum_index
        return {k for slot in slots if (k := of.get(slot, -1)) in self.hidden_cells}

    def narrow_row(self, r: int, seeds: set[int] | None) -> set[int]:
        """Narrow row ``r`` by its own relations until none narrows it further: by all of them
        the first time (``seeds`` None), later by those of the ``seeds`` slots (narrowed by a
        column sum). Returns the slots narrowed.

        A row ends where its bounds and its relations take it, however it got there, so two rows
        in the same state end alike. A row with every cell hidden (a small group) is worked out
        once for each state it is met in: a table of many small schools has hundreds of them,
        and they start, and mostly stay, alike. (Other rows differ in what they show.)"""
        relations = self.relations
        base, end = r * relations.width, (r + 1) * relations.width
        lo, hi, free = self.lo[base:end], self.hi[base:end], self.free[base:end]
        state = self._state(r, lo, hi, free) if 0 not in free else None
        done = self.solved.get(state) if state is not None else None
        if done is not None:
            lo, hi, narrowed = done[0], done[1], done[2] | (seeds or set())
        elif state is None:
            narrowed = self._solve_row(r, seeds, lo, hi, free)
        else:
            start = lo.copy(), hi.copy()
            narrowed = self._solve_row(r, seeds, lo, hi, free)
            if state not in self.seen:
                self.seen.add(state)
            elif self.steps_left > 0:  # seen twice (and worked out to the end): keep it
                changed = {s for s, (a, b) in enumerate(zip(start[0], lo, strict=True)) if a != b}
                changed |= {s for s, (a, b) in enumerate(zip(start[1], hi, strict=True)) if a != b}
                self.solved[state] = (lo, hi, changed)
        self.lo[base:end], self.hi[base:end] = lo, hi
        return narrowed

    def _state(self, r: int, lo: list[int], hi: list[int], free: bytearray) -> tuple[bool, bytes]:
        """What row ``r`` ends at depends on: whether it is the total row (whose hidden cells
        are not at least 1), which variables are free, and their bounds (a digest of them, as a
        table holds thousands of rows)."""
        digest = hashlib.blake2b(free, digest_size=32)
        digest.update(array("q", lo).tobytes())
        digest.update(array("q", hi).tobytes())
        return r == self.total_row, digest.digest()

    def _solve_row(
        self, r: int, seeds: set[int] | None, lo: list[int], hi: list[int], free: bytearray
    ) -> set[int]:
        """:meth:`narrow_row` on the row's own ``lo``, ``hi`` and ``free``.

        Most relations are "le", and most of those are beside a shown cell: such a relation
        gives the other variable a bound once (a shown cell is known exactly, so it can give
        no other), so the first time each free variable takes its bounds from the shown cells
        beside it, and then only the relations between free variables are worked out, each
        again whenever one of its variables narrows."""
        relations = self.relations
        templates, decided = relations.local, relations.decided
        le_of_slot, wide_of_slot = relations.le_of_slot, relations.wide_of_slot
        queue: deque[int] = deque()
        queued = bytearray(len(templates))
        narrowed: set[int] = set()

        def wake(slots: Iterable[int], narrowing: bool = True) -> None:
            """Queue the relations of ``slots`` that may narrow something further (those
            between free variables); ``narrowing``: the slots narrowed."""
            for slot in slots:
                for t, other in le_of_slot[slot]:
                    if free[other] and not queued[t]:
                        queued[t] = 1
                        queue.append(t)
                for t in wide_of_slot[slot]:
                    if not queued[t]:
                        queued[t] = 1
                        queue.append(t)
                if narrowing:
                    narrowed.add(slot)
                    if slot == decided:
                        wake(self._at_least_one(r, lo))

        if seeds is None:
            cells = self.hidden_slots.get(r, ())
            slots = [*cells, *(relations.n + s for s in cells)]
            slots += range(2 * relations.n, relations.width)
            wake(slots, narrowing=False)
            wake(_bound_by_shown(relations, slots, lo, hi, free))
            wake(self._at_least_one(r, lo))
        else:
            wake(seeds)
        changed: list[int] = []
        steps = 0
        while queue and steps < self.steps_left:
            t = queue.popleft()
            queued[t] = 0
            steps += 1
            kind, a, rest = templates[t]
            if kind == _LE:  # _narrow's first case, written out: most steps are this one
                b = rest[0]
                if hi[b] < hi[a]:
                    hi[a] = hi[b]
                    changed.append(a)
                if lo[a] > lo[b]:
                    lo[b] = lo[a]
                    changed.append(b)
            else:
                _narrow(kind, a, rest, lo, hi, changed)
            if changed:
                wake(changed)
                changed.clear()
        self.steps_left -= steps
        return narrowed

    def _at_least_one(self, r: int, lo: list[int]) -> list[int]:
        """Once group ``r`` is known to hold ``min_learners``, its hidden cells are at least 1:
        raise those that were not (``lo`` is the row's), and return their slots."""
        out = []
        if r != self.total_row and lo[self.relations.decided] >= self.min_learners:
            for slot in self.hidden_slots.get(r, ()):
                if lo[slot] < 1:
                    lo[slot] = 1
                    out.append(slot)
        return out

    def narrow_sum(self, k: int) -> list[int]:
        """Narrow by column sum ``k`` as :func:`_narrow` does, from the column's totals; returns
        the variables narrowed. A shown cell is known exactly, so only the hidden ones are
        walked, unless the bounds contradict each other: then every cell, as :func:`_narrow`."""
        relations, lo, hi = self.relations, self.lo, self.hi
        slot, width = relations.sums[k], relations.width
        stop = (relations.rows - 1) * width
        head = stop + slot
        low = sum(lo[slot:stop:width])
        high = min(_BIG, sum(hi[slot:stop:width]))
        # The head's bounds as _narrow narrows them before it turns to the cells: a cell
        # narrows only when its range is wider than this room, and a shown cell has none.
        room = min(hi[head], high) - low
        if high < _BIG:
            room = min(room, high - max(lo[head], low))
        cells: Sequence[int] = self.hidden_cells[k] if room >= 0 else range(slot, stop, width)
        out: list[int] = []
        _narrow_by_sums(_SUM, head, cells, low, high, lo, hi, out)
        return out


def _bound_by_shown(
    relations: _Relations, slots: Iterable[int], lo: list[int], hi: list[int], free: bytearray
) -> list[int]:
    """Bound each of a row's free ``slots`` by the shown cells it is "le" with (the row's
    ``lo``, ``hi`` and ``free``): those relations' whole work. Returns the slots narrowed."""
    out = []
    uppers, lowers = relations.uppers, relations.lowers
    for slot in slots:
        top, bottom = hi[slot], lo[slot]
        for b in uppers[slot]:
            if hi[b] < top and not free[b]:
                top = hi[b]
        for a in lowers[slot]:
            if lo[a] > bottom and not free[a]:
                bottom = lo[a]
        if top < hi[slot] or bottom > lo[slot]:
            lo[slot], hi[slot] = bottom, top
            out.append(slot)
    return out


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
    low = sum(map(lo.__getitem__, rest))
    high = min(_BIG, sum(map(hi.__getitem__, rest)))
    _narrow_by_sums(kind, head, rest, low, high, lo, hi, out)


def _narrow_by_sums(
    kind: int,
    head: int,
    rest: _Vars,
    low: int,
    high: int,
    lo: list[int],
    hi: list[int],
    out: list[int],
) -> None:
    """:func:`_narrow` of a sum or a cover, given ``low`` and ``high``, the sums of the lower and
    upper bounds of ``rest`` (the upper one at most :data:`_BIG`)."""
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


def _binds_sum(
    relations: _Relations,
    rel: int,
    var: int,
    lo: Sequence[int],
    hi: Sequence[int],
    totals: dict[int, tuple[int, int]],
) -> bool:
    """:func:`_binds` for a column sum ``rel``, from the sums of its groups' bounds (kept in
    ``totals`` for the next cell of the column) instead of a walk down the column per cell.

    What :func:`_narrow` makes of ``var`` unknown: the total, the groups' sums; a group's cell,
    at most the total less the others' lower bounds (and no lower bound, as the others' upper
    bounds then add up to no bound at all)."""
    _, head, cells = relations.vars(rel)
    found = totals.get(rel)
    if found is None:
        column = slice(cells[0], cells[-1] + 1, relations.width) if cells else slice(0, 0)
        found = totals[rel] = (sum(lo[column]), sum(hi[column]))
    low, high = found
    if var == head:
        at_lo, at_hi = max(0, low), min(_BIG, high)
    else:
        at_lo, at_hi = 0, min(_BIG, hi[head] - (low - lo[var]))
    return at_lo >= lo[var] > 0 or at_hi <= hi[var] < _BIG


def _protect(grid: Grid, hidden: set[Spot], min_learners: int, families: list[_Family]) -> None:
    """Rule 5: hide more cells until no hidden count, of learners or of things, can be bounded
    to fewer than ``min_learners`` possible values by the relations the table shows; a group
    that shows nothing is known to hold 1 to ``min_learners - 1`` learners (rule 1), and its
    learners decided is bounded no closer than that."""
    if not hidden or grid.learners[-1].get(DECIDED, 0) < min_learners:
        return  # a table of fewer than min_learners learners shows nothing (rule 1)
    relations = _Relations(grid, families)
    zero = _zero_columns(grid, hidden)
    m, width, index = min_learners, relations.width, relations.index
    # The slots of each column's counts: its learners, and its things where it counts them.
    slots = {
        c: (index[c], relations.n + index[c]) if metric_counts_items(c) else (index[c],)
        for c in grid.columns
        if c not in zero
    }
    while True:
        lo, hi = relations.bounds(hidden, min_learners)
        small = _small_rows(grid, hidden, min_learners)
        narrow: list[int] = []
        for r, column in hidden:
            for slot in slots.get(column, ()):
                var = r * width + slot
                if column == DECIDED and r in small:
                    if lo[var] > 1 or hi[var] < m - 1:
                        narrow.append(var)
                elif hi[var] - lo[var] + 1 < m:
                    narrow.append(var)
        if not narrow:
            return
        add = _more(grid, relations, hidden, sorted(narrow), lo, hi)
        if not add:
            return
        hidden |= add


def _small_rows(grid: Grid, hidden: set[Spot], min_learners: int) -> set[int]:
    """The rows that show nothing and hold fewer than ``min_learners`` learners: a reader
    takes every row that shows nothing to be such a group (rule 1)."""
    counts: dict[int, int] = defaultdict(int)
    for r, _ in hidden:
        counts[r] += 1
    return {
        r
        for r, k in counts.items()
        if k == len(grid.columns) and grid.learners[r].get(DECIDED, 0) < min_learners
    }


def _zero_columns(grid: Grid, hidden: set[Spot]) -> set[Column]:
    """The columns whose total is a shown 0, whose hidden cells rule 5 leaves as they are.

    Such a column holds only zeros, and its hidden cells (small groups' zeros) are read as 0:
    the known gap. No cell can be hidden to widen them (zeros are never chosen, and their rows
    are hidden whole), so rule 5 does not look for one, round after round: every code of every
    list is a column, most of them all zeros in a table of many small groups, and that search
    made rule 5 five to fifteen times slower, to hide nothing more."""
    if not grid.grouped:
        return set()
    total = len(grid.learners) - 1
    return {
        c for c in grid.columns if grid.learners[total].get(c, 0) == 0 and (total, c) not in hidden
    }


def _more(
    grid: Grid,
    relations: _Relations,
    hidden: set[Spot],
    narrow: list[int],
    lo: Sequence[int],
    hi: Sequence[int],
) -> set[Spot]:
    """One round of rule 5: the cells to hide so that each ``narrow`` count (a hidden cell's
    learners or things variable) is bounded less.

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
    totals: dict[int, tuple[int, int]] = {}

    def binds(rel: int, var: int) -> bool:
        memo = binds_memo.get((rel, var))
        if memo is None:
            memo = binds_memo[rel, var] = (
                _binds(relations, rel, var, lo, hi)
                if rel < relations.first_sum
                else _binds_sum(relations, rel, var, lo, hi, totals)
            )
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
                for inner in relations.sums_of(v)
                if inner != rel and binds(inner, v)
            ]
        return found

    def smallest(rels: Iterable[int], skip: Spot) -> Spot | None:
        """The smallest non-zero shown cell of ``rels`` other than ``skip``."""
        picks = [c for rel in rels if (c := next((s for s in shown(rel) if s != skip), None))]
        return min(picks, key=key, default=None)

    row_picks: dict[int, Spot | None] = {}
    column_picks: dict[Column, Spot | None] = {}

    def in_row(r: int) -> Spot | None:
        """The smallest non-zero shown cell of row ``r`` but its learners decided (a walk
        along it, once a row)."""
        if r not in row_picks:
            spots = [(r, c) for c in grid.columns if c != DECIDED]
            row_picks[r] = _smallest(spots, hidden, value)
        return row_picks[r]

    def in_column(column: Column) -> Spot | None:
        """The smallest non-zero shown cell of ``column`` (a walk down it, once a column)."""
        if column not in column_picks:
            spots = [(g, column) for g in range(len(grid.learners))]
            column_picks[column] = _smallest(spots, hidden, value)
        return column_picks[column]

    add: set[Spot] = set()
    for var in narrow:
        spot = relations.spot(var)
        assert spot is not None  # a cell's count, not a family's
        r, column = spot
        binding = [rel for rel in relations.of(var) if binds(rel, var)]
        pick = (
            smallest(binding, spot)
            or smallest((inner for rel in binding for inner in via(rel, True)), spot)
            or smallest((inner for rel in binding for inner in via(rel, False)), spot)
            or in_row(r)
            or (in_column(column) if grid.grouped else None)
            or smallest(relations.of(var), spot)
        )
        if pick is not None:
            add.add(pick)
    return add
