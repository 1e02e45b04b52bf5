"""The read side: indexed look-ups in the interval tables, never a fold of the log per request.

Every query takes ``at``: a log position. With it, the answer uses only what had been recorded
by then (record time); ``on`` and the day arguments are valid time. A read as known now with
``fresh`` checks, in its own snapshot, that the model has applied the whole log, else raises
``Behind``: so a reader sees every write acknowledged before it began, at the cost of one query.

States are built as plain data, named and ordered as their models serialise (``Data``): an answer
read from our own rows can be sent as it is, and the models are validated from the same data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from operator import itemgetter
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain import Chancery, EventNotFound, relation_key
from events import DiplomaticStatus, EventType
from projections.audit import GENESIS
from projections.db import Cursor, Database
from projections.models import (
    AuditEntry,
    Changes,
    Data,
    Digest,
    EntityOut,
    EntityRef,
    EntityRelations,
    EventOut,
    Interval,
    LogEntry,
    RelationChange,
    RelationState,
    RetractionOut,
    Timeline,
    WindowOut,
)

NOW = 2**62  # a position past every entry: "as known now"
MAX_POSITION = 2**63 - 1  # the largest position either store can compare with

# Where a state lists each facet's facts, and the fields of their values in the order the
# models serialise them.
FACETS = {
    "recognition": ("held", ("recognizer", "recognized")),
    "mission": ("missions", ("sender", "host", "level")),
    "agreement": ("agreements", ("agreement", "kind", "title")),
    "membership": ("memberships", ("member", "body", "status", "role")),
}
RETRACTION_FIELDS = ("id", "position", "reason", "replaced_by", "recorded_at", "recorded_by")


class Behind(Exception):
    """The read model had not applied the log's newest entry when the read began."""

    def __init__(self, head: int):
        super().__init__(f"the read model has not applied the log's entry {head} yet")
        self.head = head


def log_head(app: Chancery) -> str:
    """SQL for the store's id of the log's newest entry, from the library's table beside ours."""
    recorder = app.recorder
    if isinstance(recorder, PostgresApplicationRecorder):
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        return f"SELECT MAX(notification_id) FROM {table}"
    if isinstance(recorder, SQLiteApplicationRecorder):
        return f"SELECT MAX(rowid) FROM {recorder.events_table_name}"
    raise TypeError(f"no log table known for {type(recorder).__name__}")


def _visible(alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return f"{p}position <= ? AND ({p}retracted_pos IS NULL OR {p}retracted_pos > ?)"


def _held_on(at: int, day: str) -> tuple[str, tuple[Any, ...]]:
    """Rows holding on ``day`` as known at ``at``; as known now, the partial indexes serve it."""
    valid = "from_day <= ? AND (to_day IS NULL OR to_day > ?)"
    if at >= NOW:
        return f"to_pos IS NULL AND {valid}", (day, day)
    return f"from_pos <= ? AND (to_pos IS NULL OR to_pos > ?) AND {valid}", (at, at, day, day)


class ReadModel:
    def __init__(self, db: Database, head: str | None = None):
        """``head``: the SQL of ``log_head``, for reads that check they are ``fresh``."""
        self.db = db
        self.newest = (
            "SELECT (SELECT MAX(position) FROM rm_log) AS position,"
            " (SELECT position FROM rm_tracking WHERE name = 'relations') AS tracked,"
            f" ({head or 'SELECT NULL'}) AS head"
        )
        self.names: dict[str, str] = {}  # an entity's name never changes once registered

    # Record time

    def position(self) -> int:
        """The newest position applied: 1, 2, 3… in log order, with no gaps."""
        with self.db.read() as cursor:
            return self._at(cursor, NOW)

    def lag(self) -> int | None:
        """The store's id of the log's newest entry if the model has not applied it, else None."""
        with self.db.read() as cursor:
            _, tracked, head = self._newest(cursor)
        return head if head is not None and head > tracked else None

    def position_of(self, notification: int) -> int | None:
        """The position of the entry the store numbered ``notification``."""
        with self.db.read() as cursor:
            cursor.execute("SELECT position FROM rm_log WHERE notification = ?", (notification,))
            row = cursor.fetchone()
        return int(row["position"]) if row else None

    def position_at(self, moment: str) -> int:
        """The last position recorded at or before ``moment`` (UTC, as stored)."""
        with self.db.read() as cursor:
            cursor.execute("SELECT MAX(position) AS p FROM rm_log WHERE recorded_at <= ?", (moment,))
            row = cursor.fetchone()
            return int(row["p"]) if row and row["p"] is not None else 0

    def request_position(self, request_id: UUID) -> int | None:
        """Where a keyed request was recorded in the log."""
        with self.db.read() as cursor:
            cursor.execute("SELECT position FROM rm_requests WHERE id = ?", (str(request_id),))
            row = cursor.fetchone()
        return int(row["position"]) if row else None

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

    # Entities

    def entities(self, q: str | None = None) -> list[EntityOut]:
        with self.db.read() as cursor:
            cursor.execute("SELECT * FROM rm_entities ORDER BY code")
            found = [_entity(row) for row in cursor.fetchall()]
        if not q:
            return found
        needle = q.strip().casefold()
        scored = [(_match_rank(e, needle), e) for e in found]
        return [e for rank, e in sorted(scored, key=lambda s: (s[0], s[1].code)) if rank < 3]

    def entity(self, code: str) -> EntityOut | None:
        with self.db.read() as cursor:
            cursor.execute("SELECT * FROM rm_entities WHERE code = ?", (code,))
            row = cursor.fetchone()
        return _entity(row) if row else None

    # Events

    def event(self, event_id: UUID, at: int = NOW, *, fresh: bool = False) -> EventOut:
        with self.db.read() as cursor:
            self._at(cursor, at, fresh)
            cursor.execute("SELECT * FROM rm_events WHERE id = ? AND position <= ?", (str(event_id), at))
            row = cursor.fetchone()
        if row is None:
            raise EventNotFound(event_id)
        return _event(row, at)

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
            where.append(f"type IN ({', '.join('?' for _ in types)})")
            params += [t.value for t in types]
        if occurred_from:
            where.append("last_day >= ?")
            params.append(occurred_from.isoformat())
        if occurred_to:
            where.append("first_day <= ?")
            params.append(occurred_to.isoformat())
        sql = f"SELECT * FROM rm_events WHERE {' AND '.join(where)} ORDER BY position LIMIT ?"
        with self.db.read() as cursor:
            self._at(cursor, at, fresh)
            cursor.execute(sql, (*params, limit))
            return [_event(row, at) for row in cursor.fetchall()]

    def entries(self, after: int, limit: int) -> list[LogEntry]:
        """Log entries after a position, each with what it recorded."""
        with self.db.read() as cursor:
            cursor.execute("SELECT * FROM rm_log WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
            rows = cursor.fetchall()
            if not rows:
                return []
            first, last = rows[0]["position"], rows[-1]["position"]
            cursor.execute("SELECT * FROM rm_events WHERE position BETWEEN ? AND ?", (first, last))
            events = {row["position"]: _event(row, NOW) for row in cursor.fetchall()}
            cursor.execute("SELECT * FROM rm_events WHERE retracted_pos BETWEEN ? AND ?", (first, last))
            withdrawn = {row["retracted_pos"]: _event(row, NOW) for row in cursor.fetchall()}
            cursor.execute("SELECT * FROM rm_entities WHERE position BETWEEN ? AND ?", (first, last))
            entities = {row["position"]: _entity(row) for row in cursor.fetchall()}
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

    # State on a day

    def relation_state(
        self, a: str, b: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> RelationState:
        return RelationState.model_validate(self.relation_state_data(a, b, on, at, explain, fresh=fresh))

    def relation_state_data(
        self, a: str, b: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> Data:
        """The state of ``a`` and ``b`` on ``on`` as a ``RelationState`` serialises."""
        key = relation_key(a, b)
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            versions = self._versions(cursor, [key], at)
            return self._states(cursor, "relation = ?", [key], on, at, position, versions, focus=a, explain=explain)[0]

    def entity_relations(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> EntityRelations:
        return EntityRelations.model_validate(self.entity_relations_data(code, on, at, explain, fresh=fresh))

    def entity_relations_data(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> Data:
        """Every relation of ``code`` with anything recorded on or before ``on``, as ``EntityRelations``
        serialises."""
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            versions = self._versions_of(cursor, code, on, at)
            states = self._states(
                cursor, "(a = ? OR b = ?)", [code, code], on, at, position, versions, focus=code, explain=explain
            )
            names = self._names(cursor, [code])
        return {"entity": _ref(code, names), "on": on, "as_of_position": position, "relations": states}

    def _states(
        self,
        cursor: Cursor,
        where: str,
        params: list[Any],
        on: date,
        at: int,
        position: int,
        versions: dict[str, int],
        *,
        focus: str,
        explain: bool = True,
    ) -> list[Data]:
        """The states of the relations in ``versions``, in their order; with ``explain``, the events behind each."""
        day = on.isoformat()
        holding, bounds = _held_on(at, day)
        cursor.execute(
            f"SELECT relation, facet, item, value, event_id, since FROM rm_intervals WHERE {where} AND {holding}",
            (*params, *bounds),
        )
        held: dict[str, list[Any]] = defaultdict(list)
        for row in cursor.fetchall():
            held[row["relation"]].append(row)
        cursor.execute(
            f"SELECT relation, id, type, occurred, summary FROM rm_events"
            f" WHERE {where} AND first_day <= ? AND last_day > ? AND {_visible()} ORDER BY first_day, position",
            (*params, day, day, at, at),
        )
        pending: dict[str, list[Any]] = defaultdict(list)
        for row in cursor.fetchall():
            pending[row["relation"]].append(row)
        evidence: dict[str, list[Data]] = defaultdict(list)
        if explain:
            cited = sorted({row["event_id"] for rows in held.values() for row in rows})
            for row in self._events_by_id(cursor, cited):
                evidence[row["relation"]].append(_event_data(row, at))
        names = self._names(cursor, [code for key in versions for code in key.split("/")])
        states = []
        for key, version in versions.items():
            first, second = key.split("/")
            a, b = (first, second) if focus != second else (second, first)
            states.append(_state(a, b, names, on, position, version, held[key], pending[key], evidence[key]))
        return states

    # Timelines and changes

    def timeline(self, a: str, b: str, at: int = NOW, *, fresh: bool = False) -> Timeline:
        key = relation_key(a, b)
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            cursor.execute(
                f"SELECT * FROM rm_events WHERE relation = ? AND {_visible()} ORDER BY first_day, position",
                (key, at, at),
            )
            events = [_event(row, at) for row in cursor.fetchall()]
            cursor.execute(
                "SELECT * FROM rm_intervals WHERE relation = ? AND from_pos <= ? AND (to_pos IS NULL OR to_pos > ?)"
                " ORDER BY facet, from_day, item",
                (key, at, at),
            )
            rows = cursor.fetchall()
            names = self._names(cursor, [a, b])
            version = self._versions(cursor, [key], at)[key]
        return Timeline(
            a=EntityRef(code=a, name=names.get(a, a)),
            b=EntityRef(code=b, name=names.get(b, b)),
            as_of_position=position,
            version=version,
            events=events,
            intervals=[_interval(row) for row in rows],
        )

    def changes(
        self, start: date, end: date, entity: str | None = None, at: int = NOW, *, fresh: bool = False
    ) -> Changes:
        """Events that took effect after the end of ``start`` and by the end of ``end``."""
        where = ["last_day > ?", "last_day <= ?", _visible()]
        params: list[Any] = [start.isoformat(), end.isoformat(), at, at]
        if entity:
            where.append("(a = ? OR b = ?)")
            params += [entity, entity]
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            cursor.execute(
                f"SELECT * FROM rm_events WHERE {' AND '.join(where)} ORDER BY last_day, first_day, position",
                params,
            )
            events = [_event(row, at) for row in cursor.fetchall()]
            touched = sorted({relation_key(e.subject, e.counterpart) for e in events})
            among = f"relation IN ({', '.join('?' for _ in touched)})" if touched else "1 = 0"
            focus = entity or ""
            versions = self._versions(cursor, touched, at)
            before, after = (
                {
                    relation_key(s["a"]["code"], s["b"]["code"]): RelationState.model_validate(s)
                    for s in self._states(cursor, among, touched, day, at, position, versions, focus=focus)
                }
                for day in (start, end)
            )
            names = self._names(cursor, [c for key in touched for c in key.split("/")] + ([entity] if entity else []))
        relations = []
        for key in touched:
            a, b = key.split("/")
            if entity == b:
                a, b = b, a
            relations.append(
                RelationChange(
                    a=EntityRef(code=a, name=names.get(a, a)),
                    b=EntityRef(code=b, name=names.get(b, b)),
                    before=before[key],
                    after=after[key],
                    events=[e.id for e in events if relation_key(e.subject, e.counterpart) == key],
                )
            )
        return Changes(
            from_day=start,
            to_day=end,
            entity=EntityRef(code=entity, name=names.get(entity, entity)) if entity else None,
            as_of_position=position,
            events=events,
            relations=relations,
        )

    # Helpers

    def _newest(self, cursor: Cursor) -> tuple[int, int, int | None]:
        """The newest position applied, the store's id of the last entry applied, and of the log's head."""
        cursor.execute(self.newest)
        row = cursor.fetchone()
        assert row is not None
        head = row["head"]
        return int(row["position"] or 0), int(row["tracked"] or 0), None if head is None else int(head)

    def _at(self, cursor: Cursor, at: int, fresh: bool = False) -> int:
        """The position an answer is given at: ``at``, or the newest applied, which with ``fresh``
        must be the log's head."""
        if at != NOW:
            return at
        position, tracked, head = self._newest(cursor)
        if fresh and head is not None and head > tracked:
            raise Behind(head)
        return position

    def _events_by_id(self, cursor: Cursor, ids: list[str]) -> list[Any]:
        if not ids:
            return []
        cursor.execute(
            f"SELECT * FROM rm_events WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY first_day, position",
            ids,
        )
        return cursor.fetchall()

    def _versions(self, cursor: Cursor, keys: list[str], at: int = NOW) -> dict[str, int]:
        """Each relation's version as of ``at``, in the order of ``keys``: its events and
        retractions recorded by then."""
        if not keys:
            return {}
        marks = ", ".join("?" for _ in keys)
        cursor.execute(
            f"SELECT relation, SUM(CASE WHEN position <= ? THEN 1 ELSE 0 END)"
            f" + SUM(CASE WHEN retracted_pos <= ? THEN 1 ELSE 0 END) AS version"
            f" FROM rm_events WHERE relation IN ({marks}) GROUP BY relation",
            (at, at, *keys),
        )
        found = {row["relation"]: int(row["version"]) for row in cursor.fetchall()}
        return {key: found.get(key, 0) for key in keys}

    def _versions_of(self, cursor: Cursor, code: str, on: date, at: int) -> dict[str, int]:
        """The versions of the relations of ``code`` with a visible event on or before ``on``, by key."""
        cursor.execute(
            "SELECT relation, SUM(CASE WHEN position <= ? THEN 1 ELSE 0 END)"
            " + SUM(CASE WHEN retracted_pos <= ? THEN 1 ELSE 0 END) AS version,"
            f" MAX(CASE WHEN first_day <= ? AND {_visible()} THEN 1 ELSE 0 END) AS shown"
            " FROM rm_events WHERE a = ? OR b = ? GROUP BY relation",
            (at, at, on.isoformat(), at, at, code, code),
        )
        return {row["relation"]: int(row["version"]) for row in sorted(cursor.fetchall(), key=itemgetter("relation"))
                if row["shown"]}

    def _names(self, cursor: Cursor, codes: list[str]) -> dict[str, str]:
        """Entity names by code, read once each (they never change)."""
        missing = sorted(set(codes) - self.names.keys())
        if missing:
            cursor.execute(
                f"SELECT code, name FROM rm_entities WHERE code IN ({', '.join('?' for _ in missing)})", missing
            )
            self.names.update({row["code"]: row["name"] for row in cursor.fetchall()})
        return self.names


def _ref(code: str, names: dict[str, str]) -> Data:
    return {"code": code, "name": names.get(code, code)}


def _state(
    a: str,
    b: str,
    names: dict[str, str],
    on: date,
    position: int,
    version: int,
    held: list[Any],
    pending: list[Any],
    evidence: list[Data],
) -> Data:
    diplomatic: Data = {"status": DiplomaticStatus.NONE.value, "since": None, "event": None}
    lists: dict[str, list[Data]] = {name: [] for name, _ in FACETS.values()}
    for row in sorted(held, key=itemgetter("facet", "item")):
        value = json.loads(row["value"])
        facet = row["facet"]
        if facet == "diplomatic":
            diplomatic = {"status": value["status"], "since": row["since"], "event": row["event_id"]}
        elif facet in FACETS:
            name, fields = FACETS[facet]
            lists[name].append({**{f: value[f] for f in fields}, "since": row["since"], "event": row["event_id"]})
    recognitions = lists["held"]
    pairs = {(r["recognizer"], r["recognized"]) for r in recognitions}
    cited = {row["event_id"] for row in held}
    return {
        "a": _ref(a, names),
        "b": _ref(b, names),
        "on": on,
        "as_of_position": position,
        "version": version,
        "diplomatic": diplomatic,
        "recognition": {"a_recognizes_b": (a, b) in pairs, "b_recognizes_a": (b, a) in pairs, "held": recognitions},
        "missions": lists["missions"],
        "agreements": lists["agreements"],
        "memberships": lists["memberships"],
        "pending": [
            {"id": row["id"], "type": row["type"], "occurred": row["occurred"], "summary": row["summary"]}
            for row in pending
        ],
        "events": [event for event in evidence if event["id"] in cited],
    }


def _event_data(row: Any, at: int) -> Data:
    """An event as ``EventOut`` serialises it."""
    retracted = None
    if row["retracted_pos"] is not None and row["retracted_pos"] <= at:
        retraction = json.loads(row["retraction"])
        retracted = {name: retraction[name] for name in RETRACTION_FIELDS}
    return {
        "id": row["id"],
        "position": row["position"],
        "type": row["type"],
        "subject": row["subject"],
        "counterpart": row["counterpart"],
        "occurred": row["occurred"],
        "window": {"first": row["first_day"], "last": row["last_day"]},
        "summary": row["summary"],
        "attributes": json.loads(row["attributes"]),
        "sources": [
            {"title": source["title"], "quote": source.get("quote"), "url": source.get("url")}
            for source in json.loads(row["sources"])
        ],
        "recorded_at": row["recorded_at"],
        "recorded_by": row["recorded_by"],
        "retracted": retracted,
    }


def _event(row: Any, at: int) -> EventOut:
    retraction = None
    if row["retracted_pos"] is not None and row["retracted_pos"] <= at:
        retraction = RetractionOut(**json.loads(row["retraction"]))
    return EventOut(
        id=row["id"],
        position=row["position"],
        type=row["type"],
        subject=row["subject"],
        counterpart=row["counterpart"],
        occurred=row["occurred"],
        window=WindowOut(first=row["first_day"], last=row["last_day"]),
        summary=row["summary"],
        attributes=json.loads(row["attributes"]),
        sources=json.loads(row["sources"]),
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
        retracted=retraction,
    )


def _interval(row: Any) -> Interval:
    value = json.loads(row["value"])
    return Interval(
        facet=row["facet"],
        item=row["item"],
        status=value.get("status", "recognized" if row["facet"] == "recognition" else None),
        details=value,
        from_day=row["from_day"],
        to_day=row["to_day"],
        since=row["since"],
        event=row["event_id"],
    )


def _entity(row: Any) -> EntityOut:
    return EntityOut(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        aliases=json.loads(row["aliases"]),
        position=row["position"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
    )


def _match_rank(entity: EntityOut, needle: str) -> int:
    """0: exact code/name/alias; 1: a name starts with it; 2: contains it; 3: no match."""
    names = [entity.code.casefold(), entity.name.casefold(), *(a.casefold() for a in entity.aliases)]
    if needle in names:
        return 0
    if any(n.startswith(needle) for n in names):
        return 1
    if any(needle in n for n in names):
        return 2
    return 3


def day_before(day: date) -> date:
    return day - timedelta(days=1)
