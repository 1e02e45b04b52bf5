"""Appending, retracting and correcting events over HTTP: what is stored, what is refused and why.

A refused write changes nothing: the tests that expect a refusal run on the shared ``refusing``
store and check that its log did not move.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, event, head, log, ok, problem, state


def test_an_appended_event_is_stored_with_its_writer_and_changes_the_state(writable: TestClient) -> None:
    response = writable.post(
        "/v1/events", json=event("relations.suspended", "Panama", "ROK", "2020-03-01"), headers=WRITER
    )

    stored = ok(response, 201)
    assert response.headers["location"] == f"/v1/events/{stored['id']}"
    assert int(response.headers["chancery-position"]) == stored["position"]
    assert stored["recorded_by"] == "alice"
    assert (stored["subject"], stored["counterpart"]) == ("PAN", "KOR")
    assert stored["retracted"] is None
    assert ok(writable.get(response.headers["location"])) == stored
    assert state(writable, "PAN", "KOR", "2020-02-29")["diplomatic"]["status"] == "established"
    after = state(writable, "PAN", "KOR", "2020-03-01")
    assert after["diplomatic"] == {"status": "suspended", "since": "2020-03-01", "event": stored["id"], "inferred": False}
    assert stored["id"] in {e["id"] for e in after["events"]}


def test_a_back_dated_event_that_makes_a_later_one_impossible_is_409_naming_both(
    refusing: TestClient,
) -> None:
    kosovo = state(refusing, "PAN", "XKX", "2014-01-01")
    before = head(refusing)

    body = problem(
        refusing.post(
            "/v1/events", json=event("relations.established", "PAN", "XKX", "2010"), headers=WRITER
        ),
        409,
    )

    established_2013 = kosovo["diplomatic"]["event"]
    assert established_2013 in [c["id"] for c in body["conflicting"]]
    assert established_2013 in body["detail"]
    assert body["state"]["diplomatic"] == "established"
    assert body["on"] == "2013-08-27"
    assert head(refusing) == before
    assert state(refusing, "PAN", "XKX", "2011-01-01")["diplomatic"]["status"] == "none"


def test_an_event_breaking_its_own_rule_is_409_with_the_state_on_its_date(refusing: TestClient) -> None:
    before = head(refusing)

    body = problem(
        refusing.post("/v1/events", json=event("relations.established", "PAN", "XKX", "2020"), headers=WRITER),
        409,
    )

    assert body["state"]["diplomatic"] == "established"
    assert "relations.established" in body["detail"]
    assert [c["type"] for c in body["conflicting"]] == ["relations.established", "relations.established"]
    assert head(refusing) == before


def test_if_match_guards_a_relation_against_stale_writes(writable: TestClient) -> None:
    read = writable.get("/v1/relations/PAN/XKX", params={"on": "2000-01-01"})
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'
    recorded = len(ok(writable.get("/v1/events", params={"entity": "XKX"}))["events"])

    stale = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "XKX", "2019"), headers={**WRITER, "If-Match": '"0"'}
    )
    body = problem(stale, 412)
    assert body["current_version"] == read.json()["version"]

    current = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "XKX", "2019"), headers={**WRITER, "If-Match": etag}
    )
    ok(current, 201)
    again = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "XKX", "2020"), headers={**WRITER, "If-Match": etag}
    )
    problem(again, 412)
    assert writable.get("/v1/relations/XKX/PAN").headers["etag"] != etag
    assert len(ok(writable.get("/v1/events", params={"entity": "XKX"}))["events"]) == recorded + 1


# Retractions and corrections


def test_a_retraction_marks_the_event_and_changes_the_state(writable: TestClient) -> None:
    established = state(writable, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]

    response = writable.post(
        f"/v1/events/{established}/retraction", json={"reason": "misread"}, headers=WRITER
    )

    retracted = ok(response)
    assert retracted["id"] == established
    assert retracted["retracted"]["reason"] == "misread"
    assert retracted["retracted"]["recorded_by"] == "alice"
    assert int(response.headers["chancery-position"]) == retracted["retracted"]["position"]
    assert ok(writable.get(f"/v1/events/{established}"))["retracted"] == retracted["retracted"]
    assert established in [e["id"] for e in log(writable)]
    assert state(writable, "PAN", "XKX", "2014-01-01")["diplomatic"]["status"] == "unknown"  # nothing recorded now
    problem(
        writable.post(f"/v1/events/{established}/retraction", json={"reason": "twice"}, headers=WRITER), 409
    )


def test_a_retraction_that_would_orphan_a_later_event_is_refused(refusing: TestClient) -> None:
    # Without its suspension of 1988, Panama's readmission to the Rio Group in 1994 would have no ground.
    suspended = state(refusing, "PAN", "RIO", "1990-01-01")["memberships"][0]["event"]
    readmitted = state(refusing, "PAN", "RIO", "1995-01-01")["memberships"][0]["event"]
    before = head(refusing)

    body = problem(
        refusing.post(f"/v1/events/{suspended}/retraction", json={"reason": "x"}, headers=WRITER), 409
    )

    assert readmitted in [c["id"] for c in body["conflicting"]]
    assert head(refusing) == before
    assert state(refusing, "PAN", "RIO", "1990-01-01")["memberships"][0]["status"] == "suspended"


def test_a_correction_replaces_an_event_at_once_and_the_old_answer_stays_readable(
    writable: TestClient,
) -> None:
    old = state(writable, "PAN", "XKX", "2013-08-28")
    known_before = log(writable)[-1]["recorded_at"]
    position_before = head(writable)
    replacement = event("relations.established", "Panama", "Kosovo", "2013-09-01")

    response = writable.post(
        f"/v1/events/{old['diplomatic']['event']}/correction",
        json={"reason": "the date was misread", "replacement": replacement},
        headers=WRITER,
    )

    corrected = ok(response, 201)
    new_id = corrected["replacement"]["id"]
    assert corrected["retracted"]["retracted"]["replaced_by"] == new_id
    assert response.headers["location"] == f"/v1/events/{new_id}"
    assert int(response.headers["chancery-position"]) == head(writable) == position_before + 2
    assert state(writable, "PAN", "XKX", "2013-08-28")["diplomatic"]["status"] == "none"
    assert state(writable, "PAN", "XKX", "2013-09-01")["diplomatic"]["since"] == "2013-09-01"
    for as_known in ({"at_position": position_before}, {"known_at": known_before}):
        then = state(writable, "PAN", "XKX", "2013-08-28", **as_known)
        assert then["diplomatic"] == old["diplomatic"], as_known
        assert then["as_of_position"] == position_before
        assert then["version"] == old["version"] == state(writable, "PAN", "XKX", "2013-08-28")["version"] - 2
        assert old["diplomatic"]["event"] in {e["id"] for e in then["events"] if e["retracted"] is None}


def test_a_correction_whose_replacement_breaks_a_rule_changes_nothing(refusing: TestClient) -> None:
    original = state(refusing, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]
    before = head(refusing)

    response = refusing.post(
        f"/v1/events/{original}/correction",
        headers=WRITER,
        json={"reason": "wrong", "replacement": event("relations.established", "PAN", "CHN", "2010")},
    )

    problem(response, 409)
    assert head(refusing) == before
    assert ok(refusing.get(f"/v1/events/{original}"))["retracted"] is None
    assert state(refusing, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"] == original


# Batches


def test_a_batch_is_appended_whole(writable: TestClient) -> None:
    sent = [
        event("note.recorded", "PAN", "KOR", "2020"),
        event("mission.opened", "KOR", "PAN", "2020-05", level="embassy"),
    ]

    response = writable.post("/v1/events/batch", json={"events": sent}, headers=WRITER)

    stored = ok(response, 201)["events"]
    assert [e["type"] for e in stored] == ["note.recorded", "mission.opened"]
    assert int(response.headers["chancery-position"]) == stored[-1]["position"] == head(writable)
    missions = state(writable, "PAN", "KOR", "2020-06-01")["missions"]
    assert [(m["sender"], m["host"], m["level"]) for m in missions] == [("KOR", "PAN", "embassy")]


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        (event("relations.established", "PAN", "XKX", "2021"), 409),  # established since 2013-08-27
        (event("note.recorded", "PAN", "Atlantis", "2021"), 422),
        (event("note.recorded", "PAN", "PAN", "2021"), 422),
    ],
)
def test_a_batch_with_one_bad_item_appends_nothing(
    refusing: TestClient, bad: dict[str, Any], status: int
) -> None:
    before, logged = head(refusing), log(refusing)
    sent = [event("note.recorded", "PAN", "KOR", "2020"), event("note.recorded", "PAN", "ESH", "2020"), bad]

    body = problem(refusing.post("/v1/events/batch", json={"events": sent}, headers=WRITER), status)

    assert body["index"] == 2
    assert head(refusing) == before
    assert log(refusing) == logged


# Bodies refused


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"occurred": "13 June 2017"}, ["body", "occurred"]),
        ({"occurred": "2017-02-30"}, ["body", "occurred"]),
        ({"type": "relations.improved"}, ["body", "type"]),
        ({"sources": []}, ["body", "sources"]),
        ({"sources": [{"title": "t", "url": "ftp://x"}]}, ["body", "sources", 0, "url"]),
        ({"summary": "a NUL \u0000 in the text"}, ["body", "summary"]),
        ({"unexpected": 1}, ["body", "unexpected"]),
    ],
)
def test_an_invalid_body_is_422_naming_the_field(
    refusing: TestClient, change: dict[str, Any], where: list[Any]
) -> None:
    before = head(refusing)

    body = problem(
        refusing.post(
            "/v1/events", json=event("note.recorded", "PAN", "KOR", "2020") | change, headers=WRITER
        ),
        422,
    )

    assert where in [e["loc"] for e in body["errors"]]
    assert head(refusing) == before
    assert ok(refusing.get("/v1/entities", params={"q": "korea"}))[0]["code"] == "KOR"


def test_a_mission_without_its_level_is_422(refusing: TestClient) -> None:
    body = problem(
        refusing.post("/v1/events", json=event("mission.opened", "PAN", "KOR", "2020"), headers=WRITER), 422
    )

    assert ["body", "attributes"] in [e["loc"] for e in body["errors"]]
    assert "level" in body["detail"]


def test_bad_writes_are_problems_never_500(refusing: TestClient) -> None:
    known, before = log(refusing)[0]["id"], head(refusing)
    cases = [
        (
            refusing.post(
                "/v1/events", content=b"{not json", headers={**WRITER, "content-type": "application/json"}
            ),
            422,
        ),
        (refusing.post("/v1/events", json=[1, 2], headers=WRITER), 422),
        (
            refusing.post(
                "/v1/events",
                json=event("note.recorded", "PAN", "KOR", "2020"),
                headers={**WRITER, "If-Match": "three"},
            ),
            422,
        ),
        (refusing.post(f"/v1/events/{uuid.uuid4()}/retraction", json={"reason": "x"}, headers=WRITER), 404),
        (refusing.post(f"/v1/events/{known}/retraction", json={"reason": ""}, headers=WRITER), 422),
        (
            refusing.post(
                f"/v1/events/{known}/retraction",
                json={"reason": "x"},
                headers={**WRITER, "If-Match": '"999"'},
            ),
            412,
        ),
        (
            refusing.post(
                "/v1/entities",
                json={"code": "ZZ", "name": "Zed", "kind": "state", "aliases": ["Panama"]},
                headers=WRITER,
            ),
            409,
        ),
        (
            refusing.post(
                "/v1/entities", json={"code": "ZZ", "name": "Zed\u0000", "kind": "state"}, headers=WRITER
            ),
            422,
        ),
    ]

    for response, status in cases:
        problem(response, status)
    assert head(refusing) == before
    assert ok(refusing.get("/v1/entities/PAN"))["code"] == "PAN"
