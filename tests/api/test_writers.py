"""Who may write: a bearer token names the writer, a server without tokens is read-only, and no
answer ever shows a token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import BadTokens, Settings
from tests.api.conftest import TOKEN, WRITER, event, head, log_head, ok, problem, serving, state

CHANCERY = str(Path(sys.executable).parent / "chancery")


def test_writing_needs_a_known_bearer_token(refusing: TestClient) -> None:
    before = head(refusing)
    sent = event("note.recorded", "PAN", "KOR", "2020")

    missing = refusing.post("/v1/events", json=sent)
    wrong = refusing.post("/v1/events", json=sent, headers={"Authorization": "Bearer not-the-token"})
    basic = refusing.post("/v1/events", json=sent, headers={"Authorization": f"Basic {TOKEN}"})

    for response in (missing, wrong, basic):
        problem(response, 401)
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    assert "not-the-token" not in wrong.text
    assert head(refusing) == before


def test_a_server_without_tokens_says_it_is_read_only(database_url: str) -> None:
    with serving(database_url, tokens=None) as client:
        body = problem(
            client.post("/v1/events", json=event("note.recorded", "PAN", "KOR", "2020"), headers=WRITER), 401
        )
        assert ok(client.get("/healthz")) == {"status": "ok"}

    assert "read-only" in body["detail"]


def test_no_response_ever_shows_a_token(writable: TestClient) -> None:
    responses = [
        writable.post("/v1/events", json=event("note.recorded", "PAN", "KOR", "2020"), headers=WRITER),
        writable.post("/v1/events", json=event("relations.established", "PAN", "XKX", "2010"), headers=WRITER),
        writable.post("/v1/events", json={"type": "note.recorded"}, headers=WRITER),
        writable.post("/v1/events", json=event("note.recorded", "PAN", "Taiwn", "2020"), headers=WRITER),
        writable.post("/v1/events/batch", json={"events": []}, headers=WRITER),
        writable.post(
            "/v1/events",
            json=event("note.recorded", "PAN", "KOR", "2020"),
            headers={"Authorization": f"Bearer {TOKEN}x"},
        ),
        writable.get("/v1/events", headers=WRITER),
        writable.get("/openapi.json"),
    ]

    assert [r.status_code for r in responses[:6]] == [201, 409, 422, 422, 422, 401]
    for response in responses:
        assert TOKEN not in response.text
        assert all(TOKEN not in value for value in response.headers.values())


# Every write route checks the token first, before it reads the body


def _writes(client: TestClient) -> dict[str, tuple[str, dict[str, Any]]]:
    target = state(client, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]
    replacement = event("relations.established", "Panama", "Kosovo", "2013-09-01")
    return {
        "append": ("/v1/events", event("note.recorded", "PAN", "KOR", "2020")),
        "batch": ("/v1/events/batch", {"events": [event("note.recorded", "PAN", "KOR", "2020")]}),
        "retraction": (f"/v1/events/{target}/retraction", {"reason": "misread"}),
        "correction": (f"/v1/events/{target}/correction", {"reason": "misread", "replacement": replacement}),
        "entity": ("/v1/entities", {"code": "ZZA", "name": "Zedland", "kind": "state"}),
    }


BODIES: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "valid": lambda body: json.dumps(body).encode(),
    "invalid-json": lambda body: json.dumps(body).encode()[:-3],
    "invalid-fields": lambda body: json.dumps({**body, "unexpected": [1]}).encode(),
    "not-utf8": lambda body: b'{"reason": "\xff\xfe"}',
    "too-large": lambda body: b" " * (2 * 1024 * 1024) + json.dumps(body).encode(),
}
CREDENTIALS = {
    "none": {},
    "unknown": {"Authorization": "Bearer not-the-token"},
    "basic": {"Authorization": f"Basic {TOKEN}"},
    "empty": {"Authorization": "Bearer "},
}


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("route", ["append", "batch", "retraction", "correction", "entity"])
def test_every_write_without_a_known_token_is_401_whatever_its_body(
    refusing: TestClient, route: str, body: str
) -> None:
    before = log_head(refusing)
    path, sent = _writes(refusing)[route]

    for credentials in CREDENTIALS.values():
        response = refusing.post(
            path, content=BODIES[body](sent), headers={**credentials, "Content-Type": "application/json"}
        )

        problem(response, 401)
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    assert log_head(refusing) == before


def test_a_read_only_server_answers_401_to_a_malformed_write_too(database_url: str) -> None:
    with serving(database_url, tokens=None) as client:
        response = client.post("/v1/events", content=b"{", headers={**WRITER, "Content-Type": "application/json"})

    assert "read-only" in problem(response, 401)["detail"]


# Each token stands for one writer


@pytest.mark.parametrize(
    "tokens", ["alice:shared-token,bob:shared-token", "alice:shared-token, bob : shared-token ,carol:other"]
)
def test_a_token_given_to_two_writers_is_refused_at_start_up(tokens: str, sqlite_url: str) -> None:
    with pytest.raises(BadTokens) as refused:
        create_app(Settings(database_url=sqlite_url, tokens=tokens, tokens_file=None))

    assert "shared-token" not in str(refused.value)
    assert "alice" in str(refused.value) and "bob" in str(refused.value)


def test_a_token_in_the_file_that_another_writer_has_in_the_environment_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "tokens"
    listed.write_text("# writers\nbob:shared-token\n", encoding="utf-8")

    with pytest.raises(BadTokens):
        Settings(tokens="alice:shared-token", tokens_file=listed).writers()


def test_one_writer_may_have_several_tokens_and_give_one_twice() -> None:
    writers = Settings(tokens="alice:one,alice:two,alice:one,bob:three", tokens_file=None).writers()

    assert [writers.writer_for(t) for t in ("one", "two", "three")] == ["alice", "alice", "bob"]


def test_serve_refuses_a_token_given_to_two_writers_in_one_line(sqlite_url: str) -> None:
    environment = {**os.environ, "CHANCERY_TOKENS": "alice:shared-token,bob:shared-token"}

    result = subprocess.run(
        [CHANCERY, "serve", "--database-url", sqlite_url, "--port", "1"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "shared-token" not in result.stderr
    assert "alice" in result.stderr and "bob" in result.stderr
