"""Stories decided one `ingest` at a time against one `storylens cluster` run (run by hand).

    python benchmarks/bench_incremental.py [--sets basil-dev ecbplus-dev neus-val]

For each development set: the batch labels come from `api.cluster_records` (what `storylens
cluster` prints); the incremental ones from one `api.ingest_documents` call per line into a
fresh store, each call with a fresh story state loaded from the store (as a new process would).
Both are scored with ../shared/eval/score_cluster.py (BCubed F1), side by side.
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


def incremental(path: Path, db: str) -> tuple[list[tuple[str, str]], float]:
    settings = Settings(db=db)
    given, stored_as = [], []
    started = time.perf_counter()
    for item in parse_jsonl(path.read_text(encoding="utf-8"), str(path)):
        assert not isinstance(item, Rejection), item
        report = api.ingest_documents([item], settings, stories=api.online_stories(settings))
        given.append(item.id or "")
        stored_as.append((report.added + report.already_stored)[0])
    seconds = time.perf_counter() - started
    with SQLiteStore(db) as store:
        story = {a: s.id for s in store.stories() for a in s.article_ids}
    return [(g, story[s]) for g, s in zip(given, stored_as, strict=True)], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", default=["basil-dev", "ecbplus-dev", "neus-val"])
    args = parser.parse_args()
    print("| set | articles | batch BCubed F1 | one ingest per article | difference | incremental s/article |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in args.sets:
            base = SHARED / "data/cluster" / name
            articles, gold = Path(f"{base}.articles.jsonl"), Path(f"{base}.gold.jsonl")
            batch = score(gold, api.cluster_records(articles), folder, f"{name}-batch")
            labels, seconds = incremental(articles, str(folder / f"{name}.db"))
            one_by_one = score(gold, labels, folder, f"{name}-incremental")
            print(f"| {name} | {len(labels)} | {batch:.3f} | {one_by_one:.3f} | {one_by_one - batch:+.3f} "
                  f"| {seconds / len(labels):.3f} |", flush=True)


if __name__ == "__main__":
    main()
