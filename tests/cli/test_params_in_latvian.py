"""``atbalsts params`` in Latvian: the type in words, and the description and unit a parameter
declares in Latvian (``description_lv``, ``unit_lv``), English where it declares none."""

from __future__ import annotations

import contextlib
import io
import json
from importlib.resources import files
from pathlib import Path

import pytest

from atbalsts.cli import main
from atbalsts.cli._i18n import texts
from atbalsts.cli._params import _type
from atbalsts.policy import ValueType, load_parameters

NATIONAL = Path(str(files("atbalsts.national") / "parameters.toml"))
PID = "lv.absence.unjustified_lessons_limit"


def params(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["params", *argv, "--as-of", "2025-01-15"]) == 0
    return out.getvalue()


def test_a_national_parameter_reads_in_latvian() -> None:
    lines = params(PID, "--lang", "lv").splitlines()
    assert lines[2] == (
        f"{PID} = 20 mācību stundas semestrī  (vesels skaitlis, 0.., tikai stingrāk: zemāk)"
    )
    assert lines[3] == (
        "  Ja semestrī bez attaisnojoša iemesla kavēts vairāk mācību stundu, nekā šis skaits: "
        "informēt pašvaldības izglītības pārvaldi."
    )


def test_in_english_it_reads_as_declared() -> None:
    lines = params(PID, "--lang", "en").splitlines()
    assert lines[2] == f"{PID} = 20 lessons per term  (integer, 0.., stricter only: lower)"
    assert lines[3] == (
        "  More than this many lessons missed without a justifying reason in a term: inform the "
        "municipal education board."
    )


def test_the_json_gives_both_languages_whatever_the_language_asked() -> None:
    for lang in ("lv", "en"):
        (row,) = json.loads(params(PID, "--format", "json", "--lang", lang))["parameters"]
        assert row["unit"] == "lessons per term"
        assert row["unit_lv"] == "mācību stundas semestrī"
        assert row["description"].startswith("More than this many lessons")
        assert row["description_lv"].startswith("Ja semestrī bez attaisnojoša iemesla")


@pytest.mark.parametrize("kind", list(ValueType))
def test_every_type_of_value_has_its_latvian_words(kind: ValueType) -> None:
    assert _type(kind.value, texts("en")) == kind.value
    latvian = _type(kind.value, texts("lv"))
    assert latvian
    assert latvian != _type(kind.value, texts("en"))


def test_every_national_parameter_says_what_it_is_in_latvian() -> None:
    for parameter in load_parameters(NATIONAL, "lv"):
        assert parameter.description_lv, parameter.id
        assert parameter.unit_lv, parameter.id
        assert parameter.description_in("lv") == parameter.description_lv
        assert parameter.description_in("en") == parameter.description
        assert parameter.unit_in("lv") == parameter.unit_lv


def test_a_parameter_without_latvian_reads_in_english_in_either_language() -> None:
    declared = {
        "parameter": [
            {
                "id": "proba.x.limit",
                "description": "A limit.",
                "unit": "days",
                "type": "integer",
                "values": [
                    {"from": "2025-09-01", "value": 3, "basis": {"kind": "illustrative",
                     "note": "Illustrative, not law."}},
                ],
            },
            {
                "id": "proba.x.other",
                "description": "Another.",
                "description_lv": "Cits.",
                "unit": "days",
                "unit_lv": "dienas",
                "type": "integer",
                "values": [
                    {"from": "2025-09-01", "value": 3, "basis": {"kind": "illustrative",
                     "note": "Illustrative, not law."}},
                ],
            },
        ]
    }  # fmt: skip
    plain, both = load_parameters(declared, "proba")
    assert (plain.description_in("lv"), plain.unit_in("lv")) == ("A limit.", "days")
    assert (plain.description_lv, plain.unit_lv) == ("", "")
    assert (both.description_in("lv"), both.unit_in("lv")) == ("Cits.", "dienas")
    assert (both.description_in("en"), both.unit_in("en")) == ("Another.", "days")
