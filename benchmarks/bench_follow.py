"""Following live sources (run by hand): fixture outlets on 127.0.0.1, polled with `--once`,
then again after each outlet publishes more.

    python benchmarks/bench_follow.py [--outlets 20] [--articles 50] [--gap 0.05]

Each outlet is its own HTTP server (its own origin) with an RSS feed of its articles. The first
round follows every feed from scratch; then each outlet adds 10% more articles and the second
round fetches only those. Printed: articles/s end to end (fetch, clean, store, group), articles
stored twice (must be 0), the most requests in flight at one outlet (must be 1), and the smallest
gap between two requests to one outlet (must be at least --gap).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fixture site lives with the tests

from tests.ingest.newssite import NewsSite, article, rss  # noqa: E402

from storylens.config import Settings  # noqa: E402
from storylens.follow import follow  # noqa: E402
from storylens.ingest.fetch import Fetcher  # noqa: E402
from storylens.store import SQLiteStore  # noqa: E402


def publish(site: NewsSite, outlet: int, count: int) -> None:
    items = []
    for i in range(count):
        path = f"/{outlet}/story-{i}"
        site.page(path, article(f"Outlet {outlet} reports event {i} in the harbour town", n=i))
        items.append((path, f"Event {i}", None))
    site.page("/feed.xml", rss(site.base, items), "application/rss+xml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.05, help="fetch_host_delay, seconds")
    args = parser.parse_args()
    sites = [NewsSite().start() for _ in range(args.outlets)]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings(db=str(Path(scratch) / "follow.db"), fetch_host_delay=args.gap,
                                allow_private_hosts=",".join(s.hostport for s in sites))
            feeds = [s.base + "/feed.xml" for s in sites]
            print(f"{args.outlets} outlets x {args.articles} articles, gap {args.gap} s")
            print(f"{'round':24} {'articles':>8} {'seconds':>8} {'articles/s':>10}")
            rounds = (("first (--once)", args.articles), ("incremental", args.articles + max(1, args.articles // 10)))
            for label, count in rounds:
                for n, site in enumerate(sites):
                    publish(site, n, count)
                fetcher = Fetcher(settings)
                started = time.perf_counter()
                reports = follow(feeds, settings, once=True, fetcher=fetcher)
                elapsed = time.perf_counter() - started
                added = sum(len(r.added) for r in reports)
                print(f"{label:24} {added:>8} {elapsed:>8.1f} {added / elapsed:>10.1f}", flush=True)
            with SQLiteStore(settings.db) as store:
                urls = [a.url for a in store.articles()]
            page_hits = [p for s in sites for p, _, _ in s.log if "/story-" in p]
            gaps = [b[2] - a[2] for s in sites for a, b in zip(s.log, s.log[1:], strict=False)]
            print(f"articles stored: {len(urls)}, stored twice: {len(urls) - len(set(urls))}, "
                  f"pages fetched twice: {len(page_hits) - len(set(page_hits))}")
            print(f"most requests in flight at one outlet: {max(s.most_in_flight for s in sites)}; "
                  f"smallest gap at one outlet: {min(gaps):.3f} s")
    finally:
        for site in sites:
            site.stop()


if __name__ == "__main__":
    main()
