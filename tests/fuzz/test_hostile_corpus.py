"""Every generated hostile input ends as an article or a rejection naming why, within a bound.

Issue 17 listed inputs that hung a run for minutes, crashed it, or were silently skipped; the
corpus in `corpus.py` rebuilds each kind. Sizes are scaled down (`SCALE`) so CI stays quick;
`benchmarks/bench_hostile.py` runs them at full size and reports time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storylens.clean import clean_or_reject
from storylens.config import Settings
from storylens.ingest import read_inputs
from storylens.model import Article, Rejection
from tests.conftest import ROOT
from tests.fuzz.corpus import CASES, Case, write_corpus

SCALE = 0.25
FILE_BOUND_S = 60.0  # wall time per file, reading and cleaning; the cleaning budget is 20 s of it
SETTINGS = Settings(clean_budget_s=20.0)


def outcomes(path: Path, settings: Settings) -> list[Article | Rejection]:
    """What `ingest` makes of one input, short of storing it: the same readers and boundary."""
    found: list[Article | Rejection] = []
    for item in read_inputs([path], int(settings.max_input_mb * 2**20)):
        found.append(item if isinstance(item, Rejection) else clean_or_reject(item, settings))
    return found


def assert_storable(outcome: Article | Rejection) -> None:
    """Every string can be encoded: no lone surrogate reaches the store, a terminal or JSON."""
    texts = ([outcome.input, outcome.reason] if isinstance(outcome, Rejection)
             else [outcome.id, outcome.text, outcome.title or "", outcome.input or ""])
    for text in texts:
        text.encode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_ends_as_an_article_or_a_named_rejection(case: Case, tmp_path: Path) -> None:
    if not case.needs():
        pytest.skip(f"{case.name}: not possible on this system")
    path = case.make(tmp_path, SCALE)
    started = time.monotonic()
    found = outcomes(path, SETTINGS)
    elapsed = time.monotonic() - started
    assert elapsed < FILE_BOUND_S, f"{case.name} took {elapsed:.1f} s"
    assert len(found) == 1, found
    (outcome,) = found
    assert_storable(outcome)
    if case.expect == "article":
        assert isinstance(outcome, Article), outcome
        assert outcome.text.strip()
    else:
        assert isinstance(outcome, Rejection) and case.expect in outcome.reason, outcome


@pytest.mark.slow
def test_ingest_of_the_whole_corpus_completes_and_says_what_it_rejected(tmp_path: Path) -> None:
    """The CLI run over every kind at once: it finishes, stores the articles, names each
    rejection, and exits with 3 (some inputs rejected); the store reads back afterwards."""
    cases = write_corpus(tmp_path / "corpus", SCALE)
    db = str(tmp_path / "hostile.db")
    done = subprocess.run([sys.executable, "-m", "storylens", "--db", db, "ingest", str(tmp_path / "corpus"),
                           "--json"], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 3, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    articles = [name for name, (_, expect) in cases.items() if expect == "article"]
    assert len(report["added"]) + len(report["already_stored"]) == len(articles)  # the same text, once added
    assert report["added"], "distinct articles are stored"
    reasons = " | ".join(r["reason"] for r in report["rejected"])
    for name, (_, expect) in cases.items():
        if expect != "article":
            assert expect in reasons, f"{name}: no rejection says {expect!r}"
    listed = subprocess.run([sys.executable, "-m", "storylens", "--db", db, "stories", "--json"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert listed.stdout.strip()
