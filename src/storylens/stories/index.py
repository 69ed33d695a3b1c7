"""Approximate nearest neighbours over the headlines of active stories, with faiss HNSW.

HNSW keeps the search cost nearly flat as the index grows, but faiss cannot delete from it. Rows
of ended stories are therefore marked dead and skipped, and the graph is rebuilt from the live
rows once the dead outnumber them: each rebuild is paid for by as many removals, so the cost per
article stays flat over an endless stream, and memory follows the live window.
"""

from __future__ import annotations

from collections.abc import Iterable

import faiss
import numpy as np

NEIGHBOURS = 32  # HNSW graph degree (faiss' M)
EF_SEARCH = 64  # breadth of the search; recall 1.0 at this size in DEPENDENCIES.md's measurement
EF_CONSTRUCTION = 40


class VectorIndex:
    """Unit vectors under integer row ids; `search` returns (row, cosine) pairs, best first."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._vectors: dict[int, np.ndarray] = {}
        self._dead: set[int] = set()
        self._next = 0
        self._index = self._empty()

    def __len__(self) -> int:
        return len(self._vectors)

    def add(self, vector: np.ndarray) -> int:
        row = self._next
        self._next += 1
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        self._vectors[row] = vector[0]
        self._index.add_with_ids(vector, np.array([row], dtype=np.int64))
        return row

    def remove(self, rows: Iterable[int]) -> None:
        for row in rows:
            if self._vectors.pop(row, None) is not None:
                self._dead.add(row)
        if len(self._dead) > max(len(self._vectors), 1024):
            self._rebuild()

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self._vectors:
            return []
        # Dead rows are at most half the graph (plus one rebuild's slack), so fetching twice
        # as many and dropping them still leaves `k` live ones in practice.
        fetch = min(self._index.ntotal, 2 * k + 8)
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        scores, rows = self._index.search(query, fetch)
        found = [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True)
                 if r >= 0 and int(r) not in self._dead]
        return found[:k]

    def _empty(self) -> faiss.IndexIDMap:
        graph = faiss.IndexHNSWFlat(self.dim, NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efSearch = EF_SEARCH
        graph.hnsw.efConstruction = EF_CONSTRUCTION
        return faiss.IndexIDMap(graph)

    def _rebuild(self) -> None:
        self._index = self._empty()
        self._dead.clear()
        if self._vectors:
            rows = np.fromiter(self._vectors, dtype=np.int64, count=len(self._vectors))
            self._index.add_with_ids(np.stack(list(self._vectors.values())), rows)
