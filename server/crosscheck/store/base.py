"""What every store does, whatever database holds it: the interface the stages call.

A store keeps articles, their passages (one per sentence), an index of the passages' terms
(each term with how many passages hold it) and readers' feedback. `Store(location)` opens the
backend the location names, as `pathlib.Path` picks its flavour: a file path is SQLite
(`sqlite.py`), a `postgresql://` URL is PostgreSQL (`postgres.py`). The stages never learn
which: they call the methods below, and backends differ only in how they answer them.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..location import is_url
from ..nearest import VectorIndex
from ..types import Article, Passage, Sentence

Hit = tuple[int, str, int]  # a passage found: (id, text, article id)
Added = tuple[int, int, bool]  # an article stored: (id, passages, duplicate)
# an article about to be stored and its passages -> (the story it joins, with what evidence)
Placer = Callable[[Article, list[Sentence]], tuple[int | None, float | None]]
LATER = 0  # a Placer's story for an article to be placed after it is stored (`assign_story`)
WORD = re.compile(r"\w+")
ID_BITS = 40  # a passage id fits in 40 bits; the query index goes above them


class StoreError(Exception):
    """A storage failure the owner has to act on: `status` is the HTTP answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class NotCommitted(Exception):
    """A write given up at its last moment: nothing of it was stored."""


def text_hash(text: str) -> str:
    """Hash of the words of a text, so copies differing in layout hash alike."""
    canonical = " ".join(WORD.findall(text.lower()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def sentence_hash(text: str) -> str:
    return text_hash(text)[:16]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


class Store(ABC):
    """The store at `location`: `Store("my.db")` is SQLite, `Store("postgresql://...")`
    PostgreSQL. Raises StoreError when it cannot be opened."""

    path: str  # where it is, as shown to its owner (a URL without its password)
    read_only: bool = False
    profiles_usable: bool = True  # False: the stored profiles are another version's
    errors: tuple[type[BaseException], ...] = ()  # what `failure` may turn into a StoreError

    def __new__(cls, *args: Any, **kwargs: Any) -> Store:
        if cls is not Store:
            return super().__new__(cls)
        location = args[0] if args else kwargs["path"]
        if is_url(location):
            try:
                from .postgres import PostgresStore
            except ImportError as exc:
                raise StoreError(503, f"PostgreSQL needs psycopg, which is not installed ({exc}):"
                                      " pip install 'crosscheck[postgres]'") from None
            return super().__new__(PostgresStore)
        from .sqlite import SQLiteStore
        return super().__new__(SQLiteStore)

    @abstractmethod
    def close(self) -> None:
        """Let go of the store's connections (a server's, at shutdown)."""

    # ------------------------------------------------------------ health

    @abstractmethod
    def check(self) -> None:
        """Raises StoreError if the store is damaged or cannot be reached."""

    @abstractmethod
    def failure(self, exc: BaseException) -> StoreError | None:
        """The owner's version of a storage failure, or None if `exc` is not one."""

    @abstractmethod
    def disk_size(self) -> int:
        """Bytes the store takes on disk."""

    # ------------------------------------------------------------ writes

    def add(self, article: Article, passages: Iterable[Sentence],
            may_commit: Callable[[], bool] | None = None) -> Added:
        """Store an article and its passages; returns (id, passages, duplicate).

        `may_commit` is asked last, before committing: if it says no, nothing is stored and
        NotCommitted is raised."""
        return self.add_many([(article, passages)], may_commit)[0]

    @abstractmethod
    def add_many(self, items: Iterable[tuple[Article, Iterable[Sentence]]],
                 may_commit: Callable[[], bool] | None = None, place: Placer | None = None,
                 ) -> list[Added]:
        """`add` for many articles in one transaction (bulk import). An article with the
        text or URL of a stored one is not stored again: its (id, passages, True) answers.
        Each new article asks `place` for the story it joins (None: a story of its own, LATER:
        none yet; no `place`: each its own), before it is stored and after the ones before it
        are: the reads `place` makes inside the transaction see them (stories.py)."""

    @abstractmethod
    def unplaced(self) -> list[int]:
        """The articles without a story yet (stored before stories existed, or LATER), by id."""

    @abstractmethod
    def assign_story(self, article_id: int, story_id: int | None, nats: float | None) -> int:
        """Put an article not yet in a story in `story_id` (None, or a story removed
        meanwhile: a new one), with the evidence it joined with; returns its story (the one it
        is in already, if another server placed it first; LATER if it was removed). Writers
        take turns: no two place the same article."""

    @abstractmethod
    def delete(self, article_id: int) -> bool:
        """Remove an article, its passages and their index entries, and its story if it was
        the story's last article; False if there is none."""

    @abstractmethod
    def add_feedback(self, claim: str, passage_id: int, relation: str | None) -> int | None:
        """Record "not the same fact" for a claim and a passage; its id (the same id when it is
        recorded already), or None when there is no such passage."""

    @abstractmethod
    def delete_feedback(self, feedback_id: int) -> bool: ...

    @abstractmethod
    def optimize(self) -> None:
        """Make the index fast to read after a bulk load."""

    # ------------------------------------------------------------ reads for the stages

    @abstractmethod
    def feedback(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def dismissed(self, claims: Iterable[str]) -> dict[tuple[str, int], int]:
        """{(claim text, passage id): feedback id} for the pairs a reader said are not the
        same fact, among these claims."""

    @abstractmethod
    def same_as(self, url: str | None, text: str) -> list[int]:
        """Ids of stored articles that are this page: same URL or same text."""

    @abstractmethod
    def copies(self, sentences: Iterable[str]) -> dict[int, int]:
        """For each stored article, how many of these sentences it holds word for word."""

    @abstractmethod
    def term_frequencies(
        self, words: Sequence[str], exclude: Iterable[int] = ()
    ) -> dict[str, tuple[str, int]]:
        """For each word, its index term and how many stored passages outside the articles
        `exclude` hold that term (words that are no term, or in no such passage, are left
        out): a page's own stored copy must not make its words look rare."""

    def search_many(
        self, queries: Sequence[Sequence[tuple[str, float]]], exclude: Iterable[int] = (),
        limit: int = 20,
    ) -> list[list[Hit]]:
        """For each query, a list of (word, weight), the `limit` passages outside articles
        `exclude` whose words weigh most (ties: lowest id first). Each distinct word's
        doclist is read once for all queries and summed per passage with numpy: no ranking
        function per row, no SQL grouping."""
        keys = [(q, word, weight) for q, query in enumerate(queries) for word, weight in query]
        if not keys:
            return [[] for _ in queries]
        lists = self.doclists(sorted({word for _, word, _ in keys}))
        ids = np.concatenate([lists[word] for _, word, _ in keys])
        sizes = [len(lists[word]) for _, word, _ in keys]
        of = np.repeat([q for q, _, _ in keys], sizes)
        weights = np.repeat([weight for _, _, weight in keys], sizes)
        pairs, where = np.unique((of << ID_BITS) | ids, return_inverse=True)
        sums = np.bincount(where.ravel(), weights)
        of, ids = pairs >> ID_BITS, pairs & ((1 << ID_BITS) - 1)
        kept = ~np.isin(ids, self.passage_ids(exclude))
        of, ids, sums = of[kept], ids[kept], sums[kept]
        order = np.lexsort((ids, -sums, of))  # by query, best first
        rank = np.arange(len(order)) - np.searchsorted(of[order], of[order])
        best = order[rank < limit]
        rows = self.hits(ids[best].tolist())
        found: list[list[Hit]] = [[] for _ in queries]
        for q, pid in zip(of[best].tolist(), ids[best].tolist(), strict=True):
            if pid in rows:  # not a passage deleted since its doclist was read
                found[q].append(rows[pid])
        return found

    @abstractmethod
    def doclists(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """Each word's doclist: the ids of the passages holding its index term."""

    @abstractmethod
    def passage_ids(self, articles: Iterable[int]) -> np.ndarray:
        """The ids of these articles' passages."""

    @abstractmethod
    def hits(self, ids: Sequence[int]) -> dict[int, Hit]:
        """{id: (id, text, article id)} for these passages."""

    @abstractmethod
    def passages(self, hits: Iterable[Hit]) -> dict[int, Passage]:
        """The hits as Passages, with their articles' metadata (fetched once per article)."""

    @abstractmethod
    def articles_holding(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """For each word, the stored articles with a passage holding its index term (sorted
        ids, each once)."""

    @abstractmethod
    def sizes(self, article_ids: Iterable[int]) -> dict[int, int]:
        """How many passages each of these articles has."""

    @abstractmethod
    def passage_count(self) -> int:
        """About how many passages are stored (instant at any size)."""

    @abstractmethod
    def published(self, article_ids: Iterable[int]) -> dict[int, str | None]: ...

    def passages_of(self, article_ids: Iterable[int]) -> list[Passage]:
        """Every passage of these articles, as Passages, in article and reading order."""
        hits = self.reading_order(sorted(set(article_ids)))
        found = self.passages(hits)
        return [found[pid] for pid, _, _ in hits]

    @abstractmethod
    def reading_order(self, article_ids: Sequence[int]) -> list[Hit]:
        """The hits of every passage of these articles, by article, then in reading order."""

    # ------------------------------------------------------------ stored profiles

    @abstractmethod
    def profile_version(self) -> str | None:
        """The version of the code that made the stored profiles (`profile.VERSION`)."""

    @abstractmethod
    def forget_profiles(self, version: str) -> None:
        """Drop every stored profile and record `version` as the one they will be made by,
        in one transaction: a profile made by other code is never read back."""

    @abstractmethod
    def unprofiled(self, after: int, limit: int) -> list[tuple[int, str]]:
        """Up to `limit` (id, text) of the passages stored without a profile, by id, after
        passage `after`."""

    @abstractmethod
    def set_profiles(self, forms: Sequence[tuple[int, str]]) -> None:
        """Keep these (passage id, profile) (a passage removed meanwhile is skipped)."""

    # ------------------------------------------------------------ sentence vectors

    def nearest(self, vectors: np.ndarray, exclude: Iterable[int], k: int
                ) -> list[list[tuple[Hit, float]]]:
        """For each query vector, the k passages outside the articles `exclude` whose
        sentence vectors (`embed.py`, made when they were stored) are nearest: (hit,
        cosine), nearest first."""
        found = self.vector_index().nearest(vectors, set(exclude), k)
        rows = self.hits([pid for near in found for pid, _ in near])
        return [[(rows[pid], cosine) for pid, cosine in near if pid in rows] for near in found]

    @abstractmethod
    def vector_index(self) -> VectorIndex:
        """Every stored passage's vector in memory (`nearest.py`), brought up to date."""

    # ------------------------------------------------------------ reads for people

    @abstractmethod
    def articles(self) -> list[dict[str, Any]]:
        """Every article: id, title, outlet, url, published and its count of passages."""

    @abstractmethod
    def find_articles(self, query: str = "", limit: int = 100
                      ) -> tuple[list[dict[str, Any]], int]:
        """Articles whose title, outlet or address holds `query`, or whose passages hold all
        its words; newest first, at most `limit`, and how many match in all."""

    @abstractmethod
    def article(self, article_id: int) -> dict[str, Any] | None:
        """An article with its `passages` (id, seq, start, end, text), or None."""

    # ------------------------------------------------------------ stories (stories.py)

    @abstractmethod
    def story_of(self, article_ids: Iterable[int]) -> dict[int, int]:
        """The story of each of these articles (those placed in one)."""

    @abstractmethod
    def story_members(self, story_ids: Iterable[int]) -> dict[int, list[int]]:
        """The articles of each of these stories, by id."""

    @abstractmethod
    def story_articles(self, story_id: int) -> list[dict[str, Any]]:
        """The articles of a story (id, title, outlet, url, published, story_nats, passages),
        oldest first, undated last; [] when there is no such story."""

    @abstractmethod
    def stories(self, limit: int = 50, offset: int = 0, min_articles: int = 1
                ) -> tuple[list[dict[str, Any]], int]:
        """Stories of at least `min_articles` articles (id, articles, first, last, and the
        title, outlet and url of their first article), newest first by their latest dated
        article (undated stories last, newest first), and how many there are in all."""

    @abstractmethod
    def sources_of(self, story_ids: Iterable[int]) -> list[tuple[int, str | None, str | None]]:
        """(story, outlet, url) of every article of these stories."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """How many articles, passages and outlets are stored."""

    @abstractmethod
    def is_empty(self) -> bool: ...
