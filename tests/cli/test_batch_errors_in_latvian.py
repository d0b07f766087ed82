"""`atbalsts batch` says why it cannot run in Latvian by default, in English with --lang en (or
ATBALSTS_LANG=en): each error of the batch carries a code and the values it is about
(paths, line numbers, dates, option names), which the command says in Latvian with no English
left and no value of a case's field; the English is the library's message as it was."""

from __future__ import annotations

import ast
import contextlib
import gettext
import inspect
import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import atbalsts._jsonlines
import atbalsts.batch._file
import atbalsts.batch._read
import atbalsts.batch._records
import atbalsts.batch._stream
from atbalsts.batch._records import BatchFileError
from atbalsts.cli import main
from atbalsts.cli._coded import batch_sentences, coded_message
from atbalsts.cli._i18n import Texts, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "01-bauska-grade7-absences.json"
#: Every learner id below holds it, and the example's notes say "Synthetic": neither may be said.
SECRET = "SECRET"
AS_OF = "2025-11-20"


def run(*argv: str, env_lang: str | None = None) -> tuple[int, str]:
    err = io.StringIO()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(err),
        pytest.MonkeyPatch.context() as mp,
    ):
        if env_lang is None:
            mp.delenv("ATBALSTS_LANG", raising=False)
        else:
            mp.setenv("ATBALSTS_LANG", env_lang)
        status = main(list(argv))
    return status, err.getvalue()


def _case(n: int) -> str:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["learner"]["id"] = f"L-{SECRET}{n}"
    return json.dumps(case, ensure_ascii=False)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Cases, and the outputs a batch made of them (compact, self-contained, with a blank line)."""
    where = tmp_path_factory.mktemp("made")
    cases = _write(where / "lietas.jsonl", [_case(n) for n in range(3)])
    gap = _write(where / "robs.jsonl", [_case(0), "", _case(2)])
    outputs = {"cases": cases.read_text(encoding="utf-8").splitlines()}
    for name, source, extra in (
        ("compact", cases, []),
        ("whole", cases, ["--self-contained"]),
        ("gap", gap, []),
    ):
        out = where / f"{name}.jsonl"
        status, said = run("batch", str(source), "-o", str(out), "--as-of", AS_OF, *extra)
        assert status == 0, said
        outputs[name] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(outputs["compact"][0])["rule_table"]  # a rule table, 3 decisions, summary
    assert "summary" in json.loads(outputs["compact"][-1])
    return outputs


#: A scenario: given the made outputs and a directory, the arguments of `atbalsts batch` (paths
#: as the names below) and the words the names stand for in the expected messages.
Scenario = Callable[[dict[str, list[str]], Path], list[str]]


def _resume(
    output: list[str], cases: list[str], *extra: str, as_of: str | None = AS_OF
) -> Scenario:
    """A resume of ``output`` (made with ``--as-of AS_OF``) on ``cases``, with the same
    ``--as-of`` unless ``as_of`` is None."""

    def scenario(made: dict[str, list[str]], d: Path) -> list[str]:
        _write(d / "lietas.jsonl", cases)
        _write(d / "lemumi.jsonl", output)
        dated = [] if as_of is None else ["--as-of", as_of]
        return ["lietas.jsonl", "-o", "lemumi.jsonl", "--resume", *dated, *extra]

    return scenario


def _made_resume(
    output: Callable[[dict[str, list[str]]], list[str]],
    cases: Callable[[dict[str, list[str]]], list[str]] = lambda m: m["cases"],
    *extra: str,
    as_of: str | None = AS_OF,
) -> Scenario:
    def scenario(made: dict[str, list[str]], d: Path) -> list[str]:
        return _resume(output(made), cases(made), *extra, as_of=as_of)(made, d)

    return scenario


def _plain(*argv: str, setup: Callable[[Path], object] = lambda d: None) -> Scenario:
    def scenario(made: dict[str, list[str]], d: Path) -> list[str]:
        _write(d / "lietas.jsonl", made["cases"])
        setup(d)
        return list(argv)

    return scenario


def _not_utf8(d: Path) -> None:
    (d / "latin.jsonl").write_bytes('{"a": "Rēzekne"}\n'.encode("iso-8859-13"))


def _dir(d: Path) -> None:
    (d / "mape").mkdir()


def _rule_table_broken(m: dict[str, list[str]]) -> list[str]:
    table = json.loads(m["compact"][0])
    table["stamp"] = "nav"
    return [json.dumps(table), *m["compact"][1:]]


#: reason: (scenario, the Latvian message, the English message); {d} is the directory.
SCENARIOS: dict[str, tuple[Scenario, str, str]] = {
    "output_is_input": (
        _plain("lietas.jsonl", "-o", "lietas.jsonl"),
        "izvade lietas.jsonl pārrakstītu ievadi lietas.jsonl",
        "the output lietas.jsonl would overwrite the input",
    ),
    "errors_is_input_or_output": (
        _plain("lietas.jsonl", "-o", "lemumi.jsonl", "--errors", "lemumi.jsonl"),
        "kļūdu fails lemumi.jsonl nedrīkst būt ne ievades, ne izvades fails",
        "the error file lemumi.jsonl must be neither the input nor the output",
    ),
    "output_not_a_file": (
        _plain("lietas.jsonl", "-o", "mape", setup=_dir),
        "izvade mape nav parasts fails: norādiet failu, kurā rakstīt (bez -o lēmumi tiek "
        "izvadīti standarta izvadē)",
        "the output mape is not a regular file: name a file to write (without -o, the "
        "decisions go to standard output)",
    ),
    "errors_not_a_file": (
        _plain("lietas.jsonl", "--errors", "mape", setup=_dir),
        "kļūdu fails mape nav parasts fails: norādiet failu, kurā rakstīt (bez -o lēmumi tiek "
        "izvadīti standarta izvadē)",
        "the error file mape is not a regular file: name a file to write (without -o, the "
        "decisions go to standard output)",
    ),
    "resume_without_output": (
        _plain("lietas.jsonl", "--resume"),
        "--resume turpina izvades failu: norādiet to (-o IZVADE)",
        "--resume continues an output file: give it (-o OUTPUT)",
    ),
    "resume_with_role": (
        _plain("lietas.jsonl", "-o", "lemumi.jsonl", "--resume", "--role", "class_teacher"),
        "--resume un --role nevar lietot kopā: izvadē, kas ierakstīta ar --role, nav visa, ko "
        "skaita kopsavilkums; sāciet no sākuma",
        "--resume and --role do not go together: an output written with --role does not hold "
        "what the summary counts; start again",
    ),
    "not_utf8": (
        _plain("latin.jsonl", setup=_not_utf8),
        "nevar nolasīt latin.jsonl: tas nav UTF-8 teksts",
        "cannot read latin.jsonl: it is not UTF-8 text",
    ),
    "input_too_short": (
        _made_resume(lambda m: m["compact"], lambda m: m["cases"][:2]),
        "iepriekšējā izvade sniedzās līdz ievades rindai 3, bet ievades rindu skaits ir 2: tā "
        "nav šīs ievades izvade",
        "the earlier output reached input line 3 but the input has 2 lines: it is not this "
        "input's output",
    ),
    "summary_not_last": (
        _made_resume(lambda m: [*m["compact"], '{"line": 9}']),
        "lemumi.jsonl rinda 5: kopsavilkums pirms pēdējās rindas",
        "lemumi.jsonl line 5: a summary before the last line",
    ),
    "not_a_summary": (
        _made_resume(lambda m: [*m["compact"][:-1], '{"summary": {"lines": "x"}}']),
        "lemumi.jsonl rinda 5: nav atbalsts batch kopsavilkums",
        "lemumi.jsonl line 5: not a batch summary",
    ),
    "not_a_rule_table": (
        _made_resume(_rule_table_broken),
        "lemumi.jsonl rinda 1: nav noteikumu tabula (kāpēc, to pasaka --lang en)",
        "lemumi.jsonl line 1: not a rule table (stamp: missing or not an object in rule table "
        "'{table}')",
    ),
    "line_not_later": (
        _made_resume(lambda m: [m["compact"][0], m["compact"][2], m["compact"][1]]),
        "lemumi.jsonl rinda 3: nav atbalsts batch ieraksts par kādu vēlāku ievades rindu (tā "
        "lauka 'line' nav vai tas nav aiz iepriekšējā)",
        "lemumi.jsonl line 3: not a batch record of a later input line (its 'line' is missing "
        "or not after the one before)",
    ),
    "rule_table_missing": (
        _made_resume(lambda m: m["compact"][1:]),
        "lemumi.jsonl rinda 1: tās noteikumu tabula '{table}' nav nevienā iepriekšējā rindā "
        "(izvade nav pilna): sāciet no sākuma",
        "lemumi.jsonl line 1: its rule table '{table}' is in no earlier line (the output is not "
        "whole): start again",
    ),
    "other_date": (
        _made_resume(
            lambda m: m["compact"], lambda m: m["cases"], "--as-of", "2025-11-21", as_of=None
        ),
        "lemumi.jsonl rinda 2: izvērtēšanas datums ir 2025-11-20, nevis 2025-11-21 (--as-of): "
        "turpiniet ar iepriekšējās palaišanas opcijām vai sāciet no sākuma",
        "lemumi.jsonl line 2: decided as of 2025-11-20, not 2025-11-21 (--as-of): resume with "
        "the options of the earlier run, or start again",
    ),
    "written_with_as_of": (
        _made_resume(lambda m: m["compact"], as_of=None),
        "lemumi.jsonl rinda 2: izvērtēšanas datums ir 2025-11-20, nevis lietas pēdējā novērojuma "
        "datums: iepriekšējā palaišana bija ar --as-of 2025-11-20; turpiniet ar to vai sāciet "
        "no sākuma",
        "lemumi.jsonl line 2: decided as of 2025-11-20, not on its case's latest observation: "
        "the earlier run was given --as-of 2025-11-20; resume with it, or start again",
    ),
    "written_with_self_contained": (
        _made_resume(lambda m: m["whole"]),
        "lemumi.jsonl rinda 1: ierakstīta ar --self-contained: turpiniet ar iepriekšējās "
        "palaišanas opcijām vai sāciet no sākuma",
        "lemumi.jsonl line 1: written with --self-contained: resume with the options of the "
        "earlier run, or start again",
    ),
    "written_without_self_contained": (
        _made_resume(lambda m: m["compact"], lambda m: m["cases"], "--self-contained"),
        "lemumi.jsonl rinda 2: ierakstīta bez --self-contained: turpiniet ar iepriekšējās "
        "palaišanas opcijām vai sāciet no sākuma",
        "lemumi.jsonl line 2: written without --self-contained: resume with the options of the "
        "earlier run, or start again",
    ),
    "not_a_whole_record": (
        _made_resume(lambda m: [m["compact"][0], m["compact"][1][:40], *m["compact"][2:]]),
        "lemumi.jsonl rinda 2 nav vesels JSON ieraksts",
        "lemumi.jsonl line 2 is not a whole JSON record",
    ),
    "not_a_batch_record": (
        _made_resume(lambda m: [m["compact"][0], '{"line": 1}', *m["compact"][2:]]),
        "lemumi.jsonl rinda 2 nav atbalsts batch ieraksts",
        "lemumi.jsonl line 2 is not a batch record",
    ),
    "blank_line_has_record": (
        _made_resume(lambda m: m["compact"], lambda m: [m["cases"][0], "", m["cases"][2]]),
        "ievades rinda 2 ir tukša, bet tai ir ieraksts iepriekšējā izvadē vai kļūdu failā: "
        "turpiniet ar to pašu ievadi un kļūdu failu, ko ierakstīja iepriekšējā palaišana "
        "(--errors), vai sāciet no sākuma",
        "input line 2 is blank but has a record in the earlier output or error file: resume "
        "with the same input and the error file the earlier run wrote (--errors), or start "
        "again",
    ),
    "line_has_no_record": (
        _made_resume(lambda m: m["gap"]),
        "ievades rinda 2 nav tukša, bet tai nav ieraksta iepriekšējā izvadē vai kļūdu failā: "
        "turpiniet ar to pašu ievadi un kļūdu failu, ko ierakstīja iepriekšējā palaišana "
        "(--errors), vai sāciet no sākuma",
        "input line 2 is not blank but has no record in the earlier output or error file: "
        "resume with the same input and the error file the earlier run wrote (--errors), or "
        "start again",
    ),
    "other_learner": (
        _made_resume(lambda m: m["compact"], lambda m: [m["cases"][1], *m["cases"][1:]]),
        "ievades rindā 1 nav tā lieta, par kuru tur lēma iepriekšējā izvade (izglītojamā id "
        "atšķiras): turpiniet ar to pašu ievadi vai sāciet no sākuma",
        "input line 1 is not the case the earlier output decided there (its learner id "
        "differs): resume with the same input, or start again",
    ),
}

#: Words of the English messages; none may be left in a Latvian one (option names, quoted
#: field names and file names taken out first).
ENGLISH = re.compile(
    r"\b(the|a|an|is|not|line|input|output|record|file|error|summary|rule|table|resume|start|"
    r"again|earlier|decided|written|with|without|blank|cannot|give|must|would|whole|read|text|"
    r"options?|decisions?|regular|name|write)\b",
    re.IGNORECASE,
)


def _unenglished(said: str) -> str:
    """``said`` without what stays as it is in either language."""
    said = re.sub(r"--[a-z-]+|-o\b|'[^']*'|\S+\.jsonl|\bmape\b|atbalsts batch", "", said)
    return said.replace("UTF-8", "").replace("JSON", "")


def _expected(text: str, made: dict[str, list[str]]) -> str:
    return text.replace("{table}", json.loads(made["compact"][0])["rule_table"])


@pytest.mark.parametrize("reason", sorted(SCENARIOS))
def test_each_reason_in_latvian_and_in_english(
    reason: str,
    made: dict[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, latvian, english = SCENARIOS[reason]
    monkeypatch.chdir(tmp_path)
    argv = [*scenario(made, tmp_path), "--jobs", "1"]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    status, said = run("batch", *argv)
    assert status == 2
    assert said == f"kļūda: {_expected(latvian, made)}\n"
    assert not ENGLISH.search(_unenglished(said)), said
    assert SECRET not in said
    assert "Synthetic" not in said

    for lang in (("--lang", "en"), ()):
        env = None if lang else "en"
        status, said = run(*lang, "batch", *argv, env_lang=env)
        assert status == 2
        assert said == f"error: {_expected(english, made)}\n"
    # the files are as they were: nothing written, nothing removed
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_the_library_gives_the_reason_and_its_values(
    made: dict[str, list[str]], tmp_path: Path
) -> None:
    """A program gets the code and the values (here through the library, not the command)."""
    from atbalsts import PolicyRegistry
    from atbalsts.batch import evaluate_file

    _write(tmp_path / "lietas.jsonl", made["cases"])
    _write(tmp_path / "lemumi.jsonl", made["compact"])
    with pytest.raises(BatchFileError) as caught:
        evaluate_file(
            tmp_path / "lietas.jsonl",
            tmp_path / "lemumi.jsonl",
            as_of=date(2025, 11, 21),
            registry=PolicyRegistry.load(),
            resume=True,
        )
    assert caught.value.code == "other_date"
    assert dict(caught.value.values) == {
        "path": str(tmp_path / "lemumi.jsonl"),
        "line": "2",
        "decided": "2025-11-20",
        "as_of": "2025-11-21",
    }


def test_a_missing_input_is_said_by_its_errno(tmp_path: Path) -> None:
    missing = tmp_path / "nav.jsonl"
    status, said = run("batch", str(missing), "--jobs", "1")
    assert status == 2
    assert said == f"kļūda: nevar izmantot {missing}: šāda faila vai mapes nav\n"
    status, said = run("--lang", "en", "batch", str(missing), "--jobs", "1")
    assert said == f"error: cannot use {missing}: No such file or directory\n"


# -- every code has its sentence -------------------------------------------------------------

BATCH_MODULES = (atbalsts.batch._file, atbalsts.batch._stream, atbalsts.batch._read)
CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


#: Codes the command says in its own words, not by the catalog of coded errors.
SAID_BY_THE_COMMAND = {"not_json_lines"}


def _reasons_in(module: Any) -> set[str]:
    """The codes the module's ``BatchFileError`` calls give: a string written as
    ``code=``, or, where ``code=`` names a variable, each code-like string in a tuple of
    the function around it (the variable is chosen from them)."""
    tree = ast.parse(inspect.getsource(module))
    found: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "BatchFileError"
            ):
                continue
            reason = next((k.value for k in node.keywords if k.arg == "code"), None)
            if module is atbalsts.batch._read:  # expand_records: for programs, English only
                assert reason is None
                continue
            assert reason is not None, f"a BatchFileError without a code in {module.__name__}"
            if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                found.add(reason.value)
                continue
            assert isinstance(reason, ast.Name), ast.unparse(reason)
            if reason.id == "CODE":  # the work list's code, atbalsts._jsonlines.CODE
                found.add(atbalsts._jsonlines.CODE)
                continue
            chosen = {
                item.value
                for tup in ast.walk(function)
                if isinstance(tup, ast.Tuple)
                for item in tup.elts
                if isinstance(item, ast.Constant)
                and isinstance(item.value, str)
                and CODE.fullmatch(item.value)
            }
            assert chosen, f"no codes for code={reason.id} in {module.__name__}"
            found |= chosen
    return found


def test_every_reason_in_the_source_has_a_latvian_sentence_and_a_test() -> None:
    in_source = set().union(*(_reasons_in(m) for m in BATCH_MODULES))
    # said by the command itself, with the jq command for the file: tests/batch/test_input_shape
    assert in_source >= SAID_BY_THE_COMMAND
    in_source -= SAID_BY_THE_COMMAND
    assert len(in_source) >= 21
    sentences = batch_sentences(texts("lv"))
    assert in_source == set(sentences), in_source ^ set(sentences)
    assert in_source == set(SCENARIOS), in_source ^ set(SCENARIOS)
    english = batch_sentences(Texts("en", gettext.NullTranslations()))
    for reason, said in sentences.items():
        assert said != english[reason], f"{reason} is not translated"


VALUES = st.text(alphabet="abc/._-0123456789", min_size=1, max_size=20)


@given(reason=st.sampled_from(sorted(SCENARIOS)), value=VALUES)
def test_a_sentence_takes_only_the_values_it_names(reason: str, value: str) -> None:
    """Every sentence formats with the values its code carries (no missing key), and says the
    English message unchanged in English."""
    keys = {"path", "line", "output", "input", "errors", "reached", "lines", "table"}
    keys |= {"decided", "as_of"}
    err = BatchFileError("the English words", code=reason, values=dict.fromkeys(keys, value))
    said = coded_message(err, texts("lv"))
    assert said != "the English words"
    assert coded_message(err, texts("en")) == "the English words"
    plain = BatchFileError("the English words")  # no code: as the library wrote it
    assert coded_message(plain, texts("lv")) == "the English words"
