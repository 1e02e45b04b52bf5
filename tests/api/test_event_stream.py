"""The live stream of log entries (GET /v1/events/stream): the replay after a position, a
reconnect with Last-Event-ID, an entry appended while it is open."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2 as httpx  # what the test client speaks (starlette.testclient)
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, keyed, korea_note, log_head, ok
from tests.conftest import read_events

STREAM_SECONDS = 10.0  # no read of the live stream may take longer than this


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
