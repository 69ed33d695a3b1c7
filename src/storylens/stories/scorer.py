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
    "other_years",     # share of the article's years the story never names, when it names some
    "meaning_least",   # cosine of the headline and the story's least similar member headline
    "names_covered",   # share of the article's name weight (squared TF-IDF) the story holds
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
        """Only the features the model uses are written: a file stays readable when features are
        added, and says what it was fitted on."""
        used = [i for i, w in enumerate(self.weights) if w != 0.0]
        return json.dumps({"features": [FEATURES[i] for i in used],
                           "weights": [round(float(self.weights[i]), 6) for i in used],
                           "bias": round(self.bias, 6), "margin_floors": [round(f, 6) for f in self.floors],
                           "about": self.about}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> StoryScorer:
        data = json.loads(text)
        unknown = sorted(set(data["features"]) - set(FEATURES))
        if unknown or len(data["features"]) != len(data["weights"]):
            raise ValueError(f"scorer features {data['features']} are not all among {list(FEATURES)}: refit it "
                             "with tools/train_story_scorer.py")
        # A feature the file does not name weighs nothing: scorers fitted before it was added keep working.
        weights = np.zeros(len(FEATURES))
        for name, weight in zip(data["features"], data["weights"], strict=True):
            weights[FEATURES.index(name)] = float(weight)
        words_floor, meaning_floor = data.get("margin_floors", (0.0, 0.0))
        return cls(weights, float(data["bias"]), data.get("about", {}), (float(words_floor), float(meaning_floor)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> StoryScorer:
        """The scorer shipped with the package, or one fitted by the user at `path`."""
        if path is not None:
            return cls.from_json(Path(path).read_text(encoding="utf-8"))
        return cls.from_json(resources.files("storylens.stories").joinpath("scorer.json").read_text("utf-8"))


def fit(features: np.ndarray, labels: np.ndarray, about: dict[str, Any],
        floors: tuple[float, float] = (0.0, 0.0), weights: np.ndarray | None = None,
        using: tuple[str, ...] = FEATURES) -> StoryScorer:
    """Logistic regression over the columns named in `using`; the others weigh nothing."""
    from sklearn.linear_model import LogisticRegression

    columns = [FEATURES.index(name) for name in using]
    model = LogisticRegression(max_iter=2000).fit(features[:, columns], labels, sample_weight=weights)
    coefficients = np.zeros(len(FEATURES))
    coefficients[columns] = model.coef_[0]
    return StoryScorer(coefficients, float(model.intercept_[0]), about, floors)


def unrelated_floors(features: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Mean `words` and `meaning` of the candidates that were not the article's story."""
    wrong = features[labels == 0]
    if not len(wrong):
        return (0.0, 0.0)
    (words, _), (meaning, _) = MARGINS
    return (float(wrong[:, words].mean()), float(wrong[:, meaning].mean()))
