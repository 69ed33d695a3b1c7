"""Cost of adding ONE article as the store grows (run by hand; a store of 100,000 takes a while).

    python benchmarks/bench_growth.py [--sizes 1000 10000 100000] [--per-day 400]

The stream is bench_stream.py's: NeuS training stories dated at `--per-day` articles a day
(synthetic words without ../shared). The store is filled through `api.ingest_documents` up to
each size; then, with the next article of the stream:
  - start-up: a process that imports storylens and loads the embedding model, nothing else;
  - one `storylens ingest one.jsonl` in a fresh process (start-up included) and its peak memory;
  - in-process, cold: a fresh story state loaded from the store, then the article placed;
  - in-process, warm: the state kept in memory (a server), per article over the next 20.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stream import NEUS, news_stream, synthetic_stream  # noqa: E402

from storylens import api  # noqa: E402
from storylens.config import Settings, env_name  # noqa: E402
from storylens.model import Article, RawDocument, iso  # noqa: E402

WARM = 20
STARTUP = "import storylens.api; from storylens.analyze import embed; embed.load()"


def document(article: Article) -> RawDocument:
    return RawDocument(f"stream:{article.id}", "clean", article.text, title=article.title,
                       published=article.published, id=article.id)


def timed_process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak MiB) of a fresh process, measured by GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        began = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - began
        return seconds, int(out.read().split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--per-day", type=int, default=400)
    args = parser.parse_args()
    total = max(args.sizes) + (WARM + 2) * len(args.sizes)
    stream = [a for a, _ in (news_stream(total, args.per_day) if NEUS.with_suffix(".gold.jsonl").exists()
                             else synthetic_stream(total, args.per_day))]
    print("| stored | start-up s | one `storylens ingest` s | its peak MiB | in-process cold s | warm s/article |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "growth.db"))
        env = os.environ | {env_name("db"): settings.db}
        position = 0
        for size in sorted(args.sizes):
            while position < size:
                step = min(size, position + 2000)
                api.ingest_documents([document(a) for a in stream[position:step]], settings)
                position = step
            startup, _ = timed_process([sys.executable, "-c", STARTUP], env)
            one = Path(tmp) / "one.jsonl"
            article = stream[position]
            one.write_text(json.dumps({"id": article.id, "title": article.title, "text": article.text,
                                       "published": iso(article.published)}) + "\n")
            seconds, peak = timed_process([sys.executable, "-m", "storylens", "ingest", str(one)], env)
            began = time.perf_counter()
            placer = api.online_stories(settings)
            api.ingest_documents([document(stream[position + 1])], settings, stories=placer)
            cold = time.perf_counter() - began
            began = time.perf_counter()
            for a in stream[position + 2 : position + 2 + WARM]:
                api.ingest_documents([document(a)], settings, stories=placer)
            warm = (time.perf_counter() - began) / WARM
            position += 2 + WARM
            print(f"| {size:,} | {startup:.2f} | {seconds:.2f} | {peak:.0f} | {cold:.3f} | {warm:.4f} |", flush=True)


if __name__ == "__main__":
    main()
