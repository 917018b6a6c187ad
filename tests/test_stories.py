"""Stories kept in the store (stories.py): the seed corpus, joining, removing, an older store,
the API over real HTTP and the CLI, on SQLite and on PostgreSQL (conftest's `any_store`)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlite_utils
from conftest import LiveServer, seed_text

from crosscheck import candidates, pipeline, stories
from crosscheck import story as story_stage
from crosscheck.claims import is_checkable, passages
from crosscheck.store import Store, is_url
from crosscheck.store.sqlite import migrations
from crosscheck.types import Page

UNRELATED = ("The Lyon bakery guild said on Tuesday that 40,000 visitors tasted brioche at its "
             "annual fair in Croix-Rousse. Guild president Amelie Fournier said the fair would "
             "return in March with 120 bakers from the Rhone valley.")


@pytest.fixture
def db_path(any_store: str) -> str:
    """Every test here that takes `db_path` runs on SQLite and on PostgreSQL."""
    return any_store


def seeded(path: str | Path) -> tuple[Store, dict[str, int]]:
    store = Store(path)
    pipeline.ensure_seeded(store)
    return store, {row["url"][5:8]: row["id"] for row in store.articles()}


def story_of(store: Store, article_id: int) -> int:
    return store.story_of([article_id])[article_id]


def test_the_four_june_2024_seed_articles_are_one_story_september_2023_its_own(
        db_path: str) -> None:
    store, ids = seeded(db_path)
    june = {story_of(store, ids[k]) for k in ("000", "001", "003", "004")}
    assert len(june) == 1  # the Straits Times, Caliber.az, seed 003 and the Kyiv Post (2024-06)
    # Seed 002 (2023-09-12, Kim's visit to Russia) shares the names, but is nine months before:
    # dated reports of one event lie within a week (EVENT_DAYS), so it starts a story of its own
    assert story_of(store, ids["002"]) not in june
    assert stories.apart("2023-09-12", "2024-06") and not stories.apart("2024-06-19", "2024-06")
    listed = stories.listing(store, 50, 0, 1)
    assert [s["articles"] for s in listed["stories"]] == [4, 1]  # newest first
    assert {o["name"] for o in listed["stories"][0]["outlets"]} >= {
        "Caliber.az", "Kyiv Post", "The Straits Times"}


def test_an_added_article_joins_its_story_and_the_last_removed_takes_the_story(
        db_path: str) -> None:
    store, ids = seeded(db_path)
    june = story_of(store, ids["000"])
    lines = [line for line in seed_text("000").splitlines() if len(line) > 120][:4]
    follow_up = pipeline.add(store, Page(text="\n\n".join(lines), url="https://example.org/x",
                                         published="2024-06-21"))
    assert story_of(store, follow_up.id) == june
    bakery = pipeline.add(store, Page(text=UNRELATED, url="https://example.org/bakery",
                                      published="2024-06-21"))
    alone = story_of(store, bakery.id)
    assert alone != june and store.story_articles(alone)[0]["id"] == bakery.id
    assert store.delete(bakery.id)
    assert store.story_articles(alone) == [] and alone not in store.story_members([alone])
    assert store.delete(follow_up.id) and store.delete(ids["000"])
    assert {row["id"] for row in store.story_articles(june)} == {
        ids["001"], ids["003"], ids["004"]}  # the others stay together


def test_articles_stored_before_stories_are_placed_when_the_store_is_opened(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m006_stories")  # a store of the version before
    old.conn.close()
    before = Store(path)  # opened by this version: migrated, articles without a story
    assert before.db.execute("select count(*) from stories").fetchone()[0] == 0
    for page in pipeline.seed_pages():
        article = pipeline.extract(page)
        before.db.execute("insert into articles (url, text, published, text_hash) "
                          "values (?, ?, ?, ?)", [article.url, article.text, article.published,
                                                  article.url])
    before.db.conn.commit()
    assert pipeline.ensure_stories(before) == 5
    assert before.db.execute("select count(*) from articles where story_id is null"
                             ).fetchone()[0] == 0
    assert pipeline.ensure_stories(before) == 0


def test_analyze_tells_the_page_its_story_and_what_only_it_says(db_path: str) -> None:
    store, ids = seeded(db_path)
    body = pipeline.analysis_json(pipeline.analyze(store, Page(text=seed_text("001"))))
    story = body["story"]
    assert story["id"] == story_of(store, ids["000"])
    assert {a["id"] for a in story["articles"]} == {ids["000"], ids["003"], ids["004"]}
    by_id = {a["id"]: a for a in story["articles"]}
    assert by_id[ids["003"]]["contradicts"] >= 1  # 24 years there, 25 here
    assert by_id[ids["000"]]["corroborates"] >= 1  # mutual assistance
    assert story["first"] == "2024-06-19" and story["last"] == "2024-06-20"  # days, if any
    claims = body["claims"]
    for i in story["only_here"]:
        assert not any(m["relation"] != "related" and m["passage"]["article_id"] in by_id
                       for m in claims[i]["matches"])
    reported = set(range(len(claims))) - set(story["only_here"])
    assert reported and any("25 years" in claims[i]["text"] for i in reported)
    assert story["everywhere"] == []  # no claim is corroborated by all three


def test_placing_reads_the_story_stage_as_matching_does(db_path: str) -> None:
    """Placing reads `story.evidence` through stories.Told, not a whole Story: the same
    articles told, the same evidence for each, as `story.find` answers."""
    store, ids = seeded(db_path)
    for page in pipeline.seed_pages():
        article = pipeline.extract(page)
        claims = [s for s in passages(article.text) if is_checkable(s.text)]
        terms = candidates.page_terms(store, claims, ())
        story = story_stage.find(store, terms, article.published)
        told = stories.Told.of(story_stage.evidence(store, terms, article.published))
        assert told.articles() == story.articles() and story.articles()
        assert {a: told.get(a) for a in ids.values()} == {
            a: story.evidence.get(a, 0.0) for a in ids.values()}


def test_the_articles_holding_a_word_follow_additions_and_removals(db_path: str) -> None:
    """The store may remember which articles hold a word (SQLite does, for placing an
    import's articles): an addition or a removal must show at once."""
    store, ids = seeded(db_path)
    before = set(store.articles_holding(["pyongyang"])["pyongyang"].tolist())
    assert ids["000"] in before
    added = pipeline.add(store, Page(text="Officials in Pyongyang said on Monday that 40 new "
                                          "buses were delivered to the city's depots.",
                                     url="https://example.org/buses"))
    assert set(store.articles_holding(["pyongyang"])["pyongyang"].tolist()) == before | {
        added.id}
    assert store.delete(added.id) and store.delete(ids["000"])
    assert set(store.articles_holding(["pyongyang"])["pyongyang"].tolist()) == before - {
        ids["000"]}


def test_a_page_on_no_stored_story_has_none(db_path: str) -> None:
    store, _ = seeded(db_path)
    body = pipeline.analysis_json(pipeline.analyze(store, Page(text=UNRELATED)))
    assert body["story"] is None


def at_once(work: list) -> list:
    """Run these functions in threads of their own, started at the same moment."""
    start = threading.Barrier(len(work))
    done: list = [None] * len(work)

    def run(i: int) -> None:
        start.wait()
        done[i] = work[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done


def test_one_storys_articles_sent_to_several_servers_at_once_join_one_story(
        db_path: str) -> None:
    """Four servers (stores of their own) each add one June 2024 seed article at the same
    moment: each must see the ones added before it, so they make one story, not four (in any
    order they are added one by one, they make one)."""
    june = [p for p in pipeline.seed_pages() if "seed:002" not in (p.url or "")]
    servers = [Store(db_path) for _ in june]
    added = at_once([lambda s=s, p=p: pipeline.add(s, p)
                     for s, p in zip(servers, june, strict=True)])
    store = servers[0]
    assert len({story_of(store, a.id) for a in added}) == 1
    assert store.stories(min_articles=1)[1] == 1  # and no story left without articles


def unplace_all(store: Store) -> None:
    """Take every article out of its story, as in a store made before stories existed."""
    if is_url(store.path):
        store.write(lambda conn: conn.execute(  # type: ignore[attr-defined]
            "update articles set story_id = null, story_nats = null; delete from stories"))
        return
    store.db.execute("update articles set story_id = null, story_nats = null")  # type: ignore
    store.db.execute("delete from stories")  # type: ignore[attr-defined]
    store.db.conn.commit()  # type: ignore[attr-defined]


def test_unplaced_articles_are_placed_once_by_servers_starting_together(db_path: str) -> None:
    store, ids = seeded(db_path)
    before = {a: story_of(store, a) for a in ids.values()}
    unplace_all(store)
    assert len(store.unplaced()) == 5 and store.stories(min_articles=1)[1] == 0
    servers = [Store(db_path) for _ in range(3)]
    placed = at_once([lambda s=s: pipeline.ensure_stories(s) for s in servers])
    assert store.unplaced() == [] and sum(placed) >= 5
    after = {a: story_of(store, a) for a in ids.values()}
    # the same partition as when they were added one by one: four June articles, one alone
    assert sorted(len(m) for m in store.story_members(set(after.values())).values()) == [1, 4]
    assert len(set(before.values())) == len(set(after.values())) == 2
    assert store.stories(min_articles=1)[1] == 2  # no story left without articles


def test_stories_over_real_http(live_server: LiveServer) -> None:
    http = live_server.http
    listed = http.get("/api/stories").json()
    assert listed["total"] == 1 and listed["limit"] == 50 and listed["offset"] == 0
    [june] = listed["stories"]
    assert june["articles"] == 4 and june["last"] == "2024-06-20"
    assert sum(o["articles"] for o in june["outlets"]) == 4
    every = http.get("/api/stories", params={"min_articles": 1, "limit": 1, "offset": 1}).json()
    assert every["total"] == 2 and every["stories"][0]["articles"] == 1
    one = http.get(f"/api/stories/{june['id']}", timeout=60).json()
    assert len(one["articles"]) == 4 and one["checked"] == 4
    ids = {a["id"] for a in one["articles"]}
    differing = [c for c in one["claims"] if c["contradicted_by"]]
    assert any("25 years" in c["text"] for c in differing)
    assert all(set(c["corroborated_by"] + c["contradicted_by"]) <= ids - {c["article_id"]}
               for c in one["claims"])
    analyzed = http.post("/api/analyze", json={"text": seed_text("001")}, timeout=60).json()
    assert analyzed["story"]["id"] == june["id"]
    for bad in ({"limit": 0}, {"limit": "x"}, {"offset": -1}, {"min_articles": "1.5"},
                {"page": 2}):
        answer = http.get("/api/stories", params=bad)
        assert answer.status_code == 422 and "parameter" in answer.json()["error"]
    for missing in ("999", "0", "abc", "1" * 30):
        answer = http.get(f"/api/stories/{missing}")
        assert answer.status_code == 404 and answer.json() == {"error": "no such story"}
    for article in one["articles"]:  # removing the last article removes the story
        assert http.delete(f"/api/articles/{article['id']}").status_code == 200
    assert http.get(f"/api/stories/{june['id']}").status_code == 404
    assert http.get("/api/stories").json()["total"] == 0


def test_openapi_describes_the_stories(live_server: LiveServer) -> None:
    spec = live_server.http.get("/openapi.json").json()
    listing = spec["paths"]["/api/stories"]["get"]
    assert {p["$ref"].rsplit("/", 1)[1] for p in listing["parameters"]} == {
        "limit", "offset", "min_articles"}
    assert "/api/stories/{id}" in spec["paths"]
    assert "story" in spec["components"]["schemas"]["Analysis"]["properties"]


def crosscheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_stories_and_story(db_path: str) -> None:
    db = db_path
    listed = json.loads(crosscheck("stories", "--json", "--db", db).stdout)
    [june] = listed["stories"]
    text = crosscheck("stories", "--min-articles", "1", "--db", db).stdout
    assert "4 articles" in text and "1 article" in text and "2 of 2 stories" in text
    one = json.loads(crosscheck("story", str(june["id"]), "--json", "--db", db).stdout)
    assert len(one["articles"]) == 4
    report = crosscheck("story", str(june["id"]), "--db", db).stdout
    assert f"Story {june['id']}: 4 articles" in report and "contradicted by" in report
    missing = crosscheck("story", "999", "--db", db)
    assert missing.returncode == 1 and "no story 999" in missing.stderr
