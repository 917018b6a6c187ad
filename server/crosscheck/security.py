"""Who may talk to the server: request guards in front of the API.

The server holds the owner's reading history, so it answers only

* requests addressed to its own loopback name (`Host`), which defeats DNS rebinding;
* requests from no web page: no `Origin` (curl, scripts), our own extension's origin,
  or the server's own pages; a web page's no-cors loads (`Sec-Fetch-Site: cross-site`)
  are refused too;
* requests that carry the owner's token as `Authorization: Bearer <token>`: a random secret
  kept in a 0600 file beside the store (`token_file`), made on first start, which the
  extension learns once by pairing and the CLI reads itself. Only `--no-token` turns it off.

CORS preflights are answered (by Starlette's CORSMiddleware) for our extension only: its
Chrome id is fixed by the manifest's `key`; Firefox gives each install a random
moz-extension UUID, so any Firefox extension origin passes this check (the token does not).
Every refusal is a JSON error `{"error": "..."}` with a 4xx status.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
CHROME_ID = "clcocfflilfncehhlhebekifemnmhilh"  # from extension/manifest.json's "key"
# Firefox gives each install a random UUID: any Firefox extension passes this check
FIREFOX_ORIGIN = r"moz-extension://[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
EXTENSION_ORIGIN = f"chrome-extension://{CHROME_ID}|{FIREFOX_ORIGIN}"
MAX_URL = 2048


@dataclass(frozen=True)
class Policy:
    """What the server trusts. `port` None (not yet bound, as in tests) accepts any port."""

    port: int | None = None
    bound_host: str | None = None  # the address bound, if the owner chose one: also our name
    extension_origins: tuple[str, ...] = ()  # pinned extension origins; empty: ours
    token: str | None = None  # None: no token asked for (`crosscheck serve --no-token`)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """0.0.0.0 or ::, which bind every address of the machine."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def host_names(policy: Policy) -> set[str]:
    names = set(LOOPBACK_NAMES)
    if policy.bound_host:
        names.add(bracketed(policy.bound_host).lower())
    return names


def host_allowed(policy: Policy, host: str) -> bool:
    """Is `host` (a Host header, name[:port]) one of our own names, on our port?"""
    match = re.fullmatch(r"(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?", host.lower())
    if match is None or match.group(1) not in host_names(policy):
        return False
    return policy.port is None or match.group(2) == str(policy.port)


def is_extension(policy: Policy, origin: str) -> bool:
    if policy.extension_origins:
        return origin in policy.extension_origins
    return re.fullmatch(EXTENSION_ORIGIN, origin) is not None


def token_file(db_path: str | Path) -> Path:
    """Where the store's token lives: beside it, db/crosscheck.db -> db/crosscheck.token; for a
    PostgreSQL database, in the user's data folder (`location.server_token_file`)."""
    from .location import is_url, server_token_file

    if is_url(db_path):
        return server_token_file(str(db_path))
    return Path(db_path).with_suffix(".token")


def owner_token(path: Path) -> str:
    """The token kept in `path`, made (random, mode 0600) if there is none yet.

    A file others could read may have been read: it is replaced by a new token.
    """
    if path.exists() and path.stat().st_mode & 0o077 == 0:
        token = path.read_text("ascii").strip()
        if token:
            return token
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fresh = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token + "\n")
    os.replace(fresh, path)
    return token


def read_token(db_path: str | Path) -> str | None:
    """The store's token as a program on this machine reads it, or None if there is none."""
    try:
        return token_file(db_path).read_text("ascii").strip() or None
    except OSError:
        return None


def pairing_link(host: str, port: int, token: str) -> str:
    """What the owner pastes into the extension's settings, once: address and token."""
    return f"http://{bracketed(host)}:{port}/?token={token}"


def origin_allowed(policy: Policy, origin: str) -> bool:
    """The extension's origin, or one of the server's own pages."""
    if is_extension(policy, origin):
        return True
    own = re.fullmatch(r"http://(.+)", origin)
    return own is not None and host_allowed(policy, own.group(1))


def refusal(policy: Policy, request: HTTPConnection) -> tuple[int, str] | None:
    """Why this request is refused (status, message), or None to let it through."""
    if len(request.scope["path"]) + len(request.scope["query_string"]) > MAX_URL:
        return 414, f"the URL is longer than {MAX_URL} characters"
    host = request.headers.get("host", "")
    if not host_allowed(policy, host):
        return 421, f"this server answers only to its own address, not to Host '{host[:100]}'"
    origin = request.headers.get("origin")
    if origin is not None and not origin_allowed(policy, origin):
        return 403, f"requests from web pages are refused (Origin '{origin[:100]}')"
    if origin is None and from_web_page(request):
        return 403, "requests from web pages are refused (Sec-Fetch-Site)"
    return None


def from_web_page(request: HTTPConnection) -> bool:
    """A page's no-cors load (img, script, link, form): it carries no Origin on GET.

    Extension fetches are CORS-mode (`Sec-Fetch-Mode: cors`), so they stay allowed.
    """
    site = request.headers.get("sec-fetch-site", "").lower()
    mode = request.headers.get("sec-fetch-mode", "").lower()
    return site in ("cross-site", "same-site") and mode != "cors"


class HostOriginGuard:
    """Refuse rebinding Hosts, web page Origins and over-long URLs before anything else."""

    def __init__(self, app: ASGIApp, policy: Policy):
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            refused = refusal(self.policy, HTTPConnection(scope))
            if refused is not None and scope["type"] == "websocket":
                await WebSocketClose(code=1008, reason=refused[1][:120])(scope, receive, send)
                return
            if refused is not None:
                await error(*refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TokenBackend(AuthenticationBackend):
    """Unless served with --no-token, every request must carry `Authorization: Bearer <token>`."""

    def __init__(self, token: str | None):
        self.token = token

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, None] | None:
        if self.token is None:
            return AuthCredentials(["owner"]), None
        scheme, _, given = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":  # the server's own pages: the cookie the pairing link set
            given = page_token(conn)
        if hmac.compare_digest(given.strip().encode(), self.token.encode()):
            return AuthCredentials(["owner"]), None
        if is_page(conn.scope["path"]):
            return None  # the page itself says how to pair this browser
        raise AuthenticationError(
                "a valid access token is required (Authorization: Bearer): pair the extension "
                "with the link `crosscheck token --link` prints")
        return AuthCredentials(["owner"]), None


def cookie_name(conn: HTTPConnection) -> str:
    """Cookies do not tell ports apart: one name per port, so two servers keep their own."""
    return f"crosscheck_token_{conn.url.port or 80}"


def page_token(conn: HTTPConnection) -> str:
    """The token a browser shows for the server's own pages: the cookie, or on `GET /` the
    pairing link's `?token=` (the home page then sets the cookie).

    The cookie counts only on a page, and only when the browser opens it as a page (a
    top-level navigation): a browser also gives the cookie to another extension's `fetch`
    with host permissions (Firefox even calls that fetch same-origin), but no script can make
    a navigation. The API never takes the cookie: the home page's script sends the token, as
    the extension does.
    """
    if conn.scope["path"] == "/" and conn.scope.get("method") == "GET" \
            and "token" in conn.query_params:  # whoever sends it knows it
        return conn.query_params["token"]
    if not (is_page(conn.scope["path"]) and is_navigation(conn)):
        return ""
    return conn.cookies.get(cookie_name(conn), "")


def is_navigation(conn: HTTPConnection) -> bool:
    """The browser opens this URL as the page in a tab (not a fetch, a frame or an image)."""
    headers = conn.headers
    return (headers.get("sec-fetch-mode", "").lower() == "navigate"
            and headers.get("sec-fetch-dest", "").lower() == "document")


def is_page(path: str) -> bool:
    """The server's HTML pages and their static files, which answer a browser without the
    token with a page saying how to pair it (the static files hold nothing of the store)."""
    return path == "/" or path.startswith(("/articles/", "/static/"))


def token_refused(conn: HTTPConnection, exc: Exception) -> Response:
    return error(401, str(exc), {"WWW-Authenticate": 'Bearer realm="crosscheck"'})


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def middleware(policy: Policy) -> list[Middleware]:
    """Outermost first: Host/Origin guard, CORS for the extension, then the token."""
    origins = "|".join(re.escape(o) for o in policy.extension_origins) or EXTENSION_ORIGIN
    return [
        Middleware(HostOriginGuard, policy=policy),
        Middleware(
            CORSMiddleware, allow_origin_regex=origins, allow_methods=("GET", "POST", "DELETE"),
            allow_headers=("Authorization", "Content-Type"),
        ),
        Middleware(AuthenticationMiddleware, backend=TokenBackend(policy.token),
                   on_error=token_refused),
    ]


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes, and with 408
    if it has not all arrived within `timeout` seconds."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit():
        raise HTTPException(400, "the Content-Length header is not a number")
    too_big = HTTPException(413, f"the body is over {limit // (1024 * 1024)} MB")
    if int(declared) > limit:
        raise too_big
    body = bytearray()
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise too_big
    except TimeoutError:
        raise HTTPException(408, f"the body did not arrive within {timeout:g} s") from None
    except ClientDisconnect:
        raise HTTPException(400, "the client left before sending its whole body") from None
    return bytes(body)
