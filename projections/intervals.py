"""A relation's history as rows: each fact and the days it held (the fold, stored)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from domain import Fact, State
from domain.history import (
    DAWN,
    apply,
    entry_inferred,
    first_of_its_fact,
    government,
    in_valid_order,
    membership_inferred,
    prior,
    status_inferred,
)


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
    """Every fact a state records (of one facet, if given): (facet, item, value, event behind it).
    A value is marked ``inferred`` where its event implies it held before, not what it made; a
    recognition known not to hold is kept (``recognizes: false``), other facts only while they hold."""
    if facet in (None, "diplomatic") and state.status_event is not None:
        yield "diplomatic", "status", _marked({"status": state.status.value}, status_inferred(state)), state.status_event
    if facet in (None, "recognition"):
        for (recognizer, recognized), entry in state.recognitions.items():
            value: dict[str, Any] = {"recognizer": recognizer, "recognized": recognized}
            if not entry.holds:
                value["recognizes"] = False
            named = government(entry.event) if entry.holds else None
            if named is not None:
                value["government"] = named
            yield "recognition", f"{recognizer}>{recognized}", _marked(value, entry_inferred(entry, None)), entry.event
    if facet in (None, "mission"):
        for key, entry in state.missions.items():
            if entry.holds:
                sender, host, level = key
                value = {"sender": sender, "host": host, "level": level}
                yield "mission", f"{sender}>{host}:{level}", _marked(value, entry_inferred(entry, key)), entry.event
    if facet in (None, "agreement"):
        for agreement, entry in state.agreements.items():
            if entry.holds:
                fact = entry.event
                value = {"agreement": agreement, "kind": fact.attributes.get("kind"), "title": fact.attributes.get("title")}
                yield "agreement", agreement, _marked(value, entry_inferred(entry, agreement)), fact
    if facet in (None, "membership"):
        for (member, body), membership in state.memberships.items():
            if membership.status is not None:
                value = {"member": member, "body": body, "status": membership.status.value, "role": membership.role}
                yield "membership", f"{member}>{body}", _marked(value, membership_inferred(membership)), membership.event


def _marked(value: dict[str, Any], inferred: bool) -> dict[str, Any]:
    if inferred:
        value["inferred"] = True
    return value


def states_by_day(facts: Iterable[Fact]) -> Iterator[tuple[date, State]]:
    """The state on each day it can change: ``fold_on`` for every breakpoint, computed in one sweep,
    from what the first events imply held before anything (from the first day on).

    Facts become certain as the days pass. When the newly certain ones all start no earlier than
    those already applied (the common case), applying them on top equals folding afresh; otherwise
    the fold is done afresh.
    """
    by_last: dict[date, list[Fact]] = {}
    for fact in facts:
        by_last.setdefault(fact.occurred.window.last, []).append(fact)
    applied: list[Fact] = []
    before = prior(in_valid_order(fact for arriving in by_last.values() for fact in arriving))
    state = before
    yield DAWN, state
    for day in sorted(by_last):
        arriving = in_valid_order(by_last[day])
        if applied and arriving[0].sort_key < applied[-1].sort_key:
            applied = in_valid_order([*applied, *arriving])
            state = before
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
    """A fact held from ``day``; one inferred has no date of its own (``since`` empty)."""
    facet, item, value, fact = held
    since = "" if value.get("inferred") else fact.occurred.text
    return Held(facet, item, _SORTED.encode(value), str(fact.id), since, day, None)


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

    A fact that becomes certain after every other one, and is not the first event of its fact,
    only changes what holds from its last day on: the rows still open are closed there or kept, and what it adds opens there. Any other
    change recomputes the relation from its facts. Either way the result is ``intervals(facts)``.
    """

    def __init__(self, facts: Iterable[Fact]):
        self.facts = {fact.id: fact for fact in facts}
        self._recompute()

    def add(self, fact: Fact) -> tuple[list[Held], list[Held]]:
        """Record a fact; the intervals that ended or changed, and those that began."""
        last, latest = self.last, self.latest
        after_all = last is not None and latest is not None and fact.occurred.window.last > last and fact.sort_key > latest
        # The first event of a fact also says what held before it, from the first day: not only later.
        if after_all and not first_of_its_fact(self.state, fact):
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
