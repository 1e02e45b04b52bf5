"""Chancery's speed beside baselines measured in the same run (run by hand; prints a table, writes JSON).

    .venv/bin/python bench/bench.py --states 150            # about 100k events
    .venv/bin/python bench/bench.py --states 150 --database-url postgresql://postgres@127.0.0.1/test?schema=bench

Figures: bulk import through the application against the raw event store's bulk save of as many
events; single appends against single raw saves; the read model's rebuild against a projection
that writes one transaction per event; state of one relation and of an entity's relations, in
process, against folding the relation's log per request and against a hand-written SQL interval
query on an indexed table of the same data; the same over HTTP against /healthz of the same
server; the server's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent

sys.path.insert(0, str(Path(__file__).parent))
from generate import entities, history  # noqa: E402

from api import audit  # noqa: E402
from api.service import Service  # noqa: E402
from domain import fold_on, parse_store_url  # noqa: E402
from events import EntityIn, EventIn  # noqa: E402
from projections.db import Renamed  # noqa: E402
from projections.projector import Projector  # noqa: E402
from projections.schema import create_tables, drop_tables  # noqa: E402


class Noted(DomainEvent):
    payload: str


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def raw_bulk(env: dict[str, str], count: int, batch: int) -> float:
    app: Application[uuid.UUID] = Application(env={**env, "CREATE_TABLE": "y"})
    started = time.perf_counter()
    for start in range(0, count, batch):
        app.save(*(Noted(originator_id=uuid.uuid4(), originator_version=1, timestamp=Noted.create_timestamp(),
                         payload="x" * 200) for _ in range(min(batch, count - start))))
    return rate(count, time.perf_counter() - started)


def timed(calls: list[Any]) -> dict[str, float]:
    took = []
    for call in calls:
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    took.sort()
    return {"per_s": len(took) / sum(took), "p50_ms": 1000 * took[len(took) // 2],
            "p99_ms": 1000 * took[int(len(took) * 0.99) - 1]}


def hand_sql(path: str, pairs: list[tuple[str, str]], day: str) -> dict[str, float]:
    """The limit: the interval rows of a relation on a day, one indexed query, no framework."""
    connection = sqlite3.connect(path)
    query = ("SELECT facet, item, value, event_id FROM rm_intervals WHERE relation = ? AND to_pos IS NULL"
             " AND from_day <= ? AND (to_day IS NULL OR to_day > ?)")
    result = timed([lambda a=a, b=b: connection.execute(query, ("/".join(sorted((a, b))), day, day)).fetchall()
                    for a, b in pairs])
    connection.close()
    return result


def http_rate(base: str, paths: list[str], workers: int = 8, seconds: float = 5.0) -> float:
    done = [0] * workers
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            n = 0
            while time.perf_counter() < stop:
                assert http.get(paths[n % len(paths)]).status_code == 200
                n += 1
            done[index] = n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--states", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url")
    parser.add_argument("--output", default="bench/results.json")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    raw_url = args.database_url or f"sqlite:///{folder / 'raw.db'}"
    sent = [EventIn.model_validate(e) for e in history(args.states, args.seed)]
    figures: dict[str, Any] = {"events": len(sent), "store": url.split(":")[0]}

    service = Service(url)
    for entity in entities(args.states):
        service.register_entity(EntityIn.model_validate(entity), "bench")
    started = time.perf_counter()
    for start in range(0, len(sent), 500):
        service.import_many(sent[start : start + 500], "bench")
    figures["bulk_import"] = rate(len(sent), time.perf_counter() - started)
    figures["raw_bulk_save"] = raw_bulk(parse_store_url(raw_url).env(), len(sent), 500)

    singles = [EventIn.model_validate({**e.model_dump(mode="json"), "type": "note.recorded", "attributes": {}})
               for e in sent[:300]]
    figures["single_append"] = timed([lambda e=e: service.append(e, "bench") for e in singles])["per_s"]
    raw = Application(env={**parse_store_url(raw_url).env()})
    figures["raw_single_save"] = timed([
        lambda: raw.save(Noted(originator_id=uuid.uuid4(), originator_version=1,
                               timestamp=Noted.create_timestamp(), payload="x")) for _ in range(300)
    ])["per_s"]

    head = service.projector.head()
    started = time.perf_counter()
    audit.replay(service)
    figures["rebuild"] = rate(head, time.perf_counter() - started)
    one_by_one = Renamed(service.db, "r1")
    drop_tables(one_by_one)
    create_tables(one_by_one)
    projector, sample = Projector(service.app, one_by_one), min(head, 3000)
    started = time.perf_counter()
    for position in range(1, sample + 1):
        projector.catch_up(position)
    figures["one_transaction_per_event"] = rate(sample, time.perf_counter() - started)
    drop_tables(one_by_one)
    started = time.perf_counter()
    assert audit.verify(service).ok
    figures["verify"] = rate(head, time.perf_counter() - started)

    rng = random.Random(1)
    codes = [f"S{i:04d}" for i in range(args.states)]
    pairs = [tuple(rng.sample(codes, 2)) for _ in range(500)]
    day = date(1950, 1, 1)
    figures["state_in_process"] = timed([lambda a=a, b=b: service.read.relation_state(a, b, day, explain=False)
                                         for a, b in pairs])
    figures["state_explained_in_process"] = timed([lambda a=a, b=b: service.read.relation_state(a, b, day)
                                                   for a, b in pairs])
    figures["entity_in_process"] = timed([lambda a=a: service.read.entity_relations(a, day, explain=False)
                                          for a, _ in pairs[:100]])
    figures["naive_fold"] = timed([lambda a=a, b=b: fold_on(service.app.relation(a, b).facts(), day)
                                   for a, b in pairs])
    if url.startswith("sqlite"):
        figures["hand_sql"] = hand_sql(url[len("sqlite:///"):], pairs, day.isoformat())
    service.close()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CHANCERY_DATABASE_URL": url}
    server = subprocess.Popen([str(Path(sys.executable).parent / "chancery"), "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise SystemExit(f"chancery serve exited with {server.returncode}")
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        figures["http_healthz"] = http_rate(base, ["/healthz"])
        figures["http_state"] = http_rate(base, [f"/v1/relations/{a}/{b}?on=1950-01-01&explain=false" for a, b in pairs])
        figures["http_entity"] = http_rate(base, [f"/v1/entities/{a}/relations?on=1950-01-01&explain=false"
                                                  for a, _ in pairs[:50]])
        figures["server_rss_mb"] = rss_kb(server.pid) / 1024
    finally:
        server.terminate()
        server.wait(timeout=30)

    ratios = {
        "bulk import / raw bulk save (target >= 0.5)": figures["bulk_import"] / figures["raw_bulk_save"],
        "single append / raw single save": figures["single_append"] / figures["raw_single_save"],
        "rebuild / one transaction per event (target >= 5)": figures["rebuild"] / figures["one_transaction_per_event"],
        "HTTP state / healthz (target >= 0.5)": figures["http_state"] / figures["http_healthz"],
        "HTTP entity relations / healthz (target >= 0.2)": figures["http_entity"] / figures["http_healthz"],
        "in-process state / naive fold": figures["state_in_process"]["per_s"] / figures["naive_fold"]["per_s"],
    }
    if "hand_sql" in figures:
        ratios["in-process state time / hand SQL time (target <= 3)"] = (
            figures["hand_sql"]["per_s"] / figures["state_in_process"]["per_s"])
    figures["ratios"] = ratios
    print(f"{figures['events']} events on {figures['store']}; server RSS {figures['server_rss_mb']:.0f} MB")
    for name in ("bulk_import", "raw_bulk_save", "single_append", "raw_single_save", "rebuild",
                 "one_transaction_per_event", "verify", "http_healthz", "http_state", "http_entity"):
        print(f"  {name:28} {figures[name]:10.0f} /s")
    for name in ("state_in_process", "state_explained_in_process", "entity_in_process", "naive_fold", "hand_sql"):
        if name in figures:
            f = figures[name]
            print(f"  {name:28} {f['per_s']:10.0f} /s   p50 {f['p50_ms']:.3f} ms   p99 {f['p99_ms']:.3f} ms")
    for name, value in ratios.items():
        print(f"  {name:55} {value:6.2f}")
    Path(args.output).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
