"""Stories decided one `ingest` at a time against one `storylens cluster` run (run by hand).

    python benchmarks/bench_incremental.py [--sets basil-dev ecbplus-dev neus-val]

For each development set: the batch labels come from `api.cluster_records` (what `storylens
cluster` prints); the incremental ones from one `api.ingest_documents` call per line into a
fresh store, each call with a fresh story state loaded from the store (as a new process would).
Both are scored with ../shared/eval/score_cluster.py (BCubed F1), side by side. A line that
`ingest` rejects (less than an article: `storylens cluster` takes every line) gets no story and
scores as a one-article story; the batch labels are scored both as they are and with the same
lines left out, so that the difference left is the clustering's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storylens import api
from storylens.config import Settings
from storylens.ingest.files import parse_jsonl
from storylens.model import Rejection
from storylens.store import SQLiteStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def score(gold: Path, labels: list[tuple[str, str]], folder: Path, name: str) -> float:
    pred = folder / f"{name}.jsonl"
    pred.write_text("".join(json.dumps({"id": a, "story": s}) + "\n" for a, s in labels))
    out = subprocess.run([sys.executable, str(SHARED / "eval/score_cluster.py"), "--gold", str(gold),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, check=True).stdout
    return float(json.loads(out)["bcubed_f1"])


def incremental(path: Path, db: str, per_run: int = 1) -> tuple[list[tuple[str, str]], list[str], float]:
    """(article id, story id) of each stored line, the ids of the lines ingest rejected, seconds;
    `per_run` lines an ingest run."""
    settings = Settings(db=db)
    given, stored_as, rejected = [], [], []
    items = list(parse_jsonl(path.read_text(encoding="utf-8"), str(path)))
    started = time.perf_counter()
    for start in range(0, len(items), per_run):
        run = items[start : start + per_run]
        assert not any(isinstance(item, Rejection) for item in run), run
        report = api.ingest_documents(run, settings, stories=api.online_stories(settings))
        refused = {r.input for r in report.rejected}
        for item, stored in zip((i for i in run if i.source not in refused),
                                report.added + report.already_stored, strict=True):
            given.append(item.id or "")
            stored_as.append(stored)
        rejected += [item.id or "" for item in run if item.source in refused]
    seconds = time.perf_counter() - started
    with SQLiteStore(db) as store:
        story = {a: s.id for s in store.stories() for a in s.article_ids}
    return [(g, story[s]) for g, s in zip(given, stored_as, strict=True)], rejected, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", default=["basil-dev", "ecbplus-dev", "neus-val"])
    parser.add_argument("--per-run", type=int, default=1, help="lines given to each ingest run (1: one by one)")
    args = parser.parse_args()
    print("| set | articles | rejected by ingest | batch BCubed F1 | batch, rejected lines apart "
          f"| ingest, {args.per_run} line(s) a run | difference | incremental s/article |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in args.sets:
            base = SHARED / "data/cluster" / name
            articles, gold = Path(f"{base}.articles.jsonl"), Path(f"{base}.gold.jsonl")
            batch_labels = api.cluster_records(articles)
            batch = score(gold, batch_labels, folder, f"{name}-batch")
            labels, rejected, seconds = incremental(articles, str(folder / f"{name}.db"), args.per_run)
            left_out = set(rejected)
            apart = score(gold, [(a, s) for a, s in batch_labels if a not in left_out], folder, f"{name}-apart")
            one_by_one = score(gold, labels, folder, f"{name}-incremental")
            print(f"| {name} | {len(labels) + len(rejected)} | {len(rejected)} | {batch:.3f} | {apart:.3f} "
                  f"| {one_by_one:.3f} | {one_by_one - apart:+.3f} | {seconds / len(labels):.3f} |", flush=True)


if __name__ == "__main__":
    main()
