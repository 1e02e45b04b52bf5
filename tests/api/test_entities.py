"""An entity's relations on a date (the must-show: Panama on 2016-01-01 and on 2017-06-13) and the registry."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import ok, relations_on, status_of


def test_on_2016_01_01_panama_has_relations_with_taiwan_none_with_china_and_suspended_ones_with_the_sadr(
    client: TestClient,
) -> None:
    relations = relations_on(client, "PAN", "2016-01-01")

    assert status_of(relations, "TWN") == "established"
    # The documents date no establishment: held before the severance of 2017, inferred from it.
    assert (relations["TWN"]["diplomatic"]["since"], relations["TWN"]["diplomatic"]["inferred"]) == (None, True)
    assert status_of(relations, "CHN") == "none"
    assert status_of(relations, "ESH") == "suspended"
    assert relations["ESH"]["diplomatic"]["since"] == "2013-11-20"
    assert all(s["a"]["code"] == "PAN" for s in relations.values())


def test_on_2017_06_13_panama_has_severed_taiwan_and_established_relations_with_china(
    client: TestClient,
) -> None:
    relations = relations_on(client, "PAN", "2017-06-13")

    assert status_of(relations, "TWN") == "severed"
    assert status_of(relations, "CHN") == "established"
    assert relations["CHN"]["recognition"]["a_recognizes_b"] is True
    assert relations["TWN"]["recognition"]["a_recognizes_b"] is False


def test_the_registry_finds_taiwan_by_search_and_by_alias(client: TestClient) -> None:
    found = ok(client.get("/v1/entities", params={"q": "taiwan"}))
    roc = ok(client.get("/v1/entities/ROC"))
    everyone = ok(client.get("/v1/entities"))

    assert found[0]["code"] == "TWN"
    assert roc["code"] == "TWN" and "Republic of China" in roc["aliases"]
    assert {"PAN", "TWN", "CHN", "ESH", "XKX", "BRI", "UNSC"} <= {e["code"] for e in everyone}
