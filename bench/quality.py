"""Matching quality: precision, recall and F1 per relation, on our labelled pairs, MSRP, FNC-1.

    .venv/bin/python bench/quality.py                  # every figure (real news: minutes)
    .venv/bin/python bench/quality.py --no-realnews    # the pair sets only
    .venv/bin/python bench/quality.py --distractors    # only the seed pairs among BBC's 2,225
    .venv/bin/python bench/quality.py --backend postgres   # the stores on PostgreSQL

Data: tests/labelled/*.jsonl (ours, hand-labelled from the seed corpus, plus hard cases),
bench/realnews.py (our labels of real multi-outlet news) and ../shared/bench/pairs/ (MSRP,
FNC-1; see its SOURCE.md). MSRP and FNC-1 only measure: nothing is fitted on them (MSRP's
licence forbids product use). With --backend postgres, the figures that go through a store
(real news, the seed pairs through the pipeline) use copies of the stores in a throwaway
PostgreSQL cluster (bench/pgstore.py); the pair sets need no store.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from crosscheck import candidates, embed, match, pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py)
import pgstore  # noqa: E402  (bench/pgstore.py)
import realnews  # noqa: E402  (bench/realnews.py)

from crosscheck.claims import extract_claims, passages, split_sentences
from crosscheck.extract import extract
from crosscheck.seeds import seed_pages
from crosscheck.store import Store
from crosscheck.types import Passage, Sentence

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "labelled"
PAIRS = ROOT.parent / "shared" / "bench" / "pairs"
RELATIONS = ("conflicts", "corroborates", "related", "none")
MSRP_BASELINES = {  # accuracy, F1 on MSRP test, from ../shared/bench/pairs/SOURCE.md
    "always paraphrase": (0.665, 0.799), "Mihalcea et al. 2006": (0.703, 0.813),
    "Rus et al. 2008": (0.706, 0.805), "Qiu et al. 2006": (0.720, 0.816),
    "Wan et al. 2006": (0.756, 0.830), "rapidfuzz token_sort_ratio, tuned": (0.737, 0.811),
}
FNC_RELATION = {"agree": "corroborates", "disagree": "conflicts", "discuss": "related",
                "unrelated": "none"}


def relation_of(claim: str, passages: list[str], published: str | None = None) -> str:
    """Our verdict for a claim against passages of one other text (published then): its
    strongest relation."""
    found = match.relate(Sentence(claim, 0, len(claim)),
                         [Passage(i, p, 1, published=published) for i, p in enumerate(passages)],
                         limit=len(passages))
    relations = {m.relation for m in found}
    return next((r for r in RELATIONS if r in relations), "none")


def per_relation(gold: list[str], guessed: list[str]) -> dict[str, dict[str, float]]:
    out = {}
    for r in RELATIONS:
        tp = sum(g == r and p == r for g, p in zip(gold, guessed, strict=True))
        fp = sum(g != r and p == r for g, p in zip(gold, guessed, strict=True))
        fn = sum(g == r and p != r for g, p in zip(gold, guessed, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[r] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return out


def labelled(name: str) -> list[dict[str, str]]:
    lines = (LABELLED / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def labelled_figures(name: str) -> dict[str, dict[str, float]]:
    rows, dated = labelled(name), seed_dates()
    return per_relation([r["relation"] for r in rows],
                        [relation_of(r["claim"], [r["passage"]],
                                     dated.get(r.get("passage_doc", ""))) for r in rows])


def seed_dates() -> dict[str, str]:
    """Publication date of each seed document by its number ("004" -> "2024-06")."""
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text("utf-8"))
    return {d["file"][:3]: d["published"] for d in manifest["documents"] if d["published"]}


def through_pipeline(name: str, cluster: pgstore.Cluster | None = None
                     ) -> dict[str, dict[str, float]]:
    """The labelled seed pairs as the product sees them: each claim's document analysed
    against a store of the seed corpus (so candidate retrieval counts too); in a database of
    `cluster` when given."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "seeds.db" if cluster is None else cluster.database("seeds"))
        pipeline.ensure_seeded(store)
        found = seed_relations(store)
    return judged(name, found)


def seed_relations(store: Store) -> dict[tuple[str, str], str]:
    """{(claim, passage): relation} of every match shown when the seed pages are analysed."""
    found: dict[tuple[str, str], str] = {}
    for page in seed_pages():
        for result in pipeline.analyze(store, page).claims:
            for m in result.matches:
                found[result.claim.text, m.passage.text] = m.relation
    return found


def retrieved(name: str, store: Store) -> tuple[int, int]:
    """Of the labelled pairs that state the same fact (corroborations and conflicts), how
    many have the passage among the claim's candidates when its seed page is analysed."""
    held: dict[str, set[str]] = {}
    for page in seed_pages():
        claims, _, found, _ = pipeline.retrieve(store, extract(page))
        for claim, theirs in zip(claims, found, strict=True):
            held.setdefault(claim.text, set()).update(p.text for p in theirs)
    same = [r for r in labelled(name) if r["relation"] in ("corroborates", "conflicts")]
    return sum(r["passage"] in held.get(r["claim"], ()) for r in same), len(same)


def judged(name: str, found: dict[tuple[str, str], str]) -> dict[str, dict[str, float]]:
    rows = labelled(name)
    return per_relation([r["relation"] for r in rows],
                        [found.get((r["claim"], r["passage"]), "none") for r in rows])


def with_distractors(name: str
                     ) -> dict[int, tuple[dict, dict[tuple[str, str], str], tuple[int, int]]]:
    """The labelled seed pairs through the pipeline in a store of the seeds and the BBC
    corpus (2,225 articles on other stories: bench/out/store-seed-bbc.db, built once;
    -minilm.db with CROSSCHECK_VECTORS=minilm), with
    no passage nearest by sentence vector among the candidates and with candidates.NEAR:
    {near: (figures, every match shown, same-fact passages retrieved)}."""
    path = corpus.OUT / f"store-seed-bbc{'' if embed.chosen() == 'static' else '-minilm'}.db"
    if not path.exists():
        corpus.OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.db")
        corpus.import_jsonl(tmp, list(corpus.bbc_pages()))
        corpus.checkpoint(tmp)
        tmp.rename(path)
    store, near, out = Store(path), candidates.NEAR, {}
    try:
        for candidates.NEAR in (0, near):
            found = seed_relations(store)
            out[candidates.NEAR] = (judged(name, found), found, retrieved(name, store))
    finally:
        candidates.NEAR = near
    return out


def report_distractors(name: str) -> None:
    runs = with_distractors(name)
    for near, (figures, _, (held, same)) in runs.items():
        print_table(f"tests/labelled/{name} through the pipeline among the BBC corpus, "
                    f"{near} nearest by vector", figures)
        print(f"  same-fact passages among the claim's candidates: {held} / {same}")
    (_, before, _), (_, after, _) = runs.values()
    labels = {(r["claim"], r["passage"]): r["relation"] for r in labelled(name)}
    shown = ("corroborates", "conflicts")
    new = {k: r for k, r in after.items() if r in shown and before.get(k) != r}
    gone = {k: r for k, r in before.items() if r in shown and after.get(k) != r}
    for title, pairs in (("shown now, not before", new), ("shown before, not now", gone)):
        print(f"\n{title}: {len(pairs)}")
        for (claim, passage), relation in pairs.items():
            print(f"  [{relation}; label: {labels.get((claim, passage), 'none')}]\n"
                  f"    {claim}\n    {passage}")


def msrp(split: str) -> tuple[list[tuple[str, str]], np.ndarray]:
    path = PAIRS / "msrp" / f"msr_paraphrase_{split}.txt"
    rows = [line.split("\t") for line in path.read_text("utf-8-sig").splitlines()[1:] if line]
    return [(r[3], r[4]) for r in rows], np.array([int(r[0]) for r in rows])


def msrp_figures() -> dict[str, float]:
    pairs, gold = msrp("test")
    guess = np.array([relation_of(a, [b]) in ("corroborates", "conflicts") for a, b in pairs])
    tp = int(np.sum(guess & (gold == 1)))
    precision = tp / max(1, int(guess.sum()))
    recall = tp / int((gold == 1).sum())
    return {"accuracy": float(np.mean(guess == (gold == 1))),
            "f1": 2 * precision * recall / (precision + recall)}


def fnc_pairs(limit: int | None) -> list[tuple[str, str, str]]:
    folder = PAIRS / "fnc1"
    with open(folder / "competition_test_bodies.csv", encoding="utf-8", newline="") as f:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(f)}
    with open(folder / "competition_test_stances.csv", encoding="utf-8", newline="") as f:
        rows = [(r["Headline"], bodies[r["Body ID"]], FNC_RELATION[r["Stance"]])
                for r in csv.DictReader(f)]
    return rows[::max(1, len(rows) // limit)] if limit else rows


def fnc_weighted(gold: list[str], guessed: list[str]) -> float:
    """FNC-1's own score, as a share of the best possible: 0.25 for telling related from
    unrelated, 0.75 more for the right stance of a related pair."""
    def points(g: str, p: str) -> float:
        return 0.25 * ((g == "none") == (p == "none")) + 0.75 * (g == p != "none")
    best = sum(points(g, g) for g in gold)
    return sum(points(g, p) for g, p in zip(gold, guessed, strict=True)) / best


def fnc_figures(limit: int | None) -> tuple[dict[str, dict[str, float]], float, float]:
    rows = fnc_pairs(limit)
    sentences: dict[str, list[str]] = {}
    start = time.perf_counter()
    guessed = []
    for headline, body, _ in rows:
        if body not in sentences:
            sentences[body] = [s.text for s in split_sentences(body)]
        guessed.append(relation_of(headline, sentences[body]))
    gold = [r[2] for r in rows]
    return per_relation(gold, guessed), fnc_weighted(gold, guessed), time.perf_counter() - start


def relate_speed(candidates: int = 20) -> tuple[float, float]:
    """ms per claim for relate against `candidates` seed passages: first sight, then cached."""
    texts = [page.text or "" for page in seed_pages()]
    claims = [c.text for t in texts for c in extract_claims(t)]
    pool = [Passage(i, p.text, i) for i, p in enumerate(x for t in texts for x in passages(t))]
    match.profile.cache_clear()
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        for i, claim in enumerate(claims):
            chosen = [pool[(i * 7 + k) % len(pool)] for k in range(candidates)]
            match.relate(Sentence(claim, 0, len(claim)), chosen)
        timings.append((time.perf_counter() - start) / len(claims) * 1e3)
    return timings[0], timings[1]


def print_table(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}\n  {'relation':<13}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>7}")
    for r, f in figures.items():
        print(f"  {r:<13}{f['precision']:>10.3f}{f['recall']:>8.3f}{f['f1']:>7.3f}"
              f"{int(f['support']):>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-realnews", action="store_true",
                        help="leave out the real-news figures (bench/realnews.py, minutes)")
    parser.add_argument("--fnc-limit", type=int, default=None,
                        help="evaluate FNC-1 on an even sample of this many pairs (default: all)")
    parser.add_argument("--distractors", action="store_true",
                        help="only the seed pairs through the pipeline among the BBC corpus")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: the stores copied into a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    if args.distractors:
        report_distractors("seed_pairs.jsonl")
        return
    with ExitStack() as stack:
        cluster = stack.enter_context(pgstore.cluster()) if args.backend == "postgres" else None
        if not args.no_realnews:
            print(f"Real news (bench/realnews.py; held-out events apart; {args.backend}):")
            store = realnews.build_store()
            if cluster is not None:
                store = Store(cluster.database("realnews"))
                pgstore.copy(realnews.STORE, store.url)  # type: ignore[attr-defined]
            realnews.report(realnews.figures(store, realnews.docs()))
        for name in ("seed_pairs.jsonl", "hard_cases.jsonl"):
            print_table(f"tests/labelled/{name}", labelled_figures(name))
        print_table("tests/labelled/seed_pairs.jsonl through the pipeline (retrieval included, "
                    f"{args.backend})", through_pipeline("seed_pairs.jsonl", cluster))
    figures = msrp_figures()
    print("\nMSRP test (1,725 pairs): accuracy / F1 of the paraphrase class")
    print(f"  {'crosscheck: corroborates or conflicts':<42}{figures['accuracy']:.3f} / "
          f"{figures['f1']:.3f}")
    for name, (acc, f1) in MSRP_BASELINES.items():
        print(f"  {name:<42}{acc:.3f} / {f1:.3f}")
    cold, warm = relate_speed()
    print(f"\nrelate, 20 candidates: {cold:.2f} ms per claim on first sight, {warm:.2f} ms cached")
    fnc, weighted, seconds = fnc_figures(args.fnc_limit)
    print_table("FNC-1 competition test (agree/disagree/discuss/unrelated as "
                "corroborates/conflicts/related/none)", fnc)
    print(f"  FNC-1 weighted score {100 * weighted:.1f} (official baseline 75.2, winner 82.0)")
    print(f"  {seconds:.1f} s; relation counts: "
          f"{dict(Counter(r[2] for r in fnc_pairs(args.fnc_limit)))}", file=sys.stderr)


if __name__ == "__main__":
    main()
