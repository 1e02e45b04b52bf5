"""Commands that answer from the read model: state, timeline, changes, log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from api.cli import inputs, render
from api.cli.inputs import AsJson, AtPosition, DatabaseUrl, KnownAt
from api.cli.store import opened
from events import EventType
from projections import MAX_POSITION


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
    day = inputs.day(on) if on else datetime.now(UTC).date()
    with opened(database_url) as service:
        at = inputs.position_for(service, known_at, at_position)
        if other is not None:
            single = service.relation_state(entity, other, day, at)
            title = f"{single.a.name} – {single.b.name} on {day}"
            render.emit(single, as_json, lambda: render.print_states([single], title))
        else:
            many = service.entity_relations(entity, day, at)
            render.emit(many, as_json, lambda: render.print_states(many.relations, f"{many.entity.name} on {day}"))


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
        result = service.timeline(a, b, inputs.position_for(service, known_at, at_position))
    render.emit(result, as_json, lambda: render.print_timeline(result))


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
    first, last = inputs.edge(start, "--from", end=False), inputs.edge(end, "--to", end=True)
    if last < first:
        inputs.fail("--to must not be before --from")
    with opened(database_url) as service:
        result = service.changes(first, last, entity, inputs.position_for(service, known_at, at_position))
    render.emit(result, as_json, lambda: render.print_changes(result))


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
    render.emit(events, as_json, lambda: render.print_log(events))
