"""An error names a key of the input only when it is close to a field name at its place.

A key is input: an unknown key (``{"120101-12345": 1}`` or ``{"anna_berzina": 1}`` in
``learner``) or a key of a map (an audit event's ``params``) may be a personal code or a name. A
misspelt field must be named, so that the sender can correct it; any other key is not repeated.
An error path names such a key only when it is written as a field name and is close to a real
field name at its place (one of the model's fields there; for a key of a map, or where the place
is not known, any field name of the documents): :func:`atbalsts.model.shown_key`. Else it says
:data:`NOT_A_FIELD_NAME` in its place, and the row's ``kind`` still says what is wrong.
"""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import atbalsts
from atbalsts import DocumentError
from atbalsts.model import AuditEvent, Learner, SupportCase, shown_key
from atbalsts.model._io import (
    CLOSE,
    FIELD_NAME,
    LONG,
    NOT_A_FIELD_NAME,
    OWN_KEYS,
    _every_field_name,
)
from atbalsts.model.observation import TermObservation
from atbalsts.privacy import model_classes
from atbalsts.schema import DOCUMENTS

#: A key that is not written as a field name, to compare every other such key with.
REFERENCE_KEY = "Not A-Field"

#: Every field name of every document.
EVERY_FIELD = frozenset(
    field.alias or name
    for document in DOCUMENTS.values()
    for cls in model_classes(document)
    for name, field in cls.model_fields.items()
)


def _slips(name: str) -> set[str]:
    """Every way of writing ``name`` with one slip of the hand: a letter left out, a letter
    doubled, two neighbouring letters swapped."""
    out = {name[:i] + name[i + 1 :] for i in range(len(name))}
    out |= {name[: i + 1] + name[i:] for i in range(len(name))}
    out |= {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}
    return out - {name}


def _close(key: str, names: frozenset[str] | set[str]) -> bool:
    """Whether ``key`` is one of ``names``, or a key the library writes itself, or close to one
    of ``names`` as difflib measures it and, unless that name is long, one slip from it."""
    return (
        key in names
        or key in OWN_KEYS
        or any(
            difflib.SequenceMatcher(None, key, name).ratio() >= CLOSE
            and (len(name) >= LONG or key in _slips(name))
            for name in names
        )
    )


def _shown(key: str, names: frozenset[str] | set[str]) -> str:
    """How an error path says ``key`` at a place whose fields are ``names``."""
    return key if FIELD_NAME.fullmatch(key) and _close(key, names) else NOT_A_FIELD_NAME


LEARNER = frozenset(Learner.model_fields)
OBSERVATION = frozenset(TermObservation.model_fields)


def _rows(data: Any, model: type[Any] = SupportCase) -> list[tuple[str, str, str]]:
    """The errors of ``data`` (path, message, kind), the same parsed from Python and from JSON."""
    found = []
    for parse in (
        lambda: atbalsts.parse_python(model, data),
        lambda: atbalsts.parse_json(model, json.dumps(data)),
    ):
        with pytest.raises(DocumentError) as info:
            parse()
        found.append([(e.path, e.message, e.kind) for e in info.value.errors])
    assert found[0] == found[1]
    return found[0]


def _with_unknown(case_data: dict[str, Any], key: str) -> dict[str, Any]:
    case = copy.deepcopy(case_data)
    case["learner"][key] = 1
    case["observations"][0][key] = "x"
    return case


# case_data is copied before it is changed, so one copy serves every example
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.text(max_size=80))
def test_an_unknown_key_is_named_only_when_it_is_close_to_a_field_at_its_place(
    case_data: dict[str, Any], key: str
) -> None:
    assume(key not in LEARNER and key not in OBSERVATION)
    rows = _rows(_with_unknown(case_data, key))
    named = {(path, kind) for path, _, kind in rows}
    assert {("learner." + _shown(key, LEARNER), "extra_forbidden")} <= named
    assert {("observations[0]." + _shown(key, OBSERVATION), "extra_forbidden")} <= named
    if _shown(key, LEARNER) == key or _shown(key, OBSERVATION) == key:
        return
    # nothing in the errors depends on the key: they are those of any other such key, so the
    # key is in no path or message, unless the words every such error says hold it ("e", " ")
    reference = _rows(_with_unknown(case_data, REFERENCE_KEY))
    assert rows == reference
    said = [text for row in reference for text in row[:2]]
    if not any(key in text for text in said):
        assert not any(key in text for row in rows for text in row[:2])


#: Keys written as field names, as a name or a word may be.
NAME_LIKE = st.from_regex(FIELD_NAME, fullmatch=True)


# case_data is copied before it is changed, so one copy serves every example
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=NAME_LIKE)
def test_a_key_written_as_a_field_name_but_close_to_none_is_in_no_error(
    case_data: dict[str, Any], key: str
) -> None:
    """A name (``anna_berzina``) has the form of a field name: its form alone does not name it."""
    assume(not _close(key, EVERY_FIELD))
    rows = _rows(_with_unknown(case_data, key))
    assert {path for path, _, _ in rows} == {
        f"learner.{NOT_A_FIELD_NAME}",
        f"observations[0].{NOT_A_FIELD_NAME}",
    }
    # nothing else in the errors depends on the key: they are those of any other such key
    assert rows == _rows(_with_unknown(case_data, REFERENCE_KEY))


@pytest.mark.parametrize(
    ("where", "key", "path"),
    [
        ((), "learnr", "learnr"),
        (("learner",), "enrolmnet", "learner.enrolmnet"),
        (("learner",), "birthdate", "learner.birthdate"),
        (("observations", 0), "as_fo", "observations[0].as_fo"),
        (("observations", 0, "attendance"), "lessons_missed_unjustifed",
         "observations[0].attendance.lessons_missed_unjustifed"),
        # close to a field, but not to one at its place
        ((), "enrolmnet", NOT_A_FIELD_NAME),
        (("observations", 0), "learnr", f"observations[0].{NOT_A_FIELD_NAME}"),
    ],
)  # fmt: skip
def test_a_misspelt_field_is_named_where_it_is_misspelt(
    case_data: dict[str, Any], where: tuple[str | int, ...], key: str, path: str
) -> None:
    node: Any = case_data
    for part in where:
        node = node[part]
    node[key] = 1
    assert [(p, kind) for p, _, kind in _rows(case_data)] == [(path, "extra_forbidden")]


@pytest.mark.parametrize("key", ["anna_berzina", "janis", "x", "berzins", "ilze"])
def test_a_name_written_as_a_field_name_is_not_repeated(
    case_data: dict[str, Any], key: str
) -> None:
    rows = _rows(_with_unknown(case_data, key))
    assert {path for path, _, _ in rows} == {
        f"learner.{NOT_A_FIELD_NAME}",
        f"observations[0].{NOT_A_FIELD_NAME}",
    }
    assert rows == _rows(_with_unknown(case_data, REFERENCE_KEY))  # nothing depends on the key


#: Common Latvian given names and surnames (a synthetic list), written as a key may hold them:
#: lower case, without diacritics (with them a key is never written as a field name). A name
#: that is itself a field name (Marks, ``marks``) cannot be told from the field and is left out.
LATVIAN_NAMES = [
    "anna", "maris", "janis", "liga", "ilze", "peteris", "andris", "juris", "karlis", "martins",
    "edgars", "girts", "inese", "inga", "ieva", "kristine", "laura", "linda", "marta", "agnese",
    "dace", "daina", "baiba", "zane", "elina", "evija", "gunta", "ruta", "santa", "signe",
    "sanita", "aija", "alise", "anete", "dana", "diana", "eva", "lauma", "liene", "madara", "rita",
    "sarmite", "vija", "aigars", "arturs", "arvids", "dainis", "gatis", "guntis", "ivars",
    "kaspars", "kristaps", "raimonds", "reinis", "rihards", "roberts", "rolands", "toms", "uldis",
    "valdis", "viesturs", "oskars", "niks", "markuss", "mareks", "marija", "mara", "lasma",
    "paula", "sofija", "emilija", "amelija", "adele", "elza", "ance", "estere", "keita", "luize",
    "viktorija", "patricija", "emma", "rebeka", "beatrise", "ralfs", "gustavs", "olivers",
    "adrians", "aleksis", "haralds", "kims", "otto", "hugo", "leo", "rudolfs", "linards", "gints",
    "normunds", "egils", "ainars", "agita", "zaiga", "velta", "ausma", "skaidrite", "inara",
    "anita", "iveta", "dzintra", "aina", "maija", "mairis", "edite", "ilga", "davis", "daniels",
    "davids", "emils", "ernests", "kristers", "artis", "arnis", "armands", "aivars", "imants",
    "maruta", "ligita", "ligija", "vita", "vineta", "renate", "solvita", "sandra", "sintija",
    "monta", "megija", "krista", "katrina", "karina", "ilona", "olga", "vera", "nora", "rute",
    "dita", "gita", "aiga", "marts", "mikus", "matiss", "berzins", "berzina", "kalnins", "kalnina",
    "ozols", "ozola", "jansons", "jansone", "liepins", "liepina", "krumins", "krumina", "balodis",
    "balode", "eglitis", "eglite", "petersons", "petersone", "zarins", "zarina", "vitols",
    "vitola", "klavins", "klavina", "karklins", "karklina", "vanags", "vanaga", "lacis", "lace",
    "ozolins", "ozolina", "rozitis", "rozite", "sprogis", "sproge", "zvirbulis", "zvirbule",
    "kalejs", "kaleja", "pujats", "grinbergs", "leja", "strods", "jaunzems", "lapins", "lapina",
    "silins", "silina", "abols", "abola", "dumins", "dumina", "freimanis", "kalnietis", "priede",
    "briedis", "liepa", "dzenis", "gailis", "gaile", "auzins", "celmins", "bite", "rudzitis",
    "rubenis", "upitis", "upite", "vilks", "kreslins", "mednis", "purins", "sils", "kalns",
    "ziedins", "lazdins", "strazds", "skuja", "skujins", "kronbergs", "zeltins", "meiers",
    "akmentins", "riekstins", "kalna", "melnis", "melne", "sarkans", "baltins", "baltina",
    "ziemelis", "ziemele", "kocins", "kocina", "ezers", "ezera", "abele", "avotins", "avotina"
]  # fmt: skip

#: Misspelt field names, as a sender writes them: a letter left out, doubled or swapped, and in
#: a long name another letter or one more.
TYPOS = [
    "learnr", "lerner", "learnre", "leraner", "observatons", "obsevations", "observation",
    "observatios", "marsk", "mrks", "mraks", "enrolmnet", "enrollment", "as_fo", "asof", "as_off",
    "plnas", "plan", "pans", "mesures", "measurs", "measurse", "risk_factor", "riks_factors",
    "risk_facotrs", "consnets", "consent", "referals", "refferals", "referal", "peroid", "perod",
    "periiod", "grdae", "gradde", "semster", "semetser", "schol_year", "school_yaer",
    "personal_cod", "personal_coed", "birth_dat", "birthdate", "brith_date", "learner_ids",
    "lerner_id", "attendence", "atendance", "stafff_observations", "staff_observation", "reasn",
    "reson", "statsu", "sttus", "satus", "subjcet", "subjetc", "fundng", "fundign",
    "lessons_mised", "lessons_sheduled", "prgramme", "programm", "municipalty", "muncipality",
    "recipents", "recipeints"
]  # fmt: skip


def test_the_lists_of_names_and_typos_are_keys_written_as_field_names() -> None:
    for key in LATVIAN_NAMES + TYPOS:
        assert FIELD_NAME.fullmatch(key), key
        assert key not in EVERY_FIELD, key


@pytest.mark.parametrize("key", LATVIAN_NAMES)
def test_a_latvian_name_is_close_to_no_field_name(key: str) -> None:
    """``maris`` shares four letters of five with ``marks``, ``signe`` with ``since``: a letter
    changed in a short word makes a name, not a typo, and is not repeated."""
    assert shown_key(key) == NOT_A_FIELD_NAME


@pytest.mark.parametrize("key", TYPOS)
def test_a_misspelt_field_name_is_named(key: str) -> None:
    assert shown_key(key) == key


@pytest.mark.parametrize("key", ["120101-12345", "Anna Bērziņa", "k" * 65, "Grade", "1st"])
def test_a_personal_code_or_a_name_as_a_key_is_not_repeated(
    case_data: dict[str, Any], key: str
) -> None:
    rows = _rows(_with_unknown(case_data, key))
    assert ("learner." + NOT_A_FIELD_NAME, "Extra inputs are not permitted", "extra_forbidden") in (
        rows
    )
    assert key not in json.dumps(rows, ensure_ascii=False)


@given(key=st.text(min_size=1, max_size=80))
def test_a_key_of_a_map_is_named_only_when_it_is_close_to_a_field_name(key: str) -> None:
    """A map has no fields: its key is named only when close to a field name of the documents."""
    rows = _rows({"params": {key: {"not": "a parameter value"}}}, AuditEvent)
    params = [(path, kind) for path, _, kind in rows if path.startswith("params")]
    shown = _shown(key, EVERY_FIELD)
    assert params == [(f"params.{shown}", "value_type")]
    if shown != key:
        reference = _rows({"params": {REFERENCE_KEY: {"not": "a parameter value"}}}, AuditEvent)
        assert rows == reference


def test_shown_key_names_a_key_by_the_names_given_else_by_every_field_name() -> None:
    assert shown_key("learnr", ["learner", "plans"]) == "learnr"
    assert shown_key("learner", ["learner", "plans"]) == "learner"
    assert shown_key("janis", ["learner", "plans"]) == NOT_A_FIELD_NAME
    assert shown_key("plans", ()) == NOT_A_FIELD_NAME  # a place without fields
    assert shown_key("Learner", ["learner"]) == NOT_A_FIELD_NAME  # not written as a field name
    assert shown_key("as_fo") == "as_fo"  # no place: every field name of the documents
    assert shown_key("asof") == "asof"
    assert shown_key("anna_berzina") == NOT_A_FIELD_NAME
    assert shown_key("x") == NOT_A_FIELD_NAME
    # A letter changed or added in a short field name is not a slip: a name is made so as often
    # (maris, mareks), so such a key is not repeated, even where it is a typo (houres).
    assert shown_key("maris", ["marks"]) == NOT_A_FIELD_NAME
    assert shown_key("mareks", ["marks"]) == NOT_A_FIELD_NAME
    assert shown_key("houres", ["hours"]) == NOT_A_FIELD_NAME
    assert shown_key("marsk", ["marks"]) == "marsk"
    # In a long field name it is: attendence, learner_ids.
    assert shown_key("attendence", ["attendance"]) == "attendence"
    assert shown_key("learner_ids", ["learner_id"]) == "learner_ids"


def test_the_field_names_of_every_document_are_those_of_the_documents_published() -> None:
    """The names a key is measured against where its place has none: every field of every
    document the library publishes (a new document is not forgotten)."""
    assert _every_field_name() == EVERY_FIELD


def test_a_key_the_library_writes_into_a_view_is_named_where_it_is_sent_back(
    case_data: dict[str, Any],
) -> None:
    """A role's view of a document carries ``view``: sent back as a document, it is named (the
    service says so: a view, not a whole Decision), as every key the views add."""
    from atbalsts import PolicyRegistry
    from atbalsts.privacy import view_decision

    case = atbalsts.parse_python(SupportCase, case_data)
    decision = PolicyRegistry.load().evaluate(case, as_of=case.observations[0].as_of)
    shown = view_decision(decision, role="class_teacher")
    added = set(shown) - set(type(decision).model_fields)
    assert added
    assert added <= OWN_KEYS
    rows = _rows({**case_data, "view": shown["view"]})
    assert [(path, kind) for path, _, kind in rows] == [("view", "extra_forbidden")]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_field_of_every_document_is_written_as_a_field_name(name: str) -> None:
    """So that no field of a document is ever hidden in an error path as a key of the input."""
    for cls in model_classes(DOCUMENTS[name]):
        names = [field.alias or field_name for field_name, field in cls.model_fields.items()]
        for field_name in names:
            assert FIELD_NAME.fullmatch(field_name), f"{cls.__name__}.{field_name}"
            assert shown_key(field_name, names) == field_name
            assert shown_key(field_name) == field_name


@pytest.mark.parametrize(
    ("lang", "said"),
    [("lv", "learner.(atslēga, kas nav lauka nosaukums): "), ("en", "learner.(a key that is ")],
)
def test_the_command_says_a_hidden_key_in_its_language(
    lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from atbalsts.cli import main

    path = tmp_path / "case.json"
    path.write_text('{"learner": {"anna_berzina": 1}}', encoding="utf-8")
    assert main(["--lang", lang, "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert "anna_berzina" not in err
