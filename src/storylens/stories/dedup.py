"""Near-duplicates (syndicated wire copy, republished articles) with MinHash and LSH from rensa."""

from __future__ import annotations

import re

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
    """Finds, for each new text, an earlier text whose estimated Jaccard similarity passes `threshold`."""

    def __init__(self, threshold: float = 0.7) -> None:
        self.threshold = threshold
        self._lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=NUM_BANDS)
        self._keys: list[str] = []
        self._signatures: list[RMinHash] = []

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str) -> tuple[str, float] | None:
        """The most similar earlier text as (key, similarity), or None."""
        return self._best(signature(text))

    def add(self, key: str, text: str) -> tuple[str, float] | None:
        """Index `text` under `key`; return its best earlier duplicate, if any."""
        minhash = signature(text)
        best = self._best(minhash)
        self._lsh.insert(len(self._keys), minhash)
        self._keys.append(key)
        self._signatures.append(minhash)
        return best

    def _best(self, minhash: RMinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for slot in self._lsh.query(minhash):
            similarity = minhash.jaccard(self._signatures[slot])
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (self._keys[slot], similarity)
        return best
