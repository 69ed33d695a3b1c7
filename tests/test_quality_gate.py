"""The quality gate: the shared scorers on the seeds and the development sets, against pinned floors.

Modelled on trafilatura's eval_gate.py. Each row of quality_floors.json is one test, so a drop
names exactly what fell. Runs the real CLI as a user would, through `python -m storylens`.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, shared_path

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text())["rows"]
pytestmark = [pytest.mark.shared, pytest.mark.slow]


def storylens(*args: str, out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        subprocess.run([sys.executable, "-m", "storylens", *args], stdout=handle, check=True, cwd=ROOT)


def scorer(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(SHARED / "eval" / script), *args, "--json"],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


@cache
def measure(task: str, name: str, work: Path) -> dict:
    seeds = shared_path("seeds")
    if name == "seeds":
        files = [str(p) for p in sorted(seeds.glob("0*.txt"))]
        gold = str(seeds / "seed-pair.gold.json")
        out = work / f"seeds-{task}.json"
        storylens(task, *files, "--json", out=out)
        flag = "--output" if task == "clean" else "--report"
        return scorer(f"score_{task}.py", "--gold", gold, flag, str(out))
    if task == "clean":
        truth = shared_path("data", name, "ground-truth.json")
        pages = work / name
        pages.mkdir(exist_ok=True)
        for gz in sorted(truth.parent.glob("html/*.html.gz")):
            (pages / gz.name[:-3]).write_bytes(gzip.decompress(gz.read_bytes()))
        out = work / f"{name}.jsonl"
        storylens("clean", *map(str, sorted(pages.glob("*.html"))), "--json", out=out)
        return scorer("score_clean.py", "--truth", str(truth), "--output", str(out))
    if task == "cluster":
        articles = shared_path("data", "cluster", f"{name}.articles.jsonl")
        out = work / f"{name}.pred.jsonl"
        storylens("cluster", str(articles), "--json", out=out)
        return scorer("score_cluster.py", "--gold", str(articles).replace(".articles.", ".gold."), "--pred", str(out))
    gold = shared_path("data", "quotes", name, "gold.jsonl")
    out = work / f"{name}.analyze.jsonl"
    storylens("analyze", *map(str, sorted(gold.parent.glob("text/*.txt"))), "--json", out=out)
    return scorer("score_quotes.py", "--gold", str(gold), "--output", str(out))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gate")


@pytest.mark.parametrize("row", FLOORS, ids=lambda r: f"{r['task']}-{r['set']}-{r['metric']}")
def test_score_holds_its_floor(row: dict, work: Path) -> None:
    value = measure(row["task"], row["set"], work)[row["metric"]]
    print(f"{row['task']} {row['set']} {row['metric']} = {value}")
    if "min" in row:
        assert value >= row["min"], f"{row['metric']} fell to {value} (floor {row['min']})"
    if "max" in row:
        assert value <= row["max"], f"{row['metric']} rose to {value} (ceiling {row['max']})"
    if "equals" in row:
        assert value == row["equals"]
