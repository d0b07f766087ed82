"""Monitoring statistics: decisions counted by municipality, school, grade and term.

One pass over ``atbalsts batch`` output (and, optionally, the cases it decided), in constant
memory; small cells are hidden so that no child can be singled out. From Python::

    from atbalsts.stats import count_files, write_html

    table = count_files(Path("decisions.jsonl"), Path("cases.jsonl"), by=("school", "term"))
    with open("report.html", "w", encoding="utf-8") as out:
        write_html(table, out, lang="lv")

From the command line: ``atbalsts stats decisions.jsonl --cases cases.jsonl --by school,term
--format html -o report.html`` (or ``python -m atbalsts.stats`` with the same arguments).
What is counted, the suppression rule and the output shapes: the statistics reference page.
The charts of the HTML report need matplotlib (the ``stats`` extra).
"""

from __future__ import annotations

from atbalsts._markers import publish as _publish
from atbalsts.stats._count import MIN_LEARNERS, Cell, Records, Row, Table, count, count_files
from atbalsts.stats._errors import StatsError
from atbalsts.stats._html import write_html
from atbalsts.stats._metrics import DIMENSIONS, METRICS, Metric
from atbalsts.stats._run import add_arguments, main, parse_by, run_stats
from atbalsts.stats._write import FORMAT, as_dict, shown_records, write_csv, write_json

__all__ = [
    "DIMENSIONS",
    "FORMAT",
    "METRICS",
    "MIN_LEARNERS",
    "Cell",
    "Metric",
    "Records",
    "Row",
    "StatsError",
    "Table",
    "add_arguments",
    "as_dict",
    "count",
    "count_files",
    "main",
    "parse_by",
    "run_stats",
    "shown_records",
    "write_csv",
    "write_html",
    "write_json",
]

_publish(__name__, globals(), __all__)
