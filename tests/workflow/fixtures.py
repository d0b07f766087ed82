"""Synthetic documents for the workflow tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from atbalsts.model import Consent, Referral, SupportPlan, parse_python

DAY = date(2025, 3, 3)


def plan(**changes: Any) -> SupportPlan:
    data: dict[str, Any] = {
        "id": "plan-1",
        "learner_id": "L-0001",
        "term": {"school_year": "2024/2025", "semester": 2},
        "period": {"start": "2025-01-06", "end": "2025-05-30"},
        "author_role": "class_teacher",
        "goals": [
            {
                "description": "Synthetic goal",
                "indicator": "unjustified_lessons",
                "target": 5.0,
                "direction": "at_most",
            }
        ],
        "measures": [
            {
                "measure": "psychologist_consultation",
                "responsible_role": "psychologist",
                "funding": "skola_kopiena",
                "sessions": 6,
            }
        ],
    }
    data.update(changes)
    return parse_python(SupportPlan, data)


def referral(**changes: Any) -> Referral:
    data: dict[str, Any] = {
        "id": "R-1",
        "learner_id": "L-0001",
        "referred_by": {"institution": "school", "role": "social_pedagogue"},
        "referred_to": {"institution": "social_service"},
        "reason": "Synthetic: the family may need support.",
        "created_on": "2025-03-03",
        "purpose": "social_assistance",
        "data_categories": ["identity", "attendance"],
    }
    data.update(changes)
    return parse_python(Referral, data)


def consent(**changes: Any) -> Consent:
    data: dict[str, Any] = {
        "id": "C-1",
        "learner_id": "L-0001",
        "grantor": "parent",
        "purpose": "Synthetic: sharing with the social service.",
        "recipients": ["social_service"],
        "given_on": "2025-02-01",
        "period": {"start": "2025-02-01", "end": "2025-08-31"},
        "purposes": ["social_assistance"],
        "data_categories": ["identity", "attendance"],
    }
    data.update(changes)
    return parse_python(Consent, data)
