"""The counts equal an independent recount, on quick synthetic batches and on batches the engine
decided from the bundled examples and from generated cases; records, joins and groupings."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atbalsts import Decision, PolicyRegistry, SupportCase
from atbalsts.stats import StatsError, count, count_files
from atbalsts.testing import strategies as ats

from .helpers import (
    as_json,
    assert_matches,
    batches,
    clustered_cases,
    decide,
    example_cases,
    recount,
    shown_cells,
    synthetic_batch,
)

BY_ALL = ("municipality", "school", "grade", "term")


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@pytest.fixture(scope="module")
def engine_batch(registry: PolicyRegistry) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Decisions and cases of the bundled examples and of generated learners of three
    municipalities on two dates, decided by the engine."""
    decisions: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for case, as_of in example_cases():
        decisions.extend(decide(registry, [case], as_of))
        cases.append(as_json(case))
    for as_of, seed in ((date(2024, 11, 15), 1), (date(2025, 3, 3), 2)):
        for municipality, size in (("bauska", 60), ("parauga", 40), ("ogre", 30)):
            generated = clustered_cases(size, as_of, municipality, schools=2, seed=seed)
            decisions.extend(decide(registry, generated, as_of))
            cases.extend(as_json(c) for c in generated)
    return decisions, cases


# --- synthetic batches ---------------------------------------------------------------------


@given(batches(), st.sampled_from([(), ("municipality",), ("school", "term"), BY_ALL]))
def test_counts_equal_an_independent_recount(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: tuple[str, ...]
) -> None:
    decisions, cases = batch
    table = count(decisions, cases, by)
    assert_matches(table, recount(decisions, cases, by))


@given(batches())
def test_without_cases_counts_the_decisions_alone(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    decisions, _ = batch
    table = count(decisions, None, ("municipality", "term"))
    assert not table.cases
    assert not any(m.cases for m in table.metrics())
    assert_matches(table, recount(decisions, None, ("municipality", "term")))


def test_a_large_batch_shows_most_cells() -> None:
    decisions, cases = synthetic_batch(seed=11, size=3000)
    table = count(decisions, cases, ("municipality", "term"))
    assert_matches(table, recount(decisions, cases, ("municipality", "term")))
    shown = [learners for *_, learners, _ in shown_cells(table) if learners]
    assert len(shown) > 200  # the test compares real numbers, not only hidden cells
    total = table.cell(None, "learners_decided")
    assert total.learners == table.records.decisions


def test_records_are_counted_by_kind() -> None:
    decisions, cases = synthetic_batch(seed=3, size=400)
    table = count([*decisions, "not a record"], cases)
    kinds = {
        "invalid": sum("invalid" in d for d in decisions),
        "errors": sum("error" in d for d in decisions),
        "other": sum(
            "learner_id" not in d and "invalid" not in d and "error" not in d for d in decisions
        ),
    }
    assert table.records.invalid == kinds["invalid"] > 0
    assert table.records.errors == kinds["errors"] > 0
    assert table.records.other == kinds["other"] == 2  # the header and the summary
    assert table.records.unreadable == 1  # the string
    decided = sum("learner_id" in d for d in decisions)
    assert table.records.decisions == decided
    assert table.records.cases_unused == len(cases) - decided


def test_a_decision_missing_a_field_is_unreadable_not_counted() -> None:
    decisions, _ = synthetic_batch(seed=4, size=20)
    broken = dict(next(d for d in decisions if "learner_id" in d))
    del broken["as_of"]
    table = count([broken])
    assert table.records.unreadable == 1
    assert table.records.decisions == 0


def test_a_referral_suggested_is_counted_apart_and_one_of_another_shape_is_unreadable() -> None:
    decisions, _ = synthetic_batch(seed=4, size=200)
    decision = next(d for d in decisions if d.get("referrals"))
    base = {k: v for k, v in decision.items() if k != "referrals"}

    def five(suggestion: object) -> list[dict[str, Any]]:  # five learners: no cell suppressed
        referrals = [{"to": "social_service", "suggestion": suggestion}]
        return [{**base, "learner_id": f"L-{i}", "referrals": referrals} for i in range(5)]

    for suggestion, metric, other in (
        (False, "referrals_due_by_recipient", "referrals_suggested_by_recipient"),
        (True, "referrals_suggested_by_recipient", "referrals_due_by_recipient"),
    ):
        table = count(five(suggestion))
        assert table.cell(None, metric, "social_service").items == 5
        assert table.cell(None, other, "social_service").items == 0
    odd = {**base, "referrals": [{"to": "social_service", "suggestion": "yes"}]}
    table = count([odd])
    assert table.records.unreadable == 1
    assert table.records.decisions == 0


def test_a_learner_decided_twice_in_a_term_counts_once() -> None:
    decisions, _ = synthetic_batch(seed=5, size=50)
    first = next(d for d in decisions if "learner_id" in d)
    twice = [*decisions, dict(first)]
    table = count(twice)
    assert table.records.duplicates == 1
    assert (
        table.cell(None, "learners_decided").learners
        == count(decisions).cell(None, "learners_decided").learners
    )
    trusting = count(twice, unique=False)
    assert trusting.records.duplicates == 0
    assert trusting.records.decisions == table.records.decisions + 1


def test_obligation_states_are_read_where_the_decision_has_them() -> None:
    decisions, _ = synthetic_batch(seed=6, size=2000)
    table = count(decisions)
    states = table.categories("obligations_by_state")
    assert {"not_tracked", "open", "overdue", "done_on_time"} <= set(states)
    untracked = [
        {
            **d,
            "obligations": [
                {k: v for k, v in o.items() if k != "state"} for o in d.get("obligations", [])
            ],
        }
        for d in decisions
    ]
    plain = count(untracked)
    # every state is a column, met or not: here "not tracked" alone holds anyone
    assert plain.categories("obligations_by_state") == states
    shown = {c: plain.cell(None, "obligations_by_state", c).learners for c in states}
    assert shown.pop("not_tracked", 0) > 0
    assert set(shown.values()) == {0}


# --- joins ---------------------------------------------------------------------------------


def test_join_by_id_gives_the_order_join_table_in_any_order() -> None:
    decisions, cases = synthetic_batch(seed=7, size=600)
    in_order = count(decisions, cases, ("school", "term"))
    shuffled = list(decisions)
    random.Random(1).shuffle(shuffled)
    by_id = count(shuffled, list(reversed(cases)), ("school", "term"), join="id")
    assert by_id.rows == in_order.rows
    assert by_id.total == in_order.total


def test_order_join_refuses_files_in_another_order() -> None:
    decisions, cases = synthetic_batch(seed=8, size=60)
    with pytest.raises(StatsError, match="not in the same learner order") as caught:
        count(decisions, list(reversed(cases)), ("school",))
    assert "L-0" not in str(caught.value)  # names lines, never a learner


def test_join_by_id_counts_a_decision_without_its_case() -> None:
    decisions, cases = synthetic_batch(seed=9, size=60)
    decided = {d["learner_id"] for d in decisions if "learner_id" in d}
    kept = [c for c in cases if c["learner"]["id"] != min(decided)]
    table = count(decisions, kept, ("school",), join="id")
    assert table.records.without_case == 1
    assert table.rows[-1].key == (None,)  # the school is not known


def test_join_by_id_refuses_two_cases_of_one_learner() -> None:
    decisions, cases = synthetic_batch(seed=10, size=10)
    with pytest.raises(StatsError, match="cases line 11 is a second case"):
        count(decisions, [*cases, cases[0]], join="id")


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (("school",), "needs the cases file"),
        (("grade", "term"), "needs the cases file"),
        (("county",), "cannot group by 'county'"),
        (("term", "term"), "named twice"),
    ],
)
def test_groupings_that_cannot_be_made_are_refused(by: tuple[str, ...], message: str) -> None:
    with pytest.raises(StatsError, match=message):
        count([], None, by)


def test_threshold_below_five_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        count([], min_learners=3)


# --- batches the engine decided ----------------------------------------------------------------


def test_engine_batch_counts_equal_the_recount(
    engine_batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    decisions, cases = engine_batch
    for by in ((), ("municipality",), ("municipality", "school", "term"), BY_ALL):
        table = count(decisions, cases, by)
        assert_matches(table, recount(decisions, cases, by))
    table = count(decisions, cases, ("municipality",))
    assert table.cell(("bauska",), "learners_decided").learners == 60 * 2 + 2
    assert table.cell(None, "learners_with_findings").learners  # something was found
    active = table.cell(None, "plans_by_status", "active")
    # there are active plans: shown, or hidden so that no smaller cell can be worked out
    assert active.learners or active.suppressed


def test_documents_and_their_json_count_alike(
    engine_batch: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    decisions, cases = engine_batch
    documents = [Decision.model_validate_json(json.dumps(d)) for d in decisions]
    case_documents = [SupportCase.model_validate_json(json.dumps(c)) for c in cases]
    by = ("municipality", "school", "term")
    assert count(documents, case_documents, by) == count(decisions, cases, by)


def test_files_count_as_their_lines(
    engine_batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], tmp_path: Path
) -> None:
    decisions, cases = engine_batch
    decisions_file = tmp_path / "decisions.jsonl"
    cases_file = tmp_path / "cases.jsonl"
    # A line separator inside a string must not split a line (str.splitlines would).
    first = dict(decisions[0])
    first["schema_version"] = "1.0"
    lines = [json.dumps(d, ensure_ascii=False) for d in decisions]
    decisions_file.write_text("\ufeff" + "\n".join(lines) + "\n\n", encoding="utf-8")
    case_lines = [json.dumps(c, ensure_ascii=False) for c in cases]
    case_lines[0] = case_lines[0].replace('"learner":', '"note": "a\u2028b", "learner":', 1)
    cases_file.write_text("\n".join(case_lines) + "\n", encoding="utf-8")
    by = ("school", "term")
    assert count_files(decisions_file, cases_file, by) == count(decisions, cases, by)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "decisions.jsonl"
    bad.write_bytes(b"\xff\xfe{}\n")
    with pytest.raises(StatsError, match="not UTF-8"):
        count_files(bad)
    with pytest.raises(StatsError, match="cannot read"):
        count_files(tmp_path / "missing.jsonl")


@settings(max_examples=10)
@given(
    st.lists(
        ats.support_cases(
            municipality=st.sampled_from(["bauska", "parauga"]),
            as_of=st.sampled_from([date(2024, 11, 15), date(2025, 3, 3)]),
        ),
        max_size=25,
    )
)
def test_generated_cases_decided_by_the_engine_count_as_recounted(
    generated: list[SupportCase],
) -> None:
    registry = PolicyRegistry.load()
    unique: dict[str, SupportCase] = {}
    for case in generated:
        unique.setdefault(case.learner.id, case)
    cases = list(unique.values())
    as_of = date(2025, 3, 3)
    decisions = decide(registry, cases, as_of)
    case_dicts = [as_json(c) for c in cases]
    for by in (("municipality",), ("school", "grade")):
        assert_matches(count(decisions, case_dicts, by), recount(decisions, case_dicts, by))


def test_a_state_or_delivery_of_another_shape_is_counted_not_dropped() -> None:
    decisions, cases = synthetic_batch(seed=12, size=300)
    for d in decisions:
        for o in d.get("obligations", []):
            o["state"] = {"kind": "overdue", "school_days": 2}
    for c in cases:
        for plan in c["plans"]:
            for m in plan["measures"]:
                m["delivered"] = "2025-01-10"
    table = count(decisions, cases, ())
    assert table.records.unreadable == 0
    assert table.records.decisions == sum("learner_id" in d for d in decisions)

    def met(metric: str) -> list[str | None]:
        """The categories someone has (every one is a column, met or not)."""
        return [c for c in table.categories(metric) if table.cell(None, metric, c).learners != 0]

    assert met("obligations_by_state") == ["unknown"]
    assert met("measures_delivery") == ["not_tracked"]


# --- every code of every list is a column ----------------------------------------------------


def _stamped(learner: str, plugins: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    """A decision whose policy stamp names ``plugins``."""
    stamps = [{"name": p, "distribution": f"atbalsts-{p}", "version": "0.1.0"} for p in plugins]
    return {
        "learner_id": learner,
        "as_of": "2025-03-03",
        "policy": {"municipality": plugins[0], "plugins": stamps},
        "complete": True,
        "findings": [],
        "obligations": [],
        "referrals": [],
        **extra,
    }


@given(batches(), st.sampled_from([(), ("school", "term")]))
def test_the_columns_do_not_depend_on_what_was_counted(
    batch: tuple[list[dict[str, Any]], list[dict[str, Any]]], by: tuple[str, ...]
) -> None:
    from atbalsts.codes import ACTIONS, INSTITUTIONS, MEASURES, RISK_FACTORS, RISK_GROUPS

    decisions, cases = batch
    table = count(decisions, cases, by)
    assert table.columns == count([], [], by).columns
    for metric, codes in (
        ("findings_by_risk_group", RISK_GROUPS),
        ("findings_by_factor", RISK_FACTORS),
        ("obligations_by_action", ACTIONS),
        ("referrals_due_by_recipient", INSTITUTIONS),
        ("referrals_suggested_by_recipient", INSTITUTIONS),
        ("measures_delivered_by_kind", MEASURES),
    ):
        assert table.categories(metric) == codes.codes()


def test_the_local_codes_of_the_plugins_the_stamps_name_are_columns(
    registry: PolicyRegistry,
) -> None:
    """A plugin's local codes are columns, met or not, wherever a decision's stamp names it:
    for decisions of several municipalities, those of every policy set that decided."""
    local = {
        ("findings_by_factor", "parauga:attendance"),
        ("obligations_by_action", "parauga:support_team_meeting"),
        ("obligations_by_action", "bauska:request_medical_note"),
    }
    national = count([_stamped(f"O{i}", ("lv",)) for i in range(6)], registry=registry)
    assert local.isdisjoint(national.columns)
    assert national.columns == count([]).columns
    decisions = [_stamped(f"B{i}", ("bauska", "lv")) for i in range(6)]
    decisions += [_stamped(f"P{i}", ("parauga", "lv")) for i in range(6)]
    for table in (count(decisions, registry=registry), count(decisions)):  # default: installed
        assert local <= set(table.columns)
        assert {table.cell(None, *column).learners for column in local} == {0}
        actions = table.categories("obligations_by_action")
        assert actions[-2:] == ("bauska:request_medical_note", "parauga:support_team_meeting")


def test_an_unmet_local_risk_factor_splits_its_risk_group(registry: PolicyRegistry) -> None:
    from atbalsts.stats import _count, _suppress

    grids: list[_suppress.Grid] = []
    real = _count.suppress
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_count, "suppress", lambda g, m: (grids.append(g), real(g, m))[1])
        count([_stamped(f"P{i}", ("parauga", "lv")) for i in range(6)], registry=registry)
    (grid,) = grids
    assert grid.factor_groups["parauga:attendance"] == "learning_and_school"
    assert grid.factor_groups["paid_work"] == "economic"


def test_a_stamp_naming_a_plugin_not_loaded_is_refused() -> None:
    """Its local codes cannot be listed: shown only where met, a code would tell that some
    learner has it."""
    decisions = [_stamped(f"P{i}", ("parauga", "lv")) for i in range(6)]
    without = PolicyRegistry.load(block=["parauga"])
    with pytest.raises(StatsError, match=r"plugin 'parauga'.*not loaded here") as caught:
        count(decisions, registry=without)
    assert "P0" not in str(caught.value)
    bad = [{**decisions[0], "policy": {"municipality": "m", "plugins": [{"version": "1"}]}}]
    assert count(bad).records.unreadable == 1


@pytest.mark.parametrize("join", ["order", "id"])
def test_two_municipalities_may_use_the_same_learner_ids(
    registry: PolicyRegistry, join: Literal["order", "id"]
) -> None:
    """A learner id is the host's own: ``sample_cases`` gives every municipality ``gen-000``...
    A national file of three municipalities counts every learner (before, two thirds were
    dropped as duplicates), and each decision is joined to its own municipality's case."""
    from atbalsts.testing.conformance import sample_cases

    as_of = date(2025, 11, 20)
    cases = [
        case
        for municipality in ("bauska", "parauga", "ogre")
        for case in sample_cases(12, as_of=as_of, municipality=municipality, seed=3)
    ]
    assert len({c.learner.id for c in cases}) == 12  # the same ids in each municipality
    decisions = decide(registry, cases, as_of)
    table = count(decisions, [as_json(c) for c in cases], ("municipality",), join=join)
    assert table.records.duplicates == 0
    assert table.records.without_case == 0
    assert table.records.decisions == 36
    for municipality in ("bauska", "parauga", "ogre"):
        assert table.cell((municipality,), "learners_decided").learners == 12
    # a learner decided twice in one municipality is still one learner
    again = count([*decisions, decisions[0]], by=("municipality",))
    assert again.records.duplicates == 1


def test_a_decision_is_never_joined_to_another_municipalitys_case_of_its_id() -> None:
    """Two municipalities use the same ids: a decision whose case is missing is counted without
    a case (by id), and one whose case was passed over is not matched to the other
    municipality's case of its id (in order); a reviewer found both joined to the wrong learner."""
    ogre = [_join_case(f"L-{i}", "ogre", 7) for i in range(6)]
    bauska = [_join_case(f"L-{i}", "bauska", 3) for i in range(6)]
    decisions = [_join_decision(c) for c in [*ogre, *bauska]]
    by_id = count(decisions, [*ogre, *bauska[1:]], ("municipality", "grade"), join="id")
    assert by_id.records.without_case == 1
    # bauska's L-0 is in a group of no grade, not in ogre's grade 7 with ogre's case of L-0
    assert {row.key for row in by_id.rows} == {("bauska", "3"), ("bauska", None), ("ogre", "7")}
    interleaved = [c for pair in zip(ogre, bauska, strict=True) for c in pair]
    in_order = [_join_decision(c) for c in interleaved]
    in_order[0] = {"line": 1, "error": "x"}  # ogre L-0 not decided: its case is passed over
    table = count(in_order, interleaved, ("municipality", "grade"))
    assert table.cell(("bauska", "3"), "learners_decided").learners == 6
    assert table.cell(("ogre", "7"), "learners_decided").learners == 5


def _join_case(learner: str, municipality: str, grade: int) -> dict[str, Any]:
    enrolment = {"municipality": municipality, "school_id": "S-1", "grade": grade}
    return {"learner": {"id": learner, "enrolment": enrolment}, "plans": [], "referrals": []}


def _join_decision(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "learner_id": case["learner"]["id"],
        "as_of": "2025-03-03",
        "policy": {"municipality": case["learner"]["enrolment"]["municipality"]},
        "complete": True,
        "findings": [],
        "obligations": [],
        "referrals": [],
    }
