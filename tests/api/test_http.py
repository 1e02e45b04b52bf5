"""The HTTP API as a client sees it: the seed data set on real stores, through an ASGI client."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.seed import load, seed_directory
from api.service import Service
from api.settings import Settings
from tests.conftest import SHARED

TOKEN = "secret-token"
WRITER = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM = "application/problem+json"
SEED_EVENTS = 39  # relation events in data/events.jsonl

SEED_DOCUMENTS = SHARED / "seeds"

SOURCE = [{"title": "A test source", "quote": "as the test says", "url": None}]


# Stores and clients


@contextmanager
def serving(database_url: str, tokens: str | None = f"alice:{TOKEN}") -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url, tokens=tokens, tokens_file=None))
    with TestClient(app) as client:
        yield client


def seed_store(database_url: str, seeded_file: Path) -> None:
    """Put the seed data set in an empty store: SQLite gets a copy of the seeded file, PostgreSQL a load."""
    if database_url.startswith("sqlite:///"):
        target = Path(database_url.removeprefix("sqlite:///"))
        for part in seeded_file.parent.glob(seeded_file.name + "*"):
            shutil.copyfile(part, target.parent / (target.name + part.name.removeprefix(seeded_file.name)))
        return
    service = Service(database_url)
    try:
        load(service, seed_directory(), "seed")
    finally:
        service.close()


@pytest.fixture
def writable(database_url: str, seeded_sqlite_file: Path) -> Iterator[TestClient]:
    """A client over a fresh seeded store of each kind, for tests that write."""
    seed_store(database_url, seeded_sqlite_file)
    with serving(database_url) as client:
        yield client


STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def seeded_server(kind: str, folder: Path, seeded_file: Path) -> Iterator[TestClient]:
    """A client over a new seeded store of ``kind``, removed afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'chancery.db'}"
        seed_store(url, seeded_file)
        with serving(url) as opened:
            yield opened
        return
    import psycopg

    dsn = os.environ["CHANCERY_TEST_POSTGRES"]
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        url = f"{dsn}{'&' if '?' in dsn else '?'}schema={schema}"
        seed_store(url, seeded_file)
        with serving(url) as opened:
            yield opened
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="module", params=STORES)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[TestClient]:
    """One seeded store of each kind shared by the tests that only read."""
    with seeded_server(request.param, tmp_path_factory.mktemp("read"), seeded_sqlite_file) as opened:
        yield opened


@pytest.fixture(scope="module", params=STORES)
def refusing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[TestClient]:
    """One seeded store of each kind shared by the tests whose writes must all be refused."""
    with seeded_server(request.param, tmp_path_factory.mktemp("refuse"), seeded_sqlite_file) as opened:
        yield opened


# Helpers


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


def event(kind: str, subject: str, counterpart: str, occurred: str, **attributes: str) -> dict[str, Any]:
    return {
        "type": kind,
        "subject": subject,
        "counterpart": counterpart,
        "occurred": occurred,
        "summary": f"{subject} and {counterpart}: {kind} ({occurred}).",
        "attributes": attributes,
        "sources": SOURCE,
    }


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
    ids |= {held["event"] for held in answer["recognition"]["held"]}
    for facet in ("missions", "agreements", "memberships"):
        ids |= {entry["event"] for entry in answer[facet]}
    return ids


def assert_sourced(answer: dict[str, Any]) -> None:
    """Every entry names its event, the answer lists exactly those, and each quote is in its document."""
    listed = {e["id"]: e for e in answer["events"]}
    assert set(listed) == cited_ids(answer)
    for listed_event in listed.values():
        assert listed_event["sources"], listed_event
        for source in listed_event["sources"]:
            assert source["quote"], listed_event
            if not SEED_DOCUMENTS.is_dir():
                continue
            document = _document_for(source["title"])
            assert document is not None, f"no seed document for {source['title']!r}"
            assert source["quote"] in document, source


# The must-show: Panama on 2016-01-01 and on 2017-06-13


def test_on_2016_01_01_panama_has_relations_with_taiwan_none_with_china_and_suspended_ones_with_the_sadr(
    client: TestClient,
) -> None:
    relations = relations_on(client, "PAN", "2016-01-01")

    assert status_of(relations, "TWN") == "established"
    assert relations["TWN"]["diplomatic"]["since"] == "1912~"
    assert status_of(relations, "CHN") == "none"
    assert status_of(relations, "ESH") == "suspended"
    assert relations["ESH"]["diplomatic"]["since"] == "2013-11-20"
    assert all(s["a"]["code"] == "PAN" for s in relations.values())


def test_the_sadr_is_reachable_by_its_alias(client: TestClient) -> None:
    answer = state(client, "PAN", "SADR", "2016-01-01")

    assert answer["b"]["code"] == "ESH"
    assert answer["diplomatic"]["status"] == "suspended"
    assert state(client, "PAN", "SADR", "2016-01-07")["diplomatic"]["status"] == "established"


def test_on_2017_06_13_panama_has_severed_taiwan_and_established_relations_with_china(
    client: TestClient,
) -> None:
    relations = relations_on(client, "PAN", "2017-06-13")

    assert status_of(relations, "TWN") == "severed"
    assert status_of(relations, "CHN") == "established"
    assert relations["CHN"]["recognition"]["a_recognizes_b"] is True
    assert relations["TWN"]["recognition"]["a_recognizes_b"] is False


@pytest.mark.parametrize("day", ["2016-01-01", "2017-06-13"])
def test_every_state_answer_names_its_events_and_their_quotes_are_in_the_documents(
    client: TestClient, day: str
) -> None:
    relations = relations_on(client, "PAN", day)

    assert relations
    for answer in relations.values():
        assert_sourced(answer)
    assert_sourced(state(client, "PAN", "TWN", day))


def test_a_pair_is_the_same_relation_whichever_way_it_is_asked(client: TestClient) -> None:
    forward = state(client, "PAN", "TWN", "2016-01-01")
    backward = state(client, "TWN", "PAN", "2016-01-01")

    assert (forward["a"]["code"], forward["b"]["code"]) == ("PAN", "TWN")
    assert (backward["a"]["code"], backward["b"]["code"]) == ("TWN", "PAN")
    assert forward["diplomatic"] == backward["diplomatic"]
    assert forward["diplomatic"]["status"] == "established"
    assert forward["recognition"]["a_recognizes_b"] is backward["recognition"]["b_recognizes_a"] is True
    assert forward["recognition"]["b_recognizes_a"] is backward["recognition"]["a_recognizes_b"] is False
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


@pytest.mark.parametrize(("day", "status"), [("1962-09-29", "none"), ("1962-09-30", "established")])
def test_south_korea_relations_are_established_on_1962_09_30(
    client: TestClient, day: str, status: str
) -> None:
    assert state(client, "PAN", "KOR", day)["diplomatic"]["status"] == status


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


def test_panama_sits_on_the_security_council_in_2008_with_its_role(client: TestClient) -> None:
    in_2008 = state(client, "Panama", "Security Council", "2008-06-01")
    in_2009 = state(client, "Panama", "Security Council", "2009-01-01")

    assert [(m["status"], m["role"], m["since"]) for m in in_2008["memberships"]] == [
        ("member", "non-permanent member", "2007-01-01")
    ]
    assert in_2009["memberships"] == []


# Timelines, changes, the log, the registry


def test_a_timeline_lists_the_events_in_valid_time_order_and_the_intervals_each_status_held(
    client: TestClient,
) -> None:
    timeline = ok(client.get("/v1/relations/TWN/PAN/timeline"))

    assert (timeline["a"]["code"], timeline["b"]["code"]) == ("TWN", "PAN")
    starts = [e["window"]["first"] for e in timeline["events"]]
    assert starts == sorted(starts)
    assert len(timeline["events"]) == 5
    diplomatic = [
        (i["status"], i["from"], i["to"]) for i in timeline["intervals"] if i["facet"] == "diplomatic"
    ]
    assert diplomatic == [("established", "1912-12-31", "2017-06-12"), ("severed", "2017-06-12", None)]
    recognized = [(i["from"], i["to"]) for i in timeline["intervals"] if i["facet"] == "recognition"]
    assert recognized == [("1912-12-31", "2017-06-12")]
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


def test_the_log_pages_walk_every_event_exactly_once(client: TestClient) -> None:
    everything = [e["id"] for e in log(client)]
    walked: list[str] = []
    positions: list[int] = []
    url: str | None = "/v1/events?limit=7"
    pages = 0
    while url is not None:
        page = ok(client.get(url))
        assert len(page["events"]) <= 7
        walked += [e["id"] for e in page["events"]]
        positions += [e["position"] for e in page["events"]]
        url = page["next"]
        pages += 1
        assert pages < 50, "the next links do not end"

    assert len(everything) == SEED_EVENTS
    assert walked == everything
    assert len(set(walked)) == len(walked)
    assert positions == sorted(positions)
    assert pages >= SEED_EVENTS // 7


def test_the_log_filters_by_entity_type_and_valid_time(client: TestClient) -> None:
    taiwan = ok(client.get("/v1/events", params={"entity": "Taiwan"}))["events"]
    established = ok(client.get("/v1/events", params={"type": "relations.established"}))["events"]
    in_2017 = ok(
        client.get("/v1/events", params={"occurred_from": "2017-01-01", "occurred_to": "2017-12-31"})
    )
    both = ok(
        client.get(
            "/v1/events", params={"entity": "PAN", "type": ["relations.severed", "relations.suspended"]}
        )
    )

    assert len(taiwan) == 5 and all("TWN" in (e["subject"], e["counterpart"]) for e in taiwan)
    assert {e["counterpart"] for e in established} == {"QING", "TWN", "CHN", "XKX", "ESH", "KOR"}
    assert all(e["type"] == "relations.established" for e in established)
    assert sorted(e["occurred"] for e in in_2017["events"]) == ["2017", *["2017-06-12"] * 4]
    assert {(e["type"], e["counterpart"]) for e in both["events"]} == {
        ("relations.severed", "TWN"),
        ("relations.suspended", "ESH"),
    }


def test_one_event_is_found_by_its_id(client: TestClient) -> None:
    first = log(client)[0]

    assert ok(client.get(f"/v1/events/{first['id']}")) == first
    missing = problem(client.get(f"/v1/events/{uuid.uuid4()}"), 404)
    assert "no event" in missing["detail"]


def test_the_registry_finds_taiwan_by_search_and_by_alias(client: TestClient) -> None:
    found = ok(client.get("/v1/entities", params={"q": "taiwan"}))
    roc = ok(client.get("/v1/entities/ROC"))
    everyone = ok(client.get("/v1/entities"))

    assert found[0]["code"] == "TWN"
    assert roc["code"] == "TWN" and "Republic of China" in roc["aliases"]
    assert {"PAN", "TWN", "CHN", "ESH", "XKX", "BRI", "UNSC"} <= {e["code"] for e in everyone}


def test_health_is_ok(client: TestClient) -> None:
    assert ok(client.get("/healthz")) == {"status": "ok"}


def test_liveness_answers_while_every_worker_thread_is_taken(client: TestClient) -> None:
    """A probe that queued behind busy worker threads would report a live server dead."""

    async def probe() -> tuple[int, bool]:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = 1
        taken, done = anyio.Event(), anyio.Event()

        async def take_the_only_thread() -> None:
            async with limiter:
                taken.set()
                await done.wait()

        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(take_the_only_thread)
                await taken.wait()
                with anyio.fail_after(10):
                    health = await http.get("/healthz")
                with anyio.move_on_after(0.5) as waiting:
                    await http.get("/v1/entities/PAN")  # a route answered in a worker thread waits
                done.set()
        return health.status_code, waiting.cancelled_caught

    assert anyio.run(probe) == (200, True)


# Errors


def test_an_unknown_entity_is_422_and_suggests_close_names(client: TestClient) -> None:
    body = problem(client.get("/v1/relations/PAN/Taiwn", params={"on": "2016-01-01"}), 422)

    assert "Taiwn" in body["detail"]
    assert "TWN" in [s["code"] for s in body["suggestions"]]


@pytest.mark.parametrize("on", ["2016-13-01", "yesterday", "2016", "2016-01-01~"])
def test_a_bad_on_date_is_422_naming_the_query_field(client: TestClient, on: str) -> None:
    body = problem(client.get("/v1/relations/PAN/TWN", params={"on": on}), 422)

    assert ["query", "on"] in [e["loc"] for e in body["errors"]]


def test_a_relation_of_an_entity_with_itself_is_422(client: TestClient) -> None:
    body = problem(client.get("/v1/relations/PAN/Panama"), 422)
    assert "two entities" in body["detail"]
    problem(client.get("/v1/relations/TWN/taiwan/timeline"), 422)


def test_unknown_routes_are_404_and_wrong_methods_405(client: TestClient) -> None:
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.delete("/v1/events"), 405)
    problem(client.put("/v1/relations/PAN/TWN", json={}), 405)


@pytest.mark.parametrize(
    ("path", "query", "where"),
    [
        ("/v1/relations/PAN/TWN", {"known_at": "2017-06-13T00:00:00"}, ["query", "known_at"]),
        ("/v1/relations/PAN/TWN", {"known_at": "0001-01-01T00:00:00+01:00"}, ["query", "known_at"]),
        (
            "/v1/relations/PAN/TWN",
            {"known_at": "2017-01-01T00:00:00Z", "at_position": "3"},
            ["query", "known_at"],
        ),
        ("/v1/relations/PAN/TWN", {"at_position": "-1"}, ["query", "at_position"]),
        ("/v1/events", {"after": str(2**64)}, ["query", "after"]),
        ("/v1/events", {"limit": "1001"}, ["query", "limit"]),
        ("/v1/events", {"type": "relations.improved"}, ["query", "type", 0]),
        ("/v1/events", {"occurred_from": "2017-02-30"}, ["query", "occurred_from"]),
        ("/v1/changes", {"from": "0001", "to": "0002"}, ["query", "from"]),
        ("/v1/changes", {"from": "2018", "to": "2013"}, ["query", "to"]),
        ("/v1/changes", {"to": "2013"}, ["query", "from"]),
        ("/v1/events/not-an-id", {}, ["path", "event_id"]),
    ],
)
def test_bad_query_values_are_422_problems_never_500(
    client: TestClient, path: str, query: dict[str, str], where: list[Any]
) -> None:
    body = problem(client.get(path, params=query), 422)

    assert where in [e["loc"] for e in body["errors"]]


# Writing


def test_writing_needs_a_known_bearer_token(refusing: TestClient) -> None:
    before = head(refusing)
    sent = event("note.recorded", "PAN", "KOR", "2020")

    missing = refusing.post("/v1/events", json=sent)
    wrong = refusing.post("/v1/events", json=sent, headers={"Authorization": "Bearer not-the-token"})
    basic = refusing.post("/v1/events", json=sent, headers={"Authorization": f"Basic {TOKEN}"})

    for response in (missing, wrong, basic):
        problem(response, 401)
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    assert "not-the-token" not in wrong.text
    assert head(refusing) == before


def test_a_server_without_tokens_says_it_is_read_only(database_url: str) -> None:
    with serving(database_url, tokens=None) as client:
        body = problem(
            client.post("/v1/events", json=event("note.recorded", "PAN", "KOR", "2020"), headers=WRITER), 401
        )
        assert ok(client.get("/healthz")) == {"status": "ok"}

    assert "read-only" in body["detail"]


def test_an_appended_event_is_stored_with_its_writer_and_changes_the_state(writable: TestClient) -> None:
    response = writable.post(
        "/v1/events", json=event("relations.suspended", "Panama", "ROK", "2020-03-01"), headers=WRITER
    )

    stored = ok(response, 201)
    assert response.headers["location"] == f"/v1/events/{stored['id']}"
    assert int(response.headers["chancery-position"]) == stored["position"]
    assert stored["recorded_by"] == "alice"
    assert (stored["subject"], stored["counterpart"]) == ("PAN", "KOR")
    assert stored["retracted"] is None
    assert ok(writable.get(response.headers["location"])) == stored
    assert state(writable, "PAN", "KOR", "2020-02-29")["diplomatic"]["status"] == "established"
    after = state(writable, "PAN", "KOR", "2020-03-01")
    assert after["diplomatic"] == {"status": "suspended", "since": "2020-03-01", "event": stored["id"]}
    assert stored["id"] in {e["id"] for e in after["events"]}


def test_no_response_ever_shows_a_token(writable: TestClient) -> None:
    responses = [
        writable.post("/v1/events", json=event("note.recorded", "PAN", "KOR", "2020"), headers=WRITER),
        writable.post(
            "/v1/events", json=event("relations.established", "PAN", "KOR", "1950"), headers=WRITER
        ),
        writable.post("/v1/events", json={"type": "note.recorded"}, headers=WRITER),
        writable.post("/v1/events", json=event("note.recorded", "PAN", "Taiwn", "2020"), headers=WRITER),
        writable.post("/v1/events/batch", json={"events": []}, headers=WRITER),
        writable.post(
            "/v1/events",
            json=event("note.recorded", "PAN", "KOR", "2020"),
            headers={"Authorization": f"Bearer {TOKEN}x"},
        ),
        writable.get("/v1/events", headers=WRITER),
        writable.get("/openapi.json"),
    ]

    assert [r.status_code for r in responses[:6]] == [201, 409, 422, 422, 422, 401]
    for response in responses:
        assert TOKEN not in response.text
        assert all(TOKEN not in value for value in response.headers.values())


def test_a_back_dated_event_that_makes_a_later_one_impossible_is_409_naming_both(
    refusing: TestClient,
) -> None:
    korea = state(refusing, "PAN", "KOR", "2000-01-01")
    before = head(refusing)

    body = problem(
        refusing.post(
            "/v1/events", json=event("relations.established", "PAN", "KOR", "1950"), headers=WRITER
        ),
        409,
    )

    established_1962 = korea["diplomatic"]["event"]
    assert established_1962 in [c["id"] for c in body["conflicting"]]
    assert established_1962 in body["detail"]
    assert body["state"]["diplomatic"] == "established"
    assert body["on"] == "1962-09-30"
    assert head(refusing) == before
    assert state(refusing, "PAN", "KOR", "1955-01-01")["diplomatic"]["status"] == "none"


def test_an_event_breaking_its_own_rule_is_409_with_the_state_on_its_date(refusing: TestClient) -> None:
    before = head(refusing)

    body = problem(
        refusing.post("/v1/events", json=event("relations.severed", "PAN", "KOR", "1950"), headers=WRITER),
        409,
    )

    assert body["state"]["diplomatic"] == "none"
    assert "relations.severed" in body["detail"]
    assert [c["type"] for c in body["conflicting"]] == ["relations.severed"]
    assert head(refusing) == before


def test_if_match_guards_a_relation_against_stale_writes(writable: TestClient) -> None:
    read = writable.get("/v1/relations/PAN/KOR", params={"on": "2000-01-01"})
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'

    stale = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "KOR", "2019"), headers={**WRITER, "If-Match": '"0"'}
    )
    body = problem(stale, 412)
    assert body["current_version"] == read.json()["version"]

    current = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "KOR", "2019"), headers={**WRITER, "If-Match": etag}
    )
    ok(current, 201)
    again = writable.post(
        "/v1/events", json=event("note.recorded", "PAN", "KOR", "2020"), headers={**WRITER, "If-Match": etag}
    )
    problem(again, 412)
    assert writable.get("/v1/relations/KOR/PAN").headers["etag"] != etag
    assert len(ok(writable.get("/v1/events", params={"entity": "KOR"}))["events"]) == 2


def test_a_retraction_marks_the_event_and_changes_the_state(writable: TestClient) -> None:
    established = state(writable, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]

    response = writable.post(
        f"/v1/events/{established}/retraction", json={"reason": "misread"}, headers=WRITER
    )

    retracted = ok(response)
    assert retracted["id"] == established
    assert retracted["retracted"]["reason"] == "misread"
    assert retracted["retracted"]["recorded_by"] == "alice"
    assert int(response.headers["chancery-position"]) == retracted["retracted"]["position"]
    assert ok(writable.get(f"/v1/events/{established}"))["retracted"] == retracted["retracted"]
    assert established in [e["id"] for e in log(writable)]
    assert state(writable, "PAN", "XKX", "2014-01-01")["diplomatic"]["status"] == "none"
    problem(
        writable.post(f"/v1/events/{established}/retraction", json={"reason": "twice"}, headers=WRITER), 409
    )


def test_a_retraction_that_would_orphan_a_later_event_is_refused(refusing: TestClient) -> None:
    suspended = state(refusing, "PAN", "ESH", "2014-01-01")["diplomatic"]["event"]
    resumed = state(refusing, "PAN", "ESH", "2016-01-07")["diplomatic"]["event"]
    before = head(refusing)

    body = problem(
        refusing.post(f"/v1/events/{suspended}/retraction", json={"reason": "x"}, headers=WRITER), 409
    )

    assert resumed in [c["id"] for c in body["conflicting"]]
    assert head(refusing) == before
    assert state(refusing, "PAN", "ESH", "2014-01-01")["diplomatic"]["status"] == "suspended"


def test_a_correction_replaces_an_event_at_once_and_the_old_answer_stays_readable(
    writable: TestClient,
) -> None:
    old = state(writable, "PAN", "XKX", "2013-08-28")
    known_before = log(writable)[-1]["recorded_at"]
    position_before = head(writable)
    replacement = event("relations.established", "Panama", "Kosovo", "2013-09-01")

    response = writable.post(
        f"/v1/events/{old['diplomatic']['event']}/correction",
        json={"reason": "the date was misread", "replacement": replacement},
        headers=WRITER,
    )

    corrected = ok(response, 201)
    new_id = corrected["replacement"]["id"]
    assert corrected["retracted"]["retracted"]["replaced_by"] == new_id
    assert response.headers["location"] == f"/v1/events/{new_id}"
    assert int(response.headers["chancery-position"]) == head(writable) == position_before + 2
    assert state(writable, "PAN", "XKX", "2013-08-28")["diplomatic"]["status"] == "none"
    assert state(writable, "PAN", "XKX", "2013-09-01")["diplomatic"]["since"] == "2013-09-01"
    for as_known in ({"at_position": position_before}, {"known_at": known_before}):
        then = state(writable, "PAN", "XKX", "2013-08-28", **as_known)
        assert then["diplomatic"] == old["diplomatic"], as_known
        assert then["as_of_position"] == position_before
        assert then["version"] == old["version"] == state(writable, "PAN", "XKX", "2013-08-28")["version"] - 2
        assert old["diplomatic"]["event"] in {e["id"] for e in then["events"] if e["retracted"] is None}


def test_a_correction_whose_replacement_breaks_a_rule_changes_nothing(refusing: TestClient) -> None:
    original = state(refusing, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"]
    before = head(refusing)

    response = refusing.post(
        f"/v1/events/{original}/correction",
        headers=WRITER,
        json={"reason": "wrong", "replacement": event("relations.suspended", "PAN", "XKX", "2013-09-01")},
    )

    problem(response, 409)
    assert head(refusing) == before
    assert ok(refusing.get(f"/v1/events/{original}"))["retracted"] is None
    assert state(refusing, "PAN", "XKX", "2014-01-01")["diplomatic"]["event"] == original


def test_a_batch_is_appended_whole(writable: TestClient) -> None:
    sent = [
        event("note.recorded", "PAN", "KOR", "2020"),
        event("mission.opened", "KOR", "PAN", "2020-05", level="embassy"),
    ]

    response = writable.post("/v1/events/batch", json={"events": sent}, headers=WRITER)

    stored = ok(response, 201)["events"]
    assert [e["type"] for e in stored] == ["note.recorded", "mission.opened"]
    assert int(response.headers["chancery-position"]) == stored[-1]["position"] == head(writable)
    missions = state(writable, "PAN", "KOR", "2020-06-01")["missions"]
    assert [(m["sender"], m["host"], m["level"]) for m in missions] == [("KOR", "PAN", "embassy")]


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        (event("relations.established", "PAN", "KOR", "2021"), 409),
        (event("note.recorded", "PAN", "Atlantis", "2021"), 422),
        (event("note.recorded", "PAN", "PAN", "2021"), 422),
    ],
)
def test_a_batch_with_one_bad_item_appends_nothing(
    refusing: TestClient, bad: dict[str, Any], status: int
) -> None:
    before, logged = head(refusing), log(refusing)
    sent = [event("note.recorded", "PAN", "KOR", "2020"), event("note.recorded", "PAN", "ESH", "2020"), bad]

    body = problem(refusing.post("/v1/events/batch", json={"events": sent}, headers=WRITER), status)

    assert body["index"] == 2
    assert head(refusing) == before
    assert log(refusing) == logged


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"occurred": "13 June 2017"}, ["body", "occurred"]),
        ({"occurred": "2017-02-30"}, ["body", "occurred"]),
        ({"type": "relations.improved"}, ["body", "type"]),
        ({"sources": []}, ["body", "sources"]),
        ({"sources": [{"title": "t", "url": "ftp://x"}]}, ["body", "sources", 0, "url"]),
        ({"summary": "a NUL \u0000 in the text"}, ["body", "summary"]),
        ({"unexpected": 1}, ["body", "unexpected"]),
    ],
)
def test_an_invalid_body_is_422_naming_the_field(
    refusing: TestClient, change: dict[str, Any], where: list[Any]
) -> None:
    before = head(refusing)

    body = problem(
        refusing.post(
            "/v1/events", json=event("note.recorded", "PAN", "KOR", "2020") | change, headers=WRITER
        ),
        422,
    )

    assert where in [e["loc"] for e in body["errors"]]
    assert head(refusing) == before
    assert ok(refusing.get("/v1/entities", params={"q": "korea"}))[0]["code"] == "KOR"


def test_a_mission_without_its_level_is_422(refusing: TestClient) -> None:
    body = problem(
        refusing.post("/v1/events", json=event("mission.opened", "PAN", "KOR", "2020"), headers=WRITER), 422
    )

    assert ["body", "attributes"] in [e["loc"] for e in body["errors"]]
    assert "level" in body["detail"]


def test_bad_writes_are_problems_never_500(refusing: TestClient) -> None:
    known, before = log(refusing)[0]["id"], head(refusing)
    cases = [
        (
            refusing.post(
                "/v1/events", content=b"{not json", headers={**WRITER, "content-type": "application/json"}
            ),
            422,
        ),
        (refusing.post("/v1/events", json=[1, 2], headers=WRITER), 422),
        (
            refusing.post(
                "/v1/events",
                json=event("note.recorded", "PAN", "KOR", "2020"),
                headers={**WRITER, "If-Match": "three"},
            ),
            422,
        ),
        (refusing.post(f"/v1/events/{uuid.uuid4()}/retraction", json={"reason": "x"}, headers=WRITER), 404),
        (refusing.post(f"/v1/events/{known}/retraction", json={"reason": ""}, headers=WRITER), 422),
        (
            refusing.post(
                f"/v1/events/{known}/retraction",
                json={"reason": "x"},
                headers={**WRITER, "If-Match": '"999"'},
            ),
            412,
        ),
        (
            refusing.post(
                "/v1/entities",
                json={"code": "ZZ", "name": "Zed", "kind": "state", "aliases": ["Panama"]},
                headers=WRITER,
            ),
            409,
        ),
        (
            refusing.post(
                "/v1/entities", json={"code": "ZZ", "name": "Zed\u0000", "kind": "state"}, headers=WRITER
            ),
            422,
        ),
    ]

    for response, status in cases:
        problem(response, status)
    assert head(refusing) == before
    assert ok(refusing.get("/v1/entities/PAN"))["code"] == "PAN"
