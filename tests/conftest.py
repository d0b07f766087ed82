"""Shared fixtures of the test suite. The settings of every test session run in this checkout, the
plugins' tests included (the Hypothesis profile, the environment cleared), are in the checkout's
root ``conftest.py``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

#: A small, valid support case as a vendor would send it (JSON-shaped). Tests copy and break it.
VALID_CASE: dict[str, Any] = {
    "schema_version": "1.0",
    "learner": {
        "id": "L-0001",
        "birth_date": "2011-05-14",
        "enrolment": {
            "school_id": "school-17",
            "municipality": "bauska",
            "programme": "general_basic",
            "grade": 8,
        },
        "living_situation": "with_parents",
    },
    "observations": [
        {
            "term": {"school_year": "2024/2025", "semester": 1},
            "as_of": "2024-11-29",
            "attendance": {
                "lessons_scheduled": 420,
                "lessons_missed_justified": 12,
                "lessons_missed_unjustified": 21,
            },
            "achievement": {
                "marks": [{"subject": "matemātika", "mark": 3}],
                "failing_subjects": ["matemātika"],
            },
            "staff_observations": [
                {
                    "factor": "lack_of_motivation",
                    "recorded_by": "class_teacher",
                    "recorded_on": "2024-11-20",
                }
            ],
        }
    ],
    "plans": [
        {
            "id": "plan-1",
            "learner_id": "L-0001",
            "term": {"school_year": "2024/2025", "semester": 1},
            "period": {"start": "2024-12-02", "end": "2024-12-20"},
            "status": "active",
            "author_role": "social_pedagogue",
            "risk_factors": ["unjustified_absences", "low_achievement"],
            "measures": [
                {
                    "measure": "subject_consultation",
                    "responsible_role": "subject_teacher",
                    "funding": "pumpurs",
                    "subject": "matemātika",
                    "hours": 8,
                },
                {
                    "measure": "mentor_support",
                    "responsible_role": "learner_mentor",
                    "funding": "skola_kopiena",
                },
            ],
        }
    ],
    "referrals": [
        {
            "id": "ref-1",
            "learner_id": "L-0001",
            "referred_by": {"institution": "school", "role": "social_pedagogue"},
            "referred_to": {"institution": "social_service"},
            "reason": "Ilgstoši neattaisnoti kavējumi.",
            "created_on": "2024-12-02",
            "due": "2024-12-09",
            "consent_id": "consent-1",
        }
    ],
    "consents": [
        {
            "id": "consent-1",
            "learner_id": "L-0001",
            "grantor": "parent",
            "purpose": "Datu nodošana sociālajam dienestam.",
            "recipients": ["social_service", "orphans_court"],
            "given_on": "2024-11-30",
            "period": {"start": "2024-12-01", "end": "2025-05-31"},
        }
    ],
}


@pytest.fixture
def case_data() -> dict[str, Any]:
    """A fresh deep copy of :data:`VALID_CASE`, free to mutate."""
    return copy.deepcopy(VALID_CASE)
