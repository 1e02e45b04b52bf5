"""``chancery serve`` as a real process on each store: seeded at start, asked over real HTTP, stopped cleanly."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from api.seed import read, seed_directory
from tests.conftest import read_events
from tests.e2e.conftest import TOKEN, WRITER, Server, log_head, note, relations_on, serving, status

pytestmark = pytest.mark.e2e


def test_a_served_chancery_answers_the_must_show_questions_and_takes_a_write(server: Server) -> None:
    http = server.http

    on_2016 = relations_on(http, "2016-01-01")
    on_2017 = relations_on(http, "2017-06-13")
    sadr = http.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01"}).json()

    assert (status(on_2016, "TWN"), status(on_2016, "CHN"), status(on_2016, "ESH")) == (
        "established",
        "none",
        "suspended",
    )
    assert (status(on_2017, "TWN"), status(on_2017, "CHN")) == ("severed", "established")
    assert (sadr["b"]["code"], sadr["diplomatic"]["status"]) == ("ESH", "suspended")
    assert all(s["events"] for s in on_2017.values() if s["diplomatic"]["event"])

    sent = {
        "type": "relations.suspended",
        "subject": "PAN",
        "counterpart": "South Korea",
        "occurred": "2020-03-01",
        "summary": "Panama suspends relations with South Korea.",
        "sources": [{"title": "A test source", "quote": "suspended"}],
    }
    refused = http.post("/v1/events", json=sent)
    created = http.post("/v1/events", json=sent, headers={"Authorization": f"Bearer {TOKEN}"})

    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert created.status_code == 201, created.text
    stored = created.json()
    assert stored["recorded_by"] == "alice"
    assert http.get(created.headers["location"]).json() == stored
    korea = http.get("/v1/relations/KOR/PAN", params={"on": "2020-03-01"}).json()
    assert korea["diplomatic"] == {"status": "suspended", "since": "2020-03-01", "event": stored["id"], "inferred": False}
    assert TOKEN not in created.text


def test_a_served_chancery_stops_cleanly_and_never_logs_a_token(server: Server) -> None:
    server.http.post("/v1/events", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    server.http.post("/v1/events", json={}, headers={"Authorization": "Bearer wrong-token"})

    server.process.send_signal(signal.SIGTERM)
    returncode = server.process.wait(timeout=15)

    output = server.output.read_text(errors="replace")
    assert returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
    assert TOKEN not in output and "wrong-token" not in output
    assert f"seed: {len(read(seed_directory()).groups)} events added" in output


# Idempotency across a restart, the live stream with a reconnect, known_at

STREAM_TIMEOUT = httpx.Timeout(10.0)  # a read that waits longer fails; the server's heartbeat is every 15 s


def test_a_keyed_append_replayed_after_a_restart_returns_the_first_result_and_appends_nothing(
    tmp_path: Path, database_url: str
) -> None:
    keyed = {**WRITER, "Idempotency-Key": "e2e-restart-1"}
    with serving(tmp_path, database_url, log_name="first.log") as first_run:
        first = first_run.http.post("/v1/events", json=note("2021"), headers=keyed)
        assert first.status_code == 201, first.text
        head = log_head(first_run.http)

    with serving(tmp_path, database_url, seed=False, log_name="second.log") as second_run:
        again = second_run.http.post("/v1/events", json=note("2021"), headers=keyed)
        other = second_run.http.post("/v1/events", json=note("2022"), headers=keyed)

        assert again.status_code == 201, again.text
        assert again.json()["id"] == first.json()["id"]
        assert again.json() == first.json()
        assert again.headers["chancery-position"] == first.headers["chancery-position"]
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert other.status_code == 422 and "e2e-restart-1" in other.json()["detail"]
        assert log_head(second_run.http) == head


def test_the_live_stream_sends_new_entries_and_a_reconnect_with_last_event_id_gets_exactly_the_missed_one(
    server: Server,
) -> None:
    head = log_head(server.http)
    base_url = str(server.http.base_url)

    with httpx.Client(base_url=base_url, timeout=STREAM_TIMEOUT) as follower:
        with follower.stream("GET", "/v1/events/stream", params={"after": head - 2}) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            replayed = read_events(lines, 2)
            seen = server.http.post("/v1/events", json=note("2021"), headers=WRITER).json()
            live = read_events(lines, 1)

        missed = server.http.post("/v1/events", json=note("2022"), headers=WRITER).json()
        last_id = live[0]["id"]
        with follower.stream("GET", "/v1/events/stream", headers={"Last-Event-ID": last_id}) as stream:
            resumed = read_events(stream.iter_lines(), 1)

    assert [int(e["id"]) for e in replayed] == [head - 1, head]
    assert [e["data"]["position"] for e in replayed] == [head - 1, head]
    assert [(int(e["id"]), e["data"]["event"]["id"]) for e in live] == [(seen["position"], seen["id"])]
    assert [(int(e["id"]), e["data"]["event"]["id"]) for e in resumed] == [(missed["position"], missed["id"])]
    assert missed["position"] == log_head(server.http) == seen["position"] + 1


def test_a_state_read_with_known_at_before_a_correction_gives_the_old_answer(server: Server) -> None:
    http = server.http
    before = http.get("/v1/relations/PAN/XKX", params={"on": "2013-08-28"}).json()
    established = before["diplomatic"]["event"]
    known_before = http.get("/v1/events", params={"limit": 1000}).json()["events"][-1]["recorded_at"]
    replacement = {
        "type": "relations.established",
        "subject": "Panama",
        "counterpart": "Kosovo",
        "occurred": "2013-09-05",
        "summary": "Kosovo and Panama establish diplomatic relations (corrected date).",
        "sources": [{"title": "A test source", "quote": "established"}],
    }

    corrected = http.post(
        f"/v1/events/{established}/correction",
        json={"reason": "the date was misread", "replacement": replacement},
        headers=WRITER,
    )
    now = http.get("/v1/relations/PAN/XKX", params={"on": "2013-08-28"}).json()
    then = http.get("/v1/relations/PAN/XKX", params={"on": "2013-08-28", "known_at": known_before}).json()
    later = corrected.json()["replacement"]["recorded_at"]
    after = http.get("/v1/relations/PAN/XKX", params={"on": "2013-08-28", "known_at": later}).json()

    assert before["diplomatic"]["status"] == "established"
    assert corrected.status_code == 201, corrected.text
    assert now["diplomatic"]["status"] == "none"
    assert then["diplomatic"] == before["diplomatic"]
    assert then["as_of_position"] < int(corrected.headers["chancery-position"])
    assert after["diplomatic"]["status"] == "none"
    assert http.get("/v1/relations/PAN/XKX", params={"known_at": "yesterday"}).status_code == 422


def test_no_token_reaches_the_access_log_wherever_a_client_puts_it(server: Server) -> None:
    asked = [
        f"/v1/relations/PAN/TWN?token={TOKEN}",
        "/v1/relations/PAN/TWN?on=2016-01-01&access_token=s3cret-of-the-client",
        f"/v1/entities?q={TOKEN}",
        f"/v1/entities/{TOKEN}",
        "/v1/events?API_KEY=another-s3cret",
    ]
    for path in asked:
        server.http.get(path)
    server.http.get("/healthz")  # the lines before it are written by now

    logged = server.output.read_text(errors="replace")
    assert "GET /v1/relations/PAN/TWN?token=[redacted]" in logged
    assert "GET /v1/entities/[redacted]" in logged
    for secret in (TOKEN, "s3cret-of-the-client", "another-s3cret"):
        assert secret not in logged
