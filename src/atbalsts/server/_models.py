"""The API's own request and response bodies. The library's documents (the support case, the
Decision, legal bases, failures) are used as they are, so their JSON Schemas are the library's."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WithJsonSchema

from atbalsts.model import (
    Decision,
    DecisionNote,
    Failure,
    IsoDate,
    LegalBasis,
    Model,
    SupportCase,
)

__all__ = [
    "BATCH_LINE",
    "PROBLEM_TYPES",
    "SHOWN_DECISION",
    "BatchError",
    "BatchFieldProblem",
    "BatchInvalid",
    "EvaluateRequest",
    "EvaluateResponse",
    "ExplainRequest",
    "ExplainResponse",
    "FieldProblem",
    "Health",
    "IsoDate",
    "Lang",
    "MunicipalitySlug",
    "PluginVersion",
    "PoliciesResponse",
    "PolicySummary",
    "Problem",
    "ReferralId",
    "RuleSummary",
    "RulesResponse",
    "SchemaLink",
    "SchemaList",
    "ShownDecision",
    "VersionInfo",
]

#: What a key is shown of a Decision: its role's view, or the whole Decision where the deployment
#: chose so. The OpenAPI document names both (``SHOWN_DECISION``, put in by ``_openapi.py``).
ShownDecision = Annotated[dict[str, Any], WithJsonSchema({"type": "object"})]

#: The schema of :data:`ShownDecision` in the OpenAPI document.
SHOWN_DECISION: dict[str, Any] = {
    "anyOf": [
        {"$ref": "#/components/schemas/DecisionView"},
        {"$ref": "#/components/schemas/Decision"},
    ]
}

#: The schema of one line of /v1/batch's answer, the OpenAPI component ``BatchLine`` (put in by
#: ``_openapi.py``). Not ``schemas/batch-record.schema.json``, the command's: the service sends
#: no rule tables or summaries, and a decision without its ``line``.
BATCH_LINE: dict[str, Any] = {
    "title": "One line of a /v1/batch answer",
    "description": "One JSON object per line of POST /v1/batch's answer, in input order: a "
    "Decision as the key's role may see it (`DecisionView`; or whole, `Decision`, where the "
    "service was built to show everything), an `invalid` record (`BatchInvalid`) or an `error` "
    "record (`BatchError`) of a line that was not decided. Validate a line of the service's "
    "answer against this schema, not against `atbalsts batch`'s "
    "(schemas/batch-record.schema.json).",
    "oneOf": [
        {"$ref": "#/components/schemas/DecisionView"},
        {"$ref": "#/components/schemas/Decision"},
        {"$ref": "#/components/schemas/BatchInvalid"},
        {"$ref": "#/components/schemas/BatchError"},
    ],
}

#: The id of a referral in the case (the library's identifiers).
ReferralId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]

#: The explanation's language.
Lang = Literal["lv", "en"]
#: A municipality slug, as in :attr:`atbalsts.Enrolment.municipality`.
MunicipalitySlug = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_-]*$")]


#: The kinds of problem, by the end of their ``type`` URI (``_problems.py`` has one per status).
PROBLEM_TYPES = (
    "bad-request",
    "unauthorized",
    "forbidden",
    "not-found",
    "method-not-allowed",
    "too-large",
    "unsupported-media-type",
    "invalid",
    "internal",
)


class FieldProblem(Model):
    """One failing field of a request body or query, as the library's FieldError
    (atbalsts.errors.FieldError) names it."""

    path: str = Field(description="The field's path in the body, e.g. 'case.learner.id'.")
    message: str = Field(description="What is wrong (never the value itself).")
    kind: str = Field(
        description="The kind of problem, a stable code to switch on (the message's wording may "
        "change): pydantic's error type ('string_too_long', 'missing', 'extra_forbidden', ...), "
        "a check of the library's ('date_order', 'outside_term', ...) or of the service's own "
        "('not_json_lines', 'unknown_referral', ...)."
    )
    values: dict[str, str] = Field(
        description="What the problem is about, as text: the constraint ('max_length', "
        "'min_length', 'ge', 'le', 'pattern', 'expected', ...), where malformed JSON stops "
        "('line', 'column'), the names and numbers of a check. Never the value sent. Empty when "
        "the kind has nothing more to say."
    )


class BatchFieldProblem(Model):
    """One failing field of a batch line, as `atbalsts batch` names it: the library's
    FieldError (atbalsts.errors.FieldError), as a FieldProblem is."""

    path: str = Field(description="The field's path in the line, e.g. 'learner.id'.")
    message: str = Field(description="What is wrong (never the value itself).")
    kind: str = Field(
        description="The kind of problem, a stable code to switch on (the message's wording may "
        "change): pydantic's error type ('string_too_long', 'missing', 'extra_forbidden', ...), "
        "a check of the library's ('date_order', 'outside_term', ...) or 'not_utf8' (the line "
        "is not UTF-8 text)."
    )
    values: dict[str, str] = Field(
        description="What the problem is about, as text: the constraint ('max_length', "
        "'min_length', 'ge', 'le', 'pattern', 'expected', ...), where malformed JSON stops "
        "('line', 'column'), the names and numbers of a check. Never the value sent. Empty when "
        "the kind has nothing more to say."
    )


class Problem(Model):
    """An error (RFC 9457 problem details)."""

    type: str = Field(
        description="A URI naming the kind of problem; switch on this. It ends in one of: "
        + ", ".join(PROBLEM_TYPES)
        + "."
    )
    title: str = Field(description="The kind of problem in words.")
    status: int = Field(ge=400, le=599, description="The HTTP status.")
    detail: str = Field(description="What went wrong with this request.")
    request_id: str = Field(description="The request's id, as in the X-Request-ID header.")
    errors: tuple[FieldProblem, ...] = Field(
        default=(),
        description="Every failing field of an invalid body or parameter; sent on every "
        "problem, empty on every other.",
    )


#: ``as_of`` may be left out only when the case has an observation to take the date from.
_DATE_TO_DECIDE_ON: dict[str, Any] = {
    "anyOf": [
        {"required": ["as_of"], "properties": {"as_of": {"type": "string"}}},
        {
            "properties": {
                "case": {
                    "required": ["observations"],
                    "properties": {"observations": {"minItems": 1}},
                }
            }
        },
    ]
}


class EvaluateRequest(Model):
    """A support case to decide. Without ``as_of``, the case needs an observation: the date is
    the latest observation's."""

    model_config = ConfigDict(json_schema_extra=_DATE_TO_DECIDE_ON)

    case: SupportCase = Field(description="The support case.")
    as_of: IsoDate | None = Field(
        default=None, description="The evaluation date (default: the latest observation's)."
    )
    municipality: MunicipalitySlug | None = Field(
        default=None,
        description="Decide under this municipality's policy (default: the learner's).",
    )
    referral_id: ReferralId | None = Field(
        default=None,
        description="Show the decision as the recipient of this referral of the case sees it: a "
        "key whose role receives the referral (with a purpose, and sent: status 'requested', "
        "with its sent_on date, or a later one, not 'draft', 'cancelled' or "
        "'entered-in-error') also sees what its purpose needs of the categories it shares, "
        "while the consent it rests on is in force on the evaluation date (or a legal duty "
        "applies); its schema is /v1/schemas/decision.referral-PURPOSE. Default: the role's own "
        "view.",
    )
    lang: Lang = Field(default="lv", description="Language of the explanation.")
    explain: bool = Field(
        default=False,
        description="Also return the explanation as text, made only of what the view shows.",
    )
    strict: bool = Field(
        default=False,
        description="Refuse (422) instead of returning an incomplete decision when a plugin or "
        "rule failed.",
    )
    trace: bool = Field(
        default=True,
        description="Include the decision's trace (every rule checked, with the facts it read) "
        "as far as the role sees it: most of the answer, some 3 to 25 KB. With false it is left "
        "out (an empty list in a whole Decision); the rest of the answer is the same.",
    )


class EvaluateResponse(Model):
    """The Decision as the key's role may see it, and its explanation when asked for."""

    decision: ShownDecision = Field(
        description="What the key's role may see of the Decision: its view, with a `view` object "
        "saying whose it is (the default), or the whole Decision where the service was built to "
        "show everything (`create_app(view=unredacted)`)."
    )
    explanation: str | None = Field(default=None, description="The explanation, if asked for.")


class ExplainRequest(Model):
    """A whole Decision to put in words, and the case it was made from."""

    decision: Decision = Field(
        description="A whole Decision (from the library, `atbalsts evaluate --full`, or a "
        "service that shows everything). Not a role's view: for that, ask /v1/evaluate with "
        "`explain`."
    )
    case: SupportCase | None = Field(
        default=None,
        description="The support case the Decision was made from (the same `learner.id`). "
        "Required with a key scoped to a municipality or a school, whose scope is checked on "
        "the case's enrolment as /v1/evaluate checks it. With it, the role also sees the "
        "duties its own records in the case raise (the report of a threat it recorded); "
        "without it, only what the Decision alone lets the role see.",
    )
    lang: Lang = Field(default="lv", description="Language of the explanation.")


class ExplainResponse(Model):
    """A Decision in words."""

    lang: Lang = Field(description="Language of the text.")
    text: str = Field(description="The explanation.")


class RuleSummary(Model):
    """A rule of the policy set, with its legal basis."""

    id: str = Field(description="Rule id.")
    kind: str = Field(description="Decision kind the rule contributes to.")
    plugin: str = Field(description="Plugin that declared it.")
    title: str = Field(description="Title.")
    legal_basis: LegalBasis = Field(description="Legal basis.")
    valid_from: IsoDate = Field(description="First day in force.")
    valid_to: IsoDate | None = Field(description="Last day in force (None: open).")
    mandatory: bool = Field(description="Law: a municipality cannot override it.")
    overrides: str | None = Field(description="The national rule it replaces, if any.")
    params: tuple[str, ...] = Field(description="Parameters it reads.")
    reads: tuple[str, ...] = Field(description="Facts it reads.")
    measures: tuple[str, ...] | None = Field(
        description="The measures a measure-eligibility rule may give verdicts on (None: not "
        "declared, so any measure, or not such a rule)."
    )


class RulesResponse(Model):
    """Rules of a municipality's policy set."""

    municipality: str | None = Field(description="The municipality asked for (None: national).")
    as_of: IsoDate | None = Field(description="Only rules in force on this date (None: all).")
    rules: tuple[RuleSummary, ...] = Field(description="The rules.")
    notes: tuple[DecisionNote, ...] = Field(
        description="What the reader must know about these rules, as a Decision's notes say "
        "it: 'no_municipal_policy' when no loaded policy governs `municipality` (on `as_of`, "
        "or on any date without it), so the rules are the national baseline's alone; a "
        "misspelt municipality gets the same note, its `detail.closest` naming a loaded "
        "municipality that is near. Empty otherwise."
    )


class PolicySummary(Model):
    """An installed policy."""

    name: str = Field(description="Policy name; also the namespace of its rules and codes.")
    title: str = Field(description="Title.")
    municipality: str | None = Field(description="Municipality it governs (None: none).")
    atvk: str | None = Field(description="Official territory code, where known.")
    national: bool = Field(description="The national baseline.")
    distribution: str = Field(description="Python distribution that provides it.")
    version: str = Field(description="Its version.")
    valid_from: IsoDate = Field(description="First day in force.")
    valid_to: IsoDate | None = Field(description="Last day in force (None: open).")


class PoliciesResponse(Model):
    """Installed policies and the plugins that failed to load."""

    policies: tuple[PolicySummary, ...] = Field(description="Loaded policies, by name.")
    failures: tuple[Failure, ...] = Field(description="Plugins that failed to load.")


class SchemaLink(Model):
    """A document's JSON Schema, or a view's."""

    name: str = Field(
        description="Document name, e.g. 'support-case', or a view's, e.g. "
        "'decision.class_teacher'."
    )
    href: str = Field(description="Where to get its schema.")


class SchemaList(Model):
    """The documents and the views with a JSON Schema."""

    schemas: tuple[SchemaLink, ...] = Field(
        description="One per document, by name, then one per view."
    )


class Health(Model):
    """The service is up and its policies are loaded."""

    status: Literal["ok"] = Field(description="Always 'ok' when the service answers.")
    policies: int = Field(ge=0, description="Policies loaded.")
    failures: int = Field(ge=0, description="Plugins that failed to load (see /v1/policies).")


class PluginVersion(Model):
    """A loaded policy's distribution and version."""

    name: str = Field(description="Policy name.")
    distribution: str = Field(description="Python distribution.")
    version: str = Field(description="Version.")


class VersionInfo(Model):
    """What is running."""

    atbalsts: str = Field(description="atbalsts version.")
    api: str = Field(description="Version of this HTTP API (the OpenAPI document's).")
    schema_version: str = Field(description="Version of the document contract.")
    plugins: tuple[PluginVersion, ...] = Field(description="Loaded policies.")


class BatchInvalid(Model):
    """A batch line that is not a valid support case."""

    line: int = Field(ge=1, description="Line number in the input (1-based, blank lines count).")
    invalid: tuple[BatchFieldProblem, ...] = Field(description="Every failing field.")


class BatchError(Model):
    """A batch line that could not be decided, or was refused."""

    line: int = Field(ge=1, description="Line number in the input (1-based, blank lines count).")
    type: str = Field(
        description="What happened: 'Forbidden' (outside the key's scope), 'BatchTooLong' (the "
        "batch went over its limit of bytes or of lines that are not blank: this line and "
        "later ones were not read), 'LineTooLong' (the line is over the limit of one line, "
        "1 MiB by default: it was skipped unread, and the lines after it are read), or the "
        "library's exception name."
    )
    error: str = Field(description="The message (never the case's values).")
