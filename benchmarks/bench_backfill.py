"""Archive backfill (run by hand): pages per second from WARC files, one process against Dask.

    python benchmarks/bench_backfill.py [--records 20000] [--files 8] [--workers 1 2]

Builds a synthetic archive in a scratch folder: the extraction benchmark's real news pages
(../shared/data/extraction-dev) and the cluster development sets' articles rendered as pages, with
varied URLs and crawl dates, spread over several gzipped WARC files. Then it measures, each in a
fresh process and a fresh store:
- plain trafilatura over the same pages in one process (the reference: the cost of the extraction
  alone, nothing stored);
- `storylens ingest` (one process: read, clean, store, group);
- `storylens backfill` with each worker count (the scaling ratio is the second over the first);
- the story consumer alone (grouping already stored articles in publication order);
and the peak memory of each Dask worker. `--sample` bounds the single-process runs, which would
otherwise take an hour at archive size.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CLUSTER_SETS = ("basil-dev", "ecbplus-dev", "neus-val", "neus-train")


def real_pages() -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted((SHARED / "extraction-dev" / "html").glob("*.html.gz"))]


def article_pages() -> list[bytes]:
    """Cluster-set articles as simple news pages (title, date, paragraphs), so stories form."""
    pages = []
    for name in CLUSTER_SETS:
        path = SHARED / "cluster" / f"{name}.articles.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            title = html.escape(record.get("title") or "")
            body = "".join(f"<p>{html.escape(p)}</p>" for p in (record.get("text") or "").split("\n") if p.strip())
            date = record.get("published") or ""
            meta = f'<meta property="article:published_time" content="{date}">' if date else ""
            pages.append(f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
                         f"{body}</article></body></html>".encode())
    return pages


def build_archive(folder: Path, records: int, files: int) -> list[Path]:
    from storylens.ingest.warc import write_pages

    rng = random.Random(7)
    real, articles = real_pages(), article_pages()
    start = datetime(2024, 1, 1)
    paths = [folder / f"news-{n:02d}.warc.gz" for n in range(files)]
    per_file = -(-records // files)
    for n, path in enumerate(paths):
        batch = []
        for i in range(n * per_file, min(records, (n + 1) * per_file)):
            body = real[i % len(real)] if i % 5 == 0 else articles[i % len(articles)]
            batch.append((f"https://outlet{rng.randrange(40)}.example/{i // 100}/{i}.html", body,
                          start + timedelta(minutes=7 * i)))
        with path.open("wb") as handle:
            write_pages(handle, batch)
    return paths


TRAFILATURA = """
import sys, time, trafilatura
from storylens.ingest.warc import read_archive
from pathlib import Path
docs = [d for p in sys.argv[2:] for d in read_archive(Path(p), 50 << 20)][: int(sys.argv[1])]
t = time.perf_counter()
for d in docs:
    trafilatura.bare_extraction(d.content, include_comments=False, with_metadata=True)
print(len(docs) / (time.perf_counter() - t))
"""

CONSUMER = """
import json, sys, time
from storylens import api, config
from storylens.store import SQLiteStore
s = config.load(db=sys.argv[1])
with SQLiteStore(s.db) as store:
    articles = store.articles()
with SQLiteStore(sys.argv[2]) as copy:
    t = time.perf_counter()
    for i in range(0, len(articles), 500):
        copy.add_slice(f"bench-{i}", articles[i:i + 500], [])
    stored = len(articles) / (time.perf_counter() - t)
    t = time.perf_counter()
    api.assign_pending_stories(copy, config.load(db=sys.argv[2]))
print(json.dumps({"consumer": len(articles) / (time.perf_counter() - t), "store": stored}))
"""

WORKER_PEAK = """
import json, sys, time
from storylens import config
from storylens.engine import DaskEngine
from storylens.engine.backfill import backfill
engine = DaskEngine(workers=int(sys.argv[2]))
t = time.perf_counter()
report = backfill(sys.argv[3:], engine, config.load(db=sys.argv[1]))
elapsed = time.perf_counter() - t
import resource
peaks = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
engine.close()
pages = len(report.added) + len(report.already_stored) + len(report.rejected)
print(json.dumps({"pages": pages, "seconds": elapsed, "phases": report.seconds, "failed": len(report.failed_slices),
                  "analysed": report.analysed, "peak_mib": sorted(peaks.values())}))
"""


def run(code: str, *args: str) -> str:
    """Run a measurement in a fresh process; its last line of output is the figure. A failure
    raises with the process's own error output (not a bare CalledProcessError)."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"measurement exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def timed_ingest(store: Path, paths: list[Path]) -> float:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "storylens.cli", "--db", str(store), "ingest", *map(str, paths)],
                          capture_output=True)
    if done.returncode not in (0, 3):  # 3: some pages were rejected (as in any real archive)
        raise RuntimeError(done.stderr.decode()[-2000:])
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sample", type=int, default=2_000, help="records for the single-process runs")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    try:
        paths = build_archive(scratch, args.records, args.files)
        (scratch / "sample").mkdir()
        sample = build_archive(scratch / "sample", args.sample, 2)
        print(f"archive: {args.records} records in {args.files} files "
              f"({sum(p.stat().st_size for p in paths) / 2**20:.0f} MiB gzipped); sample {args.sample}")
        print(f"{'run':34} {'pages/s':>8}  notes")
        reference = float(run(TRAFILATURA, str(args.sample), *map(str, sample)))
        print(f"{'plain trafilatura, 1 process':34} {reference:>8.1f}  extraction only, nothing stored", flush=True)
        seconds = timed_ingest(scratch / "ingest.db", sample)
        print(f"{'storylens ingest, 1 process':34} {args.sample / seconds:>8.1f}  start-up included", flush=True)
        rates = {}
        for workers in args.workers:
            store = scratch / f"backfill-{workers}.db"
            result = json.loads(run(WORKER_PEAK, str(store), str(workers), *map(str, paths)))
            rates[workers] = result["pages"] / result["seconds"]
            peaks = ", ".join(f"{p:.0f}" for p in result["peak_mib"])
            print(f"{f'storylens backfill, {workers} worker(s)':34} {rates[workers]:>8.1f}  "
                  f"{result['pages']} pages; peak MiB per worker: {peaks}", flush=True)
        if len(rates) > 1:
            low, high = min(rates), max(rates)
            print(f"{'scaling ratio':34} {rates[high] / rates[low]:>8.2f}  {high} workers over {low}")
        serial = json.loads(run(CONSUMER, str(scratch / f"backfill-{args.workers[-1]}.db"), str(scratch / "copy.db")))
        print(f"{'story consumer alone':34} {serial['consumer']:>8.1f}  articles/s, grouping stored articles")
        print(f"{'store writes alone':34} {serial['store']:>8.1f}  articles/s, slices of 500 into SQLite")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
