"""The shared types every stage speaks: plain frozen dataclasses, no behaviour.

Data flows one way:
page -> Article (extract) -> Claim (claims) -> Passage candidates (store)
-> Match (match) -> Analysis (pipeline) -> JSON (app / cli).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Relation = Literal["corroborates", "conflicts", "related"]


@dataclass(frozen=True)
class Page:
    """What a caller hands us: raw HTML or plain text, plus what it knows."""

    html: str | None = None
    text: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """The main content of a page, with the metadata found for it."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A span of an article's text: `text == article.text[start:end]`."""

    text: str
    start: int
    end: int
    # a passage to store: its profile's stored form (profile.stored_form), read back by
    # matching instead of computing it again for every analysis
    profile: str | None = field(default=None, compare=False, repr=False)
    vector: bytes | None = field(default=None, compare=False, repr=False)  # embed.with_vectors


@dataclass(frozen=True)
class Passage:
    """A stored sentence of another article, with where it comes from."""

    id: int
    text: str
    article_id: int
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    profile: str | None = field(default=None, compare=False, repr=False)  # as in Sentence


@dataclass(frozen=True)
class Difference:
    """One value that differs between a claim and a passage."""

    kind: str  # "number" | "date" | "negation" | ...
    claim: str
    passage: str


@dataclass(frozen=True)
class Match:
    relation: Relation
    score: float  # 0..1, to rank by (crosscheck.match module docstring)
    passage: Passage
    differences: tuple[Difference, ...] = ()
    confidence: float | None = None  # how likely the relation is right; None for related
    reason: str = ""  # why, in a reader's words ("same story · differs: 25 years / 24 years")
    in_story: bool = True  # the passage's article reports the page's story (story.py)


@dataclass(frozen=True)
class ClaimResult:
    claim: Sentence
    matches: tuple[Match, ...] = ()


@dataclass(frozen=True)
class StoryArticle:
    """A stored article of a story, as a reader sees it listed."""

    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None


@dataclass(frozen=True)
class StoryRef:
    """The stored story a page belongs to, and its articles other than the page (stories.py)."""

    id: int
    articles: tuple[StoryArticle, ...]


@dataclass(frozen=True)
class Analysis:
    article: Article
    claims: tuple[ClaimResult, ...] = field(default_factory=tuple)
    story: StoryRef | None = None


def match_json(match: Match) -> dict[str, Any]:
    """A Match as the API's JSON (what `dataclasses.asdict` gives, without its deep copies:
    this runs for every match of every analysis)."""
    p = match.passage
    return {
        "relation": match.relation,
        "score": match.score,
        "passage": {
            "id": p.id, "text": p.text, "article_id": p.article_id, "title": p.title,
            "outlet": p.outlet, "url": p.url, "published": p.published,
        },
        "differences": [
            {"kind": d.kind, "claim": d.claim, "passage": d.passage} for d in match.differences
        ],
        "confidence": match.confidence, "reason": match.reason, "in_story": match.in_story,
    }
