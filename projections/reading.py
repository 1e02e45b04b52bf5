"""What every read shares: a snapshot's position, the counts a state rests on, entity names.

Every query takes ``at``: a log position. With it, the answer uses only what had been recorded
by then (record time); ``on`` and the day arguments are valid time. A read as known now with
``fresh`` checks, in its own snapshot, that the model has applied the whole log, else raises
``Behind``: so a reader sees every write acknowledged before it began, at the cost of one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic_core import from_json

from projections.models import Data
from projections.stores import Cursor, Database

NOW = 2**62  # a position past every entry: "as known now"
MAX_POSITION = 2**63 - 1  # the largest position either store can compare with

# A WHERE as alternatives, each with its parameters and an index of its own; their rows are united.
Parts = list[tuple[str, list[Any]]]

# The statements of counts, each served by an index (see schema.INDEXES).
VISIBLE = "position <= ? AND (retracted_pos IS NULL OR retracted_pos > ?)"
VERSION = "SUM(CASE WHEN position <= ? THEN 1 ELSE 0 END) + SUM(CASE WHEN retracted_pos <= ? THEN 1 ELSE 0 END)"
COUNTS = (
    f"SELECT relation, {VERSION} AS version,"
    f" MAX(CASE WHEN first_day <= ? AND {VISIBLE} THEN 1 ELSE 0 END) AS listed,"
    f" MAX(CASE WHEN first_day <= ? AND last_day > ? AND {VISIBLE} THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE {where} GROUP BY relation"
)
# As known now, every event stored is visible unless retracted, and every retraction counts: the
# same counts from one pass over the relation's events, with fewer terms.
COUNTS_NOW = (
    "SELECT relation, COUNT(*) + COUNT(retracted_pos) AS version,"
    " MAX(CASE WHEN first_day <= ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS listed,"
    " MAX(CASE WHEN first_day <= ? AND last_day > ? AND retracted_pos IS NULL THEN 1 ELSE 0 END) AS pending"
    " FROM rm_events WHERE {where} GROUP BY relation"
)


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


class Reads:
    """The read model's database, and what every question asks of a snapshot."""

    def __init__(self, db: Database, head: str | None = None):
        """``head``: the SQL of the store's log head, for reads that check they are ``fresh``."""
        self.db = db
        position = "(SELECT MAX(position) FROM rm_log) AS position"
        checked = (
            f"{position}, (SELECT position FROM rm_tracking WHERE name = 'relations') AS tracked,"
            f" ({head or 'SELECT NULL'}) AS head"
        )
        # The newest position applied; when fresh, beside the store's ids of the last entry applied
        # (tracked) and of the log's head.
        self.columns = {False: position, True: checked}
        self.newest = {fresh: f"SELECT {columns}" for fresh, columns in self.columns.items()}
        self.names: dict[str, str] = {}  # an entity's name never changes once registered

    def _newest(self, cursor: Cursor, sql: str, params: Sequence[Any] = ()) -> Any:
        """The one row of ``sql``, one of ``newest`` (and more)."""
        cursor.execute(sql, params)
        row = cursor.fetchone()
        assert row is not None
        return row

    def _at(self, cursor: Cursor, at: int, fresh: bool = False) -> int:
        """The position an answer is given at: ``at``, or the newest applied, which with ``fresh``
        must be the log's head."""
        return at if at != NOW else position_of(self._newest(cursor, self.newest[fresh]), at, fresh)

    def _counts(self, cursor: Cursor, parts: Parts, day: str, at: int) -> dict[str, Counts]:
        """What the events of each relation in ``parts`` say as known at ``at`` (of ``day``)."""
        if at >= NOW:
            cursor.execute(*union(COUNTS_NOW, parts, before=(day, day, day)))
        else:
            cursor.execute(*union(COUNTS, parts, before=(at, at, day, at, at, day, day, at, at)))
        return {
            relation: Counts(int(version), bool(listed), bool(pending))
            for relation, version, listed, pending in tuples(cursor.fetchall())
        }

    def _refs(self, cursor: Cursor, codes: list[str], at: int) -> tuple[dict[str, Data], dict[str, Life]]:
        """Each entity as answers name it (code, name and its life as known at ``at``), and its life."""
        names, known = self._names(cursor, codes), lives(cursor, codes, at)
        return {code: known.get(code, NO_LIFE).ref(code, names.get(code, code)) for code in codes}, known

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


def position_of(newest: Any, at: int, fresh: bool) -> int:
    """``at``, or as known now the newest position of the row of ``_newest``; with ``fresh``,
    only if the model has applied the log's head."""
    if at != NOW:
        return at
    if fresh and newest["head"] is not None and newest["head"] > newest["tracked"]:
        raise Behind(int(newest["head"]))
    return int(newest["position"] or 0)


def tuples(rows: list[Any]) -> list[Any]:
    """Rows as tuples of their columns in the order selected: a tuple is read faster than a
    row by name (``sqlite3.Row`` or PostgreSQL's dict rows alike)."""
    if rows and isinstance(rows[0], dict):
        return [tuple(row.values()) for row in rows]
    return [tuple(row) for row in rows]


def marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def union(template: str, parts: Parts, before: Sequence[Any] = (), after: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """``template`` for each of ``parts`` (its ``{where}``), united; ``before`` and ``after`` are
    the parameters around each part's own."""
    return _united(template, tuple(where for where, _ in parts)), [
        p for _, values in parts for p in (*before, *values, *after)
    ]


@lru_cache(maxsize=256)
def _united(template: str, wheres: tuple[str, ...]) -> str:
    return " UNION ALL ".join(template.format(where=where) for where in wheres)


# Entities in time as answers show them: when each began and ended, what it came from and went
# into, read from its own events (entity.began, entity.ended) as known at a position.


@dataclass
class Life:
    """An entity's latest spell (``began``, ``ended``: its dates as recorded, None where nothing is),
    and every entity it came from or went into."""

    began: str | None = None
    ended: str | None = None
    turns: list[tuple[str, bool, str, str]] = field(default_factory=list)
    """Each beginning and end in valid-time order: the last day of its window, whether it is an
    end, its date as recorded and its event."""
    predecessors: list[str] = field(default_factory=list)
    successors: list[str] = field(default_factory=list)

    def ref(self, code: str, name: str) -> Data:
        """The entity as an answer names it (``EntityRef``)."""
        return {"code": code, "name": name, "began": self.began, "ended": self.ended,
                "predecessors": self.predecessors, "successors": self.successors}

    def ended_by_day(self, day: str) -> tuple[str, str, str] | None:
        """The last day of its end, its event and its date, if it had surely ended by the end of
        ``day`` and not surely begun again since (between an end and a restoration, it had ended)."""
        certain = [turn for turn in self.turns if turn[0] <= day]
        if not certain or not certain[-1][1]:
            return None
        last_day, _, occurred, event_id = certain[-1]
        return last_day, event_id, occurred


NO_LIFE = Life()


def lives(cursor: Cursor, codes: Iterable[str], at: int) -> dict[str, Life]:
    """The lives of ``codes`` as known at ``at`` (an entity with no event of its own has the empty one)."""
    own = sorted({f"{code}/{code}" for code in codes})
    found: dict[str, Life] = {}
    if not own:
        return found
    cursor.execute(
        f"SELECT {LIFE} FROM rm_events WHERE relation IN ({marks(own)}) AND {VISIBLE} ORDER BY first_day, position",
        [*own, at, at],
    )
    for row in tuples(cursor.fetchall()):
        _turn(found, row)
    _linked_from_others(cursor, codes, at, found)
    return found


def every_life(cursor: Cursor, at: int) -> dict[str, Life]:
    """The life of every entity with an event of its own as known at ``at``, links read both ways."""
    cursor.execute(
        f"SELECT {LIFE} FROM rm_events WHERE type IN ('entity.began', 'entity.ended') AND {VISIBLE}"
        " ORDER BY first_day, position",
        [at, at],
    )
    rows = tuples(cursor.fetchall())
    found: dict[str, Life] = {}
    for row in rows:
        _turn(found, row)
    for subject, kind, _, _, _, attributes in rows:
        said: dict[str, Any] = from_json(attributes)
        for code in said.get("into" if kind == "entity.ended" else "from") or ():
            life = found.setdefault(code, Life())
            _add(life.predecessors if kind == "entity.ended" else life.successors, [subject])
    return found


LIFE = "subject, type, occurred, last_day, id, attributes"  # an entity's own event, as a life reads it


def _turn(found: dict[str, Life], row: Sequence[Any]) -> None:
    """A beginning or an end (a row of ``LIFE``) in the life of its subject."""
    subject, kind, occurred, last_day, event_id, attributes = row
    life = found.setdefault(subject, Life())
    said: dict[str, Any] = from_json(attributes)
    ending = kind == "entity.ended"
    life.turns.append((str(last_day), ending, occurred, str(event_id)))
    if ending:
        life.ended = occurred
        _add(life.successors, said.get("into"))
    else:
        life.began, life.ended = occurred, None
        _add(life.predecessors, said.get("from"))


def _linked_from_others(cursor: Cursor, codes: Iterable[str], at: int, found: dict[str, Life]) -> None:
    """What another entity's own events say of these: one that ended into it is its predecessor,
    one that began from it its successor (the link is recorded on one side, and read from both)."""
    wanted = sorted(set(codes))
    if not wanted:
        return
    cursor.execute(
        "SELECT subject, type, attributes FROM rm_events WHERE type IN ('entity.began', 'entity.ended')"
        f" AND ({' OR '.join('attributes LIKE ?' for _ in wanted)}) AND {VISIBLE} ORDER BY first_day, position",
        [*(f'%"{code}"%' for code in wanted), at, at],
    )
    for subject, kind, attributes in tuples(cursor.fetchall()):
        said: dict[str, Any] = from_json(attributes)
        linked = said.get("into") if kind == "entity.ended" else said.get("from")
        for code in wanted:
            if code != subject and isinstance(linked, list) and code in linked:
                life = found.setdefault(code, Life())
                _add(life.predecessors if kind == "entity.ended" else life.successors, [subject])


def _add(known: list[str], codes: Any) -> None:
    for code in codes or ():
        if code not in known:
            known.append(code)
