"""Who may write: a bearer token names the writer, a server without tokens is read-only, and no
answer ever shows a token."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import TOKEN, WRITER, event, head, ok, problem, serving


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
        writable.post(
            "/v1/events", json=event("relations.established", "PAN", "KOR", "1950"), headers=WRITER
        ),
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
