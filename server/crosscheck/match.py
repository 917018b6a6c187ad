"""Stage 4: (claim, candidate passages) -> scored relations with their differences.

score: rapidfuzz token_set_ratio over normalised text, divided by 100 (0..1).
relation:
  conflicts     same fact, but a number attached to the same thing differs;
  corroborates  same fact with compatible values;
  related       same topic, not the same fact.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process, utils

from .types import Difference, Match, Passage, Sentence

SCORER = fuzz.token_set_ratio  # the one scorer; the benchmarks' naive baseline uses it too
CORROBORATE_AT = 0.62
RELATED_AT = 0.45

NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:-\s*)?([A-Za-z]+)")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return utils.default_process(text)


def quantities(text: str) -> dict[str, tuple[float, str]]:
    found: dict[str, tuple[float, str]] = {}
    for m in NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        found.setdefault(m.group(2).lower().rstrip("s"), (value, m.group(0)))
    return found


def differences(claim: str, passage: str) -> list[Difference]:
    a, b = quantities(claim), quantities(passage)
    return [
        Difference("number", a[k][1], b[k][1])
        for k in a.keys() & b.keys()
        if a[k][0] != b[k][0]
    ]


def relate(claim: Sentence, candidates: list[Passage], limit: int = 5) -> list[Match]:
    if not candidates:
        return []
    choices = {p.id: normalize(p.text) for p in candidates}
    by_id = {p.id: p for p in candidates}
    scored = process.extract(
        normalize(claim.text), choices, scorer=SCORER,
        processor=None, score_cutoff=RELATED_AT * 100, limit=limit,
    )
    matches = []
    for _text, score, pid in scored:
        passage = by_id[pid]
        diffs = differences(claim.text, passage.text)
        s = score / 100
        if diffs and s >= RELATED_AT:
            relation = "conflicts"
        elif s >= CORROBORATE_AT:
            relation = "corroborates"
        else:
            relation = "related"
        matches.append(Match(relation, round(s, 3), passage, tuple(diffs)))
    return matches
