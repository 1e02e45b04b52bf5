"""Racing writers: each event stored once or refused; the log stays gap-free and verifiable."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from api import audit
from api.service import Service
from domain import StateRuleViolated, VersionMismatch
from events import EntityIn
from tests.domain.builders import sent

PARTIES = [EntityIn(code=f"P{i:02d}", name=f"Party {i}", kind="state") for i in range(10)]


def race(workers: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def run(index: int) -> None:
        start.wait()
        try:
            results.append(work(index))
        except BaseException as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_of_eight_writers_racing_on_one_version_exactly_one_wins(database_url: str):
    services = [Service(database_url) for _ in range(4)]
    try:
        for entity in PARTIES[:2]:
            services[0].register_entity(entity, "t")
        kinds = ["relations.established"] * 8

        def write(index: int) -> Any:
            return services[index % 4].append(sent(kinds[index], f"19{10 + index}", "P00", "P01"), "t",
                                               expected_version=0)

        won, lost = race(8, write)
        assert len(won) == 1
        assert len(lost) == 7 and all(isinstance(e, VersionMismatch | StateRuleViolated) for e in lost), lost
        assert len(services[1].events(entity="P00")) == 1
    finally:
        for service in services:
            service.close()


def test_many_concurrent_appends_leave_a_gap_free_verifiable_log(database_url: str):
    services = [Service(database_url) for _ in range(4)]
    try:
        for entity in PARTIES:
            services[0].register_entity(entity, "t")
        per_worker = 25

        def write(index: int) -> list[str]:
            service, stored = services[index % 4], []
            for n in range(per_worker):
                other = PARTIES[1 + (index + n) % 9].code
                event, _, _ = service.append(sent("note.recorded", f"{1900 + n}", "P00", other), f"w{index}")
                stored.append(event.id)
            return stored

        written, errors = race(16, write)
        assert errors == []
        ids = [i for batch in written for i in batch]
        assert len(ids) == len(set(ids)) == 16 * per_worker
        services[0].current()
        log = list(audit.export(services[0]))
        assert len(log) == len(PARTIES) + len(ids)
        logged = [json.loads(line) for line in log]
        assert [e["position"] for e in logged] == list(range(1, len(logged) + 1))
        assert sorted(e["data"]["id"] for e in logged if e["kind"] == "note.recorded") == sorted(ids)
        assert audit.verify(services[0]).ok
    finally:
        for service in services:
            service.close()
