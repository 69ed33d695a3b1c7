"""Words, names and numbers read over more of the article than its first 100 words (issue 13,
rule (x), registered before its run).

    python benchmarks/cv_lead_words.py [--words 100 250 all]

For each reading: the scorer refitted on neus-train, then rule (viii) (the shipped threshold, the
split's cut chosen per fold on both sets' other folds, `cv_rules.joint_setting`), per fold beside
the reference; then the pass and the split at 0.3 / 0.325 / 0.35 on neus-train windows drawn by
story (`cv_rules.window_ids`, mean of the draws). No neus-train or neus-val text is over 100 words
but one, so NeuS can only move by the refit; ECB+ (median 243 words) and BASIL (628) can.
About 5 minutes a reading on 2 cores.
"""

from __future__ import annotations

import argparse
import time

import cv_rules
import numpy as np
from cv_stories import LabelledSet

from storylens.stories import signals as signal_module
from storylens.stories.scorer import FEATURES, StoryScorer
from storylens.stories.training import candidate_rows, fit_rows

SHIPPED_LOAD = StoryScorer.load
CUTS = (cv_rules.NO_SPLIT, 0.3, 0.325, 0.35)


def measure(words: str) -> None:
    signal_module.LEAD_WORDS = 10**9 if words == "all" else int(words)  # `lead` reads it at each call
    started = time.perf_counter()
    train = LabelledSet("neus-train")
    using = tuple(n for n, w in zip(FEATURES, SHIPPED_LOAD().weights, strict=True) if w)
    rows = candidate_rows(train.articles, train.signals, train.gold)
    scorer = fit_rows([rows], {"trained_on": "neus-train"}, using)
    print(f"== title + {words} words: refitted on neus-train in {time.perf_counter() - started:.0f} s, "
          f"candidate recall {rows.candidate_recall:.4f}", flush=True)
    StoryScorer.load = classmethod(lambda cls, path=None: scorer)  # type: ignore[method-assign,assignment]
    cv_rules._passes.clear()
    cv_rules.joint_setting("split-c-pairs", ["ecbplus-dev", "neus-val"], 5)
    sizes = [*cv_rules.WINDOW_SIZES, len(train.articles)]
    for size in sizes:
        draws = range(cv_rules.WINDOW_DRAWS) if size < len(train.articles) else range(1)
        scores = []
        for draw in draws:
            ids = cv_rules.window_ids(train, size, draw) if size < len(train.articles) else set(train.gold)
            articles, signals = train.stream(ids)
            gold = {a.id: train.gold[a.id] for a in articles}
            scores.append(cv_rules._scores(articles, gold, cv_rules.split_stories(articles, signals, CUTS, "c", True)))
        print(f"  neus-train window {size}: pass / split at 0.3 / 0.325 / 0.35: "
              + " / ".join(f"{s:.4f}" for s in np.mean(scores, axis=0)), flush=True)
    StoryScorer.load = SHIPPED_LOAD  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", nargs="+", default=["100", "250", "all"],
                        help="words of the text read (a number, or all)")
    for words in parser.parse_args().words:
        measure(words)


if __name__ == "__main__":
    main()
