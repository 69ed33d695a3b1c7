"""Speed of each stage, run by hand (`make bench`); prints a table. Never part of the tests.

Uses the demo corpus, and ../shared/data when it is beside the repository.
"""

from __future__ import annotations

import gzip
import resource
import time
from pathlib import Path

from storylens import api
from storylens.clean import clean
from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.model import Article, RawDocument
from storylens.stories import StoryStream

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def timed(label: str, count: int, unit: str, work: object) -> tuple[str, int, str, float]:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    return label, count, unit, seconds


def main() -> None:
    rows = []
    docs = [d for d in read_inputs([api.demo_corpus()], 1 << 24) if isinstance(d, RawDocument)]
    rows.append(timed("clean demo corpus", len(docs), "pages", lambda: [clean(d, dayfirst=True) for d in docs]))
    articles = [clean(d, dayfirst=True) for d in docs]
    rows.append(timed("stories demo corpus", len(articles), "articles",
                      lambda: list(StoryStream().add_all(articles))))
    bridge = [a for a in articles if "Harlow" in (a.title or "") or "Harlow" in a.text][:5]
    compare(bridge[:2])  # load the model once, outside the timing
    rows.append(timed("compare 5-article story", len(bridge), "articles", lambda: compare(bridge)))
    pages = sorted((SHARED / "data" / "extraction-dev" / "html").glob("*.html.gz"))
    if pages:
        raws = [RawDocument(str(p), "html", gzip.decompress(p.read_bytes()).decode("utf-8", "replace")) for p in pages]
        rows.append(timed("clean extraction-dev", len(raws), "pages", lambda: [clean(r, dayfirst=True) for r in raws]))
    neus = SHARED / "data" / "cluster" / "neus-val.articles.jsonl"
    if neus.exists():
        rows.append(timed("cluster neus-val", sum(1 for _ in neus.open()), "articles",
                          lambda: list(api.cluster_records(neus))))
    synthetic = [Article.create(f"Event {i % 500} happened in town {i % 97}. Officials said number {i}.",
                                title=f"Event {i % 500}") for i in range(5000)]
    rows.append(timed("stories synthetic stream", len(synthetic), "articles",
                      lambda: list(StoryStream().add_all(synthetic))))
    print(f"{'stage':32} {'items':>7} {'seconds':>8} {'per second':>11}")
    for label, count, unit, seconds in rows:
        print(f"{label:32} {count:>7} {seconds:>8.2f} {count / seconds:>9.1f} {unit}/s")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
