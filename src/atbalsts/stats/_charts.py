"""Charts of the report, drawn with matplotlib and inlined as SVG.

matplotlib is imported only here and only when a chart is drawn (install the ``stats`` extra).
Figures are made without pyplot (no global state), with text kept as SVG text (``svg.fonttype``
``none``: the browser draws it, no font is embedded or fetched), and written deterministically: a
fixed ``svg.hashsalt``, no date or creator in the metadata. The SVG is then made fit to inline in
HTML: no XML prolog, DOCTYPE, metadata or namespace addresses, and every id prefixed per chart so
several charts share one page.

A hidden cell draws no bar ("…" marks its place) and no point (the line has a gap).
"""

from __future__ import annotations

import html
import importlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from atbalsts.stats import _labels
from atbalsts.stats._count import Cell, Row, Table
from atbalsts.stats._errors import StatsError
from atbalsts.stats._labels import Lang

__all__ = ["findings_chart", "overdue_chart", "trend_chart", "visible_rows"]

#: Okabe-Ito colours: told apart with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
#: At most this many groups in a bar chart, and lines in the trend chart (the tables hold all).
MAX_BARS = 20
MAX_LINES = 7
RISK_GROUPS = _labels.list_order("risk_group")


@contextmanager
def _style(salt: str) -> Iterator[Any]:
    try:
        # Imported by name: the package stays importable, and type-checked, without matplotlib.
        matplotlib = importlib.import_module("matplotlib")
        figure_module = importlib.import_module("matplotlib.figure")
    except ImportError:
        raise StatsError(
            "the HTML report's charts need matplotlib: install atbalsts[stats] "
            "(or write the report without charts)",
            code="needs_matplotlib",
        ) from None
    settings: dict[str, Any] = {
        "svg.hashsalt": f"atbalsts-{salt}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        # Every text drawn comes from the data (a school id, a plugin's code): a ``$`` in one is
        # text, never mathtext (``A$\\frac$B`` would raise, ``$x_1$`` be drawn as maths).
        "text.parse_math": False,
    }
    with matplotlib.rc_context(settings):
        yield figure_module.Figure


def _svg(figure: Any, prefix: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    return inline_svg(buffer.getvalue(), prefix, title)


def inline_svg(svg: str, prefix: str, title: str) -> str:
    """matplotlib's SVG made fit to inline in HTML, its ids prefixed with ``prefix``."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = re.sub(r'<svg\s+width="[^"]*"\s+height="[^"]*"', "<svg", svg, count=1)
    opening = f'<svg class="chart" role="img" aria-labelledby="{prefix}-title"'
    svg = svg.replace("<svg", opening, 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    label = f'<title id="{prefix}-title">{html.escape(title)}</title>'
    return (svg[:head_end] + label + svg[head_end:]).strip()


def _row_label(table: Table, row: Row, lang: Lang, skip: str | None = None) -> str:
    if not row.key:  # the total row (drawn alone when a grouped table has no rows)
        return _labels.text("total", lang)
    parts = [
        _labels.dimension_value_label(dim, value, lang)
        for dim, value in zip(table.by, row.key, strict=True)
        if dim != skip
    ]
    return " · ".join(parts) or _labels.text("total", lang)


def _learners(cell: Cell) -> int:
    return cell.learners or 0


def latest_term(table: Table) -> str | None:
    """The latest term among the rows, when the table is grouped by term."""
    if "term" not in table.by:
        return None
    at = table.by.index("term")
    terms = sorted({str(r.key[at]) for r in table.rows if r.key[at] is not None})
    return terms[-1] if terms else None


def visible_rows(table: Table) -> tuple[list[Row], int]:
    """The rows a bar chart shows (those of the latest term when grouped by term; the largest
    :data:`MAX_BARS`), and how many rows there were to choose from."""
    rows = list(table.rows) or [table.total]
    term = latest_term(table)
    if term is not None:
        at = table.by.index("term")
        rows = [r for r in rows if r.key[at] == term]
    chosen = sorted(
        rows,
        key=lambda r: -_learners(r.cells[("learners_decided", None)]),
    )[:MAX_BARS]
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(chosen, key=lambda r: order[id(r)]), len(rows)


def _bars(
    figure_class: Any,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Cell]]],
    title: str,
    lang: Lang,
) -> Any:
    n, k = len(labels), len(series)
    height = 0.8 / k
    figure = figure_class(figsize=(8, 0.9 + n * max(0.45, 0.2 * k)), layout="constrained")
    axes = figure.add_subplot()
    biggest = max((c.learners or 0 for _, cells in series for c in cells), default=0)
    for j, (name, cells) in enumerate(series):
        positions = [i + (j - (k - 1) / 2) * height for i in range(n)]
        values = [c.learners or 0 for c in cells]
        colour = COLOURS[j % len(COLOURS)]
        axes.barh(positions, values, height=height * 0.92, color=colour, label=name)
        for y, cell in zip(positions, cells, strict=True):
            mark = _labels.text("suppressed", lang) if cell.suppressed else str(cell.learners)
            axes.text(
                (cell.learners or 0) + biggest * 0.01,
                y,
                mark,
                va="center",
                fontsize=8,
                color="#333333",
                gid=f"value-{j}-{len(axes.texts)}",  # the tests find the drawn numbers by it
            )
    axes.set_yticks(range(n), labels)
    axes.invert_yaxis()
    axes.set_xlabel(_labels.text("learners", lang))
    axes.set_xlim(0, max(biggest * 1.12, 5))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(title, loc="left")
    if k:  # beside the bars, never over them
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return figure


def findings_chart(table: Table, lang: Lang) -> str | None:
    """Learners with findings by risk group, one row of bars per group of the table."""
    rows, _ = visible_rows(table)
    if not rows:
        return None
    term = latest_term(table)
    if term is None:
        title = _labels.text("chart_findings", lang)
    else:
        term_label = _labels.dimension_value_label("term", term, lang)
        title = _labels.text("chart_findings_latest", lang).format(term=term_label)
    series = [
        (
            _labels.category_label("risk_group", group, lang),
            [row.cells[("findings_by_risk_group", group)] for row in rows],
        )
        for group in RISK_GROUPS
    ]
    labels = [_row_label(table, row, lang, skip="term") for row in rows]
    with _style("findings") as figure_class:
        figure = _bars(figure_class, labels, series, title, lang)
        return _svg(figure, "chart-findings", title)


def states_tracked(table: Table) -> bool:
    """Whether some obligation counted may have a state (the engine's all do): a total of a
    state other than *not tracked* that is not a shown 0. Every state is a column of every
    table, met or not, so only the published totals can tell."""
    return any(
        (cell := table.total.cells[column]).suppressed or cell.learners
        for column in table.columns
        if column[0] == "obligations_by_state" and column[1] != "not_tracked"
    )


def overdue_chart(table: Table, lang: Lang) -> str | None:
    """Learners with an overdue obligation (when tracked) and an overdue referral (with the
    cases), per group; ``None`` when neither is known."""
    tracked = states_tracked(table)
    columns: list[tuple[str, Callable[[Row], Cell]]] = []
    if tracked:
        columns.append(
            (
                _labels.text("overdue_obligations", lang),
                lambda row: row.cells.get(("obligations_by_state", "overdue"), Cell(0)),
            )
        )
    if table.cases:
        columns.append(
            (
                _labels.text("overdue_referrals", lang),
                lambda row: row.cells[("referrals_overdue", None)],
            )
        )
    rows, _ = visible_rows(table)
    if not columns or not rows:
        return None
    title = _labels.text("chart_overdue", lang)
    series = [(name, [pick(row) for row in rows]) for name, pick in columns]
    labels = [_row_label(table, row, lang, skip="term") for row in rows]
    with _style("overdue") as figure_class:
        figure = _bars(figure_class, labels, series, title, lang)
        return _svg(figure, "chart-overdue", title)


def trend_chart(table: Table, lang: Lang) -> tuple[str, int, int] | None:
    """Learners with findings by term: one line per group of the other dimensions (the largest
    :data:`MAX_LINES`), or per risk group when the table is grouped by term alone. ``None``
    unless the table is grouped by term and has two terms or more; else the SVG, the number of
    lines drawn and the number there were."""
    if "term" not in table.by:
        return None
    at = table.by.index("term")
    terms = sorted({str(r.key[at]) for r in table.rows if r.key[at] is not None})
    if len(terms) < 2:
        return None
    lines: dict[str, dict[str, Cell]] = {}
    if table.by == ("term",):
        for group in RISK_GROUPS:
            name = _labels.category_label("risk_group", group, lang)
            lines[name] = {
                str(r.key[0]): r.cells[("findings_by_risk_group", group)] for r in table.rows
            }
    else:
        size: dict[str, int] = {}
        for row in table.rows:
            name = _row_label(table, row, lang, skip="term")
            lines.setdefault(name, {})[str(row.key[at])] = row.cells[
                ("learners_with_findings", None)
            ]
            size[name] = size.get(name, 0) + _learners(row.cells[("learners_decided", None)])
        keep = sorted(lines, key=lambda n: -size[n])[:MAX_LINES]
        lines = {n: lines[n] for n in lines if n in keep}
    drawn, available = len(lines), len(lines)
    if table.by != ("term",):
        available = len({_row_label(table, r, lang, skip="term") for r in table.rows})
    title = _labels.text("chart_trend", lang)
    term_labels = [_labels.dimension_value_label("term", t, lang) for t in terms]
    with _style("trend") as figure_class:
        figure = figure_class(figsize=(8, 3.6), layout="constrained")
        axes = figure.add_subplot()
        top = 0
        for j, (name, cells) in enumerate(lines.items()):
            colour = COLOURS[j % len(COLOURS)]
            ys = [cells[t].learners if t in cells else None for t in terms]
            xs = list(range(len(terms)))
            axes.plot(
                xs,
                [float("nan") if y is None else y for y in ys],
                marker="o",
                color=colour,
                label=name,
            )
            top = max([top, *(y or 0 for y in ys)])
        axes.set_xticks(range(len(terms)), term_labels)
        axes.set_ylim(0, max(top * 1.15, 5))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel(_labels.text("learners", lang))
        axes.set_title(title, loc="left")
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(figure, "chart-trend", title), drawn, available
