"""Explanations: rendered from gettext catalogs that are in step with the code."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import atbalsts
from atbalsts import explain
from atbalsts._explain import translator
from atbalsts.engine import PolicyRegistry
from atbalsts.model import (
    Attendance,
    Enrolment,
    Learner,
    SupportCase,
    SuspectedThreat,
    Term,
    TermObservation,
)

EXPLAIN = Path(atbalsts.__file__).parent / "_explain"
PO = EXPLAIN / "locales" / "lv" / "LC_MESSAGES" / "atbalsts.po"
MO = PO.with_suffix(".mo")
FIX = "edit the .po, then: .venv/bin/pybabel compile -d src/atbalsts/_explain/locales -D atbalsts"


def _messages_in_code() -> set[str]:
    found = extract_from_dir(str(EXPLAIN), method_map=[("**.py", "python")], keywords={"_": None})
    return {msg for _, msg, _, _, _ in found if isinstance(msg, str)}


def test_every_message_in_code_is_translated_to_latvian() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = _messages_in_code() - translated
    assert not missing, f"untranslated messages {sorted(missing)}: {FIX}"


def test_compiled_catalog_matches_its_source() -> None:
    with PO.open("rb") as fh:
        source = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    expected = {m.id: m.string for m in read_mo(buffer) if m.id}
    with MO.open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == expected, f"atbalsts.mo is stale: {FIX}"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(atbalsts.UnknownNameError, match="language"):
        translator("de")


@pytest.fixture(scope="module")
def threat_decision() -> atbalsts.Decision:
    day = date(2024, 5, 2)
    case = SupportCase(
        learner=Learner(
            id="L-1",
            birth_date=date(2012, 1, 1),
            enrolment=Enrolment(
                school_id="S", municipality="nowhere", programme="general_basic", grade=6
            ),
        ),
        observations=(
            TermObservation(
                term=Term(school_year="2023/2024", semester=2),
                as_of=day,
                attendance=Attendance(lessons_missed_unjustified=21),
                suspected_threats=(
                    SuspectedThreat(kind="violence", observed_on=day, recorded_by="class_teacher"),
                ),
            ),
        ),
    )
    return PolicyRegistry.load(entry_points=False).evaluate(case, day)


def test_latvian_text_names_actions_institutions_and_sources(
    threat_decision: atbalsts.Decision,
) -> None:
    text = explain(threat_decision, "lv")
    assert "Lēmums par izglītojamo L-1 uz 2024-05-02" in text
    assert "Ziņot par apdraudējumu bērnam" in text
    assert "Bērnu aizsardzības centrs" in text
    assert "Bērnu tiesību aizsardzības likums, 73. panta pirmā daļa" in text
    assert "metodoloģisks pieņēmums, nav tiesību norma" in text  # the VIIS rule is not law


def test_english_text_is_the_source_language(threat_decision: atbalsts.Decision) -> None:
    text = explain(threat_decision, "en")
    assert "Decision for learner L-1 on 2024-05-02" in text
    assert "Report the threat to the child" in text
    assert "Children's Protection Centre" in text
    assert "urgency same day" in text


def test_incomplete_decision_says_so_first(threat_decision: atbalsts.Decision) -> None:
    failure = atbalsts.model.Failure(plugin="broken", stage="import", error="ImportError: x")
    broken = threat_decision.model_copy(update={"complete": False, "failures": (failure,)})
    lines = explain(broken, "en").splitlines()
    assert lines[2].startswith("INCOMPLETE")
    assert "plugin broken, rule -, stage import: ImportError: x" in lines[3]
