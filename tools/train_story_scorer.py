"""Fit the story scorer (`src/storylens/stories/scorer.json`) on a labelled article stream.

    python tools/train_story_scorer.py ../shared/data/cluster/neus-train [PREFIX...] [--out FILE]

reads PREFIX.articles.jsonl and PREFIX.gold.jsonl for each PREFIX, replays the articles in order through the
online clusterer with each one joining its true story (so the candidates seen are those a
well-behaved stream would offer), records the features of every candidate the indexes propose,
labelled by whether it is the article's true story, and fits a logistic regression on them.
The dev sets are left for measuring (`../shared/eval/scoreboard`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from storylens import api
from storylens.stories.cluster import OnlineClusterer
from storylens.stories.scorer import FEATURES, StoryScorer, fit, unrelated_floors
from storylens.stories.signals import read_signals

OUT = Path(__file__).resolve().parents[1] / "src/storylens/stories/scorer.json"


def labelled_rows(prefix: str, floors: tuple[float, float] = (0.0, 0.0)
                  ) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    articles = list(api.jsonl_articles(f"{prefix}.articles.jsonl"))
    gold = {g["id"]: g["story"] for g in map(json.loads, Path(f"{prefix}.gold.jsonl").read_text().splitlines())}
    signals = read_signals(articles)
    untrained = StoryScorer(np.zeros(len(FEATURES)), 0.0, {}, floors)
    clusterer = OnlineClusterer(scorer=untrained)
    features, labels, reachable, returning = [], [], 0, 0
    for article, signal in zip(articles, signals, strict=True):
        clusterer.observe(signal)
        true_story = f"gold:{gold[article.id]}"
        ids, rows = clusterer.candidates(signal)
        features.append(rows)
        labels.extend(story_id == true_story for story_id in ids)
        if true_story in clusterer.stories:
            returning += 1
            reachable += true_story in ids
        clusterer.join(true_story, signal)
    stats = {"candidate_recall": round(reachable / max(returning, 1), 4)}
    return np.vstack(features), np.array(labels, dtype=np.int8), stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="+", metavar="PREFIX",
                        help="path prefix of PREFIX.articles.jsonl and PREFIX.gold.jsonl")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    started = time.perf_counter()
    # Margins are taken over a floor, what an unrelated story scores: a first pass measures it.
    first = [labelled_rows(prefix) for prefix in args.prefixes]
    floors = unrelated_floors(np.vstack([p[0] for p in first]), np.concatenate([p[1] for p in first]))
    parts = [labelled_rows(prefix, floors) for prefix in args.prefixes]
    features = np.vstack([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    about = {"trained_on": " + ".join(Path(p).name for p in args.prefixes), "rows": int(len(labels)),
             "positives": int(labels.sum()),
             "candidate_recall": {Path(p).name: part[2]["candidate_recall"]
                                  for p, part in zip(args.prefixes, parts, strict=True)}}
    scorer = fit(features, labels, about, floors)
    Path(args.out).write_text(scorer.to_json(), encoding="utf-8")
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, scorer.weights, strict=True))
    print(f"{about}\nweights: {weights}, bias {scorer.bias:+.2f}, margin floors {floors}\n"
          f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
