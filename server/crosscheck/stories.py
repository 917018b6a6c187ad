"""Stories kept in the store: the story an article joins when it is added, and what a story
holds for a reader (the sidebar's story header, `/api/stories`, `crosscheck stories`).

A story is the set of stored articles that report one event. When an article is added, the
story stage (story.py, the one matching uses) gives each stored article the evidence (nats)
that it tells the new article's story: rare words shared beyond chance, within STORY_DAYS when
both are dated. The article joins the story whose articles have, on average, the most
evidence, if that average reaches STORY_NATS, the stage's own threshold (average-link, so
that a story does not grow by chaining). An article dated more than EVENT_DAYS apart (at the
precision given: a month-only date, "2024-06", is the whole month) counts nothing: matching
looks 30 days around a page for follow-ups, a stored story is one event. Else the article
starts a story of its own. Stories never merge and never split: an article that bridges two
stories joins one of them, and removing an article leaves the others of its story together;
removing the last one removes the story.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from . import candidates
from . import story as story_stage
from .claims import is_checkable
from .names import clean_title, outlet_name
from .store import Store
from .types import Article, ClaimResult, Sentence, StoryArticle, StoryRef

SHOWN = ("corroborates", "conflicts")
EVENT_DAYS = 7  # dated reports of one event lie within a week of the story's articles they join


# --------------------------------------------------------------- placing an article

@dataclass(frozen=True)
class Told:
    """The story stage's evidence as placing reads it: what `story.find` would answer, read
    from its unrounded sums (`story.evidence`) only for the articles placing looks at, not
    made into a Story for the thousand articles holding a signature word."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # ascending
    nats: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, found: story_stage.Evidence | None, before: int | None = None) -> Told:
        """The evidence for the articles (stored before `before`, if given) that have any."""
        if found is None:
            return cls()
        kept = found.nats > 0
        if before is not None:
            kept &= found.ids < before
        return cls(found.ids[kept], found.nats[kept])

    def get(self, article_id: int) -> float:
        """An article's evidence, rounded as `story.find` rounds it (0: none)."""
        i = int(np.searchsorted(self.ids, article_id))
        found = i < len(self.ids) and int(self.ids[i]) == article_id
        return round(float(self.nats[i]), 2) if found else 0.0

    def articles(self) -> list[int]:
        """As `story.Story.articles`: those whose rounded evidence reaches STORY_NATS,
        strongest first (rounding reaches it only from STORY_NATS - 0.005)."""
        near = self.nats >= story_stage.STORY_NATS - 0.01
        rounded = {a: round(e, 2) for a, e in zip(self.ids[near].tolist(),
                                                   self.nats[near].tolist(), strict=True)}
        return sorted((a for a, e in rounded.items() if e >= story_stage.STORY_NATS),
                      key=lambda a: (-rounded[a], a))


def place(store: Store, article: Article, passages: list[Sentence]
          ) -> tuple[int | None, float | None]:
    """The story a new article joins, and the evidence (nats) for it; (None, None): its own.
    Its claims (the checkable passages) make its signature, as for a page being checked."""
    claims = [s for s in passages if is_checkable(s.text)]
    told = Told.of(story_stage.evidence(store, candidates.page_terms(store, claims, ()),
                                        article.published))
    return join(store, told.articles(), told.get, article.published)


def evidence_of(store: Store, article_id: int) -> tuple[str | None, Told]:
    """For a stored article placed late (after a bulk import, or stored before stories
    existed): its date, and the story stage's evidence for the articles stored before it."""
    found = store.article(article_id)
    if found is None:
        return None, Told()
    claims = [s for s in (Sentence(p["text"], p["start"], p["end"]) for p in found["passages"])
              if is_checkable(s.text)]
    told = story_stage.evidence(store, candidates.page_terms(store, claims, [article_id]),
                                found["published"], [article_id])
    return found["published"], Told.of(told, before=article_id)


def place_late(store: Store, evidence: Iterable[tuple[int, str | None, Told]]) -> int:
    """Place stored articles, in the order given (the order they were added), each in the
    story it joins among those placed before it; how many were placed."""
    placed = 0
    for article_id, published, told in evidence:
        store.assign_story(article_id, *join(store, told.articles(), told.get, published))
        placed += 1
    return placed


def join(store: Store, told: list[int], nats: Callable[[int], float], published: str | None,
         ) -> tuple[int | None, float | None]:
    """The story whose articles have, on average, the most evidence (`nats`) of telling the
    story the articles `told` (those with STORY_NATS or more) tell, if that average reaches
    STORY_NATS; and the average. An article whose date disagrees with `published` counts 0,
    and in a small store, where words alone tell little (story.py), so does one that is not
    dated, or a page that is not. The average, not the strongest article: joining through any
    one article would chain loosely related articles into one story (average-link
    clustering, not single-link)."""
    story_of = store.story_of(told)
    members = store.story_members(set(story_of.values()))
    dates = store.published(a for ids in members.values() for a in ids)
    small = store.passage_count() < story_stage.SMALL_STORE

    def evidence(article_id: int) -> float:
        theirs = dates.get(article_id)
        if apart(published, theirs) or small and (span(published) is None or span(theirs) is None):
            return 0.0
        return nats(article_id)

    means = {story: sum(map(evidence, ids)) / len(ids) for story, ids in members.items()}
    best = max(means, key=lambda story: (means[story], -story), default=None)
    if best is None or means[best] < story_stage.STORY_NATS:
        return None, None
    return best, round(means[best], 2)


def span(text: str | None) -> tuple[date, date] | None:
    """The days an ISO date covers: one day, or a whole month ("2024-06"); a year alone or
    nothing: None (too coarse to tell)."""
    text = (text or "").strip()
    found = story_stage.day(text)
    if found is not None:
        return found, found
    try:
        first = date.fromisoformat(text[:7] + "-01")
    except ValueError:
        return None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def apart(a: str | None, b: str | None, days: int = EVENT_DAYS) -> bool:
    """More than `days` between two dates, each as precise as it is given."""
    x, y = span(a), span(b)
    if x is None or y is None:
        return False
    gap = max((y[0] - x[1]).days, (x[0] - y[1]).days, 0)
    return gap > days


# --------------------------------------------------------------- a page's story

def of_page(store: Store, found: story_stage.Story, published: str | None,
            stored: Iterable[int]) -> StoryRef | None:
    """The story a checked page belongs to: that of its stored copies (`stored`: the same URL
    or text, or most of its sentences), else the one it would join if it were added; None when
    it has none, or no other article in it. Its copies are not listed among its articles."""
    stored = sorted(set(stored))
    own = store.story_of(stored)
    story_id = next((own[a] for a in stored if a in own), None)
    if story_id is None:
        story_id, _ = join(store, found.articles(), lambda a: found.evidence.get(a, 0.0),
                           published)
    if story_id is None:
        return None
    articles = tuple(story_article(row) for row in store.story_articles(story_id)
                     if row["id"] not in stored)
    return StoryRef(story_id, articles) if articles else None


def story_article(row: dict[str, Any]) -> StoryArticle:
    return StoryArticle(row["id"], clean_title(row["title"], row["outlet"], row["url"]),
                        outlet_name(row["outlet"], row["url"]), row["url"], row["published"])


def page_story_json(ref: StoryRef | None, results: Sequence[ClaimResult]) -> dict[str, Any] | None:
    """The analyze answer's `story`: the story's other articles, each with how many of the
    page's claims it corroborates and contradicts, its dates and outlets, and which claims
    (by index in `claims`) no article of it reports (`only_here`) and every one corroborates
    (`everywhere`)."""
    if ref is None:
        return None
    ids = {a.id for a in ref.articles}
    per_claim = [reporting(result, ids) for result in results]
    articles = [{
        "id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url, "published": a.published,
        "corroborates": sum(a.id in agree for agree, _ in per_claim),
        "contradicts": sum(a.id in differ for _, differ in per_claim),
    } for a in ref.articles]
    return {
        "id": ref.id, **dates([a.published for a in ref.articles]),
        "outlets": len({a.outlet or a.url or a.id for a in ref.articles}),
        "articles": articles,
        "only_here": [i for i, (agree, differ) in enumerate(per_claim) if not agree | differ],
        "everywhere": [i for i, (agree, _) in enumerate(per_claim) if agree >= ids],
    }


def reporting(result: ClaimResult, ids: set[int]) -> tuple[set[int], set[int]]:
    """The story's articles that corroborate the claim, and those that contradict it."""
    found: dict[str, set[int]] = {relation: set() for relation in SHOWN}
    for m in result.matches:
        if m.relation in SHOWN and m.passage.article_id in ids:
            found[m.relation].add(m.passage.article_id)
    return found["corroborates"], found["conflicts"]


def dates(published: Iterable[str | None]) -> dict[str, str | None]:
    """The first and last date of a story's articles: of those dated to the day, if any."""
    given = [p for p in published if p]
    known = sorted(p for p in given if story_stage.day(p)) or sorted(given)
    return {"first": known[0] if known else None, "last": known[-1] if known else None}


# --------------------------------------------------------------- listing stories

def listing(store: Store, limit: int, offset: int, min_articles: int) -> dict[str, Any]:
    """`GET /api/stories`: newest first, each with its outlets and how many articles each."""
    rows, total = store.stories(limit, offset, min_articles)
    outlets: dict[int, Counter[str]] = {row["id"]: Counter() for row in rows}
    for story_id, outlet, url in store.sources_of(outlets):
        outlets[story_id][outlet_name(outlet, url) or "(unknown)"] += 1
    return {
        "stories": [{
            "id": row["id"], "title": clean_title(row["title"], row["outlet"], row["url"]),
            "articles": row["articles"], "first": row["first"], "last": row["last"],
            "outlets": [{"name": name, "articles": n}
                        for name, n in sorted(outlets[row["id"]].items(),
                                              key=lambda item: (-item[1], item[0]))],
        } for row in rows],
        "total": total, "limit": limit, "offset": offset,
    }
