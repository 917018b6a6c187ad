"""Stage 4b: two sentences' values compared: which they both state, which cannot both be true.

Input: the Profiles of a claim and a passage (values read by numbers.py). Output:
`agreements` (values both state, as the claim writes them) and `differences` (pairs of
values, claim's and passage's, that fill the same slot and cannot both be true).

The same slot: amounts count the same thing (the same counted word, or near-synonyms:
"shells" / "rounds") and share SLOT_WORDS content words around them; dates state a common
field and share SLOT_WORDS words around them ("Putin arrived on June 19" / "Putin arrived
June 18"). A value
differs only when no value of the other side agrees with it, and the other side's value is
not stated by this side too ("between 2010 and 2015" / "from 2010 to 2015" agree).
Compatible: ranges that overlap once each value is widened by (strictly less than) ROUNDING
times the place of its last significant digit ("$5.9 million" / "almost $6 million",
"3,248" / "3,200"; not "three million" / "3,500,000"); two maxima ("up to 119 years" /
"up to 21 years") are compared as values.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from .numbers import Date, Quantity, context, stem
from .profile import Profile
from .synonyms import concept
from .types import Difference

SLOT_WORDS = 2  # content words two amounts share around them to fill the same slot
ROUNDING = 0.5  # how far off, in places of its last significant digit, a rounded value may be
# (strictly less: 3,500,000 is not "three million")


def counts_same(q: Quantity, p: Quantity) -> bool:
    """Amounts of the same thing, near-synonyms included ("3 million shells" / "millions of
    rounds")."""
    same_head = bool(q.head and p.head) and concept(q.head) == concept(p.head)
    return same_head or q.counts_same_thing_as(p)


def same_slot(q: Quantity, p: Quantity) -> bool:
    return counts_same(q, p) and len(q.context & p.context) >= SLOT_WORDS


def is_maximum(q: Quantity) -> bool:
    return q.low == 0 and q.high == q.value and math.isfinite(q.high) and q.value > 0


def compatible(a: Quantity, b: Quantity) -> bool:
    slack = ROUNDING * max(a.step, b.step)
    if is_maximum(a) and is_maximum(b):
        return abs(a.value - b.value) < slack
    return a.low < b.high + slack and b.low < a.high + slack


def states(p: Profile, q: Quantity) -> bool:
    """`p` states an amount of the same thing compatible with q, in whatever slot."""
    return any(counts_same(q, r) and compatible(q, r) for r in p.quantities)


def number_differences(a: Profile, b: Profile) -> list[Difference]:
    out = []
    for q in a.quantities:
        same = [p for p in b.quantities if same_slot(q, p)]
        if same and not states(b, q) and not any(states(a, p) for p in same):
            out.append(Difference("number", q.text, same[0].text))
    return out


def shared_fields(d: Date, e: Date) -> list[tuple[int, int]]:
    """The (year, month, day) values both dates state, side by side."""
    return [(x, y) for x, y in zip((d.year, d.month, d.day), (e.year, e.month, e.day),
                                   strict=True) if x is not None and y is not None]


def agree(d: Date, e: Date) -> bool:
    fields = shared_fields(d, e)
    return bool(fields) and all(x == y for x, y in fields)


def date_context(p: Profile, d: Date) -> frozenset[str]:
    return context(p.text, d.start, d.end) if d.end <= len(p.text) else frozenset()


def date_differences(a: Profile, b: Profile) -> list[Difference]:
    out = []
    for d in a.dates:
        around = date_context(a, d)
        comparable = [e for e in b.dates if shared_fields(d, e)
                      and len(around & date_context(b, e)) >= SLOT_WORDS]
        if (comparable and not any(agree(d, e) for e in b.dates)
                and not any(agree(e, f) for e in comparable for f in a.dates)):
            out.append(Difference("date", d.text, comparable[0].text))
    return out


def negation_differences(a: Profile, b: Profile) -> list[Difference]:
    """A word one side negates and the other states plainly (when both negate something,
    polarity cannot be read off word by word). A word a side negates and also states
    plainly elsewhere ("we get the best deal, and if we don't get it ...") is no polarity
    of that side: its negation is of another proposition."""
    a_neg, b_neg = only_negated(a), only_negated(b)
    if a.negations and b.negations:
        return []
    out = [Difference("negation", stated(a, s), written) for s, written in b_neg.items()
           if s in a.stems]
    out += [Difference("negation", written, stated(b, s)) for s, written in a_neg.items()
            if s in b.stems]
    return out


def only_negated(p: Profile) -> dict[str, str]:
    """The words `p` negates and never states plainly: stem -> the negation as written."""
    negations = Counter(s for s, _ in p.negations)
    return {s: written for s, written in p.negations if p.words.count(s) <= negations[s]}


def stated(p: Profile, word_stem: str) -> str:
    """The word of `p` with this stem, as written."""
    for m in re.finditer(r"[A-Za-z]+", p.text):
        if stem(m.group()) == word_stem:
            return m.group()
    return word_stem


def differences(a: Profile, b: Profile) -> list[Difference]:
    return number_differences(a, b) + date_differences(a, b) + negation_differences(a, b)


def agreements(a: Profile, b: Profile) -> list[str]:
    """The claim's values that the passage states too, in the same slot, as written."""
    out = [q.text for q in a.quantities
           if any(same_slot(q, p) and compatible(q, p) for p in b.quantities)]
    out += [d.text for d in a.dates if any(agree(d, e) for e in b.dates)]
    return list(dict.fromkeys(out))
