"""The sidebar extension in real headless Chromium, against the real server on 127.0.0.1.

The news pages are served by a small http.server thread on 127.0.0.1; the panel
page is opened as a tab with `?tab=ID` naming the tab it works on.
Screenshots of each state land in tests/screenshots/.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ROOT, LiveServer, free_port, seed_text
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright
from starlette.testclient import TestClient

EXTENSION = ROOT / "extension"
PAGES = Path(__file__).parent / "extension_pages"
SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/lib/chromium/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
FIRST_CLAIM = "for the first time in 25 years"
UNRELATED = ("The city of Lyon said 40,000 visitors attended its annual light festival in "
             "December, a record for the event.")  # a claim no stored source mentions
WEB_EXT = "web-ext@8.10.0"  # .ci/run installs the same; 8.x runs on Debian 12's Node 18


def caliber_html() -> str:
    """Seed 001 as a news page: menu words in a <nav>, paragraphs in <p>, a
    sentence split across <em> and <a>, and one claim no stored source mentions."""
    lines = [line.strip() for line in seed_text("001").splitlines() if line.strip()]
    title = next(i for i, line in enumerate(lines) if line.startswith("Russia – North Korea deal"))
    nav = "".join(f"<li>{html.escape(line)}</li>" for line in lines[:title])
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines[title + 1:])
    body = body.replace(FIRST_CLAIM, 'for the <em>first time</em> in <a href="#">25 years</a>')
    body = body.replace("diplomatic isolation", "<strong>diplomatic</strong> isolation")
    body += f"\n<p>{UNRELATED}</p>"
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(lines[title])} | Caliber.az</title></head><body>"
            f"<nav><ul>{nav}</ul></nav><article><h1>{html.escape(lines[title])}</h1>"
            f"{body}</article></body></html>")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    for page in PAGES.glob("*.html"):
        shutil.copy(page, root / page.name)
    (root / "caliber.html").write_text(caliber_html(), "utf-8")
    bakery = (PAGES / "bakery.html").read_text("utf-8")
    (root / "long-title.html").write_text(bakery.replace("<title>", "<title>" + "Long " * 400))
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("db") / "crosscheck.db")
    yield live
    live.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            viewport={"width": 420, "height": 900},
            args=[*FLAGS, f"--disable-extensions-except={EXTENSION}",
                  f"--load-extension={EXTENSION}"])
        yield context
        context.close()


def extension_id(context: BrowserContext) -> str:
    worker = context.service_workers[0] if context.service_workers else \
        context.wait_for_event("serviceworker")
    return worker.url.split("/")[2]


class Panel:
    """The side panel page, opened as a tab, working on the tab showing `url`."""

    def __init__(self, context: BrowserContext, url: str, server: str):
        self.ext = f"chrome-extension://{extension_id(context)}"
        self.news = context.new_page()
        self.news.goto(url)
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.set_server(server)
        tab = self.page.evaluate("u => chrome.tabs.query({url: u}).then(t => t[0].id)", url)
        self.page.goto(f"{self.ext}/panel/panel.html?tab={tab}")
        expect(self.page.locator("#check")).to_be_enabled()  # the panel has found its tab

    def set_server(self, address: str, token: str | None = None) -> None:
        """Settings by hand; the token of the LiveServer at `address` unless one is given."""
        self.page.goto(f"{self.ext}/options/options.html")
        self.page.fill("#server", address)
        self.page.fill("#token", LiveServer.running.get(address, "") if token is None else token)
        self.page.click("#settings button[type=submit]")
        expect(self.page.locator("#result")).to_have_text("Saved.")

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def check(self) -> None:
        self.click("Check this page")
        self.wait()

    def wait(self) -> None:
        """Until the panel shows an answer or an error (a check takes seconds on a busy box)."""
        expect(self.page.locator(".answer, .status.error").first).to_be_visible(timeout=30_000)
        assert not self.errors

    def shot(self, name: str, page: Page | None = None) -> None:
        SHOTS.mkdir(exist_ok=True)
        (page or self.page).screenshot(path=str(SHOTS / f"{name}.png"), full_page=page is None)


def test_conflict_24_vs_25_years_comes_first(browser: BrowserContext, site: str,
                                            server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.evaluate("""() => { window.busySeen = [];
        new MutationObserver(() => { const p = document.querySelector('.status.busy');
          if (p) busySeen.push(p.textContent); })
        .observe(document.body, {childList: true, subtree: true}); }""")
    panel.check()
    assert page.evaluate("busySeen")[0] == "Checking this page against your sources…"
    expect(page.locator(".counts")).to_contain_text(
        re.compile(r"\d+ claims found: \d+ corroborated, [1-9]\d* in conflict"))
    first = page.locator(".claim").first
    expect(first.locator(".claim-text")).to_contain_text(FIRST_CLAIM)
    conflict = first.locator(".match.conflicts").first
    expect(conflict.locator(".badge")).to_have_text("Conflicts")
    expect(conflict.locator("td.here")).to_have_text("25 years")
    expect(conflict.locator("td.there")).to_have_text("24 years")
    expect(conflict.locator("mark.differs")).to_have_text("24 years")
    expect(conflict.locator("time")).to_have_text("2024-06-19")
    expect(first.locator(".claim-text mark.differs")).to_have_text("25 years")
    assert "/api/articles/" in (conflict.locator("a").get_attribute("href") or "")
    panel.shot("conflict")
    panel.shot("conflict-viewport", page)
    page.emulate_media(color_scheme="dark")
    panel.shot("conflict-dark")


def test_filters_show_only_their_claims(browser: BrowserContext, site: str,
                                        server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    page = panel.page
    total = page.locator(".claim").count()
    page.get_by_label(re.compile("^Conflicts")).check()
    assert page.locator(".claim").count() == page.locator(".claim.conflicts").count() >= 1
    page.get_by_label(re.compile("^Unmatched")).check()
    unmatched = page.locator(".claim").count()
    assert page.locator(".claim .badge.conflicts, .claim .badge.corroborates").count() == 0
    page.get_by_label(re.compile("^All")).check()
    assert page.locator(".claim").count() == total > unmatched
    lonely = page.locator("details.lonely")
    expect(lonely.locator("summary")).to_have_text(
        re.compile(r"^\d+ claims? no stored source mentions$"))
    expect(lonely.locator(".claim").first).to_be_hidden()
    lonely.locator("summary").click()
    expect(lonely.locator(".claim").first).to_be_visible()


def test_clicking_a_claim_highlights_it_in_the_page(browser: BrowserContext, site: str,
                                                    server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    panel.page.locator(".claim-text", has_text=FIRST_CLAIM).click()
    expect(panel.page.locator("#located")).to_have_text("Highlighted in the page.")
    highlighted = panel.news.evaluate(
        "() => [...CSS.highlights.get('crosscheck')].map(r => r.toString()).join(' ')")
    assert re.sub(r"\s+", " ", highlighted) == (
        "On June 19, Russian President Vladimir Putin arrived in North Korea for an official "
        "visit for the first time in 25 years.")
    assert panel.news.locator("em", has_text="first time").count() == 1  # page markup untouched
    panel.shot("highlight")
    panel.shot("page-highlight", panel.news)
    panel.page.locator(".claim-text", has_text="diplomatic isolation").click()
    panel.news.wait_for_function("() => window.scrollY > 0 && [...CSS.highlights.get('crosscheck')]"
                                 "[0].toString().includes('diplomatic isolation')")


def test_without_tab_parameter_the_panel_follows_the_active_tab(
        browser: BrowserContext, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.page.goto(f"{panel.ext}/panel/panel.html")
    expect(panel.page.locator(".intro")).to_be_visible()  # the panel is following its window
    panel.news.bring_to_front()
    panel.click("Check this page")
    expect(panel.page.locator(".claim-text").first).to_contain_text(FIRST_CLAIM)


def test_keyboard_alone_checks_and_highlights(browser: BrowserContext, site: str,
                                              server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent,"
                            " getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Check this page", "solid"]
    page.keyboard.press("Enter")
    panel.wait()
    claim = page.locator(".claim-text", has_text=FIRST_CLAIM)
    expect(claim).to_be_visible()
    claim.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#located")).to_have_text("Highlighted in the page.")
    panel.news.reload()
    expect(page.locator(".intro")).to_be_visible()  # the answer was for the page before
    expect(page.locator(".claim")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_panel_and_options_pass_axe(browser: BrowserContext, site: str, server: LiveServer,
                                    scheme: str) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.page.emulate_media(color_scheme=scheme)
    panel.check()
    panel.page.locator("details.more").first.locator("summary").click()
    found = Axe().run(panel.page)
    assert found.violations_count == 0, found.generate_report()
    panel.page.goto(f"{panel.ext}/options/options.html")
    found = Axe().run(panel.page)
    assert found.violations_count == 0, found.generate_report()


def test_add_this_page_then_already_stored(browser: BrowserContext, site: str,
                                           server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/bakery.html", server.url)
    panel.click("Add this page to my sources")
    expect(panel.page.locator(".status.notice")).to_have_text(
        re.compile(r"Added to your sources \(\d+ passages\)\."))
    panel.click("Add this page to my sources")
    expect(panel.page.locator(".status.notice")).to_have_text(
        "This page is already in your sources.")
    panel.shot("added")


def test_server_down_says_how_to_start_it(browser: BrowserContext, site: str) -> None:
    address = f"http://127.0.0.1:{free_port()}"
    panel = Panel(browser, f"{site}/caliber.html", address)
    panel.check()
    error = panel.page.locator(".status.error")
    expect(error).to_contain_text(f"The Crosscheck server is not running at {address}.")
    expect(error.locator("code")).to_have_text("make run")
    assert Axe().run(panel.page).violations_count == 0
    panel.shot("server-down")


def test_connection_test_in_the_options(browser: BrowserContext, site: str,
                                        server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.goto(f"{panel.ext}/options/options.html")
    page.click("#test")
    expect(page.locator("#result")).to_have_text(
        re.compile(r"Connected: \d+ articles, \d+ passages stored\."))
    panel.shot("options")
    page.fill("#server", f"http://127.0.0.1:{free_port()}")
    page.click("#test")
    expect(page.locator("#result")).to_contain_text("not running")
    page.fill("#server", "https://example.com")
    page.click("#settings button[type=submit]")
    expect(page.locator("#result")).to_contain_text("must be http://127.0.0.1:PORT")


def test_access_token_from_the_options_is_sent(browser: BrowserContext, site: str,
                                               tmp_path: Path) -> None:
    ext = f"chrome-extension://{extension_id(browser)}"
    guarded = LiveServer(tmp_path / "guarded.db", "--no-seeds", "--token", "s3cret token",
                         "--extension-origin", ext)
    try:
        LiveServer.running.pop(guarded.url)  # the panel starts without its token
        panel = Panel(browser, f"{site}/caliber.html", guarded.url)
        panel.check()
        expect(panel.page.locator(".status.error")).to_contain_text("access token in Settings")
        panel.shot("refused")
        panel.set_server(guarded.url, "s3cret token")
        panel.page.click("#test")
        expect(panel.page.locator("#result")).to_have_text(
            "Connected: 0 articles, 0 passages stored.")
    finally:
        guarded.stop()


def test_a_title_longer_than_the_server_takes_is_cut(browser: BrowserContext, site: str,
                                                     server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/long-title.html", server.url)
    panel.check()
    expect(panel.page.locator(".counts")).to_contain_text(re.compile(r"[1-9]\d* claims? found"))


def test_page_without_article_text(browser: BrowserContext, site: str,
                                   server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/empty.html", server.url)
    panel.check()
    expect(panel.page.locator("#results")).to_contain_text("No article text")
    panel.shot("no-article")


def test_nothing_matched_with_an_empty_store(browser: BrowserContext, site: str,
                                             tmp_path: Path) -> None:
    empty = LiveServer(tmp_path / "empty.db", "--no-seeds")
    try:
        panel = Panel(browser, f"{site}/caliber.html", empty.url)
        panel.check()
        expect(panel.page.locator(".nothing")).to_contain_text("Nothing matched")
        expect(panel.page.locator(".claim.unmatched").first).to_be_visible()  # nothing to fold
        panel.shot("nothing-matched")
    finally:
        empty.stop()


SAVED = PAGES / "answer-001.json"  # `crosscheck analyze seeds/001_*.txt --json`, as saved


def missing(saved: object, live: object, path: str = "") -> list[str]:
    """Paths of the saved JSON whose keys the live answer does not have (list items: every one)."""
    if isinstance(saved, dict):
        if not isinstance(live, dict):
            return [path or "."]
        return [gap for key, item in saved.items()
                for gap in ([f"{path}.{key}"] if key not in live
                            else missing(item, live[key], f"{path}.{key}"))]
    if isinstance(saved, list) and saved and isinstance(live, list):
        return [gap for item in saved[:1] for other in live
                for gap in missing(item, other, f"{path}[]")]
    return []


def test_the_server_still_answers_what_the_saved_answer_holds(client: TestClient) -> None:
    """Pins the contract between server and panel: the panel's tests render the saved answer."""
    live = client.post("/api/analyze", json={"text": seed_text("001")}).json()
    saved = json.loads(SAVED.read_text("utf-8"))
    assert saved["claims"][0]["matches"][0]["differences"]  # so every level is compared
    assert not missing(saved, live)


def show_answer(panel: Panel, answer: dict) -> None:
    """Hand the panel an answer as the background would, through the tab's session state."""
    panel.page.evaluate("""([answer]) => {
        const tab = new URLSearchParams(location.search).get('tab');
        return chrome.storage.session.set({['tab:' + tab]: {answer}}); }""", [answer])


def test_passages_render_as_text_and_links_only_to_the_web(browser: BrowserContext,
                                                           site: str) -> None:
    answer = json.loads(SAVED.read_text("utf-8"))
    passage = answer["claims"][0]["matches"][0]["passage"]
    passage.update(text='<img src=x onerror="document.title=1"> 24 years <b>bold</b>',
                   url="javascript:document.title=1", outlet="<i>Outlet</i>")
    answer["server"] = "http://127.0.0.1:8765"
    panel = Panel(browser, f"{site}/caliber.html", answer["server"])
    show_answer(panel, answer)
    first = panel.page.locator(".match").first
    expect(first.locator("blockquote")).to_contain_text('<img src=x onerror="document.title=1">')
    expect(first.locator(".outlet")).to_have_text("<i>Outlet</i>")
    assert panel.page.locator("#results img, #results b, #results i").count() == 0
    expect(first.locator("a")).to_have_attribute(
        "href", f"http://127.0.0.1:8765/api/articles/{passage['article_id']}")
    assert panel.page.locator("a[href^=javascript]").count() == 0


def test_a_sentence_not_in_the_page_is_reported_not_highlighted(browser: BrowserContext,
                                                                 site: str) -> None:
    panel = Panel(browser, f"{site}/bakery.html", "http://127.0.0.1:8765")
    show_answer(panel, json.loads(SAVED.read_text("utf-8")))  # the Caliber.az answer
    panel.page.locator(".claim-text", has_text=FIRST_CLAIM).click()
    expect(panel.page.locator("#located")).to_have_text("This sentence was not found in the page.")
    assert panel.news.evaluate("() => CSS.highlights.has('crosscheck')") is False


ANCHOR = (EXTENSION / "page" / "anchor.js").read_text("utf-8")


@pytest.mark.parametrize(("markup", "quote", "found", "how"), [
    ("<p>It was the <em>first</em> visit in <a href='#'>25\n years</a>.</p>",
     "It was the first visit in 25 years.", "It was the first visit in 25\n years.", "exact"),
    ("<p>He said \u201cno\u201d \u2014 twice.</p>", 'He said "no" - twice.',
     "He said \u201cno\u201d \u2014 twice.", "exact"),
    ("<p>The pact was signed in Pyongyang on Wednesday night.</p>",
     "The pact was signed in Pyongyang on Wednesday.",
     "The pact was signed in Pyongyang on Wednesday", "fuzzy"),
])
def test_anchoring_survives_page_markup(browser: BrowserContext, markup: str, quote: str,
                                        found: str, how: str) -> None:
    page = browser.new_page()
    page.set_content(f"<body><div>Menu</div>{markup}</body>")
    page.add_script_tag(content=ANCHOR)
    located = page.evaluate("q => { const f = crosscheckAnchor.locate({exact: q});"
                            " return {how: f.how, text: f.range.toString()}; }", quote)
    assert located == {"how": how, "text": found}


def test_anchoring_prefers_the_occurrence_with_matching_context(browser: BrowserContext) -> None:
    page = browser.new_page()
    page.set_content("<p>First: <b>Prices rose.</b></p><p>Second: <i>Prices rose.</i></p>")
    page.add_script_tag(content=ANCHOR)
    tag = page.evaluate("() => crosscheckAnchor.locate({exact: 'Prices rose.', prefix: 'Second: '})"
                        ".range.startContainer.parentElement.tagName")
    assert tag == "I"


def test_fallback_highlight_wraps_and_clears(browser: BrowserContext) -> None:
    page = browser.new_page()
    page.set_content("<p>One <em>two</em> three.</p>")
    page.add_script_tag(content=ANCHOR)
    marked = page.evaluate("() => { crosscheckAnchor.wrap("
                           "crosscheckAnchor.locate({exact: 'one two'}).range);"
                           " return [...document.querySelectorAll('mark')]"
                           ".map(m => m.textContent); }")
    assert marked == ["One ", "two"]
    page.evaluate("() => crosscheckAnchor.clear()")
    assert page.inner_html("p") == "One <em>two</em> three."


def test_web_ext_lint_reports_no_errors() -> None:
    run = subprocess.run(
        ["npx", "--yes", WEB_EXT, "lint", "-s", str(EXTENSION), "--output", "json"],
        capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    assert report["summary"]["errors"] == 0, report["errors"]
    explained = ("sidePanel", "service_worker")  # Chrome-only keys, see the README
    assert all(any(key in w["message"] for key in explained) for w in report["warnings"]), \
        report["warnings"]
