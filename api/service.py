"""One object over the log and its read model, used alike by the HTTP API and the command line."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain import Chancery, FactRecorded, InvalidRelation, StoreUrl, Written, parse_store_url
from events import EntityIn, EventIn
from projections import (
    NOW,
    Changes,
    EntityOut,
    EntityRelations,
    EventOut,
    Projector,
    ReadModel,
    RelationState,
    Timeline,
    create_tables,
    open_database,
    timestamp,
)

READ_WAIT_SECONDS = 5.0


class NotCaughtUp(Exception):
    """The read model could not reach the log's head in time."""


class Service:
    def __init__(self, database_url: str):
        self.url: StoreUrl = parse_store_url(database_url)
        self.app = Chancery(env=self.url.env())
        self.db = open_database(self.url)
        create_tables(self.db)
        self.projector = Projector(self.app, self.db)
        self.read = ReadModel(self.db)

    def close(self) -> None:
        self.db.close()
        self.app.close()

    # Consistency

    def current(self, timeout: float = READ_WAIT_SECONDS) -> int:
        """Bring the read model to the log's head as it is now; the position reached."""
        deadline = time.monotonic() + timeout
        head = self.projector.head()
        while True:
            position = self.projector.catch_up(head)
            if position >= head:
                return position
            if time.monotonic() > deadline:
                raise NotCaughtUp(f"the read model is at {position}, the log at {head}")
            time.sleep(0.01)

    def as_of(self, known_at: datetime | None = None, at_position: int | None = None) -> int:
        """The log position a bitemporal read answers from, after catching up with the log."""
        head = self.current()
        if at_position is not None:
            return min(at_position, head)
        if known_at is not None:
            return self.read.position_at(timestamp(known_at))
        return NOW

    # Writes

    def register_entity(self, spec: EntityIn, by: str) -> tuple[EntityOut, bool, int]:
        written = self.app.register_entity(spec, by)
        self.current()
        entity = self.read.entity(spec.code)
        assert entity is not None
        return entity, written.created, written.position or entity.position

    def append(
        self, spec: EventIn, by: str, *, expected_version: int | None = None, event_id: UUID | None = None
    ) -> tuple[EventOut, bool]:
        written = self.app.append(spec, by, expected_version=expected_version, event_id=event_id)
        self.current()
        return self.read.event(_event_id(written)), written.created

    def append_many(self, specs: Sequence[EventIn], by: str) -> tuple[list[EventOut], int]:
        written = self.app.append_many(specs, by)
        self.current()
        return [self.read.event(e.event_id) for e in written.events], written.position  # type: ignore[attr-defined]

    def retract(self, event_id: UUID, reason: str, by: str, *, expected_version: int | None = None) -> tuple[EventOut, int]:
        self.current()
        a, b = self.read.relation_of(event_id)
        written = self.app.retract(a, b, event_id, reason, by, expected_version=expected_version)
        self.current()
        return self.read.event(event_id), written.position

    def correct(
        self, event_id: UUID, replacement: EventIn, reason: str, by: str, *, expected_version: int | None = None
    ) -> tuple[EventOut, EventOut, int]:
        self.current()
        a, b = self.read.relation_of(event_id)
        written = self.app.correct(a, b, event_id, replacement, reason, by, expected_version=expected_version)
        self.current()
        return self.read.event(event_id), self.read.event(_event_id(written)), written.position

    # Reads

    def code(self, name: str) -> str:
        return self.app.resolve(name).code

    def pair(self, a: str, b: str) -> tuple[str, str]:
        """The codes of two different entities."""
        first, second = self.code(a), self.code(b)
        if first == second:
            raise InvalidRelation(f"{a!r} and {b!r} are both {first}: a relation needs two entities")
        return first, second

    def relation_state(self, a: str, b: str, on: date, at: int | None = None) -> RelationState:
        return self.read.relation_state(*self.pair(a, b), on, self._at(at))

    def entity_relations(self, name: str, on: date, at: int | None = None) -> EntityRelations:
        return self.read.entity_relations(self.code(name), on, self._at(at))

    def timeline(self, a: str, b: str, at: int | None = None) -> Timeline:
        return self.read.timeline(*self.pair(a, b), self._at(at))

    def changes(self, start: date, end: date, entity: str | None = None, at: int | None = None) -> Changes:
        return self.read.changes(start, end, self.code(entity) if entity else None, self._at(at))

    def events(self, at: int | None = None, entity: str | None = None, **filters: Any) -> list[EventOut]:
        return self.read.events(at=self._at(at), entity=self.code(entity) if entity else None, **filters)

    def event(self, event_id: UUID, at: int | None = None) -> EventOut:
        return self.read.event(event_id, self._at(at))

    def _at(self, at: int | None) -> int:
        """Reads reflect every acknowledged write: with no position given, catch up first."""
        return self.as_of() if at is None else at


def _event_id(written: Written) -> UUID:
    recorded = [e for e in written.events if isinstance(e, FactRecorded)]
    return recorded[-1].event_id
