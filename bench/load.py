"""HTTP load: a real ``chancery serve`` process, wrk against it, batches posted to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

TOKEN = "secret"
WRITER = "bench"
START_SECONDS = 600.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """``chancery serve`` (one uvicorn worker) on a store, with a writer token; always stopped."""

    def __init__(self, database_url: str, log_path: Path):
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        env = {**os.environ, "CHANCERY_DATABASE_URL": self.database_url, "CHANCERY_TOKENS": f"{WRITER}:{TOKEN}"}
        command = [str(Path(sys.executable).parent / "chancery"), "serve", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chancery serve exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"chancery serve did not answer /healthz in {START_SECONDS:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def rss_mb(self) -> float:
        """The server's resident memory now (VmRSS)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def request(port: int, method: str, path: str, body: bytes | None = None,
            connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    """One request; with ``connection``, on that kept-alive connection."""
    own = connection is None
    http = connection or http_connection(port)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        http.request(method, path, body=body, headers=headers)
        response = http.getresponse()
        return response.status, response.read()
    finally:
        if own:
            http.close()


def http_connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def post_batches(server: Server, bodies: list[bytes], progress: Any = None) -> float:
    """Post each body to ``/v1/events/batch`` in turn, on one connection; the seconds it took.

    One client, in order: a later batch may hold a later event of a relation an earlier one
    started, so batches cannot be sent side by side.
    """
    connection = http_connection(server.port)
    started = time.perf_counter()
    try:
        for number, body in enumerate(bodies, start=1):
            status, answer = request(server.port, "POST", "/v1/events/batch", body, connection)
            if status != 201:
                raise RuntimeError(f"batch {number} answered {status}: {answer[:500]!r}")
            if progress:
                progress(number)
    finally:
        connection.close()
    return time.perf_counter() - started


def wait_readable(server: Server) -> tuple[float, dict[str, Any]]:
    """Seconds until ``/readyz`` says the read model is at the log's head, and what it said."""
    started = time.perf_counter()
    while True:
        status, answer = request(server.port, "GET", "/readyz")
        if status == 200:
            return time.perf_counter() - started, json.loads(answer)
        if status != 503:
            raise RuntimeError(f"/readyz answered {status}: {answer[:500]!r}")
        time.sleep(0.01)


# wrk


@dataclass(frozen=True)
class Load:
    """What wrk measured: throughput and latency percentiles (under load), and any failures."""

    requests: int
    per_s: float
    p50_ms: float
    p99_ms: float
    failed: int
    connections: int
    threads: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed for the HTTP figures (apt-get install wrk)")
    return found


def _lua_string(text: str) -> str:
    level = "=" * 3
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def lua_cycle(requests: list[tuple[str, str, str | None]], headers: dict[str, str] | None = None) -> str:
    """A wrk script that sends ``(method, path, body)`` requests in turn, each thread from its own
    place in the list."""
    items = ",\n".join(
        f"  {{{_lua_string(method)}, {_lua_string(path)}, {_lua_string(body) if body is not None else 'nil'}}}"
        for method, path, body in requests
    )
    header_lines = "\n".join(f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in (headers or {}).items())
    return f"""{header_lines}
local items = {{
{items}
}}
local count = #items
local started = 0
function setup(thread)
  thread:set("offset", started * 7919)
  started = started + 1
end
local i = 0
function init(args)
  i = offset or 0
end
function request()
  i = i + 1
  local item = items[(i % count) + 1]
  return wrk.format(item[1], item[2], nil, item[3])
end
"""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str, connections: int, threads: int, seconds: float) -> Load:
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    per_s = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not (total and per_s and "50" in percentiles and "99" in percentiles):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    failed = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        failed += int(non_2xx.group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors:
        failed += sum(int(n) for n in errors.groups())
    return Load(requests=int(total.group(1)), per_s=float(per_s.group(1)), p50_ms=_ms(percentiles["50"]),
                p99_ms=_ms(percentiles["99"]), failed=failed, connections=connections, threads=threads,
                seconds=seconds)


def wrk(base: str, script: str, folder: Path, *, threads: int, connections: int, seconds: float) -> Load:
    """Run wrk with a script for ``seconds``; its throughput and latency percentiles."""
    path = folder / "wrk.lua"
    path.write_text(script)
    command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "30s",
               "-s", str(path), base]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)
    if done.returncode != 0 or done.stderr.strip():  # a broken script is only reported on stderr
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout, connections, threads, seconds)
