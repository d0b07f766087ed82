"""The library and the published JSON Schemas accept the same documents.

Valid documents come from the library's own strategies (and, for decisions, from evaluating
them); each is then mutated toward the edges of its schema: wrong types, coercible strings
(``"1"``, ``"1_2"``, ``"true"``, ``"no"``), booleans for numbers, numbers for dates, integers and
lengths at their bounds, dates shifted by a day, a value copied from another field, missing
required keys, extra keys, ``null``, emptied or overfilled lists. For every mutated document:

- what the schema refuses, ``parse_python`` and ``parse_json`` refuse;
- what the schema accepts, they accept, unless they refuse it only for a check listed in
  "Checks beyond the JSON Schema" of docs/how-to/validate-documents.md (by error kind);
- both entry points name the same paths, never ``(document)``, with short messages.

The schema is read as JSON Schema means it (ECMA-262 regular expressions, where ``$`` matches only
at the end) with one documented difference: an integer is written as an integer (``3``, not
``3.0``). ``tools/schema_fuzz.py`` checks the other direction with documents generated from the
schemas themselves (hypothesis-jsonschema; not part of the test command).
"""

from __future__ import annotations

import copy
import functools
import json
import random
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import jsonschema
import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from atbalsts import DocumentError
from atbalsts.codes import MEASURES
from atbalsts.engine import PolicyRegistry
from atbalsts.errors import FieldError
from atbalsts.model import Document, SupportCase, parse_json, parse_python
from atbalsts.schema import DOCUMENTS, json_schema
from atbalsts.testing import strategies as ats

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "how-to" / "validate-documents.md"

#: Valid documents drawn per document type, and mutations of each. Decisions are fewer: each one
#: carries its trace and takes ten times as long to check against its schema.
EXAMPLES = 100
DECISION_EXAMPLES = 30
MUTATIONS = 10
#: At least 5,000 mutated documents per run (5 x 100 x 10 + 30 x 10 = 5,300).
assert ((len(DOCUMENTS) - 1) * EXAMPLES + DECISION_EXAMPLES) * MUTATIONS >= 5_000


def documented_checks() -> frozenset[str]:
    """The error kinds listed in the guide's table of checks beyond the JSON Schema."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Checks beyond the JSON Schema", 1)[1].split("\n## ", 1)[0]
    return frozenset(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))


CROSS_FIELD = documented_checks()


def test_the_guide_lists_the_checks_beyond_the_schema() -> None:
    assert {
        "school_year_not_consecutive",
        "lessons_exceed_scheduled",
        "date_order",
        "outside_term",
        "other_learner",
        "duplicate_id",
        "personal_code",
    } == CROSS_FIELD


# -- the schema, as JSON Schema means it -----------------------------------------------------------


#: ECMA-262's ``\s`` (WhiteSpace and LineTerminator): the Unicode space separators, the ASCII
#: white space, U+FEFF and the line and paragraph separators. It differs from Python's ``\s``
#: (which also takes U+001C-U+001F and U+0085) and from the Rust regex the library runs (which
#: takes U+0085 but not U+FEFF).
ECMA_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_ECMA_CLASS = "".join(f"\\u{ord(c):04x}" for c in ECMA_SPACE)


def ecma_regex(pattern: str) -> str:
    r"""``pattern`` rewritten so that Python's re reads it as ECMA-262 does: ``$`` matches only at
    the very end (Python's also matches before a final newline), and ``\s``/``\S`` are
    ECMA's white space."""
    ecma = (
        pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    )
    ecma = ecma.replace(r"[^\s", "[^" + _ECMA_CLASS)  # inside a negated class
    return ecma.replace(r"\S", "[^" + _ECMA_CLASS + "]").replace(r"\s", "[" + _ECMA_CLASS + "]")


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    if not re.search(ecma_regex(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _integer(checker: Any, instance: Any) -> bool:
    # The documented difference: JSON Schema counts 3.0 as an integer, atbalsts does not.
    return isinstance(instance, int) and not isinstance(instance, bool)


EcmaValidator = jsonschema.validators.extend(
    Draft202012Validator,
    validators={"pattern": _ecma_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _integer),
)


@functools.cache
def validator(name: str) -> Any:
    return EcmaValidator(json_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


# -- the check -----------------------------------------------------------------------------------

Outcome = tuple[tuple[str, str, str], ...] | None  # (path, kind, message) rows, or None: accepted


def outcome(parse: Callable[[], Document]) -> Outcome:
    try:
        parse()
    except DocumentError as err:
        return tuple((e.path, e.kind, e.message) for e in err.errors)
    return None


def _paths_and_kinds(rows: Outcome) -> object:
    return rows if rows is None else [(path, kind) for path, kind, _ in rows]


Parse = Callable[[type[Document], Any], Document]


_PART = re.compile(r"\.?([^.\[]+)|\[(\d+)\]")


def _has(node: Any, part: str | int) -> bool:
    if isinstance(part, int):
        return isinstance(node, list) and part < len(node)
    return isinstance(node, dict) and part in node


def resolves(document: Any, path: str) -> bool:
    """Whether ``path`` names a place in ``document``: every part but the last is there, and the
    last is there or is a key missing from an object (a required field left out). A path
    shortened for a long key (``…``) is not checked."""
    if "…" in path:
        return True
    parts = [key if key else int(index) for key, index in _PART.findall(path)]
    node = document
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if _has(node, part):
            node = node[part]
        else:
            return last and isinstance(part, str) and isinstance(node, dict)
    return True


def agree(
    name: str,
    document: Any,
    what: str,
    *,
    python: Parse = parse_python,
    from_json: Parse = parse_json,
) -> bool:
    """Assert the library and the schema agree on ``document``; True when the schema accepts."""
    model = DOCUMENTS[name]
    schema_ok = validator(name).is_valid(document)
    from_python = outcome(lambda: python(model, document))
    as_json = outcome(lambda: from_json(model, json.dumps(document, allow_nan=False)))
    assert from_python == as_json or _paths_and_kinds(from_python) == _paths_and_kinds(as_json), (
        f"{what}: parse_python and parse_json disagree: {from_python} {as_json}"
    )
    if from_python is None:
        assert schema_ok, f"{what}: the library accepts what the schema refuses"
        return True
    paths = [path for path, _, _ in from_python]
    assert "(document)" not in paths, f"{what}: an error names no field: {from_python}"
    unresolved = [path for path in paths if not resolves(document, path)]
    assert not unresolved, f"{what}: an error names a field the document has not: {unresolved}"
    assert all(len(message) <= 300 for _, _, message in from_python), what
    if schema_ok:
        beyond = {kind for _, kind, _ in from_python} - CROSS_FIELD
        assert not beyond, (
            f"{what}: the schema accepts it but the library refuses it for {sorted(beyond)}, "
            f"which is no documented check beyond the schema: {from_python}"
        )
    return schema_ok


# -- mutations toward the schema's edges -------------------------------------------------------

Path_ = tuple[str | int, ...]

WRONG: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    1.5,
    3.0,
    "",
    "1",
    "1_2",
    "true",
    "no",
    "x",
    "2024-09-02",
    "bauska:summer_camp",
    [],
    {},
)
INTS = (-1, 0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 20, 51, 600)
LENGTHS = (35, 36, 64, 65, 80, 81, 200, 201, 2000, 2001, 4000, 4001)
ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def walk(node: Any, at: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*at, key), value
            yield from walk(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*at, i), value
            yield from walk(value, (*at, i))


def container(doc: Any, path: Path_) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def variants(value: Any, rnd: random.Random, others: list[Any]) -> list[Any]:
    """Values near the edges of what ``value``'s field accepts."""
    out: list[Any] = [rnd.choice(WRONG)]
    same_type = [o for o in others if type(o) is type(value) and o != value]
    if same_type:
        out.append(copy.deepcopy(rnd.choice(same_type)))  # cross-field: copy another field
    if isinstance(value, bool):
        out += [not value, "no", "yes", "true", "false", 0, 1]
    elif isinstance(value, int):
        out += [value - 1, value + 1, rnd.choice(INTS), str(value), float(value), True]
    elif isinstance(value, float):
        out += [value + 0.5, value - 0.5, 0, 0.0, -1.0, str(value), True]
    elif isinstance(value, str) and ISO.fullmatch(value):
        day = date.fromisoformat(value)
        shift = rnd.choice((1, -1, 30, -30, 120, -120, 365, -365))
        out += [
            (day + timedelta(days=shift)).isoformat(),
            day.replace(month=9, day=1).isoformat(),
            day.replace(month=8, day=31).isoformat(),
            day.replace(month=1, day=1).isoformat(),
            day.replace(month=12, day=31).isoformat(),
            0,
            20240101,
            value + "T00:00:00",
            value.replace("-", ""),
            value[:8] + "31" if day.month in (2, 4, 6, 9, 11) else value[:5] + "02-30",
            value + "\n",
        ]
    elif isinstance(value, str):
        target = rnd.choice(LENGTHS)
        out += [
            "",
            (value or "x") + "x" * max(0, target - len(value)),
            value.upper(),
            value + "\n",
            value + "\ufeff",  # white space to ECMA-262, not to Rust's or Python's regex
            value + "\x85",  # the other way round
            " " + value,
            value + ":x",
            "bauska:" + value,
            value.replace("/", "-"),
        ]
    elif isinstance(value, list):
        grow = rnd.choice((21, 51, 201))
        out += [[], value + value[:1], value[1:], (value * grow)[:grow] if value else [None]]
    elif isinstance(value, dict) and value:
        key = rnd.choice(list(value))
        out += [
            {k: v for k, v in value.items() if k != key},  # a missing key
            {**value, "colour": "red"},  # an unknown key
            {**value, key: None},
            [value],
        ]
    return out


def mutate(base: dict[str, Any], rnd: random.Random) -> tuple[str, dict[str, Any]]:
    doc = copy.deepcopy(base)
    found = list(walk(doc))
    if rnd.random() < 0.1:  # the top level: a missing or an unknown key
        key = rnd.choice(list(doc))
        if rnd.random() < 0.5:
            del doc[key]
            return f"without {key}", doc
        doc["colour"] = "red"
        return "with an unknown top-level key", doc
    path, value = rnd.choice(found)
    new = rnd.choice(variants(value, rnd, [v for _, v in found]))
    container(doc, path)[path[-1]] = new
    return f"{'/'.join(map(str, path))}: {value!r:.40} -> {new!r:.40}", doc


# -- the documents -------------------------------------------------------------------------------


@functools.cache
def registry() -> PolicyRegistry:
    return PolicyRegistry.load()


@st.composite
def decisions(draw: st.DrawFn) -> Document:
    case: SupportCase = draw(ats.support_cases())
    as_of = draw(st.dates(date(2024, 9, 1), date(2026, 8, 31)))
    return registry().evaluate(case, as_of)


@st.composite
def audit_events(draw: st.DrawFn) -> Any:
    """Events of real transitions: a generated draft plan submitted, or a consent withdrawn."""
    from atbalsts.errors import LifecycleError
    from atbalsts.model import PlanStatus
    from atbalsts.workflow import transition

    if draw(st.booleans()):
        plan = draw(ats.support_plans()).model_copy(update={"status": PlanStatus.DRAFT})
        document, action, reason = plan, "submit", None
        on = plan.period.start
    else:
        document = draw(ats.consents())
        action, reason = "withdraw", "Synthetic: the parent withdrew consent."
        on = document.period.start
    try:
        moved = transition(
            document, action, actor="P-TEST", role="class_teacher", on=on, reason=reason
        )
    except LifecycleError:
        assume(False)
        raise
    return moved.event


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "audit-event": audit_events(),
    "consent": ats.consents(),
    "decision": decisions(),
    "referral": ats.referrals(),
    "risk-assessment": ats.risk_assessments(),
    "support-case": ats.support_cases(),
    "support-plan": ats.support_plans(measure_codes=ats.codes(MEASURES, namespace="bauska")),
}
assert set(STRATEGIES) == set(DOCUMENTS)


def check_mutations(name: str, data: st.DataObject) -> None:
    document = data.draw(STRATEGIES[name])
    base = document.model_dump(mode="json")
    assert agree(name, base, "the generated document"), "a generated document must be valid"
    rnd = data.draw(st.randoms(use_true_random=False))
    for _ in range(MUTATIONS):
        what, mutated = mutate(base, rnd)
        agree(name, mutated, what)


SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@pytest.mark.parametrize("name", sorted(set(STRATEGIES) - {"decision"}))
@settings(max_examples=EXAMPLES, **SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_library_and_schema_accept_the_same_documents(name: str, data: st.DataObject) -> None:
    check_mutations(name, data)


@settings(max_examples=DECISION_EXAMPLES, **SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_library_and_schema_accept_the_same_decisions(data: st.DataObject) -> None:
    check_mutations("decision", data)


# -- the check itself can fail -----------------------------------------------------------------


def lax_python(model: type[Document], document: Any) -> Document:
    return model.model_validate(document, strict=False)


def lax_json(model: type[Document], text: str) -> Document:
    return model.model_validate_json(text, strict=False)


def test_the_check_catches_a_lax_library(case_data: dict[str, Any]) -> None:
    assert agree("support-case", case_data, "the fixture")
    case_data["learner"]["needy_or_low_income_family"] = "no"
    assert lax_python(SupportCase, case_data)  # pydantic's lax mode coerces "no" to False
    with pytest.raises(AssertionError, match="the library accepts what the schema refuses"):
        agree("support-case", case_data, "lax", python=lax_python, from_json=lax_json)


def test_the_check_catches_an_undocumented_refusal(case_data: dict[str, Any]) -> None:
    def refuse(model: type[Document], document: Any) -> Document:
        raise DocumentError("x", [FieldError(path="learner.id", message="no", kind="whim")])

    with pytest.raises(AssertionError, match=r"no documented check beyond the schema"):
        agree("support-case", case_data, "whim", python=refuse, from_json=refuse)


@pytest.mark.parametrize(
    "moment",
    [
        "2025-03-03T10Z",
        "2025-03-03T10:15Z",
        "2025-03-03T1015Z",
        "2025-03-03T101500Z",
        "2025-03-03T10:15:00.Z",
        "2025-03-03T10:15:00:00Z",  # fromisoformat dropped the extra part
        "2025-03-03T10:15:00",  # no offset
        "2025-03-03T10:15:60Z",  # a leap second: RFC 3339 has them, neither side takes one
        "2025-02-30T10:15:00Z",
        "2025-03-03T24:00:00Z",
    ],
)
@settings(max_examples=3, **SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_an_event_time_is_rfc3339_on_both_sides(moment: str, data: st.DataObject) -> None:
    """The schema's date-time is RFC 3339 (seconds and offset always); Python's fromisoformat
    took shorter and longer forms. Library and schema refuse them alike, and take the full form."""
    event = data.draw(STRATEGIES["audit-event"]).model_dump(mode="json")
    event["at"] = moment
    assert not agree("audit-event", event, moment)
    event["at"] = "2025-03-03T10:15:00.250+02:00"
    assert agree("audit-event", event, "the full form")


def test_the_schema_check_reads_date_time_formats() -> None:
    """Without rfc3339-validator (the test extra), jsonschema skips ``format: date-time`` and the
    event-time checks above would compare the library with the pattern alone."""
    checker = Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers
    assert not checker.conforms("2025-02-30T10:15:00Z", "date-time")


# -- white space, as ECMA-262 reads it ------------------------------------------------------------

#: Characters that are white space to one regex dialect and not to another: ECMA-262's, Python's
#: (U+001C-U+001F, U+0085) and Rust's (U+0085), and two that no dialect counts (U+200B, U+180E).
SPACE_EDGES = sorted(set(ECMA_SPACE) | {"\x1c", "\x1f", "\x85", "\u200b", "\u180e"})


@pytest.mark.parametrize("char", SPACE_EDGES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_legal_basis_address_takes_white_space_as_ecma_does(char: str) -> None:
    from atbalsts.model import LegalBasis

    doc = {"kind": "methodological_default", "note": "n", "url": f"https://example.lv/a{char}b"}
    pattern = json_schema("decision")["$defs"]["LegalBasis"]["properties"]["url"]["anyOf"][0][
        "pattern"
    ]
    schema_accepts = re.search(ecma_regex(pattern), doc["url"]) is not None
    try:
        LegalBasis.model_validate(doc)
        library_accepts = True
    except pydantic.ValidationError:
        library_accepts = False
    assert library_accepts == schema_accepts


@pytest.mark.parametrize("char", SPACE_EDGES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_scenarios_xfail_reason_takes_white_space_as_ecma_does(char: str) -> None:
    from atbalsts.testing.scenarios._format import NOT_BLANK_PATTERN

    schema_accepts = re.search(ecma_regex(NOT_BLANK_PATTERN), char * 3) is not None
    # The loader checks the pattern with pydantic-core's regex; test it the same way.
    adapter = pydantic.TypeAdapter(
        Annotated[str, pydantic.StringConstraints(pattern=NOT_BLANK_PATTERN)]
    )
    try:
        adapter.validate_python(char * 3)
        library_accepts = True
    except pydantic.ValidationError:
        library_accepts = False
    assert library_accepts == schema_accepts
