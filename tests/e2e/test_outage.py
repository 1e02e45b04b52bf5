"""A real server whose PostgreSQL goes away: behind a proxy that goes silent (a network that drops
every packet) or refuses (a server that is down). Readiness says "not ready" within its budget
whatever the store does, metrics still answer, and both recover once the store is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import new_store, seed_store
from tests.cuttable import CuttableProxy, cuttable
from tests.e2e.conftest import Server, serving

pytestmark = pytest.mark.e2e

# Far longer than readiness's budget of two seconds, far shorter than any wait for the store
# before (a minute and more): a readiness probe that hangs fails the test.
PATIENCE = httpx.Timeout(15.0)


def through(url: str, port: int) -> str:
    """``url`` with the proxy's address in place of the store's."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


@pytest.fixture
def behind_proxy(tmp_path: Path, seeded_sqlite_file: Path) -> Iterator[tuple[CuttableProxy, Server]]:
    """A server on a seeded PostgreSQL store that it reaches only through a cuttable proxy."""
    with new_store("postgres", tmp_path) as url:
        seed_store(url, seeded_sqlite_file)
        parts = urlsplit(url)
        with cuttable(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
            with serving(tmp_path, through(url, proxy.port), seed=False) as server:
                try:
                    yield proxy, server
                finally:
                    proxy.restore()  # lets a server with a question in flight stop


def threads(server: Server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Threads:")).split()[1])


def open_files(server: Server) -> int:
    return len(list(Path(f"/proc/{server.process.pid}/fd").iterdir()))


def not_ready(http: httpx.Client) -> str:
    answer = http.get("/readyz", timeout=PATIENCE)
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["retry-after"]
    detail: str = answer.json()["detail"]
    assert detail.startswith("not ready")
    return detail


def store_up(http: httpx.Client) -> float:
    answer = http.get("/metrics", timeout=PATIENCE)
    assert answer.status_code == 200, answer.text
    samples = [
        s for f in text_string_to_metric_families(answer.text) for s in f.samples if s.name == "chancery_store_up"
    ]
    assert len(samples) == 1
    return samples[0].value


def ready(http: httpx.Client) -> None:
    answer = http.get("/readyz", timeout=PATIENCE)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "ready"


def ready_again(http: httpx.Client) -> None:
    """Ready once the connections the outage broke are found out and dropped, a probe or a few."""
    for _ in range(100):
        if http.get("/readyz", timeout=PATIENCE).status_code == 200:
            return
        time.sleep(0.1)  # polling for readiness, not a timing assertion
    ready(http)


@pytest.mark.postgres
def test_a_silent_store_is_not_ready_and_metrics_still_answer(behind_proxy: tuple[CuttableProxy, Server]) -> None:
    proxy, server = behind_proxy
    ready(server.http)
    assert store_up(server.http) == 1
    before = threads(server)

    proxy.cut()
    not_ready(server.http)
    with ThreadPoolExecutor(max_workers=20) as pool:
        details = list(pool.map(lambda _: not_ready(server.http), range(40)))
    assert store_up(server.http) == 0
    grown = threads(server) - before

    proxy.restore()
    ready_again(server.http)
    assert store_up(server.http) == 1
    assert len(details) == 40
    assert grown < 10, f"{grown} more threads after 40 readiness probes of a silent store"


@pytest.mark.postgres
def test_a_store_that_refuses_connections_is_not_ready_and_reads_are_503_then_both_recover(
    behind_proxy: tuple[CuttableProxy, Server],
) -> None:
    proxy, server = behind_proxy
    ready(server.http)

    proxy.refuse()
    not_ready(server.http)
    reads = [server.http.get("/v1/entities/PAN", timeout=PATIENCE) for _ in range(3)]
    not_ready(server.http)
    assert store_up(server.http) == 0
    assert [r.status_code for r in reads] == [503, 503, 503]

    proxy.restore()
    ready_again(server.http)
    assert server.http.get("/v1/entities/PAN", timeout=PATIENCE).status_code == 200


def test_probes_leave_no_connection_open_behind_them(tmp_path: Path, seeded_sqlite_file: Path) -> None:
    """Each probe asks from a thread of its own: on SQLite, where a thread has connections of its
    own, they are closed with it (every probe of a day would otherwise keep some files open)."""
    database = tmp_path / "chancery.db"
    seed_store(f"sqlite:///{database}", seeded_sqlite_file)
    with serving(tmp_path, database, seed=False) as server:
        ready(server.http)
        assert store_up(server.http) == 1
        before = open_files(server)
        for _ in range(50):
            ready(server.http)
            assert store_up(server.http) == 1
        grown = open_files(server) - before

    assert grown < 10, f"{grown} more files open after 100 probes"
