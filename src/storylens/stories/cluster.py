"""Online same-story clustering: each article joins the most similar active story, or starts one.

This first version is single-pass TF-IDF to story centroids with document frequencies learnt as
the stream arrives (no look-ahead), and a time window for dated articles. The scoring and the
candidate search are meant to be replaced (embeddings, an ANN index, a fitted scorer) behind the
same `assign` method.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storylens.model import ID_LENGTH, Article

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
TITLE_WEIGHT = 2
LEAD_WORDS = 400
EVICT_EVERY = 256  # articles between two sweeps for stories that have ended


def terms(article: Article) -> Counter[str]:
    """Content words of the title (counted twice: titles name the event) and of the lead."""
    counts: Counter[str] = Counter()
    for weight, text in ((TITLE_WEIGHT, article.title or ""), (1, article.text)):
        words = _WORD.findall(text.casefold())[:LEAD_WORDS]
        for word in words:
            if len(word) > 2 and word not in ENGLISH_STOP_WORDS:
                counts[word] += weight
    return counts


def story_id_for(article_id: str) -> str:
    """A new story is named after the article that started it. Content-hash ids are shortened
    (12 hex digits never collide in practice); ids given by the user are kept whole, since two
    of them may share any prefix."""
    if len(article_id) == ID_LENGTH and all(c in "0123456789abcdef" for c in article_id):
        return f"s{article_id[:12]}"
    return f"s{article_id}"


@dataclass
class _Story:
    id: str
    term_sums: Counter[str] = field(default_factory=Counter)
    size: int = 0
    last_seen: datetime | None = None
    centroid: dict[str, float] = field(default_factory=dict)
    centroid_docs: int = -1  # stream length when `centroid` was computed; -1 when stale


class OnlineClusterer:
    """Assigns articles to stories one at a time, looking only at what came before."""

    def __init__(self, threshold: float = 0.2, window_days: float = 7.0) -> None:
        self.threshold = threshold
        self.window_days = window_days
        self.doc_freq: Counter[str] = Counter()
        self.docs = 0
        self.stories: list[_Story] = []
        self._by_id: dict[str, _Story] = {}
        self.newest: datetime | None = None

    def idf(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.doc_freq[term])) + 1.0

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        weights = {t: (1 + math.log(c)) * self.idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def assign(self, article: Article, story_id: str | None = None) -> str:
        """Return the id of the story `article` joins; `story_id` forces one (e.g. a duplicate's)."""
        counts = terms(article)
        self.docs += 1
        self.doc_freq.update(counts.keys())
        target = self._find(story_id) if story_id else self._best(counts, article.published)
        if target is None:
            target = _Story(id=story_id or story_id_for(article.id))
            self.stories.append(target)
            self._by_id[target.id] = target
        target.term_sums.update(counts)
        target.size += 1
        target.centroid_docs = -1
        if article.published and (target.last_seen is None or article.published > target.last_seen):
            target.last_seen = article.published
        if article.published and (self.newest is None or article.published > self.newest):
            self.newest = article.published
        if self.docs % EVICT_EVERY == 0:
            self.evict()
        return target.id

    def evict(self) -> int:
        """Drop dated stories that ended more than a window before the newest article seen: no
        dated article can join them any more, and memory then follows the window, not the stream."""
        if self.newest is None:
            return 0
        horizon = self.newest - timedelta(days=self.window_days)
        ended = [s for s in self.stories if s.last_seen is not None and s.last_seen < horizon]
        if ended:
            gone = {id(s) for s in ended}
            self.stories = [s for s in self.stories if id(s) not in gone]
            for story in ended:
                del self._by_id[story.id]
        return len(ended)

    def _find(self, story_id: str) -> _Story | None:
        return self._by_id.get(story_id)

    def _best(self, counts: Counter[str], when: datetime | None) -> _Story | None:
        vector = self.vector(counts)
        best, best_score = None, self.threshold
        for story in self.stories:
            if not self._active(story, when):
                continue
            centroid = self._centroid(story)
            score = sum(w * centroid.get(t, 0.0) for t, w in vector.items())
            if score >= best_score:
                best, best_score = story, score
        return best

    def _centroid(self, story: _Story) -> dict[str, float]:
        """Centroids are recomputed when their story changes or document frequencies drift by 10%."""
        if story.centroid_docs < 0 or self.docs > story.centroid_docs * 1.1 + 5:
            story.centroid = self.vector(story.term_sums)
            story.centroid_docs = self.docs
        return story.centroid

    def _active(self, story: _Story, when: datetime | None) -> bool:
        if when is None or story.last_seen is None:
            return True
        return abs((when - story.last_seen).total_seconds()) <= self.window_days * 86400
