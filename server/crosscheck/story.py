"""Stage 3a: the page's words -> the stored articles that report the same story.

A story is told by its rare words: the names, places and terms that few stored passages hold
("Dempsey", "pneumonitis", "Tyvak"). The page's STORY_TERMS rarest words (by the index's own
counts, `Store.term_frequencies`) make its signature. A stored article of n passages would
hold a word that df of the store's N passages hold with a chance of about n * df / N; each
signature word it does hold, where that chance is under SURPRISE, is evidence of
-log(chance) (in nats) that it tells the same story. An article whose evidence reaches
STORY_NATS reports the page's story, unless both are dated and lie more than STORY_DAYS
apart. Summing surprise, not counting words, keeps long articles full of common words out.
In a store of under SMALL_STORE passages (a new reader's few articles) no word is rare enough
to tell a story by chance: there, every article that holds STORY_WORDS of the signature's
words, within the dates, is taken for the story.
Matching then asks little of a passage from the story and much of one from outside it
(see match.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .store import Store

STORY_TERMS = 60  # the page's rarest words that make its signature
SURPRISE = 0.05  # a word counts when an article this long would hold it by chance less often
STORY_NATS = 25.0  # evidence from which an article reports the page's story
SMALL_STORE = 2000  # passages under which chance cannot be told from a story (see `find`)
STORY_DAYS = 30  # dated reports of one story lie at most this far apart
STORY_WORDS = 3
STORY_ARTICLES = 8  # the strongest articles of the story whose passages are all candidates


@dataclass(frozen=True)
class Story:
    """For each stored article that shares the page's rare words, its evidence (nats) of
    telling the same story, and the words that gave it."""

    evidence: dict[int, float] = field(default_factory=dict)
    words: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def holds(self, article_id: int) -> bool:
        return self.evidence.get(article_id, 0.0) >= STORY_NATS

    def strength(self, article_id: int) -> float:
        """0..1: how sure it is that the article tells the story (0.5 at STORY_NATS)."""
        e = self.evidence.get(article_id, 0.0)
        return e / (e + STORY_NATS)

    def articles(self) -> list[int]:
        """The articles of the story, strongest first."""
        return sorted((a for a in self.evidence if self.holds(a)),
                      key=lambda a: (-self.evidence[a], a))


def signature(terms: dict[str, tuple[str, int]]) -> list[tuple[str, int]]:
    """The page's rarest words (one per index term, numbers aside) with their counts."""
    chosen: list[tuple[str, int]] = []
    seen: set[str] = set()
    for df, term, word in sorted((df, term, w) for w, (term, df) in terms.items()):
        if len(chosen) == STORY_TERMS:
            break
        if term not in seen and not word.isdigit():
            seen.add(term)
            chosen.append((word, df))
    return chosen


@dataclass(frozen=True)
class Evidence:
    """The story stage's sums before they are rounded into a Story: every article holding a
    signature word (`ids`, ascending) and its nats (0 for one dated too far apart), and the
    pairs (index in `ids`, index in `names`) of the words that gave them."""

    ids: np.ndarray
    nats: np.ndarray
    row: np.ndarray
    word: np.ndarray
    names: list[str]


def evidence(store: Store, terms: dict[str, tuple[str, int]], published: str | None,
             exclude: Iterable[int] = ()) -> Evidence | None:
    """`find`'s evidence, unrounded (None: no article holds a signature word). A thousand
    articles may hold one of the signature's words: their evidence is summed with numpy."""
    total = max(store.passage_count(), 1)
    small = total < SMALL_STORE
    # a word more passages hold than this would be held by chance by an article of 10
    sig = [(w, df) for w, df in signature(terms) if small or df * 10 / total < SURPRISE]
    if not sig:
        return None
    holders = store.articles_holding([w for w, _ in sig])
    lists = [holders[w] for w, _ in sig]
    articles = np.concatenate(lists)
    word = np.repeat(np.arange(len(sig)), [len(ids) for ids in lists])
    kept = ~np.isin(articles, np.fromiter(exclude, dtype=np.int64))
    articles, word = articles[kept], word[kept]
    if not len(articles):
        return None
    held, row = np.unique(articles, return_inverse=True)  # row: each pair's article, in `held`
    if small:
        nats = STORY_NATS * np.bincount(row, minlength=len(held)) / STORY_WORDS
    else:
        sizes = store.sizes(held.tolist())
        size = np.array([sizes.get(a, 1) for a in held.tolist()], dtype=np.float64)
        chances = size[row] * np.array([df for _, df in sig], dtype=np.float64)[word] / total
        each = np.where(chances < SURPRISE, -np.log(chances), 0.0)
        nats = np.bincount(row, weights=each, minlength=len(held))  # in signature order
    strong = nats >= STORY_NATS
    dates = store.published(held[strong].tolist())
    far = [a for a, when in dates.items() if far_apart(published, when)]
    nats[np.isin(held, np.array(far, dtype=np.int64))] = 0.0
    return Evidence(held, nats, row, word, [w for w, _ in sig])


def find(store: Store, terms: dict[str, tuple[str, int]], published: str | None,
         exclude: Iterable[int] = ()) -> Story:
    """The stored articles (outside `exclude`) that report the page's story."""
    told = evidence(store, terms, published, exclude)
    if told is None:
        return Story()
    ids, amounts = told.ids.tolist(), told.nats.tolist()
    found = {a: round(e, 2) for a, e in zip(ids, amounts, strict=True) if e > 0}
    words = words_held(told.row, told.word, told.names)
    return Story(found, {a: words[i] for i, a in enumerate(ids) if a in found})


def words_held(row: np.ndarray, word: np.ndarray, names: list[str]) -> list[tuple[str, ...]]:
    """For each article (row), the signature words (`word` indexes `names`) it holds, in
    signature order: the pairs come in that order, a stable sort keeps it within an article."""
    order = np.argsort(row, kind="stable")
    rows, held = row[order], [names[w] for w in word[order].tolist()]
    ends = np.flatnonzero(np.diff(rows)).tolist()
    bounds = [0, *(e + 1 for e in ends), len(held)]
    return [tuple(held[b:e]) for b, e in zip(bounds, bounds[1:], strict=False)]


def day(text: str | None) -> date | None:
    """The date an ISO date string starts with (a bare year or month is too coarse)."""
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def far_apart(a: str | None, b: str | None) -> bool:
    x, y = day(a), day(b)
    return x is not None and y is not None and abs((x - y).days) > STORY_DAYS
