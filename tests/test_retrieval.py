"""Candidate retrieval on a real SQLite store: term counts, rarest terms, batching."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import seed_text

from crosscheck import pipeline
from crosscheck.candidates import (
    BY_SCORER,
    MAX_TERMS,
    MIN_TERMS,
    MORE_POSTINGS,
    MORE_TERMS,
    SCORER,
    candidates_for,
    closest,
    content_words,
    rarest,
    searched_words,
)
from crosscheck.claims import extract_claims
from crosscheck.extract import extract
from crosscheck.store import Store
from crosscheck.types import Article, Page, Sentence


def seeded(path: Path) -> Store:
    store = Store(path)
    pipeline.ensure_seeded(store)
    return store


def vocab(path: Path) -> dict[str, int]:
    """What FTS5 itself says: passages holding each term."""
    with sqlite3.connect(path) as conn:
        conn.execute("create virtual table temp.v using fts5vocab(main, passages_fts, row)")
        return dict(conn.execute("select term, doc from temp.v"))


def terms(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("select term, df from terms where df > 0"))


def test_term_counts_follow_adds_and_deletes(db_path: Path) -> None:
    store = seeded(db_path)
    assert terms(db_path) == vocab(db_path)
    text = "Putin visited Pyongyang on Wednesday. Visits by Russian leaders are rare events."
    added, _, _ = store.add(Article(text=text), [Sentence(text, 0, len(text))])
    assert terms(db_path) == vocab(db_path)
    visits = vocab(db_path)["visit"]
    assert store.term_frequencies(["visited", "zzzz"]) == {"visited": ("visit", visits)}
    store.delete(added)
    assert terms(db_path) == vocab(db_path)


def test_rarest_terms_first_one_word_per_term() -> None:
    words = ["said", "visits", "visit", "pyongyang", "putin"]
    found = {"said": ("said", 900), "visits": ("visit", 40), "visit": ("visit", 40),
             "pyongyang": ("pyongyang", 3), "putin": ("putin", 12)}
    chosen = [w for w, _ in rarest(words, found)]
    assert chosen[:2] == ["pyongyang", "putin"]
    assert len({found[w][0] for w in chosen}) == len(chosen) >= MIN_TERMS
    weights = [weight for _, weight in rarest(words, found)]
    assert weights == sorted(weights, reverse=True)


def test_candidates_find_the_other_outlet_not_the_page_itself(db_path: Path) -> None:
    store = seeded(db_path)
    text = extract(Page(text=seed_text("001"))).text
    claims = [c for c in extract_claims(text) if "25 years" in c.text]
    own = set(store.same_as(None, text))
    assert own
    [found] = candidates_for(store, claims, own)
    assert found and all(p.article_id not in own for p in found)
    assert any("24 years" in p.text and p.outlet for p in found)


def test_many_claims_searched_together_keep_their_order(db_path: Path) -> None:
    store = seeded(db_path)
    claims = extract_claims(seed_text("004")) + extract_claims(seed_text("000"))
    many = (claims * 3)[: 2 * len(claims) + 7]
    batched = candidates_for(store, many, ())
    single = [candidates_for(store, [c], ())[0] for c in claims]
    ids = [[p.id for p in found] for found in batched]
    assert ids[: len(claims)] == [[p.id for p in found] for found in single]
    assert ids[-1] == [p.id for p in single[(len(many) - 1) % len(claims)]]
    assert any(ids)


def test_a_claim_of_stopwords_or_unknown_words_finds_nothing(db_path: Path) -> None:
    store = seeded(db_path)
    claims = [Sentence("It was what they said it would be.", 0, 34),
              Sentence("Zyxwv qwertz plonk frobnicate.", 0, 30)]
    assert not content_words(claims[0].text)
    assert candidates_for(store, claims, ()) == [[], []]


def test_an_addition_after_an_analysis_on_the_same_store_is_stored(db_path: Path) -> None:
    store = seeded(db_path)
    pipeline.analyze(store, Page(text=seed_text("001")))
    added = pipeline.add(store, Page(text="A new report says 12 ships docked in Nampo on Monday."))
    assert not added.duplicate and store.article(added.id) is not None


def test_rare_words_past_max_terms_while_their_postings_are_few() -> None:
    words = [f"w{i}" for i in range(20)]
    few = {w: (w, 5) for w in words}  # a small store: every word of the claim is searched
    assert len(rarest(words, few)) == MORE_TERMS
    many = {w: (w, 40) for w in words}  # past MAX_TERMS only while under MORE_POSTINGS
    assert 6 * 40 > MORE_POSTINGS and len(rarest(words, many)) == MAX_TERMS


def test_closest_keeps_the_index_best_beside_the_scorer_best() -> None:
    claim = "Putin arrived in Pyongyang on Wednesday for a two-day state visit."
    near = [(i, f"Putin arrived in Pyongyang on Wednesday for a state visit, day {i}.", 1)
            for i in range(30)]
    paraphrase = (99, "The Russian leader landed in the North Korean capital; Pyongyang "
                      "and Putin signed a pact.", 2)
    hits = [paraphrase, *near]  # the index ranks the paraphrase first: it holds the rarest words
    # by SCORER alone the paraphrase would go: every near-copy scores higher
    assert all(SCORER(claim, paraphrase[1]) < SCORER(claim, text) for _, text, _ in near)
    kept = closest(claim, hits, 15)
    assert len(kept) == 15 and paraphrase in kept and sum(h in near for h in kept) == 14
    assert BY_SCORER < 15


def test_numbers_are_not_searched_for() -> None:
    # the number is what a conflicting report changes: "25 years" must find "24 years"
    text = "Putin came back after 25 years, in 2024."
    assert content_words(text) == ["putin", "came", "back", "25", "2024"]
    assert searched_words(text) == ["putin", "came", "back"]
