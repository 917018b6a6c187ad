"""The stored passages' sentence vectors in memory, and the passages nearest to a query.

Vectors are kept as the store keeps them: int8 (a unit vector scaled so its largest
component is 127: 256 bytes a passage), with each row's inverse norm, and searched by brute
force in blocks (numpy matrix products). The store feeds it the rows added since it last
looked (`extend`), or all of them again after a deletion.

Past APPROXIMATE_FROM vectors brute force is too slow, and with the extra
`crosscheck[semantic]` an approximate index (usearch's HNSW graph, Apache-2.0) answers
instead. Making the graph takes minutes at a million passages, so it is made in a background
thread (until it is ready, no neighbours are searched) and saved beside the store; a server
that finds it there reads it and only adds and removes what changed since.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

BLOCK = 16_384  # rows turned into float32 at a time (16 MiB)
APPROXIMATE = importlib.util.find_spec("usearch") is not None  # the extra is installed (it is
# imported only when a store needs it; without it, brute force up to APPROXIMATE_FROM only)
APPROXIMATE_FROM = 200_000  # vectors past which the graph answers (brute force: about 4 ms a
# claim at 40,000 passages, growing with the store)
SAVE_AFTER = 10_000  # passages added or removed since the graph was saved that make it save again


class VectorIndex:
    def __init__(self, dims: int, saved: Path | None = None):
        """`saved`: where the approximate graph is kept between runs (None: in memory only)."""
        self.dims = dims
        self.ids = np.zeros(0, dtype=np.int64)
        self.articles = np.zeros(0, dtype=np.int64)
        self.rows = np.zeros((0, dims), dtype=np.int8)
        self.inverse = np.zeros(0, dtype=np.float32)
        self.saved = saved
        self.graph: Any = None  # usearch Index once made, holding self.ids[:self.in_graph]
        self.in_graph = 0
        self.making: threading.Thread | None = None
        self.graph_lock = threading.Lock()

    def last_id(self) -> int:
        return int(self.ids[-1]) if len(self.ids) else 0

    def extend(self, rows: Iterable[tuple[int, int, bytes]]) -> None:
        """Add (passage id, article id, int8 vector bytes) rows, in increasing id order."""
        rows = list(rows)
        if not rows:
            return
        ids, articles, blobs = zip(*rows, strict=True)
        block = np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(rows), self.dims)
        norms = np.linalg.norm(block.astype(np.float32), axis=1)
        self.ids = np.concatenate([self.ids, np.array(ids, dtype=np.int64)])
        self.articles = np.concatenate([self.articles, np.array(articles, dtype=np.int64)])
        self.rows = np.concatenate([self.rows, block])
        self.inverse = np.concatenate(
            [self.inverse, np.where(norms > 0, 1 / np.where(norms > 0, norms, 1), 0)
             .astype(np.float32)])

    def nearest(self, queries: np.ndarray, exclude: Iterable[int], k: int
                ) -> list[list[tuple[int, float]]]:
        """For each query vector (a unit vector), the k nearest passages outside the articles
        `exclude`: (passage id, cosine), nearest first. Each block of rows keeps only its k
        best per query, so memory stays within a block whatever the store's size."""
        if not len(self.ids) or not len(queries) or k <= 0:
            return [[] for _ in queries]
        queries = queries.astype(np.float32)
        shut = np.isin(self.articles, np.fromiter(exclude, dtype=np.int64))
        if len(self.ids) > APPROXIMATE_FROM:
            return self.approximate(queries, shut, k)
        best_scores, best_rows = [], []
        for start in range(0, len(self.ids), BLOCK):
            end = min(start + BLOCK, len(self.ids))
            scores = (queries @ self.rows[start:end].astype(np.float32).T) * self.inverse[start:end]
            scores[:, shut[start:end]] = -2
            keep = min(k, end - start)
            top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
            best_scores.append(np.take_along_axis(scores, top, axis=1))
            best_rows.append(top + start)
        scores, rows = np.concatenate(best_scores, axis=1), np.concatenate(best_rows, axis=1)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [[(int(self.ids[r]), float(c)) for r, c in zip(rows[q, order[q]],
                                                               scores[q, order[q]], strict=True)
                 if c > -2] for q in range(len(queries))]

    def approximate(self, queries: np.ndarray, shut: np.ndarray, k: int
                    ) -> list[list[tuple[int, float]]]:
        """`nearest` by the graph: the k + (passages shut out) nearest, those shut out then
        dropped. Nothing before the graph is ready (or without usearch)."""
        graph = self.ready()
        if graph is None:
            return [[] for _ in queries]
        found = graph.search(queries, k + int(shut.sum()), threads=1)
        keys = np.atleast_2d(found.keys).astype(np.int64)
        cosines = 1 - np.atleast_2d(found.distances)
        counts = np.atleast_1d(getattr(found, "counts", len(found.keys)))  # one query: 1-D
        out = []
        for row_keys, row_cosines, n in zip(keys, cosines, counts, strict=True):
            rows = np.searchsorted(self.ids, row_keys[:n])
            out.append([(int(key), float(c)) for key, c, r in zip(
                row_keys[:n], row_cosines[:n], rows, strict=True)
                if r < len(self.ids) and self.ids[r] == key and not shut[r]][:k])
        return out

    def ready(self) -> Any:
        """The graph with every row added since it was made, or None while it is being made
        (its making started on first need)."""
        if not APPROXIMATE:
            return None
        with self.graph_lock:
            if self.graph is None:
                if self.making is None:
                    self.making = threading.Thread(target=self.make_graph, daemon=True,
                                                   name="crosscheck-vector-graph")
                    self.making.start()
                return None
            if self.in_graph < len(self.ids):
                self.graph.add(self.ids[self.in_graph:], self.rows[self.in_graph:], threads=1)
                self.in_graph = len(self.ids)
            return self.graph

    def make_graph(self) -> None:
        """Read the saved graph and bring it up to date (rows removed since taken out, rows
        added since put in), or make it from every row; save it when much changed."""
        ids, rows = self.ids, self.rows  # what the graph will hold (extend replaces them)
        taken = len(ids)
        graph = self.new_graph()
        changed = len(ids)
        if self.saved is not None and self.saved.exists():
            try:
                graph.load(str(self.saved))
            except (RuntimeError, ValueError):  # damaged or of other vectors: made again
                graph = self.new_graph()
            held = np.asarray(graph.keys, dtype=np.int64) if len(graph) else np.zeros(0, np.int64)
            gone = np.setdiff1d(held, ids, assume_unique=True)
            if len(gone):
                graph.remove(gone)
            missing = ~np.isin(ids, held, assume_unique=True)
            changed = len(gone) + int(missing.sum())
            ids, rows = ids[missing], rows[missing]
        if len(ids):
            graph.add(ids, rows, threads=1)  # one core: the others keep answering
        if self.saved is not None and changed >= SAVE_AFTER:
            try:
                graph.save(str(self.saved))
            except (OSError, RuntimeError):  # a read-only folder: made again next time
                pass
        with self.graph_lock:
            self.graph, self.in_graph = graph, taken

    def new_graph(self) -> Any:
        from usearch.index import Index

        return Index(ndim=self.dims, metric="cos", dtype="i8", connectivity=16,
                     expansion_add=64, expansion_search=64)
