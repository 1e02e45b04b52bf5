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
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figures, say  # noqa: E402
from http_phases import reads_over_http, writes_over_http  # noqa: E402
from load import wrk_path  # noqa: E402
from process_phases import appends_in_process, in_process, raw_store  # noqa: E402
from report import rows, table  # noqa: E402
from scratch import Stores  # noqa: E402
from workload import Options, Workload, label  # noqa: E402

from projections.process import tune_collector  # noqa: E402


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
    args = parser().parse_args()
    if args.show:
        show(args.show)
    else:
        measure_sizes(args)


def parser() -> argparse.ArgumentParser:
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
    return parser


def show(path: Path) -> None:
    """Print the table of a run written before."""
    saved = json.loads(path.read_text())
    shown = {int(k): Figures(values=v, errors=v.get("errors", {})) for k, v in saved["sizes"].items()}
    print(table(rows(shown), saved["run"], shown))


def measure_sizes(args: argparse.Namespace) -> None:
    """Measure each size in turn, writing the JSON after each phase; then print the table."""
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
