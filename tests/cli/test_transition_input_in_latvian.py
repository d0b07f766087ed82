"""`atbalsts transition` says input it cannot use in Latvian by default, in English with --lang en:
each such error is an AtbalstsError with a code and the values it is about (paths, option
names, the known steps, the first 40 characters of a mistyped --on), which the command says by
the code from one catalog (:mod:`atbalsts.cli._coded`); exit status 2, the file or option named,
nothing of the documents echoed and nothing changed. The English is the library's message."""

from __future__ import annotations

import contextlib
import gettext
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.test_cli_commands import PLAN

from atbalsts.cli import main
from atbalsts.cli._coded import coded_message, transition_sentences
from atbalsts.cli._i18n import Texts, texts
from atbalsts.errors import AtbalstsError
from atbalsts.model import ApprovalStep
from atbalsts.workflow import cli_transition, parse_param

#: The catalog's source language: a sentence said through it is the library's English.
SOURCE = Texts("en", gettext.NullTranslations())
#: Every document below holds it in a free-text field, and it may never be said.
HIDDEN = "Synthetic HIDDENWORDS"


def run(*argv: str) -> tuple[int, str]:
    """``atbalsts`` with ``argv`` in the default language (ATBALSTS_LANG unset): its exit status
    and what it said on standard error."""
    err = io.StringIO()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(err),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.delenv("ATBALSTS_LANG", raising=False)
        status = main(list(argv))
    return status, err.getvalue()


def _plan(directory: Path) -> Path:
    plan: dict[str, Any] = json.loads(json.dumps(PLAN))
    plan["goals"][0]["description"] = HIDDEN
    doc = directory / "plan.json"
    doc.write_text(json.dumps(plan), encoding="utf-8")
    return doc


def _file(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _utf16(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-16")  # with its byte-order mark
    return path


def _step(doc: Path, *more: str, actor: str = "p-1") -> list[str]:
    return ["transition", str(doc), "submit", "--actor", actor, "--role", "class_teacher", *more]


ON = ("--on", "2025-03-03")

#: A scenario: the command's arguments in a directory holding plan.json.
Scenario = Callable[[Path], list[str]]

#: code: (scenario, the Latvian message, the English message); {d} is the directory.
SCENARIOS: dict[str, tuple[Scenario, str, str]] = {
    "not_json_document": (
        lambda d: _step(_file(d, "x.json", f"{HIDDEN} {{"), *ON),
        "{d}/x.json nav JSON dokuments",
        "{d}/x.json is not a JSON document",
    ),
    "not_utf8": (  # as validate, evaluate and batch say it, not "not a JSON document"
        lambda d: _step(_utf16(d, "x.json", json.dumps({"author_role": HIDDEN})), *ON),
        "nevar nolasīt {d}/x.json: tas nav UTF-8 teksts",
        "cannot read {d}/x.json: it is not UTF-8 text",
    ),
    "not_json_object": (
        lambda d: _step(_file(d, "x.json", json.dumps([HIDDEN])), *ON),
        "{d}/x.json nav JSON objekts",
        "{d}/x.json is not a JSON object",
    ),
    "not_workflow_document": (
        lambda d: _step(_file(d, "x.json", json.dumps({"id": "x", "note": HIDDEN})), *ON),
        "{d}/x.json nav ne atbalsta plāns, ne nosūtījums, ne piekrišana",
        "{d}/x.json is not a support plan, a referral or a consent",
    ),
    "on_not_a_date": (
        lambda d: _step(d / "plan.json", "--on", "3.3.2025"),
        "--on: nav ne datums (YYYY-MM-DD), ne datums un laiks ar laika nobīdi "
        "(YYYY-MM-DDTHH:MM:SS+02:00): '3.3.2025'",
        "--on: not a date (YYYY-MM-DD) or a date and time with its offset "
        "(YYYY-MM-DDTHH:MM:SS+02:00): '3.3.2025'",
    ),
    "param_without_equals": (
        lambda d: _step(d / "plan.json", *ON, "--param", HIDDEN),
        "--param: gaidīts NOSAUKUMS=VĒRTĪBA (ar '='), bet dotajā tekstā '=' nav",
        "--param: expected KEY=VALUE (with '='), got text without one",
    ),
    "param_name_empty": (
        lambda d: _step(d / "plan.json", *ON, "--param", f" ={HIDDEN}"),
        "--param: nosaukums pirms '=' ir tukšs",
        "--param: the name before '=' is empty",
    ),
    "not_a_consent": (
        lambda d: _step(d / "plan.json", *ON, "--consent", str(d / "plan.json")),
        "--consent: {d}/plan.json nav piekrišana",
        "--consent: {d}/plan.json is not a consent",
    ),
    "unknown_step": (
        lambda d: _step(d / "plan.json", *ON, "--steps", f"school_director,{HIDDEN}"),
        "--steps: katram solim jābūt vienam no šiem: {steps}",
        "--steps: each step is one of {steps}",
    ),
    "target_not_a_file": (
        lambda d: _step(d / "plan.json", *ON, "-o", str(d)),
        "-o: {d} nav parasts fails: norādiet failu, kurā rakstīt",
        "-o: {d} is not a regular file: name a file to write",
    ),
}

STEPS = ", ".join(s.value for s in ApprovalStep)

#: The names of the values each code carries.
KEYS: dict[str, tuple[str, ...]] = {
    "not_json_document": ("path",),
    "not_json_object": ("path",),
    "not_utf8": ("path",),
    "not_workflow_document": ("path",),
    "on_not_a_date": ("option", "text"),
    "param_without_equals": ("option",),
    "param_name_empty": ("option",),
    "not_a_consent": ("option", "path"),
    "unknown_step": ("option", "known"),
    "target_not_a_file": ("option", "path"),
}


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_input_error_in_latvian_and_in_english(code: str, tmp_path: Path) -> None:
    scenario, latvian, english = SCENARIOS[code]
    plan = _plan(tmp_path)
    before = plan.read_bytes()
    argv = scenario(tmp_path)
    status, said = run(*argv)
    assert (status, said) == (2, "kļūda: " + latvian.format(d=tmp_path, steps=STEPS) + "\n")
    status, said = run(*argv, "--lang", "en")
    assert (status, said) == (2, "error: " + english.format(d=tmp_path, steps=STEPS) + "\n")
    assert plan.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_the_library_gives_the_code_and_values_nothing_of_the_documents(
    code: str, tmp_path: Path
) -> None:
    """A program gets the code and the values from the library (``cli_transition``, or
    ``parse_param`` for ``--param``): only the option and file named, never a document's text
    nor what was typed instead of a parameter or a step; the catalog's English, with those
    values, is the library's message."""
    _plan(tmp_path)
    argv = SCENARIOS[code][0](tmp_path)
    options = dict(zip(argv[3::2], argv[4::2], strict=False))  # after DOCUMENT ACTION
    consents = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--consent"]
    params = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--param"]

    def act() -> None:
        for param in params:
            parse_param(param)
        cli_transition(
            argv[1],
            argv[2],
            actor=options["--actor"],
            role=options["--role"],
            on=options["--on"],
            consents=consents,
            steps=options.get("--steps"),
            output=options.get("-o"),
        )

    with pytest.raises(AtbalstsError) as caught:
        act()
    err = caught.value
    assert type(err) is AtbalstsError
    assert err.code == code
    assert sorted(err.values) == sorted(KEYS[code])
    assert "HIDDEN" not in "".join(err.values.values())
    assert "HIDDEN" not in str(err)
    assert transition_sentences(SOURCE)[code].format(**err.values) == str(err)
    option = err.values.get("option")
    assert option is None or option in argv
    assert err.values.get("path", str(tmp_path)).startswith(str(tmp_path))


def test_a_long_on_is_said_cut_to_40_characters(tmp_path: Path) -> None:
    typed = "2025-03-03 " + "x" * 100
    status, said = run(*_step(_plan(tmp_path), "--on", typed))
    assert status == 2
    assert repr(typed[:40]) in said
    assert typed[:41] not in said
    with pytest.raises(AtbalstsError) as caught:
        cli_transition(
            tmp_path / "plan.json", "submit", actor="p-1", role="class_teacher", on=typed
        )
    assert dict(caught.value.values) == {"option": "--on", "text": typed[:40]}


def test_an_invalid_actor_names_the_audit_event_in_latvian_without_the_name(
    tmp_path: Path,
) -> None:
    """The audit event a transition would record is a document named by its kind, not a file:
    said in the command's language, with the failing field and never its value (a person's
    name typed as the actor)."""
    doc = _plan(tmp_path)
    name = "Jānis Bērziņš"
    status, said = run(*_step(doc, *ON, actor=name))
    assert status == 2
    assert said.splitlines()[0] == "kļūda: audita notikums nav derīgs"
    assert said.splitlines()[1].startswith("  actor: ")
    assert "Jānis" not in said
    status, said = run(*_step(doc, *ON, actor=name), "--lang", "en")
    assert status == 2
    assert said.splitlines()[0] == "error: audit event is invalid"
    assert said.splitlines()[1].startswith("  actor: ")
    assert "Jānis" not in said


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_an_invalid_actor_of_an_action_the_document_records_is_said_too(
    tmp_path: Path, action: str
) -> None:
    """An approval or a rejection records its actor in the plan too (``approver``, ``by``):
    the actor is checked before the plan is changed, and said as for any other action, not as
    a traceback that echoes the name."""
    doc = _plan(tmp_path)
    assert run(*_step(doc, *ON))[0] == 0
    name = "Jānis Bērziņš"
    argv = ["transition", str(doc), action, "--actor", name, "--role", "class_teacher", *ON]
    status, said = run(*argv, "--reason", "synthetic")
    assert status == 2, said
    assert said.splitlines()[0] == "kļūda: audita notikums nav derīgs"
    assert said.splitlines()[1].startswith("  actor: ")
    assert "Jānis" not in said
    assert "Traceback" not in said


def test_a_file_named_like_a_kind_of_document_is_not_renamed() -> None:
    """Only the library's own name of a document is translated; a file's name is shown as it
    is, and any other coded error or message without a sentence as the library wrote it."""
    from atbalsts.cli._errors import document_name, error_lines
    from atbalsts.errors import DocumentError, FieldError

    lv = texts("lv")
    assert document_name("audit event", lv) == "audita notikums"
    assert document_name("audit event.json", lv) == "audit event.json"
    row = FieldError("actor", "String should have at most 64 characters", "string_too_long")
    assert error_lines(DocumentError("audit event", [row]), lv)[0] == (
        "kļūda: audita notikums nav derīgs"
    )
    plain = AtbalstsError("the English words", code="no_such_code", values={"path": "x"})
    assert error_lines(plain, lv) == ["kļūda: the English words"]


VALUES = st.text(alphabet="abc/._-0123456789 ", min_size=1, max_size=20)


@given(code=st.sampled_from(sorted(SCENARIOS)), value=VALUES)
def test_a_sentence_takes_only_the_values_its_code_carries(code: str, value: str) -> None:
    """Each sentence formats with the values the library gives its code (no missing key), in
    both languages; a code's values that do not fit fall back to the English message."""
    keys = KEYS[code]
    err = AtbalstsError("the English words", code=code, values=dict.fromkeys(keys, value))
    said = coded_message(err, texts("lv"))
    assert said != "the English words"
    assert coded_message(err, texts("en")) == "the English words"
    if "{" in transition_sentences(texts("lv"))[code]:  # a sentence that names a value
        missing = AtbalstsError("the English words", code=code)
        assert coded_message(missing, texts("lv")) == "the English words"


def test_a_document_on_a_pipe_cannot_be_written_back_and_the_message_says_so(
    tmp_path: Path,
) -> None:
    """Without -o the document is written back in its place: when that is a named pipe, the
    message names the document and tells to give -o (it spoke of an -o never given before)."""
    import os
    import threading

    plan = _plan(tmp_path).read_bytes()
    pipe = tmp_path / "plan.pipe"
    os.mkfifo(pipe)

    def feed() -> threading.Thread:  # the plan to the next reader of the pipe, once
        def write() -> None:
            with pipe.open("wb") as writer:
                writer.write(plan)

        feeder = threading.Thread(target=write, daemon=True)
        feeder.start()
        return feeder

    feeder = feed()
    status, said = run(*_step(pipe, *ON))
    feeder.join(timeout=60)
    assert not feeder.is_alive()
    assert status == 2
    assert said == (
        f"kļūda: {pipe} nav parasts fails, tāpēc dokumentu nevar ierakstīt atpakaļ tā vietā: "
        "norādiet rakstāmo failu ar -o\n"
    )
    feeder = feed()
    status, said = run(*_step(pipe, *ON), "--lang", "en")
    feeder.join(timeout=60)
    assert not feeder.is_alive()
    assert (status, said) == (
        2,
        f"error: {pipe} is not a regular file, so the document cannot be written back in its "
        "place: name a file to write with -o\n",
    )
    assert "-o:" not in said
