"""What clients that never read cost a real ``chancery serve``: its memory, and how fast it still answers.

    .venv/bin/python bench/stalled.py --events 30000                       # 1000 stalled live streams
    .venv/bin/python bench/stalled.py --events 30000 --clients 500 --pipeline 20 \\
        --path '/v1/audit/log?limit=1000'                                  # 500 clients pipelining

Builds a SQLite store of ``--events`` generated events (kept in ``--store`` for the next run),
serves it, and notes the server's RSS. Then ``--clients`` sockets each send ``--pipeline`` GETs of
``--path`` and never read a byte (with ``--trickle``, each begins a GET and sends a header line a
second, never ending it, and the figures say how many the server closed). After ``--hold`` seconds,
once the server's memory has settled, it notes the RSS again and times ``/healthz`` and a write (one
event appended) on a fresh connection, then lets the clients go. The server takes its settings from
the environment (``CHANCERY_*``), as ever:

    CHANCERY_SEND_TIMEOUT=3600 .venv/bin/python bench/stalled.py --hold 90     # the stalled streams kept
    .venv/bin/python bench/stalled.py --clients 5000 --trickle --hold 30
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import statistics
import sys
import time
from pathlib import Path

from generate import entities, history, shape
from load import Server, request

from api.service import Service
from events import EntityIn, EventIn

SETTLE_SECONDS = 2.0


def build(path: Path, events: int) -> None:
    """A store of ``events`` generated events, made once."""
    if path.exists():
        return
    service = Service(f"sqlite:///{path}")
    try:
        for entity in entities(shape(events).states):
            service.register_entity(EntityIn.model_validate(entity), "bench")
        sent = [EventIn.model_validate(e) for e in history(events)]
        for start in range(0, len(sent), 500):
            service.import_many(sent[start : start + 500], "bench")
        service.current()
    finally:
        service.close()


def stall(port: int, clients: int, path: str, pipeline: int, trickling: bool) -> list[socket.socket]:
    """Sockets that have sent their requests (or begun one, trickling) and will never read the answers."""
    ask = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
    if not trickling:
        ask = (ask + b"\r\n") * pipeline
    opened = []
    for _ in range(clients):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(ask)
        opened.append(client)
    return opened


def settled(server: Server, hold: float) -> float:
    """The server's RSS after ``hold`` seconds, once it has stopped growing (two minutes more at most)."""
    time.sleep(hold)
    deadline = time.monotonic() + 120
    last = server.rss_mb()
    while time.monotonic() < deadline:
        time.sleep(SETTLE_SECONDS)
        now = server.rss_mb()
        if abs(now - last) < 1:
            return now
        last = now
    return last


def trickle(clients: list[socket.socket], seconds: float) -> int:
    """Send each client's next header line every second for ``seconds``; how many the server closed."""
    by_fd = {client.fileno(): client for client in clients}
    watch = select.poll()
    for fd in by_fd:
        watch.register(fd, select.POLLIN)
    closed: set[int] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        readable = {fd for fd, _ in watch.poll(0)}
        for fd, client in by_fd.items():
            if fd in closed:
                continue
            try:
                if fd in readable and client.recv(65536) == b"":
                    raise ConnectionResetError
                client.send(b"X-Trickle: 1\r\n")
            except OSError:
                closed.add(fd)
                watch.unregister(fd)
        time.sleep(1)
    return len(closed)


def kernel_tcp_mb() -> float:
    """What the kernel holds in TCP buffers, every socket of the machine (``/proc/net/sockstat``)."""
    for line in Path("/proc/net/sockstat").read_text().splitlines():
        if line.startswith("TCP:"):
            fields = line.split()
            return round(int(fields[fields.index("mem") + 1]) * 4096 / 2**20, 1)
    return 0.0


def timed(port: int, method: str, target: str, body: bytes | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    status, _ = request(port, method, target, body)
    return status, (time.perf_counter() - started) * 1000


def note(number: int) -> bytes:
    return json.dumps(
        {
            "type": "note.recorded",
            "subject": "S0001",
            "counterpart": "S0002",
            "occurred": "2020-01-01",
            "summary": f"A note written while clients stall ({number}).",
            "sources": [{"title": "bench", "quote": "noted"}],
        }
    ).encode()


def latencies(port: int, rounds: int) -> dict[str, object]:
    health = [timed(port, "GET", "/healthz") for _ in range(rounds)]
    writes = [timed(port, "POST", "/v1/events", note(n)) for n in range(rounds)]
    return {
        "healthz_statuses": sorted({s for s, _ in health}),
        "healthz_ms_median": round(statistics.median(ms for _, ms in health), 1),
        "healthz_ms_max": round(max(ms for _, ms in health), 1),
        "write_statuses": sorted({s for s, _ in writes}),
        "write_ms_median": round(statistics.median(ms for _, ms in writes), 1),
        "write_ms_max": round(max(ms for _, ms in writes), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--store", type=Path, default=None, help="the SQLite file (default /tmp/stalled-EVENTS.db)")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--path", default="/v1/events/stream?after=0")
    parser.add_argument("--pipeline", type=int, default=1, help="requests each client sends at once")
    parser.add_argument("--hold", type=float, default=60.0, help="seconds the clients stall before the figures")
    parser.add_argument("--rounds", type=int, default=20, help="requests timed of each kind")
    parser.add_argument("--trickle", action="store_true", help="send the headers a line a second, never ending them")
    args = parser.parse_args()
    store = args.store or Path(f"/tmp/stalled-{args.events}.db")
    build(store, args.events)
    log = store.with_suffix(".log")
    with Server(f"sqlite:///{store}", log) as server:
        figures: dict[str, object] = {"idle": latencies(server.port, args.rounds), "rss_before_mb": settled(server, 0)}
        figures["kernel_tcp_before_mb"] = kernel_tcp_mb()
        clients = stall(server.port, args.clients, args.path, args.pipeline, args.trickle)
        try:
            if args.trickle:
                figures["closed_by_server"] = trickle(clients, args.hold)
            figures["rss_stalled_mb"] = settled(server, 0 if args.trickle else args.hold)
            figures["kernel_tcp_stalled_mb"] = kernel_tcp_mb()
            figures["stalled"] = latencies(server.port, args.rounds)
            figures["rss_after_mb"] = server.rss_mb()
        finally:
            for client in clients:
                client.close()
        figures["growth_mb"] = round(float(figures["rss_stalled_mb"]) - float(figures["rss_before_mb"]), 1)  # type: ignore[arg-type]
    shown = {"clients": args.clients, "path": args.path, "pipeline": args.pipeline, "trickle": args.trickle}
    json.dump({**shown, **figures}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
