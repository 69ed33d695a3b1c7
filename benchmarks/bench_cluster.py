"""The cluster stage on the development sets (run by hand): articles per second and memory.

    python benchmarks/bench_cluster.py

Each set runs in a fresh process, as `storylens cluster` would: start-up and model load are in
the first column, the stage alone in the second, and the peak memory of that process in the
third. Sets missing from ../shared/data/cluster are skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


def main() -> None:
    print(f"{'set':14} {'articles':>8} {'stories':>8} {'art/s incl. start':>18} {'art/s stage':>12} {'peak MiB':>9}")
    for name in SETS:
        path = DATA / f"{name}.articles.jsonl"
        if not path.exists():
            continue
        run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"{name:14} {r['articles']:>8} {r['stories']:>8} {r['articles'] / r['total']:>18.0f} "
              f"{r['articles'] / r['stage']:>12.0f} {r['peak_mib']:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
