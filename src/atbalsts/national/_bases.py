"""The legal bases the national rules cite. Source ids refer to docs/explanation/sources.md."""

from __future__ import annotations

from datetime import timedelta

from atbalsts.policy import BasisKind, LegalBasis, baseline

#: Start of the library's coverage of the national baseline: the date of MK 89, the oldest act it
#: encodes. Older law (e.g. Art. 73) is out of scope before it, not outside the law.
COVERAGE_FROM = baseline.MK89_FROM
#: The first day after PuMPuRS, from which its practice is kept as methodological defaults.
AFTER_PUMPURS = baseline.PUMPURS_TO + timedelta(days=1)

MK89_URL = (
    "https://mekletajs.skolutiesibas.lv/akti/1-kartiba-kada-izglitibas-iestade-informe-"
    "izglitojamo-vecakus-pasvaldibas-vai-valsts-iestades-ja-izg/"
)
MK89_ACT = "MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592)"
PUMPURS_ACT = 'ESF projekts Nr. 8.3.4.0/16/I/001 "PuMPuRS"'
PUMPURS_URL = (
    "https://www.ikvd.gov.lv/en/projects/esf-project-no-834016i001-support-reduction-early-"
    "school-leaving-pumpurs"
)
SK_ACT = 'ESF+ projekts Nr. 4.2.3.1/1/24/I/001 "Skola-kopienā"'
SK_URL = "https://skola-kopiena.lv/about"

MK89_CARE = LegalBasis(
    kind=BasisKind.LAW,
    act=MK89_ACT,
    provision="2. punkts",
    url=MK89_URL,
    note="A child in out-of-family care: the foster family, guardian or care-institution head is "
    "informed instead of the parents.",
)
MK89_BOARD = LegalBasis(
    kind=BasisKind.LAW,
    act=MK89_ACT,
    url=MK89_URL,
    note="More than 20 lessons a semester without a justifying reason: the municipality is "
    "informed [S2][S3][S7]. Point number not verified.",
)
MK89_SOCIAL = LegalBasis(
    kind=BasisKind.LAW,
    act=MK89_ACT,
    url=MK89_URL,
    note="Once informed, the municipality involves the social service; the police or BAC may be "
    "informed if needed (Ministry of Education summary of MK 89 [S2]; the point is not "
    "verified). The step is the municipality's, not the school's: the referral is shown to the "
    "school as a suggestion, not as its duty.",
)
VIIS_PRACTICE = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Learners with more than 20 unjustified lessons in a semester are recorded in VIIS: "
    "national practice reported by schools [S5][S6]; the legal clause is not verified.",
)
PRESCHOOL_DAYS = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Compulsory pre-school groups (5-6 years): the municipality is involved after 3 days "
    "of unjustified absence, as reported by a municipality quoting MK 89 [S4]; exact wording "
    "unverified.",
)
BTAL_73 = baseline.THREAT_REPORT_BASIS
PUMPURS_APPLICATION = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=PUMPURS_ACT,
    url="http://www.pumpurs.lv/lv/iap-01-kada-ir-iap-saskanosanas-seciba",
    note="A plan starts from an application signed by a parent, or by the learner when adult "
    "[S17]; adulthood at 18 (Bērnu tiesību aizsardzības likums, 2. pants).",
)
PUMPURS_TERM = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=PUMPURS_ACT,
    url="http://pumpurs.izm.gov.lv/lv/pumpurs-turpina-sniegt-atbalstu",
    note="A plan is written at the start of a semester and covers one semester [S20][S23][S29].",
)
PUMPURS_APPROVAL = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=PUMPURS_ACT,
    url="http://www.pumpurs.lv/lv/iap-01-kada-ir-iap-saskanosanas-seciba",
    note="Approval chain: author, school director, municipal coordinator, IKVD; state "
    "vocational schools skip the municipality [S17].",
)
PLAN_DEFAULT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="PuMPuRS practice (a signed application, one term per plan, a review at the term's end "
    "[S17][S20][S23]) kept after PuMPuRS ended on 31.12.2023: the Skola-kopienā plan cadence "
    "and approval are not published [U].",
)
APPROVAL_DEFAULT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The Skola-kopienā approval chain is not published [U]; the PuMPuRS chain without its "
    "national step (author, director, municipal coordinator; state vocational schools skip the "
    "municipality) is kept.",
)
PUMPURS_DOUBLE_FUNDING = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=PUMPURS_ACT,
    url="http://www.la.lv/macas-nenobities-no-riska-berniem",
    note="Compensations are paid only where the state or municipality does not already cover "
    "the cost (no double funding) [S24].",
)
DOUBLE_FUNDING_DEFAULT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="PuMPuRS refused compensations already funded by the state or municipality [S24]; "
    "whether Skola-kopienā says the same is not published [U], so the rule is kept as a "
    "methodological default after PuMPuRS ended.",
)
PUMPURS_TARGET = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=PUMPURS_ACT,
    url=PUMPURS_URL,
    note="Target group: grades 5-12 and vocational courses 1-4 [S20][S80]; grades 1-4 added "
    "from 01.09.2021 [S22]; project period 03.2017-12.2023 [S14][S22]. The project's own "
    "announcement in the sources gives 31.12.2022 as its end; it was extended by 12 months "
    "to 31.12.2023 [S22], the date used.",
)
SK_DESCRIPTION_URL = "https://www.lvg.lv/section/top/skola-kopiena/417"
#: Which of Skola-kopienā's two periods a rule uses (both in atbalsts.policy.baseline).
_SK_ELIGIBLE = (
    "In force over the eligible-cost period 01.07.2024-31.08.2029 [S36] "
    "(baseline.SK_ELIGIBLE_FROM), as it judges what the programme may pay for."
)
_SK_PROJECT = (
    "A measure nobody asked for is shown only in the project period from 08.05.2025 (project "
    "description [S34]; baseline.SK_PROJECT_FROM), when the project delivers it."
)
#: The project's two periods, each with its source: the eligible-cost period and the project
#: period (:data:`atbalsts.policy.baseline.SK_ELIGIBLE_BASIS`, ``SK_PROJECT_BASIS``).
SK_ELIGIBLE_PERIOD = baseline.SK_ELIGIBLE_BASIS
SK_PROJECT_PERIOD = baseline.SK_PROJECT_BASIS
SK_TARGET = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=SK_ACT,
    url=SK_URL,
    note="Individual support under a plan for grades 1-12 and vocational courses 1-4 [S34]. "
    + _SK_ELIGIBLE,
)
SK_MENTOR = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=SK_ACT,
    url=SK_DESCRIPTION_URL,
    note="Individual support from a learner mentor who completed the learner-mentor programme, "
    "for learners aged 13 or more with an identified social-exclusion or PMP risk, and for "
    "learners who received only a certificate (liecība) for basic education and repeat grade 9 "
    "or were admitted to a vocational school (project description [S34]); available from "
    "January 2026 [S33], inside both project periods.",
)
SK_MENTOR_NOT_YET = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The project description sets no start date for mentor support; a news report on the "
    "first 117 trained mentors says it is available from January 2026 [S33], so a plan line "
    "assigning it earlier is refused, as a methodological default. " + _SK_ELIGIBLE,
)
SK_SPECIALISTS = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=SK_ACT,
    url=SK_DESCRIPTION_URL,
    note="Consultative support from a psychologist, social pedagogue, teacher's assistant, special "
    "pedagogue, career counsellor, librarian, speech therapist, sign-language interpreter or "
    "occupational therapist, as needed, for target-group learners with an identified "
    "social-exclusion or PMP risk and for learners who received only a certificate (liecība) for "
    "basic education and repeat grade 9 or were admitted to a vocational school (project "
    "description [S34]). " + _SK_ELIGIBLE,
)
SK_LITERACY = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=SK_ACT,
    url="https://www.ogrenet.lv/kultura/atbalsts-skoleniem-projekta-skola-kopiena-turpinas-18249",
    note="Teacher support for literacy in grades 1-3 (project description [S34]; [S35]). "
    + _SK_ELIGIBLE
    + " "
    + _SK_PROJECT,
)
SK_CERTIFICATE = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=SK_ACT,
    url="https://www.ogrenet.lv/kultura/atbalsts-skoleniem-projekta-skola-kopiena-turpinas-18249",
    note="Subject consultations for learners who completed grade 9 with a certificate (liecība) "
    "only and repeat grade 9 or entered a vocational school (project description [S34]; [S35]). "
    + _SK_ELIGIBLE
    + " "
    + _SK_PROJECT,
)
RISK_OBSERVED = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="Risk factors recorded by staff are findings, as at-risk learners were identified by "
    "teachers' observation in PuMPuRS [S31][S26]; the factors are those of the PuMPuRS plans "
    "[S15][S27]. No act makes a factor a finding, so the rule is a methodological default.",
)
RISK_DEFAULT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The factor is a PuMPuRS risk factor [S27][S90][S26]; the threshold is a "
    "methodological default (see the parameter), not law.",
)
ECONOMIC_DEFAULT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="The needy or low-income family flag (sent to VIIS from 01.01.2024 [S49]) is read as "
    "the economic risk factor 'material circumstances' [S26][S30]; the mapping is ours.",
)
