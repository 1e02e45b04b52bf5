"""The phases run in this process: the raw store's saves, the bulk import, rebuild, verify, the
library's runner, single appends; and the reads, timed in a new process that holds only their sample."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from baselines import (
    HandSQL,
    rate,
    raw_application,
    raw_bulk_save,
    raw_single_saves,
    runner_rate,
    timed,
    timed_together,
)
from figures import Figures, keep_clock, run_started, say
from load import WRITER
from workload import BATCH, Options, Workload

from api import audit
from api.service import NotCaughtUp, Service
from domain import fold_on, relation_key
from events import EventIn
from projections.process import tune_collector
from projections.stores import open_store

PASSES = 5  # rounds of timed passes over the samples of reads in process; the median pass is reported


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


def appends_in_process(url: str, work: Workload, figures: Figures) -> None:
    service = Service(url)
    try:
        notes = [EventIn.model_validate(n) for n in work.notes]
        # the warm-up appends its first notes once more: notes are never refused
        figures.values["single_append"] = timed([partial(service.append, n, WRITER) for n in notes],
                                                warmup=10).as_dict()
    finally:
        service.close()


def naive_fold(service: Service, a: str, b: str, day: date) -> object:
    """The baseline: load the relation's events from the log and fold them up to the day."""
    return fold_on(service.app.relation(a, b).facts(), day)


def reads_in_fresh_process(url: str, reads: list[tuple[str, str, date]],
                           entity_reads: list[tuple[str, date]]) -> dict[str, Any]:
    """The in-process reads and their baselines, timed in a new process that opens the store, as
    a server does: this one holds the whole workload (gigabytes of objects at 1M events), beside
    which reads ran slower, the baselines' too, in runs at 1M events."""
    with multiprocessing.get_context("spawn").Pool(1, initializer=_started_at, initargs=(run_started(),)) as pool:
        values: dict[str, Any] = pool.apply(reads_in_process, (url, reads, entity_reads))
    return values


def _started_at(started: float) -> None:
    """A helper process starts as the run did: its progress lines keep the run's clock, and its
    cycle collector runs at a service's pace."""
    keep_clock(started)
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
