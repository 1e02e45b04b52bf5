"""Every answer tells the browser not to guess its type (``X-Content-Type-Options: nosniff``):
data, problems of every status, the page's files, answers made before a route is reached."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import WRITER, korea_note

JSON = {"Content-Type": "application/json"}
ASKED: dict[str, tuple[str, str, dict[str, str], dict[str, str], bytes | None]] = {
    # method, path, query, headers, body
    "state": ("GET", "/v1/relations/PAN/TWN", {}, {}, None),
    "state-head": ("HEAD", "/v1/relations/PAN/TWN", {}, {}, None),
    "events": ("GET", "/v1/events", {}, {}, None),
    "healthz": ("GET", "/healthz", {}, {}, None),
    "metrics": ("GET", "/metrics", {}, {}, None),
    "openapi": ("GET", "/openapi.json", {}, {}, None),
    "page": ("GET", "/", {}, {}, None),
    "unknown-entity": ("GET", "/v1/relations/PAN/Nowhere", {}, {}, None),
    "bad-query": ("GET", "/v1/relations/PAN/TWN", {"on": "soon"}, {}, None),
    "no-route": ("GET", "/v2/nothing", {}, {}, None),
    "wrong-method": ("DELETE", "/v1/events", {}, {}, None),
    "no-token": ("POST", "/v1/events", {}, JSON, b"{}"),
    "too-large": ("POST", "/v1/events", {}, {**WRITER, **JSON}, b" " * (2 * 1024 * 1024)),
    "bad-body": ("POST", "/v1/events", {}, {**WRITER, **JSON}, b"{"),
}


@pytest.mark.parametrize("asked", sorted(ASKED))
def test_every_answer_says_nosniff(refusing: TestClient, asked: str) -> None:
    method, path, query, headers, body = ASKED[asked]

    response = refusing.request(method, path, params=query, headers=headers, content=body)

    assert response.headers.get_list("x-content-type-options") == ["nosniff"], (response.status_code, response.text)


def test_a_write_answers_nosniff(writable: TestClient) -> None:
    response = writable.post("/v1/events", json=korea_note(), headers=WRITER)

    assert response.status_code == 201
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_fault_of_the_service_answers_nosniff(seeded_sqlite_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(seeded_sqlite_file.read_bytes())
    with TestClient(create_app(Settings(database_url=f"sqlite:///{broken}")), raise_server_exceptions=False) as client:
        with sqlite3.connect(broken) as connection:
            connection.execute("ALTER TABLE rm_entities RENAME COLUMN aliases TO names")
        response = client.get("/v1/entities")

    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
