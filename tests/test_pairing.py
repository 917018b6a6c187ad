"""Only the owner's extension and programs reach the store (issue 14): the token, on by default.

Over real HTTP against `crosscheck serve`, and in real Chromium with our extension and two
other extensions loaded beside it (one with host permissions for 127.0.0.1, one without).
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import ROOT, LiveServer, seed_text
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright
from starlette.routing import Route
from test_security import ARTICLE, EXTENSION, OTHER_EXTENSION, WEB_PAGE, snapshot

from crosscheck.app import routes
from crosscheck.security import CHROME_ID, owner_token, token_file

CHROMIUM = "/usr/lib/chromium/chromium"
OURS = ROOT / "extension"
SHOTS = Path(__file__).parent / "screenshots"


def every_call() -> list[tuple[str, str]]:
    """(method, path) of every endpoint the server has."""
    return sorted((method, re.sub(r"\{id(:int)?\}", "1", route.path)) for route in routes
                  if isinstance(route, Route) for method in route.methods - {"HEAD"})


def call(server: LiveServer, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    body = ARTICLE if method == "POST" else None
    return httpx.request(method, server.url + path, json=body, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("paired") / "crosscheck.db")
    yield live
    live.stop()


def test_without_the_token_every_endpoint_is_refused(server: LiveServer) -> None:
    db = Path(server.proc.args[server.proc.args.index("--db") + 1])
    before = snapshot(db)
    wrong = "x" + server.token[1:]
    for method, path in every_call():
        for headers in ({}, {"Authorization": f"Bearer {wrong}"}, {"Authorization": server.token},
                        {"Authorization": "Bearer"}, {"Origin": EXTENSION}):
            answer = call(server, method, path, headers)
            assert answer.status_code == 401, (method, path, headers, answer.text)
            assert "token" in answer.json()["error"]
        for origin in (WEB_PAGE, OTHER_EXTENSION):  # the token does not help them
            answer = call(server, method, path, {"Origin": origin, **server.auth})
            assert answer.status_code == 403, (method, path, origin, answer.text)
    assert snapshot(db) == before


def test_with_the_token_everything_works(server: LiveServer) -> None:
    statuses = {(method, path): call(server, method, path, server.auth).status_code
                for method, path in every_call()}
    assert statuses == {
        ("DELETE", "/api/articles/1"): 200, ("GET", "/api/articles"): 200,
        ("GET", "/api/articles/1"): 404,  # deleted just before (calls run in sorted order)
        ("GET", "/api/health"): 200, ("GET", "/openapi.json"): 200,
        ("GET", "/"): 200, ("GET", "/articles/1"): 404,  # the home page, a stored article
        ("POST", "/api/analyze"): 200, ("POST", "/api/articles"): 201,
        ("DELETE", "/api/feedback/1"): 404, ("GET", "/api/feedback"): 200,
        ("GET", "/api/stories"): 200, ("GET", "/api/stories/1"): 200,  # the seeds' June story
        ("POST", "/api/feedback"): 422,  # the page body is no feedback
    }
    ours = call(server, "GET", "/api/health", {"Origin": EXTENSION, **server.auth})
    assert ours.headers["access-control-allow-origin"] == EXTENSION


def crosscheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


def output(live: LiveServer) -> str:
    """What the server has printed so far (its start banner)."""
    live.log.seek(0)
    return live.log.read().decode()


def test_the_token_is_made_once_kept_private_and_read_by_the_cli(db_path: Path) -> None:
    live = LiveServer(db_path, "--no-seeds")
    banner = output(live)
    live.stop()
    assert stat.S_IMODE(token_file(db_path).stat().st_mode) == 0o600
    assert live.token and len(live.token) >= 40
    assert f"http://127.0.0.1:{live.port}/?token={live.token}" in banner  # the pairing link
    again = LiveServer(db_path, "--no-seeds")  # a restart keeps the pairing
    again.stop()
    assert again.token == live.token
    printed = crosscheck("token", "--db", str(db_path))
    assert printed.returncode == 0 and printed.stdout.strip() == live.token
    link = crosscheck("token", "--link", "--port", "9000", "--db", str(db_path))
    assert link.stdout.strip() == f"http://127.0.0.1:9000/?token={live.token}"


def test_a_token_others_could_read_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "crosscheck.token"
    path.write_text("leaked\n")
    path.chmod(0o644)
    fresh = owner_token(path)
    assert fresh != "leaked" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert owner_token(path) == fresh
    os.umask(old := os.umask(0))
    try:
        other = owner_token(tmp_path / "new" / "crosscheck.token")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new" / "crosscheck.token").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700 and other != fresh


def test_no_token_serves_everyone_and_says_so(db_path: Path) -> None:
    live = LiveServer(db_path, "--no-token", "--no-seeds")
    try:
        assert "WARNING: --no-token" in output(live)
        assert httpx.get(live.url + "/api/articles").status_code == 200
    finally:
        live.stop()
    assert not token_file(db_path).exists()


def test_the_manifest_key_gives_the_id_the_server_trusts() -> None:
    import base64
    import hashlib

    key = json.loads((OURS / "manifest.json").read_text("utf-8"))["key"]
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == CHROME_ID


# ---------------------------------------------------------------- in real Chromium

OTHER_MANIFEST = {"manifest_version": 3, "name": "Someone else's", "version": "1.0",
                  "background": {"service_worker": "worker.js"}}
PROBE = """async ([server, calls]) => Promise.all(calls.map(async ([method, path, body]) => {
  try {
    const r = await fetch(server + path, {method, body, cache: 'no-store', credentials: 'include',
      headers: body ? {'Content-Type': 'application/json'} : {}});
    return [r.status, await r.text()];
  } catch (e) { return [0, String(e)]; }
}))"""


def other_extension(root: Path, name: str, hosts: list[str]) -> Path:
    folder = root / name
    folder.mkdir()
    manifest = {**OTHER_MANIFEST, "name": name, "host_permissions": hosts}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "worker.js").write_text("// nothing: the test drives its page\n")
    (folder / "probe.html").write_text("<!doctype html><title>probe</title>")
    return folder


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Chromium with our extension and two others: one may reach 127.0.0.1, one may not."""
    others = [other_extension(tmp_path, "with-hosts", ["http://127.0.0.1/*"]),
              other_extension(tmp_path, "no-permissions", [])]
    loaded = ",".join(str(p) for p in [OURS, *others])
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                  f"--disable-extensions-except={loaded}", f"--load-extension={loaded}"])
        while len(context.service_workers) < 3:
            context.wait_for_event("serviceworker")
        yield context
        context.close()


def extension_ids(context: BrowserContext) -> set[str]:
    return {worker.url.split("/")[2] for worker in context.service_workers}


def probe(page: Page, server: LiveServer) -> list[tuple[int, str]]:
    body = json.dumps(ARTICLE)
    calls = [[method, path, body if method == "POST" else None] for method, path in every_call()]
    calls += [["GET", path, None] for path in ("/?q=Pyongyang", "/articles/1?passage=1")]
    return page.evaluate(PROBE, [server.url, calls])


def test_other_extensions_and_web_pages_get_nothing(browser: BrowserContext,
                                                    server: LiveServer) -> None:
    db = Path(server.proc.args[server.proc.args.index("--db") + 1])
    before = snapshot(db)
    reader = browser.new_page()  # the reader opened the pairing link: this browser has its cookie
    reader.goto(server.pairing_link)
    expect(reader.locator("#counts")).to_contain_text("articles")
    assert any(c["name"].startswith("crosscheck_token_") for c in browser.cookies())
    others = extension_ids(browser) - {CHROME_ID}
    assert CHROME_ID in extension_ids(browser) and len(others) == 2  # our id comes from the key
    pages = []
    for other in sorted(others):
        page = browser.new_page()
        page.goto(f"chrome-extension://{other}/probe.html")
        pages.append(page)
    web = browser.new_page()
    browser.route("http://news.example/", lambda route: route.fulfill(
        body="<!doctype html><title>a page</title>", content_type="text/html"))
    web.goto("http://news.example/")
    pages.append(web)
    for page in pages:
        answers = probe(page, server)
        assert all(status in (0, 401, 403) for status, _ in answers), (page.url, answers)
        assert not any("passages" in text or "Pyongyang" in text for _, text in answers)
    assert snapshot(db) == before


def test_our_extension_pairs_in_one_step(browser: BrowserContext, server: LiveServer) -> None:
    options = browser.new_page()
    options.goto(f"chrome-extension://{CHROME_ID}/options/options.html")
    options.fill("#server", server.url)
    options.click("#test")  # not paired yet: refused
    expect(options.locator("#result")).to_contain_text("a valid access token is required")
    options.fill("#link", server.pairing_link)
    options.get_by_role("button", name="Pair").click()
    expect(options.locator("#result")).to_have_text(
        re.compile(rf"Paired with {re.escape(server.url)}: \d+ articles, \d+ passages stored\."))
    expect(options.locator("#token")).to_have_value(server.token)  # once saved
    SHOTS.mkdir(exist_ok=True)
    options.screenshot(path=str(SHOTS / "paired.png"))
    options.reload()  # kept
    expect(options.locator("#token")).to_have_value(server.token)
    # what the panel does next, through the one module that talks to the server
    answer = options.evaluate("""async (text) => {
        const api = await import('../lib/api.js');
        return (await api.analyze({text})).summary; }""", seed_text("001"))
    assert answer["conflicted"] >= 1
