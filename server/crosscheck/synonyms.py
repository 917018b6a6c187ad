"""Near-synonyms of news reporting, each mapped to one concept key (a pure data table).

Outlets retell the same fact in their own words: "mutual aid agreement" / "mutual
assistance pact", "three million shells" / "millions of rounds of ammunition", "substantial
stockpile" / "vast quantities". `concept(stem)` maps the Snowball stem of such a word to the
key of its group, so two sentences can be compared on what they say rather than on how.

Kept general: every group is everyday news vocabulary (agreements, help, attacks, weapons,
supplies, amounts, production, sanctions), never phrases of one story. A group holds words
that a reporter would swap for each other in the same sentence; a word with two common
senses that belong to different groups (e.g. "support" as help and as backing a policy)
goes where both senses agree. PHRASES rewrite a few fixed multi-word expressions first.
"""

from __future__ import annotations

import re

from .numbers import NUMBER, STOPWORDS, stem

GROUPS = {
    "help": "help aid assist assistance support",
    "pact": "pact agreement deal treaty accord alliance partnership",
    "ammunition": "ammunition munitions munition shells shell rounds ordnance",
    "weapon": "weapons weapon arms armaments weaponry arsenal arsenals missiles missile",
    "stock": "stockpile stockpiles stocks reserves quantities quantity supply-stock",
    "produce": "produce producer producers production manufacture manufacturer manufacturing "
               "industry maker makers",
    "attack": "attack attacked attacks aggression invasion invade assault",
    "large": "large largest huge vast substantial massive big biggest large-scale enormous",
    "supply": "supply supplies supplied deliver delivered delivery deliveries send sent "
              "ship shipped shipment shipments transfer transferred provide provided "
              "providing",
    "promise": "promise promised promising pledge pledged pledging vow vowed commit committed",
    "country": "country countries nation nations",
    "previously": "previously formerly earlier once-before until-recently",
    "mutual": "mutual each-other reciprocal",
    "military": "military army defense defence armed-forces",
    "program": "program programme programs programmes",
    "sign": "sign signed signing seal sealed conclude concluded",
    "visit": "visit visited visiting trip",
    "kill": "kill killed die died dead death deaths",
    "arrest": "arrest arrested detain detained",
}
PHRASES = {  # fixed expressions first, as one word the groups above know
    "until recently": "until-recently", "each other": "each-other", "one another": "each-other",
    "large scale": "large-scale", "armed forces": "armed-forces",
    "defense industry": "arms industry", "defence industry": "arms industry",
    "weapons industry": "arms industry",
}
GENERIC = frozenset("new old many much other another".split())  # say nothing of what happened
LEFT_OUT = STOPWORDS | GENERIC
PHRASE = re.compile(r"\b(?:" + "|".join(PHRASES) + r")\b", re.IGNORECASE)
CONCEPT = {stem(w): key for key, words in GROUPS.items() for w in words.split()}


def rewrite_phrases(text: str) -> str:
    return PHRASE.sub(lambda m: PHRASES[re.sub(r"\s+", " ", m.group().lower())], text)


def concepts(words: list[str]) -> frozenset[str]:
    """The concept keys of lower-case content words (stopwords and GENERIC words left out)."""
    kept = (w for w in words if w.lower() not in LEFT_OUT and not NUMBER.fullmatch(w))
    return frozenset(concept(s) for s in map(stem, kept) if s not in STOPWORDS)


def concept(word_stem: str) -> str:
    """The concept key of a stem, or the stem itself when it belongs to no group."""
    return CONCEPT.get(word_stem, word_stem)
