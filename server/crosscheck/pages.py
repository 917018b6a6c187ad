"""The server's own pages, for a person at the browser: the home page at `/` (what is running,
the store, how to install the extension, a form to check a pasted text, the stored articles
with search) and a stored article at `/articles/{id}` (`?passage=ID` marks that passage and
scrolls to it; the sidebar's "stored copy" links open it).

HTML from Jinja2 templates (autoescaped: stored text is untrusted page text), with no
external resources: the CSS and the one script each page uses come from `/static`, and a
Content-Security-Policy allows nothing else. The pages pass the same guards as the API and
ask for the same token: a browser shows it as the cookie that opening the pairing link
(`/?token=...`, printed by `crosscheck serve`) sets, HttpOnly and SameSite=Strict, taken only
when the browser opens a page as a page (see `security.page_token`); without it a page says
how to pair the browser. The home page's script calls the API with the token as a header.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from . import __version__, security
from .location import extension_folder
from .names import clean_title, outlet_name
from .security import cookie_name
from .store import Store

LISTED = 100  # articles listed on the home page (newest first); search finds the others
MAX_QUERY = 200
MAX_ID = 2**63 - 1  # SQLite's largest integer
COOKIE_DAYS = 180
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # the home page holds the token for its script
}
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

templates = Jinja2Templates(env=Environment(
    loader=PackageLoader("crosscheck", "templates"), autoescape=True))


def store_of(request: Request) -> Store:
    return request.app.state.store


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status,
                                      headers=HEADERS)


def is_owner(request: Request) -> bool:
    return "owner" in request.auth.scopes


def pair_first(request: Request) -> Response:
    """401: for a browser, a page saying how to pair it; for a program, the API's JSON error."""
    if "text/html" not in request.headers.get("accept", ""):
        return security.error(401, "a valid access token is required: open the pairing link "
                                   "`crosscheck token --link` prints in your browser",
                              {"WWW-Authenticate": 'Bearer realm="crosscheck"'})
    return page(request, "pair.html", {"server": f"{request.url.scheme}://{request.url.netloc}"},
                status=401)


def home(request: Request) -> Response:
    if not is_owner(request):
        return pair_first(request)
    if "token" in request.query_params:  # the pairing link, checked: keep it as a cookie
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        response.set_cookie(cookie_name(request), request.query_params["token"],
                            max_age=COOKIE_DAYS * 86400, httponly=True, samesite="strict")
        return response
    store = store_of(request)
    query = request.query_params.get("q", "")[:MAX_QUERY].strip()
    rows, total = store.find_articles(query, LISTED)
    for row in rows:
        row["source"] = outlet_name(row["outlet"], row["url"]) or ""
        row["title"] = clean_title(row["title"], row["outlet"], row["url"])
    return page(request, "home.html", {
        "server": f"{request.url.scheme}://{request.url.netloc}", "version": __version__,
        "path": store.path, "size": store_size(store.disk_size()), "stats": store.stats(),
        "extension": extension_folder(), "query": query, "articles": rows, "total": total,
        "token": request.app.state.policy.token or "",
    })


def store_size(size: int) -> str:
    """The store's size on disk, e.g. `1.2 MB`."""
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"


def article_page(request: Request) -> Response:
    if not is_owner(request):
        return pair_first(request)
    article_id = request.path_params["id"]
    found = store_of(request).article(article_id) if article_id <= MAX_ID else None
    if found is None:
        return page(request, "missing.html", {"id": article_id}, status=404)
    chosen = request.query_params.get("passage", "")
    ids = {str(p["id"]) for p in found["passages"]}
    return page(request, "article.html", {
        "article": found | {"title": clean_title(found["title"], found["outlet"], found["url"])},
        "source": outlet_name(found["outlet"], found["url"]) or "",
        "link": found["url"] if re.match(r"https?://", found["url"] or "") else None,
        "paragraphs": paragraphs(found["text"], found["passages"]),
        "chosen": int(chosen) if chosen in ids else None,
        "unknown": chosen if chosen and chosen not in ids else None,
    })


def paragraphs(text: str, passages: list[dict[str, Any]]) -> list[list[tuple[str, int | None,
                                                                               bool]]]:
    """The article as paragraphs of pieces (text, passage id or None, first piece of it)."""
    pieces: list[tuple[str, int | None]] = []
    pos = 0
    for passage in sorted(passages, key=lambda p: p["start"]):
        if passage["start"] < pos:  # overlapping passages: the first one keeps the text
            continue
        pieces += [(text[pos:passage["start"]], None),
                   (text[passage["start"]:passage["end"]], passage["id"])]
        pos = passage["end"]
    pieces.append((text[pos:], None))
    result: list[list[tuple[str, int | None, bool]]] = [[]]
    for piece, passage_id in pieces:
        for i, part in enumerate(PARAGRAPH_BREAK.split(piece)):
            if i:
                result.append([])
            if part:
                result[-1].append((part, passage_id, i == 0))
    return [p for p in result if any(part.strip() for part, _, _ in p)]


routes = [
    Route("/", home, methods=["GET"], include_in_schema=False),
    Route("/articles/{id:int}", article_page, methods=["GET"], include_in_schema=False),
    Mount("/static", StaticFiles(packages=[("crosscheck", "static")]), name="static"),
]
