"""profile: a stored passage's profile, read back from the form kept in the store, is the one
computed from its text (issue 15: nothing matching needs is recomputed per analysis)."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.claims import passages
from crosscheck.profile import VERSION, profile, stored_form, stored_profile
from crosscheck.seeds import seed_pages

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
