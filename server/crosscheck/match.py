"""Stage 4: (claim, candidate passages, story) -> relations a reader can trust.

The decision reads in the order it is taken, one module a step:

1. story (story.py): is the passage's article on the page's story? A passage from the story
   needs evidence of the same fact; one from outside it must be nearly the same sentence
   (values aside) and share OUTSIDE_NAMES names, and can never conflict: another earthquake's
   magnitude is not a disagreement about this one.
2. same fact (facts.py): the signs that the passage states the claim's fact (nearly the same
   wording, a shared phrase, the same content in other words, an agreeing amount of the same
   thing, a year counted back), and `overlap`: how much of the shorter sentence's content
   the other holds, numbers aside.
3. values (values.py): the values both state, and those that fill the same slot and cannot
   both be true. A conflict needs a difference in sentences that agree otherwise
   (`same_but_values`), in the story. A corroboration needs a sign and no difference.
4. confidence and reason (confidence.py): the probability that the relation is right, and a
   short reason. A corroboration or conflict below SHOW_AT is not shown as one.

Whatever fails these is `related` when it is on the same topic (SCORER >= RELATED_AT), and
left out otherwise; passages under SAME_FACT_TOPIC are left out before any of it.
Match.score: the confidence for corroborations and conflicts (>= SHOW_AT), and under SHOW_AT
for related passages (SCORER / 100, capped), so sorting by it puts them first. Related
passages have no confidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process

from . import confidence, facts, values
from .numbers import years_ago
from .profile import SCORER, Profile, normalize, of_passage, profile
from .story import Story
from .types import Difference, Match, Passage, Sentence

__all__ = ["SCORER", "normalize", "profile", "relate"]

RELATED_AT = 50  # SCORER value from which a passage is on the same topic
SAME_FACT_TOPIC = 40  # under this SCORER value no passage states the claim's fact (of 904
# corroborations and conflicts shown on real news, none was under 41)
CONFLICT_OVERLAP = 0.6  # share of the shorter sentence's content a conflicting one holds
CONFLICT_SAID = 0.3  # ... and share of the longer one's lower-case words
OUTSIDE_NAMES = 2  # names a nearly identical sentence from another story must share
SHOW_AT = 0.7  # confidence from which a corroboration or conflict is shown as one
RANK = {"conflicts": 2, "corroborates": 1, "related": 0}


@dataclass(frozen=True)
class Decision:
    """Steps 1-3 for one pair: the relation they point to, before confidence."""

    relation: str | None  # "conflicts", "corroborates", or None: not the same fact
    in_story: bool
    strength: float
    evidence: facts.Evidence
    differences: tuple[Difference, ...]
    agreed: tuple[str, ...]


def decide(claim: Profile, passage: Passage, their: Profile, story: Story | None = None,
           rarity: Callable[[str], float] = lambda c: 1.0) -> Decision:
    ago = years_ago(passage.text, passage.published)
    if ago:
        their = replace(their, dates=their.dates + ago)
    in_story = story is None or story.holds(passage.article_id)
    strength = 1.0 if story is None else story.strength(passage.article_id)
    ev = facts.evidence(claim, their, ago, rarity)
    relation, diffs = None, []
    if in_story or "wording" in ev.kinds and ev.names >= OUTSIDE_NAMES:
        diffs = values.differences(claim, their)
        if diffs and in_story and same_but_values(ev, diffs):
            relation = "conflicts"
        elif not diffs and ev.kinds:
            relation = "corroborates"
    agreed = values.agreements(claim, their) if relation else []
    return Decision(relation, in_story, strength, ev, tuple(diffs), tuple(agreed))


def same_but_values(ev: facts.Evidence, diffs: Sequence[Difference]) -> bool:
    """Sentences that agree but for the differing values: the shorter's content held by the
    other (CONFLICT_OVERLAP), a fair share of the longer's wording too (CONFLICT_SAID), and,
    for a negation, nearly the same sentence (a negation of a different proposition is no
    disagreement: "showed no symptoms" / "symptoms include")."""
    if any(d.kind == "negation" for d in diffs) and "wording" not in ev.kinds:
        return False
    return ev.overlap >= CONFLICT_OVERLAP and ev.said[1] >= CONFLICT_SAID


def features(d: Decision, topic: float) -> list[float]:
    assert d.relation is not None
    return confidence.decision_features(d.evidence, d.in_story, d.strength, topic, d.relation,
                                        d.differences, len(d.agreed))


def judge(claim: Profile, passage: Passage, their: Profile, topic: float,
          story: Story | None = None, rarity: Callable[[str], float] = lambda c: 1.0,
          ) -> Match | None:
    """The relation of one passage to the claim, decided in the module docstring's order."""
    if topic < SAME_FACT_TOPIC:  # too little in common to weigh (and most candidates)
        return None
    d = decide(claim, passage, their, story, rarity)
    if d.relation is not None:
        p = round(confidence.probability(features(d, topic)), 3)
        if p >= SHOW_AT:
            return Match(d.relation, p, passage, d.differences, p,  # type: ignore[arg-type]
                         confidence.reason(d.in_story, d.evidence, d.agreed, d.differences),
                         d.in_story)
    if topic >= RELATED_AT - 1e-9:
        return Match("related", round(min(topic / 100, SHOW_AT - 0.001), 3), passage, (),
                     None, "", d.in_story)
    return None


def relate(claim: Sentence, candidates: list[Passage], limit: int = 5,
           story: Story | None = None) -> list[Match]:
    """The candidates that bear on the claim: conflicts and corroborations first, most
    confident first. Without a story, every passage counts as one of the story's."""
    mine = profile(claim.text)
    theirs = [of_passage(p) for p in candidates]
    held: Counter[str] = Counter()

    def rarity(c: str) -> float:  # counted on first use: most claims never need it
        if not held:
            held.update(c for their in theirs for c in their.concepts)
        return math.log(1 + len(theirs) / max(1, held[c]))

    topics = process.cdist([mine.norm], [t.norm for t in theirs], scorer=SCORER,
                           processor=None)[0] if theirs else []
    matches = [m for passage, their, topic in zip(candidates, theirs, topics, strict=True)
               if (m := judge(mine, passage, their, float(topic), story, rarity)) is not None]
    matches.sort(key=lambda m: (RANK[m.relation], m.score), reverse=True)
    return matches[:limit]
