"""Storage failures answer clearly and never make things worse (issue 14).

Each failure is real: a tmpfs too small for the store (full disk), a filesystem remounted
read-only, a file damaged on disk, over HTTP against `crosscheck serve`.
"""

from __future__ import annotations

import gc
import hashlib
import os
import random
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LiveServer, seed_text

from crosscheck.store import Store

PAGE = 4096


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB filesystem of its own (tests run as root, as CI does)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
                   check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def article(i: int, size: int = 20_000) -> dict[str, str]:
    words = " ".join(f"Council member {i}-{n} voted for plan {n} on Monday." for n in
                     range(size // 50))
    return {"text": words, "url": f"https://news.test/{i}"}


def serve(db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", "serve", "--port", "1",
                           "--db", str(db), *extra], capture_output=True, text=True, timeout=60)


def test_a_full_disk_is_507_and_leaves_the_store_whole(tmpfs: Path) -> None:
    db = tmpfs / "crosscheck.db"
    live = LiveServer(db, "--no-seeds")
    try:
        statuses = []
        for i in range(400):
            answer = live.http.post("/api/articles", json=article(i), timeout=60)
            statuses.append(answer.status_code)
            if answer.status_code != 201:
                break
        assert answer.status_code == 507, answer.text
        assert answer.headers["content-type"] == "application/json"
        assert "disk holding the store" in answer.json()["error"]
        assert "free some space" in answer.json()["error"]
        assert set(statuses[:-1]) == {201} and len(statuses) > 3
        stored = live.http.get("/api/articles").json()["articles"]
        assert len(stored) == len(statuses) - 1  # the one refused is not there
        assert live.http.get("/api/health").status_code == 200
        assert live.http.post("/api/analyze", json=article(0), timeout=60).status_code == 200
        live.log.seek(0)
        assert b"Traceback" not in live.log.read()
    finally:
        live.stop()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)


@pytest.mark.parametrize("wal_left", [True, False], ids=["wal-left", "checkpointed"])
def test_a_read_only_disk_serves_reads_and_refuses_writes(tmpfs: Path, wal_left: bool) -> None:
    db = tmpfs / "crosscheck.db"
    live = LiveServer(db)
    live.stop()
    if not wal_left:  # the last connection to close folds the WAL in and removes it
        conn = sqlite3.connect(db)
        conn.execute("select count(*) from articles").fetchone()
        conn.close()
    assert Path(f"{db}-wal").exists() == wal_left
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    live = LiveServer(db)
    try:
        assert live.token  # the token file beside it is read, not made again
        articles = live.http.get("/api/articles").json()["articles"]
        assert len(articles) >= 5
        assert live.http.post("/api/analyze", json={"text": seed_text("001")}).status_code == 200
        for answer in (live.http.post("/api/articles", json=article(1)),
                       live.http.delete(f"/api/articles/{articles[0]['id']}")):
            assert answer.status_code == 503, answer.text
            assert "read-only" in answer.json()["error"]
    finally:
        live.stop()


def damage(db: Path, seed: int = 1) -> None:
    """Overwrite part of every third page after the first two, as a failing disk might."""
    raw = bytearray(db.read_bytes())
    rng = random.Random(seed)
    for page in range(2, len(raw) // PAGE, 3):
        raw[page * PAGE + 100:page * PAGE + 300] = rng.randbytes(200)
    db.write_bytes(bytes(raw))


def seeded(db: Path) -> None:
    store = Store(db)
    from crosscheck.pipeline import ensure_seeded

    ensure_seeded(store)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_damaged_store_is_refused_at_start_in_one_line(db_path: Path) -> None:
    seeded(db_path)
    damage(db_path)
    run = serve(db_path)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("Error: the store")
    assert "damaged" in run.stderr and ".recover" in run.stderr
    db_path.write_bytes(b"this is not a database at all" * 200)
    run = serve(db_path)
    assert run.returncode == 1 and "damaged" in run.stderr and "Traceback" not in run.stderr
    cli = subprocess.run([sys.executable, "-m", "crosscheck", "stats", "--db", str(db_path)],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 1 and cli.stderr.startswith("Error: the store")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_store_damaged_while_serving_takes_no_more_writes(db_path: Path) -> None:
    seeded(db_path)
    live = LiveServer(db_path)
    try:
        damage(db_path)
        before = digest(db_path)
        answers = [live.http.post("/api/analyze", json={"text": seed_text(n)}, timeout=60)
                   for n in ("001", "002", "003")]
        damaged = [a for a in answers if a.status_code == 503]
        assert damaged, [a.status_code for a in answers]
        assert "is damaged" in damaged[0].json()["error"]
        added = live.http.post("/api/articles", json=article(1))
        assert added.status_code == 503 and "nothing more is written" in added.json()["error"]
        assert live.http.delete("/api/articles/1").status_code == 503
        assert digest(db_path) == before
        assert not Path(str(db_path) + "-wal").exists() or \
            Path(str(db_path) + "-wal").stat().st_size == 0
    finally:
        live.stop()


def test_store_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    loose = tmp_path / "loose.db"
    Store(loose)
    loose.chmod(0o644)
    Store(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    old = os.umask(0)
    try:
        fresh = tmp_path / "new" / "crosscheck.db"
        store = Store(fresh)
        store.add_many([])
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    for file in fresh.parent.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file



def test_a_read_only_store_of_another_version_reads_no_profile_back(tmpfs: Path) -> None:
    """Stored profiles made by another version of the code are never read back (issue 15):
    where the store cannot be written they cannot be made again, so analyses make them."""
    from test_profile import PAGE

    from crosscheck.pipeline import analyze, ensure_profiles
    from crosscheck.types import Page

    db = tmpfs / "crosscheck.db"
    seeded(db)
    store = Store(db)
    store.forget_profiles("an older version")
    store.db.execute("update passages set profile = '[\"stale\"]'")
    store.db.conn.commit()
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    del store
    gc.collect()  # every connection closed, or the disk is busy
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    shown = Store(db)
    assert shown.read_only
    ensure_profiles(shown)
    assert not shown.profiles_usable
    analysis = analyze(shown, Page(text=PAGE))  # a stale form would fail to read
    assert any(m.relation == "corroborates" for r in analysis.claims for m in r.matches)
