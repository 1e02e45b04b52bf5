"""Commands that write: seed, append, and import (events in the sent form, an export, or a real data set)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api import audit
from api import seed as seeds
from api.cli import inputs, render
from api.cli.inputs import AsJson, DatabaseUrl
from api.cli.store import opened, operator
from api.importers import IMPORTERS
from api.importers.loader import load
from events import EventType
from projections import EventOut


def seed(
    database_url: DatabaseUrl = None,
    path: Annotated[Path | None, typer.Option(help="folder with entities.jsonl and events.jsonl")] = None,
) -> None:
    """Load the seed data set (idempotent: a second run appends nothing)."""
    parsed = seeds.read(path or seeds.seed_directory())
    with opened(database_url) as service, render.progress_bar() as bar:
        task = bar.add_task("seeding", total=len(parsed.entities) + len(parsed.groups))
        loaded = seeds.load_parsed(service, parsed, operator(), progress=lambda: bar.advance(task))
    render.print_seeded(loaded)


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
        specs = inputs.read_events(file)
    else:
        given = {"type": type, "subject": subject, "counterpart": counterpart, "occurred": occurred,
                 "summary": summary, "source": source}
        specs = [inputs.event_from_options(given, quote, url, attribute or [])]
    with opened(database_url) as service:
        if len(specs) == 1:
            stored = [service.append(specs[0], operator())[0]]
        else:
            stored = [EventOut.model_validate(e) for e in service.append_many(specs, operator())[0]]
    render.emit(stored, as_json, lambda: render.print_stored(stored))


def import_(
    file: Annotated[str, typer.Argument(help=f"JSON Lines ('-': stdin), or a source: {', '.join(IMPORTERS)}")],
    path: Annotated[Path | None, typer.Argument(help="with a source: its file or folder")] = None,
    restore: Annotated[bool, typer.Option("--restore", help="load an export into an empty store, as it was")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Append events in the sent form from JSON Lines, --restore an export into an empty store, or
    import a real data set: `us-missions PATH` (the ranges CSV), `state-dept-guide DIR` (TEI articles)
    or `state-system DIR` (the COW, ISD and ICOW tables)."""
    if file in IMPORTERS:
        if path is None:
            inputs.fail(f"import {file} needs the path of its data")
        import_source(file, path, database_url)
        return
    if path is not None:
        inputs.fail(f"unknown source {file!r}: the sources are {', '.join(IMPORTERS)}")
    lines = inputs.lines(Path(file))
    with opened(database_url) as service, render.progress_bar() as bar:
        task = bar.add_task("importing", total=len(lines))
        if restore:
            restored = audit.restore(service, lines, progress=lambda p: bar.update(task, completed=p))
            render.print_restored(restored)
            return
        result = audit.import_events(service, lines, operator(), progress=lambda n: bar.update(task, completed=n))
    render.print_imported(result)


def import_source(source: str, path: Path, database_url: str | None) -> None:
    """Parse a real data set, then load what it says; nothing is written if the data cannot be read."""
    if not path.exists():
        inputs.fail(f"{path} does not exist")
    with render.progress_bar() as bar:
        task = bar.add_task(f"importing {source}", total=None)
        parsed = IMPORTERS[source].parse(path)
        with opened(database_url) as service:
            report = load(service, parsed, operator(), progress=lambda n: bar.update(task, completed=n))
    render.print_loaded(parsed, report)
