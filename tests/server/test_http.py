"""The service over a real socket: answers equal the library's, keys and scopes, limits, ids."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from atbalsts import (  # noqa: E402
    Decision,
    PolicyRegistry,
    SupportCase,
    explain,
    json_schema,
    parse_python,
)
from atbalsts.privacy import schema_names, view_decision, view_schema  # noqa: E402
from atbalsts.schema import DOCUMENTS  # noqa: E402
from atbalsts.server import JsonFormatter, Limits, ViewContext, create_app  # noqa: E402

from .conftest import LiveServer, bearer, example  # noqa: E402

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == f"https://atbalsts.invalid/problems/{kind}"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_health_and_version_need_no_key(base_url: str, registry: PolicyRegistry) -> None:
    health = httpx.get(f"{base_url}/health")
    assert health.status_code == 200
    expected = {"status": "ok", "policies": len(registry.policies), "failures": 0}
    assert health.json() == expected
    info = httpx.get(f"{base_url}/version").json()
    assert info["api"] == "1.0.0"
    assert info["schema_version"] == "1.0"
    assert [p["name"] for p in info["plugins"]] == [p.name for p in registry.policies]


def _library_decision(registry: PolicyRegistry, case: dict[str, Any], on: date) -> Decision:
    return registry.evaluate(parse_python(SupportCase, case), on)


def test_evaluate_gives_the_library_decision_as_the_role_sees_it(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    case = example("01-bauska")
    asked = {"case": case, "as_of": "2025-03-14"}
    response = httpx.post(f"{base_url}/v1/evaluate", json=asked, headers=national)
    assert response.status_code == 200, response.text
    decision = _library_decision(registry, case, date(2025, 3, 14))
    expected = view_decision(
        decision,
        role="municipal_coordinator",
        case=parse_python(SupportCase, case),
        on=date(2025, 3, 14),
    )
    assert response.json()["decision"] == expected
    assert expected["view"] == {
        "role": "municipal_coordinator",
        "document": "decision",
        "referral_id": None,
    }
    assert decision.findings  # a municipal coordinator sees no risk findings
    assert "findings" not in expected


def test_an_unredacted_service_gives_the_library_decision(
    unredacted_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    case = example("01-bauska")
    asked = {"case": case, "as_of": "2025-03-14", "explain": True, "lang": "en"}
    response = httpx.post(f"{unredacted_url}/v1/evaluate", json=asked, headers=national)
    assert response.status_code == 200, response.text
    body = response.json()
    decision = _library_decision(registry, case, date(2025, 3, 14))
    assert body["decision"] == json.loads(decision.model_dump_json())
    codes = registry.policy_set("bauska").codes
    assert body["explanation"] == explain(decision, "en", codes)


def test_evaluate_leaves_the_trace_out_when_asked(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    pedagogue = bearer(keys[1]["pedagogue"])  # a role that sees the trace
    case = example("01-bauska")
    asked = {"case": case, "as_of": "2025-03-14", "explain": True}
    whole = httpx.post(f"{base_url}/v1/evaluate", json=asked, headers=pedagogue)
    lean = httpx.post(f"{base_url}/v1/evaluate", json={**asked, "trace": False}, headers=pedagogue)
    assert whole.status_code == lean.status_code == 200, lean.text
    with_trace, without = whole.json(), lean.json()
    assert with_trace["decision"]["trace"]  # the role sees the trace when it is asked for
    assert "trace" not in without["decision"]
    assert without["decision"] == {k: v for k, v in with_trace["decision"].items() if k != "trace"}
    assert without["explanation"] == with_trace["explanation"]
    assert len(lean.content) < len(whole.content)


def test_an_unredacted_decision_without_its_trace_is_still_a_decision(
    unredacted_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    case = example("01-bauska")
    asked = {"case": case, "as_of": "2025-03-14", "trace": False}
    response = httpx.post(f"{unredacted_url}/v1/evaluate", json=asked, headers=national)
    assert response.status_code == 200, response.text
    decision = _library_decision(registry, case, date(2025, 3, 14))
    assert decision.trace
    expected = json.loads(decision.model_copy(update={"trace": ()}).model_dump_json())
    assert response.json()["decision"] == expected
    Decision.model_validate_json(json.dumps(response.json()["decision"]))


def test_trace_is_a_boolean(base_url: str, national: dict[str, str]) -> None:
    asked = {"case": example("01-bauska"), "trace": "false"}
    response = httpx.post(f"{base_url}/v1/evaluate", json=asked, headers=national)
    problem = _problem(response, 422, "invalid")
    assert [(row["path"], row["kind"]) for row in problem["errors"]] == [("trace", "bool_type")]


def test_evaluate_defaults_to_the_latest_observation(
    base_url: str, national: dict[str, str]
) -> None:
    response = httpx.post(
        f"{base_url}/v1/evaluate", json={"case": example("01-bauska")}, headers=national
    )
    assert response.status_code == 200
    assert response.json()["decision"]["as_of"] == "2025-03-14"
    assert response.json()["explanation"] is None


def test_evaluate_under_another_municipality(base_url: str, national: dict[str, str]) -> None:
    asked = {"case": example("01-bauska"), "municipality": "parauga"}
    response = httpx.post(f"{base_url}/v1/evaluate", json=asked, headers=national)
    assert response.json()["decision"]["policy"]["municipality"] == "parauga"


def test_a_municipality_without_a_policy_is_noted(base_url: str, national: dict[str, str]) -> None:
    response = httpx.post(
        f"{base_url}/v1/evaluate", json={"case": example("09-ogre")}, headers=national
    )
    notes = response.json()["decision"]["notes"]
    # the note's detail says which municipality has no policy: every role that sees it, reads it
    assert {"code": "no_municipal_policy", "detail": {"municipality": "ogre"}} in notes


def test_evaluate_without_a_date_to_take(base_url: str, national: dict[str, str]) -> None:
    case = example("01-bauska")
    case["observations"] = []
    response = httpx.post(f"{base_url}/v1/evaluate", json={"case": case}, headers=national)
    body = _problem(response, 422, "invalid")
    assert [e["path"] for e in body["errors"]] == ["as_of"]


def test_invalid_body_names_every_field_without_echoing_values(
    base_url: str, national: dict[str, str]
) -> None:
    case = example("01-bauska")
    case["learner"]["id"] = "no spaces allowed"
    case["learner"]["enrolment"]["grade"] = 13
    response = httpx.post(
        f"{base_url}/v1/evaluate", json={"case": case, "lang": "de"}, headers=national
    )
    body = _problem(response, 422, "invalid")
    paths = {e["path"] for e in body["errors"]}
    assert {"case.learner.id", "case.learner.enrolment.grade", "lang"} <= paths
    assert "no spaces allowed" not in response.text


def test_not_json_is_422(base_url: str, national: dict[str, str]) -> None:
    response = httpx.post(f"{base_url}/v1/evaluate", content=b"{nope", headers={**national, **JSON})
    _problem(response, 422, "invalid")


def test_explain_renders_a_decision(
    unredacted_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    case = parse_python(SupportCase, example("02-parauga"))
    decision = registry.evaluate(case, date(2025, 10, 7))
    asked = {"decision": json.loads(decision.model_dump_json()), "lang": "lv"}
    response = httpx.post(f"{unredacted_url}/v1/explain", json=asked, headers=national)
    assert response.status_code == 200
    codes = registry.policy_set("parauga").codes
    assert response.json() == {"lang": "lv", "text": explain(decision, "lv", codes)}


def test_rules_are_those_in_force(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    query = {"municipality": "bauska", "as_of": "2025-01-01"}
    body = httpx.get(f"{base_url}/v1/rules", params=query, headers=national).json()
    expected = registry.policy_set("bauska").rules_in_force(date(2025, 1, 1))
    assert [(r["id"], r["plugin"]) for r in body["rules"]] == [(r.id, p) for r, p in expected]
    # a verdict rule says which measures it may decide, as the view of a decision reads them
    assert [r["measures"] for r in body["rules"]] == [
        list(r.measures) if r.measures is not None else None for r, _ in expected
    ]
    assert any(r["measures"] for r in body["rules"])
    assert body["municipality"] == "bauska"
    everything = httpx.get(f"{base_url}/v1/rules", headers=national).json()
    assert len(everything["rules"]) == len(registry.policy_set(None).rules_in_force())


def test_rules_of_a_municipality_without_a_policy_are_noted(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    # a misspelt municipality gets the national rules, legitimately, but never without a word
    for query in ({"municipality": "bauksa"}, {"municipality": "bauksa", "as_of": "2025-01-01"}):
        body = httpx.get(f"{base_url}/v1/rules", params=query, headers=national).json()
        assert body["notes"] == [
            {
                "code": "no_municipal_policy",
                "detail": {"municipality": "bauksa", "closest": "bauska"},
            }
        ]
        expected = registry.policy_set(None).rules_in_force(
            date(2025, 1, 1) if "as_of" in query else None
        )
        assert [r["id"] for r in body["rules"]] == [r.id for r, _ in expected]
    far = httpx.get(f"{base_url}/v1/rules?municipality=ogre", headers=national).json()
    assert far["notes"] == [{"code": "no_municipal_policy", "detail": {"municipality": "ogre"}}]
    # a municipality with a policy, and the national rules asked for as such, have no note
    for query in (
        {"municipality": "bauska"},
        {"municipality": "bauska", "as_of": "2025-01-01"},
        {},
    ):
        body = httpx.get(f"{base_url}/v1/rules", params=query, headers=national).json()
        assert body["notes"] == []
    # a policy not yet in force on the date asked for is noted that day, not over all dates
    early = {"municipality": "parauga", "as_of": "2020-01-01"}
    body = httpx.get(f"{base_url}/v1/rules", params=early, headers=national).json()
    assert [n["code"] for n in body["notes"]] == ["no_municipal_policy"]
    body = httpx.get(f"{base_url}/v1/rules?municipality=parauga", headers=national).json()
    assert body["notes"] == []


def test_invalid_query_is_422_naming_it(base_url: str, national: dict[str, str]) -> None:
    response = httpx.get(f"{base_url}/v1/rules?as_of=2025-02-30", headers=national)
    body = _problem(response, 422, "invalid")
    assert [e["path"] for e in body["errors"]] == ["query.as_of"]


def test_policies(base_url: str, national: dict[str, str], registry: PolicyRegistry) -> None:
    body = httpx.get(f"{base_url}/v1/policies", headers=national).json()
    assert [p["name"] for p in body["policies"]] == [p.name for p in registry.policies]
    assert body["failures"] == []


def test_schemas_are_the_library_schemas(base_url: str, national: dict[str, str]) -> None:
    listed = httpx.get(f"{base_url}/v1/schemas", headers=national).json()["schemas"]
    assert [s["name"] for s in listed] == [*sorted(DOCUMENTS), *schema_names()]
    for link in listed:
        response = httpx.get(base_url + link["href"], headers=national)
        if link["name"] in DOCUMENTS:
            assert response.json() == json_schema(link["name"])
        else:  # a role's view, as committed under schemas/views/
            assert response.json() == view_schema(link["name"])
    _problem(httpx.get(f"{base_url}/v1/schemas/nope", headers=national), 404, "not-found")


def test_an_unknown_schema_name_is_not_repeated_unless_close_to_a_known_one(
    base_url: str, national: dict[str, str]
) -> None:
    far = _problem(
        httpx.get(f"{base_url}/v1/schemas/SECRETNAME", headers=national), 404, "not-found"
    )
    assert "SECRETNAME" not in far["detail"]
    assert "/v1/schemas" in far["detail"]  # where every name, the views' too, is listed
    # a misspelt name is named, with the known name it is close to (a document's or a view's)
    for asked, meant in [
        ("suport-case", "support-case"),
        ("decision.class_techer", "decision.class_teacher"),
    ]:
        near = _problem(
            httpx.get(f"{base_url}/v1/schemas/{asked}", headers=national), 404, "not-found"
        )
        assert f"'{asked}'" in near["detail"]
        assert f"'{meant}'" in near["detail"]
    # a name too long is a 422 naming the path parameter, never repeating it
    long = "x" * 65
    body = _problem(httpx.get(f"{base_url}/v1/schemas/{long}", headers=national), 422, "invalid")
    assert [e["path"] for e in body["errors"]] == ["path.name"]
    assert long not in json.dumps(body)


# -- keys and scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/policies", "/v1/schemas", "/v1/rules"])
def test_no_key_is_401(base_url: str, path: str) -> None:
    response = httpx.get(base_url + path)
    _problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "atb_national_wrong",
        "not-a-key",
        "atb_nobody_x",
        "atb__x",
    ],
)
def test_a_wrong_key_is_401(base_url: str, key: str, keys: tuple[Path, dict[str, str]]) -> None:
    response = httpx.get(f"{base_url}/v1/policies", headers=bearer(key) if key else {})
    _problem(response, 401, "unauthorized")


def test_a_key_of_one_school_gets_403_for_another_school(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    school = bearer(keys[1]["school"])  # scope: school SCH-BAUSKA-01
    own = httpx.post(f"{base_url}/v1/evaluate", json={"case": example("01-bauska")}, headers=school)
    assert own.status_code == 200
    other = example("07-bauska")  # Bauska too, another school
    response = httpx.post(f"{base_url}/v1/evaluate", json={"case": other}, headers=school)
    body = _problem(response, 403, "forbidden")
    assert "school_id" in body["detail"]
    assert "PII-BAUSKA-02" not in response.text


def test_a_municipal_key_sees_its_municipality_only(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    bauska = bearer(keys[1]["bauska"])
    for name in ("01-bauska", "07-bauska"):
        ok = httpx.post(f"{base_url}/v1/evaluate", json={"case": example(name)}, headers=bauska)
        assert ok.status_code == 200
    response = httpx.post(
        f"{base_url}/v1/evaluate", json={"case": example("02-parauga")}, headers=bauska
    )
    _problem(response, 403, "forbidden")


# -- limits ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_url(registry: PolicyRegistry, keys: tuple[Path, dict[str, str]]) -> Any:
    limits = Limits(max_body_bytes=2000, max_batch_lines=3, max_batch_bytes=20_000)
    with LiveServer(create_app(registry, keys[0], limits)) as url:
        yield url


def test_a_body_over_the_limit_is_413(small_url: str, national: dict[str, str]) -> None:
    big = {"case": example("08-ogre")}
    assert len(json.dumps(big)) > 2000
    response = httpx.post(f"{small_url}/v1/evaluate", json=big, headers=national)
    body = _problem(response, 413, "too-large")
    assert "2000" in body["detail"]


def test_a_chunked_body_over_the_limit_is_413(small_url: str, national: dict[str, str]) -> None:
    text = json.dumps({"case": example("08-ogre")}).encode()

    def chunks() -> Any:  # no Content-Length: the server counts as it reads
        for start in range(0, len(text), 500):
            yield text[start : start + 500]

    response = httpx.post(
        f"{small_url}/v1/evaluate", content=chunks(), headers={**national, **JSON}
    )
    _problem(response, 413, "too-large")


def test_a_body_under_the_limit_passes(small_url: str, national: dict[str, str]) -> None:
    response = httpx.post(
        f"{small_url}/v1/evaluate", json={"case": example("02-parauga")}, headers=national
    )
    assert response.status_code == 200


# -- request ids -------------------------------------------------------------------------------


def test_request_id_is_echoed_or_made(base_url: str) -> None:
    echoed = httpx.get(f"{base_url}/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    made = httpx.get(f"{base_url}/health").headers["x-request-id"]
    other = httpx.get(f"{base_url}/health").headers["x-request-id"]
    assert made != other
    assert len(made) == 32
    # an id that could forge a log line is replaced
    forged = httpx.get(f"{base_url}/health", headers={"X-Request-ID": 'x"}\\n{"level'})
    assert forged.headers["x-request-id"] != 'x"}\\n{"level'


def test_unknown_path_is_a_problem_document(base_url: str) -> None:
    _problem(httpx.get(f"{base_url}/v2/nothing"), 404, "not-found")
    _problem(httpx.get(f"{base_url}/v1/evaluate"), 405, "method-not-allowed")


def test_an_unknown_query_parameter_is_422(base_url: str, national: dict[str, str]) -> None:
    response = httpx.get(f"{base_url}/v1/rules?asof=2025-01-01", headers=national)
    body = _problem(response, 422, "invalid")
    assert body["errors"] == [
        {
            "path": "query.asof",
            "message": "unknown parameter",
            "kind": "extra_forbidden",
            "values": {},
        }
    ]


def test_a_query_parameter_given_twice_is_422(base_url: str, national: dict[str, str]) -> None:
    """Each parameter takes one value: the service never picks one of two dates silently."""
    twice = "as_of=2024-01-01&as_of=2025-03-14"
    response = httpx.get(f"{base_url}/v1/rules?{twice}&asof=1", headers=national)
    body = _problem(response, 422, "invalid")
    assert body["errors"] == [
        {
            "path": "query.asof",
            "message": "unknown parameter",
            "kind": "extra_forbidden",
            "values": {},
        },
        {
            "path": "query.as_of",
            "message": "given more than once",
            "kind": "duplicate",
            "values": {},
        },
    ]
    assert "1 unknown and 1 repeated" in body["detail"]
    once = httpx.get(f"{base_url}/v1/rules?as_of=2025-03-14", headers=national)
    assert once.status_code == 200


# -- the view hook and the safety net ----------------------------------------------------------


def test_every_decision_passes_through_the_view_hook(
    registry: PolicyRegistry, keys: tuple[Path, dict[str, str]], national: dict[str, str]
) -> None:
    seen: list[tuple[str, str, str | None, date]] = []

    def no_findings(decision: Decision, context: ViewContext) -> Decision:
        learner = context.case.learner.id if context.case is not None else None
        seen.append((context.principal.key_id, context.principal.role, learner, context.on))
        return decision.model_copy(update={"findings": ()})

    line = json.dumps(example("01-bauska"))
    with LiveServer(create_app(registry, keys[0], view=no_findings)) as url:
        response = httpx.post(
            f"{url}/v1/evaluate", json={"case": example("01-bauska")}, headers=national
        )
        batch = httpx.post(
            f"{url}/v1/batch",
            content=line,
            headers={**national, "Content-Type": "application/x-ndjson"},
        )
    assert response.json()["decision"]["findings"] == []
    assert json.loads(batch.text)["findings"] == []
    assert seen == [("national", "municipal_coordinator", "L-0001", date(2025, 3, 14))] * 2


def test_an_unexpected_error_is_a_500_whose_log_holds_no_message(
    registry: PolicyRegistry,
    keys: tuple[Path, dict[str, str]],
    national: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(decision: Decision, context: ViewContext) -> Decision:
        raise RuntimeError(f"cannot show {decision.learner_id}")  # a message quoting input

    caplog.set_level(logging.INFO, logger="atbalsts.server")
    with LiveServer(create_app(registry, keys[0], view=broken)) as url:
        response = httpx.post(
            f"{url}/v1/evaluate", json={"case": example("01-bauska")}, headers=national
        )
    body = _problem(response, 500, "internal")
    assert "L-0001" not in response.text
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "atbalsts.server"]
    assert not any("L-0001" in line for line in lines)
    errors = [json.loads(line) for line in lines if '"error_type"' in line]
    assert [e["error_type"] for e in errors] == ["RuntimeError"]
    assert errors[0]["request_id"] == body["request_id"]
    assert "broken" in errors[0]["stack"]


def test_unknown_names_hidden_in_one_row_are_still_counted(
    base_url: str, national: dict[str, str]
) -> None:
    """Three names that may be a personal code or a name share one hidden row, and the summary
    counts three, not one."""
    response = httpx.get(f"{base_url}/v1/rules?120101-12345=1&Anna=2&Berzina=3", headers=national)
    body = _problem(response, 422, "invalid")
    assert body["errors"] == [
        {
            "path": "query.(a key that is not a field name)",
            "message": "unknown parameter",
            "kind": "extra_forbidden",
            "values": {},
        }
    ]
    assert "3 unknown query parameter(s)" in body["detail"]
    assert not any(name in json.dumps(body) for name in ("120101-12345", "Anna", "Berzina"))
