"""Shared fixtures and the Hypothesis settings profile of the test suite."""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest
from hypothesis import settings

# "ci": no per-example deadline (shared CI machines are slow and noisy), and enough examples to
# find real problems while keeping the whole suite fast. Each run draws new examples (no
# derandomize): a failure prints the @reproduce_failure blob that replays it anywhere.
settings.register_profile("ci", deadline=None, max_examples=50, print_blob=True)
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    """Clear the environment variables atbalsts reads (the command's language, the plugins to load
    or block, the service's key file) for the whole session, the plugins' tests included: a shell
    may set them for its own use of the command, and with ``ATBALSTS_LANG=en`` the tests of the
    default Latvian failed (``ATBALSTS_PLUGINS`` or ``ATBALSTS_BLOCK_PLUGINS``: a policy missing).
    A test that needs one sets it with ``monkeypatch``. ``ATBALSTS_UPDATE_GOLDEN`` is the suite's
    own switch and is kept."""
    for name in [n for n in os.environ if n.startswith("ATBALSTS_")]:
        if name != "ATBALSTS_UPDATE_GOLDEN":
            del os.environ[name]


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
