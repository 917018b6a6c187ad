"""Stories kept in the store (stories.py): the seed corpus, joining, removing, an older store,
the API over real HTTP and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlite_utils
from conftest import LiveServer, seed_text

from crosscheck import pipeline, stories
from crosscheck.store import Store
from crosscheck.store.sqlite import migrations
from crosscheck.types import Page

UNRELATED = ("The Lyon bakery guild said on Tuesday that 40,000 visitors tasted brioche at its "
             "annual fair in Croix-Rousse. Guild president Amelie Fournier said the fair would "
             "return in March with 120 bakers from the Rhone valley.")


def seeded(path: Path) -> tuple[Store, dict[str, int]]:
    store = Store(path)
    pipeline.ensure_seeded(store)
    return store, {row["url"][5:8]: row["id"] for row in store.articles()}


def story_of(store: Store, article_id: int) -> int:
    return store.story_of([article_id])[article_id]


def test_the_four_june_2024_seed_articles_are_one_story_september_2023_its_own(
        tmp_path: Path) -> None:
    store, ids = seeded(tmp_path / "seeds.db")
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
        tmp_path: Path) -> None:
    store, ids = seeded(tmp_path / "seeds.db")
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


def test_analyze_tells_the_page_its_story_and_what_only_it_says(tmp_path: Path) -> None:
    store, ids = seeded(tmp_path / "seeds.db")
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


def test_a_page_on_no_stored_story_has_none(tmp_path: Path) -> None:
    store, _ = seeded(tmp_path / "seeds.db")
    body = pipeline.analysis_json(pipeline.analyze(store, Page(text=UNRELATED)))
    assert body["story"] is None


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


def test_cli_stories_and_story(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
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
