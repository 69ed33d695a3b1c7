"""Labelled candidate rows for fitting the story scorer, read from streams with known stories.

Used by `tools/train_story_scorer.py` (the shipped `scorer.json`) and by
`benchmarks/cv_stories.py` (cross-validation: the same fit on the other folds). Each stream is
replayed in order through the online clusterer with every article joining its true story, so the
candidates seen are those a well-behaved stream would offer; every candidate the indexes propose
becomes one row of `scorer.FEATURES`, labelled by whether it is the article's true story.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from storylens.model import Article
from storylens.stories.cluster import OnlineClusterer
from storylens.stories.scorer import FEATURES, MARGINS, StoryScorer, fit, unrelated_floors
from storylens.stories.signals import Signals


@dataclass(frozen=True)
class Rows:
    """Candidate rows of one stream, margins taken over a floor of 0 (see `with_floors`)."""

    features: np.ndarray
    labels: np.ndarray
    returning: int  # articles whose true story was already open
    reachable: int  # of those, how many had it among their candidates

    @property
    def candidate_recall(self) -> float:
        return round(self.reachable / max(self.returning, 1), 4)


def candidate_rows(articles: Sequence[Article], signals: Sequence[Signals], gold: Mapping[str, str],
                   keep: Collection[str] | None = None) -> Rows:
    """Replay the articles (those in `keep`, if given) with each joining its gold story."""
    untrained = StoryScorer(np.zeros(len(FEATURES)), 0.0, {})
    clusterer = OnlineClusterer(scorer=untrained)
    features: list[np.ndarray] = []
    labels: list[bool] = []
    reachable = returning = 0
    for article, signal in zip(articles, signals, strict=True):
        if keep is not None and article.id not in keep:
            continue
        clusterer.observe(signal)
        true_story = f"gold:{gold[article.id]}"
        ids, rows = clusterer.candidates(signal)
        features.append(rows)
        labels.extend(story_id == true_story for story_id in ids)
        if true_story in clusterer.stories:
            returning += 1
            reachable += true_story in ids
        clusterer.join(true_story, signal)
    stacked = np.vstack(features) if features else np.zeros((0, len(FEATURES)))
    return Rows(stacked, np.array(labels, dtype=np.int8), returning, reachable)


def with_floors(features: np.ndarray, floors: tuple[float, float]) -> np.ndarray:
    """Margins re-taken over `floors` from rows whose margins were taken over 0. A margin over 0
    is `value - max(best other, 0)`, so the best other is recoverable wherever it was positive,
    and a lone candidate's is 0: both then read `value - max(best other, floor)`. This spares the
    trainer a second replay of every stream once the floors are known."""
    out = features.copy()
    for (value, margin), floor in zip(MARGINS, floors, strict=True):
        out[:, margin] = out[:, value] - np.maximum(out[:, value] - out[:, margin], floor)
    return out


def fit_rows(parts: Sequence[Rows], about: dict[str, Any], using: tuple[str, ...] = FEATURES) -> StoryScorer:
    """One logistic model over the rows of all `parts`; the floors are measured on them first.

    Each part (one stream, one kind of news) weighs the same in the fit, however many rows it
    has: counted by row, neus-train's 127k rows would drown a few thousand rows of another kind
    of news, and fitting "on the other folds" (`benchmarks/cv_stories.py`) would mean little.
    Whether that other kind then helps is what the benchmark measures (on ECB+ it did not)."""
    features = np.vstack([p.features for p in parts])
    labels = np.concatenate([p.labels for p in parts])
    weights = np.concatenate([np.full(len(p.labels), len(labels) / (len(parts) * max(len(p.labels), 1)))
                              for p in parts])
    floors = unrelated_floors(features, labels)
    about = {**about, "rows": int(len(labels)), "positives": int(labels.sum())}
    return fit(with_floors(features, floors), labels, about, floors, weights, using)
