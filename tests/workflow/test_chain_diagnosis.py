"""What ``verify_chain`` (and ``atbalsts audit verify``) says about a broken chain points at what
was done to it, as far as the chain can tell. Found by an outside tester: two events swapped were
called a deletion, a head that did not match named an event past the chain's end, an event edited
and sealed again was blamed on the next one alone, a file of support cases was called an edited
chain, and an empty file verified without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.workflow.fixtures import DAY, referral

from atbalsts.cli import main
from atbalsts.model import AuditEvent
from atbalsts.workflow import ChainVerdict, event_line, seal, transition, verify_chain

ACTIONS = [
    ("send", "social_pedagogue", None),
    ("receive", "social_service", None),
    ("accept", "social_service", None),
    ("start", "social_service", None),
    ("hold", "social_service", "Synthetic pause"),
    ("resume", "social_service", None),
    ("hold", "social_service", "Synthetic pause again"),
    ("resume", "social_service", None),
]


def _events() -> list[AuditEvent]:
    current = referral(legal_duty="child_protection_report", purpose="child_protection")
    events: list[AuditEvent] = []
    for action, role, reason in ACTIONS:
        previous = events[-1] if events else None
        current, event = transition(
            current, action, actor="p-1", role=role, on=DAY, reason=reason, previous=previous
        )
        events.append(event)
    return events


EVENTS = _events()
LINES = [event_line(e).rstrip(b"\n") for e in EVENTS]
HEAD = EVENTS[-1].hash


def _resealed(event: AuditEvent, **changes: object) -> bytes:
    fields = {**event.model_dump(mode="json", exclude={"hash"}), **changes}
    return event_line(seal(fields)).rstrip(b"\n")


def _said(verdict: ChainVerdict) -> tuple[str | None, dict[str, str], int | None]:
    return verdict.code, dict(verdict.values), verdict.first_bad


def test_the_chain_built_here_verifies() -> None:
    assert verify_chain(LINES, head=HEAD).ok


def test_two_events_swapped_are_a_move_not_a_deletion() -> None:
    swapped = [*LINES[:3], LINES[4], LINES[3], *LINES[5:]]
    verdict = verify_chain(swapped)
    assert _said(verdict) == ("event_moved", {"seq": "4", "position": "3", "found": "4"}, 3)
    assert "deleted" not in str(verdict)
    assert str(verdict) == (
        "event 3 is bad: it is event 4 of its chain, but comes at 3; event 3, which belongs "
        "there, comes at 4 (events moved)"
    )


def test_an_event_moved_far_back_is_a_move() -> None:
    moved = [*LINES[:2], *LINES[3:7], LINES[2], LINES[7]]
    assert _said(verify_chain(moved)) == (
        "event_moved",
        {"seq": "3", "position": "2", "found": "6"},
        2,
    )


def test_an_event_deleted_is_still_a_deletion() -> None:
    verdict = verify_chain([*LINES[:3], *LINES[4:]])
    assert _said(verdict) == ("event_deleted", {"seq": "4", "position": "3"}, 3)


def test_an_event_copied_is_named_with_its_first_place() -> None:
    copied = [*LINES[:4], LINES[2], *LINES[4:]]
    verdict = verify_chain(copied)
    assert _said(verdict) == ("event_repeated", {"seq": "2", "position": "4"}, 4)
    assert str(verdict) == "event 4 is bad: it is a copy of event 2 (an event copied)"


def test_an_event_of_another_chain_inserted_is_an_insertion() -> None:
    other = _resealed(EVENTS[1], actor="p-9")
    verdict = verify_chain([*LINES[:3], other, *LINES[3:]])
    assert _said(verdict) == ("event_inserted", {"seq": "1", "position": "3"}, 3)


def test_an_event_edited_and_sealed_again_names_it_and_the_next_one() -> None:
    resealed = [*LINES[:4], _resealed(EVENTS[4], reason="Synthetic other"), *LINES[5:]]
    verdict = verify_chain(resealed)
    assert _said(verdict) == ("not_following", {"position": "5", "previous": "4"}, 5)
    assert str(verdict) == (
        "event 5 does not follow event 4, the one before it: one of the two was either edited "
        "and its hash computed again, or replaced by another event"
    )


def test_a_first_event_that_names_one_before_it() -> None:
    first = _resealed(EVENTS[0], prev="a" * 64)
    verdict = verify_chain([first])
    assert _said(verdict) == ("not_first", {}, 0)


def test_a_chain_cut_at_its_end_says_where_it_ends_not_an_event_past_it() -> None:
    verdict = verify_chain(LINES[:-1], head=HEAD)
    assert _said(verdict) == ("head_mismatch", {"last": "6"}, 7)
    assert str(verdict) == (
        "the chain ends at event 6, whose hash is not the head kept for it: events removed from "
        "its end, the chain rewritten, or the head of another chain"
    )
    assert "event 7" not in str(verdict)


def test_a_chain_rewritten_from_an_event_on_says_so_with_the_head() -> None:
    rewritten, previous = LINES[:3], EVENTS[2].hash
    for event in EVENTS[3:]:
        line = _resealed(event, prev=previous, actor="p-2")
        rewritten.append(line)
        previous = json.loads(line)["hash"]
    assert verify_chain(rewritten).ok  # only the head kept elsewhere finds it
    verdict = verify_chain(rewritten, head=HEAD)
    assert _said(verdict) == ("head_mismatch", {"last": "7"}, 8)
    assert "rewritten" in str(verdict)


def test_a_head_of_an_earlier_event_names_the_events_after_it() -> None:
    verdict = verify_chain(LINES, head=EVENTS[5].hash)
    assert _said(verdict) == ("head_not_last", {"event": "5", "last": "7"}, 6)
    assert str(verdict) == (
        "the head kept for the chain is the hash of event 5, but the chain goes on to event 7: "
        "events added after the head was kept, or the head not kept up to date"
    )


def test_an_empty_chain_with_a_head() -> None:
    verdict = verify_chain([], head=HEAD)
    assert _said(verdict) == ("head_but_empty", {}, 0)
    assert str(verdict) == (
        "the chain has no events, but a head is kept for it: its events removed, or the head "
        "of another chain"
    )


def test_an_empty_chain_without_a_head_verifies_and_says_it_has_no_events() -> None:
    verdict = verify_chain([])
    assert (verdict.ok, verdict.count, verdict.head) == (True, 0, None)
    assert str(verdict) == "the chain has no events"


CASE = b'{"learner": {"id": "L-9001"}, "as_of": "2025-03-03"}'


@pytest.mark.parametrize(
    "lines",
    [
        [CASE, CASE],  # support cases, JSON Lines
        [b"{", b'  "id": "P-1",', b"}"],  # a JSON document written over lines
        [b"id,learner", b"1,L-9001"],  # a CSV file
        [b"[1, 2]"],
    ],
    ids=["support-cases", "json-document", "csv", "array"],
)
def test_a_file_that_is_no_chain_at_all_is_not_called_edited(lines: list[bytes]) -> None:
    verdict = verify_chain(lines)
    assert _said(verdict) == ("not_a_chain", {}, 0)
    assert str(verdict) == "it is not an audit chain: none of its lines is an audit event"


def test_a_line_of_another_file_inside_a_chain_is_not_an_event() -> None:
    verdict = verify_chain([*LINES[:2], CASE, *LINES[2:]])
    assert _said(verdict) == ("not_an_event", {}, 2)
    assert "edited" not in str(verdict)


def test_an_edited_line_of_a_chain_is_still_edited() -> None:
    edited = LINES[3].replace(b'"p-1"', b'"p-2"')
    assert _said(verify_chain([*LINES[:3], edited, *LINES[4:]])) == ("hash_mismatch", {}, 3)
    broken = LINES[3][:40]
    assert _said(verify_chain([*LINES[:3], broken, *LINES[4:]])) == ("not_json", {}, 3)


# -- the command, in English and in Latvian ---------------------------------------------------


def _run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    return tmp_path / "c.jsonl"


def _write(chain: Path, lines: list[bytes]) -> str:
    chain.write_bytes(b"".join(line + b"\n" for line in lines))
    return str(chain)


CASES = {
    "swap": (
        [*LINES[:3], LINES[4], LINES[3], *LINES[5:]],
        None,
        "notikums 3 ir bojāts: tas ir ķēdes notikums 4, bet atrodas vietā 3; notikums 3, kuram "
        "jābūt tur, atrodas vietā 4 (notikumi pārvietoti)",
    ),
    "copy": (
        [*LINES[:4], LINES[2], *LINES[4:]],
        None,
        "notikums 4 ir bojāts: tā ir notikuma 2 kopija (notikums nokopēts)",
    ),
    "resealed": (
        [*LINES[:4], _resealed(EVENTS[4], reason="Synthetic other"), *LINES[5:]],
        None,
        "notikums 5 neseko notikumam 4 pirms tā: viens no abiem ir vai nu labots un tā "
        "jaucējkods aprēķināts no jauna, vai aizstāts ar citu notikumu",
    ),
    "first": (
        [_resealed(EVENTS[0], prev="a" * 64)],
        None,
        "notikums 0 ir bojāts: tas ir ķēdes pirmais notikums, bet norāda uz notikumu pirms sevis "
        "(prev): labots un tā jaucējkods aprēķināts no jauna",
    ),
    "cut": (
        LINES[:-1],
        HEAD,
        "ķēde beidzas ar notikumu 6, kura jaucējkods nav tai saglabātais pēdējā notikuma "
        "jaucējkods: beigās izņemti notikumi, ķēde pārrakstīta vai tas ir citas ķēdes jaucējkods",
    ),
    "stale-head": (
        LINES,
        EVENTS[5].hash,
        "ķēdei saglabātais pēdējā notikuma jaucējkods ir notikuma 5 jaucējkods, bet ķēde turpinās "
        "līdz notikumam 7: notikumi pievienoti pēc tam, kad jaucējkods saglabāts, vai tas nav "
        "atjaunināts",
    ),
    "empty-with-head": (
        [],
        HEAD,
        "ķēdē nav neviena notikuma, bet tai ir saglabāts pēdējā notikuma jaucējkods: tās "
        "notikumi izņemti vai tas ir citas ķēdes jaucējkods",
    ),
    "support-cases": (
        [CASE, CASE],
        None,
        "tā nav audita ķēde: neviena tās rinda nav audita notikums",
    ),
    "foreign-line": (
        [*LINES[:2], CASE, *LINES[2:]],
        None,
        "notikums 2 ir bojāts: tas nav audita notikums: tam nav ne seq, ne prev, ne hash "
        "(rinda no cita faila)",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_command_says_each_diagnosis_in_latvian_and_english(
    case: str, chain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    lines, head, latvian = CASES[case]
    name = _write(chain, lines)
    argv = ["audit", "verify", name, *(["--head", head] if head else [])]
    assert _run(*argv, capsys=capsys) == (1, "", f"{name}: {latvian}\n")
    verdict = verify_chain(lines, head=head)
    assert _run(*argv, "--lang", "en", capsys=capsys) == (1, "", f"{name}: {verdict}\n")


def test_the_command_says_an_empty_chain_has_no_events(
    chain: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Status 0, as the reference says (no event is edited, deleted, inserted or moved), but in
    words: nothing was verified, and only --head finds a chain cut to nothing."""
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    name = _write(chain, [])
    assert _run("audit", "verify", name, capsys=capsys) == (
        0,
        f"{name}: ķēdē nav neviena notikuma: nav ko pārbaudīt (ja izņemti visi notikumi, to "
        "atrod tikai ar --head)\n",
        "",
    )
    assert _run("audit", "verify", name, "--lang", "en", capsys=capsys) == (
        0,
        f"{name}: the chain has no events: nothing to verify (a chain whose events were all "
        "removed is found only with --head)\n",
        "",
    )
