"""Parauga's early-intervention rules: an ILLUSTRATION, not law.

Parauga novads is fictional. Every rule here has an ``illustrative`` basis whose note names the
pattern it follows; the ids in [brackets] are those of the domain brief's source index (§12).

A rule is a plain function of the case facts ``f`` and the parameters ``p`` it declared. It
returns one outcome, several (``yield``), or ``None`` when it does not apply. The outcome's class
follows from ``kind``: a risk finding returns a ``Finding``, an obligation an ``Obligation``, and
so on. The engine runs the risk findings first, so the other rules can read ``f.risk_groups``.
"""

from __future__ import annotations

from datetime import date

from atbalsts.policy import (
    Allow,
    BasisKind,
    DecisionKind,
    Facts,
    Finding,
    LegalBasis,
    Obligation,
    Params,
    Refer,
    Tier,
    Verdict,
    baseline,
    rule,
)

from .codes import ATTENDANCE, NEEDY_FAMILY_MEALS, NO_IMPROVEMENT, SUPPORT_TEAM_MEETING

#: Parauga's (fictional) policy applies from the school year 2024/2025.
POLICY_FROM = date(2024, 9, 1)

# Parameter ids (values and their bases are in parameters.toml). Own ids start with "parauga.".
PRESCHOOL_DAYS = baseline.PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT
CAUTION_LESSONS = "parauga.risk.caution_lessons"
MEETING_DAYS = "parauga.absence.support_team_days"
ABSENCE_RATE = "parauga.risk.absence_rate_min"
PLANS_WITHOUT_IMPROVEMENT = "parauga.referral.plans_without_improvement"


def illustrative(note: str) -> LegalBasis:
    """The basis of every Parauga rule: an illustration, with the pattern's source in the note."""
    return LegalBasis(kind=BasisKind.ILLUSTRATIVE, note=note)


# B4, first half: replace the national risk threshold (more than 20 lessons) with an earlier one.
# Only a rule the national baseline does not mark mandatory may be replaced, and only by naming it.
@rule(
    "parauga.risk.unjustified_absences",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=illustrative(
        "Illustrative, not law: a 'caution' flag at 10 unjustified lessons a term, earlier than "
        "the national 20; threshold pattern from a US early-warning system [S63]."
    ),
    reads=("unjustified_lessons", "unjustified_days", "programme"),
    params=(CAUTION_LESSONS, PRESCHOOL_DAYS),
    overrides="lv.risk.unjustified_absences",
)
def unjustified_absences(f: Facts, p: Params) -> Finding | None:
    """At least the caution threshold of lessons without a justifying reason is a finding.

    A replacing rule must still cover everyone the national rule covered: pre-school absence is
    counted in days, so for pre-school the national days limit is kept.
    """
    if f.programme == "pre_school":
        if f.unjustified_days > p.integer(PRESCHOOL_DAYS):
            return Finding("unjustified_absences", evidence=("unjustified_days",))
        return None
    if f.unjustified_lessons >= p.integer(CAUTION_LESSONS):
        return Finding("unjustified_absences", evidence=("unjustified_lessons",))
    return None


# B4, second half: a new obligation with a local action code (declared in codes.py).
@rule(
    "parauga.absence.support_team_meeting",
    kind=DecisionKind.OBLIGATION,
    legal_basis=illustrative(
        "Illustrative, not law: at the caution flag the school support team meets within 5 school "
        "days [S63], counted on the school calendar."
    ),
    reads=("unjustified_lessons",),
    params=(CAUTION_LESSONS, MEETING_DAYS),
)
def support_team_meeting(f: Facts, p: Params) -> Obligation | None:
    """At the caution threshold the social pedagogue convenes the school support team."""
    if f.unjustified_lessons >= p.integer(CAUTION_LESSONS):
        return Obligation(
            SUPPORT_TEAM_MEETING,
            roles=("social_pedagogue",),
            deadline="school_days",
            days=p.integer(MEETING_DAYS),
        )
    return None


# B5: absences of any kind, justified or not, as a share of scheduled lessons. Not "unjustified
# absences", so it gets its own local risk factor (declared in codes.py with its risk group).
@rule(
    "parauga.risk.attendance",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=illustrative(
        "Illustrative, not law: missing 10 % or more of instructional time, for any reason, flags "
        "attendance for support-plan screening; the ABC early-warning threshold [S62][S63]."
    ),
    reads=("absence_rate", "lessons_scheduled"),
    params=(ABSENCE_RATE,),
)
def attendance(f: Facts, p: Params) -> Finding | None:
    """Missing at least the minimum share of scheduled lessons is a finding.

    Only when the schedule is known (``lessons_scheduled``).
    """
    if f.absence_rate is not None and f.absence_rate >= p.number(ABSENCE_RATE):
        return Finding(ATTENDANCE, evidence=("absence_rate", "lessons_scheduled"))
    return None


# B6: offer meal compensation to needy families. Eligibility is deny-wins: when the state or the
# municipality already pays for meals, the national no-double-funding rule denies it, and the
# learner is not eligible whatever this rule says.
@rule(
    "parauga.measure.needy_family_meals",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=illustrative(
        "Illustrative, not law: meal compensation offered whenever VIIS shows the needy or "
        "low-income family flag [S49]; no double funding stays with the national rule [S24]."
    ),
    reads=("needy_family",),
    measures=("meals_compensation",),
)
def needy_family_meals(f: Facts, p: Params) -> Verdict | None:
    """A learner from a needy or low-income family is offered meal compensation."""
    if f.needy_family:
        return Allow("meals_compensation", NEEDY_FAMILY_MEALS)
    return None


# B7: escalate when support plans keep failing.
@rule(
    "parauga.referral.cooperation_group",
    kind=DecisionKind.REFERRAL,
    legal_basis=illustrative(
        "Illustrative, not law, no source: two consecutive support plans whose last review saw no "
        "improvement go to the child-rights cooperation group (group: MK 545/2017 [S41])."
    ),
    reads=("plans_without_improvement",),
    params=(PLANS_WITHOUT_IMPROVEMENT,),
)
def cooperation_group(f: Facts, p: Params) -> Refer | None:
    """After the minimum number of consecutive plans without improvement, the case is referred."""
    if f.plans_without_improvement >= p.integer(PLANS_WITHOUT_IMPROVEMENT):
        return Refer("cooperation_group", NO_IMPROVEMENT, urgency="routine")
    return None


# A risk tier. PuMPuRS has no risk levels; tiers are a local choice, so this is illustrative too.
@rule(
    "parauga.risk.tier",
    kind=DecisionKind.RISK_TIER,
    legal_basis=illustrative(
        "Illustrative, not law: tiers 1-3 (universal, targeted, intensive) as in multi-tiered "
        "early-warning practice [S67][S75]; PuMPuRS defines no risk levels."
    ),
    reads=("risk_groups", "plans_without_improvement"),
    params=(PLANS_WITHOUT_IMPROVEMENT,),
)
def tier(f: Facts, p: Params) -> Tier:
    """Tier 3 for several risk groups or failing plans, tier 2 for any risk, otherwise tier 1.

    Several risk groups means two or more; failing plans, at least the minimum number of
    consecutive plans without improvement.
    """
    failing_plans = f.plans_without_improvement >= p.integer(PLANS_WITHOUT_IMPROVEMENT)
    if len(f.risk_groups) >= 2 or failing_plans:
        return Tier(3)
    return Tier(2) if f.risk_groups else Tier(1)


RULES = (
    unjustified_absences,
    support_team_meeting,
    attendance,
    needy_family_meals,
    cooperation_group,
    tier,
)
