"""No one can starve the server (issue 14): idle sockets, huge pages, late additions.

Over real HTTP against `crosscheck serve` (raw sockets where a client misbehaves). Speed
itself is measured by `bench/limits.py`; these tests check what is answered.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import LiveServer, seed_text
from starlette.testclient import TestClient

from crosscheck import limits
from crosscheck.app import create_app
from crosscheck.security import Policy

HUGE = {"html": "<p>" * 1_200_000}  # the review's page: 3.6 MB, 1.2 million tags


def small(i: int) -> dict[str, str]:
    return {"text": f"The council of Lyon approved plan {i} on Monday by {i + 20} votes. "
                    + seed_text("001")[:1500]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("limits") / "crosscheck.db")
    yield live
    live.stop()


def idle_sockets(port: int, count: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        return False


def test_idle_connections_do_not_lock_anyone_out(server: LiveServer) -> None:
    held = idle_sockets(server.port, 100)
    try:
        for _ in range(5):
            assert server.http.get("/api/health", timeout=1).status_code == 200
        half_head = held[0]
        half_head.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:  # each waits for the server to close it
            closed = list(pool.map(closed_by_server, held[:8]))
        assert all(closed)
        assert time.monotonic() - started < limits.HEAD_TIMEOUT + 5
    finally:
        for sock in held:
            sock.close()


def test_a_trickling_body_is_cut(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall((f"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Authorization: Bearer {server.token}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                      '{"text": "').encode())
        answer = b""
        while b"}" not in answer and (data := sock.recv(65536)):  # until the JSON body's end
            answer += data
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"did not arrive within" in answer


def test_a_client_leaving_mid_body_leaves_no_traceback(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall((f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Authorization: Bearer {server.token}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                      '{"text": "' + "a" * 5000).encode())
    time.sleep(1)  # the server has seen the connection close
    assert server.http.get("/api/health").status_code == 200
    server.log.seek(0)
    assert b"Traceback" not in server.log.read()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def test_huge_pages_are_refused_and_small_analyses_served(server: LiveServer) -> None:
    def health() -> int:
        return server.http.get("/api/health", timeout=1).status_code

    with ThreadPoolExecutor(12) as pool:
        huge = [pool.submit(server.http.post, "/api/analyze", json=HUGE, timeout=60)
                for _ in range(4)]
        smalls = [pool.submit(server.http.post, "/api/analyze", json=small(i), timeout=120)
                  for i in range(50)]
        healths = [pool.submit(health) for _ in range(10)]
        assert [h.result() for h in healths] == [200] * 10
        for answer in (f.result() for f in huge):
            assert answer.status_code == 413
            assert "tags" in answer.json()["error"]
        assert [f.result().status_code for f in smalls] == [200] * 50
    assert peak_rss_mb(server.proc.pid) < 1024


def test_a_large_page_does_not_hold_up_ordinary_ones(server: LiveServer) -> None:
    large = {"html": "<p>A sentence of a long page.</p>" * (limits.MAX_TAGS // 2 - 10)}
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(server.http.post, "/api/analyze", json=large, timeout=120)
        time.sleep(0.5)
        quick = server.http.post("/api/analyze", json=small(1), timeout=60)
        assert quick.status_code == 200
        assert not slow.done()  # served while the large one still ran
        assert slow.result().status_code in (200, 503)


def test_an_addition_past_its_deadline_is_never_stored(db_path: Path) -> None:
    """The store is locked by another program until after the deadline: the client gets a
    503, and the article is not stored once the lock is free either."""
    app = create_app(str(db_path), seeds=False, policy=Policy(token="t"), deadline=1.0)
    page = {"text": "The council of Lyon approved a budget of 412 million euros on Thursday. "
                    "The vote passed by 38 votes to 21.", "url": "https://news.test/late"}
    with TestClient(app, base_url="http://127.0.0.1", headers={"Authorization": "Bearer t"}) \
            as client:
        locker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        locker.execute("begin immediate")
        release = threading.Timer(2.0, locker.execute, ["commit"])
        release.start()
        try:
            answer = client.post("/api/articles", json=page)
        finally:
            release.join()
            locker.close()
        assert answer.status_code == 503
        assert "nothing was stored" in answer.json()["error"]
        time.sleep(1.5)  # the writer had its lock back long enough to have committed
        assert client.get("/api/articles").json()["articles"] == []
        again = client.post("/api/articles", json=page)
        assert again.status_code == 201

