"""Nearest neighbours over the headlines of active stories, with faiss: an exact scan while the
window is small, HNSW once it is large.

Up to `FLAT_LIMIT` rows an exact inner-product scan costs a few milliseconds a search and
nothing to build, which matters when a process loads a saved window (a graph over a few
thousand rows takes seconds to build on a busy machine; the flat index is a copy). Past it,
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
FLAT_LIMIT = 20_000  # live rows up to which an exact scan is used (about 2 ms a search at 384 dimensions)

# One article is searched at a time, so OpenMP has nothing to share out; its idle workers spin and
# take the core the embedder needs (a search took 13 ms instead of 0.1 ms while the embedder ran).
faiss.omp_set_num_threads(1)


class VectorIndex:
    """Unit vectors under integer row ids; `search` returns (row, cosine) pairs, best first."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._vectors: dict[int, np.ndarray] = {}
        self._dead: set[int] = set()
        self._next = 0
        self._index = self._empty(0)

    def __len__(self) -> int:
        return len(self._vectors)

    def add(self, vector: np.ndarray, row: int | None = None) -> int:
        """Index `vector` under the next free row, or under `row` (rows restored from a store)."""
        if row is None:
            row = self._next
        self._next = max(self._next, row + 1)
        vector = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, self.dim)
        self._vectors[row] = vector[0]
        self._index.add_with_ids(vector, np.array([row], dtype=np.int64))
        self._outgrown()
        return row

    def add_many(self, rows: list[int], vectors: np.ndarray) -> None:
        """Index many vectors under given rows at once (a state loaded from a store)."""
        if not rows:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        for row, vector in zip(rows, vectors, strict=True):
            self._vectors[row] = vector
        self._index.add_with_ids(vectors, np.asarray(rows, dtype=np.int64))
        self._next = max(self._next, max(rows) + 1)
        self._outgrown()

    def vector(self, row: int) -> np.ndarray:
        return self._vectors[row]

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

    @property
    def is_graph(self) -> bool:
        return self._graph

    def _outgrown(self) -> None:
        if not self._graph and len(self._vectors) > FLAT_LIMIT:
            self._rebuild()

    def _empty(self, rows: int) -> faiss.IndexIDMap:
        self._graph = rows > FLAT_LIMIT
        if not self._graph:
            return faiss.IndexIDMap(faiss.IndexFlatIP(self.dim))
        graph = faiss.IndexHNSWFlat(self.dim, NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efSearch = EF_SEARCH
        graph.hnsw.efConstruction = EF_CONSTRUCTION
        return faiss.IndexIDMap(graph)

    def _rebuild(self) -> None:
        self._index = self._empty(len(self._vectors))
        self._dead.clear()
        if self._vectors:
            rows = np.fromiter(self._vectors, dtype=np.int64, count=len(self._vectors))
            self._index.add_with_ids(np.stack(list(self._vectors.values())), rows)
