"""How routes answer: reads serialised once from plain data, writes with their log position."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fastapi import Response
from fastapi.concurrency import run_in_threadpool
from pydantic_core import to_json

from api.middleware import APPENDED
from api.service import Ack, Service
from projections import Behind
from projections.models import Data


def answer(data: Data, headers: dict[str, str] | None = None) -> Response:
    """A read's answer, serialised once: the data comes from our own rows, shaped as the route's
    model serialises, so nothing builds or checks the model again (the route still documents it)."""
    return Response(to_json(data), media_type="application/json", headers=headers)


async def promptly(service: Service, read: Callable[[bool], Response]) -> Response:
    """Answer a read of the state routes, ``read(wait)``.

    Where the store lets a read run on the event loop (a look-up in a local file, shorter than the
    hand-off to a worker thread), it runs there, unless the read model must first catch up with
    the log (``read(False)`` raises ``Behind``): that, like every read from a store a round trip
    away, runs in a worker thread.
    """
    if service.reads_on_loop:
        try:
            return read(False)
        except Behind:
            pass
    return await run_in_threadpool(read, True)


def acknowledge(response: Response, ack: Ack, location: str | None = None) -> None:
    response.headers["Chancery-Position"] = str(ack.position)
    if location:
        response.headers["Location"] = location
    if ack.replayed:
        response.headers["Idempotent-Replayed"] = "true"


def count_appended(types: Iterable[str], ack: Ack) -> None:
    if not ack.replayed:
        for type_ in types:
            APPENDED.labels(type=type_).inc()
