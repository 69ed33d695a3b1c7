"""The cluster stage on the development sets (run by hand): articles per second and memory.

    python benchmarks/bench_cluster.py [--runs 3] [--sets neus-val ...]

First `storylens cluster SET --json` itself, `--runs` times in a row: the median wall time
(start-up and model load included: what the issue's 150 articles/s is about) and the median CPU
seconds, which a busy machine inflates less than wall time; the runs must give the same stories.
Then, in one fresh process, the stage alone (model loaded before the clock starts) and that
process' peak memory. The load average is printed beside each set: on a shared 2-core machine,
the figures mean little without it. Sets missing from ../shared/data/cluster are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cluster"
SETS = ("basil-dev", "ecbplus-dev", "neus-val", "neus-train")

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from storylens import api
from storylens.stories.signals import read_signals
from storylens.model import Article
read_signals([Article.create("warm up", title="warm up")])  # loads the embedding model
loaded = time.perf_counter()
labels = api.cluster_records(sys.argv[1])
done = time.perf_counter()
print(json.dumps({"articles": len(labels), "stories": len(set(s for _, s in labels)),
                  "total": done - started, "stage": done - loaded,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def cli_run(path: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and output of one `storylens cluster` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "storylens", "cluster", str(path), "--json"],
                         capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="CLI runs per set (the median is shown)")
    parser.add_argument("--sets", nargs="+", default=SETS, choices=SETS, help="which sets (default: all)")
    args = parser.parse_args()
    print(f"{'set':12} {'articles':>8} {'stories':>7} {'CLI art/s':>9} {'CLI s':>6} {'CPU s':>6} "
          f"{'stage art/s':>11} {'peak MiB':>8}  load average")
    for name in args.sets:
        path = DATA / f"{name}.articles.jsonl"
        if not path.exists():
            continue
        load = os.getloadavg()[0]
        runs = [cli_run(path) for _ in range(args.runs)]
        if len({out for _, _, out in runs}) != 1:
            raise SystemExit(f"{name}: the {args.runs} runs gave different stories")
        wall, cpu = statistics.median(w for w, _, _ in runs), statistics.median(c for _, c, _ in runs)
        stage = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        r = json.loads(stage.stdout.strip().splitlines()[-1])
        print(f"{name:12} {r['articles']:>8} {r['stories']:>7} {r['articles'] / wall:>9.0f} {wall:>6.2f} {cpu:>6.2f} "
              f"{r['articles'] / r['stage']:>11.0f} {r['peak_mib']:>8.0f}  {load:.1f} -> {os.getloadavg()[0]:.1f}",
              flush=True)


if __name__ == "__main__":
    main()
