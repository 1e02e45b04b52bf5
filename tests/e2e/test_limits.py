"""What a client may hold of a served Chancery: live streams past the cap, readers that never read,
connections that trickle their headers or send nothing, connections past the cap.

Each test starts ``chancery serve`` with its limit set low (by option or ``CHANCERY_*``) and plays
the client over raw sockets where an HTTP client would be too polite. Waits are bounded by
WAIT_SECONDS, so a limit that never acts fails the test instead of hanging it.
"""

from __future__ import annotations

import errno
import json
import os
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import CHANCERY, TOKEN, WRITER, Server, free_port, note, stop, wait_until_healthy

pytestmark = pytest.mark.e2e

WAIT_SECONDS = 60.0  # the longest any limit may take to act before the test fails
PROBLEM = "application/problem+json"


@contextmanager
def limited(folder: Path, *options: str, **settings: str) -> Iterator[Server]:
    """``chancery serve --seed`` on a new SQLite store, given ``options`` and ``CHANCERY_<NAME>`` settings."""
    port = free_port()
    output = folder / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env |= {"CHANCERY_TOKENS": f"alice:{TOKEN}", **{f"CHANCERY_{k.upper()}": v for k, v in settings.items()}}
    command = [
        str(CHANCERY),
        "serve",
        "--port",
        str(port),
        "--seed",
        "--database-url",
        f"sqlite:///{folder / 'limits.db'}",
        *options,
    ]
    with output.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT_SECONDS) as http:
                wait_until_healthy(process, http, output)
                yield Server(process, http, output)
        finally:
            stop(process)


def connect(server: Server, sent: bytes = b"", receive_buffer: int | None = None) -> socket.socket:
    """A raw connection to the server that has sent ``sent`` and reads nothing unless told to."""
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    client.settimeout(WAIT_SECONDS)
    client.connect(("127.0.0.1", server.http.base_url.port or 80))
    client.sendall(sent)
    return client


def stream_request(after: int = 0) -> bytes:
    return f"GET /v1/events/stream?after={after} HTTP/1.1\r\nHost: chancery\r\n\r\n".encode()


def closed_by_server(client: socket.socket, trickle: bytes = b"") -> bool:
    """Whether the server closes ``client`` within WAIT_SECONDS, while it sends ``trickle`` now and then."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if trickle:
                client.sendall(trickle)
            readable, _, _ = select.select([client], [], [], 0.2)
            if readable and client.recv(65536) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def reset_by_server(client: socket.socket) -> bool:
    """Whether the server drops ``client`` within WAIT_SECONDS; its answer stays unread meanwhile."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNRESET:
            return True
        time.sleep(0.2)  # polling, not a timing assertion
    return False


def open_stream(stack: ExitStack, http: httpx.Client) -> tuple[httpx.Response, Iterator[str]]:
    """A live stream and its lines, open until ``stack`` closes or the lines are let go (an
    unfinished iteration, closed, closes its connection)."""
    response = stack.enter_context(http.stream("GET", "/v1/events/stream"))
    assert response.status_code == 200
    lines = response.iter_lines()
    assert next(lines) == "retry: 1000"
    return response, lines


def test_live_streams_past_the_cap_are_refused_with_503_and_retry_after_until_one_ends(tmp_path: Path) -> None:
    with limited(tmp_path, max_streams="2") as server, ExitStack() as streams:
        first, second = (open_stream(streams, server.http) for _ in range(2))  # both kept, so both open

        with server.http.stream("GET", "/v1/events/stream") as refused:
            assert refused.status_code == 503
            assert refused.headers["content-type"] == PROBLEM
            assert int(refused.headers["retry-after"]) >= 1
            assert "live stream" in json.loads(refused.read())["detail"]
        assert server.http.get("/healthz").status_code == 200

        first[0].close()
        assert second[0].is_closed is False
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:  # the server notices the closed stream, then admits another
            with server.http.stream("GET", "/v1/events/stream") as again:
                if again.status_code == 200:
                    break
            time.sleep(0.2)
        assert again.status_code == 200


def test_stalled_streams_leave_health_reads_and_writes_answering(tmp_path: Path) -> None:
    with limited(tmp_path, max_streams="60") as server, ExitStack() as stack:
        for _ in range(60):
            stack.callback(connect(server, stream_request(), receive_buffer=4096).close)
        refused = connect(server, stream_request())
        stack.callback(refused.close)

        assert refused.recv(65536).startswith(b"HTTP/1.1 503 ")
        assert server.http.get("/healthz").status_code == 200
        written = server.http.post("/v1/events", json=note("2021-05-01"), headers=WRITER)
        assert written.status_code == 201, written.text
        assert server.http.get(f"/v1/events/{written.json()['id']}").json() == written.json()


def test_a_client_that_takes_none_of_its_answers_is_dropped_after_the_send_timeout(tmp_path: Path) -> None:
    with limited(tmp_path, send_timeout="1") as server:
        pipelined = (
            b"GET /v1/audit/log?limit=1000 HTTP/1.1\r\nHost: chancery\r\n\r\n" * 300
        )  # more than the kernel holds
        stalled = connect(server, pipelined, receive_buffer=4096)
        try:
            assert reset_by_server(stalled)
        finally:
            stalled.close()
        assert server.http.get("/healthz").status_code == 200


def test_a_connection_that_trickles_its_headers_is_closed_after_the_read_timeout(tmp_path: Path) -> None:
    with limited(tmp_path, "--read-timeout", "1") as server:
        trickling = connect(server, b"GET /healthz HTTP/1.1\r\nHost: chancery\r\n")
        silent = connect(server)
        try:
            assert closed_by_server(trickling, trickle=b"X-Slow: 1\r\n")
            assert closed_by_server(silent)
        finally:
            trickling.close()
            silent.close()
        assert server.http.get("/healthz").status_code == 200


def test_requests_past_the_connection_cap_are_refused_with_503_and_retry_after(tmp_path: Path) -> None:
    with limited(tmp_path, max_connections="4") as server, ExitStack() as stack:
        server.http.close()  # its kept-alive connection would count
        idle = [connect(server) for _ in range(4)]
        for client in idle:
            stack.callback(client.close)
        with httpx.Client(base_url=server.http.base_url, timeout=WAIT_SECONDS) as http:
            refused = http.get("/healthz")
            assert refused.status_code == 503
            assert refused.headers["content-type"] == PROBLEM
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.headers["connection"] == "close"
            stack.close()
            deadline = time.monotonic() + WAIT_SECONDS
            while http.get("/healthz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.2)  # the server notices the closed connections
            assert http.get("/healthz").status_code == 200


@pytest.mark.parametrize(("setting", "value"), [("MAX_STREAMS", "many"), ("SEND_TIMEOUT", "0"), ("READ_TIMEOUT", "-1")])
def test_a_bad_limit_stops_serve_with_one_line(tmp_path: Path, setting: str, value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")} | {f"CHANCERY_{setting}": value}
    command = [str(CHANCERY), "serve", "--database-url", f"sqlite:///{tmp_path / 'never.db'}"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=WAIT_SECONDS)

    assert done.returncode == 2
    assert done.stderr.startswith(f"chancery: error: CHANCERY_{setting} ")
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "sent",
    [b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/1.1\r\nHost chancery, no colon\r\n\r\n"],
    ids=["request-line", "header"],
)
def test_a_request_that_is_not_http_is_answered_400_problem_json(tmp_path: Path, sent: bytes) -> None:
    with limited(tmp_path) as server:
        client = connect(server, sent)
        try:
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
        finally:
            client.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400 "), head
        assert f"content-type: {PROBLEM}".encode() in head.lower()
        assert json.loads(body)["status"] == 400
        assert server.http.get("/healthz").status_code == 200
