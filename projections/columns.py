"""The read model's tables and their columns, written once: the schema creates them from here,
the projector inserts by these lists, verify compares by them, and the queries select by them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A table of the read model: its columns with their SQL types, and what a check compares."""

    name: str
    columns: tuple[tuple[str, str], ...]
    order: str
    """A stable order of its rows, for a check to compare two copies."""
    derived: tuple[str, ...] = ()
    """Columns that differ by construction (row ids) or follow from others: a check skips them."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def create(self) -> str:
        columns = ", ".join(f"{name} {kind}" for name, kind in self.columns)
        return f"CREATE TABLE IF NOT EXISTS rm_{self.name} ({columns})"

    def insert(self, leaving_out: tuple[str, ...] = ()) -> str:
        """An INSERT of every column but ``leaving_out``, with a ``?`` for each."""
        names = [name for name in self.names if name not in leaving_out]
        return f"INSERT INTO rm_{self.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"

    @property
    def compared(self) -> str:
        return ", ".join(name for name in self.names if name not in self.derived)


TRACKING = Table("tracking", (("name", "TEXT PRIMARY KEY"), ("position", "BIGINT NOT NULL")), order="name")
# Every log entry: its canonical JSON (RFC 8785) and its audit chain hash.
LOG = Table(
    "log",
    (("position", "BIGINT PRIMARY KEY"), ("notification", "BIGINT NOT NULL UNIQUE"), ("recorded_at", "TEXT NOT NULL"),
     ("kind", "TEXT NOT NULL"), ("entry", "TEXT NOT NULL"), ("hash", "TEXT NOT NULL")),
    order="position",
)
REQUESTS = Table("requests", (("id", "TEXT PRIMARY KEY"), ("position", "BIGINT NOT NULL")), order="id")
ENTITIES = Table(
    "entities",
    (("code", "TEXT PRIMARY KEY"), ("name", "TEXT NOT NULL"), ("kind", "TEXT NOT NULL"), ("aliases", "TEXT NOT NULL"),
     ("position", "BIGINT NOT NULL"), ("recorded_at", "TEXT NOT NULL"), ("recorded_by", "TEXT NOT NULL")),
    order="code",
)
EVENTS = Table(
    "events",
    (("id", "TEXT PRIMARY KEY"), ("position", "BIGINT NOT NULL UNIQUE"), ("relation", "TEXT NOT NULL"),
     ("a", "TEXT NOT NULL"), ("b", "TEXT NOT NULL"), ("version", "INTEGER NOT NULL"), ("type", "TEXT NOT NULL"),
     ("subject", "TEXT NOT NULL"), ("counterpart", "TEXT NOT NULL"), ("occurred", "TEXT NOT NULL"),
     ("first_day", "TEXT NOT NULL"), ("last_day", "TEXT NOT NULL"), ("summary", "TEXT NOT NULL"),
     ("attributes", "TEXT NOT NULL"), ("sources", "TEXT NOT NULL"), ("recorded_at", "TEXT NOT NULL"),
     ("recorded_by", "TEXT NOT NULL"), ("retracted_pos", "BIGINT"), ("retraction", "TEXT")),
    order="position",
    derived=("a", "b"),
)
# One row per fact and the valid-time days [from_day, to_day) it held, as known over the
# record-time positions [from_pos, to_pos).
INTERVALS = Table(
    "intervals",
    (("id", "TEXT PRIMARY KEY"), ("relation", "TEXT NOT NULL"), ("a", "TEXT NOT NULL"), ("b", "TEXT NOT NULL"),
     ("facet", "TEXT NOT NULL"), ("item", "TEXT NOT NULL"), ("value", "TEXT NOT NULL"), ("event_id", "TEXT NOT NULL"),
     ("since", "TEXT NOT NULL"), ("from_day", "TEXT NOT NULL"), ("to_day", "TEXT"),
     ("from_pos", "BIGINT NOT NULL"), ("to_pos", "BIGINT")),
    order="relation, facet, item, from_pos, from_day, event_id",
    derived=("id", "a", "b"),
)

TABLES = (TRACKING, LOG, REQUESTS, ENTITIES, EVENTS, INTERVALS)

# An event as shown (``EventOut``): the columns it is made from, in the order rows.event_data reads them.
SHOWN = (
    "id", "position", "type", "subject", "counterpart", "occurred", "first_day", "last_day", "summary", "attributes",
    "sources", "recorded_at", "recorded_by", "retracted_pos", "retraction",
)
EVENT = ", ".join(SHOWN)
ENTITY = ", ".join(ENTITIES.names)
INTERVAL = "facet, item, value, from_day, to_day, since, event_id"
