"""The Decision assembled without re-validation equals the same Decision validated from JSON."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts._time import previous_term_end
from atbalsts.engine import PolicyRegistry
from atbalsts.model import Decision, ObligationDue, SupportCase
from atbalsts.model.decision import NoteCode
from atbalsts.testing.strategies import support_cases

REGISTRY = PolicyRegistry.load(entry_points=False)


@settings(max_examples=40, deadline=None)
@given(case=support_cases(), as_of=st.dates(date(2017, 3, 1), date(2029, 8, 31)))
def test_constructed_decision_is_valid_and_round_trips(case: SupportCase, as_of: date) -> None:
    decision = REGISTRY.policy_set(None).evaluate(case, as_of)
    text = decision.model_dump_json()
    again = Decision.model_validate_json(text)
    assert again == decision
    assert again.model_dump_json() == text
    assert decision.complete
    fired = {row.rule for row in decision.trace if row.fired}
    # A duty carried from the term before was raised on that term's last day: the trace is the
    # evaluation date's, where its rule may not fire (the decision says so in a note).
    end = previous_term_end(as_of)

    def carried(o: ObligationDue) -> bool:
        return NoteCode.DUTIES_CARRIED in notes and end is not None and o.trigger <= end

    notes = {n.code for n in decision.notes}
    produced = (
        {r for f in decision.findings for r in f.rules}
        | {r for o in decision.obligations if not carried(o) for r in o.rules}
        | {r for ref in decision.referrals for r in ref.rules}
        | {r.rule for v in decision.measures + decision.suggestions for r in v.reasons}
    )
    assert produced <= fired
