"""Archive backfill (run by hand): pages per second from WARC files, one process against Dask.

    python benchmarks/bench_backfill.py [--records 20000] [--files 8] [--workers 1 2]
                                        [--sample 2000] [--analyse-sample 600] [--consumer-articles 5000]

Builds a synthetic archive in a scratch folder: the extraction benchmark's real news pages
(../shared/data/extraction-dev) and the cluster development sets' articles rendered as pages, with
varied URLs and crawl dates, spread over several gzipped WARC files. Then it measures, each in a
fresh process and a fresh store:
- plain trafilatura over the same pages in one process (the reference: the cost of the extraction
  alone, nothing stored), on `--sample` records;
- `storylens ingest` (one process: read, clean, store, group), on `--sample` records;
- `storylens backfill --no-analysis` on the whole archive with each worker count (read, clean,
  embed headlines on the workers; store and group in the driver): the scaling ratio is the second
  over the first;
- `storylens backfill` with the analysis of multi-outlet stories, on `--analyse-sample` records
  (the analysis costs ~20 times a page's cleaning, so it is measured on fewer pages);
- the story consumer alone (grouping already stored articles in publication order), with the
  headline vectors given as the workers give them, and embedding them itself;
and the peak memory of each Dask worker and the load average at each row's end (the machine may
be shared: a scaling ratio means little under a load above its cores).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    real, articles = real_pages(), article_pages()
    if not real or not articles:
        sys.exit(f"bench_backfill: no pages under {SHARED} (extraction-dev/html, cluster/*.articles.jsonl); "
                 "it needs the shared data folder beside the repository")
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
from storylens.stories.signals import headline_vectors
with SQLiteStore(sys.argv[1]) as store:
    articles = store.articles()[: int(sys.argv[3])]
result = {}
for kind in ("vectors", "embedding"):  # vectors from the workers, as a backfill has them; or embedded here
    path = f"{sys.argv[2]}-{kind}.db"
    with SQLiteStore(path) as copy:
        t = time.perf_counter()
        for i in range(0, len(articles), 500):
            batch = articles[i:i + 500]
            vectors = [v.tobytes() for v in headline_vectors(batch)] if kind == "vectors" else None
            copy.add_slice(f"bench-{i}", batch, [], vectors)
        result["store"] = len(articles) / (time.perf_counter() - t)
        t = time.perf_counter()
        api.assign_pending_stories(copy, config.load(db=path))
        result[kind] = len(articles) / (time.perf_counter() - t)
print(json.dumps(result))
"""

WORKER_PEAK = """
import json, os, resource, sys, time
from storylens import config
from storylens.engine import DaskEngine
from storylens.engine.backfill import backfill

def main():
    t = time.perf_counter()
    engine = DaskEngine(workers=int(sys.argv[2]))
    started = time.perf_counter() - t
    t = time.perf_counter()
    report = backfill(sys.argv[4:], engine, config.load(db=sys.argv[1]), analyse=sys.argv[3] == "analyse")
    elapsed = time.perf_counter() - t
    peaks = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    engine.close()
    pages = len(report.added) + len(report.already_stored) + len(report.rejected)
    print(json.dumps({"pages": pages, "seconds": elapsed, "startup": started, "phases": report.seconds,
                      "failed": len(report.failed_slices), "analysed": report.analysed,
                      "peak_mib": sorted(peaks.values()), "load": os.getloadavg()[0]}))

if __name__ == "__main__":  # Dask's worker processes import this script again
    main()
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
    parser.add_argument("--analyse-sample", type=int, default=600,
                        help="records of the backfills that also analyse multi-outlet stories")
    parser.add_argument("--consumer-articles", type=int, default=5_000,
                        help="stored articles the story consumer alone groups (twice: with and without vectors)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    try:
        paths = build_archive(scratch, args.records, args.files)
        sample = build_archive(scratch / "sample", args.sample, 2)
        analysed = build_archive(scratch / "analysed", args.analyse_sample, 2)
        print(f"archive: {args.records} records in {args.files} files "
              f"({sum(p.stat().st_size for p in paths) / 2**20:.0f} MiB gzipped); sample {args.sample}; "
              f"analysis sample {args.analyse_sample}")
        print(f"{'run':38} {'rate':>8}  {'load':>5}  notes")
        reference = float(run(TRAFILATURA, str(args.sample), *map(str, sample)))
        _row("plain trafilatura, 1 process", reference, "pages/s, extraction only, nothing stored")
        seconds = timed_ingest(scratch / "ingest.db", sample)
        _row("storylens ingest, 1 process", args.sample / seconds, "pages/s, start-up included")
        rates = {}
        for workers in args.workers:
            result = json.loads(run(WORKER_PEAK, str(scratch / f"backfill-{workers}.db"), str(workers), "clean",
                                    *map(str, paths)))
            rates[workers] = result["pages"] / result["seconds"]
            _row(f"backfill --no-analysis, {workers} worker(s)", rates[workers], _notes(result), result["load"])
        if len(rates) > 1:
            low, high = min(rates), max(rates)
            _row("scaling ratio", rates[high] / rates[low], f"{high} workers over {low}")
        for workers in args.workers:
            result = json.loads(run(WORKER_PEAK, str(scratch / f"analysed-{workers}.db"), str(workers), "analyse",
                                    *map(str, analysed)))
            _row(f"backfill with analysis, {workers} worker(s)", result["pages"] / result["seconds"],
                 _notes(result) + f"; {result['analysed'] / result['phases']['analyse']:.1f} articles "
                 f"analysed/s ({result['analysed']})", result["load"])
        serial = json.loads(run(CONSUMER, str(scratch / f"backfill-{args.workers[-1]}.db"), str(scratch / "copy"),
                              str(args.consumer_articles)))
        _row("story consumer alone, vectors given", serial["vectors"], "articles/s (headlines embedded by workers)")
        _row("story consumer alone, embedding", serial["embedding"], "articles/s (headlines embedded in it)")
        _row("store writes alone", serial["store"], "articles/s, slices of 500 into SQLite")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _notes(result: dict[str, Any]) -> str:
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in result["phases"].items())
    peaks = "/".join(f"{p:.0f}" for p in result["peak_mib"])
    return f"pages/s; {result['pages']} pages; {phases}; start-up {result['startup']:.0f} s; peak MiB/worker {peaks}"


def _row(name: str, rate: float, notes: str, load: float | None = None) -> None:
    print(f"{name:38} {rate:>8.1f}  {load if load is not None else os.getloadavg()[0]:>5.1f}  {notes}", flush=True)


if __name__ == "__main__":
    main()
