"""profile: a stored passage's profile, read back from the form kept in the store, is the one
computed from its text (issue 15: nothing matching needs is recomputed per analysis)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck import pipeline
from crosscheck import profile as profile_stage
from crosscheck.claims import passages
from crosscheck.profile import VERSION, profile, stored_form, stored_profile
from crosscheck.seeds import seed_pages
from crosscheck.store import Store
from crosscheck.types import Page

WORDS = st.sampled_from([
    "Putin", "visited", "North", "Korea", "for", "the", "first", "time", "in", "24", "25",
    "years", "three", "million", "shells", "$5.7", "billion", "did", "not", "deny", "up", "to",
    "Sept.", "11,", "2024", "June", "19", "13-3", "2008-09", "8:30", "p.m.", "at", "least",
    "dozens", "of", "missiles", "half", "a", "stockpile", "weapons", "’s", "“said”", "—", "1920",
    "x", "1200", "more", "than", "11,000", "containers", "twenty-five", "percent", "%",
])


def same(text: str) -> None:
    form = stored_form(text)
    assert json.loads(form)  # plain JSON: any backend keeps it as text
    assert stored_profile(text, form) == profile.__wrapped__(text)


def test_every_seed_passage_reads_back_as_computed() -> None:
    texts = [p.text for page in seed_pages() for p in passages(page.text or "")]
    assert len(texts) > 100
    for text in texts:
        same(text)


@settings(deadline=None, max_examples=300)
@given(st.lists(WORDS, max_size=30).map(" ".join))
def test_any_sentence_of_news_words_reads_back_as_computed(text: str) -> None:
    same(text)


@settings(deadline=None)
@given(st.text(max_size=120))
def test_any_text_reads_back_as_computed(text: str) -> None:
    same(text)


def test_open_ended_amounts_survive_the_round_trip() -> None:
    text = "At least 300 people attended."
    (q,) = stored_profile(text, stored_form(text)).quantities
    assert q.low == 300 and math.isinf(q.high)


def test_the_version_names_the_code_that_reads() -> None:
    assert len(VERSION) == 16 and int(VERSION, 16) >= 0


# ---------------------------------------------------------------- in the store

PAGE = ("Russian President Vladimir Putin arrived in Pyongyang on June 19 for his first visit to "
        "North Korea in 24 years. Putin and Kim Jong Un signed a pact promising mutual help if "
        "either country is attacked. North Korea may have delivered millions of artillery shells "
        "to Russia, officials said.")


def seeded_store(path: Path) -> Store:
    store = Store(path)
    pipeline.ensure_seeded(store)
    return store


def test_an_analysis_reads_no_stored_passage_again(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = seeded_store(tmp_path / "crosscheck.db")
    stored = {row[0] for row in store.db.execute("select text from passages")}
    assert all(row[0] for row in store.db.execute("select profile from passages"))
    read: list[str] = []
    real = profile_stage.read
    monkeypatch.setattr(profile_stage, "read", lambda text: read.append(text) or real(text))
    profile.cache_clear()
    stored_profile.cache_clear()
    analysis = pipeline.analyze(store, Page(text=PAGE))
    compared = {m.passage.text for r in analysis.claims for m in r.matches}
    assert len(compared) >= 5  # stored passages were weighed...
    assert read and set(read) == {r.claim.text for r in analysis.claims}  # ...only claims read
    assert not set(read) & stored
    assert stored_profile.cache_info().misses >= len(compared)


def test_profiles_made_by_other_code_are_forgotten_then_made_again(tmp_path: Path) -> None:
    path = tmp_path / "crosscheck.db"
    store = seeded_store(path)
    forms = dict(store.db.execute("select id, profile from passages").fetchall())
    store.forget_profiles("an older version")
    store.db.execute("update passages set profile = '[\"stale\"]'")  # as that version left them
    store.db.conn.commit()
    again = Store(path)
    pipeline.ensure_profiles(again)  # what `crosscheck serve` and every command do first
    assert again.profile_version() == VERSION
    assert again.unprofiled(0, 10_000) and not again.db.execute(
        "select 1 from passages where profile like '%stale%'").fetchone()
    assert pipeline.fill_profiles(again) == len(forms)
    assert dict(again.db.execute("select id, profile from passages").fetchall()) == forms
    assert pipeline.fill_profiles(again) == 0
