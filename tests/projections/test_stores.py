"""Which store a URL names, the settings it carries, and which of a store's errors are passing."""

import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from api.settings import Settings
from projections.stores import BadDatabaseUrl, open_store, parse_store_url, transient
from tests.conftest import POSTGRES_ONLY


def test_a_sqlite_url_names_a_file(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/x.db?lock_timeout=9")
    assert (store.url.scheme, store.url.path, store.url.lock_timeout) == ("sqlite", f"{tmp_path}/x.db", 9)
    assert store.settings()["SQLITE_LOCK_TIMEOUT"] == "9"
    assert store.settings()["CHANCERY_WRITE_CACHE"] == "200000"  # events a writer keeps in memory, by default
    assert store.reads_on_loop


def test_a_writer_can_keep_more_of_the_log_in_memory():
    assert parse_store_url("sqlite:///./x.db?write_cache=2000000").write_cache == 2_000_000
    assert open_store("postgresql://h/db?write_cache=5000").settings()["CHANCERY_WRITE_CACHE"] == "5000"


def test_a_postgresql_url_carries_its_connection_and_pool_settings():
    store = open_store("postgresql://me:p%40ss@db.example:6543/chancery?schema=live&pool_size=12&lock_timeout=3")
    url = store.url
    assert (url.host, url.port, url.user, url.password, url.dbname) == ("db.example", 6543, "me", "p@ss", "chancery")
    env = store.settings()
    assert (env["POSTGRES_SCHEMA"], env["POSTGRES_POOL_SIZE"], env["POSTGRES_LOCK_TIMEOUT"]) == ("live", "12", "3")
    assert not store.reads_on_loop  # every read is a round trip


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "sqlite://relative.db", "sqlite:////no/such/folder/x.db", "postgresql://host-only",
     "postgresql://h/db?pool_size=0", "postgresql://h/db?pool_size=many", "postgresql://h/db?colour=red",
     "postgresql://h/db?schema=Robert');DROP", "postgresql://h:port/db",
     "sqlite:///./x.db?write_cache=10", "postgresql://h/db?write_cache=lots"],
)
def test_a_bad_url_is_refused_with_a_reason(url):
    with pytest.raises(BadDatabaseUrl):
        open_store(url)


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("disk I/O error"), True),
        (sqlite3.OperationalError("no such column: colour"), False),
        (sqlite3.OperationalError("near \"SELEC\": syntax error"), False),
        (psycopg.OperationalError("connection refused"), True),
        (psycopg.errors.UndefinedColumn("column colour does not exist"), False),
        (ValueError("not a store's error"), False),
    ],
)
def test_only_a_store_away_or_busy_is_worth_trying_again(error, passing):
    assert transient(error) is passing
    wrapped = OperationalError(error)  # as the event store raises what its driver raised
    wrapped.__cause__ = error
    assert transient(wrapped) is passing


def test_a_store_fault_of_ours_is_a_500_problem_not_try_again_later(seeded_sqlite_file: Path, tmp_path: Path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(seeded_sqlite_file.read_bytes())
    app = create_app(Settings(database_url=f"sqlite:///{broken}"))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/v1/entities/PAN").status_code == 200
        with sqlite3.connect(broken) as connection:
            connection.execute("ALTER TABLE rm_entities RENAME COLUMN aliases TO names")
        answer = client.get("/v1/entities")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/internal") and "Retry-After" not in answer.headers


def test_a_busy_store_is_a_503_problem_with_retry_after(seeded_sqlite_file: Path, tmp_path: Path):
    busy = tmp_path / "busy.db"
    busy.write_bytes(seeded_sqlite_file.read_bytes())
    app = create_app(Settings(database_url=f"sqlite:///{busy}?lock_timeout=1"))
    token = "writer:secret"
    with TestClient(app, raise_server_exceptions=False) as client, sqlite3.connect(busy) as holder:
        client.app.state.writers = Settings(tokens=token).writers()  # type: ignore[attr-defined]
        holder.execute("BEGIN EXCLUSIVE")
        answer = client.post(
            "/v1/entities", json={"code": "XAA", "name": "Xanadu", "kind": "state"},
            headers={"Authorization": "Bearer secret"},
        )
        holder.rollback()
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json" and answer.headers["Retry-After"] == "1"


@POSTGRES_ONLY
def test_processes_opening_a_new_store_together_all_open_it(database_url: str):
    """Each opening creates the event store's tables and functions; at once, PostgreSQL refused
    all but one ("duplicate key value violates unique constraint", "tuple concurrently updated")."""
    failed: list[str] = []

    def open_and_close() -> None:
        try:
            Service(database_url).close()
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            failed.append(repr(error))

    starting = [threading.Thread(target=open_and_close) for _ in range(6)]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    assert not failed
