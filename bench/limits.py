"""Can anyone starve the server? Figures for issue 14's two scenarios, on a real server.

1. 100 idle TCP connections held open: how long `/api/health` takes (20 calls).
2. Four huge pages (`{"html": "<p>" * 1200000}`) sent with 50 small analyses: what each
   gets and how fast, how long health takes meanwhile, and the server's peak memory.

    .venv/bin/python bench/limits.py
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

from crosscheck.security import read_token

ROOT = Path(__file__).resolve().parents[1]
HUGE = {"html": "<p>" * 1_200_000}


def small(i: int) -> dict[str, str]:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[i % 5].read_text("utf-8")
    return {"text": f"The council of Lyon approved plan {i} on Monday. " + seed[:2000]}


def start(db: Path, log: object) -> tuple[subprocess.Popen[bytes], httpx.Client, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "crosscheck", "serve", "--port", str(port),
                             "--db", str(db)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(url + "/api/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    auth = {"Authorization": f"Bearer {read_token(db)}"}
    return proc, httpx.Client(base_url=url, headers=auth, timeout=120), port


def timed(client: httpx.Client, method: str, path: str, **kw: object) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        status = client.request(method, path, **kw).status_code
    except httpx.TransportError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def line(name: str, results: list[tuple[int, float]]) -> str:
    times = [t for _, t in results]
    return (f"  {name:28} n={len(times):3}  p50 {statistics.median(times):7.0f} ms  "
            f"max {max(times):7.0f} ms  statuses {dict(Counter(s for s, _ in results))}")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def idle(client: httpx.Client, port: int) -> None:
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
    try:
        results = [timed(client, "GET", "/api/health", timeout=5) for _ in range(20)]
    finally:
        for sock in held:
            sock.close()
    print("100 idle connections held open:")
    print(line("GET /api/health", results))


def huge(client: httpx.Client, pid: int) -> None:
    with ThreadPoolExecutor(16) as pool:
        heavy = [pool.submit(timed, client, "POST", "/api/analyze", json=HUGE) for _ in range(4)]
        light = [pool.submit(timed, client, "POST", "/api/analyze", json=small(i))
                 for i in range(50)]
        health = []
        while not all(f.done() for f in heavy + light):
            health.append(timed(client, "GET", "/api/health", timeout=5))
            time.sleep(0.2)
    print("4 huge pages and 50 small analyses at once:")
    print(line("POST /api/analyze (huge)", [f.result() for f in heavy]))
    print(line("POST /api/analyze (small)", [f.result() for f in light]))
    print(line("GET /api/health meanwhile", health))
    print(f"  server peak memory (VmHWM): {peak_rss_mb(pid):.0f} MB")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "log", "wb") as log:
        proc, client, port = start(Path(tmp) / "bench.db", log)
        try:
            idle(client, port)
            huge(client, proc.pid)
        finally:
            client.close()
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
