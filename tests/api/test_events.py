"""The log of events as a client reads it: pages, filters, one event by its id."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.api.conftest import SEED_EVENTS, log, ok, problem


def test_the_log_pages_walk_every_event_exactly_once(client: TestClient) -> None:
    everything = [e["id"] for e in log(client)]
    walked: list[str] = []
    positions: list[int] = []
    url: str | None = "/v1/events?limit=7"
    pages = 0
    while url is not None:
        page = ok(client.get(url))
        assert len(page["events"]) <= 7
        walked += [e["id"] for e in page["events"]]
        positions += [e["position"] for e in page["events"]]
        url = page["next"]
        pages += 1
        assert pages < 50, "the next links do not end"

    assert len(everything) == SEED_EVENTS
    assert walked == everything
    assert len(set(walked)) == len(walked)
    assert positions == sorted(positions)
    assert pages >= SEED_EVENTS // 7


def test_the_log_filters_by_entity_type_and_valid_time(client: TestClient) -> None:
    taiwan = ok(client.get("/v1/events", params={"entity": "Taiwan"}))["events"]
    established = ok(client.get("/v1/events", params={"type": "relations.established"}))["events"]
    in_2017 = ok(
        client.get("/v1/events", params={"occurred_from": "2017-01-01", "occurred_to": "2017-12-31"})
    )
    both = ok(
        client.get(
            "/v1/events", params={"entity": "PAN", "type": ["relations.severed", "relations.suspended"]}
        )
    )

    assert len(taiwan) == 2 and all("TWN" in (e["subject"], e["counterpart"]) for e in taiwan)
    assert {e["counterpart"] for e in established} == {"QING", "CHN", "XKX"}
    assert all(e["type"] == "relations.established" for e in established)
    assert sorted(e["occurred"] for e in in_2017["events"]) == ["2017", *["2017-06-12"] * 4]
    assert {(e["type"], e["counterpart"]) for e in both["events"]} == {
        ("relations.severed", "TWN"),
        ("relations.suspended", "ESH"),
    }


def test_one_event_is_found_by_its_id(client: TestClient) -> None:
    first = log(client)[0]

    assert ok(client.get(f"/v1/events/{first['id']}")) == first
    missing = problem(client.get(f"/v1/events/{uuid.uuid4()}"), 404)
    assert "no event" in missing["detail"]
