"""The log as the read model keeps it: positions in record time, events, entries and the chain."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain import EventNotFound
from events import EventType
from projections.audit import GENESIS
from projections.columns import ENTITY, EVENT
from projections.models import AuditEntry, Digest, EventOut, LogEntry
from projections.reading import NO_LIFE, NOW, Reads, marks, tuples
from projections.rows import entity_out, event_out


class LogReads(Reads):
    # Record time

    def position(self) -> int:
        """The newest position applied: 1, 2, 3… in log order, with no gaps."""
        with self.db.read() as cursor:
            return self._at(cursor, NOW)

    def lag(self) -> int | None:
        """The store's id of the log's newest entry if the model has not applied it, else None."""
        with self.db.read() as cursor:
            newest = self._newest(cursor, self.newest[True])
        head = newest["head"]
        return int(head) if head is not None and head > newest["tracked"] else None

    def position_of(self, notification: int) -> int | None:
        """The position of the entry the store numbered ``notification``."""
        return self._one("SELECT position FROM rm_log WHERE notification = ?", (notification,))

    def position_at(self, moment: str) -> int:
        """The last position recorded at or before ``moment`` (UTC, as stored)."""
        return self._one("SELECT MAX(position) AS position FROM rm_log WHERE recorded_at <= ?", (moment,)) or 0

    def request_position(self, request_id: UUID) -> int | None:
        """Where a keyed request was recorded in the log."""
        return self._one("SELECT position FROM rm_requests WHERE id = ?", (str(request_id),))

    def _one(self, sql: str, params: Sequence[Any]) -> int | None:
        with self.db.read() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return int(row["position"]) if row and row["position"] is not None else None

    # The audit chain

    def audit_log(self, after: int = 0, limit: int = 1000) -> list[AuditEntry]:
        with self.db.read() as cursor:
            cursor.execute("SELECT entry, hash FROM rm_log WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
            return [AuditEntry(**json.loads(row["entry"]), hash=row["hash"]) for row in cursor.fetchall()]

    def digest(self) -> Digest:
        with self.db.read() as cursor:
            cursor.execute("SELECT position, hash FROM rm_log ORDER BY position DESC LIMIT 1")
            row = cursor.fetchone()
        return Digest(position=int(row["position"]), hash=row["hash"]) if row else Digest(position=0, hash=GENESIS)

    # Events

    def event(self, event_id: UUID, at: int = NOW, *, fresh: bool = False) -> EventOut:
        with self.db.read() as cursor:
            self._at(cursor, at, fresh)
            cursor.execute(f"SELECT {EVENT} FROM rm_events WHERE id = ? AND position <= ?", (str(event_id), at))
            rows = tuples(cursor.fetchall())
        if not rows:
            raise EventNotFound(event_id)
        return event_out(rows[0], at)

    def relation_of(self, event_id: UUID) -> tuple[str, str]:
        with self.db.read() as cursor:
            cursor.execute("SELECT a, b FROM rm_events WHERE id = ?", (str(event_id),))
            row = cursor.fetchone()
        if row is None:
            raise EventNotFound(event_id)
        return row["a"], row["b"]

    def events(
        self,
        *,
        after: int = 0,
        limit: int = 100,
        entity: str | None = None,
        types: Sequence[EventType] = (),
        occurred_from: date | None = None,
        occurred_to: date | None = None,
        at: int = NOW,
        fresh: bool = False,
    ) -> list[EventOut]:
        """The log of relation events in position order, filtered; retracted ones stay, marked."""
        where = ["position > ?", "position <= ?"]
        params: list[Any] = [after, at]
        if entity:
            where.append("(a = ? OR b = ?)")
            params += [entity, entity]
        if types:
            where.append(f"type IN ({marks(types)})")
            params += [t.value for t in types]
        if occurred_from:
            where.append("last_day >= ?")
            params.append(occurred_from.isoformat())
        if occurred_to:
            where.append("first_day <= ?")
            params.append(occurred_to.isoformat())
        sql = f"SELECT {EVENT} FROM rm_events WHERE {' AND '.join(where)} ORDER BY position LIMIT ?"
        with self.db.read() as cursor:
            self._at(cursor, at, fresh)
            cursor.execute(sql, (*params, limit))
            return [event_out(row, at) for row in tuples(cursor.fetchall())]

    def entries(self, after: int, limit: int) -> list[LogEntry]:
        """Log entries after a position, each with what it recorded."""
        with self.db.read() as cursor:
            cursor.execute(
                "SELECT position, kind, recorded_at FROM rm_log WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            )
            rows = cursor.fetchall()
            if not rows:
                return []
            first, last = rows[0]["position"], rows[-1]["position"]
            cursor.execute(f"SELECT {EVENT} FROM rm_events WHERE position BETWEEN ? AND ?", (first, last))
            events = {row[1]: event_out(row, NOW) for row in tuples(cursor.fetchall())}
            cursor.execute(f"SELECT {EVENT} FROM rm_events WHERE retracted_pos BETWEEN ? AND ?", (first, last))
            withdrawn = {row[-2]: event_out(row, NOW) for row in tuples(cursor.fetchall())}
            cursor.execute(f"SELECT {ENTITY} FROM rm_entities WHERE position BETWEEN ? AND ?", (first, last))
            entities = {row["position"]: entity_out(row, NO_LIFE) for row in cursor.fetchall()}  # as registered
        return [
            LogEntry(
                position=row["position"],
                kind=row["kind"],
                recorded_at=row["recorded_at"],
                event=events.get(row["position"]) or withdrawn.get(row["position"]),
                entity=entities.get(row["position"]),
            )
            for row in rows
        ]
