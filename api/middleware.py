"""ASGI middleware: writers known before anything else, a cap on request bodies, request counts and
latencies by route, and the headers every answer carries."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from prometheus_client import Counter, Gauge, Histogram
from starlette.requests import Request
from starlette.routing import BaseRoute, Match

from api.deps import authenticate, needs_writer
from api.problems import Unauthorized

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024 * 1024
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})

REQUESTS = Counter("chancery_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("chancery_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"])
APPENDED = Counter("chancery_events_appended_total", "Events appended through the HTTP API", ["type"])
LAG = Gauge("chancery_projection_lag_entries", "Log entries the read model has not applied yet")
HEAD = Gauge("chancery_log_head_position", "The store's number for the newest log entry")


async def _problem(send: Send, status: int, title: str, detail: str) -> None:
    body = json.dumps(
        {"type": "https://chancery.example/problems/too-large", "title": title, "status": status, "detail": detail}
    ).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        too_large = f"the request body is larger than {self.limit} bytes (1 MiB)"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _problem(send, 413, "Content Too Large", too_large)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await _problem(send, 413, "Content Too Large", too_large)
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class WritersFirst:
    """Answer a write whose request has no known writer's token with 401 before anything else,
    its body unread: a client that may not write learns nothing about what it sent (a body that
    is malformed, invalid or too large).

    A write is a request that the first of ``routes`` it fully matches (as the app routes it)
    takes the writer (``api.deps.writer``, which then gives the route the writer's name).
    """

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]):
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._refusal(scope) if scope["type"] == "http" and scope["method"] not in READS else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        answer = await scope["app"].exception_handlers[Unauthorized](Request(scope), refusal)
        await answer(scope, receive, send)

    def _refusal(self, scope: Scope) -> Unauthorized | None:
        """Why a request may not write, if its route writes; None if it may, or does not write."""
        for route in self.routes:
            match, child = route.matches(scope)
            if match is not Match.FULL:
                continue
            if not needs_writer(route):
                return None
            authorization = dict(scope["headers"]).get(b"authorization")
            try:
                authenticate(scope["app"].state.writers, authorization.decode("latin-1") if authorization else None)
            except Unauthorized as refusal:
                scope.update(child)  # counted under its route
                return refusal
            return None
        return None


class Metrics:
    """Count requests and time them, labelled by the route's template (not the raw path)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = (
                scope["method"] if scope["method"] in METHODS else "other"
            )  # a label per made-up method would grow without bound
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


class HeadAsGet:
    """Answer HEAD like GET without the body, so link checkers and ``curl -I`` work (not the
    endless live stream, which stays GET only)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"] == "/v1/events/stream":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, sending)


class NoSniff:
    """Tell browsers never to guess an answer's type (``X-Content-Type-Options: nosniff``): a JSON
    answer holding a client's text is never taken for a page or a script."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != b"x-content-type-options" for name, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
