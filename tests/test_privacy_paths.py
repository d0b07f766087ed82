"""An invalid field's path can tell what a record holds (``observations[0].suspected_threats[0].
observed_on``: a threat is recorded), so an output made for a role names a field only as far as
the role's view could show it; the host's own output (and its error file) names it whole."""

from __future__ import annotations

import functools
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts import UnknownNameError
from atbalsts.batch import evaluate_file, evaluate_lines, iter_decisions
from atbalsts.engine import PolicyRegistry
from atbalsts.model import SupportCase
from atbalsts.privacy import (
    PROTECTED,
    PROTECTED_MESSAGE,
    ViewRole,
    masked_path,
    masked_problems,
    view_schema,
)
from atbalsts.testing.strategies import support_cases
from atbalsts.worklist import run_worklist

ROOT = Path(__file__).resolve().parents[1]
THREAT_DATE = "observations[0].suspected_threats[0].observed_on"
THREAT_KIND = "observations[0].suspected_threats[0].kind"


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


#: The row of a field the role may not see: its kind and values go with its path and message.
MASKED_ROW = {
    "path": "observations[0].(protected)",
    "message": PROTECTED_MESSAGE,
    "kind": "protected",
    "values": {},
}


def bad_threat_line() -> str:
    """Example 3 with its suspected threat's date and kind invalid."""
    data = json.loads((ROOT / "examples/03-parauga-suspected-violence.json").read_text("utf-8"))
    threat = data["observations"][0]["suspected_threats"][0]
    threat["observed_on"], threat["kind"] = "12.11.2025", "sexual_abuse"
    return json.dumps(data)


def invalid_rows(records: list[str]) -> list[dict[str, Any]]:
    (record,) = [d for d in map(json.loads, records) if isinstance(d.get("invalid"), list)]
    rows: list[dict[str, Any]] = record["invalid"]
    return rows


# -- the paths --------------------------------------------------------------------------------


def test_a_threats_field_is_cut_at_the_observation_for_a_role_that_does_not_see_protection() -> (
    None
):
    for role in ("class_teacher", "municipal_coordinator"):
        assert masked_path(THREAT_DATE, role=role) == "observations[0].(protected)"
    for role in ("social_pedagogue", "psychologist", "school_director"):
        assert masked_path(THREAT_DATE, role=role) == THREAT_DATE
    # a field of a staff observation may be health data: only the psychologist sees it whole
    factor = "observations[0].staff_observations[0].factor"
    assert masked_path(factor, role="psychologist") == factor
    assert masked_path(factor, role="social_pedagogue") == "observations[0].(protected)"
    # a field the model does not know is cut (default deny); the document as a whole stays
    assert masked_path("learner.secret_flag", role="psychologist") == "learner.(protected)"
    assert masked_path("(document)", role="police") == "(document)"
    assert masked_path("learner.living_situation", role="municipal_coordinator") == (
        "learner.(protected)"
    )
    assert masked_path("not a [path", role="class_teacher") == PROTECTED
    with pytest.raises(UnknownNameError, match="view role"):
        masked_path(THREAT_DATE, role="janitor")


def test_a_masked_field_loses_its_message_and_is_named_once() -> None:
    """The message of an invalid threat kind lists the kinds of threat: it goes with the path,
    and how many fields below the cut are invalid is not said either."""
    problems = [
        (THREAT_KIND, "Input should be 'violence', 'neglect', 'offence' or 'other_threat'"),
        (THREAT_DATE, "Input should be a valid date"),
        ("observations[0].attendance.lessons_scheduled", "Input should be a valid integer"),
    ]
    assert masked_problems(problems, role="class_teacher") == [
        ("observations[0].(protected)", PROTECTED_MESSAGE),
        ("observations[0].attendance.lessons_scheduled", "Input should be a valid integer"),
    ]
    assert masked_problems(problems, role="social_pedagogue") == problems


# -- the outputs ------------------------------------------------------------------------------


def test_batch_for_a_role_masks_the_path_and_the_host_output_keeps_it() -> None:
    line = bad_threat_line()
    whole = [r.text for r in iter_decisions([line], registry=registry())]
    assert {row["path"] for row in invalid_rows(whole)} == {THREAT_DATE, THREAT_KIND}
    for role in ("class_teacher", "municipal_coordinator"):
        shown = [r.text for r in iter_decisions([line], registry=registry(), role=role)]
        assert invalid_rows(shown) == [MASKED_ROW]
        assert "suspected_threats" not in "".join(shown)
        assert "violence" not in "".join(shown)
    pedagogue = [r.text for r in iter_decisions([line], registry=registry(), role="psychologist")]
    assert {row["path"] for row in invalid_rows(pedagogue)} == {THREAT_DATE, THREAT_KIND}


def test_the_error_file_of_a_role_run_is_masked_too(tmp_path: Path) -> None:
    """A run for a role writes nothing that role may not see, its error file included: the two
    files of one run go to the same reader. The host's full paths come from a run without a
    role (or ``atbalsts validate`` of the line)."""
    source = tmp_path / "cases.jsonl"
    source.write_text(bad_threat_line() + "\n", encoding="utf-8")
    errors = tmp_path / "rejected.jsonl"
    evaluate_file(
        source,
        tmp_path / "out.jsonl",
        as_of=None,
        registry=registry(),
        errors=errors,
        role="municipal_coordinator",
    )
    text = errors.read_text(encoding="utf-8")
    assert "observations[0].(protected)" in text
    assert "suspected_threats" not in text
    evaluate_file(source, tmp_path / "host.jsonl", as_of=None, registry=registry(), errors=errors)
    assert THREAT_DATE in errors.read_text(encoding="utf-8")


def test_evaluate_lines_masks_for_the_role_it_is_told() -> None:
    out = io.StringIO()
    evaluate_lines([bad_threat_line()], out, as_of=None, registry=registry(), mask_for="police")
    assert invalid_rows(out.getvalue().splitlines()) == [MASKED_ROW]
    with pytest.raises(UnknownNameError):
        evaluate_lines([], io.StringIO(), as_of=None, registry=registry(), mask_for="janitor")


def test_a_roles_work_list_masks_the_skipped_lines_fields() -> None:
    def skipped(role: str | None) -> list[dict[str, Any]]:
        out = io.StringIO()
        run_worklist(
            [bad_threat_line()],
            out,
            as_of=date(2025, 11, 13),
            role=role,
            fmt="json",
            registry=registry(),
        )
        fields: list[dict[str, Any]] = json.loads(out.getvalue())["skipped"][0]["fields"]
        return fields

    assert {f["path"] for f in skipped(None)} == {THREAT_DATE, THREAT_KIND}
    protected = {"message": PROTECTED_MESSAGE, "kind": "protected", "values": {}}
    assert skipped("municipal_coordinator") == [
        {"path": "observations[0].(protected)", **protected}
    ]
    assert skipped("subject_teacher") == [{"path": PROTECTED, **protected}]


# -- the property: a masked path names nothing the role's view schema leaves out ---------------


def _leaf_paths(data: Any, prefix: str = "") -> list[str]:
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            found += _leaf_paths(value, f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(data, list) and data:
        return [p for i, v in enumerate(data) for p in _leaf_paths(v, f"{prefix}[{i}]")]
    return [prefix]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas ``node`` may be (through $ref, anyOf/oneOf and array items)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(schema, schema["$defs"][name])
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            found += _resolve(schema, option)
    if "items" in node:
        found += _resolve(schema, node["items"])
    if "properties" in node:
        found.append(node)
    return found


def _in_schema(schema: dict[str, Any], path: str) -> bool:
    """Whether every field ``path`` names is a property the view schema may show."""
    nodes = [schema]
    for name in [s for s in path.replace("]", "").replace("[", ".").split(".") if s]:
        if name.isdigit():
            continue
        nodes = [
            sub
            for node in nodes
            for option in _resolve(schema, node)
            if name in option["properties"]
            for sub in [option["properties"][name]]
        ]
        if not nodes:
            return False
    return True


@functools.cache
def schema_of(role: str) -> dict[str, Any]:
    return view_schema(f"support-case.{role}")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(support_cases(), st.sampled_from(list(ViewRole)))
def test_a_masked_path_names_only_what_the_roles_view_may_show(
    case: SupportCase, role: ViewRole
) -> None:
    """For every field of any case: what a masked path keeps (the whole path, or the part before
    ``(protected)``) is a path the role's published view schema may show."""
    schema = schema_of(role.value)
    for path in _leaf_paths(case.model_dump(mode="json", exclude={"schema_version"})):
        shown = masked_path(path, role=role.value)
        kept = shown.removesuffix(PROTECTED).removesuffix(".")
        assert kept == "" or _in_schema(schema, kept), (role.value, path, shown)
        if shown == path:
            assert _in_schema(schema, path)
