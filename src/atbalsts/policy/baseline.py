"""The national baseline's reusable names, for municipal plugins and the baseline alike.

A municipal rule that reads a national parameter, names a carer, or dates itself by a programme
period uses these instead of copying them, so a change in one place reaches every policy (and the
engine takes from here the bodies a report answers a suspected threat by, each on its own days)::

    from atbalsts.policy import baseline

    limit = p.integer(baseline.UNJUSTIFIED_LESSONS_LIMIT)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

from atbalsts.model.plan import ApprovalStep, PlanStatus
from atbalsts.model.risk import BasisKind, LegalBasis

__all__ = [
    "ADULT_AGE",
    "BOARD_NOTICE_DAYS",
    "CARERS",
    "CHILDRENS_PROTECTION_CENTRE_FROM",
    "MENTOR_FROM",
    "MK89_FROM",
    "PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT",
    "PUMPURS_FROM",
    "PUMPURS_TO",
    "REVIEWED_AT_TERM_END",
    "SK_ELIGIBLE_BASIS",
    "SK_ELIGIBLE_FROM",
    "SK_ELIGIBLE_TO",
    "SK_FROM",
    "SK_PROJECT_BASIS",
    "SK_PROJECT_FROM",
    "SK_PROJECT_TO",
    "SK_TO",
    "STATE_CHILD_RIGHTS_BODY",
    "STATE_CHILD_RIGHTS_BODY_CODES",
    "THREAT_POLICE_AND_COURT",
    "THREAT_RECIPIENTS",
    "THREAT_REPORT_BASIS",
    "UNJUSTIFIED_LESSONS_LIMIT",
    "approval_steps",
    "carer_of",
    "in_office",
    "state_child_rights_body_on",
    "threat_recipients_on",
]

# -- national parameter ids (their values, sources and directions: ``atbalsts params``) --------

#: More than this many lessons a semester missed without justification: the board is informed.
UNJUSTIFIED_LESSONS_LIMIT = "lv.absence.unjustified_lessons_limit"
#: Compulsory pre-school: more than this many days missed without justification.
PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT = "lv.absence.preschool_unjustified_days_limit"
#: Days the school has to inform the municipal education board (a methodological default).
BOARD_NOTICE_DAYS = "lv.absence.board_notice_days"
#: Full age (18, Children's Rights Protection Law Art. 2): a learner of this age is contacted
#: instead of the parents, and signs a support plan's application.
ADULT_AGE = "lv.plan.adult_age"

# -- dates --------------------------------------------------------------------------------------

#: The date Cabinet Regulation No. 89 on unjustified absence carries (01.02.2011); its date of
#: entry into force is not in the sources [U], so the library applies it from this day.
MK89_FROM = date(2011, 2, 1)
#: PuMPuRS ran from March 2017 to the end of 2023 [S14][S22].
PUMPURS_FROM = date(2017, 3, 1)
#: PuMPuRS's last day [S14][S22].
PUMPURS_TO = date(2023, 12, 31)

# Skola-kopienā has two periods, from two sources; each rule says which one it uses.

#: Skola-kopienā's eligible-cost period: costs are eligible from 01.07.2024 to 31.08.2029, on the
#: project's own site [S36]. Source: :data:`SK_ELIGIBLE_BASIS`. A rule that judges whether the
#: programme may pay for a plan line uses this period.
SK_ELIGIBLE_FROM = date(2024, 7, 1)
#: The last day of Skola-kopienā's eligible-cost period (see :data:`SK_ELIGIBLE_FROM`).
SK_ELIGIBLE_TO = date(2029, 8, 31)
#: Skola-kopienā's project period (projekta īstenošanas ilgums): 08.05.2025 to 31.08.2029, in the
#: project description [S34]. Source: :data:`SK_PROJECT_BASIS`. The project site gives January
#: 2025 to August 2029 instead [S36]; the project description is the more specific source. A rule
#: that shows a measure nobody asked for (the project is not yet delivering it before) uses this
#: period.
SK_PROJECT_FROM = date(2025, 5, 8)
#: The last day of Skola-kopienā's project period (see :data:`SK_PROJECT_FROM`).
SK_PROJECT_TO = date(2029, 8, 31)
#: The eligible-cost period under its earlier names (:data:`SK_ELIGIBLE_FROM`,
#: :data:`SK_ELIGIBLE_TO`), kept for the rules and plugins that date themselves by it.
SK_FROM = SK_ELIGIBLE_FROM
#: The eligible-cost period's last day under its earlier name (:data:`SK_ELIGIBLE_TO`).
SK_TO = SK_ELIGIBLE_TO
#: Learner-mentor support is available from January 2026 [S33], inside both periods.
MENTOR_FROM = date(2026, 1, 1)

_SK_ACT = 'ESF+ projekts Nr. 4.2.3.1/1/24/I/001 "Skola-kopienā"'

#: The source of :data:`SK_ELIGIBLE_FROM` and :data:`SK_ELIGIBLE_TO`.
SK_ELIGIBLE_BASIS = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=_SK_ACT,
    url="https://skola-kopiena.lv/about",
    note="Eligible-cost period 01.07.2024-31.08.2029, on the project's site [S36].",
)
#: The source of :data:`SK_PROJECT_FROM` and :data:`SK_PROJECT_TO`.
SK_PROJECT_BASIS = LegalBasis(
    kind=BasisKind.PROGRAMME,
    act=_SK_ACT,
    url="https://www.lvg.lv/section/top/skola-kopiena/417",
    note="Project period ('Projekta īstenošanas ilgums') 08.05.2025-31.08.2029, in the project "
    "description published by Liepājas Valsts ģimnāzija, a participating school [S34]. The "
    "project's site gives January 2025-August 2029 [S36]; the description's exact date is "
    "followed.",
)

# -- who is informed ---------------------------------------------------------------------------

#: Who is informed instead of the parents, by living situation (MK 89 p. 2). A learner living
#: with parents is not listed: the parents are informed.
CARERS: Mapping[str, str] = MappingProxyType(
    {
        "foster_family": "foster_family",
        "guardian": "guardian",
        "care_institution": "care_institution_head",
    }
)


def carer_of(living_situation: str) -> str:
    """The role informed about a learner's absence: a carer from :data:`CARERS`, else the parent."""
    return CARERS.get(living_situation, "parent")


# -- which plans are reviewed at the end of their term -------------------------------------------

#: The plans reviewed at the end of their term: those in their period, active or on hold (a held
#: plan's period ends with its semester too [S23]). The national review rules schedule them and
#: the engine's follow-up chases them (``plan_review_overdue``).
REVIEWED_AT_TERM_END: frozenset[PlanStatus] = frozenset({PlanStatus.ACTIVE, PlanStatus.ON_HOLD})


# -- who approves a support plan -----------------------------------------------------------------


def approval_steps(state_vocational_school: bool, national_step: bool) -> list[ApprovalStep]:
    """The steps of a support plan's national approval chain, in order: the author, the school
    director, the municipal coordinator (not for a state vocational school) and, with
    ``national_step`` (while PuMPuRS ran: :data:`PUMPURS_FROM` to :data:`PUMPURS_TO`), the
    national coordinator (IKVD) [S17]. The national plan checks, the engine's follow-ups and the
    workflow's guards all take the chain from here."""
    needed = [ApprovalStep.AUTHOR, ApprovalStep.SCHOOL_DIRECTOR]
    if not state_vocational_school:
        needed.append(ApprovalStep.MUNICIPAL_COORDINATOR)
    if national_step:
        needed.append(ApprovalStep.NATIONAL_COORDINATOR)
    return needed


# -- who answers a suspected threat --------------------------------------------------------------

#: Children's Rights Protection Law (Bērnu tiesību aizsardzības likums) Art. 73(1): violence, an
#: offence, a violation of the child's rights or another threat to a child is reported to the
#: police, the orphan's court or another child-rights institution no later than the same day
#: [S44]. The national rules on suspected
#: threats cite it, and it is the basis of :func:`threat_recipients_on`.
THREAT_REPORT_BASIS = LegalBasis(
    kind=BasisKind.LAW,
    act="Bērnu tiesību aizsardzības likums",
    provision="73. panta pirmā daļa",
    url="https://vestnesis.lv/ta/id/49096-bernu-tiesibu-aizsardzibas-likums",
    note="Violence, an offence, a violation of the child's rights or another threat to a child "
    "is reported to the police, the orphan's court or another child-rights institution no "
    "later than the same day [S44].",
)

#: The first day of the Children's Protection Centre (Bērnu aizsardzības centrs, BAC): the State
#: Inspectorate for Protection of Children's Rights (VBTAI) was renamed and re-scoped as it from
#: 01.01.2024, so 31.12.2023 was VBTAI's last day [S45][S46][S47a].
CHILDRENS_PROTECTION_CENTRE_FROM = date(2024, 1, 1)

#: The recipients of an Art. 73(1) report on every date (:data:`THREAT_REPORT_BASIS`): the State
#: and the municipal police, and the orphan's court [S44]. The national report rule names them,
#: with the state child-rights body of the day (:data:`STATE_CHILD_RIGHTS_BODY`).
THREAT_POLICE_AND_COURT: tuple[str, ...] = ("state_police", "municipal_police", "orphans_court")

#: The state child-rights body ("another child-rights institution" of Art. 73(1)): one office
#: under two codes, each with the first and last day it held it (None: no bound within the
#: library's coverage). It was the State Inspectorate for Protection of Children's Rights
#: (``vbtai``) until 31.12.2023 and is the Children's Protection Centre
#: (``childrens_protection_centre``) from 01.01.2024 [S45]. The national parameter
#: ``lv.child_protection.state_institution``, which names the body in the report duty, holds the
#: same dates (a test compares them); the engine reads them here, where it matches a report to
#: its day (:func:`in_office`).
STATE_CHILD_RIGHTS_BODY: tuple[tuple[str, date | None, date | None], ...] = (
    ("vbtai", None, CHILDRENS_PROTECTION_CENTRE_FROM - timedelta(days=1)),
    ("childrens_protection_centre", CHILDRENS_PROTECTION_CENTRE_FROM, None),
)

#: Every code that is, or was, the state child-rights body (:data:`STATE_CHILD_RIGHTS_BODY`).
STATE_CHILD_RIGHTS_BODY_CODES: frozenset[str] = frozenset(c for c, _, _ in STATE_CHILD_RIGHTS_BODY)

#: Every institution that receives, or received, an Art. 73(1) report (:data:`THREAT_REPORT_BASIS`),
#: on any date: the police, the orphan's court and both codes of the state child-rights body. It
#: says what a record is about (a referral to one of them is child-protection data, whenever it
#: was made), not what answers a suspicion on a day: a report answers one when it went to one of
#: :func:`threat_recipients_on` the day it was made, so a report to ``vbtai`` made on 2023-12-20
#: answers it and one made in 2025 does not (an engine convention, not law: the body went on as
#: the Children's Protection Centre, but the code ``vbtai`` names no body in office after
#: 31.12.2023, so a report so coded is taken as not sent). The engine derives the
#: fact ``suspected_threat`` and answers the report duty by that one test.
THREAT_RECIPIENTS: frozenset[str] = frozenset(
    {*THREAT_POLICE_AND_COURT, *STATE_CHILD_RIGHTS_BODY_CODES}
)


def in_office(institution: str, day: date) -> bool:
    """Whether a report made on ``day`` to ``institution`` reached a body that existed then: a
    code of the state child-rights body only within its own days
    (:data:`STATE_CHILD_RIGHTS_BODY`), any other code on every day."""
    for code, first, last in STATE_CHILD_RIGHTS_BODY:
        if code == institution:
            return (first is None or first <= day) and (last is None or day <= last)
    return True


def state_child_rights_body_on(day: date) -> str:
    """The code of the state child-rights body in office on ``day``
    (:data:`STATE_CHILD_RIGHTS_BODY`)."""
    return next(code for code, _, _ in STATE_CHILD_RIGHTS_BODY if in_office(code, day))


def threat_recipients_on(day: date) -> frozenset[str]:
    """The institutions a report made on ``day`` answers a suspected threat by (Art. 73(1)
    [S44]): the police, the orphan's court, and the state child-rights body in office that day."""
    return frozenset({*THREAT_POLICE_AND_COURT, state_child_rights_body_on(day)})
