"""The rows of an ``invalid`` record: each failing field of the line as the library's
:class:`~atbalsts.errors.FieldError` names it, its ``path`` and ``message`` as before and its
``kind`` (a stable code to switch on) and ``values`` (the constraint, the numbers of a check:
never the input), in every output that writes them: :func:`iter_decisions`,
:func:`evaluate_lines`, :func:`evaluate_file` and its error file, on one process or several."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from atbalsts import DocumentError
from atbalsts.batch import (
    CHUNK_SIZE,
    evaluate_file,
    evaluate_lines,
    iter_decisions,
    record_schema,
)
from atbalsts.cli import main
from atbalsts.model import SupportCase, parse_json
from atbalsts.model._base import TEXT_MAX  # the length of a free-text note
from atbalsts.privacy import PROTECTED_MESSAGE, ViewRole, masked_problems

from .helpers import EXAMPLES, examples, registry

#: A note a worker could write about a family: not one word of it may reach a record.
SECRET = "Tēvs dzer; Anna baidās iet mājās. "
WORDS = ("Tēvs", "Anna", "baidās", "dzer", "mājās")


def example(name: str) -> dict[str, Any]:
    (path,) = EXAMPLES.glob(f"{name}*.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def long_note() -> str:
    """Example 10 with a free-text note over :data:`TEXT_MAX` characters."""
    case = example("10-parauga")
    case["actions"][0]["note"] = SECRET * (TEXT_MAX // len(SECRET) + 1)
    return json.dumps(case, ensure_ascii=False)


def out_of_range() -> str:
    """Example 1 with a grade, a learner id and a semester out of their range or pattern."""
    case = example("01-bauska")
    case["learner"]["enrolment"]["grade"] = 13
    case["learner"]["id"] = "no spaces allowed"
    case["observations"][0]["term"]["semester"] = 3
    return json.dumps(case, ensure_ascii=False)


def bad_threat() -> str:
    """Example 3 with its suspected threat's kind and date invalid, and a semester out of range
    (a field every role's view shows)."""
    case = example("03-parauga")
    threat = case["observations"][0]["suspected_threats"][0]
    threat["observed_on"], threat["kind"] = "12.11.2025", "sexual_abuse"
    case["observations"][0]["term"]["semester"] = 3
    return json.dumps(case, ensure_ascii=False)


def unknown_key() -> str:
    case = json.loads(examples()[0])
    case["learner"]["colour"] = 1
    return json.dumps(case, ensure_ascii=False)


#: Invalid lines of every sort: a constraint, several, a check of the library's, an enumeration,
#: malformed JSON, missing fields, an unknown key.
BAD = {
    "long note": long_note,
    "out of range": out_of_range,
    "bad threat": bad_threat,
    "not json": lambda: "{not json",
    "missing": lambda: '{"learner": {}}',
    "unknown key": unknown_key,
}


def library_rows(line: str) -> list[dict[str, Any]]:
    """The library's FieldErrors for ``line``, as rows of JSON data."""
    with pytest.raises(DocumentError) as raised:
        parse_json(SupportCase, line)
    return [
        {"path": e.path, "message": e.message, "kind": e.kind, "values": dict(e.values)}
        for e in raised.value.errors
    ]


def rows_of(text: str) -> list[dict[str, Any]]:
    (record,) = [r for r in (json.loads(t) for t in text.split("\n") if t) if "invalid" in r]
    rows: list[dict[str, Any]] = record["invalid"]
    return rows


def test_a_too_long_note_says_its_kind_and_limit_and_not_a_word_of_it(tmp_path: Path) -> None:
    line = long_note()
    (record,) = [r.text for r in iter_decisions([line], registry=registry())][:-1]
    (row,) = [r for r in rows_of(record) if r["path"] == "actions[0].note"]
    assert row["kind"] == "string_too_long"
    assert row["values"] == {"max_length": str(TEXT_MAX)}
    assert str(TEXT_MAX) in row["message"]  # the message as before
    plain = io.StringIO()
    evaluate_lines([line], plain, as_of=None, registry=registry())
    source, errors = tmp_path / "cases.jsonl", tmp_path / "rejected.jsonl"
    source.write_text(line + "\n", encoding="utf-8")
    evaluate_file(source, tmp_path / "out.jsonl", as_of=None, registry=registry(), errors=errors)
    filed = errors.read_text(encoding="utf-8")
    assert rows_of(plain.getvalue()) == rows_of(filed) == rows_of(record)
    for text in (record, plain.getvalue(), filed):
        for word in WORDS:
            assert word not in text
            assert word.encode("unicode_escape").decode() not in text


@pytest.mark.parametrize("name", sorted(BAD))
def test_the_rows_are_the_library_field_errors_of_the_line(name: str) -> None:
    line = BAD[name]()
    expected = library_rows(line)
    numbered = [r.text for r in iter_decisions([line], registry=registry()) if r.kind == "invalid"]
    plain = io.StringIO()
    evaluate_lines([line], plain, as_of=None, registry=registry())
    assert rows_of(numbered[0]) == expected
    assert rows_of(plain.getvalue()) == expected


def test_some_rows_carry_values_and_none_carries_the_input() -> None:
    rows = [row for make in BAD.values() for row in library_rows(make())]
    said = {row["kind"]: row["values"] for row in rows}
    assert said["less_than_equal"] == {"le": "2"}
    assert said["enum"] == {"expected": "violence,neglect,offence,other_threat"}
    assert set(said["json_invalid"]) == {"line", "column"}
    assert said["missing"] == {}
    assert said["extra_forbidden"] == {}
    values = json.dumps([row["values"] for row in rows], ensure_ascii=False)
    for given in ("no spaces allowed", "sexual_abuse", "12.11.2025", "colour", *WORDS):
        assert given not in values


def test_the_published_schema_holds_the_kind_and_values_of_each_row() -> None:
    validator = Draft202012Validator(record_schema())
    lines = [make() for make in BAD.values()]
    for record in iter_decisions(lines, registry=registry()):
        data = json.loads(record.text)
        assert [e.message for e in validator.iter_errors(data)] == [], record.text[:80]
    row = {"path": "learner.id", "message": "Field required", "kind": "missing", "values": {}}
    assert validator.is_valid({"line": 1, "invalid": [row]})
    for key in ("kind", "values"):  # both are always written
        without = {k: v for k, v in row.items() if k != key}
        assert not validator.is_valid({"line": 1, "invalid": [without]}), key
    for values in ({"max_length": 4000}, ["max_length"], {"max_length": None}):
        assert not validator.is_valid({"line": 1, "invalid": [{**row, "values": values}]})


def test_several_processes_write_the_rows_of_one_byte_for_byte(tmp_path: Path) -> None:
    """``--jobs 2`` writes the output and the error file of ``--jobs 1``, kinds and values and
    all (more lines than a chunk, so that the workers start)."""
    kinds = [*BAD.values(), *(lambda line=line: line for line in examples())]
    lines = [kinds[i % len(kinds)]() for i in range(2 * CHUNK_SIZE + 7)]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    written = {}
    for jobs in ("1", "2"):
        out, errors = tmp_path / f"out{jobs}.jsonl", tmp_path / f"errors{jobs}.jsonl"
        argv = ["batch", str(source), "--jobs", jobs, "-o", str(out), "--errors", str(errors)]
        assert main(argv) == 2
        written[jobs] = (out.read_bytes(), errors.read_bytes())
    assert written["1"] == written["2"]
    filed = [json.loads(text) for text in written["2"][1].decode().split("\n") if text]
    invalid = [record for record in filed if "invalid" in record]
    assert len(invalid) == sum(1 for line in lines if line in {m() for m in BAD.values()})
    for record in invalid:
        assert record["invalid"] == library_rows(lines[record["line"] - 1])


def test_a_row_a_role_may_not_see_says_only_that_it_is_protected() -> None:
    """The kind and values of a masked field go with its path and message (an enumeration's
    values list the kinds of threat); a field the role may see keeps its own."""
    line = bad_threat()
    whole = library_rows(line)
    for role in ("class_teacher", "municipal_coordinator"):
        (text,) = [r.text for r in iter_decisions([line], registry=registry(), role=role)][:-1]
        assert rows_of(text) == [
            *(row for row in whole if "suspected_threats" not in row["path"]),
            {
                "path": "observations[0].(protected)",
                "message": PROTECTED_MESSAGE,
                "kind": "protected",
                "values": {},
            },
        ]
        assert "violence" not in text
        assert "date_parsing" not in text
    seeing = [r.text for r in iter_decisions([line], registry=registry(), role="psychologist")]
    assert rows_of(seeing[0]) == whole


@pytest.mark.parametrize("role", [r.value for r in ViewRole])
def test_a_roles_rows_name_the_fields_as_masked_problems_does(role: str) -> None:
    """The paths and messages of a role's rows are those :func:`masked_problems` gives, as
    before; a row kept whole keeps its kind and values."""
    for make in BAD.values():
        line = make()
        whole = library_rows(line)
        (text,) = [r.text for r in iter_decisions([line], registry=registry(), role=role)][:-1]
        rows = rows_of(text)
        pairs = [(row["path"], row["message"]) for row in whole]
        assert [(row["path"], row["message"]) for row in rows] == masked_problems(pairs, role=role)
        for row in rows:
            assert row in whole or (row["kind"], row["values"]) == ("protected", {})
