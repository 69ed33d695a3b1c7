"""Stories: near-duplicate detection and online same-story clustering."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from storylens.model import Article
from storylens.stories.cluster import EVICT_EVERY, OnlineClusterer
from storylens.stories.dedup import DuplicateIndex


@dataclass(frozen=True)
class Assignment:
    article_id: str
    story_id: str
    duplicate_of: str | None = None
    similarity: float | None = None


class StoryStream:
    """The stories stage as a stream: duplicates join their original's story, others are clustered."""

    def __init__(self, threshold: float = 0.2, window_days: float = 7.0,
                 duplicate_threshold: float = 0.7) -> None:
        self.clusterer = OnlineClusterer(threshold, window_days)
        self.duplicates = DuplicateIndex(duplicate_threshold)
        self.story_of: dict[str, str] = {}

    def add(self, article: Article, story_id: str | None = None) -> Assignment:
        """Decide `article`'s story from it and the articles before it; `story_id` replays a
        decision already made (when a stored stream is resumed)."""
        if article.id in self.story_of:
            return Assignment(article.id, self.story_of[article.id])
        original = self.duplicates.add(article.id, article.text, article.published)
        forced = story_id or (self.story_of[original[0]] if original else None)
        story = self.clusterer.assign(article, story_id=forced)
        if self.clusterer.docs % EVICT_EVERY == 0 and self.clusterer.newest is not None:
            self.duplicates.evict(self.clusterer.newest - timedelta(days=self.clusterer.window_days))
        self.story_of[article.id] = story
        if original and story_id is None:
            return Assignment(article.id, story, original[0], original[1])
        return Assignment(article.id, story)

    def add_all(self, articles: Iterable[Article]) -> Iterator[Assignment]:
        for article in articles:
            yield self.add(article)


__all__ = ["Assignment", "DuplicateIndex", "OnlineClusterer", "StoryStream"]
