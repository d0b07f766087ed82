"""Child protection: Children's Rights Protection Law, Article 73."""

from __future__ import annotations

from atbalsts.national import _bases as b
from atbalsts.policy import BasisKind, DecisionKind, Facts, LegalBasis, Obligation, Params, rule
from atbalsts.policy.baseline import THREAT_RECIPIENTS

INSTITUTION = "lv.child_protection.state_institution"
#: Art. 73 is older than the library's coverage; earlier dates are out of scope, not outside the
#: law.
COVERAGE_FROM = b.COVERAGE_FROM

#: Who may receive the one report, besides the state child-rights body of the day (the parameter
#: :data:`INSTITUTION`). Every one of them, and the body, answers the suspicion in the engine
#: (:data:`atbalsts.policy.baseline.THREAT_RECIPIENTS`).
POLICE_AND_COURT = ("state_police", "municipal_police", "orphans_court")

#: Art. 73(1) as the report rule applies it: one duty, any one recipient, the same day.
BTAL_73_ANY_ONE = LegalBasis(
    kind=BasisKind.LAW,
    act=b.BTAL_73.act,
    provision=b.BTAL_73.provision,
    url=b.BTAL_73.url,
    note="Violence, an offence, a violation of the child's rights or another threat to a child "
    "is reported no later than the same day to the State or municipal police, the orphan's "
    "court or another competent institution [S44]. One report to any one of them fulfils the "
    "duty; the law requires no second report to the orphan's court, so none is added.",
)

if not {*POLICE_AND_COURT, "vbtai", "childrens_protection_centre"} <= THREAT_RECIPIENTS:
    raise RuntimeError(  # pragma: no cover - a guard on two lists kept in two modules
        "lv.child_protection.report_threat: a recipient is missing from "
        "atbalsts.policy.baseline.THREAT_RECIPIENTS, so a report to it would not close the duty"
    )


@rule(
    "lv.child_protection.report_threat",
    kind=DecisionKind.OBLIGATION,
    legal_basis=BTAL_73_ANY_ONE,
    reads=("suspected_threat", "threat_kinds", "threat_observed_on", "reported_threat_observed_on"),
    params=(INSTITUTION,),
    valid_from=COVERAGE_FROM,
    mandatory=True,
)
def report_threat(f: Facts, p: Params) -> Obligation | None:
    """Report a suspected threat the same day to one of: police, orphan's court, child-rights body.

    One report to any one of them fulfils the duty; there is no threshold. The deadline is
    ``same_day``, counted from the day the suspicion arose (the trigger
    ``threat_observed_on``): an open suspicion stays due (overdue) until a referral to one of
    :data:`atbalsts.policy.baseline.THREAT_RECIPIENTS` answers it, or an action recorded in the
    case does. Once every suspicion is answered, the report stays in the decisions of the term
    the suspicion was recorded in as a duty done (trigger ``reported_threat_observed_on``, the
    day the earliest suspicion the last report answered arose), on time or late, so that a late
    report is seen and counted, not lost.
    """
    if f.suspected_threat and f.threat_observed_on is not None:
        trigger = "threat_observed_on"
    elif f.reported_threat_observed_on is not None:
        trigger = "reported_threat_observed_on"
    else:
        return None
    return Obligation(
        "report_threat",
        ("any_staff",),
        (*POLICE_AND_COURT, p.text(INSTITUTION)),
        "same_day",
        any_recipient=True,  # Art. 73(1): the police, OR the orphan's court, OR another body
        trigger=trigger,
    )


RULES = (report_threat,)
