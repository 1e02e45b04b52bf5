"""What routes take from a request: the service, the writer a token stands for, the log position a
read answers from, and the query values every route parses the same way."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

from api.problems import BadRequest, Unauthorized
from api.service import Service
from api.settings import Writers
from domain import Keyed
from events import InvalidDate, change_edge, parse_day, parse_moment
from projections import MAX_POSITION

# The dependencies are coroutines: the framework runs a plain function in a worker thread, a
# hand-off each that costs more than what these do.


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def writer(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    """The writer a bearer token stands for; reads need none, every write needs one."""
    return authenticate(request.app.state.writers, authorization)


def authenticate(writers: Writers, authorization: str | None) -> str:
    """The writer an ``Authorization`` header's bearer token stands for, else ``Unauthorized``."""
    if not writers:
        raise Unauthorized("this server is read-only: no writer tokens are configured (CHANCERY_TOKENS)")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("writing needs an Authorization: Bearer <token> header")
    name = writers.writer_for(token.strip())
    if name is None:
        raise Unauthorized("the bearer token is not one this server knows")
    return name


def needs_writer(route: BaseRoute) -> bool:
    """Whether a route writes: it takes the writer its request's token stands for."""
    if not isinstance(route, APIRoute):
        return False
    waiting = list(route.dependant.dependencies)
    while waiting:
        dependant = waiting.pop()
        if dependant.call is writer:
            return True
        waiting += dependant.dependencies
    return False


ServiceDep = Annotated[Service, Depends(get_service)]


async def as_of(
    service: ServiceDep,
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
    moment = _moment(known_at) if known_at is not None else None
    return await run_in_threadpool(service.as_of, moment, at_position)


def _moment(known_at: str) -> datetime:
    try:
        return parse_moment(known_at)
    except InvalidDate as error:
        raise BadRequest(f"known_at: {error}", ["query", "known_at"]) from None


def today() -> date:
    return datetime.now(UTC).date()


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
After = Annotated[int, Query(ge=0, le=MAX_POSITION, description="only positions after this one")]
