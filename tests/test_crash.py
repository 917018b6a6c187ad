"""Crash safety and cross-process writes: real `crosscheck import` processes, real SIGKILL.

Killing an import at random points leaves a database that passes `PRAGMA integrity_check`
and holds each article whole (all its passages, all indexed) or not at all; running the
import again completes it with no duplicates. An import running while the server adds the
same articles over HTTP stores each exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
from conftest import LiveServer

ARTICLES = 400
PLACES = ["Lyon", "Porto", "Gdansk", "Tartu", "Varna", "Bergen", "Cork", "Graz", "Bari", "Ghent"]


def article(i: int) -> dict[str, str]:
    place = PLACES[i % len(PLACES)]
    sentences = [
        f"The council of {place} approved plan number {i} on Monday by {i % 50 + 3} votes.",
        f"Mayor Ana Kovac of {place} said the plan {i} would cost {i * 7 + 11} million euros.",
        f"Officials in {place} expect {i % 90 + 10} new jobs from project {i} by next year.",
        f"Critics in {place} said the plan {i} was rushed through in {i % 9 + 2} weeks.",
    ][: 2 + i % 3]
    return {"text": " ".join(sentences), "url": f"https://news.test/{i}", "outlet": place}


def write_jsonl(path: Path, items: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), "utf-8")
    return path


def start_import(source: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "import", str(source), "--db", str(db), "--no-seeds"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def run_import(source: Path, db: Path) -> None:
    assert start_import(source, db).wait(timeout=300) == 0


def state(db: Path) -> dict[str, int]:
    """url -> passages, after checking the file, that every passage is indexed and that the
    term counts match the index."""
    with sqlite3.connect(db, timeout=30) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        indexed = conn.execute("select count(*) from passages_fts").fetchone()[0]
        assert indexed == conn.execute("select count(*) from passages").fetchone()[0]
        # the term counts retrieval ranks by agree with the index they count
        conn.execute("create virtual table temp.vocab using fts5vocab(main, passages_fts, row)")
        assert dict(conn.execute("select term, df from terms where df > 0")) == dict(
            conn.execute("select term, doc from temp.vocab"))
        rows = conn.execute(
            "select a.url, count(p.id) from articles a left join passages p on p.article_id = a.id "
            "group by a.id").fetchall()
    urls = [url for url, _ in rows]
    assert len(urls) == len(set(urls)), "an article is stored twice"
    return dict(rows)


def articles_in(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def kill_when_writing(source: Path, db: Path, rng: random.Random) -> None:
    """Start an import, wait until it is writing articles, then SIGKILL it (and its workers)."""
    before = articles_in(db)
    proc = start_import(source, db)
    deadline = time.monotonic() + 60
    while articles_in(db) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.05))
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_killed_import_leaves_whole_articles(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "articles.jsonl", [article(i) for i in range(ARTICLES)])
    clean_db, db = tmp_path / "clean.db", tmp_path / "killed.db"
    run_import(source, clean_db)
    clean = state(clean_db)
    assert len(clean) == ARTICLES

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    counts = []
    for _ in range(4):
        kill_when_writing(source, db, rng)
        stored = state(db)
        counts.append(len(stored))
        for url, passages in stored.items():
            assert passages == clean[url], (seed, url)
    assert 0 < counts[0] < ARTICLES, (seed, counts)  # the first kill did land mid-import

    run_import(source, db)
    assert state(db) == clean


def test_import_while_the_server_adds_the_same_articles(db_path: Path, tmp_path: Path) -> None:
    items = [article(i) for i in range(100)]
    source = write_jsonl(tmp_path / "articles.jsonl", items)
    server = LiveServer(db_path, "--no-seeds")
    try:
        proc = start_import(source, db_path)
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(
                lambda item: server.http.post("/api/articles", json=item, timeout=60),
                reversed(items)))
        assert proc.wait(timeout=300) == 0
        assert {a.status_code for a in answers} <= {200, 201}
    finally:
        server.stop()
    stored = state(db_path)
    assert set(stored) == {item["url"] for item in items}


def test_readers_are_not_blocked_by_a_writer(live_server: LiveServer, db_path: Path) -> None:
    """Another process holds the write lock: reads and analyses go on, an addition waits."""
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("begin immediate")
    writer.execute("update articles set title = title")
    try:
        assert live_server.http.get("/api/articles").status_code == 200
        analysis = live_server.http.post("/api/analyze", json=article(7), timeout=60)
        assert analysis.status_code == 200
        with ThreadPoolExecutor(1) as pool:
            adding = pool.submit(live_server.http.post, "/api/articles", json=article(8),
                                 timeout=60)
            time.sleep(0.5)
            assert not adding.done()  # waiting for the lock, not failing
            writer.execute("commit")
            assert adding.result().status_code == 201
    finally:
        writer.close()
    assert "https://news.test/8" in state(db_path)


def post_all(server: LiveServer, items: list[dict[str, str]]) -> list[int]:
    """Send every item, 4 at a time; a broken connection counts as status 0."""
    def send(item: dict[str, str]) -> int:
        try:
            return server.http.post("/api/articles", json=item, timeout=60).status_code
        except httpx.TransportError:
            return 0
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(send, items))


def test_killed_server_leaves_whole_articles(db_path: Path, tmp_path: Path) -> None:
    items = [article(i) for i in range(150)]
    clean_db = tmp_path / "clean.db"
    run_import(write_jsonl(tmp_path / "articles.jsonl", items), clean_db)
    clean = state(clean_db)

    server = LiveServer(db_path, "--no-seeds")
    with ThreadPoolExecutor(1) as pool:
        sending = pool.submit(post_all, server, items)
        deadline = time.monotonic() + 60
        while articles_in(db_path) < 10 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.proc.kill()
        statuses = sending.result()
    server.stop()
    assert 0 in statuses  # the kill did land while articles were being added
    stored = state(db_path)
    assert 10 <= len(stored) < len(items)
    assert all(passages == clean[url] for url, passages in stored.items())

    server = LiveServer(db_path, "--no-seeds")
    try:
        assert set(post_all(server, items)) <= {200, 201}
    finally:
        server.stop()
    assert state(db_path) == clean
