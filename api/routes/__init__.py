"""The HTTP API's routes, a module and a tag per resource, in the order they are matched."""

from fastapi import APIRouter

from api.routes import audit, entities, events, health, page, relations

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    relations.router,
    events.router,
    entities.router,
    audit.router,
    page.router,
)

__all__ = ["ROUTERS"]
