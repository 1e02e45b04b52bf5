"""The methods each path takes: HEAD answers like GET, anything else it does not take is a 405
naming what it does take, and a path that is not ours is a 404."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, problem


@pytest.mark.parametrize("path", ["/", "/healthz", "/v1/relations/PAN/TWN?on=2016-01-01", "/v1/audit/digest"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]


def test_unknown_routes_are_404_and_wrong_methods_405(client: TestClient) -> None:
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.delete("/v1/events"), 405)
    problem(client.put("/v1/relations/PAN/TWN", json={}), 405)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/v1/events/batch", "POST"),
        ("DELETE", "/v1/events/batch", "POST"),
        ("OPTIONS", "/v1/entities", "GET, POST"),
        ("DELETE", "/v1/events", "GET, POST"),
        ("POST", "/v1/events/stream", "GET"),
        ("PUT", "/v1/relations/PAN/TWN", "GET"),
    ],
)
def test_a_method_a_path_does_not_take_is_405_and_allow_lists_every_method_it_does(
    refusing: TestClient, method: str, path: str, allowed: str
) -> None:
    response = refusing.request(method, path, headers=WRITER)

    assert method in problem(response, 405)["detail"]
    assert response.headers["allow"] == allowed
