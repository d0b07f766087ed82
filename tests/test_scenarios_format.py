"""The scenario-file format: the loader, ``check`` and the pytest plugin."""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from atbalsts import DocumentError, UnknownNameError
from atbalsts.engine import PolicyRegistry
from atbalsts.model import Failure, NoteCode, Urgency
from atbalsts.testing.scenarios import (
    Scenario,
    check,
    deep_merge,
    load_scenarios,
    policy_set_for,
    run_scenario,
)

pytest_plugins = ["pytester"]

NATIONAL = Path(__file__).parent / "scenarios" / "national"
PLUGIN = "atbalsts.testing.pytest_plugin"

#: A file header: a grade-7 learner, 13 on 2025-03-03, in a municipality with no plugin.
HEADER = """\
[defaults]
as_of = 2025-03-03

[defaults.case.learner]
id = "L-T"
birth_date = 2011-05-14

[defaults.case.learner.enrolment]
school_id = "S-1"
municipality = "testa-novads"
programme = "general_basic"
grade = 7
"""

#: A scenario over the limit of 20 lessons, with everything it should produce. The notice counts
#: 5 calendar days from the observation (Monday 3 March 2025) and would fall on Saturday 8 March,
#: before the spring holidays of 10-16 March: it is due on the next school day, 17 March.
OVER_LIMIT = """\
[[scenario]]
name = "21 lessons"
[[scenario.case.observations]]
term = { school_year = "2024/2025", semester = 2 }
as_of = 2025-03-03
attendance = { lessons_missed_unjustified = 21 }
[scenario.expect]
complete = true
findings = ["unjustified_absences"]
obligations = ["inform_municipal_education_board", "record_in_viis"]
referrals = ["social_service"]
plan_issues = []
fired = ["lv.absence.inform_board"]
not_fired = ["lv.absence.inform_parents"]
[[scenario.expect.obligation]]
action = "inform_municipal_education_board"
recipients = ["municipal_education_board"]
due = 2025-03-17
"""


#: Why a measure nobody asked for has no verdict, as ``check`` says it.
NOT_ASKED = (
    "verdicts are given only on the measures of the plan in force and those the scenario "
    "lists in 'measures')"
)


@pytest.fixture(scope="module")
def registry() -> PolicyRegistry:
    """The national baseline only."""
    return PolicyRegistry.load(entry_points=False)


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "t") -> Path:
    path = tmp_path / f"{name}.scenarios.toml"
    path.write_text(header + "\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def load_one(tmp_path: Path, body: str, header: str = HEADER) -> Scenario:
    [scenario] = load_scenarios(write(tmp_path, body, header))
    return scenario


def refusal(tmp_path: Path, body: str, header: str = HEADER) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load_scenarios(write(tmp_path, body, header))
    return info.value


# --- loading: merge semantics ---------------------------------------------------------------------


def test_deep_merge_merges_tables_and_replaces_everything_else() -> None:
    base = {"a": {"b": 1, "c": {"d": 2}}, "arr": [1, 2], "s": "x"}
    override = {"a": {"c": {"e": 3}}, "arr": [9], "s": "y"}
    merged = deep_merge(base, override)
    assert merged == {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "arr": [9], "s": "y"}
    assert base == {"a": {"b": 1, "c": {"d": 2}}, "arr": [1, 2], "s": "x"}  # unchanged


def test_scenario_case_merges_onto_defaults_key_by_key(tmp_path: Path) -> None:
    scenario = load_one(
        tmp_path,
        """
        [[scenario]]
        name = "grade 8"
        [scenario.case.learner.enrolment]
        grade = 8
        """,
    )
    enrolment = scenario.case.learner.enrolment
    assert enrolment.grade == 8  # overridden
    assert enrolment.school_id == "S-1"  # kept from the defaults
    assert scenario.case.learner.birth_date == date(2011, 5, 14)
    assert scenario.as_of == date(2025, 3, 3)
    assert scenario.municipality is None
    assert scenario.policy_municipality == "testa-novads"


def test_arrays_replace_the_defaults_array(tmp_path: Path) -> None:
    header = (
        HEADER
        + """
[[defaults.case.observations]]
term = { school_year = "2024/2025", semester = 1 }
as_of = 2024-12-20
attendance = { lessons_missed_unjustified = 5 }

[[defaults.case.observations]]
term = { school_year = "2024/2025", semester = 2 }
as_of = 2025-02-20
attendance = { lessons_missed_unjustified = 7 }
"""
    )
    scenarios = load_scenarios(
        write(
            tmp_path,
            """
            [[scenario]]
            name = "inherits both"

            [[scenario]]
            name = "replaces with one"
            [[scenario.case.observations]]
            term = { school_year = "2024/2025", semester = 2 }
            as_of = 2025-03-01
            attendance = { lessons_missed_unjustified = 30 }

            [[scenario]]
            name = "empties"
            [scenario.case]
            observations = []
            """,
            header,
        )
    )
    inherits, replaces, empties = (s.case.observations for s in scenarios)
    assert [o.attendance.lessons_missed_unjustified for o in inherits] == [5, 7]
    assert [o.attendance.lessons_missed_unjustified for o in replaces] == [30]
    assert empties == ()


def test_as_of_and_municipality_override_the_defaults(tmp_path: Path) -> None:
    header = HEADER.replace("as_of = 2025-03-03", 'as_of = 2025-03-03\nmunicipality = "bauska"')
    first, second = load_scenarios(
        write(
            tmp_path,
            """
            [[scenario]]
            name = "defaults"

            [[scenario]]
            name = "overrides"
            as_of = 2024-01-01
            municipality = "ogre"
            """,
            header,
        )
    )
    assert (first.as_of, first.municipality) == (date(2025, 3, 3), "bauska")
    assert (second.as_of, second.municipality) == (date(2024, 1, 1), "ogre")
    assert second.policy_municipality == "ogre"


def test_line_of_each_scenario_header_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, OVER_LIMIT + OVER_LIMIT.replace('"21 lessons"', '"again"'))
    lines = path.read_text(encoding="utf-8").splitlines()
    for scenario in load_scenarios(path):
        assert scenario.line is not None
        assert lines[scenario.line - 1] == "[[scenario]]"
        assert lines[scenario.line] == f"name = {scenario.name!r}".replace("'", '"')


# --- loading: refusals ----------------------------------------------------------------------------


def test_unknown_expect_key_is_refused_with_the_allowed_keys(tmp_path: Path) -> None:
    error = refusal(
        tmp_path,
        """
        [[scenario]]
        name = "typo"
        [scenario.expect]
        finding = ["unjustified_absences"]
        """,
    )
    message = str(error)
    assert "scenario[0] ('typo').expect.finding" in message
    assert "unknown key 'finding' (did you mean 'findings'?)" in message
    assert (
        "allowed: complete, eligible, evidence, findings, fired, ineligible, not_fired" in message
    )
    assert error.paths == ("scenario[0] ('typo').expect.finding",)


def test_unknown_keys_outside_the_case_are_refused(tmp_path: Path) -> None:
    error = refusal(
        tmp_path,
        """
        [[scenario]]
        name = "x"
        asof = 2025-01-01
        [[scenario.expect.obligation]]
        action = "inform_parents"
        when = 2025-01-01
        """,
        header=HEADER + "\n[extras]\nx = 1\n",
    )
    assert set(error.paths) == {
        "extras",
        "scenario[0] ('x').asof",
        "scenario[0] ('x').expect.obligation[0].when",
    }


def test_bad_case_names_the_scenario_and_the_field_path(tmp_path: Path) -> None:
    error = refusal(
        tmp_path,
        """
        [[scenario]]
        name = "fine"

        [[scenario]]
        name = "grade 13"
        [scenario.case.learner.enrolment]
        grade = 13
        """,
    )
    assert "scenario 'grade 13'" in error.document
    assert "t.scenarios.toml" in error.document
    assert "learner.enrolment.grade" in error.paths
    assert "learner.enrolment.grade" in str(error)


def test_unknown_field_in_the_case_is_refused_by_the_model(tmp_path: Path) -> None:
    error = refusal(
        tmp_path,
        """
        [[scenario]]
        name = "extra"
        [scenario.case.learner]
        birth_dat = 2011-05-14
        """,
    )
    assert "scenario 'extra'" in error.document
    assert error.paths == ("learner.birth_dat",)


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, '[[scenario]]\nname = "twice"\n\n[[scenario]]\nname = "twice"\n')
    assert "duplicate name, already used by scenario[0]" in str(error)
    assert error.paths == ("scenario[1] ('twice').name",)


def test_a_scenario_files_errors_carry_their_numbers_as_values(tmp_path: Path) -> None:
    """The earlier scenario of a duplicate name, the line and column where the text stops being
    TOML, pydantic's constraint: as the library's other field errors, in ``values``."""
    twice = refusal(tmp_path, '[[scenario]]\nname = "twice"\n\n[[scenario]]\nname = "twice"\n')
    assert [dict(e.values) for e in twice.errors] == [{"earlier": "scenario[0]"}]
    toml = refusal(tmp_path, "[[scenario]\n", header="")
    assert [(e.kind, dict(e.values)) for e in toml.errors] == [
        ("toml", {"line": "2", "column": "11"})
    ]
    empty = refusal(tmp_path, '[[scenario]]\nname = ""\n')
    assert [(e.path, e.kind, dict(e.values)) for e in empty.errors] == [
        ("scenario[0].name", "string_too_short", {"min_length": "1"})
    ]


def test_missing_name_and_missing_as_of_are_refused(tmp_path: Path) -> None:
    header = HEADER.replace("as_of = 2025-03-03\n", "")
    error = refusal(tmp_path, '[[scenario]]\nname = "no date"\n\n[[scenario]]\n', header)
    assert set(error.paths) == {"scenario[0] ('no date').as_of", "scenario[1].name"}
    assert "is required here or in [defaults]" in str(error)


@pytest.mark.parametrize(
    ("line", "path", "words"),
    [
        ("as_of = 2025-03-03T10:00:00", "as_of", "TOML date"),
        ('as_of = "2025-03-03"', "as_of", "TOML date"),
        ('municipality = "Bauska"', "municipality", "municipality slug"),
        ('xfail = ""', "xfail", "non-empty string"),
        ("expect = { findings = 'x' }", "expect.findings", "array of non-empty strings"),
        ("expect = { complete = 'yes' }", "expect.complete", "true or false"),
        (
            "expect = { fired = ['a.b'], not_fired = ['a.b'] }",
            "expect",
            "a.b listed in both fired and not_fired",
        ),
        (
            "expect = { eligible = ['m'], ineligible = ['m'] }",
            "expect",
            "m listed in both eligible and ineligible",
        ),
        (
            "expect = { obligation = [{ recipients = ['parent'] }] }",
            "expect.obligation[0].action",
            "is required: the obligation's action code",
        ),
        ("expect = { obligation = { action = 'a' } }", "expect.obligation", "array of tables"),
        (
            "expect = { obligation = [{ action = 'a', due = '2025-03-08' }] }",
            "expect.obligation[0].due",
            "must be a TOML date such as 2025-03-03, not a string",
        ),
        (
            "expect = { referral = [{ to = 'social_service', urgency = 'soon' }] }",
            "expect.referral[0].urgency",
            "must be one of 'same_day', 'urgent' or 'routine'",
        ),
        ("expect = { referral = [{ urgency = 'urgent' }] }", "expect.referral[0].to", "required"),
        (
            "expect = { verdicts = { m = { eligible = 'no' } } }",
            "expect.verdicts.m.eligible",
            "must be true or false, not a string",
        ),
        (
            "expect = { verdicts = { m = { eligible = true } }, ineligible = ['m'] }",
            "expect",
            "verdicts.m.eligible contradicts ineligible",
        ),
        ("expect = { evidence = { f = 3 } }", "expect.evidence.f", "must be a table, not an int"),
        (
            "expect = { evidence = { f = { n = [1] } } }",
            "expect.evidence.f.n",
            "must be a boolean, number, string or date",
        ),
        (
            "expect = { parameters = { 'lv.a' = 10:00:00 } }",
            'expect.parameters."lv.a"',
            "must be a boolean, number, string or date",
        ),
        ("measures = 'meals_compensation'", "measures", "array of non-empty strings"),
        ("measures = ['']", "measures[0]", "must not be empty"),
        (
            "expect = { notes = ['no_policy'] }",
            "expect.notes[0]",
            "must be one of 'no_municipal_policy', 'no_observation_on_date', ",
        ),
        ("expect = { suggested = 'm' }", "expect.suggested", "array of non-empty strings"),
        (
            "expect = { suggested = ['m', 'n'], eligible = ['n'] }",
            "expect",
            "n listed in both suggested and eligible: a measure with a verdict",
        ),
        (
            "expect = { suggested = ['m'], verdicts = { m = { reasons = ['r'] } } }",
            "expect",
            "m listed in both suggested and verdicts",
        ),
    ],
)
def test_values_of_the_wrong_type_are_refused(
    tmp_path: Path, line: str, path: str, words: str
) -> None:
    error = refusal(tmp_path, f'[[scenario]]\nname = "x"\n{line}\n')
    assert any(p.startswith(f"scenario[0] ('x').{path}") for p in error.paths), error.paths
    assert words in str(error)


def test_a_measure_asked_for_cannot_be_expected_as_a_suggestion(tmp_path: Path) -> None:
    error = refusal(
        tmp_path,
        """
        [[scenario]]
        name = "x"
        measures = ["meals_compensation", "literacy_support"]
        [scenario.expect]
        suggested = ["literacy_support"]
        """,
    )
    assert error.paths == ("scenario[0] ('x')",)
    assert (
        "literacy_support listed in both measures and expect.suggested: a measure asked for "
        "gets a verdict, never a suggestion" in str(error)
    )


def test_measures_are_read_onto_the_scenario(tmp_path: Path) -> None:
    scenario = load_one(
        tmp_path,
        """
        [[scenario]]
        name = "asks"
        measures = ["meals_compensation", "transport_compensation"]
        [scenario.expect]
        suggested = []
        notes = ["no_municipal_policy"]
        """,
    )
    assert scenario.measures == ("meals_compensation", "transport_compensation")
    assert scenario.expect.suggested == ()
    assert scenario.expect.notes == (NoteCode.NO_MUNICIPAL_POLICY,)
    plain = load_one(tmp_path, '[[scenario]]\nname = "plain"\n')
    assert plain.measures == ()
    assert (plain.expect.suggested, plain.expect.notes) == (None, None)  # not checked


def test_names_that_break_node_ids_are_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, '[[scenario]]\nname = "a::b"\n')
    assert "must not contain '::'" in str(error)


def test_messages_never_repeat_long_values(tmp_path: Path) -> None:
    long = "x" * 5000
    error = refusal(
        tmp_path,
        f"""
        [[scenario]]
        name = "{long}::"
        as_of = "{long}"
        municipality = "{long.upper()}"
        xfail = 3
        [scenario.expect]
        {long} = 1
        findings = ["{long}", 7]
        parameters = {{ p = ["{long}"] }}
        """,
    )
    assert len(error.errors) == 7
    assert all(len(str(e)) < 400 for e in error.errors), [len(str(e)) for e in error.errors]
    assert "x" * 100 not in str(error)
    assert all(e.path.startswith("scenario[0] ('xxx") for e in error.errors)


def test_a_file_without_scenarios_or_not_toml_is_refused(tmp_path: Path) -> None:
    assert "holds no [[scenario]]" in str(refusal(tmp_path, ""))
    assert "must be an array of tables" in str(refusal(tmp_path, '[scenario]\nname = "x"\n'))
    assert "not valid TOML" in str(refusal(tmp_path, "[[scenario]\n"))


# --- check ----------------------------------------------------------------------------------------


def test_a_correct_expectation_gives_no_message(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(tmp_path, OVER_LIMIT)
    assert check(run_scenario(registry, scenario), scenario) == []


def test_wrong_sets_name_expected_and_actual(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(
        tmp_path,
        OVER_LIMIT.replace(
            'findings = ["unjustified_absences"]', 'findings = ["low_achievement"]'
        ).replace('referrals = ["social_service"]', "referrals = []"),
    )
    messages = check(run_scenario(registry, scenario), scenario)
    assert messages == [
        "findings: expected [low_achievement], got [unjustified_absences] "
        "(missing [low_achievement]; unexpected [unjustified_absences])",
        "referrals: expected [], got [social_service] (unexpected [social_service])",
    ]


def test_wrong_rules_list_the_rules_that_fired(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(
        tmp_path,
        OVER_LIMIT.replace(
            'fired = ["lv.absence.inform_board"]',
            'fired = ["lv.absence.inform_parents", "lv.measure.mentor"]',
        ).replace(
            'not_fired = ["lv.absence.inform_parents"]', 'not_fired = ["lv.absence.inform_board"]'
        ),
    )
    messages = check(run_scenario(registry, scenario), scenario)
    fired = (
        "rules that fired: [lv.absence.inform_board, lv.absence.involve_social_service, "
        "lv.absence.record_in_viis, lv.risk.unjustified_absences]"
    )
    assert messages == [
        f"fired: expected 'lv.absence.inform_parents' to fire, it did not fire ({fired})",
        f"fired: expected 'lv.measure.mentor' to fire, it was not in force on 2025-03-03 ({fired})",
        f"not_fired: expected 'lv.absence.inform_board' not to fire, but it fired ({fired})",
    ]


def test_misspelt_rule_ids_are_reported_with_known_rules(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    scenario = load_one(
        tmp_path,
        OVER_LIMIT.replace(
            'not_fired = ["lv.absence.inform_parents"]',
            'not_fired = ["lv.absence.inform_parent"]',
        ),
    )
    decision = run_scenario(registry, scenario)
    assert check(decision, scenario) == []  # without the rule ids it cannot tell
    known = {rule.id for rule, _ in policy_set_for(registry, scenario).rules_in_force()}
    assert check(decision, scenario, known_rules=known) == [
        "not_fired: 'lv.absence.inform_parent' is not a rule of the policy set (misspelt?)"
    ]


def test_wrong_obligation_details_and_complete(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(
        tmp_path,
        OVER_LIMIT.replace("due = 2025-03-17", "due = 2025-03-04")
        .replace("complete = true", "complete = false")
        .replace('recipients = ["municipal_education_board"]', 'recipients = ["social_service"]')
        + '[[scenario.expect.obligation]]\naction = "report_threat"\n',
    )
    assert check(run_scenario(registry, scenario), scenario) == [
        "complete: expected false, got true",
        "obligation 'inform_municipal_education_board': expected recipients including "
        "[social_service] and due 2025-03-04, got recipients [municipal_education_board], "
        "due 2025-03-17",
        "obligation 'report_threat': expected, but the decision has no such obligation "
        "(obligations: [inform_municipal_education_board, record_in_viis])",
    ]


def test_an_incomplete_decision_names_what_failed(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(
        tmp_path, OVER_LIMIT.replace('referrals = ["social_service"]', "referrals = []")
    )
    failure = Failure(plugin="demo", rule="demo.r", stage="evaluate", error="ZeroDivisionError: x")
    decision = run_scenario(registry, scenario).model_copy(
        update={"complete": False, "failures": (failure,)}
    )
    messages = check(decision, scenario)
    assert messages[0] == (
        "complete: expected true, got false (failed: demo/demo.r (evaluate): ZeroDivisionError: x)"
    )
    lenient = load_one(
        tmp_path,
        OVER_LIMIT.replace("complete = true\n", "").replace(
            'referrals = ["social_service"]', "referrals = []"
        ),
    )
    # complete defaults to true: a scenario that does not mention it still fails, naming the cause
    assert check(decision, lenient)[0] == messages[0]


def test_wrong_measure_verdicts(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(
        tmp_path,
        """
        [[scenario]]
        name = "mentor at 12"
        as_of = 2026-02-16
        [scenario.case.learner]
        birth_date = 2013-06-15
        [[scenario.case.plans]]
        id = "P-1"
        learner_id = "L-T"
        term = { school_year = "2025/2026", semester = 2 }
        period = { start = 2026-01-12, end = 2026-05-29 }
        author_role = "class_teacher"
        application = { signed_by = "parent", signed_on = 2026-01-08 }
        [[scenario.case.plans.measures]]
        measure = "mentor_support"
        responsible_role = "learner_mentor"
        funding = "skola_kopiena"
        [scenario.expect]
        eligible = ["mentor_support", "meals_compensation"]
        ineligible = ["literacy_support"]
        """,
    )
    messages = check(run_scenario(registry, scenario), scenario)
    assert messages == [
        "eligible: expected 'mentor_support' eligible, got ineligible (reasons: "
        "mentor_requires_risk (deny, lv.measure.mentor), mentor_under_min_age (deny, "
        "lv.measure.mentor), in_programme_target_group (allow, "
        "lv.programme.skola_kopiena_target_group))",
        "eligible: expected 'meals_compensation' eligible, got no verdict on it "
        "(verdicts: mentor_support=ineligible; " + NOT_ASKED,
        "ineligible: expected 'literacy_support' ineligible, got no verdict on it "
        "(verdicts: mentor_support=ineligible; " + NOT_ASKED,
    ]


#: A 12-year-old with a mentor in the plan: refused twice (no risk, under the minimum age).
MENTOR = """\
[[scenario]]
name = "mentor at 12"
as_of = 2026-02-16
[scenario.case.learner]
birth_date = 2013-06-15
[[scenario.case.plans]]
id = "P-1"
learner_id = "L-T"
term = { school_year = "2025/2026", semester = 2 }
period = { start = 2026-01-12, end = 2026-05-29 }
author_role = "class_teacher"
application = { signed_by = "parent", signed_on = 2026-01-08 }
[[scenario.case.plans.measures]]
measure = "mentor_support"
responsible_role = "learner_mentor"
funding = "skola_kopiena"
"""

#: Every detailed check OVER_LIMIT's decision passes, one table or key of each kind.
DETAILS = """\
[scenario.expect.evidence]
unjustified_absences = { unjustified_lessons = 21 }
[scenario.expect.parameters]
"lv.absence.unjustified_lessons_limit" = 20
"lv.absence.board_notice_days" = 5.0
[[scenario.expect.referral]]
to = "social_service"
reason = "unjustified_absence_over_limit"
urgency = "routine"
[[scenario.expect.obligation]]
action = "record_in_viis"
responsible_roles = ["school_director"]
recipients = ["viis"]
due = 2025-03-17
"""


def messages_for(tmp_path: Path, registry: PolicyRegistry, body: str) -> list[str]:
    scenario = load_one(tmp_path, body)
    return check(run_scenario(registry, scenario), scenario)


def test_details_that_hold_give_no_message(tmp_path: Path, registry: PolicyRegistry) -> None:
    scenario = load_one(tmp_path, OVER_LIMIT + DETAILS)
    expect = scenario.expect
    assert expect.evidence == {"unjustified_absences": {"unjustified_lessons": 21}}
    assert expect.referral[0].urgency is Urgency.ROUTINE
    assert [o.action for o in expect.obligation] == [
        "inform_municipal_education_board",
        "record_in_viis",
    ]
    assert check(run_scenario(registry, scenario), scenario) == []
    verdicts = MENTOR + (
        "[scenario.expect.verdicts.mentor_support]\n"
        "eligible = false\n"
        'reasons = ["mentor_under_min_age", "in_programme_target_group"]\n'
    )
    assert messages_for(tmp_path, registry, verdicts) == []


def test_scenarios_stay_hashable(tmp_path: Path) -> None:
    first, again = (load_one(tmp_path, OVER_LIMIT + DETAILS) for _ in range(2))
    assert first == again
    assert hash(first) == hash(again)
    assert len({first, again, load_one(tmp_path, OVER_LIMIT)}) == 2


def test_a_wrong_reason_code_fails(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = MENTOR + (
        "[scenario.expect.verdicts.mentor_support]\n"
        'reasons = ["mentor_under_min_age", "mentor_not_in_programme"]\n'
        "[scenario.expect.verdicts.meals_compensation]\n"
        "eligible = true\n"
    )
    assert messages_for(tmp_path, registry, body) == [
        "verdicts 'mentor_support': expected reason 'mentor_not_in_programme', found "
        "mentor_requires_risk (deny, lv.measure.mentor), mentor_under_min_age (deny, "
        "lv.measure.mentor), in_programme_target_group (allow, "
        "lv.programme.skola_kopiena_target_group)",
        "verdicts 'meals_compensation': expected a verdict, found none "
        "(verdicts: mentor_support=ineligible; " + NOT_ASKED,
    ]


def test_a_wrong_verdict_fails_naming_the_reasons(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = MENTOR + "[scenario.expect.verdicts.mentor_support]\neligible = true\n"
    [message] = messages_for(tmp_path, registry, body)
    assert message.startswith(
        "verdicts 'mentor_support': expected eligible = true, found false (reasons: "
        "mentor_requires_risk (deny, lv.measure.mentor), "
    )


def test_a_wrong_deadline_date_fails(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + DETAILS.replace("due = 2025-03-17", "due = 2025-03-07")
    assert messages_for(tmp_path, registry, body) == [
        "obligation 'record_in_viis': expected recipients including [viis] and responsible "
        "roles including [school_director] and due 2025-03-07, got recipients [viis], "
        "responsible roles [school_director], due 2025-03-17"
    ]


def test_wrong_responsible_roles_fail(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + (
        "[[scenario.expect.obligation]]\n"
        'action = "inform_municipal_education_board"\n'
        'responsible_roles = ["class_teacher", "school_director"]\n'
    )
    assert messages_for(tmp_path, registry, body) == [
        "obligation 'inform_municipal_education_board': expected responsible roles including "
        "[class_teacher, school_director], got recipients [municipal_education_board], "
        "responsible roles [class_teacher, social_pedagogue], due 2025-03-17"
    ]


def test_wrong_referral_details_fail(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + (
        DETAILS.replace('urgency = "routine"', 'urgency = "urgent"\ndue = 2025-03-04')
        + '[[scenario.expect.referral]]\nto = "orphans_court"\n'
    )
    assert messages_for(tmp_path, registry, body) == [
        "referral 'social_service': expected urgency urgent, found routine",
        "referral 'social_service': expected due 2025-03-04, found none",
        "referral 'orphans_court': expected, but the decision has no such referral "
        "(referrals: [social_service])",
    ]


def test_a_suggested_referral_expected_as_due_fails(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    """MK 89 lets the municipality involve the social service: the national rule suggests it."""
    due = DETAILS.replace('urgency = "routine"', 'urgency = "routine"\nsuggestion = false')
    assert messages_for(tmp_path, registry, OVER_LIMIT + due) == [
        "referral 'social_service': expected a referral a rule makes due, found only a suggestion"
    ]
    suggested = DETAILS.replace('urgency = "routine"', 'urgency = "routine"\nsuggestion = true')
    assert messages_for(tmp_path, registry, OVER_LIMIT + suggested) == []


def test_wrong_evidence_fails(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + DETAILS.replace(
        "unjustified_absences = { unjustified_lessons = 21 }",
        "unjustified_absences = { unjustified_lessons = 20, lessons = 300 }\n"
        "low_achievement = { failing_subjects = 1 }",
    )
    assert messages_for(tmp_path, registry, body) == [
        "evidence 'unjustified_absences': expected unjustified_lessons = 20, found 21",
        "evidence 'unjustified_absences': expected lessons = 300, found no such fact "
        "(evidence: [unjustified_lessons])",
        "evidence 'low_achievement': expected a finding, found none "
        "(findings: [unjustified_absences])",
    ]
    # a boolean is not a number, even where Python says True == 1
    flag = DETAILS.replace("unjustified_lessons = 21", "unjustified_lessons = true")
    assert messages_for(tmp_path, registry, OVER_LIMIT + flag) == [
        "evidence 'unjustified_absences': expected unjustified_lessons = true, found 21"
    ]


def test_wrong_parameter_values_fail(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + DETAILS.replace(
        '"lv.absence.board_notice_days" = 5.0',
        '"lv.absence.board_notice_days" = 3\n'
        '"lv.absence.unjustified_lesson_limit" = 20\n'
        '"lv.child_protection.state_institution" = "childrens_protection_centre"',
    )
    assert messages_for(tmp_path, registry, body) == [
        "parameters 'lv.absence.board_notice_days': expected 3, found 5",
        "parameters 'lv.absence.unjustified_lesson_limit': expected 20, but no rule read it "
        "(did you mean 'lv.absence.unjustified_lessons_limit'?)",
    ]


#: A grade-1 learner on the first day of Skola-kopienā's project period, no plan and no
#: observation: the literacy rule finds the learner eligible for literacy support.
GRADE_1 = """\
[[scenario]]
name = "grade 1"
as_of = 2025-05-08
[scenario.case.learner]
birth_date = 2018-04-10
[scenario.case.learner.enrolment]
grade = 1
"""


def test_a_measure_nobody_asked_for_is_a_suggestion(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    body = GRADE_1 + (
        "[scenario.expect]\n"
        'suggested = ["literacy_support"]\n'
        'notes = ["no_municipal_policy", "no_observation_on_date"]\n'
    )
    scenario = load_one(tmp_path, body)
    decision = run_scenario(registry, scenario)
    assert [v.measure for v in decision.suggestions] == ["literacy_support"]
    assert decision.measures == ()
    assert check(decision, scenario) == []
    # expecting a verdict on it says that it is a suggestion and how to ask for one
    wrong = GRADE_1 + '[scenario.expect]\neligible = ["literacy_support"]\nsuggested = []\n'
    assert messages_for(tmp_path, registry, wrong) == [
        "suggested: expected [], got [literacy_support] (unexpected [literacy_support])",
        "eligible: expected 'literacy_support' eligible, got no verdict on it (no verdicts at "
        "all; it is a suggestion: list it in the scenario's 'measures' to ask for a verdict, or "
        "expect it in 'suggested')",
    ]


def test_the_measures_a_scenario_asks_for_get_verdicts(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    body = GRADE_1.replace(
        "as_of = 2025-05-08\n",
        'as_of = 2025-05-08\nmeasures = ["literacy_support", "transport_compensation"]\n',
    ) + (
        "[scenario.expect]\n"
        "suggested = []\n"
        'notes = ["no_municipal_policy", "no_observation_on_date", "measure_not_decided"]\n'
        "[scenario.expect.verdicts.literacy_support]\n"
        "eligible = true\n"
        'reasons = ["literacy_grade_in_range"]\n'
    )
    scenario = load_one(tmp_path, body)
    decision = run_scenario(registry, scenario)
    assert [v.measure for v in decision.measures] == ["literacy_support"]
    # no rule judges transport compensation without a plan line or a funding record: a note
    assert [n.detail for n in decision.notes if n.code == NoteCode.MEASURE_NOT_DECIDED] == [
        {"measure": "transport_compensation"}
    ]
    assert check(decision, scenario) == []
    # the same decision reached without the scenario's measures is not checked as if it were
    unasked = policy_set_for(registry, scenario).evaluate(scenario.case, scenario.as_of)
    assert check(unasked, scenario)[0] == (
        "measures: [literacy_support, transport_compensation] asked for, but the decision "
        "neither judges them nor notes them as not decided: it was evaluated without the "
        "scenario's 'measures' (evaluate it with run_scenario, or pass "
        "measures=scenario.measures)"
    )


def test_wrong_notes_fail(tmp_path: Path, registry: PolicyRegistry) -> None:
    body = OVER_LIMIT + 'notes = ["no_observation_on_date"]\n'
    body = body.replace("[[scenario.expect.obligation]]", "", 1).replace(
        'action = "inform_municipal_education_board"\n'
        'recipients = ["municipal_education_board"]\n'
        "due = 2025-03-17\n",
        "",
    )
    assert messages_for(tmp_path, registry, body) == [
        "notes: expected [no_observation_on_date], got [no_municipal_policy] "
        "(missing [no_observation_on_date]; unexpected [no_municipal_policy])"
    ]


def test_an_unknown_measure_asked_for_is_refused_when_run(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    scenario = load_one(tmp_path, GRADE_1.replace("as_of", 'measures = ["literacy"]\nas_of'))
    with pytest.raises(UnknownNameError, match="literacy"):
        run_scenario(registry, scenario)


def test_run_scenario_uses_the_scenario_municipality(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    scenario = load_one(
        tmp_path, OVER_LIMIT.replace('name = "21 lessons"', 'name = "x"\nmunicipality = "ogre"')
    )
    assert run_scenario(registry, scenario).policy.municipality == "ogre"
    plain = load_one(tmp_path, OVER_LIMIT)
    assert run_scenario(registry, plain).policy.municipality == "testa-novads"


# --- the pytest plugin ----------------------------------------------------------------------------


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose runs load only this plugin (not the installed pytest11 entry points, one
    of which may be this same plugin)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    return pytester


def test_plugin_runs_passing_scenarios(inner: pytest.Pytester) -> None:
    write(inner.path, OVER_LIMIT + OVER_LIMIT.replace('"21 lessons"', '"again"'))
    result = inner.runpytest("-p", PLUGIN, "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*t.scenarios.toml::21 lessons PASSED*"])


def test_plugin_reports_mismatches_without_a_traceback(inner: pytest.Pytester) -> None:
    failing = OVER_LIMIT.replace('"21 lessons"', '"wrong"').replace(
        'findings = ["unjustified_absences"]', 'findings = ["low_achievement"]'
    )
    write(inner.path, OVER_LIMIT + failing)
    result = inner.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    expected = (
        "findings: expected [low_achievement], got [unjustified_absences] "
        "(missing [low_achievement]; unexpected [unjustified_absences])\n"
        "(scenario 'wrong' at t.scenarios.toml:32, as of 2025-03-03, policy set of "
        "'testa-novads')\n"
    )
    assert expected in out
    # the short summary shows the first mismatch
    assert "FAILED t.scenarios.toml::wrong - findings: expected [low_achievement]" in out
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "runtest" not in out
    assert "ScenarioMismatch" not in out


def test_plugin_checks_the_detailed_expectations(inner: pytest.Pytester) -> None:
    late = DETAILS.replace("due = 2025-03-17", "due = 2025-03-07")
    write(inner.path, OVER_LIMIT + DETAILS + OVER_LIMIT.replace('"21 lessons"', '"late"') + late)
    result = inner.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "obligation 'record_in_viis': expected * and due 2025-03-07, got *due 2025-03-17",
            "(scenario 'late' at t.scenarios.toml:*",
        ]
    )


def test_plugin_asks_for_the_scenario_measures(inner: pytest.Pytester) -> None:
    asked = GRADE_1.replace("as_of", 'measures = ["literacy_support"]\nas_of') + (
        '[scenario.expect]\neligible = ["literacy_support"]\nsuggested = []\n'
    )
    write(inner.path, asked)
    inner.runpytest("-p", PLUGIN).assert_outcomes(passed=1)


def test_plugin_reports_a_bad_file_as_a_collection_error(inner: pytest.Pytester) -> None:
    write(inner.path, '[[scenario]]\nname = "x"\n[scenario.expect]\nfinding = []\n')
    result = inner.runpytest("-p", PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown key 'finding'*"])
    assert "Traceback" not in result.stdout.str()


def test_plugin_marks_xfail_scenarios_strict(inner: pytest.Pytester) -> None:
    failing = OVER_LIMIT.replace('"21 lessons"', '"known bug"\nxfail = "bug 1"').replace(
        "referrals = [", 'referrals = ["orphans_court", '
    )
    passing = OVER_LIMIT.replace('"21 lessons"', '"fixed bug"\nxfail = "bug 2"')
    write(inner.path, failing + passing)
    result = inner.runpytest("-p", PLUGIN, "-rxX")
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*XPASS(strict)*bug 2*"])


def test_plugin_ignores_other_toml_files(inner: pytest.Pytester) -> None:
    (inner.path / "settings.toml").write_text("[x]\ny = 1\n", encoding="utf-8")
    write(inner.path, OVER_LIMIT)
    inner.runpytest("-p", PLUGIN).assert_outcomes(passed=1)


def test_plugin_builds_one_registry_per_session(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    real = PolicyRegistry.load

    def spy(cls: type[PolicyRegistry], *args: Any, **kwargs: Any) -> PolicyRegistry:
        calls.append(kwargs.get("entry_points", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(PolicyRegistry, "load", classmethod(spy))
    write(inner.path, OVER_LIMIT + OVER_LIMIT.replace('"21 lessons"', '"again"'))
    inner.runpytest("-p", PLUGIN).assert_outcomes(passed=2)
    assert calls == [True]
    inner.runpytest("-p", PLUGIN, "--atbalsts-no-entry-points").assert_outcomes(passed=2)
    assert calls == [True, False]


def test_plugin_collects_the_national_suite(inner: pytest.Pytester) -> None:
    shutil.copytree(NATIONAL, inner.path / "national")
    items, _ = inner.inline_genitems("-p", PLUGIN, "--atbalsts-no-entry-points")
    assert len(items) >= 45
    files = {item.path.name for item in items}
    for topic in ("absence", "protection", "plans", "mentor", "measures", "risk"):
        assert f"{topic}.scenarios.toml" in files
    assert len({item.nodeid for item in items}) == len(items)


@pytest.mark.skipif(
    not any(ep.name == "atbalsts" for ep in entry_points(group="pytest11")),
    reason="the pytest11 entry point of atbalsts is not installed",
)
@pytest.mark.parametrize("how", ["-p", "conftest"])
def test_plugin_named_by_module_path_next_to_the_entry_point(
    pytester: pytest.Pytester, how: str
) -> None:
    """With the entry point installed, naming the module too must not register it twice."""
    write(pytester.path, OVER_LIMIT)
    if how == "conftest":
        pytester.makeconftest(f"pytest_plugins = [{PLUGIN!r}]")
        result = pytester.runpytest()
    else:
        result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=1)
