"""The legal bases the national guards cite.

The national baseline's own citations are reused, not copied (one source for each), so a guard
and the rule it mirrors always cite the same act: the approval chain and the review at the term's
end (PuMPuRS [S17][S20][S23], kept as methodological defaults after 2023), the MK 89 notice to the
education board and the Art. 73 report.
"""

from __future__ import annotations

from atbalsts.national import _bases as national
from atbalsts.policy import BasisKind, LegalBasis, baseline

__all__ = [
    "AFTER_PUMPURS",
    "APPROVAL",
    "APPROVAL_DEFAULT",
    "ART73",
    "CONSENT",
    "CONSENT_PERIOD",
    "DELIVERY",
    "MK89_NOTICE",
    "PARTIES",
    "REVIEW",
    "REVIEW_DEFAULT",
    "WITHDRAWAL",
]

GDPR_ACT = "Regula (ES) 2016/679 (Vispārīgā datu aizsardzības regula, GDPR)"
GDPR_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"

#: The first day after PuMPuRS, from which its practice is kept as methodological defaults.
AFTER_PUMPURS = national.AFTER_PUMPURS

#: Children's Rights Protection Law, Art. 73(1): the report needs no consent.
ART73 = baseline.THREAT_REPORT_BASIS
#: Cabinet Regulation No. 89: the notice to the municipal education board needs no consent.
MK89_NOTICE = national.MK89_BOARD
APPROVAL = national.PUMPURS_APPROVAL
APPROVAL_DEFAULT = national.APPROVAL_DEFAULT
REVIEW = national.PUMPURS_TERM
REVIEW_DEFAULT = national.PLAN_DEFAULT

CONSENT = LegalBasis(
    kind=BasisKind.LAW,
    act=GDPR_ACT,
    provision="6. panta 1. punkts, 9. panta 2. punkts",
    url=GDPR_URL,
    note="Personal data are processed lawfully only on a basis Art. 6(1) lists, and special "
    "categories (health) only under an exception of Art. 9(2) [S57]. The guard accepts two: the "
    "consent of the data subject (Art. 6(1)(a)) that covers the sharing, or a legal obligation "
    "(Art. 6(1)(c)): the Art. 73 report and the MK 89 notice. Other bases, such as a task "
    "carried out in the public interest (Art. 6(1)(e), [S52]), are the controller's to judge: a "
    "school director records them by overriding the guard with the basis as the reason.",
)
WITHDRAWAL = LegalBasis(
    kind=BasisKind.LAW,
    act=GDPR_ACT,
    provision="7. panta 3. punkts",
    url=GDPR_URL,
    note="Consent may be withdrawn at any time; the withdrawal does not affect the lawfulness of "
    "processing based on consent before it. So a withdrawal takes effect from a day not before "
    "the day it is recorded, never backwards.",
)
CONSENT_PERIOD = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="A consent expires after the last day of the period it was given for; before that day "
    "it is withdrawn, not expired.",
)
PARTIES = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The sender sends and cancels a referral; the recipient receives, accepts or rejects "
    "it, acts on it and answers (the requester and owner of an HL7 FHIR Task). No act assigns "
    "these steps.",
)
DELIVERY = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Support is recorded against a measure of the plan, on a day of the plan's period; "
    "PuMPuRS logged consultations on forms per session [S29][S19].",
)
