"""The table of a run: each figure beside its baseline, their ratio, the issue's target, met or missed."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol


class Figures(Protocol):
    values: dict[str, Any]


Compare = Callable[[float, float], bool]
TESTS: dict[str, Compare] = {">=": operator.ge, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Row:
    figure: str
    size: int | None
    chancery: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None
    binding: bool  # a target of the issue; otherwise the target is shown for information
    value: float | None = None  # what the target tests, when it is not a ratio

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "n/a" if self.target else ""
        word = "met" if self.met else "MISSED"
        return word if self.binding else f"({word.lower()})"


def per_s(value: float | None, unit: str = "ev/s") -> str:
    return "n/a" if value is None else f"{value:,.0f} {unit}"


def latency(timing: dict[str, float] | None) -> str:
    if timing is None:
        return "n/a"
    return f"p50 {timing['p50_ms']:.3f} ms, p99 {timing['p99_ms']:.3f}"


def load(result: dict[str, Any] | None, unit: str = "req/s") -> str:
    if result is None:
        return "n/a"
    failed = f", {result['failed']} FAILED" if result.get("failed") else ""
    return f"{result['per_s']:,.0f} {unit} (p50 {result['p50_ms']:.2f}, p99 {result['p99_ms']:.2f} ms){failed}"


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def _met(ratio: float | None, target: str) -> bool | None:
    if ratio is None or not target:
        return None
    test, threshold = target.split()
    return TESTS[test](ratio, float(threshold))


class Builder:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, figure: str, size: int | None, chancery: str, baseline: str, ratio: float | None,
            target: str = "", binding: bool = True, value: float | None = None) -> None:
        tested = ratio if value is None else value
        self.rows.append(Row(figure, size, chancery, baseline, ratio, target, _met(tested, target), binding, value))


def _get(values: dict[str, Any], name: str, key: str | None = None) -> Any:
    found = values.get(name)
    if key is not None and isinstance(found, dict):
        return found.get(key)
    return found if key is None else None


def rows(results: Mapping[int, Figures]) -> list[Row]:
    out = Builder()
    for size, figures in sorted(results.items()):
        _size_rows(out, size, figures.values)
    sizes = sorted(results)
    if len(sizes) > 1:
        small, large = results[sizes[0]].values, results[sizes[-1]].values
        for figure, name, key, target in (
            ("relation state p50, in process", "state", "p50_ms", "< 1.5"),
            ("relation state p50, over HTTP (wrk)", "http_state", "p50_ms", "< 1.5"),
            ("entity relations p50, in process", "entity", "p50_ms", ""),
            ("entity relations p50, over HTTP (wrk)", "http_entity", "p50_ms", ""),
        ):
            a, b = _get(small, name, key), _get(large, name, key)
            out.add(figure, None, f"{b:.3f} ms at the largest" if b is not None else "n/a",
                    f"{a:.3f} ms at the smallest" if a is not None else "n/a", _ratio(b, a), target)
    return out.rows


def _size_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    for section in (_write_rows, _replay_rows, _read_rows, _http_read_rows, _footprint_rows):
        section(out, size, v)


def _write_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    """The imports beside the raw store's bulk save, the single appends beside its single saves."""
    raw_bulk, raw_single = v.get("raw_bulk_save"), _get(v, "raw_single_save", "per_s")
    raw_text = f"raw bulk save {per_s(raw_bulk)}"
    out.add("bulk import in process (500 a call)", size, per_s(v.get("import_rate")), raw_text,
            _ratio(v.get("import_rate"), raw_bulk), ">= 0.5")
    out.add("  until readable (read model caught up)", size, per_s(v.get("import_readable_rate")), raw_text,
            _ratio(v.get("import_readable_rate"), raw_bulk), ">= 0.5")
    posted = v.get("http_import_events")
    part = f"first {posted:,} events" if posted is not None and posted < v.get("events", posted) else "batches of 500"
    out.add(f"bulk import over HTTP ({part})", size, per_s(v.get("http_import_rate")), raw_text,
            _ratio(v.get("http_import_rate"), raw_bulk), ">= 0.3")
    out.add("  until readable (/readyz)", size, per_s(v.get("http_import_readable_rate")), raw_text,
            _ratio(v.get("http_import_readable_rate"), raw_bulk), ">= 0.3")
    single_text = f"raw single save {per_s(raw_single, '/s')}"
    out.add("single appends over HTTP (wrk, 2 connections)", size, load(v.get("http_single_append"), "/s"),
            single_text, _ratio(_get(v, "http_single_append", "per_s"), raw_single))
    out.add("single appends in process", size, per_s(_get(v, "single_append", "per_s"), "/s"), single_text,
            _ratio(_get(v, "single_append", "per_s"), raw_single))


def _replay_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    """The rebuild and the check, beside the library's runner."""
    runner = v.get("runner_rate")
    runner_text = f"library runner, 1 tx/event {per_s(runner)}"
    out.add("rebuild (replay)", size, per_s(v.get("rebuild_rate")), runner_text,
            _ratio(v.get("rebuild_rate"), runner), ">= 5")
    out.add("verify", size, per_s(v.get("verify_rate")), runner_text, _ratio(v.get("verify_rate"), runner))


def _read_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    """The reads in process, beside hand-written SQL and a naive fold."""
    hand, hand_entity = v.get("hand_sql"), v.get("hand_sql_entity")
    hand_text = f"hand SQL {latency(hand)}"
    state_p50 = _get(v, "state", "p50_ms")
    out.add("relation state in process", size, latency(v.get("state")), hand_text,
            _ratio(state_p50, _get(v, "hand_sql", "p50_ms")), "<= 3")
    out.add("  the same beside a naive fold per request", size, latency(v.get("state")),
            f"naive fold {latency(v.get('naive_fold'))}", _ratio(state_p50, _get(v, "naive_fold", "p50_ms")))
    out.add("  with evidence (explain)", size, latency(v.get("state_explained")), hand_text,
            _ratio(_get(v, "state_explained", "p50_ms"), _get(v, "hand_sql", "p50_ms")))
    out.add("  through Service (names, catch-up check)", size, latency(v.get("state_service")), hand_text,
            _ratio(_get(v, "state_service", "p50_ms"), _get(v, "hand_sql", "p50_ms")))
    partners = v.get("entity_partners")
    about = f" (~{partners:.0f} partners)" if partners else ""
    hand_entity_text = f"hand SQL {latency(hand_entity)}"
    out.add(f"entity relations in process{about}", size, latency(v.get("entity")), hand_entity_text,
            _ratio(_get(v, "entity", "p50_ms"), _get(v, "hand_sql_entity", "p50_ms")))
    out.add("  with evidence (explain)", size, latency(v.get("entity_explained")), hand_entity_text,
            _ratio(_get(v, "entity_explained", "p50_ms"), _get(v, "hand_sql_entity", "p50_ms")))


def _http_read_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    """The reads over HTTP, beside ``/healthz`` of the same server."""
    healthz = _get(v, "http_healthz", "per_s")
    healthz_text = f"/healthz {load(v.get('http_healthz'))}"
    for figure, name, target, binding in (
        ("relation state over HTTP, explain=false", "http_state", ">= 0.5", True),
        ("relation state over HTTP, default (explain)", "http_state_explained", ">= 0.5", False),
        ("entity relations over HTTP, explain=false", "http_entity", ">= 0.2", True),
        ("entity relations over HTTP, default (explain)", "http_entity_explained", ">= 0.2", False),
    ):
        out.add(figure, size, load(v.get(name)), healthz_text, _ratio(_get(v, name, "per_s"), healthz), target,
                binding)


def _footprint_rows(out: Builder, size: int, v: dict[str, Any]) -> None:
    """The server's memory after each load, and the store's size on disk."""
    rss = v.get("server_rss_mb")
    out.add("server RSS after the read load (MB)", size, "n/a" if rss is None else f"{rss:.0f} MB", "", None,
            "<= 300", value=rss)
    store = v.get("store_mb")
    out.add("the store on disk, log and read model (MB)", size, "n/a" if store is None else f"{store:,.0f} MB", "", None)
    rss = v.get("http_import_rss_mb")
    out.add("server RSS after the HTTP import (MB)", size, "n/a" if rss is None else f"{rss:.0f} MB", "", None,
            "<= 300", binding=False, value=rss)


def _section(size: int, results: Mapping[int, Figures]) -> str:
    v = results[size].values
    shape = f"{v['states']:,} states with ~{v['partners']} partners each" if "states" in v else ""
    busy = v.get("other_busy_cores")
    noise = f"; other processes kept {busy:.1f} cores busy as it began" if busy is not None else ""
    errors = v.get("errors") or getattr(results[size], "errors", None)
    failed = f"; FAILED: {', '.join(errors)}" if errors else ""
    return f"— {size:,} events: {shape}{noise}{failed} —"


def table(found: list[Row], run: dict[str, Any], results: Mapping[int, Figures]) -> str:
    sizes = run["sizes"]
    head = ("figure", "Chancery", "baseline", "ratio", "target", "")
    widths = [46, 44, 48, 6, 7, 7]
    lines = [
        f"Chancery benchmark on {run['store']} — {run['machine']}, commit {run['commit']}, wrk {run['wrk']}, "
        f"started {run['started']}",
        "ratio: Chancery / baseline (rates), or Chancery's p50 / the baseline's p50 (times);"
        " (met)/(missed) in brackets: shown for information, not a target of the issue",
        "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip(),
    ]
    size: int | None = -1
    for row in found:
        if row.size != size:
            size = row.size
            lines.append("")
            lines.append(_section(row.size, results) if row.size is not None
                         else f"— growth from {sizes[0]:,} to {sizes[-1]:,} events (largest / smallest) —")
        ratio = "" if row.ratio is None else f"{row.ratio:.3g}"
        cells = (row.figure, row.chancery, row.baseline, ratio, row.target, row.verdict)
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    binding = [r for r in found if r.binding and r.met is not None]
    missed = [r for r in binding if not r.met]
    lines.append("")
    lines.append(f"targets met: {len(binding) - len(missed)} of {len(binding)}"
                 + (f"; not measured: {sum(1 for r in found if r.binding and r.target and r.met is None)}"
                    if any(r.binding and r.target and r.met is None for r in found) else ""))
    return "\n".join(lines)
