"""The audit routes over HTTP: the raw log page by page, the chain an outsider recomputes, verify."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient


def entries(client: TestClient) -> list[dict[str, Any]]:
    found, url = [], "/v1/audit/log?limit=25"
    while url:
        page = client.get(url).json()
        found += page["entries"]
        url = page["next"]
    return found


def test_the_audit_log_pages_through_every_entry_gap_free_from_one(client: TestClient) -> None:
    log = entries(client)
    assert [e["position"] for e in log] == list(range(1, len(log) + 1))
    assert {"entity.registered", "relations.established"} <= {e["kind"] for e in log}


def test_an_outsider_recomputes_the_chain_and_the_digest(client: TestClient) -> None:
    previous = "0" * 64
    for entry in entries(client):
        claimed = entry.pop("hash")
        canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        previous = hashlib.sha256(previous.encode() + canonical.encode()).hexdigest()
        assert previous == claimed, entry["position"]
    assert client.get("/v1/audit/digest").json()["hash"] == previous


def test_verify_agrees_and_checks_a_kept_digest(client: TestClient) -> None:
    digest = client.get("/v1/audit/digest").json()
    report = client.get("/v1/audit/verify", params={"digest": json.dumps(digest)}).json()
    assert report["ok"] and report["head"] == digest and report["findings"] == []
    forged = f"{digest['position']}:{'0' * 64}"
    report = client.get("/v1/audit/verify", params={"digest": forged}).json()
    assert not report["ok"] and f"position {digest['position']}" in report["findings"][0]


@pytest.mark.parametrize("digest", ["nonsense", "3:abc", "-1:" + "0" * 64, '{"position": 1}'])
def test_a_malformed_digest_is_a_422_problem(client: TestClient, digest: str) -> None:
    response = client.get("/v1/audit/verify", params={"digest": digest})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ["query", "digest"] in [e["loc"] for e in response.json()["errors"]]
