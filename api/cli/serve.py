"""The command that serves the HTTP API."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from api import seed as seeds
from api.cli import render
from api.cli.inputs import DatabaseUrl, fail
from api.cli.store import opened, operator
from api.settings import Settings

STARTUP_FAILURE = 3  # uvicorn's exit status when the application does not start


def serve(
    database_url: DatabaseUrl = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    seed: Annotated[bool, typer.Option("--seed/--no-seed", help="load the seed data set first")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="worker processes on the one database")] = 1,
    max_connections: Annotated[
        int | None, typer.Option(min=1, help="open connections a process answers [2048]")
    ] = None,
    max_streams: Annotated[int | None, typer.Option(min=1, help="live streams a process sends at once [1000]")] = None,
    read_timeout: Annotated[float | None, typer.Option(min=0.001, help="seconds to send a whole request [15]")] = None,
    send_timeout: Annotated[
        float | None, typer.Option(min=0.001, help="seconds a client may take none of its answer [30]")
    ] = None,
    keep_alive_timeout: Annotated[
        int | None, typer.Option(min=1, help="seconds an idle connection is kept [5]")
    ] = None,
    backlog: Annotated[int | None, typer.Option(min=1, help="connections waiting to be accepted [2048]")] = None,
) -> None:
    """Serve the HTTP API."""
    settings = configured(
        database_url=database_url,
        max_connections=max_connections,
        max_streams=max_streams,
        read_timeout=read_timeout,
        send_timeout=send_timeout,
        keep_alive_timeout=keep_alive_timeout,
        backlog=backlog,
    )
    settings.writers()  # a malformed token list stops here, before anything starts
    with opened(settings.database_url) as service:
        if seed:
            loaded = seeds.load(service, seeds.seed_directory(), operator())
            render.err.print(f"seed: {loaded.events_added} events added, {loaded.events_present} already present")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    run(settings, host, port, workers)


def configured(**given: Any) -> Settings:
    """The settings from the environment, with those given on the command line in their place."""
    try:
        return Settings(**{name: value for name, value in given.items() if value is not None})
    except ValidationError as error:
        first = error.errors()[0]
        name = "_".join(str(p) for p in first["loc"])
        fail(f"CHANCERY_{name.upper()} (or --{name.replace('_', '-')}): {first['msg']}")


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    """What ``uvicorn.run`` does, with the limits each connection is held to (``api.connections``)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api.app import create_app
    from api.connections import ServerConfig

    if workers > 1:  # each worker makes its app from the environment
        os.environ["CHANCERY_DATABASE_URL"] = settings.database_url
        os.environ["CHANCERY_MAX_STREAMS"] = str(settings.max_streams)
    config = ServerConfig(
        create_app(settings) if workers == 1 else "api.app:create_app",
        factory=workers > 1,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        read_timeout=settings.read_timeout,
        send_timeout=settings.send_timeout,
        max_connections=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_timeout,
        backlog=settings.backlog,
    )
    server = uvicorn.Server(config)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
        if not server.started:
            sys.exit(STARTUP_FAILURE)
