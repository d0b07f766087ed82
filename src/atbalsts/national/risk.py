"""Risk findings from observations, mapped to the four national risk groups."""

from __future__ import annotations

from collections.abc import Iterator

from atbalsts.national import _bases as b
from atbalsts.policy import DecisionKind, Facts, Finding, Params, baseline, rule

FROM = b.COVERAGE_FROM
LESSONS = "lv.risk.unjustified_lessons_limit"
PRESCHOOL_DAYS = baseline.PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT
FAILING = "lv.risk.failing_subjects_min"
INCIDENTS = "lv.risk.behaviour_incidents_min"


@rule(
    "lv.risk.staff_observed",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.RISK_OBSERVED,
    reads=("staff_factors",),
    valid_from=FROM,
)
def staff_observed(f: Facts, p: Params) -> Iterator[Finding]:
    """Each risk factor staff observed and recorded is a finding."""
    for factor in sorted(f.staff_factors):
        yield Finding(factor, ("staff_factors",))


@rule(
    "lv.risk.unjustified_absences",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.RISK_DEFAULT,
    reads=("unjustified_lessons", "unjustified_days", "programme"),
    params=(LESSONS, PRESCHOOL_DAYS),
    valid_from=FROM,
)
def unjustified_absences(f: Facts, p: Params) -> Finding | None:
    """More lessons missed without a justifying reason than the limit are a risk finding.

    In pre-school, where absence is counted in days, more days than the pre-school limit.
    """
    if f.programme == "pre_school":
        if f.unjustified_days > p.integer(PRESCHOOL_DAYS):
            return Finding("unjustified_absences", ("unjustified_days",))
    elif f.unjustified_lessons > p.integer(LESSONS):
        return Finding("unjustified_absences", ("unjustified_lessons",))
    return None


@rule(
    "lv.risk.failing_subjects",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.RISK_DEFAULT,
    reads=("failing_subjects",),
    params=(FAILING,),
    valid_from=FROM,
)
def failing_subjects(f: Facts, p: Params) -> Finding | None:
    """Failing at least the minimum number of subjects is a low-achievement finding."""
    if f.failing_subjects >= p.integer(FAILING):
        return Finding("low_achievement", ("failing_subjects",))
    return None


@rule(
    "lv.risk.repeating_year",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.RISK_OBSERVED,
    reads=("repeating_year",),
    valid_from=FROM,
)
def repeating_year(f: Facts, p: Params) -> Finding | None:
    """A learner who repeats the year has a risk finding."""
    return Finding("repeating_year", ("repeating_year",)) if f.repeating_year else None


@rule(
    "lv.risk.behaviour",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.RISK_DEFAULT,
    reads=("behaviour_incidents", "serious_incidents"),
    params=(INCIDENTS,),
    valid_from=FROM,
)
def behaviour(f: Facts, p: Params) -> Finding | None:
    """At least the minimum number of incidents in the term, or one serious one, is a finding."""
    if f.behaviour_incidents >= p.integer(INCIDENTS) or f.serious_incidents >= 1:
        return Finding("behaviour_problems", ("behaviour_incidents", "serious_incidents"))
    return None


@rule(
    "lv.risk.needy_family",
    kind=DecisionKind.RISK_FINDING,
    legal_basis=b.ECONOMIC_DEFAULT,
    reads=("needy_family",),
    valid_from=FROM,
)
def needy_family(f: Facts, p: Params) -> Finding | None:
    """A needy or low-income family is an economic risk."""
    return Finding("material_circumstances", ("needy_family",)) if f.needy_family else None


RULES = (
    staff_observed,
    unjustified_absences,
    failing_subjects,
    repeating_year,
    behaviour,
    needy_family,
)
