"""Score `crosscheck extract --json` on two article-extraction test sets.

    .venv/bin/python bench/extraction.py            # F1, precision, recall, empties, pages/s
    .venv/bin/python bench/extraction.py --json     # the same as one JSON object

The sets live beside the repo: ../shared/bench/extraction (Zyte's benchmark, 181 news pages,
human-labelled) and ../shared/bench/readability (88 pages of many shapes from Mozilla
Readability's test suite, labelled by Readability.js), each as html/<id>.html.gz. The pages
of a set are decompressed to a temporary folder as <id>.html and passed to one
`crosscheck extract --json` process; the JSON lines it prints become PRED.json
({id: text}), scored by the bench's own score.py. Speed is measured twice on one core:
the CPU time of `extract()` in this process on each decoded page (the ingest figure: pages
per second over the set, and the median, 95th-percentile and slowest page),
and the wall time of the whole CLI run (start-up, reading, decoding and JSON included;
this one slows down when the machine is busy). The plain-text path is scored too:
`extract_text` on each page's visible text (one line per block, as a reader would copy
it), which is what the furniture cleaner faces with a pasted page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "bench" / "extraction"  # also holds the scorer, score.py
SETS = {"zyte": BENCH, "readability": REPO.parent / "shared" / "bench" / "readability"}
CROSSCHECK = Path(sys.executable).parent / "crosscheck"
METADATA = ("title", "author", "published", "outlet", "url")


def pages(folder: Path = BENCH) -> list[Path]:
    return sorted((folder / "html").glob("*.html.gz"))


def page_id(file: str) -> str:
    return Path(file).name.split(".")[0]


def run_cli(files: list[Path]) -> tuple[list[dict[str, str]], float]:
    """The JSON records `crosscheck extract --json` prints for the pages, and its wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        htmls = [Path(tmp) / f"{page_id(f.name)}.html" for f in files]
        for src, dst in zip(files, htmls, strict=True):
            dst.write_bytes(gzip.decompress(src.read_bytes()))
        start = time.perf_counter()
        out = subprocess.run([str(CROSSCHECK), "extract", "--json", *map(str, htmls)],
                             check=True, capture_output=True, text=True).stdout
        elapsed = time.perf_counter() - start
    return [json.loads(line) for line in out.splitlines() if line.strip()], elapsed


def time_in_process(files: list[Path]) -> list[float]:
    """CPU seconds `extract` itself takes on each page (no start-up, no JSON). CPU time,
    not wall time, so that other work on the machine does not count against one core."""
    from crosscheck.extract import ExtractError, extract
    from crosscheck.types import Page

    htmls = [gzip.decompress(f.read_bytes()).decode("utf-8") for f in files]
    seconds = []
    for html in htmls:
        start = time.process_time()
        try:
            extract(Page(html=html))
        except ExtractError:
            pass
        seconds.append(time.process_time() - start)
    return seconds


def text_captures(files: list[Path]) -> dict[str, str]:
    """Each page as a reader's browser would copy its visible text: one line per block."""
    from crosscheck.extract import html_blocks, parse

    captures = {}
    for file in files:
        root = parse(gzip.decompress(file.read_bytes()).decode("utf-8"))
        body = root.find("body")
        captures[page_id(file.name)] = "\n".join(
            b.text for b in html_blocks(body if body is not None else root))
    return captures


def text_path(files: list[Path], truth: Path) -> dict[str, float]:
    """F1 of `extract_text` (the furniture cleaner) on the text captures of the pages."""
    from crosscheck.extract import ExtractError, extract_text

    pred = {}
    for pid, capture in text_captures(files).items():
        try:
            pred[pid] = extract_text(capture).text
        except ExtractError:
            pred[pid] = ""
    return score(pred, truth)


def score(pred: dict[str, str], truth: Path) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(pred, f, ensure_ascii=False)
    out = subprocess.run([sys.executable, str(BENCH / "score.py"), f.name, "--json",
                          "--truth", str(truth)], check=True, capture_output=True, text=True).stdout
    Path(f.name).unlink()
    return json.loads(out)


def measure(folder: Path = BENCH, save: Path | None = None) -> dict[str, float]:
    files = pages(folder)
    truth = folder / "ground-truth.json"
    records, cli_seconds = run_cli(files)
    pred = {page_id(r["file"]): r["text"] for r in records}
    if save:
        save.write_text(json.dumps(pred, ensure_ascii=False))
    result = score(pred, truth)
    page_seconds = sorted(time_in_process(files))
    seconds = sum(page_seconds)
    text = text_path(files, truth)
    return {
        "pages": result["pages"], "f1": result["f1"], "precision": result["precision"],
        "recall": result["recall"], "accuracy": result["accuracy"],
        "empty": result["empty_predictions"],
        "pages_per_second": len(files) / seconds,
        "ms_per_page": 1000 * seconds / len(files),
        "median_ms": 1000 * statistics.median(page_seconds),
        "p95_ms": 1000 * page_seconds[math.ceil(0.95 * len(page_seconds)) - 1],
        "max_ms": 1000 * page_seconds[-1],
        "cli_pages_per_second": len(files) / cli_seconds,
        "metadata_found": {key: sum(1 for r in records if r.get(key)) for key in METADATA},
        "text_path": {key: text[key] for key in ("f1", "precision", "recall")},
    }


def host_cpu_ms() -> float:
    """bench/perf.py's fixed loop (`host_ms`), best of 3, in CPU time like the in-process
    speeds here: on a shared machine the CPU time of the same work still grows with the load
    (a shared core, its caches), and this loop shows by how much."""
    from corpus import host_loop_ms
    return host_loop_ms(time.process_time)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--save", type=Path, help="also write PRED-<set>.json in this folder")
    parser.add_argument("--set", choices=[*SETS, "all"], default="all", help="which test set")
    args = parser.parse_args()
    names = list(SETS) if args.set == "all" else [args.set]
    host = host_cpu_ms()
    results = {name: measure(SETS[name], args.save and args.save / f"PRED-{name}.json")
               for name in names}
    host = min(host, host_cpu_ms())
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({"host_cpu_ms": host, "load": load, **results}))
        return
    print(f"host: a 1,000,000-step Python loop took {host:.0f} ms of CPU time (about 45 on an "
          f"idle core: how busy this core is; the in-process speeds below slow down with it, "
          f"less than in proportion); load average {load:.1f}")
    for name, m in results.items():
        print(f"== {name} ({SETS[name].relative_to(REPO.parent)})")
        report(m)


def report(m: dict) -> None:
    print(f"pages      {m['pages']}  (empty: {m['empty']})")
    for key in ("f1", "precision", "recall", "accuracy"):
        print(f"{key:<10} {m[key]:.3f}")
    print(f"speed      {m['pages_per_second']:.1f} pages/s in process "
          f"({m['ms_per_page']:.1f} ms/page; a page: median {m['median_ms']:.1f} ms, "
          f"95th percentile {m['p95_ms']:.1f}, slowest {m['max_ms']:.0f}), "
          f"{m['cli_pages_per_second']:.1f} pages/s through the CLI (one core)")
    found = ", ".join(f"{key} {n}" for key, n in m["metadata_found"].items())
    print(f"metadata   pages with: {found} (of {m['pages']})")
    t = m["text_path"]
    print(f"text path  F1 {t['f1']:.3f}, precision {t['precision']:.3f}, recall {t['recall']:.3f}"
          " (extract_text on each page's visible text, one line per block)")


if __name__ == "__main__":
    main()
