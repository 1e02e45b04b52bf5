"""The baselines Chancery is measured against, each doing the same work without Chancery.

- the raw eventsourcing store: ``Application.save`` of new one-event aggregates, 500 a call (bulk)
  or one a call (single);
- the library's projection runner, one transaction per event;
- a hand-written SQL interval query on an indexed table of the same data (the limit of a read).
"""

from __future__ import annotations

import math
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
from psycopg.sql import SQL, Identifier

from domain import Chancery
from projections.stores import Store, StoreUrl

RUNNER_NAME = "bench_runner"
ROWS_TABLE = "bench_runner_rows"
HAND_TABLE = "bench_hand"
RUNNER_SECONDS = 3600.0


@dataclass(frozen=True)
class Timings:
    """Calls timed one by one: their rate and latency percentiles."""

    count: int
    per_s: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def timed(calls: Sequence[Callable[[], object]], warmup: int = 20) -> Timings:
    """Time each call (after ``warmup`` untimed ones from the same list)."""
    for call in calls[:warmup]:
        call()
    return _timed_pass(calls)


def timed_together(families: Mapping[str, Sequence[Callable[[], object]]], passes: int) -> dict[str, Timings]:
    """Time several families of calls in turns: one untimed pass over each, then ``passes`` rounds
    of one timed pass over each, so that what slows the machine for a while slows every family
    alike; each family's figure is its pass of the median p50."""
    for calls in families.values():
        for call in calls:
            call()
    runs: dict[str, list[Timings]] = {name: [] for name in families}
    for _ in range(passes):
        for name, calls in families.items():
            runs[name].append(_timed_pass(calls))
    return {name: sorted(found, key=lambda run: run.p50_ms)[len(found) // 2] for name, found in runs.items()}


def _timed_pass(calls: Sequence[Callable[[], object]]) -> Timings:
    took = []
    for call in calls:
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    return summarise(took)


def summarise(took: list[float]) -> Timings:
    took = sorted(took)
    return Timings(
        count=len(took),
        per_s=len(took) / sum(took),
        p50_ms=1000 * took[len(took) // 2],
        p99_ms=1000 * took[max(0, math.ceil(len(took) * 0.99) - 1)],
    )


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.inf


# The raw store


class Noted(DomainEvent):
    """One event of a new aggregate, carrying one sent event's JSON as its payload."""

    payload: str


def raw_application(store: Store) -> Application[uuid.UUID]:
    return Application(env={**store.settings(), "CREATE_TABLE": "y"})


def _noted(payload: str) -> Noted:
    return Noted(  # type: ignore[call-arg]  # the library makes its events dataclasses
        originator_id=uuid.uuid4(), originator_version=1, timestamp=Noted.create_timestamp(), payload=payload
    )


def raw_bulk_save(app: Application[uuid.UUID], payloads: Sequence[str], batch: int = 500) -> float:
    """Events per second of ``Application.save`` of ``batch`` new aggregates a call."""
    started = time.perf_counter()
    for start in range(0, len(payloads), batch):
        app.save(*(_noted(p) for p in payloads[start : start + batch]))
    return rate(len(payloads), time.perf_counter() - started)


def raw_single_saves(app: Application[uuid.UUID], payloads: Sequence[str]) -> Timings:
    """``Application.save`` of one new aggregate a call."""
    return timed([partial(_save_one, app, p) for p in payloads], warmup=5)


def _save_one(app: Application[uuid.UUID], payload: str) -> None:
    app.save(_noted(payload))


# The library's projection runner, one transaction per event


class RowsView(Protocol):
    def record(self, event: Any, tracking: Tracking) -> None: ...

    def max_tracking_id(self, application_name: str) -> int | None: ...


class RunnerRows(Projection[Any]):
    """A minimal projection: one small row per event, written with its tracking record."""

    name = RUNNER_NAME

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.record(domain_event, tracking)


def _row(event: Any, tracking: Tracking) -> tuple[int, str, int, str]:
    return (tracking.notification_id, str(event.originator_id), event.originator_version, type(event).__name__)


class SQLiteRows(SQLiteTrackingRecorder):
    """The view on SQLite: the row and the tracking record in one transaction."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {ROWS_TABLE} (notification_id INTEGER PRIMARY KEY,"
            " originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL)",
        ]

    def record(self, event: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self._insert_tracking(cursor, tracking)
            cursor.execute(f"INSERT INTO {ROWS_TABLE} VALUES (?, ?, ?, ?)", _row(event, tracking))

class PostgresRows(PostgresTrackingRecorder):
    """The view on PostgreSQL: the row and the tracking record in one transaction."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        schema, table = Identifier(self.datastore.schema), Identifier(ROWS_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} (notification_id bigint PRIMARY KEY,"
                " originator_id text NOT NULL, originator_version bigint NOT NULL, topic text NOT NULL)"
            ).format(schema, table)
        )
        self.insert_row = SQL("INSERT INTO {0}.{1} VALUES (%s, %s, %s, %s)").format(schema, table)
        self.drop_tables = [
            SQL("DROP TABLE IF EXISTS {0}.{1}").format(schema, table),
            SQL("DROP TABLE IF EXISTS {0}.{1}").format(schema, Identifier(self.tracking_table_name)),
        ]

    def record(self, event: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self._insert_tracking(cursor, tracking)
            cursor.execute(self.insert_row, _row(event, tracking), prepare=True)

    def drop(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for statement in self.drop_tables:
                cursor.execute(statement)


def _nth_notification(app: Application[Any], count: int) -> tuple[int, int]:
    """The store's id of the ``count``-th entry of the log (or of its last), and how many that is."""
    last, seen, start = 0, 0, 1
    while seen < count:
        page = app.recorder.select_notifications(start, min(5000, count - seen))
        if not page:
            break
        seen += len(page)
        last = page[-1].id
        start = last + 1
    return last, seen


def runner_rate(store: Store, sample: int) -> tuple[float, int]:
    """Events per second of the library's runner over the first ``sample`` entries of the log.

    On PostgreSQL this is the library's own ``ProjectionRunner``: it subscribes to the
    application's recorder (LISTEN/NOTIFY), decodes each notification with the application's
    mapper and calls the projection, whose view writes one row and the tracking record in one
    transaction per event. The clock runs from the runner's start until the view's tracking
    record reaches the ``sample``-th entry.

    On SQLite the library's recorder has no ``subscribe()``, so the runner cannot run as shipped.
    This does the same work the runner does, in one thread: read the notifications in order from
    the application's recorder (in pages, as the subscription does), decode each with the
    application's mapper, and call the same projection, whose ``SQLiteTrackingRecorder`` view
    writes the row and the tracking record in one transaction per event.
    """
    if store.url.scheme == "sqlite":
        return _sqlite_runner(store, sample)
    return _postgres_runner(store, sample)


def _opened(store: Store) -> tuple[dict[str, str], Chancery]:
    """The event store's settings (tables made if missing), and the application over them."""
    env = {**store.settings(), "CREATE_TABLE": "y"}
    return env, Chancery(env=env, stored_entries=store.stored_entries)


def _sqlite_runner(store: Store, sample: int) -> tuple[float, int]:
    env, app = _opened(store)
    view_path = Path(env["SQLITE_DBNAME"] + ".runner")  # the view's own file: its tracking table is "tracking"
    view_path.unlink(missing_ok=True)
    factory = InfrastructureFactory.construct(env=Environment(RUNNER_NAME, {**env, "SQLITE_DBNAME": str(view_path)}))
    view = factory.tracking_recorder(SQLiteRows)
    assert isinstance(view, SQLiteRows)
    try:
        target, count = _nth_notification(app, sample)
        projection = RunnerRows(view)
        started, after = time.perf_counter(), 0
        while after < target:
            page = app.recorder.select_notifications(after + 1, min(500, target - after), stop=target)
            for notification in page:
                projection.process_event(app.mapper.to_domain_event(notification), Tracking(app.name, notification.id))
            after = page[-1].id
        took = time.perf_counter() - started
        assert view.max_tracking_id(app.name) == target
    finally:
        factory.close()
        app.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{view_path}{suffix}").unlink(missing_ok=True)
    return rate(count, took), count


def _postgres_runner(store: Store, sample: int) -> tuple[float, int]:
    env, app = _opened(store)
    factory = InfrastructureFactory.construct(env=Environment(RUNNER_NAME, env))
    view = factory.tracking_recorder(PostgresRows)
    assert isinstance(view, PostgresRows)
    try:
        target, count = _nth_notification(app, sample)
        view.drop()
        view.create_table()
        started = time.perf_counter()
        runner = ProjectionRunner(application_class=Chancery, projection_class=RunnerRows, view_class=PostgresRows,
                                  env=env)
        with runner:
            while (view.max_tracking_id(app.name) or 0) < target:
                runner.run_forever(timeout=0.02)  # re-raises the runner's error, if it has one
                if runner.is_interrupted.is_set() or time.perf_counter() - started > RUNNER_SECONDS:
                    raise RuntimeError(f"the runner stopped short of entry {target}")
            took = time.perf_counter() - started
        view.drop()
    finally:
        factory.close()
        app.close()
    return rate(count, took), count


# A hand-written SQL interval query on an indexed table of the same data


HAND_ROWS = "relation, a, b, facet, item, value, event_id, from_day, to_day"
HAND_RELATION = (f"SELECT facet, item, value, event_id FROM {HAND_TABLE}"
                 " WHERE relation = ? AND from_day <= ? AND (to_day IS NULL OR to_day > ?)")
HAND_ENTITY = (f"SELECT relation, facet, item, value, event_id FROM {HAND_TABLE}"
               " WHERE a = ? AND from_day <= ? AND (to_day IS NULL OR to_day > ?)"
               f" UNION ALL SELECT relation, facet, item, value, event_id FROM {HAND_TABLE}"
               " WHERE b = ? AND from_day <= ? AND (to_day IS NULL OR to_day > ?)")


class HandSQL:
    """The facts holding on a day, from a plain table of the read model's current interval rows
    (copied, with indexes of its own), by one indexed query and no framework: the limit."""

    def __init__(self, url: StoreUrl):
        self.url = url
        self.pg: Any = None
        self.lite: sqlite3.Connection | None = None
        if url.scheme == "sqlite":
            self.lite = sqlite3.connect(url.path, isolation_level=None)
        else:
            import psycopg

            options = f"-c search_path={url.schema}" if url.schema else ""
            self.pg = psycopg.connect(host=url.host, port=url.port, user=url.user, password=url.password or None,
                                      dbname=url.dbname, options=options, autocommit=True)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        if self.lite is not None:
            return self.lite.execute(sql, params).fetchall()
        cursor = self.pg.execute(sql.replace("?", "%s"), params, prepare=True)
        return list(cursor.fetchall()) if cursor.description else []

    def build(self) -> int:
        """Copy the current interval rows into the hand table and index it; the number of rows."""
        for statement in (
            f"DROP TABLE IF EXISTS {HAND_TABLE}",
            f"CREATE TABLE {HAND_TABLE} AS SELECT {HAND_ROWS} FROM rm_intervals WHERE to_pos IS NULL",
            f"CREATE INDEX {HAND_TABLE}_relation ON {HAND_TABLE} (relation, from_day)",
            f"CREATE INDEX {HAND_TABLE}_a ON {HAND_TABLE} (a, from_day)",
            f"CREATE INDEX {HAND_TABLE}_b ON {HAND_TABLE} (b, from_day)",
            f"ANALYZE {HAND_TABLE}",
        ):
            self._execute(statement)
        return int(self._execute(f"SELECT COUNT(*) FROM {HAND_TABLE}")[0][0])

    def relation(self, key: str, day: str) -> list[Any]:
        return self._execute(HAND_RELATION, (key, day, day))

    def entity(self, code: str, day: str) -> list[Any]:
        return self._execute(HAND_ENTITY, (code, day, day, code, day, day))

    def drop(self) -> None:
        self._execute(f"DROP TABLE IF EXISTS {HAND_TABLE}")

    def close(self) -> None:
        if self.lite is not None:
            self.lite.close()
        if self.pg is not None:
            self.pg.close()
