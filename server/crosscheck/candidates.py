"""Stage 3: claims -> candidate passages from other articles (SQLite FTS5, bm25).

Work grows with what is relevant, not with the store: each claim is searched by its
rarest content words only (document frequencies from the store's `terms` table), adding
words rarest first while the passages holding them stay within POSTINGS, so bm25 scores
a bounded set of rows. All claims of a page go to the store in one SQL statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .store import Store
from .types import Passage, Sentence

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers him his how i if in into
is it its itself just me more most my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these
they this those through to too under until up very was we were what when where which
while who whom why will with would you your said says say according year years
""".split())
MIN_TERMS = 3  # always search this many of a claim's rarest words, however common
MAX_TERMS = 8
POSTINGS = 4000  # beyond MIN_TERMS, add a word only while the rows to score stay under this


def content_words(text: str) -> list[str]:
    """The claim's distinct words worth searching for, in order of appearance."""
    words: list[str] = []
    for word in re.findall(r"\w+", text.lower()):
        if word not in STOPWORDS and (len(word) > 2 or word.isdigit()) and word not in words:
            words.append(word)
    return words


def rarest(words: Iterable[str], df: dict[str, int]) -> list[str]:
    """The rarest stored words, within the postings budget (absent words cannot match)."""
    chosen: list[str] = []
    total = 0
    for n, word in sorted((df[w], w) for w in words if df.get(w, 0) > 0):
        if len(chosen) == MAX_TERMS or (len(chosen) >= MIN_TERMS and total + n > POSTINGS):
            break
        chosen.append(word)
        total += n
    return chosen


def fts_query(terms: Sequence[str]) -> str | None:
    """An OR query of the terms, each quoted for FTS5."""
    return " OR ".join(f'"{t}"' for t in terms) or None


def candidates_for(
    store: Store, claims: Sequence[Sentence], exclude: Iterable[int], limit: int = 20
) -> list[list[Passage]]:
    """For each claim, the stored passages most likely to state the same fact."""
    words = [content_words(c.text) for c in claims]
    df = store.document_frequencies(w for ws in words for w in ws)
    queries = [fts_query(rarest(ws, df)) for ws in words]
    asked = [i for i, q in enumerate(queries) if q is not None]
    found = store.search_many([queries[i] for i in asked], exclude, limit)  # type: ignore[misc]
    out: list[list[Passage]] = [[] for _ in claims]
    for i, passages in zip(asked, found, strict=True):
        out[i] = passages
    return out
