"""Loading and composition tests of the Bauska plugin. The decisions themselves are tested by the
scenario files beside this one (``*.scenarios.toml``)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from importlib.metadata import entry_points

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts import PolicyRegistry, PolicySet, SupportCase
from atbalsts.engine import PluginSource
from atbalsts.policy import BasisKind
from atbalsts.testing.conformance import assert_conforms
from atbalsts_bauska import plugin

AS_OF = date(2025, 3, 3)
SOURCES = ("http://old.bauskasvg.lv/noteikumi", "https://vecsaulespsk.lv/")


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    """The national baseline and this plugin only, whatever else is installed."""
    source = PluginSource("bauska", plugin, "atbalsts-bauska", "0.1.0")
    return PolicyRegistry.load([source], entry_points=False)


@pytest.fixture(scope="module")
def policy_set(registry: PolicyRegistry) -> PolicySet:
    return registry.policy_set("bauska")


def test_entry_point_names_the_plugin_module() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="atbalsts")}
    assert found.get("bauska") == "atbalsts_bauska.plugin"


def test_plugin_registers_without_failures(registry: PolicyRegistry) -> None:
    assert registry.failures == ()
    info = registry.policy("bauska")
    assert (info.municipality, info.title, info.atvk) == ("bauska", "Bauskas novads", None)
    assert info.valid_from == date(2015, 7, 30)


def test_conforms(registry: PolicyRegistry) -> None:
    """The atbalsts plugin conformance checks (bases, namespaces, facts, codes, generated cases)."""
    assert_conforms(registry, "bauska")


def test_rules_are_namespaced_and_cite_the_bauska_rules(policy_set: PolicySet) -> None:
    """Each rule cites the Bauska rules, except the reminder to ask for a doctor's note: the
    rules set the note, not the asking, so that rule is a labelled methodological default that
    still names them."""
    own = {r.id: r for r, p in policy_set.rules_in_force() if p == "bauska"}
    assert set(own) == {
        "bauska.absence.report_board",
        "bauska.absence.same_day_contact",
        "bauska.absence.request_medical_note",
    }
    reminder = own.pop("bauska.absence.request_medical_note").legal_basis
    assert reminder.kind is BasisKind.METHODOLOGICAL_DEFAULT
    assert reminder.note is not None
    assert "[S7]" in reminder.note
    for r in own.values():
        assert r.id.startswith("bauska.")
        assert not r.mandatory
        assert r.overrides is None
        basis = r.legal_basis
        assert basis.kind is BasisKind.LAW
        assert basis.act is not None
        assert "30.07.2015" in basis.act
        assert basis.url is not None
        assert basis.url.startswith(SOURCES)


def test_parameters_cite_the_bauska_rules(policy_set: PolicySet) -> None:
    params = policy_set.composition.parameters
    own = {pid: p for pid, p in params.items() if p.plugin == "bauska"}
    assert set(own) == {
        "bauska.absence.parent_note_max_days",
        "bauska.absence.document_within_days",
        "bauska.absence.min_age",
    }
    for p in own.values():
        for value in p.values:
            assert value.reference.kind is BasisKind.LAW
            assert value.reference.url is not None
            assert value.reference.url.startswith(SOURCES)


def test_composition_keeps_the_national_floor(policy_set: PolicySet) -> None:
    composition = policy_set.composition
    assert composition.overridden == {}
    # Bauska reads the national limit; it does not move any national parameter.
    assert all(
        v.plugin == "lv"
        for pid, p in composition.parameters.items()
        if pid.startswith("lv.")
        for v in p.values
    )
    assert "lv.absence.inform_board" in {r.id for r, _ in composition.rules}


def test_local_action_is_declared_with_both_labels(policy_set: PolicySet) -> None:
    code = policy_set.codes["actions"]["bauska:request_medical_note"]
    assert code.lv
    assert code.en


def test_same_day_contact_adds_the_social_pedagogue(policy_set: PolicySet) -> None:
    case = SupportCase.model_validate(
        {
            "learner": {
                "id": "L-T1",
                "birth_date": date(2011, 5, 14),
                "enrolment": {
                    "school_id": "S-1",
                    "municipality": "bauska",
                    "programme": "general_basic",
                    "grade": 8,
                },
            },
            "observations": [
                {
                    "term": {"school_year": "2024/2025", "semester": 2},
                    "as_of": AS_OF,
                    "attendance": {"absent_today_reason_unknown": True},
                }
            ],
        }
    )
    decision = policy_set.evaluate(case, AS_OF, strict=True)
    (ob,) = decision.obligations
    assert ob.action == "inform_parents"
    assert ob.responsible_roles == ("class_teacher", "social_pedagogue")
    assert set(ob.rules) == {"lv.absence.inform_parents", "bauska.absence.same_day_contact"}
    assert ob.due == AS_OF


def _parent_note_case(recorded: int, days: int, lessons: int) -> SupportCase:
    """A learner with ``recorded`` unjustified lessons and one parent-note episode whose time to
    hand in a doctor's note ran out before ``AS_OF``."""
    start = date(2025, 1, 13)
    return SupportCase.model_validate(
        {
            "learner": {
                "id": "L-T2",
                "birth_date": date(2011, 5, 14),
                "enrolment": {
                    "school_id": "S-1",
                    "municipality": "bauska",
                    "programme": "general_basic",
                    "grade": 8,
                },
            },
            "observations": [
                {
                    "term": {"school_year": "2024/2025", "semester": 2},
                    "as_of": date(2025, 2, 28),
                    "attendance": {
                        "lessons_missed_justified": lessons,
                        "lessons_missed_unjustified": recorded,
                        "episodes": [
                            {
                                "start": start,
                                "school_days": days,
                                "lessons": lessons,
                                "justification": "parent_note",
                                "returned_on": start + timedelta(days=days + 2),
                                "document_submitted_on": start + timedelta(days=days + 2),
                            }
                        ],
                    },
                }
            ],
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    recorded=st.integers(min_value=0, max_value=20),
    days=st.integers(min_value=1, max_value=25),
    lessons=st.integers(min_value=0, max_value=200),
)
def test_a_parent_note_counts_only_the_days_beyond_its_limit(
    policy_set: PolicySet, recorded: int, days: int, lessons: int
) -> None:
    """The first 3 days stay justified; the lessons of the days beyond count pro rata, whole
    lessons only. So a note of at most 3 days never reports, the fractional share of the days
    beyond decides nothing on its own, and a whole-lesson share over the limit always reports."""
    decision = policy_set.evaluate(_parent_note_case(recorded, days, lessons), AS_OF, strict=True)
    reported = "bauska.absence.report_board" in {r for ob in decision.obligations for r in ob.rules}
    share = Fraction(lessons * max(days - 3, 0), days)
    assert reported == (recorded + math.floor(share) > 20)
    if days <= 3:
        assert not reported
