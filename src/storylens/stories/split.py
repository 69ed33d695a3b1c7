"""A second look at a story, over its own members: split it where they form separate groups.

The single pass decides each article once, against the stories before it. When the first
articles of a second event of one kind (a second title fight, a second rule change) join the
first event's story, the rest of that event follows them, and no later article can undo it. Once
both events have their articles, they read as two groups: re-clustering the story's members by
average linkage (scipy) on the mean of their words, names and headline cosines separates them
where the mean similarity between two groups falls below a cut.

Why only the story's own members: a merge over the window depends on how many unrelated stories
on the same subjects the window holds (a cut chosen on a small stream merges too much on a large
one), while a split looks at one story and holds at every window size (README, issue 13).

Why parts of two or more only: what an over-merge leaves is a group of articles, while a lone
member that reads unlike the rest is as often a thin or garbled report of the same event; torn
off, it costs its recall. A member left alone rejoins the part it is most similar to on average.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from storylens.store.state import Member  # article id, words, names, unit headline vector
from storylens.stories.cluster import (
    EVICT_EVERY,
    LEAST_OF,
    OnlineClusterer,
    StoryState,
    TermSpace,
    similarities,
    story_id_for,
)
from storylens.stories.signals import Signals

if TYPE_CHECKING:
    import scipy.sparse as sp

SPLIT_MEMBERS = 200  # a story's latest members looked at: the matrix of their similarities stays small
MIN_PART = 2  # articles a part needs to stand as a story of its own


def unit_rows(terms: Sequence[Counter[str]], space: TermSpace) -> sp.csr_matrix:
    """Unit TF-IDF rows of each member's terms at `space`'s document frequencies (the stream's)."""
    import scipy.sparse as sp  # imported when a story is first looked at: not by every command

    vectors = [space.vector(t) for t in terms]
    vocabulary: dict[str, int] = {}
    data, columns, starts = [], [], [0]
    for vector in vectors:
        for term in sorted(vector):
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(vector[term])
        starts.append(len(data))
    return sp.csr_matrix((np.array(data, dtype=np.float64), np.array(columns, dtype=np.int64), np.array(starts)),
                         shape=(len(vectors), max(len(vocabulary), 1)))


def member_similarity(words: sp.csr_matrix, names: sp.csr_matrix, headlines: np.ndarray) -> np.ndarray:
    """Pairwise similarity of a story's members: the mean of their words, names and headline
    cosines (each signal tells events apart in its own way: what happened, who and where, how the
    headline reads). `headlines` are unit rows; a member with no names has a names cosine of 0."""
    vectors = headlines.astype(np.float64)
    return (np.asarray((words @ words.T).todense()) + np.asarray((names @ names.T).todense())
            + vectors @ vectors.T) / 3


def linkage_parts(similarity: np.ndarray, cut: float) -> np.ndarray:
    """Part labels (from 1) of average linkage cut where the mean similarity between two parts
    falls below `cut`."""
    from scipy.cluster.hierarchy import fcluster, linkage  # 0.5 s to import: only when a story is split
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    return np.asarray(fcluster(linkage(squareform(distance, checks=False), method="average"), 1.0 - cut,
                               criterion="distance"))


def split_parts(similarity: np.ndarray, cut: float) -> np.ndarray:
    """Part labels of a story's members: average linkage at `cut`, into parts of `MIN_PART` or
    more; a member the cut leaves alone rejoins the part it is most similar to on average (ties:
    the lower label). All zeros when the story stays whole."""
    if len(similarity) < 2 * MIN_PART:
        return np.zeros(len(similarity), dtype=np.int64)
    parts = linkage_parts(similarity, cut)
    sizes = Counter(parts.tolist())
    kept = sorted(p for p, n in sizes.items() if n >= MIN_PART)
    if len(kept) < 2:
        return np.zeros(len(similarity), dtype=np.int64)
    as_cut = parts.copy()
    for i in (i for i in range(len(parts)) if sizes[as_cut[i]] < MIN_PART):
        parts[i] = max(kept, key=lambda p: (similarity[i, as_cut == p].mean(), -p))
    return parts


def split_members(members: Sequence[tuple[Counter[str], Counter[str], np.ndarray]], word_space: TermSpace,
                  name_space: TermSpace, cut: float) -> list[list[int]]:
    """A story's members (words, names, unit headline vector; in arrival order) as parts, each a
    list of positions in arrival order, the part holding the first member first. One part: no split."""
    if cut <= 0 or len(members) < 2 * MIN_PART:
        return [list(range(len(members)))]
    similarity = member_similarity(unit_rows([m[0] for m in members], word_space),
                                   unit_rows([m[1] for m in members], name_space),
                                   np.stack([m[2] for m in members]))
    labels = split_parts(similarity, cut)
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(position)
    return sorted(groups.values(), key=lambda part: part[0])


def top_split(similarity: np.ndarray) -> np.ndarray | None:
    """Labels (1, 2) of the top split of average linkage over a story's members, or None when
    the story is too small or a side would hold fewer than `MIN_PART` articles."""
    from scipy.cluster.hierarchy import fcluster, linkage  # 0.5 s to import: only when a story is split
    from scipy.spatial.distance import squareform

    if len(similarity) < 2 * MIN_PART:
        return None
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    labels = np.asarray(fcluster(linkage(squareform(distance, checks=False), method="average"), 2,
                                 criterion="maxclust"))
    sizes = Counter(labels.tolist())
    return labels if len(sizes) == 2 and min(sizes.values()) >= MIN_PART else None


def part_state(members: Sequence[Signals]) -> StoryState:
    """A part of a story as the clusterer keeps a story: summed words, names, numbers, headlines."""
    state = StoryState(id="part")
    for signals in members:
        state.add(signals)
    return state


def join_probabilities(part: Sequence[Signals], other: Sequence[Signals], clusterer: OnlineClusterer) -> np.ndarray:
    """P(same story) of each article of `part` against `other` as the only candidate story, from
    the clusterer's scorer on the features it computes for a candidate (document frequencies as
    the clusterer has counted them; margins against the scorer's floors, as for a lone candidate)."""
    story = part_state(other)
    centroids = (clusterer.word_space.vector(story.words), clusterer.name_space.vector(story.names))
    latest = np.stack([s.vector for s in other[-LEAST_OF:]]).astype(np.float64)
    rows = [similarities(s, clusterer.word_space.vector(s.words), clusterer.name_space.vector(s.names), story,
                         centroids, float((latest @ s.vector).min())) for s in part]
    # one row at a time: each article meets the other part as its lone candidate
    return np.array([clusterer.scorer.probability(clusterer.with_margins(np.array([row])))[0] for row in rows])


def judged_parts(members: Sequence[Signals], clusterer: OnlineClusterer) -> list[list[int]]:
    """A story's members (arrival order) as parts: the top split of average linkage on the mean
    of words, names and headline cosines, kept only if the clusterer's own scorer, at its own
    threshold, would not join one part to the other (the mean probability of every article of
    each part against the other part falls below the threshold). No cut of its own: whether two
    groups are one story is the question the scorer was fitted to answer, on stories of any size,
    while a cut on the linkage was only ever chosen on stories of three (README, issue 13)."""
    whole = [list(range(len(members)))]
    if len(members) < 2 * MIN_PART:
        return whole
    similarity = member_similarity(unit_rows([m.words for m in members], clusterer.word_space),
                                   unit_rows([m.names for m in members], clusterer.name_space),
                                   np.stack([m.vector for m in members]))
    labels = top_split(similarity)
    if labels is None:
        return whole
    parts = sorted(([i for i, label in enumerate(labels.tolist()) if label == side] for side in (1, 2)),
                   key=lambda part: part[0])
    first, second = ([members[i] for i in part] for part in parts)
    together = np.concatenate([join_probabilities(first, second, clusterer),
                               join_probabilities(second, first, clusterer)])
    return whole if float(together.mean()) >= clusterer.join_threshold() else parts


def part_story_id(story_id: str, first_article_id: str) -> str:
    """The id of a part split off `story_id`: derived from it and the part's first article, so a
    rerun of the same stream names it the same (the part holding the story's first article
    keeps `story_id` itself)."""
    return f"{story_id}+{story_id_for(first_article_id)[1:]}"


def part_names(story_id: str, firsts: Sequence[str], taken: Callable[[str], bool]) -> list[str]:
    """The ids of a story's parts, given each part's first article (the part holding the story's
    first article first): that part keeps `story_id`, the others `part_story_id`, suffixed only
    when `taken` says another story holds the name (or an earlier part of this split took it)."""
    names = [story_id]
    for first in firsts[1:]:
        name = base = part_story_id(story_id, first)
        n = 2
        while name in names or taken(name):
            name, n = f"{base}~{n}", n + 1
        names.append(name)
    return names




class BatchSplits:
    """The split applied to a stream run as a batch (`storylens cluster`): each story is split
    once it can change no more, when the clusterer forgets it or when the stream ends, so that
    only the members of remembered stories are kept (memory follows the window)."""

    def __init__(self, clusterer: OnlineClusterer, cut: float) -> None:
        self.clusterer = clusterer
        self.cut = cut
        self._kept: list[tuple[str, Member]] = []  # (story as decided, member), in arrival order
        self.final: dict[str, str] = {}  # article id -> story id after its story was split (or kept whole)
        self._given: set[str] = set()
        self._added = 0

    def add(self, article_id: str, story_id: str, signals: Signals) -> None:
        """Keep a member as decided (`StoryStream.joined`); forgotten stories are split now and then."""
        self._kept.append((story_id, (article_id, signals.words, signals.names, signals.vector)))
        self._added += 1
        if self._added % EVICT_EVERY == 0:
            self._settle(lambda story: story not in self.clusterer.stories)

    def finish(self) -> dict[str, str]:
        """Every article's story after the splits, by the id the stream knows it by."""
        self._settle(lambda story: True)
        return self.final

    def _settle(self, done: Callable[[str], bool]) -> None:
        stories: dict[str, list[Member]] = {}
        left = []
        for story, member in self._kept:
            resolved = self.clusterer.resolve(story)
            if done(resolved):
                stories.setdefault(resolved, []).append(member)
            else:
                left.append((story, member))
        self._kept = left
        for story, members in stories.items():
            for part_id, part in self._parts(story, members):
                self.final.update((member[0], part_id) for member in part)

    def _parts(self, story: str, members: list[Member]) -> list[tuple[str, list[Member]]]:
        older, latest = members[:-SPLIT_MEMBERS], members[-SPLIT_MEMBERS:]
        parts = [[latest[i] for i in part] for part in split_members(
            [m[1:] for m in latest], self.clusterer.word_space, self.clusterer.name_space, self.cut)]
        names = part_names(story, [part[0][0] for part in parts],
                           lambda name: name in self._given or name in self.clusterer.stories)
        self._given.update(names[1:])
        parts[0] = older + parts[0]  # members past the latest looked at stay with the first part
        return list(zip(names, parts, strict=True))
