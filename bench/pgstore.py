"""PostgreSQL stores for the benchmarks: a throwaway cluster (tests/pgcluster.py, settings for
measuring rather than for tests: fsync on) and a copy of a built SQLite store in it, written
through `Store.add_many` as an import would (so the copy's time is the import rate). The copy
carries each passage's stored profile and sentence vector when they are this code's, as
`crosscheck import` would have made them: a copy without them would make its server profile
every passage beside the analyses it answers."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from crosscheck import embed, profile
from crosscheck.pipeline import ensure_profiles
from crosscheck.store import Store
from crosscheck.types import Article, Sentence

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pgcluster import Cluster  # noqa: E402

BATCH = 500  # articles per transaction, as bench/corpus.py writes the SQLite stores
SETTINGS = ("-c", "shared_buffers=1GB", "-c", "maintenance_work_mem=512MB",
            "-c", "max_wal_size=4GB", "-c", "checkpoint_timeout=30min")


def cluster() -> Cluster:
    return Cluster(fast=False, settings=SETTINGS)


def articles_of(db: Path) -> Iterator[tuple[Article, list[Sentence]]]:
    """Every article of a SQLite store with its passages, in id order (with their profiles
    and vectors if this code made them)."""
    with sqlite3.connect(db) as conn:
        profiles = conn.execute("select value from meta where key = 'profile'").fetchone() == (
            profile.VERSION,)
        vectors = conn.execute("select id from vector_model").fetchone() == (embed.model_id(),)
        rows = conn.execute("select id, url, title, outlet, author, published, language, text"
                            " from articles order by id")
        spans = conn.execute(
            f'select p.article_id, p.start, p."end", p.text, {"p.profile" if profiles else "null"},'
            f" {'v.vector' if vectors else 'null'} from passages p left join vectors v"
            " on v.passage_id = p.id order by p.article_id, p.seq")
        pending = next(spans, None)
        for aid, url, title, outlet, author, published, language, text in rows:
            found = []
            while pending is not None and pending[0] == aid:
                found.append(Sentence(pending[3], pending[1], pending[2], pending[4], pending[5]))
                pending = next(spans, None)
            yield Article(text=text, url=url, title=title, outlet=outlet, author=author,
                          published=published, language=language), found


def copy(db: Path, url: str) -> dict[str, float]:
    """The SQLite store `db` into the PostgreSQL database `url`; passages and seconds."""
    store = Store(url)
    ensure_profiles(store)  # an empty database takes this code's profiles
    start = time.perf_counter()
    passages = 0
    batch: list[tuple[Article, list[Sentence]]] = []
    for item in articles_of(db):
        batch.append(item)
        passages += len(item[1])
        if len(batch) == BATCH:
            store.add_many(batch)
            batch = []
    store.add_many(batch)
    loaded = time.perf_counter() - start
    store.optimize()
    total = time.perf_counter() - start
    store.close()
    return {"import_passages": passages, "import_s": total,
            "import_passages_per_s": passages / total, "import_write_s": loaded}


def cpu_seconds(cluster: Cluster) -> float:
    """CPU time (user and system) the cluster's processes have used: the postmaster and its
    children, the backends that answer queries included (Linux /proc)."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    pids = [postmaster, *(int(p) for p in Path(f"/proc/{postmaster}/task/{postmaster}/children")
                          .read_text().split())]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a backend that ended meanwhile
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
