"""Fit the story scorer (`src/storylens/stories/scorer.json`) on labelled article streams.

    python tools/train_story_scorer.py ../shared/data/cluster/neus-train [PREFIX...] [--out FILE]
        [--features words,names,...]

reads PREFIX.articles.jsonl and PREFIX.gold.jsonl for each PREFIX, replays the articles in order
through the online clusterer with each one joining its true story, records the features of every
candidate the indexes propose, labelled by whether it is the article's true story, and fits a
logistic regression on them (`storylens.stories.training`). `benchmarks/cv_stories.py` measures
the same fit by cross-validation, on folds it was not fitted on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from storylens import api
from storylens.stories.scorer import FEATURES
from storylens.stories.signals import read_signals
from storylens.stories.training import Rows, candidate_rows, fit_rows

OUT = Path(__file__).resolve().parents[1] / "src/storylens/stories/scorer.json"


def labelled_rows(prefix: str) -> Rows:
    articles = list(api.jsonl_articles(f"{prefix}.articles.jsonl"))
    gold = {g["id"]: g["story"] for g in map(json.loads, Path(f"{prefix}.gold.jsonl").read_text().splitlines())}
    return candidate_rows(articles, read_signals(articles), gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="+", metavar="PREFIX",
                        help="path prefix of PREFIX.articles.jsonl and PREFIX.gold.jsonl")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--features", default=",".join(FEATURES),
                        help="comma-separated features to fit on (benchmarks/cv_stories.py compares sets)")
    args = parser.parse_args()
    using = tuple(args.features.split(","))
    if set(using) - set(FEATURES):
        parser.error(f"unknown features {sorted(set(using) - set(FEATURES))}; known: {', '.join(FEATURES)}")
    started = time.perf_counter()
    parts = [labelled_rows(prefix) for prefix in args.prefixes]
    about = {"trained_on": " + ".join(Path(p).name for p in args.prefixes),
             "candidate_recall": {Path(p).name: part.candidate_recall
                                  for p, part in zip(args.prefixes, parts, strict=True)}}
    scorer = fit_rows(parts, about, using)
    Path(args.out).write_text(scorer.to_json(), encoding="utf-8")
    weights = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, scorer.weights, strict=True))
    print(f"{scorer.about}\nweights: {weights}, bias {scorer.bias:+.2f}, margin floors {scorer.floors}\n"
          f"wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
