"""Keeps the read model from the log: pulls what is new, applies it with its tracking position.

The store numbers its entries (notification ids) but a PostgreSQL sequence can skip a number
when a transaction fails. Chancery's ``position`` is the entry's ordinal in the log instead:
1, 2, 3… with no gaps, assigned here in log order and kept in ``rm_log`` beside the store's id.

Each batch of entries and the new tracking position are written in one transaction, so a
projector that stops resumes where it stopped and never applies an entry twice. Any process may
call ``catch_up``: the writer right after each save, a reader that finds the model behind.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date
from itertools import groupby
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification

from domain import (
    AliasesAdded,
    Chancery,
    EntityRegistered,
    EventRetracted,
    Fact,
    FactRecorded,
    RequestRecorded,
    to_fact,
)
from events import EventType, parse_date
from projections.audit import GENESIS, canonical, entry_of, kind_of, link, timestamp
from projections.columns import ENTITIES, EVENTS, INTERVALS, LOG, REQUESTS
from projections.intervals import Held, Spans
from projections.stores import Cursor, Database

BATCH = 1000
LONG_LAG = 20_000  # a lag longer than this is caught up a chunk at a time, relation by relation
CHUNK = 100_000

Key = tuple[str, str, str, str, date]
LOCK_WAIT_SECONDS = 5.0


class Busy(Exception):
    """Another projector held the read model for longer than a reader will wait."""


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


class Projector:
    def __init__(self, app: Chancery, db: Database, lock: threading.RLock | None = None, batch: int = BATCH):
        self.app = app
        self.db = db
        self.lock = lock or threading.RLock()
        self.batch = batch
        self.relations = Relations()

    def tracking(self) -> int:
        """The store's id of the last entry applied."""
        with self.db.read() as cursor:
            return _tracking(cursor)

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def catch_up(self, until: int | None = None, timeout: float = LOCK_WAIT_SECONDS, *, intervals: bool = True) -> int:
        """Apply every entry up to ``until`` (default: the head now); return the store id reached.

        One projector runs at a time: in this process a lock, across processes the tracking
        row's lock. Whoever waits finds the work done when the lock comes free. Without
        ``intervals`` the interval rows are left for :func:`build_intervals` (a rebuild).
        """
        target = self.head() if until is None else until
        reached = self.tracking()
        if reached >= target:
            return reached  # nothing to do: no need to queue behind a projector
        if not self.lock.acquire(timeout=timeout):
            raise Busy(f"the read model did not reach position {target} within {timeout:g} s")
        try:
            position = self.tracking()
            while position < target:
                if intervals and target - position > LONG_LAG:
                    position = self._apply_chunk(min(target, position + CHUNK))
                else:
                    position = self._apply_batch(target, intervals)
        finally:
            self.lock.release()
        return position

    def _apply_batch(self, target: int, intervals: bool = True) -> int:
        with self.db.write() as cursor:
            self.db.lock_tracking(cursor)
            position = _tracking(cursor)
            if position >= target:
                return position
            notifications = self.app.recorder.select_notifications(start=position + 1, stop=target, limit=self.batch)
            ordinal, previous = _last_entry(cursor)
            self.relations.valid_at(position)
            self.relations.position = -1  # until this batch commits
            batch = Batch(cursor, [self._decoded(n) for n in notifications], self.relations if intervals else None)
            for notification, event in zip(notifications, batch.events, strict=True):
                ordinal += 1
                previous = batch.apply(event, notification.id, ordinal, previous)
                position = notification.id
            batch.write()
            if not notifications:
                position = target
            cursor.execute("UPDATE rm_tracking SET position = ? WHERE name = 'relations'", (position,))
        self.relations.position = position
        return position

    def _apply_chunk(self, stop: int) -> int:
        """A long stretch of the log in one transaction: its entries first, then the intervals of
        each relation they touch, relation by relation (as a rebuild does), not entry by entry."""
        self.relations.forget()
        with self.db.write() as cursor:
            self.db.lock_tracking(cursor)
            position = _tracking(cursor)
            if position >= stop:
                return position
            ordinal, previous = _last_entry(cursor)
            after, touched, withdrawn = ordinal, set[str](), list[str]()
            while position < stop:
                notifications = self.app.recorder.select_notifications(start=position + 1, stop=stop, limit=self.batch)
                if not notifications:
                    position = stop
                    break
                batch = Batch(cursor, [self._decoded(n) for n in notifications], None)
                for notification, event in zip(notifications, batch.events, strict=True):
                    ordinal += 1
                    previous = batch.apply(event, notification.id, ordinal, previous)
                    position = notification.id
                batch.write()
                touched |= batch.touched
                withdrawn += [row[2] for row in batch.withdrawn]
            for chunk in _chunks(withdrawn):
                cursor.execute(f"SELECT relation FROM rm_events WHERE id IN ({_marks(chunk)})", chunk)
                touched |= {row["relation"] for row in cursor.fetchall()}
            update_intervals(cursor, sorted(touched), after)
            cursor.execute("UPDATE rm_tracking SET position = ? WHERE name = 'relations'", (position,))
        return position

    def _decoded(self, notification: Notification) -> DomainEvent:
        event = self.app.mapper.to_domain_event(notification)
        assert isinstance(event, DomainEvent)
        return event


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
        for chunk in _chunks(retracted):
            cursor.execute(f"SELECT id, relation, a, b FROM rm_events WHERE id IN ({_marks(chunk)})", chunk)
            for row in cursor.fetchall():
                self.relation_of[row["id"]] = (row["relation"], row["a"], row["b"])
                keys.add(row["relation"])
        missing = sorted(key for key in keys if relations.get(key) is None)
        facts: dict[str, list[Fact]] = {key: [] for key in missing}
        rows: dict[str, dict[Key, str]] = {key: {} for key in missing}
        for chunk in _chunks(missing):
            cursor.execute(
                "SELECT id, relation, type, subject, counterpart, occurred, attributes, version FROM rm_events"
                f" WHERE relation IN ({_marks(chunk)}) AND retracted_pos IS NULL AND type <> 'note.recorded'",
                chunk,
            )
            for row in cursor.fetchall():
                facts[row["relation"]].append(_fact(row))
            for relation, current in _current_rows(cursor, chunk).items():
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
        window = parse_date(event.occurred).window
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
            self.closed.append((position, rows.pop(_key(held))))
        for n, held in enumerate(sorted(began, key=_key)):
            row_id = rows[_key(held)] = f"{position}.{n}"
            self.opened.append((
                row_id, relation, a, b, held.facet, held.item, held.value, held.event_id, held.since,
                held.start.isoformat(), _day(held.end), position,
            ))


def build_intervals(db: Database, relations_a_time: int = 2000) -> None:
    """Every relation's interval rows from its events, after a rebuild's pass over the log."""
    with db.read() as cursor:
        cursor.execute("SELECT DISTINCT relation FROM rm_events WHERE type <> 'note.recorded' ORDER BY relation")
        keys = [row["relation"] for row in cursor.fetchall()]
    for start in range(0, len(keys), relations_a_time):
        with db.write() as cursor:
            update_intervals(cursor, keys[start : start + relations_a_time], 0)


def update_intervals(cursor: Cursor, keys: list[str], after: int) -> None:
    """The interval rows of the relations ``keys`` for their events and retractions after position
    ``after``, one relation at a time: each change at its own position, as the projector makes
    them entry by entry, rows opened and closed in the stretch written once with both ends."""
    for chunk in _chunks(keys):
        cursor.execute(
            "SELECT id, relation, a, b, type, subject, counterpart, occurred, attributes, version, position,"
            f" retracted_pos FROM rm_events WHERE relation IN ({_marks(chunk)}) AND type <> 'note.recorded'"
            " ORDER BY relation, position",
            chunk,
        )
        events = cursor.fetchall()
        current = _current_rows(cursor, chunk) if after else {key: {} for key in chunk}
        opened: list[tuple[Any, ...]] = []
        closed: list[tuple[int, str]] = []
        for relation, rows in groupby(events, key=lambda row: row["relation"]):
            _relation_rows(list(rows), after, current[relation], opened, closed)
        cursor.executemany(INTERVALS.insert(), opened)
        cursor.executemany("UPDATE rm_intervals SET to_pos = ? WHERE id = ?", closed)


def _relation_rows(
    events: list[Any], after: int, current: dict[Key, str], opened: list[tuple[Any, ...]], closed: list[tuple[int, str]]
) -> None:
    """One relation's changes after ``after``, from its events (rows of ``rm_events``): the rows
    it opens, and the current rows (``current``, by content) it closes."""
    relation, a, b = events[0]["relation"], events[0]["a"], events[0]["b"]

    def known(event: Any) -> bool:
        return bool(event["position"] <= after and (event["retracted_pos"] is None or event["retracted_pos"] > after))

    steps: list[tuple[int, Fact | None, Any]] = [(e["position"], _fact(e), None) for e in events if e["position"] > after]
    steps += [(e["retracted_pos"], None, UUID(e["id"])) for e in events
              if e["retracted_pos"] is not None and e["retracted_pos"] > after]
    steps.sort(key=lambda step: step[0])
    spans, open_rows = Spans(_fact(e) for e in events if known(e)), dict[Key, list[Any]]()
    rows: list[list[Any]] = []
    for position, fact, withdrawn in steps:
        ended, began = spans.add(fact) if fact is not None else spans.remove(withdrawn)
        for held in ended:
            if _key(held) in open_rows:
                open_rows.pop(_key(held))[-1] = position
            else:
                closed.append((position, current.pop(_key(held))))
        for n, held in enumerate(sorted(began, key=_key)):
            row = [f"{position}.{n}", relation, a, b, held.facet, held.item, held.value, held.event_id, held.since,
                   held.start.isoformat(), _day(held.end), position, None]
            open_rows[_key(held)] = row
            rows.append(row)
    opened += [tuple(row) for row in rows]


def _current_rows(cursor: Cursor, keys: list[str]) -> dict[str, dict[Key, str]]:
    """The ids of the interval rows known now (``to_pos`` open) of each relation, by content."""
    found: dict[str, dict[Key, str]] = {key: {} for key in keys}
    cursor.execute(
        "SELECT id, relation, facet, item, value, event_id, from_day FROM rm_intervals"
        f" WHERE relation IN ({_marks(keys)}) AND to_pos IS NULL",
        keys,
    )
    for row in cursor.fetchall():
        key = (row["facet"], row["item"], row["value"], row["event_id"], date.fromisoformat(row["from_day"]))
        found[row["relation"]][key] = row["id"]
    return found


def _key(held: Held) -> Key:
    return (held.facet, held.item, held.value, held.event_id, held.start)


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)


def _last_entry(cursor: Cursor) -> tuple[int, str]:
    """The position and chain hash of the newest entry applied."""
    cursor.execute("SELECT position, hash FROM rm_log ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return (int(row["position"]), str(row["hash"])) if row else (0, GENESIS)


def _tracking(cursor: Cursor) -> int:
    cursor.execute("SELECT position FROM rm_tracking WHERE name = 'relations'")
    row = cursor.fetchone()
    return int(row["position"]) if row else 0


def _fact(row: Any) -> Fact:
    return Fact(
        id=UUID(row["id"]),
        type=EventType(row["type"]),
        subject=row["subject"],
        counterpart=row["counterpart"],
        occurred=parse_date(row["occurred"]),
        attributes=json.loads(row["attributes"]),
        seq=int(row["version"]),
    )


def _day(day: Any) -> str | None:
    return None if day is None else str(day.isoformat())
