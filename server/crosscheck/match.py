"""Stage 4: (claim, candidate passages) -> scored relations with their differences.

normalize: NFKC, curly quotes and dashes made plain, numbers in digits ("three million"
-> "3000000", "11,000" -> "11000"), then rapidfuzz's default_process (lower case, no
punctuation).

Match.score (0..1): how likely the passage states the same fact as the claim. It starts
as `scores`, a logistic combination of rapidfuzz ratios and stemmed word overlaps of the
normalised texts (see `features`) fitted on the MSRP paraphrase train set
(`bench/quality.py --fit`), whose decision point is CORROBORATE_AT = 0.5. Sentences from
different outlets rarely share enough words to reach it, hence the other evidence of the
same fact below; the relation then settles the score: at least 0.5 for conflicts and
corroborations, below 0.5 for related passages, so sorting by score puts them first.

relation:
  conflicts     the same fact, but a value differs: a number counting the same thing
                ("25 years" / "24 years"), a date, or a negation ("supplied" / "not
                supplied", "confirmed" / "denied"); `differences` names each pair.
                Compatible amounts ("more than 11,000" / "11,500", "millions" / "three
                million") are not differences.
  corroborates  the same fact with compatible values: score >= CORROBORATE_AT, or the two
                share a phrase of SHARED_PHRASE words (stemmed), which a paraphrase across
                outlets often does when its other words differ, or they say the same in
                other words (`same_content`), or they state a compatible amount of the same
                thing (see below), or the claim's year is the passage's "N years ago"
                counted back from its publication date (`same_year`).
  related       the same topic (SCORER >= RELATED_AT), not the same fact.
Amounts need no high score: in sentences sharing SAME_THING_WORDS content words besides
the unit, amounts of the same thing that cannot both be true conflict, and amounts that
agree corroborate. Near-synonyms (synonyms.py) count as the same word throughout: in
`same_content`, in the words shared, and in what an amount counts ("shells" / "rounds").
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import LCSseq, Levenshtein

from .numbers import (
    STOPWORDS,
    Date,
    Quantity,
    dates,
    digits_for_words,
    negated,
    quantities,
    stem,
    years_ago,
)
from .synonyms import concept, concepts, rewrite_phrases
from .types import Difference, Match, Passage, Relation, Sentence

SCORER = fuzz.token_set_ratio  # one cdist-able scorer: the topic test, and the naive baseline
CORROBORATE_AT = 0.5  # score from which two sentences state the same fact
NOT_SAME_FACT = 0.499  # the highest score of a related passage
SHARED_PHRASE = 6  # ... or from which length a phrase they share word for word (stemmed) says so
RELATED_AT = 50  # SCORER value from which a passage is on the same topic
SAME_CONTENT, SAME_CONTENT_SHARE = 5, 0.6  # concepts two sentences share: see same_content
SAME_THING_WORDS = 3  # content words two sentences share, beyond the unit, to compare amounts
# Logistic weights over `features`, fitted on MSRP train by `bench/quality.py --fit`.
WEIGHTS = (
    0.886, 2.016, 1.320, 1.794, 1.645, 0.793, 1.276, -0.523, 1.083, -2.135, -0.278, 0.444,
    -0.895, -0.267, -0.389, -1.540, -0.379, -0.163,
)
BIAS = -3.593

TEXT_SCORERS = (SCORER, fuzz.token_sort_ratio, fuzz.ratio)  # SCORER first: see `topics`
WORD_SCORERS = (LCSseq.normalized_similarity, Levenshtein.normalized_similarity)
RANK = {"conflicts": 2, "corroborates": 1, "related": 0}
WORDING = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*[a-z]")
NAME = re.compile(r"\b[A-Z][\w'’-]+")
OF = re.compile(r"\b([a-z][a-z-]+) of (?:the |a |an |such |its |their |his |her )?"
                r"((?:[a-z][a-z-]+)(?: [a-z][a-z-]+)?)")
PLAIN = str.maketrans("‘’‚‛“”„‟–—−‐‑", "''''\"\"\"\"-----")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(PLAIN)
    return " ".join(utils.default_process(digits_for_words(text)).split())


Judged = tuple[Relation, float, tuple[Difference, ...]]


@dataclass(frozen=True)
class Profile:
    """What we compare of one sentence, computed once per text."""

    text: str
    norm: str
    words: tuple[str, ...]  # stems, in order
    stems: frozenset[str]  # content-word stems
    bigrams: Collection[int]  # runs of 2 stems, hashed (see `hashed`)
    trigrams: Collection[int]
    phrases: Collection[int]  # runs of SHARED_PHRASE stems
    names: frozenset[str]  # capitalised words after the first
    wording: frozenset[str]  # stems of lower-case content words: what is said, not who
    concepts: frozenset[str]  # the same words as concept keys (see synonyms.py)
    of: frozenset[tuple[str, frozenset[str]]]  # "stockpile of weapons": (stock, {weapon})
    senses: frozenset[str]  # every content stem (names too) as a concept
    beside_units: frozenset[str]  # the same, but for the words its amounts count
    numbers: frozenset[str]
    quantities: tuple[Quantity, ...]
    dates: tuple[Date, ...]
    negations: tuple[tuple[str, str], ...]


def runs(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return list(zip(*(words[i:] for i in range(n)), strict=False))


def hashed(words: Sequence[str], n: int) -> array[int]:
    """The distinct runs of n words as hashes, in an array: a tenth of the memory of a set
    of tuples (profiles are cached), only compared for equality (a collision of 64-bit
    hashes is not a concern here). See `with_sets` for the side compared against."""
    return array("q", sorted(set(map(hash, runs(words, n)))))


def with_sets(p: Profile) -> Profile:
    """The profile with its runs as sets, to compare many passages against."""
    if isinstance(p.bigrams, frozenset):
        return p
    return replace(p, bigrams=frozenset(p.bigrams), trigrams=frozenset(p.trigrams),
                   phrases=frozenset(p.phrases))


def same_object(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """`a`, or `b` when they are equal: one set in memory instead of two."""
    return b if a == b else a


@lru_cache(maxsize=8192)  # about 6 KB each: passages met again by the next claims
def profile(text: str) -> Profile:
    norm = normalize(text)
    plain = rewrite_phrases(unicodedata.normalize("NFKC", text).translate(PLAIN))
    words = tuple(stem(w) for w in norm.split())
    stems = frozenset(w for w in words if w not in STOPWORDS)
    found = tuple(dates(text))
    amounts = tuple(quantities(text, found))
    units = frozenset().union(*(q.unit for q in amounts))
    senses = same_object(frozenset(map(concept, stems)), stems)
    wording = same_object(frozenset(stem(w) for w in WORDING.findall(text)) - STOPWORDS, stems)
    return Profile(
        text, norm, words,
        stems,
        hashed(words, 2), hashed(words, 3), hashed(words, SHARED_PHRASE),
        frozenset(NAME.findall(text[1:])),
        wording, same_object(concepts(WORDING.findall(plain)), wording),
        frozenset((concept(stem(m[1])), concepts(m[2].split())) for m in OF.finditer(plain)),
        senses, same_object(frozenset(map(concept, stems - units)), senses),
        frozenset(w for w in words if w.isdigit()),
        amounts, found, tuple(negated(text)),
    )


def overlap(a: Collection[Any], b: Collection[Any]) -> tuple[float, float]:
    """Shared share of the smaller and of the larger side (each of distinct items; `a` is
    best a set already)."""
    return shares(len(frozenset(a).intersection(b)), a, b)


def shares(shared: int, a: Collection[Any], b: Collection[Any]) -> tuple[float, float]:
    """`shared` items as a share of the smaller and of the larger side."""
    if not a or not b:
        return 0.0, 0.0
    smaller, larger = sorted((len(a), len(b)))
    return shared / smaller, shared / larger


def features(a: Profile, bs: Sequence[Profile]) -> np.ndarray:
    """What `scores` weighs, one row per passage: rapidfuzz ratios of the normalised texts
    and of their stemmed words, then `set_features`."""
    if not bs:
        return np.zeros((0, len(WEIGHTS)))
    a = with_sets(a)
    columns = [process.cdist([a.norm], [b.norm for b in bs], scorer=f, dtype=np.float64)[0] / 100
               for f in TEXT_SCORERS]
    columns += [process.cdist([a.words], [b.words for b in bs], scorer=f, dtype=np.float64)[0]
                for f in WORD_SCORERS]
    return np.column_stack([*columns, np.array([set_features(a, b) for b in bs])])


def set_features(a: Profile, b: Profile) -> tuple[float, ...]:
    """Overlaps of stemmed words, word pairs, word triples and names (share of the smaller /
    larger side), words left unmatched, length difference, and whether numbers or names differ."""
    shared = len(a.stems & b.stems)
    unmatched = sorted((len(a.stems) - shared, len(b.stems) - shared))
    longer = max(len(a.words), len(b.words), 1)
    return (
        *shares(shared, a.stems, b.stems), *overlap(a.bigrams, b.bigrams),
        *overlap(a.trigrams, b.trigrams), *overlap(a.names, b.names),
        unmatched[0] / 5, unmatched[1] / 5, abs(len(a.words) - len(b.words)) / longer,
        float(a.numbers != b.numbers), float(a.names != b.names),
    )


def scores(a: Profile, bs: Sequence[Profile]) -> np.ndarray:
    """For each passage, the probability (0..1) that it states the same fact as `a`."""
    return probability(features(a, bs))


def probability(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ np.array(WEIGHTS) + BIAS)))


def topics(x: np.ndarray) -> np.ndarray:
    """SCORER (0..100) of each passage, from its `features` (the first column)."""
    return x[:, 0] * 100


def counts_same(q: Quantity, p: Quantity) -> bool:
    """Amounts of the same thing, near-synonyms included ("3 million shells" / "millions of
    rounds")."""
    same_head = bool(q.head and p.head) and concept(q.head) == concept(p.head)
    return same_head or q.counts_same_thing_as(p)


def same_content(a: Profile, b: Profile, rarity: Callable[[str], float] = lambda c: 1.0) -> bool:
    """Many of the same concepts (lower-case content words through synonyms.py, names left
    out), each weighed by its `rarity` among the passages at hand: SAME_CONTENT of them, or
    SAME_CONTENT_SHARE of the shorter side's and at least three."""
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


def compatible(a: Quantity, b: Quantity) -> bool:
    slack = 1e-9 * max(abs(a.value), abs(b.value), 1.0)
    return a.low <= b.high + slack and b.low <= a.high + slack


def number_differences(a: Profile, b: Profile, nearby: bool = False) -> list[Difference]:
    """Amounts of the same thing whose ranges cannot both be true (with `nearby`, only
    amounts whose neighbouring words overlap too)."""
    out = []
    for q in a.quantities:
        same = [p for p in b.quantities
                if counts_same(q, p) and (not nearby or q.context & p.context)]
        if same and not any(compatible(q, p) for p in same):
            out.append(Difference("number", q.text, same[0].text))
    return out


def shares_wording(a: Profile, b: Profile) -> bool:
    """A phrase of SHARED_PHRASE stems in both, two of them content words that are not names
    ("in the event of aggression against"; not "Putin's visit to North Korea")."""
    shared = frozenset(a.phrases).intersection(b.phrases)
    if not shared:
        return False
    said = a.wording | b.wording
    return any(hash(phrase) in shared and sum(w in said for w in phrase) >= 2
               for phrase in runs(a.words, SHARED_PHRASE))


def counts_other_things(a: Profile, b: Profile) -> bool:
    """Both count something, but never the same thing ("three million shells" / "11,000
    containers"): however alike the wording, not the same fact."""
    mine, theirs = [q for q in a.quantities if q.unit], [p for p in b.quantities if p.unit]
    return bool(mine and theirs) and not any(counts_same(q, p)
                                             for q in mine for p in theirs)


def amounts_agree(a: Profile, b: Profile) -> bool:
    """Both state a compatible amount of the same thing ("24 years" and "24 years ago")."""
    return any(counts_same(q, p) and compatible(q, p) and q.context & p.context
               for q in a.quantities for p in b.quantities)


def date_differences(a: Profile, b: Profile) -> list[Difference]:
    """Dates that disagree on what both state ("June 19" / "June 18, 2024"), when no date of
    the other side agrees."""
    out = []
    for d in a.dates:
        comparable = [e for e in b.dates if shared_fields(d, e)]
        if comparable and not any(all(x == y for x, y in shared_fields(d, e))
                                  for e in comparable):
            out.append(Difference("date", d.text, comparable[0].text))
    return out


def shared_fields(d: Date, e: Date) -> list[tuple[int, int]]:
    """The (year, month, day) values both dates state, side by side."""
    return [(x, y) for x, y in zip((d.year, d.month, d.day), (e.year, e.month, e.day),
                                   strict=True) if x is not None and y is not None]


def negation_differences(a: Profile, b: Profile) -> list[Difference]:
    """A word one side negates and the other states plainly."""
    a_neg, b_neg = dict(a.negations), dict(b.negations)
    if a_neg and b_neg:  # both negate something: polarity cannot be read off word by word
        return []
    out = [Difference("negation", stated(a, s), written) for s, written in b_neg.items()
           if s in a.stems]
    out += [Difference("negation", written, stated(b, s)) for s, written in a_neg.items()
            if s in b.stems]
    return out


def stated(p: Profile, word_stem: str) -> str:
    """The word of `p` with this stem, as written."""
    for m in re.finditer(r"[A-Za-z]+", p.text):
        if stem(m.group()) == word_stem:
            return m.group()
    return word_stem


def shared_context(a: Profile, b: Profile) -> int:
    """Content words both use (as concepts, see synonyms.py), the claim's counted words aside."""
    return len(a.beside_units & b.senses)


def judge(claim: Profile, passage: Profile, s: float, ago: Sequence[Date] = (),
          rarity: Callable[[str], float] = lambda c: 1.0, topic: float | None = None,
          ) -> Judged | None:
    """The relation of a passage with score `s` to the claim, the score as the relation
    settles it (>= CORROBORATE_AT exactly for the same fact), and the differing values.
    `ago`: the passage's "N years ago", as years (see numbers.years_ago); `topic`: SCORER
    of the two, if known."""
    if ago:
        passage = replace(passage, dates=passage.dates + tuple(ago))
    same_thing = shared_context(claim, passage) >= SAME_THING_WORDS
    if same_fact(claim, passage, s, same_thing, rarity) or same_year(claim, passage, ago):
        diffs = (number_differences(claim, passage) + date_differences(claim, passage)
                 + negation_differences(claim, passage))
        return ("conflicts" if diffs else "corroborates"), max(s, CORROBORATE_AT), tuple(diffs)
    if same_thing and (nearby := number_differences(claim, passage, nearby=True)):
        return "conflicts", max(s, CORROBORATE_AT), tuple(nearby)
    if topic is None:
        topic = SCORER(claim.norm, passage.norm)
    if topic >= RELATED_AT - 1e-9:  # (topics' float arithmetic)
        return "related", min(s, NOT_SAME_FACT), ()
    return None


def same_fact(claim: Profile, passage: Profile, s: float, same_thing: bool,
              rarity: Callable[[str], float] = lambda c: 1.0) -> bool:
    if counts_other_things(claim, passage):
        return False
    return bool(s >= CORROBORATE_AT or shares_wording(claim, passage)
                or same_content(claim, passage, rarity)
                or same_thing and amounts_agree(claim, passage))


def same_year(claim: Profile, passage: Profile, ago: Sequence[Date]) -> bool:
    """The claim's year is the passage's "N years ago" ("in 2000" / "24 years ago" written in
    2024), and the two share a name and a concept ("Putin", "visit")."""
    years = {d.year for d in claim.dates if d.year is not None}
    return (any(d.year in years for d in ago) and bool(claim.names & passage.names)
            and bool(claim.concepts & passage.concepts) and not counts_other_things(claim, passage))


def relate(claim: Sentence, candidates: list[Passage], limit: int = 5) -> list[Match]:
    """The candidates that bear on the claim: conflicts and corroborations first, best first."""
    mine = with_sets(profile(claim.text))
    theirs = [profile(p.text) for p in candidates]
    held: Counter[str] = Counter()
    def rarity(c: str) -> float:  # counted on first use: most claims never need it
        if not held:
            held.update(c for their in theirs for c in their.concepts)
        return math.log(1 + len(theirs) / max(1, held[c]))
    x = features(mine, theirs)
    matches = []
    for passage, their, s, topic in zip(candidates, theirs, probability(x), topics(x),
                                        strict=True):
        judged = judge(mine, their, float(s), years_ago(passage.text, passage.published), rarity,
                       float(topic))
        if judged is not None:
            relation, s, diffs = judged
            matches.append(Match(relation, round(s, 3), passage, diffs))
    matches.sort(key=lambda m: (RANK[m.relation], m.score), reverse=True)
    return matches[:limit]
