"""What commands print: tables and lines on stdout, progress and notes on stderr, or JSON with --json."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.audit import Imported, Restored
from api.importers import Parsed
from api.importers.loader import Report
from api.seed import Loaded
from projections import Changes, EventOut, RelationState, Timeline
from projections.verify import Report as Verified

out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


def progress_bar() -> Progress:
    """A bar on stderr while a long command runs, on a terminal only; it leaves no trace."""
    return Progress(console=err, transient=True, disable=not err.is_terminal)


def emit(model: BaseModel | Sequence[BaseModel], as_json: bool, render: Callable[[], None]) -> None:
    """The answer as JSON with --json, else as ``render`` prints it."""
    if not as_json:
        render()
        return
    if isinstance(model, BaseModel):
        payload: Any = model.model_dump(mode="json", by_alias=True)
    else:
        payload = [m.model_dump(mode="json", by_alias=True) for m in model]
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def print_stored(events: list[EventOut]) -> None:
    for e in events:
        out.print(f"{e.position}\t{e.id}\t{e.type.value}\t{parties(e)}\t{e.occurred}")


def print_states(states: list[RelationState], title: str) -> None:
    table = Table("with", "diplomatic", "recognition", "also", "pending", title=title)
    for s in states:
        diplomatic = s.diplomatic.status.value + (f" since {s.diplomatic.since}" if s.diplomatic.since else "")
        diplomatic += " (inferred)" if s.diplomatic.inferred else ""
        also = [h for h in held(s)[1 if s.diplomatic.status.value not in ABSENT else 0:] if " recognizes " not in h]
        table.add_row(
            f"{s.b.code} {s.b.name}",
            diplomatic,
            ", ".join(f"{r.recognizer}→{r.recognized}" for r in s.recognition.held),
            "; ".join(also),
            ", ".join(f"{p.type.value} {p.occurred}" for p in s.pending),
        )
    out.print(table)
    out.print("Events behind these answers:")
    for e in {e.id: e for s in states for e in s.events}.values():
        out.print(f"  {e.occurred} {e.type.value} {parties(e)} ({e.id})", highlight=False)
        for src in e.sources:
            out.print(f"    “{src.quote}” ({src.title})", highlight=False)


def print_timeline(result: Timeline) -> None:
    table = Table("occurred", "type", "subject", "summary", title=f"{result.a.name} – {result.b.name}")
    for e in result.events:
        table.add_row(e.occurred, e.type.value, e.subject, e.summary)
    out.print(table)
    spans = Table("fact", "status", "from", "to", "since")
    for i in result.intervals:
        spans.add_row(f"{i.facet} {i.item}", i.status or "", str(i.from_day), str(i.to_day or "…"), i.since or "inferred")
    out.print(spans)


def print_changes(result: Changes) -> None:
    table = Table("occurred", "type", "subject", "counterpart", "summary",
                  title=f"Changes after {result.from_day} up to {result.to_day}")
    for e in result.events:
        table.add_row(e.occurred, e.type.value, e.subject, e.counterpart or "", e.summary)
    out.print(table)
    diffs = Table("relation", "before", "after")
    for r in result.relations:
        diffs.add_row(f"{r.a.code}–{r.b.code}", "; ".join(held(r.before)) or "—", "; ".join(held(r.after)) or "—")
    out.print(diffs)


ABSENT = ("none", "unknown")  # statuses that say no relations hold, or that nothing recorded tells


def parties(event: EventOut) -> str:
    """The parties of an event; an entity's own event (it began, it ended) names the entity alone."""
    return event.subject if event.counterpart is None else f"{event.subject}–{event.counterpart}"


def held(state: RelationState) -> list[str]:
    """What holds in a relation, in a few words each."""
    found = [] if state.diplomatic.status.value in ABSENT else [state.diplomatic.status.value]
    found += [f"{r.recognizer} recognizes {r.recognized}" for r in state.recognition.held]
    found += [f"{m.sender} {m.level} in {m.host}" for m in state.missions]
    found += [f"{a.kind or 'agreement'}: {a.title or a.agreement}" for a in state.agreements]
    found += [f"{m.member} {m.status.value} of {m.body}" for m in state.memberships]
    return found


def print_log(events: list[EventOut]) -> None:
    table = Table("pos", "occurred", "type", "subject", "counterpart", "summary", "retracted")
    for e in events:
        table.add_row(str(e.position), e.occurred, e.type.value, e.subject, e.counterpart or "", e.summary,
                      "yes" if e.retracted else "")
    out.print(table)


def print_verified(report: Verified, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"ok": report.ok, "entries": report.entries,
                                     "head": report.head.model_dump(), "findings": report.findings}, indent=2) + "\n")
        return
    out.print(f"{report.entries} entries; head {report.head.position} {report.head.hash}", highlight=False)
    for finding in report.findings:
        out.print(f"MISMATCH {finding}", highlight=False)
    out.print("verified: the chain and the read model agree with the log" if report.ok else "NOT verified")


def print_seeded(loaded: Loaded) -> None:
    out.print(
        f"entities: {loaded.entities_added} added, {loaded.entities_present} already present; "
        f"events: {loaded.events_added} added, {loaded.events_present} already present"
    )


def print_restored(restored: Restored) -> None:
    out.print(f"restored {restored.entries} entries; head {restored.head.position} {restored.head.hash}",
              highlight=False)


def print_imported(result: Imported) -> None:
    out.print(f"appended {result.appended}, already present {result.present}, refused {len(result.refused)}")
    for reason in result.refused:
        out.print(f"  refused {reason}", highlight=False)


def print_loaded(parsed: Parsed, report: Report) -> None:
    """A source's import: each refusal with its reason, the parts not mapped (if the parser counts
    them), then the totals."""
    for reason in report.refused:
        out.print(f"refused {reason}", highlight=False, soft_wrap=True)
    if parsed.unmapped is not None:
        said = parsed.summary or f"{len(parsed.groups)} headings became events; headings not mapped:"
        out.print(said, highlight=False, soft_wrap=True)
        for heading, count in sorted(parsed.unmapped.items()):
            out.print(f"  {count} × {heading or '(a heading without text)'}", highlight=False)
    out.print(report.line(), highlight=False)
