"""The audit routes: the raw log with its chain, the head digest, and a full check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, NamedTuple
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic_core import to_json

from api import audit
from api.deps import After, ServiceDep
from api.problems import BadRequest, responses
from api.schemas import Verification
from api.service import Service
from projections import AuditPage, Digest
from projections.audit import BadArchive

AUDIT_BATCH = 100  # entries read and sent at a time: what a client that reads slowly holds of its page

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/log", response_model=AuditPage, summary="The raw log in position order, each entry with its chain hash.",
            responses=responses(422, 503))
def audit_log(
    request: Request,
    service: ServiceDep,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> Response:
    first = _encoded(service, after, min(limit, AUDIT_BATCH))  # a store away is a 503 before anything is sent
    return StreamingResponse(_page(request.url.path, service, first, limit), media_type="application/json")


class Batch(NamedTuple):
    """Entries of the audit log as the page's JSON shows them (comma-separated), how many, the last one's position."""

    text: bytes
    entries: int
    last: int


def _encoded(service: Service, after: int, count: int) -> Batch:
    entries = service.audit_log(after, count)
    return Batch(to_json(entries)[1:-1], len(entries), entries[-1].position if entries else after)


async def _page(path: str, service: Service, batch: Batch, limit: int) -> AsyncIterator[bytes]:
    """An ``AuditPage`` of ``limit`` entries from ``batch`` on, sent a batch at a time: the next is
    read once the client has taken enough of the last (the empty chunk waits until it has), and
    nothing of it is kept meanwhile."""
    yield b'{"entries":['
    sent = 0
    while True:
        yield (b"," if sent and batch.entries else b"") + batch.text
        sent += batch.entries
        if sent == limit or batch.entries < AUDIT_BATCH:
            break
        batch = Batch(b"", 0, batch.last)  # sent: not kept while the client is slow
        yield b""
        batch = await run_in_threadpool(_encoded, service, batch.last, min(limit - sent, AUDIT_BATCH))
    following = f"{path}?{urlencode({'after': batch.last, 'limit': limit})}" if sent == limit else None
    yield b'],"next":' + to_json(following) + b"}"


@router.get("/digest", response_model=Digest, summary="The head of the chain: keep it to check the log later.",
            responses=responses(503))
def digest(service: ServiceDep) -> Digest:
    return service.digest()


@router.get("/verify", response_model=Verification,
            summary="Recompute the chain from the raw log and replay the read model; report where they part.",
            responses=responses(422, 503))
def verify(
    service: ServiceDep,
    digest: Annotated[str | None, Query(description='a digest kept earlier: {"position": N, "hash": "…"} or N:hash')] = None,
) -> Verification:
    try:
        kept = audit.parse_digest(digest) if digest else None
    except BadArchive as error:
        raise BadRequest(str(error), ["query", "digest"]) from None
    report = audit.verify(service, kept)
    return Verification(ok=report.ok, entries=report.entries, head=report.head, findings=report.findings)
