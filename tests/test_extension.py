"""The sidebar extension in real headless Chromium and real headless Firefox, against the real
server on 127.0.0.1.

Every browser test runs twice, once per browser (tests/browsers.py drives both through one
interface). The news pages are served by a small http.server thread on 127.0.0.1; the panel
page is opened as a tab with `?tab=ID` naming the tab it works on. A test fails on any uncaught
error in the extension's panel, options or background. Screenshots of each state land in
tests/screenshots/, named after the browser.
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
from browsers import Browser, Chromium, Firefox, Tab
from conftest import ROOT, LiveServer, free_port, seed_text
from starlette.testclient import TestClient

EXTENSION = ROOT / "extension"
PAGES = Path(__file__).parent / "extension_pages"
SHOTS = Path(__file__).parent / "screenshots"
FIRST_CLAIM = "for the first time in 25 years"
UNRELATED = ("The city of Lyon said 40,000 visitors attended its annual light festival in "
             "December, a record for the event.")  # a claim no stored source mentions
WEB_EXT = "web-ext@8.10.0"  # scripts/test-deps installs the same; 8.x runs on Debian 12's Node 18
BROWSERS = ["chromium", "firefox"]


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


def kyiv_html() -> str:
    """Seed 004, a 37-claim opinion column, as a news page: short lines as headings."""
    lines = [line.strip() for line in seed_text("004").splitlines() if line.strip()]
    body = "\n".join(f"<h2>{html.escape(line)}</h2>" if len(line) < 70 and not line.endswith(".")
                     else f"<p>{html.escape(line)}</p>" for line in lines)
    title = "Putin's pacts with North Korea and Vietnam"
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{title} | Kyiv Post</title></head><body><article><h1>{title}</h1>"
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
    (root / "kyiv.html").write_text(kyiv_html(), "utf-8")
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


@pytest.fixture(scope="session")
def firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Firefox]:
    """One Firefox for the session (it takes 10-15 s to start on a busy box)."""
    found = Firefox(EXTENSION, tmp_path_factory.mktemp("firefox-profile"))
    yield found
    found.close()


@pytest.fixture(params=BROWSERS)
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Browser]:
    """Each browser in turn, with the extension loaded; the test fails if the extension's
    pages or background threw an uncaught error meanwhile."""
    if request.param == "chromium":
        found: Browser = Chromium(EXTENSION, tmp_path / "profile")
    else:
        found = request.getfixturevalue("firefox")
        found.reset()
    try:
        yield found
        assert not found.errors(), f"uncaught errors in the extension: {found.errors()}"
    finally:
        if isinstance(found, Chromium):
            found.close()


def shot(browser: Browser, tab: Tab, name: str, full: bool = True) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(SHOTS / f"{name}-{browser.name}.png", full)


def button(name: str) -> str:
    """A button by its accessible name (its label, else its text)."""
    return f"//button[@aria-label='{name}' or (not(@aria-label) and normalize-space()='{name}')]"


def claim_button(text: str) -> str:
    return f"//button[contains(@class, 'claim-text')][contains(., '{text}')]"


class Panel:
    """The side panel page, opened as a tab, working on the tab showing `url`."""

    def __init__(self, browser: Browser, url: str, server: str, token: str | None = None):
        self.browser = browser
        self.ext = browser.ext
        self.news = browser.open(url)
        self.page = browser.open(f"{self.ext}/options/options.html")
        self.set_server(server, token)
        tab = self.page.js("const tabs = await (globalThis.browser ?? chrome).tabs.query({});"
                           " return tabs.find((t) => t.url === args[0]).id", url)
        self.page.goto(f"{self.ext}/panel/panel.html?tab={tab}")
        self.page.wait("return !document.querySelector('#check').disabled")  # found its tab

    def set_server(self, address: str, token: str | None = None) -> None:
        """Settings by hand; the token of the LiveServer at `address` unless one is given."""
        if not self.page.js("return location.pathname === '/options/options.html'"):
            self.page.goto(f"{self.ext}/options/options.html")
        self.page.wait("return !document.querySelector('#fields').disabled")
        self.page.fill("#server", address)
        self.page.fill("#token", LiveServer.running.get(address, "") if token is None else token)
        self.page.click("#settings button[type=submit]")
        self.page.wait_text("#result", "Saved.")

    def click(self, name: str) -> None:
        self.page.click(button(name))

    def check(self) -> None:
        """Check and wait for the new answer (the old one stays on screen while busy)."""
        self.page.js("document.querySelector('.answer, .status.error')?.classList.add('old')")
        self.click("Check this page")
        self.wait()

    def wait(self) -> None:
        """Until the panel shows an answer or an error (a check takes seconds on a busy box)."""
        self.page.wait("return document.querySelector('#results[aria-busy=false]')"
                       " && document.querySelector('.answer:not(.old), .status.error:not(.old)')")

    def shot(self, name: str, full: bool = True) -> None:
        shot(self.browser, self.page, name, full)


def test_conflict_24_vs_25_years_comes_first(browser: Browser, site: str,
                                            server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.js("""window.busySeen = [];
        new MutationObserver(() => { const p = document.querySelector('.status.busy');
          if (p) busySeen.push(p.textContent); })
        .observe(document.body, {childList: true, subtree: true});""")
    panel.check()
    assert page.js("return busySeen")[0] == "Checking this page against your sources…"
    assert re.search(r"\d+ claims found: \d+ corroborated, [1-9]\d* in conflict",
                     page.text(".counts") or "")
    first = ".claim:first-of-type"
    assert FIRST_CLAIM in page.text(f"{first} .claim-text")
    conflict = f"{first} .match.conflicts"
    assert page.text(f"{conflict} .badge") == "Conflicts"
    assert page.text(f"{conflict} .differences .here") == "25 years"
    assert page.text(f"{conflict} .differences .there") == "24 years"
    assert page.text(f"{conflict} mark.differs") == "24 years"
    assert page.text(f"{conflict} time") == "2024-06-19"
    assert page.text(f"{first} .claim-text mark.differs") == "25 years"
    href = page.js("return document.querySelector(args[0] + ' a').getAttribute('href')", conflict)
    assert re.fullmatch(rf"{server.url}/articles/\d+\?passage=\d+", href)
    panel.shot("conflict")
    panel.shot("conflict-viewport", full=False)
    browser.color_scheme("dark")
    panel.shot("conflict-dark")


def test_a_stored_copy_opens_paired_from_the_sidebar(browser: Browser, site: str,
                                                    server: LiveServer) -> None:
    """Pairing through the options also pairs the server's pages (its cookie), and the
    sidebar opens a "stored copy" in a tab the browser opens: the stored article shows,
    scrolled to the passage, not a refusal or the page saying how to pair."""
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.goto(f"{panel.ext}/options/options.html")
    page.wait("return !document.querySelector('#fields').disabled")
    page.fill("#link", server.pairing_link)
    page.click("#pair button[type=submit]")
    page.wait_text("#result", lambda t: t.startswith(f"Paired with {server.url}"))
    tab = page.js("const tabs = await (globalThis.browser ?? chrome).tabs.query({});"
                  " return tabs.find((t) => t.url === args[0]).id", f"{site}/caliber.html")
    page.goto(f"{panel.ext}/panel/panel.html?tab={tab}")
    page.wait("return !document.querySelector('#check').disabled")
    panel.check()
    link = page.js("return document.querySelector('.match a.stored').href")
    page.click(".match a.stored")
    shown = page.wait("""const ext = globalThis.browser ?? chrome;
        const tab = (await ext.tabs.query({})).find((t) => t.url === args[0]
          && t.status === 'complete');
        if (!tab) return null;
        const [found] = await ext.scripting.executeScript({target: {tabId: tab.id},
          func: () => [document.querySelector('mark.chosen')?.textContent ?? '',
                       document.body.innerText.slice(0, 200)]});
        return found.result[0] ? found.result : null;""", link)
    assert shown[0].strip() and "pair this browser" not in shown[1], shown
    assert "refused" not in shown[1]


def test_the_story_header_lists_the_other_articles_and_what_only_this_page_says(
        browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    page = panel.page
    assert page.text(".story h2") == "This story in your sources"
    # the seeds of June 2024 other than Caliber.az's own (stored as seed 001: a copy of the page)
    assert page.text(".story .spread") == (
        "3 other articles from 3 outlets, 2024-06-19 to 2024-06-20")
    outlets = page.texts(".story-article .outlet")
    assert {"The Straits Times", "Kyiv Post"} <= set(outlets) and "Caliber.az" not in outlets
    tallies = dict(zip(outlets, page.texts(".story-article .tally"), strict=True))
    claims = page.count(".claim")
    assert tallies["The Straits Times"] == (
        f"corroborates 1, contradicts 0 of this page's {claims} claims")
    assert any(t.startswith("corroborates 0, contradicts 1") for t in tallies.values())  # 24 years
    links = page.js("return [...document.querySelectorAll('.story-article a.stored')]"
                    ".map((a) => a.getAttribute('href'))")
    assert len(links) == 3 and all(re.fullmatch(rf"{server.url}/articles/\d+", h) for h in links)
    only = page.text(".story-claims.only-here summary") or ""
    assert re.fullmatch(r"Only this page says \d+", only) and int(only.split()[-1]) < claims
    assert page.text(".story-claims.everywhere summary") == "Every source says 0"
    assert not page.visible(".only-here .claim-link")
    panel.shot("story-header", full=False)
    page.click(".story-claims.only-here summary")
    assert page.visible(".only-here .claim-link")
    assert not any(FIRST_CLAIM in t for t in page.texts(".only-here .claim-link"))  # 003 differs
    page.click(f"//button[contains(@class, 'claim-link')][contains(., '{UNRELATED[:30]}')]")
    page.wait_text("#located", "Highlighted in the page.")
    panel.shot("story-only-here", full=False)


def test_filters_show_only_their_claims(browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    page = panel.page
    total = page.count(".claim")
    page.click("input[value=conflicts]")
    page.wait("return document.querySelector('input[value=conflicts]').checked")
    assert page.count(".claim") == page.count(".claim.conflicts") >= 1
    page.click("input[value=unmatched]")
    page.wait("return document.querySelector('input[value=unmatched]').checked")
    unmatched = page.count(".claim")
    assert page.count(".claim .badge.conflicts, .claim .badge.corroborates") == 0
    page.click("input[value=all]")
    page.wait("return document.querySelector('input[value=all]').checked")
    assert page.count(".claim") == total > unmatched
    assert re.fullmatch(r"\d+ claims? nothing corroborates or contradicts",
                        page.text("details.lonely summary") or "")
    assert not page.visible("details.lonely .claim")
    page.click("details.lonely summary")
    assert page.visible("details.lonely .claim")


HIGHLIGHTED = "() => [...CSS.highlights.get('crosscheck') ?? []].map(r => r.toString()).join(' ')"


def test_clicking_a_claim_highlights_it_in_the_page(browser: Browser, site: str,
                                                    server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    panel.page.click(claim_button(FIRST_CLAIM))
    panel.page.wait_text("#located", "Highlighted in the page.")
    highlighted = panel.news.js(f"return ({HIGHLIGHTED})()")
    assert re.sub(r"\s+", " ", highlighted) == (
        "On June 19, Russian President Vladimir Putin arrived in North Korea for an official "
        "visit for the first time in 25 years.")
    assert panel.news.count("em") == 1  # page markup untouched
    panel.shot("highlight")
    panel.news.front()
    shot(browser, panel.news, "page-highlight", full=False)
    panel.page.front()
    panel.page.click("details.lonely summary")  # nothing corroborates or contradicts that one
    panel.page.click(claim_button("diplomatic isolation"))
    panel.news.wait(f"return window.scrollY > 0 && ({HIGHLIGHTED})()"
                    ".includes('diplomatic isolation')")


def test_checked_sentences_are_marked_in_the_page_and_lead_to_their_claim(
        browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.check()
    marks = panel.news.wait("""const get = (name) => [...CSS.highlights.get(name) ?? []]
          .map((r) => r.toString().replace(/\\s+/g, ' '));
        const found = {conflict: get('crosscheck-conflict'), agree: get('crosscheck-agree')};
        return found.conflict.length && found.agree.length && found;""")
    assert any(FIRST_CLAIM in m for m in marks["conflict"]), marks
    assert any("provide mutual assistance" in m for m in marks["agree"]), marks
    assert panel.page.count(".claim.conflicts") == len(marks["conflict"])
    assert panel.news.count("mark, [class*=crosscheck]") == 0  # highlights, no markup
    first = panel.page.js("return document.querySelector('.claim').id")
    panel.news.click("em")  # "first time", inside the 25-years sentence
    assert panel.page.wait("return document.activeElement.closest('.claim')?.id") == first
    panel.news.front()
    shot(browser, panel.news, "page-marks", full=False)


def test_without_tab_parameter_the_panel_follows_the_active_tab(
        browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    panel.page.goto(f"{panel.ext}/panel/panel.html")
    panel.page.wait("return document.querySelector('.intro')")  # following its window
    panel.news.front()
    panel.click("Check this page")
    panel.page.wait_text(".claim-text", lambda text: FIRST_CLAIM in text)


def test_keyboard_alone_checks_and_highlights(browser: Browser, site: str,
                                              server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.press("Tab")
    focused = page.js("return [document.activeElement.getAttribute('aria-label'),"
                      " getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Check this page", "solid"]
    page.press("Enter")
    panel.wait()
    page.js("[...document.querySelectorAll('.claim-text')]"
            ".find(b => b.textContent.includes(args[0])).focus()", FIRST_CLAIM)
    page.press("Enter")
    page.wait_text("#located", "Highlighted in the page.")
    panel.news.js("location.reload()")
    page.wait("return document.querySelector('.intro')")  # the answer was for the page before
    assert page.count(".claim") == 0
    assert page.text("#located") == ""  # nor does "Highlighted in the page." stay


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_panel_and_options_pass_axe(browser: Browser, site: str, server: LiveServer,
                                    scheme: str) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    browser.color_scheme(scheme)
    panel.check()
    panel.page.click("details.more summary")
    panel.page.click("input[name=related]")
    panel.page.wait("return document.querySelector('.match.related')")
    assert panel.page.axe() == []
    panel.page.goto(f"{panel.ext}/options/options.html")
    panel.page.wait("return !document.querySelector('#fields').disabled")
    assert panel.page.axe() == []


def test_add_this_page_then_already_stored(browser: Browser, site: str,
                                           server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/bakery.html", server.url)
    panel.click("Add this page to my sources")
    panel.page.wait_text(".status.notice", lambda t: bool(
        re.fullmatch(r"Added to your sources \(\d+ passages\)\.|This page is already in your "
                     r"sources\.", t)))
    panel.click("Add this page to my sources")
    panel.page.wait_text(".status.notice", "This page is already in your sources.")
    panel.shot("added")


def test_server_down_says_how_to_start_it(browser: Browser, site: str) -> None:
    address = f"http://127.0.0.1:{free_port()}"
    panel = Panel(browser, f"{site}/caliber.html", address)
    panel.check()
    error = panel.page.text(".status.error") or ""
    assert f"The Crosscheck server is not running at {address}." in error
    assert panel.page.texts(".status.error code") == ["crosscheck serve", "make run"]
    assert panel.page.axe() == []
    panel.shot("server-down")


def test_connection_test_in_the_options(browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/caliber.html", server.url)
    page = panel.page
    page.goto(f"{panel.ext}/options/options.html")
    page.wait("return !document.querySelector('#fields').disabled")
    page.click("#test")
    page.wait_text("#result", lambda t: bool(
        re.fullmatch(r"Connected: \d+ articles, \d+ passages stored\.", t)))
    panel.shot("options")
    page.fill("#server", f"http://127.0.0.1:{free_port()}")
    page.click("#test")
    page.wait_text("#result", lambda t: "not running" in t)
    page.fill("#server", "https://example.com")
    page.click("#settings button[type=submit]")
    page.wait_text("#result", lambda t: "must be http://127.0.0.1:PORT" in t)


def test_access_token_from_the_options_is_sent(browser: Browser, site: str,
                                               tmp_path: Path) -> None:
    guarded = LiveServer(tmp_path / "guarded.db", "--no-seeds", "--token", "s3cret token",
                         "--extension-origin", browser.ext)
    try:
        LiveServer.running.pop(guarded.url)  # the panel starts without its token
        panel = Panel(browser, f"{site}/caliber.html", guarded.url)
        panel.check()
        assert "access token in Settings" in (panel.page.text(".status.error") or "")
        panel.shot("refused")
        panel.set_server(guarded.url, "s3cret token")
        panel.page.click("#test")
        panel.page.wait_text("#result", "Connected: 0 articles, 0 passages stored.")
    finally:
        guarded.stop()


def test_a_page_with_a_title_longer_than_the_server_takes_is_checked(
        browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/long-title.html", server.url)
    panel.check()
    assert re.search(r"[1-9]\d* claims? found", panel.page.text(".counts") or "")


def test_page_without_article_text(browser: Browser, site: str, server: LiveServer) -> None:
    panel = Panel(browser, f"{site}/empty.html", server.url)
    panel.check()
    assert "No article text" in (panel.page.text("#results") or "")
    panel.shot("no-article")


def test_nothing_matched_with_an_empty_store(browser: Browser, site: str,
                                             tmp_path: Path) -> None:
    empty = LiveServer(tmp_path / "empty.db", "--no-seeds")
    try:
        panel = Panel(browser, f"{site}/caliber.html", empty.url)
        panel.check()
        assert "Nothing matched" in (panel.page.text(".nothing") or "")
        assert panel.page.visible(".claim.unmatched")  # nothing to fold
        panel.shot("nothing-matched")
    finally:
        empty.stop()


MUTUAL = "provide mutual assistance in the event of aggression"


def shown_passages(panel: Panel, claim: str) -> list[int]:
    return panel.page.js("""const li = [...document.querySelectorAll('.claim')]
          .find((c) => c.querySelector('.claim-text').textContent.includes(args[0]));
        return [...li.querySelectorAll('button.wrong')].map((b) => Number(b.dataset.passage));""",
                         claim)


def test_not_the_same_fact_hides_the_card_after_a_recheck_and_undo(
        browser: Browser, site: str, tmp_path: Path) -> None:
    own = LiveServer(tmp_path / "feedback.db")  # its judgements must not reach other tests
    try:
        panel = Panel(browser, f"{site}/caliber.html", own.url)
        panel.check()
        before = shown_passages(panel, FIRST_CLAIM)
        wrong = before[0]
        panel.page.click(f"button.wrong[data-passage='{wrong}']")
        panel.page.wait_text(".status.dismissed", lambda t: "Undo" in t)
        assert wrong not in shown_passages(panel, FIRST_CLAIM)
        panel.shot("not-the-same-fact")
        panel.check()  # the server leaves the pair out too
        panel.page.wait("return !document.querySelector('.status.dismissed')")
        assert wrong not in shown_passages(panel, FIRST_CLAIM)
        assert set(shown_passages(panel, FIRST_CLAIM)) == set(before) - {wrong}
        other = shown_passages(panel, MUTUAL)[0]  # another claim's card, judged then undone
        panel.page.click(f"button.wrong[data-passage='{other}']")
        panel.page.click("button.undo")
        panel.page.wait("return !document.querySelector('.status.dismissed')")
        assert other in shown_passages(panel, MUTUAL)
        judged = own.http.get("/api/feedback").json()["feedback"]
        assert [(j["passage_id"], FIRST_CLAIM in j["claim"]) for j in judged] == [(wrong, True)]
    finally:
        own.stop()


def test_the_real_firefox_sidebar(firefox: Firefox, site: str, server: LiveServer) -> None:
    """Firefox's own sidebar (about 250 px wide) opened on a checked page, read through
    `extension.getViews`, as a reader sees it."""
    firefox.reset()
    panel = Panel(firefox, f"{site}/caliber.html", server.url)
    tab = panel.page.js("return Number(new URLSearchParams(location.search).get('tab'))")
    panel.page.js("await browser.runtime.sendMessage({job: 'check', tabId: args[0]})", tab)
    panel.news.front()
    width = firefox.open_sidebar()
    first = panel.page.wait("""const [view] = browser.extension.getViews({type: 'sidebar'});
        return view?.document.querySelector('.claim .claim-text')?.textContent;""")
    assert FIRST_CLAIM in first
    sizes = panel.page.js("""const root = browser.extension.getViews({type: 'sidebar'})[0]
        .document.documentElement; return [root.clientWidth, root.scrollWidth];""")
    assert 200 <= width and sizes[1] <= sizes[0], (width, sizes)
    panel.news.front()
    firefox.window_shot(SHOTS / "sidebar-firefox.png")
    assert not firefox.errors()


SCREEN = 800  # px: the panel's height on a laptop screen


def test_a_long_article_fits_a_narrow_sidebar(browser: Browser, site: str,
                                              server: LiveServer) -> None:
    """A 37-claim column: at 360 px wide the panel is at most two screens long (related passages
    hidden, as they are by default), and at 240 px nothing sticks out sideways."""
    panel = Panel(browser, f"{site}/kyiv.html", server.url)
    panel.check()
    claims = panel.page.count(".claim")
    assert claims >= 28
    panel_url = panel.page.js("return location.href")
    host = browser.open(f"{panel.ext}/options/options.html")
    host.js("""document.body.style = 'max-width: none; display: flex; align-items: start';
      document.body.replaceChildren(...args[1].map((width) => {
        const frame = document.createElement('iframe');
        frame.src = args[0]; frame.title = `panel at ${width} px`;
        frame.style = `width: ${width}px; height: ${args[2]}px; border: 1px solid; margin: 4px`;
        return frame; }));""", panel_url, [360, 240], SCREEN)
    sizes = host.wait("""const docs = [...document.querySelectorAll('iframe')]
          .map((f) => f.contentDocument);
        if (!docs.every((d) => d?.querySelector('.answer'))) return null;
        return docs.map((d) => { const root = d.documentElement;
          const wide = [...d.querySelectorAll('body *')].filter((e) =>
            e.getBoundingClientRect().right > root.clientWidth + 0.5);
          const height = Math.ceil(d.body.getBoundingClientRect().height);
          return {height, width: root.clientWidth, scroll: root.scrollWidth,
                  sticking: wide.map((e) => e.className || e.tagName)}; });""")
    shot(browser, host, "narrow", full=False)
    at360, at240 = sizes
    print(f"{browser.name}: {claims} claims, {at360['height']} px tall at 360 px "
          f"({at360['height'] / SCREEN:.2f} screens)")
    assert at360["height"] <= 2 * SCREEN, at360
    assert at240["scroll"] <= at240["width"] and not at240["sticking"], at240


def test_the_error_fixture_sees_uncaught_errors(browser: Browser, site: str) -> None:
    """The check every browser test ends with can fail: an error thrown by the panel's own code
    (a claim button whose claim is not in the answer) is seen, then forgotten for this test."""
    panel = Panel(browser, f"{site}/caliber.html", "http://127.0.0.1:9")
    panel.page.js("const b = document.createElement('button'); b.className = 'claim-text';"
                  " b.dataset.claim = '7'; b.textContent = 'not a claim';"
                  " document.getElementById('results').append(b);")
    panel.page.click(claim_button("not a claim"))
    seen = panel.page.wait("return true") and browser.errors()
    for _ in range(100):
        if seen:
            break
        panel.page.js("await new Promise((done) => setTimeout(done, 100))")
        seen = browser.errors()
    assert any("answer" in error or "claims" in error for error in seen), seen
    browser.forget_errors()


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
    panel.page.js("""const tab = new URLSearchParams(location.search).get('tab');
        const ext = globalThis.browser ?? chrome;
        await ext.storage.session.set({['tab:' + tab]: {answer: args[0]}});""", answer)


def test_passages_render_as_text_and_links_only_to_the_web(browser: Browser, site: str) -> None:
    answer = json.loads(SAVED.read_text("utf-8"))
    passage = answer["claims"][0]["matches"][0]["passage"]
    passage.update(text='<img src=x onerror="document.title=1"> 24 years <b>bold</b>',
                   url="javascript:document.title=1", outlet="<i>Outlet</i>")
    answer["server"] = "http://127.0.0.1:8765"
    panel = Panel(browser, f"{site}/caliber.html", answer["server"])
    show_answer(panel, answer)
    first = ".match"
    panel.page.wait("return document.querySelector('.match')")
    assert '<img src=x onerror="document.title=1">' in panel.page.text(f"{first} blockquote")
    assert panel.page.text(f"{first} .outlet") == "<i>Outlet</i>"
    assert panel.page.count("#results img, #results b, #results i") == 0
    href = panel.page.js("return document.querySelector(args[0] + ' a').getAttribute('href')",
                         first)
    assert href == (f"http://127.0.0.1:8765/articles/{passage['article_id']}"
                    f"?passage={passage['id']}")
    assert panel.page.count("a[href^=javascript]") == 0


def test_confidence_and_reason_show_when_the_answer_has_them(browser: Browser, site: str) -> None:
    answer = json.loads(SAVED.read_text("utf-8"))
    first, second = answer["claims"][0]["matches"][:2]
    first.update(confidence=0.874, reason="same event: Putin's visit; differs: 25 / 24 years",
                 in_story=True)
    second.update(confidence=0.31, in_story=False)
    panel = Panel(browser, f"{site}/caliber.html", "http://127.0.0.1:8765")
    show_answer(panel, answer)
    panel.page.wait("return document.querySelector('.match')")
    cards = panel.page.js("""return [...document.querySelectorAll('.claim:first-of-type .match')]
        .map((m) => [m.querySelector('.confidence')?.textContent ?? null,
                     m.querySelector('.reason')?.textContent ?? null,
                     Boolean(m.querySelector('.elsewhere'))]);""")
    assert cards[:2] == [
        ["87% sure", "same event: Putin's visit; differs: 25 / 24 years", False],
        ["31% sure", None, True]]
    assert panel.page.count(".confidence") == 2  # the saved answer's other matches have none


def test_a_sentence_not_in_the_page_is_reported_not_highlighted(browser: Browser,
                                                                 site: str) -> None:
    panel = Panel(browser, f"{site}/bakery.html", "http://127.0.0.1:8765")
    show_answer(panel, json.loads(SAVED.read_text("utf-8")))  # the Caliber.az answer
    panel.page.click(claim_button(FIRST_CLAIM))
    panel.page.wait_text("#located", "This sentence was not found in the page.")
    assert panel.news.js("return CSS.highlights.has('crosscheck')") is False


ANCHOR = (EXTENSION / "page" / "anchor.js").read_text("utf-8")


def anchored(browser: Browser, site: str, markup: str) -> Tab:
    """A script-free page holding `markup`, with page/anchor.js loaded."""
    tab = browser.open(f"{site}/empty.html")
    tab.js("document.body.innerHTML = args[0]", markup)
    tab.run_script(ANCHOR)
    return tab


@pytest.mark.parametrize(("markup", "quote", "found", "how"), [
    ("<p>It was the <em>first</em> visit in <a href='#'>25\n years</a>.</p>",
     "It was the first visit in 25 years.", "It was the first visit in 25\n years.", "exact"),
    ("<p>He said \u201cno\u201d \u2014 twice.</p>", 'He said "no" - twice.',
     "He said \u201cno\u201d \u2014 twice.", "exact"),
    ("<p>The pact was signed in Pyongyang on Wednesday night.</p>",
     "The pact was signed in Pyongyang on Wednesday.",
     "The pact was signed in Pyongyang on Wednesday", "fuzzy"),
])
def test_anchoring_survives_page_markup(browser: Browser, site: str, markup: str, quote: str,
                                        found: str, how: str) -> None:
    tab = anchored(browser, site, f"<div>Menu</div>{markup}")
    located = tab.js("const f = crosscheckAnchor.locate({exact: args[0]});"
                     " return {how: f.how, text: f.range.toString()};", quote)
    assert located == {"how": how, "text": found}


def test_anchoring_prefers_the_occurrence_with_matching_context(browser: Browser,
                                                                site: str) -> None:
    tab = anchored(browser, site,
                   "<p>First: <b>Prices rose.</b></p><p>Second: <i>Prices rose.</i></p>")
    tag = tab.js("return crosscheckAnchor.locate({exact: 'Prices rose.', prefix: 'Second: '})"
                 ".range.startContainer.parentElement.tagName")
    assert tag == "I"


def test_fallback_highlight_wraps_and_clears(browser: Browser, site: str) -> None:
    tab = anchored(browser, site, "<p>One <em>two</em> three.</p>")
    marked = tab.js("crosscheckAnchor.wrap(crosscheckAnchor.locate({exact: 'one two'}).range);"
                    " return [...document.querySelectorAll('mark')].map(m => m.textContent);")
    assert marked == ["One ", "two"]
    tab.js("crosscheckAnchor.clear()")
    assert tab.js("return document.querySelector('p').innerHTML") == "One <em>two</em> three."


def test_web_ext_lint_reports_no_errors() -> None:
    run = subprocess.run(
        ["npx", "--yes", WEB_EXT, "lint", "-s", str(EXTENSION), "--output", "json"],
        capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    assert report["summary"]["errors"] == 0, report["errors"]
    explained = ("sidePanel", "service_worker")  # Chrome-only keys, see the README
    assert all(any(key in w["message"] for key in explained) for w in report["warnings"]), \
        report["warnings"]
