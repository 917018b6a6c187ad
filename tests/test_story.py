"""story.find: which stored articles tell the page's story, on real SQLite stores."""

from __future__ import annotations

import random
from pathlib import Path

from crosscheck import candidates, pipeline, story
from crosscheck.claims import extract_claims, passages
from crosscheck.extract import extract
from crosscheck.seeds import seed_pages
from crosscheck.store import Store
from crosscheck.types import Article, Page

WORDS = [f"{a}{b}{c}" for a in "bcdfg" for b in "aeiou" for c in "klmnprst"]  # 200 fillers


def find(store: Store, page: Page) -> story.Story:
    article = extract(page)
    claims = extract_claims(article.text)
    exclude = set(store.same_as(article.url, article.text))
    return story.find(store, candidates.page_terms(store, claims, exclude), article.published,
                      exclude)


def test_in_a_small_store_the_story_is_the_articles_of_those_days(tmp_path: Path) -> None:
    store = Store(tmp_path / "seeds.db")
    pipeline.ensure_seeded(store)
    pages = {p.url[5:8]: p for p in seed_pages()}
    ids = {row["url"][5:8]: row["id"] for row in store.articles()}
    told = find(store, pages["001"])
    # 000, 003 and 004 report Putin's June 2024 visit; 002 (September 2023) another event
    assert {ids["000"], ids["003"], ids["004"]} <= set(told.articles())
    assert ids["002"] not in told.articles()
    assert all(0 < told.strength(a) < 1 for a in told.articles())


def filler(rng: random.Random, n: int) -> str:
    return " ".join(f"The {rng.choice(WORDS)} {rng.choice(WORDS)} said {rng.choice(WORDS)} "
                    f"would {rng.choice(WORDS)} the {rng.choice(WORDS)} today."
                    for _ in range(n))


def add(store: Store, text: str, url: str, published: str | None = None) -> int:
    article = Article(text=text, url=url, published=published)
    return store.add(article, passages(text))[0]


def test_rare_words_shared_tell_a_story_and_common_words_do_not(tmp_path: Path) -> None:
    store = Store(tmp_path / "big.db")
    rng = random.Random(7)
    store.add_many((Article(text=(t := filler(rng, 30)), url=f"f:{i}"), passages(t))
                   for i in range(80))  # 2,400 passages of common words
    assert store.passage_count() >= story.SMALL_STORE
    quake = ("A magnitude 4.6 earthquake struck near Zembratown on Tuesday, said Mayor Olvenka "
             "Drasko. Firefighters in Zembratown checked the Quillbridge dam after the quake. ")
    sibling = add(store, quake + "Drasko said the Quillbridge dam held. " + filler(rng, 5),
                  "news:sibling", "2024-05-02")
    other = add(store, "A magnitude 4.4 earthquake struck near Harlow on Tuesday, officials said. "
                + filler(rng, 5), "news:other-quake", "2024-05-02")
    late = add(store, quake, "news:a-year-later", "2025-05-02")
    told = find(store, Page(text=quake + filler(rng, 3), url="news:page", published="2024-05-01"))
    assert told.holds(sibling)
    assert not told.holds(other)  # another quake: common words only
    assert not told.holds(late) and late not in told.evidence  # the same words a year apart
    assert "zembratown" in told.words[sibling]
