"""Quotations of different articles that are versions of one quotation, scored once per story.

Alignment (same quotation, same fact), quote-wording and attribution differences all need the
same all-pairs comparison of a story's quotations; it is the costliest step of a large story,
so it is done here once, at the lowest cutoff any of them uses, and each reads its own cutoff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from storylens.model import Analysis, Quote

MIN_WORDS = 4   # shorter quotations ("no change") are too common to tie two sentences together
LOWEST_CUTOFF = 80


@dataclass(frozen=True)
class QuotedIn:
    article: str
    quote: Quote
    folded: str


class QuoteMatches:
    def __init__(self, analyses: list[Analysis]) -> None:
        self.quotes = [QuotedIn(a.article.id, q, fold(q.text))
                       for a in analyses for q in a.quotes if len(q.text.split()) >= MIN_WORDS]
        self._pairs: list[tuple[int, int, int]] = []
        if len(self.quotes) >= 2:
            texts = [q.folded for q in self.quotes]
            scores = process.cdist(texts, texts, scorer=fuzz.partial_ratio, score_cutoff=LOWEST_CUTOFF,
                                   dtype=np.uint8, workers=-1)
            for i, j in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
                if self.quotes[i].article != self.quotes[j].article:
                    self._pairs.append((int(i), int(j), int(scores[i, j])))

    def pairs(self, cutoff: int) -> Iterator[tuple[QuotedIn, QuotedIn]]:
        """Pairs from different articles scoring `cutoff` or more, earlier article first."""
        for x, y, _ in self.scored(cutoff):
            yield x, y

    def scored(self, cutoff: int) -> Iterator[tuple[QuotedIn, QuotedIn, int]]:
        """As `pairs`, with the partial-ratio score (0-100) of each pair."""
        if cutoff < LOWEST_CUTOFF:
            raise ValueError(f"quotations are matched at {LOWEST_CUTOFF} or more")
        for i, j, score in self._pairs:
            if score >= cutoff:
                yield self.quotes[i], self.quotes[j], score


def fold(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()
