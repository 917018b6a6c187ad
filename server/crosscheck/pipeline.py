"""The one place the stages meet.

page -> extract -> claims -> story + candidates -> match -> Analysis
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from . import candidates as candidates_stage
from . import stories
from . import story as story_stage
from .claims import extract_claims, passages
from .extract import extract
from .match import profile, relate
from .names import clean_title, outlet_name
from .profile import VERSION, for_storage, stored_form
from .seeds import seed_pages
from .store import LATER, Placer, Store, is_url
from .types import Analysis, Article, ClaimResult, Match, Page, Passage, Sentence, match_json

MAX_CLAIMS = 200
COPY_SHARE = 0.5  # an article holding half of our claims word for word is a copy of this page


@dataclass(frozen=True)
class Added:
    id: int
    passages: int
    duplicate: bool


def analyze(store: Store, page: Page) -> Analysis:
    article = extract(page)
    claims, story, found, stored = retrieve(store, article)
    results = tuple(
        ClaimResult(claim, tuple(relate(claim, passages, story=story)))
        for claim, passages in zip(claims, found, strict=True)
    )
    kept = stories.of_page(store, story, article.published, stored)  # copies: not in its story
    return without_dismissed(store, Analysis(article=article, claims=results, story=kept))


def retrieve(store: Store, article: Article
             ) -> tuple[list[Sentence], story_stage.Story, list[list[Passage]], set[int]]:
    """The article's claims, its story in the store, each claim's candidate passages, and
    the stored copies of the page (left out of all three)."""
    claims = extract_claims(article.text)[:MAX_CLAIMS]
    exclude = set(store.same_as(article.url, article.text))
    exclude |= copies_of(store, [c.text for c in claims])
    terms = candidates_stage.page_terms(store, claims, exclude)
    story = story_stage.find(store, terms, article.published, exclude)
    found = candidates_stage.candidates_for(store, claims, exclude, terms=terms, story=story)
    return claims, story, found, exclude


def without_dismissed(store: Store, analysis: Analysis) -> Analysis:
    """Drop the matches a reader marked "not the same fact" (kept in the store's feedback)."""
    hidden = store.dismissed(r.claim.text for r in analysis.claims)
    if not hidden:
        return analysis
    return replace(analysis, claims=tuple(
        replace(r, matches=tuple(m for m in r.matches
                                 if (r.claim.text, m.passage.id) not in hidden))
        for r in analysis.claims))


def copies_of(store: Store, claims: list[str]) -> set[int]:
    """Stored articles that are copies of this page (syndicated under another URL)."""
    if len(claims) < 2:
        return set()
    need = max(2, int(len(claims) * COPY_SHARE))
    return {aid for aid, n in store.copies(claims).items() if n >= need}


def add(store: Store, page: Page, may_commit: Callable[[], bool] | None = None) -> Added:
    article = extract(page)
    return Added(*add_many(store, [(article, for_storage(passages(article.text)))],
                           may_commit)[0])


def ensure_profiles(store: Store) -> None:
    """The stored profiles are this code's: those another version made are forgotten (and
    made again by `fill_profiles`); a store that cannot be written reads none back."""
    if store.profile_version() == VERSION:
        return
    if store.read_only:
        store.profiles_usable = False
    else:
        store.forget_profiles(VERSION)


def fill_profiles(store: Store, batch: int = 500) -> int:
    """Profile the passages stored without one (after `ensure_profiles` forgot those of an
    older version); how many. Runs beside the server, a short transaction a batch."""
    done, after = 0, 0
    while rows := store.unprofiled(after, batch):
        store.set_profiles([(pid, stored_form(text)) for pid, text in rows])
        done, after = done + len(rows), rows[-1][0]
    return done


def add_many(store: Store, items: Iterable[tuple[Article, list[Sentence]]],
             may_commit: Callable[[], bool] | None = None, later: bool = False,
             ) -> list[tuple[int, int, bool]]:
    """Store articles in one transaction, each joining its story (stories.py); `later`: none
    yet, for `place_later` to place them after a bulk import."""
    place: Placer = ((lambda article, sentences: (LATER, None)) if later else
                     (lambda article, sentences: stories.place(store, article, sentences)))
    return store.add_many(items, may_commit, place=place)


def place_later(store: Store, workers: int = 1) -> int:
    """Place the articles stored without a story, by id. The story stage's evidence for each
    (the costly part: read only) is found in `workers` processes; joining, which depends on
    the placings before, is done here in order."""
    ids = store.unplaced()
    if workers <= 1 or len(ids) < 64 or is_url(store.path):
        return stories.place_late(store, ((a, *stories.evidence_of(store, a)) for a in ids))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        found = pool.map(story_evidence, [(store.path, a) for a in ids], chunksize=16)
        return stories.place_late(store, found)


_stores: dict[str, Store] = {}


def story_evidence(job: tuple[str, int]) -> tuple[int, str | None, stories.Told]:
    """`stories.evidence_of` in a worker process (one store opened per process)."""
    path, article_id = job
    store = _stores.get(path) or _stores.setdefault(path, Store(path))
    return (article_id, *stories.evidence_of(store, article_id))


def ensure_seeded(store: Store) -> int:
    """Load the seed corpus into an empty store; returns how many were added."""
    ensure_profiles(store)
    if not store.is_empty():
        return 0
    added = sum(not add(store, page).duplicate for page in seed_pages())
    store.optimize()
    return added


def ensure_stories(store: Store) -> int:
    """Place the articles stored before stories existed; returns how many were placed."""
    return 0 if store.read_only else place_later(store)


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    claims = []
    corroborated = conflicted = 0
    sources: set[str] = set()
    for result in analysis.claims:
        matches = sorted(result.matches, key=lambda m: -m.score)
        bearing = independent_sources(matches)
        claims.append({
            "text": result.claim.text, "start": result.claim.start, "end": result.claim.end,
            "matches": [readable(match_json(m)) for m in matches], "sources": len(bearing),
        })
        relations = {m.relation for m in matches}
        corroborated += "corroborates" in relations
        conflicted += "conflicts" in relations
        sources |= bearing
    article = analysis.article
    return {
        "article": {
            "title": clean_title(article.title, article.outlet, article.url), "url": article.url,
            "outlet": outlet_name(article.outlet, article.url),
            "published": article.published, "author": article.author, "text": article.text,
        },
        "claims": claims,
        "summary": {
            "claims": len(claims), "corroborated": corroborated,
            "conflicted": conflicted, "sources": len(sources),
        },
        "story": stories.page_story_json(analysis.story, analysis.claims),
    }


DETAIL_ARTICLES = 12  # the articles of a story whose claims are checked against the others


def story_detail(store: Store, story_id: int) -> dict[str, Any] | None:
    """`GET /api/stories/{id}`: the story's articles, and each claim of them that another
    article of the story corroborates or contradicts (claims of its first DETAIL_ARTICLES
    articles: each is analysed as a page)."""
    rows = store.story_articles(story_id)
    if not rows:
        return None
    articles = [stories.story_article(row) for row in rows]
    ids = {a.id for a in articles}
    claims = []
    for row in rows[:DETAIL_ARTICLES]:
        found = store.article(row["id"])
        if found is None:  # removed meanwhile
            continue
        page = Page(text=found["text"], url=found["url"], published=found["published"])
        for result in analyze(store, page).claims:
            agree, differ = stories.reporting(result, ids - {row["id"]})
            if agree or differ:
                claims.append({"article_id": row["id"], "text": result.claim.text,
                               "corroborated_by": sorted(agree), "contradicted_by": sorted(differ)})
    return {
        "id": story_id, **stories.dates(a.published for a in articles),
        "outlets": len({a.outlet or a.url or a.id for a in articles}),
        "articles": [a.__dict__ | {"passages": row["passages"]}
                     for a, row in zip(articles, rows, strict=True)],
        "checked": min(len(rows), DETAIL_ARTICLES), "claims": claims,
    }


def readable(match: dict[str, Any]) -> dict[str, Any]:
    """A match's JSON with its source's outlet and title as a reader should see them."""
    passage = match["passage"]
    passage["title"] = clean_title(passage["title"], passage["outlet"], passage["url"])
    passage["outlet"] = outlet_name(passage["outlet"], passage["url"])
    return match


def independent_sources(matches: Iterable[Match]) -> set[str]:
    """The sources that corroborate or contradict a claim: outlets, not passages, and a
    sentence carried word for word by a second outlet (a wire copy) counts for the first."""
    first: dict[str, str] = {}
    for m in matches:
        if m.relation != "related":
            first.setdefault(profile(m.passage.text).norm, source_key(m.passage))
    return set(first.values())


def source_key(passage: Any) -> str:
    """One key per independent source: the outlet, else the site, else the article."""
    outlet = " ".join((passage.outlet or "").lower().split())
    site = urlsplit(passage.url or "").netloc.lower().removeprefix("www.")
    return outlet or site or f"article:{passage.article_id}"
