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

#: One failing field of an invalid line: the library's FieldError (atbalsts.errors.FieldError).
_FIELD_PROBLEM: dict[str, Any] = {
    "description": "One failing field, as the library's FieldError names it; never its value.",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "message", "path", "values"],
    "properties": {
        "kind": {
            "description": "The kind of problem, a stable code to switch on (the message's "
            "wording may change): pydantic's error type ('string_too_long', 'missing', "
            "'extra_forbidden', 'json_invalid', ...), a check of the library's ('date_order', "
            "'outside_term', ...), or 'protected' for a field the output's role may not see "
            "(--role: its path cut, no values).",
            "type": "string",
        },
        "message": {"description": "What is wrong, in English, for people.", "type": "string"},
        "path": {
            "description": "The field's path in the line, e.g. 'learner.id'; '(document)' for "
            "the line as a whole.",
            "type": "string",
        },
        "values": {
            "description": "What the problem is about, as text: the constraint ('max_length', "
            "'min_length', 'ge', 'le', 'pattern', 'expected', ...), where malformed JSON stops "
            "('line', 'column'), the names and numbers of a check. Never the input. Empty when "
            "the kind has nothing more to say.",
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
    },
}


_TABLE_ID: dict[str, Any] = {
    "description": "The id of a rule table of this output (a ``rule_table`` record before).",
    "pattern": "^t[0-9a-f]{16}$",
    "type": "string",
}
_BASIS_ID: dict[str, Any] = {
    "description": "The id of a legal basis in the rule table's ``bases``.",
    "pattern": "^b[0-9a-f]{12}$",
    "type": "string",
}
_PARAMETER_ID: dict[str, Any] = {
    "description": "The id of a parameter in the rule table's ``parameters``.",
    "maxLength": 200,
    "type": "string",
}


def _by_id(node: Any, target: str, short: dict[str, Any]) -> Any:
    """``node`` with every reference to ``target`` also accepting the id ``short``."""
    if isinstance(node, dict):
        if node.get("$ref") == f"#/$defs/{target}":
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**rest, "anyOf": [short, {"$ref": node["$ref"]}]}
        return {k: _by_id(v, target, short) for k, v in node.items()}
    if isinstance(node, list):
        return [_by_id(v, target, short) for v in node]
    return node


def _compact_defs(defs: dict[str, Any]) -> None:
    """Make the Decision's own definitions those of the compact form: a field the form may
    leave out is not required, and a legal basis or a parameter may be given by its id."""
    from atbalsts.engine import always_written

    written = always_written()
    for name, fields in written.items():
        if name == "Decision" or name not in defs:
            continue
        body = defs[name]
        body["required"] = [f for f in body.get("required", []) if f in fields]
        if not body["required"]:
            del body["required"]
        for key, prop in list(body["properties"].items()):
            prop = _by_id(prop, "LegalBasis", _BASIS_ID)
            body["properties"][key] = _by_id(prop, "TraceParameter", _PARAMETER_ID)


def _rule_table(defs: dict[str, Any]) -> dict[str, Any]:
    stamp = json.loads(json.dumps(defs["PolicyStamp"]))
    del stamp["properties"]["as_of"]
    stamp["required"] = [f for f in stamp["required"] if f != "as_of"]
    stamp["title"] = "RuleTableStamp"
    defs["RuleTableStamp"] = stamp
    rule = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "kind",
            "legal_basis",
            "mandatory",
            "overrides",
            "parameters",
            "plugin",
            "title",
        ],
        "properties": {
            "plugin": {"type": "string"},
            "kind": {"$ref": "#/$defs/DecisionKind"},
            "title": {"type": "string"},
            "mandatory": {"type": "boolean"},
            "overrides": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "legal_basis": _BASIS_ID,
            "parameters": {"type": "array", "items": _PARAMETER_ID},
        },
    }
    return {
        "title": "BatchRuleTable",
        "description": (
            "What every decision under one policy shares, written once before the first "
            "decision that refers to it by ``policy``: the policy stamp without its date, the "
            "rules in force (plugin, kind, title, legal basis, parameters), the parameter values "
            "and the legal bases by id, and the risk group of each risk factor."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["bases", "groups", "parameters", "rule_table", "rules", "stamp"],
        "properties": {
            "rule_table": _TABLE_ID,
            "stamp": {"$ref": "#/$defs/RuleTableStamp"},
            "rules": {"type": "object", "additionalProperties": rule},
            "parameters": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/TraceParameter"},
            },
            "bases": {"type": "object", "additionalProperties": {"$ref": "#/$defs/LegalBasis"}},
            "groups": {"type": "object", "additionalProperties": {"$ref": "#/$defs/RiskGroup"}},
        },
    }


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of ``atbalsts batch`` output: a
    ``rule_table``, a decision (compact, naming the rule table's contents by id and leaving out
    what it implies, or with ``--self-contained`` the whole :class:`~atbalsts.model.Decision`;
    either with its input ``line`` first), an ``invalid`` record, an ``error`` record or the
    ``summary``. Committed as ``schemas/batch-record.schema.json``."""
    from atbalsts.engine import always_written
    from atbalsts.schema import json_schema

    decision = json_schema("decision")
    defs: dict[str, Any] = decision.pop("$defs", {})
    for key in ("$schema", "$id"):
        decision.pop(key, None)
    defs["BatchRuleTable"] = _rule_table(defs)
    _compact_defs(defs)
    decision["title"] = "BatchDecision"
    decision["description"] = (
        "A decided case, with the number of its input line first: the Decision in compact form "
        "(its policy the id of a rule table written before it, legal bases and parameters by "
        "their id there, and every field that the table or the decision itself implies left "
        "out; atbalsts.batch.expand_records puts them back), or with --self-contained the "
        "whole Decision document."
    )
    properties = {k: _by_id(v, "LegalBasis", _BASIS_ID) for k, v in decision["properties"].items()}
    properties["policy"] = _by_id(properties["policy"], "PolicyStamp", _TABLE_ID)
    decision["properties"] = {"line": _LINE, **properties}
    top = always_written()["Decision"]
    decision["required"] = ["line", *(f for f in decision.get("required", []) if f in top)]
    defs["BatchDecision"] = decision
    defs["BatchView"] = {
        "title": "BatchView",
        "description": (
            "With --role, a decided case as that role may see it, with the number of its input "
            "line first: the rest is the decision view document of that role, whose schema is "
            "schemas/views/decision.<role>.schema.json."
        ),
        "type": "object",
        "required": ["line", "view"],
        "properties": {
            "line": _LINE,
            "view": {
                "type": "object",
                "required": ["document", "role"],
                "properties": {
                    "document": {"const": "decision"},
                    "role": {"type": "string"},
                    "referral_id": {"type": ["string", "null"]},
                },
            },
        },
    }
    defs["BatchInvalid"] = {
        "title": "BatchInvalid",
        "description": "An input line that is not a valid support case: every failing field.",
        "type": "object",
        "additionalProperties": False,
        "required": ["invalid", "line"],
        "properties": {
            "invalid": {
                "type": "array",
                "items": _FIELD_PROBLEM,
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
            "error or the summary, and the rule tables the decisions refer to. Read the file "
            "line by line on newline only: a JSON string may hold U+2028 or U+2029, which "
            "str.splitlines() also splits on."
        ),
        "oneOf": [
            {"$ref": "#/$defs/BatchRuleTable"},
            {"$ref": "#/$defs/BatchDecision"},
            {"$ref": "#/$defs/BatchView"},
            {"$ref": "#/$defs/BatchInvalid"},
            {"$ref": "#/$defs/BatchError"},
            {"$ref": "#/$defs/BatchSummary"},
        ],
        "$defs": defs,
    }


def record_schema_text() -> str:
    """:func:`record_schema` as the stable text committed under ``schemas/``."""
    return json.dumps(record_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
