"""The access matrix: what each role may see of a case, and what a referral's recipient may see.

Each row says, per category of data, how much the role sees (:class:`Level`), and where that
comes from: a source for the role's duty, or the label "methodological default" where no act says
who may see what. The matrix is the library's default; a host may narrow it, never widen it
silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

import attrs

from atbalsts.errors import UnknownNameError
from atbalsts.model import (
    Consent,
    DataCategory,
    Referral,
    ReferralPurpose,
    TaskStatus,
)
from atbalsts.model.referral import MADE_STATUSES
from atbalsts.privacy._categories import Level
from atbalsts.privacy._duties import duty_covers

__all__ = [
    "MATRIX",
    "PURPOSE_NEEDS",
    "RECIPIENTS",
    "Grants",
    "Row",
    "ViewRole",
    "grants_for",
    "purpose_grants",
]

C = DataCategory
N, B, P, F = Level.NONE, Level.BASIC, Level.PERSONAL, Level.FULL

#: What a role may see, per category (a category not named: nothing).
Grants = Mapping[DataCategory, Level]


class ViewRole(StrEnum):
    """The roles a view is made for."""

    CLASS_TEACHER = "class_teacher"
    SOCIAL_PEDAGOGUE = "social_pedagogue"
    PSYCHOLOGIST = "psychologist"
    SCHOOL_DIRECTOR = "school_director"
    MUNICIPAL_COORDINATOR = "municipal_coordinator"
    SOCIAL_SERVICE = "social_service"
    ORPHANS_COURT = "orphans_court"
    POLICE = "police"


@attrs.frozen
class Row:
    """One row of the matrix: the role's grants and where they come from."""

    role: ViewRole
    grants: Grants
    source: str


def _row(role: ViewRole, source: str, **levels: Level) -> Row:
    return Row(role, {C(name): level for name, level in levels.items() if level}, source)


MATRIX: dict[ViewRole, Row] = {
    r.role: r
    for r in (
        _row(
            ViewRole.CLASS_TEACHER,
            "Contacts the parents the same school day and keeps the attendance record (MK 89 "
            "[S3][S9]); knows whom to inform in out-of-family care (MK 89 p. 2); drafts the "
            "support plan [S25]. Health, protection and free-text notes: methodological default "
            "(not needed for these duties).",
            identity=B,
            schooling=F,
            attendance=F,
            behaviour=F,
            family=B,
            risk=F,
            support=F,
            referrals=B,
        ),
        _row(
            ViewRole.SOCIAL_PEDAGOGUE,
            "Contacts the parents [S3]; in one school's practice files the report on more than "
            "20 lessons with the municipality [S3] (in Bauska the school reports [S7]); support "
            "staff of the plan [S19]. Health: methodological default (left to the psychologist).",
            identity=P,
            schooling=F,
            attendance=F,
            behaviour=F,
            family=F,
            risk=F,
            protection=F,
            support=F,
            referrals=F,
            notes=F,
        ),
        _row(
            ViewRole.PSYCHOLOGIST,
            "Drafts support plans and gives consultations [S20][S19]; the one role that sees "
            "health notes: methodological default.",
            identity=P,
            schooling=F,
            attendance=F,
            behaviour=F,
            family=F,
            health=F,
            risk=F,
            protection=F,
            support=F,
            referrals=F,
            notes=F,
        ),
        _row(
            ViewRole.SCHOOL_DIRECTOR,
            "Sets the attendance procedure (MK 89 p. 4) and approves support plans [S1][S17]. "
            "Counts and codes elsewhere, no free text: methodological default.",
            identity=P,
            schooling=B,
            attendance=B,
            behaviour=B,
            family=B,
            risk=B,
            protection=B,
            support=F,
            referrals=B,
        ),
        _row(
            ViewRole.MUNICIPAL_COORDINATOR,
            "Approves support plans [S17]. Seeing absences (basic) is a methodological default: "
            "the absence notice goes to the municipal education board [S7], not to the "
            "coordinator. Nothing else: methodological default.",
            identity=B,
            attendance=B,
            risk=B,
            support=F,
        ),
        _row(
            ViewRole.SOCIAL_SERVICE,
            "Outside the school: only the learner's id, unless a referral shares more "
            "(methodological default; the referral says what, see PURPOSE_NEEDS).",
            identity=B,
        ),
        _row(
            ViewRole.ORPHANS_COURT,
            "Outside the school: only the learner's id, unless a referral shares more "
            "(methodological default).",
            identity=B,
        ),
        _row(
            ViewRole.POLICE,
            "Outside the school: only the learner's id, unless a referral shares more "
            "(methodological default).",
            identity=B,
        ),
    )
}

#: What each purpose of a referral needs its recipient to see (a methodological default): the
#: recipient sees these categories, as far as the referral shares them, in full, and the
#: learner's identity with the personal fields but not the protected ones.
PURPOSE_NEEDS: dict[ReferralPurpose, frozenset[DataCategory]] = {
    ReferralPurpose.CHILD_PROTECTION: frozenset(
        {C.IDENTITY, C.FAMILY, C.PROTECTION, C.BEHAVIOUR, C.ATTENDANCE, C.HEALTH, C.NOTES}
    ),
    ReferralPurpose.ABSENCE_FOLLOW_UP: frozenset(
        {C.IDENTITY, C.SCHOOLING, C.ATTENDANCE, C.FAMILY, C.SUPPORT}
    ),
    ReferralPurpose.SOCIAL_ASSISTANCE: frozenset(
        {C.IDENTITY, C.SCHOOLING, C.ATTENDANCE, C.FAMILY, C.SUPPORT}
    ),
    ReferralPurpose.SUPPORT_PLAN: frozenset(
        {C.IDENTITY, C.SCHOOLING, C.ATTENDANCE, C.BEHAVIOUR, C.RISK, C.SUPPORT}
    ),
    ReferralPurpose.SPECIALIST_ASSESSMENT: frozenset(
        {C.IDENTITY, C.SCHOOLING, C.ATTENDANCE, C.BEHAVIOUR, C.RISK, C.HEALTH, C.NOTES}
    ),
    ReferralPurpose.COOPERATION_GROUP: frozenset(
        {
            C.IDENTITY,
            C.SCHOOLING,
            C.ATTENDANCE,
            C.BEHAVIOUR,
            C.FAMILY,
            C.RISK,
            C.PROTECTION,
            C.SUPPORT,
            C.REFERRALS,
        }
    ),
}

#: The institutions (or roles) whose referrals a role receives.
RECIPIENTS: dict[ViewRole, frozenset[str]] = {
    ViewRole.SOCIAL_SERVICE: frozenset({"social_service"}),
    ViewRole.ORPHANS_COURT: frozenset({"orphans_court"}),
    ViewRole.POLICE: frozenset({"state_police", "municipal_police"}),
}

#: Referral statuses in which the recipient has what it shares: sent, and not withdrawn by the
#: sender (cancelled) or void (entered in error).
_SHARED = MADE_STATUSES | {TaskStatus.FAILED, TaskStatus.REJECTED}


def role_of(role: str) -> ViewRole:
    """The view role called ``role``; raises :class:`~atbalsts.errors.UnknownNameError`."""
    try:
        return ViewRole(role)
    except ValueError:
        raise UnknownNameError("view role", role, [r.value for r in ViewRole]) from None


def purpose_grants(purpose: ReferralPurpose, shared: frozenset[DataCategory]) -> Grants:
    """What a recipient sees of a referral for ``purpose`` that shares ``shared``."""
    return {c: (P if c is C.IDENTITY else F) for c in PURPOSE_NEEDS[purpose] if c in shared}


def _receives(role: ViewRole, referral: Referral) -> bool:
    to = referral.referred_to
    return to.institution in RECIPIENTS.get(role, frozenset()) or to.role == role.value


def _consented(
    referral: Referral, consents: tuple[Consent, ...], on: date | None
) -> frozenset[DataCategory]:
    """The data categories of ``referral`` that the consent it names covers on ``on``."""
    consent = next((c for c in consents if c.id == referral.consent_id), None)
    sent = referral.made_on
    if (
        consent is None
        or consent.learner_id != referral.learner_id
        or not consent.in_force(on or sent)  # never before it was given, nor once withdrawn
        or referral.purpose not in consent.purposes
        or referral.referred_to.institution not in consent.recipients
    ):
        return frozenset()
    return frozenset(referral.data_categories) & frozenset(consent.data_categories)


def grants_for(
    role: ViewRole,
    referral: Referral | None = None,
    consents: tuple[Consent, ...] = (),
    on: date | None = None,
) -> Grants:
    """What ``role`` may see: its row of the matrix and, when it is the recipient of
    ``referral``, what the referral's purpose needs of what it shares lawfully.

    A referral adds nothing when ``role`` is not its recipient, when it has not been sent (or was
    cancelled or entered in error), or when it states no purpose. Of what it shares, the
    recipient sees what its legal duty covers (:func:`~atbalsts.privacy.duty_covers`:
    the Art. 73(1) report to a body the article names on the day the referral was made, the
    MK 89 notice's identity and absences to the education board), and what the consent it names
    covers: a consent among ``consents``, about the same learner, for its purpose and recipient,
    in force on ``on`` (by default the day it was sent): not before the consent was given, and no
    longer once it is withdrawn (further sharing stops). A referral sent with neither (a guard
    overridden) adds nothing.
    """
    grants = dict(MATRIX[role].grants)
    if referral is None or referral.purpose is None or referral.status not in _SHARED:
        return grants
    if not _receives(role, referral):
        return grants
    lawful = duty_covers(referral) | _consented(referral, consents, on)
    extra = purpose_grants(referral.purpose, lawful)
    for category, level in extra.items():
        grants[category] = max(grants.get(category, N), level)
    return grants
