"""Unjustified absence: Cabinet Regulation No. 89 (2011, amended 2016)."""

from __future__ import annotations

from atbalsts.national import _bases as b
from atbalsts.policy import DecisionKind, Facts, Obligation, Params, Refer, baseline, rule

MK89_FROM = baseline.MK89_FROM
LIMIT = baseline.UNJUSTIFIED_LESSONS_LIMIT
PRESCHOOL_LIMIT = baseline.PRESCHOOL_UNJUSTIFIED_DAYS_LIMIT
NOTICE_DAYS = baseline.BOARD_NOTICE_DAYS


def _compulsory_preschool(f: Facts) -> bool:
    return f.programme == "pre_school" and 5 <= f.age <= 6


@rule(
    "lv.absence.inform_parents",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.MK89_SAME_DAY,
    reads=("absent_today_reason_unknown", "out_of_family_care"),
    valid_from=MK89_FROM,
    mandatory=True,
)
def inform_parents(f: Facts, p: Params) -> Obligation | None:
    """Absent with no known reason: contact the parents the same school day."""
    if f.absent_today_reason_unknown and not f.out_of_family_care:
        return Obligation("inform_parents", ("class_teacher",), ("parent",), "same_school_day")
    return None


@rule(
    "lv.absence.inform_carer",
    kind=DecisionKind.OBLIGATION,
    legal_basis=b.MK89_CARE,
    reads=("absent_today_reason_unknown", "living_situation"),
    valid_from=MK89_FROM,
    mandatory=True,
)
def inform_carer(f: Facts, p: Params) -> Obligation | None:
    """In out-of-family care: inform the foster family, guardian or institution head instead."""
    carer = baseline.CARERS.get(f.living_situation)
    if f.absent_today_reason_unknown and carer is not None:
        return Obligation("inform_carer", ("class_teacher",), (carer,), "same_school_day")
    return None


def _over_limit(f: Facts, p: Params) -> bool:
    if f.programme == "pre_school":
        return False
    return f.unjustified_lessons > p.integer(LIMIT)


def _notice(action: str, roles: tuple[str, ...], recipient: str, p: Params) -> Obligation:
    """An obligation due within the national notice period, whose deadline shows its own basis."""
    return Obligation(
        action, roles, (recipient,), "days", days=p.integer(NOTICE_DAYS), days_parameter=NOTICE_DAYS
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
        return _notice("record_in_viis", ("school_director",), "viis", p)
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
    """Compulsory pre-school group: more than the limit of days: inform the municipality."""
    if _compulsory_preschool(f) and f.unjustified_days > p.integer(PRESCHOOL_LIMIT):
        return _notice(
            "inform_municipal_education_board",
            ("class_teacher",),
            "municipal_education_board",
            p,
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
    """Over the limit: the municipality involves the social service."""
    if _over_limit(f, p):
        return Refer("social_service", "unjustified_absence_over_limit", "routine")
    return None


RULES = (
    inform_parents,
    inform_carer,
    inform_board,
    record_in_viis,
    preschool_inform_municipality,
    involve_social_service,
)
