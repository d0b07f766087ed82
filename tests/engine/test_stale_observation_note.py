"""A decision says when it rests on an observation of an earlier term (the outside tester's
report: a case whose only observations were a year and a half old decided with findings and no
word that its data was old). Recomputed from the case alone: the note is there exactly when an
observation is dated on or before the evaluation date and none of them is of that date's term."""

from __future__ import annotations

import functools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atbalsts.engine import PolicyRegistry
from atbalsts.model import SupportCase
from atbalsts.policy import term_of
from atbalsts.testing.strategies import support_cases

CODE = "observation_of_earlier_term"


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


def _expected(case: SupportCase, as_of: date) -> dict[str, object] | None:
    school_year, semester = term_of(as_of)
    known = [o for o in case.observations if o.as_of <= as_of]
    in_term = [o for o in known if (o.term.school_year, o.term.semester) == (school_year, semester)]
    if not known or in_term:
        return None
    return {"school_year": school_year, "semester": semester}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["parauga", "bauska", "riga"]).flatmap(
        lambda m: support_cases(municipality=m, as_of=date(2025, 10, 15))
    ),
    st.sampled_from([date(2025, 10, 15), date(2026, 1, 12), date(2026, 9, 1), date(2027, 3, 1)]),
)
def test_the_note_says_exactly_when_the_latest_observation_is_of_an_earlier_term(
    case: SupportCase, as_of: date
) -> None:
    decision = registry().evaluate(case, as_of)
    notes = [dict(n.detail) for n in decision.notes if str(n.code) == CODE]
    expected = _expected(case, as_of)
    assert notes == ([] if expected is None else [expected])
    if expected is not None:  # and never beside the note that no observation exists at all
        assert "no_observation_on_date" not in {str(n.code) for n in decision.notes}


def test_an_example_decided_a_year_and_a_half_later_says_its_data_is_old() -> None:
    from pathlib import Path

    from atbalsts.model import parse_json

    example = Path(__file__).parents[2] / "examples" / "01-bauska-grade7-absences.json"
    case = parse_json(SupportCase, example.read_bytes(), name=example.name)
    fresh = registry().evaluate(case, date(2025, 3, 14))
    assert CODE not in {str(n.code) for n in fresh.notes}
    old = registry().evaluate(case, date(2026, 9, 1))
    (note,) = [n for n in old.notes if str(n.code) == CODE]
    assert dict(note.detail) == {"school_year": "2026/2027", "semester": 1}
