"""Answers sent a batch at a time, so a slow reader holds one batch and not the whole: the live
stream's replay and a page of the audit log are whole, in order, across batch boundaries."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.routes.audit import AUDIT_BATCH
from api.routes.events import STREAM_BATCH
from tests.api.conftest import WRITER, log_head, ok
from tests.api.test_event_stream import streaming
from tests.conftest import read_events


def notes(count: int) -> dict[str, Any]:
    return {
        "events": [
            {
                "type": "note.recorded",
                "subject": "PAN",
                "counterpart": "KOR",
                "occurred": f"{1000 + n}",
                "summary": f"Note {n}.",
                "sources": [{"title": "A test source", "quote": "noted"}],
            }
            for n in range(count)
        ]
    }


def test_the_replay_and_an_audit_page_longer_than_a_batch_are_whole_and_in_order(writable: TestClient) -> None:
    ok(writable.post("/v1/events/batch", json=notes(2 * max(STREAM_BATCH, AUDIT_BATCH) + 7), headers=WRITER), 201)
    head = log_head(writable)

    with streaming(writable, params={"after": 3}) as response:
        replayed = read_events(response.iter_lines(), head - 3)
    page = ok(writable.get("/v1/audit/log", params={"after": 3, "limit": head - 5}))
    rest = ok(writable.get(page["next"]))

    assert [int(e["id"]) for e in replayed] == list(range(4, head + 1))
    assert [e["data"]["position"] for e in replayed] == list(range(4, head + 1))
    assert [e["position"] for e in page["entries"]] == list(range(4, head - 1))
    assert page["next"] == f"/v1/audit/log?after={head - 2}&limit={head - 5}"
    assert [e["position"] for e in rest["entries"]] == [head - 1, head]
    assert rest["next"] is None
    assert all(len(e["hash"]) == 64 for e in page["entries"])


def test_an_audit_page_past_the_head_is_empty_and_has_no_next(client: TestClient) -> None:
    head = log_head(client)

    assert ok(client.get("/v1/audit/log", params={"after": head})) == {"entries": [], "next": None}
