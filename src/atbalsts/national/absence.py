"""Unjustified absence: Cabinet Regulation No. 89 (2011, amended 2016)."""

from __future__ import annotations

from atbalsts.national import _bases as b
from atbalsts.policy import (
    BasisKind,
    DecisionKind,
    Facts,
    LegalBasis,
    Obligation,
    Params,
    Refer,
    baseline,
    rule,
)

MK89_FROM = baseline.MK89_FROM
LIMIT = baseline.UNJUSTIFIED_LESSONS_LIMIT
PRESCHOOL_LIMIT = baseline.PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT
NOTICE_DAYS = baseline.BOARD_NOTICE_DAYS
#: Full age (pilngadība): 18, the national parameter the plan-application rule reads too.
ADULT_AGE = baseline.ADULT_AGE

#: The trigger of the same-school-day contacts: the absence, on the day it is observed.
ABSENCE = "absent_today_reason_unknown"
#: The count whose limit the board notice and the VIIS record follow (the day it was passed).
LESSONS = "unjustified_lessons"

#: MK 89's same-day contact, with who "the parents" are (p. 1): the persons exercising custody.
MK89_PARENTS = LegalBasis(
    kind=BasisKind.LAW,
    act=b.MK89_ACT,
    provision="1. punkts",
    url=b.MK89_URL,
    note="The school informs the learner's parents, defined as the persons exercising custody "
    "(personas, kas īsteno aizgādību) [S1]; missing with no known reason, they are contacted no "
    "later than the same school day [S3][S9] (point of the deadline not verified; p. 4.4 lets "
    "the school head name the person). Custody is over a child, a person under 18 (Bērnu "
    "tiesību aizsardzības likums, 2. pants [S49a]), so the rule stops at full age.",
)
#: Whom the school contacts about a learner of full age: no source says, so a default.
ADULT_CONTACT = LegalBasis(
    kind=BasisKind.METHODOLOGICAL_DEFAULT,
    note="MK 89 has the school contact the parents, the persons exercising custody (p. 1), or a "
    "child's carer in out-of-family care (p. 2) [S1]. From full age, 18 (Bērnu tiesību "
    "aizsardzības likums, 2. pants [S49a]), there is neither, and no source found says whom the "
    "school contacts then. The default keeps MK 89's same-school-day contact and addresses it to "
    "the learner, who from 18 also signs their own plan application [S17], and to a guardian "
    "where the host records one appointed (living situation 'guardian').",
)


def _compulsory_preschool(f: Facts) -> bool:
    return f.programme == "pre_school" and 5 <= f.age <= 6


@rule(
    "lv.absence.inform_parents",
    kind=DecisionKind.OBLIGATION,
    legal_basis=MK89_PARENTS,
    reads=("absent_today_reason_unknown", "out_of_family_care", "age"),
    params=(ADULT_AGE,),
    valid_from=MK89_FROM,
    mandatory=True,
)
def inform_parents(f: Facts, p: Params) -> Obligation | None:
    """A child absent with no known reason: the parents are contacted the same school day."""
    minor = f.age < p.integer(ADULT_AGE)
    if minor and f.absent_today_reason_unknown and not f.out_of_family_care:
        return Obligation(
            "inform_parents",
            ("class_teacher",),
            ("parent",),
            "same_school_day",
            trigger=ABSENCE,
        )
    return None


@rule(
    "lv.absence.inform_carer",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.MK89_CARE,
    reads=("absent_today_reason_unknown", "living_situation", "age"),
    params=(ADULT_AGE,),
    valid_from=MK89_FROM,
    mandatory=True,
)
def inform_carer(f: Facts, p: Params) -> Obligation | None:
    """A child in out-of-family care absent with no known reason: the carer is informed."""
    carer = baseline.CARERS.get(f.living_situation)
    minor = f.age < p.integer(ADULT_AGE)
    if minor and f.absent_today_reason_unknown and carer is not None:
        return Obligation(
            "inform_carer", ("class_teacher",), (carer,), "same_school_day", trigger=ABSENCE
        )
    return None


@rule(
    "lv.absence.inform_adult_learner",
    kind=DecisionKind.OBLIGATION,
    legal_basis=ADULT_CONTACT,
    reads=("absent_today_reason_unknown", "age", "living_situation"),
    params=(ADULT_AGE,),
    valid_from=MK89_FROM,
)
def inform_adult_learner(f: Facts, p: Params) -> Obligation | None:
    """A learner of full age absent with no known reason is contacted the same school day.

    A guardian the host records as appointed (living situation ``guardian``) is contacted too.
    """
    if f.absent_today_reason_unknown and f.age >= p.integer(ADULT_AGE):
        guardian = ("guardian",) if f.living_situation == "guardian" else ()
        return Obligation(
            "inform_adult_learner",
            ("class_teacher",),
            ("adult_learner", *guardian),
            "same_school_day",
            trigger=ABSENCE,
        )
    return None


def _over_limit(f: Facts, p: Params) -> bool:
    if f.programme == "pre_school":
        return False
    return f.unjustified_lessons > p.integer(LIMIT)


def _notice(
    action: str, roles: tuple[str, ...], recipient: str, p: Params, count: str, limit: int
) -> Obligation:
    """An obligation due within the national notice period (calendar days, moved to the next
    school day), whose deadline shows its own basis, counted from the day ``count`` first went
    over ``limit`` (from the attendance day records; else the first observation showing it)."""
    return Obligation(
        action,
        roles,
        (recipient,),
        "calendar_days",
        days=p.integer(NOTICE_DAYS),
        days_parameter=NOTICE_DAYS,
        trigger=count,
        over=limit,
    )


@rule(
    "lv.absence.inform_board",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.MK89_BOARD,
    reads=("unjustified_lessons", "programme"),
    params=(LIMIT, NOTICE_DAYS),
    valid_from=MK89_FROM,
    mandatory=True,
)
def inform_board(f: Facts, p: Params) -> Obligation | None:
    """More than the limit of lessons without a justifying reason: inform the education board."""
    if _over_limit(f, p):
        return _notice(
            "inform_municipal_education_board",
            ("class_teacher", "social_pedagogue"),
            "municipal_education_board",
            p,
            LESSONS,
            p.integer(LIMIT),
        )
    return None


@rule(
    "lv.absence.record_in_viis",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.VIIS_PRACTICE,
    reads=("unjustified_lessons", "programme"),
    params=(LIMIT, NOTICE_DAYS),
    valid_from=MK89_FROM,
)
def record_in_viis(f: Facts, p: Params) -> Obligation | None:
    """More than the limit: record the learner in the State Education Information System."""
    if _over_limit(f, p):
        return _notice("record_in_viis", ("school_director",), "viis", p, LESSONS, p.integer(LIMIT))
    return None


@rule(
    "lv.absence.preschool_inform_municipality",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.PRESCHOOL_DAYS,
    reads=("programme", "age", "unjustified_days"),
    params=(PRESCHOOL_LIMIT, NOTICE_DAYS),
    valid_from=MK89_FROM,
)
def preschool_inform_municipality(f: Facts, p: Params) -> Obligation | None:
    """A compulsory pre-school child over the limit of days: the municipality is informed."""
    limit = p.integer(PRESCHOOL_LIMIT)
    if _compulsory_preschool(f) and f.unjustified_days > limit:
        return _notice(
            "inform_municipal_education_board",
            ("class_teacher",),
            "municipal_education_board",
            p,
            "unjustified_days",
            limit,
        )
    return None


@rule(
    "lv.absence.involve_social_service",
    kind=DecisionKind.REFERRAL,
    legal_basis=b.MK89_SOCIAL,
    reads=("unjustified_lessons", "programme"),
    params=(LIMIT,),
    valid_from=MK89_FROM,
)
def involve_social_service(f: Facts, p: Params) -> Refer | None:
    """Over the limit: the municipality involves the social service (a suggestion to the school)."""
    if _over_limit(f, p):
        return Refer("social_service", "unjustified_absence_over_limit", "routine", suggestion=True)
    return None


RULES = (
    inform_parents,
    inform_carer,
    inform_adult_learner,
    inform_board,
    record_in_viis,
    preschool_inform_municipality,
    involve_social_service,
)
