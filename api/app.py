"""The HTTP API (v1): FastAPI routes over the service; every error is problem JSON."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit_routes import router as audit_router
from api.middleware import APPENDED, HEAD, LAG, BodyLimit, HeadAsGet, Metrics
from api.page import router as page_router
from api.problems import BadRequest, Unauthorized, install, responses
from api.service import Ack, NotCaughtUp, Service
from api.settings import Settings, Writers
from domain import Keyed
from events import EntityIn, EventIn, EventType, InvalidDate, Prose, change_edge, parse_day
from projections import (
    Changes,
    EntityOut,
    EntityRelations,
    EntityTimelines,
    EventOut,
    EventPage,
    RelationState,
    Timeline,
)
from projections.models import Data
from projections.queries import MAX_POSITION, Behind

log = logging.getLogger("chancery")

EXAMPLE_EVENT = {
    "type": "relations.suspended",
    "subject": "PAN",
    "counterpart": "SADR",
    "occurred": "2013-11-20",
    "summary": "Panama suspends relations with the SADR.",
    "attributes": {},
    "sources": [
        {
            "title": "Foreign relations of Panama",
            "quote": "Relations were suspended from 20 November 2013 to 7 January 2016",
            "url": None,
        }
    ],
}


EXAMPLE_BATCH = {
    "events": [
        {
            "type": "relations.severed",
            "subject": "PAN",
            "counterpart": "TWN",
            "occurred": "2017-06-12",
            "summary": "Panama severs diplomatic relations with the Republic of China (Taiwan).",
            "sources": [{"title": "Foreign relations of Panama",
                         "quote": "Panama has severed diplomatic relationship with the Republic of China (Taiwan)"}],
        },
        {
            "type": "relations.established",
            "subject": "PAN",
            "counterpart": "PRC",
            "occurred": "2017-06-12",
            "summary": "Panama establishes diplomatic relations with the People's Republic of China.",
            "sources": [{"title": "Foreign relations of Panama",
                         "quote": "Panama has established a diplomatic relationship with People's Republic of China"}],
        },
    ]
}
STREAM_BATCH = 500
STREAM_IDLE_SECONDS = 0.2
STREAM_HEARTBEAT_SECONDS = 15.0


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    position: int = Field(description="the read model's position")
    head: int = Field(description="the log's newest position")


class RetractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[Prose, Field(examples=["The date was misread."])]


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Prose
    replacement: EventIn


class CorrectionOut(BaseModel):
    retracted: EventOut
    replacement: EventOut


class BatchIn(BaseModel):
    events: Annotated[list[EventIn], Field(min_length=1, max_length=1000)]


class BatchOut(BaseModel):
    events: list[EventOut]


def today() -> date:
    return datetime.now(UTC).date()


# The dependencies are coroutines: the framework runs a plain function in a worker thread, a
# hand-off each that costs more than what these do.


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def writer(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The writer a bearer token stands for; reads need none, every write needs one."""
    writers: Writers = request.app.state.writers
    if not writers:
        raise Unauthorized("this server is read-only: no writer tokens are configured (CHANCERY_TOKENS)")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("writing needs an Authorization: Bearer <token> header")
    name = writers.writer_for(token.strip())
    if name is None:
        raise Unauthorized("the bearer token is not one this server knows")
    return name


async def as_of(
    service: Annotated[Service, Depends(get_service)],
    known_at: Annotated[
        str | None, Query(description="RFC 3339 time: answer from what had been recorded by then")
    ] = None,
    at_position: Annotated[int | None, Query(ge=0, description="answer from the log up to this position")] = None,
) -> int | None:
    """The log position a read answers from (bitemporal: record time); None: as known now."""
    if known_at is None and at_position is None:
        return None
    if known_at is not None and at_position is not None:
        raise BadRequest("give known_at or at_position, not both", ["query", "known_at"])
    moment = None
    if known_at is not None:
        try:
            moment = datetime.fromisoformat(known_at)
        except ValueError:
            raise BadRequest(f"{known_at!r} is not an RFC 3339 time", ["query", "known_at"]) from None
        if moment.tzinfo is None:
            raise BadRequest("known_at needs a time zone offset, as in 2017-06-13T00:00:00Z", ["query", "known_at"])
        try:
            moment.astimezone(UTC)
        except OverflowError:
            detail = f"{known_at!r} is out of range once taken to UTC"
            raise BadRequest(detail, ["query", "known_at"]) from None
    return await run_in_threadpool(service.as_of, moment, at_position)


def day(value: str | None, name: str, default: date | None = None) -> date:
    if value is None:
        if default is None:
            raise BadRequest(f"{name} is required", ["query", name])
        return default
    try:
        return parse_day(value)
    except ValueError as error:
        raise BadRequest(str(error), ["query", name]) from None


def window_edge(value: str, name: str, end: bool) -> date:
    """``from``/``to`` of a change query: a day, or a month or year taken as its whole window."""
    try:
        return change_edge(value, end)
    except InvalidDate as error:
        raise BadRequest(f"{name}: {error}", ["query", name]) from None


def whole_number(text: str) -> int | None:
    """``text`` as a position or version (ASCII digits, at most MAX_POSITION), else None.

    ``str.isdigit`` alone also accepts digits ``int`` refuses (``"²"``) and numbers too long to
    convert; either would have been a 500.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_POSITION)):
        return None
    number = int(text)
    return number if number <= MAX_POSITION else None


def if_match(value: str | None) -> int | None:
    if value is None:
        return None
    version = whole_number(value.strip().removeprefix("W/").strip('"'))
    if version is None:
        raise BadRequest('If-Match must be a relation version in quotes, as in "3"', ["header", "If-Match"])
    return version


def keyed(key: str | None, writer: str, action: str, body: BaseModel, target: str = "") -> Keyed | None:
    """The request's idempotency key and a fingerprint of what it asks (action, target, body)."""
    if key is None:
        return None
    asked = json.dumps({"action": action, "target": target, "body": body.model_dump(mode="json")}, sort_keys=True)
    return Keyed(writer=writer, key=key, fingerprint=hashlib.sha256(asked.encode()).hexdigest(), action=action)


def answer(data: Data, headers: dict[str, str] | None = None) -> Response:
    """A read's answer, serialised once: the data comes from our own rows, shaped as the route's
    model serialises, so nothing builds or checks the model again (the route still documents it)."""
    return Response(to_json(data), media_type="application/json", headers=headers)


async def promptly(service: Service, read: Callable[[bool], Response]) -> Response:
    """Answer a read of the state routes, ``read(wait)``.

    On SQLite a read is an indexed look-up in a local file, shorter than the hand-off to a worker
    thread, so it runs here, on the event loop, unless the read model must first catch up with
    the log (``read(False)`` raises ``Behind``): that, like every read from PostgreSQL (a round
    trip away), runs in a worker thread.
    """
    if service.local:
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


ServiceDep = Annotated[Service, Depends(get_service)]
KeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="retrying with the same key and body returns the first result and appends nothing",
    ),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='the relation\'s version, as in "3"')]
WriterDep = Annotated[str, Depends(writer)]
AsOfDep = Annotated[int | None, Depends(as_of)]
OnQuery = Annotated[str | None, Query(description="the day, YYYY-MM-DD (default: today, UTC)", examples=["2016-01-01"])]
Explain = Annotated[
    bool,
    Query(description="list under `events` every event, with its sources, that the answer rests on (false: ids only)"),
]
Code = Annotated[str, Path(description="a code, name or alias", examples=["PAN"])]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    writers = settings.writers()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service(settings.database_url)
        app.state.service = service
        app.state.writers = writers
        if not writers:
            log.warning("no writer tokens configured (CHANCERY_TOKENS): the HTTP API is read-only")
        # What start-up made (modules, the app, its routes) lives as long as the server: the
        # collector need not walk it again each time answers made of many objects trigger it.
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
        lifespan=lifespan,
    )
    install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(HeadAsGet)
    app.add_middleware(Metrics)
    app.state.writers = writers
    app.include_router(_routes(), prefix="")
    app.include_router(audit_router)
    app.include_router(page_router)
    return app


async def _entries(request: Request, service: Service, position: int) -> AsyncIterator[str]:
    """Replay the entries after ``position``, then follow the log as it grows."""

    def fetch(after: int) -> list[Any]:
        service.current()
        return service.read.entries(after, STREAM_BATCH)

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


def _routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/healthz", response_model=Health, summary="Liveness: the process answers.")
    async def healthz() -> Health:
        """On the event loop: a liveness probe must not queue behind busy worker threads."""
        return Health(status="ok")

    @router.get("/readyz", response_model=Readiness, summary="Readiness: the store answers and the read model is current.",
                responses=responses(503))
    def readyz(service: ServiceDep) -> Readiness:
        head = service.projector.head()
        service.current()
        return Readiness(status="ready", position=service.read.position(), head=(service.read.position_of(head) or 0))

    @router.get("/metrics", summary="Prometheus metrics: requests, latencies, appended events, projection lag.",
                response_class=Response, responses={200: {"content": {"text/plain": {}}}})
    def metrics(service: ServiceDep) -> Response:
        head = service.projector.head()
        HEAD.set(head)
        LAG.set(head - service.projector.tracking())
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @router.get(
        "/v1/relations/{a}/{b}",
        response_model=RelationState,
        summary="The state of one relation at the end of a day.",
        responses=responses(404, 422, 503),
    )
    async def relation_state(
        a: Code, b: Code, service: ServiceDep, at: AsOfDep, on: OnQuery = None, explain: Explain = True
    ) -> Response:
        when = day(on, "on", today())

        def read(wait: bool) -> Response:
            state = service.relation_state_data(a, b, when, at, explain, wait=wait)
            return answer(state, {"ETag": f'"{state["version"]}"'})

        return await promptly(service, read)

    @router.get(
        "/v1/relations/{a}/{b}/timeline",
        response_model=Timeline,
        summary="Every event of the pair in valid-time order, and the days each fact held.",
        responses=responses(422, 503),
    )
    def timeline(a: Code, b: Code, service: ServiceDep, at: AsOfDep, response: Response) -> Timeline:
        result = service.timeline(a, b, at)
        response.headers["ETag"] = f'"{result.version}"'
        return result

    @router.get(
        "/v1/entities/{code}/relations",
        response_model=EntityRelations,
        summary="Every relation of an entity at the end of a day.",
        responses=responses(422, 503),
    )
    async def entity_relations(
        code: Code, service: ServiceDep, at: AsOfDep, on: OnQuery = None, explain: Explain = True
    ) -> Response:
        when = day(on, "on", today())
        return await promptly(service, lambda wait: answer(service.entity_relations_data(code, when, at, explain, wait=wait)))

    @router.get(
        "/v1/entities/{code}/timelines",
        response_model=EntityTimelines,
        summary="The timeline of every relation of an entity, one request for all its partners.",
        responses=responses(422, 503),
    )
    def entity_timelines(code: Code, service: ServiceDep, at: AsOfDep) -> EntityTimelines:
        return service.entity_timelines(code, at)

    @router.get(
        "/v1/changes",
        response_model=Changes,
        summary="What changed between two days (years and months cover their whole window).",
        responses=responses(422, 503),
    )
    def changes(
        service: ServiceDep,
        at: AsOfDep,
        start: Annotated[str, Query(alias="from", examples=["2013"], description="compare from the end of this day")],
        end: Annotated[str, Query(alias="to", examples=["2018"], description="to the end of this day")],
        entity: Annotated[str | None, Query(description="only relations of this entity")] = None,
    ) -> Changes:
        first, last = window_edge(start, "from", end=False), window_edge(end, "to", end=True)
        if last < first:
            raise BadRequest("to must not be before from", ["query", "to"])
        return service.changes(first, last, entity, at)

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
        after: Annotated[int, Query(ge=0, le=MAX_POSITION, description="only positions after this one")] = 0,
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

    @router.get("/v1/entities", response_model=list[EntityOut], summary="The registry, or a search by name or alias.",
                responses=responses(422, 503))
    def entities(
        service: ServiceDep,
        q: Annotated[str | None, Query(max_length=200, examples=["taiwan"])] = None,
    ) -> list[EntityOut]:
        service.current()
        return service.read.entities(q)

    @router.get("/v1/entities/{code}", response_model=EntityOut, summary="One entity, by code, name or alias.",
                responses=responses(422, 503))
    def entity(code: Code, service: ServiceDep) -> EntityOut:
        service.current()
        found = service.read.entity(service.code(code))
        assert found is not None
        return found

    @router.post(
        "/v1/entities",
        response_model=EntityOut,
        status_code=201,
        summary="Register an entity.",
        responses=responses(401, 409, 422, 503),
    )
    def register(body: EntityIn, response: Response, service: ServiceDep, by: WriterDep, key: KeyDep = None) -> EntityOut:
        stored, _, ack = service.register_entity(body, by, request=keyed(key, by, "entity", body))
        acknowledge(response, ack, f"/v1/entities/{stored.code}")
        return stored

    return router
