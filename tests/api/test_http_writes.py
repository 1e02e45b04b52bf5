"""Write semantics and operations, as a client sees them through the ASGI app, on each store.

Idempotency keys (replays, reuse with another body, restarts, every keyed route, per writer, bad
key headers), the 1 MiB body cap, readiness, Prometheus metrics and the replay part of the live
stream of log entries.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx  # what the test client speaks (starlette.testclient)
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.middleware import MAX_BODY
from tests.api.test_http import (
    TOKEN,
    WRITER,
    event,
    ok,
    problem,
    seed_store,
    serving,
    state,
)
from tests.api.test_http import refusing as refusing_fixture
from tests.api.test_http import writable as writable_fixture

# The fixtures of tests/api/test_http.py, used here too: ``writable`` is a client over a fresh
# seeded store of each kind; ``refusing`` one seeded store of each kind for this module, for
# requests that must change nothing.
writable = writable_fixture
refusing = refusing_fixture

KEY = "retry-4f1c2a"
STREAM_SECONDS = 10.0  # no read of the live stream may take longer than this


def keyed(key: str = KEY, headers: dict[str, str] = WRITER) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def log_head(client: TestClient) -> int:
    """The newest position of the log, every kind of entry counted."""
    head: int = ok(client.get("/readyz"))["head"]
    return head


def korea_note(occurred: str = "2020") -> dict[str, Any]:
    return event("note.recorded", "PAN", "KOR", occurred)


def appended_after(client: TestClient, position: int) -> list[str]:
    """The ids of the relation events recorded after ``position``."""
    return [e["id"] for e in ok(client.get("/v1/events", params={"after": position, "limit": 1000}))["events"]]


def assert_same_answer(first: httpx.Response, again: httpx.Response) -> None:
    """``again`` is the first response served once more: status, body and acknowledgement."""
    assert again.status_code == first.status_code, again.text
    assert again.json() == first.json()
    assert again.headers["chancery-position"] == first.headers["chancery-position"]
    assert again.headers.get("location") == first.headers.get("location")
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"


# Idempotency-Key on POST /v1/events


def test_an_append_sent_again_with_its_key_returns_the_first_result_and_appends_nothing(
    writable: TestClient,
) -> None:
    start = log_head(writable)
    first = writable.post("/v1/events", json=korea_note(), headers=keyed())
    stored = ok(first, 201)
    head = log_head(writable)

    again = writable.post("/v1/events", json=korea_note(), headers=keyed())

    assert_same_answer(first, again)
    assert first.headers["location"] == f"/v1/events/{stored['id']}"
    assert log_head(writable) == head
    assert appended_after(writable, start) == [stored["id"]]


def test_a_key_sent_again_with_another_body_is_422_naming_the_key_and_appends_nothing(
    writable: TestClient,
) -> None:
    start = log_head(writable)
    stored = ok(writable.post("/v1/events", json=korea_note("2020"), headers=keyed()), 201)
    head = log_head(writable)

    reused = problem(writable.post("/v1/events", json=korea_note("2021"), headers=keyed()), 422)

    assert KEY in reused["detail"]
    assert log_head(writable) == head
    assert appended_after(writable, start) == [stored["id"]]
    assert ok(writable.post("/v1/events", json=korea_note("2020"), headers=keyed()), 201) == stored


def test_a_key_used_for_one_kind_of_write_is_refused_for_another(writable: TestClient) -> None:
    ok(writable.post("/v1/events", json=korea_note(), headers=keyed()), 201)
    head = log_head(writable)

    reused = problem(
        writable.post("/v1/entities", json={"code": "ZZA", "name": "Zedland", "kind": "state"}, headers=keyed()),
        422,
    )

    assert KEY in reused["detail"]
    assert log_head(writable) == head
    problem(writable.get("/v1/entities/ZZA"), 422)


def test_an_idempotency_key_survives_a_restart(database_url: str, seeded_sqlite_file: Path) -> None:
    seed_store(database_url, seeded_sqlite_file)
    with serving(database_url) as before_restart:
        start = log_head(before_restart)
        first = before_restart.post("/v1/events", json=korea_note(), headers=keyed())
        stored = ok(first, 201)
        head = log_head(before_restart)

    with serving(database_url) as after_restart:
        again = after_restart.post("/v1/events", json=korea_note(), headers=keyed())
        other = after_restart.post("/v1/events", json=korea_note("2021"), headers=keyed())

        assert_same_answer(first, again)
        assert again.json()["id"] == stored["id"]
        problem(other, 422)
        assert log_head(after_restart) == head
        assert appended_after(after_restart, start) == [stored["id"]]


# Idempotency-Key on the other writes


def _batch(client: TestClient) -> tuple[str, dict[str, Any]]:
    return "/v1/events/batch", {"events": [korea_note(), event("note.recorded", "PAN", "ESH", "2020")]}


def _retraction(client: TestClient) -> tuple[str, dict[str, Any]]:
    target = state(client, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]
    return f"/v1/events/{target}/retraction", {"reason": "the date was misread"}


def _correction(client: TestClient) -> tuple[str, dict[str, Any]]:
    target = state(client, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]
    replacement = event("relations.established", "Panama", "Kosovo", "2013-09-01")
    return f"/v1/events/{target}/correction", {"reason": "the date was misread", "replacement": replacement}


def _registration(client: TestClient) -> tuple[str, dict[str, Any]]:
    return "/v1/entities", {"code": "ZZA", "name": "Zedland", "kind": "state", "aliases": ["Zed"]}


@pytest.mark.parametrize(
    ("write", "status"),
    [(_batch, 201), (_retraction, 200), (_correction, 201), (_registration, 201)],
    ids=["batch", "retraction", "correction", "entity"],
)
def test_every_keyed_write_sent_again_returns_the_first_result_and_appends_nothing(
    writable: TestClient, write: Callable[[TestClient], tuple[str, dict[str, Any]]], status: int
) -> None:
    path, body = write(writable)
    first = writable.post(path, json=body, headers=keyed())
    ok(first, status)
    head = log_head(writable)
    logged = ok(writable.get("/v1/events", params={"limit": 1000}))

    again = writable.post(path, json=body, headers=keyed())
    changed = writable.post(path, json=_other(body), headers=keyed())

    assert_same_answer(first, again)
    assert KEY in problem(changed, 422)["detail"]
    assert log_head(writable) == head
    assert ok(writable.get("/v1/events", params={"limit": 1000})) == logged


def _other(body: dict[str, Any]) -> dict[str, Any]:
    """The same request with one field changed: another request under the same key."""
    if "events" in body:
        return {"events": body["events"][:1]}
    if "reason" in body:
        return {**body, "reason": body["reason"] + " twice"}
    return {**body, "name": body["name"] + " Republic"}


def test_a_retraction_retried_with_its_key_is_not_refused_as_already_retracted(writable: TestClient) -> None:
    path, body = _retraction(writable)
    first = ok(writable.post(path, json=body, headers=keyed()))

    retried = writable.post(path, json=body, headers=keyed())
    unkeyed = writable.post(path, json=body, headers=WRITER)

    assert ok(retried) == first
    problem(unkeyed, 409)


def first_append(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Append the Korea note, which must be new (not a replay)."""
    response = client.post("/v1/events", json=korea_note(), headers=headers)
    assert "idempotent-replayed" not in response.headers
    stored: dict[str, Any] = ok(response, 201)
    return stored


def test_keys_belong_to_their_writer_so_two_writers_with_one_key_both_append(
    database_url: str, seeded_sqlite_file: Path
) -> None:
    seed_store(database_url, seeded_sqlite_file)
    bob = {"Authorization": "Bearer bobs-token"}
    with serving(database_url, tokens=f"alice:{TOKEN},bob:bobs-token") as client:
        start = log_head(client)
        by_alice = first_append(client, keyed(headers=WRITER))
        by_bob = first_append(client, keyed(headers=bob))
        bob_again = client.post("/v1/events", json=korea_note(), headers=keyed(headers=bob))

        assert (by_alice["recorded_by"], by_bob["recorded_by"]) == ("alice", "bob")
        assert by_alice["id"] != by_bob["id"]
        assert ok(bob_again, 201) == by_bob
        assert appended_after(client, start) == [by_alice["id"], by_bob["id"]]


@pytest.mark.parametrize(
    "key",
    [b"", b"k" * 256, "clé".encode(), b"two words", b"tab\there"],
    ids=["empty", "256-characters", "non-ascii", "space", "tab"],
)
def test_an_invalid_idempotency_key_is_a_422_naming_the_header_and_appends_nothing(
    refusing: TestClient, key: bytes
) -> None:
    head = log_head(refusing)

    response = refusing.post(
        "/v1/events",
        json=korea_note(),
        headers=[(b"authorization", f"Bearer {TOKEN}".encode()), (b"idempotency-key", key)],
    )

    body = problem(response, 422)
    assert ["header", "Idempotency-Key"] in [e["loc"] for e in body["errors"]]
    assert log_head(refusing) == head


def test_the_longest_key_allowed_is_255_printable_ascii_characters(writable: TestClient) -> None:
    longest = "".join(chr(c) for c in range(0x21, 0x7F)) * 3
    key = longest[:255]

    first = writable.post("/v1/events", json=korea_note(), headers=keyed(key))
    again = writable.post("/v1/events", json=korea_note(), headers=keyed(key))

    ok(first, 201)
    assert_same_answer(first, again)


# Bodies over 1 MiB


def _oversized() -> bytes:
    body = json.dumps(korea_note() | {"summary": "x" * MAX_BODY}).encode()
    assert len(body) > MAX_BODY
    return body


def test_a_body_over_1_mib_with_its_length_declared_is_413_problem_json_and_appends_nothing(
    refusing: TestClient,
) -> None:
    head = log_head(refusing)
    body = _oversized()

    response = refusing.post("/v1/events", content=body, headers={**WRITER, "content-type": "application/json"})

    assert response.request.headers["content-length"] == str(len(body))
    assert "1 MiB" in problem(response, 413)["detail"]
    assert log_head(refusing) == head


def test_a_chunked_body_over_1_mib_is_413_problem_json_and_appends_nothing(refusing: TestClient) -> None:
    head = log_head(refusing)
    body = _oversized()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = refusing.post("/v1/events", content=chunks(), headers={**WRITER, "content-type": "application/json"})

    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    problem(response, 413)
    assert log_head(refusing) == head


def test_a_body_of_exactly_1_mib_is_read_and_judged(refusing: TestClient) -> None:
    head = log_head(refusing)
    note = korea_note()
    padding = MAX_BODY - len(json.dumps(note | {"summary": ""}).encode())
    body = json.dumps(note | {"summary": "x" * padding}).encode()
    assert len(body) == MAX_BODY

    response = refusing.post("/v1/events", content=body, headers={**WRITER, "content-type": "application/json"})

    refused = problem(response, 422)
    assert ["body", "summary"] in [e["loc"] for e in refused["errors"]]
    assert log_head(refusing) == head


# Readiness and metrics


def test_readiness_is_200_with_the_read_model_at_the_head_of_the_log(writable: TestClient) -> None:
    before = ok(writable.get("/readyz"))
    appended = writable.post("/v1/events", json=korea_note(), headers=WRITER)
    after = ok(writable.get("/readyz"))

    assert before["status"] == after["status"] == "ready"
    assert before["position"] == before["head"] > 0
    assert after["position"] == after["head"] == int(appended.headers["chancery-position"]) > before["head"]


def metric_samples(client: TestClient, name: str) -> list[tuple[dict[str, str], float]]:
    """Every sample named ``name`` in the /metrics answer, with its labels."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name
    ]


def metric(client: TestClient, name: str, **labels: str) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels`` (0 if none)."""
    return sum(value for found, value in metric_samples(client, name) if labels.items() <= found.items())


def test_metrics_count_requests_by_route_template_not_by_raw_path(refusing: TestClient) -> None:
    relation = {"method": "GET", "route": "/v1/relations/{a}/{b}", "status": "200"}
    before = metric(refusing, "chancery_http_requests_total", **relation)

    ok(refusing.get("/v1/relations/PAN/TWN", params={"on": "2016-01-01"}))
    ok(refusing.get("/v1/relations/Panama/taiwan"))
    problem(refusing.get("/v1/no-such-route/12345"), 404)

    samples = metric_samples(refusing, "chancery_http_requests_total")
    assert metric(refusing, "chancery_http_requests_total", **relation) == before + 2
    routes = {labels["route"] for labels, _ in samples}
    assert not [route for route in routes if "PAN" in route or "taiwan" in route or "12345" in route]
    assert (
        metric(refusing, "chancery_http_request_duration_seconds_count", method="GET", route="/v1/relations/{a}/{b}")
        >= 2
    )
    assert metric(refusing, "chancery_http_requests_total", route="unmatched", status="404") >= 1


def test_metrics_count_appended_events_by_type_and_not_replays(writable: TestClient) -> None:
    counted = {"type": "relations.suspended"}
    before = metric(writable, "chancery_events_appended_total", **counted)
    suspended = event("relations.suspended", "PAN", "KOR", "2020-03-01")

    ok(writable.post("/v1/events", json=suspended, headers=keyed()), 201)
    once = metric(writable, "chancery_events_appended_total", **counted)
    ok(writable.post("/v1/events", json=suspended, headers=keyed()), 201)

    assert once == before + 1
    assert metric(writable, "chancery_events_appended_total", **counted) == once


def test_metrics_report_no_projection_lag_once_the_read_model_is_current(writable: TestClient) -> None:
    ok(writable.post("/v1/events", json=korea_note(), headers=WRITER), 201)
    head = log_head(writable)

    assert metric_samples(writable, "chancery_projection_lag_entries") == [({}, 0.0)]
    assert metric(writable, "chancery_log_head_position") == head


# The live stream: the replay part


@contextmanager
def streaming(client: TestClient, **request: Any) -> Iterator[httpx.Response]:
    """Open the live stream; if a read is still waiting after STREAM_SECONDS, close it under the reader.

    The stream never ends by itself, so the test reads a known number of events and stops; the
    watchdog only matters when an expected event never comes, and turns that hang into a failure.
    """
    with client.stream("GET", "/v1/events/stream", **request) as response:
        watchdog = threading.Timer(STREAM_SECONDS, response.close)
        watchdog.daemon = True
        watchdog.start()
        try:
            yield response
        finally:
            watchdog.cancel()


def read_events(lines: Iterator[str], count: int) -> list[dict[str, Any]]:
    """The next ``count`` server-sent events (fewer if the stream ends), each as its fields."""
    events: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for line in lines:
        if line.startswith(":"):
            continue
        if line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            events.append({"id": fields.get("id"), "data": json.loads(fields["data"])})
            if len(events) == count:
                break
        fields = {}
    return events


def test_the_stream_replays_the_entries_after_a_position_in_order_with_their_positions_as_ids(
    writable: TestClient,
) -> None:
    before = log_head(writable)
    stored = ok(writable.post("/v1/events", json=korea_note(), headers=keyed()), 201)
    retracted = ok(writable.post(f"/v1/events/{stored['id']}/retraction", json={"reason": "no"}, headers=WRITER))
    head = log_head(writable)

    with streaming(writable, params={"after": before - 2}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        replayed = read_events(response.iter_lines(), head - before + 2)

    assert [int(e["id"]) for e in replayed] == list(range(before - 1, head + 1))
    assert [e["data"]["position"] for e in replayed] == list(range(before - 1, head + 1))
    fact, request, retraction = (e["data"] for e in replayed[2:])
    assert (fact["kind"], fact["event"]["id"]) == ("note.recorded", stored["id"])
    assert (request["kind"], request["event"]) == ("request.recorded", None)
    assert retraction["kind"] == "event.retracted"
    assert retraction["event"]["id"] == stored["id"]
    assert retraction["event"]["retracted"] == retracted["retracted"]
    assert retraction["position"] == retracted["retracted"]["position"]


def test_a_client_reconnecting_with_last_event_id_resumes_after_that_entry(writable: TestClient) -> None:
    head = log_head(writable)

    with streaming(writable, params={"after": 0}, headers={"Last-Event-ID": str(head - 3)}) as response:
        resumed = read_events(response.iter_lines(), 3)

    assert [int(e["id"]) for e in resumed] == [head - 2, head - 1, head]
    assert all(e["data"]["kind"] for e in resumed)


def test_the_stream_sends_an_entry_appended_while_it_is_open(writable: TestClient) -> None:
    head = log_head(writable)

    with streaming(writable, params={"after": head - 1}) as response:
        lines = response.iter_lines()
        replayed = read_events(lines, 1)
        stored = ok(writable.post("/v1/events", json=korea_note(), headers=WRITER), 201)
        live = read_events(lines, 1)

    assert [int(e["id"]) for e in replayed] == [head]
    assert [e["data"]["event"]["id"] for e in live] == [stored["id"]]
    assert int(live[0]["id"]) == stored["position"] == head + 1


# Header values a client gets wrong


def raw_request(
    client: TestClient, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> httpx.Response:
    """Send header bytes as given, as a real server passes them on (the test client re-encodes
    non-ASCII values as UTF-8, so ``"²"`` would arrive as ``"Â²"``)."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as raw:
            return await raw.request(method, path, headers=headers, content=body)

    return asyncio.run(send())


# Not a position: "²" passes str.isdigit but not int(), 5000 digits pass it but are too long for int().
BAD_NUMBERS = {
    "empty": "",
    "word": "seven",
    "negative": "-1",
    "decimal": "3.0",
    "superscript-two": "\u00b2",
    "beyond-2**63-1": str(2**63),
    "5000-digits": "9" * 5000,
}


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
def test_a_bad_last_event_id_is_a_422_naming_the_header(refusing: TestClient, value: str) -> None:
    wire = value.encode("latin-1")
    response = raw_request(refusing, "GET", "/v1/events/stream", [(b"last-event-id", wire)])

    body = problem(response, 422)
    assert ["header", "Last-Event-ID"] in [e["loc"] for e in body["errors"]]


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
def test_a_bad_if_match_is_a_422_naming_the_header_and_appends_nothing(refusing: TestClient, value: str) -> None:
    head = log_head(refusing)
    wire = b'"' + value.encode("latin-1") + b'"'
    headers = [
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-type", b"application/json"),
        (b"if-match", wire),
    ]

    response = raw_request(refusing, "POST", "/v1/events", headers, json.dumps(korea_note()).encode())

    body = problem(response, 422)
    assert ["header", "If-Match"] in [e["loc"] for e in body["errors"]]
    assert log_head(refusing) == head


# Found by the OpenAPI fuzz run (tests/api/test_openapi_fuzz.py)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/v1/events/batch", "POST"),
        ("DELETE", "/v1/events/batch", "POST"),
        ("OPTIONS", "/v1/entities", "GET, POST"),
        ("DELETE", "/v1/events", "GET, POST"),
        ("POST", "/v1/events/stream", "GET"),
        ("PUT", "/v1/relations/PAN/TWN", "GET"),
    ],
)
def test_a_method_a_path_does_not_take_is_405_and_allow_lists_every_method_it_does(
    refusing: TestClient, method: str, path: str, allowed: str
) -> None:
    response = refusing.request(method, path, headers=WRITER)

    assert method in problem(response, 405)["detail"]
    assert response.headers["allow"] == allowed


def test_a_body_that_is_not_utf_8_is_a_422_problem_naming_the_body(refusing: TestClient) -> None:
    head = log_head(refusing)

    response = refusing.post(
        "/v1/entities", content=b'{"code": "\xff\xfe"}', headers={**WRITER, "content-type": "application/json"}
    )

    assert ["body"] in [e["loc"] for e in problem(response, 422)["errors"]]
    assert log_head(refusing) == head
