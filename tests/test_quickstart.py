"""The README's quick start, followed literally from a fresh clone (no ../shared beside it).

Each step's command, folder and expected output are read from the README itself, so the
test breaks when the README and the code part ways. Step 1 runs `make run` in the clone with
a fresh user data folder and checks what it prints, what it installed (no test tools) and
the home page; step 2 loads the clone's `extension/` folder into real Chromium (the *Load
unpacked* of the README) and checks Firefox's manifest file is where it says; step 3 pastes
the pairing link the server printed into the extension's Settings and opens it in the
browser; step 4 opens a news article and runs the check the toolbar button starts (a test
cannot click the browser's own toolbar), then finds the conflicting claim in the sidebar.
Firefox itself is driven by tests/test_extension.py. The clone holds what is committed, not
uncommitted edits.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import ROOT, chromium_with_extension, free_port, seed_text
from playwright.sync_api import expect, sync_playwright

README_PORT = 8765


def quick_start_steps() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("## Quick start")
    section = readme[start:readme.index("\n## ", start + 1)]
    steps = re.findall(r"^\d\. (.*?)(?=^\d\. |\Z)", section, re.S | re.M)
    assert len(steps) == 4, section
    return steps


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class MakeRun:
    """`make run` in the clone, as its own process group so stopping it stops the server."""

    def __init__(self, clone: Path, env: dict[str, str], command: str):
        self.log = clone.parent / "make-run.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(command.split(), cwd=clone, env=env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return self.output()
            assert self.proc.poll() is None, self.output()
            time.sleep(0.5)
        raise AssertionError(f"no {text!r} in {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fresh") / "crosscheck"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
    assert not (target.parent / "shared").exists()
    return target


@pytest.fixture(scope="module")
def news_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Caliber.az seed as a news page at an address of its own."""
    root = tmp_path_factory.mktemp("news")
    paragraphs = [p.strip() for p in seed_text("001").split("\n") if len(p.strip()) > 80]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    (root / "article.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Russia - North Korea "
        f"deal</title></head><body><article><h1>Russia - North Korea deal</h1>{body}</article>"
        "</body></html>", "utf-8")
    handler = type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 lambda *a: handler(*a, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    server.shutdown()
    server.server_close()


def test_the_quick_start_from_a_fresh_clone(clone: Path, news_site: str, tmp_path: Path) -> None:
    step1, step2, step3, step4 = quick_start_steps()

    # 1. Start the server: the command, what it prints, the page it names.
    [command] = re.findall(r"`(make [a-z]+)`", step1)
    printed = re.search(r"It prints `([^`]+)`", step1).group(1)
    link_shape = re.search(r"`(http://127\.0\.0\.1:\d+/\?token=)\.\.\.`", step3).group(1)
    assert command == "make run" and f":{README_PORT}" in printed
    assert f":{README_PORT}/" in link_shape and "home page" in step3
    port = README_PORT if port_is_free(README_PORT) else free_port()  # a dev box may run one
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "CROSSCHECK_DB", "CROSSCHECK_PORT", "PYTHONPATH")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    if port != README_PORT:
        env["CROSSCHECK_PORT"] = str(port)
    printed, link_shape = (s.replace(f":{README_PORT}", f":{port}") for s in (printed, link_shape))
    server = MakeRun(clone, env, command)
    try:
        out = server.wait_for(printed, timeout=900)  # a fresh .venv is set up first
        out = server.wait_for("Uvicorn running", timeout=60)
        assert "loaded the seed corpus, 5 articles" in out
        assert f"Next: load the browser extension from {clone / 'extension'}" in out
        link = re.search(re.escape(link_shape) + r"\S+", out).group(0)
        opened = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate",
                  "Sec-Fetch-Dest": "document"}  # a browser opening the link in a tab
        page = httpx.get(link, timeout=10, follow_redirects=True, headers=opened)
        assert page.status_code == 200 and re.search(r"5 articles,\s+107 passages", page.text)
        installed = subprocess.run([str(clone / ".venv/bin/python"), "-m", "pip", "list"],
                                   capture_output=True, text=True, check=True).stdout.lower()
        assert "uvicorn" in installed
        for tool in ("pytest", "playwright", "schemathesis", "hypothesis", "ruff"):
            assert not re.search(rf"^{tool}\s", installed, re.M), f"make run installed {tool}"

        # 2. Load the extension: the folders the README names exist in the clone.
        folder = clone / re.search(r"pick the `([^`]+)` folder", step2).group(1)
        manifest_path = clone / re.search(r"pick `([^`]*manifest\.json)`", step2).group(1)
        manifest = json.loads(manifest_path.read_text("utf-8"))
        assert manifest_path.parent == folder
        assert manifest["browser_specific_settings"]["gecko"]["strict_min_version"] == \
            re.search(r"Firefox (\d+) or later", step2).group(1) + ".0"
        assert "Crosscheck button" in step4 and "Crosscheck" in manifest["action"]["default_title"]

        # 3. Pair them (Settings, paste the link, Pair); 4. check a page: open a news article,
        # run the toolbar button's check.
        with sync_playwright() as p:
            context = chromium_with_extension(p, tmp_path / "profile", folder)
            try:
                pair(context, link, step3)
                check_a_page(context, news_site)
            finally:
                context.close()
    finally:
        server.stop()


def extension_url(context) -> str:
    worker = context.service_workers[0] if context.service_workers else \
        context.wait_for_event("serviceworker")
    return f"chrome-extension://{worker.url.split('/')[2]}"


def pair(context, link: str, step: str) -> None:
    button = re.search(r"click\s+\*(\w+)\*", step).group(1)
    options = context.new_page()
    options.goto(f"{extension_url(context)}/options/options.html")
    options.fill("#link", link)
    options.get_by_role("button", name=button).click()
    expect(options.locator("#result")).to_contain_text("Paired with")
    home = context.new_page()
    home.goto(link)  # the same link in the browser: the home page
    expect(home.locator("#counts")).to_contain_text("5 articles, 107 passages")


def check_a_page(context, news_site: str) -> None:
    ext = extension_url(context)
    errors: list[str] = []
    news = context.new_page()
    news.goto(news_site)
    panel = context.new_page()
    panel.on("pageerror", lambda error: errors.append(str(error)))
    panel.goto(f"{ext}/panel/panel.html")  # an extension page, to ask for the tab's id
    tab = panel.evaluate("u => chrome.tabs.query({url: u}).then(t => t[0].id)", news_site)
    panel.goto(f"{ext}/panel/panel.html?tab={tab}")
    panel.get_by_role("button", name="Check this page").click()
    first = panel.get_by_text(re.compile("first time in 25 years")).first
    expect(first).to_be_visible(timeout=60_000)
    expect(panel.get_by_text("24 years").first).to_be_visible()
    assert not errors
