"""The page for people (contract, "For people"): ``GET /`` and its static files, served from the
repository's ``api/static`` folder. Nothing is fetched from anywhere else at run time, and the
Content-Security-Policy says so to the browser."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

STATIC = Path(__file__).resolve().parent.parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".png": "image/png",
}

# Only this origin: no CDN, no web fonts from elsewhere, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(tags=["page"])


def _file(name: str, request: Request) -> Response:
    """One file of ``api/static`` by its bare name, with its content type and an ETag."""
    path = STATIC / name
    content_type = CONTENT_TYPES.get(path.suffix)
    if "/" in name or "\\" in name or name.startswith(".") or content_type is None or not path.is_file():
        raise StarletteHTTPException(404)
    body = path.read_bytes()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {**SECURITY_HEADERS, "ETag": etag, "Cache-Control": "no-cache"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=content_type, headers=headers)


@router.get(
    "/",
    summary="The page for people: an entity's relations on a day, and the timeline of each.",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}, "description": "the page (HTML)"}},
)
def page(request: Request) -> Response:
    return _file("index.html", request)


@router.get("/static/{name}", include_in_schema=False)
def static(name: Annotated[str, PathParam()], request: Request) -> Response:
    return _file(name, request)
