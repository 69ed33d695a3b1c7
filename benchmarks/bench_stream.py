"""The stories stage on a long synthetic stream (run by hand): cost per article as the stream grows.

    python benchmarks/bench_stream.py [--articles 100000] [--per-day 400]

Synthetic articles: each story has its own handful of rare "event" words (names, places) over a
shared news vocabulary, 3-8 articles per story spread over a few days, stories starting at a
steady rate. Prints articles per second and the process's peak memory for every tenth of the
stream, so first 10% against last 10% shows whether the cost per article stays flat.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import datetime, timedelta

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=400, help="articles published per day")
    args = parser.parse_args()
    stream = synthetic_stream(args.articles, args.per_day)
    tenth = max(1, len(stream) // 10)
    clusterer = StoryStream()
    print(f"{'articles':>10} {'art/s':>8} {'peak MiB':>9} {'stories':>8}")
    for chunk_start in range(0, len(stream), tenth):
        chunk = stream[chunk_start : chunk_start + tenth]
        began = time.perf_counter()
        for article, _ in chunk:
            clusterer.add(article)
        rate = len(chunk) / (time.perf_counter() - began)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{chunk_start + len(chunk):>10} {rate:>8.0f} {peak:>9.0f} {len(clusterer.clusterer.stories):>8}",
              flush=True)


if __name__ == "__main__":
    main()
