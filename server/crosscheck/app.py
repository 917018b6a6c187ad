"""The HTTP API: JSON in, JSON out, errors as {"error": "..."} with a 4xx status.

Requests pass the guards of `security` first (Host, Origin, token). Reads are plain
`def`s, so Starlette runs them in its thread pool and SQLite work never blocks the event
loop; analyses and additions run in threads of their own, in two lanes (`limits`), under a
deadline (503 past it), so reads and health never wait behind them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from . import __version__, limits, pages, pipeline, security, stories
from .extract import ExtractError
from .limits import Deadline, Late
from .store import NotCommitted, Store, StoreError
from .types import Page

T = TypeVar("T")

JSON = "application/json"
MAX_BODY = 5 * 1024 * 1024
PAGE_FIELDS = ("html", "text", "url", "title")
ADD_FIELDS = PAGE_FIELDS + ("outlet", "published", "author")
MAX_FIELD = {"url": 2048, "title": 1000, "outlet": 200, "published": 64, "author": 500}
MAX_CLAIM = 5000  # characters of a claim sent with feedback
PAGING = {"limit": (50, 1, 500), "offset": (0, 0, 10**9),  # GET /api/stories: default, least,
          "min_articles": (2, 1, 10**6)}  # most
DEADLINE = 30.0  # seconds one analysis or addition may take before the client gets a 503

schemas = SchemaGenerator({
    "openapi": "3.0.0",
    "info": {"title": "Crosscheck", "version": __version__},
})


class ApiError(HTTPException):
    pass


async def read_json(request: Request, what: str = "the page") -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != JSON:
        raise ApiError(415, f"send {what} as JSON (Content-Type: application/json)")
    body = await security.read_body(request, MAX_BODY, limits.BODY_TIMEOUT)
    request.state.body_size = len(body)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(422, "the body must be a JSON object")
    return data


async def read_page(request: Request, fields: tuple[str, ...]) -> Page:
    data = await read_json(request)
    for name in ADD_FIELDS:
        check_field(name, data.get(name))
    if not (data.get("html") or "").strip() and not (data.get("text") or "").strip():
        raise ApiError(422, "give the page as 'html' or 'text'")
    count = limits.tags(data.get("html") or "")
    if count > limits.MAX_TAGS:
        raise ApiError(413, f"the page has more than {limits.MAX_TAGS:,} tags; "
                            "send the article alone, or its text")
    request.state.lane = limits.lane(request.state.body_size, count)
    return Page(**{k: data.get(k) for k in fields})


def check_field(name: str, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise ApiError(422, f"field '{name}' must be a string")
    limit = MAX_FIELD.get(name, MAX_BODY)
    if len(value) > limit:
        raise ApiError(422, f"field '{name}' is longer than {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(422, f"field '{name}' is not valid Unicode text") from None


def store_of(request: Request) -> Store:
    return request.app.state.store


def health(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: The server is up; counts of what is stored.
        content: {application/json: {schema: {$ref: '#/components/schemas/Health'}}}
    """
    stats = store_of(request).stats()
    return JSONResponse(
        {"status": "ok", "articles": stats["articles"], "passages": stats["passages"]})


async def analyze(request: Request) -> JSONResponse:
    """
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}
    responses:
      200:
        description: The page's claims, each with matching passages from other sources.
        content: {application/json: {schema: {$ref: '#/components/schemas/Analysis'}}}
    """
    page = await read_page(request, PAGE_FIELDS)
    started = time.perf_counter()
    body = await run(request, lambda deadline: pipeline.analysis_json(
        pipeline.analyze(store_of(request), page)))
    spent = f"analyze;dur={(time.perf_counter() - started) * 1000:.1f}"  # read by bench/perf.py
    return JSONResponse(body, headers={"Server-Timing": spent})


async def add_article(request: Request) -> JSONResponse:
    """
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}
    responses:
      201:
        description: Stored.
        content: {application/json: {schema: {$ref: '#/components/schemas/Added'}}}
      200:
        description: Already stored (duplicate is true).
        content: {application/json: {schema: {$ref: '#/components/schemas/Added'}}}
    """
    page = await read_page(request, ADD_FIELDS)
    added = await run(request, lambda deadline: pipeline.add(
        store_of(request), page, deadline.commit))
    if added.duplicate:
        return JSONResponse({"id": added.id, "passages": added.passages, "duplicate": True})
    return JSONResponse({"id": added.id, "passages": added.passages}, status_code=201)


async def run(request: Request, work: Callable[[Deadline], T]) -> T:
    """Run `work` in the lane `read_page` chose, answering 503 if it is not done by the deadline.

    A thread cannot be stopped, so late work runs on, holding its lane, while the client
    gets its answer; an addition either commits before that answer, or never (`Deadline`).
    """
    deadline = Deadline(request.app.state.deadline)
    lane = request.app.state.lanes[request.state.lane]
    task = asyncio.ensure_future(anyio.to_thread.run_sync(limits.in_time, work, deadline,
                                                          limiter=lane))
    task.add_done_callback(limits.settle)
    try:
        with anyio.move_on_after(deadline.seconds):
            return await asyncio.shield(task)
        if deadline.abandon():
            if not deadline.started:
                task.cancel()  # one still waiting for its lane never starts; one that has
                # begun keeps its lane until its thread ends (cancelling would free it)
            raise Late
        return await task  # it is committing: answer what was stored
    except (Late, NotCommitted):
        raise ApiError(503, f"the server could not finish this within {deadline.seconds:g} s; "
                            "nothing was stored; try again, or send a shorter page") from None
    except ExtractError as exc:
        raise ApiError(422, str(exc)) from None
    except RecursionError:
        raise ApiError(422, "the page is nested too deeply") from None


def list_articles(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: Every stored article.
        content: {application/json: {schema: {$ref: '#/components/schemas/Articles'}}}
    """
    return JSONResponse({"articles": store_of(request).articles()})


def article_id(request: Request, what: str = "article") -> int:
    raw = request.path_params["id"]
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        raise ApiError(404, f"no such {what}")
    return int(raw)


def get_article(request: Request) -> JSONResponse:
    """
    parameters: [{$ref: '#/components/parameters/id'}]
    responses:
      200:
        description: The article with its passages.
        content: {application/json: {schema: {$ref: '#/components/schemas/Article'}}}
      404:
        description: No such article.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    found = store_of(request).article(article_id(request))
    if found is None:
        raise ApiError(404, "no such article")
    return JSONResponse(found)


def delete_article(request: Request) -> JSONResponse:
    """
    parameters: [{$ref: '#/components/parameters/id'}]
    responses:
      200:
        description: Deleted, with its passages.
        content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}
      404:
        description: No such article.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    if not store_of(request).delete(article_id(request)):
        raise ApiError(404, "no such article")
    return JSONResponse({"deleted": article_id(request)})


async def add_feedback(request: Request) -> JSONResponse:
    """
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/NewFeedback'}}}
    responses:
      201:
        description: Recorded; the pair is left out of every later analysis.
        content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackId'}}}
      404:
        description: No such passage.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    data = await read_json(request, "the feedback")
    claim, passage, relation = data.get("claim"), data.get("passage_id"), data.get("relation")
    if not isinstance(claim, str) or not claim.strip() or len(claim) > MAX_CLAIM:
        raise ApiError(422, f"field 'claim' must be the claim's text (1 to {MAX_CLAIM} characters)")
    if type(passage) is not int or not 0 < passage < 2**62:
        raise ApiError(422, "field 'passage_id' must be a passage id (a positive integer)")
    if relation not in (None, "corroborates", "conflicts", "related"):
        raise ApiError(422, "field 'relation' must be corroborates, conflicts or related")
    check_field("claim", claim)
    found = await anyio.to_thread.run_sync(
        store_of(request).add_feedback, claim, passage, relation)
    if found is None:
        raise ApiError(404, "no such passage")
    return JSONResponse({"id": found}, status_code=201)


def list_feedback(request: Request) -> JSONResponse:
    """
    responses:
      200:
        description: Every "not the same fact" judgement, as labelled data.
        content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackList'}}}
    """
    return JSONResponse({"feedback": store_of(request).feedback()})


def delete_feedback(request: Request) -> JSONResponse:
    """
    parameters: [{$ref: '#/components/parameters/id'}]
    responses:
      200:
        description: Undone; the pair is shown again.
        content: {application/json: {schema: {$ref: '#/components/schemas/FeedbackDeleted'}}}
      404:
        description: No such judgement.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    found = article_id(request, "feedback")  # the same id rule as articles
    if not store_of(request).delete_feedback(found):
        raise ApiError(404, "no such feedback")
    return JSONResponse({"deleted": found})


def paging(request: Request) -> dict[str, int]:
    """The listing's query parameters: whole numbers within their bounds, else a 422."""
    unknown = set(request.query_params) - set(PAGING)
    if unknown:
        raise ApiError(422, f"unknown parameter '{sorted(unknown)[0]}'; known: {', '.join(PAGING)}")
    values = {}
    for name, (default, low, high) in PAGING.items():
        raw = request.query_params.get(name)
        if raw is None:
            values[name] = default
            continue
        if not (raw.isascii() and raw.isdigit() and len(raw) < 12 and low <= int(raw) <= high):
            raise ApiError(422, f"parameter '{name}' must be a whole number from {low} to {high}")
        values[name] = int(raw)
    return values


def list_stories(request: Request) -> JSONResponse:
    """
    parameters:
      - {$ref: '#/components/parameters/limit'}
      - {$ref: '#/components/parameters/offset'}
      - {$ref: '#/components/parameters/min_articles'}
    responses:
      200:
        description: The stories in the store, newest first, with their outlets; one page of them.
        content: {application/json: {schema: {$ref: '#/components/schemas/Stories'}}}
      422:
        description: A parameter that is not a whole number in its range, or an unknown one.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    given = paging(request)
    return JSONResponse(stories.listing(store_of(request), given["limit"], given["offset"],
                                        given["min_articles"]))


async def get_story(request: Request) -> JSONResponse:
    """
    parameters: [{$ref: '#/components/parameters/id'}]
    responses:
      200:
        description: The story with its articles, and the claims of them another article of the
          story corroborates or contradicts.
        content: {application/json: {schema: {$ref: '#/components/schemas/Story'}}}
      404:
        description: No such story.
        content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
    """
    story_id = article_id(request, "story")
    request.state.lane = "ordinary"
    found = await run(request, lambda deadline: pipeline.story_detail(store_of(request), story_id))
    if found is None:
        raise ApiError(404, "no such story")
    return JSONResponse(found)


def openapi(request: Request) -> JSONResponse:
    return JSONResponse(description())


def description() -> dict[str, Any]:
    """The OpenAPI description of the API, errors and refusals included."""
    schema = schemas.get_schema(routes=routes)
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            operation["responses"] = {str(k): v for k, v in operation["responses"].items()}
            errors = REFUSALS | (BODY_ERRORS if method == "post" else {}) | (
                WRITE_ERRORS if method in ("post", "delete") else {})
            for status, description in errors.items():
                operation["responses"].setdefault(status, {
                    "description": description, "content": ERROR_BODY})
    schema["components"] = COMPONENTS
    schema["security"] = [{}, {"token": []}]
    return schema


REFUSALS = {
    "401": "The request does not carry the owner's token (Authorization: Bearer), unless the "
           "server runs with --no-token.",
    "403": "The request comes from a web page or another extension (Origin or Sec-Fetch-Site).",
    "414": "The URL is too long.",
    "421": "The Host header is not this server's own address (DNS rebinding).",
    "503": "The store is damaged, read-only (for a change) or busy; the error says what to do.",
}
WRITE_ERRORS = {
    "507": "The disk holding the store is full: nothing was stored.",
}
BODY_ERRORS = {
    "400": "The body is not valid JSON (or UTF-8).",
    "408": f"The body did not arrive within {limits.BODY_TIMEOUT:g} s.",
    "413": f"The body is over {MAX_BODY // (1024 * 1024)} MB, or the page has more than "
           f"{limits.MAX_TAGS:,} tags.",
    "415": "The body is not sent as application/json.",
    "422": "No usable page in the body, or a field of the wrong type or size (named).",
    "503": f"The work did not finish within the deadline ({DEADLINE:g} s by default; nothing "
           "was stored), or the store is damaged or read-only; the error says what to do.",
}
ERROR_BODY = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
TEXT = {"type": "string"}
OPTIONAL_TEXT = {"type": "string", "nullable": True}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": required | optional}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


PAGE_SCHEMA = {
    "type": "object",
    "description": "A page: 'html' or 'text' is required; the rest is what the caller knows.",
    "anyOf": [{"required": ["html"]}, {"required": ["text"]}],
    "properties": {
        "html": {"type": "string", "nullable": True, "description": "The page's HTML."},
        "text": {"type": "string", "nullable": True, "description": "Or its plain text."},
        **{name: {"type": "string", "nullable": True, "maxLength": size}
           for name, size in MAX_FIELD.items()},
    },
}
METADATA = {name: OPTIONAL_TEXT for name in ("title", "outlet", "url", "published")}
STORY_ARTICLE = obj({"id": INTEGER, **METADATA})
PAGE_STORY = {**obj({
    "id": INTEGER, "first": OPTIONAL_TEXT, "last": OPTIONAL_TEXT, "outlets": COUNT,
    "articles": array(obj({**STORY_ARTICLE["properties"], "corroborates": COUNT,
                           "contradicts": COUNT})),
    "only_here": array(COUNT) | {
        "description": "Claims (by index) no other article of the story reports."},
    "everywhere": array(COUNT) | {
        "description": "Claims (by index) every other article corroborates."},
}), "nullable": True, "description": "The page's story in the store, or null (stories.py)."}
COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Page": PAGE_SCHEMA,
        "Error": obj({"error": TEXT}),
        "Health": obj({"status": {"type": "string", "enum": ["ok"]}, "articles": COUNT,
                       "passages": COUNT}),
        "Analysis": obj({
            "article": obj({"text": TEXT, **METADATA, "author": OPTIONAL_TEXT}),
            "claims": array(ref("Claim")),
            "summary": obj({"claims": COUNT, "corroborated": COUNT, "conflicted": COUNT,
                            "sources": COUNT}),
            "story": PAGE_STORY,
        }),
        "Claim": obj({"text": TEXT, "start": COUNT, "end": COUNT,
                      "matches": array(ref("Match")), "sources": COUNT}),
        "Match": obj(
            {"relation": {"type": "string", "enum": ["conflicts", "corroborates", "related"]},
             "score": SHARE, "passage": ref("Passage"), "differences": array(ref("Difference"))},
            confidence=SHARE | {"nullable": True}, reason=TEXT, in_story={"type": "boolean"},
        ),
        "Passage": obj({"id": INTEGER, "text": TEXT, "article_id": INTEGER, **METADATA}),
        "Difference": obj({"kind": TEXT, "claim": TEXT, "passage": TEXT}),
        "Added": obj({"id": INTEGER, "passages": COUNT},
                     duplicate={"type": "boolean", "enum": [True]}),
        "Stories": obj({"stories": array(obj(
            {"id": INTEGER, "articles": COUNT, "first": OPTIONAL_TEXT, "last": OPTIONAL_TEXT,
             "outlets": array(obj({"name": TEXT, "articles": COUNT}))},
            title=OPTIONAL_TEXT)), "total": COUNT, "limit": COUNT, "offset": COUNT}),
        "Story": obj({
            "id": INTEGER, "first": OPTIONAL_TEXT, "last": OPTIONAL_TEXT, "outlets": COUNT,
            "articles": array(STORY_ARTICLE), "checked": COUNT,
            "claims": array(obj({
                "article_id": INTEGER, "text": TEXT,
                "corroborated_by": array(INTEGER), "contradicted_by": array(INTEGER)})),
        }),
        "Articles": obj({"articles": array(obj({"id": INTEGER, "passages": COUNT, **METADATA}))}),
        "Article": obj({
            "id": INTEGER, "text": TEXT, **METADATA, "author": OPTIONAL_TEXT,
            "language": OPTIONAL_TEXT, "added": TEXT,
            "passages": array(obj({"id": INTEGER, "seq": COUNT, "start": COUNT, "end": COUNT,
                                   "text": TEXT})),
        }),
        "Deleted": obj({"deleted": INTEGER}),
        "NewFeedback": obj({"claim": TEXT, "passage_id": INTEGER}, relation=OPTIONAL_TEXT),
        "FeedbackId": obj({"id": INTEGER}),
        "FeedbackDeleted": obj({"deleted": INTEGER}),
        "FeedbackList": obj({"feedback": {"type": "array", "items": obj(
            {"id": INTEGER, "claim": TEXT, "passage_id": INTEGER, "passage": TEXT,
             "verdict": TEXT}, relation=OPTIONAL_TEXT, created=OPTIONAL_TEXT)}}),
    },
    "parameters": {
        "id": {"name": "id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1}},
        **{name: {"name": name, "in": "query", "required": False, "schema": {
            "type": "integer", "minimum": low, "maximum": high, "default": default}}
           for name, (default, low, high) in PAGING.items()},
    },
    "securitySchemes": {
        "token": {"type": "http", "scheme": "bearer",
                  "description": "Only when the server was started with a token."},
    },
}


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": "internal error"}, status_code=500)


async def storage_error(request: Request, exc: Exception) -> JSONResponse:
    """A full disk (507), a read-only or damaged store (503): said plainly, with what to do."""
    failure = store_of(request).failure(exc)
    if failure is None:
        raise exc
    return JSONResponse({"error": failure.message}, status_code=failure.status)


class Articles(HTTPEndpoint):
    """One route per path, so a 405 names every method the path allows."""

    get = staticmethod(list_articles)
    post = staticmethod(add_article)


class Feedback(HTTPEndpoint):
    get = staticmethod(list_feedback)
    post = staticmethod(add_feedback)


class OneFeedback(HTTPEndpoint):
    delete = staticmethod(delete_feedback)


class Stories(HTTPEndpoint):
    get = staticmethod(list_stories)


class OneStory(HTTPEndpoint):
    get = staticmethod(get_story)


class OneArticle(HTTPEndpoint):
    get = staticmethod(get_article)
    delete = staticmethod(delete_article)


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/analyze", analyze, methods=["POST"]),
    Route("/api/articles", Articles, methods=["GET", "POST"]),
    Route("/api/articles/{id}", OneArticle, methods=["GET", "DELETE"]),
    Route("/api/stories", Stories, methods=["GET"]),
    Route("/api/stories/{id}", OneStory, methods=["GET"]),
    Route("/api/feedback", Feedback, methods=["GET", "POST"]),
    Route("/api/feedback/{id}", OneFeedback, methods=["DELETE"]),
    Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
    *pages.routes,  # the home page and readable stored articles, for a person at the browser
]


def profiling(store: Store) -> Callable[[Starlette], Any]:
    """While the server runs, passages stored without a profile (a new version of the code
    that reads them forgot the old ones) are profiled beside it."""

    def fill() -> None:
        try:
            if done := pipeline.fill_profiles(store):
                logging.getLogger("crosscheck").info("profiled %d stored passages", done)
        except Exception as exc:  # a damaged or full store: analyses still profile as they go
            logging.getLogger("crosscheck").warning("stored passages not profiled: %s", exc)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not store.read_only:
            threading.Thread(target=fill, name="profiles", daemon=True).start()
        yield
        store.close()  # a database server's connections go back at shutdown

    return lifespan


def create_app(db_path: str, seeds: bool = True, policy: security.Policy | None = None,
               deadline: float = DEADLINE) -> Starlette:
    """The API over the store at `db_path`, guarded by `policy` (default: loopback only).

    Raises StoreError if the store cannot be opened or fails its quick check."""
    policy = policy or security.Policy()
    store = Store(db_path)
    store.check()
    pipeline.ensure_profiles(store)
    seeded = pipeline.ensure_seeded(store) if seeds and not store.read_only else 0
    pipeline.ensure_stories(store)
    app = Starlette(
        routes=routes,
        lifespan=profiling(store),
        middleware=security.middleware(policy),
        exception_handlers={HTTPException: http_error, StoreError: storage_error,
                            **dict.fromkeys(store.errors, storage_error), 500: server_error},
    )
    app.state.store = store
    app.state.seeded = seeded  # articles of the seed corpus loaded into a new store just now
    app.state.deadline = deadline
    app.state.lanes = limits.lanes()
    app.state.policy = policy
    return app
