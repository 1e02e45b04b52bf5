"""Stores for the command line's tests, of each kind: empty, seeded for one test, or seeded once for reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.seed import load, seed_directory
from api.service import Service
from tests.conftest import STORES, _postgres_schema_url


def seed(url: str) -> None:
    service = Service(url)
    try:
        load(service, seed_directory(), "seed")
    finally:
        service.close()


@pytest.fixture
def empty(database_url: str) -> str:
    return database_url


@pytest.fixture
def store(database_url: str) -> str:
    """A seeded store of this test's own, for a test that writes (or tries to)."""
    seed(database_url)
    return database_url


@pytest.fixture(scope="module", params=STORES)
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A seeded store built once a module, for tests that only read it."""
    for url in _fresh(request.param, tmp_path_factory.mktemp("seeded")):
        seed(url)
        yield url


def _fresh(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'chancery.db'}"
    else:
        yield from _postgres_schema_url()
