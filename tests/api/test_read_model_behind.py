"""A read the read model cannot answer in time: 503 problem JSON with Retry-After, then, once the
read model is free to catch up, the answer with the entry it was behind on.

The read model falls behind as it does in service: another process appends to the log, and this
process's projector cannot take its turn (held here, as a long catch-up or a writer would hold it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import service as service_module
from api.service import Service
from tests.api.conftest import ok, problem, serving
from tests.domain.builders import sent


@pytest.fixture
def behind(seeded_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, int]]:
    """A client whose read model is one entry behind the log, its projector's turn held by the test;
    and the position of that entry."""
    monkeypatch.setattr(service_module, "READ_WAIT_SECONDS", 0.5)  # how long a read waits for its turn
    with serving(seeded_database_url) as client:
        service: Service = client.app.state.service  # type: ignore[attr-defined]
        head = service.position()
        other = Service(seeded_database_url)
        try:
            other.app.append(sent("relations.suspended", "2021-03-01", "PAN", "KOR"), "elsewhere")
        finally:
            other.close()
        with service.writing:
            yield client, head + 1


READS: dict[str, tuple[str, dict[str, Any]]] = {
    "state": ("/v1/relations/PAN/KOR", {"on": "2021-06-01"}),
    "state-at-a-position-past-the-read-model": ("/v1/relations/PAN/KOR", {"on": "2021-06-01", "at_position": "{head}"}),
    "entity-relations": ("/v1/entities/PAN/relations", {"on": "2021-06-01"}),
    "events": ("/v1/events", {"entity": "KOR"}),
}


@pytest.mark.parametrize("read", sorted(READS))
def test_a_read_the_read_model_cannot_catch_up_for_is_503_with_retry_after(
    behind: tuple[TestClient, int], read: str
) -> None:
    client, head = behind
    path, query = READS[read]

    response = client.get(path, params={k: v.format(head=head) for k, v in query.items()})

    body = problem(response, 503)
    assert body["type"].endswith("/not-caught-up")
    assert response.headers["retry-after"] == "1"


def test_the_read_model_answers_again_once_it_can_catch_up(seeded_database_url: str) -> None:
    with serving(seeded_database_url) as client:
        service: Service = client.app.state.service  # type: ignore[attr-defined]
        other = Service(seeded_database_url)
        try:
            other.app.append(sent("relations.suspended", "2021-03-01", "PAN", "KOR"), "elsewhere")
        finally:
            other.close()

        state = ok(client.get("/v1/relations/PAN/KOR", params={"on": "2021-06-01"}))

        assert state["diplomatic"]["status"] == "suspended"
        assert state["as_of_position"] == service.position()
