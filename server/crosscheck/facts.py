"""Stage 4a: do two sentences state the same fact? The evidence, values set aside.

Input: the Profiles of a claim and a passage (and the passage's "N years ago" as years).
Output: `Evidence`: which signs of the same fact hold, and how much of the shorter
sentence's content the other holds once numbers are left out (`overlap`). The decision
is match.py's; this module only reads the signs:

  wording  nearly the same sentence, values aside (token_sort_ratio >= SAME_WORDING): a
           wire copy or a reworded sentence of the same report;
  phrase   a run of SHARED_PHRASE stems in both, two of them lower-case content words
           ("in the event of aggression against"; not "Putin's visit to North Korea");
  content  many of the same concepts (synonyms.py), each weighed by its rarity among the
           passages at hand: SAME_CONTENT of them, or SAME_CONTENT_SHARE of the shorter
           side's (names left out: on one story every sentence names the same people);
  amount   a compatible amount of the same thing, in sentences that share SAME_THING_WORDS
           other content words ("millions of rounds" / "three million shells");
  year     the claim's year is the passage's "N years ago" ("in 2000" / "24 years ago"
           written in 2024), with a shared name and concept.
Sentences that count only different things ("three million shells" / "11,000 containers")
have no evidence, however alike their wording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .numbers import Date
from .profile import SHARED_PHRASE, Profile, runs, shares
from .values import compatible, counts_same

SAME_WORDING = 90  # token_sort_ratio of the texts without their numbers
SAME_CONTENT, SAME_CONTENT_SHARE = 5, 0.6
SAME_THING_WORDS = 3


@dataclass(frozen=True)
class Evidence:
    kinds: tuple[str, ...]  # of "wording", "phrase", "content", "amount", "year"
    overlap: float  # share of the shorter side's content words (numbers aside) the other holds
    names: int  # capitalised words both use
    said: tuple[float, float] = (0.0, 0.0)  # shares of the shorter and the longer side's
    # lower-case content words (what is said, not who: names and numbers aside) both use


def evidence(claim: Profile, passage: Profile, ago: Sequence[Date] = (),
             rarity: Callable[[str], float] = lambda c: 1.0) -> Evidence:
    mine, theirs = claim.stems - claim.numbers, passage.stems - passage.numbers
    overlap = shares(len(mine & theirs), mine, theirs)[0]
    names = len(claim.names & passage.names)
    a, b = claim.wording - claim.numbers, passage.wording - passage.numbers
    said = shares(len(a & b), a, b)
    if counts_other_things(claim, passage):
        return Evidence((), overlap, names, said)
    signs = {
        "wording": fuzz.token_sort_ratio(claim.unvalued, passage.unvalued) >= SAME_WORDING,
        "phrase": shares_wording(claim, passage),
        "content": same_content(claim, passage, rarity),
        "amount": shared_context(claim, passage) >= SAME_THING_WORDS
        and amounts_agree(claim, passage),
        "year": same_year(claim, passage, ago),
    }
    return Evidence(tuple(k for k, held in signs.items() if held), overlap, names, said)


def same_content(a: Profile, b: Profile, rarity: Callable[[str], float] = lambda c: 1.0) -> bool:
    shared = a.concepts & b.concepts
    if len(shared) < 3 or of_other_things(a, b):
        return False
    weight = sum(rarity(c) for c in shared)
    smaller = min(sum(rarity(c) for c in a.concepts), sum(rarity(c) for c in b.concepts))
    return len(shared) >= SAME_CONTENT or weight >= SAME_CONTENT_SHARE * smaller


def of_other_things(a: Profile, b: Profile) -> bool:
    """The same word "of" different things, neither named by the other sentence ("vast
    quantities of grain" / "large stocks of weapons"; not "stockpile of weapons" / "quantities
    of such weapons")."""
    return any(x == y and what and whom and not what & b.concepts and not whom & a.concepts
               for x, what in a.of for y, whom in b.of)


def shares_wording(a: Profile, b: Profile) -> bool:
    shared = frozenset(a.phrases).intersection(b.phrases)
    if not shared:
        return False
    said = a.wording | b.wording
    return any(hash(phrase) in shared and sum(w in said for w in phrase) >= 2
               for phrase in runs(a.words, SHARED_PHRASE))


def counts_other_things(a: Profile, b: Profile) -> bool:
    """Both count something, but never the same thing."""
    mine, theirs = [q for q in a.quantities if q.unit], [p for p in b.quantities if p.unit]
    return bool(mine and theirs) and not any(counts_same(q, p) for q in mine for p in theirs)


def amounts_agree(a: Profile, b: Profile) -> bool:
    """Both state a compatible amount of the same thing ("24 years" and "24 years ago")."""
    return any(counts_same(q, p) and compatible(q, p) and q.context & p.context
               for q in a.quantities for p in b.quantities)


def shared_context(a: Profile, b: Profile) -> int:
    """Content words both use (as concepts), the claim's counted words aside."""
    return len(a.beside_units & b.senses)


def same_year(claim: Profile, passage: Profile, ago: Sequence[Date]) -> bool:
    years = {d.year for d in claim.dates if d.year is not None}
    return (any(d.year in years for d in ago) and bool(claim.names & passage.names)
            and bool(claim.concepts & passage.concepts))
