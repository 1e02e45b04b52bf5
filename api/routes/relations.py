"""One relation on a day, its timeline, and what changed between two days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.answers import answer, promptly
from api.deps import AsOfDep, Code, Explain, OnQuery, ServiceDep, day, today, window_edge
from api.pages import CursorQuery, Limit, next_link, start_after
from api.problems import BadRequest, responses
from projections import BY_BEGINNING, BY_EFFECT, DEFAULT_LIMIT, Changes, RelationState, Timeline

router = APIRouter(tags=["relations"])


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
    summary="Every event of the pair in valid-time order, and the days each fact held; in pages.",
    responses=responses(422, 503),
)
def timeline(
    a: Code,
    b: Code,
    request: Request,
    response: Response,
    service: ServiceDep,
    at: AsOfDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Timeline:
    paged = service.timeline_page(a, b, at, limit, start_after(BY_BEGINNING, cursor))
    result = paged.answer
    response.headers["ETag"] = f'"{result.version}"'
    return result.model_copy(update={"next": next_link(request, paged.following, result.as_of_position)})


@router.get(
    "/v1/changes",
    response_model=Changes,
    summary="What changed between two days (years and months cover their whole window); in pages.",
    responses=responses(422, 503),
)
def changes(
    request: Request,
    service: ServiceDep,
    at: AsOfDep,
    start: Annotated[str, Query(alias="from", examples=["2013"], description="compare from the end of this day")],
    end: Annotated[str, Query(alias="to", examples=["2018"], description="to the end of this day")],
    entity: Annotated[str | None, Query(description="only relations of this entity")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Changes:
    first, last = window_edge(start, "from", end=False), window_edge(end, "to", end=True)
    if last < first:
        raise BadRequest("to must not be before from", ["query", "to"])
    paged = service.changes_page(first, last, entity, at, limit, start_after(BY_EFFECT, cursor))
    result = paged.answer
    return result.model_copy(update={"next": next_link(request, paged.following, result.as_of_position)})
