"""Keeps the read model from the log: pulls what is new, applies it with its tracking position.

The store numbers its entries (notification ids) but a PostgreSQL sequence can skip a number
when a transaction fails. Chancery's ``position`` is the entry's ordinal in the log instead:
1, 2, 3… with no gaps, assigned here in log order and kept in ``rm_log`` beside the store's id.

Each batch of entries and the new tracking position are written in one transaction, so a
projector that stops resumes where it stopped and never applies an entry twice. Any process may
call ``catch_up``: the writer right after each save, a reader that finds the model behind.
"""

from __future__ import annotations

import threading
from itertools import groupby
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification

from domain import (
    Chancery,
    Fact,
)
from projections.audit import GENESIS
from projections.batch import Batch, Key, Relations, chunks, current_rows, day_text, fact_of, row_key
from projections.columns import INTERVALS
from projections.intervals import Spans
from projections.reading import marks
from projections.stores import Cursor, Database

BATCH = 1000
LONG_LAG = 20_000  # a lag longer than this is caught up a chunk at a time, relation by relation
CHUNK = 100_000

LOCK_WAIT_SECONDS = 5.0


class Busy(Exception):
    """Another projector held the read model for longer than a reader will wait."""


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
            for chunk in chunks(withdrawn):
                cursor.execute(f"SELECT relation FROM rm_events WHERE id IN ({marks(chunk)})", chunk)
                touched |= {row["relation"] for row in cursor.fetchall()}
            update_intervals(cursor, sorted(touched), after)
            cursor.execute("UPDATE rm_tracking SET position = ? WHERE name = 'relations'", (position,))
        return position

    def _decoded(self, notification: Notification) -> DomainEvent:
        event = self.app.mapper.to_domain_event(notification)
        assert isinstance(event, DomainEvent)
        return event


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
    for chunk in chunks(keys):
        cursor.execute(
            "SELECT id, relation, a, b, type, subject, counterpart, occurred, attributes, version, position,"
            f" retracted_pos FROM rm_events WHERE relation IN ({marks(chunk)}) AND type <> 'note.recorded'"
            " ORDER BY relation, position",
            chunk,
        )
        events = cursor.fetchall()
        current = current_rows(cursor, chunk) if after else {key: {} for key in chunk}
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

    steps: list[tuple[int, Fact | None, Any]] = [(e["position"], fact_of(e), None) for e in events if e["position"] > after]
    steps += [(e["retracted_pos"], None, UUID(e["id"])) for e in events
              if e["retracted_pos"] is not None and e["retracted_pos"] > after]
    steps.sort(key=lambda step: step[0])
    spans, open_rows = Spans(fact_of(e) for e in events if known(e)), dict[Key, list[Any]]()
    rows: list[list[Any]] = []
    for position, fact, withdrawn in steps:
        ended, began = spans.add(fact) if fact is not None else spans.remove(withdrawn)
        for held in ended:
            if row_key(held) in open_rows:
                open_rows.pop(row_key(held))[-1] = position
            else:
                closed.append((position, current.pop(row_key(held))))
        for n, held in enumerate(sorted(began, key=row_key)):
            row = [f"{position}.{n}", relation, a, b, held.facet, held.item, held.value, held.event_id, held.since,
                   held.start.isoformat(), day_text(held.end), position, None]
            open_rows[row_key(held)] = row
            rows.append(row)
    opened += [tuple(row) for row in rows]


def _last_entry(cursor: Cursor) -> tuple[int, str]:
    """The position and chain hash of the newest entry applied."""
    cursor.execute("SELECT position, hash FROM rm_log ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return (int(row["position"]), str(row["hash"])) if row else (0, GENESIS)


def _tracking(cursor: Cursor) -> int:
    cursor.execute("SELECT position FROM rm_tracking WHERE name = 'relations'")
    row = cursor.fetchone()
    return int(row["position"]) if row else 0


