"""The HTTP API as a client sees it: seeded stores of each kind, served through an ASGI client.

Fixtures: ``client``, one seeded store of each kind shared by the tests that only read;
``refusing``, another, shared by the tests whose writes must all be refused (so a refusal that
wrongly appends cannot change what the readers see); ``writable``, a fresh seeded store of each
kind for a test that writes. Helpers: the requests and checks the route tests share.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx  # what the test client speaks (starlette.testclient)
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.seed import read, seed_directory
from api.settings import Settings
from tests.conftest import STORES, new_store, seed_store
from tests.domain.builders import event

TOKEN = "secret-token"
WRITER = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM = "application/problem+json"
SEED_EVENTS = len(read(seed_directory()).groups)  # one event a line of data/events.jsonl
KEY = "retry-4f1c2a"


# Clients over real stores


@contextmanager
def serving(database_url: str, tokens: str | None = f"alice:{TOKEN}") -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url, tokens=tokens, tokens_file=None))
    with TestClient(app) as client:
        yield client


@contextmanager
def seeded_server(kind: str, folder: Path, seeded_file: Path) -> Iterator[TestClient]:
    """A client over a new seeded store of ``kind``, removed afterwards."""
    with new_store(kind, folder) as url:
        seed_store(url, seeded_file)
        with serving(url) as opened:
            yield opened


@pytest.fixture(scope="session", params=STORES)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[TestClient]:
    """One seeded store of each kind shared by the tests that only read."""
    with seeded_server(request.param, tmp_path_factory.mktemp("read"), seeded_sqlite_file) as opened:
        yield opened


@pytest.fixture(scope="session", params=STORES)
def refusing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[TestClient]:
    """One seeded store of each kind shared by the tests whose writes must all be refused."""
    with seeded_server(request.param, tmp_path_factory.mktemp("refuse"), seeded_sqlite_file) as opened:
        yield opened


@pytest.fixture
def writable(seeded_database_url: str) -> Iterator[TestClient]:
    """A client over a fresh seeded store of each kind, for tests that write."""
    with serving(seeded_database_url) as client:
        yield client


# Answers


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def relations_on(client: TestClient, entity: str, day: str) -> dict[str, dict[str, Any]]:
    answer = ok(client.get(f"/v1/entities/{entity}/relations", params={"on": day}))
    return {state["b"]["code"]: state for state in answer["relations"]}


def state(client: TestClient, a: str, b: str, day: str, **query: Any) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.get(f"/v1/relations/{a}/{b}", params={"on": day, **query}))
    return result


def status_of(relations: dict[str, dict[str, Any]], code: str) -> str:
    """The diplomatic status with ``code``; a relation not listed has none."""
    return relations[code]["diplomatic"]["status"] if code in relations else "none"


def log(client: TestClient) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = ok(client.get("/v1/events", params={"limit": 1000}))["events"]
    return result


def head(client: TestClient) -> int:
    """The log position a read answers from now."""
    position: int = state(client, "PAN", "TWN", "2000-01-01")["as_of_position"]
    return position


def log_head(client: TestClient) -> int:
    """The newest position of the log, every kind of entry counted."""
    newest: int = ok(client.get("/readyz"))["head"]
    return newest


# Writes


def korea_note(occurred: str = "2020") -> dict[str, Any]:
    return event("note.recorded", "PAN", "KOR", occurred)


def keyed(key: str = KEY, headers: dict[str, str] = WRITER) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def assert_same_answer(first: httpx.Response, again: httpx.Response) -> None:
    """``again`` is the first response served once more: status, body and acknowledgement."""
    assert again.status_code == first.status_code, again.text
    assert again.json() == first.json()
    assert again.headers["chancery-position"] == first.headers["chancery-position"]
    assert again.headers.get("location") == first.headers.get("location")
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
