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
import os
import threading
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification

from domain import AliasesAdded, Chancery, EntityRegistered, EventRetracted, Fact, FactRecorded, RequestRecorded
from events import EventType, parse_date
from projections.audit import GENESIS, canonical, entry_of, kind_of, link, timestamp
from projections.db import Cursor, Database
from projections.intervals import intervals

BATCH = 500
LOCK_WAIT_SECONDS = 5.0


class Busy(Exception):
    """Another projector held the read model for longer than a reader will wait."""


_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def writer_lock(db: Database) -> threading.RLock:
    """One lock per SQLite file in this process: its writers take turns here rather than in
    SQLite's busy loop, which does not queue them fairly. PostgreSQL queues them itself."""
    path = getattr(db, "path", None)
    if path is None:
        return threading.RLock()
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(os.path.abspath(path), threading.RLock())


class Projector:
    def __init__(self, app: Chancery, db: Database, lock: threading.RLock | None = None):
        self.app = app
        self.db = db
        self.lock = lock or threading.RLock()

    def tracking(self) -> int:
        """The store's id of the last entry applied."""
        with self.db.read() as cursor:
            return _tracking(cursor)

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def catch_up(self, until: int | None = None, timeout: float = LOCK_WAIT_SECONDS) -> int:
        """Apply every entry up to ``until`` (default: the head now); return the store id reached.

        One projector runs at a time: in this process a lock, across processes the tracking
        row's lock. Whoever waits finds the work done when the lock comes free.
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
                position = self._apply_batch(target)
        finally:
            self.lock.release()
        return position

    def _apply_batch(self, target: int) -> int:
        with self.db.write() as cursor:
            if self.db.dialect == "postgresql":
                cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_SECONDS * 1000)}ms'")
                cursor.execute("SELECT position FROM rm_tracking WHERE name = 'relations' FOR UPDATE")
            position = _tracking(cursor)
            if position >= target:
                return position
            notifications = self.app.recorder.select_notifications(
                start=position + 1, stop=target, limit=BATCH
            )
            ordinal, previous = _last_entry(cursor)
            for notification in notifications:
                ordinal += 1
                previous = self._apply(cursor, notification, ordinal, previous)
                position = notification.id
            if not notifications:
                position = target
            cursor.execute("UPDATE rm_tracking SET position = ? WHERE name = 'relations'", (position,))
            return position

    def _apply(self, cursor: Cursor, notification: Notification, position: int, previous: str) -> str:
        """Apply one log entry at its ``position``; returns its chain hash."""
        event = self.app.mapper.to_domain_event(notification)
        assert isinstance(event, DomainEvent)
        at = timestamp(event.timestamp)
        if isinstance(event, FactRecorded):
            self._recorded(cursor, event, position, at)
        elif isinstance(event, EventRetracted):
            self._retracted(cursor, event, position, at)
        elif isinstance(event, EntityRegistered):
            cursor.execute(
                "INSERT INTO rm_entities (code, name, kind, aliases, position, recorded_at, recorded_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event.code, event.name, event.kind, json.dumps(event.aliases), position, at, event.recorded_by),
            )
        elif isinstance(event, AliasesAdded):
            cursor.execute("SELECT aliases FROM rm_entities WHERE code = ?", (event.code,))
            row = cursor.fetchone()
            known = json.loads(row["aliases"]) if row else []
            cursor.execute(
                "UPDATE rm_entities SET aliases = ? WHERE code = ?", (json.dumps([*known, *event.aliases]), event.code)
            )
        elif isinstance(event, RequestRecorded):
            cursor.execute("INSERT INTO rm_requests (id, position) VALUES (?, ?)", (str(event.originator_id), position))
        entry = canonical(entry_of(event, position))
        chained = link(previous, entry)
        cursor.execute(
            "INSERT INTO rm_log (position, notification, recorded_at, kind, entry, hash) VALUES (?, ?, ?, ?, ?, ?)",
            (position, notification.id, at, kind_of(event), entry, chained),
        )
        return chained

    def _recorded(self, cursor: Cursor, event: FactRecorded, position: int, at: str) -> None:
        a, b = sorted((event.subject, event.counterpart))
        window = parse_date(event.occurred).window
        cursor.execute(
            "INSERT INTO rm_events (id, position, relation, a, b, version, type, subject, counterpart,"
            " occurred, first_day, last_day, summary, attributes, sources, recorded_at, recorded_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(event.event_id), position, f"{a}/{b}", a, b, event.originator_version,
                event.event_type.value, event.subject, event.counterpart, event.occurred,
                window.first.isoformat(), window.last.isoformat(), event.summary,
                json.dumps(event.attributes), json.dumps(event.sources), at, event.recorded_by,
            ),
        )
        self._relation_changed(cursor, f"{a}/{b}", a, b, position)

    def _retracted(self, cursor: Cursor, event: EventRetracted, position: int, at: str) -> None:
        retraction = {
            "id": str(event.retraction_id),
            "position": position,
            "reason": event.reason,
            "replaced_by": str(event.replaced_by) if event.replaced_by else None,
            "recorded_at": at,
            "recorded_by": event.recorded_by,
        }
        cursor.execute(
            "UPDATE rm_events SET retracted_pos = ?, retraction = ? WHERE id = ?",
            (position, json.dumps(retraction), str(event.event_id)),
        )
        cursor.execute("SELECT relation, a, b FROM rm_events WHERE id = ?", (str(event.event_id),))
        row = cursor.fetchone()
        assert row is not None, f"retraction of an event the read model lacks: {event.event_id}"
        self._relation_changed(cursor, row["relation"], row["a"], row["b"], position)

    def _relation_changed(self, cursor: Cursor, relation: str, a: str, b: str, position: int) -> None:
        cursor.execute(
            "SELECT id, type, subject, counterpart, occurred, attributes, version FROM rm_events"
            " WHERE relation = ? AND retracted_pos IS NULL AND type <> 'note.recorded'",
            (relation,),
        )
        facts = [_fact(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id, facet, item, value, event_id, from_day FROM rm_intervals"
            " WHERE relation = ? AND to_pos IS NULL",
            (relation,),
        )
        current = {
            (r["facet"], r["item"], r["value"], r["event_id"], r["from_day"]): r["id"] for r in cursor.fetchall()
        }
        wanted = {(h.facet, h.item, h.value, h.event_id, h.start.isoformat()): h for h in intervals(facts)}
        # A row whose end day changed is closed and replaced, so earlier knowledge stays answerable.
        cursor.execute("SELECT id, to_day FROM rm_intervals WHERE relation = ? AND to_pos IS NULL", (relation,))
        ends = {r["id"]: r["to_day"] for r in cursor.fetchall()}
        keep = {
            key
            for key, row_id in current.items()
            if key in wanted and ends[row_id] == _day(wanted[key].end)
        }
        stale = [(position, row_id) for key, row_id in current.items() if key not in keep]
        if stale:
            cursor.executemany("UPDATE rm_intervals SET to_pos = ? WHERE id = ?", stale)
        fresh = [
            (uuid4().hex, relation, a, b, h.facet, h.item, h.value, h.event_id, h.since,
             h.start.isoformat(), _day(h.end), position)
            for key, h in wanted.items()
            if key not in keep
        ]
        if fresh:
            cursor.executemany(
                "INSERT INTO rm_intervals (id, relation, a, b, facet, item, value, event_id, since,"
                " from_day, to_day, from_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                fresh,
            )


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
