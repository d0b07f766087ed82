"""JSON Schemas: valid 2020-12 schemas, committed copies up to date, accepting our documents."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import atbalsts
from atbalsts import UnknownNameError
from atbalsts.codes import MEASURES, RISK_FACTORS
from atbalsts.model import Document
from atbalsts.schema import DOCUMENTS, document_type, json_schema, schema_text
from atbalsts.testing import strategies as ats

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
NAMES = sorted(DOCUMENTS)
REGENERATE = ".venv/bin/atbalsts schema -o schemas"


@functools.cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(name))


def test_documents_registry() -> None:
    assert NAMES == [
        "audit-event",
        "consent",
        "decision",
        "referral",
        "risk-assessment",
        "support-case",
        "support-plan",
    ]
    assert atbalsts.DOCUMENTS is DOCUMENTS
    for name, model in DOCUMENTS.items():
        assert document_type(name) is model
        assert issubclass(model, Document)


def test_unknown_document_name() -> None:
    with pytest.raises(UnknownNameError) as info:
        json_schema("nope")
    assert isinstance(info.value, LookupError)
    assert info.value.known == tuple(NAMES)
    assert "unknown document 'nope'" in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_a_valid_2020_12_schema(name: str) -> None:
    schema = json_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://atbalsts.invalid/schemas/{name}.schema.json"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert jsonschema.validators.validator_for(schema) is Draft202012Validator


@pytest.mark.parametrize("name", NAMES)
def test_schema_text_is_stable_json(name: str) -> None:
    text = schema_text(name)
    assert text.endswith("}\n")
    assert json.loads(text) == json_schema(name)
    assert text == schema_text(name)


@pytest.mark.parametrize("name", NAMES)
def test_committed_schema_is_up_to_date(name: str) -> None:
    path = SCHEMAS / f"{name}.schema.json"
    assert path.is_file(), f"{path} is missing; run `{REGENERATE}` and commit the result"
    committed = path.read_text(encoding="utf-8")
    assert committed == schema_text(name), (
        f"schemas/{name}.schema.json is stale: the model changed but the committed schema did "
        f"not. Run `{REGENERATE}` and commit the result."
    )


#: Schemas under schemas/ that are not documents, each kept current by its own test.
NOT_DOCUMENTS = {
    "scenario-file.schema.json",  # tests/test_scenario_schema.py
    "worklist.schema.json",  # tests/test_worklist.py
    "batch-record.schema.json",  # tests/batch/test_parallel.py
}


def test_no_stray_committed_schemas() -> None:
    committed = sorted(p.name for p in SCHEMAS.glob("*.schema.json") if p.name not in NOT_DOCUMENTS)
    assert committed == [f"{name}.schema.json" for name in NAMES], (
        f"schemas/ holds files for documents that no longer exist; delete them and run "
        f"`{REGENERATE}`"
    )


def test_schema_marks_classified_fields() -> None:
    learner = json_schema("support-case")["$defs"]["Learner"]["properties"]
    assert learner["personal_code"]["x-classification"] == "personal"
    assert learner["birth_date"]["x-classification"] == "personal"
    assert learner["needy_or_low_income_family"]["x-classification"] == "sensitive"
    assert learner["languages"]["x-classification"] == "protected"
    assert "x-classification" not in learner["id"]


def classifications(schema: dict[str, Any]) -> dict[str, str]:
    """``{"Def.field": classification}`` of every marked property of a schema."""
    marked = {}
    for def_name, definition in {"(top)": schema, **schema.get("$defs", {})}.items():
        for field, spec in definition.get("properties", {}).items():
            if "x-classification" in spec:
                marked[f"{def_name}.{field}"] = spec["x-classification"]
    return marked


def test_decision_schema_marks_the_personal_data_a_decision_repeats() -> None:
    marked = classifications(json_schema("decision"))
    # Evidence values repeat facts such as the birth date, the needy-family flag and health.
    assert marked["Evidence.value"] == "sensitive"
    # One finding per factor (DecisionFinding); the factor may reveal health or family matters.
    assert marked["DecisionFinding.factor"] == "sensitive"
    assert marked["ReferralDue.reason"] == "sensitive"
    assert marked["MeasureReason.detail"] == "sensitive"
    assert marked["PlanIssue.detail"] == "sensitive"
    assert marked["(top).tier"] == "sensitive"
    # The values each rule computed and a suspected threat's reason.
    for source in ("RuleSource", "ObligationSource", "ReferralSource"):
        assert marked[f"{source}.detail"] == "sensitive", source
    assert marked["ReferralSource.reason"] == "sensitive"
    # What a note says is how the decision was reached (a school year, the municipality asked
    # for), never a fact about the learner: a role that sees the note reads it whole.
    assert "DecisionNote.detail" not in marked


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("support-plan", "Goal.description"),
        ("support-plan", "Goal.indicator"),
        ("support-plan", "MeasureAssignment.frequency"),
        ("consent", "(top).purpose"),
        ("referral", "(top).reason"),
        ("referral", "(top).outcome"),
        ("support-case", "Note.text"),
        ("support-case", "BehaviourIncident.description"),
    ],
)
def test_free_text_is_marked_sensitive(name: str, field: str) -> None:
    assert classifications(json_schema(name))[field] == "sensitive"


def test_free_strings_and_lists_are_bounded() -> None:
    """Every string of an input document has a maxLength (or an enum), every list a maxItems."""
    unbounded: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            bounded = {"maxLength", "enum", "format", "const"} & node.keys()
            fixed = str(node.get("pattern", "")).endswith("}$")  # a fixed-length pattern
            if kind == "string" and not bounded and not fixed:
                unbounded.append(where)
            if kind == "array" and "maxItems" not in node:
                unbounded.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for name in ("support-case", "support-plan", "referral", "consent", "risk-assessment"):
        walk(json_schema(name), name)
    # Evidence values are written by the engine and may join several facts (documented); an
    # if/then of a cross-field check only narrows a property that is bounded where it is declared.
    assert [
        w for w in unbounded if "/Evidence/properties/value/" not in w and "/then/" not in w
    ] == []


def test_schema_lists_national_codes_and_the_local_code_pattern() -> None:
    defs = json_schema("support-plan")["$defs"]
    measure = defs["MeasureAssignment"]["properties"]["measure"]
    national, local = measure["anyOf"]
    assert national["enum"] == list(MEASURES.codes())
    assert local["pattern"] == r"^[a-z][a-z0-9_-]*:[a-z][a-z0-9_]*$"
    factor_items = json_schema("support-plan")["properties"]["risk_factors"]["items"]
    assert factor_items["anyOf"][0]["enum"] == list(RISK_FACTORS.codes())


def test_schema_refuses_what_the_models_refuse(case_data: dict[str, Any]) -> None:
    check = validator("support-case")
    assert not list(check.iter_errors(case_data))
    case_data["learner"]["enrolment"]["grade"] = "eighth"
    case_data["plans"][0]["measures"][0]["measure"] = "free_pony"
    case_data["plans"][0]["measures"][1]["colour"] = "red"
    case_data["referrals"][0]["learner_id"] = " bad id"
    failing = sorted(
        {
            "/".join(str(part) for part in error.absolute_path)
            for error in check.iter_errors(case_data)
        }
    )
    assert failing == [
        "learner/enrolment/grade",
        "plans/0/measures/0/measure",
        "plans/0/measures/1",
        "referrals/0/learner_id",
    ]


DOCUMENT_STRATEGIES: list[tuple[str, st.SearchStrategy[Document]]] = [
    ("support-case", ats.support_cases()),
    ("support-plan", ats.support_plans(measure_codes=ats.codes(MEASURES, namespace="bauska"))),
    ("referral", ats.referrals()),
    ("consent", ats.consents()),
    ("risk-assessment", ats.risk_assessments()),
]


@pytest.mark.parametrize(
    ("name", "strategy"), DOCUMENT_STRATEGIES, ids=[n for n, _ in DOCUMENT_STRATEGIES]
)
@given(data=st.data())
def test_generated_documents_validate_against_their_schema(
    name: str, strategy: st.SearchStrategy[Document], data: st.DataObject
) -> None:
    doc = data.draw(strategy)
    assert isinstance(doc, DOCUMENTS[name])
    instance = json.loads(doc.model_dump_json())
    assert instance == doc.model_dump(mode="json")
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(instance)
    ]
    assert errors == []
