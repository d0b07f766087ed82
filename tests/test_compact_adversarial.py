"""The compact form is lossless whatever a plugin returns: details that look like the fields a
rule table implies, values that equal a default but not in kind (0 for false, 1.0 for 1), the
same outcome from several rules with different details, duplicate measures and referrals, a
referral some rules make due and others only suggest, and the case's open referrals beside it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from atbalsts import SupportCase, hookimpl
from atbalsts.engine import (
    PluginSource,
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
from atbalsts.policy import (
    Allow,
    BasisKind,
    DecisionKind,
    Deny,
    Facts,
    Finding,
    Issue,
    LegalBasis,
    Obligation,
    Params,
    PolicyRegistrar,
    Refer,
    rule,
)
from atbalsts.testing.strategies import support_cases

AS_OF = date(2025, 11, 20)
EXAMPLES = Path(__file__).parents[1] / "examples"
EXAMPLE = (EXAMPLES / "10-parauga-duties-over-time.json").read_text("utf-8")
BASIS = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Adversarial test plugin.")
OTHER = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Another basis, same kind.")

#: The details every rule of the plugin returns in this example (set by the test).
DETAILS: list[dict[str, Any]] = [{}]
#: Whether each referral rule only suggests its referral (set by the test).
SUGGEST: list[bool] = [False, False, False]

_KEYS = st.sampled_from(
    ["legal_basis", "plugin", "mandatory", "parameters", "rule", "rules", "due", "group", "x"]
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, 1.0, -0.0, 1e-7]),
    st.sampled_from(["", "lv", "t.a", "b123", "2025-11-20"]),
)
DETAIL = st.dictionaries(_KEYS, _VALUES, max_size=4)


def _detail(i: int) -> dict[str, Any]:
    return DETAILS[i % len(DETAILS)]


@rule("t.finding_a", kind=DecisionKind.RISK_FINDING, legal_basis=BASIS)
def finding_a(f: Facts, p: Params) -> Finding:
    return Finding("low_achievement", ("failing_subjects",), detail=_detail(0))


@rule("t.finding_b", kind=DecisionKind.RISK_FINDING, legal_basis=OTHER)
def finding_b(f: Facts, p: Params) -> Finding:
    return Finding("low_achievement", (), detail=_detail(1))


@rule("t.duty_a", kind=DecisionKind.OBLIGATION, legal_basis=BASIS)
def duty_a(f: Facts, p: Params) -> Obligation:
    return Obligation(
        "inform_parents",
        ("class_teacher",),
        ("parent",),
        "calendar_days",
        days=3,
        trigger=date(2025, 11, 17),
        detail=_detail(2),
    )


@rule("t.duty_b", kind=DecisionKind.OBLIGATION, legal_basis=OTHER)
def duty_b(f: Facts, p: Params) -> Obligation:
    return Obligation(
        "inform_parents",
        ("social_pedagogue",),
        ("parent",),
        "calendar_days",
        days=1,
        trigger=date(2025, 11, 18),
        detail=_detail(3),
    )


@rule("t.refer_a", kind=DecisionKind.REFERRAL, legal_basis=BASIS)
def refer_a(f: Facts, p: Params) -> Refer:
    return Refer(
        "social_service",
        "unjustified_absence_over_limit",
        "routine",
        detail=_detail(4),
        suggestion=SUGGEST[0],
    )


@rule("t.refer_b", kind=DecisionKind.REFERRAL, legal_basis=OTHER)
def refer_b(f: Facts, p: Params) -> Refer:
    return Refer(
        "social_service",
        "unjustified_absence_over_limit",
        "urgent",
        due=date(2025, 12, 1),
        detail=_detail(5),
        suggestion=SUGGEST[1],
    )


@rule("t.refer_c", kind=DecisionKind.REFERRAL, legal_basis=BASIS)
def refer_c(f: Facts, p: Params) -> Refer:
    return Refer("orphans_court", "unjustified_absence_over_limit", suggestion=SUGGEST[2])


@rule(
    "t.allow",
    kind=DecisionKind.MEASURE_ELIGIBILITY,
    legal_basis=BASIS,
    measures=("psychologist_consultation",),
)
def allow(f: Facts, p: Params) -> list[Any]:
    return [
        Allow("psychologist_consultation", "risk_identified", **_detail(6)),
        Deny("psychologist_consultation", "risk_identified", **_detail(7)),
    ]


@rule("t.issue", kind=DecisionKind.PLAN_CHECK, legal_basis=BASIS)
def issue(f: Facts, p: Params) -> Issue | None:
    return Issue.of("plan_without_application", None, **_detail(8)) if f.plan else None


class Adversarial:
    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("t", title="Adversarial outcomes (test)", municipality="nowhere")
        registrar.rules(
            [finding_a, finding_b, duty_a, duty_b, refer_a, refer_b, refer_c, allow, issue]
        )


REGISTRY = PolicyRegistry.load([PluginSource("t", Adversarial(), "t", "0")], entry_points=False)


#: Details named like the fields a compact decision leaves out or names by id.
SHADOWS: list[dict[str, Any]] = [
    {"legal_basis": "b123", "parameters": "lv", "rule": "t.a", "plugin": "lv"},
    {"mandatory": 0, "group": "economic", "due": "2025-11-20", "rules": ""},
    {"x": 1.0},
    {"x": -0.0, "legal_basis": None},
]


@settings(max_examples=80, deadline=None)
@given(
    case=support_cases(as_of=AS_OF),  # dated up to the day decided: open referrals among them
    details=st.lists(DETAIL, min_size=1, max_size=9),
    trace=st.booleans(),
    suggest=st.lists(st.booleans(), min_size=3, max_size=3),
)
@example(
    case=SupportCase.model_validate_json(EXAMPLE),
    details=SHADOWS,
    trace=True,
    suggest=[True, False, True],
)
def test_any_outcomes_expand_back_to_the_document(
    case: SupportCase, details: list[dict[str, Any]], trace: bool, suggest: list[bool]
) -> None:
    DETAILS[:] = details
    SUGGEST[:] = suggest
    policy_set = REGISTRY.policy_set("nowhere")
    ev = policy_set.run(case, AS_OF, trace=trace, measures=("psychologist_consultation",))
    refs = TableRefs(rule_table_of(ev.policy, policy_set.codes))
    table = refs.table
    data = decision_data(ev, policy_set.codes, refs)
    small = compact_decision(ev, policy_set.codes, refs)
    assert to_json(small) == to_json(compact_reference(data, table))
    read = RuleTable.from_record(json.loads(to_json(table.record)))
    assert to_json(expand_decision(json.loads(to_json(small)), read)) == decision_json(
        ev, policy_set.codes
    )
