"""The audit routes over HTTP, and answers that explain themselves."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("audit") / "store.db"
    shutil.copy(seeded_sqlite_file, path)
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}"))) as test_client:
        yield test_client


def entries(client: TestClient) -> list[dict[str, Any]]:
    found, url = [], "/v1/audit/log?limit=25"
    while url:
        page = client.get(url).json()
        found += page["entries"]
        url = page["next"]
    return found


def test_the_audit_log_pages_through_every_entry_gap_free_from_one(client: TestClient):
    log = entries(client)
    assert [e["position"] for e in log] == list(range(1, len(log) + 1))
    assert {"entity.registered", "relations.established"} <= {e["kind"] for e in log}


def test_an_outsider_recomputes_the_chain_and_the_digest(client: TestClient):
    previous = "0" * 64
    for entry in entries(client):
        claimed = entry.pop("hash")
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        previous = hashlib.sha256(previous.encode() + canonical.encode()).hexdigest()
        assert previous == claimed, entry["position"]
    assert client.get("/v1/audit/digest").json()["hash"] == previous


def test_verify_agrees_and_checks_a_kept_digest(client: TestClient):
    digest = client.get("/v1/audit/digest").json()
    report = client.get("/v1/audit/verify", params={"digest": json.dumps(digest)}).json()
    assert report["ok"] and report["head"] == digest and report["findings"] == []
    forged = f"{digest['position']}:{'0' * 64}"
    report = client.get("/v1/audit/verify", params={"digest": forged}).json()
    assert not report["ok"] and f"position {digest['position']}" in report["findings"][0]


@pytest.mark.parametrize("digest", ["nonsense", "3:abc", "-1:" + "0" * 64, '{"position": 1}'])
def test_a_malformed_digest_is_a_422_problem(client: TestClient, digest: str):
    response = client.get("/v1/audit/verify", params={"digest": digest})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ["query", "digest"] in [e["loc"] for e in response.json()["errors"]]


def test_a_state_explains_itself_unless_asked_not_to(client: TestClient):
    explained = client.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01", "explain": "true"}).json()
    behind = {explained["diplomatic"]["event"], *(r["event"] for r in explained["recognition"]["held"])}
    assert {e["id"] for e in explained["events"]} == behind
    assert all(s["quote"] for e in explained["events"] for s in e["sources"])
    lean = client.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01", "explain": "false"}).json()
    assert lean["events"] == [] and lean["diplomatic"] == explained["diplomatic"]


@pytest.mark.parametrize("path", ["/", "/healthz", "/v1/relations/PAN/TWN?on=2016-01-01", "/v1/audit/digest"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
