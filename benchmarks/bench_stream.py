"""The stories stage on a long dated stream (run by hand): cost per article as the stream grows.

    python benchmarks/bench_stream.py [--articles 100000] [--per-day 400]

The stream is real news: the NeuS training stories (../shared/data/cluster/neus-train, 2,452
stories told by three outlets each), dated at `--per-day` articles a day and replayed as many
times as needed, each pass three weeks after the last so that no story meets its own copy
inside the 7-day window. Without that data, a synthetic stream of made-up words is used. Prints
articles per second, peak memory, active stories and index rows for every tenth of the stream
(first 10% against last 10% shows whether the cost per article stays flat), and BCubed F1.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path

from storylens.model import Article
from storylens.stories import StoryStream

COMMON = [f"word{n}" for n in range(3000)]


def synthetic_stream(total: int, per_day: int, seed: int = 7) -> list[tuple[Article, int]]:
    """(article, true story number), in publication order."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    pending: list[tuple[datetime, Article, int]] = []
    story = 0
    while len(pending) < total:
        story += 1
        begins = start + timedelta(days=len(pending) / per_day)
        names = [f"name{story}x{k}" for k in range(6)]
        for n in range(rng.randint(3, 8)):
            words = rng.sample(COMMON, 120) + [rng.choice(names) for _ in range(25)]
            rng.shuffle(words)
            title = " ".join(rng.sample(names, 3) + rng.sample(COMMON, 4))
            when = begins + timedelta(hours=rng.uniform(0, 72))
            article = Article.create(" ".join(words) + ".", title=title, published=when, id=f"a{story}-{n}")
            pending.append((when, article, story))
    pending.sort(key=lambda t: t[0])
    return [(a, s) for _, a, s in pending[:total]]


NEUS = Path(__file__).resolve().parents[1].parent / "shared/data/cluster/neus-train"


def news_stream(total: int, per_day: int, seed: int = 7) -> list[tuple[Article, int]]:
    """NeuS articles, pass after pass; a story's articles within two days of its first one."""
    records = [json.loads(line) for line in Path(f"{NEUS}.articles.jsonl").read_text("utf-8").splitlines()]
    gold = {g["id"]: g["story"] for g in map(json.loads, Path(f"{NEUS}.gold.jsonl").read_text("utf-8").splitlines())}
    numbers = {story: n for n, story in enumerate(dict.fromkeys(gold[r["id"]] for r in records))}
    rng = random.Random(seed)
    dated: list[tuple[datetime, Article, int]] = []
    start = datetime(2025, 1, 1)
    for copy in range(total // len(records) + 1):
        begins = start + timedelta(days=copy * (len(records) / per_day + 21))
        for r in records:
            story = numbers[gold[r["id"]]]
            when = begins + timedelta(days=3 * story / per_day + rng.uniform(0, 2))
            article = Article.create(r["text"], title=r["title"], id=f"{r['id']}/{copy}", published=when)
            dated.append((when, article, story + copy * len(numbers)))
    dated.sort(key=lambda t: t[0])
    return [(a, s) for _, a, s in dated[:total]]


def bcubed_f1(pairs: list[tuple[str, int]]) -> float:
    by_pred: dict[str, set[int]] = {}
    by_true: dict[int, set[int]] = {}
    for i, (pred, true) in enumerate(pairs):
        by_pred.setdefault(pred, set()).add(i)
        by_true.setdefault(true, set()).add(i)
    precision = recall = 0.0
    for pred, true in pairs:
        both = len(by_pred[pred] & by_true[true])
        precision += both / len(by_pred[pred])
        recall += both / len(by_true[true])
    precision, recall = precision / len(pairs), recall / len(pairs)
    return 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=400, help="articles published per day")
    args = parser.parse_args()
    stream = news_stream(args.articles, args.per_day) if NEUS.with_suffix(".gold.jsonl").exists() \
        else synthetic_stream(args.articles, args.per_day)
    tenth = max(1, len(stream) // 10)
    clusterer = StoryStream()
    print(f"{'articles':>10} {'art/s':>8} {'peak MiB':>9} {'stories':>8} {'index rows':>10}")
    for chunk_start in range(0, len(stream), tenth):
        chunk = stream[chunk_start : chunk_start + tenth]
        began = time.perf_counter()
        for _ in clusterer.add_all(article for article, _ in chunk):
            pass
        rate = len(chunk) / (time.perf_counter() - began)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index = clusterer.clusterer._index
        print(f"{chunk_start + len(chunk):>10} {rate:>8.0f} {peak:>9.0f} {len(clusterer.clusterer.stories):>8} "
              f"{len(index) if index else 0:>10}", flush=True)


    print(f"BCubed F1 {bcubed_f1([(clusterer.story_of(a.id), true) for a, true in stream]):.3f}")


if __name__ == "__main__":
    main()
