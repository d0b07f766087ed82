"""What a legal duty lets a school share without a consent: the one list, for the workflow's
consent guard and for what a referral's recipient may see."""

from __future__ import annotations

from atbalsts.model import DataCategory, LegalDuty, Referral
from atbalsts.policy import baseline

__all__ = ["ABSENCE_NOTICE_DATA", "ART73_RECIPIENTS", "DUTY_RECIPIENTS", "duty_covers"]

#: Who may receive an Art. 73(1) report without a consent: those who answer a threat, and the
#: municipal social service, which the library reads as "another competent institution" (the
#: law names none; the reading is the library's, unverified [U]).
ART73_RECIPIENTS: frozenset[str] = baseline.THREAT_RECIPIENTS | {"social_service"}

#: What the MK 89 notice to the education board shares: who the learner is and their absences
#: (MK 89 sets the notice about unjustified absence, nothing more).
ABSENCE_NOTICE_DATA: frozenset[DataCategory] = frozenset(
    {DataCategory.IDENTITY, DataCategory.ATTENDANCE}
)

#: The recipients each legal duty names.
DUTY_RECIPIENTS: dict[LegalDuty, frozenset[str]] = {
    LegalDuty.CHILD_PROTECTION_REPORT: ART73_RECIPIENTS,
    LegalDuty.ABSENCE_NOTICE: frozenset({"municipal_education_board"}),
}


def duty_covers(r: Referral) -> frozenset[DataCategory]:
    """The data categories of ``r`` that its legal duty covers: all it shares for the Art. 73(1)
    report to a recipient the article names; identity and attendance for the MK 89 notice to
    the education board; none without a duty, or to another recipient."""
    duty = r.legal_duty
    if duty is None or r.referred_to.institution not in DUTY_RECIPIENTS[duty]:
        return frozenset()
    shared = frozenset(r.data_categories)
    if duty is LegalDuty.ABSENCE_NOTICE:
        return shared & ABSENCE_NOTICE_DATA
    return shared
