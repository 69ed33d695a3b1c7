"""Online stories over a store: place each batch of new articles from the state the store keeps.

The clusterer's memory (`cluster.Changes`: stories, headline rows, merges, document frequencies;
near-duplicate signatures) is saved in the same transaction as the articles it placed, so a
crash at any moment leaves either the whole batch or none of it. A process loads the remembered
state once (the active window, bounded by `memory` for undated streams), keeps it in memory and
saves only what each batch changed; before each batch it checks, under the store's write lock,
that no other process saved a newer state, and reloads if one did. Two writers therefore never
decide from stale stories: an article cannot land in two stories, nor be lost.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from storylens.model import Article
from storylens.store import SQLiteStore
from storylens.store.state import Member
from storylens.stories import StoryStream
from storylens.stories.cluster import OnlineClusterer
from storylens.stories.dedup import Slot, signature_bytes, signature_from_bytes
from storylens.stories.scorer import StoryScorer
from storylens.stories.signals import EMBED_BATCH, RECIPE, Signals, read_signals
from storylens.stories.split import SPLIT_MEMBERS, part_names, split_members
from storylens.stories.state import decode, encode

UNKNOWN = "unknown"  # state version of a process that has not loaded one yet


@dataclass
class Placed:
    """Where a batch's articles went: article id -> (story id, original if a duplicate)."""

    stories: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # every story that gained or changed articles


@dataclass(frozen=True)
class StreamSettings:
    threshold: float = 0.125
    window_days: float = 7.0
    duplicate_threshold: float = 0.7
    merge_threshold: float = 0.8
    scorer: str = ""  # a scorer file; empty: the shipped one
    memory: int = 5000
    split_cut: float = 0.375  # 0: stories are shown as the single pass placed them
    threshold_rise: float = 0.05


class StoredStories:
    """The online clusterer whose memory lives in a store. One per process is enough (a server
    keeps it across requests); it is safe to share between threads."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self._scorer: StoryScorer | None = None  # loaded when an article is first placed
        self._stream: StoryStream | None = None
        self._version = UNKNOWN
        self._lock = threading.Lock()
        self._joined: list[tuple[str, str, Member]] = []  # (article, story as placed, member) since the last save

    def place(self, store: SQLiteStore, articles: Sequence[Article],
              signals: Sequence[Signals | None] | None = None) -> Placed:
        """Place stored articles that have no story yet; call inside `store.transaction()`.

        `signals` (read outside the write lock, since embedding is the slow part) may be given
        per article; missing ones are read here. Articles are placed in date order."""
        given: list[Signals | None] = list(signals) if signals is not None else [None] * len(articles)
        with self._lock:
            try:
                stream = self._current(store)
                self._joined.clear()
                placed = self._place(store, stream, articles, given)
                self._save(store, stream)
                if self.settings.split_cut > 0:
                    self._show_splits(store, stream, placed)
            except BaseException:
                self._version = UNKNOWN  # the transaction rolls back: memory is ahead of the store
                self._joined.clear()
                raise
        return placed

    # -- placing -------------------------------------------------------------------------------
    def _place(self, store: SQLiteStore, stream: StoryStream, articles: Sequence[Article],
               signals: list[Signals | None]) -> Placed:
        missing = [i for i, s in enumerate(signals) if s is None]
        for start in range(0, len(missing), EMBED_BATCH):
            chunk = missing[start : start + EMBED_BATCH]
            for i, read in zip(chunk, read_signals([articles[i] for i in chunk]), strict=True):
                signals[i] = read
        order = sorted(range(len(articles)), key=lambda i: articles[i].published or datetime.max)
        placed = Placed()
        originals = {}
        for i in order:
            decided = stream.add(articles[i], signals=signals[i])
            originals[decided.article_id] = decided.duplicate_of
        placed.stories = {a: (stream.story_of(a), original) for a, original in originals.items()}
        store.assign((a, story, original) for a, (story, original) in placed.stories.items())
        placed.touched = {story for story, _ in placed.stories.values()}
        return placed

    # -- showing splits -----------------------------------------------------------------------
    def _show_splits(self, store: SQLiteStore, stream: StoryStream, placed: Placed) -> None:
        """Each story the batch touched is split over its latest members (`split.split_members`,
        at `split_cut`) and its articles shown in their parts. The clusterer goes on with the
        story whole: a later article may join either part, and the next look decides again, so
        the parts shown are always those of the story's members as they stand (the same split
        `storylens cluster` makes once a story can change no more)."""
        clusterer = stream.clusterer
        stories = {clusterer.resolve(s) for s in placed.touched} & clusterer.stories.keys()
        for story in sorted(stories):
            placed.touched |= self._show_parts(store, clusterer, story)
        shown = store.shown_stories(list(placed.stories))
        placed.stories = {a: (shown[a] or story, original) for a, (story, original) in placed.stories.items()}
        placed.touched = store.stories_with_articles(placed.touched | {story for story, _ in placed.stories.values()})

    def _show_parts(self, store: SQLiteStore, clusterer: OnlineClusterer, story: str) -> set[str]:
        """Show a story's members in its parts; returns every story shown or left."""
        members, oldest = store.story_members(story, SPLIT_MEMBERS)
        if oldest is None:
            return set()
        parts = split_members([m[1:] for m in members], clusterer.word_space, clusterer.name_space,
                              self.settings.split_cut)
        was = store.shown_stories([m[0] for m in members])
        own = set(was.values())  # a name this story's members are shown under is this story's to keep
        names = part_names(story, [members[part[0]][0] for part in parts],
                           lambda name: name not in own and store.story_name_taken(name))
        wanted = {members[i][0]: name for name, part in zip(names, parts, strict=True) for i in part}
        moved = {a: s for a, s in wanted.items() if was.get(a) != s}
        store.show_in_stories(moved)
        left = store.show_older_in(story, oldest)
        return left | {s for a in moved if (s := was.get(a))} | set(moved.values())

    def _save(self, store: SQLiteStore, stream: StoryStream) -> None:
        """Write what the batch changed, in the caller's transaction."""
        changes = stream.clusterer.take_changes()
        for gone, into in changes.merges:
            store.merge_story(gone, into)
        store.put_members((article, stream.clusterer.resolve(story), member)
                          for article, story, member in self._joined)
        self._joined.clear()
        store.forget_stories(changes.forgotten)
        store.put_stories((s.id, encode(s), s.touched, s.last_seen.isoformat() if s.last_seen else None)
                          for s in changes.stories.values())
        store.add_story_rows((row, story, np.asarray(vector, dtype=np.float32).tobytes())
                             for row, (story, vector) in changes.rows.items())
        store.add_term_counts("words", changes.words)
        store.add_term_counts("names", changes.names)
        added, dropped = stream.duplicates.take_changes()
        store.drop_signatures(dropped)
        store.put_signatures((n, s.key, s.story, s.when.isoformat() if s.when else None, signature_bytes(s.minhash))
                             for n, s in added.items())
        # A random token, not a counter: a rolled-back save elsewhere can never look like this one.
        self._version = uuid.uuid4().hex
        store.set_state_meta({"version": self._version, "docs": changes.docs, "built": 1, "signals": RECIPE,
                              "newest": changes.newest.isoformat() if changes.newest else ""})
        stream.forget_articles()

    # -- loading -------------------------------------------------------------------------------
    def _current(self, store: SQLiteStore) -> StoryStream:
        """The stream as the store has it: kept when no other process saved since, else reloaded."""
        meta = store.state_meta()
        if self._stream is None or meta.get("version", "0") != self._version:
            self._stream = self._load(store, meta)
            self._version = meta.get("version", "0")
        self._stream.stored_story = store.placed_story
        self._stream.clusterer.name_taken = store.story_name_taken
        return self._stream

    def _remember_member(self, article_id: str, story_id: str, signals: Signals) -> None:
        self._joined.append((article_id, story_id, (article_id, signals.words, signals.names, signals.vector)))

    def _fresh_stream(self) -> StoryStream:
        s = self.settings
        if self._scorer is None:
            self._scorer = StoryScorer.load(s.scorer or None)
        stream = StoryStream(s.threshold, s.window_days, s.duplicate_threshold, s.merge_threshold,
                             self._scorer, s.memory, s.threshold_rise)
        stream.joined = self._remember_member  # kept as members, which a split reads
        return stream

    def _load(self, store: SQLiteStore, meta: dict[str, str]) -> StoryStream:
        stream = self._fresh_stream()
        if meta.get("built") != "1" or meta.get("signals") != RECIPE:
            return self._rebuild(store, stream)
        clusterer = stream.clusterer
        clusterer.word_space.doc_freq = store.term_counts("words")
        clusterer.name_space.doc_freq = store.term_counts("names")
        rows = [(row, story, np.frombuffer(vector, dtype=np.float32)) for row, story, vector in store.story_rows()]
        clusterer.restore((decode(story_id, state) for story_id, state in store.remembered_stories()), rows,
                          store.remembered_aliases(), int(meta.get("docs", "0")),
                          datetime.fromisoformat(meta["newest"]) if meta.get("newest") else None)
        for number, key, story, published, minhash in store.signatures():
            stream.duplicates.restore(number, Slot(key, signature_from_bytes(minhash),
                                                   datetime.fromisoformat(published) if published else None, story))
        return stream

    def _rebuild(self, store: SQLiteStore, stream: StoryStream) -> StoryStream:
        """A store from before the state was kept (or one whose state was cleared, whose articles
        predate their members, or whose state was kept with headline vectors made another way,
        `signals.RECIPE`): replay its placed articles once, in arrival order, each
        into the story the clusterer had placed it in. That is its member row's story where it has
        one: the story an article is shown in may be a part a split named, and replayed into the
        part, the clusterer would hold as two stories what it had kept whole."""
        clustered = store.member_stories()
        store.clear_story_state()
        after = 0
        while page := store.placed_ids(after, EMBED_BATCH):
            articles = store.articles([article_id for _, article_id, _ in page])
            known = {article_id: clustered.get(article_id, shown) for _, article_id, shown in page}
            for _ in stream.add_all(articles, known):
                pass
            after = page[-1][0]
            self._save(store, stream)
        self._save(store, stream)
        return stream
