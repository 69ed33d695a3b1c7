"""Compare time by story size (run by hand): prints a table. Never part of the tests.

    python benchmarks/bench_compare.py

Stories: a BASIL pair and triplet, a demo-corpus story, ECB+ stories of 10 and 20 articles, and a
synthetic stories of 50 real news articles (the three largest ECB+ topics together, short articles;
and 17 BASIL stories together, long ones). For each, two
figures: *cold*, nothing analysed yet (sentences, spaCy parse, quotes, embeddings, then alignment
and discrepancies); *grown*, the story's other articles already analysed and stored, as when one
more article joins a stored story (what `compare_story` does). Models are loaded before timing.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from storylens import api
from storylens.analyze import analyze_many
from storylens.compare import add_sentence_vectors, compare, story_day
from storylens.model import Article

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def jsonl_stories(name: str) -> list[list[Article]]:
    folder = SHARED / "data" / "cluster"
    gold = {r["id"]: r["story"] for r in map(json.loads, (folder / f"{name}.gold.jsonl").open())}
    stories: dict[str, list[Article]] = defaultdict(list)
    for record in map(json.loads, (folder / f"{name}.articles.jsonl").open()):
        stories[gold[record["id"]]].append(Article.create(record.get("text") or "", title=record.get("title"),
                                                          id=record["id"], outlet=record.get("source")))
    return sorted(stories.values(), key=len, reverse=True)


def cold(articles: list[Article]) -> float:
    start = time.perf_counter()
    compare(articles)
    return time.perf_counter() - start


def grown(articles: list[Article]) -> float:
    reference = story_day(articles)
    stored = list(analyze_many(articles[:-1], reference=reference, dayfirst=True))
    add_sentence_vectors(stored)
    start = time.perf_counter()
    new = list(analyze_many(articles[-1:], reference=reference, dayfirst=True))
    compare(articles, analyses=stored + new)
    return time.perf_counter() - start


def main() -> None:
    cases: list[tuple[str, list[Article]]] = []
    if (SHARED / "data").exists():
        basil = jsonl_stories("basil-dev")
        ecb = jsonl_stories("ecbplus-dev")
        cases += [("BASIL pair", basil[0][:2]), ("BASIL story", basil[0]),
                  ("ECB+ story", ecb[0][:10]), ("ECB+ story", ecb[0][:20]),
                  ("ECB+ 3 topics", (ecb[0] + ecb[1] + ecb[2])[:50]),
                  ("BASIL 17 stories", [a for story in basil for a in story][:50])]
    demo = api.articles_from_files([api.demo_corpus()])
    gold = api.demo_gold()["articles"]
    by_story: dict[str, list[Article]] = defaultdict(list)
    for a in demo:
        key = next(v["story"] for k, v in gold.items() if a.input and a.input.endswith(k))
        by_story[key].append(a)
    cases.insert(0, ("demo story", max(by_story.values(), key=len)))
    compare(cases[0][1][:2])  # load spaCy and the embedding model outside the timings
    print(f"{'story':<18} {'articles':>8} {'words/art':>9} {'cold s':>8} {'grown s':>8}")
    for label, articles in cases:
        words = sum(len(a.text.split()) for a in articles) // len(articles)
        print(f"{label:<18} {len(articles):>8} {words:>9} {cold(articles):>8.2f} {grown(articles):>8.2f}",
              flush=True)


if __name__ == "__main__":
    main()
