"""Shared fixtures: a real SQLite file per test, the app, a real uvicorn server.

The server asks every request for its owner's token (issue 14), so to get an authorised client:

* in-process: the `client` fixture already sends `Authorization: Bearer TOKEN`; build your own
  with `TestClient(create_app(path, policy=Policy(token=TOKEN)), headers=AUTH)`;
* over HTTP: `LiveServer(db)` (or the `live_server` fixture) reads the token the server made
  beside its store; use `server.http.get("/api/health")` (an httpx.Client with the server's
  address and token), or pass `headers=server.auth` to plain httpx calls. `server.token` is the
  token itself, `server.pairing_link` what the extension's Settings take.
  `LiveServer(db, "--no-token")` runs without one (then `server.auth` is empty).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from crosscheck.app import create_app
from crosscheck.security import Policy, pairing_link, read_token

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("CROSSCHECK_SHARED", ROOT.parent / "shared"))
TOKEN = "test-token"  # the in-process `client` fixture's token
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NO_SHARED = ("the benchmark data in ../shared/bench is missing (it is not in this repository: "
             "its licences do not allow it); clone the repo beside ../shared to run them")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ../shared, tests marked `shared` are not run, and the summary says so; in CI,
    which always has it, its absence is an error."""
    if (SHARED / "bench").is_dir():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI: {SHARED / 'bench'} is missing; {NO_SHARED}")
    for item in items:
        if item.get_closest_marker("shared"):
            item.add_marker(pytest.mark.skip(reason=NO_SHARED))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    missed = [r.nodeid for r in terminalreporter.stats.get("skipped", [])
              if NO_SHARED in str(r.longrepr)]
    if missed:
        terminalreporter.section("not run without ../shared")
        terminalreporter.write_line(
            f"Benchmark tests not run ({len(missed)}): {NO_SHARED}.")
        for nodeid in missed:
            terminalreporter.write_line(f"  {nodeid}")


@pytest.fixture(autouse=True, scope="session")
def user_data_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Commands run without --db use the user's store: keep the tests out of the real one."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crosscheck.db"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the whole session (tests/pgcluster.py)."""
    from pgcluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new store on each backend: a SQLite file, or a new database on the session's
    PostgreSQL. A test module runs on both by defining `db_path` as this fixture."""
    if request.param == "sqlite":
        yield str(tmp_path / "crosscheck.db")
        return
    cluster, name = request.getfixturevalue("postgres"), f"t{uuid4().hex[:12]}"
    yield cluster.database(name)
    cluster.drop(name)


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    app = create_app(str(db_path), policy=Policy(token=TOKEN))
    with TestClient(app, base_url="http://127.0.0.1", headers=AUTH) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`crosscheck serve` in a real process; `http` is a client that carries its token."""

    running: dict[str, str] = {}  # address -> token of every server started, for browser tests

    def __init__(self, db: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # a file, not a pipe: a pipe nobody reads fills up and blocks the server's logging
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crosscheck", "serve", "--port", str(self.port),
             "--db", str(db), *extra],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(self.log.read().decode())
            try:
                httpx.get(self.url + "/api/health", timeout=1)  # any answer, 401 too
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        given = extra[extra.index("--token") + 1] if "--token" in extra else None
        from_env = os.environ.get("CROSSCHECK_TOKEN")
        self.token = None if "--no-token" in extra else given or from_env or read_token(db)
        self.auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self.pairing_link = pairing_link("127.0.0.1", self.port, self.token or "")
        self.http = httpx.Client(base_url=self.url, headers=self.auth)
        LiveServer.running[self.url] = self.token or ""

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(10)
        self.log.seek(0)
        self.output = self.log.read().decode("utf-8", "replace")  # what it printed
        self.log.close()


CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_with_extension(playwright: Any, profile: Path, extension: Path,
                            **options: Any) -> Any:
    """Headless Debian Chromium with the unpacked extension at `extension` loaded."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, **options,
        args=[*CHROMIUM_FLAGS, f"--disable-extensions-except={extension}",
              f"--load-extension={extension}"])


@pytest.fixture
def live_server(db_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(db_path)
    yield server
    server.stop()
