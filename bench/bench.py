"""Chancery's speed beside baselines measured in the same run, at several sizes of log.

Run by hand (it is not part of the test suite); it prints progress, then one table, and writes JSON:

    .venv/bin/python bench/bench.py --sizes 100000,1000000                # SQLite, bench/results-sqlite.json
    .venv/bin/python bench/bench.py --sizes 100000,1000000 \\
        --database-url 'postgresql://postgres@127.0.0.1:5432/test'       # bench/results-postgresql.json
    .venv/bin/python bench/bench.py --sizes 5000,20000 --wrk-seconds 3   # a quick try
    .venv/bin/python bench/bench.py --show bench/results-sqlite.json     # the table of a run again

Needs ``wrk`` on the PATH, and a quiet machine: each size's section says how busy other processes
kept the cores as it began. At each size it generates the history of ``bench/generate.py`` (every
state with about 100 partners, so 100k events are ~230 states and 1M ~2,300) and measures, on fresh
stores (SQLite files in a temporary folder, or PostgreSQL schemas ``bench_100k``, ``bench_100k_http``,
``bench_100k_raw``..., dropped afterwards unless ``--keep``):

- the raw store's bulk save (``Application.save`` of 500 new one-event aggregates a call, each
  carrying one sent event's JSON) and single saves (one new aggregate a call): the baselines of
  the imports and appends;
- bulk import in process (``Service.import_many``, 500 a call; entities registered first, not
  timed), until the last call returns, and until the read model has caught up
  (``service.current()``);
- bulk import over HTTP: ``POST /v1/events/batch`` of 500 events from one client (in order: a batch
  may continue a relation an earlier one started) to ``chancery serve`` on a store of its own,
  until the last answer and until ``/readyz`` answers 200; then single appends (``POST /v1/events``,
  one note a request, wrk with two connections) on that server, and in process;
- the read model's rebuild (``replay``) and ``verify``, against the library's projection runner
  writing one transaction per event (see ``baselines.runner_rate``) over the log's first entries;
- the state of one relation (~1000 random related pairs, four days) and of all relations of one
  entity, in process, p50/p99, against a naive fold of the relation's log per request and a
  hand-written SQL query on an indexed table of the same interval rows, all in a new process
  that opens the store and holds only the sample (as a server would);
- the same reads over HTTP with wrk (``-t2 -c8 -d10s``, the pairs and days cycled by a Lua script),
  ``explain=false`` and the default ``explain=true``, against ``/healthz`` of the same server sent
  the same way (before and after the reads, averaged); the server's RSS after that load; and the
  store's size on disk.

wrk runs on the same two cores as the server, so it takes some of the CPU the server could use;
the ratios to ``/healthz`` share that cost. Latencies under wrk include queueing behind the eight
connections. The targets are the issue's; the growth rows compare the smallest and the largest
size of the run. A phase that fails is reported, and the run goes on with the others.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).parent))
from baselines import (  # noqa: E402
    HandSQL,
    rate,
    raw_application,
    raw_bulk_save,
    raw_single_saves,
    runner_rate,
    timed,
    timed_together,
)
from generate import SOURCE, entities, history, shape  # noqa: E402
from load import WRITER, Load, Server, lua_cycle, post_batches, wait_readable, wrk, wrk_path  # noqa: E402
from report import rows, table  # noqa: E402

from api import audit  # noqa: E402
from api.service import NotCaughtUp, Service  # noqa: E402
from domain import fold_on, relation_key  # noqa: E402
from events import EntityIn, EventIn  # noqa: E402
from projections.process import tune_collector  # noqa: E402
from projections.stores import open_store, parse_store_url  # noqa: E402

BATCH = 500
MAX_BODY = 1024 * 1024
PASSES = 5  # rounds of timed passes over the samples of reads in process; the median pass is reported
DAYS = [date(1900, 1, 1), date(1950, 6, 30), date(1990, 12, 31), date(2020, 1, 1)]
STARTED = time.monotonic()


def say(text: str) -> None:
    elapsed = int(time.monotonic() - STARTED)
    print(f"[{elapsed // 60:3d}:{elapsed % 60:02d}] {text}", flush=True)


def label(size: int) -> str:
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


# Stores


class Stores:
    """Fresh stores for one size: SQLite files in a folder, or PostgreSQL schemas."""

    def __init__(self, database_url: str | None, folder: Path, size: int, keep: bool):
        self.base = database_url
        self.folder = folder
        self.name = label(size)
        self.keep = keep
        self.made: list[str] = []

    @property
    def kind(self) -> str:
        return "postgresql" if self.base else "sqlite"

    def fresh(self, role: str) -> str:
        """The URL of a new, empty store for ``role`` ("app", "http", "raw")."""
        if not self.base:
            path = self.folder / f"{role}-{self.name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.made.append(str(path))
            return f"sqlite:///{path}"
        parts = urlsplit(self.base)
        query = dict(parse_qsl(parts.query))
        schema = f"{query.get('schema', 'bench')}_{self.name}" + ("" if role == "app" else f"_{role}")
        self._admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
        self.made.append(schema)
        return urlunsplit(parts._replace(query=urlencode({**query, "schema": schema})))

    def _admin(self, *statements: str) -> None:
        import psycopg

        assert self.base
        url = parse_store_url(self.base)
        with psycopg.connect(host=url.host, port=url.port, user=url.user, password=url.password or None,
                             dbname=url.dbname, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement.encode())

    def size_mb(self, url: str) -> float:
        """How much disk a store takes: its file (and WAL), or its schema's tables with their indexes."""
        store = parse_store_url(url)
        if store.scheme == "sqlite":
            files = [Path(f"{store.path}{suffix}") for suffix in ("", "-wal")]
            return sum(f.stat().st_size for f in files if f.exists()) / 2**20
        import psycopg

        with psycopg.connect(host=store.host, port=store.port, user=store.user, password=store.password or None,
                             dbname=store.dbname) as connection:
            row = connection.execute(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (store.schema,),
            ).fetchone()
        return float(row[0] if row else 0) / 2**20

    def drop(self) -> None:
        if self.keep:
            if self.made:
                say(f"kept: {', '.join(self.made)}")
            return
        for made in self.made:
            if self.base:
                self._admin(f"DROP SCHEMA IF EXISTS {made} CASCADE")
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{made}{suffix}").unlink(missing_ok=True)
        self.made.clear()


# The work of one size


def validated(raw: list[dict[str, Any]]) -> list[EventIn]:
    """The events as the service takes them (validated here, before any clock starts)."""
    sent = []
    started = time.monotonic()
    for done, event in enumerate(raw, start=1):
        sent.append(EventIn.model_validate(event))
        if done % 250_000 == 0:
            say(f"    validated {done:,}/{len(raw):,} events ({time.monotonic() - started:.0f}s)")
    return sent


@dataclass
class Workload:
    size: int
    states: int
    partners: int
    entities: list[EntityIn]
    sent: list[EventIn]
    bodies: list[bytes]
    reads: list[tuple[str, str, date]]
    entity_reads: list[tuple[str, date]]
    notes: list[dict[str, Any]]

    @classmethod
    def make(cls, size: int, seed: int, samples: int, singles: int) -> Workload:
        plan = shape(size)
        raw = list(history(size, seed))
        sent = validated(raw)
        bodies = []
        for start in range(0, len(raw), BATCH):
            body = json.dumps({"events": raw[start : start + BATCH]}).encode()
            if len(body) >= MAX_BODY:
                raise SystemExit(f"a batch of {BATCH} events is {len(body)} bytes, over the 1 MiB limit")
            bodies.append(body)
        rng = random.Random(seed + 1)
        pairs = plan.pairs
        reads = [(*rng.choice(pairs), rng.choice(DAYS)) for _ in range(samples)]
        states = sorted({a for a, _, _ in reads})
        entity_reads = [(rng.choice(states), day) for day in DAYS for _ in range(5)]
        notes = [
            {"type": "note.recorded", "subject": a, "counterpart": b, "occurred": day.isoformat(),
             "summary": f"Benchmark note {number}", "attributes": {}, "sources": SOURCE}
            for number, (a, b, day) in enumerate((*rng.choice(pairs), rng.choice(DAYS)) for _ in range(singles))
        ]
        return cls(size=len(sent), states=plan.states, partners=min(plan.partners, plan.states - 1),
                   entities=[EntityIn.model_validate(e) for e in entities(plan.states)], sent=sent, bodies=bodies,
                   reads=reads, entity_reads=entity_reads, notes=notes)


@dataclass
class Options:
    folder: Path
    database_url: str | None
    seed: int
    samples: int
    singles: int
    runner_sample: int
    wrk_threads: int
    wrk_connections: int
    wrk_seconds: float
    append_seconds: float
    http_import_events: int | None
    keep: bool


@dataclass
class Figures:
    """Everything measured at one size (numbers, and dicts of numbers), and what failed."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    saved: Callable[[], None] = lambda: None  # noqa: E731 - called after each phase: the JSON so far

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Run a phase, once the disk has written back what the phases before it wrote (a rebuild
        or a check leaves gigabytes behind at 1M events, whose write-back would slow what follows);
        a failure is reported and recorded, and the run goes on."""
        os.sync()
        started = time.monotonic()
        try:
            yield
        except Exception as error:  # noqa: BLE001 - one broken phase must not lose the others
            self.errors[name] = f"{type(error).__name__}: {error}"
            say(f"  {name} FAILED: {self.errors[name]}")
            traceback.print_exc(file=sys.stdout)
        else:
            say(f"  {name} done in {time.monotonic() - started:.1f}s")
        finally:
            self.saved()


def register(service: Service, work: Workload) -> None:
    for entity in work.entities:
        service.register_entity(entity, WRITER)


def until_current(service: Service) -> None:
    """Wait, however long it takes, until the read model has reached the log's head."""
    while True:
        try:
            service.current(timeout=3600)
            return
        except NotCaughtUp:
            continue


def import_in_process(service: Service, work: Workload, figures: Figures) -> None:
    report_every = max(1, len(work.sent) // BATCH // 5)
    started = time.perf_counter()
    for number, start in enumerate(range(0, len(work.sent), BATCH), start=1):
        service.import_many(work.sent[start : start + BATCH], WRITER)
        if number % report_every == 0:
            done = min(len(work.sent), start + BATCH)
            say(f"    imported {done}/{len(work.sent)} ({rate(done, time.perf_counter() - started):,.0f} ev/s)")
    took = time.perf_counter() - started
    until_current(service)
    readable = time.perf_counter() - started
    figures.values.update(import_seconds=took, import_readable_seconds=readable,
                          import_rate=rate(len(work.sent), took), import_readable_rate=rate(len(work.sent), readable))


def in_process(url: str, work: Workload, options: Options, figures: Figures) -> None:
    """Import, rebuild, verify and read, in this process, on a fresh store."""
    v = figures.values
    service = Service(url)
    try:
        with figures.phase("register entities (not timed)"):
            register(service, work)
        with figures.phase("bulk import in process"):
            import_in_process(service, work, figures)
            say(f"    {v['import_rate']:,.0f} ev/s; readable at {v['import_readable_rate']:,.0f} ev/s")
        if "bulk import in process" in figures.errors:
            return
        with figures.phase("rebuild (replay)"):
            started = time.perf_counter()
            entries = audit.replay(service)
            v.update(log_entries=entries, rebuild_rate=rate(entries, time.perf_counter() - started))
            say(f"    {entries} entries at {v['rebuild_rate']:,.0f}/s")
        with figures.phase("verify"):
            started = time.perf_counter()
            report = audit.verify(service)
            v["verify_rate"] = rate(report.entries, time.perf_counter() - started)
            if not report.ok:
                raise RuntimeError(f"verify found: {report.findings[:3]}")
            say(f"    {report.entries} entries at {v['verify_rate']:,.0f}/s")
        with figures.phase("library runner, one transaction per event"):
            v["runner_rate"], v["runner_entries"] = runner_rate(service.store, options.runner_sample)
            say(f"    first {v['runner_entries']} entries at {v['runner_rate']:,.0f}/s")
    finally:
        service.close()
    with figures.phase("reads in process"):
        v.update(reads_in_fresh_process(url, work.reads, work.entity_reads))


def naive_fold(service: Service, a: str, b: str, day: date) -> object:
    """The baseline: load the relation's events from the log and fold them up to the day."""
    return fold_on(service.app.relation(a, b).facts(), day)


def reads_in_fresh_process(url: str, reads: list[tuple[str, str, date]],
                           entity_reads: list[tuple[str, date]]) -> dict[str, Any]:
    """The in-process reads and their baselines, timed in a new process that opens the store, as
    a server does: this one holds the whole workload (gigabytes of objects at 1M events), beside
    which reads ran slower, the baselines' too, in runs at 1M events."""
    with multiprocessing.get_context("spawn").Pool(1, initializer=_started_at, initargs=(STARTED,)) as pool:
        values: dict[str, Any] = pool.apply(reads_in_process, (url, reads, entity_reads))
    return values


def _started_at(started: float) -> None:
    """A helper process starts as the run did: its progress lines keep the run's clock, and its
    cycle collector runs at a service's pace."""
    global STARTED
    STARTED = started
    tune_collector()


def reads_in_process(url: str, reads: list[tuple[str, str, date]], sample: list[tuple[str, date]]) -> dict[str, Any]:
    """Each read is timed from its second visit (one untimed pass over every sample first, so that
    no figure pays for warming the caches the ones after it use), Chancery's and the baselines' in
    turns: on a shared machine, speed drifts by half within a minute."""
    service = Service(url)
    try:
        return _reads_in_process(service, reads, sample)
    finally:
        service.close()


def _reads_in_process(service: Service, reads: list[tuple[str, str, date]],
                      sample: list[tuple[str, date]]) -> dict[str, Any]:
    read, v = service.read, dict[str, Any]()
    entity_reads = sample * 10
    partners = [len(service.entity_relations(c, d, explain=False).relations) for c, d in sample]
    v["entity_partners"] = sum(partners) / len(partners)
    hand = HandSQL(service.store.url)
    try:
        v["hand_rows"] = hand.build()
        os.sync()
        families: dict[str, list[Callable[[], object]]] = {
            "state": [partial(read.relation_state, a, b, d, explain=False) for a, b, d in reads],
            "hand_sql": [partial(hand.relation, relation_key(a, b), d.isoformat()) for a, b, d in reads],
            "state_explained": [partial(read.relation_state, a, b, d) for a, b, d in reads],
            "state_service": [partial(service.relation_state, a, b, d, explain=False) for a, b, d in reads],
            "naive_fold": [partial(naive_fold, service, a, b, d) for a, b, d in reads],
            "entity": [partial(read.entity_relations, c, d, explain=False) for c, d in entity_reads],
            "hand_sql_entity": [partial(hand.entity, c, d.isoformat()) for c, d in entity_reads],
            "entity_explained": [partial(read.entity_relations, c, d) for c, d in entity_reads],
        }
        for name, timing in timed_together(families, PASSES).items():
            v[name] = timing.as_dict()
            say(f"    {name:18} p50 {v[name]['p50_ms']:8.3f} ms   p99 {v[name]['p99_ms']:8.3f} ms")
        hand.drop()
    finally:
        hand.close()
    return v


def reads_over_http(url: str, work: Workload, options: Options, figures: Figures) -> None:
    v = figures.values
    with Server(url, options.folder / "server.log") as server:

        def get(paths: list[str], seconds: float | None = None) -> Load:
            script = lua_cycle([("GET", p, None) for p in paths])
            return wrk(server.base, script, options.folder, threads=options.wrk_threads,
                       connections=options.wrk_connections, seconds=seconds or options.wrk_seconds)

        state = [f"/v1/relations/{a}/{b}?on={d}&explain=false" for a, b, d in work.reads]
        entity = [f"/v1/entities/{c}/relations?on={d}&explain=false" for c, d in work.entity_reads]
        for warm_up in (["/healthz"], state, entity):  # a new server on a large store takes a while
            get(warm_up, seconds=5)
        for name, paths in (
            ("http_healthz_first", ["/healthz"]),
            ("http_state", state),
            ("http_state_explained", [p.removesuffix("&explain=false") for p in state]),
            ("http_entity", entity),
            ("http_entity_explained", [p.removesuffix("&explain=false") for p in entity]),
            ("http_healthz_last", ["/healthz"]),
        ):
            result = get(paths)
            v[name] = result.as_dict()
            say(f"    {name:22} {result.per_s:9,.0f} req/s   p50 {result.p50_ms:7.2f} ms   p99 {result.p99_ms:7.2f} ms"
                + (f"   FAILED {result.failed}" if result.failed else ""))
        # the framework's ceiling, measured before and after the reads (the machine may drift)
        runs = [v.pop("http_healthz_first"), v.pop("http_healthz_last")]
        v["http_healthz"] = {**{k: sum(r[k] for r in runs) / 2 for k in ("per_s", "p50_ms", "p99_ms")},
                             "failed": sum(r["failed"] for r in runs), "runs": runs}
        v["server_rss_mb"] = server.rss_mb()
        say(f"    server RSS {v['server_rss_mb']:.0f} MB")


def writes_over_http(url: str, work: Workload, options: Options, figures: Figures) -> None:
    v = figures.values
    service = Service(url)
    try:
        register(service, work)
    finally:
        service.close()
    with Server(url, options.folder / "server.log") as server:
        report_every = max(1, len(work.bodies) // 10)

        def progress(number: int) -> None:
            if number % report_every == 0:
                say(f"    posted {number} batches")

        bodies = work.bodies[: -(-options.http_import_events // BATCH)] if options.http_import_events else work.bodies
        posted = min(work.size, len(bodies) * BATCH)
        took = post_batches(server, bodies, progress)
        readable, ready = wait_readable(server)
        v.update(http_import_events=posted, http_import_seconds=took, http_import_rate=rate(posted, took),
                 http_import_readable_rate=rate(posted, took + readable), http_import_position=ready.get("position"),
                 http_import_rss_mb=server.rss_mb())
        say(f"    {v['http_import_rate']:,.0f} ev/s; readable at {v['http_import_readable_rate']:,.0f} ev/s;"
            f" server RSS {v['http_import_rss_mb']:.0f} MB")
        script = lua_cycle([("POST", "/v1/events", json.dumps(note)) for note in work.notes],
                           {"Content-Type": "application/json", "Authorization": "Bearer secret"})
        appends = wrk(server.base, script, options.folder, threads=1, connections=2, seconds=options.append_seconds)
        v["http_single_append"] = appends.as_dict()
        say(f"    single appends {appends.per_s:,.0f}/s   p50 {appends.p50_ms:.2f} ms   p99 {appends.p99_ms:.2f} ms"
            + (f"   FAILED {appends.failed}" if appends.failed else ""))


def appends_in_process(url: str, work: Workload, figures: Figures) -> None:
    service = Service(url)
    try:
        notes = [EventIn.model_validate(n) for n in work.notes]
        # the warm-up appends its first notes once more: notes are never refused
        figures.values["single_append"] = timed([partial(service.append, n, WRITER) for n in notes],
                                                warmup=10).as_dict()
    finally:
        service.close()


def raw_store(url: str, work: Workload, figures: Figures) -> None:
    app = raw_application(open_store(url))
    try:
        payloads = [e.model_dump_json() for e in work.sent]
        figures.values["raw_bulk_save"] = raw_bulk_save(app, payloads, BATCH)
        figures.values["raw_single_save"] = raw_single_saves(app, payloads[: len(work.notes)]).as_dict()
        say(f"    bulk {figures.values['raw_bulk_save']:,.0f} ev/s;"
            f" single {figures.values['raw_single_save']['per_s']:,.0f}/s")
    finally:
        app.close()


def measure(size: int, options: Options, figures: Figures) -> None:
    stores = Stores(options.database_url, options.folder, size, options.keep)
    say(f"{size:,} events: generating")
    work = Workload.make(size, options.seed, options.samples, options.singles)
    figures.values.update(events=work.size, states=work.states, partners=work.partners, store=stores.kind)
    say(f"{work.size:,} events of {work.states} states ({work.partners} partners each), {len(work.bodies)} batches")
    busy = figures.values["other_busy_cores"] = busy_cores()
    if busy > 0.2:
        say(f"  other processes keep {busy:.1f} of {os.cpu_count()} cores busy: the figures will be noisy")
    try:
        with figures.phase("raw store: bulk and single saves"):
            raw_store(stores.fresh("raw"), work, figures)
        app_url = stores.fresh("app")
        in_process(app_url, work, options, figures)
        if "bulk import in process" not in figures.errors:
            figures.values["store_mb"] = stores.size_mb(app_url)
            say(f"  the store takes {figures.values['store_mb']:,.0f} MB")
            with figures.phase("reads over HTTP"):
                reads_over_http(app_url, work, options, figures)
        http_url = stores.fresh("http")
        with figures.phase("writes over HTTP"):
            writes_over_http(http_url, work, options, figures)
        with figures.phase("single appends in process"):
            appends_in_process(http_url, work, figures)
    finally:
        stores.drop()


def busy_cores(seconds: float = 2.0) -> float:
    """How many cores other processes keep busy, while this one sleeps."""

    def sample() -> tuple[int, int]:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(1, total1 - total0))


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).parent)
    return done.stdout.strip()


def main() -> None:
    tune_collector()  # as the CLI does where a process starts: a Service drives this one too
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="event counts, comma-separated")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite files in a temporary folder)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=1000, help="relation reads timed in process (and cycled by wrk)")
    parser.add_argument("--singles", type=int, default=300, help="single appends timed in process and raw")
    parser.add_argument("--runner-sample", type=int, default=20_000, help="log entries the library's runner projects")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument("--wrk-seconds", type=float, default=10.0)
    parser.add_argument("--append-seconds", type=float, default=5.0, help="how long wrk sends single appends")
    parser.add_argument("--http-import-events", type=int,
                        help="post only the first N events over HTTP (default: all; the figure says how many)")
    parser.add_argument("--output", type=Path, help="JSON file (default: bench/results-<store>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the stores (files or schemas) afterwards")
    parser.add_argument("--show", type=Path, help="print the table of a JSON file written before, and stop")
    args = parser.parse_args()
    if args.show:
        saved = json.loads(args.show.read_text())
        shown = {int(k): Figures(values=v, errors=v.get("errors", {})) for k, v in saved["sizes"].items()}
        print(table(rows(shown), saved["run"], shown))
        return
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    wrk_path()  # before anything is measured
    folder = Path(tempfile.mkdtemp(prefix="chancery-bench-"))
    options = Options(folder=folder, database_url=args.database_url, seed=args.seed, samples=args.samples,
                      singles=args.singles, runner_sample=args.runner_sample, wrk_threads=args.wrk_threads,
                      wrk_connections=args.wrk_connections, wrk_seconds=args.wrk_seconds,
                      append_seconds=args.append_seconds, http_import_events=args.http_import_events, keep=args.keep)
    store = "postgresql" if args.database_url else "sqlite"
    output = args.output or Path(__file__).parent / f"results-{store}.json"
    run = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "commit": git_commit(), "store": store,
           "sizes": sizes, "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
           "wrk": f"-t{args.wrk_threads} -c{args.wrk_connections} -d{args.wrk_seconds:g}s", "seed": args.seed}
    say(f"benchmark on {store}, sizes {', '.join(label(s) for s in sizes)}; scratch folder {folder}")
    results: dict[int, Figures] = {}
    signal.signal(signal.SIGTERM, stopped)  # so that a stopped run stops its server and drops its stores
    try:
        for size in sizes:
            results[size] = Figures(saved=lambda: write(output, run, results))
            measure(size, options, results[size])
            write(output, run, results)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(table(rows(results), run, results))
    say(f"written {output}")


def stopped(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def write(output: Path, run: dict[str, Any], results: dict[int, Figures]) -> None:
    data = {
        "run": run,
        "sizes": {str(size): {**f.values, "errors": f.errors} for size, f in results.items()},
        "rows": [row.as_dict() for row in rows(results)],
    }
    output.write_text(json.dumps(data, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
