"""The contract as a client that is not in Python meets it: one rule for naming invalid fields,
/v1/explain's scope and views, referral_id for a recipient only, strict media types and query
values, no slash redirects, every problem type documented, messages that fit HTTP."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from atbalsts import PolicyRegistry, explain, parse_python  # noqa: E402
from atbalsts._time import term_of  # noqa: E402
from atbalsts.batch import latest_observation  # noqa: E402
from atbalsts.model import Decision, SupportCase  # noqa: E402
from atbalsts.server._models import PROBLEM_TYPES  # noqa: E402
from atbalsts.server._problems import _TITLES  # noqa: E402
from atbalsts.server._routes.decisions import NOT_A_DECISION  # noqa: E402

from .conftest import ROOT, bearer, example  # noqa: E402

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}
NOT_A_FIELD_NAME = "(a key that is not a field name)"


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://atbalsts.invalid/problems/{kind}"
    return body


def _whole(registry: PolicyRegistry, case: dict[str, Any], on: date | None = None) -> Decision:
    parsed = parse_python(SupportCase, case)
    day = on or latest_observation(parsed)
    assert day is not None
    return registry.evaluate(parsed, day)


def _post(url: str, path: str, key: str, body: Any, **headers: str) -> Any:
    return httpx.post(
        f"{url}{path}",
        content=json.dumps(body),
        headers={**bearer(key), **JSON, **headers},
        timeout=30,
    )


# -- A: an unknown key is named only when it is close to a field name ------------------------


def test_an_unknown_key_that_may_be_a_personal_code_is_not_echoed(
    base_url: str, national: dict[str, str]
) -> None:
    case = example("01-bauska")
    case["learner"]["120101-12345"] = 1
    case["learner"]["birth_dat"] = 1  # a misspelt field: named
    case["learner"]["anna_berzina"] = 1  # written as a field name, but a name: not named
    response = httpx.post(f"{base_url}/v1/evaluate", json={"case": case}, headers=national)
    body = _problem(response, 422, "invalid")
    assert {e["path"] for e in body["errors"]} == {
        f"case.learner.{NOT_A_FIELD_NAME}",
        "case.learner.birth_dat",
    }
    assert "120101-12345" not in response.text
    assert "anna_berzina" not in response.text
    query = httpx.get(f"{base_url}/v1/rules?120101-12345=1&anna_berzina=1", headers=national)
    assert _problem(query, 422, "invalid")["errors"] == [
        {
            "path": f"query.{NOT_A_FIELD_NAME}",
            "message": "unknown parameter",
            "kind": "extra_forbidden",
            "values": {},
        }
    ]
    assert "120101-12345" not in query.text
    assert "anna_berzina" not in query.text


# -- C: /v1/explain --------------------------------------------------------------------------


def test_explain_holds_the_keys_scope_on_the_case_sent_with_the_decision(
    base_url: str, keys: tuple[Path, dict[str, str]], registry: PolicyRegistry
) -> None:
    bauska = keys[1]["bauska"]  # a municipal coordinator's key scoped to Bauska
    parauga_case = example("02-parauga")
    parauga = json.loads(_whole(registry, parauga_case).model_dump_json())
    alone = _post(base_url, "/v1/explain", bauska, {"decision": parauga})
    assert [e["path"] for e in _problem(alone, 422, "invalid")["errors"]] == ["case"]
    outside = _post(base_url, "/v1/explain", bauska, {"decision": parauga, "case": parauga_case})
    assert "municipality" in _problem(outside, 403, "forbidden")["detail"]
    bauska_case = example("01-bauska")
    own = json.loads(_whole(registry, bauska_case).model_dump_json())
    inside = _post(base_url, "/v1/explain", bauska, {"decision": own, "case": bauska_case})
    assert inside.status_code == 200, inside.text
    other = _post(base_url, "/v1/explain", bauska, {"decision": parauga, "case": bauska_case})
    assert [e["path"] for e in _problem(other, 422, "invalid")["errors"]] == ["case.learner.id"]
    national = _post(base_url, "/v1/explain", keys[1]["national"], {"decision": parauga})
    assert national.status_code == 200  # a national key may send the Decision alone


def test_a_view_sent_to_explain_gets_one_clear_problem(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    key = keys[1]["teacher"]
    case = example("06-parauga")
    viewed = _post(base_url, "/v1/evaluate", key, {"case": case})
    assert viewed.status_code == 200
    response = _post(base_url, "/v1/explain", key, {"decision": viewed.json()["decision"]})
    body = _problem(response, 422, "invalid")
    assert body["detail"] == NOT_A_DECISION
    assert [e["path"] for e in body["errors"]] == ["decision"]


def test_explain_with_the_case_shows_the_duty_the_roles_own_record_raises(
    base_url: str, keys: tuple[Path, dict[str, str]], registry: PolicyRegistry
) -> None:
    """Example 3's threat was recorded by the class teacher: /v1/evaluate shows the teacher the
    report it owes. /v1/explain says the same given the case, and without it only what the
    Decision alone lets the teacher see."""
    key = keys[1]["teacher"]
    case = example("03-parauga")
    evaluated = _post(base_url, "/v1/evaluate", key, {"case": case, "explain": True, "lang": "en"})
    assert evaluated.status_code == 200
    assert "report_threat" in {o["action"] for o in evaluated.json()["decision"]["obligations"]}
    decision = json.loads(_whole(registry, case).model_dump_json())
    with_case = _post(
        base_url, "/v1/explain", key, {"decision": decision, "case": case, "lang": "en"}
    )
    alone = _post(base_url, "/v1/explain", key, {"decision": decision, "lang": "en"})
    assert with_case.json()["text"] == evaluated.json()["explanation"]
    assert alone.json()["text"] != evaluated.json()["explanation"]
    assert "No obligations." in alone.json()["text"]


# -- D: referral_id is for the referral's recipient ------------------------------------------


def test_referral_id_from_a_key_that_does_not_receive_the_referral_is_422(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    case = example("03-parauga")  # R-0003-1 goes to the orphan's court
    assert case["referrals"][0]["referred_to"]["institution"] == "orphans_court"
    asked = {"case": case, "referral_id": "R-0003-1"}
    for key_id in ("teacher", "social-service"):
        response = _post(base_url, "/v1/evaluate", keys[1][key_id], asked)
        body = _problem(response, 422, "invalid")
        assert [e["path"] for e in body["errors"]] == ["referral_id"]
    # without it, the class teacher's own view keeps the report it owes
    own = _post(base_url, "/v1/evaluate", keys[1]["teacher"], {"case": case})
    assert "report_threat" in {o["action"] for o in own.json()["decision"]["obligations"]}


# -- E: media types, query values, slashes, methods -------------------------------------------


@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/explain"])
@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
def test_a_json_body_not_sent_as_json_is_415(
    base_url: str, national: dict[str, str], path: str, content_type: str | None
) -> None:
    headers = dict(national) if content_type is None else {**national, "Content-Type": content_type}
    body = json.dumps({"case": example("01-bauska")}).encode()
    response = httpx.post(f"{base_url}{path}", content=body, headers=headers)
    if content_type is None:  # httpx sends no type of its own for bytes
        assert "content-type" not in response.request.headers
    detail = _problem(response, 415, "unsupported-media-type")["detail"]
    assert "Content-Type: application/json" in detail


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/json; charset=UTF-8"]
)
def test_json_with_or_without_a_utf8_charset_is_read(
    base_url: str, national: dict[str, str], content_type: str
) -> None:
    body = json.dumps({"case": example("01-bauska")})
    response = httpx.post(
        f"{base_url}/v1/evaluate", content=body, headers={**national, "Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


#: The types a batch is taken as: NDJSON's and the one jsonlines.org suggests for JSON Lines.
LINES_TYPES = ("application/x-ndjson", "application/jsonl")


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/json",  # one JSON document (an array of cases?), not one case per line
        "application/json-seq",  # RFC 7464: each record after an RS character, not lines
        "application/x-www-form-urlencoded",  # what curl --data-binary sends without -H
        "application/x-ndjson; charset=latin-1",
        "application/jsonl; charset=utf-16",
        "application/x-ndjsonl",
    ],
)
def test_a_batch_not_sent_as_json_lines_is_415(
    base_url: str, national: dict[str, str], content_type: str | None
) -> None:
    headers = dict(national) if content_type is None else {**national, "Content-Type": content_type}
    body = (json.dumps(example("01-bauska")) + "\n").encode()
    response = httpx.post(f"{base_url}/v1/batch", content=body, headers=headers)
    if content_type is None:  # httpx sends no type of its own for bytes
        assert "content-type" not in response.request.headers
    detail = _problem(response, 415, "unsupported-media-type")["detail"]
    assert "Content-Type: application/x-ndjson or application/jsonl" in detail
    assert "utf-8" in detail


def test_an_empty_batch_needs_its_type_too(base_url: str, national: dict[str, str]) -> None:
    """One rule whatever the body's length: a client that forgot the header learns it from its
    first request, not from its first batch with a line in it."""
    _problem(httpx.post(f"{base_url}/v1/batch", headers=national), 415, "unsupported-media-type")
    sent = httpx.post(
        f"{base_url}/v1/batch", content=b"", headers={**national, "Content-Type": LINES_TYPES[1]}
    )
    assert (sent.status_code, sent.text) == (200, "")


@pytest.mark.parametrize(
    "content_type",
    [
        *LINES_TYPES,
        "Application/X-NDJSON",
        "application/x-ndjson; charset=utf-8",
        "application/jsonl;charset=UTF-8",
        'application/jsonl; charset="utf-8"',
        "application/x-ndjson; charset=utf8",
    ],
)
def test_a_batch_sent_as_json_lines_with_or_without_a_utf8_charset_is_read(
    base_url: str, national: dict[str, str], content_type: str
) -> None:
    body = json.dumps(example("01-bauska")) + "\n"
    response = httpx.post(
        f"{base_url}/v1/batch", content=body, headers={**national, "Content-Type": content_type}
    )
    assert response.status_code == 200, response.text
    (record,) = [json.loads(line) for line in response.text.splitlines()]
    assert record["learner_id"] == "L-0001"


def test_the_types_a_batch_takes_are_documented() -> None:
    """The OpenAPI document, the reference and the how-to name each type a batch is taken as,
    and its 415."""
    openapi = json.loads((ROOT / "schemas/openapi.json").read_text(encoding="utf-8"))
    batch = openapi["paths"]["/v1/batch"]["post"]
    assert set(batch["requestBody"]["content"]) == set(LINES_TYPES)
    assert batch["requestBody"]["required"] is True
    assert "415" in batch["responses"]
    for doc in ("docs/how-to/call-over-http.md", "docs/reference/http-api.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        for media_type in LINES_TYPES:
            assert f"`{media_type}`" in text, (doc, media_type)


@pytest.mark.parametrize("value", ["yes", "on", "1", "True", "0", ""])
def test_a_boolean_query_parameter_is_true_or_false_only(
    base_url: str, national: dict[str, str], value: str
) -> None:
    response = httpx.post(
        f"{base_url}/v1/batch?trace={value}",
        content=b"",
        headers={**national, "Content-Type": "application/x-ndjson"},
    )
    body = _problem(response, 422, "invalid")
    assert body["errors"] == [
        {
            "path": "query.trace",
            "message": "must be true or false",
            "kind": "bool_parsing",
            "values": {},
        }
    ]
    for good in ("true", "false"):
        ok = httpx.post(
            f"{base_url}/v1/batch?trace={good}",
            content=b"",
            headers={**national, "Content-Type": "application/x-ndjson"},
        )
        assert ok.status_code == 200


def test_a_trailing_slash_is_not_redirected(base_url: str, national: dict[str, str]) -> None:
    response = httpx.post(
        f"{base_url}/v1/evaluate/",
        json={"case": example("01-bauska")},
        headers=national,
        follow_redirects=False,
    )
    body = _problem(response, 404, "not-found")
    assert "location" not in response.headers
    assert "/openapi.json" in body["detail"]


def test_a_wrong_method_is_a_documented_problem(base_url: str) -> None:
    response = httpx.get(f"{base_url}/v1/evaluate")
    _problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


def test_every_problem_type_is_documented() -> None:
    """Each status the service answers with a problem has its type in the OpenAPI document's
    list and in the error tables of the how-to and of the reference."""
    assert {slug for slug, _ in _TITLES.values()} == set(PROBLEM_TYPES)
    openapi = json.loads((ROOT / "schemas/openapi.json").read_text(encoding="utf-8"))
    listed = openapi["components"]["schemas"]["Problem"]["properties"]["type"]["description"]
    how_to = (ROOT / "docs/how-to/call-over-http.md").read_text(encoding="utf-8")
    reference = (ROOT / "docs/reference/http-api.md").read_text(encoding="utf-8")
    for status, (slug, _) in _TITLES.items():
        assert slug in listed
        assert re.search(rf"^\| {status} \| `{slug}` \|", how_to, re.MULTILINE), slug
        assert f"`{slug}`" in reference, slug


# -- F: messages that fit HTTP ----------------------------------------------------------------


def test_a_batch_line_without_a_date_asks_for_the_query_parameter(
    base_url: str, national: dict[str, str]
) -> None:
    case = example("01-bauska")
    case["observations"] = []
    response = httpx.post(
        f"{base_url}/v1/batch",
        content=json.dumps(case),
        headers={**national, "Content-Type": "application/x-ndjson"},
    )
    (record,) = [json.loads(line) for line in response.text.splitlines()]
    assert record["type"] == "NoEvaluationDate"
    assert record["error"].endswith("give one (as_of)")


def _note_lines(text: str) -> list[str]:
    """The lines of the Notes section of an explanation in English."""
    lines = text.splitlines()
    if "Notes" not in lines:
        return []
    start = lines.index("Notes") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def test_the_explanation_of_a_view_keeps_the_notes_words(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    """A view leaves a note's detail out; its text still names the school year of a term by
    convention and the municipality without a policy, both shown by the view itself."""
    bauska = example("01-bauska")
    day = next(  # a first of September whose school year the calendar has no data for
        day
        for day in (date(year, 9, 1) for year in range(2026, 2060))
        if any(n.code == "term_by_convention" for n in _whole(registry, bauska, day).notes)
    )
    said = {}
    for name, case, on in (("bauska", bauska, day), ("ogre", example("09-ogre"), None)):
        whole = _whole(registry, case, on)
        codes = registry.policy_set(whole.policy.municipality).codes
        asked: dict[str, Any] = {"case": case, "explain": True, "lang": "en"}
        if on is not None:
            asked["as_of"] = on.isoformat()
        response = httpx.post(f"{base_url}/v1/evaluate", json=asked, headers=national)
        assert response.status_code == 200
        said[name] = _note_lines(response.json()["explanation"])
        assert said[name] == _note_lines(explain(whole, "en", codes))
    assert any(f"school year {term_of(day)[0]}:" in line for line in said["bauska"])
    assert any("No municipal policy was found for ogre" in line for line in said["ogre"])
    assert not any(" -:" in line for line in said["bauska"] + said["ogre"])


# -- G: each failing field says its kind and values, as the library's FieldError -------------


def test_a_field_error_carries_the_constraint_and_never_the_value(
    base_url: str, national: dict[str, str]
) -> None:
    """A free-text note (sensitive) over its length: the problem says the kind and the limit,
    as the library's FieldError does, and not one word of the note."""
    from atbalsts.model._base import TEXT_MAX  # the length of a free-text note

    case = example("10-parauga")
    secret = "Tēvs dzer; Anna baidās iet mājās. "
    case["actions"][0]["note"] = secret * (TEXT_MAX // len(secret) + 1)
    response = httpx.post(f"{base_url}/v1/evaluate", json={"case": case}, headers=national)
    body = _problem(response, 422, "invalid")
    (row,) = [e for e in body["errors"] if e["path"] == "case.actions[0].note"]
    assert row["kind"] == "string_too_long"
    assert row["values"] == {"max_length": str(TEXT_MAX)}
    assert str(TEXT_MAX) in row["message"]  # the message is the library's, as before
    for word in ("Tēvs", "Anna", "baidās", "dzer", "mājās"):
        assert word not in response.text
        assert word.encode("unicode_escape").decode() not in response.text


def test_every_row_is_the_library_field_error_under_its_place(
    base_url: str, national: dict[str, str]
) -> None:
    """The rows of an invalid case are the library's, path, message, kind and values, with
    `case.` before each path (the case is in the envelope)."""
    from atbalsts import DocumentError, parse_python
    from atbalsts.model import SupportCase

    case = example("01-bauska")
    case["learner"]["enrolment"]["grade"] = 13
    case["learner"]["id"] = "no spaces allowed"
    case["observations"][0]["term"]["semester"] = 3
    with pytest.raises(DocumentError) as raised:
        parse_python(SupportCase, case)
    expected = [
        {"path": f"case.{e.path}", "message": e.message, "kind": e.kind, "values": dict(e.values)}
        for e in raised.value.errors
    ]
    response = httpx.post(f"{base_url}/v1/evaluate", json={"case": case}, headers=national)
    assert _problem(response, 422, "invalid")["errors"] == expected
    assert any(row["values"] for row in expected)  # a constraint is said (the grade's range)


def test_a_malformed_body_says_where_the_json_stops(
    base_url: str, national: dict[str, str]
) -> None:
    response = httpx.post(
        f"{base_url}/v1/evaluate",
        content=b'{"case": {\n  "learner": [',
        headers={**national, **JSON},
    )
    (row,) = _problem(response, 422, "invalid")["errors"]
    assert (row["path"], row["kind"]) == ("(document)", "json_invalid")
    assert set(row["values"]) == {"line", "column"}


def test_a_query_value_says_its_constraint_never_the_value(
    base_url: str, national: dict[str, str]
) -> None:
    long = "anna-berzina-" * 6  # over the 64 characters of a municipality slug
    response = httpx.get(f"{base_url}/v1/rules", params={"municipality": long}, headers=national)
    (row,) = _problem(response, 422, "invalid")["errors"]
    assert row["path"] == "query.municipality"
    assert (row["kind"], row["values"]) == ("string_too_long", {"max_length": "64"})
    assert "anna" not in response.text


def test_the_services_own_rows_say_their_kind(
    base_url: str, keys: tuple[Path, dict[str, str]], registry: PolicyRegistry
) -> None:
    """Rows the service makes itself (not the library's validation) carry a kind too, each one
    the reference lists, and values that say nothing of the input."""
    national, teacher, bauska = (keys[1][k] for k in ("national", "teacher", "bauska"))
    dateless = example("01-bauska")
    dateless["observations"] = []
    threat_case = example("03-parauga")
    parauga = json.loads(_whole(registry, example("02-parauga")).model_dump_json())
    viewed = _post(base_url, "/v1/evaluate", teacher, {"case": example("06-parauga")})
    asked = [
        (national, "/v1/evaluate", {"case": dateless}, "as_of", "missing", {}),
        (
            national,
            "/v1/evaluate",
            {"case": threat_case, "referral_id": "R-NONE"},
            "referral_id",
            "unknown_referral",
            {},
        ),
        (
            teacher,
            "/v1/evaluate",
            {"case": threat_case, "referral_id": "R-0003-1"},
            "referral_id",
            "not_recipient",
            {"role": "class_teacher"},
        ),
        (
            teacher,
            "/v1/explain",
            {"decision": viewed.json()["decision"]},
            "decision",
            "not_a_decision",
            {},
        ),
        (bauska, "/v1/explain", {"decision": parauga}, "case", "missing", {}),
        (
            bauska,
            "/v1/explain",
            {"decision": parauga, "case": example("01-bauska")},
            "case.learner.id",
            "other_learner",
            {},
        ),
    ]
    reference = (ROOT / "docs/reference/http-api.md").read_text(encoding="utf-8")
    for key, path, body, field, kind, values in asked:
        (row,) = _problem(_post(base_url, path, key, body), 422, "invalid")["errors"]
        assert (row["path"], row["kind"], row["values"]) == (field, kind, values)
        assert f"`{kind}`" in reference, kind
    query = [
        ("asof=2025-01-01", "query.asof", "extra_forbidden"),
        ("as_of=2025-01-01&as_of=2025-01-02", "query.as_of", "duplicate"),
    ]
    for asked_query, field, kind in query:
        response = httpx.get(f"{base_url}/v1/rules?{asked_query}", headers=bearer(national))
        (row,) = _problem(response, 422, "invalid")["errors"]
        assert (row["path"], row["kind"], row["values"]) == (field, kind, {})
        assert f"`{kind}`" in reference, kind
