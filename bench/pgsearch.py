"""PostgreSQL retrieval two ways on one store: tsvector + GIN (what the store uses) against
pg_trgm (a trigram GIN index on the passages' text).

    .venv/bin/python bench/pgsearch.py               # the 50k store (bench/corpus.py)
    .venv/bin/python bench/pgsearch.py --size seed   # seconds

A throwaway cluster (bench/pgstore.py) gets a copy of bench/out/store-<size>.db. The words
looked up are the ones retrieval really searches for: the rarest words of every claim of the
typical articles of bench/perf.py, as `candidates.rarest` picks them. Each word's doclist is
read both ways, after one warm-up pass:
  tsvector  `terms @@ 'term'`: the word's porter stem (FTS5's tokenizer), what SQLite finds;
  pg_trgm   `text ~* '\\mword\\M'`: the word itself between word boundaries (no stemming),
            the trigram index narrowing the rows the regex then checks.
Printed: lookup time per word (p50, p95, total), index size and build time, and how much of
the tsvector doclist the trigram one finds (recall) and how much it adds.
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pgstore
import psycopg
from corpus import build, real_pages
from perf import typical

from crosscheck import candidates
from crosscheck.claims import extract_claims
from crosscheck.store import Store


def searched(url: str, articles: int) -> list[str]:
    """The words retrieval looks up for the claims of `articles` typical articles."""
    store = Store(url)
    words: set[str] = set()
    for page in typical(real_pages(), articles):
        claims = extract_claims(page.text or "")
        terms = candidates.page_terms(store, claims, [])
        for claim in claims:
            words |= {w for w, _ in candidates.rarest(candidates.searched_words(claim.text),
                                                      terms)}
    store.close()
    return sorted(words)


def timed(conn: psycopg.Connection, query: str, params: list[str]) -> tuple[set[int], float]:
    start = time.perf_counter()
    ids = {row[0] for row in conn.execute(query, params)}
    return ids, (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="50k", help="seed, 50k or 1m (bench/corpus.py)")
    parser.add_argument("--articles", type=int, default=10)
    args = parser.parse_args()
    with pgstore.cluster() as cluster:
        url = cluster.database("search")
        copied = pgstore.copy(build(args.size), url)
        words = searched(url, args.articles)
        with psycopg.connect(url, autocommit=True) as conn:
            database = conn.execute("select pg_database_size(current_database())").fetchone()[0]
            tables = conn.execute(
                "select relname, pg_table_size(oid), pg_indexes_size(oid) from pg_class"
                " where relname in ('articles', 'passages', 'terms') order by 1").fetchall()
            start = time.perf_counter()
            conn.execute("create extension if not exists pg_trgm")
            conn.execute("create index passages_trgm on passages using gin (text gin_trgm_ops)")
            conn.execute("analyze passages")
            trgm_build = time.perf_counter() - start
            sizes = dict(conn.execute(
                "select c.relname, pg_relation_size(c.oid) from pg_class c"
                " where c.relname in ('passages_terms', 'passages_trgm')").fetchall())
            store = Store(url)
            stems = {w: store.queries([w])[0] for w in words}
            store.close()
            results: dict[str, list[float]] = {"tsvector": [], "pg_trgm": []}
            found, extra, wanted = 0, 0, 0
            for warm in (True, False):
                for word in words:
                    ts, ts_ms = timed(conn, "select id from passages where terms @@ %s::tsquery",
                                      [stems[word]])
                    tri, tri_ms = timed(conn, "select id from passages where text ~* %s",
                                        [rf"\m{re.escape(word)}\M"])
                    if not warm:
                        results["tsvector"].append(ts_ms)
                        results["pg_trgm"].append(tri_ms)
                        wanted, found, extra = (wanted + len(ts), found + len(ts & tri),
                                                extra + len(tri - ts))
    print(f"store {args.size}: {copied['import_passages']:,} passages; {len(words)} words "
          f"searched for the claims of {args.articles} typical articles")
    print(f"{'':10}{'p50 ms':>8}{'p95 ms':>8}{'total ms':>10}{'index MB':>10}{'build s':>9}")
    build_s = {"tsvector": copied["import_s"], "pg_trgm": trgm_build}
    index = {"tsvector": "passages_terms", "pg_trgm": "passages_trgm"}
    for name, times in results.items():
        print(f"{name:10}{np.percentile(times, 50):8.2f}{np.percentile(times, 95):8.2f}"
              f"{sum(times):10.0f}{sizes[index[name]] / 1e6:10.1f}{build_s[name]:9.1f}")
    print("(tsvector's build: the whole import, index included; pg_trgm's: its index alone)")
    print(f"database {database / 1e6:.0f} MB = {database / copied['import_passages']:,.0f} bytes"
          " a passage (without the trigram index); tables and indexes (MB):")
    for name, table, indexes in tables:
        print(f"  {name:9} table {table / 1e6:7.1f}  indexes {indexes / 1e6:7.1f}")
    print(f"pg_trgm finds {found / max(1, wanted):.1%} of the {wanted:,} passages tsvector "
          f"finds (the rest hold another form of the word) and {extra:,} that it does not")


if __name__ == "__main__":
    main()
