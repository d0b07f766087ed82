"""A referral due names the case's open referrals to its recipient (``open_referrals``): a role's
view of the decision names only those its view of the case shows, so an id never tells a role of
a referral it may not see (a child-protection referral to the social service, for a class
teacher)."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from atbalsts import hookimpl
from atbalsts.codes import INSTITUTIONS
from atbalsts.engine import PluginSource, PolicyRegistry
from atbalsts.model import SupportCase
from atbalsts.policy import (
    BasisKind,
    DecisionKind,
    Facts,
    LegalBasis,
    Params,
    PolicyRegistrar,
    Refer,
    rule,
)
from atbalsts.privacy import ViewRole, view, view_decision
from atbalsts.testing.strategies import support_cases

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2025, 10, 29)


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@rule(
    "t.refer_everywhere",
    kind=DecisionKind.REFERRAL,
    legal_basis=LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="Test rule, not law."),
)
def refer_everywhere(f: Facts, p: Params) -> list[Refer]:
    """A referral due to every institution, so that every open referral of a case is named."""
    return [Refer(to, "unjustified_absence_over_limit") for to in INSTITUTIONS.codes()]


class Everywhere:
    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("t", title="Refers everywhere (test)", municipality="nowhere")
        registrar.rules([refer_everywhere])


EVERYWHERE = PolicyRegistry.load([PluginSource("t", Everywhere(), "t", "0")], entry_points=False)


def example_10(purpose: str) -> SupportCase:
    data = json.loads((ROOT / "examples/10-parauga-duties-over-time.json").read_text("utf-8"))
    data["referrals"][0]["purpose"] = purpose
    return SupportCase.model_validate(data)


def _referral_ids(case_view: dict[str, Any]) -> set[str]:
    return {r["id"] for r in case_view.get("referrals") or () if "id" in r}


def _named(decision_view: dict[str, Any]) -> set[str]:
    return {i for r in decision_view.get("referrals") or () for i in r.get("open_referrals", ())}


def test_a_child_protection_referral_is_not_named_to_a_role_that_may_not_see_it() -> None:
    case = example_10("child_protection")
    decision = registry().evaluate(case, DAY)
    assert decision.referrals[0].open_referrals == ("R-0010-1",)  # the whole decision names it
    teacher = view_decision(decision, role="class_teacher", case=case)
    assert "R-0010-1" not in _referral_ids(view(case, role="class_teacher"))
    assert _named(teacher) == set()
    assert "open_referrals" not in json.dumps(teacher)
    # the same referral for social assistance is one the class teacher's view shows, and names
    case = example_10("social_assistance")
    decision = registry().evaluate(case, DAY)
    shown = _referral_ids(view(case, role="class_teacher"))
    assert _named(view_decision(decision, role="class_teacher", case=case)) == (
        {"R-0010-1"} & shown
    )


def test_without_the_case_a_view_names_no_open_referral() -> None:
    """Without the case the view cannot tell which referrals the role may see: it names none."""
    case = example_10("social_assistance")
    decision = registry().evaluate(case, DAY)
    for role in ViewRole:
        assert _named(view_decision(decision, role=role.value)) == set()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=support_cases(as_of=DAY))
@pytest.mark.parametrize("role", [r.value for r in ViewRole])
def test_a_decision_view_names_only_referrals_the_case_view_shows(
    role: str, case: SupportCase
) -> None:
    decision = EVERYWHERE.policy_set("nowhere").evaluate(case, DAY)
    named = _named(view_decision(decision, role=role, case=case))
    assert named <= _referral_ids(view(case, role=role))


def test_a_referral_due_to_a_child_protection_body_is_protection_data() -> None:
    """Whatever its reason, a referral due to the police, the orphan's court or the state
    child-rights body is protection data, as an unanswered one's follow-up is: a class teacher,
    who sees no protection data, sees only the others (the social service among them)."""
    from atbalsts.policy import baseline

    case = example_10("social_assistance")
    decision = EVERYWHERE.policy_set("nowhere").evaluate(case, DAY)
    everywhere = {r.to for r in decision.referrals}
    assert baseline.THREAT_RECIPIENTS & everywhere
    teacher = view_decision(decision, role="class_teacher", case=case)
    seen = {r["to"] for r in teacher.get("referrals") or ()}
    assert seen == everywhere - baseline.THREAT_RECIPIENTS
    pedagogue = view_decision(decision, role="social_pedagogue", case=case)
    assert {r["to"] for r in pedagogue["referrals"]} == everywhere
