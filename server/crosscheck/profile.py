"""What two sentences are compared by: each sentence's Profile, computed once per text, and
how alike two are in their wording (`features`).

normalize: NFKC, curly quotes and dashes made plain, numbers in digits ("three million"
-> "3000000", "11,000" -> "11000"), then rapidfuzz's default_process (lower case, no
punctuation).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, utils

from .numbers import STOPWORDS, Date, Quantity, dates, digits_for_words, negated, quantities, stem
from .synonyms import CONCEPT, concept, concepts, rewrite_phrases
from .types import Passage, Sentence

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
    return assemble(text, read(text))


def read(text: str) -> tuple[Any, ...]:
    """The costly part of a profile: what the text's words and values are (the regexes, the
    stemmer, the synonym table). A stored passage's is computed once, when it is stored
    (`stored_form`), and read back with `stored_profile`."""
    norm = normalize(text)
    plain = rewrite_phrases(unicodedata.normalize("NFKC", text).translate(PLAIN))
    found = tuple(dates(text))
    return (
        norm, tuple(stem(w) for w in norm.split()), frozenset(NAME.findall(text[1:])),
        frozenset(stem(w) for w in WORDING.findall(text)) - STOPWORDS,
        concepts(WORDING.findall(plain)),
        frozenset((concept(stem(m[1])), concepts(m[2].split())) for m in OF.finditer(plain)),
        tuple(quantities(text, found)), found, tuple(negated(text)),
    )


def assemble(text: str, parts: tuple[Any, ...]) -> Profile:
    """The profile from `read`'s parts: set arithmetic and hashing, no regex or stemmer."""
    norm, words, names, wording, said, of, amounts, found, negations = parts
    stems = frozenset(words).difference(STOPWORDS)
    units = frozenset().union(*(q.unit for q in amounts))
    senses = same_object(frozenset(map(CONCEPT.get, stems, stems)), stems)
    wording = same_object(wording, stems)
    numbers = frozenset(w for w in stems if w.isdigit())
    return Profile(
        text, norm, " ".join(w for w in norm.split() if not w.isdigit()) if numbers else norm,
        words, stems, hashed(words, SHARED_PHRASE), names,
        wording, same_object(said, wording), of,
        senses, same_object(frozenset(map(CONCEPT.get, stems - units, stems - units)), senses)
        if units else senses,
        numbers, amounts, found, negations,
    )


# What a stored form was computed by: the code that reads words and values. A store whose
# stored forms carry another version has them computed again (store migration).
SOURCES = ("profile.py", "numbers.py", "synonyms.py")
VERSION = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes() for name in SOURCES)).hexdigest()[:16]


def stored_form(text: str) -> str:
    """`read`'s parts as compact JSON, kept with the passage in the store."""
    norm, words, names, wording, said, of, amounts, found, negations = read(text)
    return json.dumps([
        norm, " ".join(words), sorted(names), sorted(wording), sorted(said),
        sorted([a, sorted(b)] for a, b in of),
        [[q.text, q.value, q.low, q.high, sorted(q.unit), q.head, sorted(q.context), q.start,
          q.end, q.step] for q in amounts],
        [[d.text, d.year, d.month, d.day, d.start, d.end] for d in found],
        [list(n) for n in negations],
    ], ensure_ascii=False, separators=(",", ":"))


def for_storage(sentences: Iterable[Sentence]) -> list[Sentence]:
    """Passages about to be stored, each with its profile's stored form (a text repeated
    in the page is profiled once)."""
    forms: dict[str, str] = {}
    return [replace(s, profile=forms.get(s.text) or forms.setdefault(s.text, stored_form(s.text)))
            for s in sentences]


def of_passage(passage: Passage) -> Profile:
    """A stored passage's profile: read back from its stored form when it has one."""
    if passage.profile is None:
        return profile(passage.text)
    return stored_profile(passage.text, passage.profile)


@lru_cache(maxsize=8192)  # as `profile`: passages met again by the next claims
def stored_profile(text: str, form: str) -> Profile:
    """The profile of a stored passage from its stored form: what `profile(text)` gives."""
    norm, words, names, wording, said, of, amounts, found, negations = json.loads(form)
    return assemble(text, (
        norm, tuple(words.split()) if words else (), frozenset(names), frozenset(wording),
        frozenset(said), frozenset((a, frozenset(b)) for a, b in of),
        tuple(Quantity(t, v, lo, hi, frozenset(u), h, frozenset(c), s, e, st)
              for t, v, lo, hi, u, h, c, s, e, st in amounts),
        tuple(Date(*d) for d in found), tuple(tuple(n) for n in negations),
    ))


def shares(shared: int, a: Collection[Any], b: Collection[Any]) -> tuple[float, float]:
    """`shared` items as a share of the smaller and of the larger side."""
    if not a or not b:
        return 0.0, 0.0
    smaller, larger = sorted((len(a), len(b)))
    return shared / smaller, shared / larger
