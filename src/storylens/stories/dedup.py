"""Near-duplicates (syndicated wire copy, republished articles) with MinHash and LSH from rensa."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Slot:
    """One remembered text: its key (article id), signature, date and the story it went to."""

    key: str
    minhash: RMinHash
    when: datetime | None
    story: str | None = None


class DuplicateIndex:
    """Finds, for each new text, an earlier text whose estimated Jaccard similarity passes `threshold`.

    Dated texts can be evicted once they fall out of the time window (`evict`), and any text
    once its story is forgotten (`evict_stories`), so that memory follows the active stories,
    not the length of the stream. Slots added or dropped since the last `take_changes` are
    recorded, so that a store can save only those.
    """

    def __init__(self, threshold: float = 0.7) -> None:
        self.threshold = threshold
        self._lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=NUM_BANDS)
        self._slots: dict[int, Slot] = {}
        self._next = 0
        self._added: set[int] = set()
        self._dropped: set[int] = set()

    def __len__(self) -> int:
        return len(self._slots)

    def find(self, text: str) -> tuple[str, float] | None:
        """The most similar earlier text as (key, similarity), or None."""
        return self._best(signature(text))

    def add(self, key: str, text: str, when: datetime | None = None) -> tuple[str, float] | None:
        """Index `text` under `key`; return its best earlier duplicate, if any."""
        minhash = signature(text)
        best = self._best(minhash)
        self.restore(self._next, Slot(key, minhash, when))
        self._added.add(self._next - 1)
        return best

    def tag(self, key: str, story: str) -> None:
        """Record the story the newest text (added under `key`) went to."""
        slot = self._slots.get(self._next - 1)
        if slot is not None and slot.key == key:
            slot.story = story

    def restore(self, number: int, slot: Slot) -> None:
        """Put back a slot saved earlier under its number."""
        self._lsh.insert(number, slot.minhash)
        self._slots[number] = slot
        self._next = max(self._next, number + 1)

    def evict(self, before: datetime) -> int:
        """Forget texts dated before `before`; return how many were dropped."""
        return self._drop([n for n, slot in self._slots.items() if slot.when is not None and slot.when < before])

    def evict_stories(self, remembered: Callable[[str], bool]) -> int:
        """Forget texts whose story is no longer `remembered` (a copy joins its original's story,
        which is gone)."""
        return self._drop([n for n, slot in self._slots.items()
                           if slot.story is not None and not remembered(slot.story)])

    def take_changes(self) -> tuple[dict[int, Slot], set[int]]:
        """Slots added and slot numbers dropped since the last call."""
        added = {n: self._slots[n] for n in self._added if n in self._slots}
        dropped = self._dropped - self._added
        self._added, self._dropped = set(), set()
        return added, dropped

    def _drop(self, numbers: list[int]) -> int:
        for number in numbers:
            self._lsh.remove(number)
            del self._slots[number]
        self._dropped.update(numbers)
        return len(numbers)

    def _best(self, minhash: RMinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for number in self._lsh.query(minhash):
            slot = self._slots[number]
            similarity = minhash.jaccard(slot.minhash)
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (slot.key, similarity)
        return best


def signature_bytes(minhash: RMinHash) -> bytes:
    """A signature as bytes to store (rensa's own serialisation, not pickle)."""
    return bytes(minhash.__getstate__())


def signature_from_bytes(data: bytes) -> RMinHash:
    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.__setstate__(data)
    return minhash
