"""Shared base classes and field types of the documents."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from atbalsts.codes import INSTITUTIONS, MEASURES, RISK_FACTORS, ROLES, CodeList

__all__ = [
    "SCHEMA_VERSION",
    "Classification",
    "Document",
    "Identifier",
    "InstitutionCode",
    "MeasureCode",
    "Model",
    "RiskFactorCode",
    "RoleCode",
    "classified",
]

#: The version of the document contract. Bumped on any incompatible change of a schema.
SCHEMA_VERSION: Literal["1.0"] = "1.0"

_LOCAL_CODE = r"^[a-z][a-z0-9_-]*:[a-z][a-z0-9_]*$"
_LOCAL_RE = re.compile(_LOCAL_CODE)


class Classification(StrEnum):
    """How a field may be used and shown.

    ``personal``: identifies a person; shown only to those who work with the learner.
    ``sensitive``: health, family or free-text notes (GDPR Art. 9 or "highly personal" data);
    redacted from every view but the support team's.
    ``protected``: an attribute that must never be evidence of risk (home language, nationality,
    religion, ethnicity); the plugin conformance suite refuses rules that read it.
    """

    PERSONAL = "personal"
    SENSITIVE = "sensitive"
    PROTECTED = "protected"


def classified(classification: Classification, description: str, **kwargs: Any) -> Any:
    """A ``Field`` that carries its classification in the JSON Schema (``x-classification``)."""
    return Field(
        description=description,
        json_schema_extra={"x-classification": classification.value},
        **kwargs,
    )


class Model(BaseModel):
    """Base of every model: unknown fields are refused, values are immutable, and NaN or
    infinity are refused (JSON has no way to carry them back)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=False, allow_inf_nan=False
    )


class Document(Model):
    """Base of a top-level document: it carries the version of the contract it follows."""

    schema_version: Literal["1.0"] = Field(
        default=SCHEMA_VERSION, description="Version of the atbalsts document contract."
    )


def _code_type(codes: CodeList, what: str) -> Any:
    def check(value: str) -> str:
        if value in codes or _LOCAL_RE.match(value):
            return value
        raise ValueError(
            f"unknown {codes.name} code {value!r}; use a national code or a local "
            f"'namespace:code' declared by a plugin"
        )

    schema = {
        "description": f"{what}: a national code or a plugin's local code 'namespace:code'.",
        "anyOf": [
            {"type": "string", "enum": list(codes.codes())},
            {"type": "string", "pattern": _LOCAL_CODE},
        ],
    }
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


RiskFactorCode = _code_type(RISK_FACTORS, "Risk factor")
MeasureCode = _code_type(MEASURES, "Support measure")
RoleCode = _code_type(ROLES, "Role")
InstitutionCode = _code_type(INSTITUTIONS, "Institution")

#: A pseudonymous identifier chosen by the host system; never a personal code.
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="Identifier chosen by the host system (letters, digits, . _ : -).",
    ),
]
