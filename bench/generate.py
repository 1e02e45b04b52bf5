"""A synthetic but realistic history, sized by its number of events and deterministic from a seed.

    .venv/bin/python bench/generate.py --events 100000 --seed 7 > history.jsonl
    .venv/bin/python bench/generate.py --events 100000 --entities > entities.jsonl
    .venv/bin/python bench/generate.py --events 20000 --check     # import it; every event must be taken

Every state has about ``--partners`` (100) partners at any size: state i is paired with the next
``partners / 2`` states, cyclically (with fewer states than that, every pair of states is related).
Each pair gets a valid run of about eight events — relations established, suspended, resumed,
severed; recognitions; embassies opened and closed; agreements signed — and states join, are
suspended from and leave a few organizations. Dates mix years, months and days, some of them
uncertain (``?``). The runs are interleaved at random, so the log is recorded out of valid-time
order; each relation's own events keep their valid order, as a careful archivist would enter them,
so every prefix of the history is valid too. So 100k events are about 250 states, 1M about 2,500.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ORGANIZATIONS = ["O01", "O02", "O03", "O04", "O05"]
JOIN_CHANCE = 0.5
SOURCE = [{"title": "Synthetic history", "quote": "generated", "url": None}]
PARTNERS = 100
PER_PAIR = 8
SLACK = 1.03  # plan a little more than asked, then stop at exactly the number asked for

WALK = {
    "none": [("relations.established", "established")],
    "established": [("relations.suspended", "suspended"), ("relations.severed", "severed"),
                    ("agreement", "established"), ("mission", "established")],
    "suspended": [("relations.resumed", "established"), ("relations.severed", "severed")],
    "severed": [("relations.established", "established")],
}

Event = dict[str, Any]


def code(index: int) -> str:
    return f"S{index:04d}"


def entities(states: int) -> list[dict[str, Any]]:
    """The entities a history of ``states`` states names: the states and the organizations."""
    found = [{"code": code(i), "name": f"State {i}", "kind": "state", "aliases": [f"state-{i}"]}
             for i in range(states)]
    found += [{"code": o, "name": f"Organization {o}", "kind": "organization", "aliases": []}
              for o in ORGANIZATIONS]
    return found


def related_pairs(states: int, partners: int = PARTNERS) -> list[tuple[str, str]]:
    """The related pairs of states: each state with the next ``partners // 2`` states, cyclically."""
    if states <= partners + 1:
        return [(code(i), code(j)) for i in range(states) for j in range(i + 1, states)]
    return [(code(i), code((i + step) % states)) for i in range(states) for step in range(1, partners // 2 + 1)]


def _date(rng: random.Random, day: date) -> str:
    choice = rng.random()
    if choice < 0.15:
        text = str(day.year)
    elif choice < 0.35:
        text = day.isoformat()[:7]
    else:
        text = day.isoformat()
    return text + ("?" if rng.random() < 0.05 else "")


def _event(type_: str, a: str, b: str, occurred: str, **attributes: Any) -> Event:
    return {"type": type_, "subject": a, "counterpart": b, "occurred": occurred,
            "summary": f"{a} {type_} {b}", "attributes": attributes, "sources": SOURCE}


def relation_run(rng: random.Random, a: str, b: str, length: int) -> list[Event]:
    """A valid run for one pair, its dates increasing with room for imprecise ones."""
    day, state, run = date(1816, 1, 1) + timedelta(days=rng.randrange(40_000)), "none", []
    agreements = missions = 0
    recognized = False
    for _ in range(length):
        day += timedelta(days=400 + rng.randrange(4000))
        if day.year > 2024:
            break
        day = day.replace(month=1, day=1) if rng.random() < 0.15 else day
        when = _date(rng, day)
        if day.month == 1 and day.day == 1 and rng.random() < 0.5:
            when = str(day.year)
        kind, after = rng.choice(WALK[state])
        if not recognized and kind == "relations.established":
            run.append(_event("recognition.granted", a, b, when))
            recognized = True
        if kind == "agreement":
            agreements += 1
            run.append(_event("agreement.signed", a, b, when, agreement=f"a{agreements}", kind="treaty", title="A treaty"))
        elif kind == "mission":
            if missions % 2 == 0:
                run.append(_event("mission.opened", a, b, when, level="embassy"))
            else:
                run.append(_event("mission.closed", a, b, when, level="embassy"))
            missions += 1
        else:
            run.append(_event(kind, a, b, when))
        state = after
    return run


def membership_run(rng: random.Random, state: str, body: str) -> list[Event]:
    day = date(1900 + rng.randrange(100), 1 + rng.randrange(12), 1 + rng.randrange(28))
    run = [_event("membership.joined", state, body, day.isoformat(), role="member")]
    if rng.random() < 0.3:
        run.append(_event("membership.suspended", state, body, (day + timedelta(days=3000)).isoformat()))
        run.append(_event("membership.reinstated", state, body, (day + timedelta(days=4000)).isoformat()))
    if rng.random() < 0.2:
        run.append(_event("membership.left", state, body, (day + timedelta(days=6000)).isoformat(), reason="withdrawal"))
    return run


@dataclass(frozen=True)
class Shape:
    """How many states a history of ``events`` events has, and how many partners each."""

    events: int
    states: int
    partners: int
    per_pair: int

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return related_pairs(self.states, self.partners)


def _mean_run(per_pair: int) -> tuple[float, float]:
    """Mean events of a relation's run and of a membership's run, from a fixed sample."""
    rng = random.Random(0)
    relation = sum(len(relation_run(rng, "A", "B", per_pair)) for _ in range(4000)) / 4000
    membership = sum(len(membership_run(rng, "A", "O")) for _ in range(4000)) / 4000
    return relation, membership


def shape(events: int, partners: int = PARTNERS, per_pair: int = PER_PAIR) -> Shape:
    """The fewest states whose expected history holds ``events`` events (with a little slack)."""
    relation, membership = _mean_run(per_pair)
    wanted, joined = events * SLACK, len(ORGANIZATIONS) * JOIN_CHANCE * membership
    states = 2
    while states <= partners + 1 and states * ((states - 1) / 2 * relation + joined) < wanted:
        states += 1
    if states > partners + 1:  # every state has its full set of partners: events grow with states
        states = max(states, math.ceil(wanted / (partners // 2 * relation + joined)))
    return Shape(events=events, states=states, partners=partners, per_pair=per_pair)


def history(events: int, seed: int = 7, partners: int = PARTNERS, per_pair: int = PER_PAIR) -> Iterator[Event]:
    """``events`` events of the history of ``shape(events)``'s states, interleaved at random.

    Each relation's own events come in valid-time order, so the history (and every prefix of it)
    is accepted; the log as a whole is recorded out of valid-time order.
    """
    plan = shape(events, partners, per_pair)
    rng = random.Random(seed)
    codes = [code(i) for i in range(plan.states)]
    runs = [relation_run(rng, a, b, per_pair) for a, b in plan.pairs]
    runs += [membership_run(rng, s, o) for s in codes for o in ORGANIZATIONS if rng.random() < JOIN_CHANCE]
    heads = [0] * len(runs)
    live = [i for i, run in enumerate(runs) if run]
    given = 0
    while live and given < events:
        pick = rng.randrange(len(live))
        index = live[pick]
        yield runs[index][heads[index]]
        given += 1
        heads[index] += 1
        if heads[index] == len(runs[index]):
            live[pick] = live[-1]
            live.pop()


def check(events: int, seed: int, partners: int, batch: int = 500) -> int:
    """Import the history into a fresh SQLite store through the application; the number refused."""
    from api.service import Service
    from domain import ChanceryError
    from events import EntityIn, EventIn
    from projections.process import tune_collector

    tune_collector()  # as the CLI's import does
    plan = shape(events, partners)
    with tempfile.TemporaryDirectory(prefix="chancery-generate-") as folder:
        service = Service(f"sqlite:///{Path(folder) / 'check.db'}")
        try:
            for entity in entities(plan.states):
                service.register_entity(EntityIn.model_validate(entity), "generate")
            sent = [EventIn.model_validate(e) for e in history(events, seed, partners)]
            for start in range(0, len(sent), batch):
                try:
                    service.import_many(sent[start : start + batch], "generate")
                except ChanceryError as refusal:
                    sys.stderr.write(f"refused in the batch from event {start}: {refusal.detail}\n")
                    return 1
            sys.stderr.write(f"{len(sent)} events of {plan.states} states imported, none refused\n")
        finally:
            service.close()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="how many events (default 100000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partners", type=int, default=PARTNERS, help="partners of each state (default 100)")
    parser.add_argument("--entities", action="store_true", help="print the entities instead of the events")
    parser.add_argument("--check", action="store_true", help="import the history into a scratch store instead")
    args = parser.parse_args()
    if args.check:
        raise SystemExit(check(args.events, args.seed, args.partners))
    plan = shape(args.events, args.partners)
    rows = entities(plan.states) if args.entities else history(args.events, args.seed, args.partners)
    for row in rows:
        sys.stdout.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
