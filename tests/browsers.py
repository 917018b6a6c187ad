"""Two real browsers behind one small interface, for tests/test_extension.py.

Chromium: headless, driven by Playwright with Debian's binary (never `playwright install`).
Firefox: `firefox-esr --headless --marionette`, driven by PyPI's marionette_driver, the
extension installed as a temporary add-on.

A `Tab` runs JavaScript in its page (`js`: an async function body that reads `args` and may
`return`), clicks and types like a user (WebDriver / CDP input events, not synthetic DOM
events), and takes screenshots. `Browser.errors()` lists the uncaught errors of the
extension's own pages and background since the test began.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import free_port

CHROMIUM = "/usr/lib/chromium/chromium"
FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
# There is no network: Mozilla's start-up services point at a closed port or are off.
FIREFOX_PREFS: dict[str, Any] = {
    "services.settings.server": "http://127.0.0.1:9/",
    "toolkit.telemetry.server": "http://127.0.0.1:9/",
    "app.normandy.enabled": False,
    "app.update.disabledForTesting": True,
    "toolkit.telemetry.enabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "browser.safebrowsing.update.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "browser.region.network.url": "",
    "geo.provider.network.url": "",
    "identity.fxaccounts.enabled": False,
    "ui.prefersReducedMotion": 1,
}
DARK_PREF = "layout.css.prefers-color-scheme.content-override"  # 0 dark, 1 light, 2 browser
TIMEOUT = 30.0
AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
ERROR_SINK = """self.crosscheckErrors = [];
  self.addEventListener('error', (e) => crosscheckErrors.push(String(e.message)));
  self.addEventListener('unhandledrejection', (e) => crosscheckErrors.push(String(e.reason)));"""


class Tab:
    """One page in a tab of the browser."""

    name: str

    def js(self, body: str, *args: Any) -> Any:
        raise NotImplementedError

    def run_script(self, source: str) -> None:
        """Evaluate a whole script in the page (a library such as axe-core)."""
        raise NotImplementedError

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def click(self, selector: str) -> None:
        """A user's click on the first element matching a CSS selector (XPath if it starts
        with '/')."""
        raise NotImplementedError

    def fill(self, selector: str, value: str) -> None:
        raise NotImplementedError

    def press(self, key: str) -> None:
        """A key press ("Tab", "Enter") on whatever has the focus."""
        raise NotImplementedError

    def front(self) -> None:
        """Make this the active tab of its window."""
        raise NotImplementedError

    def screenshot(self, path: Path, full: bool = True) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # --- built on the above, the same in both browsers ------------------

    def wait(self, body: str, *args: Any, timeout: float = TIMEOUT) -> Any:
        """Poll `body` until it returns something truthy; that value is returned."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(body, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout:g} s in {self.name} for: {body.strip()}"
                                     f" (last: {value!r})")
            time.sleep(0.1)

    def text(self, selector: str) -> str | None:
        return self.js("return document.querySelector(args[0])?.textContent ?? null", selector)

    def texts(self, selector: str) -> list[str]:
        return self.js("return [...document.querySelectorAll(args[0])].map(e => e.textContent)",
                       selector)

    def count(self, selector: str) -> int:
        return self.js("return document.querySelectorAll(args[0]).length", selector)

    def visible(self, selector: str) -> bool:
        return self.js("const e = document.querySelector(args[0]);"
                       " return Boolean(e && e.checkVisibility())", selector)

    def wait_text(self, selector: str, check: Callable[[str], bool] | str,
                  timeout: float = TIMEOUT) -> str:
        """Until the first element matching `selector` has text equal to `check` (a string) or
        for which `check` is true; returns the text."""
        test = (lambda t: t == check) if isinstance(check, str) else check
        deadline = time.monotonic() + timeout
        while True:
            found = self.text(selector)
            if found is not None and test(found):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{selector} in {self.name}: {found!r}")
            time.sleep(0.1)

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's violations on this page (rules and the nodes that break them)."""
        self.run_script(AXE.read_text("utf-8"))
        found = self.js("const r = await axe.run(document, {resultTypes: ['violations']});"
                        " return r.violations.map(v => ({id: v.id, help: v.help,"
                        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))")
        return found


class Browser:
    name: str
    ext: str  # the extension's base URL

    def open(self, url: str) -> Tab:
        raise NotImplementedError

    def color_scheme(self, scheme: str) -> None:
        raise NotImplementedError

    def errors(self) -> list[str]:
        raise NotImplementedError

    def forget_errors(self) -> None:
        raise NotImplementedError


# --- Chromium ---------------------------------------------------------------------------


class ChromiumTab(Tab):
    def __init__(self, page: Any):
        self.page = page
        self.name = "chromium"

    def js(self, body: str, *args: Any) -> Any:
        return self.page.evaluate(f"async (args) => {{ {body} }}", list(args))

    def run_script(self, source: str) -> None:
        self.page.evaluate(source)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def _locate(self, selector: str) -> Any:
        return self.page.locator(("xpath=" if selector.startswith("/") else "") + selector).first

    def click(self, selector: str) -> None:
        self._locate(selector).click()

    def fill(self, selector: str, value: str) -> None:
        self._locate(selector).fill(value)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def front(self) -> None:
        self.page.bring_to_front()

    def screenshot(self, path: Path, full: bool = True) -> None:
        self.page.screenshot(path=str(path), full_page=full)

    def close(self) -> None:
        self.page.close()


class Chromium(Browser):
    """A fresh headless Chromium with the extension loaded (one per test)."""

    name = "chromium"

    def __init__(self, extension: Path, profile: Path):
        from playwright.sync_api import sync_playwright
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            viewport={"width": 420, "height": 900},
            args=[*CHROMIUM_FLAGS, f"--disable-extensions-except={extension}",
                  f"--load-extension={extension}"])
        self.worker = self.context.service_workers[0] if self.context.service_workers else \
            self.context.wait_for_event("serviceworker")
        self.ext = "/".join(self.worker.url.split("/")[:3])
        self.worker.evaluate(ERROR_SINK)
        self._page_errors: list[str] = []
        self.context.on("weberror", self._page_error)
        self._scheme = "light"

    def _page_error(self, error: Any) -> None:
        if error.page is None or error.page.url.startswith(self.ext):
            self._page_errors.append(str(error.error))

    def open(self, url: str) -> Tab:
        page = self.context.new_page()
        page.emulate_media(color_scheme=self._scheme)
        page.goto(url)
        return ChromiumTab(page)

    def color_scheme(self, scheme: str) -> None:
        self._scheme = scheme
        for page in self.context.pages:
            page.emulate_media(color_scheme=scheme)

    def errors(self) -> list[str]:
        return self._page_errors + self.worker.evaluate("self.crosscheckErrors")

    def forget_errors(self) -> None:
        self._page_errors.clear()
        self.worker.evaluate("self.crosscheckErrors.length = 0")

    def close(self) -> None:
        self.context.close()
        self._playwright.stop()


# --- Firefox ----------------------------------------------------------------------------


class FirefoxTab(Tab):
    def __init__(self, browser: Firefox, handle: str):
        self.browser = browser
        self.m = browser.m
        self.handle = handle
        self.name = "firefox"

    def _on(self) -> Any:
        if self.m.current_window_handle != self.handle:
            self.m.switch_to_window(self.handle, focus=False)
        return self.m

    def js(self, body: str, *args: Any) -> Any:
        script = ("const args = Array.from(arguments).slice(0, -1);"
                  " const done = arguments[arguments.length - 1];"
                  f" (async () => {{ {body} }})().then((value) => done([true, value]),"
                  " (error) => done([false, `${error}\\n${error && error.stack}`]));")
        ok, value = self._on().execute_async_script(
            script, script_args=list(args), sandbox=None, new_sandbox=False,
            script_timeout=int(TIMEOUT * 1000))
        if not ok:
            raise RuntimeError(f"script failed in firefox: {value}")
        return value

    def run_script(self, source: str) -> None:
        # marionette's globalThis is not the page's window: hand the library the window
        self._on().execute_script(f"(function (globalThis, self) {{ {source}\n}})"
                                  ".call(window, window, window);",
                                  sandbox=None, new_sandbox=False)

    def goto(self, url: str) -> None:
        self._on().navigate(url)

    def _find(self, selector: str) -> Any:
        how = "xpath" if selector.startswith("/") else "css selector"
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = self._on().find_elements(how, selector)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {selector} in firefox")
            time.sleep(0.1)

    def click(self, selector: str) -> None:
        from marionette_driver.errors import StaleElementException
        for _ in range(10):  # the panel redraws: find the element again, as Playwright does
            try:
                self._find(selector).click()
                return
            except StaleElementException:
                time.sleep(0.1)
        raise AssertionError(f"{selector} kept being replaced in firefox")

    def fill(self, selector: str, value: str) -> None:
        field = self._find(selector)
        field.clear()
        field.send_keys(value)

    def press(self, key: str) -> None:
        from marionette_driver.keys import Keys
        from marionette_driver.marionette import ActionSequence
        code = {"Tab": Keys.TAB, "Enter": Keys.ENTER}[key]
        ActionSequence(self._on(), "key", "keyboard").key_down(code).key_up(code).perform()

    def front(self) -> None:
        self.m.switch_to_window(self.handle, focus=True)

    def screenshot(self, path: Path, full: bool = True) -> None:
        path.write_bytes(self._on().screenshot(format="binary", full=full))

    def close(self) -> None:
        self._on().close()
        self.m.switch_to_window(self.m.window_handles[0], focus=False)


class Firefox(Browser):
    """One headless Firefox for the whole session, the extension installed once; each test
    starts from one blank tab, the light theme and an empty error log."""

    name = "firefox"

    def __init__(self, extension: Path, profile: Path):
        with warnings.catch_warnings():  # mozinfo calls distro.linux_distribution() on import
            warnings.simplefilter("ignore", DeprecationWarning)
            from marionette_driver.addons import Addons
            from marionette_driver.marionette import Marionette
        port = free_port()
        profile.mkdir(parents=True, exist_ok=True)
        prefs = {**FIREFOX_PREFS, "marionette.port": port}
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [FIREFOX, "--headless", "--marionette", "-remote-allow-system-access", "--no-remote",
             "--profile", str(profile)], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(port, self.proc)  # marionette_driver's own wait leaks a socket per try
        self.m = Marionette(host="127.0.0.1", port=port, startup_timeout=120)
        self.m.start_session()
        self.m.set_window_rect(width=900, height=1000)
        addon = Addons(self.m).install(str(extension), temp=True)
        with self.m.using_context("chrome"):
            uuids = self.m.execute_script(
                'return Services.prefs.getStringPref("extensions.webextensions.uuids")')
        self.addon = addon
        self.ext = f"moz-extension://{json.loads(uuids)[addon]}"

    def reset(self) -> None:
        """Back to one blank tab, the light theme, no errors logged."""
        handles = self.m.window_handles
        for handle in handles[1:]:
            self.m.switch_to_window(handle, focus=False)
            self.m.close()
        self.m.switch_to_window(handles[0], focus=True)
        self.m.navigate("about:blank")
        self.color_scheme("light")
        with self.m.using_context("chrome"):
            self.m.execute_script("SidebarController.hide()")
        self.forget_errors()

    def forget_errors(self) -> None:
        with self.m.using_context("chrome"):
            self.m.execute_script("Services.console.reset()")

    def open(self, url: str) -> Tab:
        handle = self.m.open(type="tab", focus=True)["handle"]
        tab = FirefoxTab(self, handle)
        tab.goto(url)
        return tab

    def open_sidebar(self) -> int:
        """Open Firefox's own sidebar on our panel; its width in px."""
        sidebar = re.sub(r"\W", "_", self.addon) + "-sidebar-action"
        with self.m.using_context("chrome"):
            self.m.execute_script("SidebarController.show(arguments[0])", script_args=[sidebar])
            return self.m.execute_script(
                "return document.getElementById('sidebar-box').getBoundingClientRect().width")

    def window_shot(self, path: Path) -> None:
        """The whole browser window, its sidebar and toolbar included."""
        with self.m.using_context("chrome"):
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(self.m.screenshot(format="binary", full=False))

    def color_scheme(self, scheme: str) -> None:
        with self.m.using_context("chrome"):
            self.m.set_pref(DARK_PREF, 0 if scheme == "dark" else 1)

    def errors(self) -> list[str]:
        """Errors (not warnings) the browser console holds from the extension's scripts."""
        with self.m.using_context("chrome"):
            return self.m.execute_script("""
                const ext = arguments[0];
                return Services.console.getMessageArray()
                  .filter((m) => m instanceof Ci.nsIScriptError)
                  .filter((m) => !(m.flags & Ci.nsIScriptError.warningFlag)
                                 && !(m.flags & Ci.nsIScriptError.infoFlag))
                  .filter((m) => (m.sourceName || '').startsWith(ext))
                  // an API call answered after the test navigated its page away
                  .filter((m) => !m.errorMessage.startsWith(arguments[1]))
                  .map((m) => `${m.errorMessage} (${m.sourceName}:${m.lineNumber})`);
            """, script_args=[self.ext, "Promise resolved after context unloaded"])

    def close(self) -> None:
        try:
            self.m.delete_session()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log.close()




def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"firefox did not listen on port {port} (exit code {proc.poll()})")
