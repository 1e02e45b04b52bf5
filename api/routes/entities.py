"""The registry of entities, and every relation or timeline of one entity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.answers import acknowledge, answer, promptly
from api.deps import AsOfDep, Code, Explain, KeyDep, OnQuery, ServiceDep, WriterDep, day, keyed, today
from api.pages import CursorQuery, Limit, next_link, start_after
from api.problems import responses
from events import EntityIn
from projections import BY_RELATION, DEFAULT_LIMIT, EntityOut, EntityRelations, EntityTimelines

router = APIRouter(tags=["entities"])


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
    summary="The timeline of every relation of an entity, all its partners in one request; in pages.",
    responses=responses(422, 503),
)
def entity_timelines(
    code: Code, request: Request, service: ServiceDep, at: AsOfDep, limit: Limit = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> EntityTimelines:
    paged = service.entity_timelines_page(code, at, limit, start_after(BY_RELATION, cursor))
    result = paged.answer
    return result.model_copy(update={"next": next_link(request, paged.following, result.as_of_position)})


@router.get("/v1/entities", response_model=list[EntityOut], summary="The registry, or a search by name or alias.",
            responses=responses(422, 503))
def entities(
    service: ServiceDep,
    q: Annotated[str | None, Query(max_length=200, examples=["taiwan"])] = None,
) -> list[EntityOut]:
    return service.entities(q)


@router.get("/v1/entities/{code}", response_model=EntityOut, summary="One entity, by code, name or alias.",
            responses=responses(422, 503))
def entity(code: Code, service: ServiceDep) -> EntityOut:
    return service.entity(code)


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
