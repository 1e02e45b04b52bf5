"""A synthetic but realistic history, deterministic from a seed (run by hand or imported by benches).

    .venv/bin/python bench/generate.py --states 150 --seed 7 > history.jsonl

Every pair of states gets a valid run of events — relations established, suspended, resumed,
severed; recognitions; embassies opened and closed; agreements signed and ended — and states join,
are suspended from and leave a few organizations. Dates mix years, months and days. The runs are
interleaved at random, so the log is recorded out of valid-time order (each relation's own events
keep their order, as a careful archivist would enter them).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

ORGANIZATIONS = ["O01", "O02", "O03", "O04", "O05"]
SOURCE = [{"title": "Synthetic history", "quote": "generated", "url": None}]

WALK = {
    "none": [("relations.established", "established")],
    "established": [("relations.suspended", "suspended"), ("relations.severed", "severed"),
                    ("agreement", "established"), ("mission", "established")],
    "suspended": [("relations.resumed", "established"), ("relations.severed", "severed")],
    "severed": [("relations.established", "established")],
}


def entities(states: int) -> list[dict[str, Any]]:
    found = [{"code": f"S{i:04d}", "name": f"State {i}", "kind": "state", "aliases": [f"state-{i}"]}
             for i in range(states)]
    found += [{"code": code, "name": f"Organization {code}", "kind": "organization", "aliases": []}
              for code in ORGANIZATIONS]
    return found


def _date(rng: random.Random, day: date) -> str:
    choice = rng.random()
    if choice < 0.15:
        text = str(day.year)
    elif choice < 0.35:
        text = day.isoformat()[:7]
    else:
        text = day.isoformat()
    return text + ("?" if rng.random() < 0.05 else "")


def _event(type_: str, a: str, b: str, occurred: str, **attributes: Any) -> dict[str, Any]:
    return {"type": type_, "subject": a, "counterpart": b, "occurred": occurred,
            "summary": f"{a} {type_} {b}", "attributes": attributes, "sources": SOURCE}


def relation_run(rng: random.Random, a: str, b: str, length: int) -> list[dict[str, Any]]:
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


def membership_run(rng: random.Random, state: str, body: str) -> list[dict[str, Any]]:
    day = date(1900 + rng.randrange(100), 1 + rng.randrange(12), 1 + rng.randrange(28))
    run = [_event("membership.joined", state, body, day.isoformat(), role="member")]
    if rng.random() < 0.3:
        run.append(_event("membership.suspended", state, body, (day + timedelta(days=3000)).isoformat()))
        run.append(_event("membership.reinstated", state, body, (day + timedelta(days=4000)).isoformat()))
    if rng.random() < 0.2:
        run.append(_event("membership.left", state, body, (day + timedelta(days=6000)).isoformat(), reason="withdrawal"))
    return run


def history(states: int, seed: int, per_pair: int = 8) -> Iterator[dict[str, Any]]:
    """The events of the whole history, interleaved; each relation's own events in order."""
    rng = random.Random(seed)
    codes = [f"S{i:04d}" for i in range(states)]
    runs = [relation_run(rng, a, b, per_pair) for i, a in enumerate(codes) for b in codes[i + 1 :]]
    runs += [membership_run(rng, s, o) for s in codes for o in ORGANIZATIONS if rng.random() < 0.5]
    heads = [0] * len(runs)
    live = [i for i, run in enumerate(runs) if run]
    while live:
        pick = rng.randrange(len(live))
        index = live[pick]
        yield runs[index][heads[index]]
        heads[index] += 1
        if heads[index] == len(runs[index]):
            live[pick] = live[-1]
            live.pop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--entities", action="store_true", help="print the entities instead of the events")
    args = parser.parse_args()
    rows = entities(args.states) if args.entities else history(args.states, args.seed)
    for row in rows:
        sys.stdout.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
