"""PostgreSQL: for many API workers and projection workers on one database. Writers of every
process take turns on an advisory lock; the projector's turn is the tracking row's lock."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg import IsolationLevel

from domain import StoredEntry
from projections.process import OPENING_LOCK, SCHEMA_LOCK, WRITER_LOCK
from projections.stores.base import Cursor, Database, Params, Row
from projections.stores.url import StoreUrl

LOCK_WAIT_MS = 5000  # how long a projector waits for another process's batch before giving up
GIVE_WAY_MS = 50  # how long a switch of tables waits for readers before it gives way and tries again
EXCLUSIVE_PATIENCE_SECONDS = 60.0
EVENT_STORE_TRIES = 10  # how often the event store tries a statement while the store is away


class PostgresStore:
    reads_on_loop = False  # every read is a round trip to the server
    errors: tuple[type[Exception], ...] = (psycopg.Error,)

    def __init__(self, url: StoreUrl):
        self.url = url

    def settings(self) -> dict[str, str]:
        url = self.url
        env = {
            "CHANCERY_WRITE_CACHE": str(url.write_cache),
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.dbname,
            "POSTGRES_HOST": url.host,
            "POSTGRES_PORT": str(url.port),
            "POSTGRES_USER": url.user,
            "POSTGRES_PASSWORD": url.password,
            "POSTGRES_POOL_SIZE": str(url.pool_size),
            "POSTGRES_MAX_OVERFLOW": str(url.pool_size * 2),
            "POSTGRES_LOCK_TIMEOUT": str(url.lock_timeout),
            "POSTGRES_CONNECT_TIMEOUT": str(math.ceil(url.connect_timeout)),  # until bound_waits
        }
        if url.schema:
            env["POSTGRES_SCHEMA"] = url.schema
        return env

    def database(self) -> Database:
        return PostgresDatabase(self.url)

    @contextmanager
    def opening(self) -> Iterator[None]:
        """The event store creates its tables, types and functions as it opens, and two processes
        doing so at once fail: workers starting together take turns on a session advisory lock."""
        with psycopg.connect(**connecting(self.url), autocommit=True) as connection:
            connection.execute(f"SELECT pg_advisory_lock({OPENING_LOCK})")
            try:
                yield
            finally:
                connection.execute(f"SELECT pg_advisory_unlock({OPENING_LOCK})")

    def writer_turn(self) -> threading.RLock:
        """The server queues writers fairly itself: this process needs no turn of its own."""
        return threading.RLock()

    def bound_waits(self, recorder: Any) -> None:
        """The event store opens its connections with the same wait. It tries a statement up to
        ten times when the store is away, each time waiting for a connection: it waits a tenth each."""
        pool = recorder.datastore.pool
        pool.kwargs["connect_timeout"] = connecting(self.url)["connect_timeout"]
        pool.timeout = self.url.connect_timeout / EVENT_STORE_TRIES

    def stored_entries(self, recorder: Any, ids: Sequence[UUID]) -> list[StoredEntry]:
        sql = (
            f'SELECT originator_id, originator_version, topic, state FROM "{recorder.datastore.schema}".'
            f'"{recorder.events_table_name}" WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version'
        )
        with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(sql, (list(ids),))
            return [(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                    for r in cursor.fetchall()]

    def log_head(self, recorder: Any) -> str:
        return f'SELECT MAX(notification_id) FROM "{recorder.datastore.schema}"."{recorder.events_table_name}"'

    @staticmethod
    def passing(error: BaseException) -> bool:
        """The server gone, a connection refused or dropped, a lock or the pool timed out."""
        return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)


def connecting(url: StoreUrl) -> dict[str, Any]:
    """How to connect to the store: a new connection is given up on after the connection wait
    (which the driver takes in whole seconds)."""
    return {
        "host": url.host,
        "port": url.port,
        "user": url.user,
        "password": url.password or None,
        "dbname": url.dbname,
        "connect_timeout": math.ceil(url.connect_timeout),
    }


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
    # Without statistics (new tables, autovacuum off) PostgreSQL would count the two sides of an
    # entity in parallel workers, slower than one scan of both.
    sides_apart = False

    def __init__(self, url: StoreUrl):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        options = f"-c search_path={url.schema}" if url.schema else None
        kwargs: dict[str, Any] = {"row_factory": dict_row, "autocommit": False}
        if options:
            kwargs["options"] = options
        self.connect_kwargs = connecting(url)
        self.locking: Any = None
        self.exclusive_guard = threading.Lock()
        self.pool = ConnectionPool(
            conninfo="",
            kwargs={**self.connect_kwargs, **kwargs},
            min_size=1,
            max_size=url.pool_size * 2,
            timeout=url.connect_timeout,  # how long a read or a write waits for a connection
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

    @contextmanager
    def exclusively(self, tables: Sequence[str]) -> Iterator[_PgCursor]:
        """A write transaction that holds ``tables`` alone. A reader holding one of them and about
        to read another would wait on this transaction while it waits on the reader, and the
        server would end one of the two as a deadlock; so this one waits for its locks only
        briefly, gives way, and tries again: readers are never the ones ended."""
        deadline = time.monotonic() + EXCLUSIVE_PATIENCE_SECONDS
        while True:
            held = False
            try:
                with self.write() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{GIVE_WAY_MS}ms'")
                    cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
                    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
                    held = True
                    yield cursor
                return
            except psycopg.errors.LockNotAvailable:
                if held or time.monotonic() > deadline:
                    raise
                time.sleep(GIVE_WAY_MS / 1000)

    def lock_tracking(self, cursor: Cursor) -> None:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
        cursor.execute("SELECT position FROM rm_tracking WHERE name = 'relations' FOR UPDATE")

    def lock_schema(self, cursor: Cursor) -> None:
        cursor.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")

    def single(self) -> Any:
        return self._statements()

    def settle(self) -> None:
        """The server recycles its own write-ahead log."""

    def release(self) -> None:
        """Connections belong to the pool, not to a thread."""

    def close(self) -> None:
        if self.locking is not None:
            self.locking.close()
        self.pool.close()


