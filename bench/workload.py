"""The work of one size: the history, as sent in process and over HTTP, the samples of reads and
the notes appended one by one; and the run's options."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from figures import say
from generate import SOURCE, entities, history, shape

from events import EntityIn, EventIn

BATCH = 500
MAX_BODY = 1024 * 1024
DAYS = [date(1900, 1, 1), date(1950, 6, 30), date(1990, 12, 31), date(2020, 1, 1)]


def label(size: int) -> str:
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def validated(raw: list[dict[str, Any]]) -> list[EventIn]:
    """The events as the service takes them (validated here, before any clock starts)."""
    sent = []
    started = time.monotonic()
    for done, event in enumerate(raw, start=1):
        sent.append(EventIn.model_validate(event))
        if done % 250_000 == 0:
            say(f"    validated {done:,}/{len(raw):,} events ({time.monotonic() - started:.0f}s)")
    return sent


@dataclass
class Workload:
    size: int
    states: int
    partners: int
    entities: list[EntityIn]
    sent: list[EventIn]
    bodies: list[bytes]
    reads: list[tuple[str, str, date]]
    entity_reads: list[tuple[str, date]]
    notes: list[dict[str, Any]]

    @classmethod
    def make(cls, size: int, seed: int, samples: int, singles: int) -> Workload:
        plan = shape(size)
        raw = list(history(size, seed))
        sent = validated(raw)
        bodies = []
        for start in range(0, len(raw), BATCH):
            body = json.dumps({"events": raw[start : start + BATCH]}).encode()
            if len(body) >= MAX_BODY:
                raise SystemExit(f"a batch of {BATCH} events is {len(body)} bytes, over the 1 MiB limit")
            bodies.append(body)
        rng = random.Random(seed + 1)
        pairs = plan.pairs
        reads = [(*rng.choice(pairs), rng.choice(DAYS)) for _ in range(samples)]
        states = sorted({a for a, _, _ in reads})
        entity_reads = [(rng.choice(states), day) for day in DAYS for _ in range(5)]
        notes = [
            {"type": "note.recorded", "subject": a, "counterpart": b, "occurred": day.isoformat(),
             "summary": f"Benchmark note {number}", "attributes": {}, "sources": SOURCE}
            for number, (a, b, day) in enumerate((*rng.choice(pairs), rng.choice(DAYS)) for _ in range(singles))
        ]
        return cls(size=len(sent), states=plan.states, partners=min(plan.partners, plan.states - 1),
                   entities=[EntityIn.model_validate(e) for e in entities(plan.states)], sent=sent, bodies=bodies,
                   reads=reads, entity_reads=entity_reads, notes=notes)


@dataclass
class Options:
    folder: Path
    database_url: str | None
    seed: int
    samples: int
    singles: int
    runner_sample: int
    wrk_threads: int
    wrk_connections: int
    wrk_seconds: float
    append_seconds: float
    http_import_events: int | None
    keep: bool
