"""The PostgreSQL store on a real, throwaway cluster (tests/pgcluster.py): the same answers as
SQLite, the schema made and migrated by the tool, clear errors, and the database keeping an
article once however many servers send it at the same moment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from conftest import ROOT
from pgcluster import Cluster

from crosscheck import pipeline
from crosscheck.claims import passages
from crosscheck.seeds import seed_pages
from crosscheck.store import Store, StoreError
from crosscheck.types import Article, Page

LABELLED = ROOT / "tests" / "labelled"


@pytest.fixture
def url(postgres: Cluster) -> Iterator[str]:
    name = f"t{uuid4().hex[:12]}"
    yield postgres.database(name)
    postgres.drop(name)


def labelled_texts() -> list[str]:
    """Every claim and passage of the labelled pair sets that hold texts (the real-news set
    names sentences by key: bench/quality.py --backend postgres measures it)."""
    found: list[str] = []
    for name in ("seed_pairs.jsonl", "hard_cases.jsonl"):
        rows = [json.loads(line) for line in (LABELLED / name).read_text("utf-8").splitlines()
                if line.strip()]
        found += [text for row in rows for text in (row["claim"], row["passage"])]
    return list(dict.fromkeys(found))


def answers(store: Store, pages: list[Page]) -> list[dict[str, object]]:
    pipeline.ensure_seeded(store)
    return [pipeline.analysis_json(pipeline.analyze(store, page)) for page in pages]


def test_both_backends_give_the_same_answers(url: str, tmp_path: Path) -> None:
    """Every seed page, and each text of the labelled sets as a page, analysed against the
    seed corpus: the same JSON, ids, scores and reasons included."""
    pages = [*seed_pages(), *(Page(text=text) for text in labelled_texts())]
    postgres = Store(url)
    try:
        theirs = answers(postgres, pages)
        ours = answers(Store(tmp_path / "seeds.db"), pages)
        assert sum(len(c["matches"]) for a in ours for c in a["claims"]) > 100  # type: ignore
        assert theirs == ours
        assert postgres.stats() == Store(tmp_path / "seeds.db").stats()
        words = ["putin", "visited", "pyongyang", "treaty", "zzzz"]
        assert postgres.term_frequencies(words, [1]) == Store(
            tmp_path / "seeds.db").term_frequencies(words, [1])
    finally:
        postgres.close()


def test_the_same_article_sent_at_once_is_stored_once(url: str) -> None:
    """Eight "servers" (stores of their own) add the same 20 articles at the same moment."""
    texts = [f"The council of Tartu approved plan {i} on Monday by {i + 3} votes. Mayor Ana "
             f"Kovac said it would cost {i * 7} million euros." for i in range(20)]
    stores = [Store(url) for _ in range(8)]
    start = threading.Barrier(len(stores))
    results: list[list[tuple[int, int, bool]]] = [[] for _ in stores]

    def send(n: int) -> None:
        start.wait()
        for i, text in enumerate(texts):
            article = Article(text=text, url=f"https://load.test/{i}")
            results[n].append(stores[n].add(article, passages(text)))
    try:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert stores[0].stats()["articles"] == 20
        firsts = [sum(not dup for _, _, dup in r) for r in results]
        assert sum(firsts) == 20  # each article added once, a duplicate for the 7 others
        assert all(len({r[i][0] for r in results}) == 1 for i in range(20))  # one id each
        words = ["tartu", "kovac"]
        assert stores[3].term_frequencies(words) == {"tartu": ("tartu", 20), "kovac": ("kovac", 20)}
    finally:
        for store in stores:
            store.close()


def test_uniqueness_is_a_database_constraint(url: str) -> None:
    Store(url).close()
    with psycopg.connect(url) as conn:
        conn.execute("insert into articles (text, text_hash, url) values ('a', 'h1', 'u')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("insert into articles (text, text_hash) values ('b', 'h1')")


def test_schema_is_migrated_by_name(url: str) -> None:
    Store(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("select name from crosscheck_migrations order by 1")]
        assert names[:3] == ["m001_initial", "m002_feedback", "m003_profiles"]
        assert names[3].startswith("m004_vectors_")
        conn.execute("drop table feedback")  # as a database made before feedback existed
        conn.execute("delete from crosscheck_migrations where name = 'm002_feedback'")
    store = Store(url)  # brought up to date
    try:
        assert store.feedback() == []
    finally:
        store.close()


def test_old_schema_and_no_right_to_change_it(url: str, postgres: Cluster) -> None:
    Store(url).close()
    reader = f"reader{uuid4().hex[:8]}"
    postgres.admin(f"create role {reader} login")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table feedback")  # as a database made before feedback existed
        conn.execute("delete from crosscheck_migrations where name = 'm002_feedback'")
        conn.execute(f"grant select on all tables in schema public to {reader}")
        conn.execute(f"revoke create on schema public from {reader}")
    try:
        with pytest.raises(StoreError, match="older schema .* lacks m002_feedback"):
            Store(url.replace("postgresql://crosscheck@", f"postgresql://{reader}@"))
    finally:
        superuser = url.replace("postgresql://crosscheck@", "postgresql://postgres@")
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute(f"drop owned by {reader}")
        postgres.admin(f"drop role {reader}")


def test_a_newer_schema_is_refused(url: str) -> None:
    Store(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into crosscheck_migrations (name) values ('m999_future')")
    with pytest.raises(StoreError, match="newer Crosscheck .*m999_future"):
        Store(url)


def crosscheck(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


@pytest.mark.parametrize("problem", ["unreachable", "password", "database"])
def test_clear_one_line_errors(postgres: Cluster, problem: str) -> None:
    bad = {
        "unreachable": f"postgresql://crosscheck:x@127.0.0.1:{postgres.port + 1}/db",
        "password": postgres.tcp_url("postgres", password="wrong"),
        "database": postgres.tcp_url("nosuchdb"),
    }[problem]
    run = crosscheck("stats", "--db", bad)
    assert run.returncode == 1
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "Traceback" not in run.stderr
    assert {"unreachable": "cannot reach PostgreSQL", "password": "wrong password",
            "database": "createdb -O crosscheck nosuchdb"}[problem] in line
    assert "x@" not in line and "wrong@" not in line  # no password printed
    assert run.stdout == ""


def test_env_names_the_database_and_the_password_is_not_shown(postgres: Cluster,
                                                              url: str) -> None:
    name = url.split("/")[3].split("?")[0]
    run = crosscheck("stats", CROSSCHECK_DB=postgres.tcp_url(name))
    assert run.returncode == 0, run.stderr
    assert "articles: 5" in run.stdout
    assert f"store: postgresql://crosscheck@127.0.0.1:{postgres.port}/{name}" in run.stdout
    assert "test-password" not in run.stdout + run.stderr
