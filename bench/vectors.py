"""What sentence vectors cost: at ingest, on disk, in memory and per analysis.

    .venv/bin/python bench/vectors.py [--size 50k]

On the bench store of that size (bench/corpus.py; built first if missing), CPU time
(process_time) in this process:
  encode   ms per passage to make its vector (tokenise + mean of token vectors), over the
           store's first 20,000 passages: the cost ingest adds per passage;
  disk     bytes the `vectors` table takes per passage (SQLite's dbstat);
  load     ms to read every stored vector into memory (a server's first analysis);
  search   ms for the 10 nearest passages of 50 claims, brute force over every vector.
"""

from __future__ import annotations

import argparse
import sqlite3
import time

import corpus
import numpy as np

from crosscheck import embed
from crosscheck.store import Store


def cpu_ms(run, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    result = run(*args)
    return (time.process_time() - start) * 1e3, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="50k", choices=sorted(corpus.SIZES))
    args = parser.parse_args()
    path = corpus.build(args.size)
    store = Store(path)
    texts = [t for (t,) in store.db.execute("select text from passages order by id limit 20000")]
    embed.model()
    encode, _ = cpu_ms(embed.encode, texts)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        sizes = dict(db.execute("select name, sum(pgsize) from dbstat group by name"))
    count = store.stats()["passages"]
    load, index = cpu_ms(store.vector_index)
    claims = embed.encode(texts[::max(1, len(texts) // 50)][:50])
    search, _ = cpu_ms(index.nearest, claims, (), 10)
    print(f"store {path.name}: {count:,} passages, {sum(sizes.values()) / 2**20:.1f} MiB, of "
          f"which vectors {sizes.get('vectors', 0) / 2**20:.1f} MiB")
    print(f"encode {encode / len(texts):.3f} ms per passage (CPU, {len(texts):,} passages)")
    print(f"disk   {sizes.get('vectors', 0) / count:.0f} bytes per passage "
          f"({100 * sizes.get('vectors', 0) / (sum(sizes.values()) - sizes.get('vectors', 0)):.0f}"
          f"% on top of the rest of the store)")
    print(f"load   {load:.0f} ms for every vector; {index.rows.nbytes / 2**20:.1f} MiB in memory")
    print(f"search {search:.1f} ms for the 10 nearest of 50 claims "
          f"({search / 50:.2f} ms a claim; grows with the store)")
    print(f"host   model {embed.model_id()}, {embed.dimensions()} dimensions, numpy "
          f"{np.__version__}")


if __name__ == "__main__":
    main()
