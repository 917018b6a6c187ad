"""Stories against the events of BASIL, with the BBC corpus as distractors.

    .venv/bin/python bench/stories.py          # B-cubed precision and recall, import rate
    .venv/bin/python bench/stories.py --json   # the same as one JSON object
    .venv/bin/python bench/stories.py --import-speed 2000   # what stories cost an import

A new store (bench/out/store-stories.db, made anew each run) gets the seed corpus, then the
BBC News corpus (2,225 articles, 2004-2005, undated) and the 240 BASIL articles (80 events of
2010-2017, each reported by NYT, Fox News and HuffPost), in that order, through
`crosscheck import` (JSON lines, both cores): every article joins its story as it is added,
as a reader's would. The import's pages per second are printed beside the figures.

B-cubed over the BASIL articles (Bagga & Baldwin 1998; Amigo et al. 2009): for each one, the
precision is the share of the articles of its story (BBC and seed articles included) that report
its event, the recall the share of its event's articles that are in its story; both are
averaged over the articles. Nothing of ../shared is copied here (see its SOURCE.md files).

--import-speed N: `crosscheck import` of N generated HTML pages (bench/perf.py's ingest pages:
BBC articles in news-page furniture) into a new store on all cores, as perf.py measures ingest;
its CPU time per page (worker processes included: the machine is shared, so CPU, not wall
time, is what compares), and the story stage's share of it: the imported articles are taken
out of their stories and placed again the way the import places them (`pipeline.place_later`,
all cores), which must give the same stories. The rest is what the import costs without
stories. A fixed loop's time is printed beside it: every figure moves with it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py: the BBC and BASIL readers)

from crosscheck import pipeline  # noqa: E402
from crosscheck.store import Store  # noqa: E402

STORE = corpus.OUT / "store-stories.db"


def split(event: str) -> str:
    """As bench/realnews.py splits events: a third held out, by hash, for judging rules only."""
    return "held-out" if int(hashlib.sha1(f"basil:{event}".encode()).hexdigest()[:8], 16) % 3 == 0 \
        else "dev"


def events() -> dict[str, str]:
    """BASIL article URL -> its event (triplet)."""
    found = {}
    for name, raw in corpus.tar_members(corpus.BASIL):
        if name.endswith(".json"):
            doc = json.loads(raw)
            found[doc["url"]] = doc["triplet-uuid"]
    return found


def build() -> tuple[Store, float, int]:
    """The store, made anew through `crosscheck import`; (store, seconds, pages)."""
    corpus.OUT.mkdir(parents=True, exist_ok=True)
    for stale in corpus.OUT.glob(STORE.name + "*"):
        stale.unlink()
    pages = corpus.real_pages()
    jsonl = corpus.OUT / "stories.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps(page.__dict__, ensure_ascii=False) + "\n")
    # the seeds first, as a reader's store has them, so the import times the import alone
    subprocess.run([str(corpus.CROSSCHECK), "stats", "--db", str(STORE)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([str(corpus.CROSSCHECK), "import", str(jsonl), "--db", str(STORE)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    jsonl.unlink()
    return Store(STORE), seconds, len(pages)


def b_cubed(story_of: dict[int, int], event_of: dict[int, str]) -> tuple[float, float]:
    """Mean precision and recall over the items that have an event."""
    members: dict[int, set[int]] = defaultdict(set)
    for item, story in story_of.items():
        members[story].add(item)
    siblings: dict[str, set[int]] = defaultdict(set)
    for item, event in event_of.items():
        siblings[event].add(item)
    precision = recall = 0.0
    for item, event in event_of.items():
        story = members[story_of[item]]
        right = len(story & siblings[event])
        precision += right / len(story)
        recall += right / len(siblings[event])
    return precision / len(event_of), recall / len(event_of)


def measure() -> dict[str, object]:
    store, seconds, pages = build()
    by_url = events()
    rows = store.db.execute("select id, url, story_id from articles").fetchall()
    story_of = {aid: story for aid, _, story in rows}
    event_of = {aid: by_url[url] for aid, url, _ in rows if url in by_url}
    precision, recall = b_cubed(story_of, event_of)
    splits = {}
    for part in ("dev", "held-out"):
        chosen = {a: e for a, e in event_of.items() if split(e) == part}
        splits[part] = [round(x, 4) for x in b_cubed(story_of, chosen)] + [len(chosen)]
    sizes = [r["articles"] for r in store.stories(limit=10**6)[0]]
    return {
        "basil_articles": len(event_of), "events": len(set(event_of.values())),
        "articles": len(rows), "stories": len(sizes),
        "stories_of_two_or_more": sum(n >= 2 for n in sizes), "largest_story": max(sizes),
        "precision": round(precision, 4), "recall": round(recall, 4), "splits": splits,
        "import_pages": pages, "import_seconds": round(seconds, 1),
        "import_pages_per_s": round(pages / seconds, 1),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (and theirs)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def partition(store: Store) -> set[frozenset[int]]:
    """The stories as sets of article ids."""
    members = store.story_members(r["id"] for r in store.stories(limit=10**6)[0])
    return {frozenset(ids) for ids in members.values()}


def import_speed(count: int) -> dict[str, float]:
    import perf  # bench/perf.py: its ingest pages

    folder = perf.html_pages(count)
    db = corpus.OUT / "store-import.db"
    for stale in corpus.OUT.glob(db.name + "*"):
        stale.unlink()
    loop = corpus.host_loop_ms(time.process_time)
    cpu, wall = cpu_seconds(), time.perf_counter()
    subprocess.run([str(corpus.CROSSCHECK), "import", str(folder), "--db", str(db),
                    "--no-seeds"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
    store = Store(db)
    placed = partition(store)
    store.db.execute("update articles set story_id = null, story_nats = null")  # type: ignore
    store.db.execute("delete from stories")  # type: ignore[attr-defined]
    store.db.conn.commit()  # type: ignore[attr-defined]
    placing = cpu_seconds()
    pipeline.place_later(store, workers=os.cpu_count() or 1)
    placing = cpu_seconds() - placing
    assert partition(store) == placed, "placed again, the articles made other stories"
    articles = store.stats()["articles"]
    for stale in corpus.OUT.glob(db.name + "*"):
        stale.unlink()
    return {"pages": count, "articles": articles, "stories": len(placed),
            "cpu_ms_per_page": round(cpu / count * 1000, 1),
            "stories_cpu_ms_per_page": round(placing / count * 1000, 1),
            "without_stories_cpu_ms_per_page": round((cpu - placing) / count * 1000, 1),
            "pages_per_s": round(count / wall, 1), "host_loop_ms": round(loop)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--import-speed", type=int, metavar="N",
                        help="what stories cost `crosscheck import` of N HTML pages")
    args = parser.parse_args()
    if args.import_speed:
        speed = import_speed(args.import_speed)
        if args.json:
            print(json.dumps(speed))
            return
        print(f"crosscheck import of {speed['pages']} HTML pages ({speed['articles']} articles, "
              f"{speed['stories']} stories), all cores: {speed['pages_per_s']} pages/s;")
        print(f"  CPU per page {speed['cpu_ms_per_page']} ms: the story stage "
              f"{speed['stories_cpu_ms_per_page']} ms, the rest "
              f"{speed['without_stories_cpu_ms_per_page']} ms")
        print(f"host: a 1,000,000-step Python loop took {speed['host_loop_ms']} ms of CPU "
              "(45 on an idle machine)")
        return
    result = measure()
    if args.json:
        print(json.dumps(result))
        return
    print(f"B-cubed over {result['basil_articles']} BASIL articles ({result['events']} events), "
          f"among {result['articles']} stored articles in {result['stories']} stories:")
    print(f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    for part, (precision, recall, n) in result["splits"].items():  # type: ignore[attr-defined]
        print(f"  {part:>8} events ({n} articles): precision {precision:.3f}  recall {recall:.3f}")
    print(f"  stories of 2+ articles: {result['stories_of_two_or_more']}, "
          f"largest: {result['largest_story']} articles")
    print(f"import: {result['import_pages']} pages in {result['import_seconds']} s, "
          f"{result['import_pages_per_s']} pages/s")


if __name__ == "__main__":
    main()
