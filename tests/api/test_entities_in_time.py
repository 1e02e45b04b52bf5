"""Entities in time: an entity begins and ends (its own events, with no counterpart); what is dated
outside its life is refused; after its end its relations are ended unless their history goes on."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import WRITER, ok, problem, state
from tests.domain.builders import SOURCE, event

BAVARIA = {"code": "BAV", "name": "Kingdom of Bavaria", "kind": "state", "aliases": ["Bavaria"]}
REICH = {"code": "DRE", "name": "German Empire", "kind": "state"}


def life(kind: str, code: str, occurred: str, **attributes: Any) -> dict[str, Any]:
    """An entity's own event in the sent form: no counterpart."""
    return {"type": kind, "subject": code, "occurred": occurred, "summary": f"{code}: {kind} ({occurred}).",
            "attributes": attributes, "sources": SOURCE}


def post(client: TestClient, sent: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post("/v1/events", json=sent, headers=WRITER)
    if status == 201:
        answer: dict[str, Any] = ok(response, 201)
        return answer
    return problem(response, status)


@pytest.fixture
def bavaria(writable: TestClient) -> TestClient:
    """Bavaria, which began in 1806 and went into the German Empire in 1871."""
    for entity in (BAVARIA, REICH):
        ok(writable.post("/v1/entities", json=entity, headers=WRITER), 201)
    post(writable, life("entity.began", "BAV", "1806-01-01", how="independence"))
    post(writable, life("entity.began", "DRE", "1871-01-18", how="unification", **{"from": ["BAV"]}))
    post(writable, life("entity.ended", "BAV", "1871-01-18", how="unification", into=["DRE"]))
    return writable


def test_an_entitys_own_event_has_no_counterpart(bavaria: TestClient) -> None:
    began = post(bavaria, life("entity.began", "DRE", "1871-01-18"), 409)  # it began already: recorded
    assert "already exists" in began["detail"]
    refused = post(bavaria, {**life("entity.ended", "BAV", "1918"), "counterpart": "USA"}, 422)
    assert "no counterpart" in refused["detail"] or "counterpart" in str(refused["errors"])
    shown = [e for e in ok(bavaria.get("/v1/events", params={"entity": "BAV"}))["events"]]
    assert [(e["type"], e["counterpart"]) for e in shown] == [("entity.began", None), ("entity.ended", None)]
    logged = [entry for entry in ok(bavaria.get("/v1/audit/log", params={"limit": 1000}))["entries"]
              if entry["kind"] == "entity.ended"]
    assert logged and logged[0]["data"]["counterpart"] is None


def test_every_answer_that_names_an_entity_gives_its_life(bavaria: TestClient) -> None:
    post(bavaria, event("relations.established", "USA", "BAV", "1850"))
    answer = state(bavaria, "USA", "Bavaria", "1860-01-01")
    assert {k: answer["b"][k] for k in ("began", "ended", "predecessors", "successors")} == {
        "began": "1806-01-01", "ended": "1871-01-18", "predecessors": [], "successors": ["DRE"]
    }
    reich = ok(bavaria.get("/v1/entities/DRE/relations", params={"on": "1900-01-01"}))["entity"]
    assert (reich["began"], reich["predecessors"]) == ("1871-01-18", ["BAV"])
    post(bavaria, life("entity.ended", "KOR", "1910", how="annexation", into=["DRE"]))  # recorded on one side only
    reich = ok(bavaria.get("/v1/entities/DRE/relations", params={"on": "1900-01-01"}))["entity"]
    assert reich["predecessors"] == ["BAV", "KOR"]
    timeline = ok(bavaria.get("/v1/relations/USA/BAV/timeline"))
    assert timeline["b"]["ended"] == "1871-01-18"
    registered = ok(bavaria.get("/v1/entities/Bavaria"))
    assert (registered["began"], registered["ended"], registered["successors"]) == ("1806-01-01", "1871-01-18", ["DRE"])
    listed = {e["code"]: e for e in ok(bavaria.get("/v1/entities"))}
    assert (listed["BAV"]["ended"], listed["DRE"]["predecessors"]) == ("1871-01-18", ["BAV", "KOR"])


def test_after_its_end_a_relation_with_nothing_recorded_after_is_ended(bavaria: TestClient) -> None:
    established = post(bavaria, event("relations.established", "USA", "BAV", "1850"))
    assert state(bavaria, "USA", "BAV", "1871-01-17")["diplomatic"]["status"] == "established"

    after = state(bavaria, "USA", "BAV", "1880-01-01")
    timeline = ok(bavaria.get("/v1/relations/USA/BAV/timeline"))
    status = [(i["status"], i["from"], i["to"]) for i in timeline["intervals"] if i["facet"] == "diplomatic"]
    assert status == [("none", "0001-01-01", "1850-12-31"), ("established", "1850-12-31", "1871-01-18"),
                      ("ended", "1871-01-18", None)]

    assert after["diplomatic"]["status"] == "ended"
    assert after["diplomatic"]["since"] == "1871-01-18"
    ended = after["diplomatic"]["event"]
    assert ended != established["id"] and ended in {e["id"] for e in after["events"]}


def test_a_relation_that_records_a_status_after_the_end_goes_on(bavaria: TestClient) -> None:
    post(bavaria, event("relations.established", "USA", "BAV", "1850"))
    post(bavaria, event("relations.severed", "USA", "BAV", "1917-04-06"))  # a status after the end: accepted

    assert state(bavaria, "USA", "BAV", "1880-01-01")["diplomatic"]["status"] == "established"
    assert state(bavaria, "USA", "BAV", "1918-01-01")["diplomatic"]["status"] == "severed"
    timeline = ok(bavaria.get("/v1/relations/USA/BAV/timeline"))
    assert "ended" not in {i["status"] for i in timeline["intervals"]}  # its history goes on
    post(bavaria, event("note.recorded", "USA", "BAV", "1900"))  # the history goes on, a note with it


def test_what_is_dated_outside_a_partys_life_is_refused_naming_its_dates(bavaria: TestClient) -> None:
    before = post(bavaria, event("relations.established", "USA", "BAV", "1790"), 409)
    assert "BAV began on 1806-01-01" in before["detail"]
    assert {c["type"] for c in before["conflicting"]} == {"relations.established", "entity.began"}

    after = post(bavaria, event("note.recorded", "USA", "BAV", "1900"), 409)
    assert "BAV ended on 1871-01-18" in after["detail"]
    post(bavaria, event("note.recorded", "USA", "BAV", "1871"))  # its window reaches into the life: taken
    post(bavaria, event("mission.opened", "USA", "BAV", "1880", level="legation"), 409)  # nothing begins after
    post(bavaria, event("mission.closed", "USA", "BAV", "1871-01-19", level="legation"))  # what held may close


def test_an_entity_may_begin_again_after_its_end(bavaria: TestClient) -> None:
    post(bavaria, life("entity.ended", "BAV", "1900"), 409)  # it had already ended
    post(bavaria, life("entity.began", "BAV", "1918-11-08", how="restoration"))
    post(bavaria, event("note.recorded", "USA", "BAV", "1919"))
    assert state(bavaria, "USA", "BAV", "1919-12-31")["b"]["ended"] is None
    between = state(bavaria, "USA", "BAV", "1900-01-01")  # after the end, before the restoration
    assert (between["diplomatic"]["status"], between["diplomatic"]["since"]) == ("ended", "1871-01-18")
    assert state(bavaria, "USA", "BAV", "1919-12-31")["diplomatic"]["status"] == "unknown"


def test_a_retracted_end_leaves_the_relation_as_recorded(bavaria: TestClient) -> None:
    post(bavaria, event("relations.established", "USA", "BAV", "1850"))
    ended = next(e for e in ok(bavaria.get("/v1/events", params={"entity": "BAV"}))["events"]
                 if e["type"] == "entity.ended")
    ok(bavaria.post(f"/v1/events/{ended['id']}/retraction", json={"reason": "misdated"}, headers=WRITER))

    answer = state(bavaria, "USA", "BAV", "1880-01-01")

    assert answer["diplomatic"]["status"] == "established"
    assert answer["b"]["ended"] is None


def test_what_changed_across_an_entitys_end_lists_its_relations_ended(bavaria: TestClient) -> None:
    post(bavaria, event("relations.established", "USA", "BAV", "1850"))

    changes = ok(bavaria.get("/v1/changes", params={"from": "1870", "to": "1872"}))

    ended = next(e["id"] for e in changes["events"] if e["type"] == "entity.ended")
    (relation,) = [r for r in changes["relations"] if {r["a"]["code"], r["b"]["code"]} == {"USA", "BAV"}]
    assert (relation["before"]["diplomatic"]["status"], relation["after"]["diplomatic"]["status"]) == (
        "established", "ended")
    assert ended in relation["events"]
