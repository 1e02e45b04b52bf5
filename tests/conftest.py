"""Shared fixtures: real stores (a SQLite file; PostgreSQL when CHANCERY_TEST_POSTGRES names one).

Every store-facing test asks for ``database_url`` (or a fixture built on it) and so runs once per
store; ``raw_store`` reaches the same store with raw SQL, for tests that tamper with it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from api.seed import load, seed_directory
from api.service import Service

POSTGRES_DSN = os.environ.get("CHANCERY_TEST_POSTGRES")
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CHANCERY_SHARED", REPO.parent / "shared"))

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# For a test about one store itself, in place of every store; its name or docstring says why.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs against the PostgreSQL named by CHANCERY_TEST_POSTGRES")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_DSN:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the PostgreSQL tests: set CHANCERY_TEST_POSTGRES to a DSN")
    skip = pytest.mark.skip(reason="CHANCERY_TEST_POSTGRES is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# Stores


def _postgres_schema_url() -> Iterator[str]:
    """A new PostgreSQL schema's URL (``...?schema=t_...``), the schema dropped afterwards."""
    import psycopg

    assert POSTGRES_DSN
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_DSN else "?"
    try:
        yield f"{POSTGRES_DSN}{separator}schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def new_store(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty store of ``kind``: a SQLite file in ``folder``, or a PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'chancery.db'}"
    else:
        yield from _postgres_schema_url()


def kind_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite:") else "postgres"


def seed_store(database_url: str, seeded_file: Path) -> None:
    """Put the seed data set in an empty store: SQLite gets a copy of the seeded file, PostgreSQL a load."""
    if kind_of(database_url) == "sqlite":
        target = Path(database_url.removeprefix("sqlite:///"))
        for part in seeded_file.parent.glob(seeded_file.name + "*"):
            shutil.copyfile(part, target.parent / (target.name + part.name.removeprefix(seeded_file.name)))
        return
    service = Service(database_url)
    try:
        load(service, seed_directory(), "seed")
    finally:
        service.close()


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store of each kind."""
    with new_store(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def another_store(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes more fresh, empty stores, of the kind asked for; each is removed after the test."""
    with ExitStack() as stores:

        def make(kind: str) -> str:
            folder = tmp_path / f"another-{uuid.uuid4().hex[:8]}"
            folder.mkdir()
            return stores.enter_context(new_store(kind, folder))

        yield make


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'chancery.db'}"


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    opened = Service(database_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def seeded(service: Service) -> Service:
    """A store with the Panama seed data set loaded."""
    load(service, seed_directory(), "seed")
    return service


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded SQLite file, built once; copy it before writing to it."""
    path = tmp_path_factory.mktemp("seeded") / "seed.db"
    opened = Service(f"sqlite:///{path}")
    try:
        load(opened, seed_directory(), "seed")
    finally:
        opened.close()
    return path


@pytest.fixture
def seeded_database_url(database_url: str, seeded_sqlite_file: Path) -> str:
    """A fresh store of each kind with the seed data set in it, the test's own to write to."""
    seed_store(database_url, seeded_sqlite_file)
    return database_url


# Raw SQL on a store, as someone with access to the database (a forger, say) would run it


class RawStore:
    """The store behind a database URL, reached without Chancery: ``sqlite3`` on the file, or
    ``psycopg`` with the URL's schema as its search path. Placeholders are written ``?`` for both.

    The log's table and the column that numbers its rows differ between the stores: ``log`` and
    ``number`` name them. The read model's tables (``rm_...``) are named alike in both.
    """

    def __init__(self, database_url: str):
        self.url = database_url
        self.kind = kind_of(database_url)
        if self.kind == "sqlite":
            self.path = Path(database_url.removeprefix("sqlite:///"))
            self.log, self.number = "stored_events", "rowid"
        else:
            parts = urlsplit(database_url)
            query = parse_qs(parts.query)
            (self.schema,) = query.pop("schema")
            self.dsn = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
            self.log, self.number = "chancery_events", "notification_id"

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run one statement in a transaction of its own; the rows it gives, if any."""
        if self.kind == "sqlite":
            return self._sqlite_rows(sql, params)
        return self._postgres_rows(sql.replace("?", "%s"), params)

    def _sqlite_rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.path)
        try:
            with connection:
                return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def _postgres_rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.dsn) as connection:
            connection.execute(f"SET search_path TO {self.schema}")
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def log_rows(self) -> list[tuple[int, str, bytes]]:
        """The log's rows in log order, each as (its number, topic, state): position ``p`` is ``[p - 1]``."""
        return [(n, t, bytes(s)) for n, t, s in self.rows(f"SELECT {self.number}, topic, state FROM {self.log} ORDER BY 1")]

    def tables(self) -> set[str]:
        if self.kind == "sqlite":
            return {name for (name,) in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        found = self.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", self.schema)
        return {name for (name,) in found}

    def clear(self) -> None:
        """Leave the store as new: no file, or an empty schema of the same name."""
        if self.kind == "sqlite":
            for part in self.path.parent.glob(self.path.name + "*"):
                part.unlink()
            return
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {self.schema} CASCADE")
            connection.execute(f"CREATE SCHEMA {self.schema}")


@pytest.fixture
def raw_store(database_url: str) -> RawStore:
    """The store of ``database_url``, for raw SQL."""
    return RawStore(database_url)


# Server-sent events, as the HTTP tests and the end-to-end tests read the live stream


def read_events(lines: Iterator[str], count: int) -> list[dict[str, Any]]:
    """The next ``count`` server-sent events (fewer if the stream ends), each as its fields."""
    events: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for line in lines:
        if line.startswith(":"):
            continue
        if line:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            events.append({"id": fields.get("id"), "data": json.loads(fields["data"])})
            if len(events) == count:
                break
        fields = {}
    return events
