"""Entities registered through ``serve --workers 3`` on each store, by clients racing each other:
a registration is readable at once on every worker, and a name goes to one entity only."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import STORES, new_store
from tests.e2e.conftest import WRITER, serving

pytestmark = pytest.mark.e2e

REGISTERED = 30  # registrations a test makes one after another
POLLERS = 2  # clients that ask for each entity while it is being registered
RACERS = 12  # clients that register entities of the same alias at once
ROUNDS = 6


@pytest.fixture(scope="module", params=STORES)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of ``chancery serve --workers 3`` on a new, empty store of each kind."""
    folder = tmp_path_factory.mktemp("entity-races")
    with new_store(request.param, folder) as url, serving(folder, url, seed=False, workers=3) as server:
        yield str(server.http.base_url)


def entity(code: str, *aliases: str) -> dict[str, Any]:
    return {"code": code, "name": f"Entity {code}", "kind": "state", "aliases": list(aliases)}


def ask(base: str, path: str) -> httpx.Response:
    """A GET on a connection of its own, which any worker may take."""
    with httpx.Client(base_url=base, timeout=60) as fresh:
        return fresh.get(path)


def poll(base: str, codes: list[str], answers: list[httpx.Response]) -> None:
    """Ask for each entity until it is there: before that, an unknown entity (422)."""
    for code in codes:
        while (answer := ask(base, f"/v1/entities/{code}")).status_code == 422:
            assert answer.json()["type"].endswith("/unknown-entity"), answer.text
        answers.append(answer)


def test_a_registration_is_readable_at_once_on_every_worker_even_by_a_read_racing_it(base: str) -> None:
    codes = [f"RW{n:03d}" for n in range(REGISTERED)]
    racing: list[httpx.Response] = []
    pollers = [threading.Thread(target=poll, args=(base, codes, racing)) for _ in range(POLLERS)]
    for poller in pollers:
        poller.start()
    for code in codes:
        with httpx.Client(base_url=base, timeout=60) as writer:
            written = writer.post("/v1/entities", json=entity(code), headers=WRITER)
        assert written.status_code == 201, written.text
        read = ask(base, f"/v1/entities/{code}")
        assert read.status_code == 200, read.text
        assert read.json()["position"] == int(written.headers["Chancery-Position"])
    for poller in pollers:
        poller.join()
    assert [a.status_code for a in racing] == [200] * (REGISTERED * POLLERS), {a.text[:200] for a in racing}


def race(base: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    answers: list[httpx.Response] = []
    start = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            start.wait()
            answers.append(http.post("/v1/entities", json=body, headers=WRITER))

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_of_registrations_racing_for_one_alias_across_workers_exactly_one_wins(base: str) -> None:
    for round_ in range(ROUNDS):
        alias = f"The Contested Name {round_}"
        answers = race(base, [entity(f"AR{round_}X{n:02d}", alias) for n in range(RACERS)])
        won = [a for a in answers if a.status_code == 201]
        assert len(won) == 1, [a.json().get("code") for a in won]
        lost = [a for a in answers if a.status_code != 201]
        assert {(a.status_code, a.headers["content-type"]) for a in lost} == {(409, "application/problem+json")}
        assert all(alias in a.json()["detail"] for a in lost), {a.json()["detail"] for a in lost}
        assert ask(base, f"/v1/entities/{alias}").json()["code"] == won[0].json()["code"]
    report = ask(base, "/v1/audit/verify").json()
    assert report["ok"], report["findings"]
