"""The log of events: list, read, follow live, append, retract and correct."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic_core import to_json
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.answers import acknowledge, count_appended
from api.deps import After, AsOfDep, IfMatch, KeyDep, ServiceDep, WriterDep, day, if_match, keyed, whole_number
from api.problems import BadRequest, responses
from api.schemas import EXAMPLE_BATCH, EXAMPLE_EVENT, BatchIn, BatchOut, CorrectionIn, CorrectionOut, RetractionIn
from api.service import NotCaughtUp, Service
from events import EventIn, EventType
from projections import MAX_POSITION, EventOut, EventPage, LogEntry

STREAM_BATCH = 500
STREAM_IDLE_SECONDS = 0.2
STREAM_HEARTBEAT_SECONDS = 15.0

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
    following = None
    if len(events) == limit:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
        following = f"{request.url.path}?{urlencode([*query, ('after', str(events[-1].position))])}"
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
    responses={200: {"content": {"text/event-stream": {}}, "description": "one `data:` JSON log entry an event"},
               **responses(422)},
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
    return StreamingResponse(
        _entries(request, service, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _entries(request: Request, service: Service, position: int) -> AsyncIterator[str]:
    """Replay the entries after ``position``, then follow the log as it grows."""

    def fetch(after: int) -> list[LogEntry]:
        service.current()
        return service.entries(after, STREAM_BATCH)

    yield "retry: 1000\n\n"
    quiet = 0.0
    while not await request.is_disconnected():
        try:
            entries = await run_in_threadpool(fetch, position)
        except NotCaughtUp:
            entries = []
        for entry in entries:
            position = entry.position
            yield f"id: {entry.position}\ndata: {entry.model_dump_json()}\n\n"
        if entries:
            quiet = 0.0
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
