"""Which category of data each field of a case and a decision holds.

A field is shown to a role only when the role may see its category at the level its
classification needs (``x-classification``: none, ``personal``, or ``sensitive``/``protected``).
The category comes from the field, from its class, or, for an item whose meaning depends on its
value (a health note, a risk factor, a trace row), from the item. An outcome of rules (a measure's
reason, its verdict, a plan issue) also takes the categories of the facts its rules read
(:class:`ByRule`), as the decision's trace names them (:class:`Reads`); a verdict, those of every
rule that may decide its measure, fired or not; a rule's failure, those of the rule that failed.
A field that nothing here classifies is shown to no one: default deny.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from typing import Any

import attrs
from pydantic import BaseModel

from atbalsts.codes import RISK_FACTORS
from atbalsts.model import DataCategory, DecisionKind, LegalDuty, ReferralPurpose, TraceRow
from atbalsts.policy import Rule, baseline

__all__ = [
    "CARER_RECIPIENTS",
    "CLASSES",
    "FACT_CATEGORIES",
    "FACT_LEVELS",
    "FIELDS",
    "INHERIT",
    "LIST_NEEDS",
    "META",
    "PUBLIC",
    "UNTRACED",
    "ByRule",
    "Dynamic",
    "Level",
    "Needs",
    "Reads",
    "factor_category",
    "need",
]

C = DataCategory
_VERDICT_KIND = DecisionKind.MEASURE_ELIGIBILITY


class Level(IntEnum):
    """How much of a category a role sees."""

    NONE = 0
    """Nothing."""
    BASIC = 1
    """Fields without a classification (dates, codes, counts)."""
    PERSONAL = 2
    """And ``personal`` fields (date of birth, personal code)."""
    FULL = 3
    """And ``sensitive`` and ``protected`` fields (notes, health, family, free text)."""


#: A field or class whose values are about no one: shown wherever its container is.
PUBLIC = "public"
#: A class about the decision itself (its stamp), shown to every role.
META = "meta"
#: A class that takes the category of the item or class that holds it.
INHERIT = "inherit"


@attrs.frozen
class Dynamic:
    """An item whose category depends on its values: ``pick`` returns the categories the role
    must see (all of them, at ``level`` at least), or None when nothing here classifies the item;
    ``possible`` lists every category ``pick`` may return (for the published schemas), with
    ``PUBLIC`` when it may return none."""

    pick: Callable[[Any], frozenset[DataCategory] | None]
    possible: frozenset[DataCategory | str]
    level: Level = Level.BASIC


def need(schema_extra: object) -> Level:
    """The level a field's classification needs."""
    marked = schema_extra.get("x-classification") if isinstance(schema_extra, dict) else None
    if marked is None:
        return Level.BASIC
    return Level.PERSONAL if marked == "personal" else Level.FULL


_GROUPS = {
    "learning_and_school": C.RISK,
    "economic": C.FAMILY,
    "family": C.FAMILY,
    "social_environment_and_health": C.HEALTH,
}


def factor_category(code: str) -> DataCategory | None:
    """The category of a national risk factor, by its group (a local factor: None, not shown)."""
    if code not in RISK_FACTORS:
        return None
    group = RISK_FACTORS[code].group
    return _GROUPS.get(group or "")


#: The category of each fact a rule reads, for the evidence and trace of a decision. Facts that
#: list risk factors or groups may name health factors, so they count as health data.
FACT_CATEGORIES: dict[str, DataCategory | str] = {
    "as_of": PUBLIC,
    "has_observation": PUBLIC,
    "observed_on": PUBLIC,
    "learner_id": C.IDENTITY,
    "birth_date": C.IDENTITY,
    "age": C.IDENTITY,
    "languages": C.IDENTITY,
    "municipality": C.SCHOOLING,
    "programme": C.SCHOOLING,
    "grade": C.SCHOOLING,
    "vocational_course": C.SCHOOLING,
    "repeating_year": C.SCHOOLING,
    "completed_grade9_certificate_only": C.SCHOOLING,
    "state_vocational_school": C.SCHOOLING,
    "failing_subjects": C.SCHOOLING,
    "living_situation": C.FAMILY,
    "out_of_family_care": C.FAMILY,
    "needy_family": C.FAMILY,
    "funded_elsewhere": C.FAMILY,
    "unjustified_lessons": C.ATTENDANCE,
    "unjustified_days": C.ATTENDANCE,
    "lessons_scheduled": C.ATTENDANCE,
    "absence_rate": C.ATTENDANCE,
    "absent_today_reason_unknown": C.ATTENDANCE,
    "parental_notes_used": C.ATTENDANCE,
    "absence_episodes": C.ATTENDANCE,
    "behaviour_incidents": C.BEHAVIOUR,
    "serious_incidents": C.BEHAVIOUR,
    "staff_factors": C.HEALTH,
    "risk_factors": C.HEALTH,
    "risk_groups": C.HEALTH,
    "has_risk": C.RISK,
    "suspected_threat": C.PROTECTION,
    "threat_kinds": C.PROTECTION,
    "threat_observed_on": C.PROTECTION,
    "reported_threat_observed_on": C.PROTECTION,
    "threat_days": C.PROTECTION,
    "plan": C.SUPPORT,
    "plan_measures": C.SUPPORT,
    "plans_without_improvement": C.SUPPORT,
    "mentor_trained": C.SUPPORT,
    "attendance_days": C.ATTENDANCE,
    # Whole observations of the term: they may hold health notes and suspected threats, so the
    # strictest category (only a role that sees health sees it whole).
    "term_observations": C.HEALTH,
    "term_start": PUBLIC,
    "term_end": PUBLIC,
    "term_source": PUBLIC,
}


#: The level a role needs of a fact's category to see what the fact says, as the case shows the
#: field it comes from: ``BASIC`` for a field without a classification (or a count or a flag
#: derived from such fields), ``PERSONAL`` for the date of birth and the age. A fact not listed
#: needs ``FULL``: the family's need, the languages, risk and staff-observed factors (they may be
#: health data), the whole plan (its goals and notes) and whole observations. Used for the
#: outcomes of rules (:class:`ByRule`); a trace row, which shows the values, needs ``FULL``.
FACT_LEVELS: dict[str, Level] = {
    "learner_id": Level.BASIC,
    "birth_date": Level.PERSONAL,
    "age": Level.PERSONAL,
    "municipality": Level.BASIC,
    "programme": Level.BASIC,
    "grade": Level.BASIC,
    "vocational_course": Level.BASIC,
    "repeating_year": Level.BASIC,
    "completed_grade9_certificate_only": Level.BASIC,
    "state_vocational_school": Level.BASIC,
    "failing_subjects": Level.BASIC,
    "living_situation": Level.BASIC,
    "out_of_family_care": Level.BASIC,
    "funded_elsewhere": Level.BASIC,
    "unjustified_lessons": Level.BASIC,
    "unjustified_days": Level.BASIC,
    "lessons_scheduled": Level.BASIC,
    "absence_rate": Level.BASIC,
    "absent_today_reason_unknown": Level.BASIC,
    "parental_notes_used": Level.BASIC,
    "absence_episodes": Level.BASIC,
    "attendance_days": Level.BASIC,
    "behaviour_incidents": Level.BASIC,
    "serious_incidents": Level.BASIC,
    "suspected_threat": Level.BASIC,
    "threat_kinds": Level.BASIC,
    "threat_observed_on": Level.BASIC,
    "reported_threat_observed_on": Level.BASIC,
    "threat_days": Level.BASIC,
    "plan_measures": Level.BASIC,
    "plans_without_improvement": Level.BASIC,
    "mentor_trained": Level.BASIC,
}

#: What a role must see to see an outcome of rules: each category with the least level it needs.
Needs = Mapping[DataCategory, Level]

#: What a rule that the trace does not name may have read: every category a fact may have, in
#: full. No role of the matrix sees identity in full, so no role sees such an outcome.
UNTRACED: Needs = {
    DataCategory(c): Level.FULL for c in sorted(set(FACT_CATEGORIES.values()) - {PUBLIC})
}


#: Facts that list risk factors or groups, and what any of them tells: whether there is a risk
#: at all (what ``has_risk`` says), and each factor's category, of whichever group, in full. Not
#: the categories of the factors a trace row lists: whether an outcome is shown would then tell
#: which factors are there (a verdict missing from a view would say "a health factor"), and an
#: empty list would tell a role that there is no risk.
LIST_NEEDS: Mapping[str, Mapping[DataCategory, Level]] = {
    fact: dict.fromkeys((C.RISK, *sorted(set(_GROUPS.values()))), Level.FULL)
    for fact in ("risk_factors", "risk_groups", "staff_factors")
}


#: What a role must see to see a grade of the risk found (``Decision.tier``): what a list of
#: the risk groups tells (:data:`LIST_NEEDS`).
GRADED_NEEDS: Mapping[DataCategory, Level] = LIST_NEEDS["risk_groups"]


def fact_needs(facts: Iterable[str]) -> Needs | None:
    """What a role must see to see what ``facts`` say: :data:`FACT_CATEGORIES` at
    :data:`FACT_LEVELS`, and for a fact that lists risk factors or groups, :data:`LIST_NEEDS`.
    None when a fact is not classified (default deny)."""
    needs: dict[DataCategory, Level] = {}
    for fact in facts:
        category = FACT_CATEGORIES.get(fact)
        if category is None:
            return None
        if category == PUBLIC:
            continue
        level = FACT_LEVELS.get(fact, Level.FULL)
        for key, least in LIST_NEEDS.get(fact, {DataCategory(category): level}).items():
            needs[key] = max(needs.get(key, Level.NONE), least)
    return needs


@attrs.frozen
class Reads:
    """What each rule behind a decision read, by rule id: what a role must see to see what the
    facts its trace row names say (:data:`FACT_CATEGORIES` at :data:`FACT_LEVELS`, and
    :data:`LIST_NEEDS`; None: a fact nothing classifies). A rule not named, as every rule of a
    decision written without its trace, may have read anything: :data:`UNTRACED`.

    ``deciders`` names, by measure, every measure-eligibility rule of the policy in force that
    declares it may give a verdict on that measure (:attr:`atbalsts.policy.Rule.measures`), and
    ``any_measure`` those that declare none (they may decide any measure): a measure's verdict
    shows what all of them read, whether they fired or not (:meth:`verdict_rules`)."""

    rules: Mapping[str, Needs | None] = attrs.field(factory=dict)
    deciders: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    any_measure: tuple[str, ...] = ()

    @classmethod
    def of(cls, trace: Iterable[TraceRow]) -> Reads:
        """The reads of the rules in ``trace`` (a rule named twice: what both rows read), and
        the measures each measure-eligibility row declares (a row that names none, as one
        written before rules declared them: any measure)."""
        rows = list(trace)
        return cls._of(
            ((row.rule, [e.fact for e in row.facts]) for row in rows),
            ((row.rule, row.measures) for row in rows if row.kind == _VERDICT_KIND),
        )

    @classmethod
    def declared(cls, rules: Iterable[Rule]) -> Reads:
        """What each of ``rules`` declares it reads (:attr:`atbalsts.policy.Rule.reads`): the
        facts its trace row names, so the same as :meth:`of` the trace of any decision they make,
        without making the trace, provided they are the rules that made it (the same policy
        stamp: a later version of a rule may declare other reads). A host deciding with a policy
        set passes the rules it decides by, e.g. ``Reads.declared(r.rule for r in
        policy_set.at(day).rules)`` (a rule id declared twice, as by two versions of a rule: what
        both read, and the measures both declare)."""
        rules = list(rules)
        return cls._of(
            ((rule.id, rule.reads) for rule in rules),
            ((rule.id, rule.measures) for rule in rules if rule.kind == _VERDICT_KIND),
        )

    @classmethod
    def _of(
        cls,
        pairs: Iterable[tuple[str, Iterable[str]]],
        verdict_rules: Iterable[tuple[str, Iterable[str] | None]] = (),
    ) -> Reads:
        rules: dict[str, Needs | None] = {}
        for rule, facts in pairs:
            needs = fact_needs(facts)
            if rule in rules:
                before = rules[rule]
                needs = None if before is None or needs is None else _merge(before, needs)
            rules[rule] = needs
        deciders: dict[str, set[str]] = {}
        any_measure: set[str] = set()
        for rule, measures in verdict_rules:
            if measures is None:
                any_measure.add(rule)
                continue
            for measure in measures:
                deciders.setdefault(measure, set()).add(rule)
        return cls(
            rules,
            {measure: tuple(sorted(ids)) for measure, ids in sorted(deciders.items())},
            tuple(sorted(any_measure)),
        )

    def needs(self, rule: str) -> Needs | None:
        """What a role must see to see what ``rule`` read."""
        return self.rules.get(rule, UNTRACED)

    def verdict_rules(self, measure: str, fired: Iterable[str] = ()) -> tuple[str, ...]:
        """The rules whose reads a verdict on ``measure`` shows: every rule of the policy in
        force that may decide it (``deciders``, ``any_measure``), whether it fired or
        not, and the rules of its reasons (``fired``). Whether a rule fired never changes whether
        the verdict is shown, so its presence or absence never tells what the rule read."""
        found = dict.fromkeys(fired)
        found.update(dict.fromkeys(self.deciders.get(measure, ())))
        found.update(dict.fromkeys(self.any_measure))
        return tuple(found)


def _merge(*all_needs: Needs) -> dict[DataCategory, Level]:
    merged: dict[DataCategory, Level] = {}
    for needs in all_needs:
        for category, level in needs.items():
            merged[category] = max(merged.get(category, Level.NONE), level)
    return merged


@attrs.frozen
class ByRule:
    """An outcome of rules: it shows what they read, so a role sees it only when it may see
    ``base`` and what each of its ``rules`` read (:meth:`Reads.needs`); ``needs`` says what.
    ``base`` None: an item about how the decision was reached (as ``META``) that tells what
    its rules read by being there (a note that no rule decided a measure, a rule's failure); with
    no rules, every role sees it."""

    rules: Callable[[Any, Reads], Iterable[str]]
    base: DataCategory | None = DataCategory.SUPPORT

    def needs(self, item: Any, reads: Reads) -> Needs | None:
        """What a role must see to see ``item``, or None when a rule read a fact nothing
        classifies (no one sees it)."""
        found = [reads.needs(rule) for rule in self.rules(item, reads)]
        if any(needs is None for needs in found):
            return None
        own = {self.base: Level.BASIC} if self.base is not None else {}
        return _merge(own, *(n for n in found if n is not None))


def _one(category: DataCategory | str | None) -> frozenset[DataCategory] | None:
    if category is None:
        return None
    return frozenset() if category == PUBLIC else frozenset({DataCategory(category)})


def _evidence(item: Any) -> frozenset[DataCategory] | None:
    return _one(FACT_CATEGORIES.get(item.fact))


def _trace(item: Any) -> frozenset[DataCategory] | None:
    found: set[DataCategory] = set()
    for evidence in item.facts:
        categories = _evidence(evidence)
        if categories is None:
            return None
        found |= categories
    return frozenset(found)


def _finding(item: Any) -> frozenset[DataCategory] | None:
    return _one(_GROUPS.get(str(getattr(item.group, "value", item.group))))


def _staff_observation(item: Any) -> frozenset[DataCategory] | None:
    return _one(factor_category(item.factor))


def _note(item: Any) -> frozenset[DataCategory] | None:
    return frozenset({C.HEALTH if item.kind == "health" else C.NOTES})


def _referral(item: Any) -> frozenset[DataCategory] | None:
    protection = (
        item.purpose is ReferralPurpose.CHILD_PROTECTION
        or item.legal_duty is LegalDuty.CHILD_PROTECTION_REPORT
        or item.referred_to.institution in baseline.THREAT_RECIPIENTS
    )
    return frozenset({C.PROTECTION if protection else C.REFERRALS})


#: Obligations whose action reveals a category beyond attendance.
_OBLIGATION_ACTIONS = {"report_threat": C.PROTECTION, "inform_carer": C.FAMILY}

#: Recipients that tell who cares for the learner: the parents, the learner of full age (and a
#: recorded guardian), or a carer in out-of-family care (:data:`atbalsts.policy.baseline.CARERS`).
#: The rules choose among them by the learner's living situation and age, so a duty to inform or
#: ask one of them, whatever its action (Bauska's request for a doctor's note goes to any of
#: them), tells the living situation: family data. All of them count, not only the carers, or a
#: duty missing from a view beside one shown would tell "a carer".
CARER_RECIPIENTS: frozenset[str] = frozenset({"parent", "adult_learner", *baseline.CARERS.values()})


def _duty_categories(action: str, recipients: Iterable[str]) -> frozenset[DataCategory]:
    """What a duty (or an action that answers one) reveals: by its action, and family data when
    a recipient says who cares for the learner (:data:`CARER_RECIPIENTS`)."""
    found = {_OBLIGATION_ACTIONS.get(action, C.ATTENDANCE)}
    if any(to in CARER_RECIPIENTS for to in recipients):
        found.add(C.FAMILY)
    return frozenset(found)


def _obligation(item: Any) -> frozenset[DataCategory] | None:
    return _duty_categories(item.action, item.recipients)


def _action(item: Any) -> frozenset[DataCategory] | None:
    """A recorded action reveals what its duty does: a threat report is protection."""
    protection = item.action == "report_threat" or any(
        to in baseline.THREAT_RECIPIENTS for to in item.to
    )
    if protection:
        return frozenset({C.PROTECTION})
    return _duty_categories(item.action, item.to)


def _referral_to(to: object, threat: bool = False) -> frozenset[DataCategory]:
    """A referral is a referral; protection for a suspected threat, or when it goes to the
    police, the orphan's court or a child-rights body."""
    return frozenset({C.PROTECTION if threat or to in baseline.THREAT_RECIPIENTS else C.REFERRALS})


def _follow_up(item: Any) -> frozenset[DataCategory] | None:
    """An unanswered referral is a referral (:func:`_referral_to`); an overdue review or
    approval is the plan's."""
    if item.kind == "referral_unanswered":
        return _referral_to(item.detail.get("to"))
    return frozenset({C.SUPPORT})


def _referral_due(item: Any) -> frozenset[DataCategory] | None:
    """A referral due is a referral (:func:`_referral_to`), as an unanswered one's follow-up."""
    return _referral_to(item.to, item.reason == "suspected_threat")


_ALL_FACTS = frozenset(FACT_CATEGORIES.values())
_FINDINGS = frozenset(_GROUPS.values())


def _reason_rules(item: Any, reads: Reads) -> tuple[str]:
    return (item.rule,)


def _note_rules(item: Any, reads: Reads) -> tuple[str, ...]:
    """A note that no rule decided a measure is there exactly when every rule that may decide it
    kept silent: it shows what they read, as the verdict's absence would. Other notes, none."""
    if item.code != "measure_not_decided":
        return ()
    return reads.verdict_rules(str(item.detail.get("measure")))


def _failure_rules(item: Any, reads: Reads) -> tuple[str, ...]:
    """A rule's failure says that the rule raised, or returned what it may not, on this input:
    something of what it read (a verdict on a measure it does not declare says that it fired,
    and what it concluded). It shows what the rule read. A failure that names no rule (a
    plugin that could not be imported or registered, a baseline that does not cover the date)
    says nothing of the case: every role sees it, as the decision's ``complete``."""
    return (item.rule,) if item.rule is not None else ()


def _verdict_rules(item: Any, reads: Reads) -> tuple[str, ...]:
    """A verdict is its reasons combined (eligible unless one denies; a suggestion exists only
    when they allow): it shows what all of them read, and what every other rule that may decide
    its measure read, fired or not (:meth:`Reads.verdict_rules`): else a verdict hidden only
    when a rule that reads what the role may not see fired would tell the role that it fired."""
    return reads.verdict_rules(item.measure, (reason.rule for reason in item.reasons))


#: Each class by name: its category, PUBLIC, INHERIT, a Dynamic or a ByRule. A class not listed
#: is shown to no one.
CLASSES: dict[str, DataCategory | str | Dynamic | ByRule] = {
    # the case
    "SupportCase": PUBLIC,
    "Learner": C.IDENTITY,
    "Enrolment": C.SCHOOLING,
    "TermObservation": PUBLIC,
    "Term": PUBLIC,
    "Attendance": C.ATTENDANCE,
    "AbsenceEpisode": C.ATTENDANCE,
    "AttendanceDay": C.ATTENDANCE,
    "ActionTaken": Dynamic(_action, frozenset({C.ATTENDANCE, C.FAMILY, C.PROTECTION})),
    "Achievement": C.SCHOOLING,
    "SubjectMark": C.SCHOOLING,
    "BehaviourIncident": C.BEHAVIOUR,
    "StaffObservation": Dynamic(_staff_observation, frozenset(_FINDINGS), Level.FULL),
    "SuspectedThreat": C.PROTECTION,
    "Note": Dynamic(_note, frozenset({C.HEALTH, C.NOTES})),
    "FundedSupport": C.FAMILY,
    "SupportPlan": C.SUPPORT,
    "Period": INHERIT,
    "Goal": INHERIT,
    "MeasureAssignment": INHERIT,
    "Application": INHERIT,
    "Approval": INHERIT,
    "Rejection": INHERIT,
    "Review": INHERIT,
    "Delivery": INHERIT,
    "Referral": Dynamic(_referral, frozenset({C.PROTECTION, C.REFERRALS})),
    "ReferralParty": INHERIT,
    "Consent": C.REFERRALS,
    # the decision
    "Decision": PUBLIC,
    "PolicyStamp": META,
    "PluginStamp": META,
    "Failure": ByRule(_failure_rules, base=None),
    "DecisionNote": ByRule(_note_rules, base=None),
    "LegalBasis": INHERIT,
    "RiskFinding": Dynamic(_finding, frozenset(_FINDINGS), Level.FULL),
    "DecisionFinding": Dynamic(_finding, frozenset(_FINDINGS), Level.FULL),
    "Evidence": Dynamic(_evidence, _ALL_FACTS, Level.FULL),
    "ObligationDue": Dynamic(_obligation, frozenset({C.ATTENDANCE, C.FAMILY, C.PROTECTION})),
    "ObligationSource": INHERIT,
    "DutyAnswer": INHERIT,
    "FollowUp": Dynamic(_follow_up, frozenset({C.PROTECTION, C.REFERRALS, C.SUPPORT})),
    "RuleSource": INHERIT,
    "ReferralSource": INHERIT,
    "TraceParameter": INHERIT,
    "ReplacedValue": INHERIT,
    "MeasureVerdict": ByRule(_verdict_rules),
    "MeasureReason": ByRule(_reason_rules),
    "ReferralDue": Dynamic(_referral_due, frozenset({C.PROTECTION, C.REFERRALS})),
    "PlanIssue": ByRule(_reason_rules),
    "TraceRow": Dynamic(_trace, _ALL_FACTS, Level.FULL),
}

#: Fields whose category is not their class's, by ``Class.field``.
FIELDS: dict[str, DataCategory | str] = {
    "SupportCase.schema_version": PUBLIC,
    "Learner.living_situation": C.FAMILY,
    "Learner.needy_or_low_income_family": C.FAMILY,
    "SupportPlan.risk_factors": "factors",
    "Decision.schema_version": PUBLIC,
    "Decision.learner_id": C.IDENTITY,
    # a grade of the risk found, by a local rule that reads the risk groups or factors: it tells
    # of every kind of factor (a health factor alone gives a tier), so it needs them all
    "Decision.tier": "graded",
    "Decision.review_due": C.SUPPORT,
}


def model_classes(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model class reachable from ``root`` through its fields, ``root`` first."""
    from typing import get_args

    found: list[type[BaseModel]] = []

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    walk(field.annotation)
            return
        for arg in get_args(annotation):
            walk(arg)

    walk(root)
    return found
