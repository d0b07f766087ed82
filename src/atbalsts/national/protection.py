"""Child protection: Children's Rights Protection Law, Article 73."""

from __future__ import annotations

from atbalsts.national import _bases as b
from atbalsts.policy import BasisKind, DecisionKind, Facts, LegalBasis, Obligation, Params, rule
from atbalsts.policy.baseline import THREAT_POLICE_AND_COURT

INSTITUTION = "lv.child_protection.state_institution"
#: Art. 73 is older than the library's coverage; earlier dates are out of scope, not outside the
#: law.
COVERAGE_FROM = b.COVERAGE_FROM

#: Who may receive the one report, besides the state child-rights body of the day (the parameter
#: :data:`INSTITUTION`): :data:`atbalsts.policy.baseline.THREAT_POLICE_AND_COURT`, the one list
#: the engine also answers the duty and derives the facts by.
POLICE_AND_COURT = THREAT_POLICE_AND_COURT

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
    day. The duty names the police, the orphan's court and the state child-rights body of the
    evaluation date (the parameter :data:`INSTITUTION`: VBTAI until 31.12.2023, the Children's
    Protection Centre from 01.01.2024 [S45]). An open suspicion stays due (overdue) until a report
    answers it, the first on or after its day: a referral made, or an action ``report_threat``
    that names no duty, to one of them in office on the day the report was made
    (:func:`atbalsts.policy.baseline.threat_recipients_on`: a report to VBTAI made on 2023-12-20
    answers, one made in 2025 does not: an engine convention, as the code ``vbtai`` names no body
    in office after 31.12.2023), or an action of any code
    that names this duty by its key. The fact ``suspected_threat`` counts the same reports. An
    answered one stays in the decisions of the term it was recorded or reported in as a duty
    done, on time or late, so that a late report is seen and counted, not lost, whatever else
    happened in the term.
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
