"""The HTTP API (v1): the application, its lifespan and middleware; every error is problem JSON."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.logs import redact_access_log
from api.middleware import BodyLimit, HeadAsGet, Metrics, NoSniff, WritersFirst
from api.problems import install
from api.routes import ROUTERS
from api.routes.events import Streams
from api.service import Service
from api.settings import Settings
from projections.process import tune_collector

log = logging.getLogger("chancery")

TAGS = [
    {"name": "relations", "description": "One relation on a day, its timeline, what changed between two days."},
    {"name": "events", "description": "The append-only log: read, follow, append, retract, correct."},
    {"name": "entities", "description": "The registry, and every relation or timeline of one entity."},
    {"name": "audit", "description": "The raw log with its hash chain, the head digest, a full check."},
    {"name": "health", "description": "Liveness, readiness and metrics."},
    {"name": "page", "description": "The page for people."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    writers = settings.writers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service(settings.database_url, settings.connect_timeout)
        app.state.service = service
        if not writers:
            log.warning("no writer tokens configured (CHANCERY_TOKENS): the HTTP API is read-only")
        # A server process starts here (each of ``--workers`` too): the collector runs at its pace,
        # and what start-up made (modules, the app, its routes) lives as long as the server, so the
        # collector need not walk it again each time answers made of many objects trigger it.
        tune_collector()
        redact_access_log(writers.secrets())
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            service.close()

    app = FastAPI(
        title="Chancery",
        version="1",
        summary="Diplomatic relations on any date, from an append-only, sourced log.",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(WritersFirst, routes=[route for router in ROUTERS for route in router.routes])
    app.add_middleware(HeadAsGet)
    app.add_middleware(Metrics)
    app.add_middleware(NoSniff)
    app.state.writers = writers
    app.state.streams = Streams(settings.max_streams)
    for router in ROUTERS:
        app.include_router(router)
    return app
