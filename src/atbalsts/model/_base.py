"""Shared base classes and field types of the documents."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from atbalsts._time import ISO_DAY, iso_day
from atbalsts.codes import CODE_LISTS, INSTITUTIONS, MEASURES, RISK_FACTORS, ROLES, CodeList

__all__ = [
    "CODE_MAX",
    "ID_MAX",
    "ITEMS_MAX",
    "NAME_MAX",
    "SCHEMA_VERSION",
    "TEXT_MAX",
    "URL_PATTERN",
    "Classification",
    "Document",
    "Identifier",
    "InstitutionCode",
    "IsoDate",
    "MeasureCode",
    "Model",
    "Name",
    "OneOf",
    "RiskFactorCode",
    "RoleCode",
    "Semester",
    "Text",
    "classified",
    "invalid_at",
    "items",
    "lax_enum",
]

#: The version of the document contract. Bumped on any incompatible change of a schema.
SCHEMA_VERSION: Literal["1.0"] = "1.0"

#: Longest identifier chosen by the host (characters).
ID_MAX = 64
#: Longest code: a national code or a plugin's local ``namespace:code``.
CODE_MAX = 64
#: Longest short name: a subject, an act, a plugin or distribution name, a version.
NAME_MAX = 200
#: Longest free text: a note, a description, a reason.
TEXT_MAX = 4000
#: A web address: http(s) and no white space, where white space is what both JSON Schema's
#: regular expressions (ECMA-262, which count U+FEFF) and the library's (which count U+0085) say.
URL_PATTERN = r"^https?://[^\s\x85\ufeff]+$"
#: Most items in a list of a document (observations, plans, marks, notes ...).
ITEMS_MAX = 200

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
    """Base of every model: unknown fields are refused, values are immutable, NaN or infinity
    are refused (JSON has no way to carry them back), and nothing is coerced.

    Validation is strict: an integer is never read from a string, a float or a boolean, a boolean
    never from ``"no"`` or ``0``, a date never from a number. A date is a ``YYYY-MM-DD`` string or
    a :class:`datetime.date`; an enumerated value is its string (or the enum member); a list may be
    a list or a tuple. What the published JSON Schema refuses, the models refuse.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=False,
        allow_inf_nan=False,
        strict=True,
        defer_build=True,
    )


class Document(Model):
    """Base of a top-level document: it carries the version of the contract it follows."""

    schema_version: Literal["1.0"] = Field(
        default=SCHEMA_VERSION, description="Version of the atbalsts document contract."
    )


Location = tuple[str | int, ...]


def invalid_at(
    kind: str,
    message: str,
    *locations: str | Location,
    values: Mapping[str, str] | None = None,
) -> PydanticCustomError:
    """A validation error of ``kind`` for a model validator to raise, pointing at fields.

    Each location is a field name or a path below the model (``("plans", 0, "learner_id")``);
    :func:`~atbalsts.model.field_errors` reports one row per location, so a check that spans
    fields still names the field to correct. ``message`` must not echo personal values.
    ``values`` are the rows' :attr:`~atbalsts.errors.FieldError.values`: what the message says
    beyond its fixed words (field names, a term, the grades allowed), as text, so that the
    command line (in Latvian) and a program need not read the message; never a field's value.
    """
    paths = tuple((loc,) if isinstance(loc, str) else tuple(loc) for loc in locations)
    ctx = {"at": paths, "values": dict(values or {})}
    return PydanticCustomError(kind, message.replace("{", "(").replace("}", ")"), ctx)


def _code_type(codes: CodeList, what: str) -> Any:
    known = frozenset(codes.codes())  # national lists never change; a set is quicker to ask
    # ``values`` name the list by its key in CODE_LISTS (``risk_factors``), as
    # ``unknown_local_code`` does: the name a program looks it up by. The message keeps its
    # words (``risk factor``).
    (list_name,) = (name for name, listed in CODE_LISTS.items() if listed is codes)

    def check(value: str) -> str:
        if value in known or _LOCAL_RE.fullmatch(value):
            return value
        # The value is not echoed: a field meant for a code may hold anything (a name).
        raise PydanticCustomError(
            "unknown_code",
            "unknown {what} code; use a national code or a local 'namespace:code' "
            "declared by a plugin",
            {"what": codes.name, "values": {"list": list_name}},
        )

    schema = {
        "description": f"{what}: a national code or a plugin's local code 'namespace:code'.",
        "anyOf": [
            {"type": "string", "enum": list(codes.codes())},
            {"type": "string", "pattern": _LOCAL_CODE, "maxLength": CODE_MAX},
        ],
    }
    return Annotated[str, Field(max_length=CODE_MAX), AfterValidator(check), WithJsonSchema(schema)]


RiskFactorCode = _code_type(RISK_FACTORS, "Risk factor")
MeasureCode = _code_type(MEASURES, "Support measure")
RoleCode = _code_type(ROLES, "Role")
InstitutionCode = _code_type(INSTITUTIONS, "Institution")

#: A pseudonymous identifier chosen by the host system; never a personal code.
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=ID_MAX,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="Identifier chosen by the host system (letters, digits, . _ : -).",
    ),
]

#: A short name (a subject, an act, a version): at most :data:`NAME_MAX` characters.
Name = Annotated[str, Field(max_length=NAME_MAX)]
#: Free text: at most :data:`TEXT_MAX` characters.
Text = Annotated[str, Field(max_length=TEXT_MAX)]

#: Why a string is not a date, in the ``date_parsing`` error of either way of reading it.
_NOT_A_DAY = {"error": "input is not such a date"}


def _iso_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return iso_day(value)
        except ValueError:
            raise PydanticKnownError("date_parsing", _NOT_A_DAY) from None
    return value  # a date object passes; anything else is refused by strict validation


class _IsoDateInput:
    """How an :data:`IsoDate` is read. From JSON, a string of the form ``YYYY-MM-DD`` (a pattern
    pydantic-core checks) read as a date by pydantic-core, with no Python call: a document holds
    dozens of dates, and the batch reads hundreds of thousands of documents. pydantic-core's own
    strict date alone is not enough: it also takes a string of digits as a Unix time ("0" is
    1 January 1970). From Python, :func:`_iso_date` first, so that a ``YYYY-MM-DD`` string (JSON
    parsed elsewhere) is taken too. Either way, a value that is not a string (or a date object)
    is a ``date_type`` error and a string that is not a real day so written a ``date_parsing``
    error, with the same message."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def parsing(schema: core_schema.CoreSchema) -> core_schema.CoreSchema:
            return core_schema.custom_error_schema(
                schema, "date_parsing", custom_error_context=_NOT_A_DAY
            )

        from_json = core_schema.chain_schema(
            [
                core_schema.custom_error_schema(core_schema.str_schema(strict=True), "date_type"),
                parsing(core_schema.str_schema(pattern=f"^{ISO_DAY.pattern}$")),
                parsing(core_schema.date_schema(strict=False)),  # from a str: the models are strict
            ]
        )
        from_python = core_schema.no_info_before_validator_function(
            _iso_date, core_schema.date_schema(strict=True)
        )
        return core_schema.json_or_python_schema(json_schema=from_json, python_schema=from_python)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """What the schema publishes: a date, as pydantic writes one (the steps above check
        exactly that)."""
        return handler(core_schema.date_schema())


#: A date: a ``YYYY-MM-DD`` string (JSON) or a :class:`datetime.date`, never a number or a
#: datetime. The JSON Schema says ``"format": "date"``.
IsoDate = Annotated[date, _IsoDateInput]


#: A semester, 1 or 2: an integer (never ``true``, ``"1"`` or ``1.0``).
Semester = Annotated[int, Field(ge=1, le=2)]


class OneOf:
    """Makes a union of types fail as one error at its field, kind ``value_type``, in the words
    given. Left alone, pydantic reports one error per type it tried, each under a path part
    named for that type (``str``, ``tuple[constrained-str, ...]``), which a host could not tell
    from a key of the same name."""

    def __init__(self, expected: str) -> None:
        self.expected = expected

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        inner: Any = schema
        while inner["type"] in ("nullable", "default"):
            inner = inner["schema"]
        if inner["type"] != "union":  # pragma: no cover - a mistake in this module
            raise TypeError(f"OneOf marks a union, not {inner['type']}")
        inner["custom_error_type"] = "value_type"
        inner["custom_error_message"] = f"Input should be {self.expected}"
        return schema


def items(limit: int = ITEMS_MAX) -> dict[str, Any]:
    """``Field`` keywords of a list field: a JSON array (a list or tuple in Python), at most
    ``limit`` items; the items themselves stay strict."""
    return {"strict": False, "max_length": limit}


#: ``Field`` keywords of an enumerated field: its string value is accepted as well as the member.
lax_enum: dict[str, Any] = {"strict": False}
