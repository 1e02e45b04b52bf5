"""A relation's state on a date, its timeline and the changes in a span: the seed data set, on each store."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ok, relations_on, state
from tests.conftest import SHARED

SEED_DOCUMENTS = SHARED / "seeds"


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _document_for(title: str) -> str | None:
    """The seed document a source's title names: the one whose opening lines carry that title."""
    for path in sorted(SEED_DOCUMENTS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if _squashed(title) in _squashed("\n".join(text.splitlines()[:3])):
            return text
    return None


def cited_ids(answer: dict[str, Any]) -> set[str]:
    """The events each entry of a state answer says it rests on."""
    ids = {answer["diplomatic"]["event"]} - {None}
    ids |= {held["event"] for held in answer["recognition"]["held"] + answer["recognition"]["not_held"]}
    for facet in ("missions", "agreements", "memberships"):
        ids |= {entry["event"] for entry in answer[facet]}
    return ids


def assert_sourced(answer: dict[str, Any]) -> None:
    """Every entry names its event, the answer lists exactly those, and each quote is in its document."""
    listed = {e["id"]: e for e in answer["events"]}
    assert cited_ids(answer) == set(listed)
    for listed_event in listed.values():
        assert listed_event["sources"], listed_event
        for source in listed_event["sources"]:
            assert source["quote"], listed_event
            if not SEED_DOCUMENTS.is_dir():
                continue
            document = _document_for(source["title"])
            assert document is not None, f"no seed document for {source['title']!r}"
            assert source["quote"] in document, source


# The state of a pair on a date


def test_the_sadr_is_reachable_by_its_alias(client: TestClient) -> None:
    answer = state(client, "PAN", "SADR", "2016-01-01")

    assert answer["b"]["code"] == "ESH"
    assert answer["diplomatic"]["status"] == "suspended"
    assert state(client, "PAN", "SADR", "2016-01-07")["diplomatic"]["status"] == "established"


@pytest.mark.parametrize("day", ["2016-01-01", "2017-06-13"])
def test_every_state_answer_names_its_events_and_their_quotes_are_in_the_documents(
    client: TestClient, day: str
) -> None:
    relations = relations_on(client, "PAN", day)

    assert relations
    for answer in relations.values():
        assert_sourced(answer)
    assert_sourced(state(client, "PAN", "TWN", day))


def test_a_state_explains_itself_unless_asked_not_to(client: TestClient) -> None:
    explained = client.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01", "explain": "true"}).json()
    behind = {explained["diplomatic"]["event"], *(r["event"] for r in explained["recognition"]["held"])}
    assert {e["id"] for e in explained["events"]} == behind
    assert all(s["quote"] for e in explained["events"] for s in e["sources"])
    lean = client.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01", "explain": "false"}).json()
    assert lean["events"] == [] and lean["diplomatic"] == explained["diplomatic"]


def test_a_pair_is_the_same_relation_whichever_way_it_is_asked(client: TestClient) -> None:
    forward = state(client, "PAN", "TWN", "2016-01-01")
    backward = state(client, "TWN", "PAN", "2016-01-01")

    assert (forward["a"]["code"], forward["b"]["code"]) == ("PAN", "TWN")
    assert (backward["a"]["code"], backward["b"]["code"]) == ("TWN", "PAN")
    assert forward["diplomatic"] == backward["diplomatic"]
    assert forward["diplomatic"]["status"] == "established"
    assert forward["recognition"]["a_recognizes_b"] is backward["recognition"]["b_recognizes_a"] is True
    # Nothing recorded says whether Taiwan recognizes Panama: null, not false.
    assert forward["recognition"]["b_recognizes_a"] is backward["recognition"]["a_recognizes_b"] is None
    assert [e["id"] for e in forward["events"]] == [e["id"] for e in backward["events"]]
    assert forward["version"] == backward["version"]


@pytest.mark.parametrize(
    ("a", "b", "codes"),
    [
        ("Panama", "taiwan", ("PAN", "TWN")),
        ("panama", quote("People's Republic of China", safe=""), ("PAN", "CHN")),
        ("Republic%20of%20China", "PANAMA", ("TWN", "PAN")),
    ],
)
def test_names_and_aliases_in_paths_are_case_insensitive(
    client: TestClient, a: str, b: str, codes: tuple[str, str]
) -> None:
    answer = state(client, a, b, "2017-06-13")

    assert (answer["a"]["code"], answer["b"]["code"]) == codes


def test_china_and_taiwan_by_name_give_the_2017_switch(client: TestClient) -> None:
    china = state(client, "Panama", quote("People's Republic of China", safe=""), "2017-06-13")
    taiwan = state(client, "Panama", "taiwan", "2017-06-13")

    assert china["diplomatic"]["status"] == "established"
    assert china["diplomatic"]["since"] == "2017-06-12"
    assert taiwan["diplomatic"]["status"] == "severed"


# More dates from the documents


@pytest.mark.parametrize(
    ("day", "recognizes", "status"),
    [
        ("2009-01-15", False, "none"),
        ("2009-01-16", True, "none"),
        ("2013-08-26", True, "none"),
        ("2013-08-27", True, "established"),
    ],
)
def test_kosovo_is_recognized_on_2009_01_16_and_relations_hold_from_the_end_of_2013_08_27(
    client: TestClient, day: str, recognizes: bool, status: str
) -> None:
    answer = state(client, "PAN", "Kosovo", day)

    assert answer["b"]["code"] == "XKX"
    assert answer["recognition"]["a_recognizes_b"] is recognizes
    assert answer["diplomatic"]["status"] == status


@pytest.mark.parametrize(
    ("day", "status"),
    [("1908-12-31", "none"), ("1909-12-31", "established"), ("2009-12-30", "established"),
     ("2009-12-31", "ended"), ("2016-01-01", "ended")],
)
def test_relations_with_the_qing_dynasty_hold_from_1909_until_its_end_some_time_before_2010(
    client: TestClient, day: str, status: str
) -> None:
    answer = state(client, "PAN", "Qing%20dynasty", day)

    assert answer["diplomatic"]["status"] == status
    assert (answer["b"]["ended"], answer["b"]["successors"]) == ("1909/2009", ["TWN"])
    if status == "ended":
        assert answer["diplomatic"]["since"] == "1909/2009"
        ended = next(e for e in answer["events"] if e["id"] == answer["diplomatic"]["event"])
        assert (ended["type"], ended["attributes"]) == ("entity.ended", {"how": "revolution", "into": ["TWN"]})
    assert_sourced(answer)


@pytest.mark.parametrize("other", ["USA", "IND", "UNSC", "RIO"])
def test_where_the_documents_date_no_relations_the_status_is_unknown_not_none(client: TestClient, other: str) -> None:
    for day in ("1950-01-01", "2016-01-01", "2026-03-01"):
        assert state(client, "PAN", other, day)["diplomatic"] == {
            "status": "unknown", "since": None, "event": None, "inferred": False
        }


def test_panama_is_a_member_of_the_belt_and_road_initiative_in_2018_and_not_after_leaving_in_2025(
    client: TestClient,
) -> None:
    in_2018 = state(client, "PAN", "BRI", "2018-01-01")
    in_2025 = state(client, "PAN", "BRI", "2025-03-01")

    assert [(m["member"], m["body"], m["status"]) for m in in_2018["memberships"]] == [
        ("PAN", "BRI", "member")
    ]
    assert in_2025["memberships"] == []
    assert_sourced(in_2018)


def test_a_joining_dated_only_2017_is_pending_on_2017_06_01_and_not_applied(client: TestClient) -> None:
    answer = state(client, "PAN", "BRI", "2017-06-01")

    assert answer["memberships"] == []
    assert [(p["type"], p["occurred"]) for p in answer["pending"]] == [("membership.joined", "2017")]
    assert answer["pending"][0]["id"] not in {e["id"] for e in answer["events"]}


@pytest.mark.parametrize("day", ["2007-01-01", "2008-06-01", "2008-12-31"])
def test_panama_sits_on_the_security_council_for_the_two_years_of_its_term_with_its_role(
    client: TestClient, day: str
) -> None:
    seated = state(client, "Panama", "Security Council", day)

    assert [(m["status"], m["role"], m["since"]) for m in seated["memberships"]] == [
        ("member", "non-permanent member", "2007-01-01")
    ]
    assert_sourced(seated)


@pytest.mark.parametrize("day", ["2006-12-31", "2009-01-01"])
def test_panama_does_not_sit_on_the_security_council_outside_its_term(client: TestClient, day: str) -> None:
    assert state(client, "Panama", "Security Council", day)["memberships"] == []


# Timelines and changes


def test_a_timeline_lists_the_events_in_valid_time_order_and_the_intervals_each_status_held(
    client: TestClient,
) -> None:
    timeline = ok(client.get("/v1/relations/TWN/PAN/timeline"))

    assert (timeline["a"]["code"], timeline["b"]["code"]) == ("TWN", "PAN")
    starts = [e["window"]["first"] for e in timeline["events"]]
    assert starts == sorted(starts)
    assert [(e["type"], e["occurred"]) for e in timeline["events"]] == [
        ("relations.severed", "2017-06-12"), ("recognition.withdrawn", "2017-06-12")
    ]
    diplomatic = [
        (i["status"], i["from"], i["to"], i["since"]) for i in timeline["intervals"] if i["facet"] == "diplomatic"
    ]
    # The documents date neither the recognition nor the relations: both are inferred from their end.
    assert diplomatic == [
        ("established", "0001-01-01", "2017-06-12", None), ("severed", "2017-06-12", None, "2017-06-12"),
    ]
    recognized = [(i["from"], i["to"], i["since"]) for i in timeline["intervals"] if i["status"] == "recognized"]
    assert recognized == [("0001-01-01", "2017-06-12", None)]
    named = {e["id"] for e in timeline["events"]}
    assert {i["event"] for i in timeline["intervals"]} <= named


def _changed(changes: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Panama's partners whose diplomatic status changed: (before, after)."""
    found = {}
    for r in changes["relations"]:
        other = r["b"]["code"] if r["a"]["code"] == "PAN" else r["a"]["code"]
        found[other] = (r["before"]["diplomatic"]["status"], r["after"]["diplomatic"]["status"])
    return found


@pytest.mark.parametrize("entity", [None, "PAN", "Panama"])
def test_changes_from_2013_to_2018_include_the_switch_to_china_and_the_sadr_suspension_and_resumption(
    client: TestClient, entity: str | None
) -> None:
    query = {"from": "2013", "to": "2018"} | ({"entity": entity} if entity else {})
    changes = ok(client.get("/v1/changes", params=query))

    changed = _changed(changes)
    assert changed["TWN"] == ("established", "severed")
    assert changed["CHN"] == ("none", "established")
    assert changed["XKX"] == ("none", "established")
    assert changed["ESH"] == ("established", "established")
    belt_and_road = next(r for r in changes["relations"] if "BRI" in (r["a"]["code"], r["b"]["code"]))
    assert belt_and_road["before"]["memberships"] == []
    assert [m["status"] for m in belt_and_road["after"]["memberships"]] == ["member"]
    kinds = {(e["type"], e["occurred"]) for e in changes["events"]}
    assert {("relations.suspended", "2013-11-20"), ("relations.resumed", "2016-01-07")} <= kinds
    assert {("relations.severed", "2017-06-12"), ("relations.established", "2017-06-12")} <= kinds
    assert all(
        e["window"]["last"] > "2012-12-31" and e["window"]["last"] <= "2018-12-31" for e in changes["events"]
    )
    if entity:
        assert changes["entity"]["code"] == "PAN"
        assert all(r["a"]["code"] == "PAN" for r in changes["relations"])
