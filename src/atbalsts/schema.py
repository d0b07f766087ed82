"""The top-level documents by name, and their JSON Schemas for vendors who do not write Python."""

from __future__ import annotations

import json
from typing import Any

from atbalsts.errors import UnknownNameError
from atbalsts.model import (
    AuditEvent,
    Consent,
    Decision,
    Document,
    Referral,
    RiskAssessment,
    SupportCase,
    SupportPlan,
)

__all__ = ["DOCUMENTS", "document_type", "json_schema", "schema_text"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: Every top-level document by the name used in the CLI, file names and ``$id``.
DOCUMENTS: dict[str, type[Document]] = {
    "audit-event": AuditEvent,
    "consent": Consent,
    "decision": Decision,
    "referral": Referral,
    "risk-assessment": RiskAssessment,
    "support-case": SupportCase,
    "support-plan": SupportPlan,
}


def document_type(name: str) -> type[Document]:
    """The model class of the document called ``name`` (e.g. ``"support-case"``)."""
    try:
        return DOCUMENTS[name]
    except KeyError:
        raise UnknownNameError("document", name, sorted(DOCUMENTS)) from None


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document called ``name``, as validated input."""
    schema = document_type(name).model_json_schema(mode="validation")
    return {
        "$schema": _DIALECT,
        "$id": f"https://atbalsts.invalid/schemas/{name}.schema.json",
        **schema,
    }


def schema_text(name: str) -> str:
    """The schema of ``name`` as the stable text committed under ``schemas/``."""
    return json.dumps(json_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
