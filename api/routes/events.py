"""The log of events: list, read, follow live, append, retract and correct."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic_core import to_json
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from api.answers import acknowledge, count_appended
from api.deps import After, AsOfDep, IfMatch, KeyDep, ServiceDep, WriterDep, day, if_match, keyed, whole_number
from api.pages import same_query
from api.problems import BadRequest, problem, responses
from api.schemas import EXAMPLE_BATCH, EXAMPLE_EVENT, BatchIn, BatchOut, CorrectionIn, CorrectionOut, RetractionIn
from api.service import NotCaughtUp, Service
from events import EventIn, EventType
from projections import MAX_POSITION, EventOut, EventPage

STREAM_CHUNK = 32 * 1024  # about what a batch of the stream weighs, encoded: what a reader that stalls holds of it
STREAM_BATCH = 200  # entries read at a time, at most; a stream starts with 10 and reads as many as fill STREAM_CHUNK
STREAM_IDLE_SECONDS = 0.2
STREAM_HEARTBEAT_SECONDS = 15.0
STREAM_READERS = 4  # worker threads the streams of a process read the log with, at most, leaving the rest to requests
STREAM_RETRY_AFTER = "5"

Read = TypeVar("Read")

router = APIRouter(tags=["events"])


@router.get("/v1/events", response_model=EventPage, summary="The log of events in position order.",
            responses=responses(422, 503))
def list_events(
    request: Request,
    service: ServiceDep,
    at: AsOfDep,
    entity: Annotated[str | None, Query(description="events of this entity")] = None,
    type: Annotated[list[EventType] | None, Query(description="only these event types")] = None,
    occurred_from: Annotated[str | None, Query(description="windows ending on or after this day")] = None,
    occurred_to: Annotated[str | None, Query(description="windows starting on or before this day")] = None,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EventPage:
    events = service.events(
        after=after,
        limit=limit,
        entity=entity,
        types=type or (),
        occurred_from=day(occurred_from, "occurred_from") if occurred_from else None,
        occurred_to=day(occurred_to, "occurred_to") if occurred_to else None,
        at=at,
    )
    following = same_query(request, after=str(events[-1].position)) if len(events) == limit else None
    return EventPage(events=events, next=following)


@router.post(
    "/v1/events",
    response_model=EventOut,
    status_code=201,
    summary="Append one event.",
    responses=responses(401, 409, 412, 422, 503),
)
def append(
    response: Response,
    service: ServiceDep,
    by: WriterDep,
    event: Annotated[EventIn, Body(examples=[EXAMPLE_EVENT])],
    key: KeyDep = None,
    match: IfMatch = None,
) -> EventOut:
    request = keyed(key, by, "append", event)
    stored, _, ack = service.append(event, by, expected_version=if_match(match), request=request)
    acknowledge(response, ack, f"/v1/events/{stored.id}")
    count_appended([stored.type.value], ack)
    return stored


@router.post(
    "/v1/events/batch",
    response_model=BatchOut,
    status_code=201,
    summary="Append several events atomically: all or none.",
    responses=responses(401, 409, 422, 503),
)
def append_batch(
    service: ServiceDep, by: WriterDep, batch: Annotated[BatchIn, Body(examples=[EXAMPLE_BATCH])],
    key: KeyDep = None,
) -> Response:
    stored, ack = service.append_many(batch.events, by, request=keyed(key, by, "batch", batch))
    count_appended((event["type"] for event in stored), ack)
    answered = Response(to_json({"events": stored}), status_code=201, media_type="application/json")
    acknowledge(answered, ack)
    return answered


@router.api_route(
    "/v1/events/batch",
    methods=["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"],
    include_in_schema=False,
)
def batch_takes_only_post() -> None:
    """Without this, GET /v1/events/batch reached GET /v1/events/{event_id}: a 422 for a bad id, not 405."""
    raise StarletteHTTPException(405)


@router.get(
    "/v1/events/stream",
    summary="Live tail of the log as server-sent events (id: the position), after replaying those after `after`.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "one `data:` JSON log entry an event"},
        **responses(422, 503),
    },
)
async def stream(
    request: Request,
    service: ServiceDep,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="replay entries after this position")] = 0,
    last_event_id: Annotated[
        str | None, Header(alias="Last-Event-ID", description="a reconnecting client resumes after this")
    ] = None,
) -> StreamingResponse:
    start = after
    if last_event_id is not None:
        resumed = whole_number(last_event_id.strip())
        if resumed is None:
            raise BadRequest("Last-Event-ID must be a log position", ["header", "Last-Event-ID"])
        start = max(start, resumed)
    streams: Streams = request.app.state.streams
    return Following(streams, _entries(request, service, streams, start))


class Streams:
    """The live streams of a server process: at most ``most`` at once, each reading the log in
    small batches on a few threads, all of them waiting on one look at the log's head."""

    def __init__(self, most: int):
        self.most = most
        self.open = 0
        self._head = 0
        self._looked = float("-inf")
        self._looking = asyncio.Lock()
        self._readers = asyncio.Semaphore(STREAM_READERS)

    async def head(self, service: Service) -> int:
        """The read model's newest position, looked up at most once in STREAM_IDLE_SECONDS for every stream."""
        async with self._looking:
            if time.monotonic() - self._looked >= STREAM_IDLE_SECONDS:
                self._head = await self._read(_caught_up, service, self._head)
                self._looked = time.monotonic()
        return self._head

    async def entries(self, service: Service, after: int, count: int) -> tuple[str, int, int]:
        """The text of the next ``count`` entries after ``after``, the last one's position, how many to read next."""
        return await self._read(_encoded, service, after, count)

    async def _read(self, read: Callable[..., Read], *args: object) -> Read:
        async with self._readers:
            return await run_in_threadpool(read, *args)


class Following(StreamingResponse):
    """The live stream, counted against its process's streams while it is sent; past their most, 503."""

    def __init__(self, streams: Streams, entries: AsyncIterator[str]):
        super().__init__(
            entries, media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        self.streams = streams

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.streams.open >= self.streams.most:
            detail = f"this server already sends the live stream to {self.streams.most} clients, its most"
            busy = problem(503, "busy", f"{detail}: try again shortly", headers={"Retry-After": STREAM_RETRY_AFTER})
            await busy(scope, receive, send)
            return
        self.streams.open += 1
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.streams.open -= 1


def _caught_up(service: Service, known: int) -> int:
    try:
        service.current()
    except NotCaughtUp:
        return known
    return service.position()


def _encoded(service: Service, after: int, count: int) -> tuple[str, int, int]:
    entries = service.entries(after, count)
    if not entries:
        return "", after, count
    text = "".join(f"id: {entry.position}\ndata: {entry.model_dump_json()}\n\n" for entry in entries)
    fitting = len(entries) * STREAM_CHUNK // len(text)
    return text, entries[-1].position, max(1, min(STREAM_BATCH, fitting))


async def _entries(request: Request, service: Service, streams: Streams, position: int) -> AsyncIterator[str]:
    """Replay the entries after ``position``, then follow the log as it grows.

    Each batch is read only once the client has taken enough of the last: an empty chunk is sent
    first, and the server holds it until the connection can take more. A client that stops reading
    holds what the connection has buffered and nothing more."""
    yield "retry: 1000\n\n"
    quiet, count = 0.0, 10
    while not await request.is_disconnected():
        yield ""
        if position < await streams.head(service):
            text, position, count = await streams.entries(service, position, count)
            if text:
                quiet = 0.0
                yield text
                del text  # sent: not kept while the client is slow
                continue
        await asyncio.sleep(STREAM_IDLE_SECONDS)
        quiet += STREAM_IDLE_SECONDS
        if quiet >= STREAM_HEARTBEAT_SECONDS:
            quiet = 0.0
            yield ": still here\n\n"


@router.get("/v1/events/{event_id}", response_model=EventOut, summary="One event.",
            responses=responses(404, 422, 503))
def get_event(event_id: UUID, service: ServiceDep, at: AsOfDep) -> EventOut:
    return service.event(event_id, at)


@router.post(
    "/v1/events/{event_id}/retraction",
    response_model=EventOut,
    summary="Withdraw an event; it stays in the log, marked.",
    responses=responses(401, 404, 409, 412, 422, 503),
)
def retract(
    event_id: UUID,
    body: RetractionIn,
    response: Response,
    service: ServiceDep,
    by: WriterDep,
    key: KeyDep = None,
    match: IfMatch = None,
) -> EventOut:
    request = keyed(key, by, "retraction", body, str(event_id))
    event, ack = service.retract(event_id, body.reason, by, expected_version=if_match(match), request=request)
    acknowledge(response, ack)
    return event


@router.post(
    "/v1/events/{event_id}/correction",
    response_model=CorrectionOut,
    status_code=201,
    summary="Retract an event and record its replacement, atomically.",
    responses=responses(401, 404, 409, 412, 422, 503),
)
def correct(
    event_id: UUID,
    body: CorrectionIn,
    response: Response,
    service: ServiceDep,
    by: WriterDep,
    key: KeyDep = None,
    match: IfMatch = None,
) -> CorrectionOut:
    request = keyed(key, by, "correction", body, str(event_id))
    old, new, ack = service.correct(
        event_id, body.replacement, body.reason, by, expected_version=if_match(match), request=request
    )
    acknowledge(response, ack, f"/v1/events/{new.id}")
    count_appended([new.type.value], ack)
    return CorrectionOut(retracted=old, replacement=new)
