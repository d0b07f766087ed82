"""The table as JSON and as CSV, each stating the suppression rule."""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import json
from typing import Any, TextIO

import attrs

from atbalsts.stats import _labels
from atbalsts.stats._count import Cell, Row, Table
from atbalsts.stats._labels import Lang
from atbalsts.stats._metrics import METRIC
from atbalsts.stats._suppress import DECIDED

__all__ = [
    "FORMAT",
    "LEARNER_RECORDS",
    "as_dict",
    "csv_text",
    "generator",
    "shown_records",
    "write_csv",
    "write_json",
]

#: The ``format`` of the JSON output; its number changes when the shape does.
FORMAT = "atbalsts-stats/1"


@functools.cache
def generator() -> str:
    """``atbalsts`` and its installed version, as the outputs name their maker."""
    return f"atbalsts {importlib.metadata.version('atbalsts')}"


def _cell(cell: Cell, items: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"learners": cell.learners}
    if items:
        out["items"] = cell.items
    out["suppressed"] = cell.suppressed
    return out


def _counts(table: Table, row: Row) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for metric in table.metrics():
        categories = table.categories(metric.name)
        if metric.categories is None:
            counts[metric.name] = _cell(row.cells[(metric.name, None)], metric.items)
        else:
            counts[metric.name] = {
                str(c): _cell(row.cells[(metric.name, c)], metric.items) for c in categories
            }
    return counts


def as_dict(table: Table, lang: Lang = "lv") -> dict[str, Any]:
    """The JSON document of ``table`` as a ``dict``, with labels in ``lang``."""
    metrics = []
    for metric in table.metrics():
        entry: dict[str, Any] = {
            "name": metric.name,
            "label": metric.label(lang),
            "counts_items": metric.items,
        }
        if metric.categories is not None:
            entry["categories"] = [
                {"code": c, "label": table.label(metric.categories, c, lang)}
                for c in table.categories(metric.name)
            ]
        metrics.append(entry)
    return {
        "format": FORMAT,
        "generator": generator(),
        "lang": lang,
        "by": list(table.by),
        "cases": table.cases,
        "suppression": {
            "min_learners": table.min_learners,
            "rule": table.rule(lang),
        },
        "records": shown_records(table),
        "metrics": metrics,
        "rows": [
            {"key": dict(zip(table.by, row.key, strict=True)), "counts": _counts(table, row)}
            for row in table.rows
        ],
        "total": {"counts": _counts(table, table.total)},
    }


#: The counts of :class:`~atbalsts.stats.Records` that count learners (a decision counted, a
#: learner's second decision left out, a decision counted without its case, a case no decision
#: was counted with); the others count lines of the files (``invalid``, ``errors``, ``other``,
#: ``unreadable``, ``cases_unreadable``) and are shown as they are.
LEARNER_RECORDS = ("decisions", "duplicates", "without_case", "cases_unused")


def shown_records(table: Table) -> dict[str, int | None]:
    """The counts of what was read as the outputs show them: a count of learners is ``None``
    (hidden) as a cell would be.

    ``decisions`` is the total's learners decided, so it is hidden when that cell is. A count of
    learners of 1 to ``min_learners - 1`` is hidden, and so is ``without_case`` when the learners
    counted with a case (``decisions - without_case``) are that few, or when a group of unknown
    school or grade (the decisions without a case) has its learners decided hidden; when
    ``decisions`` is hidden, every count of learners but zero is hidden with it (each is a bound
    on it).
    """
    raw: dict[str, int] = attrs.asdict(table.records)

    def small(n: int) -> bool:
        return 0 < n < table.min_learners

    hide = {name for name in LEARNER_RECORDS if small(raw[name])}
    if raw["without_case"] and small(raw["decisions"] - raw["without_case"]):
        hide.add("without_case")
    if raw["without_case"] and any(  # the group of decisions without a case is hidden
        None in row.key and row.cells[DECIDED].suppressed
        for row in table.rows
        if DECIDED in row.cells
    ):
        hide.add("without_case")
    total = table.total.cells.get(DECIDED)
    if total is None or total.suppressed or "decisions" in hide:
        hide.update(n for n in LEARNER_RECORDS if n == "decisions" or raw[n] != 0)
    return {name: None if name in hide else value for name, value in raw.items()}


def write_json(table: Table, out: TextIO, lang: Lang = "lv") -> None:
    """Write ``table`` as one JSON document (UTF-8 text, keys in a fixed order)."""
    json.dump(as_dict(table, lang), out, ensure_ascii=False, indent=2)
    out.write("\n")


#: The columns of the CSV output after the grouping dimensions.
CSV_COLUMNS = (
    "metric",
    "category",
    "learners",
    "items",
    "suppressed",
    "metric_label",
    "category_label",
)


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """``value`` safe to open in a spreadsheet: a text starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading ``'``, so that a school id or a plugin's code such
    as ``=HYPERLINK(...)`` is shown as text and never run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write_csv(table: Table, out: TextIO, lang: Lang = "lv") -> None:
    """Write ``table`` as CSV: a row per group, metric and category, then the total rows.

    The file starts with comment lines (``#``) stating the rule and what was read: skip the lines
    that start with ``#`` and read the rest (not with pandas' ``comment="#"``, which also cuts a
    row at a ``#`` inside a school id). A hidden cell has empty ``learners`` and
    ``items`` and ``suppressed`` set to ``true``. A text cell that a spreadsheet would read as
    a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) starts
    with ``'``.
    """
    for line in _comment_lines(table, lang):
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("scope", *table.by, *CSV_COLUMNS))
    rows = [("group", row) for row in table.rows] + [("total", table.total)]
    for scope, row in rows:
        key = [csv_text(v or "") for v in row.key] if scope == "group" else [""] * len(table.by)
        for metric, category in table.columns:
            spec = METRIC[metric]
            cell = row.cells[(metric, category)]
            writer.writerow(
                (
                    scope,
                    *key,
                    metric,
                    csv_text(category or ""),
                    "" if cell.learners is None else cell.learners,
                    "" if cell.items is None else cell.items,
                    "true" if cell.suppressed else "false",
                    csv_text(spec.label(lang)),
                    ""
                    if category is None
                    else csv_text(table.label(spec.categories, category, lang)),
                )
            )


def _comment_lines(table: Table, lang: Lang) -> list[str]:
    records = shown_records(table)
    return [
        f"{FORMAT}; {generator()}",
        table.rule(lang),
        "records: "
        + ", ".join(
            f"{k}={_labels.text('suppressed', lang) if v is None else v}"
            for k, v in records.items()
        ),
    ]
