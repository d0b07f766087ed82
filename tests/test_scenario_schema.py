"""The scenario file's JSON Schema: committed copy up to date, usable by editors, and never
stricter than the loader (every file the loader accepts, the schema accepts)."""

from __future__ import annotations

import json
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator

from atbalsts import DocumentError
from atbalsts.engine import PolicyRegistry
from atbalsts.model import Decision
from atbalsts.testing.scenarios import (
    EXPECT_KEYS,
    SCHEMA_FILE,
    SCHEMA_ID,
    check,
    json_schema,
    load_scenarios,
    run_scenario,
    schema_text,
    write_schema,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schemas" / SCHEMA_FILE
REGENERATE = (
    '.venv/bin/python -c "from atbalsts.testing.scenarios import write_schema; '
    "write_schema('schemas')\""
)
SCENARIO_FILES = sorted(
    [
        *ROOT.glob("tests/scenarios/**/*.scenarios.toml"),
        *ROOT.glob("plugins/*/tests/*.scenarios.toml"),
        *ROOT.glob("docs/examples/*.scenarios.toml"),
    ]
)
#: The keywords of JSON Schema draft 4 (what Taplo, behind Even Better TOML, implements), plus
#: the identifiers a draft-4 validator ignores and the ``$defs`` that ``$ref`` pointers reach.
DRAFT_4_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "default", "type", "enum",
    "properties", "additionalProperties", "required", "items", "minItems", "maxItems",
    "pattern", "minLength", "maxLength", "format", "anyOf", "allOf", "oneOf", "not",
    "minimum", "maximum",
}  # fmt: skip


def as_json(value: Any) -> Any:
    """TOML data as the JSON an editor validates: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def schema_errors(data: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(json_schema())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(as_json(data))
    ]


def keywords(node: Any, under_properties: bool = False) -> set[str]:
    """Every schema keyword used in ``node`` (property names are not keywords)."""
    if isinstance(node, list):
        return set().union(*(keywords(item) for item in node))
    if not isinstance(node, dict):
        return set()
    found = set() if under_properties else set(node)
    for key, value in node.items():
        if key in ("properties", "$defs") and not under_properties:
            found |= set().union(*(keywords(v) for v in value.values()))
        elif key not in ("default", "enum") or under_properties:
            found |= keywords(value)
    return found


def test_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing; run `{REGENERATE}` and commit it"
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        f"schemas/{SCHEMA_FILE} is stale: the scenario format changed but the committed schema "
        f"did not. Run `{REGENERATE}` and commit the result."
    )


def test_write_schema_writes_the_committed_text(tmp_path: Path) -> None:
    path = write_schema(tmp_path)
    assert path == tmp_path / SCHEMA_FILE
    assert path.read_text(encoding="utf-8") == schema_text()
    assert json.loads(schema_text()) == json_schema()


def test_schema_is_valid_and_editor_friendly() -> None:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["scenario"]
    assert schema["additionalProperties"] is False
    assert set(schema["$defs"]["Expect"]["properties"]) == EXPECT_KEYS
    # Only draft-4 keywords, so Taplo checks all of it; TOML has no null, so neither does this.
    assert keywords(schema) <= DRAFT_4_KEYWORDS, keywords(schema) - DRAFT_4_KEYWORDS
    assert '"null"' not in schema_text()
    Draft4Validator.check_schema({k: v for k, v in schema.items() if k != "$schema"})


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_scenario_file_of_the_repository_matches_the_schema(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(data) == []


def test_schema_refuses_what_the_loader_refuses() -> None:
    data: dict[str, Any] = {
        "defaults": {"as_of": date(2025, 3, 3), "colour": "red"},
        "scenario": [
            {
                "name": "x",
                "municipality": "Bauska",
                "expect": {
                    "finding": [],
                    "complete": "yes",
                    "obligation": [{"recipients": ["parent"]}],
                    "referral": [{"to": "social_service", "urgency": "soon"}],
                    "verdicts": {"m": {"eligible": 1}},
                    "parameters": {"p": [1]},
                    "notes": ["no_policy"],
                    "suggested": "mentor_support",
                },
                "measures": [""],
            }
        ],
    }
    failing = sorted(error.split(":")[0] for error in schema_errors(data))
    assert failing == [
        "defaults",
        "scenario/0/expect",
        "scenario/0/expect/complete",
        "scenario/0/expect/notes/0",
        "scenario/0/expect/obligation/0",
        "scenario/0/expect/parameters/p",
        "scenario/0/expect/referral/0/urgency",
        "scenario/0/expect/suggested",
        "scenario/0/expect/verdicts/m/eligible",
        "scenario/0/measures/0",
        "scenario/0/municipality",
    ]
    assert schema_errors({"scenario": []}) != []
    assert schema_errors({}) != []


# --- the loader and the schema agree on generated files -----------------------------------------

CASE = {
    "learner": {
        "id": "L-T",
        "birth_date": date(2011, 5, 14),
        "enrolment": {
            "school_id": "S-1",
            "municipality": "testa-novads",
            "programme": "general_basic",
            "grade": 7,
        },
    },
    "observations": [
        {
            "term": {"school_year": "2024/2025", "semester": 2},
            "as_of": date(2025, 3, 3),
            "attendance": {"lessons_missed_unjustified": 21},
        }
    ],
}

codes_text = st.text(alphabet="abcdefgh_.:", min_size=1, max_size=8)
junk_values = st.one_of(
    st.integers(-3, 30),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet="abc ", max_size=3),
    st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(codes_text, st.integers(), max_size=2),
)


def scenario_files(junk: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Scenario files as TOML data: well-typed throughout when ``junk`` is ``st.nothing()``, else
    with values of any type mixed in anywhere."""
    values = st.one_of(st.integers(0, 30), st.booleans(), codes_text, st.dates()) | junk
    codes = st.lists(codes_text | junk, max_size=3) | junk
    dates = st.dates(date(2025, 3, 1), date(2025, 3, 10)) | junk
    obligation = st.fixed_dictionaries(
        {"action": st.sampled_from(["inform_municipal_education_board", "record_in_viis"])},
        optional={"recipients": codes, "responsible_roles": codes, "due": dates},
    )
    referral = st.fixed_dictionaries(
        {"to": st.sampled_from(["social_service", "orphans_court"]) | junk},
        optional={
            "reason": codes_text | junk,
            "urgency": st.sampled_from(["same_day", "urgent", "routine"]) | junk,
            "due": dates,
        },
    )
    verdict = st.fixed_dictionaries(
        {}, optional={"eligible": st.booleans() | junk, "reasons": codes}
    )
    facts = st.dictionaries(st.sampled_from(["unjustified_lessons", "x"]), values, max_size=2)
    parameter_ids = st.sampled_from(["lv.absence.unjustified_lessons_limit", "lv.nope"])
    expect = st.fixed_dictionaries(
        {},
        optional={
            "complete": st.booleans() | junk,
            **dict.fromkeys(
                ("findings", "obligations", "referrals", "plan_issues", "fired", "not_fired"),
                codes,
            ),
            "eligible": st.lists(st.sampled_from(["mentor_support", "x"]), max_size=1) | junk,
            "ineligible": st.lists(st.sampled_from(["literacy_support"]), max_size=1) | junk,
            "suggested": st.lists(st.sampled_from(["mentor_support", "meals_compensation"])) | junk,
            "notes": st.lists(
                st.sampled_from(["no_municipal_policy", "no_observation_on_date", "nope"]),
                max_size=2,
            )
            | junk,
            "obligation": st.lists(obligation | junk, max_size=2) | junk,
            "referral": st.lists(referral | junk, max_size=2) | junk,
            "verdicts": st.dictionaries(codes_text, verdict | junk, max_size=2) | junk,
            "evidence": st.dictionaries(
                st.sampled_from(["unjustified_absences", "low_achievement"]), facts | junk
            )
            | junk,
            "parameters": st.dictionaries(parameter_ids, values) | junk,
        },
    )
    scenario = st.fixed_dictionaries(
        {"name": st.sampled_from(["a", "b", "c d"]) | junk},
        optional={
            "as_of": st.just(date(2025, 3, 3)) | junk,
            "municipality": st.sampled_from(["testa-novads", "ogre"]) | junk,
            "expect": expect | junk,
            "measures": st.lists(st.sampled_from(["meals_compensation", "literacy_support"]))
            | junk,
            "xfail": codes_text | junk,
        },
    )
    defaults = st.fixed_dictionaries({"case": st.just(CASE), "as_of": st.just(date(2025, 3, 3))})
    return st.fixed_dictionaries(
        {"defaults": defaults},
        optional={"scenario": st.lists(scenario, max_size=3) | junk},
    )


files = scenario_files(st.nothing()) | scenario_files(junk_values)


def toml(value: Any) -> str:
    """``value`` written as TOML (inline tables and arrays only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | date):
        return value.isoformat() if isinstance(value, date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"


@pytest.fixture(scope="module")
def decision() -> Decision:
    registry = PolicyRegistry.load(entry_points=False)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "d.scenarios.toml"
        path.write_text(
            toml_document(
                {"defaults": {"case": CASE}, "scenario": [{"name": "d", "as_of": date(2025, 3, 3)}]}
            ),
            encoding="utf-8",
        )
        [scenario] = load_scenarios(path)
    return run_scenario(registry, scenario)


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{key} = {toml(value)}\n" for key, value in data.items())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=files)
def test_loader_and_schema_agree_and_check_never_crashes(
    data: dict[str, Any], decision: Decision
) -> None:
    refusal: DocumentError | None = None
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "g.scenarios.toml"
        path.write_text(toml_document(data), encoding="utf-8")
        assert tomllib.loads(path.read_text(encoding="utf-8")) == data
        try:
            scenarios = load_scenarios(path)
        except DocumentError as error:
            refusal = error
    if refusal is not None:
        assert refusal.errors, "a refusal names at least one problem"
        for problem in refusal.errors:
            assert problem.path.startswith(("scenario", "defaults", "(file)")), problem
            assert len(problem.message) < 300, problem
        return
    # accepted by the loader: the schema accepts it too, and every check runs
    assert schema_errors(data) == []
    for one in scenarios:
        messages = check(decision, one)
        assert all(isinstance(m, str) and m for m in messages)
