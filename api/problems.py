"""RFC 9457 problem details for every error, mapped from our exceptions in one table."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.service import NotCaughtUp
from domain import (
    AlreadyRetracted,
    BatchRejected,
    ChanceryError,
    Contended,
    DuplicateEntity,
    EventNotFound,
    IdempotencyKeyReused,
    InvalidRelation,
    StateRuleViolated,
    UnknownEntity,
    VersionMismatch,
)
from events import InvalidDate
from projections.stores import ERRORS as STORE_ERRORS
from projections.stores import BadDatabaseUrl, transient

log = logging.getLogger("chancery")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://chancery.example/problems/"
BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's 400 detail
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="the path of the field, e.g. ['body', 'occurred']")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


STATUS: dict[type[Exception], tuple[int, str]] = {
    UnknownEntity: (422, "unknown-entity"),
    InvalidRelation: (422, "invalid-relation"),
    InvalidDate: (422, "invalid-date"),
    DuplicateEntity: (409, "duplicate"),
    EventNotFound: (404, "not-found"),
    AlreadyRetracted: (409, "already-retracted"),
    StateRuleViolated: (409, "state-rule"),
    VersionMismatch: (412, "stale-version"),
    IdempotencyKeyReused: (422, "idempotency-key-reused"),
    Contended: (503, "contended"),
    NotCaughtUp: (503, "not-caught-up"),
    BadDatabaseUrl: (500, "configuration"),
}


class Unauthorized(Exception):
    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


class BadRequest(Exception):
    """A malformed request the framework did not catch (a header, a query value)."""

    def __init__(self, detail: str, loc: list[str | int], status: int = 422):
        self.detail = detail
        self.loc = loc
        self.status = status
        super().__init__(detail)


def problem(status: int, kind: str, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **{k: v for k, v in extra.items() if v is not None},
    }
    # Also here: a 500 is sent outside the app's middleware (api.middleware.NoSniff).
    headers = {**(headers or {}), "X-Content-Type-Options": "nosniff"}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _from_domain(error: Exception) -> JSONResponse:
    if isinstance(error, BatchRejected):
        status, kind = _status_of(error.cause)
        return problem(status, kind, error.detail, index=error.index, **_extra(error.cause))
    status, kind = _status_of(error)
    headers = {"Retry-After": "1"} if isinstance(error, NotCaughtUp | Contended) else None
    detail = getattr(error, "detail", None) or str(error)
    return problem(status, kind, detail, headers=headers, **_extra(error))


def _status_of(error: Exception) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 422, "invalid"


def _extra(error: Exception) -> dict[str, Any]:
    if isinstance(error, UnknownEntity):
        return {
            "entity": error.name,
            "suggestions": [{"code": c, "name": n} for c, n in error.suggestions],
        }
    if isinstance(error, StateRuleViolated):
        return {"rule": error.rule, "on": error.on, "conflicting": error.conflicting, "state": error.state}
    if isinstance(error, VersionMismatch):
        return {"expected_version": error.expected, "current_version": error.actual}
    return {}


def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = []
    for item in error.errors():
        loc = [p for p in item.get("loc", ()) if isinstance(p, str | int)]
        message = str(item.get("msg", "invalid"))
        errors.append({"loc": loc, "message": message.removeprefix("Value error, ")})
    first = errors[0] if errors else {"loc": [], "message": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    detail = f"{where}: {first['message']}" if where else str(first["message"])
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem(422, "validation", detail, errors=errors)


def allowed_methods(request: Request, fallback: str = "") -> str:
    """The methods the OpenAPI document gives the request's path, for ``Allow`` on a 405.

    As OpenAPI matches paths: a template with more literal segments wins (``/v1/events/batch``
    over ``/v1/events/{event_id}``). Starlette's own ``Allow`` names only the first route that
    matched the path, so ``OPTIONS /v1/entities`` said ``GET`` where ``GET, POST`` is right.
    """
    segments = request.scope["path"].strip("/").split("/")
    best, methods = -1, set[str]()
    for template, operations in request.app.openapi().get("paths", {}).items():
        parts = template.strip("/").split("/")
        if len(parts) != len(segments):
            continue
        if not all(p == s or (p.startswith("{") and p.endswith("}") and s) for p, s in zip(parts, segments, strict=True)):
            continue
        literal = sum(not p.startswith("{") for p in parts)
        if literal > best:
            best, methods = literal, set()
        if literal == best:
            methods |= {m.upper() for m in operations}
    return ", ".join(m for m in METHODS if m in methods) or fallback


async def _on_domain(request: Request, error: Exception) -> JSONResponse:
    return _from_domain(error)


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return _validation(request, error)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    if error.status_code == 404 and detail == "Not Found":
        detail = f"no route matches {request.url.path}"
    if error.status_code == 400 and detail == BODY_NOT_PARSED:
        # FastAPI's answer to a body that is not UTF-8; bad JSON is a 422 with the body's path.
        message = "the body is not JSON text in UTF-8"
        return problem(422, "validation", f"body: {message}", errors=[{"loc": ["body"], "message": message}])
    headers = getattr(error, "headers", None)
    if error.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        headers = {**(headers or {}), "Allow": allowed_methods(request, (headers or {}).get("Allow", ""))}
    return problem(error.status_code, HTTPStatus(error.status_code).phrase.lower().replace(" ", "-"), detail,
                   headers=headers)


async def _on_unauthorized(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Unauthorized)
    return problem(401, "unauthorized", error.detail, headers={"WWW-Authenticate": 'Bearer realm="chancery"'})


async def _on_bad_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BadRequest)
    return problem(error.status, "validation", error.detail, errors=[{"loc": error.loc, "message": error.detail}])


async def _on_store(request: Request, error: Exception) -> JSONResponse:
    """A store that is away or busy is answered 503 with Retry-After; any other of its errors is a
    fault of ours, answered 500."""
    if transient(error):
        return problem(503, "store-unavailable", "the store cannot be reached or is busy; try again",
                       headers={"Retry-After": "1"})
    return await _on_fault(request, error)


async def _on_fault(request: Request, error: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return problem(500, "internal", "the service failed to answer; the fault is logged on the server")


HANDLERS = {
    **dict.fromkeys(STORE_ERRORS, _on_store),
    Exception: _on_fault,
    ChanceryError: _on_domain,
    InvalidDate: _on_domain,
    NotCaughtUp: _on_domain,
    RequestValidationError: _on_validation,
    StarletteHTTPException: _on_http,
    Unauthorized: _on_unauthorized,
    BadRequest: _on_bad_request,
}


def install(app: FastAPI) -> None:
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase, "content": {PROBLEM: {}}}
        for status in statuses
    }
