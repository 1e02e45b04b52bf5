"""Shared fixtures: real stores (a SQLite file; PostgreSQL when CHANCERY_TEST_POSTGRES names one)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.seed import load, seed_directory
from api.service import Service

POSTGRES_DSN = os.environ.get("CHANCERY_TEST_POSTGRES")
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CHANCERY_SHARED", REPO.parent / "shared"))

STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


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


def _postgres_schema_url() -> Iterator[str]:
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


@pytest.fixture(params=STORES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chancery.db'}"
    else:
        yield from _postgres_schema_url()


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
