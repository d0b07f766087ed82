"""The Decision: what the policy set says about one case on one date, with its trace and stamp."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field

from atbalsts.model._base import (
    ID_MAX,
    Classification,
    Document,
    Identifier,
    InstitutionCode,
    IsoDate,
    MeasureCode,
    Model,
    Name,
    OneOf,
    RoleCode,
    classified,
    items,
    lax_enum,
)
from atbalsts.model.referral import Urgency
from atbalsts.model.risk import Evidence, LegalBasis, RiskFinding

__all__ = [
    "Deadline",
    "Decision",
    "DecisionFinding",
    "DecisionKind",
    "DecisionNote",
    "DutyAnswer",
    "DutyState",
    "Failure",
    "FailureCause",
    "FollowUp",
    "FollowUpKind",
    "MeasureReason",
    "MeasureVerdict",
    "NoteCode",
    "ObligationDue",
    "ObligationSource",
    "PlanIssue",
    "PluginStamp",
    "PolicyStamp",
    "ReferralDue",
    "ReferralSource",
    "ReplacedValue",
    "RuleSource",
    "TraceParameter",
    "TraceRow",
    "TriggerSource",
]

Value = Annotated[bool | int | float | str | None, OneOf("a boolean, a number, a string or null")]

#: How a deadline is set: the same school day, the same day, a number of school days or of
#: calendar days after the trigger (counted on the school calendar), or a date the rule gives.
#: ``days`` is the older name of ``calendar_days``, kept for decisions made before it.
Deadline = Literal["same_school_day", "same_day", "school_days", "calendar_days", "days", "date"]

#: Where the day a duty arose comes from: ``day_records`` (the day a limit was passed, from the
#: attendance day records), ``observation`` (the first observation of the term that shows it, or
#: the observation date: systems that keep term totals only), ``absence`` (the day of the
#: absence), ``threat`` (the day the suspicion arose), ``rule`` (a date the rule gave), or
#: ``evaluation_date`` (no observation is dated on or before the evaluation date).
TriggerSource = Literal[
    "day_records", "observation", "absence", "threat", "rule", "evaluation_date"
]

#: A duty's state on the evaluation date: not yet due, due that day, past its due date and not
#: done, or done (by its due date, or after it).
DutyState = Literal["open", "due_today", "overdue", "done_on_time", "done_late"]

#: Work overdue beyond the obligations: a referral with no answer by its due date, a support
#: plan not reviewed at the end of its term, a plan waiting for an approval longer than the
#: parameter allows.
FollowUpKind = Literal["referral_unanswered", "plan_review_overdue", "approval_waiting"]

#: Most items in a list of a decision: generous, as the engine writes them (one per rule at most).
_DECISION_ITEMS = 10_000


def _many() -> dict[str, Any]:
    return items(_DECISION_ITEMS)


def _detail(description: str) -> Any:
    return classified(
        Classification.SENSITIVE,
        f"{description} They may repeat facts about the learner.",
        default_factory=dict,
        max_length=50,
    )


class DecisionKind(StrEnum):
    """The kinds of decision a rule can make, each with one hit policy (DMN vocabulary)."""

    RISK_FINDING = "risk_finding"
    """COLLECT: every finding is kept."""
    OBLIGATION = "obligation"
    """COLLECT, one per action and recipient, the strictest (earliest) deadline kept."""
    MEASURE_ELIGIBILITY = "measure_eligibility"
    """Deny wins, and every reason (allow and deny) is kept."""
    REFERRAL = "referral"
    """COLLECT, one per recipient, the most urgent kept."""
    PLAN_CHECK = "plan_check"
    """COLLECT: every issue is kept."""
    REVIEW_SCHEDULE = "review_schedule"
    """PRIORITY: the earliest review date wins."""
    RISK_TIER = "risk_tier"
    """PRIORITY: the highest tier wins."""


class PluginStamp(Model):
    """A plugin that took part, by distribution and version."""

    name: Name = Field(description="Plugin (policy) name, also its rule namespace.")
    distribution: Name = Field(description="The Python distribution that ships it.")
    version: Name = Field(description="The distribution's version.")


class PolicyStamp(Model):
    """What decided: enough to reproduce the decision byte for byte."""

    engine_version: Name = Field(description="atbalsts version.")
    municipality: str | None = Field(
        max_length=ID_MAX, description="The municipality whose policy applied."
    )
    plugins: tuple[PluginStamp, ...] = Field(
        description="Plugins in the policy set, by name.", **_many()
    )
    content_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hexadecimal) of the rules and parameter values in force.",
    )
    as_of: IsoDate = Field(description="The evaluation date.")


class ReplacedValue(Model):
    """The value a parameter's own declaration gives on the evaluation date, where another
    plugin's value is in force instead (for example the national 20 lessons that a municipal 12
    tightens)."""

    value: Value = Field(description="The value the declaring plugin gives on the date.")
    plugin: Name = Field(description="The plugin that declares the parameter (usually 'lv').")
    reference: LegalBasis = Field(description="Legal reference of that value.")


class TraceParameter(Model):
    """A parameter a rule read, with its value in force and where that value comes from."""

    id: Name = Field(description="Parameter id.")
    value: Value = Field(description="Value in force on the evaluation date.")
    valid_from: IsoDate = Field(description="Since when this value applies.")
    plugin: Name = Field(description="The plugin that set this value.")
    reference: LegalBasis = Field(description="Legal reference of this value.")
    replaces: ReplacedValue | None = Field(
        default=None,
        description="When this value is another plugin's than the parameter's own declaration "
        "(a municipal value of a national parameter): the declaration's own value on the date, "
        "which this one replaces.",
    )


class RuleSource(Model):
    """A rule behind an outcome of the decision: its plugin, its legal basis, the parameter values
    it declared and the values it computed. An outcome that several rules produced lists each."""

    rule: Name = Field(description="The rule.")
    plugin: Name = Field(description="The plugin that declared it.")
    mandatory: bool = Field(default=False, description="True for a mandatory national rule.")
    legal_basis: LegalBasis = Field(description="The rule's legal basis.")
    parameters: tuple[TraceParameter, ...] = Field(
        default=(),
        description="The parameters the rule declared, with the values it used.",
        **items(50),
    )
    detail: dict[Name, Value] = _detail("Values the rule computed and returned with its outcome.")


class ObligationSource(RuleSource):
    """A rule that imposed an obligation, with the trigger and deadline it set."""

    due: IsoDate = Field(description="The due date this rule set.")
    deadline: Deadline = Field(description="How this rule set the deadline.")
    trigger: IsoDate = Field(description="The day the duty arose by this rule.")
    trigger_source: TriggerSource = Field(
        description="Where that day comes from (day records, the observation, the absence, the "
        "suspicion, the rule, or the evaluation date)."
    )
    deadline_basis: LegalBasis | None = Field(
        default=None,
        description="Where this rule's number of days comes from, when a parameter sets it.",
    )


class ReferralSource(RuleSource):
    """A rule that made a referral due, with its reason, urgency and due date."""

    reason: Name = classified(
        Classification.SENSITIVE, "Reason code (it may reveal a suspected threat)."
    )
    urgency: Urgency = Field(description="The urgency this rule gave.", **lax_enum)
    due: IsoDate | None = Field(default=None, description="When it is due, if the rule says.")
    suggestion: bool = Field(
        default=False,
        description="True when this rule only suggests the referral: no duty of the school "
        "rests on it.",
    )


class DutyAnswer(Model):
    """What answered a duty: an action recorded in the case, or a referral made to a recipient."""

    kind: Literal["action", "referral"] = Field(description="An action or a referral.")
    id: Identifier = Field(description="Its id in the case.")
    on: IsoDate = Field(description="The day it was done (a referral: sent, else made).")


class ObligationDue(Model):
    """Something that must happen: what, by whom, to whom, by when; when it arose, and whether it
    is done.

    A duty is anchored to what triggered it: ``trigger`` is the day it arose, and ``due`` is
    counted from that day on the school calendar, so evaluating the case on a later date gives
    the same due date and the same ``key``. ``state`` says where the duty stands on the
    evaluation date.
    """

    key: Name = Field(
        description="Stable key of the duty: its first rule, its trigger and a digest of its "
        "action and recipients, 'rule@YYYY-MM-DD#1a2b3c4d'. Evaluating the case again on another "
        "date gives the same key, so an action can name the duty it answers."
    )

    action: Name = Field(description="Action code, e.g. 'inform_municipal_education_board'.")
    responsible_roles: tuple[RoleCode, ...] = Field(
        description="Who may carry it out.", **items(50)
    )
    recipients: tuple[InstitutionCode | RoleCode, ...] = Field(
        default=(), description="Who is informed or receives the report.", **items(50)
    )
    any_recipient: bool = Field(
        default=False,
        description="True when informing any one of the recipients fulfils the obligation.",
    )
    due: IsoDate = Field(description="Latest date (the strictest of all rules that imposed it).")
    deadline: Deadline = Field(description="How the deadline was set.")
    days: int | None = Field(
        default=None,
        ge=0,
        description="The number of school or calendar days of the deadline, where it counts days.",
    )
    trigger: IsoDate = Field(description="The day the duty arose (that of the strictest rule).")
    trigger_source: TriggerSource = Field(
        description="Where that day comes from: day_records (the day a limit was passed), "
        "observation (the first observation of the term that shows it: term totals only), "
        "absence, threat, rule or evaluation_date."
    )
    state: DutyState = Field(
        description="On the evaluation date: open, due_today, overdue, done_on_time, done_late."
    )
    school_days_late: int | None = Field(
        default=None,
        ge=0,
        description="Overdue: school days after the due date up to the evaluation date. Done "
        "late: school days after the due date up to the day it was done. Else empty.",
    )
    done_on: IsoDate | None = Field(
        default=None,
        description="The day it was done, if it is done: of the first answer, or when every "
        "recipient must be told (any_recipient false), of the answer that reached the last.",
    )
    answered_by: tuple[DutyAnswer, ...] = Field(
        default=(),
        description="The actions and referrals that answer it, by day, dated on or before the "
        "evaluation date.",
        **_many(),
    )
    rules: tuple[Name, ...] = Field(
        description="Every rule that imposed it, as in sources: the strictest first; among "
        "equally strict ones the mandatory national rules, then the other national rules.",
        **_many(),
    )
    legal_basis: LegalBasis = Field(
        description="The basis of the duty: that of a mandatory national rule that imposed it, "
        "else that of the first rule (the strictest)."
    )
    deadline_basis: LegalBasis | None = Field(
        default=None,
        description="Where the number of days of the due date comes from, when a parameter sets "
        "it (it may be a methodological default even when the duty itself is law).",
    )
    sources: tuple[ObligationSource, ...] = Field(
        default=(),
        description="Every rule that imposed it, in the order of rules, each with its legal "
        "basis, its deadline and the parameter values it used.",
        **_many(),
    )


class FollowUp(Model):
    """Work overdue beyond the obligations: a referral the recipient has not answered by its due
    date, a support plan not reviewed at the end of its term, a plan that has waited for its next
    approval longer than the parameter allows. Listed only once overdue."""

    kind: FollowUpKind = Field(description="What is overdue.")
    key: Name = Field(description="Stable key: 'kind:subject@due'.")
    subject: Identifier = Field(description="The referral's or the plan's id.")
    responsible_roles: tuple[RoleCode, ...] = Field(description="Who follows it up.", **items(50))
    since: IsoDate = Field(
        description="Since when: the referral sent (or made), the plan's last day, the plan "
        "submitted or last approved."
    )
    due: IsoDate = Field(description="The day it was due.")
    school_days_late: int = Field(
        ge=0, description="School days after the due date up to the evaluation date."
    )
    detail: dict[Name, Value] = _detail("Values for the text (the recipient, the next step).")
    rule: Name | None = Field(default=None, description="The rule it follows from, if one.")
    legal_basis: LegalBasis = Field(description="Its basis (or the label of a default).")
    parameters: tuple[TraceParameter, ...] = Field(
        default=(), description="The parameters it used, with their values.", **items(50)
    )


class MeasureReason(Model):
    """One rule's verdict on one measure."""

    rule: Name = Field(description="The rule.")
    eligible: bool = Field(description="Its verdict.")
    reason: Name = Field(description="Reason code (a code of the reasons list).")
    detail: dict[Name, Value] = _detail("Values for the text.")
    legal_basis: LegalBasis = Field(description="The rule's legal basis.")
    plugin: Name | None = Field(default=None, description="The plugin that declared the rule.")
    parameters: tuple[TraceParameter, ...] = Field(
        default=(),
        description="The parameters the rule declared, with the values it used.",
        **items(50),
    )


class MeasureVerdict(Model):
    """A measure's eligibility: denied if any rule denies (deny wins); every reason kept."""

    measure: MeasureCode = Field(description="The measure.")
    eligible: bool = Field(description="False if any rule denied it.")
    reasons: tuple[MeasureReason, ...] = Field(
        description="Every rule's verdict, denials first.", **_many()
    )


class ReferralDue(Model):
    """A referral the rules say is due, or only suggest (``suggestion``), with the case's
    referrals to the same recipient that are still open (``open_referrals``)."""

    to: InstitutionCode = Field(description="Recipient institution.")
    reason: Name = classified(
        Classification.SENSITIVE, "Reason code (it may reveal a suspected threat)."
    )
    urgency: Urgency = Field(
        description="The most urgent of the rules that made it due (of those that suggest it, "
        "when none makes it due).",
        **lax_enum,
    )
    due: IsoDate | None = Field(
        default=None,
        description="When it is due, if a rule says: the earliest date a rule that makes it due "
        "gives (of the rules that suggest it, when none makes it due).",
    )
    suggestion: bool = Field(
        default=False,
        description="True when every rule behind it only suggests it: no rule makes the "
        "referral a duty of the school (the step is another's: once informed, the municipality "
        "involves the social service; or a rule's basis only allows it). Shown as a suggestion, "
        "not as a referral due.",
    )
    open_referrals: tuple[Identifier, ...] = Field(
        default=(),
        description="The case's referrals to this recipient made by the evaluation date and "
        "not answered on it (sent, and neither completed nor rejected; no outcome recorded "
        "by then), in the case's order: the recipient already has the case, which a new "
        "referral may not need.",
        **_many(),
    )
    rules: tuple[Name, ...] = Field(
        description="Every rule that made it due, as in sources: those that make it due before "
        "those that only suggest it, then the most urgent first; among equally urgent ones the "
        "mandatory national rules, then the other national rules.",
        **_many(),
    )
    legal_basis: LegalBasis = Field(description="Legal basis of the first of those rules.")
    sources: tuple[ReferralSource, ...] = Field(
        default=(),
        description="Every rule that made it due, in the order of rules, each with its reason, "
        "urgency, legal basis and the parameter values it used.",
        **_many(),
    )


class PlanIssue(Model):
    """A problem with a proposed or active support plan."""

    plan_id: Identifier = Field(description="The plan.")
    reason: Name = Field(description="Reason code.")
    path: Name | None = Field(default=None, description="Field path in the plan, if one.")
    detail: dict[Name, Value] = _detail("Values for the text.")
    rule: Name = Field(description="The rule that found it.")
    legal_basis: LegalBasis = Field(description="Its legal basis.")
    plugin: Name | None = Field(default=None, description="The plugin that declared the rule.")
    parameters: tuple[TraceParameter, ...] = Field(
        default=(),
        description="The parameters the rule declared, with the values it used.",
        **items(50),
    )


class TraceRow(Model):
    """One rule considered: whether it fired, on what facts and parameters, on what basis."""

    rule: Name = Field(description="Rule id.")
    plugin: Name = Field(description="Plugin that declared it.")
    kind: DecisionKind = Field(description="Decision kind.", **lax_enum)
    fired: bool = Field(description="Whether it produced an outcome.")
    facts: tuple[Evidence, ...] = Field(description="Facts it reads, with their values.", **_many())
    parameters: tuple[TraceParameter, ...] = Field(description="Parameters it reads.", **_many())
    legal_basis: LegalBasis = Field(description="Its legal basis.")
    overrides: Name | None = Field(default=None, description="The national rule it replaces.")
    measures: tuple[MeasureCode, ...] | None = Field(
        default=None,
        description="For a measure-eligibility rule, the measures it declares it may give a "
        "verdict on; null: any measure (not declared), or a rule of another kind.",
        **items(100),
    )
    error: str | None = Field(
        default=None,
        description="The failure, if it failed (written by the engine; not length-limited).",
    )


#: Why a rule or plugin failed, for a program to act on (the error text is for people).
FailureCause = Literal[
    "exception",
    "wrong_type",
    "malformed",
    "unknown_code",
    "too_many",
    "facts_changed",
    "not_covered",
    "undeclared_measure",
]


class Failure(Model):
    """A plugin or rule that failed; its part of the decision is missing."""

    plugin: Name = Field(description="The plugin.")
    rule: Name | None = Field(default=None, description="The rule, if one.")
    stage: Literal["import", "register", "evaluate", "result"] = Field(
        description="import, register (the hook raised), evaluate (the rule raised), result "
        "(the rule returned the wrong type)."
    )
    error: str = Field(
        description="Exception type and message (written by the engine; not length-limited)."
    )
    cause: FailureCause = Field(
        default="exception",
        description="Why, as a code: exception (it raised), wrong_type (a rule returned "
        "something other than its kind's outcome), malformed (an outcome field of the wrong "
        "type or out of range), unknown_code (an outcome named a code no code list knows), "
        "too_many (a rule returned too many outcomes), facts_changed (a rule wrote to the facts "
        "others read), not_covered (the national baseline does not cover the date), "
        "undeclared_measure (a rule gave a verdict on a measure it does not declare).",
    )


class NoteCode(StrEnum):
    """What a decision's notes can say: facts about how it was reached that change how far it can
    be relied on, although nothing failed."""

    NO_MUNICIPAL_POLICY = "no_municipal_policy"
    """No policy plugin governs the municipality asked for: the national baseline decided alone
    (a misspelt municipality looks the same; ``detail.closest`` names a known one that is near)."""
    NO_OBSERVATION_ON_DATE = "no_observation_on_date"
    """No observation is dated on or before the evaluation date: no absences, marks or incidents
    were known, so "no findings" means "no data" (``detail.first_observation`` says when the
    first one is dated, if there is one)."""
    OBSERVATION_OF_EARLIER_TERM = "observation_of_earlier_term"
    """The case has observations, but none of the evaluation date's term (``detail.school_year``,
    ``detail.semester``) is dated on or before the evaluation date: the marks and the
    staff-observed factors read are those of the latest observation, of an earlier term, and
    this term's absences and incidents are not known (counted as none). Send an observation
    of the term to decide on the term's own data."""
    MEASURE_NOT_DECIDED = "measure_not_decided"
    """A measure was asked for but no rule gave a verdict on it (``detail.measure``)."""
    TERM_BY_CONVENTION = "term_by_convention"
    """The shipped school calendar has no data for the evaluation date's school year: its term
    runs by the library's convention (semester 1 from 1 September to 31 December, semester 2
    from 1 January to 31 August), and every working day counts as a school day
    (``detail.school_year``)."""
    DUTIES_CARRIED = "duties_carried"
    """Duties of the term before (``detail.school_year``, ``detail.semester``), as raised on its
    last day (31 December or 31 August) under the policy then in force (``detail.policy``: its
    plugins and versions), that nothing has answered since, due or overdue then: they are listed
    with the evaluation date's, each with the day it arose, its due date and its rules, as that
    term's policy gave them, and its state on the evaluation date. The trace is the evaluation
    date's: a carried duty's rule may show there as not fired."""


class DecisionNote(Model):
    """Something the reader of a decision must know about how it was reached."""

    code: NoteCode = Field(description="What the note says, as a code.", **lax_enum)
    # Not classified, unlike the other details: a note's values say how the decision was reached
    # (a school year, a term, the policy or municipality, a measure asked for, a day of the
    # case's data), never a fact about the learner, so a role that sees the note sees them; which
    # roles see a note at all, privacy decides by its code (a measure's note, as its verdict).
    detail: dict[Name, Value] = Field(
        default_factory=dict,
        max_length=50,
        description="Values for the text: how the decision was reached, never a fact about the "
        "learner.",
    )


class DecisionFinding(RiskFinding):
    """A risk factor found present: one per factor, whichever and however many rules found it.

    ``rule`` and ``legal_basis`` are those of the first source (a mandatory national rule first,
    then the other national rules, then the rest by id); ``rules`` and ``sources`` list every rule
    that found it, and ``evidence`` holds the facts each named and the values each computed, each
    once, so that counting findings counts factors.
    """

    evidence: tuple[Evidence, ...] = Field(
        default=(),
        description="The facts the rules named, with their values, then the values they "
        "computed, each once.",
        **_many(),
    )
    rules: tuple[Name, ...] = Field(default=(), description="Every rule that found it.", **_many())
    sources: tuple[RuleSource, ...] = Field(
        default=(),
        description="Every rule that found it, in the order of rules, with its legal basis, the "
        "parameter values it used and the values it computed.",
        **_many(),
    )


class Decision(Document):
    """The decision for one case on one date."""

    learner_id: Identifier = Field(description="The learner's pseudonymous id.")
    as_of: IsoDate = Field(description="The evaluation date.")
    policy: PolicyStamp = Field(description="The stamp of the policy set that decided.")
    complete: bool = Field(description="False when a plugin or rule failed; see failures.")
    failures: tuple[Failure, ...] = Field(default=(), description="What failed.", **_many())
    notes: tuple[DecisionNote, ...] = Field(
        default=(),
        description="What the reader must know about how the decision was reached (no municipal "
        "policy, no observation on the date, ...), by code.",
        **_many(),
    )
    findings: tuple[DecisionFinding, ...] = Field(
        default=(), description="Risk findings, one per factor.", **_many()
    )
    tier: int | None = classified(
        Classification.SENSITIVE,
        "Risk tier 1-3, where a policy defines one.",
        default=None,
        ge=1,
        le=3,
    )
    obligations: tuple[ObligationDue, ...] = Field(
        default=(), description="What must happen.", **_many()
    )
    measures: tuple[MeasureVerdict, ...] = Field(
        default=(),
        description="Verdicts on the measures asked for: those of the support plan in force and "
        "those the caller listed.",
        **_many(),
    )
    suggestions: tuple[MeasureVerdict, ...] = Field(
        default=(),
        description="Measures nobody asked for that the rules find the learner eligible for: "
        "suggestions, not verdicts.",
        **_many(),
    )
    referrals: tuple[ReferralDue, ...] = Field(default=(), description="Referrals due.", **_many())
    plan_issues: tuple[PlanIssue, ...] = Field(default=(), description="Plan problems.", **_many())
    follow_ups: tuple[FollowUp, ...] = Field(
        default=(),
        description="Work overdue beyond the obligations: unanswered referrals, plan reviews and "
        "approvals.",
        **_many(),
    )
    review_due: IsoDate | None = Field(default=None, description="Earliest plan review date.")
    trace: tuple[TraceRow, ...] = Field(default=(), description="Every rule considered.", **_many())
