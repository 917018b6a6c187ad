"""How long `crosscheck --help` takes: the median of N runs, beside a bare `python -c pass`
(what any Python command costs on this machine at this moment).

    .venv/bin/python bench/startup.py          # 10 runs each
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    bare = median_seconds([sys.executable, "-c", "pass"], runs)
    help_ = median_seconds([sys.executable, "-m", "crosscheck", "--help"], runs)
    print(f"crosscheck --help: {help_ * 1000:.0f} ms median of {runs} "
          f"(python -c pass: {bare * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
