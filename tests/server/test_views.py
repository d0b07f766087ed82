"""Redacted by default: every Decision leaves the service as the key's role may see it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from atbalsts import PolicyRegistry  # noqa: E402
from atbalsts._explain import fact_in_words  # noqa: E402
from atbalsts.batch import latest_observation  # noqa: E402
from atbalsts.codes import RISK_FACTORS  # noqa: E402
from atbalsts.model import Decision, SupportCase  # noqa: E402
from atbalsts.privacy import ViewRole, view_decision  # noqa: E402
from atbalsts.server import (  # noqa: E402
    KeyFileError,
    ViewContext,
    create_app,
    new_key,
    role_view,
    serve,
    unredacted,
)
from atbalsts.server._views import as_decision  # noqa: E402
from atbalsts.testing.strategies import support_cases  # noqa: E402

from .conftest import LiveServer, bearer, example  # noqa: E402

NDJSON = {"Content-Type": "application/x-ndjson"}
#: A family finding (economic group: category family) with a family fact as its evidence.
FAMILY_FACTOR = "material_circumstances"


def _evaluate(url: str, key: str, **asked: Any) -> Any:
    response = httpx.post(f"{url}/v1/evaluate", json=asked, headers=bearer(key), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _factors(decision: dict[str, Any]) -> set[str]:
    return {finding["factor"] for finding in decision.get("findings", [])}


def _facts(node: Any) -> set[str]:
    """Every fact named as evidence anywhere in ``node`` (findings, trace rows)."""
    if isinstance(node, dict):
        found = {node["fact"]} if isinstance(node.get("fact"), str) else set()
        return found.union(*(_facts(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_facts(item) for item in node))
    return set()


def test_a_class_teacher_does_not_see_a_family_finding_a_social_pedagogue_sees(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    asked = {"case": example("06-parauga"), "explain": True, "lang": "en"}
    teacher = _evaluate(base_url, keys[1]["teacher"], **asked)
    pedagogue = _evaluate(base_url, keys[1]["pedagogue"], **asked)
    assert teacher["decision"]["view"]["role"] == "class_teacher"
    assert pedagogue["decision"]["view"]["role"] == "social_pedagogue"
    assert FAMILY_FACTOR in _factors(pedagogue["decision"])
    assert FAMILY_FACTOR not in _factors(teacher["decision"])
    assert "unjustified_absences" in _factors(teacher["decision"])  # what it may see stays
    assert "needy_family" in _facts(pedagogue["decision"])
    assert "needy_family" not in _facts(teacher["decision"])
    assert "unjustified_lessons" in _facts(teacher["decision"])
    # the explanation is made of the view only, and says so
    label = RISK_FACTORS.label(FAMILY_FACTOR, "en")
    assert label in pedagogue["explanation"]
    assert label not in teacher["explanation"]
    needy = fact_in_words("needy_family", True, "en", {})  # the evidence, in words
    assert needy
    assert needy not in teacher["explanation"]  # no such evidence
    assert needy in pedagogue["explanation"]
    assert "Only what the role 'Class teacher' may see is shown" in teacher["explanation"]


def test_a_threat_report_is_shown_to_a_class_teacher_only_when_it_recorded_the_threat(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    """Example 3's threat was recorded by the class teacher: the report is the teacher's own
    duty, so the teacher sees it, but not the threat's kind or the family finding. Recorded by
    the social pedagogue, the teacher sees no report at all."""
    case = example("03-parauga")
    teacher = _evaluate(base_url, keys[1]["teacher"], case=case)["decision"]
    pedagogue = _evaluate(base_url, keys[1]["pedagogue"], case=case)["decision"]
    assert "report_threat" in {o["action"] for o in pedagogue["obligations"]}
    assert "report_threat" in {o["action"] for o in teacher["obligations"]}
    assert "violence" not in json.dumps(teacher)
    assert "unfavourable_family_environment" not in json.dumps(teacher)
    for observation in case["observations"]:
        for threat in observation.get("suspected_threats", []):
            threat["recorded_by"] = "social_pedagogue"
    teacher = _evaluate(base_url, keys[1]["teacher"], case=case)["decision"]
    assert "report_threat" not in json.dumps(teacher)


def test_the_batch_is_redacted_the_same_way(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    cases = [example("06-parauga"), example("03-parauga"), example("01-bauska")]
    body = "\n".join(json.dumps(case) for case in cases)
    for key_id, role in (("teacher", "class_teacher"), ("pedagogue", "social_pedagogue")):
        key = keys[1][key_id]
        response = httpx.post(
            f"{base_url}/v1/batch", content=body, headers={**bearer(key), **NDJSON}, timeout=60
        )
        assert response.status_code == 200
        records = [json.loads(line) for line in response.text.splitlines()]
        one_by_one = [_evaluate(base_url, key, case=case)["decision"] for case in cases]
        for decision in one_by_one:  # a batch leaves the trace out
            decision.pop("trace", None)
        assert records == one_by_one
        assert all(record["view"]["role"] == role for record in records)
        family = FAMILY_FACTOR in _factors(records[0])
        assert family is (role == "social_pedagogue")
        # the trace a role's view needs to show a measure's reasons is made, but not sent
        assert all("trace" not in record for record in records)
        needy = "parauga:needy_family_meals" in json.dumps(records[0])
        assert needy is (role == "social_pedagogue")


# -- a referral's recipient --------------------------------------------------------------------


def _referred(withdrawn_on: str | None = None) -> dict[str, Any]:
    """Example 06 (Parauga, decided on 2025-10-15) referred to the social service for social
    assistance, sharing family data, on the parent's consent."""
    case = example("06-parauga")
    learner = case["learner"]["id"]
    consent: dict[str, Any] = {
        "id": "C-SYN-1",
        "learner_id": learner,
        "grantor": "parent",
        "purpose": "Synthetic: sharing with the social service.",
        "recipients": ["social_service"],
        "given_on": "2025-09-01",
        "period": {"start": "2025-09-01", "end": "2026-06-30"},
        "purposes": ["social_assistance"],
        "data_categories": ["identity", "attendance", "family"],
    }
    if withdrawn_on is not None:
        consent |= {"status": "withdrawn", "withdrawn_on": withdrawn_on}
    case["consents"] = [consent]
    case["referrals"] = [
        {
            "id": "R-SYN-1",
            "learner_id": learner,
            "referred_by": {"institution": "school", "role": "social_pedagogue"},
            "referred_to": {"institution": "social_service"},
            "reason": "Synthetic: the family may need support.",
            "created_on": "2025-10-01",
            "status": "requested",
            "consent_id": "C-SYN-1",
            "purpose": "social_assistance",
            "data_categories": ["identity", "attendance", "family"],
        }
    ]
    return case


def test_the_recipient_of_a_referral_sees_what_it_shares_while_the_consent_is_in_force(
    base_url: str, unredacted_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    key = keys[1]["social-service"]
    own = _evaluate(base_url, key, case=_referred())["decision"]
    referred = _evaluate(base_url, key, case=_referred(), referral_id="R-SYN-1")["decision"]
    withdrawn = _evaluate(
        base_url, key, case=_referred(withdrawn_on="2025-10-10"), referral_id="R-SYN-1"
    )["decision"]
    assert own["view"] == {"role": "social_service", "document": "decision", "referral_id": None}
    assert referred["view"]["referral_id"] == "R-SYN-1"
    assert FAMILY_FACTOR not in _factors(own)
    assert FAMILY_FACTOR in _factors(referred)
    assert "needy_family" in _facts(referred)
    assert "staff_factors" not in _facts(referred)  # health: not shared
    whole = _evaluate(unredacted_url, keys[1]["national"], case=_referred())["decision"]
    assert "staff_factors" in _facts(whole)
    assert FAMILY_FACTOR not in _factors(withdrawn)  # withdrawn before the evaluation date


def test_an_unknown_referral_is_422(base_url: str, keys: tuple[Path, dict[str, str]]) -> None:
    response = httpx.post(
        f"{base_url}/v1/evaluate",
        json={"case": example("06-parauga"), "referral_id": "R-NONE"},
        headers=bearer(keys[1]["social-service"]),
    )
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["referral_id"]


# -- /v1/explain -------------------------------------------------------------------------------


def test_explain_shows_a_whole_decision_as_the_role_may_see_it(
    base_url: str, keys: tuple[Path, dict[str, str]], registry: PolicyRegistry
) -> None:
    from atbalsts import parse_python

    case = parse_python(SupportCase, example("06-parauga"))
    on = latest_observation(case)
    assert on is not None
    decision = json.loads(registry.evaluate(case, on).model_dump_json())
    label = RISK_FACTORS.label(FAMILY_FACTOR, "en")
    texts = {}
    for key_id in ("teacher", "pedagogue"):
        response = httpx.post(
            f"{base_url}/v1/explain",
            json={"decision": decision, "lang": "en"},
            headers=bearer(keys[1][key_id]),
        )
        assert response.status_code == 200
        texts[key_id] = response.json()["text"]
    assert label in texts["pedagogue"]
    assert label not in texts["teacher"]


# -- roles without a view ----------------------------------------------------------------------


def _key_file(tmp_path: Path, *keys: tuple[str, str]) -> tuple[Path, dict[str, str]]:
    issued, entries = {}, []
    for key_id, role in keys:
        issued[key_id], entry = new_key(key_id, role, "national")
        entries.append(entry)
    path = tmp_path / "keys.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path, issued


def test_a_key_whose_role_has_no_view_is_refused_when_the_app_is_built(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    path, issued = _key_file(
        tmp_path, ("register", "class_teacher"), ("subjects", "subject_teacher")
    )
    with pytest.raises(KeyFileError) as info:
        create_app(registry, path)
    message = str(info.value)
    assert "'subjects' (role 'subject_teacher')" in message
    assert "register" not in message
    assert issued["subjects"] not in message
    secret = issued["subjects"].removeprefix("atb_subjects_")  # may itself hold "_"
    assert len(secret) >= 40
    assert secret not in message
    assert "sha256" not in message
    create_app(registry, path, view=unredacted)  # a deployment that shows everything may


def test_serve_refuses_such_a_key_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _key_file(tmp_path, ("subjects", "subject_teacher"))
    monkeypatch.setenv("ATBALSTS_API_KEYS_FILE", str(path))
    with pytest.raises(KeyFileError, match="'subjects'"):
        serve("127.0.0.1", 0)


def test_a_view_that_cannot_show_a_role_gives_403(tmp_path: Path, registry: PolicyRegistry) -> None:
    path, issued = _key_file(tmp_path, ("subjects", "subject_teacher"))

    def wrapped(decision: Decision, context: ViewContext) -> dict[str, Any]:
        return role_view(decision, context)  # not the default: the keys are not checked

    with LiveServer(create_app(registry, path, view=wrapped)) as url:
        response = httpx.post(
            f"{url}/v1/evaluate",
            json={"case": example("01-bauska")},
            headers=bearer(issued["subjects"]),
        )
    assert response.status_code == 403
    assert "subject_teacher" in response.json()["detail"]
    assert "L-0001" not in response.text


def test_batch_and_explain_refuse_a_role_without_a_view_before_reading(
    tmp_path: Path, registry: PolicyRegistry
) -> None:
    from atbalsts.server import Principal, Scope, ScopeKind
    from atbalsts.server._access import check_role
    from atbalsts.server._problems import ApiError

    principal = Principal("subjects", "subject_teacher", Scope(ScopeKind.NATIONAL))
    with pytest.raises(ApiError) as info:
        check_role(principal, role_view)
    assert info.value.status == 403
    check_role(principal, unredacted)  # every role may see a whole Decision
    for role in ViewRole:
        check_role(Principal("k", role.value, Scope(ScopeKind.NATIONAL)), role_view)


# -- the explanation's Decision ----------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=support_cases(), role=st.sampled_from([r.value for r in ViewRole]))
def test_the_explained_decision_is_made_of_the_view_only(
    registry: PolicyRegistry, case: SupportCase, role: str
) -> None:
    on = latest_observation(case)
    if on is None:
        return
    decision = registry.evaluate(case, on)
    shown = view_decision(decision, role=role, case=case, on=on)
    rebuilt = as_decision(shown)
    assert rebuilt.learner_id == decision.learner_id
    # nothing in it that the view does not show: viewing it again shows a part of the view
    again = view_decision(rebuilt, role=role, case=case, on=on)
    for name, value in again.items():
        if isinstance(value, list):
            assert all(item in shown[name] for item in value), name
        elif name != "view":
            assert shown.get(name) == value, name
    assert _factors(shown) == {f.factor for f in rebuilt.findings}
