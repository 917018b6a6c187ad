"""The `crosscheck` command (issue 2), run as a user runs it: a real process on a real store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from conftest import SEEDS
from starlette.testclient import TestClient

from crosscheck.app import create_app

CALIBER = next(SEEDS.glob("001_*.txt"))


@pytest.fixture
def db_path(any_store: str) -> str:
    """Every test here that takes a store runs on SQLite and on PostgreSQL."""
    return any_store


def crosscheck(
    *args: str, db: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db is not None:
        env["CROSSCHECK_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "crosscheck", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_analyze_report_shows_the_conflict(db_path: Path) -> None:
    run = crosscheck("analyze", str(CALIBER), db=db_path)
    assert run.returncode == 0, run.stderr
    assert "in conflict" in run.stdout
    assert '"25 years" here, "24 years" there' in run.stdout


def test_analyze_json_is_the_api_body(db_path: Path) -> None:
    run = crosscheck(
        "analyze", str(CALIBER), "--json", "--url", "https://caliber.test/x", db=db_path
    )
    assert run.returncode == 0, run.stderr
    with TestClient(create_app(str(db_path)), base_url="http://127.0.0.1") as client:
        api = client.post(
            "/api/analyze",
            json={"text": CALIBER.read_text("utf-8"), "url": "https://caliber.test/x"},
        ).json()
    assert json.loads(run.stdout) == api


def test_analyze_reads_stdin_and_html(db_path: Path, tmp_path: Path) -> None:
    run = crosscheck("analyze", "-", "--json", db=db_path, stdin=CALIBER.read_text("utf-8"))
    assert json.loads(run.stdout)["summary"]["conflicted"] >= 1
    page = tmp_path / "page.html"
    paragraphs = "".join(
        f"<p>{p}</p>" for p in CALIBER.read_text("utf-8").split("\n\n") if len(p) > 200
    )
    page.write_text(
        f"<html><head><title>T</title></head><body><article>{paragraphs}</article></body></html>"
    )
    run = crosscheck("analyze", str(page), "--json", db=db_path)
    assert run.returncode == 0, run.stderr
    assert any("25 years" in c["text"] for c in json.loads(run.stdout)["claims"])


def test_add_articles_remove_stats(db_path: Path, tmp_path: Path) -> None:
    article = tmp_path / "new.txt"
    article.write_text(
        "Kim Jong Un inspected a new munitions factory near Pyongyang on Tuesday, "
        "state media said. "
        "The factory will produce artillery shells for export to Russia, officials said.\n"
    )
    run = crosscheck(
        "add", str(article), "--outlet", "News Test", "--published", "2024-07-01", db=db_path
    )
    assert run.returncode == 0, run.stderr
    assert "added as article 6 (2 passages)" in run.stdout
    again = crosscheck("add", str(article), db=db_path)
    assert "already stored as article 6" in again.stdout

    listed = json.loads(crosscheck("articles", "--json", db=db_path).stdout)["articles"]
    assert [a["outlet"] for a in listed if a["id"] == 6] == ["News Test"]
    assert "articles: 6" in crosscheck("stats", db=db_path).stdout
    assert crosscheck("remove", "6", db=db_path).returncode == 0
    assert crosscheck("remove", "6", db=db_path).returncode != 0
    assert "articles: 5" in crosscheck("stats", db=db_path).stdout


def test_no_seeds_and_db_option(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    run = crosscheck("stats", "--db", str(db), "--no-seeds")
    assert "articles: 0" in run.stdout
    assert db.exists()


def test_import_folder_and_jsonl(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "The first imported article says the bridge opened in 1998 after delays.\n"
    )
    (folder / "b.html").write_text(
        "<html><body><article><p>The second imported article reports that 40 people attended the "
        "opening of the museum in Lyon on Sunday.</p></article></body></html>"
    )
    run = crosscheck("import", str(folder), db=db_path)
    assert run.returncode == 0, run.stderr
    assert "2 added, 0 already stored" in run.stdout
    assert index_optimized(db_path)

    lines = tmp_path / "articles.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {
                    "url": "https://j.test/1",
                    "title": "One",
                    "outlet": "J",
                    "published": "2024-01-02",
                    "text": "A third article states that the dam holds 2 million cubic metres.",
                },
                {
                    "url": "https://j.test/1",
                    "text": "Same URL again, so it must not be stored twice at all.",
                },
            ]
        )
        + "\n{broken\n"
    )
    run = crosscheck("import", str(lines), db=db_path)
    assert "1 added, 1 already stored" in run.stdout
    assert "line 3" in run.stderr
    stored = json.loads(crosscheck("articles", "--json", db=db_path).stdout)["articles"]
    assert [a["title"] for a in stored if a["url"] == "https://j.test/1"] == ["One"]


def index_optimized(db: str) -> bool:
    """The import ends by merging SQLite's full-text index, by vacuuming PostgreSQL's."""
    if db.startswith("postgresql://"):
        with psycopg.connect(db) as conn:
            return conn.execute("select last_vacuum is not null from pg_stat_user_tables"
                                " where relname = 'passages'").fetchone() == (True,)
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(distinct segid) from passages_fts_idx").fetchone() == (1,)


def test_extract_json_lines(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Bridge opens"></head><body>'
        "<nav>Home News Sport</nav><article><p>The bridge opened on Monday after four years of "
        "work, the city council said.</p><p>It cost 40 million euros.</p></article></body></html>"
    )
    run = crosscheck("extract", "--json", str(page), str(CALIBER))
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(page), str(CALIBER)]
    assert records[0]["title"] == "Bridge opens"
    assert "The bridge opened on Monday" in records[0]["text"]
    assert "first time in 25 years" in records[1]["text"]


def test_help_lists_every_command() -> None:
    out = crosscheck("--help").stdout
    for command in ("serve", "analyze", "add", "import", "extract", "articles", "remove", "stats"):
        assert command in out


def test_import_survives_lone_surrogates(db_path: Path, tmp_path: Path) -> None:
    lines = tmp_path / "odd.jsonl"
    lines.write_text(
        '{"url": "https://odd.test/1", "title": "Odd \\udc00 title", "text": '
        '"The council said on Monday that 40 people \\ud800 attended the opening of the bridge."}\n'
    )
    run = crosscheck("import", str(lines), db=db_path)
    assert run.returncode == 0, run.stderr
    assert "1 added" in run.stdout
    stored = json.loads(crosscheck("articles", "--json", db=db_path).stdout)["articles"]
    assert [a["title"] for a in stored if a["url"] == "https://odd.test/1"] == ["Odd \ufffd title"]
