"""A relation's history as rows: each fact and the days it held (the fold, stored)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
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


def items(state: State, facet: str | None = None) -> Iterator[tuple[str, str, dict[str, Any], Fact]]:
    """Every fact a state holds (of one facet, if given): (facet, item, value, event behind it)."""
    if facet in (None, "diplomatic") and state.status_event is not None:
        yield "diplomatic", "status", {"status": state.status.value}, state.status_event
    if facet in (None, "recognition"):
        for (recognizer, recognized), fact in state.recognitions.items():
            value: dict[str, Any] = {"recognizer": recognizer, "recognized": recognized}
            yield "recognition", f"{recognizer}>{recognized}", value, fact
    if facet in (None, "mission"):
        for (sender, host, level), fact in state.missions.items():
            yield "mission", f"{sender}>{host}:{level}", {"sender": sender, "host": host, "level": level}, fact
    if facet in (None, "agreement"):
        for agreement, fact in state.agreements.items():
            value = {
                "agreement": agreement,
                "kind": fact.attributes.get("kind"),
                "title": fact.attributes.get("title"),
            }
            yield "agreement", agreement, value, fact
    if facet in (None, "membership"):
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
    return _sweep(facts)[0]


Identity = tuple[Any, ...]


def _now(state: State, only: str | None = None) -> dict[Identity, tuple[str, str, dict[str, Any], Fact]]:
    """What a state holds (of one facet, if given), by identity: an item, its value, the event behind it."""
    return {
        (facet, item, fact.id, *value.values()): (facet, item, value, fact)
        for facet, item, value, fact in items(state, only)
    }


_SORTED = json.JSONEncoder(sort_keys=True)  # as json.dumps(value, sort_keys=True), one encoder for all


def _opened(held: tuple[str, str, dict[str, Any], Fact], day: date) -> Held:
    facet, item, value, fact = held
    return Held(facet, item, _SORTED.encode(value), str(fact.id), fact.occurred.text, day, None)


def _sweep(facts: Iterable[Fact]) -> tuple[list[Held], dict[Identity, int], State]:
    """The intervals, where the still-open ones stand in that list, and the state after every fact."""
    open_: dict[Identity, Held] = {}
    closed: list[Held] = []
    state = State()
    for day, state in states_by_day(facts):
        now = _now(state)
        for identity in [i for i in open_ if i not in now]:
            closed.append(replace(open_.pop(identity), end=day))
        for identity, held in now.items():
            if identity not in open_:
                open_[identity] = _opened(held, day)
    found = closed + list(open_.values())
    return found, {identity: len(closed) + n for n, identity in enumerate(open_)}, state


class Spans:
    """One relation's intervals, kept as its facts arrive and go.

    A fact that becomes certain after every other one only changes what holds from its last day
    on: the rows still open are closed there or kept, and what it adds opens there. Any other
    change recomputes the relation from its facts. Either way the result is ``intervals(facts)``.
    """

    def __init__(self, facts: Iterable[Fact]):
        self.facts = {fact.id: fact for fact in facts}
        self._recompute()

    def add(self, fact: Fact) -> tuple[list[Held], list[Held]]:
        """Record a fact; the intervals that ended or changed, and those that began."""
        window = fact.occurred.window
        if self.last is None or self.latest is None or (window.last > self.last and fact.sort_key > self.latest):
            self.facts[fact.id] = fact
            return self._extend(fact)
        self.facts[fact.id] = fact
        return self._changed()

    def remove(self, fact_id: Any) -> tuple[list[Held], list[Held]]:
        """Withdraw a fact; the intervals that ended or changed, and those that began."""
        if self.facts.pop(fact_id, None) is None:
            return [], []
        return self._changed()

    def _recompute(self) -> None:
        self.held, self.open, self.state = _sweep(self.facts.values())
        self.last: date | None = max((f.occurred.window.last for f in self.facts.values()), default=None)
        self.latest: tuple[date, int] | None = max((f.sort_key for f in self.facts.values()), default=None)

    def _extend(self, fact: Fact) -> tuple[list[Held], list[Held]]:
        """Only the facet the fact touches can change, and only from the fact's last day on."""
        day, facet = fact.occurred.window.last, fact.type.facet.value
        before = _now(self.state, facet)
        self.state = apply(self.state, fact, strict=False)
        self.last, self.latest = day, fact.sort_key
        now = _now(self.state, facet)
        ended, began = [], []
        for identity in [i for i in before if i not in now]:
            index = self.open.pop(identity)
            ended.append(self.held[index])
            self.held[index] = replace(self.held[index], end=day)
            began.append(self.held[index])
        for identity, held in now.items():
            if identity not in before:
                self.open[identity] = len(self.held)
                self.held.append(_opened(held, day))
                began.append(self.held[-1])
        return ended, began

    def _changed(self) -> tuple[list[Held], list[Held]]:
        before = {_key(h): h for h in self.held}
        self._recompute()
        after = {_key(h): h for h in self.held}
        ended = [h for k, h in before.items() if after.get(k) != h]
        began = [h for k, h in after.items() if before.get(k) != h]
        return ended, began


def _key(held: Held) -> tuple[str, str, str, str, date]:
    return (held.facet, held.item, held.value, held.event_id, held.start)
