"""The cluster stage on the development sets (run by hand): articles per second and memory.

    python benchmarks/bench_cluster.py [--runs 3] [--sets neus-val ...] [--against REV]

First `storylens cluster SET --json` itself, `--runs` times in a row: the median wall time
(start-up and model load included: what the issue's 150 articles/s is about) and the median CPU
seconds, which a busy machine inflates less than wall time; the runs must give the same stories.
Then, in one fresh process, the stage alone (model loaded before the clock starts) and that
process' peak memory. The load average is printed beside each set: on a shared 2-core machine,
the figures mean little without it. Sets missing from ../shared/data/cluster are skipped.

`--against REV` times a git revision's `src` too (exported to a temporary folder), its runs
alternating with the working tree's so that both meet the same load (the stage alone then runs
`--runs` times as well, the median shown), and says whether the two gave the same stories: how a
speed change is measured on a shared machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "cluster"
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


def cli_run(path: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and output of one `storylens cluster` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "storylens", "cluster", str(path), "--json"],
                         capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, run.stdout


def revision_env(rev: str, folder: str) -> dict[str, str]:
    """An environment whose `storylens` is revision `rev`'s `src`, exported into `folder`
    (PYTHONPATH comes before the editable install's path)."""
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(folder, filter="data")
        else:  # our own git's archive of src: nothing outside `folder`
            tar.extractall(folder)
    return {**os.environ, "PYTHONPATH": str(Path(folder) / "src")}


def stage_run(path: Path, env: dict[str, str]) -> dict:
    """The stage alone, in a fresh process: articles, stories, seconds and peak memory."""
    run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True, env=env)
    return json.loads(run.stdout.strip().splitlines()[-1])


def row(name: str, runs: list[tuple[float, float, str]], stages: list[dict], load: float) -> str:
    wall, cpu = statistics.median(w for w, _, _ in runs), statistics.median(c for _, c, _ in runs)
    stage, peak, first = statistics.median(r["stage"] for r in stages), max(r["peak_mib"] for r in stages), stages[0]
    return (f"{name:20} {first['articles']:>8} {first['stories']:>7} {first['articles'] / wall:>9.0f} {wall:>6.2f} "
            f"{cpu:>6.2f} {first['articles'] / stage:>11.0f} {peak:>8.0f}  {load:.1f} -> {os.getloadavg()[0]:.1f}")


def alternating(trees: dict[str, dict[str, str]], rounds: int) -> list[tuple[str, dict[str, str]]]:
    """Each tree once a round, the order reversed every other round (ABBA), so that a load
    rising or falling through the runs weighs on both alike."""
    order = list(trees.items())
    return [tree for n in range(rounds) for tree in (order if n % 2 == 0 else order[::-1])]


def measure(name: str, path: Path, trees: dict[str, dict[str, str]], runs: int) -> None:
    """`runs` CLI runs of each tree, then the stage alone (once, or `runs` times when comparing)."""
    load = os.getloadavg()[0]
    done: dict[str, list[tuple[float, float, str]]] = {label: [] for label in trees}
    stages: dict[str, list[dict]] = {label: [] for label in trees}
    for label, env in alternating(trees, runs):
        done[label].append(cli_run(path, env))
    for label, found in done.items():
        if len({out for _, _, out in found}) != 1:
            raise SystemExit(f"{name}{label}: the {runs} runs gave different stories")
    for label, env in alternating(trees, runs if len(trees) > 1 else 1):
        stages[label].append(stage_run(path, env))
    for label in trees:
        print(row(name + label, done[label], stages[label], load), flush=True)
    if len({found[0][2] for found in done.values()}) > 1:
        print(f"{name}: the revisions gave different stories", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="CLI runs per set (the median is shown)")
    parser.add_argument("--sets", nargs="+", default=SETS, choices=SETS, help="which sets (default: all)")
    parser.add_argument("--against", metavar="REV", help="also time this git revision, run alternately")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        trees = {f" @{args.against}": revision_env(args.against, folder)} if args.against else {}
        trees[""] = dict(os.environ)  # the working tree, after the revision it is measured against
        print(f"{'set':20} {'articles':>8} {'stories':>7} {'CLI art/s':>9} {'CLI s':>6} {'CPU s':>6} "
              f"{'stage art/s':>11} {'peak MiB':>8}  load average")
        for name in args.sets:
            path = DATA / f"{name}.articles.jsonl"
            if path.exists():
                measure(name, path, trees, args.runs)


if __name__ == "__main__":
    main()
