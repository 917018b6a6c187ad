"""What sentence vectors cost: at ingest, on disk, in memory and per analysis, at 50k and 1m.

    .venv/bin/python bench/vectors.py [--size 50k] [--articles 10] [--graph-rows 100000]
                                      [--no-1m]
    CROSSCHECK_VECTORS=minilm .venv/bin/python bench/vectors.py    # the extra's model

On the bench store of that size (bench/corpus.py; built first if missing; with the minilm
model a copy, store-<size>-minilm.db, whose vectors the model makes when it is first opened),
CPU time (process_time) in this process:
  encode   ms per passage to make its vector, over the store's first passages: the cost
           ingest adds per passage;
  disk     bytes the `vectors` table takes per passage (SQLite's dbstat);
  load     ms to read every stored vector into memory (a server's first analysis);
  search   ms for the 10 nearest passages of 50 claims, brute force over every vector;
  first    first analysis of --articles articles of the store, each analysed with no
           nearest passage and with candidates.NEAR in turn, each first every other time
           (matching's caches emptied before each): CPU p50 of both and of the difference;
  1m       the store's vectors repeated to 1,000,000 (each copy moved a little) in memory:
           brute-force search of the same 50 claims, and, with the extra's usearch, the
           approximate graph made over --graph-rows of them (its CPU, and the search of the
           50 claims in it); a 1m graph is not made here (minutes of CPU on a shared machine).
A fixed loop's time is printed with them: on a shared machine every figure moves with it.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import time

import corpus
import numpy as np

from crosscheck import candidates, embed, nearest, pipeline
from crosscheck.profile import profile, stored_profile
from crosscheck.store import Store
from crosscheck.types import Page

MILLION = 1_000_000


def cpu_ms(run, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    result = run(*args)
    return (time.process_time() - start) * 1e3, result


def store_path(size: str):  # type: ignore[no-untyped-def]
    path = corpus.build(size)
    if embed.chosen() == "static":
        return path
    other = path.with_name(f"{path.stem}-{embed.chosen()}.db")
    if not other.exists():
        shutil.copy(path, other)
    return other


def first_analyses(store: Store, count: int) -> tuple[list[float], list[float]]:
    total = store.db.execute("select max(id) from articles").fetchone()[0]
    rows = [store.db.execute("select url, text, title from articles where id >= ? order by id "
                             "limit 1", [total * (i + 1) // (count + 1)]).fetchone()
            for i in range(count)]
    took: dict[int, list[float]] = {0: [], candidates.NEAR: []}
    near = candidates.NEAR
    try:
        for i, (url, text, title) in enumerate(rows):  # in turn, so neither goes first always
            for candidates.NEAR in sorted(took, reverse=bool(i % 2)):
                profile.cache_clear()
                stored_profile.cache_clear()
                ms, _ = cpu_ms(pipeline.analyze, store, Page(text=text, url=url, title=title))
                took[candidates.NEAR].append(ms)
    finally:
        candidates.NEAR = near
    return took[0], took[near]


def repeated(index: nearest.VectorIndex, rows: int) -> nearest.VectorIndex:
    """`rows` vectors: the index's own, then copies of them each moved a little (so that no
    two are the same), as a store of that size might hold."""
    rng = np.random.default_rng(0)
    big = nearest.VectorIndex(index.dims)
    done = 0
    while done < rows:
        n = min(len(index.ids), rows - done)
        unit = index.rows[:n].astype(np.float32) * index.inverse[:n, None]
        if done:
            unit = unit + rng.normal(0, 0.02, unit.shape).astype(np.float32)
            unit /= np.linalg.norm(unit, axis=1, keepdims=True)
        ids = np.arange(done + 1, done + n + 1)
        big.extend(zip(ids.tolist(), (ids // 20).tolist(),
                       [r.tobytes() for r in embed.quantise(unit)], strict=True))
        done += n
    return big


def graph_figures(big: nearest.VectorIndex, rows: int, claims: np.ndarray
                  ) -> tuple[float, float, float]:
    """CPU ms to make the graph over `rows` vectors, to search it for the claims, and its
    memory in MiB."""
    part = nearest.VectorIndex(big.dims)
    part.ids, part.articles = big.ids[:rows], big.articles[:rows]
    part.rows, part.inverse = big.rows[:rows], big.inverse[:rows]
    graph = part.new_graph()
    build, _ = cpu_ms(lambda: graph.add(part.ids, part.rows, threads=1))
    part.graph, part.in_graph = graph, rows
    saved = nearest.APPROXIMATE_FROM
    nearest.APPROXIMATE_FROM = 0
    try:
        search, _ = cpu_ms(part.nearest, claims, (), 10)
    finally:
        nearest.APPROXIMATE_FROM = saved
    return build, search, graph.memory_usage / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="50k", choices=sorted(corpus.SIZES))
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--graph-rows", type=int, default=100_000)
    parser.add_argument("--no-1m", action="store_true", help="leave out the 1m figures")
    args = parser.parse_args()
    loop = corpus.host_loop_ms(time.process_time)
    path = store_path(args.size)
    made, store = cpu_ms(Store, path)  # with another model: every vector made here
    sample = 20_000 if embed.chosen() == "static" else 2_000
    texts = [t for (t,) in store.db.execute("select text from passages order by id limit ?",
                                            [sample])]
    embed.encode(texts[:10])  # the model read
    encode, _ = cpu_ms(embed.encode, texts)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        sizes = dict(db.execute("select name, sum(pgsize) from dbstat group by name"))
    count = store.stats()["passages"]
    load, index = cpu_ms(store.vector_index)
    claims = embed.encode(texts[::max(1, len(texts) // 50)][:50])
    search, _ = cpu_ms(index.nearest, claims, (), 10)
    without, near = first_analyses(store, args.articles)
    vectors = sizes.get("vectors", 0)
    print(f"store {path.name}: {count:,} passages, {sum(sizes.values()) / 2**20:.1f} MiB, of "
          f"which vectors {vectors / 2**20:.1f} MiB; opening it took {made / 1e3:.1f} s CPU")
    print(f"encode {encode / len(texts):.3f} ms per passage (CPU, {len(texts):,} passages)")
    print(f"disk   {vectors / count:.0f} bytes per passage "
          f"({100 * vectors / (sum(sizes.values()) - vectors):.0f}% on top of the rest)")
    print(f"load   {load:.0f} ms for every vector; {index.rows.nbytes / 2**20:.1f} MiB in memory")
    print(f"search {search:.1f} ms for the 10 nearest of 50 claims "
          f"({search / 50:.2f} ms a claim; brute force, grows with the store)")
    print(f"first  analysis CPU p50 {statistics.median(without):.0f} ms without nearest "
          f"passages, {statistics.median(near):.0f} ms with {candidates.NEAR}: p50 of the "
          f"difference {statistics.median(b - a for a, b in zip(without, near, strict=True)):.0f}"
          f" ms ({len(near)} articles)")
    if not args.no_1m:
        at_a_million(index, claims, args.graph_rows)
    print(f"host   model {embed.model_id()}, {embed.dimensions()} dimensions; a 1,000,000-step "
          f"Python loop took {loop:.0f} ms of CPU (45 on an idle machine)")


def at_a_million(index: nearest.VectorIndex, claims: np.ndarray, graph_rows: int) -> None:
    big = repeated(index, MILLION)
    limit, nearest.APPROXIMATE_FROM = nearest.APPROXIMATE_FROM, MILLION  # brute force here
    try:
        brute, _ = cpu_ms(big.nearest, claims, (), 10)
    finally:
        nearest.APPROXIMATE_FROM = limit
    print(f"1m     brute force: {brute:.0f} ms for the 10 nearest of 50 claims "
          f"({brute / 50:.1f} ms a claim), {big.rows.nbytes / 2**20:.0f} MiB of vectors")
    if nearest.APPROXIMATE:
        rows = min(graph_rows, MILLION)
        build, graph_search, mib = graph_figures(big, rows, claims)
        print(f"graph  over {rows:,} vectors: made in {build / 1e3:.0f} s CPU "
              f"({build / rows:.2f} ms a vector, one thread), {mib:.0f} MiB; search "
              f"{graph_search:.1f} ms for 50 claims ({graph_search / 50:.2f} ms a claim)")


if __name__ == "__main__":
    main()
