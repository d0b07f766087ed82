"""The Latvian ``atbalsts transition`` and ``atbalsts audit show`` say roles, actions and
statuses in Latvian, each with its code after it (``klases audzinātājs (class_teacher)``), as
they say approval steps: a social pedagogue reads ``draft`` or ``activate`` as jargon, and the
code is what a program and the documents write. English says the codes, as the library does.
A code without a word here (a municipality's role, an edited chain) is shown as written."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from tests.workflow.fixtures import DAY, plan, referral

from atbalsts.cli import main
from atbalsts.cli._i18n import texts
from atbalsts.cli._workflow import lifecycle_message, refusal_reason
from atbalsts.cli._workflow_words import action_word, role_word, status_word
from atbalsts.errors import LifecycleError, Refusal
from atbalsts.workflow import transition
from atbalsts.workflow._lifecycle import LIFECYCLES

LV, EN = texts("lv"), texts("en")

ACTIONS = sorted({a for table in LIFECYCLES.values() for moves in table.values() for a in moves})
STATUSES = sorted(
    {
        s
        for table in LIFECYCLES.values()
        for status, moves in table.items()
        for s in (status, *moves.values())
    }
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def _write(path: Path, document: Any) -> Path:
    path.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def test_a_latvian_refusal_names_the_role_by_its_label_and_keeps_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    doc = _write(tmp_path / "r.json", referral())
    args = ("transition", str(doc), "send", "--actor", "s-1", "--role", "psychologist")
    status, _, said = run(*args, "--on", "2025-03-03")
    assert status == 1
    assert said.startswith(
        "atteikts: nosūtījums: darbību „nosūtīt” (send) statusā melnraksts (draft) "
        "atteica pārbaudes:"
    )
    assert (
        "darbību „nosūtīt” (send) veic nosūtījuma sūtītājs (iestāde vai loma, ko norāda tā "
        "lauks referred_by), nevis loma psihologs (psychologist)\n"
    ) in said
    english = run(*args, "--on", "2025-03-03", "--lang", "en")[2]
    assert english.startswith("refused: referral: 'send' from 'draft' refused by a guard:")
    assert (
        "send is taken by the referral's sender (the institution or role its field "
        "referred_by names), not by " in english
    )
    assert "not by the role psychologist\n" in english


def test_an_action_not_allowed_is_said_with_the_actions_and_the_status_in_latvian() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(plan(), "activate", actor="d-1", role="school_director", on=DAY)
    assert lifecycle_message(info.value, LV) == (
        "atbalsta plāns: darbība „sākt īstenot” (activate) nav atļauta statusā melnraksts (draft); "
        "atļautas: „iesniegt” (submit), „atcelt” (revoke), „atzīmēt kā kļūdainu” (enter-in-error)"
    )
    assert lifecycle_message(info.value, EN) == str(info.value)


def test_a_step_waiting_for_other_roles_names_them_in_latvian() -> None:
    submitted = transition(plan(), "submit", actor="t-1", role="class_teacher", on=DAY).document
    approved = transition(submitted, "approve", actor="t-1", role="class_teacher", on=DAY).document
    with pytest.raises(LifecycleError) as info:
        transition(approved, "approve", actor="t-1", role="class_teacher", on=DAY)
    said = lifecycle_message(info.value, LV)
    assert (
        "„apstiprināt” (approve): solī „izglītības iestādes direktors (school_director)” rīkojas "
        "izglītības iestādes direktors (school_director), nevis loma klases audzinātājs "
        "(class_teacher)"
    ) in said


@pytest.mark.parametrize("code", ACTIONS)
def test_every_action_has_a_latvian_word(code: str) -> None:
    word, _, rest = action_word(code, LV).rpartition(" (")
    assert (rest, bool(word), word == code) == (f"{code})", True, False)
    assert action_word(code, EN) == code


@pytest.mark.parametrize("code", STATUSES)
def test_every_status_has_a_latvian_word(code: str) -> None:
    word, _, rest = status_word(code, LV).rpartition(" (")
    assert (rest, bool(word), word == code) == (f"{code})", True, False)
    assert status_word(code, EN) == code


def test_a_role_or_an_institution_acting_is_said_by_its_label() -> None:
    assert role_word("class_teacher", LV) == "klases audzinātājs (class_teacher)"
    assert role_word("orphans_court", LV) == "bāriņtiesa (orphans_court)"
    assert role_word("class_teacher", EN) == "class_teacher"


def test_a_code_without_a_word_is_shown_as_written() -> None:
    # a municipality's own role, an action or status of an edited chain
    assert role_word("bauska:tutor", LV) == "bauska:tutor"
    assert action_word("frobnicate", LV) == "frobnicate"
    assert status_word("x\\n", LV) == "x\\n"


@pytest.mark.parametrize(
    ("who", "latvian", "english"),
    [
        (
            "sender",
            "nosūtījuma sūtītājs (iestāde vai loma, ko norāda tā lauks referred_by)",
            "the referral's sender (the institution or role its field referred_by names)",
        ),
        (
            "recipient",
            "nosūtījuma saņēmējs (iestāde vai loma, ko norāda tā lauks referred_to)",
            "the referral's recipient (the institution or role its field referred_to names)",
        ),
        (
            "sender_or_recipient",
            "nosūtījuma sūtītājs vai saņēmējs (iestāde vai loma, ko norāda tā lauks referred_by "
            "vai referred_to)",
            "the referral's sender or recipient (the institution or role its field referred_by "
            "or referred_to names)",
        ),
    ],
    ids=["sender", "recipient", "sender_or_recipient"],
)
def test_a_referrals_party_is_said_as_a_person_reads_it(
    who: str, latvian: str, english: str
) -> None:
    """A class teacher (an outside reader) read "sūtītājs (referred_by iestāde vai loma)": a
    field's name used as a word. The party is said in words, and the field that names it as the
    other refusals name a field ("the person its field author names")."""
    from atbalsts.workflow._guards import WHO

    refusal = Refusal(
        guard="lv.guard.referral.parties",
        plugin="lv",
        reason=f"send is taken by {WHO[who]}, not by the role psychologist",
        basis="illustrative: x",
        code="wrong_role",
        values={"action": "send", "role": "psychologist", "who": who},
    )
    assert refusal_reason(refusal, LV) == (
        f"darbību „nosūtīt” (send) veic {latvian}, nevis loma psihologs (psychologist)"
    )
    assert WHO[who] == english
    assert refusal_reason(refusal, EN) == refusal.reason


def test_a_plugins_wrong_role_without_its_values_is_shown_as_written() -> None:
    refusal = Refusal(
        guard="zeta.guard.form",
        plugin="zeta",
        reason="only the director sends it",
        basis="illustrative: x",
        code="wrong_role",
        values={"who": "school_director"},
    )
    assert refusal_reason(refusal, LV) == "only the director sends it"


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("class_teacher", "klases audzinātājs (class_teacher)"),
        ("orphans_court", "bāriņtiesa (orphans_court)"),
        ("social_service", "pašvaldības sociālais dienests (social_service)"),
        ("state_police", "Valsts policija (state_police)"),
        ("ikvd", "Izglītības kvalitātes valsts dienests (ikvd)"),
        ("national_coordinator", "valsts līmeņa koordinators (IKVD, national_coordinator)"),
    ],
)
def test_a_role_is_written_as_inside_a_sentence(code: str, said: str) -> None:
    """The code lists write each label as a heading (``Klases audzinātājs``); inside a sentence
    a kind of person or body is in lower case, an institution's proper name keeps its capital."""
    assert role_word(code, LV) == said


def test_every_proper_name_is_an_institution() -> None:
    from atbalsts._explain import PROPER_NAMES
    from atbalsts.codes import CODE_LISTS

    assert {c.code for c in CODE_LISTS["institutions"]} >= PROPER_NAMES


def test_a_wait_for_the_chains_lock_is_said_in_latvian() -> None:
    """The transition and audit commands say that they wait for another process's append."""
    from atbalsts.cli._audit import audit_message
    from atbalsts.workflow._notice import Notice

    notice = Notice(
        "chain_waiting", "waiting for another process writing c.jsonl", {"chain": "c.jsonl"}
    )
    assert audit_message(notice, LV) == "gaida, kamēr cits process pabeidz rakstīt c.jsonl"
    assert audit_message(notice, EN) == "waiting for another process writing c.jsonl"
