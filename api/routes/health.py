"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import ServiceDep
from api.middleware import HEAD, LAG
from api.problems import responses
from api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers.")
async def healthz() -> Health:
    """On the event loop: a liveness probe must not queue behind busy worker threads."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="Readiness: the store answers and the read model is current.",
            responses=responses(503))
def readyz(service: ServiceDep) -> Readiness:
    head = service.head()
    service.current()
    return Readiness(status="ready", position=service.position(), head=service.position_of(head))


@router.get("/metrics", summary="Prometheus metrics: requests, latencies, appended events, projection lag.",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(service: ServiceDep) -> Response:
    head = service.head()
    HEAD.set(head)
    LAG.set(head - service.tracking())
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
