"""SQLite: the embedded default, a file beside the service. Its writers take turns on a lock of
this process first (SQLite's busy loop does not queue them fairly), then on a lock of every
process on the file (``WriterTurn``), held while a writer judges a change and saves it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from types import TracebackType
from typing import Any
from uuid import UUID

from domain import StoredEntry
from projections.process import file_lock
from projections.stores.base import Cursor, Database
from projections.stores.url import StoreUrl

READ_CACHE_KIB = 64 * 1024  # the page cache of each thread's reading connection to SQLite

# What SQLite says when the file is busy, away or full: worth trying again. Anything else (no
# such table, a syntax error) is a fault of ours, and no retry mends it.
PASSING = ("locked", "busy", "disk i/o error", "unable to open", "disk is full", "readonly database")

TURN_PAUSES = (0.0005, 0.01)  # how often a writer waiting for another process's turn looks again: from, up to


class SQLiteStore:
    reads_on_loop = True
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, url: StoreUrl):
        self.url = url

    def settings(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": self.url.path,
            "SQLITE_LOCK_TIMEOUT": str(self.url.lock_timeout),
            "CHANCERY_WRITE_CACHE": str(self.url.write_cache),
        }

    def database(self) -> Database:
        return SQLiteDatabase(self.url.path, float(self.url.lock_timeout))

    def opening(self) -> Any:
        """SQLite creates its tables under the file's own write lock."""
        return nullcontext()

    def writer_turn(self) -> threading.RLock:
        return file_lock(self.url.path)

    def bound_waits(self, recorder: Any) -> None:
        """A file is opened at once or not at all."""

    def stored_entries(self, recorder: Any, ids: Sequence[UUID]) -> list[StoredEntry]:
        marks = ", ".join("?" for _ in ids)
        sql = (
            f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name}"
            f" WHERE originator_id IN ({marks}) ORDER BY originator_id, originator_version"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, [i.hex for i in ids])
            return [(UUID(r[0]), r[1], r[2], r[3]) for r in cursor.fetchall()]

    def log_head(self, recorder: Any) -> str:
        return f"SELECT MAX(rowid) FROM {recorder.events_table_name}"

    @staticmethod
    def passing(error: BaseException) -> bool:
        return isinstance(error, sqlite3.OperationalError) and any(word in str(error).lower() for word in PASSING)


class SQLiteDatabase:
    sides_apart = True  # each side of an entity counted from an index of its own

    def __init__(self, path: str, timeout: float = 5.0):
        self.path = path
        self.timeout = timeout
        self.local = threading.local()
        self.opened: list[sqlite3.Connection] = []
        self.opened_lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection for writes."""
        connection: sqlite3.Connection | None = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self._open()
        return connection

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection for reads, read-only, with a page cache that holds what a read
        looks up (the default holds 2 MB, a sliver of a large store's indexes)."""
        connection: sqlite3.Connection | None = getattr(self.local, "reader", None)
        if connection is None:
            connection = self.local.reader = self._open()
            connection.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
            connection.execute("PRAGMA query_only = ON")
        return connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        with self.opened_lock:
            self.opened.append(connection)
        return connection

    def write(self) -> Any:
        return _SQLiteTransaction(self._connection(), "BEGIN IMMEDIATE")

    def exclusive(self) -> Any:
        """The writers' turn across every process on the file (see ``WriterTurn``)."""
        return writer_turn(self.path).held(self.timeout)

    def read(self) -> Any:
        return _SQLiteTransaction(self._reader(), "BEGIN")

    def single(self) -> Any:
        """A statement outside a transaction reads from one snapshot, begun and ended with it."""
        return closing(self._reader().cursor())

    def exclusively(self, tables: Sequence[str]) -> Any:
        """Readers of the file's write-ahead log see the tables as they were until this commits."""
        return self.write()

    def lock_tracking(self, cursor: Cursor) -> None:
        """``BEGIN IMMEDIATE`` took the file's write lock already."""

    def lock_schema(self, cursor: Cursor) -> None:
        """``BEGIN IMMEDIATE`` took the file's write lock already."""

    def settle(self) -> None:
        """Copy the write-ahead log into the file and truncate it: a check or a rebuild writes its
        scratch tables through the log, which would otherwise keep their size on disk (1.3 GB
        beside a store of a million events) after the tables are dropped."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def release(self) -> None:
        """Close this thread's connections, for a thread that ends: they would stay open till
        ``close`` otherwise."""
        for kind in ("connection", "reader"):
            connection: sqlite3.Connection | None = getattr(self.local, kind, None)
            if connection is None:
                continue
            delattr(self.local, kind)
            with self.opened_lock:
                if connection in self.opened:
                    self.opened.remove(connection)
            connection.close()

    def close(self) -> None:
        with self.opened_lock:
            for connection in self.opened:
                connection.close()
            self.opened.clear()
        self.local = threading.local()


class WriterTurn:
    """Writers of every process on one file take turns: an exclusive ``flock`` of a file beside it
    (``<database>-writer``), held while a writer judges a change against the log and saves it.

    SQLite's own write lock covers only the save: two processes could judge against the same log,
    and both save what only one may (a name for two entities; the same relation written twice,
    one then judged again). One turn a process, taken again by the thread that holds it; waited
    for up to the store's lock timeout, then "database is locked" (busy: try again).
    """

    def __init__(self, path: str):
        self.path = path + "-writer"
        self.holder = file_lock(path)  # this process's turn: its writer alone waits for the others
        self.depth = 0
        self.descriptor = -1

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        if not self.holder.acquire(timeout=timeout):
            raise sqlite3.OperationalError(f"database is locked: no writer's turn within {timeout:g} s")
        try:
            if self.depth == 0:
                self.descriptor = self._take(timeout)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0:
                    os.close(self.descriptor)  # closing it gives the turn back
        finally:
            self.holder.release()

    def _take(self, timeout: float) -> int:
        """Wait for the other processes' writers, looking again at a growing interval (``flock``
        itself cannot wait a bounded time)."""
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        deadline, pause = time.monotonic() + timeout, TURN_PAUSES[0]
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return descriptor
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(descriptor)
                    raise sqlite3.OperationalError(
                        f"database is locked: another process's writer held its turn for over {timeout:g} s"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, TURN_PAUSES[1])


_turns: dict[str, WriterTurn] = {}
_turns_guard = threading.Lock()


def writer_turn(path: str) -> WriterTurn:
    """The one writers' turn of this process for the file at ``path``."""
    path = os.path.abspath(path)
    with _turns_guard:
        return _turns.setdefault(path, WriterTurn(path))


class _SQLiteTransaction:
    """A transaction on a connection: committed at the end, rolled back on an error."""

    __slots__ = ("begin", "connection", "cursor")

    def __init__(self, connection: sqlite3.Connection, begin: str):
        self.connection = connection
        self.begin = begin

    def __enter__(self) -> sqlite3.Cursor:
        self.cursor = self.connection.cursor()
        self.cursor.execute(self.begin)
        return self.cursor

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if kind is None:
                self.connection.commit()
            else:
                self.connection.rollback()
        finally:
            self.cursor.close()
