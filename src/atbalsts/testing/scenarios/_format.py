"""The scenario file as pydantic models: the loader validates with them, and the JSON Schema that
editors use is generated from them, so the two cannot drift apart.

Every table is strict (a TOML string is not a date, ``1`` is not ``true``) and refuses unknown
keys. Only what one table cannot see is checked elsewhere (:mod:`._load`): unique names, an
``as_of`` given here or in ``[defaults]``, and the merged case.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from atbalsts.model import NoteCode, Urgency
from atbalsts.model.decision import DutyState

__all__ = [
    "MUNICIPALITY_PATTERN",
    "NOT_BLANK_PATTERN",
    "NO_SCENARIO",
    "PATTERN_MESSAGES",
    "SCHEMA_ID",
    "DefaultsTable",
    "Expect",
    "ExpectedObligation",
    "ExpectedReferral",
    "ExpectedVerdict",
    "ScenarioFileTable",
    "ScenarioTable",
    "Value",
    "json_schema",
    "schema_text",
]

SCHEMA_ID = "https://atbalsts.invalid/schemas/scenario-file.schema.json"
MUNICIPALITY_PATTERN = r"^[a-z][a-z0-9_-]*$"
#: Something other than white space, where white space is what both JSON Schema's regular
#: expressions (ECMA-262, which count U+FEFF) and the library's (which count U+0085) say it is.
NOT_BLANK_PATTERN = r"[^\s\x85\ufeff]"
NO_SCENARIO = "the file holds no [[scenario]]"
#: The message of a value that does not match a pattern, by pattern.
PATTERN_MESSAGES = {
    MUNICIPALITY_PATTERN: "must be a municipality slug such as 'bauska'",
    NOT_BLANK_PATTERN: "must be a non-empty string",
}

# A value compared with a decision's: evidence and parameter values (TOML has no null).
Value = bool | int | float | str | date


def _array(what: str, *, empty: str | None = None) -> BeforeValidator:
    """A TOML array becomes a tuple (strict mode takes tuples only); anything else is refused, and
    so is an empty array when ``empty`` says why."""

    def to_tuple(value: object) -> object:
        if not isinstance(value, list | tuple):
            raise PydanticCustomError("array_type", what)
        if empty is not None and not value:
            raise PydanticCustomError("missing", empty)
        return tuple(value)

    return BeforeValidator(to_tuple)


def _value(value: object) -> Value:
    if isinstance(value, bool | int | float | str | date) and not isinstance(value, datetime):
        return value
    raise PydanticCustomError("value_type", "must be a boolean, number, string or date")


def _name(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("name", "must not be blank")
    if "::" in value or "\n" in value or "\r" in value or value != value.strip():
        raise PydanticCustomError(
            "name", "must not contain '::' or line breaks, nor start or end with a space"
        )
    return value


Code = Annotated[str, StringConstraints(min_length=1)]
Codes = Annotated[tuple[Code, ...], _array("must be an array of non-empty strings")]
NoteCodes = Annotated[
    tuple[Annotated[NoteCode, Field(strict=False)], ...],
    _array("must be an array of note codes"),
]
Municipality = Annotated[str, StringConstraints(pattern=MUNICIPALITY_PATTERN)]
ValueField = Annotated[
    Value,
    PlainValidator(_value),
    WithJsonSchema(
        {"type": ["boolean", "number", "string"], "description": "A TOML date is a string here."}
    ),
]


class _Table(BaseModel):
    model_config = ConfigDict(
        strict=True, extra="forbid", frozen=True, use_attribute_docstrings=True
    )


class ExpectedObligation(_Table):
    """A detailed check of one obligation (an [[scenario.expect.obligation]] table): some
    obligation with this 'action' has every recipient and responsible role given and, when 'due'
    or 'state' is given, that due date and that state."""

    action: Code
    """The obligation's action code."""
    recipients: Codes = ()
    """These are among the obligation's recipients (others may be too)."""
    responsible_roles: Codes = ()
    """These are among the roles who may carry it out (others may be too)."""
    due: date | None = None
    """The obligation's due date is exactly this."""
    state: DutyState | None = None
    """Its state on the evaluation date is exactly this: open, due_today, overdue, done_on_time
    or done_late."""


class ExpectedReferral(_Table):
    """A detailed check of one referral (a [[scenario.expect.referral]] table): a referral to the
    recipient 'to' is due (or suggested), with the reason, urgency, due date and suggestion
    given."""

    to: Code
    """The recipient institution's code."""
    reason: Code | None = None
    """The referral's reason code is exactly this."""
    urgency: Annotated[Urgency, Field(strict=False)] | None = None
    """The referral's urgency is exactly this."""
    due: date | None = None
    """The referral's due date is exactly this."""
    suggestion: bool | None = None
    """True: the rules only suggest the referral; false: a rule makes it due."""


class ExpectedVerdict(_Table):
    """What the verdict on one measure must be (a value of [scenario.expect.verdicts])."""

    eligible: bool | None = None
    """The verdict: true when no rule denies the measure."""
    reasons: Codes = ()
    """These reason codes are among the verdict's reasons, allowing or denying (others may be
    too)."""


class Expect(_Table):
    """What a scenario expects of the decision (its 'expect' table). A key left out is not
    checked; the reference page "Scenario files" says what each one compares."""

    complete: bool = True
    """The decision's 'complete' flag. True unless the scenario says otherwise: a scenario never
    passes while a plugin or rule fails without saying so."""
    findings: Codes | None = None
    """Exactly these finding factor codes."""
    obligations: Codes | None = None
    """Exactly these obligation actions."""
    referrals: Codes | None = None
    """Exactly these referral recipients."""
    plan_issues: Codes | None = None
    """Exactly these plan-issue reasons."""
    suggested: Codes | None = None
    """Exactly these measures are suggested: eligible, and neither in the plan nor asked for in
    the scenario's 'measures'."""
    notes: NoteCodes | None = None
    """Exactly these note codes."""
    eligible: Codes = ()
    """Each of these measures has a verdict, eligible (it is in the plan or in 'measures')."""
    ineligible: Codes = ()
    """Each of these measures has a verdict, ineligible (it is in the plan or in 'measures')."""
    fired: Codes = ()
    """Each of these rules fired."""
    not_fired: Codes = ()
    """None of these rules fired."""
    obligation: Annotated[
        tuple[ExpectedObligation, ...], _array("must be an array of tables: [[...obligation]]")
    ] = ()
    """Detailed obligation checks."""
    referral: Annotated[
        tuple[ExpectedReferral, ...], _array("must be an array of tables: [[...referral]]")
    ] = ()
    """Detailed referral checks."""
    verdicts: dict[str, ExpectedVerdict] = Field(default_factory=dict)
    """Measure code to the verdict and reason codes expected."""
    evidence: dict[str, dict[str, ValueField]] = Field(default_factory=dict)
    """Risk-factor code to evidence expected in a finding of it: fact name to value."""
    parameters: dict[str, ValueField] = Field(default_factory=dict)
    """Parameter id to the value the decision used (read from its trace)."""

    def __hash__(self) -> int:
        # Frozen, but holds tables (dicts): hash their keys, so a Scenario stays hashable.
        return hash(tuple(frozenset(v) if isinstance(v, dict) else v for v in vars(self).values()))

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for yes, no in (("eligible", "ineligible"), ("fired", "not_fired")):
            both = sorted(set(getattr(self, yes)) & set(getattr(self, no)))
            if both:
                raise PydanticCustomError(
                    "contradiction",
                    "{codes} listed in both {yes} and {no}",
                    {"codes": ", ".join(both), "yes": yes, "no": no},
                )
        for measure, verdict in sorted(self.verdicts.items()):
            listed = measure in self.ineligible if verdict.eligible else measure in self.eligible
            if verdict.eligible is not None and listed:
                raise PydanticCustomError(
                    "contradiction",
                    "verdicts.{measure}.eligible contradicts {key}",
                    {"measure": measure, "key": "ineligible" if verdict.eligible else "eligible"},
                )
        # A measure asked for has a verdict and is never a suggestion, and the other way round.
        suggested = set(self.suggested or ())
        for key, judged in (
            ("eligible", self.eligible),
            ("ineligible", self.ineligible),
            ("verdicts", tuple(self.verdicts)),
        ):
            both = sorted(suggested & set(judged))
            if both:
                raise PydanticCustomError(
                    "contradiction",
                    "{codes} listed in both suggested and {key}: a measure with a verdict "
                    "(in the plan or in 'measures') is never a suggestion",
                    {"codes": ", ".join(both), "key": key},
                )
        return self


class DefaultsTable(_Table):
    """What every scenario of the file shares (the [defaults] table)."""

    as_of: date | None = None
    """The evaluation date of every scenario that gives none."""
    municipality: Municipality | None = None
    """Evaluate under this municipality's policy set (default: the learner's municipality)."""
    case: dict[str, Any] = Field(default_factory=dict)
    """A partial support case that each scenario's case is merged onto."""


class ScenarioTable(_Table):
    """One [[scenario]] table."""

    name: Annotated[str, StringConstraints(min_length=1), AfterValidator(_name)]
    """The scenario's name, unique in the file (the name of the test)."""
    as_of: date | None = None
    """The evaluation date; required here or in [defaults]."""
    municipality: Municipality | None = None
    """Evaluate under this municipality's policy set, overriding [defaults]."""
    case: dict[str, Any] = Field(default_factory=dict)
    """This scenario's part of the support case, merged onto defaults.case."""
    measures: Codes = ()
    """Measures the caller asks verdicts on, besides those of the plan in force (passed to
    evaluate as 'measures'): each gets a verdict in 'measures' of the decision, never a
    suggestion."""
    expect: Expect = Field(default_factory=Expect)
    """What the decision must show."""
    xfail: Annotated[str, StringConstraints(pattern=NOT_BLANK_PATTERN)] | None = None
    """Why the scenario is known to fail (a bug report); it then must fail."""

    @model_validator(mode="after")
    def _asked_is_not_suggested(self) -> Self:
        both = sorted(set(self.measures) & set(self.expect.suggested or ()))
        if both:
            raise PydanticCustomError(
                "contradiction",
                "{codes} listed in both measures and expect.suggested: a measure asked for gets "
                "a verdict, never a suggestion",
                {"codes": ", ".join(both)},
            )
        return self


class ScenarioFileTable(_Table):
    """A whole scenario file."""

    model_config = ConfigDict(title="atbalsts scenario file")

    defaults: DefaultsTable = Field(default_factory=DefaultsTable)
    """What every scenario of the file shares."""
    scenario: Annotated[
        tuple[ScenarioTable, ...],
        _array("must be an array of tables: [[scenario]]", empty=NO_SCENARIO),
        Field(json_schema_extra={"minItems": 1}),
    ]
    """One or more scenarios: [[scenario]] tables."""


def _without_null(node: Any) -> Any:
    """``node`` without ``null``: TOML has none, so an optional key is one that may be left out
    (``X | None = None`` in the models, only ``X`` in the schema)."""
    if isinstance(node, list):
        return [_without_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _without_null(v) for k, v in node.items() if not (k == "default" and v is None)}
    branches = [b for b in out.get("anyOf", ()) if b != {"type": "null"}]
    if "anyOf" in out and len(branches) == 1:
        del out["anyOf"]
        out = {**branches[0], **out}
    return out


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (see the public ``json_schema``)."""
    schema = _without_null(ScenarioFileTable.model_json_schema(mode="validation"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def schema_text() -> str:
    """:func:`json_schema` as the stable text committed as ``schemas/scenario-file.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
