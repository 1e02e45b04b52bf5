"""The audit routes: the raw log with its chain, the head digest, and a full check."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from api import audit
from api.deps import After, ServiceDep
from api.problems import BadRequest, responses
from api.schemas import Verification
from projections import AuditPage, Digest
from projections.audit import BadArchive

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/log", response_model=AuditPage, summary="The raw log in position order, each entry with its chain hash.",
            responses=responses(422, 503))
def audit_log(
    request: Request,
    service: ServiceDep,
    after: After = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> AuditPage:
    entries = service.audit_log(after, limit)
    following = None
    if len(entries) == limit:
        following = f"{request.url.path}?{urlencode({'after': entries[-1].position, 'limit': limit})}"
    return AuditPage(entries=entries, next=following)


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
