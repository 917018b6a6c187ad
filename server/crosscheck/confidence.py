"""Stage 4c: how likely a relation is right (0..1), and a reason a reader understands.

Input: the evidence (facts.py), the story (story.py) and the values compared (values.py) of
one claim-passage pair, with the relation they point to. Output: `probability`, a logistic
model over `decision_features` whose WEIGHTS are fitted by `bench/realnews.py --fit` on our
own labels of pairs from pages whose licence allows it (the MIT-licensed Zyte pages, the
development part of their stories) and our seed pairs; never on MSRP, BASIL or BBC, which
only measure. And `reason`: "same story · both: 3,248 cases · differs: 2010 / 2015".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .facts import Evidence
from .types import Difference

NAMES = ("in story", "story strength", "overlap", "said (shorter)", "said (longer)", "topic",
         "wording", "phrase", "content", "amount", "year", "conflict", "number", "date",
         "negation", "names", "agreed")
# Fitted by `bench/realnews.py --fit` (see the module docstring); BIAS first.
BIAS = -0.998
WEIGHTS = (0.000, 0.739, 0.775, 1.253, 0.742, 0.655, -0.286, 0.678, -0.801, 0.861, 0.205, 0.003,
           0.003, -0.422, 0.000, -0.957, 0.243)


def decision_features(ev: Evidence, in_story: bool, strength: float, topic: float,
                      relation: str, diffs: Sequence[Difference], agreed: int) -> list[float]:
    kinds = {d.kind for d in diffs}
    return [
        float(in_story), min(strength, 1.0), ev.overlap, *ev.said, topic / 100,
        *(float(k in ev.kinds) for k in ("wording", "phrase", "content", "amount", "year")),
        float(relation == "conflicts"),
        *(float(k in kinds) for k in ("number", "date", "negation")),
        min(ev.names, 3) / 3, float(agreed > 0),
    ]


def probability(x: Sequence[float]) -> float:
    z = BIAS + sum(w * v for w, v in zip(WEIGHTS, x, strict=True))
    return 1 / (1 + math.exp(-z))


def reason(in_story: bool, ev: Evidence, agreed: Sequence[str],
           diffs: Sequence[Difference]) -> str:
    parts = ["same story" if in_story else "another story, nearly the same sentence"]
    if agreed:
        parts.append("both: " + ", ".join(agreed[:3]))
    elif "wording" in ev.kinds:
        parts.append("nearly the same sentence")
    elif "phrase" in ev.kinds:
        parts.append("a phrase in common")
    elif ev.kinds:
        parts.append("the same facts in other words")
    if diffs:
        parts.append("differs: " + "; ".join(f"{d.claim} / {d.passage}" for d in diffs[:3]))
    return " · ".join(parts)
