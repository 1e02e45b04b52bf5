"""Stores for the command line's tests, of each kind: empty, seeded for one test, or seeded once for reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import STORES, new_store, seed_store


@pytest.fixture
def empty(database_url: str) -> str:
    return database_url


@pytest.fixture
def store(seeded_database_url: str) -> str:
    """A seeded store of this test's own, for a test that writes (or tries to)."""
    return seeded_database_url


@pytest.fixture(scope="module", params=STORES)
def seeded_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seeded_sqlite_file: Path
) -> Iterator[str]:
    """A seeded store built once a module, for tests that only read it."""
    with new_store(request.param, tmp_path_factory.mktemp("seeded")) as url:
        seed_store(url, seeded_sqlite_file)
        yield url
