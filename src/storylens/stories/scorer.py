"""How likely an article belongs to a candidate story: a logistic model over a few similarities.

The weights are fitted, not chosen: `tools/train_story_scorer.py` replays the NeuS training
stream through the clusterer with the true stories, records the features of every candidate the
index proposes, and fits scikit-learn's logistic regression on them. The result ships as
`scorer.json` beside this file; scoring is one dot product, so scikit-learn is only needed to fit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

FEATURES = (
    "words",           # TF-IDF cosine of the article's words and the story's
    "names",           # TF-IDF cosine of capitalised names
    "meaning",         # cosine of the headline embedding and the story's mean headline
    "numbers",         # share of the article's numbers that the story mentions too
    "words_margin",    # lead of `words` over the best other candidate or the floor (negative when behind)
    "meaning_margin",  # the same for `meaning`
)
SIMILARITIES = FEATURES.index("words_margin")  # the columns read from article and story; margins follow
# (value, its margin) column pairs: a margin is its value's lead over the best other candidate
MARGINS = ((FEATURES.index("words"), FEATURES.index("words_margin")),
           (FEATURES.index("meaning"), FEATURES.index("meaning_margin")))


@dataclass(frozen=True)
class StoryScorer:
    weights: np.ndarray
    bias: float
    about: dict[str, Any]
    floors: tuple[float, float] = (0.0, 0.0)  # `words` and `meaning` of an unrelated story (training mean)

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(same story) for each row of `features` (columns in `FEATURES` order)."""
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))

    def to_json(self) -> str:
        return json.dumps({"features": list(FEATURES), "weights": [round(float(w), 6) for w in self.weights],
                           "bias": round(self.bias, 6), "margin_floors": [round(f, 6) for f in self.floors],
                           "about": self.about}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> StoryScorer:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"scorer features {data['features']} do not match {list(FEATURES)}: refit it "
                             "with tools/train_story_scorer.py")
        words_floor, meaning_floor = data.get("margin_floors", (0.0, 0.0))
        return cls(np.array(data["weights"], dtype=np.float64), float(data["bias"]), data.get("about", {}),
                   (float(words_floor), float(meaning_floor)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> StoryScorer:
        """The scorer shipped with the package, or one fitted by the user at `path`."""
        if path is not None:
            return cls.from_json(Path(path).read_text(encoding="utf-8"))
        return cls.from_json(resources.files("storylens.stories").joinpath("scorer.json").read_text("utf-8"))


def fit(features: np.ndarray, labels: np.ndarray, about: dict[str, Any],
        floors: tuple[float, float] = (0.0, 0.0), weights: np.ndarray | None = None) -> StoryScorer:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=2000).fit(features, labels, sample_weight=weights)
    return StoryScorer(model.coef_[0].astype(np.float64), float(model.intercept_[0]), about, floors)


def unrelated_floors(features: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Mean `words` and `meaning` of the candidates that were not the article's story."""
    wrong = features[labels == 0]
    if not len(wrong):
        return (0.0, 0.0)
    (words, _), (meaning, _) = MARGINS
    return (float(wrong[:, words].mean()), float(wrong[:, meaning].mean()))
