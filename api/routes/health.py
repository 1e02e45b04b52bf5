"""Liveness, readiness and metrics.

Readiness and metrics ask the store, which may not answer (a network gone silent holds a question
for minutes), so they ask from a thread and wait a budget: past it, readiness says "not ready" and
metrics report the store down. Each question runs once at a time, however many probes ask.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest

from api.deps import ServiceDep
from api.middleware import HEAD, LAG
from api.problems import problem, responses
from api.schemas import Health, Readiness
from api.service import NotCaughtUp, Service
from projections.stores import ERRORS as STORE_ERRORS
from projections.stores import transient

READY_SECONDS = 2.0  # how long readiness and metrics wait for the store
STORE_UP = Gauge("chancery_store_up", "Whether the store answered the last metrics scrape in time (1) or not (0).")
T = TypeVar("T")

router = APIRouter(tags=["health"])


class Probe(Generic[T]):
    """A question to the store asked in a thread of its own, one at a time: a probe that comes while
    it runs waits for that same answer, each probe for its budget at most. A store that never
    answers holds one thread, not one a probe, and that thread never keeps the process from ending."""

    def __init__(self, ask: Callable[[], T], release: Callable[[], None]):
        """``release``: what the thread asking closes before it ends."""
        self.ask = ask
        self.release = release
        self.running: asyncio.Future[T] | None = None

    async def answer(self, budget: float) -> T:
        """The answer (or the store's error); ``TimeoutError`` if it takes longer than ``budget``."""
        loop = asyncio.get_running_loop()
        running = self.running
        if running is None or running.done() or running.get_loop() is not loop:
            running = self.running = loop.create_future()
            running.add_done_callback(_seen)
            threading.Thread(target=self._run, args=(loop, running), name="chancery-probe", daemon=True).start()
        return await asyncio.wait_for(asyncio.shield(running), budget)

    def _run(self, loop: asyncio.AbstractEventLoop, running: asyncio.Future[T]) -> None:
        try:
            settle = partial(_settle, running, self.ask(), None)
        except Exception as error:  # noqa: BLE001 - handed to whoever waits for the answer, to raise there
            settle = partial(_settle, running, None, error)
        try:
            self.release()
        finally:
            with suppress(RuntimeError):  # the loop is closed: nobody waits for the answer any more
                loop.call_soon_threadsafe(settle)


def _settle(running: asyncio.Future[Any], result: Any, error: Exception | None) -> None:
    if running.done():
        return
    if error is not None:
        running.set_exception(error)
    else:
        running.set_result(result)


def _seen(running: asyncio.Future[Any]) -> None:
    """An answer nobody waited for any more is not an error to report."""
    if not running.cancelled():
        running.exception()


def probe(request: Request, name: str, ask: Callable[[Service], T], service: Service) -> Probe[T]:
    """This application's probe ``name`` (one per application, made at its first use)."""
    probes: dict[str, Probe[Any]] | None = getattr(request.app.state, "probes", None)
    if probes is None:
        probes = request.app.state.probes = {}
    if name not in probes:
        probes[name] = Probe(partial(ask, service), service.release)
    return probes[name]


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers.")
async def healthz() -> Health:
    """On the event loop: a liveness probe must not queue behind busy worker threads."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness: the store answers and the read model is current.",
    responses=responses(503),
)
async def readyz(request: Request, service: ServiceDep) -> Readiness | JSONResponse:
    """Ready once the read model has applied the log's head as found: both are its position.
    "Not ready" (503) if that cannot be had within two seconds, whatever the store is doing."""
    try:
        head = await probe(request, "ready", Service.ready, service).answer(READY_SECONDS)
    except TimeoutError:
        return _not_ready(f"the store did not answer within {READY_SECONDS:g} s")
    except NotCaughtUp as behind:
        return _not_ready(str(behind))
    except STORE_ERRORS as error:
        if not transient(error):
            raise
        return _not_ready("the store cannot be reached or is busy")
    return Readiness(status="ready", position=head, head=head)


def _not_ready(why: str) -> JSONResponse:
    return problem(503, "not-ready", f"not ready: {why}", headers={"Retry-After": "1"})


def _head_and_tracking(service: Service) -> tuple[int, int]:
    return service.head(), service.tracking()


@router.get(
    "/metrics",
    summary="Prometheus metrics: requests, latencies, appended events, projection lag.",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics(request: Request, service: ServiceDep) -> Response:
    """The log's head and the projection's lag as the store says within two seconds; if it does
    not, ``chancery_store_up`` is 0 and they keep their last values."""
    try:
        head, tracking = await probe(request, "lag", _head_and_tracking, service).answer(READY_SECONDS)
    except TimeoutError:
        STORE_UP.set(0)
    except STORE_ERRORS:
        STORE_UP.set(0)
    else:
        STORE_UP.set(1)
        HEAD.set(head)
        LAG.set(head - tracking)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
