"""State answers are serialised from plain data, unchecked: byte for byte, what their models give."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.service import Service
from tests.api.conftest import serving
from tests.domain.builders import sent

DAYS = ["1903-11-05", "1950-01-01", "2008-06-01", "2016-01-01", "2017-06-13", "2018-01-01", "2025-03-01"]


def service_of(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


@pytest.mark.parametrize("explain", [True, False])
def test_a_relation_state_is_its_model_serialised(client: TestClient, explain: bool) -> None:
    service = service_of(client)
    partners = [r.b.code for r in service.entity_relations("PAN", date(2025, 1, 1)).relations]
    for other in partners:
        for day in DAYS:
            response = client.get(f"/v1/relations/{other}/PAN", params={"on": day, "explain": explain})
            model = service.relation_state(other, "PAN", date.fromisoformat(day), explain=explain)
            assert response.content == model.model_dump_json(by_alias=True).encode()
            assert response.headers["etag"] == f'"{model.version}"'


@pytest.mark.parametrize("explain", [True, False])
def test_the_relations_of_an_entity_are_their_model_serialised(client: TestClient, explain: bool) -> None:
    service = service_of(client)
    for code in ("PAN", "TWN", "UN"):
        for day in DAYS:
            response = client.get(f"/v1/entities/{code}/relations", params={"on": day, "explain": explain})
            model = service.entity_relations(code, date.fromisoformat(day), explain=explain)
            assert response.content == model.model_dump_json(by_alias=True).encode()


def test_an_answer_as_known_at_a_position_is_its_model_serialised(client: TestClient) -> None:
    service = service_of(client)
    for position in (1, 30, 50):
        response = client.get("/v1/entities/PAN/relations", params={"on": "2018-01-01", "at_position": position})
        model = service.entity_relations("PAN", date(2018, 1, 1), at=position)
        assert response.content == model.model_dump_json(by_alias=True).encode()


def test_a_state_over_http_reflects_what_another_process_wrote_and_left_unprojected(
    seeded_database_url: str,
) -> None:
    with serving(seeded_database_url) as client:
        day = {"on": "2020-01-01"}
        assert client.get("/v1/relations/PAN/XKX", params=day).json()["diplomatic"]["status"] == "established"
        writer = Service(seeded_database_url)
        try:
            writer.import_many([sent("relations.severed", "2019-05-01", "PAN", "XKX")], "t")  # left to the next read
        finally:
            writer.close()
        assert client.get("/v1/relations/XKX/PAN", params=day).json()["diplomatic"]["status"] == "severed"
        relations = client.get("/v1/entities/XKX/relations", params=day).json()["relations"]
        assert [r["diplomatic"]["status"] for r in relations if r["b"]["code"] == "PAN"] == ["severed"]
