"""What ``atbalsts stats`` is given: the input a night's batch left, or something else.

An input that holds no decision the counts can read, while its lines are something else
(the cases, a role's views, a JSON document or array), is refused with exit status 2 and a
message that says what the lines are and what to give instead: counted, it gave a report of
zeros and exit status 0. The batch's error file (``batch --errors``) is counted with
``--errors``; an output whose summary counts invalid or error lines that neither it nor the
error file given holds is refused, so the report never says 0 invalid cases when the batch had
some. A blank line is JSON white space only, as the batch reads one.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atbalsts.batch import blank_line
from atbalsts.cli import main
from atbalsts.stats import StatsError, count_files, run_stats
from atbalsts.stats._records import read_lines

from .helpers import as_json, clustered_cases

AS_OF = "2025-03-03"

#: The input's lines that are not cases: an object that is not a valid case, a line that is not
#: JSON, and a line of a no-break space (white space, but not JSON's).
NOT_CASES = ('{"learner": {}}', "{not json", "\u00a0")


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, err.getvalue()


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A night as the how-tos run it: 30 generated cases with the three lines that are not
    cases and a blank line among them, decided with the bad lines in the output (``inline``)
    and apart (``decisions`` and ``rejected``), and for a municipal coordinator (``views``)."""
    folder = tmp_path_factory.mktemp("night")
    lines = [
        json.dumps(as_json(c)) for c in clustered_cases(30, date.fromisoformat(AS_OF), "bauska", 2)
    ]
    lines[3:3] = NOT_CASES
    lines[10:10] = ["  \t"]
    cases = folder / "cases.jsonl"
    cases.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    paths = {"cases": cases}
    for name, extra in (
        ("inline", []),
        ("decisions", ["--errors", str(folder / "rejected.jsonl")]),
        ("views", ["--role", "municipal_coordinator"]),
    ):
        paths[name] = folder / f"{name}.jsonl"
        argv = ["batch", str(cases), "--as-of", AS_OF, "-o", str(paths[name]), "--jobs", "1"]
        assert run(*argv, *extra)[0] == 2  # the three bad lines
    paths["rejected"] = folder / "rejected.jsonl"
    return paths


def _records(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))["records"])


# -- 1. an input that is not decisions is refused ---------------------------------------------


def test_the_cases_given_as_decisions_are_refused(night: dict[str, Path], tmp_path: Path) -> None:
    """The arguments swapped: the cases as DECISIONS, the decisions as --cases."""
    target = tmp_path / "out.json"
    argv = ["stats", str(night["cases"]), "--cases", str(night["inline"]), "-o", str(target)]
    status, said = run("--lang", "en", *argv)
    assert status == 2
    assert said == (
        f"error: {night['cases']} holds support cases, not decisions (line 1 is one): give the "
        "output of atbalsts batch as DECISIONS, and the cases it decided with --cases\n"
    )
    status, said = run(*argv)
    assert status == 2
    assert said == (
        f"kļūda: failā {night['cases']} ir atbalsta lietas, nevis lēmumi (rinda 1 ir lieta): "
        "kā LĒMUMI norādiet atbalsts batch izvadi, bet lietas, par kurām tā lēma, ar --cases\n"
    )
    assert not target.exists()


def test_a_role_view_output_is_refused(night: dict[str, Path]) -> None:
    with pytest.raises(StatsError) as caught:
        run_stats(night["views"], None, "municipality", "json", "en", io.StringIO())
    assert caught.value.code == "decisions_are_views"
    assert dict(caught.value.values) == {"path": str(night["views"]), "line": "1"}
    assert str(caught.value) == (
        f"{night['views']} holds a role's views of the decisions (atbalsts batch --role), which "
        "leave out what the role may not see: count the output of atbalsts batch made without "
        "--role"
    )
    status, said = run("stats", str(night["views"]))
    assert status == 2
    assert said == (
        f"kļūda: failā {night['views']} ir lēmumu skati kādai lomai (atbalsts batch --role), "
        "kuros nav tā, ko loma nedrīkst redzēt: skaitiet atbalsts batch izvadi, kas veidota "
        "bez --role\n"
    )


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        ("array", lambda cases: json.dumps(cases, indent=1)),
        ("array", lambda cases: json.dumps(cases)),
        ("document", lambda cases: json.dumps(cases[0], indent=2)),
    ],
)
def test_a_json_document_or_array_is_refused(
    night: dict[str, Path], tmp_path: Path, shape: str, text: Any
) -> None:
    """A JSON array of cases (pretty or on one line), or one document over many lines (a case,
    or a report of the statistics given back), is not JSON Lines."""
    records = [json.loads(line) for line in night["inline"].read_text().splitlines()[:3]]
    path = tmp_path / "input.json"
    path.write_text("\n" + text(records) + "\n", encoding="utf-8")
    with pytest.raises(StatsError) as caught:
        run_stats(path, None, "municipality", "json", "en", io.StringIO())
    assert caught.value.code == "not_json_lines"
    assert dict(caught.value.values) == {"path": str(path), "line": "2", "shape": shape}
    what = (
        "it holds a JSON array"
        if shape == "array"
        else "its line 2 opens one JSON document that goes on over the lines after it"
    )
    assert str(caught.value) == (
        f"{path} is not JSON Lines: {what}; give the output of atbalsts batch, one record per line"
    )
    status, said = run("stats", str(path))
    assert status == 2
    assert said.startswith(f"kļūda: {path} nav JSON Lines fails: ")
    assert said.endswith("; norādiet atbalsts batch izvadi, kurā katrs ieraksts ir savā rindā\n")


def test_lines_that_are_no_batch_records_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("\nnightly notes\n{}\n", encoding="utf-8")
    with pytest.raises(StatsError) as caught:
        run_stats(path, None, "municipality", "json", "en", io.StringIO())
    assert caught.value.code == "no_decision"
    assert dict(caught.value.values) == {"path": str(path), "line": "2"}
    status, said = run("stats", str(path))
    assert status == 2
    assert said == (
        f"kļūda: failā {path} nav neviena lēmuma, ko var saskaitīt (rinda 2 nav ne atbalsts "
        "batch ieraksts, ne nolasāms lēmums): norādiet visu atbalsts batch izvadi (veidotu bez "
        "--role), sākot no tās pirmās rindas\n"
    )


def test_an_output_cut_at_its_start_counts_nothing_and_is_refused(
    night: dict[str, Path], tmp_path: Path
) -> None:
    """Without its rule table, no decision can be read: refused, not a report of zeros."""
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(night["inline"].read_text().splitlines(True)[1:]), encoding="utf-8")
    with pytest.raises(StatsError) as caught:
        run_stats(cut, None, "municipality", "json", "en", io.StringIO())
    assert caught.value.code == "no_decision"


def test_a_batch_output_without_decisions_is_counted(tmp_path: Path) -> None:
    """An empty file, an output of no line, an output of invalid lines only: nothing that is
    not a batch record, so a report of zeros that says what was read."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    source = tmp_path / "cases.jsonl"
    outputs = []
    for name, lines in (("none", []), ("invalid", list(NOT_CASES))):
        source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        out = tmp_path / f"{name}.jsonl"
        run("batch", str(source), "-o", str(out), "--as-of", AS_OF, "--jobs", "1")
        outputs.append(out)
    for path, invalid in ((empty, 0), (outputs[0], 0), (outputs[1], 3)):
        target = tmp_path / "out.json"
        status, said = run("stats", str(path), "-o", str(target))
        assert status == 0, said
        assert _records(target)["invalid"] == invalid
        assert _records(target)["decisions"] == 0


def test_a_partly_unreadable_output_is_counted(night: dict[str, Path], tmp_path: Path) -> None:
    """A decision counted: the lines that are not are counted as unreadable, as before."""
    mixed = tmp_path / "mixed.jsonl"
    views = [line for line in night["views"].read_text().splitlines() if '"view"' in line]
    mixed.write_text(night["inline"].read_text() + "\n".join(views[:4]) + "\n")
    target = tmp_path / "out.json"
    status, said = run("stats", str(mixed), "-o", str(target))
    assert status == 0, said
    assert _records(target)["unreadable"] == 4
    assert _records(target)["decisions"] == 30


@pytest.mark.parametrize("join", ["order", "id"])
def test_decisions_given_as_the_cases_are_refused(night: dict[str, Path], join: str) -> None:
    inline = night["inline"]
    with pytest.raises(StatsError) as caught:
        run_stats(inline, inline, "municipality", "json", "en", io.StringIO(), join=join)  # type: ignore[arg-type]
    assert caught.value.code == "cases_are_decisions"
    assert dict(caught.value.values) == {"path": str(inline), "line": "1"}
    assert str(caught.value) == (
        f"the cases file {inline} holds the records of atbalsts batch, not support cases (line "
        "1 is one): give the cases the batch decided (its input) with --cases"
    )
    status, said = run("stats", str(inline), "--cases", str(inline), "--join", join)
    assert status == 2
    assert said == (
        f"kļūda: lietu failā {inline} ir atbalsts batch ieraksti, nevis atbalsta lietas "
        "(tāda ir rinda 1): ar --cases norādiet lietas, par kurām batch lēma (tās ievadi)\n"
    )


# -- 2. the batch's error file ------------------------------------------------------------------


def test_the_error_file_is_counted(night: dict[str, Path], tmp_path: Path) -> None:
    """The invalid lines the batch wrote apart are counted as when they are in the output."""
    inline, apart = tmp_path / "inline.json", tmp_path / "apart.json"
    argv = ["stats", "--cases", str(night["cases"]), "--by", "school"]
    assert run(*argv, str(night["inline"]), "-o", str(inline))[0] == 0
    status, said = run(
        *argv, str(night["decisions"]), "--errors", str(night["rejected"]), "-o", str(apart)
    )
    assert status == 0, said
    assert _records(apart) == _records(inline)
    assert _records(apart)["invalid"] == 3
    assert json.loads(apart.read_text())["rows"] == json.loads(inline.read_text())["rows"]
    assert ", 3 nederīgas, " in said


def test_an_output_whose_bad_lines_are_apart_needs_the_error_file(
    night: dict[str, Path], tmp_path: Path
) -> None:
    """Counted without its error file, the report said 0 invalid cases: refused instead, and
    so is an error file that holds fewer than the summary counts."""
    decisions = night["decisions"]
    target = tmp_path / "out.json"
    with pytest.raises(StatsError) as caught:
        run_stats(decisions, night["cases"], "school", "json", "en", target)
    assert caught.value.code == "bad_lines_apart"
    assert dict(caught.value.values) == {
        "path": str(decisions),
        "invalid": "3",
        "errors": "0",
        "counted_invalid": "0",
        "counted_errors": "0",
    }
    assert str(caught.value) == (
        f"{decisions}: its summary counts 3 invalid and 0 undecided lines, the files given hold "
        "0 and 0: the batch wrote them to its error file (batch --errors FILE); give that file, "
        "of the same run, with --errors"
    )
    assert not target.exists()
    short = tmp_path / "short.jsonl"
    short.write_text(night["rejected"].read_text().splitlines(True)[0], encoding="utf-8")
    status, said = run("stats", str(decisions), "--errors", str(short), "-o", str(target))
    assert status == 2
    assert said == (
        f"kļūda: {decisions}: tā kopsavilkumā nederīgo rindu skaits ir 3, rindu, par kurām "
        "nevarēja lemt, ir 0, bet dotajos failos to ir 1 un 0: batch tās ierakstīja savā kļūdu "
        "failā (batch --errors FAILS); norādiet šīs pašas palaišanas kļūdu failu ar --errors\n"
    )
    assert not target.exists()


def test_an_error_file_holds_only_invalid_and_error_records(
    night: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(StatsError) as caught:
        run_stats(
            night["decisions"],
            None,
            "municipality",
            "json",
            "en",
            io.StringIO(),
            errors=night["inline"],
        )
    assert caught.value.code == "not_an_error_file"
    assert dict(caught.value.values) == {"path": str(night["inline"]), "line": "1"}
    status, said = run("stats", str(night["decisions"]), "--errors", str(night["cases"]))
    assert status == 2
    assert said == (
        f"kļūda: {night['cases']} rinda 1 nav atbalsts batch ieraksts invalid vai error: ar "
        "--errors norādiet kļūdu failu, ko batch ierakstīja (batch --errors FAILS)\n"
    )
    status, said = run("stats", str(night["decisions"]), "--errors", str(night["decisions"]))
    assert status == 2
    assert "pārrakstītu" not in said


# -- 2. a blank line is JSON white space only ---------------------------------------------------


@pytest.mark.parametrize(
    "space", [" ", "\t", "\r", " \t\r ", "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"]
)
def test_a_blank_line_is_what_the_batch_calls_blank(tmp_path: Path, space: str) -> None:
    """A line of other white space (a no-break space) gets an ``invalid`` record from the batch:
    the statistics read it as a line, not as nothing."""
    path = tmp_path / "lines.jsonl"
    path.write_bytes(("{}\n" + space + "\n{}\n").encode("utf-8"))
    read = [number for number, _ in read_lines(path)]
    assert (read == [1, 3]) is blank_line(space + "\n")
    assert read in ([1, 3], [1, 2, 3])


def test_a_no_break_space_among_the_cases_is_an_unreadable_case(night: dict[str, Path]) -> None:
    """The night's input has three lines that are not cases (one of a no-break space): the batch
    wrote an invalid record for each, and the statistics count each as an unreadable case line
    (the no-break space was skipped as blank)."""
    table = count_files(night["inline"], night["cases"], ("school",))
    assert table.records.cases_unreadable == 3
    assert table.records.invalid == 3
