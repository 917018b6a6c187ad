"""Why each labelled same-fact seed pair is shown or missed, stage by stage.

    .venv/bin/python bench/seed_misses.py [--store seeds|bbc]

For every corroboration and conflict of tests/labelled/seed_pairs.jsonl, with the claim's
seed page analysed as `pipeline.analyze` does, in a store of the seeds alone or of the seeds
among BBC's 2,225 articles (bench/out/store-seed-bbc.db, as `bench/quality.py
--distractors` builds it): is the passage a candidate, and by which route (words, story,
vector); is its article in the page's story (evidence in nats, STORY_NATS needed); the topic
score; the relation the stages point to with the same-fact signs and differences; its
confidence; and what is shown. The first stage that turns the pair down is its reason.
Reads only: no decision is changed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rapidfuzz import process

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py)

from crosscheck import candidates, embed, match, pipeline, story  # noqa: E402
from crosscheck.extract import extract  # noqa: E402
from crosscheck.profile import SCORER, of_passage, profile  # noqa: E402
from crosscheck.seeds import seed_pages  # noqa: E402
from crosscheck.store import Store  # noqa: E402

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "labelled" / "seed_pairs.jsonl"


def routes(store: Store, article, claims, exclude, terms, found_story):  # type: ignore[no-untyped-def]
    """{claim text: {passage text: route}}: the route that first brings each candidate."""
    near = candidates.NEAR
    out: dict[str, dict[str, str]] = {}
    try:
        candidates.NEAR = 0
        by_words = candidates.candidates_for(store, claims, exclude, terms=terms)
        with_story = candidates.candidates_for(store, claims, exclude, terms=terms,
                                               story=found_story)
    finally:
        candidates.NEAR = near
    every = candidates.candidates_for(store, claims, exclude, terms=terms, story=found_story)
    for claim, w, s, a in zip(claims, by_words, with_story, every, strict=True):
        seen = out.setdefault(claim.text, {})
        for route, passages in (("words", w), ("story", s), ("vector", a)):
            for p in passages:
                seen.setdefault(p.text, route)
    return out


def explain(store: Store) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line]
    same = [r for r in rows if r["relation"] in ("corroborates", "conflicts")]
    pages = {p.url.removeprefix("seed:")[:3]: p for p in seed_pages()}
    found = []
    for r in same:
        article = extract(pages[r["claim_doc"]])
        claims, found_story, cands, _ = pipeline.retrieve(store, article)
        claim = next((c for c in claims if c.text == r["claim"]), None)
        row: dict[str, object] = {"label": r["relation"], "claim_doc": r["claim_doc"],
                                  "passage_doc": r["passage_doc"], "claim": r["claim"][:70],
                                  "passage": r["passage"][:70]}
        found.append(row)
        if claim is None:
            row["reason"] = "not a claim of its page"
            continue
        theirs = cands[claims.index(claim)]
        exclude = set(store.same_as(article.url, article.text))
        exclude |= pipeline.copies_of(store, [c.text for c in claims])
        terms = candidates.page_terms(store, claims, exclude)
        route = routes(store, article, claims, exclude, terms, found_story)[claim.text]
        passage = next((p for p in theirs if p.text == r["passage"]), None)
        row["route"] = route.get(r["passage"], "-")
        row["story articles"] = len(found_story.articles())
        shown = {m.passage.text: m for m in match.relate(claim, theirs, story=found_story)}
        row["shown"] = shown[r["passage"]].relation if r["passage"] in shown else "-"
        if passage is None:
            row["reason"] = "not a candidate"
            continue
        row["in story"] = found_story.holds(passage.article_id)
        row["nats"] = found_story.evidence.get(passage.article_id, 0.0)
        mine, their = profile(claim.text), of_passage(passage)
        profiles = [of_passage(p) for p in theirs]
        held: Counter[str] = Counter(c for t in profiles for c in t.concepts)

        def rarity(c: str, held: Counter[str] = held, n: int = len(profiles)) -> float:
            return math.log(1 + n / max(1, held[c]))

        topic = float(process.extract(mine.norm, [their.norm], scorer=SCORER,
                                      processor=None)[0][1])
        row["topic"] = round(topic, 1)
        d = match.decide(mine, passage, their, found_story, rarity)
        row["stages say"] = d.relation or "-"
        row["signs"] = ",".join(d.evidence.kinds) or "-"
        row["differences"] = "; ".join(f"{x.claim}/{x.passage}" for x in d.differences) or "-"
        p = match.confidence.probability(match.features(d, topic)) if d.relation else None
        row["confidence"] = None if p is None else round(p, 3)
        row["reason"] = reason(r["relation"], row, d, topic, p)
    return found


def reason(label: str, row: dict[str, object], d: match.Decision, topic: float,
           p: float | None) -> str:
    if row["shown"] == label:
        return "shown"
    if topic < match.SAME_FACT_TOPIC:
        return f"topic {topic:.1f} < {match.SAME_FACT_TOPIC}"
    if not d.in_story and d.relation is None:
        return "outside the story"
    if d.relation is None:
        if label == "conflicts" and d.differences:
            return "differences, but not the same sentence otherwise (same_but_values)"
        if d.differences:
            return "a difference found where the label agrees"
        return "no same-fact sign"
    if d.relation != label:
        return f"stages say {d.relation}"
    if p is not None and p < match.SHOW_AT:
        return f"low confidence {p:.3f} < {match.SHOW_AT}"
    return "cut: not among the claim's 5 strongest matches"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("seeds", "bbc"), default="bbc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.store == "bbc":
            suffix = "" if embed.chosen() == "static" else "-minilm"
            path = corpus.OUT / f"store-seed-bbc{suffix}.db"
            if not path.exists():
                corpus.OUT.mkdir(parents=True, exist_ok=True)
                corpus.import_jsonl(path, list(corpus.bbc_pages()))
                corpus.checkpoint(path)
            store = Store(path)
        else:
            store = Store(Path(folder) / "seeds.db")
            pipeline.ensure_seeded(store)
        rows = explain(store)
    print(f"store: {args.store} ({store.stats()['passages']:,} passages), vectors "
          f"{embed.model_id()}, NEAR {candidates.NEAR}, STORY_NATS {story.STORY_NATS}")
    keys = ["label", "claim_doc", "passage_doc", "route", "in story", "nats", "topic",
            "stages say", "signs", "differences", "confidence", "shown", "reason"]
    for row in rows:
        print(" | ".join(f"{k}={row.get(k, '')}" for k in keys))
        print(f"    {row['claim']}\n    {row['passage']}")
    tally = Counter(str(row["reason"]) for row in rows)
    print("\n" + "\n".join(f"{n:3d}  {why}" for why, n in tally.most_common()))


if __name__ == "__main__":
    main()
