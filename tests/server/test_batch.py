"""POST /v1/batch: the records of `atbalsts batch`, each Decision as the key's role may see it,
streamed both ways, scopes and limits."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the server extra (atbalsts[server]) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (atbalsts[server]) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx (the test extra) is not installed")

from atbalsts import PolicyRegistry  # noqa: E402
from atbalsts.batch import blank_line, evaluate_lines  # noqa: E402
from atbalsts.model import Decision, SupportCase, parse_json  # noqa: E402
from atbalsts.privacy import view_decision  # noqa: E402
from atbalsts.server import Limits, create_app  # noqa: E402
from atbalsts.testing.strategies import support_cases  # noqa: E402

from .conftest import LiveServer, bearer, example, examples  # noqa: E402

AS_OF = date(2025, 11, 20)
NDJSON = {"Content-Type": "application/x-ndjson"}


def _lines(cases: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(case, ensure_ascii=False) for case in cases]


def _library(lines: list[str], registry: PolicyRegistry, **options: Any) -> list[str]:
    out = io.StringIO()
    evaluate_lines(lines, out, registry=registry, **{"as_of": AS_OF, **options})
    return [line for line in out.getvalue().split("\n") if line]  # never str.splitlines()


def _viewed(lines: list[str], registry: PolicyRegistry, role: str, **options: Any) -> list[Any]:
    """The library's records for ``lines`` with each Decision as ``role`` may see it (its
    case's view on its evaluation date, made from the decision with its trace, which says what
    the rules behind its reasons read; the trace itself left out), every other record as it is:
    an invalid line's fields named whole, whatever the role (the answer goes to the sender)."""
    out = []
    cases = [line for line in lines if not blank_line(line)]
    records = _library(lines, registry, trace=True, **options)
    for line, record in zip(cases, records, strict=True):
        data = json.loads(record)
        if "line" not in data:  # a Decision
            decision = Decision.model_validate_json(record)
            case = parse_json(SupportCase, line)
            data = view_decision(decision, role=role, case=case, on=decision.as_of)
            data.pop("trace", None)
        out.append(data)
    return out


def _json(response: Any) -> list[Any]:
    return [json.loads(line) for line in response.text.splitlines()]


def _batch(url: str, headers: dict[str, str], body: str | bytes, **query: str) -> Any:
    params = {"as_of": AS_OF.isoformat(), **query}
    return httpx.post(
        f"{url}/v1/batch", params=params, content=body, headers={**headers, **NDJSON}, timeout=60
    )


def test_batch_gives_the_records_of_atbalsts_batch_as_the_role_sees_them(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    # a line of JSON white space is blank; one of other white space is a line that is no case
    lines = [*_lines(examples()), "", "{not json", '{"learner": {}}', " \t\r", "\u00a0", " \u2028 "]
    response = _batch(base_url, national, "\n".join(lines) + "\n")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    got = [json.loads(line) for line in response.text.split("\n") if line]
    assert got == _viewed(lines, registry, "municipal_coordinator")
    assert len(got) == len(examples()) + 4  # blank lines give no record
    assert [r["line"] for r in got[-2:]] == [len(examples()) + 5, len(examples()) + 6]
    assert all(r["view"]["role"] == "municipal_coordinator" for r in got if "line" not in r)


def test_an_invalid_line_names_its_fields_as_evaluate_does_whatever_the_role(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    """One rule for both endpoints: the fields of an invalid document are named by their path
    (never their value) to the system that sent it, which holds what it sent. A class teacher's
    key is told of the suspected threat's fields, a coordinator's of the grade."""
    case = example("03-parauga")
    threat = case["observations"][0]["suspected_threats"][0]
    threat["observed_on"], threat["kind"] = "12.11.2025", "sexual_abuse"
    case["learner"]["enrolment"]["grade"] = "8"
    threat_date = "observations[0].suspected_threats[0].observed_on"
    for key_id in ("teacher", "national"):
        key = bearer(keys[1][key_id])
        (record,) = _json(_batch(base_url, key, json.dumps(case)))
        single = httpx.post(f"{base_url}/v1/evaluate", json={"case": case}, headers=key)
        assert single.status_code == 422
        # the same rows: path, message, kind and values (the library's FieldError)
        named = [{**e, "path": e["path"].removeprefix("case.")} for e in single.json()["errors"]]
        assert record["invalid"] == named
        assert {"kind", "values"} <= set(named[0])
        paths = {row["path"] for row in record["invalid"]}
        assert {threat_date, "learner.enrolment.grade"} <= paths
        assert not any("(protected)" in path for path in paths)
        assert "12.11.2025" not in json.dumps(record)


def test_an_unredacted_service_gives_the_records_byte_for_byte(
    unredacted_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    lines = [*_lines(examples()), "", "{not json", '{"learner": {}}', "   "]
    response = _batch(unredacted_url, national, "\n".join(lines) + "\n")
    assert response.status_code == 200
    assert response.text.splitlines() == _library(lines, registry)


def _component_validator(component: str) -> Any:
    """A validator of the OpenAPI component ``component``, every component a definition."""
    from jsonschema import Draft202012Validator

    from atbalsts.server import openapi_document

    text = json.dumps(openapi_document()["components"]["schemas"])
    schemas = json.loads(text.replace('"#/components/schemas/', '"#/$defs/'))
    return Draft202012Validator({**schemas[component], "$defs": schemas})


def test_an_invalid_record_is_what_the_api_document_says(
    base_url: str, national: dict[str, str]
) -> None:
    """Each row of an `invalid` record, the library's and the service's own (a line that is not
    UTF-8), is a `BatchFieldProblem`: path, message, kind and values, all four always sent."""
    from atbalsts.model._base import TEXT_MAX

    case = example("10-parauga")
    case["actions"][0]["note"] = "Anna baidās. " * (TEXT_MAX // 10)
    body = "\n".join([json.dumps(case), "{not json", '{"learner": {}}']).encode() + b"\n\xff\n"
    records = _json(_batch(base_url, national, body))
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    validator = _component_validator("BatchInvalid")
    for record in records:
        assert [e.message for e in validator.iter_errors(record)] == [], record
    (row,) = [r for r in records[0]["invalid"] if r["path"] == "actions[0].note"]
    assert (row["kind"], row["values"]) == ("string_too_long", {"max_length": str(TEXT_MAX)})
    assert "Anna" not in json.dumps(records, ensure_ascii=False)
    row = {"path": "learner.id", "message": "Field required", "kind": "missing", "values": {}}
    for key in ("kind", "values"):
        without = {k: v for k, v in row.items() if k != key}
        assert not validator.is_valid({"line": 1, "invalid": [without]}), key


def test_every_line_of_a_batch_is_a_batch_line(
    base_url: str, national: dict[str, str], keys: tuple[Path, dict[str, str]]
) -> None:
    """The schema a service batch line is validated against is the component `BatchLine`, the
    one the 200 answer of /v1/batch names: a decision (with or without its trace), an `invalid`
    record and an `error` record each fit it (and only one of its kinds)."""
    lines = [*_lines(examples()[:2]), "{not json", json.dumps(example("09-ogre"))]
    outside = _batch(base_url, bearer(keys[1]["bauska"]), "\n".join(lines))
    records = [
        *_json(_batch(base_url, national, "\n".join(lines))),
        *_json(_batch(base_url, national, "\n".join(lines), trace="true")),
        *_json(outside),
    ]
    assert {"Forbidden"} <= {r.get("type") for r in records}
    assert any("invalid" in r for r in records)
    assert any("learner_id" in r for r in records)
    validator = _component_validator("BatchLine")
    for record in records:
        assert [e.message for e in validator.iter_errors(record)] == [], record
    from atbalsts.server import openapi_document

    answer = openapi_document()["paths"]["/v1/batch"]["post"]["responses"]["200"]["content"]
    assert answer["application/x-ndjson"]["schema"] == {"$ref": "#/components/schemas/BatchLine"}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(cases=st.lists(support_cases(), min_size=1, max_size=4))
def test_any_cases_give_the_same_records_over_http(
    base_url: str, national: dict[str, str], registry: PolicyRegistry, cases: list[Any]
) -> None:
    lines = [case.model_dump_json() for case in cases]
    response = _batch(base_url, national, "\n".join(lines))
    assert response.status_code == 200
    assert _json(response) == _viewed(lines, registry, "municipal_coordinator")


def test_lines_outside_the_scope_are_refused_in_place(
    base_url: str, keys: tuple[Path, dict[str, str]], registry: PolicyRegistry
) -> None:
    cases = examples()
    lines = _lines(cases)
    response = _batch(base_url, bearer(keys[1]["school"]), "\n".join(lines))
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == len(cases)
    for number, (case, record) in enumerate(zip(cases, records, strict=True), start=1):
        if case["learner"]["enrolment"]["school_id"] == "SCH-BAUSKA-01":
            assert record["learner_id"] == case["learner"]["id"]
        else:
            assert record["type"] == "Forbidden"
            assert record["line"] == number
            assert case["learner"]["enrolment"]["school_id"] not in record["error"]
    assert sum("learner_id" in r for r in records) == 1


def _batch_logs(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [r for r in caplog.records if getattr(r, "route", "") == "/v1/batch"]


def _scoped_records(url: str, key: str, lines: list[str]) -> list[dict[str, Any]]:
    response = _batch(url, bearer(key), "\n".join(lines))
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


@pytest.mark.parametrize("url", ["base_url", "unredacted_url"])
def test_a_byte_order_mark_does_not_take_a_line_past_the_scope(
    url: str, keys: tuple[Path, dict[str, str]], request: pytest.FixtureRequest
) -> None:
    """Each line may start with a byte-order mark (the documents' reader drops one); a line
    outside the key's scope is refused whatever it starts with."""
    cases = examples()
    lines = ["\ufeff" + line for line in _lines(cases)]
    records = _scoped_records(request.getfixturevalue(url), keys[1]["school"], lines)
    inside = [
        c["learner"]["id"]
        for c in cases
        if c["learner"]["enrolment"]["school_id"] == "SCH-BAUSKA-01"
    ]
    assert [r["learner_id"] for r in records if "learner_id" in r] == inside
    assert sum(r.get("type") == "Forbidden" for r in records) == len(cases) - len(inside)


@pytest.mark.parametrize("url", ["base_url", "unredacted_url"])
def test_the_scope_holds_on_the_validated_case_whatever_the_quick_check_reads(
    url: str,
    keys: tuple[Path, dict[str, str]],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The quick check of a raw line only spares deciding what is plainly outside the scope:
    with it reading every line as inside (as it would a line its JSON reader cannot parse but
    the documents' reader can), each line outside is still refused, in its place."""
    from atbalsts.server._routes import batch as route

    monkeypatch.setattr(route, "_in_scope", lambda principal, line: True)
    cases = examples()
    with caplog.at_level(logging.INFO, logger="atbalsts.server"):
        records = _scoped_records(request.getfixturevalue(url), keys[1]["school"], _lines(cases))
        deadline = time.monotonic() + 60
        while not _batch_logs(caplog) and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(records) == len(cases)
    for number, (case, record) in enumerate(zip(cases, records, strict=True), start=1):
        if case["learner"]["enrolment"]["school_id"] == "SCH-BAUSKA-01":
            assert record["learner_id"] == case["learner"]["id"]
        else:
            assert (record["type"], record["line"]) == ("Forbidden", number)
    # the request's log counts what was sent: a refused line is no decision, and its notes
    # (a municipality outside the scope without a policy) are not counted either
    log = _batch_logs(caplog)[-1]
    decided = [r for r in records if "learner_id" in r]
    assert (log.evaluated, log.refused) == (len(decided), len(cases) - len(decided))
    assert log.without_policy == {}
    assert log.without_data == 0


def test_without_as_of_each_case_is_decided_on_its_latest_observation(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    cases = examples()
    cases[0]["observations"] = []  # nothing to take a date from: an error record
    lines = _lines(cases)
    response = httpx.post(
        f"{base_url}/v1/batch", content="\n".join(lines), headers={**national, **NDJSON}
    )
    got = _json(response)
    assert got == _viewed(lines, registry, "municipal_coordinator", as_of=None)
    assert got[0]["type"] == "NoEvaluationDate"
    assert [record["as_of"] for record in got[1:]] == [
        max(o["as_of"] for o in case["observations"]) for case in cases[1:]
    ]


def test_every_case_under_one_municipality(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    lines = _lines(examples())
    response = _batch(base_url, national, "\n".join(lines), municipality="bauska")
    got = _json(response)
    assert got == _viewed(lines, registry, "municipal_coordinator", municipality="bauska")
    assert {record["policy"]["municipality"] for record in got} == {"bauska"}


# -- streamed both ways ------------------------------------------------------------------------


class Duplex:
    """A raw HTTP/1.1 client that sends a chunked body and reads the response while sending."""

    def __init__(self, url: str, path: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Transfer-Encoding: chunked"]
        head += [f"{k}: {v}" for k, v in {**headers, **NDJSON}.items()]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        self.file = self.sock.makefile("rb")
        self.status: int | None = None
        self.pending = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def end(self) -> None:
        self.sock.sendall(b"0\r\n\r\n")

    def _head(self) -> None:
        self.status = int(self.file.readline().split()[1])
        while self.file.readline() not in (b"\r\n", b""):
            pass

    def read_lines(self, count: int) -> list[str]:
        """The next ``count`` lines of the response body."""
        if self.status is None:
            self._head()
        while self.pending.count(b"\n") < count:
            size = int(self.file.readline().strip(), 16)
            if size == 0:
                break
            self.pending += self.file.read(size)
            self.file.readline()
        *lines, self.pending = self.pending.split(b"\n", count)
        return [line.decode() for line in lines]

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture(scope="module")
def streaming(registry: PolicyRegistry, keys: tuple[Path, dict[str, str]]) -> Any:
    """The service reading no more of a batch than one chunk before it starts answering."""
    with LiveServer(create_app(registry, keys[0], Limits(batch_prefetch_bytes=1))) as url:
        yield url


def test_decisions_arrive_while_the_body_is_still_being_sent(
    streaming: str, national: dict[str, str]
) -> None:
    lines = _lines(examples())
    client = Duplex(streaming, f"/v1/batch?as_of={AS_OF}", national)
    try:
        got = []
        for number, line in enumerate(lines, start=1):
            client.send(line.encode() + b"\n")
            (record,) = client.read_lines(1)  # before the next line is even sent
            got.append(json.loads(record))
            assert got[-1].get("learner_id") or got[-1]["line"] == number
        client.end()
        assert client.status == 200
        assert client.read_lines(1) == []  # the stream ends with the input
    finally:
        client.close()
    assert [r["learner_id"] for r in got] == [c["learner"]["id"] for c in examples()]


# -- limits ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited(registry: PolicyRegistry, keys: tuple[Path, dict[str, str]]) -> Any:
    limits = Limits(
        max_body_bytes=3000, max_batch_lines=3, max_batch_bytes=50_000, batch_prefetch_bytes=2
    )
    with LiveServer(create_app(registry, keys[0], limits)) as url:
        yield url


def test_too_many_lines_at_once_is_413(limited: str, national: dict[str, str]) -> None:
    # the limit counts lines that are not blank; the line named counts blank lines too
    body = "\n\n".join(_lines(examples()[:5]))
    response = _batch(limited, national, body)
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "more than 3 lines that are not blank" in detail
    assert "line 7 and later ones were not read" in detail


def test_a_batch_over_the_byte_limit_is_413(limited: str, national: dict[str, str]) -> None:
    response = _batch(limited, national, b"\n" * 50_001)
    assert response.status_code == 413
    assert "50000" in response.json()["detail"]
    # sent in chunks, with no length to refuse it by: the 413 names the first line not read
    # (how the body arrives in chunks decides which one)
    chunked = httpx.post(
        f"{limited}/v1/batch",
        content=iter([b"\n" * 25_000, b"\n" * 25_001]),
        headers={**national, **NDJSON},
        timeout=60,
    )
    assert chunked.status_code == 413
    detail = chunked.json()["detail"]
    assert re.fullmatch(r".* 50000 bytes; line \d+ and later ones were not read", detail)


def test_too_many_lines_once_streaming_ends_with_a_record(
    limited: str, national: dict[str, str]
) -> None:
    lines = _lines([c for c in examples() if len(json.dumps(c)) < 3000][:5])
    client = Duplex(limited, f"/v1/batch?as_of={AS_OF}", national)
    try:
        for line in lines[:3]:
            client.send(line.encode() + b"\n")
            assert "learner_id" in json.loads(client.read_lines(1)[0])
        client.send(lines[3].encode() + b"\n")
        (last,) = (json.loads(line) for line in client.read_lines(1))
        assert client.status == 200
    finally:
        client.close()
    assert last["type"] == "BatchTooLong"
    assert last["line"] == 4


def test_a_long_line_and_a_line_not_utf8_get_records(
    limited: str, national: dict[str, str]
) -> None:
    small = json.dumps(examples()[1]).encode()
    long = b'{"x": "' + b"a" * 4000 + b'"}'
    response = _batch(limited, national, small + b"\n" + long + b"\n\xff\xfe\n")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert records[0]["learner_id"] == examples()[1]["learner"]["id"]
    assert records[1] == {
        "error": "the line is over 3000 bytes",
        "line": 2,
        "type": "LineTooLong",
    }
    assert records[2] == {
        "invalid": [
            {
                "kind": "not_utf8",
                "message": "the line is not UTF-8 text",
                "path": "(document)",
                "values": {},
            }
        ],
        "line": 3,
    }


def _batch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "atbalsts-batch"]


def test_a_client_gone_mid_batch_stops_its_thread(streaming: str, national: dict[str, str]) -> None:
    client = Duplex(streaming, f"/v1/batch?as_of={AS_OF}", national)
    client.send(_lines(examples())[0].encode() + b"\n")
    assert len(client.read_lines(1)) == 1
    assert _batch_threads()  # waiting for the next line
    client.close()
    deadline = time.monotonic() + 60
    while _batch_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _batch_threads()


def _raw_batch(url: str, headers: dict[str, str], body: bytes, query: str = "") -> socket.socket:
    """A connection that has sent a whole batch, with its length, and read nothing yet."""
    parts = urlsplit(url)
    conn = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80))
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, **NDJSON}.items())
    request = f"POST /v1/batch?as_of={AS_OF}{query} HTTP/1.1\r\nHost: x\r\n{head}"
    conn.sendall(f"{request}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return conn


def test_a_client_gone_after_sending_the_whole_batch_stops_its_thread(
    base_url: str, national: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line is in by the time the client leaves: the batch still stops before the next
    line instead of deciding the rest for no one."""
    from atbalsts.batch import _decide

    decided = []
    real = _decide._decide

    def slowly(*args: Any, **kwargs: Any) -> Any:  # a line takes 10 ms: the client leaves first
        decided.append(1)
        time.sleep(0.01)
        return real(*args, **kwargs)

    monkeypatch.setattr(_decide, "_decide", slowly)
    line = (_lines(examples())[0] + "\n").encode()
    lines = 150  # within the bytes read before answering: all in before the first decision
    assert len(line) * lines < Limits().batch_prefetch_bytes
    conn = _raw_batch(base_url, national, line * lines, "&trace=true")
    assert conn.recv(100).startswith(b"HTTP/1.1 200")
    conn.close()
    deadline = time.monotonic() + 60
    while _batch_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _batch_threads()
    assert len(decided) < lines


def test_the_batch_waits_while_too_much_is_unsent(monkeypatch: pytest.MonkeyPatch) -> None:
    """What waits to be sent is bounded: with more than _UNSENT_MAX characters unsent (a client
    that reads nothing), the batch's next write waits until some is sent, or the run stops."""
    import asyncio

    from atbalsts.server._routes import batch as route

    monkeypatch.setattr(route, "_UNSENT_MAX", 10)
    loop = asyncio.new_event_loop()
    try:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        stopped = threading.Event()
        out = route._Outbox(loop, queue, stopped)
        out.write("x" * 11)  # over the bound now
        second = threading.Thread(target=out.write, args=("y",), daemon=True)
        second.start()
        second.join(0.5)
        assert second.is_alive()  # waits for room
        out.sent(11)
        second.join(60)
        assert not second.is_alive()
        out.write("z" * 20)
        third = threading.Thread(target=out.write, args=("w",), daemon=True)
        third.start()
        stopped.set()  # the client is gone: nothing waits for it
        third.join(60)
        assert not third.is_alive()
    finally:
        loop.close()


def test_a_record_holding_u2028_is_one_record_and_the_lines_after_it_are_answered(
    base_url: str, national: dict[str, str]
) -> None:
    """JSON text may hold U+2028 and U+2029 (here in the name of a field no case has): records
    are split on newlines only, so nothing after such a record is lost."""
    good = _lines(examples())[0]
    odd = json.loads(good)
    odd["learner"]["odd\u2028key\u2029"] = 1
    body = "\n".join([good, json.dumps(odd, ensure_ascii=False), good]) + "\n"
    response = _batch(base_url, national, body)
    assert response.status_code == 200
    records = [json.loads(r) for r in response.text.split("\n") if r]
    assert len(records) == 3
    assert [("invalid" in r) for r in records] == [False, True, False]


# -- a body that is not JSON Lines -------------------------------------------------------------

PRETTY = json.dumps(example("01-bauska"), indent=2, ensure_ascii=False)


def _not_json_lines_shapes() -> list[tuple[str, str, str]]:
    case = example("01-bauska")
    return [
        (PRETTY + "\n", "document", "1"),
        ("\n \n" + PRETTY, "document", "3"),  # blank lines before it count
        (json.dumps([case, case], indent=2), "array", "1"),
        (json.dumps([case, case]) + "\n", "array", "1"),  # an array on one line
    ]


def _refused_as_not_json_lines(response: Any, shape: str, line: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()  # one problem document, not one record per line
    assert body["type"] == "https://atbalsts.invalid/problems/invalid"
    assert "not JSON Lines" in body["detail"]
    assert "one support case per line" in body["detail"]
    assert ("jq -c '.[]'" if shape == "array" else "jq -c .") in body["detail"]
    (row,) = body["errors"]
    assert row["path"] == "(document)"
    assert row["kind"] == "not_json_lines"
    assert row["values"] == {"line": line, "shape": shape}
    return body


@pytest.mark.parametrize("url", ["base_url", "streaming"])
@pytest.mark.parametrize(("text", "shape", "line"), _not_json_lines_shapes())
def test_a_body_that_is_not_json_lines_is_one_problem(
    url: str,
    national: dict[str, str],
    request: pytest.FixtureRequest,
    text: str,
    shape: str,
    line: str,
) -> None:
    """A pretty-printed case, or an array of cases, is refused as a whole, as `atbalsts batch`
    refuses it, and not with an `invalid` record for each of its lines: also by a service that
    starts answering after the first byte of a batch (`streaming`)."""
    response = _batch(request.getfixturevalue(url), national, text)
    _refused_as_not_json_lines(response, shape, line)


def test_the_refusal_says_what_atbalsts_batch_says(
    base_url: str, national: dict[str, str], tmp_path: Path
) -> None:
    """One detection, one wording: the service's detail is the library's message."""
    from atbalsts.batch import BatchFileError, iter_decisions

    for text, shape, line in _not_json_lines_shapes():
        with pytest.raises(BatchFileError) as raised:
            next(iter_decisions(text.splitlines(keepends=True)))
        body = _refused_as_not_json_lines(_batch(base_url, national, text), shape, line)
        assert body["detail"] == str(raised.value)


def test_a_pretty_printed_case_from_a_scoped_key_is_not_json_lines_either(
    base_url: str, keys: tuple[Path, dict[str, str]]
) -> None:
    response = _batch(base_url, bearer(keys[1]["school"]), PRETTY)
    _refused_as_not_json_lines(response, "document", "1")


def test_a_case_anywhere_makes_it_json_lines_with_bad_lines(
    base_url: str, national: dict[str, str], registry: PolicyRegistry
) -> None:
    """Only a body that gives no case at all is refused: a broken first line among cases, or an
    array one of whose lines is a whole case, is answered line by line, in order."""
    one = _lines(examples())[0]
    for lines in (["{", one], ["[", one + ",", one, "]"], ["{", '  "x": 1', one]):
        response = _batch(base_url, national, "\n".join(lines) + "\n")
        assert response.status_code == 200, response.text[:500]
        assert _json(response) == _viewed(lines, registry, "municipal_coordinator")
        assert [("invalid" in r) for r in _json(response)] == [one != x for x in lines]


def test_a_broken_first_line_alone_is_a_bad_line(base_url: str, national: dict[str, str]) -> None:
    """A first line that is a record, only broken, is no JSON document over many lines."""
    response = _batch(base_url, national, '{"learner": {}}\n{broken\n')
    assert response.status_code == 200
    assert [r["line"] for r in _json(response)] == [1, 2]


def test_the_lines_held_in_doubt_are_sent_as_soon_as_a_line_is_a_case(
    streaming: str, national: dict[str, str]
) -> None:
    """While no line is a case yet, the answer waits; the first case settles it, and its
    decision comes after the invalid records of the lines before it, before the body ends."""
    one = _lines(examples())[0]
    client = Duplex(streaming, f"/v1/batch?as_of={AS_OF}", national)
    try:
        client.send(b"{\n")
        client.send(b'  "x": 1\n')
        client.send(one.encode() + b"\n")
        first, second, third = (json.loads(r) for r in client.read_lines(3))
        assert client.status == 200
        assert (first["line"], second["line"]) == (1, 2)
        assert "invalid" in first
        assert "invalid" in second
        assert third["learner_id"] == examples()[0]["learner"]["id"]
        client.send(one.encode() + b"\n")  # the stream goes on as for any batch
        (fourth,) = (json.loads(r) for r in client.read_lines(1))
        assert fourth["learner_id"] == examples()[0]["learner"]["id"]
        client.end()
        assert client.read_lines(1) == []
    finally:
        client.close()


def test_a_refused_body_leaves_no_thread_behind(streaming: str, national: dict[str, str]) -> None:
    response = _batch(streaming, national, PRETTY)
    assert response.status_code == 422
    deadline = time.monotonic() + 60
    while _batch_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _batch_threads()


def test_many_lines_held_in_doubt_go_out_whole_and_in_order(
    base_url: str,
    national: dict[str, str],
    registry: PolicyRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is held while no line is a case is not bounded by what may wait to be sent (here
    10 characters: held in a temporary file), and goes out through the same bound once a line
    is a case."""
    from atbalsts.server._routes import batch as route

    monkeypatch.setattr(route, "_UNSENT_MAX", 10)
    one = _lines(examples())[0]
    lines = ["[", *(f'  {{"n": {n}}},' for n in range(200)), one, "]"]
    response = _batch(base_url, national, "\n".join(lines) + "\n")
    assert response.status_code == 200, response.text[:500]
    assert _json(response) == _viewed(lines, registry, "municipal_coordinator")


def test_a_body_in_doubt_over_a_limit_before_any_case_is_413(
    limited: str, national: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too long before its answer starts, as a batch found too long within the first bytes:
    413, whether the limit is met within them or after, while no line is a case yet."""
    from atbalsts.server._routes import batch as route

    first_read = threading.Event()
    real = route._LineReader.next_items

    async def next_items(self: Any) -> Any:
        items = await real(self)
        first_read.set()
        return items

    monkeypatch.setattr(route._LineReader, "next_items", next_items)
    client = Duplex(limited, f"/v1/batch?as_of={AS_OF}", national)
    try:
        client.send(b"[\n")  # the first bytes: after them, the answer waits for a case
        assert first_read.wait(60)  # the rest comes after the bytes read before answering
        for n in range(3):
            client.send(f'  {{"n": {n}}},\n'.encode())  # the fourth line is over the limit
        assert client.read_lines(0) == []
        assert client.status == 413
    finally:
        client.close()
    at_once = _batch(limited, national, "[\n" + '  {"n": 1},\n' * 3)
    assert at_once.status_code == 413
