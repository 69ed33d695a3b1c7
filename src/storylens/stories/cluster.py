"""Online same-story clustering: each article joins the likeliest active story, or starts one.

For each article, candidate stories come from two indexes over the active window: faiss HNSW over
headline embeddings (`index.VectorIndex`) and postings of the article's most telling words.
Each candidate gets a few similarities (`scorer.FEATURES`), a fitted logistic model turns them
into a probability, and the article joins the best candidate if that probability reaches the
threshold. When a second candidate also passes the (higher) merge threshold, the article is
evidence that the two stories are one, and they are merged. Document frequencies are learnt as
the stream arrives, so nothing is looked up ahead of the article being decided.

Everything the clusterer remembers can be saved and restored (`take_changes`, `restore`): a store
keeps it between runs, so the next article is placed without replaying the stored ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from storylens.model import ID_LENGTH
from storylens.stories.index import VectorIndex
from storylens.stories.scorer import FEATURES, MARGINS, SIMILARITIES, StoryScorer
from storylens.stories.signals import Signals, years

EVICT_EVERY = 256  # articles between two sweeps for stories that have ended
CANDIDATES = 10  # stories proposed by each index
TELLING_WORDS = 8  # the article's highest-weighted words whose postings are read
COMMON_POSTINGS = 2000  # a word found in more active stories than this proposes none
MEMORY = 5000  # stories remembered at most, most recently joined first (bounds undated streams)
LEAST_OF = 64  # a story's most recent members among which its least similar headline is sought


def story_id_for(article_id: str) -> str:
    """A new story is named after the article that started it. Content-hash ids are shortened
    (12 hex digits never collide in practice); ids given by the user are kept whole, since two
    of them may share any prefix."""
    if len(article_id) == ID_LENGTH and all(c in "0123456789abcdef" for c in article_id):
        return f"s{article_id[:12]}"
    return f"s{article_id}"


# 1 + log(count) for the counts a document or a story usually holds, computed once (a term's
# weight is computed for every term of every candidate story, and a table is the same float).
_SUBLINEAR_TF = {count: 1 + math.log(count) for count in range(1, 256)}


class TermSpace:
    """TF-IDF with document frequencies counted over the stream so far."""

    def __init__(self) -> None:
        self.doc_freq: Counter[str] = Counter()
        self.docs = 0
        self.pending: Counter[str] = Counter()  # counted since the last `take_changes`

    def count(self, terms: Counter[str]) -> None:
        self.docs += 1
        self.doc_freq.update(terms.keys())
        self.pending.update(terms.keys())

    def idf(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.doc_freq[term])) + 1.0

    def vector(self, counts: Counter[str]) -> dict[str, float]:
        """Unit weights (1 + log count) * `idf` of the terms counted. Written out rather than
        through `idf`: it runs for every term of every candidate story, and a call per term was
        half its cost (the arithmetic is the same, in the same order, float for float)."""
        log, tf, base, doc_freq = math.log, _SUBLINEAR_TF, 1 + self.docs, self.doc_freq.get
        weights = {t: (tf.get(c) or 1 + log(c)) * (log(base / (1 + doc_freq(t, 0))) + 1.0)
                   for t, c in counts.items() if c > 0}
        norm = math.sqrt(sum([w * w for w in weights.values()])) or 1.0
        return {t: w / norm for t, w in weights.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse unit vectors, summed over the shorter one in its own order."""
    if len(a) > len(b):
        a, b = b, a
    # Terms missing from `b` are skipped rather than added as 0.0: the same sum (weights are positive).
    return sum([w * b[t] for t, w in a.items() if t in b], 0.0)


@dataclass
class StoryState:
    """What the clusterer keeps of one active story (the stored `model.Story` is its public face)."""

    id: str
    words: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)
    vector_sum: np.ndarray | None = None
    rows: list[int] = field(default_factory=list)  # its articles' rows in the vector index
    size: int = 0
    last_seen: datetime | None = None
    touched: int = 0  # stream length when it last gained an article (the least recent is forgotten first)
    _centroids: tuple[dict[str, float], dict[str, float]] | None = None
    _centroids_at: int = -1  # stream length when `_centroids` were computed
    _members: np.ndarray | None = None  # its latest `LEAST_OF` headline vectors, stacked (a cache)
    _meaning: np.ndarray | None = None  # `meaning()` (a cache)
    _years: set[str] | None = None  # `years_named()` (a cache)

    def meaning(self) -> np.ndarray:
        """The unit mean of its headline vectors (kept until the story changes: every candidate
        story is read this way for every article that proposes it)."""
        if self._meaning is None:
            assert self.vector_sum is not None
            self._meaning = self.vector_sum / (np.linalg.norm(self.vector_sum) or 1.0)
        return self._meaning

    def years_named(self) -> set[str]:
        """The years among its numbers (kept until the story changes)."""
        if self._years is None:
            self._years = years(self.numbers)
        return self._years

    def changed(self) -> None:
        """Forget everything derived from what the story holds: it has just gained articles."""
        self._centroids = self._members = self._meaning = self._years = None

    def add(self, signals: Signals) -> None:
        """Count one more article's words, names, numbers and headline meaning into the story."""
        self.words.update(signals.words)
        self.names.update(signals.names)
        self.numbers |= signals.numbers
        self.vector_sum = signals.vector.astype(np.float64) if self.vector_sum is None \
            else self.vector_sum + signals.vector
        self.size += 1
        self.changed()


@dataclass
class Changes:
    """What changed since the last `OnlineClusterer.take_changes`: a store saves only this, so a
    step costs what it touched, not the size of the state."""

    stories: dict[str, StoryState]  # joined or merged into, and still remembered
    forgotten: set[str]  # evicted: no article will join them again
    merges: list[tuple[str, str]]  # (gone, into), in the order they happened
    rows: dict[int, tuple[str, np.ndarray]]  # new headline rows: their story and vector
    words: Counter[str]  # document-frequency increments
    names: Counter[str]
    docs: int
    newest: datetime | None


class OnlineClusterer:
    """Assigns articles to stories one at a time, looking only at what came before."""

    def __init__(self, threshold: float = 0.125, window_days: float = 7.0, merge_threshold: float = 0.8,
                 scorer: StoryScorer | None = None, memory: int = MEMORY, threshold_rise: float = 0.05) -> None:
        self.threshold = threshold
        self.threshold_rise = threshold_rise
        self.merge_threshold = merge_threshold
        self.window_days = window_days
        self.memory = memory
        self.scorer = scorer or StoryScorer.load()
        self.word_space = TermSpace()
        self.name_space = TermSpace()
        self.stories: dict[str, StoryState] = {}
        # merged story id -> the story that absorbed it; kept after eviction (merges are rare),
        # so that labels given before a merge still resolve to the story they ended in
        self.merged_into: dict[str, str] = {}
        self.newest: datetime | None = None
        self._index: VectorIndex | None = None
        self._row_story: dict[int, str] = {}
        self._postings: dict[str, set[str]] = {}
        self._named: set[str] = set()  # every story id given out, so that none is given twice
        # story ids given out before this process (a store answers); none by default
        self.name_taken: Callable[[str], bool] = lambda story_id: False
        self._touched: set[str] = set()  # stories changed or evicted since `take_changes`
        self._merges: list[tuple[str, str]] = []
        self._new_rows: list[int] = []

    @property
    def docs(self) -> int:
        return self.word_space.docs

    # -- deciding ------------------------------------------------------------------------------
    def assign(self, article_id: str, signals: Signals, story_id: str | None = None) -> str:
        """The id of the story the article joins; `story_id` forces one (a duplicate's, a replay)."""
        self.observe(signals)
        if story_id is not None:
            return self.join(self.resolve(story_id), signals)
        candidates, features = self.candidates(signals)
        if not candidates:
            return self.start(article_id, signals)
        probability = self.scorer.probability(features)
        order = np.argsort(-probability)
        best = candidates[int(order[0])]
        if probability[order[0]] < self.join_threshold():
            return self.start(article_id, signals)
        for other in self._also_belongs(features, int(order[0])):
            self.merge(candidates[other], best)
        return self.join(best, signals)

    def join_threshold(self) -> float:
        """The probability an article needs to join its likeliest story. It rises with the stories
        remembered: the more of them, the more lie near any article and the likelier the best
        wrong one scores high by chance. A fixed threshold fitted to one window size gains in small
        windows and loses in large ones (README, rules (ix) and (xi))."""
        return self.threshold + self.threshold_rise * math.log10(1 + len(self.stories))

    def _also_belongs(self, features: np.ndarray, best: int) -> list[int]:
        """Candidates other than `best` that the article would join were `best` not there: the
        article is then evidence that they and `best` are one story. Their margins are taken
        among themselves, since against `best` every other candidate trails by construction."""
        if self.merge_threshold >= 1.0 or len(features) < 2:
            return []
        rest = [i for i in range(len(features)) if i != best]
        probability = self.scorer.probability(self.with_margins(features[rest, :SIMILARITIES]))
        return [rest[i] for i in np.flatnonzero(probability >= self.merge_threshold)]

    def observe(self, signals: Signals) -> None:
        """Count the article's terms before it is compared: its own words are then never unseen."""
        self.word_space.count(signals.words)
        self.name_space.count(signals.names)

    def candidates(self, signals: Signals) -> tuple[list[str], np.ndarray]:
        """Candidate story ids and their features (rows in `scorer.FEATURES` order)."""
        words = self.word_space.vector(signals.words)
        names = self.name_space.vector(signals.names)
        found = self._by_meaning(signals) | self._by_words(words)
        # Sorted, so that ties fall the same way in every run (set order follows the hash seed).
        ids = sorted(s for s in found if self._active(self.stories[s], signals.published))
        if not ids:
            return [], np.zeros((0, len(FEATURES)))
        rows = [similarities(signals, words, names, self.stories[s], self._centroids(self.stories[s]),
                             self._least_meaning(self.stories[s], signals.vector)) for s in ids]
        return ids, self.with_margins(np.array(rows, dtype=np.float64))

    def with_margins(self, similarities: np.ndarray) -> np.ndarray:
        """Append each candidate's lead in words and in meaning over the best other candidate, or
        over what an unrelated story scores when no other candidate comes close (so that a lone
        candidate, common at the start of a stream or in a quiet window, does not lead by its
        whole similarity)."""
        (words, _), (meaning, _) = MARGINS
        words_floor, meaning_floor = self.scorer.floors
        return np.hstack([similarities, _margins(similarities[:, words], words_floor),
                          _margins(similarities[:, meaning], meaning_floor)])

    # -- changing the stories ------------------------------------------------------------------
    def start(self, article_id: str, signals: Signals) -> str:
        """A new story, named after its first article (with a suffix if a reused id needs one)."""
        story_id = story_id_for(article_id)
        if self._taken(story_id):
            story_id = next(f"{story_id}~{n}" for n in range(2, 1 << 30) if not self._taken(f"{story_id}~{n}"))
        return self.join(story_id, signals)

    def _taken(self, story_id: str) -> bool:
        return story_id in self._named or self.name_taken(story_id)

    def join(self, story_id: str, signals: Signals) -> str:
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = StoryState(id=story_id)
            self._named.add(story_id)
        story.add(signals)
        story.touched = self.docs
        self._touched.add(story_id)
        for word in signals.words:
            self._postings.setdefault(word, set()).add(story_id)
        row = self._vectors(len(signals.vector)).add(signals.vector)
        self._row_story[row] = story_id
        self._new_rows.append(row)
        story.rows.append(row)
        if signals.published and (story.last_seen is None or signals.published > story.last_seen):
            story.last_seen = signals.published
        if signals.published and (self.newest is None or signals.published > self.newest):
            self.newest = signals.published
        if self.docs % EVICT_EVERY == 0:
            self.evict()
        return story_id

    def merge(self, gone_id: str, into_id: str) -> None:
        """Fold story `gone_id` into `into_id`; its articles are relabelled through `resolve`."""
        if gone_id == into_id:
            return
        gone, into = self.stories.pop(gone_id), self.stories[into_id]
        into.words.update(gone.words)
        into.names.update(gone.names)
        into.numbers |= gone.numbers
        if gone.vector_sum is not None:
            into.vector_sum = gone.vector_sum if into.vector_sum is None else into.vector_sum + gone.vector_sum
        into.size += gone.size
        into.touched = max(into.touched, gone.touched)
        into.changed()
        self._touched.add(into_id)
        self._merges.append((gone_id, into_id))
        for row in gone.rows:
            self._row_story[row] = into_id
        # Kept in row (arrival) order, as a store restores them: `_least_meaning` reads the latest.
        into.rows = sorted(into.rows + gone.rows)
        for word in gone.words:
            posting = self._postings.get(word)
            if posting is not None:
                posting.discard(gone_id)
                posting.add(into_id)
        if gone.last_seen and (into.last_seen is None or gone.last_seen > into.last_seen):
            into.last_seen = gone.last_seen
        self.merged_into[gone_id] = into_id

    def resolve(self, story_id: str) -> str:
        """The story `story_id` now lives in, after any merges."""
        seen = []
        while story_id in self.merged_into:
            seen.append(story_id)
            story_id = self.merged_into[story_id]
        for old in seen[:-1]:  # path compression keeps later lookups short
            self.merged_into[old] = story_id
        return story_id

    def evict(self) -> int:
        """Drop dated stories that ended more than a window before the newest article seen (no
        dated article can join them any more), and beyond `memory` stories the least recently
        joined (an undated stream has no window): memory follows the window, not the stream."""
        ended = []
        if self.newest is not None:
            horizon = self.newest - timedelta(days=self.window_days)
            ended = [s for s in self.stories.values() if s.last_seen is not None and s.last_seen < horizon]
        excess = len(self.stories) - len(ended) - self.memory
        if excess > 0:
            gone = {s.id for s in ended}
            kept = sorted((s for s in self.stories.values() if s.id not in gone), key=lambda s: (s.touched, s.id))
            ended += kept[:excess]
        for story in ended:
            del self.stories[story.id]
            self._touched.add(story.id)
            for word in story.words:
                posting = self._postings.get(word)
                if posting is not None:
                    posting.discard(story.id)
                    if not posting:
                        del self._postings[word]
            for row in story.rows:
                del self._row_story[row]
        if ended and self._index is not None:
            self._index.remove(row for story in ended for row in story.rows)
        return len(ended)

    # -- saving and restoring -------------------------------------------------------------------
    def take_changes(self) -> Changes:
        """Everything that changed since the last call (the first call: since the start)."""
        rows = {row: (self._row_story[row], self._index.vector(row))
                for row in self._new_rows if row in self._row_story and self._index is not None}
        changes = Changes(
            stories={s: self.stories[s] for s in self._touched if s in self.stories},
            forgotten={s for s in self._touched if s not in self.stories and s not in self.merged_into},
            merges=list(self._merges), rows=rows,
            words=self.word_space.pending, names=self.name_space.pending, docs=self.docs, newest=self.newest)
        self._touched, self._merges, self._new_rows = set(), [], []
        self.word_space.pending, self.name_space.pending = Counter(), Counter()
        return changes

    def restore(self, stories: Iterable[StoryState], rows: list[tuple[int, str, np.ndarray]],
                merged_into: dict[str, str], docs: int, newest: datetime | None) -> None:
        """Take back a saved state: the remembered stories, their headline rows and the merges.
        Document frequencies are set on `word_space` and `name_space` by the caller. Postings
        are rebuilt from the stories' words, which hold the same information."""
        for story in stories:
            story.rows = []
            self.stories[story.id] = story
            self._named.add(story.id)
            for word in story.words:
                self._postings.setdefault(word, set()).add(story.id)
        kept = [(row, story_id, vector) for row, story_id, vector in rows if story_id in self.stories]
        if kept:
            self._vectors(len(kept[0][2])).add_many([r for r, _, _ in kept], np.stack([v for _, _, v in kept]))
        for row, story_id, _ in kept:
            self._row_story[row] = story_id
            self.stories[story_id].rows.append(row)
        self.merged_into.update(merged_into)
        self.word_space.docs = self.name_space.docs = docs
        self.newest = newest

    # -- helpers -------------------------------------------------------------------------------
    def _vectors(self, dim: int) -> VectorIndex:
        if self._index is None:
            self._index = VectorIndex(dim)
        return self._index

    def _by_meaning(self, signals: Signals) -> set[str]:
        if self._index is None:
            return set()
        found: set[str] = set()
        for row, _ in self._index.search(signals.vector, 3 * CANDIDATES):
            found.add(self._row_story[row])
            if len(found) == CANDIDATES:
                break
        return found

    def _by_words(self, words: dict[str, float]) -> set[str]:
        telling = sorted(words, key=lambda w: (-words[w], w))[:TELLING_WORDS]
        votes: dict[str, float] = {}
        for word in telling:
            posting = self._postings.get(word, ())
            if len(posting) <= COMMON_POSTINGS:
                for story_id in posting:
                    votes[story_id] = votes.get(story_id, 0.0) + words[word]
        return set(sorted(votes, key=lambda s: (-votes[s], s))[:CANDIDATES])

    def _centroids(self, story: StoryState) -> tuple[dict[str, float], dict[str, float]]:
        """Centroids are recomputed when their story changes or document frequencies drift by 10%."""
        if story._centroids is None or self.docs > story._centroids_at * 1.1 + 5:
            story._centroids = (self.word_space.vector(story.words), self.name_space.vector(story.names))
            story._centroids_at = self.docs
            self._touched.add(story.id)  # saved with the story, so a resumed stream scores as this one does
        return story._centroids

    def _least_meaning(self, story: StoryState, vector: np.ndarray) -> float:
        """The headline's cosine to the story's least similar recent member: a story's second
        event resembles its nearest member or its centroid, not every member, as the same event does."""
        if self._index is None or not story.rows:
            return float(story.meaning() @ vector)
        if story._members is None:
            story._members = np.stack([self._index.vector(row) for row in story.rows[-LEAST_OF:]])
        return float((story._members @ vector).min())

    def _active(self, story: StoryState, when: datetime | None) -> bool:
        if when is None or story.last_seen is None:
            return True
        return abs((when - story.last_seen).total_seconds()) <= self.window_days * 86400


def similarities(signals: Signals, words: dict[str, float], names: dict[str, float], story: StoryState,
                 centroids: tuple[dict[str, float], dict[str, float]], least: float) -> list[float]:
    """The similarity columns of `scorer.FEATURES` (margins follow) of an article to a story:
    `words` and `names` are the article's unit TF-IDF vectors, `centroids` the story's, `least`
    its headline's cosine to the story's least similar recent member. One function, so that a
    split judged by the scorer (`split.judged_parts`) reads a part as the clusterer reads a story."""
    shared = len(signals.numbers & story.numbers) / len(signals.numbers) if signals.numbers else 0.0
    word_centroid, name_centroid = centroids
    return [cosine(words, word_centroid), cosine(names, name_centroid) if names else 0.0,
            float(story.meaning() @ signals.vector), shared, _other_years(signals.numbers, story),
            least, sum(w * w for t, w in names.items() if t in story.names)]


def _other_years(numbers: frozenset[str], story: StoryState) -> float:
    """Share of the article's years that a story naming years never names (0 when either names none)."""
    named = years(numbers) if numbers else set()
    told = story.years_named()
    if not named or not told:
        return 0.0
    return len(named - told) / len(named)


def _margins(values: np.ndarray, floor: float) -> np.ndarray:
    """Each value's lead over the best of the others (and over `floor`), as a column."""
    if len(values) == 1:
        return (values - floor)[:, None]
    order = np.argsort(-values)
    best, second = values[order[0]], values[order[1]]
    others_best = np.where(np.arange(len(values)) == order[0], second, best)
    return (values - np.maximum(others_best, floor))[:, None]
