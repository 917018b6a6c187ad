"""Benchmark stores of 5, ~50,000 and 1,000,000 passages, built from ../shared/bench.

    .venv/bin/python bench/corpus.py 1m      # build (or reuse) bench/out/store-1m.db

Sizes, each cached as bench/out/store-<size>.db and rebuilt only when missing:
  seed  the five seed articles (what `make run` serves);
  50k   seed + the BBC News corpus (2,225 articles) + BASIL (240 articles of 80 events,
        three outlets each), imported through `crosscheck import` (JSON lines);
  1m    50k + deterministic variants of the real articles until the store holds
        1,000,000 passages. Variant k of an article keeps its sentences in order and,
        per sentence, (a) adds k to every number, (b) replaces about one content word in
        four by another word of the corpus (which word and what replaces it follow from a
        CRC32 of word, sentence and k), (c) for odd k, swaps the clauses around the first
        comma. Variants get their own outlet ("Variant k") and URL. They are written
        through `Store.add_many`, in one transaction per 500 articles, and the full-text
        index is then optimized, as `crosscheck import` does.
Everything is a pure function of the input files: two builds give the same store.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tarfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from crosscheck.profile import for_storage
from crosscheck.store import Store
from crosscheck.types import Article, Page, Sentence

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
BBC = SHARED / "corpus" / "bbc" / "bbc-fulltext.tar.gz"
BASIL = SHARED / "clusters" / "basil" / "basil_articles_2010-2017.tar.gz"
OUT = REPO / "bench" / "out"
CROSSCHECK = Path(sys.executable).parent / "crosscheck"
SIZES = {"seed": 0, "50k": 0, "1m": 1_000_000}
WORD = re.compile(r"[A-Za-z]{4,}")
NUMBER = re.compile(r"\d+")


def tar_members(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each file in the tarball, by name (read in one sequential pass)."""
    with tarfile.open(path) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    yield from sorted(files.items())


def bbc_pages() -> Iterator[Page]:
    for name, raw in tar_members(BBC):
        if not name.endswith(".txt") or "README" in name:
            continue
        text = raw.decode("utf-8", errors="replace")
        title, _, body = text.partition("\n")
        yield Page(text=body.strip(), title=title.strip(), outlet="BBC News",
                   url=f"bbc:{name.removesuffix('.txt')}")


def basil_pages() -> Iterator[Page]:
    for name, raw in tar_members(BASIL):
        if not name.endswith(".json"):
            continue
        doc = json.loads(raw)
        body = "\n\n".join(" ".join(p) for p in doc["body-paragraphs"])
        yield Page(text=body, title=doc["title"], outlet=doc["source"].upper(),
                   url=doc["url"], published=doc["date"])


def real_pages() -> list[Page]:
    """The BBC corpus and BASIL, in a fixed order."""
    return [*bbc_pages(), *basil_pages()]


def store_path(size: str) -> Path:
    return OUT / f"store-{size}.db"


def build(size: str) -> Path:
    """The cached store of `size`, built first if missing."""
    path = store_path(size)
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.db")
    for stale in OUT.glob(tmp.name + "*"):
        stale.unlink()
    if size == "seed":  # a new store holds the seeds: any command creates it
        subprocess.run([str(CROSSCHECK), "stats", "--db", str(tmp)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elif size == "50k":
        import_jsonl(tmp, real_pages())
    else:
        copy_store(build("50k"), tmp)
        grow(Store(tmp), SIZES[size])
    checkpoint(tmp)
    tmp.rename(path)
    for stale in OUT.glob(tmp.name + "-*"):
        stale.unlink()
    return path


def import_jsonl(db: Path, pages: list[Page]) -> None:
    """Seeds plus `pages` through `crosscheck import` (both cores)."""
    jsonl = OUT / f"{db.stem}.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps(page.__dict__, ensure_ascii=False) + "\n")
    subprocess.run([str(CROSSCHECK), "import", str(jsonl), "--db", str(db)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    jsonl.unlink()


def copy_store(src: Path, dst: Path) -> None:
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def checkpoint(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def stored_articles(store: Store) -> list[tuple[dict[str, object], list[str]]]:
    """Every stored article's metadata and passage texts, in id order."""
    out = []
    for row in store.articles():
        found = store.article(int(row["id"]))  # type: ignore[arg-type]
        assert found is not None
        out.append((found, [p["text"] for p in found["passages"]]))  # type: ignore[union-attr]
    return out


def vocabulary(texts: list[str]) -> list[str]:
    return sorted({w.lower() for t in texts for w in WORD.findall(t)})


def crc(*parts: object) -> int:
    return zlib.crc32("\x1f".join(map(str, parts)).encode())


def variant(sentence: str, k: int, vocab: list[str]) -> str:
    """Variant k of a sentence: numbers shifted, words swapped, clauses reordered."""
    text = NUMBER.sub(lambda m: str(int(m.group()) + k), sentence)
    salt = crc(sentence, k)

    def swap(m: re.Match[str]) -> str:
        h = crc(m.group(), m.start(), salt)
        return vocab[h % len(vocab)] if h % 4 == 0 else m.group()

    text = WORD.sub(swap, text)
    head, comma, tail = text.partition(", ")
    if k % 2 and comma and len(head) > 20 and len(tail) > 20:
        text = f"{tail.rstrip('.')}, {head[0].lower()}{head[1:]}."
        text = text[0].upper() + text[1:]
    return text


def variant_article(meta: dict[str, object], sentences: list[str], k: int,
                    vocab: list[str]) -> tuple[Article, list[Sentence]]:
    texts = [variant(s, k, vocab) for s in sentences]
    spans, cursor = [], 0
    for t in texts:
        spans.append(Sentence(t, cursor, cursor + len(t)))
        cursor += len(t) + 1
    article = Article(
        text=" ".join(texts), title=f"{meta['title']} ({k})", outlet=f"Variant {k}",
        url=f"variant:{k}:{meta['id']}", published=meta.get("published"),  # type: ignore[arg-type]
    )
    return article, spans


def grow(store: Store, target: int) -> None:
    """Add variants k = 1, 2, ... of every stored article until `target` passages."""
    real = stored_articles(store)
    vocab = vocabulary([t for _, texts in real for t in texts])
    have = store.stats()["passages"]
    batch: list[tuple[Article, list[Sentence]]] = []
    k = 0
    with ProcessPoolExecutor() as pool:  # passages are profiled as they are stored

        def store_batch() -> None:
            profiled = pool.map(for_storage, [spans for _, spans in batch], chunksize=25)
            store.add_many(list(zip([a for a, _ in batch], profiled, strict=True)))

        while have < target:
            k += 1
            for meta, texts in real:
                texts = texts[: target - have]
                if not texts:
                    break
                batch.append(variant_article(meta, texts, k, vocab))
                have += len(texts)
                if len(batch) == 500:
                    store_batch()
                    batch = []
        store_batch()
    store.optimize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", choices=list(SIZES))
    args = parser.parse_args()
    path = build(args.size)
    print(path, Store(path).stats())


if __name__ == "__main__":
    main()


def host_loop_ms(clock: Callable[[], float]) -> float:
    """A fixed pure-Python loop, best of 3, in ms of `clock`: how fast this machine runs now."""
    best = math.inf
    for _ in range(3):
        start = clock()
        total = 0
        for i in range(1_000_000):
            total += i * i
        best = min(best, clock() - start)
    return best * 1000
