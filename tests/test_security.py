"""Only the owner can use the server (issue 4): every refusal, over HTTP against real uvicorn.

Each refusal is a JSON 4xx, and the store (articles and passages, count and content) is the
same afterwards.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import LiveServer, free_port
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.security import CHROME_ID, Policy, host_allowed, origin_allowed, read_token

ARTICLE = {
    "text": "The city council of Lyon approved a budget of 412 million euros on Thursday, the "
            "mayor said. The vote passed by 38 votes to 21 after a debate that lasted nine hours.",
    "url": "https://news.test/lyon-budget", "outlet": "News Test",
}
WEB_PAGE = "https://evil.example"
EXTENSION = f"chrome-extension://{CHROME_ID}"  # ours: its id is fixed by the manifest's key
OTHER_EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
TOKEN = "correct horse battery staple"


def snapshot(db: Path) -> tuple[list[tuple], list[tuple], int]:
    """Everything stored: articles, passages and full-text index rows."""
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("select id, url, text from articles order by id").fetchall(),
            conn.execute("select id, article_id, text from passages order by id").fetchall(),
            conn.execute("select count(*) from passages_fts").fetchone()[0],
        )


def refused(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()["error"]


@pytest.fixture
def server(db_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(db_path)
    yield live
    live.stop()


@pytest.fixture
def token_server(db_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(db_path, "--token", TOKEN)
    yield live
    live.stop()


def test_web_page_origin_is_refused_and_changes_nothing(server: LiveServer, db_path: Path) -> None:
    before = snapshot(db_path)
    first_id = before[0][0][0]
    headers = {"Origin": WEB_PAGE, **server.auth}  # refused even with the token
    assert "web pages" in refused(
        httpx.post(server.url + "/api/articles", json=ARTICLE, headers=headers), 403)
    refused(httpx.delete(f"{server.url}/api/articles/{first_id}", headers=headers), 403)
    refused(httpx.get(server.url + "/api/articles", headers=headers), 403)
    refused(httpx.post(server.url + "/api/articles", json=ARTICLE, headers={"Origin": "null"}), 403)
    look_alike = {"Origin": f"http://127.0.0.1.evil.example:{server.port}"}
    refused(httpx.post(server.url + "/api/articles", json=ARTICLE, headers=look_alike), 403)
    assert snapshot(db_path) == before


def test_web_page_preflight_gets_no_cors_grant(server: LiveServer) -> None:
    response = httpx.options(server.url + "/api/articles", headers={
        "Origin": WEB_PAGE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    refused(response, 403)
    assert "access-control-allow-origin" not in response.headers


def test_extension_origin_is_allowed_with_cors(server: LiveServer, db_path: Path) -> None:
    preflight = httpx.options(server.url + "/api/articles", headers={
        "Origin": EXTENSION, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == EXTENSION
    added = server.http.post("/api/articles", json=ARTICLE, headers={"Origin": EXTENSION})
    assert added.status_code == 201, added.text
    assert added.headers["access-control-allow-origin"] == EXTENSION
    firefox = server.http.get(
        "/api/health", headers={"Origin": "moz-extension://2c127fa4-62a7-4b3b-9b0e-3b1c5d6e7f80"})
    assert firefox.status_code == 200
    own_page = server.http.get("/api/health", headers={"Origin": server.url})
    assert own_page.status_code == 200
    assert [row[1] for row in snapshot(db_path)[0]].count(ARTICLE["url"]) == 1


def test_pinned_extension_origin_refuses_other_extensions(db_path: Path) -> None:
    live = LiveServer(db_path, "--extension-origin", EXTENSION)
    try:
        other = "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba"
        before = snapshot(db_path)
        refused(live.http.post("/api/articles", json=ARTICLE, headers={"Origin": other}), 403)
        assert snapshot(db_path) == before
        ok = live.http.post("/api/articles", json=ARTICLE, headers={"Origin": EXTENSION})
        assert ok.status_code == 201
    finally:
        live.stop()


def test_rebinding_host_is_refused(server: LiveServer, db_path: Path) -> None:
    before = snapshot(db_path)
    for host in (f"evil.example:{server.port}", "evil.example", f"127.0.0.1:{server.port + 1}",
                 f"localhost.evil.example:{server.port}", ""):
        error = refused(httpx.post(server.url + "/api/articles", json=ARTICLE,
                                   headers={"Host": host}), 421)
        assert "own address" in error
        refused(server.http.get("/api/articles", headers={"Host": host}), 421)
    assert snapshot(db_path) == before
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}",
                 f"LOCALHOST:{server.port}", f"[::1]:{server.port}"):
        assert server.http.get("/api/health", headers={"Host": host}).status_code == 200


def test_form_and_text_plain_posts_change_nothing(server: LiveServer, db_path: Path) -> None:
    before = snapshot(db_path)
    body = json.dumps(ARTICLE)
    for content_type in ("text/plain", "text/plain;charset=UTF-8",
                         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        error = refused(server.http.post("/api/articles", content=body,
                                         headers={"Content-Type": content_type}), 415)
        assert "application/json" in error
        refused(server.http.post("/api/analyze", content=body,
                                 headers={"Content-Type": content_type}), 415)
    refused(server.http.post("/api/articles", data={"text": ARTICLE["text"]}), 415)
    # what a page's <form> or fetch(no-cors) would send: refused for its Origin first
    refused(httpx.post(server.url + "/api/articles", content=body, headers={
        "Content-Type": "text/plain", "Origin": WEB_PAGE, "Sec-Fetch-Site": "cross-site",
        "Sec-Fetch-Mode": "no-cors"}), 403)
    assert snapshot(db_path) == before


def test_cross_site_no_cors_load_is_refused(server: LiveServer) -> None:
    image = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
    refused(httpx.get(server.url + "/api/articles", headers=image), 403)
    refused(httpx.get(server.url + "/api/articles", headers={
        "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}), 403)
    other_local_page = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors"}
    refused(httpx.get(server.url + "/api/articles", headers=other_local_page), 403)
    refused(server.http.get("/api/articles", headers={  # header values in any case
        "Sec-Fetch-Site": "Cross-Site", "Sec-Fetch-Mode": "No-Cors"}), 403)
    typed_by_owner = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}
    assert server.http.get("/api/articles", headers=typed_by_owner).status_code == 200
    extension_get = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}
    assert server.http.get("/api/health", headers=extension_get).status_code == 200


def raw_exchange(port: int, head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send a request piece by piece; stop sending once the server has answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head)
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                break
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while data := sock.recv(65536):
            answer += data
        return answer


def test_oversized_body_is_refused_before_it_is_read(server: LiveServer, db_path: Path) -> None:
    before = snapshot(db_path)
    head = (f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * 1024 * 1024}\r\n\r\n").encode()
    # only a few KB of the announced 50 MB are ever sent: the 413 comes before the body
    answer = raw_exchange(server.port, head, iter([b'{"text": "' + b"a" * 4096]))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"error"' in answer

    chunked = (f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n").encode()
    piece = b"a" * 65536
    chunks = (b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(200))  # 12.5 MB if all sent
    answer = raw_exchange(server.port, chunked, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert snapshot(db_path) == before
    assert server.http.get("/api/health").status_code == 200


def test_overlong_url_is_refused(server: LiveServer) -> None:
    refused(httpx.get(server.url + "/api/articles/1?" + "x" * 3000), 414)


def test_token_is_required_when_set(token_server: LiveServer, db_path: Path) -> None:
    before = snapshot(db_path)
    url = token_server.url + "/api/articles"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Basic {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"},
                    {"Authorization": "Bearer " + TOKEN[:-1]}):
        response = httpx.post(url, json=ARTICLE, headers=headers)
        assert "token" in refused(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        refused(httpx.get(url, headers=headers), 401)
        refused(httpx.get(token_server.url + "/api/health", headers=headers), 401)
    first_id = before[0][0][0]
    refused(httpx.delete(f"{url}/{first_id}"), 401)
    assert snapshot(db_path) == before

    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(url, json=ARTICLE, headers=auth).status_code == 201
    assert httpx.get(url, headers=auth).status_code == 200


def test_token_preflight_is_answered_and_refusal_readable_by_extension(
        token_server: LiveServer) -> None:
    url = token_server.url + "/api/analyze"
    preflight = httpx.options(url, headers={
        "Origin": EXTENSION, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    no_token = httpx.post(url, json=ARTICLE, headers={"Origin": EXTENSION})
    refused(no_token, 401)
    assert no_token.headers["access-control-allow-origin"] == EXTENSION


def test_pinned_extension_origin_from_environment(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSCHECK_EXTENSION_ORIGIN", EXTENSION)
    live = LiveServer(db_path)
    try:
        other = {"Origin": "moz-extension://2c127fa4-62a7-4b3b-9b0e-3b1c5d6e7f80"}
        refused(live.http.get("/api/health", headers=other), 403)
        assert live.http.get("/api/health", headers={"Origin": EXTENSION}).status_code == 200
    finally:
        live.stop()


def test_token_from_environment(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSCHECK_TOKEN", TOKEN)
    live = LiveServer(db_path)
    try:
        refused(httpx.get(live.url + "/api/articles"), 401)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(live.url + "/api/articles", headers=auth).status_code == 200
    finally:
        live.stop()


def serve(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", "serve", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=60)


def test_binding_elsewhere_needs_a_flag_and_warns(db_path: Path) -> None:
    refused = serve(db_path, "--host", "192.0.2.1")  # TEST-NET-1: never this machine
    assert refused.returncode == 2
    assert "--allow-remote" in refused.stderr
    assert not db_path.exists()
    wildcard = serve(db_path, "--host", "0.0.0.0", "--allow-remote")
    assert wildcard.returncode == 2
    assert "bind the one address" in wildcard.stderr
    # confirmed: the warning comes first, then binding an address we do not have fails
    confirmed = serve(db_path, "--host", "192.0.2.1", "--allow-remote", "--port", "1")
    assert "WARNING" in confirmed.stderr and "unencrypted" in confirmed.stderr
    assert confirmed.returncode != 0
    open_to_all = serve(db_path, "--host", "192.0.2.1", "--allow-remote", "--port", "1",
                        "--no-token")
    assert "anyone who can reach it" in open_to_all.stderr


def test_bound_address_is_our_name_too(db_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "serve", "--host", "127.0.0.2", "--port", str(port),
         "--db", str(db_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.2:{port}"
    try:
        for _ in range(300):
            try:
                health = httpx.get(url + "/api/health", timeout=1,
                                   headers={"Authorization": f"Bearer {read_token(db_path)}"})
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.status_code == 200
        refused(httpx.get(url + "/api/health", headers={"Host": f"evil.example:{port}"}), 421)
    finally:
        proc.terminate()
        proc.wait(10)


def test_new_store_is_readable_by_its_owner_only(server: LiveServer, db_path: Path) -> None:
    """A token guards the API; on a shared machine the file must not be readable instead."""
    assert server.http.post("/api/articles", json=ARTICLE).status_code == 201
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.stem)]
    assert db_path in files and db_path.with_suffix(".token") in files
    assert len(files) >= 3  # the store, its WAL and the token
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, path


OWN_HOSTS = {"127.0.0.1:8765", "localhost:8765", "[::1]:8765"}
NEAR_MISSES = st.sampled_from([
    "127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.1", "127.0.0.1:876",
    "127.0.0.1:87650", "localhost.:8765", "localhost:8765.evil", "evil.localhost:8765", "[::1]",
    "::1:8765", "[::ffff:127.0.0.1]:8765", "127.1:8765", "0x7f.1:8765", "127.0.0.1:8765:8765",
    "LOCALHOST:8765",
    " localhost:8765", "localhost:+8765", "localhost:08765", "",
])


@settings(max_examples=300)
@given(st.one_of(NEAR_MISSES, st.text(max_size=40), st.builds(
    "{}:{}".format, st.text(max_size=12), st.integers(0, 70000))))
def test_only_our_own_host_names_pass(host: str) -> None:
    assert host_allowed(Policy(port=8765), host) == (host.lower() in OWN_HOSTS)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=60), st.sampled_from([
    EXTENSION, WEB_PAGE, "null", "http://127.0.0.1:8765", "https://127.0.0.1:8765",
    "http://localhost:8765.evil.example", "chrome-extension://", "chrome-extension://a/b",
    OTHER_EXTENSION, EXTENSION + "/", EXTENSION.upper(), "moz-extension://", "moz-extension://a",
    "moz-extension://2c127fa4-62a7-4b3b-9b0e-3b1c5d6e7f80", "file://", "http://[::1]:8765"])))
def test_only_our_extension_and_our_own_pages_are_trusted_origins(origin: str) -> None:
    trusted = origin_allowed(Policy(port=8765), origin)
    own_page = origin.startswith("http://") and origin[len("http://"):].lower() in OWN_HOSTS
    firefox = re.fullmatch(r"moz-extension://[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", origin)
    assert trusted == (own_page or origin == EXTENSION or firefox is not None)
