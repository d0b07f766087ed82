"""The report a municipal coordinator reads: one self-contained HTML page.

No script, no font, no image or style sheet is fetched from anywhere: the style is in the page,
the charts are inline SVG (see :mod:`atbalsts.stats._charts`). Latvian by default, English with
``lang="en"``. Every chart has a table with the same numbers beside it.
"""

from __future__ import annotations

import html
from typing import TextIO

from atbalsts.stats import _charts, _labels
from atbalsts.stats._count import Cell, Table
from atbalsts.stats._labels import Lang
from atbalsts.stats._metrics import Metric
from atbalsts.stats._write import generator, shown_records

__all__ = ["write_html"]

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
.lead { color: #444; margin-top: 0; }
.privacy { background: #f3f6fa; border-left: 4px solid #0072B2; padding: 0.6rem 1rem; }
.note { color: #555; font-size: 0.9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; }
th { background: #f5f5f5; text-align: left; font-weight: 600; }
thead th { white-space: nowrap; text-align: center; }
thead th.dim { text-align: left; font-weight: normal; color: #555; }
tbody th { min-width: 14rem; font-weight: normal; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.hidden { color: #777; text-align: center; }
tr.total th, tr.total td, th.total, td.total { background: #eef3e8; }
figure { margin: 1rem 0; }
figcaption { color: #555; font-size: 0.85rem; }
svg.chart { width: 100%; max-width: 54rem; height: auto; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _number(value: int, lang: Lang) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if lang == "lv" else grouped


def _cell(cell: Cell, items: bool, lang: Lang, total: bool = False) -> str:
    cls = " total" if total else ""
    if cell.suppressed:
        hidden = _e(_labels.text("suppressed", lang))
        return f'<td class="hidden{cls}">{hidden}</td>'
    assert cell.learners is not None
    text = _number(cell.learners, lang)
    if items and cell.items is not None:
        text += f" ({_number(cell.items, lang)})"
    return f'<td class="n{cls}">{text}</td>'


def _head(table: Table, lang: Lang) -> str:
    """Header rows: one per dimension, each value spanning the groups under it, then the total."""
    rows = table.rows
    total = _e(_labels.text("total", lang))
    if not table.by:
        return f'<tr><th></th><th scope="col" class="total">{total}</th></tr>'
    lines = []
    last = len(table.by) - 1
    for level, dim in enumerate(table.by):
        cells = [f'<th scope="row" class="dim">{_e(_labels.dimension_label(dim, lang))}</th>']
        i = 0
        while i < len(rows):
            prefix = rows[i].key[: level + 1]
            j = i
            while j < len(rows) and rows[j].key[: level + 1] == prefix:
                j += 1
            label = _e(_labels.dimension_value_label(dim, rows[i].key[level], lang))
            scope = "col" if level == last else "colgroup"
            span = f' colspan="{j - i}"' if j - i > 1 else ""
            cells.append(f'<th scope="{scope}"{span}>{label}</th>')
            i = j
        if level == 0:
            cells.append(f'<th scope="col" rowspan="{last + 1}" class="total">{total}</th>')
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(lines)


def _grid(
    table: Table, caption: str, lines: list[tuple[str, str, str | None, bool]], lang: Lang
) -> str:
    """A table: one line per ``(label, metric, category, items)``, one column per group."""
    body = []
    for label, metric, category, items in lines:
        cells = "".join(_cell(r.cells[(metric, category)], items, lang) for r in table.rows)
        cells += _cell(table.total.cells[(metric, category)], items, lang, True)
        body.append(f'<tr><th scope="row">{_e(label)}</th>{cells}</tr>')
    return (
        f'<div class="scroll"><table>{caption}<thead>{_head(table, lang)}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _metric_table(table: Table, metric: Metric, lang: Lang) -> str:
    """Lines: the metric's categories; columns: the groups, then the total."""
    lines = [
        (table.label(metric.categories, c, lang), metric.name, c, metric.items)
        for c in table.categories(metric.name)
    ]
    unit = _labels.text("learners_items" if metric.items else "learners", lang)
    caption = (
        f'<caption id="metric-{_e(metric.name)}">{_e(metric.label(lang))} '
        f'<span class="note">({_e(unit)})</span></caption>'
    )
    return _grid(table, caption, lines, lang)


def _summary_table(table: Table, lang: Lang) -> str:
    """The single counts (learners decided, with findings, ...) of every group."""
    lines: list[tuple[str, str, str | None, bool]] = [
        (m.label(lang), m.name, None, m.items) for m in table.metrics() if m.categories is None
    ]
    return _grid(table, "", lines, lang)


def _records_table(table: Table, lang: Lang) -> str:
    """What was read; a count of learners too small to show is hidden as a cell is
    (:func:`~atbalsts.stats._write.shown_records`)."""
    rows = "".join(
        f'<tr><th scope="row">{_e(_labels.record_label(name, lang))}</th>'
        + (
            f'<td class="hidden">{_e(_labels.text("suppressed", lang))}</td></tr>'
            if value is None
            else f'<td class="n">{_number(value, lang)}</td></tr>'
        )
        for name, value in shown_records(table).items()
        if table.cases or not (name.startswith("cases_") or name == "without_case")
    )
    return f'<table id="records"><tbody>{rows}</tbody></table>'


#: The tables of measures delivered: a note before them says when their zeros mean no data.
_DELIVERED = ("measures_delivered_by_kind", "measures_delivered_by_funder")


def deliveries_untracked(table: Table) -> bool:
    """Whether, where the report shows a number, no plan records a delivery: every shown cell of
    measures delivered and not delivered is 0 (one at least shown), and some shown cell of
    measures *not tracked* is not. The tables of measures delivered then hold zeros that mean
    no data, not no support given. Read from the shown cells alone (a total may be hidden: the
    zeros of a small group beside it), so saying it gives nothing away."""
    if not table.cases:
        return False
    rows = (*table.rows, table.total)

    def shown(category: str) -> list[int]:
        cells = (row.cells.get(("measures_delivery", category)) for row in rows)
        return [c.learners for c in cells if c is not None and c.learners is not None]

    given = shown("delivered") + shown("not_delivered")
    return bool(given) and not any(given) and any(shown("not_tracked"))


def _figure(svg: str, notes: list[str]) -> str:
    caption = " ".join(_e(n) for n in notes)
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def _chart_sections(table: Table, lang: Lang) -> list[str]:
    out = []
    hidden_note = _labels.text("chart_hidden", lang)
    shown, available = _charts.visible_rows(table)
    cut = (
        [_labels.text("chart_rows_cut", lang).format(shown=len(shown), all=available)]
        if len(shown) < available
        else []
    )
    findings = _charts.findings_chart(table, lang)
    if findings is not None:
        out.append(f"<h2>{_e(_labels.text('chart_findings', lang))}</h2>")
        several = _labels.text("several_groups", lang)
        out.append(_figure(findings, [several, hidden_note, *cut]))
    trend = _charts.trend_chart(table, lang)
    if trend is not None:
        svg, drawn, available_lines = trend
        notes = [_labels.text("chart_gaps", lang)]
        if drawn < available_lines:
            notes.append(
                _labels.text("chart_lines_cut", lang).format(shown=drawn, all=available_lines)
            )
        out.append(f"<h2>{_e(_labels.text('chart_trend', lang))}</h2>")
        out.append(_figure(svg, notes))
    out.append(f"<h2>{_e(_labels.text('chart_overdue', lang))}</h2>")
    overdue = _charts.overdue_chart(table, lang)
    tracked = _charts.states_tracked(table)
    if overdue is None:
        out.append(f'<p class="note">{_e(_labels.text("not_tracked_overdue", lang))}</p>')
    else:
        notes = [hidden_note, *cut]
        if not tracked:
            notes.insert(0, _labels.text("obligations_not_tracked", lang))
        out.append(_figure(overdue, notes))
    return out


def write_html(table: Table, out: TextIO, lang: Lang = "lv", *, charts: bool = True) -> None:
    """Write ``table`` as one self-contained HTML page in ``lang``.

    ``charts=False`` leaves the charts out (and needs no matplotlib); the tables are there in
    either case.
    """
    by = (
        ", ".join(_labels.dimension_label(d, lang).lower() for d in table.by)
        if table.by
        else _labels.text("no_grouping", lang)
    )
    title = _labels.text("title", lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{_e(generator())}">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{_e(_labels.text("subtitle", lang))}. '
        f"{_e(_labels.text('grouped_by', lang))}: {_e(by)}.</p>",
        "</header>",
        "<main>",
        f'<section class="privacy" id="privacy"><h2>{_e(_labels.text("privacy", lang))}</h2>'
        f"<p>{_e(table.rule(lang))}</p></section>",
    ]
    if not table.cases:
        parts.append(f'<p class="note">{_e(_labels.text("no_cases", lang))}</p>')
    parts.append(f"<h2>{_e(_labels.text('summary', lang))}</h2>")
    parts.append(_summary_table(table, lang))
    if charts:
        parts.extend(_chart_sections(table, lang))
    parts.append(f"<h2>{_e(_labels.text('all_counts', lang))}</h2>")
    parts.append(f'<p class="note">{_e(_labels.text("unit_note", lang))}</p>')
    untracked = deliveries_untracked(table)
    for metric in table.metrics():
        if metric.categories is None:
            continue
        if untracked and metric.name == _DELIVERED[0]:  # their zeros mean no data
            note = _labels.text("delivery_not_tracked", lang)
            parts.append(f'<p class="note" id="delivery-not-tracked">{_e(note)}</p>')
        if metric.name == "findings_by_risk_group":
            parts.append(f'<p class="note">{_e(_labels.text("several_groups", lang))}</p>')
        parts.append(_metric_table(table, metric, lang))
    parts.append(f"<h2>{_e(_labels.text('records', lang))}</h2>")
    parts.append(_records_table(table, lang))
    parts.append("</main>")
    made = _labels.text("generated_by", lang).format(version=generator().split()[-1])
    parts.append(f'<footer><p class="note">{_e(made)}</p></footer>')
    parts.append("</body>")
    parts.append("</html>")
    out.write("\n".join(parts) + "\n")
