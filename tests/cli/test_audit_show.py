"""``atbalsts audit show CHAIN`` prints the trail for staff: who, in which role, when, which
action on which document, the status before and after, and the guards overridden; the reasons
and parameters, which are sensitive, only with ``--reasons``. In Latvian by default. A chain that
does not verify is shown up to its first bad event, which is then named (status 1). Found by an
outside tester: the only view of the trail was its raw JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, plan, referral

from atbalsts.cli import main
from atbalsts.model import AuditEvent
from atbalsts.workflow import append_event, cli_audit_show, event_line, seal, transition

SECRET = "Synthetic SECRET pause"


def _events() -> list[AuditEvent]:
    """A referral's events, one of a plan among them; the last with a reason."""
    current = referral(legal_duty="child_protection_report", purpose="child_protection")
    events: list[AuditEvent] = []
    steps = [
        ("send", "s-17", "social_pedagogue", DAY, None),
        ("receive", "s-17", "social_service", DAY, None),
        ("submit", "t-1", "class_teacher", DAY, None),  # the plan's
        ("accept", "s-18", "social_service", DAY, None),
        ("start", "s-18", "social_service", DAY, None),
        ("hold", "s-18", "social_service", date(2025, 3, 4), f"{SECRET}\n\x1b[31m"),
    ]
    for action, actor, role, on, reason in steps:
        previous = events[-1] if events else None
        document = plan(id="P-2") if action == "submit" else current
        moved, event = transition(
            document, action, actor=actor, role=role, on=on, reason=reason, previous=previous
        )
        if action != "submit":
            current = moved
        events.append(event)
    return events


EVENTS = _events()


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    path = tmp_path / "c.jsonl"
    for event in EVENTS:
        append_event(path, event)
    return path


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


ENGLISH = [
    "event 0, 2025-03-03: s-17 (social_pedagogue): send, referral R-1: draft -> requested",
    "event 1, 2025-03-03: s-17 (social_service): receive, referral R-1: requested -> received",
    "event 2, 2025-03-03: t-1 (class_teacher): submit, support-plan P-2: draft -> submitted",
    "event 3, 2025-03-03: s-18 (social_service): accept, referral R-1: received -> accepted",
    "event 4, 2025-03-03: s-18 (social_service): start, referral R-1: accepted -> in-progress",
    "event 5, 2025-03-04: s-18 (social_service): hold, referral R-1: in-progress -> on-hold",
]

#: In Latvian a role, an action and a status in words, each with its code after it.
LATVIAN = [
    "notikums 0, 2025-03-03: s-17 kā sociālais pedagogs (social_pedagogue): „nosūtīt” (send), "
    "nosūtījums R-1: melnraksts (draft) -> nosūtīts (requested)",
    "notikums 1, 2025-03-03: s-17 kā pašvaldības sociālais dienests (social_service): „saņemt” "
    "(receive), nosūtījums R-1: nosūtīts (requested) -> saņemts (received)",
    "notikums 2, 2025-03-03: t-1 kā klases audzinātājs (class_teacher): „iesniegt” (submit), "
    "atbalsta plāns P-2: melnraksts (draft) -> iesniegts (submitted)",
    "notikums 3, 2025-03-03: s-18 kā pašvaldības sociālais dienests (social_service): „pieņemt” "
    "(accept), nosūtījums R-1: saņemts (received) -> pieņemts (accepted)",
    "notikums 4, 2025-03-03: s-18 kā pašvaldības sociālais dienests (social_service): „sākt "
    "izpildi” (start), nosūtījums R-1: pieņemts (accepted) -> izpildē (in-progress)",
    "notikums 5, 2025-03-04: s-18 kā pašvaldības sociālais dienests (social_service): „apturēt” "
    "(hold), nosūtījums R-1: izpildē (in-progress) -> apturēts (on-hold)",
]


def test_the_trail_in_latvian_without_reasons(
    chain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    status, out, err = _run("audit", "show", str(chain), capsys=capsys)
    assert (status, err) == (0, "")
    assert out.splitlines() == LATVIAN
    assert "SECRET" not in out
    assert "lawful_basis" not in out


def test_the_trail_in_english(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run("audit", "show", str(chain), "--lang", "en", capsys=capsys)
    assert (status, out.splitlines(), err) == (0, ENGLISH, "")


def test_reasons_and_parameters_only_when_asked_and_printable(
    chain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    status, out, _ = _run("audit", "show", str(chain), "--reasons", capsys=capsys)
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == (f"{LATVIAN[0]}; parametri: lawful_basis=legal_duty:child_protection_report")
    assert (
        lines[5] == f"{LATVIAN[5]}; iemesls: {SECRET}\\n\\x1b[31m"
    )  # no escape reaches a terminal
    english = _run("audit", "show", str(chain), "--reasons", "--lang", "en", capsys=capsys)[1]
    assert english.splitlines()[5] == f"{ENGLISH[5]}; reason: {SECRET}\\n\\x1b[31m"
    assert english.splitlines()[0].endswith(
        "; parameters: lawful_basis=legal_duty:child_protection_report"
    )


def test_one_documents_events(chain: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        "audit", "show", str(chain), "--document", "P-2", "--lang", "en", capsys=capsys
    )
    assert (status, out.splitlines()) == (0, [ENGLISH[2]])
    status, out, err = _run(
        "audit", "show", str(chain), "--document", "P-404", "--lang", "lv", capsys=capsys
    )
    assert (status, out, err) == (0, "", f"{chain}: nav neviena notikuma par P-404\n")


def test_overrides_and_a_time_are_shown(tmp_path: Path) -> None:
    fields = EVENTS[0].model_dump(mode="json", exclude={"hash"})
    fields.update(overrides=["lv.guard.referral.consent"], at="2025-03-03T10:15:00+02:00")
    path = tmp_path / "c.jsonl"
    path.write_bytes(event_line(seal(fields)))
    shown: list[str] = []
    assert cli_audit_show(path, say=lambda n: shown.append(str(n)) or "") == 0
    assert shown == [
        "event 0, 2025-03-03T10:15:00+02:00: s-17 (social_pedagogue): send, referral R-1: "
        "draft -> requested; overriding lv.guard.referral.consent"
    ]


def test_a_broken_chain_is_shown_to_its_first_bad_event_then_named(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = chain.read_bytes().splitlines(keepends=True)
    chain.write_bytes(b"".join([*lines[:3], lines[4], lines[3], *lines[5:]]))
    status, out, err = _run("audit", "show", str(chain), "--lang", "en", capsys=capsys)
    assert status == 1
    assert out.splitlines() == ENGLISH[:3]
    assert err.startswith(f"{chain}: event 3 is bad: it is event 4 of its chain")


def test_an_empty_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"")
    assert _run("audit", "show", str(path), "--lang", "en", capsys=capsys) == (
        0,
        "",
        f"{path}: no events\n",
    )
    assert _run("audit", "show", str(path), "--lang", "lv", capsys=capsys)[2] == (
        f"{path}: nav neviena notikuma\n"
    )


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_field_of_an_event_is_shown_printable(
    tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A chain is a file anyone may have edited (and sealed again): an override's name that
    # holds a line end or an escape must not forge a line or reach the terminal as a sequence.
    fields = EVENTS[0].model_dump(mode="json", exclude={"hash"})
    fields.update(overrides=["lv.guard\nevent 9, forged", "x\x1b[31m"])
    path = tmp_path / "c.jsonl"
    path.write_bytes(event_line(seal(fields)))
    status, out, _ = _run("audit", "show", str(path), "--lang", lang, capsys=capsys)
    assert status == 0
    assert len(out.splitlines()) == 1
    assert "\x1b" not in out
    assert out.rstrip("\n").endswith("lv.guard\\nevent 9, forged, x\\x1b[31m")


def test_neither_event_of_a_broken_link_is_shown_as_the_trail(
    chain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Event 3 edited (its actor) and sealed again: event 4 no longer follows it, and either of
    # the two may be the forged one.
    lines = chain.read_bytes().splitlines(keepends=True)
    fields = AuditEvent.model_validate_json(lines[3]).model_dump(mode="json", exclude={"hash"})
    fields["actor"] = "s-99"
    lines[3] = event_line(seal(fields))
    chain.write_bytes(b"".join(lines))
    status, out, err = _run("audit", "show", str(chain), "--lang", "en", capsys=capsys)
    assert status == 1
    assert out.splitlines() == ENGLISH[:3]
    assert "s-99" not in out
    assert "event 4 does not follow event 3" in err
