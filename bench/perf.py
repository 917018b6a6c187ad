"""Speed at every store size: analysis, naive baseline, agreement, ingest, memory, cold start.

    .venv/bin/python bench/perf.py                    # seed, 50k and 1m stores; a table
    .venv/bin/python bench/perf.py --sizes 50k --json # one size; one JSON object
    .venv/bin/python bench/perf.py --smoke            # seconds: proves the script still runs
    .venv/bin/python bench/perf.py --profile 1m       # pyinstrument profile of one analysis
    .venv/bin/python bench/perf.py --backend postgres --sizes seed,50k   # on PostgreSQL

Stores come from bench/corpus.py (cached in bench/out/). Per size:
  analysis   a real `crosscheck serve` (uvicorn, 127.0.0.1) on a copy of the store answers
             POST /api/analyze for typical articles (800-1,200 words, BBC and BASIL, picked
             by CRC32 of their URL); the time is the server's own, from the Server-Timing
             header (extraction, claims, retrieval, matching and the JSON dict; not HTTP).
  CPU        the same analyses in this process, CPU time (process_time): the figure to
             trust when other work shares the cores.
  naive      (on every article; on --naive of them in stores of BIG passages or more)
             in this process: rapidfuzz `process.cdist` of every claim against every
             stored passage (both `crosscheck.match.normalize`d, scorer
             `crosscheck.match.SCORER`, all cores), the page's own articles masked out;
             the time of cdist alone (loading and normalising passages not counted).
  agreement  of the claims that have a naive top match (see `top_match`), the share for
             which our retrieval hands matching that passage, or one scoring as high
             (ties: the 1m store holds near-copies), among its candidates.
  add        POST /api/articles of new articles (variants of real ones), server-side
             wall time seen by the client on 127.0.0.1.
  first      the p50 of each article's first analysis (the passages it meets are not yet
             in matching's cache, as when reading a new article).
  rss        the server's resident memory (VmRSS) after all of the above and --fill more
             articles analysed (matching's caches full, as after days of use).
  cold       process start to the first answered analysis.
  ingest     `crosscheck import` of generated HTML pages (one per BBC article: the text
             in news-like furniture: nav, share links, related stories, footer) on all
             cores into a fresh store; pages per second, and per core.

--backend postgres: the same on PostgreSQL, in a throwaway cluster (bench/pgstore.py; fsync
on). Each SQLite store is copied into a database of its own through `Store.add_many`, 500
articles per transaction, as bench/corpus.py writes them: that copy's passages per second is
the import rate (GIN index and a final VACUUM ANALYZE included). The servers and this process
then work on that database; the naive baseline reads the passages of the SQLite original (the
copy keeps every id).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import corpus
import httpx2 as httpx
import numpy as np
import pgstore
from corpus import CROSSCHECK, build, crc, real_pages, variant
from rapidfuzz import process

from crosscheck import pipeline
from crosscheck.candidates import candidates_for, content_words
from crosscheck.claims import extract_claims
from crosscheck.extract import extract
from crosscheck.match import SCORER, normalize
from crosscheck.seeds import seed_pages
from crosscheck.store import Store
from crosscheck.types import Page, Passage

AGREE_AT = 70.0  # SCORER value from which the naive best passage is a top match to find
SHARED_WORDS = 3  # content words a top match shares with its claim
TOP_K = 100  # naive best passages looked through for the top match
CORES = os.cpu_count() or 1
BIG = 100_000  # passages from which the naive baseline runs on --naive articles only


def typical(pages: list[Page], count: int) -> list[Page]:
    """`count` articles of 800-1,200 words, in a fixed pseudo-random order."""
    fit = [p for p in pages if 800 <= len((p.text or "").split()) <= 1200]
    return sorted(fit, key=lambda p: crc(p.url))[:count]


def host_ms() -> float:
    """A fixed pure-Python loop, best of 3, in ms: how fast this machine runs right now (on a
    shared host it varies, and every figure here with it)."""
    return corpus.host_loop_ms(time.perf_counter)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


# ------------------------------------------------------------------ server

TOKEN = secrets.token_urlsafe(16)  # the server asks every request for its token
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def server(db: Path | str) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """`crosscheck serve` on db; yields its URL, process and start time."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(CROSSCHECK), "serve", "--port", str(port), "--db", str(db), "--no-seeds"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "CROSSCHECK_TOKEN": TOKEN},
    )
    try:
        yield f"http://127.0.0.1:{port}", proc, started
    finally:
        proc.terminate()
        proc.wait(10)


def post(client: httpx.Client, url: str, body: dict[str, Any]) -> httpx.Response:
    response = client.post(url, json=body, timeout=120)
    response.raise_for_status()
    return response


def cold_start(client: httpx.Client, url: str, started: float, page: Page) -> float:
    """Seconds from process start to the first answered analysis."""
    while True:
        try:
            post(client, url + "/api/analyze", {"text": page.text})
            return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.02)


def server_ms(response: httpx.Response) -> float:
    timing = response.headers["server-timing"]
    return float(timing.split("dur=")[1].split(";")[0])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def new_articles(pages: list[Page], count: int) -> list[dict[str, Any]]:
    """Articles no store holds: variant 1000+i of real ones."""
    return [
        {"text": variant(p.text or "", 1000 + i, ["crosscheck"]), "title": f"New {i}",
         "url": f"bench:new:{i}", "outlet": "Bench"}
        for i, p in enumerate(pages[:count])
    ]


def measure_server(db: Path | str, queries: list[Page], repeat: int,
                   adds: list[dict[str, Any]], others: list[Page]) -> dict[str, Any]:
    """On a copy of a SQLite store; on a PostgreSQL database itself."""
    work: Path | str = db
    if isinstance(db, Path):
        work = corpus.OUT / f"work-{db.name}"
        shutil.copyfile(db, work)
    try:
        with server(work) as (url, proc, started), httpx.Client(headers=AUTH) as client:
            cold = cold_start(client, url, started, queries[0])
            times = [
                server_ms(post(client, url + "/api/analyze", {"text": q.text}))
                for _ in range(repeat) for q in queries
            ]
            add_ms = []
            for body in adds:
                t = time.perf_counter()
                post(client, url + "/api/articles", body)
                add_ms.append((time.perf_counter() - t) * 1000)
            for page in others:  # fill the matching caches: memory as after days of reading
                post(client, url + "/api/analyze", {"text": page.text})
            rss = rss_mb(proc.pid)
    finally:
        for f in corpus.OUT.glob(work.name + "*") if isinstance(work, Path) else ():
            f.unlink()
    first = times[1: len(queries)]  # each article's first analysis (the first one: cold start)
    return {
        "analysis_p50_ms": percentile(times, 50), "analysis_p95_ms": percentile(times, 95),
        "first_p50_ms": percentile(first, 50), "add_p50_ms": percentile(add_ms, 50),
        "server_rss_mb": rss, "cold_start_s": cold,
    }


def measure_cpu(db: Path | str, queries: list[Page], repeat: int, cluster: Any = None
                ) -> dict[str, Any]:
    """CPU seconds of the same analyses in this process: the figure to trust when other
    work shares the cores (the server's wall time then includes waiting for a core). The
    first round is each article's first analysis here; on PostgreSQL, the CPU the cluster's
    processes spent on each analysis is counted apart."""
    store = Store(db)
    pipeline.analyze(store, queries[0])
    cpu, db_cpu = [], []
    for _ in range(repeat):
        for page in queries:
            t, d = time.process_time(), pgstore.cpu_seconds(cluster) if cluster else 0.0
            pipeline.analysis_json(pipeline.analyze(store, page))
            cpu.append((time.process_time() - t) * 1000)
            if cluster:
                db_cpu.append((pgstore.cpu_seconds(cluster) - d) * 1000)
    found = {"analysis_cpu_p50_ms": percentile(cpu, 50),
             "first_cpu_p50_ms": percentile(cpu[1:len(queries)], 50)}
    if cluster:
        found["db_cpu_p50_ms"] = percentile(db_cpu, 50)
    return found


# ------------------------------------------------------------------ naive baseline


def stored_passages(db: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every stored passage's normalised text, article id and length in words."""
    rows = Store(db).db.execute("select text, article_id from passages order by id")
    texts, articles = [], []
    for text, article_id in rows:
        texts.append(normalize(text))
        articles.append(article_id)
    return texts, np.array(articles), np.array([t.count(" ") + 1 for t in texts])


def naive(claims: list[str], texts: list[str], masked: np.ndarray,
          lengths: np.ndarray) -> tuple[list[int | None], float]:
    """The obvious implementation: SCORER of every claim against every passage. For each
    claim, the index of its top match (see `top_match`), and the seconds it took."""
    t = time.perf_counter()
    scores = process.cdist(claims, texts, scorer=SCORER, processor=None, workers=-1)
    scores[:, masked] = -1
    tops = [top_match(row, claim, texts, lengths) for row, claim in zip(
        scores, claims, strict=True)]
    return tops, time.perf_counter() - t


def top_match(scores: np.ndarray, claim: str, texts: list[str], lengths: np.ndarray,
              ) -> int | None:
    """The best-scoring passage that could state the same fact: at least half as long as
    the claim and sharing SHARED_WORDS content words with it; if it scores AGREE_AT.
    (SCORER, token_set_ratio, gives 100 to any passage whose words are a subset of the
    claim's: "that is the end of it" would otherwise top many claims.)"""
    words = set(content_words(claim))
    scores = np.where(lengths * 2 >= claim.count(" ") + 1, scores, -1)
    best = np.argpartition(-scores, TOP_K)[:TOP_K]
    for i in best[np.argsort(-scores[best])]:
        if scores[i] < AGREE_AT:
            return None
        if len(words & set(content_words(texts[i]))) >= SHARED_WORDS:
            return int(i)
    return None


def as_good(claim: str, top: str, found: list[Passage]) -> bool:
    """Whether our candidates hold the naive top match, or a passage scoring as high."""
    best = SCORER(claim, top)
    return any(SCORER(claim, normalize(p.text)) >= best for p in found)


def compare(db: Path, queries: list[Page], retrieval: str | None = None) -> dict[str, Any]:
    """Naive time per article, and how often our candidates hold its top match (found in
    `retrieval`, a copy of `db` with the same ids, when given)."""
    if not queries:  # --naive 0: no baseline (at 1m it takes minutes an article)
        return {"naive_p50_ms": float("nan"), "agreement": 0.0, "claims_compared": 0}
    store = Store(retrieval or db)
    texts, articles, lengths = stored_passages(db)
    naive_s, agree, considered = [], 0, 0
    for page in queries:
        article = extract(page)
        claims = extract_claims(article.text)[: pipeline.MAX_CLAIMS]
        exclude = set(store.same_as(article.url, article.text))
        exclude |= pipeline.copies_of(store, [c.text for c in claims])
        ours = candidates_for(store, claims, exclude)
        tops, seconds = naive([normalize(c.text) for c in claims], texts,
                              np.isin(articles, list(exclude)), lengths)
        naive_s.append(seconds)
        for claim, top, found in zip(claims, tops, ours, strict=True):
            if top is not None:
                considered += 1
                agree += as_good(normalize(claim.text), texts[top], found)
    return {
        "naive_p50_ms": percentile(naive_s, 50) * 1000, "agreement": agree / max(1, considered),
        "claims_compared": considered,
    }


# ------------------------------------------------------------------ ingest

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title} - BBC News</title>
<meta property="og:site_name" content="BBC News"></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>
<a href="/weather">Weather</a> <a href="/iplayer">iPlayer</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By a staff reporter</p>
{body}
<ul class="share"><li>Share on Facebook</li><li>Share on Twitter</li><li>Email</li></ul>
</article>
<aside><h2>Related stories</h2><ul>{related}</ul></aside></main>
<footer><p>Copyright BBC. The BBC is not responsible for the content of external sites.</p>
<a href="/terms">Terms of use</a> <a href="/privacy">Privacy</a></footer></body></html>
"""


def html_pages(count: int) -> Path:
    """`count` generated news pages (from BBC articles) in bench/out/html-<count>/."""
    folder = corpus.OUT / f"html-{count}"
    if folder.exists():
        return folder
    tmp = corpus.OUT / f"html-{count}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    pages = [p for p in real_pages() if p.outlet == "BBC News"][:count]
    for i, page in enumerate(pages):
        paragraphs = "\n".join(
            f"<p>{html.escape(p)}</p>" for p in (page.text or "").split("\n\n") if p.strip())
        related = "".join(f'<li><a href="/news/{j}">{html.escape(pages[j].title or "")}</a></li>'
                          for j in ((i + 1) % len(pages), (i + 7) % len(pages)))
        (tmp / f"{i:05d}.html").write_text(PAGE.format(
            title=html.escape(page.title or ""), body=paragraphs, related=related), "utf-8")
    tmp.rename(folder)
    return folder


def measure_ingest(count: int, cluster: Any = None) -> dict[str, Any]:
    folder = html_pages(count)
    db: Path | str = corpus.OUT / "ingest.db"
    if cluster is not None:
        db = cluster.database("ingest")
    for f in corpus.OUT.glob("ingest.db*"):
        f.unlink()
    t = time.perf_counter()
    subprocess.run([str(CROSSCHECK), "import", str(folder), "--db", str(db), "--no-seeds",
                    "--workers", str(CORES)], check=True, capture_output=True)
    elapsed = time.perf_counter() - t
    stored = Store(db).stats()["articles"]
    for f in corpus.OUT.glob("ingest.db*"):
        f.unlink()
    return {"ingest_pages": count, "ingest_stored": stored, "ingest_pages_per_s": count / elapsed,
            "ingest_pages_per_s_per_core": count / elapsed / CORES}


# ------------------------------------------------------------------ main


def measure(size: str, queries: list[Page], repeat: int, naive: int,
            adds: list[dict[str, Any]], others: list[Page], cluster: Any = None
            ) -> dict[str, Any]:
    db = build(size)
    row: dict[str, Any] = {"size": size, "passages": Store(db).stats()["passages"]}
    where: Path | str = db
    if cluster is not None:  # PostgreSQL: a copy of the store, its import timed
        where = cluster.database(f"perf_{size}")
        row |= pgstore.copy(db, where)
        print(f"{size}: {row['import_passages']:,} passages imported into PostgreSQL in "
              f"{row['import_s']:.0f} s ({row['import_passages_per_s']:,.0f} passages/s)",
              flush=True)
    compared = compare(db, queries if row["passages"] < BIG else queries[:naive],
                       None if cluster is None else str(where))
    row |= measure_server(where, queries, repeat, adds, others)
    row |= measure_cpu(where, queries, repeat, cluster)
    row |= compared
    if size == "seed":  # the typical articles have nothing to agree on in the seed story:
        # agreement there is measured on the seed articles, each against the four others
        seeds = compare(db, seed_pages(), None if cluster is None else str(where))
        row |= {"agreement": seeds["agreement"], "claims_compared": seeds["claims_compared"]}
    row["speedup"] = row["naive_p50_ms"] / row["analysis_p50_ms"]
    return row


def profile(size: str, query: Page) -> None:
    from pyinstrument import Profiler

    store = Store(build(size))
    pipeline.analysis_json(pipeline.analyze(store, query))
    profiler = Profiler(interval=0.0005)
    with profiler:
        pipeline.analysis_json(pipeline.analyze(store, query))
    print(profiler.output_text(show_all=False))


COLUMNS = [
    ("size", "store", "{}"), ("passages", "passages", "{:,}"),
    ("analysis_p50_ms", "p50 ms", "{:.1f}"), ("analysis_p95_ms", "p95 ms", "{:.1f}"),
    ("analysis_cpu_p50_ms", "CPU p50 ms", "{:.1f}"), ("first_p50_ms", "first p50 ms", "{:.1f}"),
    ("first_cpu_p50_ms", "first CPU p50 ms", "{:.1f}"),
    ("db_cpu_p50_ms", "DB CPU p50 ms", "{:.1f}"),
    ("naive_p50_ms", "naive p50 ms", "{:,.0f}"), ("speedup", "speed-up", "{:,.0f}x"),
    ("agreement", "agreement", "{:.1%}"), ("claims_compared", "claims", "{}"),
    ("add_p50_ms", "add p50 ms", "{:.1f}"), ("server_rss_mb", "RSS MB", "{:.0f}"),
    ("cold_start_s", "cold s", "{:.2f}"),
]


def table(rows: list[dict[str, Any]], ingest: dict[str, Any], backend: str = "sqlite") -> str:
    columns = [c for c in COLUMNS if any(c[0] in row for row in rows)]  # DB CPU: PostgreSQL
    lines = ["| " + " | ".join(h for _, h, _ in columns) + " |",
             "|" + "---|" * len(columns)]
    for row in rows:
        cells = [f.format(row[k]) for k, _, f in columns]
        if not row["claims_compared"]:
            cells[[k for k, _, _ in columns].index("agreement")] = "-"
        if row["naive_p50_ms"] != row["naive_p50_ms"]:  # NaN: --naive 0
            for key in ("naive_p50_ms", "speedup"):
                cells[[k for k, _, _ in columns].index(key)] = "-"
        lines.append("| " + " | ".join(cells) + " |")
    for row in rows:
        if "import_passages_per_s" in row:
            lines.append(f"\nimport into PostgreSQL, {row['size']}: {row['import_passages']:,} "
                         f"passages in {row['import_s']:.0f} s = "
                         f"{row['import_passages_per_s']:,.0f} passages/s")
    lines.append(
        f"\ningest ({backend}): {ingest['ingest_pages']} HTML pages, "
        f"{ingest['ingest_pages_per_s']:.0f} pages/s on {CORES} cores = "
        f"{ingest['ingest_pages_per_s_per_core']:.0f} pages/s per core")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="seed,50k,1m", help="comma-separated: seed,50k,1m")
    parser.add_argument("--articles", type=int, default=10, help="typical articles analysed")
    parser.add_argument("--repeat", type=int, default=5, help="analyses of each article")
    parser.add_argument("--naive", type=int, default=3,
                        help=f"articles run through the baseline in stores of {BIG:,}+ passages "
                             "(smaller stores: all)")
    parser.add_argument("--adds", type=int, default=20, help="articles added through the API")
    parser.add_argument("--fill", type=int, default=30,
                        help="other articles analysed before reading the server's memory")
    parser.add_argument("--pages", type=int, default=1000, help="HTML pages imported")
    parser.add_argument("--smoke", action="store_true", help="tiny run: seed store, few pages")
    parser.add_argument("--profile", metavar="SIZE", help="profile one analysis instead")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: copies of the stores in a throwaway PostgreSQL cluster")
    parser.add_argument("--out", type=Path, default=corpus.OUT,
                        help="folder for built stores and pages (default: bench/out)")
    args = parser.parse_args()
    corpus.OUT = args.out
    if args.smoke:
        args.sizes, args.articles, args.repeat, args.naive, args.adds, args.pages, args.fill = (
            "seed", 2, 1, 1, 2, 10, 1)
    pages = real_pages()
    chosen = typical(pages, args.articles + args.fill)
    queries, others = chosen[: args.articles], chosen[args.articles:]
    if args.profile:
        profile(args.profile, queries[0])
        return
    adds = new_articles(pages, args.adds)
    host = {"host_ms_before": host_ms()}
    with ExitStack() as stack:
        cluster = stack.enter_context(pgstore.cluster()) if args.backend == "postgres" else None
        rows = [measure(size, queries, args.repeat, args.naive, adds, others, cluster)
                for size in args.sizes.split(",")]
        ingest = measure_ingest(args.pages, cluster)
    host["host_ms_after"] = host_ms()
    if args.json:
        print(json.dumps({"sizes": rows, **ingest, "cores": CORES, "backend": args.backend,
                          **host}))
    else:
        print(table(rows, ingest, args.backend))
        print(f"host: a 1,000,000-step Python loop took {host['host_ms_before']:.0f} ms before "
              f"and {host['host_ms_after']:.0f} ms after (the machine's speed of the moment)")


if __name__ == "__main__":
    main()
