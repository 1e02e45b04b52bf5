"""Process-wide settings are applied where a process starts, never by a Service as a side effect."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from api.settings import Settings
from projections.process import COLLECTOR_THRESHOLDS


@pytest.fixture
def default_collector() -> Iterator[tuple[int, int, int]]:
    """The collector at Python's default pace for the test, as the process had it after."""
    kept = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*kept)


def test_opening_a_service_leaves_the_collector_as_it_was(default_collector: tuple[int, int, int], tmp_path: Path):
    Service(f"sqlite:///{tmp_path / 'quiet.db'}").close()
    assert gc.get_threshold() == default_collector


def test_a_server_process_runs_the_collector_at_its_own_pace(default_collector: tuple[int, int, int], tmp_path: Path):
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'served.db'}"))) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
