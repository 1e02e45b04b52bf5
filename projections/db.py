"""One small interface over the two stores the read model lives in: SQLite and PostgreSQL.

SQL is written once with ``?`` placeholders; the PostgreSQL side rewrites them to ``%s``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from types import TracebackType
from typing import Any, Protocol

import psycopg
from psycopg import IsolationLevel

from domain import StoreUrl
from projections.process import WRITER_LOCK

Row = Any
Params = Sequence[Any]

READ_CACHE_KIB = 64 * 1024  # the page cache of each thread's reading connection to SQLite


class Cursor(Protocol):
    def execute(self, sql: str, params: Params = ()) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...
    def fetchall(self) -> list[Row]: ...
    def fetchone(self) -> Row | None: ...


class Database(Protocol):
    dialect: str

    def exclusive(self) -> Any:
        """Hold the store's writer lock across processes (held by one writer at a time)."""

    def write(self) -> Any:
        """A transaction that holds the store's write lock until it ends."""

    def read(self) -> Any:
        """A transaction that sees one consistent snapshot."""

    def single(self) -> Any:
        """A cursor for a read of one statement, which sees one consistent snapshot by itself:
        where the store needs no transaction around it for that, it has none."""

    def settle(self) -> None:
        """Give back the disk a large write that is gone again took (scratch tables dropped)."""

    def close(self) -> None: ...


class SQLiteDatabase:
    dialect = "sqlite"

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
        """SQLite serialises its writers itself, and this process's writers take turns already."""
        return nullcontext()

    def read(self) -> Any:
        return _SQLiteTransaction(self._reader(), "BEGIN")

    def single(self) -> Any:
        """A statement outside a transaction reads from one snapshot, begun and ended with it."""
        return closing(self._reader().cursor())

    def settle(self) -> None:
        """Copy the write-ahead log into the file and truncate it: a check or a rebuild writes its
        scratch tables through the log, which would otherwise keep their size on disk (1.3 GB
        beside a store of a million events) after the tables are dropped."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        with self.opened_lock:
            for connection in self.opened:
                connection.close()
            self.opened.clear()
        self.local = threading.local()


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


class _PgCursor:
    def __init__(self, cursor: Any):
        self.cursor = cursor

    def execute(self, sql: str, params: Params = ()) -> None:
        self.cursor.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.cursor.executemany(sql.replace("?", "%s"), rows)

    def fetchall(self) -> list[Row]:
        return list(self.cursor.fetchall())

    def fetchone(self) -> Row | None:
        return self.cursor.fetchone()


class PostgresDatabase:
    dialect = "postgresql"

    def __init__(self, url: StoreUrl):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        options = f"-c search_path={url.schema}" if url.schema else None
        kwargs: dict[str, Any] = {"row_factory": dict_row, "autocommit": False}
        if options:
            kwargs["options"] = options
        self.connect_kwargs: dict[str, Any] = {
            "host": url.host,
            "port": url.port,
            "user": url.user,
            "password": url.password or None,
            "dbname": url.dbname,
        }
        self.locking: Any = None
        self.exclusive_guard = threading.Lock()
        self.pool = ConnectionPool(
            conninfo="",
            kwargs={**self.connect_kwargs, **kwargs},
            min_size=1,
            max_size=url.pool_size * 2,
            open=True,
        )

    @contextmanager
    def _transaction(self, isolation: IsolationLevel, read_only: bool) -> Iterator[_PgCursor]:
        """A transaction begun with its isolation level and access mode in one statement."""
        with self.pool.connection() as connection:
            if connection.autocommit:
                connection.autocommit = False
            if connection.isolation_level != isolation or connection.read_only != read_only:
                connection.isolation_level, connection.read_only = isolation, read_only
            with connection.cursor() as cursor:
                yield _PgCursor(cursor)

    @contextmanager
    def _statements(self) -> Iterator[_PgCursor]:
        """Statements each in a transaction of its own, so that a read of one statement is one
        round trip (no BEGIN, no COMMIT), and still a consistent snapshot by itself."""
        with self.pool.connection() as connection:
            if not connection.autocommit:
                connection.autocommit = True
            with connection.cursor() as cursor:
                yield _PgCursor(cursor)

    def write(self) -> Any:
        return self._transaction(IsolationLevel.READ_COMMITTED, False)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """A session advisory lock that writers of every process take before they judge and save,
        so that two never judge against the same history (and never race to the same version)."""
        with self.exclusive_guard:
            if self.locking is None or self.locking.closed:
                self.locking = psycopg.connect(**self.connect_kwargs, autocommit=True)
            self.locking.execute(f"SELECT pg_advisory_lock({WRITER_LOCK})")
            try:
                yield
            finally:
                self.locking.execute(f"SELECT pg_advisory_unlock({WRITER_LOCK})")

    def read(self) -> Any:
        return self._transaction(IsolationLevel.REPEATABLE_READ, True)

    def single(self) -> Any:
        return self._statements()

    def settle(self) -> None:
        """The server recycles its own write-ahead log."""

    def close(self) -> None:
        if self.locking is not None:
            self.locking.close()
        self.pool.close()


def open_database(url: StoreUrl) -> Database:
    if url.is_sqlite:
        return SQLiteDatabase(url.path)
    return PostgresDatabase(url)


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
        self.dialect = db.dialect
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

    def settle(self) -> None:
        self.db.settle()

    def close(self) -> None:
        """The database belongs to whoever opened it."""
