"""Relations on real multi-outlet news: what a reader is shown, judged against our labels.

    .venv/bin/python bench/realnews.py           # precision, recall, events, calibration
    .venv/bin/python bench/realnews.py --json    # the same as JSON
    .venv/bin/python bench/realnews.py pool      # pairs to label -> bench/out/realnews-pool.jsonl
    .venv/bin/python bench/realnews.py fit       # refit confidence.WEIGHTS (licence-clean labels)
    .venv/bin/python bench/realnews.py context KEY...  # a labelled sentence in its article

The store (bench/out/store-realnews.db, built once) holds the BBC corpus (2,225 articles), the
240 BASIL articles (80 events, three outlets each) and the 181 Zyte extraction pages, all from
../shared/bench (see each SOURCE.md; nothing of it is copied here). Every article under test
is analysed against that store, as a reader's page would be: the BASIL articles, and the Zyte
pages of the stories listed in tests/labelled/zyte_stories.json.

Labels (tests/labelled/realnews.jsonl, rules in tests/labelled/RULES.md) name sentences by key,
never by text: `<doc>#<sha1 of the sentence, whitespace collapsed, 12 hex>`, where doc is
`basil:<uuid>` or `zyte:<first 12 of the page id>`. Events are BASIL triplets and Zyte stories;
an event is held out when the first 8 hex digits of its sha1 are 0 mod 3 (`split`): no rule or
weight is tuned on those, and their figures are printed apart.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py: the BBC and BASIL readers)

from crosscheck import pipeline  # noqa: E402
from crosscheck.claims import extract_claims  # noqa: E402
from crosscheck.store import Store  # noqa: E402
from crosscheck.types import Page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "labelled"
LABELS = LABELLED / "realnews.jsonl"
STORIES = LABELLED / "zyte_stories.json"
ZYTE = corpus.SHARED / "extraction"
STORE = corpus.OUT / "store-realnews.db"
POOL = corpus.OUT / "realnews-pool.jsonl"
SHOWN = ("corroborates", "conflicts")


@dataclass(frozen=True)
class Doc:
    key: str  # basil:<uuid> | zyte:<id12>
    event: str  # BASIL triplet or Zyte story
    outlet: str
    page: Page


def sentence_key(doc: str, text: str) -> str:
    return f"{doc}#{hashlib.sha1(' '.join(text.split()).encode()).hexdigest()[:12]}"


def split(event: str) -> str:
    return "held-out" if int(hashlib.sha1(event.encode()).hexdigest()[:8], 16) % 3 == 0 else "dev"


def basil_docs() -> Iterator[Doc]:
    for name, raw in corpus.tar_members(corpus.BASIL):
        if not name.endswith(".json"):
            continue
        d = json.loads(raw)
        body = "\n\n".join(" ".join(p) for p in d["body-paragraphs"])
        outlet = d["source"].upper()
        uuid = d["uuid"] if d["uuid"] != "empty" else f"{d['triplet-uuid']}-{outlet.lower()}"
        yield Doc(f"basil:{uuid}", f"basil:{d['triplet-uuid']}", outlet,  # 4 say "empty"
                  Page(text=body, title=d["title"], outlet=outlet, url=d["url"],
                       published=d["date"]))


def zyte_pages() -> Iterator[tuple[str, Page]]:
    truth = json.loads((ZYTE / "ground-truth.json").read_text("utf-8"))
    for pid in sorted(truth):
        html = gzip.decompress((ZYTE / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8")
        yield pid, Page(html=html, url=truth[pid]["url"])


def zyte_docs() -> Iterator[Doc]:
    story_of = {pid: s for s, ids in json.loads(STORIES.read_text())["stories"].items()
                for pid in ids}
    for pid, page in zyte_pages():
        if pid in story_of:
            yield Doc(f"zyte:{pid[:12]}", f"zyte:{story_of[pid]}", "", page)


def docs() -> list[Doc]:
    return [*basil_docs(), *zyte_docs()]


def build_store() -> Store:
    if not STORE.exists():
        corpus.OUT.mkdir(parents=True, exist_ok=True)
        tmp = STORE.with_suffix(".tmp.db")
        for stale in corpus.OUT.glob(tmp.name + "*"):
            stale.unlink()
        corpus.import_jsonl(tmp, [*corpus.real_pages(), *(p for _, p in zyte_pages())])
        corpus.checkpoint(tmp)
        tmp.rename(STORE)
    return Store(STORE)


def doc_of_url(all_docs: list[Doc]) -> dict[str, Doc]:
    return {d.page.url: d for d in all_docs if d.page.url}


def analyses(store: Store, all_docs: list[Doc]) -> Iterator[tuple[Doc, dict, float]]:
    for d in all_docs:
        t = time.perf_counter()
        answer = pipeline.analysis_json(pipeline.analyze(store, d.page))
        yield d, answer, time.perf_counter() - t


def shown_pairs(store: Store, all_docs: list[Doc]) -> tuple[list[dict], list[float], dict]:
    """Every corroboration and conflict the reader is shown, one row each."""
    by_url = doc_of_url(all_docs)
    rows, times = [], []
    per_doc: dict[str, list[dict]] = {}
    for d, answer, seconds in analyses(store, all_docs):
        times.append(seconds)
        per_doc[d.key] = answer["claims"]
        for claim in answer["claims"]:
            for m in claim["matches"]:
                if m["relation"] not in SHOWN:
                    continue
                other = by_url.get(m["passage"]["url"])
                rows.append({
                    "claim": sentence_key(d.key, claim["text"]),
                    "passage": sentence_key(other.key if other else
                                            f"other:{m['passage']['article_id']}",
                                            m["passage"]["text"]),
                    "event": d.event, "split": split(d.event), "doc": d.key,
                    "same_event": bool(other and other.event == d.event),
                    "relation": m["relation"], "confidence": m.get("confidence", m["score"]),
                    "in_story": m.get("in_story"),
                    "claim_text": claim["text"], "passage_text": m["passage"]["text"],
                    "passage_outlet": m["passage"]["outlet"],
                    "differences": m["differences"],
                })
    return rows, times, per_doc


def labels() -> dict[tuple[str, str], dict]:
    if not LABELS.exists():
        return {}
    out = {}
    for line in LABELS.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[(row["claim"], row["passage"])] = row
    return out


def sibling_candidates(all_docs: list[Doc], per_sibling: int = 2, floor: float = 45.0,
                       ) -> list[dict]:
    """For each claim, the sentences of each sibling article (same event, other outlet)
    closest to it by rapidfuzz: where the same-fact pairs a reader should see are."""
    by_event: dict[str, list[Doc]] = defaultdict(list)
    for d in all_docs:
        by_event[d.event].append(d)
    from crosscheck.extract import extract
    texts = {d.key: extract(d.page).text for d in all_docs}
    sentences = {k: [s.text for s in extract_claims(t)] for k, t in texts.items()}
    rows = []
    for d in all_docs:
        for sib in by_event[d.event]:
            if sib.key == d.key or not sentences[sib.key]:
                continue
            choices = [utils.default_process(s) for s in sentences[sib.key]]
            for claim in sentences[d.key]:
                for _, score, i in process.extract(utils.default_process(claim), choices,
                                                   scorer=fuzz.token_set_ratio, processor=None,
                                                   limit=per_sibling, score_cutoff=floor):
                    passage = sentences[sib.key][i]
                    rows.append({
                        "claim": sentence_key(d.key, claim),
                        "passage": sentence_key(sib.key, passage), "event": d.event,
                        "split": split(d.event), "doc": d.key, "same_event": True,
                        "similarity": round(score, 1),
                        "claim_text": claim, "passage_text": passage,
                    })
    return rows


def make_pool(store: Store, all_docs: list[Doc], seed: int = 11) -> None:
    """Pairs to label: all that the tool shows, and a sample of sibling candidates."""
    shown, _, _ = shown_pairs(store, all_docs)
    rng = random.Random(seed)
    siblings = sibling_candidates(all_docs)
    rng.shuffle(siblings)
    have = labels()
    seen: set[tuple[str, str]] = set(have)
    out = []
    for row in shown + siblings:
        key = (row["claim"], row["passage"])
        if key in seen:
            continue
        seen.add(key)
        row["origin"] = "shown" if "relation" in row else "sibling"
        out.append(row)
    POOL.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), "utf-8")
    print(f"{POOL}: {sum(r['origin'] == 'shown' for r in out)} shown, "
          f"{sum(r['origin'] == 'sibling' for r in out)} sibling pairs not labelled yet "
          f"({len(have)} labelled)")


def precision_recall(shown: list[dict], gold: dict[tuple[str, str], dict], part: str) -> dict:
    rows = [r for r in shown if r["split"] == part]
    out: dict = {}
    for rel in SHOWN:
        judged = [r for r in rows if r["relation"] == rel and (r["claim"], r["passage"]) in gold]
        right = sum(gold[(r["claim"], r["passage"])]["label"] == rel for r in judged)
        expected = [k for k, g in gold.items() if g["label"] == rel and split_of(g) == part]
        found = {(r["claim"], r["passage"]) for r in rows if r["relation"] == rel}
        out[rel] = {
            "shown": sum(r["relation"] == rel for r in rows), "judged": len(judged),
            "precision": right / len(judged) if judged else None,
            "labelled": len(expected),
            "recall": sum(k in found for k in expected) / len(expected) if expected else None,
        }
    same_fact = [k for k, g in gold.items() if g["label"] in SHOWN and split_of(g) == part]
    found_any = {(r["claim"], r["passage"]) for r in rows}
    out["same fact found"] = (sum(k in found_any for k in same_fact) / len(same_fact)
                              if same_fact else None)
    return out


def split_of(row: dict) -> str:
    return split(row["event"])


def event_figures(shown: list[dict], per_doc: dict[str, list[dict]], all_docs: list[Doc]
                  ) -> dict:
    """On BASIL: share of shown relations from the same event; share of articles with two
    or more claims corroborated by a sibling outlet."""
    basil = [r for r in shown if r["doc"].startswith("basil:")]
    same = sum(r["same_event"] for r in basil)
    by_doc: dict[str, set[str]] = defaultdict(set)
    for r in basil:
        if r["same_event"] and r["relation"] == "corroborates":
            by_doc[r["doc"]].add(r["claim"])
    docs_ = [d for d in all_docs if d.key.startswith("basil:")]
    two = sum(len(by_doc[d.key]) >= 2 for d in docs_)
    return {"shown": len(basil), "same event": same / len(basil) if basil else None,
            "articles": len(docs_), "two corroborated": two / len(docs_) if docs_ else None}


def calibration(shown: list[dict], gold: dict[tuple[str, str], dict], part: str,
                edges: tuple[float, ...] = (0.0, 0.5, 0.7, 0.8, 0.9, 1.01)) -> list[dict]:
    judged = [(r["confidence"], gold[(r["claim"], r["passage"])]["label"] == r["relation"])
              for r in shown if r["split"] == part and (r["claim"], r["passage"]) in gold]
    table = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = [(c, ok) for c, ok in judged if lo <= c < hi]
        if inside:
            table.append({"from": lo, "to": min(hi, 1.0), "n": len(inside),
                          "mean confidence": sum(c for c, _ in inside) / len(inside),
                          "right": sum(ok for _, ok in inside) / len(inside)})
    return table


def figures(store: Store, all_docs: list[Doc]) -> dict:
    shown, times, per_doc = shown_pairs(store, all_docs)
    gold = labels()
    times.sort()
    return {
        "labels": len(gold),
        "labels by split": dict(Counter(split_of(g) for g in gold.values())),
        "dev": precision_recall(shown, gold, "dev"),
        "held-out": precision_recall(shown, gold, "held-out"),
        "events": event_figures(shown, per_doc, all_docs),
        "calibration held-out": calibration(shown, gold, "held-out"),
        "calibration dev": calibration(shown, gold, "dev"),
        "unlabelled shown": sum((r["claim"], r["passage"]) not in gold for r in shown),
        "analysis ms p50": round(1000 * times[len(times) // 2], 1),
        "analysis ms p95": round(1000 * times[int(len(times) * 0.95)], 1),
    }


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.2f}"


def report(f: dict) -> None:
    print(f"{f['labels']} labelled pairs {f['labels by split']}; "
          f"{f['unlabelled shown']} shown pairs not labelled")
    for part in ("dev", "held-out"):
        p = f[part]
        print(f"{part:9}  conflicts P {fmt(p['conflicts']['precision'])} "
              f"(judged {p['conflicts']['judged']}/{p['conflicts']['shown']}) "
              f"R {fmt(p['conflicts']['recall'])} of {p['conflicts']['labelled']}  |  "
              f"corroborates P {fmt(p['corroborates']['precision'])} "
              f"(judged {p['corroborates']['judged']}/{p['corroborates']['shown']}) "
              f"R {fmt(p['corroborates']['recall'])} of {p['corroborates']['labelled']}  |  "
              f"same fact found {fmt(p['same fact found'])}")
    e = f["events"]
    print(f"BASIL: {e['shown']} relations shown, {fmt(e['same event'])} from the same event; "
          f"{fmt(e['two corroborated'])} of {e['articles']} articles have >= 2 claims "
          f"corroborated by a sibling outlet")
    for part in ("held-out", "dev"):
        print(f"calibration ({part}): confidence bin, n, mean confidence, share right")
        for row in f[f"calibration {part}"]:
            print(f"  {row['from']:.2f}-{row['to']:.2f}  n={row['n']:4}  "
                  f"{row['mean confidence']:.2f}  {row['right']:.2f}")
    print(f"analysis p50 {f['analysis ms p50']} ms, p95 {f['analysis ms p95']} ms "
          f"(store of {STORE.name})")


def show_context(all_docs: list[Doc], keys: list[str], around: int = 2) -> None:
    """Each sentence with its article's outlet, date and title, and the sentences around it."""
    from crosscheck.claims import split_sentences
    from crosscheck.extract import extract
    by_key = {d.key: d for d in all_docs}
    for key in keys:
        doc = by_key[key.split("#")[0]]
        article = extract(doc.page)
        sentences = [s.text for s in split_sentences(article.text)]
        where = [i for i, s in enumerate(sentences) if sentence_key(doc.key, s) == key]
        print(f"== {key}  {article.outlet or doc.outlet} {article.published} | {article.title}")
        for i in where[:1]:
            for j in range(max(0, i - around), min(len(sentences), i + around + 1)):
                print((">> " if j == i else "   ") + sentences[j])


def decisions(store: Store, pages: list[Page]) -> dict[tuple[str, str], tuple[object, float]]:
    """Every (claim, passage) pair that matching decided to be a corroboration or conflict
    when analysing these pages, with its Decision and topic score: the features as the
    product computes them (story, candidates and rarity included), shown or not."""
    from crosscheck import match
    seen: dict[tuple[str, str], tuple[object, float]] = {}
    judge = match.judge

    def recording(claim, passage, their, topic, story=None, rarity=lambda c: 1.0):  # type: ignore[no-untyped-def]
        d = match.decide(claim, passage, their, story, rarity)
        if d.relation is not None:
            seen[(claim.text, passage.text)] = (d, topic)
        return judge(claim, passage, their, topic, story, rarity)

    match.judge = recording  # relate looks judge up at each call
    try:
        for page in pages:
            pipeline.analyze(store, page)
    finally:
        match.judge = judge
    return seen


def training_rows(store: Store, all_docs: list[Doc]) -> tuple[list[list[float]], list[int]]:
    """Decision features and rightness of the labelled pairs whose licence allows fitting:
    the Zyte stories' development part (MIT) and our seed pairs (see RULES.md)."""
    import tempfile

    from crosscheck import match
    from crosscheck.seeds import seed_pages
    gold = labels()
    zyte = [d for d in all_docs if d.key.startswith("zyte:") and split(d.event) == "dev"]
    key_of = {d.page.url: d.key for d in zyte}
    urls = {d.key: d.page.url for d in all_docs}
    x, y = [], []
    by_text = decisions(store, [d.page for d in zyte])
    for (claim, passage), (decision, topic) in by_text.items():
        doc = key_of.get(decision_url(store, claim, zyte))
        other = passage_doc(store, passage, urls)
        g = gold.get((sentence_key(doc, claim), sentence_key(other, passage))) if doc and other \
            else None
        if g is not None:
            x.append(match.features(decision, topic))
            y.append(int(g["label"] == decision.relation))
    seeds = {(r["claim"], r["passage"]): r["relation"] for r in
             (json.loads(line) for line in (LABELLED / "seed_pairs.jsonl").open())}
    with tempfile.TemporaryDirectory() as folder:
        seed_store = Store(Path(folder) / "seeds.db")
        pipeline.ensure_seeded(seed_store)
        for (claim, passage), (decision, topic) in decisions(seed_store,
                                                             list(seed_pages())).items():
            if (claim, passage) in seeds:
                x.append(match.features(decision, topic))
                y.append(int(seeds[(claim, passage)] == decision.relation))
    return x, y


def decision_url(store: Store, claim: str, docs_: list[Doc]) -> str | None:
    """The page a claim came from (claims are looked up by text among the pages analysed)."""
    for d in docs_:
        if claim in (d.page.text or "") or claim in _texts(d):
            return d.page.url
    return None


_TEXT: dict[str, str] = {}


def _texts(d: Doc) -> str:
    from crosscheck.extract import extract
    if d.key not in _TEXT:
        _TEXT[d.key] = extract(d.page).text
    return _TEXT[d.key]


def passage_doc(store: Store, passage: str, urls: dict[str, str | None]) -> str | None:
    from crosscheck.store import sentence_hash
    row = store.db.execute("select a.url from passages p join articles a on a.id = p.article_id "
                           "where p.hash = ? limit 1", [sentence_hash(passage)]).fetchone()
    return next((k for k, u in urls.items() if row and u == row[0]), None)


def fit(store: Store, all_docs: list[Doc]) -> None:
    """Fit confidence.WEIGHTS and BIAS (L2-regularised logistic regression) and print them."""
    import numpy as np

    from crosscheck import confidence
    x, y = training_rows(store, all_docs)
    xs, ys = np.array(x), np.array(y, dtype=float)
    xb = np.hstack([np.ones((len(xs), 1)), xs])
    w = np.zeros(xb.shape[1])
    l2 = 0.01
    for _ in range(100):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - ys) / len(ys) + l2 * np.r_[0, w[1:]]
        hess = (xb.T * (p * (1 - p))) @ xb / len(ys) + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        w -= np.linalg.solve(hess, grad)
    print(f"{len(ys)} pairs, {int(ys.sum())} right as decided")
    print(f"BIAS = {w[0]:.3f}")
    print("WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w[1:]) + ")")
    for name, v in zip(confidence.NAMES, w[1:], strict=True):
        print(f"  {name:15} {v:+.3f}")
    p = 1 / (1 + np.exp(-xb @ w))
    for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        kept = p >= t
        print(f"  shown from {t:.2f}: {int(kept.sum())} pairs, "
              f"{ys[kept].mean() if kept.any() else 0:.2f} right (training pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", default="figures",
                        choices=["figures", "pool", "context", "fit"])
    parser.add_argument("keys", nargs="*", help="with context: sentence keys to show in place")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    all_docs = docs()
    if args.command == "context":
        show_context(all_docs, args.keys)
        return
    store = build_store()
    if args.command == "pool":
        make_pool(store, all_docs)
        return
    if args.command == "fit":
        fit(store, all_docs)
        return
    f = figures(store, all_docs)
    print(json.dumps(f, indent=1)) if args.json else report(f)


if __name__ == "__main__":
    main()
