"""Idempotency-Key on every write: a retry returns the first result and appends nothing; a key
reused for another request, a key sent in a bad form, a key after a restart, keys per writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (
    KEY,
    TOKEN,
    WRITER,
    assert_same_answer,
    event,
    keyed,
    korea_note,
    log_head,
    ok,
    problem,
    serving,
    state,
)


def appended_after(client: TestClient, position: int) -> list[str]:
    """The ids of the relation events recorded after ``position``."""
    return [e["id"] for e in ok(client.get("/v1/events", params={"after": position, "limit": 1000}))["events"]]


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


def test_an_idempotency_key_survives_a_restart(seeded_database_url: str) -> None:
    with serving(seeded_database_url) as before_restart:
        start = log_head(before_restart)
        first = before_restart.post("/v1/events", json=korea_note(), headers=keyed())
        stored = ok(first, 201)
        head = log_head(before_restart)

    with serving(seeded_database_url) as after_restart:
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


def _append(client: TestClient) -> tuple[str, dict[str, Any]]:
    return "/v1/events", korea_note()


def _retract(client: TestClient, event_id: str) -> None:
    ok(client.post(f"/v1/events/{event_id}/retraction", json={"reason": "withdrawn later"}, headers=WRITER))


def _changed_since(client: TestClient, path: str, answer: dict[str, Any]) -> None:
    """Change what the first answer showed, by another request made after it."""
    if path == "/v1/entities":
        service = client.app.state.service  # type: ignore[attr-defined]
        assert service.add_aliases(answer["code"], ["Zeddy"], "importer") == []  # what an import adds
    elif "events" in answer:
        _retract(client, answer["events"][0]["id"])
    elif "replacement" in answer:
        _retract(client, answer["replacement"]["id"])
    elif answer["retracted"] is None:
        _retract(client, answer["id"])


@pytest.mark.parametrize(
    "write",
    [_append, _batch, _retraction, _correction, _registration],
    ids=["append", "batch", "retraction", "correction", "entity"],
)
def test_a_keyed_write_sent_again_after_later_changes_returns_the_first_answer_as_it_was(
    writable: TestClient, write: Callable[[TestClient], tuple[str, dict[str, Any]]]
) -> None:
    """The first answer, not the resource as it is now: a retry after a retraction of the appended
    event (or an alias given to the registered entity) returns what the write answered then."""
    path, body = write(writable)
    first = writable.post(path, json=body, headers=keyed())
    ok(first, 200 if "retraction" in path else 201)
    _changed_since(writable, path, first.json())
    head = log_head(writable)

    again = writable.post(path, json=body, headers=keyed())

    assert_same_answer(first, again)
    assert log_head(writable) == head


def test_a_retraction_retried_with_its_key_is_not_refused_as_already_retracted(writable: TestClient) -> None:
    path, body = _retraction(writable)
    first = ok(writable.post(path, json=body, headers=keyed()))

    retried = writable.post(path, json=body, headers=keyed())
    unkeyed = writable.post(path, json=body, headers=WRITER)

    assert ok(retried) == first
    problem(unkeyed, 409)


# Keys per writer, and their form


def first_append(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Append the Korea note, which must be new (not a replay)."""
    response = client.post("/v1/events", json=korea_note(), headers=headers)
    assert "idempotent-replayed" not in response.headers
    stored: dict[str, Any] = ok(response, 201)
    return stored


def test_keys_belong_to_their_writer_so_two_writers_with_one_key_both_append(seeded_database_url: str) -> None:
    bob = {"Authorization": "Bearer bobs-token"}
    with serving(seeded_database_url, tokens=f"alice:{TOKEN},bob:bobs-token") as client:
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
