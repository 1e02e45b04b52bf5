"""Log entries applied in memory, a batch at a time, then written with a few statements: the
projector's unit of work, and the relations whose intervals it keeps between batches."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent

from domain import AliasesAdded, EntityRegistered, EventRetracted, Fact, FactRecorded, RequestRecorded, to_fact
from events import EventType, recorded_date
from projections.audit import canonical, entry_of, kind_of, link, timestamp
from projections.columns import ENTITIES, EVENTS, INTERVALS, LOG, REQUESTS
from projections.intervals import Held, Spans
from projections.reading import marks
from projections.stores import Cursor

Key = tuple[str, str, str, str, date]


class Relations:
    """The intervals of the relations this projector wrote lately, and their current rows' ids.

    They are what the tables hold as of ``position``; a projector that finds the tracking
    position elsewhere (another process projected meanwhile) starts afresh. Bounded, least
    recently used first out.
    """

    def __init__(self, limit: int = 5_000):
        self.limit = limit
        self.held: OrderedDict[str, tuple[Spans, dict[Key, str]]] = OrderedDict()
        self.position = -1

    def get(self, relation: str) -> tuple[Spans, dict[Key, str]] | None:
        found = self.held.get(relation)
        if found is not None:
            self.held.move_to_end(relation)
        return found

    def put(self, relation: str, spans: Spans, rows: dict[Key, str]) -> None:
        self.held[relation] = (spans, rows)
        while len(self.held) > self.limit:
            self.held.popitem(last=False)

    def valid_at(self, position: int) -> None:
        if position != self.position:
            self.held.clear()
        self.position = position

    def forget(self) -> None:
        self.held.clear()
        self.position = -1


class Batch:
    """Log entries applied in memory, then written together: the relations they touch are read
    at most once, each entry's interval changes are computed at its own position, and the rows
    go in with a few statements."""

    def __init__(self, cursor: Cursor, events: list[DomainEvent], relations: Relations | None):
        """Without ``relations`` the batch writes no interval rows (a rebuild builds them after)."""
        self.cursor = cursor
        self.events = events
        self.relations = relations
        self.new_events: list[tuple[Any, ...]] = []
        self.withdrawn: list[tuple[Any, ...]] = []
        self.closed: list[tuple[int, str]] = []
        self.opened: list[tuple[Any, ...]] = []
        self.logged: list[tuple[Any, ...]] = []
        self.relation_of: dict[str, tuple[str, str, str]] = {}
        self.touched: set[str] = set()
        if relations is not None:
            self._load(relations)

    def _load(self, relations: Relations) -> None:
        """Bring every relation this batch touches into memory: facts and current interval rows."""
        cursor, keys, retracted = self.cursor, set(), []
        for event in self.events:
            if isinstance(event, FactRecorded):
                a, b = sorted((event.subject, event.counterpart))
                keys.add(f"{a}/{b}")
                self.relation_of[str(event.event_id)] = (f"{a}/{b}", a, b)
            elif isinstance(event, EventRetracted) and str(event.event_id) not in self.relation_of:
                retracted.append(str(event.event_id))
        for chunk in chunks(retracted):
            cursor.execute(f"SELECT id, relation, a, b FROM rm_events WHERE id IN ({marks(chunk)})", chunk)
            for row in cursor.fetchall():
                self.relation_of[row["id"]] = (row["relation"], row["a"], row["b"])
                keys.add(row["relation"])
        missing = sorted(key for key in keys if relations.get(key) is None)
        facts: dict[str, list[Fact]] = {key: [] for key in missing}
        rows: dict[str, dict[Key, str]] = {key: {} for key in missing}
        for chunk in chunks(missing):
            cursor.execute(
                "SELECT id, relation, type, subject, counterpart, occurred, attributes, version FROM rm_events"
                f" WHERE relation IN ({marks(chunk)}) AND retracted_pos IS NULL AND type <> 'note.recorded'",
                chunk,
            )
            for row in cursor.fetchall():
                facts[row["relation"]].append(fact_of(row))
            for relation, current in current_rows(cursor, chunk).items():
                rows[relation] |= current
        for key in missing:
            relations.put(key, Spans(facts[key]), rows[key])

    def apply(self, event: DomainEvent, notification: int, position: int, previous: str) -> str:
        """Apply one log entry at its ``position``; returns its chain hash."""
        at = timestamp(event.timestamp)
        if isinstance(event, FactRecorded):
            self._recorded(event, position, at)
        elif isinstance(event, EventRetracted):
            self._retracted(event, position, at)
        elif isinstance(event, EntityRegistered):
            self.cursor.execute(
                ENTITIES.insert(),
                (event.code, event.name, event.kind, json.dumps(event.aliases), position, at, event.recorded_by),
            )
        elif isinstance(event, AliasesAdded):
            self.cursor.execute("SELECT aliases FROM rm_entities WHERE code = ?", (event.code,))
            row = self.cursor.fetchone()
            known = json.loads(row["aliases"]) if row else []
            self.cursor.execute(
                "UPDATE rm_entities SET aliases = ? WHERE code = ?", (json.dumps([*known, *event.aliases]), event.code)
            )
        elif isinstance(event, RequestRecorded):
            self.cursor.execute(REQUESTS.insert(), (str(event.originator_id), position))
        entry = canonical(entry_of(event, position))
        chained = link(previous, entry)
        self.logged.append((position, notification, at, kind_of(event), entry, chained))
        return chained

    def write(self) -> None:
        """Rows in before the changes to them: an entry may close what an earlier one in the batch opened."""
        cursor = self.cursor
        if self.new_events:
            cursor.executemany(EVENTS.insert(leaving_out=("retracted_pos", "retraction")), self.new_events)
        if self.withdrawn:
            cursor.executemany("UPDATE rm_events SET retracted_pos = ?, retraction = ? WHERE id = ?", self.withdrawn)
        if self.opened:
            cursor.executemany(INTERVALS.insert(leaving_out=("to_pos",)), self.opened)
        if self.closed:
            cursor.executemany("UPDATE rm_intervals SET to_pos = ? WHERE id = ?", self.closed)
        if self.logged:
            cursor.executemany(LOG.insert(), self.logged)

    def _recorded(self, event: FactRecorded, position: int, at: str) -> None:
        a, b = sorted((event.subject, event.counterpart))
        relation = f"{a}/{b}"
        window = recorded_date(event.occurred).window
        self.new_events.append((
            str(event.event_id), position, relation, a, b, event.originator_version,
            event.event_type.value, event.subject, event.counterpart, event.occurred,
            window.first.isoformat(), window.last.isoformat(), event.summary,
            json.dumps(event.attributes), json.dumps(event.sources), at, event.recorded_by,
        ))
        if event.event_type is not EventType.NOTE_RECORDED:
            self.touched.add(relation)
        if self.relations is not None and event.event_type is not EventType.NOTE_RECORDED:
            self._changed(relation, a, b, position, lambda spans: spans.add(to_fact(event)))

    def _retracted(self, event: EventRetracted, position: int, at: str) -> None:
        retraction = {
            "id": str(event.retraction_id),
            "position": position,
            "reason": event.reason,
            "replaced_by": str(event.replaced_by) if event.replaced_by else None,
            "recorded_at": at,
            "recorded_by": event.recorded_by,
        }
        withdrawn = str(event.event_id)
        self.withdrawn.append((position, json.dumps(retraction), withdrawn))
        if self.relations is not None:
            assert withdrawn in self.relation_of, f"retraction of an event the read model lacks: {withdrawn}"
            relation, a, b = self.relation_of[withdrawn]
            self._changed(relation, a, b, position, lambda spans: spans.remove(event.event_id))

    def _changed(
        self, relation: str, a: str, b: str, position: int, change: Callable[[Spans], tuple[list[Held], list[Held]]]
    ) -> None:
        """Close the rows of ``relation`` that no longer hold as they were, open the new ones.

        A row whose end day changed is closed and replaced, so earlier knowledge stays answerable.
        """
        assert self.relations is not None
        found = self.relations.get(relation)
        assert found is not None
        spans, rows = found
        ended, began = change(spans)
        for held in ended:
            self.closed.append((position, rows.pop(row_key(held))))
        for n, held in enumerate(sorted(began, key=row_key)):
            row_id = rows[row_key(held)] = f"{position}.{n}"
            self.opened.append((
                row_id, relation, a, b, held.facet, held.item, held.value, held.event_id, held.since,
                held.start.isoformat(), day_text(held.end), position,
            ))


def current_rows(cursor: Cursor, keys: list[str]) -> dict[str, dict[Key, str]]:
    """The ids of the interval rows known now (``to_pos`` open) of each relation, by content."""
    found: dict[str, dict[Key, str]] = {key: {} for key in keys}
    cursor.execute(
        "SELECT id, relation, facet, item, value, event_id, from_day FROM rm_intervals"
        f" WHERE relation IN ({marks(keys)}) AND to_pos IS NULL",
        keys,
    )
    for row in cursor.fetchall():
        key = (row["facet"], row["item"], row["value"], row["event_id"], date.fromisoformat(row["from_day"]))
        found[row["relation"]][key] = row["id"]
    return found


def row_key(held: Held) -> Key:
    return (held.facet, held.item, held.value, held.event_id, held.start)


def chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fact_of(row: Any) -> Fact:
    return Fact(
        id=UUID(row["id"]),
        type=EventType(row["type"]),
        subject=row["subject"],
        counterpart=row["counterpart"],
        occurred=recorded_date(row["occurred"]),
        attributes=json.loads(row["attributes"]),
        seq=int(row["version"]),
    )


def day_text(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())
