"""Events dated with EDTF level 1 forms (an interval, an open end, unspecified digits), end to end
over HTTP on each store: accepted, pending on every day of their window but the last, listed on the
timeline and in the log; and the forms that give no window refused with problem JSON."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, ok, problem, relations_on, state
from tests.domain.builders import event


def established(client: TestClient, a: str, b: str, occurred: str) -> dict[str, Any]:
    answer: dict[str, Any] = ok(
        client.post("/v1/events", json=event("relations.established", a, b, occurred), headers=WRITER), 201
    )
    return answer


def pending_on(client: TestClient, a: str, b: str, day: str) -> list[str]:
    return [entry["occurred"] for entry in state(client, a, b, day)["pending"]]


def status_on(client: TestClient, a: str, b: str, day: str) -> str:
    status: str = state(client, a, b, day)["diplomatic"]["status"]
    return status


def test_an_interval_is_pending_inside_its_window_and_certain_after_it(writable: TestClient) -> None:
    stored = established(writable, "IND", "KOR", "1960-06/1965-05")
    assert stored["occurred"] == "1960-06/1965-05"
    assert stored["window"] == {"first": "1960-06-01", "last": "1965-05-31"}
    assert pending_on(writable, "IND", "KOR", "1960-05-31") == []
    for day in ("1960-06-01", "1962-01-01", "1965-05-30"):
        assert pending_on(writable, "IND", "KOR", day) == ["1960-06/1965-05"]
        assert status_on(writable, "IND", "KOR", day) != "established"
    assert pending_on(writable, "IND", "KOR", "1965-05-31") == []
    assert status_on(writable, "IND", "KOR", "1965-05-31") == "established"
    korea = relations_on(writable, "KOR", "1962-01-01")["IND"]
    assert [entry["id"] for entry in korea["pending"]] == [stored["id"]]


def test_an_open_start_is_pending_on_every_day_before_its_end(writable: TestClient) -> None:
    stored = established(writable, "USA", "KOR", "../1960-05")
    assert stored["window"] == {"first": "0001-01-01", "last": "1960-05-31"}
    for day in ("0001-01-01", "1900-01-01", "1960-05-30"):
        assert pending_on(writable, "USA", "KOR", day) == ["../1960-05"]
    assert status_on(writable, "USA", "KOR", "1960-05-31") == "established"


def test_an_open_end_stays_pending_and_never_holds_on_the_timeline(writable: TestClient) -> None:
    stored = established(writable, "TWN", "KOR", "1960/..")
    assert stored["window"] == {"first": "1960-01-01", "last": "9999-12-31"}
    assert pending_on(writable, "TWN", "KOR", "1959-12-31") == []
    for day in ("1960-01-01", "2100-01-01", "9999-12-30"):
        assert pending_on(writable, "TWN", "KOR", day) == ["1960/.."]
        assert status_on(writable, "TWN", "KOR", day) != "established"
    timeline = ok(writable.get("/v1/relations/TWN/KOR/timeline"))
    assert [e["occurred"] for e in timeline["events"]] == ["1960/.."]
    # Only "none", known from the first establishment, holds before it: the establishment itself never does.
    assert all(held["from"] == "9999-12-31" or held["status"] == "none" for held in timeline["intervals"])
    changes = ok(writable.get("/v1/changes", params={"from": "1959", "to": "9998"}))
    assert stored["id"] not in {change["id"] for change in changes["events"]}


def test_unspecified_digits_widen_the_window_to_all_they_may_be(writable: TestClient) -> None:
    stored = established(writable, "IND", "KOR", "196X")
    assert stored["window"] == {"first": "1960-01-01", "last": "1969-12-31"}
    assert pending_on(writable, "IND", "KOR", "1965-06-01") == ["196X"]
    assert status_on(writable, "IND", "KOR", "1969-12-31") == "established"


def test_the_log_finds_an_interval_by_any_day_of_its_window(writable: TestClient) -> None:
    stored = established(writable, "IND", "KOR", "1960-06/1965-05")
    found = ok(writable.get("/v1/events", params={"entity": "IND", "occurred_from": "1962-01-01", "occurred_to": "1962-12-31"}))
    assert [e["id"] for e in found["events"]] == [stored["id"]]
    timeline = ok(writable.get("/v1/relations/IND/KOR/timeline"))
    assert [(e["occurred"], e["window"]["first"]) for e in timeline["events"]] == [("1960-06/1965-05", "1960-06-01")]
    assert [(held["status"], held["from"]) for held in timeline["intervals"]] == [
        ("none", "0001-01-01"), ("established", "1965-05-31")
    ]


@pytest.mark.parametrize(
    ("occurred", "says"),
    [
        ("1965/1960", "ends (1960-12-31) before it begins (1965-01-01)"),
        ("../..", "at least one end of an interval must be a date"),
        ("1960/", "write .. for an open end"),
        ("/1960", "write .. for an open end"),
        ("196X/1970", "without unspecified digits"),
        ("1962-1X", "only at the right"),
        ("1960-06-15%/1965-05-20%/1970", "at most 23 characters"),
    ],
)
def test_a_level_1_date_without_a_window_is_refused_saying_why(
    refusing: TestClient, occurred: str, says: str
) -> None:
    sent = event("relations.established", "IND", "KOR", occurred)
    body = problem(refusing.post("/v1/events", json=sent, headers=WRITER), 422)
    assert says in body["detail"]
    assert [error["loc"] for error in body["errors"]] == [["body", "occurred"]]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v1/relations/PAN/TWN", {"on": "1960/1965"}),
        ("/v1/relations/PAN/TWN", {"on": "2016-01-XX"}),
        ("/v1/changes", {"from": "../2013", "to": "2018"}),
        ("/v1/changes", {"from": "2013", "to": "201X"}),
        ("/v1/events", {"occurred_from": "1960/.."}),
    ],
)
def test_query_days_stay_plain_dates(client: TestClient, path: str, query: dict[str, str]) -> None:
    problem(client.get(path, params=query), 422)
