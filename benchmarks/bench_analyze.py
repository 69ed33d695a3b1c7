"""Speed of the analyze stage on polnear-dev (84 news articles), run by hand; prints a table.

One process, no workers, so that runs compare: the spaCy parse, then sentences + entities +
quotes with speakers on the parsed documents (the part the quote rules cost), then the whole
`analyze_many`. Needs ../shared beside the repository.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from storylens.analyze import analyze_many, nlp
from storylens.analyze.entities import find_entities
from storylens.analyze.quotes import find_quotes
from storylens.analyze.sentences import split_sentences
from storylens.model import Article

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> None:
    texts = sorted((SHARED / "data" / "quotes" / "polnear-dev" / "text").glob("*.txt"))
    if not texts:
        sys.exit("polnear-dev is not beside the repository (../shared/data/quotes/polnear-dev)")
    articles = [Article.create(p.read_text(encoding="utf-8")) for p in texts]
    pipeline = nlp.load()
    start = time.perf_counter()
    docs = list(pipeline.pipe((a.text for a in articles), batch_size=8))
    parse = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        find_quotes(doc, split_sentences(doc.text), find_entities(doc))
    rules = time.perf_counter() - start
    start = time.perf_counter()
    list(analyze_many(articles, workers=1))
    whole = time.perf_counter() - start
    print(f"{'step':40} {'seconds':>8} {'docs/s':>8}")
    for label, seconds in (("spaCy parse", parse), ("sentences, entities, quotes, speakers", rules),
                           ("analyze_many, one worker", whole)):
        print(f"{label:40} {seconds:>8.2f} {len(articles) / seconds:>8.1f}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
