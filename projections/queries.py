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
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple
from uuid import UUID

from pydantic_core import from_json

from domain import EventNotFound, relation_key
from events import DiplomaticStatus, EventType
from projections.audit import GENESIS
from projections.models import (
    AuditEntry,
    Changes,
    Data,
    Digest,
    EntityOut,
    EntityRef,
    EntityRelations,
    EntityTimelines,
    EventOut,
    Interval,
    LogEntry,
    RelationChange,
    RelationState,
    RetractionOut,
    Timeline,
    WindowOut,
)
from projections.stores import Cursor, Database

NOW = 2**62  # a position past every entry: "as known now"
MAX_POSITION = 2**63 - 1  # the largest position either store can compare with

# An event's columns, in the order _event_data reads them.
EVENT = (
    "id, position, type, subject, counterpart, occurred, first_day, last_day, summary, attributes, sources,"
    " recorded_at, recorded_by, retracted_pos, retraction"
)
RETRACTION_FIELDS = ("id", "position", "reason", "replaced_by", "recorded_at", "recorded_by")
NO_STATUS = DiplomaticStatus.NONE.value

# A fact holding on a day, as HELD selects it: relation, facet, item, value, event_id, since.
Held = tuple[str, str, str, str, str, str]
FACT_ORDER = itemgetter(1, 2)  # a state lists its facts by facet, then item
NOTHING_HELD: tuple[Held, ...] = ()

# A WHERE as alternatives, each with its parameters and an index of its own; their rows are united.
Parts = list[tuple[str, list[Any]]]


class Counts(NamedTuple):
    """What a relation's events say as known at a position: its version (events and retractions
    recorded), whether it is listed on a day (an event on or before it) and whether an event is
    pending on it."""

    version: int
    listed: bool
    pending: bool


NO_EVENTS = Counts(version=0, listed=False, pending=False)


class Behind(Exception):
    """The read model had not applied the log's newest entry when the read began."""

    def __init__(self, head: int):
        super().__init__(f"the read model has not applied the log's entry {head} yet")
        self.head = head


# The statements of states, each served by an index (see schema.INDEXES).

VISIBLE = "position <= ? AND (retracted_pos IS NULL OR retracted_pos > ?)"
VERSION = "SUM(CASE WHEN position <= ? THEN 1 ELSE 0 END) + SUM(CASE WHEN retracted_pos <= ? THEN 1 ELSE 0 END)"
HELD = "SELECT relation, facet, item, value, event_id, since FROM rm_intervals WHERE {where} AND "
HELD_NOW = HELD + "to_pos IS NULL AND from_day <= ? AND (to_day IS NULL OR to_day > ?)"
HELD_KNOWN = HELD + "from_pos <= ? AND (to_pos IS NULL OR to_pos > ?) AND from_day <= ? AND (to_day IS NULL OR to_day > ?)"
COUNTS = (
    f"SELECT relation, {VERSION} AS version,"
    f" MAX(CASE WHEN first_day <= ? AND {VISIBLE} THEN 1 ELSE 0 END) AS listed,"
    f" MAX(CASE WHEN first_day <= ? AND last_day > ? AND {VISIBLE} THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE {where} GROUP BY relation"
)
# The counts of one relation, as columns added to ReadModel.newest.
RELATION_COUNTS = (
    f", (SELECT {VERSION} FROM rm_events WHERE relation = ?) AS version,"
    f" EXISTS (SELECT 1 FROM rm_events WHERE relation = ? AND first_day <= ? AND last_day > ? AND {VISIBLE})"
    " AS pending"
)
# As known now, every event stored is visible unless retracted, and every retraction counts: the
# same counts from one pass over the relation's events, with fewer terms.
COUNTS_NOW = (
    "SELECT relation, COUNT(*) + COUNT(retracted_pos) AS version,"
    " MAX(CASE WHEN first_day <= ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS listed,"
    " MAX(CASE WHEN first_day <= ? AND last_day > ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE {where} GROUP BY relation"
)
RELATION_COUNTS_NOW = (
    ", COUNT(*) + COUNT(retracted_pos) AS version,"
    " MAX(CASE WHEN first_day <= ? AND last_day > ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE relation = ?"
)


def _held_on(at: int, day: str) -> tuple[str, tuple[Any, ...]]:
    """The rows holding on ``day`` as known at ``at`` (``{where}`` left to fill); as known now,
    the partial indexes serve it."""
    if at >= NOW:
        return HELD_NOW, (day, day)
    return HELD_KNOWN, (at, at, day, day)


def _union(template: str, parts: Parts, before: Sequence[Any] = (), after: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """``template`` for each of ``parts`` (its ``{where}``), united; ``before`` and ``after`` are
    the parameters around each part's own."""
    return _united(template, tuple(where for where, _ in parts)), [
        p for _, values in parts for p in (*before, *values, *after)
    ]


@lru_cache(maxsize=256)
def _united(template: str, wheres: tuple[str, ...]) -> str:
    return " UNION ALL ".join(template.format(where=where) for where in wheres)


class ReadModel:
    def __init__(self, db: Database, head: str | None = None):
        """``head``: the SQL of the store's log head, for reads that check they are ``fresh``."""
        self.db = db
        position = "(SELECT MAX(position) FROM rm_log) AS position"
        checked = (
            f"{position}, (SELECT position FROM rm_tracking WHERE name = 'relations') AS tracked,"
            f" ({head or 'SELECT NULL'}) AS head"
        )
        # The newest position applied (when fresh, beside the store's ids of the last entry applied,
        # tracked, and of the log's head); with one relation's counts and its facts holding on a
        # day, as known now or at a position, in one statement (a row of nulls for facts when none
        # holds).
        self.newest = {False: f"SELECT {position}", True: f"SELECT {checked}"}
        counted = {
            (now, fresh): f"SELECT {columns}{RELATION_COUNTS_NOW}" if now else f"SELECT {columns}{RELATION_COUNTS}"
            for now in (True, False)
            for fresh, columns in ((False, position), (True, checked))
        }
        self.relation = {
            (now, fresh): f"SELECT found.*, newest.* FROM ({sql}) AS newest"
            f" LEFT JOIN ({(HELD_NOW if now else HELD_KNOWN).format(where='relation = ?')}) AS found ON 1 = 1"
            for (now, fresh), sql in counted.items()
        }
        self.names: dict[str, str] = {}  # an entity's name never changes once registered

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
        key, day = relation_key(a, b), on.isoformat()
        if not explain:
            # One statement answers, a consistent snapshot by itself, unless an event is pending.
            with self.db.single() as cursor:
                newest, held = self._relation(cursor, key, day, at, fresh)
                names = self._names(cursor, [a, b])
            if not newest["pending"]:
                return _state(a, b, names, on, _position(newest, at, fresh), int(newest["version"] or 0),
                              _listed(held), [], [])
        with self.db.read() as cursor:
            newest, held = self._relation(cursor, key, day, at, fresh)
            position = _position(newest, at, fresh)
            pending = self._pending(cursor, [key], day, at) if newest["pending"] else []
            evidence = self._evidence(cursor, held, at)[key] if explain else []
            names = self._names(cursor, [a, b])
        return _state(a, b, names, on, position, int(newest["version"] or 0), _listed(held), pending, evidence)

    def _relation(self, cursor: Cursor, key: str, day: str, at: int, fresh: bool) -> tuple[Any, list[Held]]:
        """The newest row with the counts of the relation ``key``, and its facts holding on ``day``."""
        if at >= NOW:
            cursor.execute(self.relation[True, fresh], (day, day, key, key, day, day))
        else:
            cursor.execute(self.relation[False, fresh], (at, at, key, key, day, day, at, at, key, at, at, day, day))
        rows = cursor.fetchall()
        return rows[0], [fact[:6] for fact in _tuples(rows) if fact[0] is not None]

    def entity_relations(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> EntityRelations:
        return EntityRelations.model_validate(self.entity_relations_data(code, on, at, explain, fresh=fresh))

    def entity_relations_data(
        self, code: str, on: date, at: int = NOW, explain: bool = True, *, fresh: bool = False
    ) -> Data:
        """Every relation of ``code`` with anything recorded on or before ``on``, as ``EntityRelations``
        serialises."""
        sides: Parts = [("a = ?", [code]), ("b = ?", [code])]
        either: Parts = sides if self.db.sides_apart else [("(a = ? OR b = ?)", [code, code])]
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            counts = self._counts(cursor, either, on.isoformat(), at)
            keys = sorted(key for key, count in counts.items() if count.listed)
            states = self._states(cursor, sides, counts, keys, on, at, position, focus=code, explain=explain)
            names = self._names(cursor, [code])
        entity = {"code": code, "name": names.get(code, code)}
        return {"entity": entity, "on": on, "as_of_position": position, "relations": states}

    def _states(
        self,
        cursor: Cursor,
        parts: Parts,
        counts: dict[str, Counts],
        keys: list[str],
        on: date,
        at: int,
        position: int,
        *,
        focus: str,
        explain: bool = True,
    ) -> list[Data]:
        """The states of the relations ``keys`` (all in ``parts``), with ``counts`` of their events;
        with ``explain``, the events behind each."""
        day = on.isoformat()
        holding, bounds = _held_on(at, day)
        cursor.execute(*_union(holding, parts, after=bounds))
        facts = _tuples(cursor.fetchall())
        held: dict[str, list[Held]] = {}
        for fact in facts:
            found = held.get(fact[0])
            if found is None:
                held[fact[0]] = [fact]
            else:
                found.append(fact)
        pending: dict[str, list[Any]] = defaultdict(list)
        for row in self._pending(cursor, [key for key in keys if counts.get(key, NO_EVENTS).pending], day, at):
            pending[row["relation"]].append(row)
        evidence = self._evidence(cursor, facts, at) if explain else {}
        names = self._names(cursor, [code for key in keys for code in key.split("/")])
        states = []
        for key in keys:
            first, second = key.split("/")
            a, b = (first, second) if focus != second else (second, first)
            facts_of = held.get(key)
            states.append(
                _state(a, b, names, on, position, counts.get(key, NO_EVENTS).version,
                       _listed(facts_of) if facts_of else NOTHING_HELD, pending.get(key, []), evidence.get(key, []))
            )
        return states

    # Timelines and changes

    def timeline(self, a: str, b: str, at: int = NOW, *, fresh: bool = False) -> Timeline:
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            return self._timeline(cursor, a, b, at, position)

    def entity_timelines(self, code: str, at: int = NOW, *, fresh: bool = False) -> EntityTimelines:
        """The timeline of every relation of ``code`` with an event recorded by ``at``, by partner."""
        with self.db.read() as cursor:
            position = self._at(cursor, at, fresh)
            cursor.execute(
                "SELECT DISTINCT relation FROM rm_events WHERE (a = ? OR b = ?) AND position <= ? ORDER BY relation",
                (code, code, at),
            )
            partners = [other for row in cursor.fetchall() for other in row["relation"].split("/") if other != code]
            timelines = [self._timeline(cursor, code, other, at, position) for other in partners]
            names = self._names(cursor, [code])
        return EntityTimelines(
            entity=EntityRef(code=code, name=names.get(code, code)), as_of_position=position, timelines=timelines
        )

    def _timeline(self, cursor: Cursor, a: str, b: str, at: int, position: int) -> Timeline:
        key = relation_key(a, b)
        cursor.execute(
            f"SELECT * FROM rm_events WHERE relation = ? AND {VISIBLE} ORDER BY first_day, position",
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
        version = self._counts(cursor, [("relation = ?", [key])], "", at).get(key, NO_EVENTS).version
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
        where = ["last_day > ?", "last_day <= ?", VISIBLE]
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
            among: Parts = [(f"relation IN ({', '.join('?' for _ in touched)})" if touched else "1 = 0", touched)]
            focus = entity or ""
            before, after = (
                {
                    relation_key(s["a"]["code"], s["b"]["code"]): RelationState.model_validate(s)
                    for s in self._states(
                        cursor, among, self._counts(cursor, among, day.isoformat(), at), touched, day, at, position,
                        focus=focus,
                    )
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

    def _newest(self, cursor: Cursor, sql: str, params: Sequence[Any] = ()) -> Any:
        """The one row of ``sql``, one of ``newest`` (and more)."""
        cursor.execute(sql, params)
        row = cursor.fetchone()
        assert row is not None
        return row

    def _at(self, cursor: Cursor, at: int, fresh: bool = False) -> int:
        """The position an answer is given at: ``at``, or the newest applied, which with ``fresh``
        must be the log's head."""
        return at if at != NOW else _position(self._newest(cursor, self.newest[fresh]), at, fresh)

    def _evidence(self, cursor: Cursor, held: list[Held], at: int) -> dict[str, list[Data]]:
        """The events the ``held`` facts cite, by relation, in valid-time order."""
        cited = sorted({fact[4] for fact in held})
        evidence: dict[str, list[Data]] = defaultdict(list)
        if cited:
            cursor.execute(
                f"SELECT relation, {EVENT} FROM rm_events WHERE id IN ({', '.join('?' for _ in cited)})"
                " ORDER BY first_day, position",
                cited,
            )
            for row in _tuples(cursor.fetchall()):
                evidence[row[0]].append(_event_data(row[1:], at))
        return evidence

    def _counts(self, cursor: Cursor, parts: Parts, day: str, at: int) -> dict[str, Counts]:
        """What the events of each relation in ``parts`` say as known at ``at`` (of ``day``)."""
        if at >= NOW:
            cursor.execute(*_union(COUNTS_NOW, parts, before=(day, day, day)))
        else:
            cursor.execute(*_union(COUNTS, parts, before=(at, at, day, at, at, day, day, at, at)))
        return {
            relation: Counts(int(version), bool(listed), bool(pending))
            for relation, version, listed, pending in _tuples(cursor.fetchall())
        }

    def _pending(self, cursor: Cursor, keys: list[str], day: str, at: int) -> list[Any]:
        """The events of ``keys`` whose window holds ``day`` but ends after it, in valid-time order."""
        if not keys:
            return []
        cursor.execute(
            f"SELECT relation, id, type, occurred, summary FROM rm_events WHERE relation IN ({', '.join('?' for _ in keys)})"
            f" AND first_day <= ? AND last_day > ? AND {VISIBLE} ORDER BY first_day, position",
            (*keys, day, day, at, at),
        )
        return cursor.fetchall()

    def _names(self, cursor: Cursor, codes: list[str]) -> dict[str, str]:
        """Entity names by code, read once each (they never change)."""
        missing = [code for code in codes if code not in self.names]
        if missing:
            missing = sorted(set(missing))
            cursor.execute(
                f"SELECT code, name FROM rm_entities WHERE code IN ({', '.join('?' for _ in missing)})", missing
            )
            self.names.update({row["code"]: row["name"] for row in cursor.fetchall()})
        return self.names


def _tuples(rows: list[Any]) -> list[Any]:
    """Rows as tuples of their columns in the order selected: a tuple is read faster than a
    row by name (``sqlite3.Row`` or PostgreSQL's dict rows alike)."""
    if rows and isinstance(rows[0], dict):
        return [tuple(row.values()) for row in rows]
    return [tuple(row) for row in rows]


def _listed(held: list[Held]) -> list[Held]:
    """One relation's facts in the order its state lists them: by facet, then item."""
    if len(held) > 1:
        held.sort(key=FACT_ORDER)
    return held


def _position(newest: Any, at: int, fresh: bool) -> int:
    """``at``, or as known now the newest position of the row of ``_newest``; with ``fresh``,
    only if the model has applied the log's head."""
    if at != NOW:
        return at
    if fresh and newest["head"] is not None and newest["head"] > newest["tracked"]:
        raise Behind(int(newest["head"]))
    return int(newest["position"] or 0)


# A fact's value, parsed once: few are distinct (a diplomatic status is one of four), and nothing
# changes a parsed value.
_value = lru_cache(maxsize=1024)(from_json)


def _state(
    a: str,
    b: str,
    names: dict[str, str],
    on: date,
    position: int,
    version: int,
    held: Sequence[Held],
    pending: list[Any],
    evidence: list[Data],
) -> Data:
    """One state; ``held`` are its facts holding on ``on`` in the order a state lists them (by facet,
    then item), ``evidence`` the events they cite."""
    diplomatic: Data | None = None
    recognitions: list[Data] = []
    missions: list[Data] = []
    agreements: list[Data] = []
    memberships: list[Data] = []
    a_recognizes_b = b_recognizes_a = False
    for _, facet, _, text, event, since in held:
        value = _value(text)
        if facet == "diplomatic":
            diplomatic = {"status": value["status"], "since": since, "event": event}
        elif facet == "recognition":
            recognizer, recognized = value["recognizer"], value["recognized"]
            recognitions.append({"recognizer": recognizer, "recognized": recognized, "since": since, "event": event})
            a_recognizes_b = a_recognizes_b or (recognizer == a and recognized == b)
            b_recognizes_a = b_recognizes_a or (recognizer == b and recognized == a)
        elif facet == "mission":
            missions.append(
                {"sender": value["sender"], "host": value["host"], "level": value["level"], "since": since,
                 "event": event}
            )
        elif facet == "agreement":
            agreements.append(
                {"agreement": value["agreement"], "kind": value["kind"], "title": value["title"], "since": since,
                 "event": event}
            )
        elif facet == "membership":
            memberships.append(
                {"member": value["member"], "body": value["body"], "status": value["status"], "role": value["role"],
                 "since": since, "event": event}
            )
    return {
        "a": {"code": a, "name": names.get(a, a)},
        "b": {"code": b, "name": names.get(b, b)},
        "on": on,
        "as_of_position": position,
        "version": version,
        "diplomatic": diplomatic or {"status": NO_STATUS, "since": None, "event": None},
        "recognition": {"a_recognizes_b": a_recognizes_b, "b_recognizes_a": b_recognizes_a, "held": recognitions},
        "missions": missions,
        "agreements": agreements,
        "memberships": memberships,
        "pending": [
            {"id": row["id"], "type": row["type"], "occurred": row["occurred"], "summary": row["summary"]}
            for row in pending
        ],
        "events": evidence,
    }


def _event_data(event: Sequence[Any], at: int) -> Data:
    """An event (its ``EVENT`` columns) as ``EventOut`` serialises it."""
    (id_, position, type_, subject, counterpart, occurred, first_day, last_day, summary, attributes, sources,
     recorded_at, recorded_by, retracted_pos, retraction) = event
    retracted = None
    if retracted_pos is not None and retracted_pos <= at:
        withdrawn = from_json(retraction)
        retracted = {name: withdrawn[name] for name in RETRACTION_FIELDS}
    return {
        "id": id_,
        "position": position,
        "type": type_,
        "subject": subject,
        "counterpart": counterpart,
        "occurred": occurred,
        "window": {"first": first_day, "last": last_day},
        "summary": summary,
        "attributes": _value(attributes),
        "sources": _sources(sources),
        "recorded_at": recorded_at,
        "recorded_by": recorded_by,
        "retracted": retracted,
    }


@lru_cache(maxsize=1024)
def _sources(text: str) -> list[Data]:
    """An event's sources as ``Source`` serialises them, parsed once (many events cite the same)."""
    return [{"title": source["title"], "quote": source.get("quote"), "url": source.get("url")} for source in from_json(text)]


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

