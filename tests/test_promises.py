"""Promises of the README that a deliberate bug once broke without any test noticing.

Each test here goes through the public parts (the pipeline on a real store, or HTTP), not
through the internals of matching, so it holds whatever replaces them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from crosscheck import pipeline
from crosscheck.app import create_app
from crosscheck.store import Store
from crosscheck.types import Page

# A page and the stored version of it that its outlet published earlier under the same URL:
# every sentence reworded a little, so neither its text nor half of its claims are the same.
STORED = (
    "Kim Jong Un inspected a new munitions factory near Pyongyang on Tuesday, state media said. "
    "The factory will produce artillery shells for export to Russia, according to South Korean "
    "intelligence officials. North Korea has shipped more than 11,000 containers of munitions "
    "to Russia since August, the officials told reporters in Seoul."
)
UPDATED = (
    "Kim Jong Un inspected a new munitions factory near Pyongyang on Tuesday morning, state "
    "media reported. The factory is to produce artillery shells for export to Russia, according "
    "to South Korean intelligence officials. North Korea has shipped more than 11,000 "
    "containers of munitions to Russia since August, the officials told journalists in Seoul."
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "crosscheck.db")


def relations(store: Store, page: Page) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    """outlet -> [(relation, [(value here, value there)])] over every claim of the page."""
    found: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
    body = pipeline.analysis_json(pipeline.analyze(store, page))
    for claim in body["claims"]:
        for m in claim["matches"]:
            diffs = [(d["claim"], d["passage"]) for d in m["differences"]]
            found.setdefault(m["passage"]["outlet"], []).append((m["relation"], diffs))
    return found


def one_relation(claim: str, passage: str, published: str | None = None,
                 tmp: Path | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the pipeline answers for a one-sentence page against a one-sentence source."""
    assert tmp is not None
    store = Store(tmp / f"pair-{abs(hash((claim, passage, published)))}.db")
    pipeline.add(store, Page(text=passage, url="https://other.test/a", outlet="Other",
                             published=published))
    return relations(store, Page(text=claim)).get("Other", [])


# ---------------------------------------------------------------- the page itself


def test_a_stored_earlier_version_under_the_same_url_is_not_a_source(store: Store) -> None:
    pipeline.add(store, Page(text=STORED, url="https://news.test/factory", outlet="News Test"))
    elsewhere = relations(store, Page(text=UPDATED, url="https://elsewhere.test/factory"))
    assert "News Test" in elsewhere  # the reworded text does match it from another address
    assert "News Test" not in relations(store, Page(text=UPDATED, url="https://news.test/factory"))


def test_a_copy_holding_half_of_the_claims_is_not_a_source(store: Store) -> None:
    claims = [
        "Officials in Lyon said on Monday that 40 people attended the opening of the museum.",
        "The museum cost 12 million euros, the city council of Lyon said in a statement.",
        "Mayor Ana Kovac said the museum would draw 200,000 visitors a year to Lyon.",
        "The museum was designed by the architect Paul Brenner over 6 years, officials said.",
    ]
    copy = " ".join([*claims[:2], "The weather in Lyon was mild and dry on the day.",
                     "Visitors queued along the river for hours before the doors opened."])
    pipeline.add(store, Page(text=copy, url="https://copy.test/1", outlet="Copy Site"))
    # a source that carries one of the four claims word for word is a source, not a copy
    pipeline.add(store, Page(text=claims[2] + " Critics said the figure was far too high.",
                             url="https://other.test/1", outlet="Other Paper"))
    found = relations(store, Page(text=" ".join(claims), url="https://lyon.test/museum"))
    assert "Copy Site" not in found
    assert ("corroborates", []) in found["Other Paper"]


# ---------------------------------------------------------------- amounts and ranges


def test_a_range_and_a_value_at_its_end_are_compatible(tmp_path: Path) -> None:
    claim = ("North Korea has shipped 24-25 containers of munitions to Russia since August, "
             "officials in Seoul said.")
    passage = ("North Korea has shipped 25 containers of munitions to Russia since August, "
               "officials in Seoul told reporters.")
    assert one_relation(claim, passage, tmp=tmp_path) == [("corroborates", [])]
    # and the same sentences with a value outside the range do conflict
    outside = claim.replace("24-25", "22-23")
    assert one_relation(outside, passage, tmp=tmp_path) == [
        ("conflicts", [("22-23 containers", "25 containers")])]


def test_an_amount_conflicts_only_when_no_value_of_the_same_thing_agrees(tmp_path: Path) -> None:
    claim = "North Korea has sent 3 million shells to Russia since August, officials in Seoul said."
    passage = ("Officials in Seoul said North Korea has sent 3 million shells to Russia since "
               "August, after 2 million shells last year.")
    assert one_relation(claim, passage, tmp=tmp_path) == [("corroborates", [])]
    differing = passage.replace("3 million shells to", "4 million shells to")
    [(relation, diffs)] = one_relation(claim, differing, tmp=tmp_path)
    assert relation == "conflicts"
    assert diffs and all(here != there for here, there in diffs), diffs


def test_a_year_counted_back_corroborates_only_with_a_shared_name(tmp_path: Path) -> None:
    claim = "President Putin had visited Pyongyang only once previously, in 2000."
    # a second sentence on each side puts the source on the page's story (a year counted back
    # is evidence of the same fact only there)
    page = Page(text=claim + " Putin arrived in Pyongyang on Wednesday for talks with Kim "
                             "Jong Un about weapons.")
    source = " Putin flew to Pyongyang for talks with Kim Jong Un about weapons and trade."

    def year_relations(passage: str) -> list[str]:
        store = Store(tmp_path / f"{len(passage)}.db")
        pipeline.add(store, Page(text=passage + source, url="https://other.test/a",
                                 outlet="Other", published="2024-06-19"))
        body = pipeline.analysis_json(pipeline.analyze(store, page))
        [found] = [c for c in body["claims"] if c["text"] == claim]
        return [m["relation"] for m in found["matches"] if passage in m["passage"]["text"]]

    named = "It was 24 years ago, in September, that Putin last visited the DPRK."
    assert year_relations(named) == ["corroborates"]
    unnamed = "It was 24 years ago, in September, that the Russian leader last visited the DPRK."
    assert year_relations(unnamed) in ([], ["related"])


# ---------------------------------------------------------------- storage


def index_terms(db: Path) -> dict[str, int]:
    """term -> passages holding it, as the full-text index itself counts them."""
    with sqlite3.connect(db) as conn:
        conn.execute("create virtual table temp.vocab using fts5vocab(main, passages_fts, row)")
        return dict(conn.execute("select term, doc from temp.vocab").fetchall())


def counted_terms(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select term, df from terms where df > 0").fetchall())


def test_term_counts_are_written_with_the_article_or_not_at_all(store: Store) -> None:
    pipeline.add(store, Page(text=STORED, url="https://news.test/1"))
    before = counted_terms(Path(store.path))
    with sqlite3.connect(store.path) as conn:  # the counts can no longer be written
        for event in ("insert", "update"):
            conn.execute(f"create trigger no_{event} before {event} on terms "
                         "begin select raise(abort, 'disk full'); end")
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        pipeline.add(store, Page(text=UPDATED, url="https://news.test/2"))
    assert [a["url"] for a in store.articles()] == ["https://news.test/1"]
    assert counted_terms(Path(store.path)) == before == index_terms(Path(store.path))


# ---------------------------------------------------------------- bounded work


@pytest.fixture
def slow_client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db_path), seeds=False, deadline=3),
                    base_url="http://127.0.0.1") as client:
        yield client


def add_while_locked(client: TestClient, db: Path, adds: int) -> tuple[list[int], int]:
    """Hold the store's write lock from another connection, send `adds` ordinary additions
    (each then waits for the lock in its lane), then one ordinary analysis, and free the lock
    once it is answered: (addition statuses, analysis status)."""
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("begin immediate")
    try:
        with ThreadPoolExecutor(adds) as pool:
            adding = [pool.submit(client.post, "/api/articles",
                                  json={"text": f"{STORED} Report number {i} was filed."})
                      for i in range(adds)]
            time.sleep(1)  # every addition has its lane and waits for the lock
            assert not any(a.done() for a in adding)
            analysis = client.post("/api/analyze", json={"text": UPDATED}).status_code
            writer.execute("commit")
            return [a.result().status_code for a in adding], analysis
    finally:
        if writer.in_transaction:
            writer.execute("rollback")
        writer.close()


def test_two_ordinary_pages_run_at_once(slow_client: TestClient, db_path: Path) -> None:
    added, analysis = add_while_locked(slow_client, db_path, 1)
    assert analysis == 200  # the second ordinary lane was free
    assert added == [201]


def test_a_third_waits_for_a_lane_then_gets_a_503(slow_client: TestClient, db_path: Path) -> None:
    """Two ordinary pages at a time (limits.LANES); a third waits for a lane until its own
    deadline, then gets a 503. Work past its deadline runs on and keeps its lane until it
    ends: the two additions answer 503 at theirs but still wait for the lock, so no lane
    frees up for the analysis (docs/security.md, "Lanes" and "Deadline")."""
    started = time.monotonic()
    added, analysis = add_while_locked(slow_client, db_path, 2)
    assert added == [503, 503]
    assert analysis == 503
    assert time.monotonic() - started >= 1 + 3  # it waited for its deadline
    assert slow_client.get("/api/articles").json()["articles"] == []  # "nothing was stored"
    # once the lock is free the late additions end, give their lanes back and store nothing
    assert slow_client.post("/api/analyze", json={"text": UPDATED}).status_code == 200
    assert slow_client.get("/api/articles").json()["articles"] == []
