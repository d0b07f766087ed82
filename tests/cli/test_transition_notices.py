"""What ``atbalsts transition`` says after a transition that the workflow recorded with more
than its statuses: a withdrawal scheduled for a later day (the consent stays ``active``, its
``withdrawn_on`` set), a delivery beyond what the plan planned for its measure (the event's
``beyond_plan``), a sending that shares health data (the event's ``special_categories``).

Each is said, in English and in Latvian, exactly when the event records it, on a line after the
transition's own, as an approval says its next step; never with a reason or another sensitive
value.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.workflow.fixtures import consent, plan, referral

from atbalsts.cli import main
from atbalsts.model import AuditEvent, Consent, Referral, SupportPlan
from atbalsts.workflow import read_chain

ON = "2025-03-03"
REASON = "Synthetic: the psychologist saw a risk at home."


def run(*argv: str) -> tuple[int, str]:
    """The status and what the command said on standard error."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = main(list(argv))
    return status, err.getvalue()


def _act(
    tmp_path: Path, document: Any, action: str, role: str, *more: str, lang: str = "en"
) -> tuple[int, list[str], AuditEvent]:
    """Run the action on ``document`` with a chain: its status, the lines it said after the
    transition's own (``... -> ...``), and the event it recorded."""
    doc = tmp_path / "doc.json"
    doc.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    chain = tmp_path / "chain.jsonl"
    argv = ["transition", str(doc), action, "--actor", "x-1", "--role", role, "--on", ON]
    status, said = run(*argv, "--chain", str(chain), *more, "--lang", lang)
    assert status == 0, said
    lines = said.splitlines()
    [moved] = [i for i, line in enumerate(lines) if line.startswith(f"{doc}: ")]
    return status, lines[moved + 1 :], read_chain(chain)[-1]


MEASURES = [
    {
        "measure": "psychologist_consultation",
        "responsible_role": "psychologist",
        "funding": "skola_kopiena",
        "sessions": 2,
        "hours": 2.0,
    },
    {
        "measure": "social_pedagogue_support",
        "responsible_role": "social_pedagogue",
        "funding": "skola_kopiena",
    },
]


def _active(measures: list[dict[str, Any]] = MEASURES) -> SupportPlan:
    approvals = [
        {"step": s, "approved_on": ON}
        for s in ("author", "school_director", "municipal_coordinator")
    ]
    return plan(status="active", submitted_on=ON, approvals=approvals, measures=measures)


ART73 = {
    "legal_duty": "child_protection_report",
    "purpose": "child_protection",
    "referred_to": {"institution": "orphans_court"},
}
SPECIALIST = {
    "consent_id": "C-1",
    "purpose": "specialist_assessment",
    "referred_to": {"institution": "specialist"},
    "data_categories": ["identity", "health"],
}


def _specialist_consent(tmp_path: Path) -> str:
    given = consent(
        recipients=["specialist"],
        purposes=["specialist_assessment"],
        data_categories=["identity", "health"],
    )
    path = tmp_path / "consent.json"
    path.write_text(given.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return str(path)


# -- a withdrawal scheduled for a later day --------------------------------------------------------

SCHEDULED = {
    "en": (
        "the withdrawal takes effect on 2025-03-20: until then the consent stays active and "
        "covers sharing"
    ),
    "lv": (
        "atsaukums stājas spēkā 2025-03-20: līdz tam piekrišana paliek spēkā un aptver datu "
        "nodošanu"
    ),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_a_withdrawal_from_a_later_day_says_the_consent_covers_until_then(
    tmp_path: Path, lang: str
) -> None:
    _, said, event = _act(
        tmp_path, consent(), "withdraw", "parent", "--param", "effective=2025-03-20", lang=lang
    )
    assert (event.from_status, event.to_status) == ("active", "active")
    assert said == [SCHEDULED[lang]]


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize("effective", [(), ("--param", f"effective={ON}")])
def test_a_withdrawal_in_effect_at_once_says_nothing_more(
    tmp_path: Path, lang: str, effective: tuple[str, ...]
) -> None:
    _, said, event = _act(tmp_path, consent(), "withdraw", "parent", *effective, lang=lang)
    assert event.to_status == "withdrawn"
    assert said == []


def test_a_scheduled_withdrawal_recorded_on_its_day_says_nothing_more(tmp_path: Path) -> None:
    scheduled = consent(withdrawn_on="2025-03-03")  # active, its withdrawal set for this day
    _, said, event = _act(tmp_path, scheduled, "withdraw", "parent")
    assert event.to_status == "withdrawn"
    assert said == []


# -- a delivery beyond the plan --------------------------------------------------------------------

BEYOND = {
    ("en", "sessions"): (
        "the support given for measure 0 (psychologist_consultation) goes beyond what the plan "
        "planned (sessions); it is recorded, not refused"
    ),
    ("en", "hours"): (
        "the support given for measure 0 (psychologist_consultation) goes beyond what the plan "
        "planned (hours); it is recorded, not refused"
    ),
    ("en", "sessions,hours"): (
        "the support given for measure 0 (psychologist_consultation) goes beyond what the plan "
        "planned (sessions and hours); it is recorded, not refused"
    ),
    ("lv", "sessions"): (
        "sniegtais atbalsts pasākumam 0 (psychologist_consultation) pārsniedz plānā paredzēto "
        "(nodarbības); tas ir reģistrēts, nevis atteikts"
    ),
    ("lv", "hours"): (
        "sniegtais atbalsts pasākumam 0 (psychologist_consultation) pārsniedz plānā paredzēto "
        "(stundas); tas ir reģistrēts, nevis atteikts"
    ),
    ("lv", "sessions,hours"): (
        "sniegtais atbalsts pasākumam 0 (psychologist_consultation) pārsniedz plānā paredzēto "
        "(nodarbības un stundas); tas ir reģistrēts, nevis atteikts"
    ),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize(
    ("given", "beyond"),
    [
        (("sessions=3",), "sessions"),
        (("hours=2.5",), "hours"),
        (("sessions=3", "hours=3.0"), "sessions,hours"),
    ],
)
def test_a_delivery_beyond_the_plan_says_so(
    tmp_path: Path, lang: str, given: tuple[str, ...], beyond: str
) -> None:
    params = [x for p in ("measure=0", *given) for x in ("--param", p)]
    _, said, event = _act(tmp_path, _active(), "deliver", "psychologist", *params, lang=lang)
    assert event.params["beyond_plan"] == tuple(beyond.split(","))
    assert said == [BEYOND[lang, beyond]]


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize(
    ("role", "given"),
    [
        ("psychologist", ("measure=0", "sessions=2", "hours=2.0")),  # just what was planned
        ("social_pedagogue", ("measure=1", "sessions=40", "hours=24.0")),  # nothing planned
    ],
)
def test_a_delivery_within_the_plan_says_nothing_more(
    tmp_path: Path, lang: str, role: str, given: tuple[str, ...]
) -> None:
    params = [x for p in given for x in ("--param", p)]
    _, said, event = _act(tmp_path, _active(), "deliver", role, *params, lang=lang)
    assert "beyond_plan" not in event.params
    assert said == []


# -- health data shared ----------------------------------------------------------------------------

HEALTH = {
    "en": (
        "the referral shares health data (GDPR Art. 9) on its lawful basis {basis}: share only "
        "what the recipient needs"
    ),
    "lv": (
        "nosūtījums nodod veselības datus (VDAR 9. pants), balstoties uz tiesisko pamatu "
        "{basis}: nododiet tikai to, kas saņēmējam nepieciešams"
    ),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_an_art73_report_with_health_data_says_so_and_its_basis(tmp_path: Path, lang: str) -> None:
    report = referral(**ART73, data_categories=["identity", "protection", "health"])
    _, said, event = _act(tmp_path, report, "send", "social_pedagogue", lang=lang)
    assert event.params["special_categories"] == ("health",)
    assert said == [HEALTH[lang].format(basis="legal_duty:child_protection_report")]


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_health_data_on_a_consent_says_so_and_the_consent(tmp_path: Path, lang: str) -> None:
    sent = referral(**SPECIALIST)
    given = _specialist_consent(tmp_path)
    _, said, _ = _act(tmp_path, sent, "send", "social_pedagogue", "--consent", given, lang=lang)
    assert said == [HEALTH[lang].format(basis="consent:C-1")]


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_health_data_on_an_override_says_so_and_never_the_reason(tmp_path: Path, lang: str) -> None:
    sent = referral(data_categories=["identity", "health"])  # no consent, no duty
    more = ("--override", "--reason", REASON)
    _, said, event = _act(tmp_path, sent, "send", "school_director", *more, lang=lang)
    assert event.reason == REASON
    assert said == [HEALTH[lang].format(basis="override:lv.guard.referral.consent")]
    assert "risk" not in "\n".join(said)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_a_sending_without_health_data_says_nothing_more(tmp_path: Path, lang: str) -> None:
    report = referral(**ART73, data_categories=["identity", "protection"])
    _, said, event = _act(tmp_path, report, "send", "social_pedagogue", lang=lang)
    assert "special_categories" not in event.params
    assert said == []


def test_health_data_recorded_without_a_basis_is_said_without_one() -> None:
    """A sending always records its basis (the consent guard refuses one that rests on none),
    but the notice is made from the event: one without a basis is not said to have one."""
    from atbalsts.cli._i18n import texts
    from atbalsts.cli._workflow import notice_message
    from atbalsts.workflow._cli import recorded_notices

    event = AuditEvent.model_construct(
        action="send",
        from_status="draft",
        to_status="requested",
        params={"special_categories": ("health",)},
    )
    [notice] = recorded_notices(referral(data_categories=["health"]), event)
    assert notice.text == (
        "the referral shares health data (GDPR Art. 9): share only what the recipient needs"
    )
    assert notice_message(notice, texts("lv")) == (
        "nosūtījums nodod veselības datus (VDAR 9. pants): nododiet tikai to, kas saņēmējam "
        "nepieciešams"
    )


# -- exactly when the event records it -------------------------------------------------------------

Case = tuple[Callable[[Path], Any], str, str, tuple[str, ...]]
CASES: list[Case] = [
    (lambda _: consent(), "withdraw", "parent", ("--param", "effective=2025-03-20")),
    (lambda _: consent(), "withdraw", "parent", ("--param", "effective=2025-03-03")),
    (lambda _: consent(), "withdraw", "parent", ()),
    (lambda _: consent(), "expire", "social_pedagogue", ("--on", "2025-09-01")),
    (
        lambda _: _active(),
        "deliver",
        "psychologist",
        ("--param", "measure=0", "--param", "sessions=3"),
    ),
    (
        lambda _: _active(),
        "deliver",
        "psychologist",
        ("--param", "measure=0", "--param", "sessions=1"),
    ),
    (lambda _: referral(**ART73, data_categories=["health"]), "send", "social_pedagogue", ()),
    (lambda _: referral(**ART73, data_categories=["identity"]), "send", "social_pedagogue", ()),
    (lambda _: referral(data_categories=[]), "send", "social_pedagogue", ()),
    (lambda _: referral(**SPECIALIST), "send", "social_pedagogue", ("--consent", "C")),
]


def _said(document: SupportPlan | Referral | Consent, event: AuditEvent) -> set[str]:
    """The notices the event records, by the key of its sentence."""
    codes = set()
    if isinstance(document, Consent) and (event.action, event.to_status) == ("withdraw", "active"):
        codes.add("withdrawal_scheduled")
    if "beyond_plan" in event.params:
        codes.add("beyond_plan")
    if "special_categories" in event.params:
        codes.add("special_categories")
    return codes


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_each_notice_is_said_exactly_when_the_event_records_it(
    tmp_path: Path, lang: str, case: int
) -> None:
    make, action, role, more = CASES[case]
    document = make(tmp_path)
    # "C": the consent that covers the specialist; a second --on is the one the command takes
    more = tuple(_specialist_consent(tmp_path) if m == "C" else m for m in more)
    _, said, event = _act(tmp_path, document, action, role, *more, lang=lang)
    expected = _said(document, event)
    firsts = {
        "withdrawal_scheduled": ("the withdrawal takes effect", "atsaukums stājas spēkā"),
        "beyond_plan": ("the support given for measure", "sniegtais atbalsts pasākumam"),
        "special_categories": ("the referral shares health data", "nosūtījums nodod veselības"),
    }
    index = 0 if lang == "en" else 1
    found = {
        code for code, starts in firsts.items() for line in said if line.startswith(starts[index])
    }
    assert found == expected
    assert len(said) == len(expected)


def test_the_latvian_notices_are_the_english_ones_word_for_word() -> None:
    # Written twice (the library's English, the command's catalog message ids), as the hints
    # are: the same keys, each catalog id the library's sentence, each translated.
    from atbalsts.cli._i18n import texts
    from atbalsts.cli._workflow import _recorded_sentences
    from atbalsts.workflow._cli import RECORDED

    assert _recorded_sentences(texts("en")) == RECORDED
    latvian = _recorded_sentences(texts("lv"))
    assert latvian.keys() == RECORDED.keys()
    assert all(latvian[k] != RECORDED[k] for k in RECORDED)
