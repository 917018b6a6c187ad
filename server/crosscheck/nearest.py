"""The stored passages' sentence vectors in memory, and the passages nearest to a query.

Vectors are kept as the store keeps them: int8 (a unit vector scaled so its largest
component is 127: 256 bytes a passage), with each row's inverse norm, and searched by brute
force in blocks (numpy matrix products). The store feeds it the rows added since it last
looked (`extend`), or all of them again after a deletion.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BLOCK = 65_536  # rows turned into float32 at a time


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

    def cosines(self, queries: np.ndarray) -> np.ndarray:
        """(queries x stored passages) cosines, queries being unit vectors."""
        out = np.empty((len(queries), len(self.ids)), dtype=np.float32)
        for start in range(0, len(self.ids), BLOCK):
            block = self.rows[start:start + BLOCK].astype(np.float32)
            out[:, start:start + BLOCK] = (queries @ block.T) * self.inverse[start:start + BLOCK]
        return out

    def nearest(self, queries: np.ndarray, exclude: Iterable[int], k: int
                ) -> list[list[tuple[int, float]]]:
        """For each query vector, the k nearest passages outside the articles `exclude`:
        (passage id, cosine), nearest first."""
        if not len(self.ids) or not len(queries) or k <= 0:
            return [[] for _ in queries]
        scores = self.cosines(queries.astype(np.float32))
        scores[:, np.isin(self.articles, np.fromiter(exclude, dtype=np.int64))] = -2
        k = min(k, scores.shape[1])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        found = []
        for q, cols in enumerate(top):
            cols = cols[np.argsort(-scores[q, cols], kind="stable")]
            found.append([(int(self.ids[c]), float(scores[q, c])) for c in cols
                          if scores[q, c] > -2])
        return found
