"""An error never repeats a key of the input that is not written as a field name.

A key is input: an unknown key (``{"120101-12345": 1}`` in ``learner``) or a key of a map (an
audit event's ``params``) may be a personal code or a name. An error path names such a key only
when it has the form of a field name; else it says :data:`NOT_A_FIELD_NAME` in its place, and the
row's ``kind`` still says what is wrong.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import atbalsts
from atbalsts import DocumentError
from atbalsts.model import AuditEvent, Learner, SupportCase
from atbalsts.model._io import FIELD_NAME, NOT_A_FIELD_NAME
from atbalsts.model.observation import TermObservation
from atbalsts.privacy import model_classes
from atbalsts.schema import DOCUMENTS

#: A key that is not written as a field name, to compare every other such key with.
REFERENCE_KEY = "Not A-Field"


def _rows(data: Any, model: type[Any] = SupportCase) -> list[tuple[str, str, str]]:
    """The errors of ``data`` (path, message, kind), the same parsed from Python and from JSON."""
    found = []
    for parse in (
        lambda: atbalsts.parse_python(model, data),
        lambda: atbalsts.parse_json(model, json.dumps(data)),
    ):
        with pytest.raises(DocumentError) as info:
            parse()
        found.append([(e.path, e.message, e.kind) for e in info.value.errors])
    assert found[0] == found[1]
    return found[0]


def _with_unknown(case_data: dict[str, Any], key: str) -> dict[str, Any]:
    case = copy.deepcopy(case_data)
    case["learner"][key] = 1
    case["observations"][0][key] = "x"
    return case


# case_data is copied before it is changed, so one copy serves every example
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(max_size=80))
def test_an_unknown_key_is_named_only_when_it_is_written_as_a_field_name(
    case_data: dict[str, Any], key: str
) -> None:
    assume(key not in Learner.model_fields and key not in TermObservation.model_fields)
    rows = _rows(_with_unknown(case_data, key))
    named = {(path, kind) for path, _, kind in rows}
    shown = key if FIELD_NAME.fullmatch(key) else NOT_A_FIELD_NAME
    assert {("learner." + shown, "extra_forbidden")} <= named
    assert {("observations[0]." + shown, "extra_forbidden")} <= named
    if shown == key:
        return
    # nothing in the errors depends on the key: they are those of any other such key, so the
    # key is in no path or message, unless the words every such error says hold it ("e", " ")
    reference = _rows(_with_unknown(case_data, REFERENCE_KEY))
    assert rows == reference
    said = [text for row in reference for text in row[:2]]
    if not any(key in text for text in said):
        assert not any(key in text for row in rows for text in row[:2])


@pytest.mark.parametrize("key", ["120101-12345", "Anna Bērziņa", "k" * 65, "Grade", "1st"])
def test_a_personal_code_or_a_name_as_a_key_is_not_repeated(
    case_data: dict[str, Any], key: str
) -> None:
    rows = _rows(_with_unknown(case_data, key))
    assert ("learner." + NOT_A_FIELD_NAME, "Extra inputs are not permitted", "extra_forbidden") in (
        rows
    )
    assert key not in json.dumps(rows, ensure_ascii=False)


@given(key=st.text(min_size=1, max_size=80))
def test_a_key_of_a_map_is_named_only_when_it_is_written_as_a_field_name(key: str) -> None:
    rows = _rows({"params": {key: {"not": "a parameter value"}}}, AuditEvent)
    params = [(path, kind) for path, _, kind in rows if path.startswith("params")]
    shown = key if FIELD_NAME.fullmatch(key) else NOT_A_FIELD_NAME
    assert params == [(f"params.{shown}", "value_type")]
    if shown != key:
        reference = _rows({"params": {REFERENCE_KEY: {"not": "a parameter value"}}}, AuditEvent)
        assert rows == reference


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_field_of_every_document_is_written_as_a_field_name(name: str) -> None:
    """So that no field of a document is ever hidden in an error path as a key of the input."""
    for cls in model_classes(DOCUMENTS[name]):
        for field_name, field in cls.model_fields.items():
            assert FIELD_NAME.fullmatch(field.alias or field_name), f"{cls.__name__}.{field_name}"
