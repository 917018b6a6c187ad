"""The HTTP API: JSON in, JSON out, errors as {"error": "..."} with a 4xx status.

Endpoints are plain `def`s, so Starlette runs them in its thread pool and
SQLite work never blocks the event loop.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from . import __version__, pipeline
from .extract import ExtractError
from .store import Store
from .types import Page

MAX_BODY = 5 * 1024 * 1024
PAGE_FIELDS = ("html", "text", "url", "title")
ADD_FIELDS = PAGE_FIELDS + ("outlet", "published", "author")
MAX_FIELD = {"url": 2048, "title": 1000, "outlet": 200, "published": 64, "author": 500}

schemas = SchemaGenerator({
    "openapi": "3.0.0",
    "info": {"title": "Crosscheck", "version": __version__},
})


class ApiError(HTTPException):
    pass


async def read_page(request: Request, fields: tuple[str, ...]) -> Page:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "send the page as JSON (Content-Type: application/json)")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, f"the body is over {MAX_BODY // (1024 * 1024)} MB")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(422, "the body must be a JSON object")
    for name, value in data.items():
        if name in fields and value is not None and not isinstance(value, str):
            raise ApiError(422, f"field '{name}' must be a string")
        if name in MAX_FIELD and isinstance(value, str) and len(value) > MAX_FIELD[name]:
            raise ApiError(422, f"field '{name}' is longer than {MAX_FIELD[name]} characters")
    if not (data.get("html") or "").strip() and not (data.get("text") or "").strip():
        raise ApiError(422, "give the page as 'html' or 'text'")
    return Page(**{k: data.get(k) for k in fields})


def store_of(request: Request) -> Store:
    return request.app.state.store


def health(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: The server is up; counts of what is stored.
    """
    stats = store_of(request).stats()
    return JSONResponse({"status": "ok", "articles": stats["articles"], "passages": stats["passages"]})


async def analyze(request: Request) -> JSONResponse:
    """
    requestBody:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Page'}
    responses:
      200:
        description: The page's claims, each with matching passages from other sources.
      422:
        description: No usable page in the body.
    """
    page = await read_page(request, PAGE_FIELDS)
    return JSONResponse(await run(request, lambda: pipeline.analysis_json(
        pipeline.analyze(store_of(request), page))))


async def add_article(request: Request) -> JSONResponse:
    """
    requestBody:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Page'}
    responses:
      201:
        description: Stored.
      200:
        description: Already stored (duplicate is true).
    """
    page = await read_page(request, ADD_FIELDS)
    added = await run(request, lambda: pipeline.add(store_of(request), page))
    if added.duplicate:
        return JSONResponse({"id": added.id, "passages": added.passages, "duplicate": True})
    return JSONResponse({"id": added.id, "passages": added.passages}, status_code=201)


async def run(request: Request, work: Any) -> Any:
    from starlette.concurrency import run_in_threadpool
    try:
        return await run_in_threadpool(work)
    except ExtractError as exc:
        raise ApiError(422, str(exc)) from None


def list_articles(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: Every stored article.
    """
    return JSONResponse({"articles": store_of(request).articles()})


def article_id(request: Request) -> int:
    try:
        return int(request.path_params["id"])
    except ValueError:
        raise ApiError(404, "no such article") from None


def get_article(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: The article with its passages.
      404:
        description: No such article.
    """
    found = store_of(request).article(article_id(request))
    if found is None:
        raise ApiError(404, "no such article")
    return JSONResponse(found)


def delete_article(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: Deleted, with its passages.
      404:
        description: No such article.
    """
    if not store_of(request).delete(article_id(request)):
        raise ApiError(404, "no such article")
    return JSONResponse({"deleted": article_id(request)})


def openapi(request: Request) -> JSONResponse:
    schema = schemas.get_schema(routes=request.app.routes)
    schema["components"] = {"schemas": {"Page": PAGE_SCHEMA}}
    return JSONResponse(schema)


PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "html": {"type": "string", "description": "The page's HTML."},
        "text": {"type": "string", "description": "Or its plain text."},
        "url": {"type": "string", "maxLength": MAX_FIELD["url"]},
        "title": {"type": "string", "maxLength": MAX_FIELD["title"]},
        "outlet": {"type": "string", "maxLength": MAX_FIELD["outlet"]},
        "published": {"type": "string", "maxLength": MAX_FIELD["published"]},
        "author": {"type": "string", "maxLength": MAX_FIELD["author"]},
    },
}


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": "internal error"}, status_code=500)


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/analyze", analyze, methods=["POST"]),
    Route("/api/articles", list_articles, methods=["GET"]),
    Route("/api/articles", add_article, methods=["POST"]),
    Route("/api/articles/{id}", get_article, methods=["GET"]),
    Route("/api/articles/{id}", delete_article, methods=["DELETE"]),
    Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
]


def create_app(db_path: str, seeds: bool = True) -> Starlette:
    store = Store(db_path)
    if seeds:
        pipeline.ensure_seeded(store)
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, 500: server_error},
    )
    app.state.store = store
    return app
