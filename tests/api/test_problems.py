"""Requests a client gets wrong are answered with problem JSON naming what is wrong, never a 500,
and a refused write appends nothing: bad query values, unknown names, header values, bodies over
1 MiB or not UTF-8."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx  # what the test client speaks (starlette.testclient)
import pytest
from fastapi.testclient import TestClient

from api.middleware import MAX_BODY
from tests.api.conftest import TOKEN, WRITER, korea_note, log_head, problem

# Reads


def test_an_unknown_entity_is_422_and_suggests_close_names(client: TestClient) -> None:
    body = problem(client.get("/v1/relations/PAN/Taiwn", params={"on": "2016-01-01"}), 422)

    assert "Taiwn" in body["detail"]
    assert "TWN" in [s["code"] for s in body["suggestions"]]


@pytest.mark.parametrize("on", ["2016-13-01", "yesterday", "2016", "2016-01-01~", "2024-01-01\n"])
def test_a_bad_on_date_is_422_naming_the_query_field(client: TestClient, on: str) -> None:
    body = problem(client.get("/v1/relations/PAN/TWN", params={"on": on}), 422)

    assert ["query", "on"] in [e["loc"] for e in body["errors"]]


def test_a_relation_of_an_entity_with_itself_is_422(client: TestClient) -> None:
    body = problem(client.get("/v1/relations/PAN/Panama"), 422)
    assert "two entities" in body["detail"]
    problem(client.get("/v1/relations/TWN/taiwan/timeline"), 422)


@pytest.mark.parametrize(
    ("path", "query", "where"),
    [
        ("/v1/relations/PAN/TWN", {"known_at": "2017-06-13T00:00:00"}, ["query", "known_at"]),
        ("/v1/relations/PAN/TWN", {"known_at": "0001-01-01T00:00:00+01:00"}, ["query", "known_at"]),
        (
            "/v1/relations/PAN/TWN",
            {"known_at": "2017-01-01T00:00:00Z", "at_position": "3"},
            ["query", "known_at"],
        ),
        ("/v1/relations/PAN/TWN", {"at_position": "-1"}, ["query", "at_position"]),
        ("/v1/events", {"after": str(2**64)}, ["query", "after"]),
        ("/v1/events", {"limit": "1001"}, ["query", "limit"]),
        ("/v1/events", {"type": "relations.improved"}, ["query", "type", 0]),
        ("/v1/events", {"occurred_from": "2017-02-30"}, ["query", "occurred_from"]),
        ("/v1/changes", {"from": "0001", "to": "0002"}, ["query", "from"]),
        ("/v1/changes", {"from": "2018", "to": "2013"}, ["query", "to"]),
        ("/v1/changes", {"to": "2013"}, ["query", "from"]),
        ("/v1/events/not-an-id", {}, ["path", "event_id"]),
    ],
)
def test_bad_query_values_are_422_problems_never_500(
    client: TestClient, path: str, query: dict[str, str], where: list[Any]
) -> None:
    body = problem(client.get(path, params=query), 422)

    assert where in [e["loc"] for e in body["errors"]]


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


@pytest.mark.parametrize(
    ("field", "value"),
    [("occurred", "2020-01-01\n"), ("occurred", "2020\n"), ("url", "https://example.org/panama\n")],
)
def test_a_value_with_a_trailing_newline_is_refused_and_appends_nothing(
    refusing: TestClient, field: str, value: str
) -> None:
    head = log_head(refusing)
    sent = korea_note()
    if field == "url":
        sent["sources"] = [{**sent["sources"][0], "url": value}]
    else:
        sent = {**sent, field: value}

    response = refusing.post("/v1/events", json=sent, headers={"Authorization": f"Bearer {TOKEN}"})

    body = problem(response, 422)
    assert body["errors"][0]["loc"][:2] == ["body", "sources" if field == "url" else field]
    assert log_head(refusing) == head


# Bodies over 1 MiB, or not UTF-8


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


def test_a_body_that_is_not_utf_8_is_a_422_problem_naming_the_body(refusing: TestClient) -> None:
    head = log_head(refusing)

    response = refusing.post(
        "/v1/entities", content=b'{"code": "\xff\xfe"}', headers={**WRITER, "content-type": "application/json"}
    )

    assert ["body"] in [e["loc"] for e in problem(response, 422)["errors"]]
    assert log_head(refusing) == head


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/events", '{"type": "note.recorded", "subject": "PAN", "counterpart": "KOR", "occurred": "2020",'
                       ' "summary": "a \\udc00 b", "sources": [{"title": "t"}]}'),
        ("/v1/events", '{"type": "note.recorded", "subject": "PAN", "counterpart": "KOR", "occurred": "2020",'
                       ' "summary": "s", "attributes": {"\\ud800": "v"}, "sources": [{"title": "t"}]}'),
        ("/v1/events", '{"type": "note.recorded", "subject": "PAN", "counterpart": "KOR", "occurred": "2020",'
                       ' "summary": "s", "sources": [{"title": "t", "url": "https://example.org/\\udfff"}]}'),
        ("/v1/entities", '{"code": "XSU", "name": "Surrogate \\udc00 Land", "kind": "state"}'),
    ],
    ids=["summary", "attribute key", "source url", "entity name"],
)
def test_a_lone_surrogate_anywhere_is_a_422_problem_and_appends_nothing(refusing: TestClient, path: str, body: str) -> None:
    head = log_head(refusing)
    response = refusing.post(path, content=body.encode(), headers={**WRITER, "Content-Type": "application/json"})

    assert "surrogate" in problem(response, 422)["detail"]
    assert log_head(refusing) == head
