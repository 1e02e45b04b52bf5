"""The ``chancery`` command line: the same application, on the store directly."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from typer._click import exceptions as click_errors  # typer carries its own copy of click

from api import audit
from api.audit import StoreNotEmpty, parse_digest
from api.importers.common import BadSource
from api.seed import BadSeedFile, count, load, seed_directory
from api.service import NotCaughtUp, Service
from api.settings import BadTokens, Settings
from domain import BadDatabaseUrl, ChanceryError
from events import EventIn, EventType, InvalidDate, change_edge, parse_day
from projections import MAX_POSITION, Changes, EventOut, RelationState, Timeline
from projections.audit import BadArchive
from projections.process import tune_collector

app = typer.Typer(
    name="chancery",
    help="Diplomatic relations on any date, from an append-only, sourced log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="sqlite:///path or postgresql://… (default: $CHANCERY_DATABASE_URL)"),
]
AsJson = Annotated[bool, typer.Option("--json", help="machine-readable output")]
KnownAt = Annotated[str | None, typer.Option("--known-at", help="answer as known at this RFC 3339 time")]
AtPosition = Annotated[int | None, typer.Option("--at-position", min=0, help="answer from the log up to here")]


T = TypeVar("T")


class UsageProblem(Exception):
    pass


def fail(message: str) -> NoReturn:
    raise UsageProblem(message)


@contextmanager
def opened(database_url: str | None) -> Iterator[Service]:
    url = database_url or Settings().database_url
    service = Service(url)
    try:
        yield service
    finally:
        service.close()


def operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def emit(model: BaseModel | list[Any], as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        if isinstance(model, list):
            payload: Any = [m.model_dump(mode="json", by_alias=True) for m in model]
        else:
            payload = model.model_dump(mode="json", by_alias=True)
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        render()


def position_for(service: Service, known_at: str | None, at_position: int | None) -> int:
    if known_at is not None and at_position is not None:
        fail("give --known-at or --at-position, not both")
    moment = None
    if known_at is not None:
        try:
            moment = datetime.fromisoformat(known_at)
        except ValueError:
            fail(f"--known-at {known_at!r} is not an RFC 3339 time")
        if moment.tzinfo is None:
            fail("--known-at needs a time zone offset, as in 2017-06-13T00:00:00Z")
        try:
            moment.astimezone(UTC)
        except OverflowError:
            fail(f"--known-at {known_at!r} is out of range once taken to UTC")
    return service.as_of(moment, at_position)


@app.command()
def serve(
    database_url: DatabaseUrl = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    seed: Annotated[bool, typer.Option("--seed/--no-seed", help="load the seed data set first")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes on the one database")] = 1,
) -> None:
    """Serve the HTTP API."""
    import logging

    import uvicorn

    from api.app import create_app

    settings = Settings(database_url=database_url) if database_url else Settings()
    settings.writers()  # a malformed token list stops here, before anything starts
    with opened(settings.database_url) as service:
        if seed:
            loaded = load(service, seed_directory(), operator())
            err.print(f"seed: {loaded.events_added} events added, {loaded.events_present} already present")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    os.environ["CHANCERY_DATABASE_URL"] = settings.database_url  # each worker reads its settings anew
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


@app.command()
def seed(
    database_url: DatabaseUrl = None,
    path: Annotated[Path | None, typer.Option(help="folder with entities.jsonl and events.jsonl")] = None,
) -> None:
    """Load the seed data set (idempotent: a second run appends nothing)."""
    directory = path or seed_directory()
    total = count(directory)
    with opened(database_url) as service, Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("seeding", total=total)
        loaded = load(service, directory, operator(), progress=lambda: progress.advance(task))
    out.print(
        f"entities: {loaded.entities_added} added, {loaded.entities_present} already present; "
        f"events: {loaded.events_added} added, {loaded.events_present} already present"
    )


@app.command()
def append(
    database_url: DatabaseUrl = None,
    file: Annotated[Path | None, typer.Option("--file", help="JSON Lines of events in the sent form ('-': stdin)")] = None,
    type: Annotated[EventType | None, typer.Option("--type", help="event type")] = None,
    subject: Annotated[str | None, typer.Option(help="code, name or alias")] = None,
    counterpart: Annotated[str | None, typer.Option(help="code, name or alias")] = None,
    occurred: Annotated[str | None, typer.Option(help="EDTF date: 2013-11-20, 2025-04, 1912~")] = None,
    summary: Annotated[str | None, typer.Option(help="one line on what happened")] = None,
    source: Annotated[str | None, typer.Option(help="the source document's title")] = None,
    quote: Annotated[str | None, typer.Option(help="the source's own words")] = None,
    url: Annotated[str | None, typer.Option(help="where the source is")] = None,
    attribute: Annotated[list[str] | None, typer.Option("--attribute", "-a", help="key=value, repeatable")] = None,
    as_json: AsJson = False,
) -> None:
    """Append events: one from the options, or many (atomically) from --file."""
    if file is not None:
        specs = _read_events(file)
    else:
        given = {"type": type, "subject": subject, "counterpart": counterpart, "occurred": occurred,
                 "summary": summary, "source": source}
        missing = [f"--{k}" for k, v in given.items() if v is None]
        if missing:
            fail(f"missing {', '.join(missing)} (or give --file)")
        attributes = dict(_pair(a) for a in attribute or [])
        specs = [_validated({
            "type": type, "subject": subject, "counterpart": counterpart, "occurred": occurred,
            "summary": summary, "attributes": attributes,
            "sources": [{"title": source, "quote": quote, "url": url}],
        }, "options")]
    with opened(database_url) as service:
        if len(specs) == 1:
            stored = [service.append(specs[0], operator())[0]]
        else:
            stored = [EventOut.model_validate(e) for e in service.append_many(specs, operator())[0]]
    def render() -> None:
        for e in stored:
            out.print(f"{e.position}\t{e.id}\t{e.type.value}\t{e.subject}–{e.counterpart}\t{e.occurred}")

    emit(stored, as_json, render)


@app.command()
def state(
    entity: Annotated[str, typer.Argument(help="code, name or alias")],
    other: Annotated[str | None, typer.Argument(help="the other party (omit for all relations)")] = None,
    on: Annotated[str | None, typer.Option(help="the day, YYYY-MM-DD (default: today)")] = None,
    database_url: DatabaseUrl = None,
    known_at: KnownAt = None,
    at_position: AtPosition = None,
    as_json: AsJson = False,
) -> None:
    """The state of one relation, or of every relation of an entity, on a day."""
    day = _day(on) if on else datetime.now(UTC).date()
    with opened(database_url) as service:
        at = position_for(service, known_at, at_position)
        if other is not None:
            single = service.relation_state(entity, other, day, at)
            emit(single, as_json, lambda: _print_states([single], f"{single.a.name} – {single.b.name} on {day}"))
        else:
            many = service.entity_relations(entity, day, at)
            emit(many, as_json, lambda: _print_states(many.relations, f"{many.entity.name} on {day}"))


@app.command()
def timeline(
    a: Annotated[str, typer.Argument(help="code, name or alias")],
    b: Annotated[str, typer.Argument(help="code, name or alias")],
    database_url: DatabaseUrl = None,
    known_at: KnownAt = None,
    at_position: AtPosition = None,
    as_json: AsJson = False,
) -> None:
    """Every event of a pair in valid-time order, and the days each fact held."""
    with opened(database_url) as service:
        result = service.timeline(a, b, position_for(service, known_at, at_position))
    emit(result, as_json, lambda: _print_timeline(result))


@app.command()
def changes(
    start: Annotated[str, typer.Option("--from", help="from the end of this day (a year or month: its start)")],
    end: Annotated[str, typer.Option("--to", help="to the end of this day (a year or month: its end)")],
    entity: Annotated[str | None, typer.Option(help="only relations of this entity")] = None,
    database_url: DatabaseUrl = None,
    known_at: KnownAt = None,
    at_position: AtPosition = None,
    as_json: AsJson = False,
) -> None:
    """What changed between two days."""
    first, last = _edge(start, "--from", end=False), _edge(end, "--to", end=True)
    if last < first:
        fail("--to must not be before --from")
    with opened(database_url) as service:
        result = service.changes(first, last, entity, position_for(service, known_at, at_position))
    emit(result, as_json, lambda: _print_changes(result))


@app.command()
def log(
    database_url: DatabaseUrl = None,
    after: Annotated[int, typer.Option(min=0, max=MAX_POSITION, help="only positions after this one")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
    entity: Annotated[str | None, typer.Option(help="events of this entity")] = None,
    type: Annotated[list[EventType] | None, typer.Option("--type", help="only these types")] = None,
    as_json: AsJson = False,
) -> None:
    """The log of events in position order."""
    with opened(database_url) as service:
        events = service.events(after=after, limit=limit, entity=entity, types=type or ())

    def render() -> None:
        table = Table("pos", "occurred", "type", "subject", "counterpart", "summary", "retracted")
        for e in events:
            table.add_row(str(e.position), e.occurred, e.type.value, e.subject, e.counterpart, e.summary,
                          "yes" if e.retracted else "")
        out.print(table)

    emit(events, as_json, render)


@app.command()
def verify(
    database_url: DatabaseUrl = None,
    digest: Annotated[str | None, typer.Option(help='a digest kept earlier: {"position": N, "hash": "…"} or N:hash')] = None,
    as_json: AsJson = False,
) -> None:
    """Recompute the audit chain from the raw log and replay the read model; exit 1 if they part."""
    kept = parse_digest(digest) if digest else None
    with opened(database_url) as service, Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("replaying", total=service.projector.head() or None)
        report = audit.verify(service, kept, progress=lambda p: bar.update(task, completed=p))
    if as_json:
        sys.stdout.write(json.dumps({"ok": report.ok, "entries": report.entries,
                                     "head": report.head.model_dump(), "findings": report.findings}, indent=2) + "\n")
    else:
        out.print(f"{report.entries} entries; head {report.head.position} {report.head.hash}", highlight=False)
        for finding in report.findings:
            out.print(f"MISMATCH {finding}", highlight=False)
        out.print("verified: the chain and the read model agree with the log" if report.ok else "NOT verified")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def replay(database_url: DatabaseUrl = None) -> None:
    """Rebuild the read model from the log beside the live one, then switch to it."""
    with opened(database_url) as service, Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("replaying", total=service.projector.head() or None)
        position = audit.replay(service, progress=lambda p: bar.update(task, completed=p))
    out.print(f"read model rebuilt from the log up to position {position}")


@app.command()
def export(
    database_url: DatabaseUrl = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the file to write (default: stdout)")] = None,
) -> None:
    """Write the whole log as JSON Lines, one audit entry a line."""
    with opened(database_url) as service:
        if output is None:
            for line in audit.export(service):
                sys.stdout.write(line)
            return
        try:
            with output.open("w", encoding="utf-8") as file:
                count = sum(1 for line in audit.export(service) if file.write(line))
        except OSError as error:
            fail(f"cannot write {output}: {error.strerror}")
    err.print(f"exported {count} entries to {output}")


SOURCES = {"us-missions": "us_missions", "state-dept-guide": "state_dept_guide"}


@app.command(name="import")
def import_(
    file: Annotated[str, typer.Argument(help="JSON Lines ('-': stdin), or a source: us-missions, state-dept-guide")],
    path: Annotated[Path | None, typer.Argument(help="with a source: its file or folder")] = None,
    restore: Annotated[bool, typer.Option("--restore", help="load an export into an empty store, as it was")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Append events in the sent form from JSON Lines, --restore an export into an empty store, or
    import a real data set: `us-missions PATH` (the ranges CSV) or `state-dept-guide DIR` (TEI articles)."""
    if file in SOURCES:
        if path is None:
            fail(f"import {file} needs the path of its data")
        _import_source(file, path, database_url)
        return
    if path is not None:
        fail(f"unknown source {file!r}: the sources are {', '.join(SOURCES)}")
    lines = _lines(Path(file))
    with opened(database_url) as service, Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("importing", total=len(lines))
        if restore:
            restored = audit.restore(service, lines, progress=lambda p: bar.update(task, completed=p))
            out.print(f"restored {restored.entries} entries; head {restored.head.position} {restored.head.hash}",
                      highlight=False)
            return
        result = audit.import_events(service, lines, operator(), progress=lambda n: bar.update(task, completed=n))
    out.print(f"appended {result.appended}, already present {result.present}, refused {len(result.refused)}")
    for reason in result.refused:
        out.print(f"  refused {reason}", highlight=False)


def _import_source(source: str, path: Path, database_url: str | None) -> None:
    from importlib import import_module

    importer = import_module(f"api.importers.{SOURCES[source]}")
    if not path.exists():
        fail(f"{path} does not exist")
    with opened(database_url) as service, Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"importing {source}", total=None)
        report = importer.run(service, path, operator(), progress=lambda n: bar.update(task, completed=n))
    for reason in report.refused:
        out.print(f"refused {reason}", highlight=False, soft_wrap=True)
    if source == "state-dept-guide":
        out.print(f"{report.mapped} headings became events; headings not mapped:", highlight=False)
        for heading, count in sorted(report.unmapped.items()):
            out.print(f"  {count} × {heading or '(a heading without text)'}", highlight=False)
    out.print(report.line(), highlight=False)


# Rendering


def _print_states(states: list[RelationState], title: str) -> None:
    table = Table("with", "diplomatic", "recognition", "also", "pending", title=title)
    for s in states:
        diplomatic = s.diplomatic.status.value + (f" since {s.diplomatic.since}" if s.diplomatic.since else "")
        also = [h for h in _held(s)[1 if s.diplomatic.status.value != "none" else 0:] if " recognizes " not in h]
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
        out.print(f"  {e.occurred} {e.type.value} {e.subject}–{e.counterpart} ({e.id})", highlight=False)
        for src in e.sources:
            out.print(f"    “{src.quote}” ({src.title})", highlight=False)


def _print_timeline(result: Timeline) -> None:
    table = Table("occurred", "type", "subject", "summary", title=f"{result.a.name} – {result.b.name}")
    for e in result.events:
        table.add_row(e.occurred, e.type.value, e.subject, e.summary)
    out.print(table)
    spans = Table("fact", "status", "from", "to", "since")
    for i in result.intervals:
        spans.add_row(f"{i.facet} {i.item}", i.status or "", str(i.from_day), str(i.to_day or "…"), i.since)
    out.print(spans)


def _print_changes(result: Changes) -> None:
    table = Table("occurred", "type", "subject", "counterpart", "summary",
                  title=f"Changes after {result.from_day} up to {result.to_day}")
    for e in result.events:
        table.add_row(e.occurred, e.type.value, e.subject, e.counterpart, e.summary)
    out.print(table)
    diffs = Table("relation", "before", "after")
    for r in result.relations:
        diffs.add_row(f"{r.a.code}–{r.b.code}", "; ".join(_held(r.before)) or "—", "; ".join(_held(r.after)) or "—")
    out.print(diffs)


def _held(state: RelationState) -> list[str]:
    """What holds in a relation, in a few words each."""
    held = [] if state.diplomatic.status.value == "none" else [state.diplomatic.status.value]
    held += [f"{r.recognizer} recognizes {r.recognized}" for r in state.recognition.held]
    held += [f"{m.sender} {m.level} in {m.host}" for m in state.missions]
    held += [f"{a.kind or 'agreement'}: {a.title or a.agreement}" for a in state.agreements]
    held += [f"{m.member} {m.status.value} of {m.body}" for m in state.memberships]
    return held


# Input


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except InvalidDate as error:
        fail(str(error))


def _edge(text: str, name: str, end: bool) -> date:
    try:
        return change_edge(text, end)
    except InvalidDate as error:
        fail(f"{name}: {error}")


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        fail(f"--attribute {text!r} is not of the form key=value")
    return key, value


def _validated(value: Any, where: str) -> EventIn:
    try:
        return EventIn.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        fail(f"{where}: {path}: {first['msg'].removeprefix('Value error, ')}")


def _lines(file: Path) -> list[str]:
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {getattr(error, 'strerror', None) or error}")
    return text.splitlines()


def _read_events(file: Path) -> list[EventIn]:
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror}")
    specs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            fail(f"{file}:{number}: not JSON ({error.msg})")
        specs.append(_validated(value, f"{file}:{number}"))
    if not specs:
        fail(f"{file} holds no events")
    return specs


def main() -> None:
    """Run the CLI; every refusal is one line on stderr and exit status 2."""
    tune_collector()
    if len(sys.argv) == 1:
        sys.argv.append("--help")
    try:
        result = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError:
        sys.exit(0)
    except click_errors.ClickException as error:
        _die(error.format_message())
    except typer.Abort:
        _die("aborted")
    except (UsageProblem, ChanceryError, InvalidDate, BadSeedFile, BadDatabaseUrl, BadTokens, NotCaughtUp,
            BadArchive, StoreNotEmpty, BadSource) as error:
        _die(getattr(error, "detail", None) or str(error))
    sys.exit(result if isinstance(result, int) else 0)


def _die(message: str) -> NoReturn:
    err.print(f"chancery: error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(2)
