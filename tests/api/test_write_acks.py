"""A write answers with the event as the read model will show it, at the position it will hold."""

from __future__ import annotations

from uuid import UUID

from fastapi.testclient import TestClient

from api.service import Service
from events import EventIn
from tests.api.conftest import WRITER, event


def test_a_batch_answers_as_the_log_will_be_read(writable: TestClient) -> None:
    sent = [
        event("mission.opened", "PAN", "KOR", "2020-03", level="consulate"),
        event("note.recorded", "PAN", "ESH", "2021", note="a remark"),
        event("mission.closed", "PAN", "KOR", "2022-11-05", level="consulate"),
    ]
    answered = writable.post("/v1/events/batch", json={"events": sent}, headers=WRITER)
    assert answered.status_code == 201, answered.text
    stored = answered.json()["events"]
    positions = [e["position"] for e in stored]
    assert positions == list(range(positions[0], positions[0] + 3))
    assert answered.headers["Chancery-Position"] == str(positions[-1])
    for written in stored:
        assert writable.get(f"/v1/events/{written['id']}").json() == written
    single = writable.post("/v1/events", json=event("note.recorded", "PAN", "KOR", "2023"), headers=WRITER)
    assert single.json()["position"] == positions[-1] + 1
    assert writable.get(f"/v1/events/{single.json()['id']}").json() == single.json()


def test_writers_in_turn_each_acknowledge_the_positions_the_log_gives(seeded_database_url: str) -> None:
    first, second = Service(seeded_database_url), Service(seeded_database_url)
    try:
        acknowledged = []
        for turn, year in enumerate(range(1990, 2000)):
            writer = (first, second)[turn % 3 == 2]
            note = EventIn.model_validate(event("note.recorded", "PAN", "KOR", str(year)))
            stored, _, ack = writer.append(note, f"writer{turn}")
            acknowledged.append((stored.id, stored.position, ack.position))
        for event_id, position, acked in acknowledged:
            assert position == acked
            assert first.event(UUID(event_id)).position == position
        assert sorted(p for _, p, _ in acknowledged) == list(range(acknowledged[0][1], acknowledged[0][1] + 10))
    finally:
        first.close()
        second.close()
