"""Long answers in pages: /v1/changes and a relation's timeline, followed by their next links."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import SEED_EVENTS, WRITER, korea_note, ok, problem

WHOLE_SPAN = {"from": "0001-01-01", "to": "9999-12-31"}


def pages(client: TestClient, path: str, **query: Any) -> list[dict[str, Any]]:
    """Every page of an answer, following its next links from the first."""
    answered = [ok(client.get(path, params=query))]
    while answered[-1]["next"] is not None:
        assert len(answered) <= SEED_EVENTS, "the next links never end"
        answered.append(ok(client.get(answered[-1]["next"])))
    return answered


def merged_relations(answered: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each relation of the pages of a changes answer once, with the events of every page."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for page in answered:
        for relation in page["relations"]:
            key = (relation["a"]["code"], relation["b"]["code"])
            if key in merged:
                assert (relation["before"], relation["after"]) == (merged[key]["before"], merged[key]["after"])
                merged[key]["events"] = merged[key]["events"] + relation["events"]
            else:
                merged[key] = dict(relation)
    return merged


@pytest.mark.parametrize("limit", [1, 4, 7])
def test_the_pages_of_changes_together_are_the_whole_answer(client: TestClient, limit: int) -> None:
    whole = ok(client.get("/v1/changes", params={**WHOLE_SPAN, "limit": 1000}))
    answered = pages(client, "/v1/changes", **WHOLE_SPAN, limit=limit)

    assert len(whole["events"]) == SEED_EVENTS
    assert len(answered) == -(-SEED_EVENTS // limit)
    assert all(len(page["events"]) == limit for page in answered[:-1])
    assert [e["id"] for page in answered for e in page["events"]] == [e["id"] for e in whole["events"]]
    wholly = {(r["a"]["code"], r["b"]["code"]): r for r in whole["relations"]}
    assert merged_relations(answered) == wholly
    assert {page["as_of_position"] for page in answered} == {whole["as_of_position"]}


def test_each_page_of_changes_lists_only_the_relations_its_events_touched(client: TestClient) -> None:
    for page in pages(client, "/v1/changes", **WHOLE_SPAN, limit=3):
        on_page = {e["id"] for e in page["events"]}  # an entity's end touches each of its relations
        assert {i for relation in page["relations"] for i in relation["events"]} == on_page
        assert all(relation["events"] for relation in page["relations"])


def test_changes_of_one_entity_page_the_same_way(client: TestClient) -> None:
    query = {"from": "2012", "to": "2018", "entity": "PAN"}
    whole = ok(client.get("/v1/changes", params=query))
    answered = pages(client, "/v1/changes", **query, limit=2)
    assert len(answered) > 1
    assert [e["id"] for page in answered for e in page["events"]] == [e["id"] for e in whole["events"]]
    assert all(page["entity"]["code"] == "PAN" for page in answered)


def test_the_pages_of_a_timeline_together_are_the_whole_timeline(client: TestClient) -> None:
    whole = ok(client.get("/v1/relations/TWN/PAN/timeline"))
    answered = pages(client, "/v1/relations/TWN/PAN/timeline", limit=1)

    assert whole["next"] is None
    assert [len(page["events"]) for page in answered] == [1, 1]
    assert [e["id"] for page in answered for e in page["events"]] == [e["id"] for e in whole["events"]]
    key = ("facet", "item", "from", "event")
    together = sorted(tuple(i[k] for k in key) for page in answered for i in page["intervals"])
    assert together == sorted(tuple(i[k] for k in key) for i in whole["intervals"])
    for page in answered:
        assert {i["event"] for i in page["intervals"]} <= {e["id"] for e in page["events"]}
        assert page["version"] == whole["version"]


@pytest.mark.parametrize("limit", [1, 5])
def test_the_pages_of_an_entitys_timelines_together_are_its_timelines(client: TestClient, limit: int) -> None:
    whole = ok(client.get("/v1/entities/PAN/timelines", params={"limit": 1000}))
    answered = pages(client, "/v1/entities/PAN/timelines", limit=limit)

    merged: dict[str, dict[str, Any]] = {}
    for page in answered:
        assert sum(len(timeline["events"]) for timeline in page["timelines"]) <= limit
        for timeline in page["timelines"]:
            begun = {i["event"] for i in timeline["intervals"] if i["status"] != "ended"}  # ended: by a party's end
            assert begun <= {e["id"] for e in timeline["events"]}
            known = merged.setdefault(timeline["b"]["code"], {**timeline, "events": [], "intervals": []})
            known["events"] += timeline["events"]
            known["intervals"] += timeline["intervals"]
    for timeline in merged.values():
        timeline["intervals"].sort(key=lambda i: (i["facet"], i["from"], i["item"]))
    assert list(merged.values()) == whole["timelines"]
    assert len(whole["timelines"]) == 10


def test_a_next_link_reads_the_snapshot_of_the_first_page(writable: TestClient) -> None:
    path = "/v1/relations/PAN/KOR/timeline"
    recorded = [e["occurred"] for e in ok(writable.get(path))["events"]]
    for occurred in ("2019", "2020", "2021"):
        ok(writable.post("/v1/events", json=korea_note(occurred), headers=WRITER), 201)
    first = ok(writable.get(path, params={"limit": 2}))
    ok(writable.post("/v1/events", json=korea_note("2022"), headers=WRITER), 201)

    answered = [first]
    while answered[-1]["next"] is not None:
        answered.append(ok(writable.get(answered[-1]["next"])))

    assert {page["as_of_position"] for page in answered} == {first["as_of_position"]}
    assert [e["occurred"] for page in answered for e in page["events"]] == [*recorded, "2019", "2020", "2021"]
    now = ok(writable.get(path, params={"limit": 1000}))
    assert [e["occurred"] for e in now["events"]] == [*recorded, "2019", "2020", "2021", "2022"]


def test_a_next_link_keeps_the_query_and_says_the_position_instead_of_a_time(client: TestClient) -> None:
    query = {**WHOLE_SPAN, "entity": "PAN", "limit": "2", "known_at": "2999-01-01T00:00:00Z"}
    first = ok(client.get("/v1/changes", params=query))
    link = urlsplit(first["next"])
    following = parse_qs(link.query)

    assert link.path == "/v1/changes"
    assert "known_at" not in following
    assert following["at_position"] == [str(first["as_of_position"])]
    assert {name: following[name] for name in ("from", "to", "entity", "limit")} == {
        "from": ["0001-01-01"], "to": ["9999-12-31"], "entity": ["PAN"], "limit": ["2"]
    }


@pytest.mark.parametrize(
    ("path", "cursor"),
    [
        ("/v1/changes", "2016-01-01_12"),  # a timeline's cursor, not one of changes
        ("/v1/changes", "2016-01-01_2015-01-01_x"),
        ("/v1/changes", "2016-01-01_2015-01-01_99999999999999999999"),
        ("/v1/relations/TWN/PAN/timeline", "2016-01-01_2015-01-01_12"),
        ("/v1/relations/TWN/PAN/timeline", "2016-01-01_12\n"),
        ("/v1/relations/TWN/PAN/timeline", "' OR 1=1 --"),
    ],
)
def test_a_cursor_no_page_ends_with_is_refused(client: TestClient, path: str, cursor: str) -> None:
    body = problem(client.get(path, params={**WHOLE_SPAN, "cursor": cursor}), 422)
    assert "cursor" in body["detail"]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "many"])
def test_a_page_holds_between_one_and_a_thousand_events(client: TestClient, limit: str) -> None:
    problem(client.get("/v1/changes", params={**WHOLE_SPAN, "limit": limit}), 422)
    problem(client.get("/v1/relations/TWN/PAN/timeline", params={"limit": limit}), 422)


def test_a_cursor_past_the_last_event_is_an_empty_last_page(client: TestClient) -> None:
    answer = ok(client.get("/v1/relations/TWN/PAN/timeline", params={"cursor": "9999-12-31_0"}))
    assert (answer["events"], answer["intervals"], answer["next"]) == ([], [], None)
