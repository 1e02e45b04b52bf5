"""Chancery's own speed against the raw store's, measured in the same run.

    .venv/bin/python bench/bench_core.py [--events 2000] [--database-url postgresql://…]

Prints events per second for: the raw store (one event, one save), Chancery's append (rules judged,
read model brought up to date before it returns), catching up a read model left behind, and reads
of the state on a day (indexed look-ups) against folding the relation's log on every read.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent

from api.service import Service
from domain import fold_on, parse_store_url
from events import EntityIn, EventIn


class Noted(DomainEvent):
    payload: str


def raw_store(url_env: dict[str, str], count: int) -> float:
    app: Application[uuid.UUID] = Application(env={**url_env, "CREATE_TABLE": "y"})
    started = time.perf_counter()
    for _ in range(count):
        app.save(Noted(originator_id=uuid.uuid4(), originator_version=1, timestamp=Noted.create_timestamp(), payload="x"))
    return count / (time.perf_counter() - started)


def events_for(count: int, parties: list[str]) -> list[EventIn]:
    rng = random.Random(7)
    sent = []
    for i in range(count):
        a, b = rng.sample(parties, 2)
        sent.append(EventIn(type="note.recorded", subject=a, counterpart=b, occurred=f"{1900 + i % 120}-{1 + i % 12:02d}",
                            summary=f"note {i}", sources=[{"title": "bench", "quote": "q"}]))
    return sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    raw_url = args.database_url or f"sqlite:///{folder / 'raw.db'}"
    parties = [f"P{i:02d}" for i in range(20)]

    service = Service(url)
    for code in parties:
        service.register_entity(EntityIn(code=code, name=f"Party {code}", kind="state"), "bench")
    raw = raw_store(parse_store_url(raw_url).env(), args.events)

    sent = events_for(args.events, parties)
    started = time.perf_counter()
    for event in sent:
        service.append(event, "bench")
    appended = args.events / (time.perf_counter() - started)

    behind = events_for(args.events, parties)
    for event in behind:
        service.app.append(event, "bench")
    started = time.perf_counter()
    service.current()
    caught_up = args.events / (time.perf_counter() - started)

    reads = 300
    pairs = [tuple(random.Random(i).sample(parties, 2)) for i in range(reads)]
    started = time.perf_counter()
    for a, b in pairs:
        service.read.relation_state(a, b, date(1960, 1, 1))
    indexed = reads / (time.perf_counter() - started)
    started = time.perf_counter()
    for a, b in pairs:
        fold_on(service.app.relation(a, b).facts(), date(1960, 1, 1))
    folded = reads / (time.perf_counter() - started)
    service.close()

    print(f"store: {url.split(':')[0]}, {args.events} events")
    print(f"raw store, one event a save      {raw:10.0f} events/s   (baseline)")
    print(f"chancery append (judged+projected){appended:9.0f} events/s   {appended / raw:5.2f}x baseline")
    print(f"read model catch-up              {caught_up:10.0f} events/s   {caught_up / raw:5.2f}x baseline")
    print(f"state on a day, indexed          {indexed:10.0f} reads/s")
    print(f"state on a day, fold of the log  {folded:10.0f} reads/s    indexed is {indexed / folded:4.1f}x")


if __name__ == "__main__":
    main()
