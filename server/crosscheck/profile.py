"""What two sentences are compared by: each sentence's Profile, computed once per text, and
how alike two are in their wording (`features`).

normalize: NFKC, curly quotes and dashes made plain, numbers in digits ("three million"
-> "3000000", "11,000" -> "11000"), then rapidfuzz's default_process (lower case, no
punctuation).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, utils

from .numbers import STOPWORDS, Date, Quantity, dates, digits_for_words, negated, quantities, stem
from .synonyms import concept, concepts, rewrite_phrases

SCORER = fuzz.token_set_ratio  # one cdist-able scorer: topics, candidates, the naive baseline
SHARED_PHRASE = 6  # length of the word runs kept as `phrases`
WORDING = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*[a-z]")
NAME = re.compile(r"\b[A-Z][\w'’-]+")
OF = re.compile(r"\b([a-z][a-z-]+) of (?:the |a |an |such |its |their |his |her )?"
                r"((?:[a-z][a-z-]+)(?: [a-z][a-z-]+)?)")
PLAIN = str.maketrans("‘’‚‛“”„‟–—−‐‑", "''''\"\"\"\"-----")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(PLAIN)
    return " ".join(utils.default_process(digits_for_words(text)).split())


@dataclass(frozen=True)
class Profile:
    """What we compare of one sentence, computed once per text."""

    text: str
    norm: str
    unvalued: str  # norm without its numbers
    words: tuple[str, ...]  # stems, in order
    stems: frozenset[str]  # content-word stems
    phrases: Collection[int]  # runs of SHARED_PHRASE stems, hashed (see `hashed`)
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
    hashes is not a concern here)."""
    return array("q", sorted(set(map(hash, runs(words, n)))))


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
        text, norm, " ".join(w for w in norm.split() if not w.isdigit()), words,
        stems,
        hashed(words, SHARED_PHRASE),
        frozenset(NAME.findall(text[1:])),
        wording, same_object(concepts(WORDING.findall(plain)), wording),
        frozenset((concept(stem(m[1])), concepts(m[2].split())) for m in OF.finditer(plain)),
        senses, same_object(frozenset(map(concept, stems - units)), senses),
        frozenset(w for w in words if w.isdigit()),
        amounts, found, tuple(negated(text)),
    )


def shares(shared: int, a: Collection[Any], b: Collection[Any]) -> tuple[float, float]:
    """`shared` items as a share of the smaller and of the larger side."""
    if not a or not b:
        return 0.0, 0.0
    smaller, larger = sorted((len(a), len(b)))
    return shared / smaller, shared / larger
