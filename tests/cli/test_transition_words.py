"""What ``atbalsts transition`` says to the person at the command line: the step it took, a
mistyped action as a wrong argument, a missing parameter as missing, and a parameter the action
does not take refused before it reaches the audit chain (found by an outside tester)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_cli_commands import APPROVAL, PLAN

from atbalsts.cli import main


def _step(doc: Path, action: str, role: str, *more: str) -> int:
    argv = ["transition", str(doc), action, "--actor", "p-1", "--role", role, "--on"]
    return main([*argv, "2025-03-03", *more])


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    doc = tmp_path / "plan.json"
    doc.write_text(json.dumps(PLAN), encoding="utf-8")
    return doc


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "{doc}: submit: draft -> submitted (event 0 of {chain})"),
        (
            "lv",
            "{doc}: „iesniegt” (submit): melnraksts (draft) -> iesniegts (submitted) ({chain} "
            "notikums 0)",
        ),
    ],
)
def test_a_transition_done_says_the_step_and_its_event(
    plan: Path, lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = plan.parent / "chain.jsonl"
    assert _step(plan, "submit", "plan_author", "--chain", str(chain), "--lang", lang) == 0
    err = capsys.readouterr().err
    assert said.format(doc=plan, chain=chain) in err
    assert _step(plan, "approve", "plan_author", "--lang", "en") == 0  # without a chain
    assert f"{plan}: approve: submitted -> submitted\n" in capsys.readouterr().err


def test_a_mistyped_action_is_a_wrong_argument(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = plan.read_bytes()
    assert _step(plan, "frobnicate", "plan_author", "--lang", "en") == 2
    err = capsys.readouterr().err
    assert "unknown action 'frobnicate'" in err
    assert "submit" in err
    assert _step(plan, "frobnicate", "plan_author", "--lang", "lv") == 2
    assert "nezināma darbība 'frobnicate'" in capsys.readouterr().err
    assert plan.read_bytes() == before
    assert _step(plan, "submit", "plan_author", "--param", "=1") == 2
    assert "kļūda: --param: nosaukums pirms '=' ir tukšs" in capsys.readouterr().err


def test_a_missing_parameter_is_said_missing_and_an_unknown_one_is_refused(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chain = plan.parent / "chain.jsonl"
    for action, role in APPROVAL:
        assert _step(plan, action, role, "--chain", str(chain)) == 0
    active, events = plan.read_bytes(), chain.read_bytes()
    capsys.readouterr()
    assert _step(plan, "review", "class_teacher", "--chain", str(chain), "--lang", "en") == 1
    assert "parameter 'achievements' is missing" in capsys.readouterr().err
    deliver = ["--param", "measure=0", "--param", "sessions=1", "--chain", str(chain)]
    person = ["--param", "Anna Liepa 161175-19997=1"]
    assert _step(plan, "deliver", "class_teacher", *deliver, *person, "--lang", "lv") == 1
    err = capsys.readouterr().err
    assert "šādu parametru darbība neņem" in err
    assert "paredzētie parametri: hours, measure, sessions" in err
    assert "Anna" not in err
    assert "161175" not in err
    typo = ["--param", "hour=2"]
    assert _step(plan, "deliver", "class_teacher", *deliver, *typo, "--lang", "en") == 1
    assert "parameter 'hour' is not one it takes" in capsys.readouterr().err
    assert plan.read_bytes() == active
    assert chain.read_bytes() == events


def test_a_file_that_cannot_be_read_is_said_in_latvian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nosuch.json"
    assert _step(missing, "submit", "plan_author") == 2
    assert f"kļūda: nevar nolasīt {missing}: šāda faila vai mapes nav" in capsys.readouterr().err
    assert _step(missing, "submit", "plan_author", "--lang", "en") == 2
    assert f"error: cannot read {missing}: No such file or directory" in capsys.readouterr().err


def test_a_file_error_names_both_files_in_latvian_and_survives_pickling() -> None:
    import errno
    import pickle

    from atbalsts.cli._errors import file_message
    from atbalsts.cli._i18n import texts
    from atbalsts.errors import FileError

    error = OSError(errno.EACCES, "Permission denied", "chain.jsonl")
    kept = FileError("plan.json", "write", error, also="chain.jsonl", kept=True)
    again = pickle.loads(pickle.dumps(kept))
    assert (again.path, again.also, again.kept, str(again)) == (
        "plan.json",
        "chain.jsonl",
        True,
        str(kept),
    )
    said = file_message(again, texts("lv"))
    assert (
        said == "nevar ierakstīt plan.json un chain.jsonl (atstāti, kā bija): nav piekļuves tiesību"
    )
    moved = FileError(".plan.json.pending", "replace", error)
    assert file_message(moved, texts("lv")).startswith("nevar novietot .plan.json.pending vietā")


def test_a_param_without_its_equals_sign_is_refused_without_repeating_it(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = plan.read_bytes()
    assert _step(plan, "submit", "plan_author", "--param", "Anna Liepa 161175-19997") == 2
    err = capsys.readouterr().err
    assert "kļūda: --param: gaidīts NOSAUKUMS=VĒRTĪBA (ar '='), bet dotajā tekstā '=' nav" in err
    assert "Anna" not in err
    assert "161175" not in err
    assert plan.read_bytes() == before
    assert _step(plan, "submit", "plan_author", "--param", "=1") == 2
    assert "kļūda: --param: nosaukums pirms '=' ir tukšs" in capsys.readouterr().err
