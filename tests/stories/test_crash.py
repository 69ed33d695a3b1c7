"""kill -9 at several points of a real `storylens ingest`: the next ingest finishes the work."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storylens import api
from storylens.config import Settings, env_name
from tests.stories.consistency import check_store

RECORDS = 320


def write_feed(path: Path, seed: int = 11) -> None:
    """Short reports of 64 made-up events, five each, with words of their own and shared ones."""
    rng = random.Random(seed)
    common = [f"common{n}" for n in range(400)]
    lines = []
    for n in range(RECORDS):
        event = n % 64
        names = [f"Place{event}x{k}" for k in range(4)]
        words = rng.sample(common, 30) + [rng.choice(names) for _ in range(12)]
        rng.shuffle(words)
        lines.append(json.dumps({"id": f"r{n}", "title": " ".join(rng.sample(names, 3)), "text": " ".join(words) + ".",
                                 "published": f"2025-03-{1 + event % 20:02d}"}))
    path.write_text("\n".join(lines) + "\n")


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def ingest_until_killed(feed: Path, db: Path, when_stored: int) -> int:
    """Start a real ingest; SIGKILL it once `when_stored` articles are committed (0: while it starts)."""
    env = os.environ | {env_name("db"): str(db)}
    process = subprocess.Popen([sys.executable, "-m", "storylens", "ingest", str(feed)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    if when_stored == 0:
        time.sleep(0.5)
    while when_stored and stored(db) < when_stored and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return stored(db)


@pytest.mark.parametrize("when_stored", [0, 1, RECORDS // 2])
def test_an_ingest_killed_at_any_point_is_finished_by_the_next(tmp_path: Path, when_stored: int) -> None:
    feed, db = tmp_path / "feed.jsonl", tmp_path / "s.db"
    write_feed(feed)
    at_kill = ingest_until_killed(feed, db, when_stored)
    assert at_kill < RECORDS, "the ingest finished before it could be killed"
    report = api.ingest([feed], settings=Settings(db=str(db)))
    assert len(report.added) + len(report.already_stored) == RECORDS and not report.rejected
    assert len(report.already_stored) == at_kill  # what was committed before the kill, no more
    assert check_store(str(db))["articles"] == RECORDS


def test_two_writers_at_once_lose_nothing_and_place_each_article_once(tmp_path: Path) -> None:
    feed, db = tmp_path / "feed.jsonl", tmp_path / "s.db"
    write_feed(feed)
    lines = feed.read_text().splitlines()
    halves = [tmp_path / "odd.jsonl", tmp_path / "even.jsonl"]
    halves[0].write_text("\n".join(lines[1::2]) + "\n")
    halves[1].write_text("\n".join(lines[0::2]) + "\n")
    env = os.environ | {env_name("db"): str(db)}
    writers = [subprocess.Popen([sys.executable, "-m", "storylens", "ingest", str(half), "--json"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for half in halves]
    outputs = [w.communicate(timeout=300) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], [err.decode()[-2000:] for _, err in outputs]
    added = [json.loads(out.decode().strip().splitlines()[-1])["added"] for out, _ in outputs]
    assert sorted(added[0] + added[1]) == sorted(f"r{n}" for n in range(RECORDS))
    assert check_store(str(db))["articles"] == RECORDS
