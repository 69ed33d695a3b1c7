"""Near-duplicates (syndicated wire copy, republished articles) with MinHash and LSH from rensa."""

from __future__ import annotations

import re
from datetime import datetime

from rensa import RMinHash, RMinHashLSH

NUM_PERM = 128
NUM_BANDS = 32  # candidate threshold well under any useful duplicate threshold: LSH only proposes
SHINGLE = 5
SEED = 42
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def signature(text: str) -> RMinHash:
    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(shingles(text))
    return minhash


class DuplicateIndex:
    """Finds, for each new text, an earlier text whose estimated Jaccard similarity passes `threshold`.

    Dated texts can be evicted once they fall out of the time window (`evict`), so that memory
    follows the window, not the length of the stream.
    """

    def __init__(self, threshold: float = 0.7) -> None:
        self.threshold = threshold
        self._lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=NUM_BANDS)
        self._slots: dict[int, tuple[str, RMinHash, datetime | None]] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._slots)

    def find(self, text: str) -> tuple[str, float] | None:
        """The most similar earlier text as (key, similarity), or None."""
        return self._best(signature(text))

    def add(self, key: str, text: str, when: datetime | None = None) -> tuple[str, float] | None:
        """Index `text` under `key`; return its best earlier duplicate, if any."""
        minhash = signature(text)
        best = self._best(minhash)
        self._lsh.insert(self._next, minhash)
        self._slots[self._next] = (key, minhash, when)
        self._next += 1
        return best

    def evict(self, before: datetime) -> int:
        """Forget texts dated before `before`; return how many were dropped."""
        old = [slot for slot, (_, _, when) in self._slots.items() if when is not None and when < before]
        for slot in old:
            self._lsh.remove(slot)
            del self._slots[slot]
        return len(old)

    def _best(self, minhash: RMinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for slot in self._lsh.query(minhash):
            key, other, _ = self._slots[slot]
            similarity = minhash.jaccard(other)
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best
