"""The headline embedding on title + the first N words of the text, measured two ways (issue 13).

    python benchmarks/cv_headline_words.py [--words 0 30] [--sample 400]

1. Nearest-neighbour accuracy (the closest other article by cosine is in the same gold story) on a
   seeded sample of neus-train stories, MiniLM alone and averaged with TF-IDF (scikit-learn,
   sublinear, English stop words, title + first 100 words), and texts/s of the embedding.
2. The scorer refitted on neus-train with those vectors, then the pass at a join threshold and
   rule (vi)'s split at a cut (`cv_rules.py`), (threshold, cut) chosen per fold k as the pair with
   the best mean BCubed F1 over the other folds of ecbplus-dev and neus-val, each fold scored as a
   stream of its own; fold k is then scored, beside the reference. `--words 0` is the shipped
   headline (title only) through the same protocol.

Slow: neus-train is embedded and replayed once per N (about 1.5 min at N 30 on 2 cores).
"""

from __future__ import annotations

import argparse
import functools
import random
import time

import cv_rules
import numpy as np
from cv_rules import SPLIT_GRID
from cv_stories import LabelledSet, reference_stories, score
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from storylens.analyze import embed
from storylens.model import Article
from storylens.stories import signals as signal_module
from storylens.stories.scorer import FEATURES, StoryScorer
from storylens.stories.training import candidate_rows, fit_rows

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
SETS = ("ecbplus-dev", "neus-val")
SHIPPED_HEADLINE = signal_module.headline
SHIPPED_LOAD = StoryScorer.load


def opening(article: Article, words: int) -> str:
    return " ".join(article.text.split()[:words])


def headline_with(words: int):  # type: ignore[no-untyped-def]
    """The headline on the title and the text's first `words` (0: the title alone)."""
    return functools.partial(SHIPPED_HEADLINE, opening_words=words)


def neighbour_accuracy(similarity: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    s = similarity.copy()
    np.fill_diagonal(s, -9.0)
    upper = np.triu_indices(len(labels), 1)
    same = (labels[:, None] == labels[None, :])[upper]
    return float((labels[s.argmax(1)] == labels).mean()), float(roc_auc_score(same, similarity[upper]))


def signal_table(train: LabelledSet, spans: list[int], stories: int) -> None:
    names = sorted(set(train.gold.values()))
    random.Random(13).shuffle(names)
    keep = set(names[:stories])
    articles = [a for a in train.articles if train.gold[a.id] in keep]
    labels = np.array([train.gold[a.id] for a in articles])
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [f"{a.title or ''} {opening(a, 100)}" for a in articles])
    lexical = (tfidf @ tfidf.T).toarray()
    print(f"neus-train sample: {len(articles)} articles, {stories} stories; TF-IDF alone "
          "%.3f (AUC %.3f)" % neighbour_accuracy(lexical, labels))
    encoder = embed.load()
    for words in spans:
        texts = [headline_with(words)(a) for a in articles]
        started = time.perf_counter()
        vectors = encoder.encode(texts)
        rate = len(texts) / (time.perf_counter() - started)
        semantic = vectors @ vectors.T
        alone, both = neighbour_accuracy(semantic, labels), neighbour_accuracy((semantic + lexical) / 2, labels)
        print(f"  title + {words:3d} words: {rate:5.0f} texts/s; MiniLM {alone[0]:.3f} (AUC {alone[1]:.3f}), "
              f"with TF-IDF {both[0]:.3f} (AUC {both[1]:.3f})", flush=True)


def fold_grid(data: LabelledSet, ids: set[str]) -> np.ndarray:
    """BCubed F1 of the fold for every (threshold, cut): rule (ix)'s pass and split (`cv_rules`)."""
    articles, signals = data.stream(ids)
    gold = {a.id: data.gold[a.id] for a in articles}
    grid = [(t, c) for t in THRESHOLDS for c in SPLIT_GRID]
    return np.array(cv_rules._scores(articles, gold, cv_rules.pass_split(articles, signals, grid))).reshape(
        len(THRESHOLDS), len(SPLIT_GRID))


def cross_validate(words: int, folds: int) -> None:
    signal_module.headline = headline_with(words)  # read_signals embeds what `headline` returns
    started = time.perf_counter()
    train = LabelledSet("neus-train")
    using = tuple(n for n, w in zip(FEATURES, SHIPPED_LOAD().weights, strict=True) if w)
    rows = candidate_rows(train.articles, train.signals, train.gold)
    scorer = fit_rows([rows], {"trained_on": "neus-train"}, using)
    StoryScorer.load = classmethod(lambda cls, path=None: scorer)  # type: ignore[method-assign,assignment]
    cv_rules._passes.clear()
    print(f"title + {words} words: refitted on neus-train in {time.perf_counter() - started:.0f} s, "
          f"candidate recall {rows.candidate_recall:.4f}", flush=True)
    sets = [LabelledSet(name) for name in SETS]
    grids: dict[tuple[str, int], np.ndarray] = {}
    references: dict[tuple[str, int], float] = {}
    for data in sets:
        for k, ids in enumerate(data.folds(folds)):
            articles, _ = data.stream(ids)
            reference = reference_stories(articles)
            references[data.name, k] = score([{"id": a.id, "story": data.gold[a.id]} for a in articles],
                                             [{"id": a.id, "story": reference[a.id]} for a in articles])["bcubed_f1"]
            grids[data.name, k] = fold_grid(data, ids)
    for data in sets:
        leads, scores = [], []
        for k in range(folds):
            others = np.mean([g for (name, j), g in grids.items() if j != k], axis=0)
            t, c = np.unravel_index(np.argmax(others), others.shape)
            scores.append(grids[data.name, k][t, c])
            leads.append(scores[-1] - references[data.name, k])
            print(f"  {data.name} fold {k}: threshold {THRESHOLDS[t]}, cut {SPLIT_GRID[c]}: reference "
                  f"{references[data.name, k]:.4f}, rule {scores[-1]:.4f}, lead {leads[-1]:+.4f}")
        print(f"  {data.name} mean: reference {np.mean([references[data.name, k] for k in range(folds)]):.4f}, "
              f"rule {np.mean(scores):.4f}, lead {np.mean(leads):+.4f}, worst fold {min(leads):+.4f}", flush=True)
    signal_module.headline = SHIPPED_HEADLINE
    StoryScorer.load = SHIPPED_LOAD  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", nargs="+", type=int, default=[0, 30], help="opening words added to the title")
    parser.add_argument("--sample", type=int, default=400, help="neus-train stories for the neighbour table")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    signal_table(LabelledSet("neus-train"), [0, 10, 20, 30, 50, 100], args.sample)
    for words in args.words:
        cross_validate(words, args.folds)


if __name__ == "__main__":
    main()
