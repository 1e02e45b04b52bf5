"""One object over the log and its read model, used alike by the HTTP API and the command line."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from domain import Chancery, FactRecorded, InvalidRelation, Keyed, Written
from events import EntityIn, EventIn
from projections import (
    NOW,
    AuditEntry,
    Busy,
    Changes,
    Digest,
    EntityOut,
    EntityRelations,
    EntityTimelines,
    EventOut,
    LogEntry,
    Projector,
    ReadModel,
    RelationState,
    Timeline,
    create_tables,
    timestamp,
)
from projections.models import Data
from projections.paging import Key, Paged
from projections.reading import Behind
from projections.stored import stored_data, stored_event
from projections.stores import open_store

READ_WAIT_SECONDS = 5.0
IMPORT_WAIT_SECONDS = 60.0  # how long a bulk import waits for another process's projector at the end
T = TypeVar("T")


@dataclass(frozen=True)
class Ack:
    """How a write was acknowledged: the position to read it at, and whether it was served before."""

    position: int
    replayed: bool = False


class NotCaughtUp(Exception):
    """The read model could not reach the log's head in time."""


class Service:
    def __init__(self, database_url: str, connect_timeout: float | None = None):
        """The store ``database_url`` names, waiting ``connect_timeout`` seconds at most for a
        connection to it (default: the store's own)."""
        self.store = open_store(database_url, connect_timeout)
        with self.store.opening():
            self.app = Chancery(env=self.store.settings(), stored_entries=self.store.stored_entries)
            self.store.bound_waits(self.app.recorder)
            self.db = self.store.database()
            create_tables(self.db)
        self.writing = self.store.writer_turn()
        self.projector = Projector(self.app, self.db, self.writing)
        self.read = ReadModel(self.db, self.store.log_head(self.app.recorder))
        self._placed: tuple[int, int] | None = None  # the store's number and position of an entry this process placed

    def close(self) -> None:
        self.db.close()
        self.app.close()

    # Consistency

    def head(self) -> int:
        """The store's number of the log's newest entry (0: an empty log)."""
        return self.projector.head()

    def current(self, timeout: float = READ_WAIT_SECONDS) -> None:
        """Bring the read model to the log's head as it is now (another process may be doing it)."""
        head = self.read.lag()
        if head is not None:
            self._catch_up(head, timeout)

    def _catch_up(self, head: int, timeout: float) -> None:
        try:
            self.projector.catch_up(head, timeout=timeout)
        except Busy as busy:
            raise NotCaughtUp(str(busy)) from None

    def as_of(self, known_at: datetime | None = None, at_position: int | None = None) -> int:
        """The log position a bitemporal read answers from, after catching up with the log."""
        self.current()
        if at_position is not None:
            return min(at_position, self.read.position())
        if known_at is not None:
            return self.read.position_at(timestamp(known_at))
        return NOW

    # Writes: each returns what the response shows and the log position that acknowledges it

    def register_entity(self, spec: EntityIn, by: str, request: Keyed | None = None) -> tuple[EntityOut, Written, Ack]:
        with self.writing, self.db.exclusive():
            written = self.app.register_entity(spec, by, request=request)
            self.current()
        entity = self.read.entity(written.results[0])
        assert entity is not None
        if self._served(written) != NOW:  # the names it was registered with, not those added since
            entity = entity.model_copy(update={"aliases": list(dict.fromkeys(spec.aliases))})
        return entity, written, self._acknowledged(written, entity.position)

    def append(
        self,
        spec: EventIn,
        by: str,
        *,
        expected_version: int | None = None,
        event_id: UUID | None = None,
        request: Keyed | None = None,
    ) -> tuple[EventOut, Written, Ack]:
        with self.writing, self.db.exclusive():
            written = self.app.append(spec, by, expected_version=expected_version, event_id=event_id, request=request)
            positions = self._place(written)
        if not written.created:
            event = self._read_back(UUID(written.results[0]), self._served(written))
            return event, written, self._acknowledged(written, event.position)
        new = written.events[0]
        assert isinstance(new, FactRecorded)
        return stored_event(new, positions[0]), written, Ack(positions[-1])

    def append_many(self, specs: Sequence[EventIn], by: str, request: Keyed | None = None) -> tuple[list[Data], Ack]:
        """Append a batch atomically; the stored events as JSON values (as ``EventOut`` shows them)."""
        with self.writing, self.db.exclusive():
            written = self.app.append_many(specs, by, request=request)
            positions = self._place(written)
        if not written.created:
            at = self._served(written)
            events = [self._read_back(UUID(i), at) for i in written.results]
            ack = self._acknowledged(written, max(e.position for e in events))
            return [e.model_dump(mode="json") for e in events], ack
        facts = [e for e in written.events if isinstance(e, FactRecorded)]
        return [stored_data(e, p) for e, p in zip(facts, positions, strict=False)], Ack(positions[-1])

    def import_many(self, specs: Sequence[EventIn], by: str) -> Written:
        """Append a batch atomically, leaving out events recorded before (ids from their content).

        It returns once the batch is judged and durable in the log; the read model takes it in at
        the next catch-up (any read, or ``current``), so a long import is not slowed by it.
        """
        with self.writing, self.db.exclusive():
            written = self.app.append_many(specs, by, event_ids=[spec.content_id() for spec in specs])
            self._place(written, catch_up=False)
            return written

    def add_aliases(self, code: str, aliases: Sequence[str], by: str) -> list[str]:
        """Give an entity more names; the names other entities hold are returned, not added."""
        with self.writing, self.db.exclusive():
            _, skipped = self.app.add_aliases(code, aliases, by)
            self.current()
        return skipped

    def retract(
        self, event_id: UUID, reason: str, by: str, *, expected_version: int | None = None, request: Keyed | None = None
    ) -> tuple[EventOut, Ack]:
        self.current()
        a, b = self.read.relation_of(event_id)
        with self.writing, self.db.exclusive():
            written = self.app.retract(a, b, event_id, reason, by, expected_version=expected_version, request=request)
            self.current()
        event = self.read.event(event_id, self._served(written))
        return event, self._acknowledged(written, event.retracted.position if event.retracted else event.position)

    def correct(
        self,
        event_id: UUID,
        replacement: EventIn,
        reason: str,
        by: str,
        *,
        expected_version: int | None = None,
        request: Keyed | None = None,
    ) -> tuple[EventOut, EventOut, Ack]:
        self.current()
        a, b = self.read.relation_of(event_id)
        with self.writing, self.db.exclusive():
            written = self.app.correct(
                a, b, event_id, replacement, reason, by, expected_version=expected_version, request=request
            )
            self.current()
        at = self._served(written)
        old, new = (self.read.event(UUID(i), at) for i in written.results)
        return old, new, self._acknowledged(written, new.position)

    def _place(self, written: Written, *, catch_up: bool = True) -> list[int]:
        """The position of each entry a write stored, in order.

        Positions count the log's entries, while the store's numbers can skip one (a PostgreSQL
        sequence does when an insert fails). Entries numbered right after the last entry this
        process placed take the positions right after it; otherwise the read model catches up and
        says where they stand (another process wrote meanwhile, or this is the first write).
        """
        numbers = list(written.positions)
        if not numbers:
            return []
        follows = self._placed is not None and numbers[0] == self._placed[0] + 1
        if follows and numbers[-1] - numbers[0] == len(numbers) - 1:
            assert self._placed is not None
            first = self._placed[1] + 1
        elif catch_up:
            self.current()
            placed = self.read.position_of(numbers[0])
            assert placed is not None, f"entry {numbers[0]} was stored but the read model did not place it"
            first = placed
        else:
            self._placed = None
            return []
        self._placed = (numbers[-1], first + len(numbers) - 1)
        return list(range(first, first + len(numbers)))

    def _read_back(self, event_id: UUID, at: int = NOW) -> EventOut:
        """An event recorded before, from the read model brought up to the log's head."""
        self.current()
        return self.read.event(event_id, at)

    def _served(self, written: Written) -> int:
        """The position a write's answer is read at: as known now, or, for a keyed request served
        before, as known when it was served. A retry gets the first answer again, not what later
        writes made of it (an event retracted since, an entity with more names)."""
        if written.positions or written.request is None:
            return NOW
        self.current()
        return self.read.request_position(written.request) or NOW

    def _acknowledged(self, written: Written, fallback: int) -> Ack:
        """The position a client can read its write at: this write's last entry, or the first one's."""
        if written.positions:
            return Ack(self.read.position_of(written.position) or fallback)
        if written.request is not None:
            return Ack(self.read.request_position(written.request) or fallback, replayed=True)
        return Ack(fallback)

    # Reads

    @property
    def reads_on_loop(self) -> bool:
        """Whether a read is a look-up in a local file (SQLite) rather than a round trip to a server."""
        return self.store.reads_on_loop

    def position(self) -> int:
        """The read model's newest position."""
        return self.read.position()

    def release(self) -> None:
        """Close what this thread holds of the store's on its own: call it in a thread that ends."""
        self.db.release()

    def ready(self) -> int:
        """The position of the log's head as found now, once the read model has applied it
        (``NotCaughtUp`` if it cannot in time). Later entries are not chased: under a stream of
        writes the model is never at the head at the very moment it is looked at."""
        head = self.head()
        self._catch_up(head, READ_WAIT_SECONDS)
        return self.position_of(head)

    def position_of(self, notification: int) -> int:
        """The position of the entry the store numbered ``notification`` (0: none applied)."""
        return self.read.position_of(notification) or 0

    def tracking(self) -> int:
        """The store's number of the last entry the read model applied."""
        return self.projector.tracking()

    def entries(self, after: int, limit: int) -> list[LogEntry]:
        """Log entries after a position, each with what it recorded, from the read model as it is."""
        return self.read.entries(after, limit)

    def audit_log(self, after: int = 0, limit: int = 1000) -> list[AuditEntry]:
        self.current()
        return self.read.audit_log(after, limit)

    def digest(self) -> Digest:
        self.current()
        return self.read.digest()

    def code(self, name: str) -> str:
        return self.app.resolve(name).code

    def find(self, name: str) -> EntityOut | None:
        """The entity a code, name or alias names (registrations by any process included), or None."""
        known = self.app.find(name)
        return self.entity(known.code) if known is not None else None

    def entity(self, name: str) -> EntityOut:
        """The entity a code, name or alias names, as the read model shows it.

        The name is resolved first, from the log (a registration by any process), and only then is
        the read model brought to the log's head, which holds that registration by then. The other
        way round, a registration saved in between would be found by name but not yet applied.
        """
        code = self.code(name)
        self.current()
        found = self.read.entity(code)
        if found is None:
            raise NotCaughtUp(f"{code} is registered, but the read model has not applied it yet")
        return found

    def entities(self, q: str | None = None) -> list[EntityOut]:
        self.current()
        return self.read.entities(q)

    def pair(self, a: str, b: str) -> tuple[str, str]:
        """The codes of two different entities."""
        first, second = self.code(a), self.code(b)
        if first == second:
            raise InvalidRelation(f"{a!r} and {b!r} are both {first}: a relation needs two entities")
        return first, second

    def relation_state(self, a: str, b: str, on: date, at: int | None = None, explain: bool = True) -> RelationState:
        return RelationState.model_validate(self.relation_state_data(a, b, on, at, explain))

    def relation_state_data(
        self, a: str, b: str, on: date, at: int | None = None, explain: bool = True, *, wait: bool = True
    ) -> Data:
        """The state as plain data, to answer with as it is."""
        first, second = self.pair(a, b)
        return self._answer(partial(self.read.relation_state_data, first, second, on, explain=explain), at, wait)

    def entity_relations(self, name: str, on: date, at: int | None = None, explain: bool = True) -> EntityRelations:
        return EntityRelations.model_validate(self.entity_relations_data(name, on, at, explain))

    def entity_relations_data(
        self, name: str, on: date, at: int | None = None, explain: bool = True, *, wait: bool = True
    ) -> Data:
        """Every relation of an entity as plain data, to answer with as it is."""
        code = self.code(name)
        return self._answer(partial(self.read.entity_relations_data, code, on, explain=explain), at, wait)

    def timeline(self, a: str, b: str, at: int | None = None) -> Timeline:
        return self._answer(partial(self.read.timeline, *self.pair(a, b)), at)

    def timeline_page(self, a: str, b: str, at: int | None, limit: int, after: Key | None) -> Paged[Timeline]:
        """A page of the pair's timeline: ``limit`` events after ``after``."""
        return self._answer(partial(self.read.timeline_page, *self.pair(a, b), limit=limit, after=after), at)

    def entity_timelines(self, name: str, at: int | None = None) -> EntityTimelines:
        return self._answer(partial(self.read.entity_timelines, self.code(name)), at)

    def entity_timelines_page(
        self, name: str, at: int | None, limit: int, after: Key | None
    ) -> Paged[EntityTimelines]:
        """A page of the timelines of an entity's relations: ``limit`` events after ``after``."""
        return self._answer(partial(self.read.entity_timelines_page, self.code(name), limit=limit, after=after), at)

    def changes(self, start: date, end: date, entity: str | None = None, at: int | None = None) -> Changes:
        return self._answer(partial(self.read.changes, start, end, self.code(entity) if entity else None), at)

    def changes_page(
        self, start: date, end: date, entity: str | None, at: int | None, limit: int, after: Key | None
    ) -> Paged[Changes]:
        """A page of what changed between two days: ``limit`` events after ``after``."""
        code = self.code(entity) if entity else None
        return self._answer(partial(self.read.changes_page, start, end, code, limit=limit, after=after), at)

    def events(self, at: int | None = None, entity: str | None = None, **filters: Any) -> list[EventOut]:
        return self._answer(partial(self.read.events, entity=self.code(entity) if entity else None, **filters), at)

    def event(self, event_id: UUID, at: int | None = None) -> EventOut:
        return self._answer(partial(self.read.event, event_id), at)

    def _answer(self, read: Callable[..., T], at: int | None, wait: bool = True) -> T:
        """``read`` as known at ``at``; with none given, as known now, from a read model that has
        applied every entry of the log as the read found it, so every acknowledged write. Without
        ``wait``, a read model behind the log raises ``Behind`` instead of catching up."""
        if at is not None:
            return read(at=at)
        if not wait:
            return read(at=NOW, fresh=True)
        deadline = time.monotonic() + READ_WAIT_SECONDS
        while True:
            try:
                return read(at=NOW, fresh=True)
            except Behind as behind:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise NotCaughtUp(
                        f"the read model did not reach the log's head within {READ_WAIT_SECONDS:g} s"
                    ) from None
                self._catch_up(behind.head, left)
