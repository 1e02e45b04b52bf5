"""What every store offers Chancery: the interface the read model, the projector, the writer and
the HTTP API use, whichever store holds the log. SQL is written once with ``?`` placeholders."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

from domain import StoredEntry
from projections.stores.url import StoreUrl

Row = Any
Params = Sequence[Any]


class Cursor(Protocol):
    def execute(self, sql: str, params: Params = ()) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...
    def fetchall(self) -> list[Row]: ...
    def fetchone(self) -> Row | None: ...


class Database(Protocol):
    """The read model's side of a store: transactions, and the locks its writers take."""

    sides_apart: bool
    """Whether a count over both sides of an entity reads faster as two (one index each) than as one."""

    def exclusive(self) -> Any:
        """Hold the store's writer lock across processes (held by one writer at a time)."""

    def write(self) -> Any:
        """A transaction that holds the store's write lock until it ends."""

    def read(self) -> Any:
        """A transaction that sees one consistent snapshot."""

    def single(self) -> Any:
        """A cursor for a read of one statement, which sees one consistent snapshot by itself:
        where the store needs no transaction around it for that, it has none."""

    def exclusively(self, tables: Sequence[str]) -> Any:
        """A write transaction that holds ``tables`` alone, readers kept out until it ends."""

    def lock_tracking(self, cursor: Cursor) -> None:
        """Make this transaction the only projector across processes until it ends."""

    def lock_schema(self, cursor: Cursor) -> None:
        """Make this transaction the only one creating the read model's tables until it ends."""

    def settle(self) -> None:
        """Give back the disk a large write that is gone again took (scratch tables dropped)."""

    def release(self) -> None:
        """Close the connections this thread holds of its own, if any: a thread about to end."""

    def close(self) -> None: ...


class Store(Protocol):
    """One kind of store: its settings for the event store, its read model's database, how the
    writer loads relations, where the log's head is, and which of its errors are passing."""

    url: StoreUrl
    reads_on_loop: bool
    """Whether a read is a look-up in a local file, shorter than a hand-off to a worker thread."""
    errors: tuple[type[Exception], ...]
    """What its driver raises (the event store raises its own ``PersistenceError`` besides)."""

    def settings(self) -> dict[str, str]:
        """The ``eventsourcing`` library's settings for this store."""

    def database(self) -> Database: ...

    def opening(self) -> Any:
        """Held while this process opens the store: processes starting together take turns."""

    def writer_turn(self) -> threading.RLock:
        """The lock this process's writers take turns on before the store's own."""

    def bound_waits(self, recorder: Any) -> None:
        """Make the event store wait for a connection no longer than the store's connection wait."""

    def stored_entries(self, recorder: Any, ids: Sequence[UUID]) -> list[StoredEntry]:
        """The stored entries of many aggregates in one query, in version order each."""

    def log_head(self, recorder: Any) -> str:
        """SQL for the store's number of the log's newest entry, from the library's table."""

    @staticmethod
    def passing(error: BaseException) -> bool:
        """Whether its driver's ``error`` says the store is away or busy (try again), not that a
        query is wrong."""


class _RenamingCursor:
    def __init__(self, cursor: Cursor, prefix: str):
        self.cursor = cursor
        self.prefix = prefix

    def execute(self, sql: str, params: Params = ()) -> None:
        self.cursor.execute(sql.replace("rm_", self.prefix), params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.cursor.executemany(sql.replace("rm_", self.prefix), rows)

    def fetchall(self) -> list[Row]:
        return self.cursor.fetchall()

    def fetchone(self) -> Row | None:
        return self.cursor.fetchone()


class Renamed:
    """The same database, with the read model's tables under another name (``rb_events``…).

    A rebuild or a check fills tables of its own beside the live ones, which readers keep using.
    """

    def __init__(self, db: Database, name: str):
        self.db = db
        self.sides_apart = db.sides_apart
        self.prefix = f"{name}_"

    @contextmanager
    def _renaming(self, transaction: Any) -> Iterator[_RenamingCursor]:
        with transaction as cursor:
            yield _RenamingCursor(cursor, self.prefix)

    def write(self) -> Any:
        return self._renaming(self.db.write())

    def read(self) -> Any:
        return self._renaming(self.db.read())

    def single(self) -> Any:
        return self._renaming(self.db.single())

    def exclusive(self) -> Any:
        return self.db.exclusive()

    def exclusively(self, tables: Sequence[str]) -> Any:
        return self._renaming(self.db.exclusively([table.replace("rm_", self.prefix) for table in tables]))

    def lock_tracking(self, cursor: Cursor) -> None:
        self.db.lock_tracking(cursor)

    def lock_schema(self, cursor: Cursor) -> None:
        self.db.lock_schema(cursor)

    def settle(self) -> None:
        self.db.settle()

    def release(self) -> None:
        self.db.release()

    def close(self) -> None:
        """The database belongs to whoever opened it."""
