"""atbalsts: early-school-leaving risk, individual support plans and referrals for Latvian schools.

The hosts' front door: the documents, the policy registry, explanations, errors and JSON Schemas::

    from atbalsts import PolicyRegistry, explain, parse_json

    registry = PolicyRegistry.load()
    decision = registry.evaluate(parse_json(text), as_of=date(2025, 3, 3))
    print(explain(decision, lang="lv"))

Plugin authors import from :mod:`atbalsts.policy`; code lists live in :mod:`atbalsts.codes`, test
helpers in :mod:`atbalsts.testing`, the engine's machinery in :mod:`atbalsts.engine`.
"""

from __future__ import annotations

from atbalsts._explain import LANGUAGES, explain
from atbalsts._markers import hookimpl
from atbalsts._markers import publish as _publish
from atbalsts.engine import PolicyRegistry, PolicySet
from atbalsts.errors import (
    AtbalstsError,
    DocumentError,
    FieldError,
    LifecycleError,
    ParameterCoverageError,
    PolicyConflict,
    PolicyError,
    Refusal,
    UnknownNameError,
    Violation,
)
from atbalsts.model import (
    SCHEMA_VERSION,
    AbsenceEpisode,
    Achievement,
    Application,
    Approval,
    ApprovalStep,
    Attendance,
    BasisKind,
    BehaviourIncident,
    Classification,
    Consent,
    Decision,
    DecisionFinding,
    DecisionKind,
    DecisionNote,
    Enrolment,
    Evidence,
    Failure,
    FailureCause,
    FundedSupport,
    FundingSource,
    Goal,
    GoalStatus,
    Learner,
    LegalBasis,
    LivingSituation,
    MeasureAssignment,
    MeasureReason,
    MeasureVerdict,
    Note,
    NoteCode,
    ObligationDue,
    ObligationSource,
    Period,
    PlanIssue,
    PlanStatus,
    PluginStamp,
    PolicyStamp,
    ProgrammeKind,
    Referral,
    ReferralDue,
    ReferralParty,
    ReferralSource,
    ReplacedValue,
    Review,
    RiskAssessment,
    RiskFinding,
    RiskGroup,
    RuleSource,
    StaffObservation,
    SubjectMark,
    SupportCase,
    SupportPlan,
    SuspectedThreat,
    TaskStatus,
    Term,
    TermObservation,
    ThreatKind,
    TraceParameter,
    TraceRow,
    Urgency,
    age_on,
    parse_json,
    parse_python,
)
from atbalsts.schema import DOCUMENTS, json_schema

__all__ = [
    "DOCUMENTS",
    "LANGUAGES",
    "SCHEMA_VERSION",
    "AbsenceEpisode",
    "Achievement",
    "Application",
    "Approval",
    "ApprovalStep",
    "AtbalstsError",
    "Attendance",
    "BasisKind",
    "BehaviourIncident",
    "Classification",
    "Consent",
    "Decision",
    "DecisionFinding",
    "DecisionKind",
    "DecisionNote",
    "DocumentError",
    "Enrolment",
    "Evidence",
    "Failure",
    "FailureCause",
    "FieldError",
    "FundedSupport",
    "FundingSource",
    "Goal",
    "GoalStatus",
    "Learner",
    "LegalBasis",
    "LifecycleError",
    "LivingSituation",
    "MeasureAssignment",
    "MeasureReason",
    "MeasureVerdict",
    "Note",
    "NoteCode",
    "ObligationDue",
    "ObligationSource",
    "ParameterCoverageError",
    "Period",
    "PlanIssue",
    "PlanStatus",
    "PluginStamp",
    "PolicyConflict",
    "PolicyError",
    "PolicyRegistry",
    "PolicySet",
    "PolicyStamp",
    "ProgrammeKind",
    "Referral",
    "ReferralDue",
    "ReferralParty",
    "ReferralSource",
    "Refusal",
    "ReplacedValue",
    "Review",
    "RiskAssessment",
    "RiskFinding",
    "RiskGroup",
    "RuleSource",
    "StaffObservation",
    "SubjectMark",
    "SupportCase",
    "SupportPlan",
    "SuspectedThreat",
    "TaskStatus",
    "Term",
    "TermObservation",
    "ThreatKind",
    "TraceParameter",
    "TraceRow",
    "UnknownNameError",
    "Urgency",
    "Violation",
    "__version__",
    "age_on",
    "explain",
    "hookimpl",
    "json_schema",
    "parse_json",
    "parse_python",
]

_publish(__name__, globals(), ["LANGUAGES", "PolicyRegistry", "PolicySet", "explain"])


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("atbalsts")
    raise AttributeError(f"module 'atbalsts' has no attribute {name!r}")
