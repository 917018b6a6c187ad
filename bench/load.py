"""Load test: concurrent additions and analyses against real servers on 127.0.0.1.

Starts `crosscheck serve` on free loopback ports, sends requests from a thread pool, prints
requests per second and latency percentiles per endpoint, then checks that every added
article is stored exactly once. Exits non-zero if any request failed or the store is wrong.

Two modes:
  counted   (default) one server on a temporary SQLite store, a bounded number of requests:
            each new article sent twice, so duplicates race.
  timed     (--seconds) --servers servers on ONE store (--backend postgres: a throwaway
            PostgreSQL cluster, tests/pgcluster.py, or --url an existing database),
            --clients clients per server, adding and analysing until the time is up. Clients
            go in pairs on two different servers: each add of a pair sends the same new
            article to both servers at the same moment (a barrier), so the database decides
            which one stores it. Then: errors, articles lost (answered as added, not stored),
            stored twice, and whether an article added through one server is matched by an
            analysis on every other.

    .venv/bin/python bench/load.py            # 200 adds (x2) + 200 analyses, 8 at a time
    .venv/bin/python bench/load.py --small    # a quick run, as CI does
    .venv/bin/python bench/load.py --backend postgres --servers 4 --clients 8 --seconds 60
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import httpx2 as httpx

from crosscheck.security import read_token

ROOT = Path(__file__).resolve().parents[1]
PLACES = ["Lyon", "Porto", "Gdansk", "Tartu", "Varna", "Bergen", "Cork", "Graz", "Bari", "Ghent"]
SEEDS = ROOT / "seeds"
TOKEN = secrets.token_urlsafe(16)  # timed mode: every server takes this one (CROSSCHECK_TOKEN)


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


def auth(db: Path | str) -> dict[str, str]:
    """The token the server made for its store, as every request must carry it."""
    return {"Authorization": f"Bearer {read_token(db)}"}


def start_server(db: Path | str, log: IO[bytes], *extra: str,
                 env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "serve", "--port", str(port), "--db", str(db),
         *extra], stdout=log, stderr=log, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server on {db} stopped at start")
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
    listed = httpx.get(url + "/api/articles", timeout=120, headers=headers).json()["articles"]
    urls = [a["url"] for a in listed]
    wanted = {a["url"] for a in added}
    counts = Counter(u for u in urls if u in wanted)
    missing, twice = wanted - set(counts), [u for u, n in counts.items() if n > 1]
    print(f"stored: {len(counts)} of {len(wanted)} added articles, "
          f"{len(missing)} missing, {len(twice)} stored twice")
    return not missing and not twice


def counted(args: argparse.Namespace) -> int:
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


# ------------------------------------------------------------------ timed, several servers


class Pair:
    """Two clients on two servers that add the same articles at the same moment."""

    def __init__(self, number: int, deadline: float, counter: itertools.count[int]):
        self.rng = random.Random(number)
        self.deadline, self.counter = deadline, counter
        self.go, self.step = True, (0, False)
        self.barrier = threading.Barrier(2, action=self.decide)

    def decide(self) -> None:
        """Run by one of the two at each meeting: go on or stop, add (which article) or not."""
        self.go = time.monotonic() < self.deadline
        self.step = (next(self.counter), self.rng.random() < 2 / 3)


def client_loop(pair: Pair, url: str, seen: list[tuple[str, int, float, int, dict[str, Any]]]
                ) -> None:
    with httpx.Client(base_url=url, timeout=120, headers={
            "Authorization": f"Bearer {TOKEN}"}) as client:
        while True:
            pair.barrier.wait()
            if not pair.go:
                return
            number, adding = pair.step
            path, body = ("/api/articles", article(number)) if adding else (
                "/api/analyze", probe(number))
            start = time.perf_counter()
            try:
                response = client.post(path, json=body)
                status, answer = response.status_code, response.json()
            except (httpx.TransportError, ValueError):
                status, answer = 0, {}
            seen.append((path, status, time.perf_counter() - start, number, answer))


def timed(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        db = args.url or database(stack, args.backend)
        log = stack.enter_context(tempfile.TemporaryFile())
        servers = []
        for _ in range(args.servers):
            proc, url = start_server(db, log, "--no-seeds", env={"CROSSCHECK_TOKEN": TOKEN})
            stack.callback(lambda p=proc: (p.terminate(), p.wait(30)))
            servers.append(url)
        counter = itertools.count(int(time.time() * 1000) % 10**9 * 1000)  # new articles
        deadline = time.monotonic() + args.seconds
        pairs = [Pair(p, deadline, counter) for p in range(args.servers * args.clients // 2)]
        seen: list[tuple[str, int, float, int, dict[str, Any]]] = []
        threads = [threading.Thread(target=client_loop, args=(
            pair, servers[(p + side) % len(servers)], seen))
            for p, pair in enumerate(pairs) for side in (0, 1)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        print(f"{args.servers} servers on {args.backend if not args.url else 'your database'}, "
              f"{args.clients} clients each, {args.seconds:.0f} s")
        report([r[:3] for r in seen], elapsed)
        ok = verdict(seen, servers)
        if not ok:
            log.seek(0)
            print("server log, last lines:", *log.read().decode().splitlines()[-40:], sep="\n")
    return 0 if ok else 1


def database(stack: ExitStack, backend: str) -> str:
    """A new, empty store for the servers to share."""
    if backend == "sqlite":
        return str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "load.db")
    sys.path.insert(0, str(ROOT / "tests"))
    from pgcluster import Cluster

    cluster = stack.enter_context(Cluster(fast=False))
    return cluster.database("load")


def verdict(seen: list[tuple[str, int, float, int, dict[str, Any]]], servers: list[str]
            ) -> bool:
    errors = [r for r in seen if r[1] not in (200, 201)]
    adds: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for path, status, _, number, answer in seen:
        if path == "/api/articles" and status in (200, 201):
            adds.setdefault(number, []).append((status, answer))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    listed = httpx.get(servers[0] + "/api/articles", timeout=300,
                       headers=headers).json()["articles"]
    stored = Counter(a["url"] for a in listed)
    lost = [n for n in adds if stored[article(n)["url"]] == 0]
    twice = [n for n in adds if stored[article(n)["url"]] > 1]
    created = Counter(sum(s == 201 for s, _ in answers) for answers in adds.values())
    one_id = sum(len({a["id"] for _, a in answers}) == 1 for answers in adds.values())
    print(f"errors: {len(errors)}; articles added: {len(adds)}, lost {len(lost)}, stored twice "
          f"{len(twice)}; created by exactly one of the two servers: {created[1]} "
          f"(by none: {created[0]}, by both: {created[2]}); one id for both: {one_id}")
    seen_by_all = matched_everywhere(servers, headers)
    return not errors and not lost and not twice and created[1] == len(adds) == one_id and (
        seen_by_all)


def matched_everywhere(servers: list[str], headers: dict[str, str]) -> bool:
    """An article added through one server is found at once by an analysis on every server."""
    found = 0
    for url in servers:
        town = f"Kelvor{secrets.token_hex(3)}"
        text = (f"The harbour of {town} reopened on Friday after the storm, the port authority "
                f"of {town} said. Ferries to {town} will run again from Monday.")
        added = httpx.post(url + "/api/articles", json={"text": text, "url": f"load:{town}"},
                           timeout=120, headers=headers).json()
        for other in servers:
            body = httpx.post(other + "/api/analyze", timeout=120, headers=headers, json={
                "text": f"Port officials said on Friday that the harbour of {town} had "
                        "reopened after the storm."}).json()
            found += any(m["passage"]["article_id"] == added["id"]
                         for c in body["claims"] for m in c["matches"])
    print(f"matched at once on every server: {found} of {len(servers) ** 2} analyses found the "
          "article just added through one of them")
    return found == len(servers) ** 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adds", type=int, default=200, help="new articles (each sent twice)")
    parser.add_argument("--analyses", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--small", action="store_true", help="20 adds, 20 analyses")
    parser.add_argument("--seconds", type=float, help="timed mode: run this long")
    parser.add_argument("--servers", type=int, default=4, help="timed mode: servers on one store")
    parser.add_argument("--clients", type=int, default=8, help="timed mode: clients per server")
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres",
                        help="timed mode: the store they share (postgres: a throwaway cluster)")
    parser.add_argument("--url", help="timed mode: use this PostgreSQL database instead")
    args = parser.parse_args()
    return timed(args) if args.seconds else counted(args)


if __name__ == "__main__":
    sys.exit(main())
