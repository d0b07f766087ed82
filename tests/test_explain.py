"""Explanations: rendered from gettext catalogs that are in step with the code."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

import atbalsts
from atbalsts import explain, hookimpl
from atbalsts._explain import translator
from atbalsts.engine import PluginSource, PolicyRegistry
from atbalsts.model import (
    Attendance,
    Enrolment,
    Learner,
    SupportCase,
    SuspectedThreat,
    Term,
    TermObservation,
)
from atbalsts.policy import (
    BasisKind,
    LegalBasis,
    PolicyRegistrar,
    baseline,
    load_parameters,
)

EXPLAIN = Path(atbalsts.__file__).parent / "_explain"
PO = EXPLAIN / "locales" / "lv" / "LC_MESSAGES" / "atbalsts.po"
MO = PO.with_suffix(".mo")
FIX = "edit the .po, then: .venv/bin/pybabel compile -d src/atbalsts/_explain/locales -D atbalsts"


def _messages_in_code(directory: Path = EXPLAIN) -> set[Any]:
    """The messages marked with ``_()`` in the Python files under ``directory``.

    Babel's ``extract_from_dir`` yields ``(filename, lineno, message, comments, context)``.
    """
    found = extract_from_dir(
        str(directory),
        method_map=[("**.py", "python")],
        keywords={"_": None, "ngettext": (1, 2)},
    )
    return {_key(message) for _filename, _lineno, message, _comments, _context in found if message}


def _key(message_id: object) -> Any:
    """A message id as a set or dict key: a plural's (singular, plural) as a tuple."""
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


def _done(string: object) -> bool:
    return all(string) if isinstance(string, list | tuple) else bool(string)


def _untranslated(messages: set[str]) -> set[str]:
    """The ``messages`` the Latvian catalog does not translate (gettext skips a fuzzy entry)."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    translated = {_key(m.id) for m in catalog if m.id and _done(m.string) and not m.fuzzy}
    return messages - translated


def test_every_message_in_code_is_translated_to_latvian() -> None:
    messages = _messages_in_code()
    assert {"same day", "illustrative, not law"} <= messages  # the texts, not their line numbers
    assert ("aged {n}", "aged {n}") in messages  # plurals too (facts in words)
    missing = _untranslated(messages)
    assert not missing, f"untranslated messages {sorted(missing)}: {FIX}"


def test_an_untranslated_message_in_code_is_found(tmp_path: Path) -> None:
    (tmp_path / "render.py").write_text(
        '_ = str\nLABEL = _("a label no catalog translates")\n', encoding="utf-8"
    )
    messages = _messages_in_code(tmp_path)
    assert messages == {"a label no catalog translates"}
    assert _untranslated(messages | {"same day"}) == {"a label no catalog translates"}


def test_compiled_catalog_matches_its_source() -> None:
    with PO.open("rb") as fh:
        source = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    expected = {_key(m.id): _key(m.string) for m in read_mo(buffer) if m.id}
    with MO.open("rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
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
    assert "Lēmums par izglītojamo L-1 (2024-05-02)" in text
    assert "Ziņot par apdraudējumu bērnam" in text
    assert "Bērnu aizsardzības centrs" in text
    assert "Bērnu tiesību aizsardzības likums, 73. panta pirmā daļa" in text
    assert "metodoloģisks pieņēmums, nav tiesību norma" in text  # the VIIS rule is not law


def test_english_text_is_the_source_language(threat_decision: atbalsts.Decision) -> None:
    text = explain(threat_decision, "en")
    assert "Decision for learner L-1 on 2024-05-02" in text
    assert "Report the threat to the child" in text
    assert "Children's Protection Centre, Municipal police, Orphan's court or State Police" in text
    assert "urgency routine" in text
    assert "rule lv.risk.unjustified_absences (methodological default, not law)" in text
    assert "rule lv.absence.involve_social_service (MK 01.02.2011 noteikumi Nr. 89 (groz." in text


def test_each_rule_is_shown_with_the_parameter_values_it_used(
    threat_decision: atbalsts.Decision,
) -> None:
    lines = explain(threat_decision, "en").splitlines()
    rule = lines.index(
        "      rule lv.absence.involve_social_service"
        " (MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592))"
    )
    assert lines[rule + 1].startswith("        lv.absence.unjustified_lessons_limit = 20 (lv: ")
    assert "instead of" not in "\n".join(lines)  # no municipal value in this decision


def test_notes_come_before_the_findings_in_both_languages(
    threat_decision: atbalsts.Decision,
) -> None:
    en = explain(threat_decision, "en").splitlines()
    assert en[3:5] == [
        "Notes",
        "  - No municipal policy was found for nowhere: the national baseline decided alone.",
    ]
    lv = explain(threat_decision, "lv")
    assert "Pašvaldībai „nowhere” regulējums nav atrasts" in lv


def test_incomplete_decision_says_so_first(threat_decision: atbalsts.Decision) -> None:
    failure = atbalsts.model.Failure(plugin="broken", stage="import", error="ImportError: x")
    broken = threat_decision.model_copy(update={"complete": False, "failures": (failure,)})
    lines = explain(broken, "en").splitlines()
    assert lines[2].startswith("INCOMPLETE")
    assert "plugin broken, rule -, stage import: ImportError: x" in lines[3]


# --- a stricter municipal value, its act, and what it replaces -----------------------------------

STRICT_ACT = LegalBasis(
    kind=BasisKind.LAW,
    act="Testa novada saistošie noteikumi Nr. 3",
    provision="4. punkts",
    url="https://example.lv/testa-novada-saistosie-noteikumi-nr-3",
)
LIMIT = baseline.UNJUSTIFIED_LESSONS_LIMIT


class StricterLimit:
    """A fixture municipality (fictitious act) that informs the board after 12 lessons."""

    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("testa", title="Testa novads", municipality="testa")
        basis = STRICT_ACT.model_dump(exclude_none=True)
        values = [{"from": date(2020, 1, 1), "value": 12, "basis": basis}]
        registrar.parameters(
            load_parameters({"parameter": [{"id": LIMIT, "values": values}]}, "testa")
        )


@pytest.fixture(scope="module")
def stricter_decision() -> atbalsts.Decision:
    day = date(2025, 3, 3)
    registry = PolicyRegistry.load(
        [PluginSource("testa", StricterLimit(), "atbalsts-testa", "1.0")], entry_points=False
    )
    case = SupportCase(
        learner=Learner(
            id="L-2",
            birth_date=date(2012, 1, 1),
            enrolment=Enrolment(
                school_id="S", municipality="testa", programme="general_basic", grade=6
            ),
        ),
        observations=(
            TermObservation(
                term=Term(school_year="2024/2025", semester=2),
                as_of=day,
                attendance=Attendance(lessons_missed_unjustified=14),
            ),
        ),
    )
    return registry.evaluate(case, day)


def test_a_stricter_municipal_value_is_named_with_its_act_beside_the_national_one(
    stricter_decision: atbalsts.Decision,
) -> None:
    en = explain(stricter_decision, "en")
    assert "Inform the municipal education board" in en  # 14 lessons: over 12, not over 20
    assert (
        f"{LIMIT} = 12 (testa: Testa novada saistošie noteikumi Nr. 3, 4. punkts), "
        "instead of 20 (lv: MK 01.02.2011 noteikumi Nr. 89" in en
    )
    lv = explain(stricter_decision, "lv")
    assert "Informēt pašvaldības izglītības pārvaldi" in lv
    assert (
        f"{LIMIT} = 12 (testa: Testa novada saistošie noteikumi Nr. 3, 4. punkts), "
        "nevis 20 (lv: MK 01.02.2011 noteikumi Nr. 89" in lv
    )
    assert "Notes" not in en  # a governed municipality: no note


def test_suggestions_are_listed_apart_from_verdicts() -> None:
    registry = PolicyRegistry.load(entry_points=False)
    day = date(2025, 11, 5)
    case = SupportCase(
        learner=Learner(
            id="L-3",
            birth_date=date(2018, 3, 1),
            enrolment=Enrolment(
                school_id="S", municipality="nowhere", programme="general_basic", grade=2
            ),
        ),
        observations=(TermObservation(term=Term(school_year="2025/2026", semester=1), as_of=day),),
    )
    decision = registry.evaluate(case, day)
    assert decision.measures == ()
    assert [v.measure for v in decision.suggestions] == ["literacy_support"]
    lines = explain(decision, "en").splitlines()
    heading = lines.index("Suggested support measures (nobody asked for them)")
    assert lines[heading + 1].startswith("  - ")
    assert "  No measure verdicts." in lines
    assert "Ieteicamie atbalsta pasākumi (tie netika pieprasīti)" in explain(decision, "lv")


def test_a_decision_before_any_observation_says_there_was_no_data() -> None:
    case = SupportCase(
        learner=Learner(
            id="L-4",
            birth_date=date(2012, 1, 1),
            enrolment=Enrolment(
                school_id="S", municipality="nowhere", programme="general_basic", grade=6
            ),
        ),
    )
    decision = (
        PolicyRegistry.load(entry_points=False).policy_set(None).evaluate(case, date(2025, 3, 3))
    )
    en = explain(decision, "en")
    assert "No observation is dated on or before the evaluation date" in en
    assert "No risk findings." in en
    assert "Nav neviena novērojuma" in explain(decision, "lv")


# -- the evidence of a finding, in words -----------------------------------------------------------


@pytest.fixture(scope="module")
def absences_decision() -> tuple[atbalsts.Decision, PolicyRegistry]:
    from atbalsts.demo import example_directory

    registry = PolicyRegistry.load()
    text = (example_directory() / "01-bauska-grade7-absences.json").read_text(encoding="utf-8")
    case = atbalsts.parse_json(SupportCase, text)
    return registry.evaluate(case, date(2025, 3, 14)), registry


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("lv", "pamatojums: 21 neattaisnot"),
        ("en", "evidence: 21 unjustified lessons this semester"),
    ],
)
def test_a_findings_evidence_is_said_in_words(
    absences_decision: tuple[atbalsts.Decision, PolicyRegistry], lang: str, said: str
) -> None:
    decision, registry = absences_decision
    text = explain(decision, lang, codes=registry.policy_set("bauska").codes)
    assert said in text
    facts = {e.fact for f in decision.findings for e in f.evidence}
    assert {"unjustified_lessons", "staff_factors"} <= facts
    for fact in facts:  # no evidence is shown as a raw fact name
        assert f"{fact}=" not in text
        assert f"{fact} =" not in text


def test_a_fact_without_words_is_shown_by_name_and_value() -> None:
    from atbalsts._explain import fact_in_words

    assert fact_in_words("bauska:late_documents", 3, "lv", {}) == "bauska:late_documents = 3"
    assert fact_in_words("as_of", "2025-03-14", "lv", {}) is None  # in the heading


@given(share=st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_a_share_is_never_shown_above_what_it_is(share: float) -> None:
    """Cut, not rounded: 9.96 % is never shown as the 10 % a threshold asks for."""
    from atbalsts._explain import _facts

    shown = float(_facts.percent(share, "en"))
    assert shown <= 100 * share + 1e-6
    assert 100 * share - shown < 0.1 + 1e-6
    assert _facts.percent(share, "lv") == _facts.percent(share, "en").replace(".", ",")


def test_a_share_reads_in_latvian_with_a_decimal_comma_and_a_spaced_percent() -> None:
    from atbalsts._explain import fact_in_words

    assert fact_in_words("absence_rate", 0.0996, "lv", {}) == "kavēto plānoto stundu daļa: 9,9 %"
    assert fact_in_words("absence_rate", 0.1, "en", {}) == (
        "share of the scheduled lessons missed: 10%"
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("lv", "(vecums 12 gadi, minimālais vecums 13)"),
        ("en", "(aged 12, minimum age 13)"),
    ],
)
def test_a_reasons_values_are_said_in_words(lang: str, said: str) -> None:
    from atbalsts.demo import example_directory

    registry = PolicyRegistry.load()
    text = (example_directory() / "04-parauga-mentor-age12.json").read_text(encoding="utf-8")
    decision = registry.evaluate(atbalsts.parse_json(SupportCase, text), date(2026, 2, 16))
    explained = explain(decision, lang, codes=registry.policy_set("parauga").codes)
    assert said in explained
    assert "min_age=" not in explained
    assert "(Skola-kopienā)" in explained  # a programme by its name, not its code


def test_a_reasons_unknown_value_keeps_its_name() -> None:
    from atbalsts._explain import FactWords, phrases
    from atbalsts._explain._render import _reason_detail

    facts = phrases(FactWords("en", {}))
    assert _reason_detail({"age": 12, "parauga_score": 3}, str, facts) == (
        "aged 12, parauga_score=3"
    )
