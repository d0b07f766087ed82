"""Child protection: Children's Rights Protection Law, Article 73."""

from __future__ import annotations

from atbalsts.national import _bases as b
from atbalsts.policy import DecisionKind, Facts, Obligation, Params, Refer, rule

INSTITUTION = "lv.child_protection.state_institution"
#: Art. 73 is older than the library's coverage; earlier dates are out of scope, not outside the
#: law.
COVERAGE_FROM = b.COVERAGE_FROM


@rule(
    "lv.child_protection.report_threat",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.BTAL_73,
    reads=("suspected_threat", "threat_kinds", "threat_observed_on"),
    params=(INSTITUTION,),
    valid_from=COVERAGE_FROM,
    mandatory=True,
)
def report_threat(f: Facts, p: Params) -> Obligation | None:
    """A suspected threat to the child: report it the same day it arose. No threshold; an open
    suspicion stays due (overdue) until a referral answers it."""
    if f.suspected_threat and f.threat_observed_on is not None:
        return Obligation(
            "report_threat",
            ("any_staff",),
            ("state_police", "orphans_court", p.text(INSTITUTION)),
            "date",
            due=f.threat_observed_on,
            any_recipient=True,  # Art. 73(1): the police, OR the orphan's court, OR another body
        )
    return None


@rule(
    "lv.child_protection.refer_orphans_court",
    kind=DecisionKind.REFERRAL,
    legal_basis=b.BTAL_73,
    reads=("suspected_threat", "threat_observed_on"),
    valid_from=COVERAGE_FROM,
    mandatory=True,
)
def refer_orphans_court(f: Facts, p: Params) -> Refer | None:
    """A suspected threat: the orphan's court receives the case the same day."""
    if f.suspected_threat:
        return Refer("orphans_court", "suspected_threat", "same_day", f.threat_observed_on)
    return None


RULES = (report_threat, refer_orphans_court)
