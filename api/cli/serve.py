"""The command that serves the HTTP API."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from api import seed as seeds
from api.cli import render
from api.cli.inputs import DatabaseUrl
from api.cli.store import opened, operator
from api.settings import Settings


def serve(
    database_url: DatabaseUrl = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    seed: Annotated[bool, typer.Option("--seed/--no-seed", help="load the seed data set first")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes on the one database")] = 1,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from api.app import create_app

    settings = Settings(database_url=database_url) if database_url else Settings()
    settings.writers()  # a malformed token list stops here, before anything starts
    with opened(settings.database_url) as service:
        if seed:
            loaded = seeds.load(service, seeds.seed_directory(), operator())
            render.err.print(f"seed: {loaded.events_added} events added, {loaded.events_present} already present")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    os.environ["CHANCERY_DATABASE_URL"] = settings.database_url  # each worker reads its settings anew
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
