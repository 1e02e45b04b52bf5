"""The phases over HTTP, against ``chancery serve``: reads and ``/healthz`` under wrk on the store
the phases in process filled; then, on a store of its own, the bulk import posted in batches and
single appends."""

from __future__ import annotations

import json

from baselines import rate
from figures import Figures, say
from load import Load, Server, lua_cycle, post_batches, wait_readable, wrk
from process_phases import register
from workload import BATCH, Options, Workload

from api.service import Service


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
