"""The Decision's JSON written from plain data is the pydantic document's JSON, byte for byte;
and a batch decision that names its legal bases and parameters by id in a rule table expands
back to it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts.engine import (
    PolicyRegistry,
    RuleTable,
    TableRefs,
    compact_decision,
    decision_data,
    decision_json,
    expand_decision,
    rule_table_of,
)
from atbalsts.engine._assemble import to_json
from atbalsts.engine._compact import compact_reference
from atbalsts.model import Decision, SupportCase
from atbalsts.testing.strategies import support_cases

REGISTRY = PolicyRegistry.load()
MUNICIPALITIES = st.sampled_from(["bauska", "parauga", "ogre"])
DATES = st.dates(date(2017, 3, 1), date(2029, 8, 31))


@settings(max_examples=60, deadline=None)
@given(case=support_cases(), as_of=DATES, municipality=MUNICIPALITIES, trace=st.booleans())
def test_lean_json_is_the_documents_json(
    case: SupportCase, as_of: date, municipality: str, trace: bool
) -> None:
    policy_set = REGISTRY.policy_set(municipality)
    ev = policy_set.run(case, as_of, trace=trace)
    text = decision_json(ev, policy_set.codes)
    document = Decision.model_validate_json(text)
    assert document.model_dump_json() == text
    whole = policy_set.evaluate(case, as_of).model_dump_json()
    assert policy_set.evaluate_json(case, as_of) == whole


@settings(max_examples=60, deadline=None)
@given(case=support_cases(), as_of=DATES, municipality=MUNICIPALITIES, trace=st.booleans())
def test_a_decision_by_id_expands_to_the_document(
    case: SupportCase, as_of: date, municipality: str, trace: bool
) -> None:
    policy_set = REGISTRY.policy_set(municipality)
    ev = policy_set.run(case, as_of, trace=trace)
    table = rule_table_of(ev.policy, policy_set.codes)
    small = to_json(compact_decision(ev, policy_set.codes, TableRefs(table)))
    # through JSON text both ways, as a reader of the batch output gets them
    read_table = RuleTable.from_record(json.loads(to_json(table.record)))
    expanded = to_json(expand_decision(json.loads(small), read_table))
    assert expanded == decision_json(ev, policy_set.codes)
    assert len(small) <= len(expanded)
    assert json.loads(small)["policy"] == table.id


def test_the_table_names_every_legal_basis_of_a_busy_decision() -> None:
    """Nothing of a decision with sources, parameters and a trace is written out in full, but
    for a duty carried from the term before: raised under the policy in force on 31 August,
    it names the national notice period parauga has replaced since, which today's table does
    not hold (written out, never lost)."""
    from atbalsts.testing.conformance import sample_cases

    policy_set = REGISTRY.policy_set("parauga")
    cases = sample_cases(50, as_of=date(2025, 11, 20), municipality="parauga")
    inline = carried = 0
    for case in cases:
        ev = policy_set.run(case, date(2025, 11, 20), trace=True)
        refs = TableRefs(rule_table_of(ev.policy, policy_set.codes))
        data = json.loads(to_json(decision_data(ev, policy_set.codes, refs)))
        own = [o for o in data["obligations"] if o["trigger"] >= "2025-09-01"]
        carried += len(data["obligations"]) - len(own)
        data["obligations"] = own

        def walk(node: object) -> None:
            nonlocal inline
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("legal_basis", "deadline_basis", "reference") and isinstance(
                        value, dict
                    ):
                        inline += 1
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(data)
    assert inline == 0
    assert carried  # the sample has some: the exception above is exercised


@settings(max_examples=60, deadline=None)
@given(case=support_cases(), as_of=DATES, municipality=MUNICIPALITIES, trace=st.booleans())
def test_the_quick_compact_writer_writes_what_the_reference_writer_does(
    case: SupportCase, as_of: date, municipality: str, trace: bool
) -> None:
    """The batch's compact writer, which writes straight from the evaluation, and the generic
    one that compacts the whole data with the rules it shares with expand_decision, leave out
    exactly the same fields."""
    policy_set = REGISTRY.policy_set(municipality)
    ev = policy_set.run(case, as_of, trace=trace)
    refs = TableRefs(rule_table_of(ev.policy, policy_set.codes))
    data = decision_data(ev, policy_set.codes, refs)
    quick = compact_decision(ev, policy_set.codes, refs)
    assert to_json(quick) == to_json(compact_reference(data, refs.table))


def test_trace_rows_kept_whole_are_each_learners_own() -> None:
    """Trace rows that read only plain facts are written once and reused: across many learners
    (rows shared and rows not), in either order, each JSON is still its own document's."""
    from atbalsts.engine import to_decision
    from atbalsts.testing.conformance import sample_cases

    day = date(2025, 11, 20)
    policy_set = REGISTRY.policy_set("bauska")
    cases = sample_cases(150, as_of=day, municipality="bauska")
    for ordered in (cases, cases[::-1]):
        for case in ordered:
            ev = policy_set.run(case, day, trace=True)
            assert decision_json(ev, policy_set.codes) == (
                to_decision(ev, policy_set.codes).model_dump_json()
            )


def test_the_trace_rows_kept_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many learners, dates and compiled policies a host walks, the whole rows kept
    never pass their bound (a row is about a kilobyte), and the JSON stays each learner's."""
    from atbalsts.engine import _trace_json, to_decision
    from atbalsts.testing.conformance import sample_cases

    monkeypatch.setattr(_trace_json, "_ROWS_IN_ALL", 25)
    monkeypatch.setattr(_trace_json, "_WHOLE", _trace_json._Kept())
    policy_set = REGISTRY.policy_set("parauga")
    for day in (date(2025, 11, 20), date(2025, 3, 3), date(2026, 2, 16)):
        for case in sample_cases(30, as_of=day, municipality="parauga"):
            ev = policy_set.run(case, day, trace=True)
            text = decision_json(ev, policy_set.codes)
            assert text == to_decision(ev, policy_set.codes).model_dump_json()
            whole = _trace_json._WHOLE
            kept = sum(len(rows.written or ()) for _, rows in whole.rules._entries.values())
            assert kept <= 25
            assert kept == whole.count
