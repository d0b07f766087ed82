"""``atbalsts transition`` refuses a plan's submit and its author's approval step to another
person than the author the plan names (``--actor`` is not its ``author``), in Latvian by default
and in the library's English with ``--lang en``, naming neither person's id."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from tests.workflow.fixtures import plan

from atbalsts.cli import main
from atbalsts.model import SupportPlan

AUTHOR = "staff-author-1"
OTHER = "staff-other-2"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def _write(path: Path, document: SupportPlan) -> Path:
    path.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def _act(doc: Path, action: str, actor: str, *more: str) -> tuple[int, str, str]:
    return run(
        "transition",
        str(doc),
        action,
        "--actor",
        actor,
        "--role",
        "class_teacher",
        "--on",
        "2025-03-03",
        *more,
    )


SUBMIT = {
    "lv": (
        "atteikts: atbalsta plāns: darbību „iesniegt” (submit) statusā melnraksts (draft) "
        "atteica pārbaude:\n"
        "  - lv.guard.plan.role [metodoloģisks pieņēmums, nav tiesību norma]: darbību "
        "„iesniegt” (submit) veic plāna autors (persona, ko norāda tā lauks author), nevis cita "
        "persona\n"
    ),
    "en": (
        "refused: support-plan: 'submit' from 'draft' refused by a guard:\n"
        "  - lv.guard.plan.role [methodological_default: Who takes a plan's actions besides its "
        "approvals; ...]: submit is taken by the plan's author (the person its field author "
        "names), not by another person\n"
    ),
}
APPROVE = {
    "lv": (
        "  - lv.guard.plan.approver_default [metodoloģisks pieņēmums, nav tiesību norma]: "
        "darbību „apstiprināt” (approve) solī „plāna autors (author)” veic plāna autors "
        "(persona, ko norāda tā lauks author), nevis cita persona\n"
    ),
    "en": (
        "  - lv.guard.plan.approver_default [methodological_default: ...]: approve at the step "
        "author is taken by the plan's author (the person its field author names), not by "
        "another person\n"
    ),
}


def _said(expected: str, said: str) -> bool:
    """Whether ``said`` has the line ``expected`` (the English legal basis cut at ``...``, as the
    library writes it in full)."""
    head, _, tail = expected.rstrip("\n").partition("...")
    return any(line.startswith(head) and line.endswith(tail) for line in said.splitlines())


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_another_person_is_refused_the_submit_in_the_commands_language(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    doc = _write(tmp_path / "p.json", plan(author=AUTHOR))
    more = ("--lang", "en") if lang == "en" else ()
    status, out, said = _act(doc, "submit", OTHER, *more)
    assert (status, out) == (1, "")
    assert said.startswith(SUBMIT[lang].splitlines()[0])
    assert _said(SUBMIT[lang].splitlines()[-1], said), said
    assert AUTHOR not in said
    assert OTHER not in said
    status, out, said = _act(doc, "submit", AUTHOR, *more)
    assert status == 0, said


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_another_person_is_refused_the_authors_step_in_the_commands_language(
    tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    doc = _write(tmp_path / "p.json", plan(author=AUTHOR))
    chain = tmp_path / "c.jsonl"
    more = ("--chain", str(chain), *(("--lang", "en") if lang == "en" else ()))
    assert _act(doc, "submit", AUTHOR, *more)[0] == 0
    status, out, said = _act(doc, "approve", OTHER, *more)
    assert (status, out) == (1, "")
    assert _said(APPROVE[lang], said), said
    assert AUTHOR not in said
    assert OTHER not in said
    status, out, said = _act(doc, "approve", AUTHOR, *more)
    assert status == 0, said
