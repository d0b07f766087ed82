"""Counting decisions (and their cases) into a table, in one pass.

Memory: the table holds a handful of integers per group and category, whatever the number of
learners. Beside it, by default, a set of one hash per learner and term catches a learner decided
twice (about 70 bytes a learner; ``unique=False`` drops it and trusts the input). Joining the cases
by learner id (``join="id"``) reads the cases first and keeps a few small tuples per learner; the
default ``join="order"`` keeps nothing, as the batch writes decisions in the order of its input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

import attrs

from atbalsts.engine import PolicyRegistry
from atbalsts.stats import _labels
from atbalsts.stats._errors import StatsError
from atbalsts.stats._metrics import DIMENSIONS, METRIC, METRICS, Metric
from atbalsts.stats._records import (
    DECISION,
    ERROR,
    INVALID,
    CaseFacts,
    DecisionFacts,
    RuleTables,
    Unreadable,
    case_facts,
    decision_facts,
    is_rule_table,
    kind_of,
    numbered,
    read_lines,
)
from atbalsts.stats._suppress import Grid, suppress

__all__ = ["MIN_LEARNERS", "Cell", "Records", "Row", "Table", "count", "count_files"]

#: The smallest number of learners a shown cell may hold (a cell of 1-4 is hidden).
MIN_LEARNERS = 5

Column = tuple[str, str | None]
Join = Literal["order", "id"]
#: The local codes of each category list that a plugin adds to it, with the risk group of
#: each local risk factor.
#: The local codes of each category list: each code with its group (a risk factor's) or None.
LocalCodes = dict[str, dict[str, str | None]]
#: The Latvian and English labels of local codes, by code.
LocalLabels = dict[str, tuple[str, str]]

#: Referral statuses in which the recipient has not started: past its due date, it is overdue.
WAITING = frozenset({"draft", "requested", "received", "ready", "on-hold"})
#: Plan statuses whose measures are not planned any more.
NOT_PLANNED = frozenset({"revoked", "entered-in-error"})
#: Things counted among others' (see :func:`learner_cells`), category by category: a measure
#: delivered is one planned, of the same kind and funder.
DELIVERED_AMONG_PLANNED = (
    ("measures_delivered_by_kind", "measures_planned_by_kind"),
    ("measures_delivered_by_funder", "measures_planned_by_funder"),
)


def within(columns: Iterable[Column]) -> tuple[tuple[Column, tuple[Column, ...]], ...]:
    """The cells whose things are among those of other cells of the same group (and so are its
    learners), as :func:`learner_cells` counts them: each as (the cell, the cells its things are
    among). A measure delivered of a kind (or funder) is one planned of it; an overdue referral
    is one of a status in :data:`WAITING`."""
    ordered = tuple(columns)
    present = set(ordered)
    out: list[tuple[Column, tuple[Column, ...]]] = []
    for part, whole in DELIVERED_AMONG_PLANNED:
        for metric, category in ordered:
            if metric == part and (whole, category) in present:
                out.append(((metric, category), ((whole, category),)))
    overdue: Column = ("referrals_overdue", None)
    waiting = tuple(c for c in ordered if c[0] == "referrals_by_status" and c[1] in WAITING)
    if overdue in present and waiting:
        out.append((overdue, waiting))
    return tuple(out)


@attrs.frozen
class Cell:
    """One count: learners, and things where the metric counts them; both ``None`` when hidden."""

    learners: int | None
    items: int | None = None
    suppressed: bool = False


@attrs.frozen
class Row:
    """A group (``key``: one value per dimension of the table's ``by``) and its cells.

    The total row has an empty key. A value is ``None`` when it is not known (a decision with no
    case has no school or grade).
    """

    key: tuple[str | None, ...]
    cells: Mapping[Column, Cell]


@attrs.frozen
class Records:
    """What was read, by kind. Only ``decisions`` are counted in the table.

    ``invalid`` and ``errors``: the batch's ``invalid`` and ``error`` records. ``other``: records
    that are neither (a header or a summary); the ``rule_table`` records are read for the
    decisions that name them and not counted, so the default output and the ``--self-contained``
    output of one batch count alike. ``unreadable``: lines that are not JSON (or a ``rule_table``
    record that is not one), decisions that lack a field the counts need, and decisions whose
    rule table no earlier record gave (an output cut at its start). ``duplicates``: a second
    decision for a learner in one term, left out. ``without_case``: decisions counted without a
    case (joined by id, the cases file had none), so without plans, measures, referrals, school
    and grade. ``cases_unreadable``: case lines that could not be read. ``cases_unused``: cases
    no decision was counted with.
    """

    decisions: int = 0
    invalid: int = 0
    errors: int = 0
    other: int = 0
    unreadable: int = 0
    duplicates: int = 0
    without_case: int = 0
    cases_unreadable: int = 0
    cases_unused: int = 0


@attrs.frozen
class Table:
    """Counts by group, with the small cells hidden. Made by :func:`count`.

    ``columns`` lists the ``(metric, category)`` pairs in the order the outputs show them
    (``category`` is ``None`` for a metric with no breakdown): every code of each list a metric
    breaks down by, met or not, so that no column tells that some learner has its category
    (see :func:`count`). ``rows`` holds one row per group, sorted; ``total`` the counts of all
    groups together. ``cases`` says whether a cases file was
    given (the plan, measure and referral metrics are there only then). ``labels`` holds the
    Latvian and English labels of the plugins' local codes among the columns, as their plugins
    declare them (the outputs show a local code by its label, as a national one).
    """

    by: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row
    records: Records
    cases: bool
    min_learners: int = MIN_LEARNERS
    labels: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)

    def label(self, kind: str | None, code: str | None, lang: _labels.Lang) -> str:
        """The label of ``code`` of the category list ``kind`` in ``lang``: a local code's as
        its plugin declares it, any other's from the national code lists or the statistics' own."""
        local = self.labels.get(code) if code is not None else None
        if local is not None:
            return local[0] if lang == "lv" else local[1]
        return _labels.category_label(kind, code, lang)

    def cell(
        self, key: tuple[str | None, ...] | None, metric: str, category: str | None = None
    ) -> Cell:
        """The cell of group ``key`` (``None``: the total) for ``metric`` and ``category``;
        a zero cell if nothing was counted there."""
        if key is None:
            row = self.total
        else:
            found = [r for r in self.rows if r.key == key]
            if not found:
                return Cell(0, 0 if METRIC[metric].items else None)
            row = found[0]
        zero = Cell(0, 0 if METRIC[metric].items else None)
        return row.cells.get((metric, category), zero)

    def metrics(self) -> tuple[Metric, ...]:
        """The metrics in the table, in order."""
        names = {c[0] for c in self.columns}
        return tuple(m for m in METRICS if m.name in names)

    def categories(self, metric: str) -> tuple[str | None, ...]:
        """The categories of ``metric`` in the table, in order."""
        return tuple(c[1] for c in self.columns if c[0] == metric)

    def rule(self, lang: _labels.Lang = "en") -> str:
        """The suppression rule, in words, as every output states it."""
        return _labels.rule(self.min_learners, lang)


def count(
    decisions: Iterable[object],
    cases: Iterable[object] | None = None,
    by: Iterable[str] = ("municipality",),
    *,
    join: Join = "order",
    unique: bool = True,
    min_learners: int = MIN_LEARNERS,
    registry: PolicyRegistry | None = None,
) -> Table:
    """Count ``decisions`` (with their ``cases``, if given) grouped ``by`` dimensions.

    ``decisions`` yields :class:`~atbalsts.model.Decision` documents or the ``dict`` of each line
    of ``atbalsts batch`` output, in order (``invalid`` and ``error`` records are counted apart,
    a ``rule_table`` record is kept for the decisions after it that name it, other records are
    skipped). ``cases`` yields :class:`~atbalsts.model.SupportCase` documents or their
    ``dict``; with ``join="order"`` the decisions must come in the order of the cases (as the batch
    writes them: a case without a decision is passed over), with ``join="id"`` in any order (the
    cases are read first and kept, a few small tuples each). ``by`` takes any of
    ``municipality``, ``school``, ``grade`` and ``term``; school and grade need the cases.

    Both iterables are read once. Cells of fewer than ``min_learners`` learners (a whole number,
    at least 5; anything else raises :class:`ValueError`) are hidden, with the cells that would
    give them away (see :attr:`Table.rule`).

    Every metric with a breakdown shows every code of its list, met or not: the national code
    lists of :mod:`atbalsts.codes` and the statistics' own lists, then the local codes of every
    plugin that a counted decision's policy stamp names (the union over the municipalities
    counted together), as ``registry`` declares them (default: the plugins installed,
    :meth:`PolicyRegistry.load() <atbalsts.PolicyRegistry.load>`, loaded only when a stamp
    names a plugin). A stamp naming a plugin that ``registry`` lacks raises
    :class:`~atbalsts.stats.StatsError`: its local codes could be shown only where met, which
    would tell that some learner has them. A code no list holds (from another producer) is
    shown where it is met.
    """
    return _count(
        numbered(decisions),
        None if cases is None else numbered(cases),
        by,
        join,
        unique,
        min_learners,
        registry,
    )


def count_files(
    decisions: Path,
    cases: Path | None = None,
    by: Iterable[str] = ("municipality",),
    *,
    join: Join = "order",
    unique: bool = True,
    min_learners: int = MIN_LEARNERS,
    registry: PolicyRegistry | None = None,
) -> Table:
    """:func:`count` on the JSON Lines files ``decisions`` (``atbalsts batch`` output) and
    ``cases`` (its input), read line by line."""
    return _count(
        read_lines(decisions),
        None if cases is None else read_lines(cases),
        by,
        join,
        unique,
        min_learners,
        registry,
    )


def _count(
    decisions: Iterator[tuple[int, object]],
    cases: Iterator[tuple[int, object]] | None,
    by: Iterable[str],
    join: Join,
    unique: bool,
    min_learners: int,
    registry: PolicyRegistry | None,
) -> Table:
    dims = _dimensions(by, cases is not None)
    # Not `min_learners < 5` alone: NaN compares false with everything and would hide nothing.
    if not isinstance(min_learners, int) or isinstance(min_learners, bool):
        raise ValueError(f"min_learners must be a whole number, not {type(min_learners).__name__}")
    if min_learners < MIN_LEARNERS:
        raise ValueError(f"min_learners must be at least {MIN_LEARNERS}, not {min_learners}")
    if join not in ("order", "id"):
        raise ValueError(f"join must be 'order' or 'id', not {join!r}")
    tally = _Tally(dims, cases is not None)
    finder = None
    if cases is not None:
        finder = _OrderJoin(cases) if join == "order" else _IdJoin(cases)
    seen: set[int] = set()
    tables = RuleTables()
    for number, record in decisions:
        kind = kind_of(record) if record is not None else None
        if kind is None:
            tally.records["unreadable"] += 1
            continue
        if is_rule_table(record):  # read, not counted: the self-contained output has none
            try:
                tables.add(record)
            except Unreadable:
                tally.records["unreadable"] += 1
            continue
        if kind != DECISION:
            key = {INVALID: "invalid", ERROR: "errors"}.get(kind, "other")
            tally.records[key] += 1
            continue
        try:
            facts = decision_facts(record, tables.table_of(record))
        except Unreadable:
            tally.records["unreadable"] += 1
            continue
        if unique:
            # a learner id is a host's: two municipalities' hosts may both have a "L-1"
            mark = hash((facts.municipality, facts.learner_id, facts.term))
            if mark in seen:
                tally.records["duplicates"] += 1
                continue
            seen.add(mark)
        case = None if finder is None else finder.find(facts, number)
        if finder is not None and case is None:
            tally.records["without_case"] += 1
        tally.add(facts, case)
    if finder is not None:
        tally.records["cases_unreadable"] += finder.unreadable
        tally.records["cases_unused"] += finder.unused()
    local, labels = local_codes(tally.plugins, registry)
    return tally.table(min_learners, local, labels)


def local_codes(
    plugins: Iterable[str], registry: PolicyRegistry | None
) -> tuple[LocalCodes, LocalLabels]:
    """The local codes that the ``plugins`` named in the decisions' stamps add to each category
    list, and their labels, as ``registry`` (default: the plugins installed) declares them.
    Raises :class:`StatsError` for a plugin it lacks."""
    named = set(plugins)
    out: LocalCodes = {kind: {} for kind in _labels.PLUGIN_LISTS}
    labels: LocalLabels = {}
    if not named:
        return out, labels
    if registry is None:
        registry = PolicyRegistry.load()
    declared = {d.info.name: d for d in registry.declarations}
    lists = {code_list: kind for kind, code_list in _labels.PLUGIN_LISTS.items()}
    for name in sorted(named):
        declaration = declared.get(name)
        if declaration is None:
            raise StatsError(
                f"the decisions name the plugin {name!r} in their policy stamps, and it is not "
                "loaded here (not installed, blocked or failing): every local code of its code "
                "lists must be shown, met or not, or a code shown only where met would tell "
                "that some learner has it; count where the plugins that decided are installed",
                code="plugin_not_loaded",
                values={"plugin": name},
            )
        for code_list, code in declaration.codes:
            kind = lists.get(code_list)
            if kind is not None:
                out[kind].setdefault(code.code, code.group)
                labels.setdefault(code.code, (code.lv, code.en))
    return out, labels


def unknown_dimension(dim: str) -> StatsError:
    """The error for a grouping by ``dim``, which is not one of :data:`DIMENSIONS`."""
    return StatsError(
        f"cannot group by {dim!r}: choose from {', '.join(DIMENSIONS)}",
        code="unknown_dimension",
        values={"by": dim, "choices": ", ".join(DIMENSIONS)},
    )


def _dimensions(by: Iterable[str], with_cases: bool) -> tuple[str, ...]:
    dims = tuple(by)
    for dim in dims:
        if dim not in DIMENSIONS:
            raise unknown_dimension(dim)
    if len(set(dims)) != len(dims):
        raise StatsError(
            f"a dimension is named twice in by: {', '.join(dims)}",
            code="dimension_twice",
            values={"by": ", ".join(dims)},
        )
    needs = [d for d in dims if d in ("school", "grade")]
    if needs and not with_cases:
        raise StatsError(
            f"grouping by {' and '.join(needs)} needs the cases file: a decision does not name "
            "the school or the grade",
            code="needs_cases",
            values={"by": ", ".join(needs)},
        )
    return dims


def _readable(record: object) -> CaseFacts | None:
    """What the counts need of a case line, or None when it cannot be read (a line that is not
    JSON comes as None)."""
    if record is None:
        return None
    try:
        return case_facts(record)
    except Unreadable:
        return None


class _OrderJoin:
    """The case of each decision, reading the cases alongside: constant memory."""

    def __init__(self, cases: Iterator[tuple[int, object]]) -> None:
        self._cases = cases
        self.unreadable = 0
        self._passed = 0
        self._rest = 0
        self._line = 0

    def find(self, decision: DecisionFacts, line: int) -> CaseFacts | None:
        learner_id, municipality = decision.learner_id, decision.municipality
        for number, record in self._cases:
            self._line = number
            facts = _readable(record)
            if facts is None:
                self.unreadable += 1
                continue
            # an id is a host's own: two municipalities may both have it
            if facts.learner_id == learner_id and municipality in (None, facts.municipality):
                return facts
            self._passed += 1
        unreadable = (
            f"; {self.unreadable} case line(s) could not be read" if self.unreadable else ""
        )
        raise StatsError(
            f"the decision on decisions line {line} has no case after cases line {self._line}: "
            "the files are not in the same learner order (join the cases by id instead)"
            f"{unreadable}",
            code="cases_out_of_order",
            values={
                "line": str(line),
                "cases_line": str(self._line),
                "unreadable": str(self.unreadable),
            },
        )

    def unused(self) -> int:
        for _number, record in self._cases:
            if _readable(record) is None:
                self.unreadable += 1
                continue
            self._passed += 1
        return self._passed


class _IdJoin:
    """The case of each decision, from a dict of every case by municipality and learner id read
    first (a learner id is a host's own: two municipalities' hosts may use the same)."""

    def __init__(self, cases: Iterator[tuple[int, object]]) -> None:
        self.unreadable = 0
        self._cases: dict[tuple[str | None, str], CaseFacts] = {}
        self._by_id: dict[str, tuple[str | None, str] | None] = {}
        for number, record in cases:
            facts = _readable(record)
            if facts is None:
                self.unreadable += 1
                continue
            key = (facts.municipality, facts.learner_id)
            if key in self._cases:
                raise StatsError(
                    f"cases line {number} is a second case of a learner of an earlier line: "
                    "joined by id, a learner has one case in a municipality",
                    code="case_twice",
                    values={"cases_line": str(number)},
                )
            self._cases[key] = facts
            # a decision whose stamp names no municipality finds its case by id alone, if the
            # id is only one case's
            self._by_id[facts.learner_id] = None if facts.learner_id in self._by_id else key
        self._used: set[tuple[str | None, str]] = set()

    def find(self, decision: DecisionFacts, line: int) -> CaseFacts | None:
        key: tuple[str | None, str] | None = (decision.municipality, decision.learner_id)
        if decision.municipality is None:
            key = self._by_id.get(decision.learner_id)
        found = None if key is None else self._cases.get(key)
        if found is not None and key is not None:
            self._used.add(key)
        return found

    def unused(self) -> int:
        return len(self._cases) - len(self._used)


class _Tally:
    """Raw counts per group: learners and things per (metric, category)."""

    def __init__(self, dims: tuple[str, ...], with_cases: bool) -> None:
        self.dims = dims
        self.with_cases = with_cases
        self.groups: dict[tuple[str | None, ...], dict[Column, list[int]]] = {}
        self.factor_groups: dict[str, str] = {}
        self.records: dict[str, int] = dict.fromkeys(attrs.fields_dict(Records), 0)
        #: The plugins the counted decisions' stamps name.
        self.plugins: set[str] = set()

    def add(self, d: DecisionFacts, case: CaseFacts | None) -> None:
        self.records["decisions"] += 1
        key = tuple(self._value(dim, d, case) for dim in self.dims)
        group = self.groups.setdefault(key, {})
        for column, things in learner_cells(d, case).items():
            cell = group.get(column)
            if cell is None:
                group[column] = [1, things]
            else:
                cell[0] += 1
                cell[1] += things
        for factor, risk_group in d.findings:
            self.factor_groups.setdefault(factor, risk_group)
        self.plugins.update(d.plugins)

    @staticmethod
    def _value(dim: str, d: DecisionFacts, case: CaseFacts | None) -> str | None:
        if dim == "term":
            return d.term
        if dim == "municipality":
            return case.municipality if case is not None else d.municipality
        if case is None:
            return None
        return case.school if dim == "school" else case.grade

    def columns(self, local: LocalCodes) -> tuple[Column, ...]:
        """Every code of each list, met or not: the national (or own) codes in list order, the
        plugins' local codes, then any code met that no list holds."""
        met: dict[str, set[str]] = {}
        for group in self.groups.values():
            for metric, category in group:
                if category is not None:
                    met.setdefault(metric, set()).add(category)
        out: list[Column] = []
        for spec in METRICS:
            if spec.cases and not self.with_cases:
                continue
            if spec.categories is None:
                out.append((spec.name, None))
                continue
            order = _labels.list_order(spec.categories)
            own = sorted(set(local.get(spec.categories, {})) - set(order))
            extra = sorted(met.get(spec.name, set()) - set(order) - set(own))
            out.extend((spec.name, c) for c in (*order, *own, *extra))
        return tuple(out)

    def table(self, min_learners: int, local: LocalCodes, labels: LocalLabels) -> Table:
        columns = self.columns(local)
        # Each risk factor shown splits its risk group, met or not: the groups the findings
        # give, else those of the code lists.
        factor_groups = _labels.factor_groups()
        factor_groups.update(
            (code, group) for code, group in local["risk_factor"].items() if group is not None
        )
        factor_groups.update(self.factor_groups)
        keys = sorted(
            self.groups,
            key=lambda k: tuple(_sort_key(d, v) for d, v in zip(self.dims, k, strict=True)),
        )
        grouped = bool(self.dims)
        rows_raw = [self.groups[k] for k in keys] if grouped else []
        total: dict[Column, list[int]] = {}
        for group in self.groups.values():
            for column, (learners, things) in group.items():
                cell = total.setdefault(column, [0, 0])
                cell[0] += learners
                cell[1] += things
        all_rows = [*rows_raw, total]
        grid = Grid(
            columns=columns,
            learners=[{c: v[0] for c, v in row.items()} for row in all_rows],
            items=[{c: v[1] for c, v in row.items()} for row in all_rows],
            factor_groups=factor_groups,
            grouped=grouped,
            within=within(columns),
        )
        hidden = suppress(grid, min_learners)

        def row(index: int, key: tuple[str | None, ...]) -> Row:
            raw = all_rows[index]
            cells = {}
            for column in columns:
                counts_items = METRIC[column[0]].items
                if (index, column) in hidden:
                    cells[column] = Cell(None, None, suppressed=True)
                    continue
                learners, things = raw.get(column, (0, 0))
                cells[column] = Cell(learners, things if counts_items else None)
            return Row(key, cells)

        return Table(
            by=self.dims,
            columns=columns,
            rows=tuple(row(i, k) for i, k in enumerate(keys)) if grouped else (),
            total=row(len(all_rows) - 1, ()),
            records=Records(**self.records),
            cases=self.with_cases,
            min_learners=min_learners,
            labels={c: labels[c] for _, c in columns if c is not None and c in labels},
        )


def _sort_key(dim: str, value: str | None) -> tuple[int, int, str]:
    if value is None:
        return (2, 0, "")
    if dim == "grade":
        if value == "pre_school":
            return (0, 0, value)
        if value.startswith("vocational_"):
            return (1, 0, value)
        return (0, int(value) if value.isdigit() else 99, value)
    return (0, 0, value)


def learner_cells(d: DecisionFacts, case: CaseFacts | None) -> dict[Column, int]:
    """The cells one learner is counted in, with how many things each (0 for a learner count)."""
    out: dict[Column, int] = {("learners_decided", None): 0}

    def add(column: Column) -> None:
        out[column] = out.get(column, 0) + 1

    if not d.complete:
        out[("incomplete_decisions", None)] = 0
    if d.findings:
        out[("learners_with_findings", None)] = 0
        for factor, group in d.findings:
            out[("findings_by_risk_group", group)] = 0
            out[("findings_by_factor", factor)] = 0
    for action, state in d.obligations:
        add(("obligations_by_action", action))
        add(("obligations_by_state", state))
    for recipient in d.referrals_due:
        add(("referrals_due_by_recipient", recipient))
    for recipient in d.referrals_suggested:
        add(("referrals_suggested_by_recipient", recipient))
    if case is None:
        return out
    for plan in case.plans:
        if plan.term != d.term:
            continue
        add(("plans_by_status", plan.status))
        if plan.status in NOT_PLANNED:
            continue
        for measure, funder, delivered in plan.measures:
            add(("measures_planned_by_kind", measure))
            add(("measures_planned_by_funder", funder))
            if delivered is None:
                add(("measures_delivery", "not_tracked"))
            elif delivered:
                add(("measures_delivery", "delivered"))
                add(("measures_delivered_by_kind", measure))
                add(("measures_delivered_by_funder", funder))
            else:
                add(("measures_delivery", "not_delivered"))
    for referral in case.referrals:
        if referral.status == "entered-in-error" or referral.created_on > d.as_of:
            continue
        add(("referrals_by_recipient", referral.to))
        add(("referrals_by_status", referral.status))
        if referral.due is not None and referral.due < d.as_of and referral.status in WAITING:
            add(("referrals_overdue", None))
    return out
