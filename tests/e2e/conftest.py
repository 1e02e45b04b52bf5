"""``chancery serve`` as a real process on a store of each kind, asked over real HTTP.

``serving`` starts one (``--database-url`` is the SQLite file or the store's URL, a PostgreSQL
schema's for PostgreSQL) and stops it when the block ends; ``server`` is one seeded at start on a
fresh store of each kind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

CHANCERY = Path(sys.executable).parent / "chancery"
TOKEN = "e2e-secret-token"
WRITER = {"Authorization": f"Bearer {TOKEN}"}
START_SECONDS = 60.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    http: httpx.Client
    output: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(process: subprocess.Popen[bytes], http: httpx.Client, output: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"chancery serve exited with {process.returncode}:\n{output.read_text(errors='replace')}"
            )
        try:
            if http.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling for readiness, not a timing assertion
    said = output.read_text(errors="replace")
    pytest.fail(f"chancery serve did not answer /healthz in {START_SECONDS:.0f}s:\n{said}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _command(port: int, database: Path | str, seed: bool, workers: int) -> list[str]:
    return [
        str(CHANCERY),
        "serve",
        "--port",
        str(port),
        "--seed" if seed else "--no-seed",
        "--database-url",
        f"sqlite:///{database}" if isinstance(database, Path) else database,
        "--workers",
        str(workers),
    ]


@contextmanager
def serving(
    folder: Path, database: Path | str, *, seed: bool = True, log_name: str = "serve.log", workers: int = 1
) -> Iterator[Server]:
    """``chancery serve`` on ``database`` (a SQLite file or a URL) until the block ends, with one
    writer (alice)."""
    port = free_port()
    output = folder / log_name
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env["CHANCERY_TOKENS"] = f"alice:{TOKEN}"
    log: IO[bytes]
    with output.open("wb") as log:
        command = _command(port, database, seed, workers)
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                wait_until_healthy(process, http, output)
                yield Server(process, http, output)
        finally:
            stop(process)


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """``chancery serve --seed`` on a fresh store of each kind."""
    with serving(tmp_path, database_url) as started:
        yield started


# What the tests ask and send


def relations_on(http: httpx.Client, day: str) -> dict[str, dict[str, Any]]:
    response = http.get("/v1/entities/Panama/relations", params={"on": day})
    assert response.status_code == 200, response.text
    return {state["b"]["code"]: state for state in response.json()["relations"]}


def status(relations: dict[str, dict[str, Any]], code: str) -> str:
    return relations[code]["diplomatic"]["status"] if code in relations else "none"


def note(occurred: str) -> dict[str, Any]:
    return {
        "type": "note.recorded",
        "subject": "PAN",
        "counterpart": "KOR",
        "occurred": occurred,
        "summary": f"A note on Panama and South Korea ({occurred}).",
        "sources": [{"title": "A test source", "quote": "noted"}],
    }


def log_head(http: httpx.Client) -> int:
    answer = http.get("/readyz")
    assert answer.status_code == 200, answer.text
    head: int = answer.json()["head"]
    return head


def audit_positions(http: httpx.Client) -> list[int]:
    """The position of every entry of the audit log, page by page."""
    positions: list[int] = []
    after = 0
    while True:
        page = http.get("/v1/audit/log", params={"after": after, "limit": 1000}).json()
        positions += [e["position"] for e in page["entries"]]
        if not page["next"]:
            return positions
        after = positions[-1]
