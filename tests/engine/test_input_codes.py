"""The local codes of a case: the quick scan the engine runs per case finds what the scan that
names each field's path finds."""

from __future__ import annotations

from hypothesis import find, given, settings
from hypothesis import strategies as st

from atbalsts.engine._inputcodes import _codes, _local
from atbalsts.model import SupportCase
from atbalsts.testing.strategies import support_cases

MEASURES = st.sampled_from(
    [
        "psychologist_consultation",
        "parauga:needy_family_meals",
        "bauska:transport",
        "mentor_support",
    ]
)


@settings(max_examples=80, deadline=None)
@given(case=support_cases(measure_codes=MEASURES))
def test_the_quick_scan_finds_every_local_code_the_named_scan_finds(case: SupportCase) -> None:
    named = {(code_list, code) for _, code_list, code in _codes(case) if ":" in code}
    assert _local(case) == named


def test_the_cases_above_do_hold_local_codes() -> None:
    """So that the property above is not true of empty sets alone."""
    found = find(support_cases(measure_codes=MEASURES), lambda case: bool(_local(case)))
    assert all(":" in code for _, code in _local(found))
