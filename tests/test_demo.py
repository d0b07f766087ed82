"""``atbalsts demo``, for a social pedagogue: labels instead of codes, each "because" under the
outcome it explains, facts in words, one sentence per municipality, in Latvian or English."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

import atbalsts
from atbalsts.cli import main
from atbalsts.codes import CODE_LISTS
from atbalsts.demo import example_directory, fact_in_words

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.json"))
LOCALES = Path(atbalsts.__file__).parent / "_explain" / "locales" / "lv" / "LC_MESSAGES"


def _demo(*args: str) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ATBALSTS_LANG", raising=False)
        mp.setattr("sys.stdout", out)
        assert main(["demo", *args]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def english() -> str:
    return _demo("--lang", "en")


@pytest.fixture(scope="module")
def latvian() -> str:
    return _demo()  # Latvian is the default


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return json.loads(_demo("--format", "json", "--lang", "en"))


def test_the_bundled_examples_are_found_in_a_checkout() -> None:
    assert example_directory() == ROOT / "examples"


def test_one_line_per_case(english: str) -> None:
    for name in EXAMPLES:
        lines = [line for line in english.splitlines() if line.startswith(f"{name} (")]
        assert len(lines) == 1, name
    ogre = next(line for line in english.splitlines() if line.startswith("08-ogre"))
    assert "No municipal policy installed: the national baseline alone decided." in ogre


def _outcome_codes() -> set[str]:
    lists = ("risk_factors", "actions", "institutions", "measures", "reasons")
    return {code for name in lists for code in CODE_LISTS[name].codes() if "_" in code}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_labels_instead_of_codes_and_no_raw_json(lang: str, english: str, latvian: str) -> None:
    text = english if lang == "en" else latvian
    for code in _outcome_codes():  # a code may appear inside a rule or parameter id only
        assert not re.search(rf"(?<![\w.:]){re.escape(code)}(?![\w.])", text), code
    assert "[{" not in text
    assert '{"' not in text
    assert "..." not in text  # nothing cut short


def test_facts_in_words(english: str, latvian: str) -> None:
    assert "21 unjustified lessons this semester" in english
    assert "1 subject with a failing mark" in english
    assert "3 absence episodes on record this semester" in english
    assert "21 neattaisnoti kavēta stunda šajā semestrī" in latvian
    assert "1 mācību priekšmets ar nepietiekamu vērtējumu" in latvian
    assert "unjustified_lessons=" not in english + latvian


def test_each_because_is_under_the_outcome_it_explains(
    english: str, data: dict[str, object]
) -> None:
    comparison = data["comparison"]
    assert isinstance(comparison, dict)
    section = english.split("under the national baseline alone, on ", 1)[1]
    section = section.split("The same learner under each municipal policy:", 1)[0]
    lines = section.splitlines()[1:]
    for outcome in comparison["baseline"]:
        head = next(
            i
            for i, line in enumerate(lines)
            if line.endswith(outcome["label"]) or (f": {outcome['label']}, due " in line)
        )
        assert lines[head].startswith("  ")
        assert not lines[head].startswith("   ")
        below = []
        for line in lines[head + 1 :]:
            if not line.startswith("      "):
                break
            below.append(line.strip())
        rules = [b["rule"] for b in outcome["because"]]
        assert rules, outcome
        assert [re.match(r"because rule (\S+)", b).group(1) for b in below] == rules


def test_one_sentence_per_municipality(english: str, latvian: str) -> None:
    for text in (english, latvian):
        for name in ("bauska", "parauga"):
            said = [line for line in text.splitlines() if re.match(rf".+ \({name}\): ", line)]
            assert len(said) == 1, (name, said)
            assert said[0].endswith(".")
            assert said[0].count(". ") == 0  # one sentence
    parauga = next(line for line in english.splitlines() if "(parauga): " in line)
    assert "adds the duty: “Convene the school support team”" in parauga
    bauska = next(line for line in english.splitlines() if "(bauska): " in line)
    assert "the same decision as under the national baseline alone" in bauska


def test_json_format(data: dict[str, object]) -> None:
    cases = data["cases"]
    assert isinstance(cases, list)
    assert [c["file"] for c in cases] == EXAMPLES
    first = cases[0]
    assert first["as_of"] == "2025-03-14"
    factors = {o["code"]: o["label"] for o in first["outcomes"] if o["kind"] == "finding"}
    assert factors["unjustified_absences"] == "Unjustified absences"
    comparison = data["comparison"]
    assert isinstance(comparison, dict)
    by_name = {m["municipality"]: m for m in comparison["municipalities"]}
    assert set(by_name) == {"bauska", "parauga"}
    added = [c for c in by_name["parauga"]["changes"] if c["change"] == "added"]
    assert [c["code"] for c in added] == ["parauga:support_team_meeting"]
    words = [f["words"] for b in added[0]["because"] for f in b["facts"]]
    assert "21 unjustified lessons this semester" in words


def _english_strings() -> set[str]:
    """The English sentences the Latvian demo could print: every message of both catalogs (the
    parts between placeholders) and every English label of the code lists."""
    found: set[str] = set()
    for domain in ("atbalsts", "atbalsts_cli"):
        with (LOCALES / f"{domain}.po").open("rb") as fh:
            for message in read_po(fh):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                for text in ids:
                    found.update(re.split(r"\{[^}]*\}|%\([^)]*\)[sdr]|%[sdr]", text or ""))
    for codes in CODE_LISTS.values():
        for code in codes.codes():
            if codes.label(code, "en") != codes.label(code, "lv"):
                found.add(codes.label(code, "en"))
    return {s.strip(" .,;:()“”'\n") for s in found} - {""}


def test_the_latvian_demo_prints_no_english_sentence(latvian: str) -> None:
    strings = _english_strings()
    assert "unjustified lessons this semester" in strings  # the check can see them
    assert "Unjustified absences" in strings
    # file names and the ids of rules and parameters are names, not sentences
    prose = re.sub(r"[\w-]+\.json|\b[a-z]+(?:[.:][a-z_0-9]+)+", " ", latvian)
    assert "lv.risk" not in prose
    for text in sorted(strings):
        if " " in text or len(text) >= 6:  # a sentence or a word, not "ok" or "KIND"
            assert not re.search(rf"(?<!\w){re.escape(text)}(?!\w)", prose), text


def test_no_example_cases_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--examples", str(tmp_path), "--lang", "en"]) == 2
    assert "no example cases (*.json) in" in capsys.readouterr().err
    case = json.loads((ROOT / "examples" / EXAMPLES[0]).read_text(encoding="utf-8"))
    (tmp_path / "a.json").write_text(json.dumps({**case, "observations": []}), encoding="utf-8")
    assert main(["demo", "--examples", str(tmp_path), "--lang", "en"]) == 0
    assert "a.json: no observations, not decided" in capsys.readouterr().out


def _latvian_form(n: int) -> int:
    return 0 if n % 10 == 1 and n % 100 != 11 else (1 if n != 0 else 2)


@given(st.integers(min_value=1, max_value=10_000))
def test_counts_take_the_plural_form_of_their_number(n: int) -> None:
    lv = fact_in_words("unjustified_lessons", n, "lv", CODE_LISTS)
    en = fact_in_words("unjustified_lessons", n, "en", CODE_LISTS)
    form = ("kavēta stunda", "kavētas stundas", "kavētu stundu")[_latvian_form(n)]
    assert lv == f"{n} neattaisnoti {form} šajā semestrī"
    assert en == f"{n} unjustified {'lesson' if n == 1 else 'lessons'} this semester"


def test_a_count_of_none_is_said_as_none() -> None:
    """Not "0 neattaisnoti kavētu stundu" (a reader as a social pedagogue): there are none."""
    lv = fact_in_words("unjustified_lessons", 0, "lv", CODE_LISTS)
    assert lv == "neattaisnoti kavētu stundu šajā semestrī nav"
    assert fact_in_words("unjustified_lessons", 0, "en", CODE_LISTS) == (
        "no unjustified lesson this semester"
    )
    assert fact_in_words("unjustified_days", 0, "lv", CODE_LISTS) == (
        "neattaisnoti kavētu dienu šajā semestrī nav"
    )
    assert fact_in_words("absence_episodes", "[]", "en", CODE_LISTS) == (
        "no absence episode on record this semester"
    )


def test_facts_that_are_not_worth_saying_are_left_out() -> None:
    assert fact_in_words("as_of", "2025-03-14", "en", CODE_LISTS) is None
    assert fact_in_words("learner_id", "L-1", "lv", CODE_LISTS) is None
    said = fact_in_words("staff_factors", "lack_of_motivation", "lv", CODE_LISTS)
    assert said == "darbinieki novērojuši: „motivācijas trūkums, nepatika pret mācībām”"
    assert fact_in_words("no_such_fact", 3, "en", CODE_LISTS) == "no_such_fact = 3"


def test_lists_of_records_are_said_by_their_number_never_as_json() -> None:
    two = json.dumps([{"start": "2025-01-06"}, {"start": "2025-02-03"}])
    said = fact_in_words("absence_episodes", two, "en", CODE_LISTS)
    assert said == "2 absence episodes on record this semester"
    said = fact_in_words("attendance_days", "[]", "lv", CODE_LISTS)
    assert said == "šajā semestrī nav reģistrēta neviena apmeklējuma diena"
    assert fact_in_words("some_new_fact", two, "en", CODE_LISTS) == "some_new_fact = [2]"


def test_a_policy_set_that_cannot_be_built_is_said_and_the_rest_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from atbalsts import PolicyRegistry
    from atbalsts.errors import PolicyConflict

    original = PolicyRegistry.policy_set

    def policy_set(self: PolicyRegistry, municipality: str | None = None, **kw: object) -> object:
        if municipality == "parauga":
            raise PolicyConflict("two policies govern municipality 'parauga'", "a", "b", ())
        return original(self, municipality, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(PolicyRegistry, "policy_set", policy_set)
    text = _demo("--lang", "en")
    assert "02-parauga-foster-absent-today.json: not decided, the policy set cannot be built: " in (
        text
    )
    assert "01-bauska-grade7-absences.json (bauska, 2025-03-14): " in text
    assert "(parauga): its policy set cannot be built: two policies govern" in text


def _part(summary: str, head: str) -> str:
    """The part of a summary line that starts with ``head`` (up to the next sentence)."""
    found = [p for p in summary.split(". ") if p.startswith(head)]
    return found[0] if found else ""


def test_a_duty_done_is_not_listed_to_do_and_one_overdue_is_said_so(
    data: dict[str, object],
) -> None:
    cases = data["cases"]
    assert isinstance(cases, list)
    states: set[str] = set()
    for case in cases:
        summary = case["summary"]
        to_do, done = _part(summary, "To do: "), _part(summary, "Done: ")
        for o in case["outcomes"]:
            if o["kind"] != "obligation":
                continue
            states.add(o["state"])
            label = o["label"]
            if o["state"] in ("done_on_time", "done_late"):
                assert label not in to_do, (case["file"], label)
                late = f"{label} (late)" in done
                assert (late, label in done) == (o["state"] == "done_late", True), case["file"]
            else:
                assert label in to_do, (case["file"], label)
                assert label not in done, (case["file"], label)
                overdue = f"{label}, due {o['due']}: OVERDUE" in to_do
                assert overdue == (o["state"] == "overdue"), (case["file"], label)
    # The bundled examples show a duty done late and one overdue, so both forms are tested.
    assert {"done_late", "overdue", "open"} <= states


def test_a_suggested_referral_and_one_already_made_are_said_so(english: str, latvian: str) -> None:
    """MK 89 only lets the municipality involve the social service (example 01); example 10's
    school has referred the learner there already, with no answer yet."""
    lines = {line.split(" (", 1)[0]: line for line in english.splitlines() if " (" in line}
    assert lines["01-bauska-grade7-absences.json"].endswith(
        "Refer to: Municipal social service (suggested)."
    )
    assert lines["10-parauga-duties-over-time.json"].endswith(
        "Refer to: Municipal social service (suggested, already referred)."
    )
    assert "Nosūtīt: Pašvaldības sociālais dienests (ieteikts, jau nosūtīts)." in latvian
