"""Time to read the figures of articles, digits and words (run by hand): prints a table. Never
part of the tests.

    python benchmarks/bench_figures.py [SET ...]     # cluster sets of ../shared/data/cluster

For each set: every article's text read whole (as `fact_numbers` reads an article for the figures
it gives elsewhere) and sentence by sentence (split at full stops, as the pairs it compares), the
number words found by text2num and the figures kept. Each text is read once cold: the sentence
cache is cleared first, so the figure is the cost of a first comparison.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from storylens.compare import figures

CLUSTER = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cluster"


def texts(cluster_set: str) -> list[str]:
    lines = (CLUSTER / f"{cluster_set}.articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [r.get("text") or "" for r in map(json.loads, lines)]


def timed(items: list[str]) -> tuple[float, int, int]:
    """Seconds to read every text's figures, the number words found and the figures kept."""
    figures._sentence_word_numbers.cache_clear()
    start = time.perf_counter()
    kept = sum(sum(len(f) for f in figures.figures_by_unit(t, lambda offset: "").values()) for t in items)
    seconds = time.perf_counter() - start
    words = sum(1 for t in items for w in figures.written_numbers(t) if w.value is not None)
    return seconds, words, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", default=["basil-dev", "neus-val", "ecbplus-dev"])
    args = parser.parse_args()
    figures.stop_words()  # scikit-learn's import is not the reading's cost
    print(f"{'set':<14}{'reading':<11}{'texts':>7}{'chars':>11}{'seconds':>9}{'ms/text':>9}{'words':>7}{'figures':>9}")
    for name in args.sets:
        articles = texts(name)
        sentences = [s for t in articles for s in re.split(r"(?<=[.!?])\s+", t) if s]
        for reading, items in (("articles", articles), ("sentences", sentences)):
            seconds, words, kept = timed(items)
            chars = sum(map(len, items))
            print(f"{name:<14}{reading:<11}{len(items):>7}{chars:>11}{seconds:>9.2f}"
                  f"{1000 * seconds / max(len(items), 1):>9.3f}{words:>7}{kept:>9}")


if __name__ == "__main__":
    main()
