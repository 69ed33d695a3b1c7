"""Story decisions by cross-validation, fold by fold, beside the TF-IDF single-pass reference.

    python benchmarks/cv_stories.py [--sets ecbplus-dev neus-val] [--folds 5] [--shipped] [--train-only]
    python benchmarks/cv_stories.py --features words,names,meaning ... [--sets ...]
    python benchmarks/cv_stories.py --diagnose [--sets ...]
    python benchmarks/cv_stories.py --consolidate a b c [--sets ...]
    python benchmarks/cv_stories.py --adaptive silhouette relative scaled [--consolidate a b c] [--shipped]
    python benchmarks/cv_stories.py --centroid words both anchored [--shipped] [--sets ...]
    python benchmarks/cv_stories.py --split split-c split-a split-c-pairs [--shipped] [--sets ...]
    python benchmarks/cv_stories.py --windows RULE
    python benchmarks/cv_stories.py --choose-cut split-c-pairs [--window 900]
    python benchmarks/cv_stories.py --fixed split-c-pairs 0.4 [--sets ...]
    python benchmarks/cv_stories.py --fixed split-scorer 0 [--sets ...]
    python benchmarks/cv_stories.py --joint split-c-pairs [--sets ecbplus-dev neus-val]
    python benchmarks/cv_stories.py --joint pass-split          (join threshold and cut chosen together)

What a figure on the development sets cannot tell is how the scorer does on news it was not
fitted or thresholded on. Here each set is cut into folds by group, so that no story (NeuS) and no
topic (ECB+: a topic holds two similar events, which is what over-merging is tested on) is split:

- per fold, the scorer is fitted on neus-train plus the set's other folds, and its threshold is
  the one of `THRESHOLDS` that scores best on the other folds run as one stream; the fold is then
  run as a stream of its own and scored (BCubed F1, `../shared/eval/score_cluster.py`);
- the reference is the one in `../shared/eval/README.md`: TF-IDF (scikit-learn, sublinear, English
  stop words) of title and text fitted on the fold, single pass, each article joins the story whose
  centroid is nearest by cosine if that reaches 0.2 (it reproduces 0.844 / 0.826 on the whole sets);
- `--train-only` fits on neus-train alone, as the shipped scorer is (`tools/train_story_scorer.py`):
  only the threshold is then chosen on the other folds. Without it the fit also sees the other
  folds, which measures a scorer fitted on news of the kind scored, not the one that ships;
- `--shipped` also runs the scorer and threshold shipped with storylens on each fold, untouched;
- with more than one `--features` set, `[selected]` is nested selection: per fold, the set that
  scored best on the other folds, so that choosing among the sets is cross-validated too.

Prints one row per fold and the mean, with the lead over the reference. Slow (a few minutes):
it replays neus-train once and each set once per fold and threshold.

`--consolidate` measures a second look instead of a scorer: after the single pass, the
articles of the window are clustered again by average linkage on a pairwise similarity (`PAIRWISE`),
cut where the average similarity between two clusters falls below a cut. Per fold, the cut is the
one of `CUTS` that scores best on the other folds run as one stream; the fold is then scored. The
dev sets are undated, so the window is the whole stream. The last column, `ceiling`, is the best
cut's score on the fold itself: tuned on the fold scored, it is not a result but a bound on what a
better choice of cut could reach. `[selected]` is nested selection among
the similarities named, as for `--features`. Takes about a minute (no scorer is fitted).

`--adaptive` keeps average linkage but lets the cut follow the stream, three rules registered
before the first run: (i) `silhouette`, per stream the cut of `CUTS` whose partition has the
highest silhouette (unsupervised, nothing chosen on other folds); (ii) `relative`, the cut is k
times the stream's median nearest-neighbour similarity, k chosen on the other folds; (iii)
`scaled`, average linkage on locally scaled distances (each pair's distance over the geometric
mean of the two articles' distances to their 3rd nearest neighbour), the cut chosen on the other
folds. Each runs on every `--consolidate` similarity (default all); `[selected]` is nested
selection among all the rows. The `set.` column is the setting chosen on the other folds (k,
the scaled cut; 0 for the silhouette, which chooses per stream).

`--centroid` and `--windows` (rules in `cv_rules.py`, which says what each does): three
decisions registered for issue 13, the reference's single pass on storylens' online signals and
merges over the reference's own stories, cross-validated as above; and how the lead over the
reference of one of them and of the shipped single pass holds on neus-train windows of 150 to
7,356 articles.

`--split` (rules in `cv_rules.py`): the shipped single pass, then each of its stories split over
its own members by average linkage, the cut chosen on the other folds. `--choose-cut RULE` chooses
a rule's setting where the shipped one is chosen: on neus-train alone, windows of `--window`
articles drawn by story (three seeded draws, mean BCubed F1); `--fixed RULE SETTING` scores a
rule per fold at one setting chosen elsewhere, untouched by the folds.

`--diagnose` instead runs the shipped scorer over each whole set and sorts every decision by what
it did to the gold stories (`diagnose`): where the scorer loses, at what probability, on which signal.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score

from storylens import api
from storylens.config import Settings
from storylens.model import Article
from storylens.stories import StoryStream
from storylens.stories.cluster import TermSpace
from storylens.stories.scorer import FEATURES, StoryScorer
from storylens.stories.signals import Signals, read_signals
from storylens.stories.training import Rows, candidate_rows, fit_rows

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data" / "cluster"
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8)
SELECTED = " [selected]"
REFERENCE_THRESHOLD = 0.2
CUTS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)  # average similarity at which linkage stops
SEED = 13

sys.path.insert(0, str(SHARED / "eval"))
from score_cluster import score  # noqa: E402  (the shared scorer, standard library only)


class LabelledSet:
    """A development set as `storylens cluster` reads it, with its signals read once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.articles = list(api.jsonl_articles(DATA / f"{name}.articles.jsonl"))
        lines = (DATA / f"{name}.gold.jsonl").read_text(encoding="utf-8").splitlines()
        self.gold = {g["id"]: g["story"] for g in map(json.loads, lines)}
        self.signals = read_signals(self.articles)

    def group(self, story: str) -> str:
        """ECB+ stories are `TOPIC_ecb` / `TOPIC_ecbplus`: the two events of a topic stay together."""
        return story.split("_")[0] if self.name.startswith("ecbplus") else story

    def folds(self, count: int) -> list[set[str]]:
        groups = sorted({self.group(s) for s in self.gold.values()})
        random.Random(SEED).shuffle(groups)
        fold_of = {g: i % count for i, g in enumerate(groups)}
        return [{a for a, s in self.gold.items() if fold_of[self.group(s)] == f} for f in range(count)]

    def stream(self, ids: set[str]) -> tuple[list[Article], list[Signals]]:
        kept = [i for i, a in enumerate(self.articles) if a.id in ids]
        return [self.articles[i] for i in kept], [self.signals[i] for i in kept]


def bcubed_f1(gold: dict[str, str], predicted: dict[str, str]) -> float:
    rows = [{"id": i, "story": s} for i, s in gold.items() if i in predicted]
    return float(score(rows, [{"id": i, "story": s} for i, s in predicted.items()])["bcubed_f1"])


# The join threshold and its rise with the stories remembered, as shipped (rule (xi)); a threshold
# swept by a rule here is fixed (rise 0), as every rule before (xi) was measured.
SHIPPED_THRESHOLD = (Settings().story_threshold, Settings().story_threshold_rise)


def storylens_stories(articles: Sequence[Article], signals: Sequence[Signals], scorer: StoryScorer,
                      threshold: float, rise: float = 0.0) -> dict[str, str]:
    settings = Settings()
    stream = StoryStream(threshold, settings.story_window_days, settings.duplicate_threshold,
                         settings.story_merge_threshold, scorer, threshold_rise=rise)
    decided = [(a.id, stream.add(a, signals=s).story_id) for a, s in zip(articles, signals, strict=True)]
    return {article: stream.clusterer.resolve(story) for article, story in decided}


def reference_labels(articles: Sequence[Article], threshold: float = REFERENCE_THRESHOLD) -> list[int]:
    """Single-pass TF-IDF clustering to centroids, the reference of `../shared/eval/README.md`:
    each article joins the story whose summed vector is nearest by cosine if that reaches the
    threshold. Written on the article-to-article dot products rather than on dense story sums (the
    same arithmetic: a story's dot with an article is the sum of its members' dots, its squared
    norm the sum of its members' dots with each other), so that a 7,356-article window needs no
    dense matrix of articles by vocabulary."""
    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).tocsr()
    labels = np.zeros(len(articles), dtype=np.int64)
    squared = np.zeros(len(articles))  # each story's squared norm
    opened = 0
    for i in range(len(articles)):
        dots = np.asarray((vectors @ vectors[i].T).todense()).ravel()[:i]
        if opened:
            story_dots = np.bincount(labels[:i], weights=dots, minlength=opened)
            similarity = story_dots / np.maximum(np.sqrt(squared[:opened]), 1e-12)
            best = int(np.argmax(similarity))
            if similarity[best] >= threshold:
                labels[i] = best
                squared[best] += 2 * story_dots[best] + vectors[i].multiply(vectors[i]).sum()
                continue
        labels[i] = opened
        squared[opened] = vectors[i].multiply(vectors[i]).sum()
        opened += 1
    return labels.tolist()


def reference_stories(articles: Sequence[Article], threshold: float = REFERENCE_THRESHOLD) -> dict[str, str]:
    return {a.id: str(label) for a, label in zip(articles, reference_labels(articles, threshold), strict=True)}


def best_threshold(data: LabelledSet, ids: set[str], scorer: StoryScorer) -> tuple[float, float]:
    """The threshold of `THRESHOLDS` that scores best on the stream of `ids` (ties: the lowest),
    with that score."""
    articles, signals = data.stream(ids)
    gold = {a.id: data.gold[a.id] for a in articles}
    scored = [(bcubed_f1(gold, storylens_stories(articles, signals, scorer, t)), -t) for t in THRESHOLDS]
    score, threshold = max(scored)
    return -threshold, score


def cross_validate(data: LabelledSet, train: Rows, count: int, shipped: bool,
                   variants: dict[str, tuple[str, ...]], train_only: bool = False) -> dict[str, list[dict[str, float]]]:
    """Per fold and per variant (a set of `FEATURES` the scorer is fitted on), BCubed F1 beside
    the reference; a fold's candidate rows and reference are shared by the variants. With more
    than one variant, `SELECTED` is nested selection: per fold, the variant that scored best on
    the other folds (at its threshold chosen there), so the fold scored chose nothing."""
    results: dict[str, list[dict[str, float]]] = {label: [] for label in variants}
    folds = data.folds(count)
    for f, ids in enumerate(folds):
        rest = set().union(*(other for g, other in enumerate(folds) if g != f))
        parts = [train] if train_only else [train, candidate_rows(data.articles, data.signals, data.gold, keep=rest)]
        about = {"trained_on": "neus-train" if train_only else f"neus-train + {data.name} other folds"}
        articles, signals = data.stream(ids)
        gold = {a.id: data.gold[a.id] for a in articles}
        reference = bcubed_f1(gold, reference_stories(articles))
        on_rest: dict[str, float] = {}
        for label, using in variants.items():
            scorer = fit_rows(parts, about, using)
            threshold, on_rest[label] = best_threshold(data, rest, scorer)
            row = {"fold": f, "articles": len(articles), "groups": len({data.group(s) for s in gold.values()}),
                   "threshold": threshold, "reference": reference,
                   "storylens": bcubed_f1(gold, storylens_stories(articles, signals, scorer, threshold))}
            if shipped:
                row["shipped"] = bcubed_f1(gold, storylens_stories(articles, signals, StoryScorer.load(),
                                                                   *SHIPPED_THRESHOLD))
            results[label].append(row)
            print(format_row(f"{data.name}{label}", row), flush=True)
        select_nested(data.name, f, on_rest, results)
    return results


def _cosines(vectors: list[dict[str, float]]) -> np.ndarray:
    """Pairwise cosines of unit-length sparse vectors (a nameless article's zero vector scores 0)."""
    matrix = DictVectorizer().fit_transform(vectors)
    return np.asarray((matrix @ matrix.T).todense())


def _words(signals: Sequence[Signals]) -> np.ndarray:
    """TF-IDF cosine of title + first 100 words, with document frequencies as the stream counts them."""
    space = TermSpace()
    for s in signals:
        space.count(s.words)
    return _cosines([space.vector(s.words) for s in signals])


def _meaning(signals: Sequence[Signals]) -> np.ndarray:
    vectors = np.stack([s.vector for s in signals]).astype(np.float64)
    return vectors @ vectors.T


def _names(signals: Sequence[Signals]) -> np.ndarray:
    space = TermSpace()
    for s in signals:
        space.count(s.names)
    return _cosines([space.vector(s.names) for s in signals])


# The pairwise similarities registered before the first run (at most three).
PAIRWISE = {
    "a": _words,
    "b": lambda signals: (_words(signals) + _meaning(signals)) / 2,
    "c": lambda signals: (_words(signals) + _meaning(signals) + _names(signals)) / 3,
}


def consolidated(articles: Sequence[Article], similarity: np.ndarray, cuts: Sequence[float]
                 ) -> list[dict[str, str]]:
    """The articles clustered by average linkage on `similarity`, one partition per cut: two
    clusters are joined while the mean similarity of their pairs reaches the cut."""
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return [{a.id: str(label) for a, label in zip(articles, fcluster(tree, 1.0 - cut, criterion="distance"),
                                                  strict=True)} for cut in cuts]


# -- adaptive cuts (`--adaptive`): a cut that follows the stream instead of one constant --------

RELATIVE = tuple(round(0.2 + 0.05 * i, 2) for i in range(17))  # cut = k x median nearest-neighbour similarity
SCALED = tuple(round(0.7 + 0.05 * i, 2) for i in range(17))  # cut on locally scaled distance
SCALE_NEIGHBOUR = 3  # local scale: distance to an article's 3rd nearest other article (fixed a priori)


def _distance(similarity: np.ndarray) -> np.ndarray:
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    return distance


def _average_linkage(articles: Sequence[Article], distance: np.ndarray, heights: Sequence[float]
                     ) -> list[dict[str, str]]:
    """One partition per height at which average linkage on `distance` stops joining."""
    tree = linkage(squareform(distance, checks=False), method="average")
    return [{a.id: str(label) for a, label in zip(articles, fcluster(tree, h, criterion="distance"), strict=True)}
            for h in heights]


def silhouette_partitions(articles: Sequence[Article], similarity: np.ndarray) -> list[dict[str, str]]:
    """Rule (i): of the partitions at `CUTS`, the one whose silhouette (scikit-learn, on the
    precomputed distances) is highest, ties the lowest cut. Unsupervised: nothing is fitted, so
    the one entry of the returned grid is the rule's answer on any stream."""
    distance = _distance(similarity)
    parts = _average_linkage(articles, distance, [1.0 - cut for cut in CUTS])
    scored = []
    for part in parts:
        labels = [part[a.id] for a in articles]
        if 2 <= len(set(labels)) <= len(articles) - 1:
            scored.append(float(silhouette_score(distance, labels, metric="precomputed")))
        else:
            scored.append(-2.0)  # a silhouette needs two stories and one with two articles
    return [parts[int(np.argmax(scored))]]


def relative_partitions(articles: Sequence[Article], similarity: np.ndarray) -> list[dict[str, str]]:
    """Rule (ii): the cut is k times the median, over the stream's articles, of each one's
    similarity to its nearest other article: a stream of tight stories is cut higher. One
    partition per k of `RELATIVE` (k is chosen on the other folds)."""
    nearest = np.where(np.eye(len(articles), dtype=bool), -np.inf, similarity).max(axis=1)
    scale = float(np.median(nearest)) if len(articles) > 1 else 1.0
    return _average_linkage(articles, _distance(similarity), [1.0 - k * scale for k in RELATIVE])


def scaled_partitions(articles: Sequence[Article], similarity: np.ndarray) -> list[dict[str, str]]:
    """Rule (iii): average linkage on locally scaled distances d(i, j) / sqrt(s_i s_j), s_i the
    distance from i to its `SCALE_NEIGHBOUR`-th nearest other article (local scaling, as in
    self-tuning spectral clustering): in a dense neighbourhood (a topic with two events, many
    stories about one person) a pair must be closer than its surroundings to join; in a sparse one
    a loose story still holds together. One partition per cut of `SCALED` (chosen on the other folds)."""
    distance = _distance(similarity)
    if len(articles) <= SCALE_NEIGHBOUR:
        return _average_linkage(articles, distance, SCALED)
    scale = np.maximum(np.sort(distance, axis=1)[:, SCALE_NEIGHBOUR], 1e-6)  # column 0 is the article itself
    scaled = distance / np.sqrt(np.outer(scale, scale))
    np.fill_diagonal(scaled, 0.0)
    return _average_linkage(articles, scaled, SCALED)


# The adaptive rules registered before the first run (at most three), each over `PAIRWISE`.
ADAPTIVE: dict[str, tuple[Callable[[Sequence[Article], np.ndarray], list[dict[str, str]]], tuple[float, ...]]] = {
    "silhouette": (silhouette_partitions, (0.0,)),
    "relative": (relative_partitions, RELATIVE),
    "scaled": (scaled_partitions, SCALED),
}


def best_setting(data: LabelledSet, ids: set[str], rule: str, pairwise: str) -> tuple[float, float]:
    """The setting of `rule`'s grid that scores best on the stream of `ids` (ties: the lowest)."""
    articles, signals = data.stream(ids)
    gold = {a.id: data.gold[a.id] for a in articles}
    partitions, grid = ADAPTIVE[rule][0](articles, PAIRWISE[pairwise](signals)), ADAPTIVE[rule][1]
    score_, setting = max((bcubed_f1(gold, p), -g) for p, g in zip(partitions, grid, strict=True))
    return -setting, score_


def select_nested(name: str, fold: int, on_rest: dict[str, float], results: dict[str, list[dict[str, float]]]
                  ) -> None:
    """Nested selection: the fold's row of whichever candidate scored best on the other folds
    (ties: the first listed) is appended as `SELECTED`, so that choosing among them is
    cross-validated too. Nothing to choose with one candidate."""
    if len(on_rest) < 2:
        return
    chosen = max(on_rest, key=lambda label: on_rest[label])
    results.setdefault(SELECTED, []).append({**results[chosen][-1]})
    print(f"{name}{SELECTED} fold {fold}: chose{chosen} ({on_rest[chosen]:.4f} on the other folds)", flush=True)


def cross_validate_adaptive(data: LabelledSet, count: int, shipped: bool, rules: Sequence[str],
                            candidates: Sequence[str]) -> dict[str, list[dict[str, float]]]:
    """Per fold, per adaptive rule and per pairwise similarity: the rule's stories on the fold at
    its setting chosen on the other folds run as one stream, beside the reference (and the shipped
    single pass). `SELECTED` is nested selection among all the (rule, similarity) rows."""
    labels = {f" [{r} {c}]": (r, c) for r in rules for c in candidates}
    results: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    for f, ids in enumerate(folds := data.folds(count)):
        rest = set().union(*(other for g, other in enumerate(folds) if g != f))
        articles, signals = data.stream(ids)
        gold = {a.id: data.gold[a.id] for a in articles}
        similarity = {c: PAIRWISE[c](signals) for c in candidates}
        common = {"fold": f, "articles": len(articles), "groups": len({data.group(s) for s in gold.values()}),
                  "reference": bcubed_f1(gold, reference_stories(articles))}
        if shipped:
            common["shipped"] = bcubed_f1(gold, storylens_stories(articles, signals, StoryScorer.load(),
                                                                  *SHIPPED_THRESHOLD))
        on_rest: dict[str, float] = {}
        for label, (rule, pairwise) in labels.items():
            setting, on_rest[label] = best_setting(data, rest, rule, pairwise)
            function, grid = ADAPTIVE[rule]
            scores = [bcubed_f1(gold, p) for p in function(articles, similarity[pairwise])]
            row = {**common, "threshold": setting, "storylens": scores[grid.index(setting)], "ceiling": max(scores)}
            results[label].append(row)
            print(format_row(f"{data.name}{label}", row), flush=True)
        select_nested(data.name, f, on_rest, results)
    return results


def best_cut(data: LabelledSet, ids: set[str], pairwise: str) -> tuple[float, float]:
    """The cut of `CUTS` that scores best on the stream of `ids` (ties: the lowest), with that score."""
    articles, signals = data.stream(ids)
    gold = {a.id: data.gold[a.id] for a in articles}
    scored = [(bcubed_f1(gold, p), -cut)
              for p, cut in zip(consolidated(articles, PAIRWISE[pairwise](signals), CUTS), CUTS, strict=True)]
    score, cut = max(scored)
    return -cut, score


def cross_validate_consolidation(data: LabelledSet, count: int, shipped: bool,
                                 candidates: Sequence[str]) -> dict[str, list[dict[str, float]]]:
    """Per fold and per pairwise similarity, the consolidated stories at the cut chosen on the
    other folds, beside the reference (and the shipped single pass, with `shipped`)."""
    labels = {f" [{c}]": c for c in candidates}
    results: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    folds = data.folds(count)
    for f, ids in enumerate(folds):
        rest = set().union(*(other for g, other in enumerate(folds) if g != f))
        articles, signals = data.stream(ids)
        gold = {a.id: data.gold[a.id] for a in articles}
        reference = bcubed_f1(gold, reference_stories(articles))
        single = bcubed_f1(gold, storylens_stories(articles, signals, StoryScorer.load(),
                                                   *SHIPPED_THRESHOLD)) if shipped else None
        on_rest: dict[str, float] = {}
        for label, pairwise in labels.items():
            cut, on_rest[label] = best_cut(data, rest, pairwise)
            parts = consolidated(articles, PAIRWISE[pairwise](signals), CUTS)
            row = {"fold": f, "articles": len(articles), "groups": len({data.group(s) for s in gold.values()}),
                   "threshold": cut, "reference": reference, "storylens": bcubed_f1(gold, parts[CUTS.index(cut)]),
                   "ceiling": max(bcubed_f1(gold, p) for p in parts)}
            if single is not None:
                row["shipped"] = single
            results[label].append(row)
            print(format_row(f"{data.name}{label}", row), flush=True)
        select_nested(data.name, f, on_rest, results)
    return results


def diagnose(data: LabelledSet) -> list[dict[str, object]]:
    """Each decision of the shipped scorer over the whole set, sorted by what it did: `new-ok`
    (a story started, none of its gold story open), `join-ok` (joined the open story that holds
    most of its gold story), `wrong-join` (joined another), `missed` (started a story though its
    gold story was open), `duplicate`. With the candidates' probabilities and features."""
    settings = Settings()
    stream = StoryStream(settings.story_threshold, settings.story_window_days, settings.duplicate_threshold,
                         settings.story_merge_threshold, StoryScorer.load(),
                         threshold_rise=settings.story_threshold_rise)
    clusterer, decisions = stream.clusterer, []
    members: defaultdict[str, Counter[str]] = defaultdict(Counter)  # predicted story -> gold stories
    real_candidates, captured = clusterer.candidates, {}

    def candidates(signals: Signals) -> tuple[list[str], np.ndarray]:
        captured["ids"], captured["features"] = real_candidates(signals)
        return captured["ids"], captured["features"]

    clusterer.candidates = candidates  # type: ignore[method-assign]
    for article, signals in zip(data.articles, data.signals, strict=True):
        captured.clear()
        gold = data.gold[article.id]
        holder = {s: c.most_common(1)[0][0] for s, c in members.items() if c and s in clusterer.stories}
        placed = stream.add(article, signals=signals)
        story = clusterer.resolve(placed.story_id)
        ids, features = captured.get("ids", []), captured.get("features", np.zeros((0, len(FEATURES))))
        probability = clusterer.scorer.probability(features) if len(ids) else np.zeros(0)
        true = [i for i, s in enumerate(ids) if holder.get(clusterer.resolve(s)) == gold]
        kind = ("duplicate" if placed.duplicate_of else
                ("missed" if gold in holder.values() else "new-ok") if not members[story] else
                "join-ok" if holder.get(story) == gold else "wrong-join")
        best = int(np.argmax(probability)) if len(ids) else None
        decisions.append({"group": data.group(gold), "kind": kind, "open": gold in holder.values(),
                          "best": None if best is None else (float(probability[best]), features[best]),
                          "true": (float(probability[true[0]]), features[true[0]]) if true else None})
        members[story][gold] += 1
        for gone in [s for s in members if s != clusterer.resolve(s)]:
            members[clusterer.resolve(gone)].update(members.pop(gone))
    return decisions


def print_diagnosis(name: str, decisions: list[dict[str, object]]) -> None:
    kinds = Counter(str(d["kind"]) for d in decisions)
    print(f"{name}: {dict(kinds)}")
    print(f"  features: {' '.join(FEATURES)}")
    for kind, which in (("wrong-join", "best"), ("join-ok", "best"), ("missed", "true")):
        chosen = [d[which] for d in decisions if d["kind"] == kind and d[which] is not None]
        if not chosen:
            continue
        p = np.array([c[0] for c in chosen])  # type: ignore[index]
        mean = np.mean([c[1] for c in chosen], axis=0)  # type: ignore[index]
        print(f"  {kind:10} {len(chosen):>4} {which} candidate p quartiles "
              f"{' '.join(f'{q:.2f}' for q in np.quantile(p, [.25, .5, .75]))}; mean features "
              f"{' '.join(f'{v:.2f}' for v in mean)}")
    wrong = [d for d in decisions if d["kind"] == "wrong-join"]
    print(f"  wrong joins whose gold story was not yet open (a new event joining another): "
          f"{sum(not d['open'] for d in wrong)} of {len(wrong)}; missed with the true story not "
          f"among the candidates: {sum(d['true'] is None for d in decisions if d['kind'] == 'missed')}")
    lost = Counter(str(d["group"]) for d in wrong)
    print(f"  groups with most wrong joins: {', '.join(f'{g} ({n})' for g, n in lost.most_common(8))}")


def format_row(name: str, row: dict[str, float]) -> str:
    shipped = f" {row['shipped']:>8.4f}" if "shipped" in row else ""
    shipped += f" {row['ceiling']:>8.4f}" if "ceiling" in row else ""
    fold = f"{row['fold']:>4}" if isinstance(row["fold"], int) else f"{row['fold']:>4}"
    return (f"{name:30} {fold} {row['articles']:>8.0f} {row['groups']:>6.0f} {row['threshold']:>5.3f} "
            f"{row['reference']:>9.4f} {row['storylens']:>9.4f} {row['storylens'] - row['reference']:>+7.4f}{shipped}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=["ecbplus-dev", "neus-val"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shipped", action="store_true", help="also run the shipped scorer on each fold")
    parser.add_argument("--train-only", action="store_true",
                        help="fit on neus-train alone, as the shipped scorer is; threshold on the other folds")
    parser.add_argument("--diagnose", action="store_true", help="sort the shipped scorer's decisions instead")
    parser.add_argument("--consolidate", nargs="+", choices=sorted(PAIRWISE), default=None,
                        help="cross-validate consolidation by average linkage on these pairwise similarities")
    parser.add_argument("--adaptive", nargs="+", choices=sorted(ADAPTIVE), default=None,
                        help="cross-validate these adaptive cuts (on the --consolidate similarities, default all)")
    parser.add_argument("--centroid", nargs="+", choices=("words", "both", "anchored"), default=None,
                        help="cross-validate these decisions of cv_rules.py")
    parser.add_argument("--split", nargs="+", choices=("split-c", "split-a", "split-c-pairs"), default=None,
                        help="cross-validate these splits of the shipped pass's stories (cv_rules.py)")
    parser.add_argument("--windows", choices=("words", "both", "anchored", "split-c", "split-a", "split-c-pairs",
                                              "pass-split"),
                        default=None,
                        help="the reference, the shipped pass and this decision on neus-train windows")
    parser.add_argument("--choose-cut", choices=("split-c", "split-a", "split-c-pairs"), default=None,
                        help="the setting of this rule that scores best on neus-train windows (--window)")
    parser.add_argument("--fixed", nargs=2, metavar=("RULE", "SETTING"), default=None,
                        help="score a cv_rules.py rule per fold at one setting chosen elsewhere")
    parser.add_argument("--joint", choices=("split-c", "split-a", "split-c-pairs", "pass-split"), default=None,
                        help="per fold, this rule's setting chosen on both sets' other folds at once (cv_rules.py)")
    parser.add_argument("--window", type=int, default=900, help="articles per window of --choose-cut")
    parser.add_argument("--features", nargs="+", metavar="NAME,NAME", default=None,
                        help=f"one or more comma-separated sets of {', '.join(FEATURES)} to fit on, each "
                        "cross-validated on the same folds (default: the shipped scorer's)")
    args = parser.parse_args()
    shipped_features = ",".join(n for n, w in zip(FEATURES, StoryScorer.load().weights, strict=True) if w)
    variants = {f" [{i}]" if len(args.features or ()) > 1 else "": tuple(v.split(","))
                for i, v in enumerate(args.features or [shipped_features])}
    unknown = {n for v in variants.values() for n in v} - set(FEATURES)
    if unknown:
        parser.error(f"unknown features {sorted(unknown)}; known: {', '.join(FEATURES)}")
    for label, using in variants.items():
        print(f"variant{label or ''}: {','.join(using)}")
    if not (DATA / "neus-train.articles.jsonl").exists():
        sys.exit(f"{DATA} is absent: this benchmark needs ../shared beside the repository")
    if args.diagnose:
        for name in args.sets:
            print_diagnosis(name, diagnose(LabelledSet(name)))
        return
    started = time.perf_counter()
    if args.centroid or args.split or args.windows or args.choose_cut or args.fixed or args.joint:
        import cv_rules  # imports this module: loaded only when asked for

        if args.fixed:
            cv_rules.fixed_setting(args.fixed[0], float(args.fixed[1]), args.sets, args.folds)
        if args.joint:
            cv_rules.joint_setting(args.joint, args.sets, args.folds)
        if args.choose_cut:
            cv_rules.choose_cut(args.choose_cut, args.window)
        if args.centroid or args.split:
            cv_rules.run(args.sets, args.folds, args.shipped, [*(args.centroid or ()), *(args.split or ())])
        if args.windows:
            cv_rules.window_check(args.windows)
        print(f"({time.perf_counter() - started:.0f} s)")
        return
    if args.adaptive:
        print(f"{'set':30} {'fold':>4} {'articles':>8} {'groups':>6} {'set.':>5} {'reference':>9} "
              f"{'consol.':>9} {'lead':>7}{' shipped' if args.shipped else ''}  ceiling")
        for name in args.sets:
            print_means(name, cross_validate_adaptive(LabelledSet(name), args.folds, args.shipped, args.adaptive,
                                                      args.consolidate or sorted(PAIRWISE)))
        print(f"({time.perf_counter() - started:.0f} s)")
        return
    if args.consolidate:
        print(f"{'set':16} {'fold':>4} {'articles':>8} {'groups':>6} {'cut':>5} {'reference':>9} "
              f"{'consol.':>9} {'lead':>7}{' shipped' if args.shipped else ''}  ceiling")
        for name in args.sets:
            print_means(name, cross_validate_consolidation(LabelledSet(name), args.folds, args.shipped,
                                                           args.consolidate))
        print(f"({time.perf_counter() - started:.0f} s)")
        return
    neus_train = LabelledSet("neus-train")
    train = candidate_rows(neus_train.articles, neus_train.signals, neus_train.gold)
    print(f"{'set':16} {'fold':>4} {'articles':>8} {'groups':>6} {'thr':>5} {'reference':>9} {'storylens':>9} "
          f"{'lead':>7}{' shipped' if args.shipped else ''}")
    for name in args.sets:
        print_means(name, cross_validate(LabelledSet(name), train, args.folds, args.shipped, variants,
                                         args.train_only))
    print(f"({time.perf_counter() - started:.0f} s)")


def print_means(name: str, results: dict[str, list[dict[str, float]]]) -> None:
    for label, rows in results.items():
        mean = {key: float(np.mean([r[key] for r in rows])) for key in rows[0] if key != "fold"}
        print(format_row(f"{name}{label}", {**mean, "fold": "mean"}))
        print(f"{name}{label} lowest lead over the reference on a fold: "
              f"{min(r['storylens'] - r['reference'] for r in rows):+.4f}", flush=True)


if __name__ == "__main__":
    main()
