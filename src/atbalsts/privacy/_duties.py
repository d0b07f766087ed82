"""What a legal duty lets a school share without a consent: the one list, for the workflow's
consent guard and for what a referral's recipient may see.

Whom a duty names can depend on the day: the Art. 73(1) report goes to the state child-rights
body in office that day (:data:`atbalsts.policy.baseline.STATE_CHILD_RIGHTS_BODY`: ``vbtai``
until 2023-12-31, ``childrens_protection_centre`` from 2024-01-01), as the engine judges a threat
report (:func:`atbalsts.policy.baseline.threat_recipients_on`). A referral is judged on the day it
was made (``Referral.made_on``), or on the day given.
"""

from __future__ import annotations

from datetime import date

from atbalsts.model import DataCategory, LegalDuty, Referral
from atbalsts.policy import baseline

__all__ = [
    "ABSENCE_NOTICE_DATA",
    "ART73_RECIPIENTS",
    "DUTY_RECIPIENTS",
    "duty_covers",
    "duty_recipients",
]

#: The recipient the library adds to those of Art. 73(1): the municipal social service, which it
#: reads as "another competent institution" (the law names none; the reading is the library's,
#: unverified [U]).
_ART73_READING: frozenset[str] = frozenset({"social_service"})

#: Who may receive an Art. 73(1) report without a consent on SOME day: those who answer a threat
#: (:data:`atbalsts.policy.baseline.THREAT_RECIPIENTS`, both codes of the state child-rights body
#: among them), and the municipal social service, which the library reads as "another competent
#: institution" (the law names none; the reading is the library's, unverified [U]). On a given
#: day the duty names only the body in office then: :func:`duty_recipients`.
ART73_RECIPIENTS: frozenset[str] = baseline.THREAT_RECIPIENTS | _ART73_READING

#: What the MK 89 notice to the education board shares: who the learner is and their absences
#: (MK 89 sets the notice about unjustified absence, nothing more).
ABSENCE_NOTICE_DATA: frozenset[DataCategory] = frozenset(
    {DataCategory.IDENTITY, DataCategory.ATTENDANCE}
)

_BOARD: frozenset[str] = frozenset({"municipal_education_board"})

#: The recipients each legal duty names on SOME day (the Art. 73(1) report: both codes of the
#: state child-rights body, each named only while in office; :func:`duty_recipients` gives those
#: of one day, and :func:`duty_covers` judges by them).
DUTY_RECIPIENTS: dict[LegalDuty, frozenset[str]] = {
    LegalDuty.CHILD_PROTECTION_REPORT: ART73_RECIPIENTS,
    LegalDuty.ABSENCE_NOTICE: _BOARD,
}


def duty_recipients(duty: LegalDuty, day: date) -> frozenset[str]:
    """The recipients ``duty`` names on ``day``: for the Art. 73(1) report, the police, the
    orphan's court and the state child-rights body in office that day
    (:func:`atbalsts.policy.baseline.threat_recipients_on`), with the social service (the
    library's reading, unverified [U]); for the MK 89 notice, the municipal education board."""
    if duty is LegalDuty.CHILD_PROTECTION_REPORT:
        return baseline.threat_recipients_on(day) | _ART73_READING
    return DUTY_RECIPIENTS[duty]


def duty_covers(r: Referral, on: date | None = None) -> frozenset[DataCategory]:
    """The data categories of ``r`` that its legal duty covers, judged on ``on`` (by default the
    day it was made, ``Referral.made_on``): all it shares for the Art. 73(1) report to a
    recipient the article names that day (the state child-rights body only under the code in
    office then); identity and attendance for the MK 89 notice to the education board; none
    without a duty, or to another recipient."""
    duty = r.legal_duty
    day = r.made_on if on is None else on
    if duty is None or r.referred_to.institution not in duty_recipients(duty, day):
        return frozenset()
    shared = frozenset(r.data_categories)
    if duty is LegalDuty.ABSENCE_NOTICE:
        return shared & ABSENCE_NOTICE_DATA
    return shared
