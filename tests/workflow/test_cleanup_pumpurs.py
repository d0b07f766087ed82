"""The PuMPuRS days of the approval chain: the default chain and the guards' national floor
ask IKVD's step on the same days, the programme's first and last included, and the municipal
coordinator's for the same schools."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atbalsts.model import ApprovalStep
from atbalsts.policy import baseline
from atbalsts.workflow import approval_chain
from atbalsts.workflow._guards import chain_on, national_chain

IKVD = ApprovalStep.NATIONAL_COORDINATOR
EDGES = [
    (baseline.PUMPURS_FROM - timedelta(days=1), False),
    (baseline.PUMPURS_FROM, True),
    (baseline.PUMPURS_TO, True),
    (baseline.PUMPURS_TO + timedelta(days=1), False),
]


@pytest.mark.parametrize(("day", "ran"), EDGES, ids=[d.isoformat() for d, _ in EDGES])
def test_ikvd_is_asked_from_the_first_to_the_last_day_of_pumpurs(day: date, ran: bool) -> None:
    assert (IKVD in approval_chain(day)) is ran
    assert (IKVD in approval_chain(day, state_vocational_school=True)) is ran
    for vocational in (False, True):
        assert (
            IKVD in national_chain(None, "activate", day, state_vocational_school=vocational)
        ) is ran


@given(day=st.dates(date(2010, 1, 1), date(2030, 12, 31)), vocational=st.booleans())
def test_the_default_chain_holds_the_guards_national_steps_in_their_order(
    day: date, vocational: bool
) -> None:
    chain = approval_chain(day, state_vocational_school=vocational)
    floor = national_chain(None, "activate", day, state_vocational_school=vocational)
    assert [s for s in chain if s in floor] == list(floor)
    assert (ApprovalStep.MUNICIPAL_COORDINATOR in chain) is not vocational
    # the guards ask the whole national chain of the plan's school, the coordinator included
    assert floor == chain


@given(
    days=st.lists(st.dates(date(2010, 1, 1), date(2030, 12, 31)), min_size=1, max_size=3),
    vocational=st.booleans(),
)
def test_the_chain_of_several_days_has_the_steps_each_of_their_chains_has(
    days: list[date], vocational: bool
) -> None:
    chains = [approval_chain(day, state_vocational_school=vocational) for day in days]
    shared = chain_on(tuple(days), state_vocational_school=vocational)
    assert set(shared) == set(chains[0]).intersection(*chains)
    assert [s for s in chains[0] if s in shared] == list(shared)  # in the chain's order
