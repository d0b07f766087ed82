"""The JSON, CSV and HTML outputs: their shapes, the rule stated on each, no small cell in any,
and an HTML page that fetches nothing and parses; ``run_stats`` and ``python -m atbalsts.stats``."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from atbalsts.stats import (
    FORMAT,
    MIN_LEARNERS,
    StatsError,
    Table,
    count,
    main,
    run_stats,
    write_csv,
    write_html,
    write_json,
)

from .helpers import batches, synthetic_batch

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "wbr", "source"}


@pytest.fixture(scope="module")
def table() -> Table:
    decisions, cases = synthetic_batch(seed=21, size=1500)
    return count(decisions, cases, ("school", "term"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    decisions, cases = synthetic_batch(seed=22, size=800)
    folder = tmp_path_factory.mktemp("batch")
    decisions_file, cases_file = folder / "decisions.jsonl", folder / "cases.jsonl"
    decisions_file.write_text("".join(json.dumps(d) + "\n" for d in decisions), encoding="utf-8")
    cases_file.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return decisions_file, cases_file


# --- JSON ----------------------------------------------------------------------------------------


def _json_cells(document: dict[str, Any]) -> list[dict[str, Any]]:
    cells = []
    for row in [*document["rows"], document["total"]]:
        for value in row["counts"].values():
            cells.extend([value] if "learners" in value else value.values())
    return cells


def test_json_states_the_rule_and_holds_the_table(table: Table) -> None:
    out = io.StringIO()
    write_json(table, out, lang="en")
    document = json.loads(out.getvalue())
    assert document["format"] == FORMAT
    assert document["suppression"] == {"min_learners": 5, "rule": table.rule("en")}
    assert document["by"] == ["school", "term"]
    assert len(document["rows"]) == len(table.rows)
    first = table.rows[0]
    assert document["rows"][0]["key"] == dict(zip(table.by, first.key, strict=True))
    decided = document["rows"][0]["counts"]["learners_decided"]
    assert decided["learners"] == first.cells[("learners_decided", None)].learners
    economic = document["total"]["counts"]["findings_by_risk_group"]["economic"]
    assert economic == {
        "learners": table.cell(None, "findings_by_risk_group", "economic").learners,
        "suppressed": False,
    }
    assert document["records"]["decisions"] == table.records.decisions
    labels = {m["name"]: m["label"] for m in document["metrics"]}
    assert labels["learners_decided"] == "Learners decided"


@given(batches())
def test_no_small_cell_in_json_or_csv(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    decisions, cases = batch
    table = count(decisions, cases, ("school", "grade"))
    out = io.StringIO()
    write_json(table, out)
    for cell in _json_cells(json.loads(out.getvalue())):
        assert cell["learners"] is None or not 0 < cell["learners"] < MIN_LEARNERS
        assert (cell["learners"] is None) == cell["suppressed"]
    out = io.StringIO()
    write_csv(table, out)
    body = [line for line in out.getvalue().splitlines(keepends=True) if not line.startswith("#")]
    for row in csv.DictReader(body):
        if row["learners"]:
            assert not 0 < int(row["learners"]) < MIN_LEARNERS
        assert (row["learners"] == "") == (row["suppressed"] == "true")


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_starts_with_the_rule_and_has_a_row_per_cell(table: Table) -> None:
    out = io.StringIO()
    write_csv(table, out, lang="lv")
    text = out.getvalue()
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    assert comments[0].startswith(f"# {FORMAT}")
    assert comments[1] == f"# {table.rule('lv')}"
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len(rows) == (len(table.rows) + 1) * len(table.columns)
    assert list(rows[0])[:3] == ["scope", "school", "term"]
    total = [r for r in rows if r["scope"] == "total" and r["metric"] == "learners_decided"]
    assert int(total[0]["learners"]) == table.records.decisions
    assert total[0]["metric_label"] == "Izglītojamie, par kuriem pieņemts lēmums"


# --- HTML ----------------------------------------------------------------------------------------


class _Checker(HTMLParser):
    """Elements nest and close; records every attribute value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((k, v or "") for k, v in attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((k, v or "") for k, v in attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(page: str) -> _Checker:
    """The page parses with every element closed in order, has no script, and names no address
    outside itself."""
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert not checker.problems, checker.problems[:5]
    assert not checker.stack, f"unclosed: {checker.stack}"
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not {"script", "link", "img", "iframe", "object", "embed"} & checker.tags
    assert not re.search(r"https?:|@import|//[a-z0-9.-]+\.[a-z]{2,}/", page, re.IGNORECASE)
    for target in re.findall(r"url\(\s*['\"]?([^)'\"]*)", page):
        assert target.startswith(("#", "data:")), target
    for name, value in checker.attributes:
        if name in ("href", "src", "xlink:href", "action", "srcset", "poster"):
            assert value.startswith(("#", "data:")), (name, value)
    return checker


def test_html_without_charts_is_self_contained(table: Table) -> None:
    out = io.StringIO()
    write_html(table, out, charts=False)
    page = out.getvalue()
    checker = check_html(page)
    assert '<html lang="lv">' in page
    assert "Atbalsta uzraudzības pārskats" in page
    text = " ".join(" ".join(checker.text).split())
    assert " ".join(table.rule("lv").split()) in text
    assert "<svg" not in page


def test_html_in_english(table: Table) -> None:
    out = io.StringIO()
    write_html(table, out, lang="en", charts=False)
    page = out.getvalue()
    check_html(page)
    assert '<html lang="en">' in page
    assert "Support monitoring report" in page
    assert "Learners with findings, by risk group" in page


def _numbers_in_cells(page: str) -> list[int]:
    """The learner counts in the tables of counts (not the counts of records read)."""
    counts = page.split('<table id="records">')[0]
    cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', counts)
    return [int(c.split(" (")[0].replace("\u00a0", "").replace(",", "")) for c in cells]


@given(batches())
def test_no_small_cell_in_html(batch: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    decisions, cases = batch
    out = io.StringIO()
    write_html(count(decisions, cases, ("municipality", "term")), out, charts=False)
    for learners in _numbers_in_cells(out.getvalue()):
        assert not 0 < learners < MIN_LEARNERS


def test_html_with_charts(table: Table) -> None:
    pytest.importorskip("matplotlib")
    out = io.StringIO()
    write_html(table, out, lang="lv")
    page = out.getvalue()
    check_html(page)
    assert page.count("<svg") == 3  # findings, trend (three terms), overdue
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id repeats across charts"
    assert "<metadata" not in page
    assert "<!DOCTYPE svg" not in page
    assert 'role="img"' in page
    # The same table draws the same page, byte for byte.
    again = io.StringIO()
    write_html(table, again, lang="lv")
    assert again.getvalue() == page


def test_charts_draw_no_small_number(table: Table) -> None:
    pytest.importorskip("matplotlib")
    from atbalsts.stats import _charts

    for svg in (_charts.findings_chart(table, "en"), _charts.overdue_chart(table, "en")):
        assert svg is not None
        values = re.findall(r'<g id="chart-\w+-value-[0-9-]+">\s*<text[^>]*>([^<]*)</text>', svg)
        assert values, "no bar value found"
        assert "…" in values  # hidden cells are marked
        for value in values:
            assert value == "…" or not 0 < int(value) < MIN_LEARNERS


def test_html_without_term_or_cases_says_what_is_not_counted() -> None:
    decisions, _ = synthetic_batch(seed=23, size=200)
    out = io.StringIO()
    write_html(count(decisions, None, ()), out, lang="en", charts=False)
    page = out.getvalue()
    check_html(page)
    assert "No cases file was given" in page


def test_html_says_when_no_obligation_has_a_state() -> None:
    """Every state is a column, met or not: the report reads from the states' totals whether
    the decisions track duties, and says so when none does."""
    pytest.importorskip("matplotlib")
    decisions, cases = synthetic_batch(seed=24, size=300)
    untracked = [
        {**d, "obligations": [{"action": o["action"]} for o in d.get("obligations", [])]}
        for d in decisions
    ]
    note = "The decisions do not say yet whether duties are done"
    for counted, said in ((decisions, False), (untracked, True)):
        out = io.StringIO()
        table = count(counted, cases, ("school",))
        assert ("obligations_by_state", "overdue") in table.columns
        write_html(table, out, lang="en")
        assert (note in out.getvalue()) is said
        assert ("Learners with an overdue obligation" in out.getvalue()) is not said


# --- run_stats and the module's command ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_run_stats_writes_the_whole_file(
    files: tuple[Path, Path], tmp_path: Path, fmt: str
) -> None:
    if fmt == "html":
        pytest.importorskip("matplotlib")
    decisions, cases = files
    target = tmp_path / f"report.{fmt}"
    table = run_stats(decisions, cases, "school,term", fmt, "en", target)  # type: ignore[arg-type]
    text = target.read_text(encoding="utf-8")
    assert table.rule("en").split(".")[0] in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_run_stats_to_a_stream_and_refusals(files: tuple[Path, Path], tmp_path: Path) -> None:
    decisions, cases = files
    out = io.StringIO()
    run_stats(decisions, cases, ["municipality"], "json", "lv", out)
    assert json.loads(out.getvalue())["by"] == ["municipality"]
    with pytest.raises(StatsError, match="overwrite the input"):
        run_stats(decisions, cases, "", "json", "lv", cases)
    with pytest.raises(StatsError, match="unknown format"):
        run_stats(decisions, None, "", "pdf", "lv", out)  # type: ignore[arg-type]
    with pytest.raises(StatsError, match="cannot group by 'class'"):
        run_stats(decisions, None, "class", "json", "lv", out)


def test_main_exit_status(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decisions, cases = files
    target = tmp_path / "out.csv"
    assert (
        main(
            [
                str(decisions),
                "--cases",
                str(cases),
                "--by",
                "school",
                "--format",
                "csv",
                "-o",
                str(target),
            ]
        )
        == 0
    )
    assert "decisions counted" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert main([str(decisions), "--by", "school"]) == 2
    assert "needs the cases file" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_python_m_atbalsts_stats(files: tuple[Path, Path]) -> None:
    decisions, _ = files
    done = subprocess.run(
        [sys.executable, "-m", "atbalsts.stats", str(decisions), "--by", "term"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["by"] == ["term"]


def test_charts_without_matplotlib_say_what_to_install(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(StatsError, match=r"need matplotlib: install atbalsts\[stats\]"):
        write_html(table, io.StringIO())
    out = io.StringIO()
    write_html(table, out, charts=False)  # the tables need nothing more
    check_html(out.getvalue())


@pytest.mark.parametrize("by", [(), ("term",), ("municipality",), ("grade", "term")])
def test_every_grouping_draws_a_clean_page(by: tuple[str, ...]) -> None:
    pytest.importorskip("matplotlib")
    decisions, cases = synthetic_batch(seed=24, size=600)
    out = io.StringIO()
    write_html(count(decisions, cases, by), out, lang="en")
    page = out.getvalue()
    check_html(page)
    assert page.count("<svg") == (3 if "term" in by else 2)


def test_a_local_code_is_shown_by_the_label_its_plugin_declares() -> None:
    """A coordinator reading the Latvian report saw ``bauska:request_medical_note`` where a
    national code showed its words (an outside tester); every output now labels a local code as
    its plugin declares it, in either language."""
    from atbalsts import PolicyRegistry
    from atbalsts.stats import as_dict, count

    from .helpers import decide, example_cases

    registry = PolicyRegistry.load()
    declared = {
        code.code: code
        for decl in registry.declarations
        if decl.info.name == "bauska"
        for _, code in decl.codes
    }
    decisions = [
        d
        for case, as_of in example_cases()
        if case.learner.enrolment.municipality == "bauska"
        for d in decide(registry, [case], as_of)
    ]
    table = count(decisions, registry=registry)
    for lang in ("lv", "en"):
        shown = {
            c["code"]: c["label"]
            for metric in as_dict(table, lang)["metrics"]
            for c in metric.get("categories", [])
        }
        local = {code: label for code, label in shown.items() if code.startswith("bauska:")}
        assert local, "no local code among the columns"
        for code, label in local.items():
            assert label == declared[code].label(lang)
            assert label != code
