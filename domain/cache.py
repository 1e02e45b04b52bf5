"""The relations a writer judges against: kept in memory, read from the store many at a time."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper, StoredEvent

from domain.relation import Relation, restored, restored_from_json

StoredEntry = tuple[UUID, int, str, bytes]
"""An aggregate's stored entry: its id, version, topic and state."""

EntriesReader = Callable[[Any, Sequence[UUID]], list[StoredEntry]]
"""Reads the entries of many aggregates from a recorder, in version order each."""

_PLAIN = json.JSONDecoder()
"""Reads a stored entry's JSON as it is, for :func:`restored_from_json`."""


def entries_one_by_one(recorder: Any, ids: Sequence[UUID]) -> list[StoredEntry]:
    """Any recorder's entries, an aggregate at a time (a store reads them many at a time)."""
    return [(s.originator_id, s.originator_version, s.topic, s.state) for i in ids for s in recorder.select_events(i)]


def relations_from(mapper: Mapper[UUID], rows: Iterable[StoredEntry]) -> dict[UUID, Relation]:
    """Relations from their stored entries, in version order each."""
    entries: dict[UUID, list[tuple[int, str, bytes]]] = {}
    for originator, version, topic, state in rows:
        entries.setdefault(originator, []).append((version, topic, state))
    return {originator: _restore(mapper, originator, stored) for originator, stored in entries.items()}


def _restore(mapper: Mapper[UUID], originator: UUID, entries: list[tuple[int, str, bytes]]) -> Relation:
    """A relation from its stored entries: read straight from their JSON when the store keeps it
    plain, else (or for an entry of another shape) through the library's mapper."""
    if mapper.cipher is None and mapper.compressor is None:
        try:
            return restored_from_json([(version, topic, _PLAIN.decode(state.decode())) for version, topic, state in entries])
        except (KeyError, TypeError, ValueError):
            pass
    events = []
    for version, topic, state in entries:
        event = mapper.to_domain_event(StoredEvent(originator, version, topic, state))
        assert isinstance(event, DomainEvent)
        events.append(event)
    return restored(events)


class Relations:
    """Relations this process has judged lately, kept as the store holds them.

    Before each write the log is read past the last entry this cache accounts for, and any
    relation another process has written since is dropped, so a write is judged against the
    stored history; a write that races past that check fails on the store's version key and is
    judged again. Bounded by events' worth of memory, least recently used first out: a relation
    weighs its events plus ``OVERHEAD``, what holding one more relation costs beside an event.
    """

    LIMIT = 200_000
    OVERHEAD = 3

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self.held: OrderedDict[UUID, tuple[Relation, int]] = OrderedDict()
        self.size = 0
        self.seen = 0

    def get(self, key: UUID) -> Relation | None:
        found = self.held.get(key)
        if found is None:
            return None
        self.held.move_to_end(key)
        return found[0]

    def put(self, relation: Relation) -> None:
        """Keep ``relation`` as it is now (again, after a write changed it)."""
        self.drop([relation.id])
        weight = relation.version + self.OVERHEAD
        self.held[relation.id] = (relation, weight)
        self.size += weight
        while self.size > self.limit:
            _, (_, weight) = self.held.popitem(last=False)
            self.size -= weight

    def drop(self, keys: Iterable[UUID]) -> None:
        for key in keys:
            found = self.held.pop(key, None)
            if found is not None:
                self.size -= found[1]

    def clear(self) -> None:
        self.held.clear()
        self.size = 0


