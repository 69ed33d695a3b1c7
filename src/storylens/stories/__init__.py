"""Stories: near-duplicate detection and online same-story clustering."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from storylens.model import Article, content_id
from storylens.stories.cluster import EVICT_EVERY, MEMORY, OnlineClusterer
from storylens.stories.dedup import DuplicateIndex
from storylens.stories.scorer import StoryScorer
from storylens.stories.signals import EMBED_BATCH, Signals, read_signals


@dataclass(frozen=True)
class Assignment:
    article_id: str
    story_id: str
    duplicate_of: str | None = None
    similarity: float | None = None


class StoryStream:
    """The stories stage as a stream: duplicates join their original's story, others are clustered.

    A later article may show that two stories are one; they are then merged, and `story_of`
    gives every article's story as it stands now (an `Assignment` gives it as decided then).
    """

    def __init__(self, threshold: float = 0.125, window_days: float = 7.0,
                 duplicate_threshold: float = 0.7, merge_threshold: float = 0.8,
                 scorer: StoryScorer | None = None, memory: int = MEMORY, threshold_rise: float = 0.05) -> None:
        self.clusterer = OnlineClusterer(threshold, window_days, merge_threshold, scorer, memory, threshold_rise)
        self.duplicates = DuplicateIndex(duplicate_threshold)
        self._decided: dict[str, str] = {}
        self._fingerprints: dict[str, str] = {}  # article id -> content hash, to tell re-adds from reused ids
        # the story of an article decided before this process (a store answers); none by default
        self.stored_story: Callable[[str], str | None] = lambda article_id: None
        # told of each article the clusterer placed (article id, story as decided, its signals):
        # a batch run keeps them to split stories over their members (`split.BatchSplits`)
        self.joined: Callable[[str, str, Signals], None] = lambda article_id, story_id, signals: None

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._decided

    def story_of(self, article_id: str) -> str:
        story = self._decided.get(article_id) or self.stored_story(article_id)
        if story is None:
            raise KeyError(article_id)
        return self.clusterer.resolve(story)

    def forget_articles(self) -> None:
        """Drop the per-article maps once a store holds the decisions (`stored_story` answers),
        so that a long-running process does not grow with the stream."""
        self._decided.clear()
        self._fingerprints.clear()

    def add(self, article: Article, story_id: str | None = None, signals: Signals | None = None) -> Assignment:
        """Decide `article`'s story from it and the articles before it; `story_id` replays a
        decision already made (when a stored stream is resumed)."""
        fingerprint = content_id(article.title, article.text)
        if self._fingerprints.get(article.id) == fingerprint:
            return Assignment(article.id, self.story_of(article.id))
        # An id seen before with other content (ids given by users do repeat) is a new article.
        self._fingerprints[article.id] = fingerprint
        original = self.duplicates.add(article.id, article.text, article.published)
        forced = story_id or (self.story_of(original[0]) if original else None)
        signals = signals or read_signals([article])[0]
        story = self.clusterer.assign(article.id, signals, story_id=forced)
        self.joined(article.id, story, signals)
        self.duplicates.tag(article.id, story)
        if self.clusterer.docs % EVICT_EVERY == 0:
            self._evict_texts()
        self._decided[article.id] = story
        if original and story_id is None:
            return Assignment(article.id, story, original[0], original[1])
        return Assignment(article.id, story)

    def _evict_texts(self) -> None:
        """Texts are remembered while they are inside the window and their story is."""
        if self.clusterer.newest is not None:
            self.duplicates.evict(self.clusterer.newest - timedelta(days=self.clusterer.window_days))
        self.duplicates.evict_stories(lambda story: self.clusterer.resolve(story) in self.clusterer.stories)

    def add_all(self, articles: Iterable[Article], story_ids: Mapping[str, str] | None = None
                ) -> Iterator[Assignment]:
        """`add` each article in order; signals are read a batch ahead, which decides nothing early.

        The next batch is read (and its headlines embedded) on a second thread while this one
        places the current batch: the encoder releases the GIL, so the two overlap. One thread
        reads the articles at a time, in order; an error reading them surfaces after the
        batches before it were placed, as without the second thread."""
        known = story_ids or {}
        stream = iter(articles)

        def next_batch() -> tuple[list[Article], list[Signals]]:
            batch = list(islice(stream, EMBED_BATCH))
            return batch, read_signals(batch)

        with ThreadPoolExecutor(1, thread_name_prefix="storylens-signals") as reader:
            ahead = reader.submit(next_batch)
            while True:
                batch, signals = ahead.result()
                if not batch:
                    return
                ahead = reader.submit(next_batch)
                for article, read in zip(batch, signals, strict=True):
                    yield self.add(article, known.get(article.id), read)


__all__ = ["Assignment", "DuplicateIndex", "OnlineClusterer", "StoryStream"]
