"""Stage 3: claim -> candidate passages from other articles (SQLite FTS5, bm25)."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
MAX_TERMS = 12


def fts_query(text: str) -> str | None:
    """An OR query of the claim's content words, each quoted for FTS5."""
    words = []
    for word in re.findall(r"\w+", text.lower()):
        if word not in STOPWORDS and (len(word) > 2 or word.isdigit()) and word not in words:
            words.append(word)
    words.sort(key=len, reverse=True)
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in words[:MAX_TERMS])


def candidates(store: Store, claim: Sentence, exclude: Iterable[int], limit: int = 20) -> list[Passage]:
    query = fts_query(claim.text)
    if query is None:
        return []
    return store.search(query, exclude=exclude, limit=limit)
