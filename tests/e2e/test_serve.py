"""``chancery serve`` as a real process: seeded at start, asked over real HTTP, stopped cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

pytestmark = pytest.mark.e2e

CHANCERY = Path(sys.executable).parent / "chancery"
TOKEN = "e2e-secret-token"
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    output = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env["CHANCERY_TOKENS"] = f"alice:{TOKEN}"
    command = [
        str(CHANCERY),
        "serve",
        "--port",
        str(port),
        "--seed",
        "--database-url",
        f"sqlite:///{tmp_path / 'e2e.db'}",
    ]
    log: IO[bytes]
    with output.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                wait_until_healthy(process, http, output)
                yield Server(process, http, output)
        finally:
            stop(process)


def relations_on(http: httpx.Client, day: str) -> dict[str, dict[str, Any]]:
    response = http.get("/v1/entities/Panama/relations", params={"on": day})
    assert response.status_code == 200, response.text
    return {state["b"]["code"]: state for state in response.json()["relations"]}


def status(relations: dict[str, dict[str, Any]], code: str) -> str:
    return relations[code]["diplomatic"]["status"] if code in relations else "none"


def test_a_served_chancery_answers_the_must_show_questions_and_takes_a_write(server: Server) -> None:
    http = server.http

    on_2016 = relations_on(http, "2016-01-01")
    on_2017 = relations_on(http, "2017-06-13")
    sadr = http.get("/v1/relations/PAN/SADR", params={"on": "2016-01-01"}).json()

    assert (status(on_2016, "TWN"), status(on_2016, "CHN"), status(on_2016, "ESH")) == (
        "established",
        "none",
        "suspended",
    )
    assert (status(on_2017, "TWN"), status(on_2017, "CHN")) == ("severed", "established")
    assert (sadr["b"]["code"], sadr["diplomatic"]["status"]) == ("ESH", "suspended")
    assert all(s["events"] for s in on_2017.values() if s["diplomatic"]["event"])

    sent = {
        "type": "relations.suspended",
        "subject": "PAN",
        "counterpart": "South Korea",
        "occurred": "2020-03-01",
        "summary": "Panama suspends relations with South Korea.",
        "sources": [{"title": "A test source", "quote": "suspended"}],
    }
    refused = http.post("/v1/events", json=sent)
    created = http.post("/v1/events", json=sent, headers={"Authorization": f"Bearer {TOKEN}"})

    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert created.status_code == 201, created.text
    stored = created.json()
    assert stored["recorded_by"] == "alice"
    assert http.get(created.headers["location"]).json() == stored
    korea = http.get("/v1/relations/KOR/PAN", params={"on": "2020-03-01"}).json()
    assert korea["diplomatic"] == {"status": "suspended", "since": "2020-03-01", "event": stored["id"]}
    assert TOKEN not in created.text


def test_a_served_chancery_stops_cleanly_and_never_logs_a_token(server: Server) -> None:
    server.http.post("/v1/events", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    server.http.post("/v1/events", json={}, headers={"Authorization": "Bearer wrong-token"})

    server.process.send_signal(signal.SIGTERM)
    returncode = server.process.wait(timeout=15)

    output = server.output.read_text(errors="replace")
    assert returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
    assert TOKEN not in output and "wrong-token" not in output
    assert "seed: 39 events added" in output
