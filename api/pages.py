"""Pages of a long answer: how many rows a page holds, where it starts, and the link to the next.

A next link asks at the position the first page answered from (``at_position``), so a client that
follows the links reads one snapshot of the log, whatever is recorded meanwhile."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request

from api.problems import BadRequest
from projections import MAX_LIMIT, InvalidCursor, Key, Order

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="at most this many events a page")]
CursorQuery = Annotated[
    str | None, Query(description="start after the row a page ended with: the `cursor` of its `next` link")
]

def start_after(order: Order, cursor: str | None) -> Key | None:
    if cursor is None:
        return None
    try:
        return order.parse(cursor)
    except InvalidCursor as invalid:
        raise BadRequest(str(invalid), ["query", "cursor"]) from None


def next_link(request: Request, following: str | None, position: int) -> str | None:
    """The link to the page after ``following``, read at ``position`` (in place of any
    ``known_at``); None after the last."""
    if following is None:
        return None
    return same_query(request, "known_at", at_position=str(position), cursor=following)


def same_query(request: Request, *dropped: str, **given: str) -> str:
    """This request's path and query, without the parameters ``dropped`` and with those ``given``
    (in place of any the request had): the link to another page of the same answer."""
    gone = {*dropped, *given}
    kept = [(name, value) for name, value in request.query_params.multi_items() if name not in gone]
    return f"{request.url.path}?{urlencode([*kept, *given.items()])}"
