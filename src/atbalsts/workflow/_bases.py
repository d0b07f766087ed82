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
    "CONSENT_ROLES",
    "DELIVERY",
    "MK89_NOTICE",
    "PARTIES",
    "PLAN_ROLES",
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
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The library's gate, not a rule of law. The GDPR (Regulation (EU) 2016/679) asks for a "
    "lawful basis for each processing (Art. 6(1)) and, for health and other special "
    "categories, an exception of Art. 9(2) [S57]; it does not ask for consent as such, and "
    "the Data State Inspectorate points schools to the public task, Art. 6(1)(e) [S52]. The "
    "gate lets a referral go without a recorded basis only on a legal duty the sources name "
    "(the Children's Rights Protection Law Art. 73(1) report to the police, the orphan's "
    "court or a child-rights institution, and the MK 89 notice of unjustified absence to the "
    "municipal education board, sharing identity and attendance only), or on a consent that "
    "covers the sharing. Which Art. 9(2) exception these duties rest on for health data is "
    "unverified [U]. Any other basis, such as the public task, is the controller's to judge: "
    "a school director records it by overriding the gate with the basis as the reason. Health"
    " data shared on consent needs explicit consent (Art. 9(2)(a)); the gate cannot tell "
    "explicit from other consent, so the host must.",
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
    "it, acts on it and answers (the requester and owner of an HL7 FHIR Task); either may enter "
    "it in error. No act assigns these steps. A school's report of a suspected threat is sent by "
    "any member of its staff: Children's Rights Protection Law Art. 73(1) puts the same-day "
    "report on whoever learns of the threat [S44], so a report drafted by one member of staff "
    "does not wait for them.",
)
PLAN_ROLES = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Who takes a plan's actions besides its approvals; no act or programme text assigns "
    "them. PuMPuRS names the author who drafts the plan and enters it in the database, and the "
    "school director who approves it after the author [S17][S18]; consultations are given by "
    "the teachers and specialists the plan names and logged session by session [S19][S29]. So "
    "the author submits the plan; the school director puts it in force once approved and "
    "revokes it (a draft not yet submitted, its author too); the author or the director "
    "reviews, pauses, resumes, completes it or enters it in error; the role responsible for a "
    "measure records the support given against it.",
)
CONSENT_ROLES = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The data subject may withdraw consent at any time (GDPR Art. 7(3)); who records the "
    "withdrawal is not in the sources. The library lets the consent's grantor record it, or a "
    "member of the school's staff record it for them, and has the school, which keeps the "
    "consents it collects, record an expiry or an entry in error.",
)
DELIVERY = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Support is recorded against a measure of the plan, on a day of the plan's period; "
    "PuMPuRS logged consultations on forms per session [S29][S19].",
)
