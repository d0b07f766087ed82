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
    reads=("threat_days",),
    params=(INSTITUTION,),
    valid_from=COVERAGE_FROM,
    mandatory=True,
)
def report_threat(f: Facts, p: Params) -> tuple[Obligation, ...]:
    """Report each suspected threat the same day to the police, orphan's court or child-rights body.

    One report to any one of them fulfils the duty; there is no threshold. Art. 73(1) asks a
    report of every suspicion, so the rule owes one report per day a suspicion arose (the fact
    ``threat_days``; suspicions of one day are one report), each ``same_day``, counted from that
    day: an open suspicion stays due (overdue) until a referral to one of
    :data:`atbalsts.policy.baseline.THREAT_RECIPIENTS`, or an action recorded in the case,
    answers it (the first on or after its day). An answered one stays in the decisions of the
    term it was recorded or reported in as a duty done, on time or late, so that a late report
    is seen and counted, not lost, whatever else happened in the term.
    """
    institution = p.text(INSTITUTION)
    return tuple(
        Obligation(
            "report_threat",
            ("any_staff",),
            (*POLICE_AND_COURT, institution),
            "same_day",
            any_recipient=True,  # Art. 73(1): the police, OR the orphan's court, OR another body
            trigger="threat_days",
            on=day,
        )
        for day in f.threat_days
    )


RULES = (report_threat,)
