"""Explanations: rendered from gettext catalogs that are in step with the code."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
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
    assert "Children's Protection Centre, municipal police, orphan's court or State Police" in text
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


# -- what a social pedagogue reads (outside review, session 27) ------------------------------------


def _example(name: str) -> dict[str, Any]:
    from atbalsts.demo import example_directory

    loaded: dict[str, Any] = json.loads((example_directory() / name).read_text(encoding="utf-8"))
    return loaded


def _explained(case: dict[str, Any], on: date, lang: str) -> str:
    registry = PolicyRegistry.load()
    decision = registry.evaluate(SupportCase.model_validate(case), on)
    municipality = case["learner"]["enrolment"]["municipality"]
    return explain(decision, lang, codes=registry.policy_set(municipality).codes)


@pytest.mark.parametrize(
    ("lang", "duty", "source"),
    [
        (
            "lv",
            "  - Informēt pašvaldības izglītības pārvaldi: veic klases audzinātājs vai sociālais "
            "pedagogs, adresāts: pašvaldības izglītības pārvalde, termiņš 2025-03-19 "
            "(5 kalendāra dienas: metodoloģisks pieņēmums, nav tiesību norma; pienākums: "
            "MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592))",
            "      noteikums lv.absence.inform_board (MK 01.02.2011 noteikumi Nr. 89 (groz. MK "
            "06.09.2016 Nr. 592)), termiņš 2025-03-19 (dienu skaits: metodoloģisks pieņēmums, "
            "nav tiesību norma)",
        ),
        (
            "en",
            "  - Inform the municipal education board: by class teacher or social pedagogue, to "
            "municipal education board, due 2025-03-19 (5 calendar days: methodological "
            "default, not law; duty: MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 "
            "Nr. 592))",
            "      rule lv.absence.inform_board (MK 01.02.2011 noteikumi Nr. 89 (groz. MK "
            "06.09.2016 Nr. 592)), due 2025-03-19 (the number of days: methodological default, "
            "not law)",
        ),
    ],
)
def test_a_default_deadline_is_said_beside_its_date_apart_from_the_duty_s_law(
    absences_decision: tuple[atbalsts.Decision, PolicyRegistry], lang: str, duty: str, source: str
) -> None:
    """The board notice is MK 89's duty, but its 5 calendar days are a methodological default:
    the date must not read as the regulation's (finding 1), and the roles who may do it are
    alternatives, said in lower case inside the sentence (finding 4)."""
    decision, registry = absences_decision
    lines = explain(decision, lang, codes=registry.policy_set("bauska").codes).splitlines()
    assert duty in lines
    assert source in lines
    # the deadline's basis is beside the date now, not on a line of its own
    assert not [line for line in lines if line.strip().startswith(("deadline:", "termiņš:"))]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("lv", "radies 2025-03-14 (datēts pēc novērojuma, precīzā diena nav zināma); jāizpilda"),
        ("en", "arose 2025-03-14 (dated by the observation, the exact day is not known); open"),
    ],
)
def test_a_day_from_the_observations_is_said_plainly(
    absences_decision: tuple[atbalsts.Decision, PolicyRegistry], lang: str, said: str
) -> None:
    decision, registry = absences_decision
    assert said in explain(decision, lang, codes=registry.policy_set("bauska").codes)


@pytest.mark.parametrize(
    ("lang", "arose", "done", "overdue", "follow_up"),
    [
        (
            "lv",
            "radies 2025-10-17 (diena, kad pārsniegta robeža, pēc dienu uzskaites); izpildīts "
            "2025-10-28, nokavēts par 1 dienu;",
            "termiņš 2025-10-27 (3 kalendāra dienas: ilustratīvs, nav tiesību norma; pienākums: "
            "MK 01.02.2011 noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592))",
            "NEIZPILDĪTS, nokavēts par 2 dienām;",
            "  - plāns P-0010-1: nav pārskatīts semestra beigās (2025-05-30); termiņš 2025-05-30; "
            "nokavēts par 38 mācību dienām; veic sociālais pedagogs (metodoloģisks pieņēmums, "
            "nav tiesību norma)",
        ),
        (
            "en",
            "arose 2025-10-17 (the day the limit was passed, from the day records); done on "
            "2025-10-28, late by 1 day;",
            "due 2025-10-27 (3 calendar days: illustrative, not law; duty: MK 01.02.2011 "
            "noteikumi Nr. 89 (groz. MK 06.09.2016 Nr. 592))",
            "OVERDUE, late by 2 days;",
            "  - plan P-0010-1: not reviewed at the end of its term (2025-05-30); due 2025-05-30; "
            "late by 38 school days; by social pedagogue (methodological default, not law)",
        ),
    ],
)
def test_lateness_is_said_in_the_days_its_deadline_counts(
    lang: str, arose: str, done: str, overdue: str, follow_up: str
) -> None:
    """Example 10: the board notice and the VIIS record count calendar days (their lateness in
    days since the due date), the follow-ups school days, in full words (finding 2)."""
    text = _explained(_example("10-parauga-duties-over-time.json"), date(2025, 10, 29), lang)
    assert arose in text
    assert done in text
    assert overdue in text
    assert follow_up in text
    assert "mācību d." not in text
    assert "school days late" not in text
    assert "(pēc dienu uzskaites))" not in text  # no brackets inside brackets


def _friday_threat() -> dict[str, Any]:
    """Example 3 with the suspected threat recorded on Friday 14 November 2025."""
    case = _example("03-parauga-suspected-violence.json")
    observation = case["observations"][0]
    observation["as_of"] = "2025-11-14"
    observation["suspected_threats"][0]["observed_on"] = "2025-11-14"
    return case


@pytest.mark.parametrize(
    ("on", "lang", "said"),
    [
        (date(2025, 11, 15), "lv", "NEIZPILDĪTS, nokavēts par 1 dienu;"),
        (date(2025, 11, 15), "en", "OVERDUE, late by 1 day;"),
        (date(2025, 11, 22), "lv", "NEIZPILDĪTS, nokavēts par 8 dienām;"),
        (date(2025, 11, 22), "en", "OVERDUE, late by 8 days;"),
    ],
)
def test_a_same_day_report_is_late_by_calendar_days(on: date, lang: str, said: str) -> None:
    """Art. 73 asks the report the same day: on the Saturday after a Friday it is a day late,
    not 'no school day since'; a week on, 8 days, not 4 school days."""
    text = _explained(_friday_threat(), on, lang)
    assert said in text
    assert (
        "adresāts: Bērnu aizsardzības centrs, pašvaldības policija, bāriņtiesa vai Valsts policija"
        if lang == "lv"
        else "to Children's Protection Centre, municipal police, orphan's court or State Police"
    ) in text


@pytest.mark.parametrize(
    ("lang", "unit", "expected"),
    [
        (
            "lv",
            "school_days",
            {
                1: "par 1 mācību dienu",
                2: "par 2 mācību dienām",
                11: "par 11 mācību dienām",
                21: "par 21 mācību dienu",
                86: "par 86 mācību dienām",
            },
        ),
        (
            "lv",
            "same_day",
            {1: "par 1 dienu", 8: "par 8 dienām", 21: "par 21 dienu", 111: "par 111 dienām"},
        ),
        ("en", "school_days", {1: "by 1 school day", 21: "by 21 school days"}),
        ("en", "calendar_days", {1: "by 1 day", 8: "by 8 days"}),
    ],
)
def test_lateness_takes_the_plural_form_of_its_number(
    lang: str, unit: str, expected: dict[int, str]
) -> None:
    from atbalsts._explain import lateness

    due = date(2025, 1, 6)
    for n, said in expected.items():
        until = due + timedelta(days=n)
        assert lateness(unit, due, until, n, lang).endswith(said), (n, said)


def test_a_school_day_deadline_past_on_a_day_off_says_no_school_day_since() -> None:
    from atbalsts._explain import lateness

    due = date(2025, 10, 17)
    assert lateness("school_days", due, date(2025, 10, 18), 0, "en") == (
        "past due, no school day since"
    )
    assert lateness(None, due, date(2025, 10, 18), 0, "lv") == (
        "termiņš pagājis, kopš tā vēl nav bijusi neviena mācību diena"
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("lv", "adresāts: vecāki, termiņš 2025-10-29"),
        ("en", "to parents, due 2025-10-29"),
    ],
)
def test_the_parents_are_said_as_the_recipient(lang: str, said: str) -> None:
    text = _explained(_example("10-parauga-duties-over-time.json"), date(2025, 10, 29), lang)
    assert said in text
    assert "Vecāks" not in text


def test_roles_and_institutions_are_in_lower_case_inside_a_sentence_but_proper_names() -> None:
    """The rule the lifecycle messages use too (``atbalsts.cli._workflow_words``)."""
    from atbalsts._explain import in_sentence

    assert in_sentence("Valsts policija", "state_police") == "Valsts policija"
    assert in_sentence("Bāriņtiesa", "orphans_court") == "bāriņtiesa"
    # a municipality's own code keeps its label: it may begin with a place's name
    assert in_sentence("Bauskas novada dome", "bauska:council") == "Bauskas novada dome"


@pytest.mark.parametrize(
    ("lang", "allowing"),
    [
        (
            "lv",
            "      Trūcīga vai maznodrošināta ģimene: ēdināšanas kompensācija piedāvāta; "
            "noteicošais ir atteikums; noteikums parauga.measure.needy_family_meals",
        ),
        (
            "en",
            "      Needy or low-income family: meal compensation offered; the refusal prevails; "
            "rule parauga.measure.needy_family_meals",
        ),
    ],
)
def test_an_allowing_reason_under_a_refused_measure_says_the_refusal_prevails(
    lang: str, allowing: str
) -> None:
    """Example 6 with its meals funded by Skola-kopienā: the double-funding rule refuses the
    meals, and the family's need, which allows them, must not read as if it stood (finding 5)."""
    case = _example("06-parauga-vocational-meals.json")
    case["plans"][0]["measures"][0]["funding"] = "skola_kopiena"
    text = _explained(case, date(2025, 10, 15), lang)
    assert any(line.startswith(allowing) for line in text.splitlines()), text
    # an allowing reason of an eligible measure is not marked
    eligible = _explained(_example("06-parauga-vocational-meals.json"), date(2025, 10, 15), lang)
    assert "refusal prevails" not in eligible
    assert "noteicošais ir atteikums" not in eligible


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("lv", "nopietnu incidentu šajā semestrī nav", "0 nopietnu"),
        ("en", "no serious incident this semester", "0 serious"),
    ],
)
def test_a_count_of_none_is_said_as_none(lang: str, said: str, not_said: str) -> None:
    text = _explained(_example("04-parauga-mentor-age12.json"), date(2026, 2, 16), lang)
    assert said in text
    assert not_said not in text


@pytest.mark.parametrize(
    ("lang", "obligations", "follow_ups"),
    [
        (
            "lv",
            "Pienākumi (izpildītie un neizpildītie)",
            "Nokavēti darbi ar nosūtījumiem un plāniem",
        ),
        ("en", "Obligations (done or not)", "Overdue work on referrals and plans"),
    ],
)
def test_the_headings_say_what_they_list(lang: str, obligations: str, follow_ups: str) -> None:
    lines = _explained(
        _example("10-parauga-duties-over-time.json"), date(2025, 10, 29), lang
    ).splitlines()
    assert obligations in lines
    assert follow_ups in lines


def test_a_suggested_referral_already_made_reads_as_such_in_both_languages() -> None:
    """Example 10: the national rule only suggests involving the social service, and the school
    referred the learner there on 6 October with no answer yet: neither reads as a referral due."""
    case = atbalsts.SupportCase.model_validate_json(
        (Path(__file__).parents[1] / "examples" / "10-parauga-duties-over-time.json").read_text(
            "utf-8"
        )
    )
    registry = PolicyRegistry.load()
    decision = registry.evaluate(case, date(2025, 10, 29))
    codes = registry.policy_set("parauga").codes
    en = explain(decision, "en", codes=codes).splitlines()
    head = next(i for i, line in enumerate(en) if line.startswith("  - Municipal social service"))
    assert en[head].endswith("; suggested: no rule makes it a duty of the school")
    assert en[head + 1] == "      already referred, no answer yet: referral R-0010-1"
    lv = explain(decision, "lv", codes=codes)
    assert "; ieteikts: neviens noteikums to neuzliek par skolas pienākumu\n" in lv
    assert "      jau nosūtīts, atbildes vēl nav: nosūtījums R-0010-1\n" in lv


# -- what a social pedagogue and a class teacher read (outside review, session 28) -----------------


@pytest.mark.parametrize(
    ("lang", "finding"),
    [
        (
            "lv",
            "  - Motivācijas trūkums, nepatika pret mācībām (mācību darba un izglītības iestādes "
            "riski); pamatojums: darbinieki novērojuši: „motivācijas trūkums, nepatika pret "
            "mācībām”, „konfliktsituācijas skolā ar skolotājiem vai skolasbiedriem”",
        ),
        (
            "en",
            "  - Lack of motivation, dislike of learning (learning and school risks); evidence: "
            "staff observed: “lack of motivation, dislike of learning”, “conflict at school with "
            "teachers or peers”",
        ),
    ],
)
def test_a_risk_label_inside_a_sentence_is_in_lower_case(lang: str, finding: str) -> None:
    """The factor opens its line and keeps its capital; its group (in brackets after it) and the
    factors named in its evidence are inside the sentence, each quoted, as a label has a comma of
    its own (lower case took away the capital that showed where one ends)."""
    text = _explained(_example("04-parauga-mentor-age12.json"), date(2026, 2, 16), lang)
    assert finding in text.splitlines(), text


def test_a_risk_label_in_a_fact_is_in_lower_case_but_a_municipalitys_own() -> None:
    from atbalsts._explain import fact_in_words
    from atbalsts.codes import CODE_LISTS

    registry = PolicyRegistry.load()
    codes = registry.policy_set("parauga").codes
    said = fact_in_words("staff_factors", "parauga:attendance,paid_work", "lv", codes)
    assert said == (
        "darbinieki novērojuši: „Zems apmeklējums: kavēti vismaz 10 % mācību stundu (jebkura "
        "iemesla dēļ)”, „darba uzsākšana, vēlme strādāt algotu darbu”"
    )
    assert fact_in_words("staff_factors", "paid_work", "lv", codes) == (
        "darbinieki novērojuši: „darba uzsākšana, vēlme strādāt algotu darbu”"  # one of two?
    )
    assert fact_in_words("staff_factors", "health_problems", "lv", codes) == (
        "darbinieki novērojuši: veselības problēmas"  # no comma of its own: no quotes
    )
    assert fact_in_words("risk_groups", "economic,family", "lv", CODE_LISTS) == (
        "riska grupas: ekonomiskie riski, ar ģimeni saistītie riski"
    )
    assert fact_in_words("risk_factors", "health_problems", "en", CODE_LISTS) == (
        "risk factors: health problems"
    )
    assert fact_in_words("plan_measures", "psychologist_consultation", "lv", CODE_LISTS) == (
        "plāna pasākumi: psihologa konsultācijas"
    )


def _nested(line: str) -> bool:
    """Whether a bracket opens inside another on ``line``."""
    depth = 0
    for char in line:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth > 1:
            return True
    return False


def _plan_section(text: str) -> list[str]:
    lines = text.splitlines()
    heading = next(
        i
        for i, line in enumerate(lines)
        if line in ("Support plan", "Individuālais atbalsta plāns")
    )
    return lines[heading + 1 :]


@pytest.mark.parametrize(
    ("lang", "issue"),
    [
        (
            "lv",
            "  - plāns P-0006-1, ēdināšanas izmaksu kompensācija (arī launags) laukā "
            "measures[0].measure: Valsts vai pašvaldība to jau finansē (dubultā finansējuma "
            "aizliegums); noteikums lv.measure.no_double_funding_default (metodoloģisks "
            "pieņēmums, nav tiesību norma)",
        ),
        (
            "en",
            "  - plan P-0006-1, compensation for meals (or an afternoon snack) at "
            "measures[0].measure: Already funded by the state or municipality (no double "
            "funding); rule lv.measure.no_double_funding_default (methodological default, not "
            "law)",
        ),
    ],
)
def test_a_plan_issue_names_its_measure_without_a_bracket_inside_another(
    lang: str, issue: str
) -> None:
    """Example 6 with its meals funded by Skola-kopienā: the plan's meals line is refused; the
    measure's label (with its own brackets) was said inside the issue's brackets."""
    case = _example("06-parauga-vocational-meals.json")
    case["plans"][0]["measures"][0]["funding"] = "skola_kopiena"
    section = _plan_section(_explained(case, date(2025, 10, 15), lang))
    assert issue in section, section
    assert not any(_nested(line) for line in section), section


@pytest.mark.parametrize(
    ("lang", "issue"),
    [
        (
            "lv",
            "  - plāns P-0004-1, izglītojamo mentora atbalsts laukā measures[0].measure: "
            "Izglītojamais nav sasniedzis minimālo vecumu mentora atbalstam; vecums 12 gadi, "
            "minimālais vecums 13; noteikums lv.measure.mentor",
        ),
        (
            "en",
            "  - plan P-0004-1, individual learner-mentor support at measures[0].measure: "
            "Learner is below the minimum age for mentor support; aged 12, minimum age 13; "
            "rule lv.measure.mentor",
        ),
    ],
)
def test_a_plan_issue_says_its_values_after_a_semicolon(lang: str, issue: str) -> None:
    section = _plan_section(
        _explained(_example("04-parauga-mentor-age12.json"), date(2026, 2, 16), lang)
    )
    assert any(line.startswith(issue) for line in section), section


@pytest.mark.parametrize(
    ("lang", "issue"),
    [
        (
            "lv",
            "  - plāns P-0005-1 laukā approvals: Trūkst apstiprinājuma; solis: valsts līmeņa "
            "koordinators (IKVD); noteikums lv.plan.approval_chain (",
        ),
        (
            "en",
            "  - plan P-0005-1 at approvals: An approval is missing; step national coordinator "
            "(IKVD); rule lv.plan.approval_chain (",
        ),
    ],
)
def test_a_plan_issue_without_a_measure_nests_no_bracket(lang: str, issue: str) -> None:
    """An approval missing under PuMPuRS: its step is a role whose label has brackets."""
    from atbalsts.model import PlanIssue

    registry = PolicyRegistry.load()
    case = _example("05-parauga-mentor-age13.json")
    decision = registry.evaluate(SupportCase.model_validate(case), date(2026, 2, 16))
    missing = PlanIssue(
        plan_id="P-0005-1",
        reason="approval_missing",
        path="approvals",
        detail={"step": "national_coordinator"},
        rule="lv.plan.approval_chain",
        legal_basis=LegalBasis(kind=BasisKind.METHODOLOGICAL_DEFAULT, note="synthetic"),
    )
    decision = decision.model_copy(update={"plan_issues": (missing,)})
    section = _plan_section(explain(decision, lang))
    assert any(line.startswith(issue) for line in section), section
    assert not any(_nested(line) for line in section), section


def test_a_plan_issue_without_a_field_keeps_its_measure_among_its_values() -> None:
    """A plugin's issue may name a measure and no field: the measure is then said with the
    issue's other values, not dropped (it is said before the field only when there is one)."""
    from atbalsts.model import PlanIssue

    case = _example("05-parauga-mentor-age13.json")
    decision = PolicyRegistry.load().evaluate(SupportCase.model_validate(case), date(2026, 2, 16))
    issue = PlanIssue(
        plan_id="P-0005-1",
        reason="approval_missing",
        detail={"measure": "psychologist_consultation"},
        rule="lv.plan.approval_chain",
        legal_basis=LegalBasis(kind=BasisKind.METHODOLOGICAL_DEFAULT, note="synthetic"),
    )
    section = _plan_section(explain(decision.model_copy(update={"plan_issues": (issue,)}), "en"))
    assert any(
        line.startswith("  - plan P-0005-1: An approval is missing; consultations with a psychol")
        for line in section
    ), section


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        (
            "lv",
            "  - Neviens noteikums nedeva lēmumu par pieprasīto pasākumu individuālās "
            "konsultācijas mācību priekšmetos.",
        ),
        (
            "en",
            "  - No rule gave a verdict on individual subject consultations, which was asked for.",
        ),
    ],
)
def test_a_measure_named_inside_a_note_is_in_lower_case(lang: str, note: str) -> None:
    text = _explained(_example("06-parauga-vocational-meals.json"), date(2025, 10, 15), lang)
    assert note in text.splitlines(), text


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_no_two_brackets_stand_side_by_side_in_the_measures(lang: str) -> None:
    """A reason in brackets of its own ("Mentora atbalsts pieejams (vecums un risks atbilst)")
    takes its values after a semicolon, and a refusal that prevails is said after one too:
    "(…) (…)" read as two asides of one thing (example 05; example 04's refused mentor)."""
    for name, day in (
        ("04-parauga-mentor-age12.json", date(2026, 2, 16)),
        ("05-parauga-mentor-age13.json", date(2026, 2, 16)),
    ):
        text = _explained(_example(name), day, lang)
        measures = text.split("\n\n")[
            [p.split("\n")[0] for p in text.split("\n\n")].index(
                "Atbalsta pasākumi" if lang == "lv" else "Support measures"
            )
        ]
        assert ") (" not in measures, measures
    mentor = _explained(_example("05-parauga-mentor-age13.json"), date(2026, 2, 16), lang)
    assert ("atbilst; vecums 13 gadi" if lang == "lv" else "met; aged 13") in mentor


def test_open_referrals_are_one_or_several_whatever_their_number() -> None:
    """Twenty-one open referrals are several: a list of ids takes no plural form from its
    length (Latvian's "singular" form of 21 read „nosūtījums R-1, …, R-21”)."""
    data = _example("10-parauga-duties-over-time.json")
    first = data["referrals"][0]
    data["referrals"] = [{**first, "id": f"R-{i}"} for i in range(1, 22)]
    decision = PolicyRegistry.load().evaluate(SupportCase.model_validate(data), date(2025, 10, 29))
    ids = ", ".join(f"R-{i}" for i in range(1, 22))
    assert f"jau nosūtīts, atbildes vēl nav: nosūtījumi {ids}\n" in explain(decision, "lv")
    assert f"already referred, no answer yet: referrals {ids}\n" in explain(decision, "en")


def test_a_label_with_a_bracket_of_its_own_takes_an_aside_inside_it() -> None:
    """Parauga's attendance factor ends in its own bracket: its group goes inside it, never in
    a second bracket beside it (example 10)."""
    from atbalsts._explain import with_aside

    assert with_aside("Bāriņtiesa", "ieteikts") == "Bāriņtiesa (ieteikts)"
    assert with_aside("A (B)", "C") == "A (B; C)"
    text = _explained(_example("10-parauga-duties-over-time.json"), date(2025, 10, 29), "lv")
    assert "(jebkura iemesla dēļ; mācību darba un izglītības iestādes riski); pamatojums:" in text
    assert ") (" not in text.split("\n\n")[1], text
