"""The JSON Schema of one line of ``atbalsts batch`` output."""

from __future__ import annotations

import json
from typing import Any

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_LINE: dict[str, Any] = {
    "description": "The number of the input line (from 1, blank lines counted).",
    "minimum": 1,
    "type": "integer",
}

_COUNT: dict[str, Any] = {"minimum": 0, "type": "integer"}


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of ``atbalsts batch`` output: a decision
    (the :class:`~atbalsts.model.Decision` with its input ``line``), an ``invalid`` record, an
    ``error`` record or the ``summary``. Committed as ``schemas/batch-record.schema.json``."""
    from atbalsts.schema import json_schema

    decision = json_schema("decision")
    defs: dict[str, Any] = decision.pop("$defs", {})
    for key in ("$schema", "$id"):
        decision.pop(key, None)
    decision["title"] = "BatchDecision"
    decision["description"] = (
        "A decided case: the Decision document, its fields unchanged, with the number of its "
        "input line first."
    )
    decision["properties"] = {"line": _LINE, **decision["properties"]}
    decision["required"] = ["line", *decision.get("required", [])]
    defs["BatchDecision"] = decision
    defs["BatchInvalid"] = {
        "title": "BatchInvalid",
        "description": "An input line that is not a valid support case: every failing field.",
        "type": "object",
        "additionalProperties": False,
        "required": ["invalid", "line"],
        "properties": {
            "invalid": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["message", "path"],
                    "properties": {
                        "message": {"type": "string"},
                        "path": {"type": "string"},
                    },
                },
            },
            "line": _LINE,
        },
    }
    defs["BatchError"] = {
        "title": "BatchError",
        "description": (
            "A valid case that could not be decided: no evaluation date (NoEvaluationDate), a "
            "policy set that cannot be built (PolicyConflict, ...) or an unexpected exception "
            "(its message cut to 200 characters, without the case's values)."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["error", "line", "type"],
        "properties": {
            "error": {"type": "string"},
            "line": _LINE,
            "type": {"description": "The exception's class name.", "type": "string"},
        },
    }
    counts = dict.fromkeys(
        ("errors", "evaluated", "incomplete", "invalid", "lines", "without_data"),
        _COUNT,
    )
    defs["BatchSummary"] = {
        "title": "BatchSummary",
        "description": (
            "The last line of a complete output: the counts of the whole output (of the "
            "records kept from an earlier output too, when resumed), and the input lines read."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["summary"],
        "properties": {
            "summary": {
                "type": "object",
                "additionalProperties": False,
                "required": [*counts, "without_policy"],
                "properties": {
                    **counts,
                    "without_policy": {
                        "description": "Decisions by municipality that no installed policy "
                        "governs.",
                        "type": "object",
                        "additionalProperties": _COUNT,
                    },
                },
            }
        },
    }
    return {
        "$schema": _DIALECT,
        "$id": "https://atbalsts.invalid/schemas/batch-record.schema.json",
        "title": "BatchRecord",
        "description": (
            "One line of `atbalsts batch` output (JSON Lines): a decision, an invalid line, an "
            "error or the summary. Read the file line by line on newline only: a JSON string "
            "may hold U+2028 or U+2029, which str.splitlines() also splits on."
        ),
        "oneOf": [
            {"$ref": "#/$defs/BatchDecision"},
            {"$ref": "#/$defs/BatchInvalid"},
            {"$ref": "#/$defs/BatchError"},
            {"$ref": "#/$defs/BatchSummary"},
        ],
        "$defs": defs,
    }


def record_schema_text() -> str:
    """:func:`record_schema` as the stable text committed under ``schemas/``."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
