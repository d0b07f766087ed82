"""Loading and composition tests of the Parauga plugin. The decisions themselves are tested by the
scenario file beside this one (``parauga.scenarios.toml``)."""

from __future__ import annotations

from datetime import date
from importlib.metadata import entry_points
from typing import Any

import pytest

from atbalsts import PolicyConflict, PolicyRegistry, PolicySet, SupportCase
from atbalsts.engine import PluginSource, derive_facts
from atbalsts.policy import BasisKind, PolicyRegistrar, hookimpl, load_parameters
from atbalsts.testing.conformance import assert_conforms, sample_cases
from atbalsts_parauga import plugin
from atbalsts_parauga.codes import ATTENDANCE, RISK_FACTORS

BOARD_NOTICE = "lv.absence.board_notice_days"


def load(module: object = plugin) -> PolicyRegistry:
    """The national baseline and this plugin only, whatever else is installed."""
    source = PluginSource("parauga", module, "atbalsts-parauga", "0.1.0")
    return PolicyRegistry.load([source], entry_points=False)


@pytest.fixture(scope="module")
def policy_set() -> PolicySet:
    return load().policy_set("parauga")


def test_entry_point_names_the_plugin_module() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="atbalsts")}
    assert found.get("parauga") == "atbalsts_parauga.plugin"


def test_plugin_registers_without_failures() -> None:
    registry = load()
    assert registry.failures == ()
    info = registry.policy("parauga")
    assert (info.municipality, info.title) == ("parauga", "Parauga novads (izdomāts)")


def test_conforms() -> None:
    """The atbalsts plugin conformance checks (bases, namespaces, facts, codes, generated cases)."""
    assert_conforms(load(), "parauga")


def test_conforms_on_sample_cases_carrying_its_local_risk_factor() -> None:
    """Staff may record Parauga's own risk factor; the generated cases then carry it, the rules
    still conform, and the national staff-observed rule reports it as a finding."""
    registry = load()
    day = date(2025, 3, 3)
    local = [("risk_factors", code) for code in RISK_FACTORS]
    cases = sample_cases(60, as_of=day, municipality="parauga", local_codes=local)
    recorded = [c for c in cases if ATTENDANCE in derive_facts(c, day).staff_factors]
    assert recorded
    assert_conforms(registry, "parauga", cases=cases, as_of_dates=[day])
    policy_set = registry.policy_set("parauga")
    for found in recorded:
        decision = policy_set.evaluate(found, day)
        assert ATTENDANCE in {f.factor for f in decision.findings}


def test_every_rule_is_namespaced_and_illustrative(policy_set: PolicySet) -> None:
    own = [r for r, p in policy_set.rules_in_force() if p == "parauga"]
    assert len(own) == 6
    for r in own:
        assert r.id.startswith("parauga.")
        assert r.legal_basis.kind is BasisKind.ILLUSTRATIVE
        assert r.legal_basis.note is not None
        assert r.legal_basis.note.startswith("Illustrative, not law")


def test_every_parameter_value_is_illustrative(policy_set: PolicySet) -> None:
    for p in policy_set.composition.parameters.values():
        for value in p.values:
            if value.plugin == "parauga":
                assert value.reference.kind is BasisKind.ILLUSTRATIVE


def test_the_national_risk_threshold_is_replaced(policy_set: PolicySet) -> None:
    assert policy_set.composition.overridden == {
        "lv.risk.unjustified_absences": "parauga.risk.unjustified_absences"
    }


def test_board_notice_is_stricter_from_september_2025(policy_set: PolicySet) -> None:
    notice = policy_set.composition.parameters[BOARD_NOTICE]
    before, after = notice.at(date(2025, 8, 31)), notice.at(date(2025, 9, 1))
    assert before is not None
    assert after is not None
    assert (before.value, before.plugin) == (5, "lv")
    assert (after.value, after.plugin) == (3, "parauga")


class LooserParauga:
    """Parauga plus a national limit moved the wrong way (25 lessons instead of 20)."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        plugin.atbalsts_register_policy(registrar)
        looser = {
            "id": "lv.absence.unjustified_lessons_limit",
            "values": [
                {
                    "from": date(2024, 9, 1),
                    "value": 25,
                    "basis": {"kind": "illustrative", "note": "Illustrative: looser on purpose."},
                }
            ],
        }
        registrar.parameters(load_parameters({"parameter": [looser]}, "parauga"))


def test_a_looser_national_value_is_refused() -> None:
    with pytest.raises(PolicyConflict, match="looser direction"):
        load(LooserParauga()).policy_set("parauga")


def test_local_codes_are_declared_with_both_labels(policy_set: PolicySet) -> None:
    codes = policy_set.codes
    for list_name, code in (
        ("risk_factors", "parauga:attendance"),
        ("actions", "parauga:support_team_meeting"),
        ("reasons", "parauga:needy_family_meals"),
        ("reasons", "parauga:no_improvement"),
    ):
        entry = codes[list_name][code]
        assert entry.lv
        assert entry.en
    assert codes["risk_factors"]["parauga:attendance"].group == "learning_and_school"


def case(*, unjustified: int = 0, needy: bool = False) -> SupportCase:
    data: dict[str, Any] = {
        "learner": {
            "id": "L-T1",
            "birth_date": date(2011, 5, 14),
            "needy_or_low_income_family": needy,
            "enrolment": {
                "school_id": "S-1",
                "municipality": "parauga",
                "programme": "general_basic",
                "grade": 8,
            },
        },
        "observations": [
            {
                "term": {"school_year": "2024/2025", "semester": 2},
                "as_of": date(2025, 2, 28),
                "attendance": {"lessons_missed_unjustified": unjustified},
            }
        ],
    }
    return SupportCase.model_validate(data)


@pytest.mark.parametrize(
    ("unjustified", "needy", "tier"),
    [(0, False, 1), (12, False, 2), (12, True, 3)],
)
def test_risk_tier(policy_set: PolicySet, unjustified: int, needy: bool, tier: int) -> None:
    decision = policy_set.evaluate(case(unjustified=unjustified, needy=needy), date(2025, 3, 3))
    assert decision.complete
    assert decision.tier == tier
