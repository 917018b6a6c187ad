"""What storing each passage's profile buys and costs (issue 15), side by side in one process.

    .venv/bin/python bench/profiles.py            # about 2 minutes once the store is built

- first analysis: articles of the real-news store (`bench/realnews.py`'s, built once) each
  analysed first with the stored profiles read back, then with them computed from the text,
  matching's caches emptied before each; CPU time, p50 and mean;
- import: CPU per generated BBC page (`bench/perf.py`'s HTML pages) for extraction, sentence
  splitting and profiling.
A fixed loop's time is printed with them: on a shared machine every figure moves with it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import corpus
import perf
import realnews

from crosscheck import pipeline
from crosscheck.claims import passages
from crosscheck.extract import extract
from crosscheck.profile import for_storage, profile, stored_profile
from crosscheck.types import Page


def first_analyses(count: int) -> dict[str, list[float]]:
    store = realnews.build_store()
    rows = store.db.execute("select url, text, title from articles where url like 'http%' "
                            "order by id limit ?", [count]).fetchall()
    took: dict[str, list[float]] = {"stored": [], "computed": []}
    for url, text, title in rows:
        page = Page(text=text, url=url, title=title)
        for way in took:
            store.profiles_usable = way == "stored"
            profile.cache_clear()
            stored_profile.cache_clear()
            start = time.process_time()
            pipeline.analyze(store, page)
            took[way].append((time.process_time() - start) * 1000)
    return took


def import_costs(count: int) -> dict[str, float]:
    files = sorted(perf.html_pages(1000).glob("*.html"))[:count]
    pages = [Page(html=f.read_text("utf-8"), url=f"https://news.test/{f.stem}") for f in files]
    clock = time.process_time
    start = clock()
    articles = [extract(p) for p in pages]
    extracted = clock()
    sentences = [passages(a.text) for a in articles]
    split = clock()
    for s in sentences:
        for_storage(s)
    profiled = clock()
    n = len(pages) / 1000
    return {"extract": (extracted - start) / n, "split": (split - extracted) / n,
            "profile": (profiled - split) / n,
            "passages": sum(map(len, sentences)) / len(pages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    loop = corpus.host_loop_ms(time.process_time)
    took = first_analyses(args.articles)
    for way, ms in took.items():
        print(f"first analysis, profiles {way:8}: CPU p50 {statistics.median(ms):6.0f} ms, "
              f"mean {statistics.mean(ms):6.0f} ms ({len(ms)} articles)")
    cost = import_costs(args.pages)
    print(f"import, CPU per page: extract {cost['extract']:.1f} ms, sentences "
          f"{cost['split']:.1f} ms, profiles {cost['profile']:.1f} ms "
          f"({cost['passages']:.1f} passages a page)")
    print(f"host: a 1,000,000-step Python loop took {loop:.0f} ms of CPU "
          f"(45 on an idle machine)")


if __name__ == "__main__":
    main()
