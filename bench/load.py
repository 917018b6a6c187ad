"""Load test: concurrent additions and analyses against a real server on 127.0.0.1.

Starts `crosscheck serve` on a free loopback port with a temporary store, sends a bounded
number of requests from a thread pool (each new article twice, so duplicates race), prints
requests per second and latency percentiles per endpoint, then checks that every added
article is stored exactly once. Exits non-zero if any request failed or the store is wrong.

    .venv/bin/python bench/load.py            # 200 adds (x2) + 200 analyses, 8 at a time
    .venv/bin/python bench/load.py --small    # a quick run, as CI does
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import httpx2 as httpx

from crosscheck.security import read_token

PLACES = ["Lyon", "Porto", "Gdansk", "Tartu", "Varna", "Bergen", "Cork", "Graz", "Bari", "Ghent"]
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def article(i: int) -> dict[str, str]:
    place = PLACES[i % len(PLACES)]
    text = (f"The council of {place} approved plan number {i} on Monday by {i % 50 + 3} votes. "
            f"Mayor Ana Kovac of {place} said the plan would cost {i * 7 + 11} million euros. "
            f"Officials in {place} expect {i % 90 + 10} new jobs from project {i} by next year.")
    return {"text": text, "url": f"https://load.test/{i}", "outlet": place}


def probe(i: int) -> dict[str, str]:
    """A page to analyse: a seed article, or a rewording of an added one."""
    seeds = sorted(SEEDS.glob("*.txt"))
    if i % 2 == 0:
        return {"text": seeds[i // 2 % len(seeds)].read_text("utf-8")}
    place = PLACES[i % len(PLACES)]
    return {"text": f"Officials said the council of {place} backed plan {i} on Monday, with "
                    f"{i % 50 + 4} votes in favour. It will cost {i * 7 + 12} million euros."}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth(db: Path) -> dict[str, str]:
    """The token the server made beside its store, as every request must carry it."""
    return {"Authorization": f"Bearer {read_token(db)}"}


def start_server(db: Path, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "serve", "--port", str(port), "--db", str(db)],
        stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/health", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def send(client: httpx.Client, job: tuple[str, dict[str, str]]) -> tuple[str, int, float]:
    path, body = job
    start = time.perf_counter()
    try:
        status = client.post(path, json=body).status_code
    except httpx.TransportError:
        status = 0  # the connection broke: counted as a failure
    return path, status, time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(
        values) > 1 else values[0]


def report(results: list[tuple[str, int, float]], elapsed: float) -> None:
    print(f"{len(results)} requests in {elapsed:.1f} s: {len(results) / elapsed:.1f} requests/s")
    for path in sorted({r[0] for r in results}):
        times = [r[2] * 1000 for r in results if r[0] == path]
        print(f"  POST {path:14} n={len(times):4}  p50 {percentile(times, 50):7.0f} ms  "
              f"p95 {percentile(times, 95):7.0f} ms  max {max(times):7.0f} ms")
    print("  statuses:", dict(sorted(Counter(r[1] for r in results).items())))


def stored_once(url: str, headers: dict[str, str], added: list[dict[str, str]]) -> bool:
    listed = httpx.get(url + "/api/articles", timeout=60, headers=headers).json()["articles"]
    urls = [a["url"] for a in listed]
    wanted = {a["url"] for a in added}
    counts = Counter(u for u in urls if u in wanted)
    missing, twice = wanted - set(counts), [u for u, n in counts.items() if n > 1]
    print(f"stored: {len(counts)} of {len(wanted)} added articles, "
          f"{len(missing)} missing, {len(twice)} stored twice")
    return not missing and not twice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adds", type=int, default=200, help="new articles (each sent twice)")
    parser.add_argument("--analyses", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--small", action="store_true", help="20 adds, 20 analyses")
    args = parser.parse_args()
    adds, analyses = (20, 20) if args.small else (args.adds, args.analyses)

    added = [article(i) for i in range(adds)]
    jobs = [("/api/articles", a) for a in added * 2] + [
        ("/api/analyze", probe(i)) for i in range(analyses)]
    random.Random(4).shuffle(jobs)
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "server.log", "w+b") as log:
        proc, url = start_server(Path(tmp) / "load.db", log)
        headers = auth(Path(tmp) / "load.db")
        try:
            with httpx.Client(base_url=url, timeout=120, headers=headers) as client, \
                    ThreadPoolExecutor(args.concurrency) as pool:
                start = time.perf_counter()
                results = list(pool.map(lambda job: send(client, job), jobs))
                elapsed = time.perf_counter() - start
            report(results, elapsed)
            ok = stored_once(url, headers, added) and all(r[1] in (200, 201) for r in results)
        finally:
            proc.terminate()
            proc.wait(30)
        if not ok:
            log.seek(0)
            print("server log, last lines:", *log.read().decode().splitlines()[-40:], sep="\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
