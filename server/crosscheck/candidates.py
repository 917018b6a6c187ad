"""Stage 3: claims -> candidate passages from other articles (SQLite FTS5).

Work grows with what is relevant, not with the store: each claim is searched by the
words of its rarest index terms only (how many passages hold each term comes from the
store's `terms` table), adding terms rarest first while the passages holding them stay
within POSTINGS (and a few more while they stay very few). Passages are ranked by the
summed weights (idf-like) of the terms they hold, read straight from FTS5 doclists: no
bm25 per row. Each distinct word's doclist is read once for all claims of a page; of the
WIDEN x limit passages found per claim, `closest` keeps the limit that go to matching.

Words miss what other outlets say in other words: each claim also gets the NEAR passages
whose sentence vectors are nearest to its own (`embed.py`; cosine over every stored passage).
The cosine only finds them: matching decides as it does for any candidate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from rapidfuzz import process, utils

from . import embed, nearest
from .profile import SCORER
from .store import Hit, Store
from .story import STORY_ARTICLES, Story
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
MAX_TERMS = 6
POSTINGS = 1000  # beyond MIN_TERMS, add a term only while the rows to read stay under this
MORE_TERMS, MORE_POSTINGS = 12, 100  # beyond MAX_TERMS, while they stay under this: cheap, and
# in a small store every word of a claim is searched
WIDEN = 4  # passages fetched per candidate wanted, then the closest kept
BY_SCORER = 12  # of the candidates kept, how many are chosen by SCORER (see `closest`)
IN_STORY = 5  # passages of the story's articles added to each claim's candidates
NEAR = 10  # passages nearest by sentence vector (not found otherwise) added to a claim
REFERENCE = 1_000_000  # weight of a term: log(1 + REFERENCE / passages holding it), idf-like


def content_words(text: str) -> list[str]:
    """The claim's distinct words worth searching for, in order of appearance."""
    words: list[str] = []
    for word in re.findall(r"\w+", text.lower()):
        if word not in STOPWORDS and (len(word) > 2 or word.isdigit()) and word not in words:
            words.append(word)
    return words


def searched_words(text: str) -> list[str]:
    """The content words a claim is searched by: not its numbers, which are what differs
    between reports of one fact ("25 years" / "24 years"): searched for, they would find
    only the reports that agree."""
    return [w for w in content_words(text) if not w.isdigit()]


def rarest(words: Iterable[str], terms: dict[str, tuple[str, int]]) -> list[tuple[str, float]]:
    """The words of the rarest index terms, within the postings budget, one per term, each
    with its weight (words in no stored passage cannot help and are left out)."""
    chosen: list[tuple[str, float]] = []
    seen: set[str] = set()
    total = 0
    for df, term, word in sorted((terms[w][1], terms[w][0], w) for w in words if w in terms):
        n = len(chosen)
        if (n >= MIN_TERMS and total + df > POSTINGS
                or n >= MAX_TERMS and (n == MORE_TERMS or total + df > MORE_POSTINGS)):
            break
        if term not in seen:
            seen.add(term)
            chosen.append((word, math.log(1 + REFERENCE / df)))
            total += df
    return chosen


def page_terms(store: Store, claims: Sequence[Sentence], exclude: Iterable[int],
               ) -> dict[str, tuple[str, int]]:
    """Each searched word of the claims, with its index term and how many passages outside
    `exclude` hold it (the story stage reads the same counts)."""
    words = sorted({w for c in claims for w in searched_words(c.text)})
    return store.term_frequencies(words, sorted(set(exclude)))


def candidates_for(
    store: Store, claims: Sequence[Sentence], exclude: Iterable[int], limit: int = 15,
    terms: dict[str, tuple[str, int]] | None = None, story: Story | None = None,
) -> list[list[Passage]]:
    """For each claim, the stored passages most likely to state the same fact: `limit` found
    by its rarest words, the IN_STORY closest passages of the story's articles, and the NEAR
    nearest by sentence vector."""
    exclude = sorted(set(exclude))
    if terms is None:
        terms = page_terms(store, claims, exclude)
    words = [searched_words(c.text) for c in claims]
    queries = [rarest(ws, terms) for ws in words]
    found = store.search_many(queries, exclude, limit * WIDEN)
    kept = [closest(c.text, hits, limit) for c, hits in zip(claims, found, strict=True)]
    passages = store.passages(hit for hits in kept for hit in hits)
    out = [[passages[pid] for pid, _, _ in hits] for hits in kept]
    if story is not None:
        told = store.passages_of(story.articles()[:STORY_ARTICLES])
        texts = [utils.default_process(p.text) for p in told]
        for claim, theirs in zip(claims, out, strict=True):
            have = {p.id for p in theirs}
            ranked = process.extract(utils.default_process(claim.text), texts, scorer=SCORER,
                                     processor=None, limit=IN_STORY)
            theirs += [told[i] for _, _, i in ranked if told[i].id not in have]
    known = [i for i, query in enumerate(queries) if query]
    add_nearest(store, [claims[i] for i in known], exclude, [out[i] for i in known])
    return out


def add_nearest(store: Store, claims: Sequence[Sentence], exclude: Sequence[int],
                out: list[list[Passage]]) -> None:
    """Add to each claim's candidates (in place) the NEAR passages nearest by sentence
    vector among those not there yet: by brute force while the store holds at most
    nearest.APPROXIMATE_FROM passages, past that only with the extra's approximate index.
    Only claims with a word the store holds are given: a claim of words no passage holds, or
    of stopwords only, has no neighbour worth a look."""
    if (not claims or NEAR <= 0
            or store.passage_count() > nearest.APPROXIMATE_FROM and not nearest.APPROXIMATE):
        return
    most = NEAR + max(len(theirs) for theirs in out)
    near = store.nearest(embed.encode([c.text for c in claims]), exclude, most)
    passages = store.passages(hit for found in near for hit, _ in found)
    for theirs, found in zip(out, near, strict=True):
        have = {p.id for p in theirs}
        theirs += [passages[hit[0]] for hit, _ in found if hit[0] not in have][:NEAR]


def closest(claim: str, hits: list[Hit], limit: int) -> list[Hit]:
    """`limit` of the hits (in the index's order, rarest words in common first): the
    BY_SCORER closest to the claim by SCORER (passages holding the same rare terms tie in
    the index's ranking: near-copies of one sentence, say), then the best of the others in
    the index's order (a paraphrase shares rare names and numbers, not the wording SCORER
    rewards)."""
    if len(hits) <= limit:
        return hits
    ranked = process.extract(utils.default_process(claim),
                             [utils.default_process(text) for _, text, _ in hits],
                             scorer=SCORER, processor=None, limit=min(BY_SCORER, limit))
    chosen = [i for _, _, i in ranked]
    taken = set(chosen)
    chosen += [i for i in range(len(hits)) if i not in taken][: limit - len(chosen)]
    return [hits[i] for i in chosen]
