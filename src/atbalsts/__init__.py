"""atbalsts: early-school-leaving risk, individual support plans and referrals for Latvian schools.

The hosts' front door: the documents, the policy registry, explanations, errors and JSON Schemas::

    from atbalsts import PolicyRegistry, explain, parse_json

    registry = PolicyRegistry.load()
    decision = registry.evaluate(parse_json(text), as_of=date(2025, 3, 3))
    print(explain(decision, lang="lv"))

Plugin authors import from :mod:`atbalsts.policy`; code lists live in :mod:`atbalsts.codes`, test
helpers in :mod:`atbalsts.testing`, the engine's machinery in :mod:`atbalsts.engine`.

Each name is imported from where it is defined the first time it is used, so ``import atbalsts``
costs next to nothing and a plugin's ``from atbalsts import hookimpl`` loads neither the documents
nor the engine.
"""

from __future__ import annotations

import typing as _typing
from importlib import import_module as _import_module

if _typing.TYPE_CHECKING:  # the names, for type checkers and IDEs; at run time, see __getattr__
    __version__: str

    from atbalsts._explain import LANGUAGES, explain
    from atbalsts._markers import hookimpl
    from atbalsts.engine import PolicyRegistry, PolicySet
    from atbalsts.errors import (
        AtbalstsError,
        ChainError,
        DocumentError,
        FieldError,
        FileError,
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
        Deadline,
        Decision,
        DecisionFinding,
        DecisionKind,
        DecisionNote,
        DutyAnswer,
        DutyState,
        Enrolment,
        Evidence,
        Failure,
        FailureCause,
        FollowUp,
        FollowUpKind,
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
        TriggerSource,
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
    "ChainError",
    "Classification",
    "Consent",
    "Deadline",
    "Decision",
    "DecisionFinding",
    "DecisionKind",
    "DecisionNote",
    "DocumentError",
    "DutyAnswer",
    "DutyState",
    "Enrolment",
    "Evidence",
    "Failure",
    "FailureCause",
    "FieldError",
    "FileError",
    "FollowUp",
    "FollowUpKind",
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
    "TriggerSource",
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

#: Where each name of ``__all__`` lives: imported the first time it is used, then kept.
_SOURCES: dict[str, tuple[str, ...]] = {
    "atbalsts._explain": (
        "LANGUAGES",
        "explain",
    ),
    "atbalsts._markers": ("hookimpl",),
    "atbalsts.engine": (
        "PolicyRegistry",
        "PolicySet",
    ),
    "atbalsts.errors": (
        "AtbalstsError",
        "ChainError",
        "DocumentError",
        "FieldError",
        "FileError",
        "LifecycleError",
        "ParameterCoverageError",
        "PolicyConflict",
        "PolicyError",
        "Refusal",
        "UnknownNameError",
        "Violation",
    ),
    "atbalsts.model": (
        "SCHEMA_VERSION",
        "AbsenceEpisode",
        "Achievement",
        "Application",
        "Approval",
        "ApprovalStep",
        "Attendance",
        "BasisKind",
        "BehaviourIncident",
        "Classification",
        "Consent",
        "Deadline",
        "Decision",
        "DecisionFinding",
        "DecisionKind",
        "DecisionNote",
        "DutyAnswer",
        "DutyState",
        "Enrolment",
        "Evidence",
        "Failure",
        "FailureCause",
        "FollowUp",
        "FollowUpKind",
        "FundedSupport",
        "FundingSource",
        "Goal",
        "GoalStatus",
        "Learner",
        "LegalBasis",
        "LivingSituation",
        "MeasureAssignment",
        "MeasureReason",
        "MeasureVerdict",
        "Note",
        "NoteCode",
        "ObligationDue",
        "ObligationSource",
        "Period",
        "PlanIssue",
        "PlanStatus",
        "PluginStamp",
        "PolicyStamp",
        "ProgrammeKind",
        "Referral",
        "ReferralDue",
        "ReferralParty",
        "ReferralSource",
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
        "TriggerSource",
        "Urgency",
        "age_on",
        "parse_json",
        "parse_python",
    ),
    "atbalsts.schema": (
        "DOCUMENTS",
        "json_schema",
    ),
}

_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

#: Defined in a private module, these report ``atbalsts`` as their module (reprs, docs).
_PUBLISHED = frozenset({"LANGUAGES", "PolicyRegistry", "PolicySet", "explain"})


def __getattr__(name: str) -> object:
    """A name of ``__all__``, imported from where it is defined on first use and then bound here,
    so that ``import atbalsts`` (and a plugin's ``from atbalsts import hookimpl``) costs only what
    is used."""
    module = _MODULE_OF.get(name)
    if module is None:
        if name == "__version__":
            from importlib.metadata import version

            return version("atbalsts")
        raise AttributeError(f"module 'atbalsts' has no attribute {name!r}")
    value: object = getattr(_import_module(module), name)
    if name in _PUBLISHED:
        from atbalsts._markers import publish

        publish(__name__, {name: value}, [name])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
