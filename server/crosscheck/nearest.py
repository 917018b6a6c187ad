"""The stored passages' sentence vectors in memory, and the passages nearest to a query.

Vectors are kept as the store keeps them: int8 (a unit vector scaled so its largest
component is 127: 256 bytes a passage), with each row's inverse norm, and searched by brute
force in blocks (numpy matrix products). The store feeds it the rows added since it last
looked (`extend`), or all of them again after a deletion.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BLOCK = 16_384  # rows turned into float32 at a time (16 MiB)


class VectorIndex:
    def __init__(self, dims: int):
        self.dims = dims
        self.ids = np.zeros(0, dtype=np.int64)
        self.articles = np.zeros(0, dtype=np.int64)
        self.rows = np.zeros((0, dims), dtype=np.int8)
        self.inverse = np.zeros(0, dtype=np.float32)

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
