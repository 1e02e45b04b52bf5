"""Commands that check and keep the log: verify, replay, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api import audit
from api.audit import parse_digest
from api.cli import inputs, render
from api.cli.inputs import AsJson, DatabaseUrl
from api.cli.store import opened


def verify(
    database_url: DatabaseUrl = None,
    digest: Annotated[str | None, typer.Option(help='a digest kept earlier: {"position": N, "hash": "…"} or N:hash')] = None,
    as_json: AsJson = False,
) -> None:
    """Recompute the audit chain from the raw log and replay the read model; exit 1 if they part."""
    kept = parse_digest(digest) if digest else None
    with opened(database_url) as service, render.progress_bar() as bar:
        task = bar.add_task("replaying", total=service.head() or None)
        report = audit.verify(service, kept, progress=lambda p: bar.update(task, completed=p))
    render.print_verified(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


def replay(database_url: DatabaseUrl = None) -> None:
    """Rebuild the read model from the log beside the live one, then switch to it."""
    with opened(database_url) as service, render.progress_bar() as bar:
        task = bar.add_task("replaying", total=service.head() or None)
        position = audit.replay(service, progress=lambda p: bar.update(task, completed=p))
    render.out.print(f"read model rebuilt from the log up to position {position}")


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
            inputs.fail(f"cannot write {output}: {error.strerror}")
    render.err.print(f"exported {count} entries to {output}")
