"""A relation's history as rows: each fact and the days it held (the fold, stored)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import Fact, State
from domain.history import apply, in_valid_order


@dataclass(frozen=True)
class Held:
    """One fact and the valid-time days ``[start, end)`` it held; ``end`` None: still holds."""

    facet: str
    item: str
    value: str
    event_id: str
    since: str
    start: date
    end: date | None

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.facet, self.item, self.value, self.event_id)


def items(state: State) -> Iterator[tuple[str, str, dict[str, Any], Fact]]:
    """Every fact a state holds: (facet, item, value, event behind it)."""
    if state.status_event is not None:
        yield "diplomatic", "status", {"status": state.status.value}, state.status_event
    for (recognizer, recognized), fact in state.recognitions.items():
        yield "recognition", f"{recognizer}>{recognized}", {"recognizer": recognizer, "recognized": recognized}, fact
    for (sender, host, level), fact in state.missions.items():
        yield "mission", f"{sender}>{host}:{level}", {"sender": sender, "host": host, "level": level}, fact
    for agreement, fact in state.agreements.items():
        value = {
            "agreement": agreement,
            "kind": fact.attributes.get("kind"),
            "title": fact.attributes.get("title"),
        }
        yield "agreement", agreement, value, fact
    for (member, body), membership in state.memberships.items():
        value = {"member": member, "body": body, "status": membership.status.value, "role": membership.role}
        yield "membership", f"{member}>{body}", value, membership.event


def states_by_day(facts: Iterable[Fact]) -> Iterator[tuple[date, State]]:
    """The state on each day it can change: ``fold_on`` for every breakpoint, computed in one sweep.

    Facts become certain as the days pass. When the newly certain ones all start no earlier than
    those already applied (the common case), applying them on top equals folding afresh; otherwise
    the fold is done afresh.
    """
    by_last: dict[date, list[Fact]] = {}
    for fact in facts:
        by_last.setdefault(fact.occurred.window.last, []).append(fact)
    applied: list[Fact] = []
    state = State()
    for day in sorted(by_last):
        arriving = in_valid_order(by_last[day])
        if applied and arriving[0].sort_key < applied[-1].sort_key:
            applied = in_valid_order([*applied, *arriving])
            state = State()
            for fact in applied:
                state = apply(state, fact, strict=False)
        else:
            for fact in arriving:
                state = apply(state, fact, strict=False)
            applied += arriving
        yield day, state


def intervals(facts: Iterable[Fact]) -> list[Held]:
    """Merge the days each fact held unchanged, from the state on each day it can change."""
    open_: dict[tuple[str, str, str, str], Held] = {}
    closed: list[Held] = []
    for day, state in states_by_day(facts):
        now = {}
        for facet, item, value, fact in items(state):
            held = Held(facet, item, json.dumps(value, sort_keys=True), str(fact.id), fact.occurred.text, day, None)
            now[held.identity] = held
        for identity in list(open_):
            if identity not in now:
                held = open_.pop(identity)
                closed.append(Held(**{**held.__dict__, "end": day}))
        for identity, held in now.items():
            open_.setdefault(identity, held)
    return closed + list(open_.values())
